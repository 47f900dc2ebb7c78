#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "linux/mounts-proc.h"
#include "linux/resolve.h"
#include "util/cleanup.h"

/* The inode number of every procfs root (fs/proc/root.c). */
#define PROC_ROOT_INO 1

static bool
on_procfs(int fd, struct stat *st)
{
  struct statfs sfs;

  return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC && fstat(fd, st) == 0;
}

/* For the message: where dst is in the container (its host path less the
 * rootfs's), or "" when /proc cannot say. */
static void
container_path(int rootfd, int dst, char *out, size_t size)
{
  char link[64], root[4096], path[4096];
  ssize_t n, r;

  out[0] = '\0';
  snprintf(link, sizeof(link), "/proc/self/fd/%d", rootfd);
  r = readlink(link, root, sizeof(root) - 1);
  snprintf(link, sizeof(link), "/proc/self/fd/%d", dst);
  n = readlink(link, path, sizeof(path) - 1);
  if (r <= 0 || n <= 0)
    return;
  root[r] = path[n] = '\0';
  if (strcmp(root, "/") == 0)
    r = 0;
  if (strncmp(path, root, (size_t)r) == 0 && path[r] == '/')
    snprintf(out, size, "%s", path + r);
}

/* Is where (the destination as resolved) the very path the spec gives,
 * under /proc?  Then the spec asked for /proc itself (lxcfs's files over
 * /proc/uptime and the like, Firejail's blacklists), not an image symlink
 * that led elsewhere into it. */
static bool
named_in_proc(const char *destination, const char *where)
{
  char norm[4096];
  size_t n = 0;
  const char *p;

  for (p = destination; *p && n < sizeof(norm) - 2; p++)
    if (*p != '/' || (n > 0 && norm[n - 1] != '/'))
      norm[n++] = *p;
    else if (n == 0)
      norm[n++] = '/';
  while (n > 1 && norm[n - 1] == '/')
    n--;
  norm[n] = '\0';
  if (norm[0] != '/')
    return false;
  return strncmp(norm, "/proc/", 6) == 0 && strcmp(norm, where) == 0;
}

int
brig_mount_check_proc(const oci_mount *m, const char *type, int tree, int rootfd, int dst,
                      brig_error **err)
{
  struct stat st, src;
  char where[4096];

  if (!on_procfs(dst, &st))
    return 0;
  if (st.st_ino == PROC_ROOT_INO) {
    /* /proc itself, mounted again: a new proc, or a bind of a procfs
     * root (what runc allows there). */
    if (tree < 0 && type && strcmp(type, "proc") == 0)
      return 0;
    if (tree >= 0 && on_procfs(tree, &src) && src.st_ino == PROC_ROOT_INO)
      return 0;
  }
  container_path(rootfd, dst, where, sizeof(where));
  if (*where && named_in_proc(m->destination, where))
    return 0;
  if (!*where)
    return brig_fail(err, 0, "mount %s: the destination is inside /proc", m->destination);
  return brig_fail(err, 0, "mount %s: the destination is inside /proc (%s)", m->destination, where);
}
