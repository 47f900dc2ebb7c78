#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Firejail's filesystem directives -> ordered OCI mounts.
 *
 * The mounts are appended to the base spec's, in Firejail's order:
 *   1. the baseline (read-only /etc /var /usr, tmpfs /var/lock /var/tmp
 *      /var/log, other users' homes and /root hidden; masked /proc and /sys
 *      entries go to linux.maskedPaths, where order does not matter)
 *   2. private, private-home, private-tmp, private-cache, private-bin, private-opt,
 *      private-srv (tmpfs over the directory, then binds of what is kept), then
 *      private-lib (the same on one library directory, bound over the others)
 *   3. D-Bus and X11 sockets (dbus-user/dbus-system none, x11 none)
 *   4. disable-mnt
 *   5. private-etc, hosts-file
 *   6. whitelist/whitelist-ro: a tmpfs over each top directory, then binds
 *   7. blacklist, read-only, read-write, noexec, tmpfs, bind in profile order
 *      (read-only, read-write and noexec are recursive binds of the path
 *      onto itself, so they keep what is mounted at and below it)
 *   8. devices: the classes a no3d/nosound/... hides are masked (or, when
 *      /dev is the spec's own tmpfs, where they do not exist, left out) and
 *      denied in the device cgroup; with a private /dev the others become
 *      linux.devices entries, allowed in the device cgroup
 *
 * A bind source is the path as the sandbox sees it at that point (see
 * to-oci.h); a bind that must show the tree as it was before the
 * conversion (whitelist, private-*, the user's home) and whose source an
 * earlier mount of the conversion covers is staged: bound to
 * BRIG_FJ_STAGE_DIR/N ahead of the conversion's mounts, then bound from
 * there, as Firejail itself does for whitelists.
 *
 * Entries are globs on the tree at root_dir; what does not exist there is
 * skipped, as Firejail does, except paths that a mkdir/mkfile creates (brig
 * creates them before mounting).  A path hidden by an earlier tmpfs
 * (whitelist, private-*) and not bound back is "not in the sandbox": a
 * read-only or blacklist of it is skipped instead of binding it back. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "to-oci-internal.h"

/* Visibility layers: a tmpfs hides a directory's contents, a bind shows a
 * subtree again.  The last layer covering a path decides. */
struct layer {
  char *dir;
  bool shows;
  bool masked; /* a blacklist: not even the mount point is usable */
  size_t idx;  /* index of its mount in spec->mounts */
};

/* A staged bind: SRC bound to the staging directory at mount index AT. */
struct staged {
  size_t at;
  char *src;
};

struct mstate {
  struct fj_conv *c;
  struct layer *layers;
  size_t n_layers;
  bool dev_private;  /* the base mounts a tmpfs on /dev */
  const char *stage; /* BRIG_FJ_STAGE_DIR or BRIG_FJ_STAGE_DIR_NODEV */
  size_t group;      /* mount index where the current step began */
  struct staged *staged;
  size_t n_staged;
};

/* A step (the baseline, a private-*, the whitelists) begins: its binds
 * show the tree as it is now, before the step's own tmpfs mounts. */
static void
group_begin(struct mstate *m)
{
  m->group = m->c->spec->mounts_len;
}

static bool
under(const char *path, const char *dir)
{
  size_t l = strlen(dir);

  if (l == 1 && dir[0] == '/')
    return true;
  return strncmp(path, dir, l) == 0 && (path[l] == '\0' || path[l] == '/');
}

static void
layer_add(struct mstate *m, const char *dir, bool shows)
{
  m->layers = fj_xrealloc(m->layers, m->n_layers + 1, sizeof(*m->layers));
  m->layers[m->n_layers].dir = fj_xstrdup(dir);
  m->layers[m->n_layers].masked = false;
  m->layers[m->n_layers].idx = m->c->spec->mounts_len - 1;
  m->layers[m->n_layers++].shows = shows;
}

static bool
visible(const struct mstate *m, const char *path)
{
  for (size_t i = m->n_layers; i-- > 0;) {
    const struct layer *l = &m->layers[i];

    if (!under(path, l->dir))
      continue;
    return !l->masked && (l->shows || strcmp(path, l->dir) == 0);
  }
  return true;
}

static oci_mount *
mount_add(struct mstate *m, const char *dest, const char *type, const char *source, ...)
{
  oci_spec *spec = m->c->spec;
  oci_mount *mt = fj_objv_push(&spec->mounts, &spec->mounts_len, &spec->has_mounts, sizeof(*mt));
  va_list ap;
  const char *o;

  mt->destination = fj_xstrdup(dest);
  mt->type = fj_xstrdup(type);
  mt->source = fj_xstrdup(source);
  mt->options = fj_xcalloc(1, sizeof(char *));
  mt->has_options = true;
  va_start(ap, source);
  while ((o = va_arg(ap, const char *)))
    if (o[0])
      fj_ocistrv_push(&mt->options, &mt->options_len, &mt->has_options, o);
  va_end(ap);
  return mt;
}

/* tmpfs that hides DIR; owned by the target user when OWNED. */
static void
tmpfs_over(struct mstate *m, const char *dir, const char *mode, bool owned)
{
  char *mo = fj_xasprintf("mode=%s", mode);
  char *uid = owned ? fj_xasprintf("uid=%u", (unsigned)m->c->opts->uid) : fj_xstrdup("");
  char *gid = owned ? fj_xasprintf("gid=%u", (unsigned)m->c->opts->gid) : fj_xstrdup("");

  mount_add(m, dir, "tmpfs", "tmpfs", "nosuid", "nodev", mo, uid, gid, (char *)NULL);
  layer_add(m, dir, false);
  free(mo);
  free(uid);
  free(gid);
}

/* Does a mount of the current step cover PATH (at it or at a parent)? */
static bool
covered(const struct mstate *m, const char *path)
{
  size_t pl = strlen(path);

  for (size_t i = m->n_layers; i-- > 0 && m->layers[i].idx >= m->group;) {
    const char *d = m->layers[i].dir;
    size_t dl = strlen(d);

    if (dl <= pl && memcmp(path, d, dl) == 0 && (path[dl] == '\0' || path[dl] == '/' || dl == 1))
      return true;
  }
  return false;
}

/* Binds SRC_PATH of the tree on DEST.  PRISTINE: the tree as it was when
 * the step began, staged when a mount of the step covers it now. */
static void
bind(struct mstate *m, const char *dest, const char *src_path, bool ro, const char *extra,
     bool pristine)
{
  char *src;

  if (pristine && covered(m, src_path)) {
    char *st = fj_xasprintf("%s/%zu", m->stage, m->n_staged);

    m->staged = fj_xrealloc(m->staged, m->n_staged + 1, sizeof(*m->staged));
    m->staged[m->n_staged].at = m->group;
    m->staged[m->n_staged++].src = fj_xstrdup(src_path);
    src = fj_host_path(m->c, st);
    free(st);
  } else {
    src = fj_host_path(m->c, src_path);
  }
  mount_add(m, dest, "bind", src, "rbind", ro ? "ro" : "", extra ? extra : "", (char *)NULL);
  layer_add(m, dest, true);
  free(src);
}

#define DIR_MASK_MODE "mode=000"

bool
brig_fj_mount_is_dir_mask(const oci_mount *m)
{
  if (!m->type || strcmp(m->type, "tmpfs") != 0)
    return false;
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp(m->options[i], DIR_MASK_MODE) == 0)
      return true;
  return false;
}

/* Blacklist one existing path: an empty read-only tmpfs (mode 000) over a
 * directory, /dev/null over anything else. */
static void
mask(struct mstate *m, const struct brig_fj_match *x)
{
  if (x->type == BRIG_FJ_FT_DIR)
    mount_add(m, x->path, "tmpfs", "tmpfs", "ro", "nosuid", "nodev", "noexec", DIR_MASK_MODE,
              (char *)NULL);
  else
    mount_add(m, x->path, "bind", "/dev/null", "bind", "ro", "nosuid", "nodev", "noexec",
              (char *)NULL);
  layer_add(m, x->path, false);
  m->layers[m->n_layers - 1].masked = true;
}

static bool
created_by_profile(const struct fj_conv *c, const char *path)
{
  return fj_strv_contains(&c->mkdirs, path) || fj_strv_contains(&c->mkfiles, path);
}

static bool
matches_any(const struct fj_strv *patterns, const char *path)
{
  for (size_t i = 0; i < patterns->n; i++)
    if (fnmatch(patterns->v[i], path, FNM_PATHNAME) == 0 || strcmp(patterns->v[i], path) == 0)
      return true;
  return false;
}

/* Masks every existing match of PATTERN that is in the sandbox. */
static void
mask_pattern(struct mstate *m, const char *pattern, const struct fj_strv *except)
{
  struct brig_fj_match *x;
  size_t n = fj_glob(m->c, pattern, &x);

  for (size_t i = 0; i < n; i++)
    if (visible(m, x[i].path) && !(except && matches_any(except, x[i].path)))
      mask(m, &x[i]);
  brig_fj_matches_free(x, n);
}

static void
baseline(struct mstate *m)
{
  struct fj_conv *c = m->c;
  oci_linux *l = fj_linux(c);
  static const char *const masked[] = {
    "/sys/firmware",
    "/sys/power",
    "/sys/kernel/debug",
    "/sys/kernel/vmcoreinfo",
    "/proc/sys/fs/binfmt_misc",
    "/proc/sys/kernel/core_pattern",
    "/proc/sys/vm/panic_on_oom",
    "/proc/irq",
    "/proc/bus",
    "/proc/timer_list",
    "/proc/kallsyms",
    "/usr/lib/debug",
    "/boot",
    "/sys/fs",
    "/sys/module",
  };
  const char *home = c->opts->home;

  group_begin(m);
  if (!c->has_kind[BRIG_FJ_WRITABLE_ETC] && fj_exists(m->c, "/etc", NULL, NULL))
    bind(m, "/etc", "/etc", true, NULL, true);
  if (!c->has_kind[BRIG_FJ_WRITABLE_VAR] && fj_exists(m->c, "/var", NULL, NULL))
    bind(m, "/var", "/var", true, NULL, true);
  if (fj_exists(m->c, "/usr", NULL, NULL))
    bind(m, "/usr", "/usr", true, NULL, true);
  /* Only over what exists: with the host's / as root, a missing mount
   * point would be created on the host. */
  if (fj_exists(m->c, "/var/lock", NULL, NULL))
    tmpfs_over(m, "/var/lock", "1777", false);
  if (!c->has_kind[BRIG_FJ_KEEP_VAR_TMP] && fj_exists(m->c, "/var/tmp", NULL, NULL))
    tmpfs_over(m, "/var/tmp", "1777", false);
  if (!c->has_kind[BRIG_FJ_WRITABLE_VAR_LOG] && fj_exists(m->c, "/var/log", NULL, NULL))
    tmpfs_over(m, "/var/log", "755", false);
  if (!c->has_kind[BRIG_FJ_ALLUSERS]) {
    /* Firejail shows only the user's own home under /home, and hides
     * /root from other users. */
    if (under(home, "/home") && strcmp(home, "/home") != 0 &&
        fj_exists(m->c, "/home", NULL, NULL)) {
      tmpfs_over(m, "/home", "755", false);
      if (fj_exists(m->c, home, NULL, NULL))
        bind(m, home, home, false, NULL, true);
    }
    if (c->opts->uid != 0 && strcmp(home, "/root") != 0 && fj_exists(m->c, "/root", NULL, NULL))
      tmpfs_over(m, "/root", "700", false);
  }
  for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++)
    if (!fj_ocistrv_contains(l->masked_paths, l->masked_paths_len, masked[i]))
      fj_ocistrv_push(&l->masked_paths, &l->masked_paths_len, &l->has_masked_paths, masked[i]);
  if (!fj_ocistrv_contains(l->readonly_paths, l->readonly_paths_len, "/proc/sys"))
    fj_ocistrv_push(&l->readonly_paths, &l->readonly_paths_len, &l->has_readonly_paths,
                    "/proc/sys");
}

