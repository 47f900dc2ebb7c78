#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/devices.h"
#include "linux/mounts.h"
#include "linux/resolve.h"
#include "util/cleanup.h"

static const struct {
  const char *path;
  unsigned major, minor;
} default_devices[] = {
  { "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
  { "/dev/random", 1, 8 }, { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct {
  const char *target, *name;
  bool stdio; /* runtime-linux.md's four: made even in a bound /dev */
} default_links[] = {
  { "pts/ptmx", "ptmx", false },         { "/proc/self/fd", "fd", true },
  { "/proc/self/fd/0", "stdin", true },  { "/proc/self/fd/1", "stdout", true },
  { "/proc/self/fd/2", "stderr", true }, { "/proc/kcore", "core", false },
};

#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452 /* the same on every architecture */
#endif

/* chmod of the file fd (O_PATH) is open on: fchmodat2 (Linux 6.6) with
 * AT_EMPTY_PATH, else through its /proc/self/fd link, which leads to that
 * inode and nothing else (fchmod refuses O_PATH fds; this is before
 * pivot_root, /proc is the host's).  Never a name looked up again. */
static int
chmod_fd(int fd, mode_t mode)
{
  static bool no_fchmodat2; /* learnt once, not paid per node */
  char link[64];

  if (!no_fchmodat2) {
    if (syscall(__NR_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
      return 0;
    if (errno != ENOSYS && errno != EPERM && errno != EINVAL)
      return -1;
    no_fchmodat2 = true;
  }
  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  return chmod(link, mode);
}

static int
make_node(int rootfd, const char *path, mode_t type, unsigned major, unsigned minor, mode_t mode,
          const oci_device *d, brig_error **err)
{
  _cleanup_free_ char *dir = strdup(path);
  _cleanup_close_ int dirfd = -1, node = -1;
  struct stat nst;
  char *slash, *name;

  if (!dir)
    return brig_fail(err, ENOMEM, "device %s", path);
  slash = strrchr(dir, '/');
  if (!slash || !slash[1])
    return brig_fail(err, EINVAL, "device %s", path);
  *slash = '\0';
  name = slash + 1;
  dirfd = brig_open_in_root(rootfd, *dir ? dir : "/", BRIG_CREATE_DIR);
  if (dirfd < 0)
    return brig_fail(err, errno, "device %s", path);
  /* A node made here has its mode already (the init runs with umask 0)
   * and its type: only an owner asked for remains, set through the fd. */
  if (mknodat(dirfd, name, type | mode, makedev(major, minor)) == 0) {
    if (!d || (!d->has_uid && !d->has_gid))
      return 0;
    node = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (node < 0)
      return brig_fail(err, errno, "device %s", path);
    goto set_owner;
  }
  { /* mknodat failed: a node the image ships, or no CAP_MKNOD */
    _cleanup_close_ int dst = -1, host = -1;
    struct stat st;

    /* The node the image ships gets the mode and owner asked for (a 0600
     * /dev/null would lock out non-root processes), checked below. */
    if (errno == EEXIST)
      goto set_attrs;
    if (errno != EPERM || type == S_IFIFO)
      return brig_fail(err, errno, "mknod %s", path);
    /* No CAP_MKNOD here (user namespace): bind the host's node, checked
     * to be the device asked for, onto an empty file we created. */
    host = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (host < 0 || fstat(host, &st) < 0)
      return brig_fail(err, errno, "bind device %s", path);
    if ((st.st_mode & S_IFMT) != type || st.st_rdev != makedev(major, minor))
      return brig_fail(err, 0, "bind device %s: the host's %s is not that device", path, path);
    if (mknodat(dirfd, name, S_IFREG | 0600, 0) < 0)
      return brig_fail(err, errno, "bind device %s", path);
    dst = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0 || brig_bind_onto(host, "", dst, false, 0) < 0)
      return brig_fail(err, errno, "bind device %s", path);
    return 0;
  }
set_attrs:
  /* The mode and owner go to the node opened here, never to the name
   * again: between a check by name and fchmodat(), which follows
   * symlinks, the name could be swapped for a link to a host file (by
   * another container sharing this rootfs).  runtime-spec config-linux.md:
   * "If a file already exists at path that does not match the requested
   * device, the runtime MUST generate an error."  Not followed: a symlink
   * never matches. */
  node = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (node < 0 || fstat(node, &nst) < 0)
    return brig_fail(err, errno, "device %s", path);
  if ((nst.st_mode & S_IFMT) != type || (type != S_IFIFO && nst.st_rdev != makedev(major, minor)))
    return brig_fail(err, 0, "device %s: a different file already exists there", path);
  if (chmod_fd(node, mode) < 0)
    return brig_fail(err, errno, "chmod %s", path);
set_owner:
  if (d && (d->has_uid || d->has_gid) &&
      fchownat(node, "", d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
               AT_EMPTY_PATH) < 0)
    return brig_fail(err, errno, "chown %s", path);
  return 0;
}

static bool
dev_is_host_bind(const oci_spec *spec)
{
  size_t i, j;

  for (i = 0; i < spec->mounts_len; i++) {
    const oci_mount *m = &spec->mounts[i];

    if (strcmp(m->destination, "/dev") && strcmp(m->destination, "/dev/"))
      continue;
    if (m->type && strcmp(m->type, "bind") == 0)
      return true;
    for (j = 0; j < m->options_len; j++)
      if (strcmp(m->options[j], "bind") == 0 || strcmp(m->options[j], "rbind") == 0)
        return true;
    return false;
  }
  return false;
}

/* /dev is a bind mount: brig does not create nodes in someone else's
 * directory, but the default devices must be there (config-linux.md: the
 * runtime MUST supply them), and the fd/stdio links are made when missing
 * (runtime-linux.md: MUST create them). */
static int
check_bound_dev(int rootfd, brig_error **err)
{
  _cleanup_close_ int dev = brig_open_in_root(rootfd, "/dev", BRIG_NO_CREATE);
  struct stat st;
  size_t i;

  if (dev < 0)
    return brig_fail(err, errno, "open /dev");
  for (i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
    const char *name = default_devices[i].path + 5;

    if (fstatat(dev, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISCHR(st.st_mode) ||
        st.st_rdev != makedev(default_devices[i].major, default_devices[i].minor))
      return brig_fail(err, 0, "/dev is a bind mount without the device %s",
                       default_devices[i].path);
  }
  for (i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++)
    if (default_links[i].stdio &&
        symlinkat(default_links[i].target, dev, default_links[i].name) < 0 && errno != EEXIST)
      return brig_fail(err, errno, "symlink /dev/%s", default_links[i].name);
  return 0;
}

int
brig_devices_create(const oci_spec *spec, int rootfd, brig_error **err)
{
  size_t i;

  if (!dev_is_host_bind(spec)) {
    _cleanup_close_ int dev = brig_open_in_root(rootfd, "/dev", BRIG_CREATE_DIR);

    if (dev < 0)
      return brig_fail(err, errno, "open /dev");
    for (i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++)
      if (make_node(rootfd, default_devices[i].path, S_IFCHR, default_devices[i].major,
                    default_devices[i].minor, 0666, NULL, err) < 0)
        return -1;
    for (i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++)
      if (symlinkat(default_links[i].target, dev, default_links[i].name) < 0 && errno != EEXIST)
        return brig_fail(err, errno, "symlink /dev/%s", default_links[i].name);
    if (mkdirat(dev, "shm", 01777) < 0 && errno != EEXIST)
      return brig_fail(err, errno, "mkdir /dev/shm");
    if (mkdirat(dev, "pts", 0755) < 0 && errno != EEXIST)
      return brig_fail(err, errno, "mkdir /dev/pts");
  } else if (check_bound_dev(rootfd, err) < 0) {
    return -1;
  }
  if (!spec->linux)
    return 0;
  for (i = 0; i < spec->linux->devices_len; i++) {
    const oci_device *d = &spec->linux->devices[i];
    mode_t type = d->type[0] == 'b' ? S_IFBLK : d->type[0] == 'p' ? S_IFIFO : S_IFCHR;
    mode_t mode = d->has_file_mode ? (d->file_mode & 07777) : 0666;

    if (d->path[0] != '/')
      return brig_fail(err, 0, "config.json: linux.devices: %s: path must be absolute", d->path);
    if (type != S_IFIFO && (!d->has_major || !d->has_minor))
      return brig_fail(err, 0, "config.json: linux.devices: %s: major and minor are required",
                       d->path);
    /* containerd's --privileged lists every host device, /dev/ptmx (c 5:2)
     * included.  A 5:2 node would open the host's devpts instance; the
     * pts/ptmx link made above is the container's own, so it stays (runc
     * does the same). */
    if (!dev_is_host_bind(spec) && strcmp(d->path, "/dev/ptmx") == 0 && type == S_IFCHR &&
        d->major == 5 && d->minor == 2)
      continue;
    if (make_node(rootfd, d->path, type, (unsigned)d->major, (unsigned)d->minor, mode, d, err) < 0)
      return -1;
  }
  return 0;
}
