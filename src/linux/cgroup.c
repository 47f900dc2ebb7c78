/* The container's cgroup: layout detection, path resolution, creation,
 * placing processes and applying resources (dispatched to cgroup-v1.c and
 * cgroup-v2.c).  Freezing, killing and removal are in cgroup-lifecycle.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "linux/cgroup-devices.h"
#include "linux/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define CG_PATH_MAX 1024

const char *
brig_cgroup_layout_name(brig_cgroup_layout layout)
{
  switch (layout) {
  case BRIG_CGROUP_LAYOUT_LEGACY:
    return "legacy";
  case BRIG_CGROUP_LAYOUT_HYBRID:
    return "hybrid";
  case BRIG_CGROUP_LAYOUT_UNIFIED:
    return "unified";
  case BRIG_CGROUP_LAYOUT_NONE:
    break;
  }
  return "none";
}

static brig_cgroup_layout
layout_of(const brig_cgroup_hierarchy *h, size_t n)
{
  struct statfs sfs;
  bool v1 = false, v2 = false;
  size_t i;

  if (statfs(BRIG_CGROUP_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    return BRIG_CGROUP_LAYOUT_UNIFIED;
  for (i = 0; i < n; i++) {
    if (h[i].v2)
      v2 = true;
    else
      v1 = true;
  }
  if (v1 && v2)
    return BRIG_CGROUP_LAYOUT_HYBRID;
  if (v1)
    return BRIG_CGROUP_LAYOUT_LEGACY;
  return v2 ? BRIG_CGROUP_LAYOUT_UNIFIED : BRIG_CGROUP_LAYOUT_NONE;
}

brig_cgroup_layout
brig_cgroup_detect(void)
{
  brig_cgroup_hierarchy *h = NULL;
  brig_cgroup_layout layout;
  brig_error *err = NULL;
  size_t n = 0;

  if (brig_cg_mounts(&h, &n, &err) < 0) {
    brig_error_free(err);
    return BRIG_CGROUP_LAYOUT_NONE;
  }
  layout = layout_of(h, n);
  brig_cg_hierarchies_free(h, n);
  return layout;
}

void
brig_cgroup_free(brig_cgroup *cg)
{
  if (!cg)
    return;
  brig_cg_hierarchies_free(cg->h, cg->n);
  free(cg->path);
  free(cg);
}

brig_cgroup_layout
brig_cgroup_get_layout(const brig_cgroup *cg)
{
  return cg->layout;
}

const char *
brig_cgroup_path(const brig_cgroup *cg)
{
  return cg->path;
}

const char *
brig_cgroup_dir(const brig_cgroup *cg, const char *controller)
{
  const brig_cgroup_hierarchy *h;

  if (!controller[0])
    return brig_cg_v2(cg) ? brig_cg_v2(cg)->dir : NULL;
  h = brig_cg_v1(cg, controller);
  if (h)
    return h->dir;
  if (brig_cg_v2_available(cg, controller))
    return brig_cg_v2(cg)->dir;
  return NULL;
}

/* "slice:prefix:name" is the systemd driver's form. */
static bool
is_systemd_path(const char *p)
{
  const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

  return c2 && !strchr(c2 + 1, ':') && !strchr(p, '/');
}

/* Collapses "//", drops "." components and a trailing '/'.  Rejects ".."
 * and control characters.  Writes into out (CG_PATH_MAX). */
