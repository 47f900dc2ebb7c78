/* linux.sysctl, written below the container's /proc/sys. */
#ifndef BRIG_LINUX_SYSCTL_H
#define BRIG_LINUX_SYSCTL_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* After pivot_root.  Errors: "sysctl KEY: cause". */
int brig_sysctl_apply(const oci_linux *linux_, brig_error **err);

#endif