/* Firejail accumulates the lists of all private-bin (private-etc, ...)
 * lines into one: the merged list for the first line of its kind (true),
 * nothing for the others (false). */
static bool
merged_list(const struct fj_conv *c, size_t at, struct fj_strv *out)
{
  enum brig_fj_kind kind = c->prof->items[at].kind;

  for (size_t i = 0; i < at; i++)
    if (c->prof->items[i].kind == kind)
      return false;
  for (size_t i = at; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    if (d->kind != kind)
      continue;
    for (size_t k = 0; k < d->argc; k++)
      if (!fj_strv_contains(out, d->argv[k]))
        fj_strv_add(out, d->argv[k]);
  }
  return true;
}

/* tmpfs over DIR, then ro binds of DIR/ENTRY for each existing entry. */
static void
private_dir(struct mstate *m, const char *dir, const struct fj_strv *list)
{
  if (!fj_exists(m->c, dir, NULL, NULL))
    return;
  group_begin(m);
  tmpfs_over(m, dir, "755", false);
  for (size_t i = 0; i < list->n; i++) {
    char *pat = fj_xasprintf("%s/%s", dir, list->v[i]);
    struct brig_fj_match *x;
    size_t n = fj_glob(m->c, pat, &x);

    for (size_t k = 0; k < n; k++)
      bind(m, x[k].path, x[k].path, true, NULL, true);
    brig_fj_matches_free(x, n);
    free(pat);
  }
}

