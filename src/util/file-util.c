#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/file-util.h"
#include "util/fs.h"

int
brig_write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                       brig_error **err)
{
  char tmp[256];
  int fd, saved;

  if (snprintf(tmp, sizeof(tmp), ".%s.tmp%d", name, (int)getpid()) >= (int)sizeof(tmp))
    return brig_fail(err, ENAMETOOLONG, "write %s", name);
  fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return brig_fail(err, errno, "write %s", name);
  if (brig_write_all(fd, data, len) < 0) {
    saved = errno;
    close(fd);
    unlinkat(dirfd, tmp, 0);
    return brig_fail(err, saved, "write %s", name);
  }
  close(fd);
  if (renameat(dirfd, tmp, dirfd, name) < 0) {
    saved = errno;
    unlinkat(dirfd, tmp, 0);
    return brig_fail(err, saved, "rename %s", name);
  }
  return 0;
}

int
brig_remove_dir_contents(int dirfd)
{
  struct dirent *de;
  DIR *d;
  int fd, ret = 0;

  fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  d = fdopendir(fd);
  if (!d) {
    close(fd);
    return -1;
  }
  while ((de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (unlinkat(dirfd, de->d_name, 0) == 0 || errno == ENOENT)
      continue;
    if (errno == EISDIR || errno == EPERM) {
      int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      if (sub >= 0) {
        brig_remove_dir_contents(sub);
        close(sub);
      }
      if (unlinkat(dirfd, de->d_name, AT_REMOVEDIR) == 0)
        continue;
    }
    ret = -1;
  }
  closedir(d);
  return ret;
}

char *
brig_read_file_at(int dirfd, const char *name, size_t max, size_t *len)
{
  _cleanup_close_ int fd = -1;
  char *buf;
  size_t n = 0;

  fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  buf = malloc(max + 1);
  if (!buf)
    return NULL;
  while (n < max) {
    ssize_t r = read(fd, buf + n, max - n);

    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return NULL;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

int
brig_write_pid_file(const char *path, pid_t pid, brig_error **err)
{
  _cleanup_free_ char *tmp = NULL;
  char buf[32];
  int fd, n;

  if (asprintf(&tmp, "%s.brig-tmp%d", path, (int)getpid()) < 0)
    return brig_fail(err, ENOMEM, "pid file");
  n = snprintf(buf, sizeof(buf), "%d", (int)pid);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return brig_fail(err, errno, "pid file %s", path);
  if (brig_write_all(fd, buf, (size_t)n) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
    int saved = errno;

    unlink(tmp);
    return brig_fail(err, saved, "pid file %s", path);
  }
  return 0;
}
