/* Rootless: brig, run by an unprivileged user, enters a user namespace of
 * its own in which that user keeps their ids (uid and gid mapped onto
 * themselves, nothing else mapped) and brig holds every capability, so
 * the namespaces and mounts of a container can be made without root or a
 * SUID helper.  What it cannot do there: write cgroups it was not
 * delegated, mknod (devices are bound from the host instead), change the
 * supplementary groups (setgroups is denied, as an unprivileged gid_map
 * requires: the container keeps the caller's groups), map other ids. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
brig_userns_enter_self(brig_error **err)
{
  oci_id_mapping uid = { .container_id = geteuid(), .host_id = geteuid(), .size = 1 };
  oci_id_mapping gid = { .container_id = getegid(), .host_id = getegid(), .size = 1 };
  oci_linux maps = {
    .uid_mappings = &uid, .uid_mappings_len = 1, .gid_mappings = &gid, .gid_mappings_len = 1
  };

  /* The capabilities last until the next execve as a non-root uid: brig
   * must not exec itself after this (the sealed copy is made before). */
  if (unshare(CLONE_NEWUSER) < 0)
    return brig_fail(err, errno,
                     "rootless: unshare a user namespace (are unprivileged user namespaces "
                     "disabled? see user.max_user_namespaces)");
  /* gid_map after setgroups "deny", which the writer sees to. */
  if (brig_ns_write_id_maps_at(AT_FDCWD, "/proc/self", &maps, err) < 0)
    return brig_error_wrap(err, "rootless");
  return 0;
}

bool
brig_setgroups_denied(void)
{
  char buf[16] = { 0 };
  _cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

  return fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && strncmp(buf, "deny", 4) == 0;
}

int
brig_set_groups(const oci_user *u, bool in_user_ns, brig_error **err)
{
  size_t n = u ? u->additional_gids_len : 0, i;
  _cleanup_free_ gid_t *groups = NULL;

  if (n) {
    groups = calloc(n, sizeof(gid_t));
    if (!groups)
      return brig_fail(err, ENOMEM, "setgroups");
    for (i = 0; i < n; i++)
      groups[i] = u->additional_gids[i];
  }
  if (setgroups(n, groups) == 0 || (errno == EPERM && in_user_ns))
    return 0;
  if (errno != EPERM || !brig_setgroups_denied())
    return brig_fail(err, errno, "setgroups");
  if (n)
    return brig_fail(err, 0,
                     "process.user.additionalGids: setgroups is denied in brig's user namespace "
                     "(rootless)");
  return 0;
}