const char *const fj_bin_dirs[FJ_N_BIN_DIRS + 1] = {
  "/bin",
  "/sbin",
  "/usr/bin",
  "/usr/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
  "/usr/games",
  "/usr/local/games",
  NULL,
};

static void
private_bin(struct mstate *m, const struct fj_strv *list)
{
  const char *const *dirs = fj_bin_dirs;
  bool real[FJ_N_BIN_DIRS];

  group_begin(m);
  /* A merged /usr has /bin -> usr/bin: the tmpfs goes on the real one. */
  for (size_t i = 0; i < FJ_N_BIN_DIRS; i++) {
    enum brig_fj_ftype t;
    bool link = false;

    real[i] = fj_exists(m->c, dirs[i], &t, &link) && t == BRIG_FJ_FT_DIR && !link;
    if (real[i])
      tmpfs_over(m, dirs[i], "755", false);
  }
  for (size_t i = 0; i < list->n; i++)
    for (size_t k = 0; k < FJ_N_BIN_DIRS; k++) {
      char *pat;
      struct brig_fj_match *x;
      size_t n;

      if (!real[k])
        continue;
      pat = fj_xasprintf("%s/%s", dirs[k], list->v[i]);
      n = fj_glob(m->c, pat, &x);
      for (size_t j = 0; j < n; j++)
        bind(m, x[j].path, x[j].path, true, NULL, true);
      brig_fj_matches_free(x, n);
      free(pat);
    }
}

