/* The mounts of config.json, maskedPaths and readonlyPaths, done with the
 * new mount API (fsopen/fsmount, open_tree, mount_setattr, move_mount)
 * onto fds resolved inside the rootfs: nothing is re-resolved by path, so
 * no symlink can redirect a mount to the host, and /proc is not needed. */
#ifndef BRIG_LINUX_MOUNTS_H
#define BRIG_LINUX_MOUNTS_H

#include <stdbool.h>

#include "libocispec/ocispec.h"
#include "linux/cgroup-mount.h"
#include "util/error.h"

/* Mounts spec->mounts below the rootfs opened as rootfd.  Relative bind
 * sources are taken relative to bundle; a `cgroup` mount is built from
 * cgroups (see linux/cgroup-mount.h).  Errors: "mount TYPE on DEST: ...". */
int brig_mounts_apply(const oci_spec *spec, int rootfd, const char *bundle,
                      const brig_cgroup_view *cgroups, brig_error **err);

/* Before the container exists: what brig cannot do with spec->mounts.
 * Per-mount uidMappings/gidMappings (idmapped mounts) are not supported,
 * and runtime-spec config.md wants an error rather than an unmapped
 * mount. */
int brig_mounts_validate(const oci_spec *spec, brig_error **err);

/* True if spec has a mount of type cgroup or cgroup2. */
bool brig_mounts_have_cgroup(const oci_spec *spec);

/* An O_PATH fd of the host's /dev/null, checked to be the character
 * device 1:3 ("/dev/null is not the null device" otherwise). */
int brig_trusted_devnull(brig_error **err);

/* A detached copy of a trusted /dev/null, made before pivot_root so that
 * a masked file is never covered with whatever the container's /dev/null
 * is (CVE-2025-31133).  The first masked file gets it; the others get
 * clones of that mount once it is attached (attached).  Not one copy per
 * path: closing a copy that was never attached (a masked path that is a
 * directory or missing) unmounts it, and each unmount waits for an RCU
 * grace period (about 0.3 ms; podman's list has nine such paths here). */
typedef struct brig_mask_prep {
  int null_mnt; /* detached, -1 once attached */
  int attached; /* the first masked file's mount, -1 until then */
} brig_mask_prep;

#define BRIG_MASK_PREP_INIT        \
  {                                \
    .null_mnt = -1, .attached = -1 \
  }

int brig_mounts_mask_prepare(const oci_linux *linux_, brig_mask_prep *prep, brig_error **err);
void brig_mask_prep_close(brig_mask_prep *prep);

/* After pivot_root: the prepared /dev/null over masked files, an empty
 * read-only tmpfs over masked directories; missing paths are skipped. */
int brig_mounts_mask(const oci_linux *linux_, brig_mask_prep *prep, brig_error **err);

/* After pivot_root: read-only (and nosuid, nodev, noexec) recursive bind of
 * each path onto itself; missing paths are skipped. */
int brig_mounts_readonly(const oci_linux *linux_, brig_error **err);

/* Clones the mount tree at src (host path, or relative to srcdir when
 * srcdir >= 0), applies attr (MOUNT_ATTR_*, recursively if rec) and
 * attaches it on the O_PATH fd dst. */
int brig_bind_onto(int srcdir, const char *src, int dst, bool rec, unsigned attr);

/* mount_setattr() on path (relative to dirfd) with AT_RECURSIVE if rec. */
int brig_mount_set_attr(int dirfd, const char *path, bool rec, unsigned set, unsigned clr,
                        unsigned long propagation);

#endif
