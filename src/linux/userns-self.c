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
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "util/cleanup.h"

static int
write_self(const char *file, const char *text, brig_error **err)
{
  _cleanup_close_ int fd = -1;
  char path[64];
  size_t len = strlen(text);

  snprintf(path, sizeof(path), "/proc/self/%s", file);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, text, len) != (ssize_t)len)
    return brig_fail(err, errno, "rootless: write %s", path);
  return 0;
}

int
brig_userns_enter_self(brig_error **err)
{
  uid_t uid = geteuid();
  gid_t gid = getegid();
  char map[64];

  /* The capabilities last until the next execve as a non-root uid: brig
   * must not exec itself after this (the sealed copy is made before). */
  if (unshare(CLONE_NEWUSER) < 0)
    return brig_fail(err, errno,
                     "rootless: unshare a user namespace (are unprivileged user namespaces "
                     "disabled? see user.max_user_namespaces)");
  snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
  if (write_self("uid_map", map, err) < 0 || write_self("setgroups", "deny", err) < 0)
    return -1;
  snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
  return write_self("gid_map", map, err);
}

bool
brig_setgroups_denied(void)
{
  char buf[16] = { 0 };
  _cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

  return fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && strncmp(buf, "deny", 4) == 0;
}