/* The home can be replaced: not "/" (a user without one) and present. */
static bool
home_usable(struct mstate *m, const struct brig_fj_directive *d)
{
  const char *home = m->c->opts->home;

  if (strcmp(home, "/") == 0) {
    fj_warn(m->c, d, "the user has no home directory (HOME is /)");
    return false;
  }
  if (!fj_exists(m->c, home, NULL, NULL)) {
    fj_warn(m->c, d, "the home directory %s does not exist", home);
    return false;
  }
  return true;
}

static void
privates(struct mstate *m)
{
  struct fj_conv *c = m->c;
  const char *home = c->opts->home;

  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];
    struct fj_strv list = { 0 };

    group_begin(m);
    switch (d->kind) {
    case BRIG_FJ_PRIVATE:
      if (!home_usable(m, d))
        break;
      if (d->arg) {
        if (fj_exists(m->c, d->arg, NULL, NULL))
          bind(m, home, d->arg, false, NULL, false);
        else
          fj_warn(c, d, "%s does not exist, home not replaced", d->arg);
      } else {
        tmpfs_over(m, home, "700", true);
      }
      break;
    case BRIG_FJ_PRIVATE_HOME:
      /* Firejail copies the entries into a tmpfs home; here they are bound
       * read-only, so that nothing written goes back to the host. */
      if (!merged_list(c, i, &list) || !home_usable(m, d))
        break;
      tmpfs_over(m, home, "700", true);
      for (size_t k = 0; k < list.n; k++) {
        char *pat = fj_xasprintf("%s/%s", home, list.v[k]);
        struct brig_fj_match *x;
        size_t n = fj_glob(c, pat, &x);

        for (size_t j = 0; j < n; j++)
          bind(m, x[j].path, x[j].path, true, NULL, true);
        brig_fj_matches_free(x, n);
        free(pat);
      }
      break;
    case BRIG_FJ_PRIVATE_TMP:
      if (!fj_exists(m->c, "/tmp", NULL, NULL))
        break;
      tmpfs_over(m, "/tmp", "1777", false);
      /* Firejail keeps the X11 sockets */
      if (fj_exists(m->c, "/tmp/.X11-unix", NULL, NULL))
        bind(m, "/tmp/.X11-unix", "/tmp/.X11-unix", true, NULL, true);
      break;
    case BRIG_FJ_PRIVATE_CACHE: {
      char *cache = fj_xasprintf("%s/.cache", home);

      if (strcmp(home, "/") != 0 && fj_exists(m->c, cache, NULL, NULL))
        tmpfs_over(m, cache, "700", true);
      free(cache);
      break;
    }
    case BRIG_FJ_PRIVATE_BIN:
      if (merged_list(c, i, &list))
        private_bin(m, &list);
      break;
    case BRIG_FJ_PRIVATE_OPT:
      if (merged_list(c, i, &list))
        private_dir(m, "/opt", &list);
      break;
    case BRIG_FJ_PRIVATE_SRV:
      if (merged_list(c, i, &list))
        private_dir(m, "/srv", &list);
      break;
    default:
      break;
    }
    fj_strv_free(&list);
  }
}

/* The source of a bind of PATH, below DIR, as the tree was when the step
 * began: DIR is staged once (not each library) when a mount of the step
 * covers PATH. */
static char *
pristine_source(struct mstate *m, const char *dir, const char *path)
{
  size_t k;
  char *st, *src;

  if (!covered(m, path) || !under(path, dir))
    return fj_host_path(m->c, path);
  for (k = 0; k < m->n_staged; k++)
    if (m->staged[k].at == m->group && strcmp(m->staged[k].src, dir) == 0)
      break;
  if (k == m->n_staged) {
    m->staged = fj_xrealloc(m->staged, m->n_staged + 1, sizeof(*m->staged));
    m->staged[m->n_staged].at = m->group;
    m->staged[m->n_staged++].src = fj_xstrdup(dir);
  }
  st = fj_xasprintf("%s/%zu%s", m->stage, k, path + strlen(dir));
  src = fj_host_path(m->c, st);
  free(st);
  return src;
}

/* private-lib (the list: to-oci-lib.c).  Firejail builds one directory
 * and mounts it read-only over each library directory; here a tmpfs over
 * the first real one (/usr/lib when it is), the libraries bound into it
 * read-only at their relative paths, the tmpfs made read-only, and it
 * bound over the others.  A symlinked directory (/lib -> usr/lib on a
 * merged /usr) follows its target. */
