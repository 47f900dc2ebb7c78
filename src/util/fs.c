#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

char *
brig_find_executable(const char *name, char *const *env)
{
  const char *path = NULL;
  struct stat st;
  size_t i;

  if (strchr(name, '/')) {
    if (stat(name, &st) < 0)
      return NULL;
    if (!S_ISREG(st.st_mode)) {
      errno = EACCES;
      return NULL;
    }
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
    if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
      return cand;
    free(cand);
    path += len;
    if (*path == ':')
      path++;
  }
  errno = ENOENT;
  return NULL;
}
