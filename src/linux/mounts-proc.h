/* Mounts that land in the container's procfs.  An image can point a
 * mount destination into /proc with a symlink (/vol -> /proc/self/attr):
 * resolving it inside the rootfs keeps it in the container, but not out of
 * the /proc mounted there a moment before.  A volume over /proc/self/attr
 * fakes the files the LSM label is written to, so the process would run
 * unconfined (CVE-2019-16884, CVE-2023-28642); one over /proc/sys fakes
 * the sysctls.  Inside procfs brig mounts only proc itself on /proc and
 * what the spec names there literally (lxcfs's files, Firejail's
 * blacklists over /proc entries): a destination the image's symlinks led
 * into /proc is refused. */
#ifndef BRIG_LINUX_MOUNTS_PROC_H
#define BRIG_LINUX_MOUNTS_PROC_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* dst: the destination resolved in the rootfs rootfd; tree: the bind
 * source cloned with open_tree, -1 for a new filesystem of type type.
 * 0 when dst is not on procfs, or is an allowed place there; else -1 with
 * "mount DEST: the destination is inside /proc (PATH)". */
int brig_mount_check_proc(const oci_mount *m, const char *type, int tree, int rootfd, int dst,
                          brig_error **err);

#endif