static void
private_lib(struct mstate *m)
{
  struct fj_conv *c = m->c;
  struct fj_libset set;
  const char *dirs[8], *top = NULL;
  size_t nd = 0;
  bool *shown;
  char *src;

  if (!c->has_kind[BRIG_FJ_PRIVATE_LIB])
    return;
  fj_private_lib(c, &set);
  for (size_t i = 0; fj_lib_dirs[i] && nd < 8; i++) {
    enum brig_fj_ftype t;
    bool link = false;

    if (fj_exists(m->c, fj_lib_dirs[i], &t, &link) && t == BRIG_FJ_FT_DIR && !link &&
        visible(m, fj_lib_dirs[i]))
      dirs[nd++] = fj_lib_dirs[i];
  }
  for (size_t i = 0; i < nd; i++)
    if (!top || strcmp(dirs[i], "/usr/lib") == 0)
      top = dirs[i];
  if (!set.n || !top) {
    for (size_t i = 0; i < c->prof->n_items; i++)
      if (c->prof->items[i].kind == BRIG_FJ_PRIVATE_LIB) {
        fj_warn(c, &c->prof->items[i],
                "no library found in the tree: the library directories are left as they are");
        break;
      }
    fj_libset_free(&set);
    return;
  }
  /* what the sandbox sees before the step: a blacklisted library stays out */
  shown = fj_xcalloc(set.n, sizeof(bool));
  for (size_t i = 0; i < set.n; i++)
    shown[i] = visible(m, set.v[i].src);
  group_begin(m);
  tmpfs_over(m, top, "755", false);
  for (size_t i = 0; i < set.n; i++) {
    char *dest;

    if (!shown[i])
      continue;
    dest = fj_xasprintf("%s/%s", top, set.v[i].rel);
    src = pristine_source(m, top, set.v[i].src);
    mount_add(m, dest, "bind", src, "rbind", "ro", (char *)NULL);
    layer_add(m, dest, true);
    free(dest);
    free(src);
  }
  src = fj_host_path(c, top);
  mount_add(m, top, "bind", src, "rbind", "ro", (char *)NULL);
  for (size_t d = 0; d < nd; d++) {
    if (dirs[d] == top)
      continue;
    mount_add(m, dirs[d], "bind", src, "rbind", "ro", (char *)NULL);
    layer_add(m, dirs[d], false);
    for (size_t i = 0; i < set.n; i++) {
      char *dest;

      if (!shown[i])
        continue;
      dest = fj_xasprintf("%s/%s", dirs[d], set.v[i].rel);
      layer_add(m, dest, true);
      free(dest);
    }
  }
  free(src);
  free(shown);
  fj_libset_free(&set);
}

static void
sockets(struct mstate *m)
{
  struct fj_conv *c = m->c;

  if (c->has_kind[BRIG_FJ_NODBUS] || c->has_kind[BRIG_FJ_DBUS_USER]) {
    bool none = c->has_kind[BRIG_FJ_NODBUS];

    for (size_t i = 0; i < c->prof->n_items; i++)
      if (c->prof->items[i].kind == BRIG_FJ_DBUS_USER && c->prof->items[i].arg &&
          strcmp(c->prof->items[i].arg, "none") == 0)
        none = true;
    if (none) {
      char *bus = fj_xasprintf("%s/bus", c->runuser);

      mask_pattern(m, bus, NULL);
      free(bus);
    }
  }
  if (c->has_kind[BRIG_FJ_NODBUS] || c->has_kind[BRIG_FJ_DBUS_SYSTEM]) {
    bool none = c->has_kind[BRIG_FJ_NODBUS];

    for (size_t i = 0; i < c->prof->n_items; i++)
      if (c->prof->items[i].kind == BRIG_FJ_DBUS_SYSTEM && c->prof->items[i].arg &&
          strcmp(c->prof->items[i].arg, "none") == 0)
        none = true;
    if (none)
      mask_pattern(m, "/run/dbus/system_bus_socket", NULL);
  }
  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    if (d->kind == BRIG_FJ_X11 && d->arg && strcmp(d->arg, "none") == 0) {
      char *xa = fj_xasprintf("%s/.Xauthority", c->opts->home);

      mask_pattern(m, "/tmp/.X11-unix", NULL);
      mask_pattern(m, xa, NULL);
      free(xa);
      break;
    }
  }
}

static void
etc(struct mstate *m)
{
  struct fj_conv *c = m->c;

  for (size_t i = 0; i < c->prof->n_items; i++)
    if (c->prof->items[i].kind == BRIG_FJ_PRIVATE_ETC) {
      struct fj_strv list = { 0 };

      merged_list(c, i, &list);
      private_dir(m, "/etc", &list);
      fj_strv_free(&list);
      break;
    }
  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    if (d->kind != BRIG_FJ_HOSTS_FILE)
      continue;
    if (fj_exists(m->c, d->arg, NULL, NULL))
      bind(m, "/etc/hosts", d->arg, true, NULL, false);
    else
      fj_warn(c, d, "%s does not exist", d->arg);
  }
}

/* The directory a whitelisted path hides: the home, ${RUNUSER},
 * /usr/share, /sys/module, else the first component. */
