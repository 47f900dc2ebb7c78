/* linux.sysctl, written below /proc/sys in the container's namespaces. */
#ifndef BRIG_LINUX_SYSCTL_H
#define BRIG_LINUX_SYSCTL_H

#include <stdint.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* At create: every key is namespaced and its namespace is among
 * own_namespaces (CLONE_NEW*: new, or joined and not the host's, as runc
 * allows): "config.json: linux.sysctl["KEY"]: not namespaced" / "needs a
 * network namespace that is not the host's". */
int brig_sysctl_validate(const oci_linux *linux_, uint64_t own_namespaces, brig_error **err);

/* After pivot_root, in the container's namespaces, through proc_fd: the
 * host's /proc, opened before pivot_root (the container's /proc need not
 * be procfs).  Errors: "sysctl KEY: cause". */
int brig_sysctl_apply(int proc_fd, const oci_linux *linux_, brig_error **err);

#endif
