/* tmpcopyup: a new tmpfs starts with the contents of the directory it
 * covers.  The copy goes from a directory fd inside the container's rootfs
 * to the detached tmpfs, entry by entry through *at() calls with
 * AT_SYMLINK_NOFOLLOW / O_NOFOLLOW, so a symlink in the image is copied as
 * a link and never followed out of the rootfs. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/copy-tree.h"
#include "util/cleanup.h"

#define COPY_MAX_DEPTH 64

static int copy_dir(int src, int dst, int depth);

static int
copy_file(int srcdir, int dstdir, const char *name, const struct stat *st)
{
  _cleanup_close_ int in = -1, out = -1;
  char buf[65536];
  ssize_t n;

  in = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return -1;
  out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               st->st_mode & 07777);
  if (out < 0)
    return -1;
  while ((n = read(in, buf, sizeof(buf))) != 0) {
    char *p = buf;

    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    while (n > 0) {
      ssize_t w = write(out, p, (size_t)n);

      if (w < 0) {
        if (errno == EINTR)
          continue;
        return -1;
      }
      p += w;
      n -= w;
    }
  }
  return 0;
}

static int
copy_entry(int src, int dst, const char *name, int depth)
{
  struct stat st;
  char target[PATH_MAX];
  ssize_t len;

  if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  switch (st.st_mode & S_IFMT) {
  case S_IFDIR: {
    _cleanup_close_ int sub_src = -1, sub_dst = -1;

    if (mkdirat(dst, name, 0700) < 0)
      return -1;
    sub_src = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    sub_dst = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub_src < 0 || sub_dst < 0 || copy_dir(sub_src, sub_dst, depth + 1) < 0)
      return -1;
    break;
  }
  case S_IFREG:
    if (copy_file(src, dst, name, &st) < 0)
      return -1;
    break;
  case S_IFLNK:
    len = readlinkat(src, name, target, sizeof(target) - 1);
    if (len < 0)
      return -1;
    target[len] = '\0';
    if (symlinkat(target, dst, name) < 0)
      return -1;
    break;
  case S_IFCHR:
  case S_IFBLK:
  case S_IFIFO:
    if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
      return -1;
    break;
  default: /* sockets are not content */
    return 0;
  }
  if (fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  if (!S_ISLNK(st.st_mode) && fchmodat(dst, name, st.st_mode & 07777, 0) < 0)
    return -1;
  return 0;
}

static int
copy_dir(int src, int dst, int depth)
{
  DIR *d;
  struct dirent *e;
  int dup_fd, r = 0;

  if (depth > COPY_MAX_DEPTH) {
    errno = ELOOP;
    return -1;
  }
  dup_fd = fcntl(src, F_DUPFD_CLOEXEC, 3);
  if (dup_fd < 0)
    return -1;
  d = fdopendir(dup_fd);
  if (!d) {
    close(dup_fd);
    return -1;
  }
  while (r == 0 && (e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      r = copy_entry(src, dst, e->d_name, depth);
  closedir(d);
  return r;
}

int
brig_copy_tree(int src_path, int dst_path, bool root_attrs)
{
  _cleanup_close_ int src = -1, dst = -1;
  struct stat st;

  /* Both may be O_PATH fds (resolved in the rootfs; fsmount's): real
   * directory fds for readdir and fchmod. */
  src = openat(src_path, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  dst = openat(dst_path, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (src < 0 || dst < 0 || fstat(src, &st) < 0 || copy_dir(src, dst, 0) < 0)
    return -1;
  if (root_attrs && (fchown(dst, st.st_uid, st.st_gid) < 0 || fchmod(dst, st.st_mode & 07777) < 0))
    return -1;
  return 0;
}
