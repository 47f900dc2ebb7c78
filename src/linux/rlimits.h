/* process.rlimits. */
#ifndef BRIG_LINUX_RLIMITS_H
#define BRIG_LINUX_RLIMITS_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* setrlimit() for each entry; errors: "setrlimit RLIMIT_X: cause". */
int brig_rlimits_apply(const oci_process *process, brig_error **err);

#endif
