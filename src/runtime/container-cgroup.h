/* The container's cgroup across the lifecycle commands: created and
 * entered by create, saved in the state directory, found again by kill
 * --all and delete. */
#ifndef BRIG_RUNTIME_CONTAINER_CGROUP_H
#define BRIG_RUNTIME_CONTAINER_CGROUP_H

#include "brig.h"
#include "libocispec/ocispec.h"
#include "linux/cgroup.h"
#include "runtime/status.h"

/* Creates the cgroup of spec (and applies linux.resources and the device
 * rules) before the container process exists.  *out is NULL with
 * --cgroup-manager disabled; the systemd manager is refused until brig has
 * a systemd driver. */
int brig_container_cgroup_create(enum brig_cgroup_manager manager, const char *id,
                                 const oci_spec *spec, brig_cgroup **out, brig_error **err);

/* Saves cg (may be NULL: nothing to save) in the state directory. */
int brig_container_cgroup_save(brig_cdir *cd, const brig_cgroup *cg, brig_error **err);

/* The saved cgroup of a container, or NULL with no error when it has none
 * (created with --cgroup-manager disabled). */
brig_cgroup *brig_container_cgroup_load(brig_cdir *cd, brig_error **err);

#endif
