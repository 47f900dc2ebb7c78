#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/mounts.h"
#include "linux/rootfs.h"

static unsigned long
propagation_flags(const oci_linux *l)
{
  const char *p = l && l->rootfs_propagation ? l->rootfs_propagation : "";

  if (strcmp(p, "private") == 0)
    return MS_PRIVATE;
  if (strcmp(p, "rprivate") == 0)
    return MS_PRIVATE | MS_REC;
  if (strcmp(p, "shared") == 0)
    return MS_SHARED;
  if (strcmp(p, "rshared") == 0)
    return MS_SHARED | MS_REC;
  if (strcmp(p, "slave") == 0)
    return MS_SLAVE;
  if (strcmp(p, "unbindable") == 0)
    return MS_UNBINDABLE;
  if (strcmp(p, "runbindable") == 0)
    return MS_UNBINDABLE | MS_REC;
  return MS_SLAVE | MS_REC; /* rslave, and the default as in runc */
}

int
brig_rootfs_prepare(const char *rootfs, const oci_linux *l, int *rootfd, brig_error **err)
{
  unsigned long prop = propagation_flags(l);
  int fd;

  /* First rslave everything, so nothing done here reaches the host, and no
   * mount is shared (pivot_root refuses a shared new root or parent). */
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return brig_fail(err, errno, "make / rslave");
  if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return brig_fail(err, errno, "bind rootfs %s", rootfs);
  /* rootfsPropagation is about the rootfs mount, the future /: private
   * and slave are set on it now; shared and unbindable at the very end
   * (brig_rootfs_finish): pivot_root refuses a shared root, and
   * readonlyPaths are bound onto themselves, which an unbindable tree
   * refuses. */
  if (!(prop & (MS_SHARED | MS_UNBINDABLE)) && prop != (MS_SLAVE | MS_REC) &&
      mount(NULL, rootfs, NULL, prop, NULL) < 0)
    return brig_fail(err, errno, "rootfsPropagation");
  fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return brig_fail(err, errno, "open rootfs %s", rootfs);
  *rootfd = fd;
  return 0;
}

int
brig_rootfs_enter(int rootfd, bool no_pivot, brig_error **err)
{
  if (fchdir(rootfd) < 0)
    return brig_fail(err, errno, "chdir rootfs");
  if (no_pivot) {
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
      return brig_fail(err, errno, "move rootfs to /");
    if (chroot(".") < 0)
      return brig_fail(err, errno, "chroot");
  } else {
    /* Stacks the old root on the new one; detaching "." then drops it. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
      return brig_fail(err, errno, "pivot_root");
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
      return brig_fail(err, errno, "make old root rslave");
    if (umount2(".", MNT_DETACH) < 0)
      return brig_fail(err, errno, "detach old root");
  }
  if (chdir("/") < 0)
    return brig_fail(err, errno, "chdir /");
  return 0;
}

int
brig_rootfs_finish(const oci_spec *spec, brig_error **err)
{
  unsigned long prop = propagation_flags(spec->linux);

  if ((prop & (MS_SHARED | MS_UNBINDABLE)) && mount(NULL, "/", NULL, prop, NULL) < 0)
    return brig_fail(err, errno, "rootfsPropagation");
  if (spec->root && spec->root->readonly &&
      brig_mount_set_attr(AT_FDCWD, "/", false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
    return brig_fail(err, errno, "make root read-only");
  return 0;
}

char *
brig_rootfs_path(const oci_spec *spec, const char *bundle)
{
  char *p;

  if (!spec->root || !spec->root->path)
    return NULL;
  if (spec->root->path[0] == '/')
    return strdup(spec->root->path);
  if (asprintf(&p, "%s/%s", bundle, spec->root->path) < 0)
    return NULL;
  return p;
}
