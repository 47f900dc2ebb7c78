/* The container's root: mount propagation, the rootfs bind, pivot_root (or
 * MS_MOVE + chroot with --no-pivot), read-only root. */
#ifndef BRIG_LINUX_ROOTFS_H
#define BRIG_LINUX_ROOTFS_H

#include <stdbool.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* In the new mount namespace: makes "/" rslave (or linux.rootfsPropagation)
 * so that nothing done here reaches the host, binds the rootfs onto itself
 * and returns an O_PATH fd of it in *rootfd. */
/* root.path made absolute: as it is, or relative to the bundle
 * directory.  malloc'd; NULL without root.path or on ENOMEM. */
char *brig_rootfs_path(const oci_spec *spec, const char *bundle);

int brig_rootfs_prepare(const char *rootfs, const oci_linux *linux_, int *rootfd, brig_error **err);

/* Makes rootfd the new "/" and detaches the old one. */
int brig_rootfs_enter(int rootfd, bool no_pivot, brig_error **err);

/* After the mounts: root.readonly and a shared/unbindable
 * rootfsPropagation. */
int brig_rootfs_finish(const oci_spec *spec, brig_error **err);

#endif