static char *
whitelist_top(const struct fj_conv *c, const char *path)
{
  static const char *const deep[] = { "/usr/share", "/sys/module", "/run/user" };
  const char *slash;

  if (strcmp(c->opts->home, "/") != 0 && under(path, c->opts->home) &&
      strcmp(path, c->opts->home) != 0)
    return fj_xstrdup(c->opts->home);
  if (under(path, c->runuser) && strcmp(path, c->runuser) != 0)
    return fj_xstrdup(c->runuser);
  for (size_t i = 0; i < sizeof(deep) / sizeof(deep[0]); i++)
    if (under(path, deep[i]) && strcmp(path, deep[i]) != 0)
      return fj_xstrdup(deep[i]);
  slash = strchr(path + 1, '/');
  if (!slash)
    return NULL; /* a top-level directory itself */
  return fj_xasprintf("%.*s", (int)(slash - path), path);
}

static void
whitelists(struct mstate *m)
{
  struct fj_conv *c = m->c;
  struct fj_strv tops = { 0 }, paths = { 0 };
  bool *ro = NULL;

  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];
    struct brig_fj_match *x;
    size_t n;

    if (d->kind != BRIG_FJ_WHITELIST && d->kind != BRIG_FJ_WHITELIST_RO)
      continue;
    n = fj_glob(c, d->arg, &x);
    if (n == 0 && !fj_has_glob(d->arg) && created_by_profile(c, d->arg)) {
      x = fj_xcalloc(1, sizeof(*x));
      x->path = fj_xstrdup(d->arg);
      n = 1;
    }
    for (size_t k = 0; k < n; k++) {
      char *top;

      /* hidden by an earlier tmpfs (private-cache, ...): not in the sandbox */
      if (!visible(m, x[k].path))
        continue;
      top = whitelist_top(c, x[k].path);

      if (!top) {
        fj_warn(c, d, "%s: whitelisting a top-level directory is not supported", x[k].path);
        continue;
      }
      if (matches_any(&c->nowhitelist, x[k].path)) {
        free(top);
        continue;
      }
      if (!fj_strv_contains(&tops, top))
        fj_strv_add(&tops, top);
      free(top);
      if (fj_strv_contains(&paths, x[k].path))
        continue;
      fj_strv_add(&paths, x[k].path);
      ro = fj_xrealloc(ro, paths.n, sizeof(bool));
      ro[paths.n - 1] = d->kind == BRIG_FJ_WHITELIST_RO;
    }
    brig_fj_matches_free(x, n);
  }
  /* a tmpfs over a directory that is itself hidden would show it again */
  group_begin(m);
  for (size_t i = 0; i < tops.n; i++) {
    const char *t = tops.v[i];
    bool home = strcmp(t, c->opts->home) == 0;

    if (!fj_exists(m->c, t, NULL, NULL) || !visible(m, t))
      continue;
    tmpfs_over(m, t, strcmp(t, "/tmp") == 0 ? "1777" : "755", home || strcmp(t, c->runuser) == 0);
    if (strcmp(t, "/tmp") == 0 && fj_exists(m->c, "/tmp/.X11-unix", NULL, NULL) &&
        !fj_strv_contains(&paths, "/tmp/.X11-unix"))
      bind(m, "/tmp/.X11-unix", "/tmp/.X11-unix", false, NULL, true);
    /* the user's runtime directory stays (it has its own whitelist top) */
    if (strcmp(t, "/run") == 0 && !fj_strv_contains(&tops, c->runuser) &&
        fj_exists(m->c, c->runuser, NULL, NULL))
      bind(m, c->runuser, c->runuser, false, NULL, true);
  }
  for (size_t i = 0; i < paths.n; i++)
    bind(m, paths.v[i], paths.v[i], ro[i], NULL, true);
  fj_strv_free(&tops);
  fj_strv_free(&paths);
  free(ro);
}

/* read-only / read-write / noexec of a path: a recursive bind of the path
 * onto itself with the flag.  The source is the path as the sandbox sees
 * it at that point, so what is mounted at and below it (a whitelist, a
 * blacklist mask) stays, and the flag applies to all of it (read-write:
 * to the top mount only, so that masks stay read-only). */
static void
remount(struct mstate *m, const struct brig_fj_directive *d, const char *path)
{
  char *src;

  if (strcmp(path, "/") == 0) {
    /* A runtime cannot bind the root it is building onto itself: the
     * root's own flag, applied after the mounts. */
    if (d->kind == BRIG_FJ_READ_ONLY && m->c->spec->root) {
      m->c->spec->root->readonly = true;
      m->c->spec->root->has_readonly = true;
    } else {
      fj_warn(m->c, d, "/ itself: not supported, ignored");
    }
    return;
  }
  src = fj_host_path(m->c, path);
  if (d->kind == BRIG_FJ_READ_ONLY)
    mount_add(m, path, "bind", src, "rbind", "rro", (char *)NULL);
  else if (d->kind == BRIG_FJ_READ_WRITE)
    mount_add(m, path, "bind", src, "rbind", "rw", (char *)NULL);
  else
    mount_add(m, path, "bind", src, "rbind", "rnoexec", "rnosuid", "rnodev", (char *)NULL);
  free(src);
}

