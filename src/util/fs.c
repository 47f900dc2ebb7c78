#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/fs.h"

int
brig_write_all(int fd, const void *data, size_t len)
{
  const char *p = data;

  while (len > 0) {
    ssize_t w = write(fd, p, len);

    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return -1;
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

int
brig_write_existing_at(int dirfd, const char *path, const char *text)
{
  int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC), r, saved;

  if (fd < 0)
    return -1;
  r = brig_write_all(fd, text, strlen(text));
  saved = errno;
  close(fd);
  errno = saved;
  return r;
}

int
brig_write_new_file(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                    brig_error **err)
{
  int fd, saved;

  fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return brig_fail(err, errno, "create %s", name);
  if (brig_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
    saved = errno;
    close(fd);
    unlinkat(dirfd, name, 0);
    return brig_fail(err, saved, "write %s", name);
  }
  if (close(fd) < 0) {
    saved = errno;
    unlinkat(dirfd, name, 0);
    return brig_fail(err, saved, "close %s", name);
  }
  return 0;
}

/* Is path a regular file we may execute?  Resolved without magic links
 * (/proc/self/fd/N, /proc/PID/root): in a container a symlink of the image
 * through them would reach the fds of the process that looks it up (the
 * CVE-2024-21626 class).  The root is the process's own: after pivot_root
 * or setns into the container's mount namespace, the container's. */
static bool
is_executable_file(const char *path)
{
  struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
  struct stat st;
  int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how)), saved = 0;

  if (fd < 0)
    return false;
  if (fstat(fd, &st) < 0 || syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH) < 0)
    saved = errno;
  else if (!S_ISREG(st.st_mode))
    saved = EACCES;
  close(fd);
  errno = saved;
  return saved == 0;
}

char *
brig_find_executable(const char *name, char *const *env)
{
  const char *path = NULL;
  size_t i;

  if (strchr(name, '/')) {
    if (!is_executable_file(name))
      return NULL;
    return strdup(name);
  }
  for (i = 0; env && env[i]; i++)
    if (strncmp(env[i], "PATH=", 5) == 0)
      path = env[i] + 5;
  if (!path)
    path = BRIG_DEFAULT_PATH;
  while (*path) {
    size_t len = strcspn(path, ":");
    char *cand = NULL;

    if (asprintf(&cand, "%.*s/%s", (int)len, len ? path : ".", name) < 0)
      return NULL;
    if (is_executable_file(cand))
      return cand;
    free(cand);
    path += len;
    if (*path == ':')
      path++;
  }
  errno = ENOENT;
  return NULL;
}

int
brig_close_from(int first, int keep)
{
  if (keep >= first) {
    if (keep > first && syscall(SYS_close_range, (unsigned)first, (unsigned)keep - 1, 0) < 0)
      return -1;
    first = keep + 1;
  }
  return (int)syscall(SYS_close_range, (unsigned)first, ~0U, 0);
}
