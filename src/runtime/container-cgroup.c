#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/systemd-scope.h"
#include "runtime/container-cgroup.h"
#include "util/cleanup.h"
#include "util/file-util.h"
#include "util/log.h"

#define CGROUP_STATE_FILE "cgroup.json"
#define CGROUP_STATE_MAX (64 * 1024)
#define SCOPE_STATE_FILE "systemd-scope"

void
brig_scope_plan_clear(brig_scope_plan *plan)
{
  free(plan->unit);
  free(plan->path);
  plan->unit = plan->path = NULL;
}

/* Whether r asks for a limit that only a cgroup can enforce.  Device
 * rules do not count: rootless, the container cannot make device nodes
 * and only sees the host's where they are bound (warned about). */
static bool
limits_requested(const oci_resources *r)
{
  return r && (r->memory || r->cpu || r->pids || r->block_io || r->hugepage_limits_len ||
               r->network || r->rdma_len || r->unified.len);
}

int
brig_container_cgroup_create(enum brig_cgroup_manager manager, const char *id, const oci_spec *spec,
                             brig_cgroup **out, brig_scope_plan *plan, brig_error **err)
{
  *out = NULL;
  if (manager == BRIG_CGROUP_DISABLED) {
    /* The operator's choice, but the limits (device rules included) are
     * dropped: say so. */
    if (spec->linux && spec->linux->resources)
      brig_warn("--cgroup-manager disabled: linux.resources is not applied");
    return 0;
  }
  if (manager == BRIG_CGROUP_SYSTEMD) {
    if (!brig_systemd_running())
      return brig_fail(err, 0, "--systemd-cgroup: systemd is not running");
    return brig_systemd_scope_names(id, spec->linux ? spec->linux->cgroups_path : NULL, &plan->unit,
                                    &plan->path, err);
  }
  if (brig_cgroup_create(id, spec->linux, out, err) == 0)
    return 0;
  /* An unprivileged user (rootless) has no cgroup of its own to write to
   * unless one was delegated: as with runc, the container then stays in
   * brig's cgroup, which is only an error when it asks for limits. */
  if (geteuid() != 0 && ((*err)->errnum == EACCES || (*err)->errnum == EPERM) &&
      !limits_requested(spec->linux ? spec->linux->resources : NULL)) {
    brig_debug("rootless: %s: the container stays in brig's cgroup", (*err)->msg);
    brig_error_clear(err);
    if (spec->linux && spec->linux->resources && spec->linux->resources->devices_len)
      brig_warn("rootless: no cgroup of its own: linux.resources.devices is not enforced "
                "(a device node is still reachable only where it is mounted)");
    return 0;
  }
  return -1;
}

int
brig_container_cgroup_enter(brig_cgroup **cg, const brig_scope_plan *plan,
                            const brig_cgroup_join *join, const char *id, pid_t pid,
                            const oci_spec *spec, brig_error **err)
{
  const oci_resources *r = spec->linux ? spec->linux->resources : NULL;

  if (*cg)
    return brig_cgroup_join_finish(*cg, join, pid, err);
  if (!plan->unit)
    return 0;
  if (brig_systemd_scope_start(plan->unit, id, pid, r, err) < 0)
    return -1;
  if (brig_cgroup_adopt(plan->path, pid, spec->linux, cg, err) < 0) {
    brig_systemd_scope_stop(plan->unit, NULL);
    return -1;
  }
  return 0;
}

void
brig_container_cgroup_abandon(brig_cgroup *cg, const brig_scope_plan *plan)
{
  if (cg)
    brig_cgroup_destroy(cg, NULL);
  if (plan->unit)
    brig_systemd_scope_stop(plan->unit, NULL);
}

int
brig_container_cgroup_save(brig_cdir *cd, const brig_cgroup *cg, const brig_scope_plan *plan,
                           brig_error **err)
{
  _cleanup_free_ char *text = NULL;

  if (plan->unit && brig_write_file_atomic(cd->fd, SCOPE_STATE_FILE, plan->unit, strlen(plan->unit),
                                           0600, err) < 0)
    return -1;
  if (!cg)
    return 0;
  text = brig_cgroup_serialize(cg);
  if (!text)
    return brig_fail(err, ENOMEM, "save cgroup state");
  return brig_write_file_atomic(cd->fd, CGROUP_STATE_FILE, text, strlen(text), 0600, err);
}

brig_cgroup *
brig_container_cgroup_load(brig_cdir *cd, brig_error **err)
{
  _cleanup_free_ char *text = NULL;
  brig_cgroup *cg = NULL;
  size_t len = 0;

  text = brig_read_file_at(cd->fd, CGROUP_STATE_FILE, CGROUP_STATE_MAX, &len);
  if (!text) {
    if (errno == ENOENT)
      return NULL;
    brig_fail(err, errno, "read %s/%s", cd->path ? cd->path : "state", CGROUP_STATE_FILE);
    return NULL;
  }
  if (brig_cgroup_deserialize(text, &cg, err) < 0)
    return NULL;
  return cg;
}

int
brig_container_cgroup_destroy(brig_cdir *cd, brig_error **err)
{
  _cleanup_free_ char *unit = NULL;
  brig_cgroup *cg = brig_container_cgroup_load(cd, err);
  int r = 0;

  if (!cg && *err)
    return -1;
  if (cg) {
    r = brig_cgroup_destroy(cg, err);
    brig_cgroup_free(cg);
  }
  unit = brig_read_file_at(cd->fd, SCOPE_STATE_FILE, 256, NULL);
  if (r == 0 && unit)
    r = brig_systemd_scope_stop(unit, err);
  return r;
}