static void
ordered(struct mstate *m)
{
  struct fj_conv *c = m->c;

  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];
    struct brig_fj_match *x = NULL;
    size_t n = 0;

    switch (d->kind) {
    case BRIG_FJ_BLACKLIST:
    case BRIG_FJ_BLACKLIST_NOLOG:
      mask_pattern(m, d->arg, &c->noblacklist);
      break;
    case BRIG_FJ_READ_ONLY:
    case BRIG_FJ_READ_WRITE:
    case BRIG_FJ_NOEXEC:
      n = fj_glob(c, d->arg, &x);
      for (size_t k = 0; k < n; k++)
        if (visible(m, x[k].path))
          remount(m, d, x[k].path);
      brig_fj_matches_free(x, n);
      break;
    case BRIG_FJ_TMPFS:
      if (fj_exists(m->c, d->arg, NULL, NULL))
        tmpfs_over(m, d->arg, "755", false);
      else
        fj_warn(c, d, "%s does not exist", d->arg);
      break;
    case BRIG_FJ_BIND:
      if (d->argc == 2 && fj_exists(m->c, d->argv[0], NULL, NULL))
        bind(m, d->argv[1], d->argv[0], false, NULL, false);
      else
        fj_warn(c, d, "%s does not exist", d->argc ? d->argv[0] : "");
      break;
    default:
      break;
    }
  }
}

struct devclass {
  enum brig_fj_kind hide; /* the directive that hides it */
  const char *const *globs;
  char type; /* device cgroup type, 0 = no rule (dynamic major) */
  int majors[2];
};

static const char *const dev_3d[] = { "/dev/dri", "/dev/nvidia*", NULL };
static const char *const dev_sound[] = { "/dev/snd", NULL };
static const char *const dev_video[] = { "/dev/video*", NULL };
static const char *const dev_tv[] = { "/dev/dvb", NULL };
static const char *const dev_dvd[] = { "/dev/sr*", "/dev/cdrom", "/dev/cdrw",
                                       "/dev/dvd", "/dev/dvdrw", NULL };
static const char *const dev_u2f[] = { "/dev/hidraw*", "/dev/usb", NULL };
static const char *const dev_input[] = { "/dev/input", NULL };
static const char *const dev_printers[] = { "/dev/lp*", "/dev/parport*", NULL };

static const struct devclass devclasses[] = {
  { BRIG_FJ_NO3D, dev_3d, 'c', { 226, 195 } },
  { BRIG_FJ_NOSOUND, dev_sound, 'c', { 116, -1 } },
  { BRIG_FJ_NOVIDEO, dev_video, 'c', { 81, -1 } },
  { BRIG_FJ_NOTV, dev_tv, 'c', { 212, -1 } },
  { BRIG_FJ_NODVD, dev_dvd, 'b', { 11, -1 } },
  { BRIG_FJ_NOU2F, dev_u2f, 0, { -1, -1 } },
  { BRIG_FJ_NOINPUT, dev_input, 'c', { 13, -1 } },
  { BRIG_FJ_NOPRINTERS, dev_printers, 'c', { 6, 99 } },
};

static bool
dev_is_private(const struct fj_conv *c)
{
  for (size_t i = 0; i < c->spec->mounts_len; i++)
    if (strcmp(c->spec->mounts[i].destination, "/dev") == 0)
      return c->spec->mounts[i].type && strcmp(c->spec->mounts[i].type, "tmpfs") == 0;
  return false;
}

static void
dev_rule(struct fj_conv *c, bool allow, char type, int major, int minor)
{
  oci_resources *r = fj_resources(c);
  oci_device_cgroup *d = fj_objv_push(&r->devices, &r->devices_len, &r->has_devices, sizeof(*d));
  char t[2] = { type, 0 };

  d->allow = allow;
  d->has_allow = true;
  d->type = fj_xstrdup(t);
  d->major = major;
  d->has_major = true;
  d->minor = minor;
  d->has_minor = minor >= 0;
  d->access = fj_xstrdup("rwm");
}

/* The device nodes at PATH (a node, or a directory of them down to DEPTH
 * levels) as linux.devices entries of the private /dev. */
static void
device_nodes(struct mstate *m, const struct brig_fj_match *x, bool dynamic, int depth)
{
  struct fj_conv *c = m->c;
  oci_linux *l = fj_linux(c);
  struct brig_fj_node dev;
  oci_device *o;

  if (x->symlink) /* /dev/dri/by-path/... and the like: the node is listed itself */
    return;
  if (x->type == BRIG_FJ_FT_DIR) {
    struct brig_fj_match *sub;
    char *pat;
    size_t n;

    if (depth == 0)
      return;
    pat = fj_xasprintf("%s/*", x->path);
    n = fj_glob(c, pat, &sub);
    for (size_t i = 0; i < n; i++)
      device_nodes(m, &sub[i], dynamic, depth - 1);
    brig_fj_matches_free(sub, n);
    free(pat);
    return;
  }
  if (!fj_node(c, x->path, &dev))
    return;
  free(dev.real);
  if (!dev.dev_type)
    return;
  for (size_t i = 0; i < l->devices_len; i++)
    if (strcmp(l->devices[i].path, x->path) == 0)
      return;
  o = fj_objv_push(&l->devices, &l->devices_len, &l->has_devices, sizeof(*o));
  o->path = fj_xstrdup(x->path);
  o->type = fj_xstrdup(dev.dev_type == 'b' ? "b" : "c");
  o->major = dev.major;
  o->has_major = true;
  o->minor = dev.minor;
  o->has_minor = true;
  o->file_mode = dev.mode;
  o->has_file_mode = true;
  o->uid = dev.uid;
  o->has_uid = true;
  o->gid = dev.gid;
  o->has_gid = true;
  if (dynamic) /* no fixed major for the class: allow this node */
    dev_rule(c, true, dev.dev_type, (int)dev.major, (int)dev.minor);
}

