#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/container-cgroup.h"
#include "util/cleanup.h"
#include "util/file-util.h"

#define CGROUP_STATE_FILE "cgroup.json"
#define CGROUP_STATE_MAX (64 * 1024)

int
brig_container_cgroup_create(enum brig_cgroup_manager manager, const char *id, const oci_spec *spec,
                             brig_cgroup **out, brig_error **err)
{
  *out = NULL;
  if (manager == BRIG_CGROUP_DISABLED)
    return 0;
  if (manager == BRIG_CGROUP_SYSTEMD) {
    /* sd_booted(3)'s test, without linking libsystemd for it. */
    if (access("/run/systemd/system", F_OK) < 0)
      return brig_fail(err, 0, "--systemd-cgroup: systemd is not running");
    return brig_fail(err, 0, "--systemd-cgroup: the systemd cgroup driver is not implemented yet");
  }
  return brig_cgroup_create(id, spec->linux, out, err);
}

int
brig_container_cgroup_save(brig_cdir *cd, const brig_cgroup *cg, brig_error **err)
{
  _cleanup_free_ char *text = NULL;

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
