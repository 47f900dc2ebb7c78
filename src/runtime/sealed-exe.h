/* CVE-2019-5736: the container must not reach the brig binary on disk. */
#ifndef BRIG_RUNTIME_SEALED_EXE_H
#define BRIG_RUNTIME_SEALED_EXE_H

#include "util/error.h"

/* Makes sure brig runs from a sealed memfd copy of itself: if
 * /proc/self/exe is not one yet, copies the binary into a memfd, seals it
 * (no write, grow, shrink, no new seals) and re-execs it with the same argv
 * and environment.  Returns 0 when already sealed; does not return on a
 * successful re-exec; -1 with *err set on failure. */
int brig_sealed_exe_ensure(brig_error **err);

#endif
