/* pause, resume, ps, update and the container side of events. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/container-cgroup.h"
#include "runtime/container-ops.h"
#include "util/cleanup.h"
#include "util/file-util.h"
#include "util/log.h"

static int
handle_status(brig_container_handle *h, brig_error **err)
{
  bool frozen = false;

  if (strcmp(h->state->status, "running"))
    return 0;
  if (brig_cgroup_is_frozen(h->cgroup, &frozen, err) < 0)
    return -1;
  if (frozen) {
    char *p = strdup("paused");

    if (!p)
      return brig_fail(err, ENOMEM, "state");
    free(h->state->status);
    h->state->status = p;
  }
  return 0;
}

int
brig_container_handle_open(const char *root, const char *id, bool lock, brig_container_handle *h,
                           brig_error **err)
{
  brig_cdir init = BRIG_CDIR_INIT;

  h->cdir = init;
  h->state = NULL;
  h->cgroup = NULL;
  h->starttime = 0;
  if ((lock ? brig_cdir_open(root, id, &h->cdir, err)
            : brig_cdir_open_unlocked(root, id, &h->cdir, err)) < 0)
    return -1;
  h->state = brig_state_load(&h->cdir, &h->starttime, err);
  if (!h->state)
    goto fail;
  h->cgroup = brig_container_cgroup_load(&h->cdir, err);
  if (!h->cgroup) {
    if (!*err)
      brig_fail(err, 0, "container %s has no cgroup (created with --cgroup-manager disabled)", id);
    goto fail;
  }
  if (handle_status(h, err) < 0)
    goto fail;
  return 0;

fail:
  brig_container_handle_close(h);
  return -1;
}

void
brig_container_handle_close(brig_container_handle *h)
{
  if (h->state)
    oci_state_free(h->state);
  h->state = NULL;
  if (h->cgroup)
    brig_cgroup_free(h->cgroup);
  h->cgroup = NULL;
  brig_cdir_close(&h->cdir);
}

int
brig_container_handle_refresh(brig_container_handle *h, brig_error **err)
{
  oci_state *s = brig_state_load(&h->cdir, &h->starttime, err);

  if (!s)
    return -1;
  oci_state_free(h->state);
  h->state = s;
  return handle_status(h, err);
}

void
brig_container_derive_paused(brig_cdir *cd, oci_state *s)
{
  brig_error *e = NULL;
  brig_cgroup *cg;
  bool frozen = false;
  char *p;

  if (strcmp(s->status, "running"))
    return;
  cg = brig_container_cgroup_load(cd, &e);
  if (!cg) {
    brig_error_free(e);
    return;
  }
  if (brig_cgroup_is_frozen(cg, &frozen, &e) < 0)
    brig_error_free(e);
  brig_cgroup_free(cg);
  if (frozen && (p = strdup("paused"))) {
    free(s->status);
    s->status = p;
  }
}

void
brig_container_thaw(brig_cdir *cd)
{
  brig_error *e = NULL;
  brig_cgroup *cg = brig_container_cgroup_load(cd, &e);
  bool frozen = false;

  if (cg && brig_cgroup_is_frozen(cg, &frozen, &e) == 0 && frozen)
    brig_cgroup_freeze(cg, false, &e);
  brig_error_free(e);
  if (cg)
    brig_cgroup_free(cg);
}

int
brig_container_pause(const char *root, const char *id, bool pause, brig_error **err)
{
  brig_container_handle h;
  int r;

  if (brig_container_handle_open(root, id, true, &h, err) < 0)
    return -1;
  if (pause && strcmp(h.state->status, "running"))
    r = strcmp(h.state->status, "paused") == 0
            ? brig_fail(err, 0, "container %s is already paused", id)
            : brig_fail(err, 0, BRIG_NOT_RUNNING, id);
  else if (!pause && strcmp(h.state->status, "paused"))
    r = brig_fail(err, 0, "container %s is not paused", id);
  else
    r = brig_cgroup_freeze(h.cgroup, pause, err);
  brig_container_handle_close(&h);
  return r;
}

int
brig_container_pids(const char *root, const char *id, pid_t **pids, size_t *n, brig_error **err)
{
  brig_container_handle h;
  int r;

  *pids = NULL;
  *n = 0;
  if (brig_container_handle_open(root, id, false, &h, err) < 0)
    return -1;
  /* Stopped too: without a pid namespace the init's children outlive it
   * in its cgroup (as runc lists them). */
  r = h.cgroup ? brig_cgroup_pids(h.cgroup, pids, n, err) : 0;
  brig_container_handle_close(&h);
  return r;
}

/* ---- update ---- */

/* Swaps n bytes of a and b. */
static void
swap_bytes(void *a, void *b, size_t n)
{
  unsigned char *x = a, *y = b, t;
  size_t i;

  for (i = 0; i < n; i++) {
    t = x[i];
    x[i] = y[i];
    y[i] = t;
  }
}

