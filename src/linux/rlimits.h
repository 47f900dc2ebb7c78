/* process.rlimits. */
#ifndef BRIG_LINUX_RLIMITS_H
#define BRIG_LINUX_RLIMITS_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* At create and exec: no type twice, soft <= hard.  Errors name the
 * field after DOC ("config.json: process." + "rlimits: ..."). */
int brig_rlimits_validate(const oci_process *process, const char *doc, brig_error **err);

/* In the init, late (see init.c): setrlimit() for each entry; errors: "setrlimit RLIMIT_X: cause".
 */
int brig_rlimits_apply(const oci_process *process, brig_error **err);

#endif
