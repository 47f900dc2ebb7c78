/* /dev of the container: the default nodes (null zero full random urandom
 * tty), the standard symlinks, /dev/shm, and linux.devices. */
#ifndef BRIG_LINUX_DEVICES_H
#define BRIG_LINUX_DEVICES_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* Before pivot_root, below rootfd.  mknod, or a bind of the host's node
 * where mknod is not allowed (user namespace).  A /dev bound from the host
 * is left alone. */
int brig_devices_create(const oci_spec *spec, int rootfd, brig_error **err);

#endif