static void
devices(struct mstate *m)
{
  struct fj_conv *c = m->c;
  bool priv = m->dev_private;

  for (size_t i = 0; i < sizeof(devclasses) / sizeof(devclasses[0]); i++) {
    const struct devclass *dc = &devclasses[i];
    bool hide = c->has_kind[dc->hide];

    /* The host's /dev as it is: hidden classes are masked.  A private
     * /dev (the spec's tmpfs): hidden classes are simply not created,
     * the others are listed in linux.devices. */
    if (!hide && !priv)
      continue;
    for (size_t g = 0; dc->globs[g]; g++) {
      struct brig_fj_match *x;
      size_t n;

      if (hide && priv)
        break;
      n = fj_glob(c, dc->globs[g], &x);
      for (size_t k = 0; k < n; k++)
        if (hide)
          mask(m, &x[k]);
        else
          device_nodes(m, &x[k], !dc->type, 2);
      brig_fj_matches_free(x, n);
    }
    for (size_t k = 0; dc->type && k < 2; k++)
      if (dc->majors[k] >= 0)
        dev_rule(c, !hide, dc->type, dc->majors[k], -1);
  }
  if (c->has_kind[BRIG_FJ_NOPRINTERS])
    mask_pattern(m, "/run/cups/cups.sock", NULL);
  if (c->has_kind[BRIG_FJ_NOSOUND]) {
    char *pulse = fj_xasprintf("%s/pulse", c->runuser);

    mask_pattern(m, pulse, NULL);
    free(pulse);
  }
}

/* Inserts the staged binds where their step began (and, without a /dev
 * tmpfs in the base, the tmpfs they go to before the first), and masks
 * the staging directory. */
static void
stage(struct mstate *m)
{
  oci_spec *spec = m->c->spec;
  oci_linux *l = fj_linux(m->c);
  size_t old = spec->mounts_len, from = m->staged ? m->staged[0].at : 0, k = 0;
  oci_mount *tail;

  if (!m->n_staged)
    return;
  /* the staged binds are in order of their step: rebuild from the first */
  tail = fj_xcalloc(old - from, sizeof(*tail));
  memcpy(tail, spec->mounts + from, (old - from) * sizeof(*tail));
  spec->mounts_len = from;
  if (!m->dev_private)
    mount_add(m, m->stage, "tmpfs", "tmpfs", "nosuid", "nodev", "noexec", "mode=700", (char *)NULL);
  for (size_t i = from; i <= old; i++) {
    for (; k < m->n_staged && m->staged[k].at == i; k++) {
      char *dest = fj_xasprintf("%s/%zu", m->stage, k);
      char *src = fj_host_path(m->c, m->staged[k].src);

      mount_add(m, dest, "bind", src, "rbind", (char *)NULL);
      free(dest);
      free(src);
    }
    if (i < old) {
      oci_mount *mt =
          fj_objv_push(&spec->mounts, &spec->mounts_len, &spec->has_mounts, sizeof(*mt));

      *mt = tail[i - from];
    }
  }
  free(tail);
  if (!fj_ocistrv_contains(l->masked_paths, l->masked_paths_len, m->stage))
    fj_ocistrv_push(&l->masked_paths, &l->masked_paths_len, &l->has_masked_paths, m->stage);
}

void
fj_mounts(struct fj_conv *c)
{
  struct mstate m = { .c = c };

  m.dev_private = dev_is_private(c);
  m.stage = m.dev_private ? BRIG_FJ_STAGE_DIR : BRIG_FJ_STAGE_DIR_NODEV;
  baseline(&m);
  privates(&m);
  private_lib(&m);
  sockets(&m);
  if (c->has_kind[BRIG_FJ_DISABLE_MNT]) {
    static const char *const mnt[] = { "/mnt", "/media", "/run/mount", "/run/media" };

    for (size_t i = 0; i < sizeof(mnt) / sizeof(mnt[0]); i++)
      mask_pattern(&m, mnt[i], NULL);
  }
  etc(&m);
  whitelists(&m);
  ordered(&m);
  devices(&m);
  stage(&m);
  for (size_t i = 0; i < m.n_staged; i++)
    free(m.staged[i].src);
  free(m.staged);
  for (size_t i = 0; i < m.n_layers; i++)
    free(m.layers[i].dir);
  free(m.layers);
}
