/* The container's cgroup across the lifecycle commands: created and
 * entered by create, saved in the state directory, found again by kill
 * --all and delete. */
#ifndef BRIG_RUNTIME_CONTAINER_CGROUP_H
#define BRIG_RUNTIME_CONTAINER_CGROUP_H

#include "brig.h"
#include "libocispec/ocispec.h"
#include "linux/cgroup.h"
#include "runtime/status.h"

/* With --systemd-cgroup: the scope unit to start once the init exists. */
typedef struct brig_scope_plan {
  char *unit; /* "brig-c1.scope"; NULL with cgroupfs or no cgroup */
  char *path; /* its cgroup, "/system.slice/brig-c1.scope" */
} brig_scope_plan;

void brig_scope_plan_clear(brig_scope_plan *plan);

/* Before the container process exists.  cgroupfs: creates the cgroup of
 * spec and applies linux.resources and the device rules (*out).  systemd:
 * checks that systemd runs and works out the scope (*plan); the cgroup
 * comes with brig_container_cgroup_enter().  Neither with --cgroup-manager
 * disabled. */
int brig_container_cgroup_create(enum brig_cgroup_manager manager, const char *id,
                                 const oci_spec *spec, brig_cgroup **out, brig_scope_plan *plan,
                                 brig_error **err);

/* Once the init exists, before it runs anything of the container's:
 * finishes its move into *cg (join: it was cloned with it and moves itself
 * into the v1 hierarchies, see cgroup-join.c), or starts the planned scope
 * with it and adopts the scope's cgroup into *cg (resources and device
 * rules written). */
int brig_container_cgroup_enter(brig_cgroup **cg, const brig_scope_plan *plan,
                                const brig_cgroup_join *join, const char *id, pid_t pid,
                                const oci_spec *spec, brig_error **err);

/* A failed create: removes the cgroup and stops the scope, if any. */
void brig_container_cgroup_abandon(brig_cgroup *cg, const brig_scope_plan *plan);

/* Saves cg (may be NULL: nothing to save) and the scope's unit name in the
 * state directory. */
int brig_container_cgroup_save(brig_cdir *cd, const brig_cgroup *cg, const brig_scope_plan *plan,
                               brig_error **err);

/* The saved cgroup of a container, or NULL with no error when it has none
 * (created with --cgroup-manager disabled). */
brig_cgroup *brig_container_cgroup_load(brig_cdir *cd, brig_error **err);

/* delete: kills what is left in the saved cgroup, removes it, and stops the
 * saved scope unit. */
int brig_container_cgroup_destroy(brig_cdir *cd, brig_error **err);

#endif