static int
normalize_path(const char *in, char *out, brig_error **err)
{
  const char *p = in;
  size_t o = 0;

  if (in[0] == '/')
    out[o++] = '/';
  while (*p) {
    const char *end;
    size_t l;

    while (*p == '/')
      p++;
    if (!*p)
      break;
    end = strchrnul(p, '/');
    l = (size_t)(end - p);
    if (l == 2 && p[0] == '.' && p[1] == '.')
      return brig_fail(err, 0, "linux.cgroupsPath: \"%s\": must not contain \"..\"", in);
    if (!(l == 1 && p[0] == '.')) {
      size_t i;

      for (i = 0; i < l; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
          return brig_fail(err, 0, "linux.cgroupsPath: \"%s\": control character", in);
      if (o + l + 2 >= CG_PATH_MAX)
        return brig_fail(err, ENAMETOOLONG, "linux.cgroupsPath: \"%s\"", in);
      if (o > 0 && out[o - 1] != '/')
        out[o++] = '/';
      memcpy(out + o, p, l);
      o += l;
    }
    p = end;
  }
  out[o] = '\0';
  if (o == 0 || strcmp(out, "/") == 0)
    return brig_fail(err, 0, "linux.cgroupsPath: \"%s\": names no cgroup below the root", in);
  return 0;
}

/* The calling process's cgroup in hierarchy h, from /proc/self/cgroup. */
static char *
own_cgroup(const brig_cgroup_hierarchy *h)
{
  _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  ssize_t len;

  if (!f)
    return NULL;
  while ((len = getline(&line, &cap, f)) > 0) {
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    const char *first;
    size_t fl;

    if (!c2)
      continue;
    if (line[len - 1] == '\n')
      line[len - 1] = '\0';
    *c2 = '\0';
    if (h->v2) {
      if (c1[1] == '\0' && strncmp(line, "0:", 2) == 0)
        return strdup(c2 + 1);
      continue;
    }
    first = h->controllers;
    fl = strcspn(first, ",");
    {
      char word[64];

      if (fl == 0 || fl >= sizeof(word))
        continue;
      memcpy(word, first, fl);
      word[fl] = '\0';
      if (brig_cg_list_has(c1 + 1, word, ','))
        return strdup(c2 + 1);
    }
  }
  errno = ENOENT;
  return NULL;
}

int
brig_cgroup_resolve(const char *id, const oci_linux *linux_cfg, brig_cgroup **out, brig_error **err)
{
  const char *given = linux_cfg && linux_cfg->cgroups_path && linux_cfg->cgroups_path[0]
                          ? linux_cfg->cgroups_path
                          : NULL;
  _cleanup_free_ char *dflt = NULL;

  *out = NULL;
  if (!given) {
    if (!id || !id[0] || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
      return brig_fail(err, 0, "cgroup: invalid container id \"%s\"", id ? id : "");
    if (asprintf(&dflt, "/brig/%s", id) < 0) {
      dflt = NULL;
      return brig_fail(err, ENOMEM, "cgroup");
    }
    given = dflt;
  }
  if (is_systemd_path(given))
    return brig_fail(err, 0,
                     "linux.cgroupsPath: \"%s\": a systemd slice:prefix:name path needs "
                     "--systemd-cgroup",
                     given);
  return brig_cgroup_resolve_path(given, out, err);
}

int
brig_cgroup_resolve_path(const char *given, brig_cgroup **out, brig_error **err)
{
  char norm[CG_PATH_MAX];
  brig_cgroup_hierarchy *h = NULL;
  brig_cgroup *cg;
  size_t n = 0, i, kept = 0;

  *out = NULL;
  if (normalize_path(given, norm, err) < 0)
    return -1;
  if (brig_cg_mounts(&h, &n, err) < 0)
    return -1;
  cg = calloc(1, sizeof(*cg));
  if (!cg) {
    brig_cg_hierarchies_free(h, n);
    return brig_fail(err, ENOMEM, "cgroup");
  }
  cg->unified = -1;
  cg->layout = layout_of(h, n);
  cg->h = h;
  cg->n = n;
  if (cg->layout == BRIG_CGROUP_LAYOUT_NONE) {
    brig_cgroup_free(cg);
    return brig_fail(err, 0, "cgroup: no cgroup file system is mounted");
  }
  /* Keep the hierarchies the layout uses: only cgroup2 when unified. */
  for (i = 0; i < n; i++) {
    if (cg->layout == BRIG_CGROUP_LAYOUT_UNIFIED && !h[i].v2) {
      free(h[i].controllers);
      free(h[i].mountpoint);
      continue;
    }
    h[kept++] = h[i];
  }
  cg->n = kept;
  cg->path = strdup(norm);
  if (!cg->path) {
    brig_cgroup_free(cg);
    return brig_fail(err, ENOMEM, "cgroup");
  }
  for (i = 0; i < cg->n; i++) {
    brig_cgroup_hierarchy *hi = &cg->h[i];
    _cleanup_free_ char *own = NULL;
    int r;

    if (hi->v2)
      cg->unified = (int)i;
    if (norm[0] == '/') {
      hi->rel = strdup(norm);
    } else {
      own = own_cgroup(hi);
      if (!own) {
        brig_fail(err, errno, "linux.cgroupsPath: \"%s\": own cgroup in %s", norm,
                  hi->v2 ? "cgroup2" : hi->controllers);
        brig_cgroup_free(cg);
        return -1;
      }
      r = asprintf(&hi->rel, "%s/%s", strcmp(own, "/") == 0 ? "" : own, norm);
      if (r < 0)
        hi->rel = NULL;
    }
    if (!hi->rel || asprintf(&hi->dir, "%s%s", hi->mountpoint, hi->rel) < 0) {
      hi->dir = NULL;
      brig_cgroup_free(cg);
      return brig_fail(err, ENOMEM, "cgroup");
    }
  }
  *out = cg;
  return 0;
}

/* A new v1 cpuset cgroup starts with empty cpus and mems, and no task can
 * join it until they are set: copy them from the parent. */
static int
init_cpuset(const char *parent, const char *dir, brig_error **err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  size_t i;

  for (i = 0; i < 2; i++) {
    _cleanup_free_ char *cur = brig_cg_read(dir, files[i]);
    _cleanup_free_ char *from = NULL;

    if (cur && cur[0] != '\n' && cur[0] != '\0')
      continue;
    from = brig_cg_read(parent, files[i]);
    if (!from)
      return brig_fail(err, errno, "cgroup: read %s/%s", parent, files[i]);
    if (from[0] == '\n' || from[0] == '\0')
      continue;
    if (brig_cg_write(dir, files[i], from, "cgroup", err) < 0)
      return -1;
  }
  return 0;
}

/* mkdir -p of hi->rel below the mount point.  *created tells whether the
 * leaf was made here (so that a failed create removes only that). */
static int
make_dirs(brig_cgroup_hierarchy *hi, brig_error **err)
{
  bool cpuset = !hi->v2 && brig_cg_list_has(hi->controllers, "cpuset", ',');
  _cleanup_free_ char *dir = strdup(hi->dir);
  size_t mlen = strlen(hi->mountpoint);
  char *slash;

  hi->made = 0;
  if (!dir)
    return brig_fail(err, ENOMEM, "cgroup");
  for (slash = dir + mlen; slash;) {
    char *next = strchr(slash + 1, '/');

    if (next)
      *next = '\0';
    if (mkdir(dir, 0755) == 0) {
      if (!hi->made)
        hi->made = strlen(dir) - mlen;
    } else if (errno != EEXIST) {
      return brig_fail(err, errno, "cgroup: mkdir %s", dir);
    }
    if (cpuset) {
      char saved = *slash;

      *slash = '\0';
      {
        _cleanup_free_ char *parent = strdup(dir[0] ? dir : "/");

        *slash = saved;
        if (!parent)
          return brig_fail(err, ENOMEM, "cgroup");
        if (init_cpuset(parent, dir, err) < 0)
          return -1;
      }
    }
    if (next)
      *next = '/';
    slash = next;
  }
  return 0;
}

static const char *const v2_default_controllers[] = {
  "cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc", NULL,
};

/* Moves pid into the cgroup in every hierarchy (systemd's scope: the
 * container's own processes join through cgroup-join.c). */
static int
enter(brig_cgroup *cg, pid_t pid, brig_error **err)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (brig_cg_writef(cg->h[i].dir, "cgroup.procs", "cgroup", err, "%d", (int)pid) < 0)
      return -1;
  return 0;
}

/* Makes cg's directories, then either checks that nobody uses them yet
 * (pid 0) or moves pid in, and writes the resources and device rules.  On
 * failure the directories made here are removed and cg is freed. */
static int
setup(brig_cgroup *cg, const oci_linux *linux_cfg, pid_t pid, brig_cgroup **out, brig_error **err)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (make_dirs(&cg->h[i], err) < 0)
      goto fail;
  if (cg->layout == BRIG_CGROUP_LAYOUT_UNIFIED) {
    /* Like runc: every controller the root offers, so that a later update
     * finds its files.  A controller the kernel refuses here shows up as a
     * missing file when the spec asks for it.  After make_dirs: the walk
     * writes subtree_control of every level down to the leaf's parent,
     * which must exist (the leaf is still empty, so enabling is allowed). */
    for (i = 0; v2_default_controllers[i]; i++) {
      brig_error *e = NULL;

      if (!brig_cg_v2_available(cg, v2_default_controllers[i]))
        continue;
      if (brig_cg_v2_enable(cg, v2_default_controllers[i], "cgroup", &e) < 0) {
        brig_debug("cgroup: %s", e->msg);
        brig_error_free(e);
      }
    }
  }
  if (pid > 0) {
    if (enter(cg, pid, err) < 0)
      goto fail;
  } else if (brig_cg_check_unused(cg, err) < 0) {
    goto fail;
  }
  if (linux_cfg && brig_cgroup_apply_resources(cg, linux_cfg->resources, err) < 0)
    goto fail;
  if (brig_cgroup_apply_devices(cg, linux_cfg, err) < 0)
    goto fail;
  *out = cg;
  return 0;

fail:
  for (i = 0; i < cg->n; i++)
    brig_cg_remove_made(&cg->h[i]);
  brig_cgroup_free(cg);
  return -1;
}

int
brig_cgroup_create(const char *id, const oci_linux *linux_cfg, brig_cgroup **out, brig_error **err)
{
  brig_cgroup *cg = NULL;

  *out = NULL;
  if (brig_cgroup_resolve(id, linux_cfg, &cg, err) < 0)
    return -1;
  return setup(cg, linux_cfg, 0, out, err);
}

int
brig_cgroup_adopt(const char *path, pid_t pid, const oci_linux *linux_cfg, brig_cgroup **out,
                  brig_error **err)
{
  brig_cgroup *cg = NULL;

  *out = NULL;
  if (brig_cgroup_resolve_path(path, &cg, err) < 0)
    return -1;
  return setup(cg, linux_cfg, pid, out, err);
}

int
brig_cgroup_apply_resources(brig_cgroup *cg, const oci_resources *r, brig_error **err)
{
  if (!r)
    return 0;
  if (cg->layout == BRIG_CGROUP_LAYOUT_UNIFIED)
    return brig_cgroup_v2_apply(cg, r, err);
  return brig_cgroup_v1_apply(cg, r, err);
}
