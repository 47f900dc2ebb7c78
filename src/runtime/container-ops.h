/* What pause, resume, ps, update and events do with an existing
 * container: find it, check its status and reach its cgroup. */
#ifndef BRIG_RUNTIME_CONTAINER_OPS_H
#define BRIG_RUNTIME_CONTAINER_OPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "linux/cgroup.h"
#include "runtime/status.h"
#include "util/error.h"

/* An open container: its state directory (locked or not), its state as
 * brig_state_load() derives it, and its cgroup. */
typedef struct brig_container_handle {
  brig_cdir cdir;
  oci_state *state;
  unsigned long long starttime;
  brig_cgroup *cgroup;
} brig_container_handle;

/* Opens the container id below root (with the lock if lock) and loads its
 * state and cgroup.  A container without a cgroup (created with
 * --cgroup-manager disabled) is the error "container ID has no cgroup
 * (created with --cgroup-manager disabled)". */
int brig_container_handle_open(const char *root, const char *id, bool lock,
                               brig_container_handle *h, brig_error **err);
void brig_container_handle_close(brig_container_handle *h);

/* Re-reads the status (and pid) of an open container: "stopped",
 * "created", "running" or "paused". */
int brig_container_handle_refresh(brig_container_handle *h, brig_error **err);

/* Sets s->status to "paused" when it is "running" and the cgroup saved in
 * cd is frozen (for state and list; errors count as not frozen). */
void brig_container_derive_paused(brig_cdir *cd, oci_state *s);

/* Thaws the cgroup saved in cd if it is frozen (errors ignored): a frozen
 * process acts on SIGKILL only once thawed, so kill and delete --force
 * call it after sending SIGKILL to a paused container. */
void brig_container_thaw(brig_cdir *cd);

/* pause (true) / resume (false): "container ID is not running" /
 * "container ID is not paused". */
int brig_container_pause(const char *root, const char *id, bool pause, brig_error **err);

/* The host pids in the container's cgroup (malloc'd, sorted). */
int brig_container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
                        brig_error **err);

/* Applies r (taken: freed here) to the cgroup of a container that has not
 * stopped, and merges it into linux.resources of the saved config.json.
 * Device rules in r are ignored, with a warning. */
int brig_container_update(const char *root, const char *id, oci_resources *r, brig_error **err);

#endif
