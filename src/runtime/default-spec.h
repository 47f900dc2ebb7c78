#ifndef BRIG_RUNTIME_DEFAULT_SPEC_H
#define BRIG_RUNTIME_DEFAULT_SPEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* The spec `brig spec` writes: runc's defaults (namespaces, mounts, masked
 * and read-only paths, capabilities, rlimits).  rootless adds a user
 * namespace mapping uid/gid to root, drops the network namespace (an
 * unprivileged user could not configure it) and the device cgroup, and
 * binds /sys instead of mounting sysfs, which needs CAP_SYS_ADMIN in the
 * owning user namespace of the network namespace. */
oci_spec *brig_default_spec(bool rootless, uid_t uid, gid_t gid, brig_error **err);

#endif