static size_t
scalar_size(enum oci_kind k)
{
  switch (k) {
  case OCI_K_BOOL:
    return sizeof(bool);
  case OCI_K_I32:
  case OCI_K_U32:
    return 4;
  case OCI_K_U16:
    return 2;
  case OCI_K_I64:
  case OCI_K_U64:
    return 8;
  default:
    return 0;
  }
}

/* Moves every member that src sets into dst (recursively for objects),
 * leaving dst's old values in src, to be freed with it. */
static void
merge_move(const oci_desc *desc, void *dst, void *src)
{
  const oci_field *f;

  for (f = desc->fields; f->json; f++) {
    char *d = (char *)dst + f->offset, *s = (char *)src + f->offset;

    switch (f->kind) {
    case OCI_K_STR:
    case OCI_K_ENUM:
      if (*(char **)s)
        swap_bytes(d, s, sizeof(char *));
      break;
    case OCI_K_OBJ:
      if (!*(void **)s)
        break;
      if (*(void **)d)
        merge_move(f->sub, *(void **)d, *(void **)s);
      else
        swap_bytes(d, s, sizeof(void *));
      break;
    case OCI_K_STRMAP:
      if (((oci_strmap *)s)->present)
        swap_bytes(d, s, sizeof(oci_strmap));
      break;
    case OCI_K_STRV:
    case OCI_K_ENUMV:
    case OCI_K_U32V:
    case OCI_K_OBJV:
    case OCI_K_OBJMAP:
      if (!*(bool *)((char *)src + f->has_offset))
        break;
      swap_bytes(d, s, sizeof(void *));
      swap_bytes((char *)dst + f->len_offset, (char *)src + f->len_offset, sizeof(size_t));
      swap_bytes((char *)dst + f->has_offset, (char *)src + f->has_offset, sizeof(bool));
      if (f->keys_offset != OCI_NO_OFFSET)
        swap_bytes((char *)dst + f->keys_offset, (char *)src + f->keys_offset, sizeof(char **));
      break;
    default:
      if (*(bool *)((char *)src + f->has_offset)) {
        swap_bytes(d, s, scalar_size(f->kind));
        swap_bytes((char *)dst + f->has_offset, (char *)src + f->has_offset, sizeof(bool));
      }
      break;
    }
  }
}

static int
save_merged_spec(brig_cdir *cd, oci_resources *r, brig_error **err)
{
  _cleanup_free_ char *data = NULL, *json = NULL;
  char *perr = NULL;
  oci_spec *spec;
  size_t len;
  int ret;

  data = brig_read_file_at(cd->fd, "config.json", 16 << 20, &len);
  if (!data)
    return brig_fail(err, errno, "read config.json of the container");
  spec = oci_parse_data(&oci_spec_desc, "config.json", data, len, NULL, &perr);
  if (!spec) {
    brig_fail(err, 0, "%s", perr);
    free(perr);
    return -1;
  }
  if (!spec->linux)
    spec->linux = calloc(1, sizeof(*spec->linux));
  if (spec->linux && !spec->linux->resources)
    spec->linux->resources = calloc(1, sizeof(*spec->linux->resources));
  if (!spec->linux || !spec->linux->resources) {
    oci_spec_free(spec);
    return brig_fail(err, ENOMEM, "config.json");
  }
  merge_move(&oci_resources_desc, spec->linux->resources, r);
  ret = oci_emit(&oci_spec_desc, spec, false, &json, &len, &perr);
  oci_spec_free(spec);
  if (ret < 0) {
    brig_fail(err, 0, "config.json: %s", perr);
    free(perr);
    return -1;
  }
  return brig_write_file_atomic(cd->fd, "config.json", json, len, 0600, err);
}

int
brig_container_update(const char *root, const char *id, oci_resources *r, brig_error **err)
{
  brig_container_handle h;
  int ret = -1;

  if (r->has_devices) {
    oci_resources *drop = calloc(1, sizeof(*drop));

    brig_warn("update: device rules cannot be updated; ignoring resources.devices");
    if (drop) {
      swap_bytes(&drop->devices, &r->devices, sizeof(r->devices));
      swap_bytes(&drop->devices_len, &r->devices_len, sizeof(r->devices_len));
      swap_bytes(&drop->has_devices, &r->has_devices, sizeof(r->has_devices));
      oci_free(&oci_resources_desc, drop);
    }
    r->has_devices = false;
  }
  if (brig_container_handle_open(root, id, true, &h, err) < 0)
    goto out;
  if (strcmp(h.state->status, "stopped") == 0)
    brig_fail(err, 0, BRIG_NOT_RUNNING, id);
  else if (brig_cgroup_apply_resources(h.cgroup, r, err) == 0)
    ret = save_merged_spec(&h.cdir, r, err);
  brig_container_handle_close(&h);
out:
  oci_free(&oci_resources_desc, r);
  return ret;
}
