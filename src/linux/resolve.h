/* Paths inside the container's rootfs, resolved by the kernel as if the
 * rootfs were "/" (openat2 RESOLVE_IN_ROOT): a symlink in the rootfs, even
 * one swapped in during setup, cannot lead a mount out of the rootfs
 * (CVE-2021-30465 class).  Every mount then targets the returned fd, never
 * a path that would be resolved again. */
#ifndef BRIG_LINUX_RESOLVE_H
#define BRIG_LINUX_RESOLVE_H

#include <stdbool.h>

#include "util/error.h"

enum brig_create_kind {
  BRIG_NO_CREATE,
  BRIG_CREATE_DIR,
  BRIG_CREATE_FILE,
};

/* Opens path (absolute or relative, taken relative to rootfd) as an O_PATH
 * fd, creating the missing directories and, for BRIG_CREATE_FILE, an empty
 * last component.  Returns the fd or -1 with errno set. */
int brig_open_in_root(int rootfd, const char *path, enum brig_create_kind kind);

/* openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) with the given flags. */
int brig_openat_in_root(int rootfd, const char *path, int flags);

/* openat2 of an absolute path in this process's own root (after
 * pivot_root, or setns into the container's mount namespace: the
 * container's) without magic links: a symlink of the image through
 * /proc/self/fd/N cannot reach an fd of ours.  Same as RESOLVE_IN_ROOT on
 * an fd of "/", without opening one. */
int brig_open_in_own_root(const char *path, int flags);

struct open_how;
/* openat2(2), retried while the kernel says EAGAIN (a concurrent rename or
 * mount raced with a RESOLVE_IN_ROOT/BENEATH lookup). */
int brig_openat2(int dirfd, const char *path, const struct open_how *how);

#endif
