#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/resolve.h"

int
brig_openat2(int dirfd, const char *path, const struct open_how *how)
{
  int fd, tries = 0;

  /* openat2(2): with RESOLVE_IN_ROOT or RESOLVE_BENEATH the kernel answers
   * EAGAIN when a rename or a mount anywhere in the system raced with the
   * lookup (the caller "should retry").  Busy hosts, many containers
   * starting at once, hit it. */
  do
    fd = (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
  while (fd < 0 && errno == EAGAIN && ++tries < 64);
  return fd;
}

int
brig_openat_in_root(int rootfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t)(flags | O_CLOEXEC),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };

  while (*path == '/')
    path++;
  if (!*path)
    path = ".";
  return brig_openat2(rootfd, path, &how);
}

int
brig_open_in_own_root(const char *path, int flags)
{
  struct open_how how = {
    .flags = (uint64_t)(flags | O_CLOEXEC),
    .resolve = RESOLVE_NO_MAGICLINKS,
  };

  return brig_openat2(AT_FDCWD, path, &how);
}

static int open_in_root(int rootfd, const char *path, enum brig_create_kind kind, int depth);

/* name in parent is a dangling symlink: create what it points to, inside
 * the root (an absolute target is taken from the root, as the kernel
 * resolves it with RESOLVE_IN_ROOT). */
static int
create_symlink_target(int rootfd, int parent, const char *prefix, const char *name,
                      enum brig_create_kind kind, int depth)
{
  char target[4096], *full = NULL;
  ssize_t n;
  int fd;

  n = readlinkat(parent, name, target, sizeof(target) - 1);
  if (n < 0)
    return -1;
  target[n] = '\0';
  if (target[0] == '/')
    full = strdup(target);
  else if (asprintf(&full, "%s/%s", prefix, target) < 0)
    full = NULL;
  if (!full)
    return -1;
  fd = open_in_root(rootfd, full, kind, depth + 1);
  free(full);
  if (fd >= 0)
    close(fd);
  return fd < 0 ? -1 : 0;
}

int
brig_open_in_root(int rootfd, const char *path, enum brig_create_kind kind)
{
  return open_in_root(rootfd, path, kind, 0);
}

static int
open_in_root(int rootfd, const char *path, enum brig_create_kind kind, int depth)
{
  char *copy, *p, *slash;
  int fd, saved;

  if (depth > 40) {
    errno = ELOOP;
    return -1;
  }
  fd = brig_openat_in_root(rootfd, path, O_PATH);
  if (fd >= 0 || errno != ENOENT || kind == BRIG_NO_CREATE)
    return fd;
  copy = strdup(path);
  if (!copy)
    return -1;
  /* Create one component at a time, each in the directory the kernel
   * resolved in-root for its parent. */
  for (p = copy; *p == '/'; p++)
    ;
  for (;;) {
    bool last;
    int parent;
    char *name;

    slash = strchr(p, '/');
    last = !slash;
    while (slash && slash[1] == '/')
      memmove(slash + 1, slash + 2, strlen(slash + 2) + 1);
    if (slash && slash[1] == '\0') {
      *slash = '\0';
      last = true;
      slash = NULL;
    }
    if (slash)
      *slash = '\0';
    name = strrchr(copy, '/');
    name = name ? name + 1 : copy;
    if (*name && strcmp(name, ".") && strcmp(name, "..")) {
      fd = brig_openat_in_root(rootfd, copy, O_PATH);
      if (fd < 0 && errno == ENOENT) {
        char *sep = name > copy ? name - 1 : NULL;

        if (sep)
          *sep = '\0';
        parent = brig_openat_in_root(rootfd, sep ? copy : ".", O_PATH | O_DIRECTORY);
        if (sep)
          *sep = '/';
        if (parent < 0)
          goto fail;
        if (last && kind == BRIG_CREATE_FILE) {
          int nfd =
              openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);

          if (nfd >= 0)
            close(nfd);
          else if (errno != EEXIST) {
            saved = errno;
            close(parent);
            errno = saved;
            goto fail;
          }
        } else if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
          saved = errno;
          close(parent);
          errno = saved;
          goto fail;
        }
        fd = brig_openat_in_root(rootfd, copy, O_PATH);
        if (fd < 0 && errno == ENOENT) {
          if (sep)
            *sep = '\0';
          if (create_symlink_target(rootfd, parent, sep ? copy : "", name,
                                    last ? kind : BRIG_CREATE_DIR, depth) == 0)
            errno = ENOENT;
          if (sep)
            *sep = '/';
          fd = brig_openat_in_root(rootfd, copy, O_PATH);
        }
        close(parent);
      }
      if (fd < 0)
        goto fail;
      if (!last) {
        close(fd);
        fd = -1;
      }
    }
    if (last)
      break;
    *slash = '/';
    p = slash + 1;
  }
  free(copy);
  if (fd < 0)
    fd = brig_openat_in_root(rootfd, path, O_PATH);
  return fd;

fail:
  saved = errno;
  free(copy);
  errno = saved;
  return -1;
}
