#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linux/resolve.h"
#include "linux/sysctl.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* Only what a namespace of the container owns may be set, and only in a
 * namespace created for it: anything else would change the host (or a
 * namespace shared with others).  The list of namespaced keys is the
 * kernel's (ipc: ipc/ipc_sysctl.c and ipc/mq_sysctl.c; uts:
 * kernel/utsname_sysctl.c; net: everything below net/). */
static const char *const ipc_keys[] = {
  "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",          "kernel.sem", "kernel.shmall",
  "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
};

static uint64_t
sysctl_namespace(const char *key)
{
  size_t i;

  if (strncmp(key, "net.", 4) == 0)
    return CLONE_NEWNET;
  if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
    return CLONE_NEWUTS;
  if (strncmp(key, "fs.mqueue.", 10) == 0)
    return CLONE_NEWIPC;
  for (i = 0; ipc_keys[i]; i++)
    if (strcmp(key, ipc_keys[i]) == 0)
      return CLONE_NEWIPC;
  return 0;
}

int
brig_sysctl_validate(const oci_linux *l, uint64_t own_namespaces, brig_error **err)
{
  size_t i, j;

  if (!l)
    return 0;
  for (i = 0; i < l->sysctl.len; i++) {
    const char *key = l->sysctl.keys[i];
    char norm[512];
    uint64_t ns;

    /* "net/ipv4/ip_forward" is accepted as runc does. */
    for (j = 0; j < sizeof(norm) - 1 && key[j]; j++)
      norm[j] = key[j] == '/' ? '.' : key[j];
    norm[j] = '\0';
    ns = sysctl_namespace(norm);
    if (!ns)
      return brig_fail(err, 0, "config.json: linux.sysctl[\"%s\"]: not namespaced", key);
    if (!(own_namespaces & ns))
      return brig_fail(err, 0,
                       "config.json: linux.sysctl[\"%s\"]: needs a %s namespace that is not the "
                       "host's",
                       key,
                       ns == CLONE_NEWNET   ? "network"
                       : ns == CLONE_NEWUTS ? "uts"
                                            : "ipc");
  }
  return 0;
}

int
brig_sysctl_apply(int proc_fd, const oci_linux *l, brig_error **err)
{
  /* No symlink on the way, nothing outside proc/sys: the files are
   * sysctl tables, never links, and "kernel.x/../../self" must not reach
   * another part of /proc. */
  struct open_how dir_how = {
    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
  };
  struct open_how how = {
    .flags = O_WRONLY | O_CLOEXEC,
    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
  };
  _cleanup_close_ int procsys = -1;
  size_t i;

  if (!l || l->sysctl.len == 0)
    return 0;
  /* The host's /proc, not the container's: after pivot_root /proc/sys is
   * whatever the rootfs and the mounts put there, and writes into a fake
   * would leave the sysctls unset.  A namespaced sysctl file belongs to
   * the namespaces of the process that opens and writes it (the init,
   * already in the container's), whichever proc instance it is reached
   * through, so these are still the container's values. */
  procsys = proc_fd < 0 ? -1 : brig_openat2(proc_fd, "sys", &dir_how);
  if (procsys < 0)
    return brig_fail(err, proc_fd < 0 ? EBADF : errno, "sysctl: open /proc/sys");
  for (i = 0; i < l->sysctl.len; i++) {
    const char *key = l->sysctl.keys[i], *value = l->sysctl.values[i];
    char path[512];
    _cleanup_close_ int fd = -1;
    size_t j;

    if (strlen(key) >= sizeof(path) || strstr(key, "..") || key[0] == '/' || key[0] == '.')
      return brig_fail(err, EINVAL, "sysctl %s", key);
    for (j = 0; key[j]; j++)
      path[j] = key[j] == '.' ? '/' : key[j];
    /* (validated at create: brig_sysctl_validate) */
    path[j] = '\0';
    fd = brig_openat2(procsys, path, &how);
    if (fd < 0 || brig_write_all(fd, value, strlen(value)) < 0)
      return brig_fail(err, errno, "sysctl %s", key);
  }
  return 0;
}
