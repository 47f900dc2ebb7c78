#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linux/resolve.h"
#include "linux/sysctl.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
brig_sysctl_apply(const oci_linux *l, brig_error **err)
{
  _cleanup_close_ int procsys = -1;
  size_t i;

  if (!l || l->sysctl.len == 0)
    return 0;
  procsys = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (procsys < 0)
    return brig_fail(err, errno, "sysctl: open /proc/sys");
  for (i = 0; i < l->sysctl.len; i++) {
    const char *key = l->sysctl.keys[i], *value = l->sysctl.values[i];
    char path[512];
    _cleanup_close_ int fd = -1;
    size_t j;

    if (strlen(key) >= sizeof(path) || strstr(key, "..") || key[0] == '/' || key[0] == '.')
      return brig_fail(err, EINVAL, "sysctl %s", key);
    for (j = 0; key[j]; j++)
      path[j] = key[j] == '.' ? '/' : key[j];
    path[j] = '\0';
    fd = openat(procsys, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || brig_write_all(fd, value, strlen(value)) < 0)
      return brig_fail(err, errno, "sysctl %s", key);
  }
  return 0;
}
