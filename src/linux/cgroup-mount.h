/* The spec's `cgroup` mount: the container's own cgroups at
 * /sys/fs/cgroup, not the host's whole tree.
 *
 * Pure cgroup v2 host: the container's cgroup directory is bound at the
 * destination.  v1 or hybrid host: a tmpfs, and in it one directory per
 * host hierarchy (memory, cpu,cpuacct, unified, systemd, ...) with the
 * container's directory of that hierarchy bound on it, plus the cpu ->
 * cpu,cpuacct style links; the tmpfs is made read-only when the mount is.
 * With a cgroup namespace the container's /proc/self/cgroup then says "/"
 * for the directory it sees as the root, as on a real machine.
 *
 * The init reads its own cgroups and the host's cgroup mounts (through the
 * host's /proc, never the container's) before it unshares its cgroup
 * namespace: afterwards both files are rewritten relative to the new
 * namespace and no longer name host paths. */
#ifndef BRIG_LINUX_CGROUP_MOUNT_H
#define BRIG_LINUX_CGROUP_MOUNT_H

#include "util/error.h"

typedef struct brig_cgroup_view {
  char *self_cgroup; /* /proc/self/cgroup */
  char *mountinfo;   /* /proc/self/mountinfo */
} brig_cgroup_view;

/* Reads both files through proc_fd (the host's /proc, O_PATH). */
int brig_cgroup_view_read(int proc_fd, brig_cgroup_view *v, brig_error **err);
void brig_cgroup_view_free(brig_cgroup_view *v);

/* Mounts the container's cgroups on dst (an O_PATH fd inside the rootfs);
 * attrs are the MOUNT_ATTR_* flags of the spec's mount (ro, nosuid, ...).
 * dest names the destination in errors. */
int brig_cgroup_mount(const brig_cgroup_view *v, int dst, unsigned attrs, const char *dest,
                      brig_error **err);

#endif
