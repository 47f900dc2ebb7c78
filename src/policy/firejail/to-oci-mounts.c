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
 *      private-srv (tmpfs over the directory, then binds of what is kept)
 *   3. D-Bus and X11 sockets (dbus-user/dbus-system none, x11 none)
 *   4. disable-mnt
 *   5. private-etc, hosts-file
 *   6. whitelist/whitelist-ro: a tmpfs over each top directory, then binds
 *   7. blacklist, read-only, read-write, noexec, tmpfs, bind in profile order
 *      (a read-only/read-write/noexec of a path that already has mounts at
 *      or under it cannot be a host bind: see remount())
 *   8. devices: the classes a no3d/nosound/... hides are masked and denied
 *      in the device cgroup; the others are bound from the tree and allowed
 *      when /dev is the spec's own tmpfs
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
};

struct mstate {
  struct fj_conv *c;
  struct layer *layers;
  size_t n_layers;
  struct fj_strv remount; /* "ro PATH", "rw PATH", "noexec PATH", in profile order */
};

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

static void
bind(struct mstate *m, const char *dest, const char *src_path, bool ro, const char *extra)
{
  char *src = fj_host_path(m->c, src_path);

  mount_add(m, dest, "bind", src, "rbind", ro ? "ro" : "", extra ? extra : "", (char *)NULL);
  layer_add(m, dest, true);
  free(src);
}

/* Blacklist one existing path: an empty read-only tmpfs (mode 000) over a
 * directory, /dev/null over anything else. */
static void
mask(struct mstate *m, const struct brig_fj_match *x)
{
  layer_add(m, x->path, false);
  m->layers[m->n_layers - 1].masked = true;
  if (x->type == BRIG_FJ_FT_DIR)
    mount_add(m, x->path, "tmpfs", "tmpfs", "ro", "nosuid", "nodev", "noexec", "mode=000",
              (char *)NULL);
  else
    mount_add(m, x->path, "bind", "/dev/null", "bind", "ro", "nosuid", "nodev", "noexec",
              (char *)NULL);
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

static bool
exists(struct mstate *m, const char *path, enum brig_fj_ftype *type, bool *symlink)
{
  struct brig_fj_match *x;
  size_t n = fj_glob(m->c, path, &x);

  if (n && type)
    *type = x[0].type;
  if (n && symlink)
    *symlink = x[0].symlink;
  brig_fj_matches_free(x, n);
  return n > 0;
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

  if (!c->has_kind[BRIG_FJ_WRITABLE_ETC] && exists(m, "/etc", NULL, NULL))
    bind(m, "/etc", "/etc", true, NULL);
  if (!c->has_kind[BRIG_FJ_WRITABLE_VAR] && exists(m, "/var", NULL, NULL))
    bind(m, "/var", "/var", true, NULL);
  if (exists(m, "/usr", NULL, NULL))
    bind(m, "/usr", "/usr", true, NULL);
  tmpfs_over(m, "/var/lock", "1777", false);
  if (!c->has_kind[BRIG_FJ_KEEP_VAR_TMP])
    tmpfs_over(m, "/var/tmp", "1777", false);
  if (!c->has_kind[BRIG_FJ_WRITABLE_VAR_LOG])
    tmpfs_over(m, "/var/log", "755", false);
  if (!c->has_kind[BRIG_FJ_ALLUSERS]) {
    /* Firejail shows only the user's own home under /home, and hides
     * /root from other users. */
    if (under(home, "/home") && strcmp(home, "/home") != 0 && exists(m, "/home", NULL, NULL)) {
      tmpfs_over(m, "/home", "755", false);
      if (exists(m, home, NULL, NULL))
        bind(m, home, home, false, NULL);
    }
    if (c->opts->uid != 0 && strcmp(home, "/root") != 0 && exists(m, "/root", NULL, NULL))
      tmpfs_over(m, "/root", "700", false);
  }
  for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++)
    if (!fj_ocistrv_contains(l->masked_paths, l->masked_paths_len, masked[i]))
      fj_ocistrv_push(&l->masked_paths, &l->masked_paths_len, &l->has_masked_paths, masked[i]);
  if (!fj_ocistrv_contains(l->readonly_paths, l->readonly_paths_len, "/proc/sys"))
    fj_ocistrv_push(&l->readonly_paths, &l->readonly_paths_len, &l->has_readonly_paths,
                    "/proc/sys");
}

/* tmpfs over DIR, then ro binds of DIR/ENTRY for each existing entry. */
static void
private_dir(struct mstate *m, const char *dir, const struct brig_fj_directive *d)
{
  if (!exists(m, dir, NULL, NULL))
    return;
  tmpfs_over(m, dir, "755", false);
  for (size_t i = 0; i < d->argc; i++) {
    char *pat = fj_xasprintf("%s/%s", dir, d->argv[i]);
    struct brig_fj_match *x;
    size_t n = fj_glob(m->c, pat, &x);

    for (size_t k = 0; k < n; k++)
      bind(m, x[k].path, x[k].path, true, NULL);
    brig_fj_matches_free(x, n);
    free(pat);
  }
}

static void
private_bin(struct mstate *m, const struct brig_fj_directive *d)
{
  static const char *const dirs[] = { "/bin",       "/sbin",           "/usr/bin",
                                      "/usr/sbin",  "/usr/local/bin",  "/usr/local/sbin",
                                      "/usr/games", "/usr/local/games" };
  bool real[sizeof(dirs) / sizeof(dirs[0])];

  /* A merged /usr has /bin -> usr/bin: the tmpfs goes on the real one. */
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
    enum brig_fj_ftype t;
    bool link = false;

    real[i] = exists(m, dirs[i], &t, &link) && t == BRIG_FJ_FT_DIR && !link;
    if (real[i])
      tmpfs_over(m, dirs[i], "755", false);
  }
  for (size_t i = 0; i < d->argc; i++)
    for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
      char *pat;
      struct brig_fj_match *x;
      size_t n;

      if (!real[k])
        continue;
      pat = fj_xasprintf("%s/%s", dirs[k], d->argv[i]);
      n = fj_glob(m->c, pat, &x);
      for (size_t j = 0; j < n; j++)
        bind(m, x[j].path, x[j].path, true, NULL);
      brig_fj_matches_free(x, n);
      free(pat);
    }
}

static void
privates(struct mstate *m)
{
  struct fj_conv *c = m->c;
  const char *home = c->opts->home;

  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    switch (d->kind) {
    case BRIG_FJ_PRIVATE:
      if (d->arg) {
        if (exists(m, d->arg, NULL, NULL))
          bind(m, home, d->arg, false, NULL);
        else
          fj_warn(c, d, "%s does not exist, home not replaced", d->arg);
      } else {
        tmpfs_over(m, home, "700", true);
      }
      break;
    case BRIG_FJ_PRIVATE_HOME:
      /* Firejail copies the entries into a tmpfs home; here they are bound
       * read-only, so that nothing written goes back to the host. */
      tmpfs_over(m, home, "700", true);
      for (size_t k = 0; k < d->argc; k++) {
        char *pat = fj_xasprintf("%s/%s", home, d->argv[k]);
        struct brig_fj_match *x;
        size_t n = fj_glob(c, pat, &x);

        for (size_t j = 0; j < n; j++)
          bind(m, x[j].path, x[j].path, true, NULL);
        brig_fj_matches_free(x, n);
        free(pat);
      }
      break;
    case BRIG_FJ_PRIVATE_TMP:
      tmpfs_over(m, "/tmp", "1777", false);
      /* Firejail keeps the X11 sockets */
      if (exists(m, "/tmp/.X11-unix", NULL, NULL))
        bind(m, "/tmp/.X11-unix", "/tmp/.X11-unix", true, NULL);
      break;
    case BRIG_FJ_PRIVATE_CACHE: {
      char *cache = fj_xasprintf("%s/.cache", home);

      tmpfs_over(m, cache, "700", true);
      free(cache);
      break;
    }
    case BRIG_FJ_PRIVATE_BIN:
      private_bin(m, d);
      break;
    case BRIG_FJ_PRIVATE_OPT:
      private_dir(m, "/opt", d);
      break;
    case BRIG_FJ_PRIVATE_SRV:
      private_dir(m, "/srv", d);
      break;
    default:
      break;
    }
  }
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
    if (c->prof->items[i].kind == BRIG_FJ_PRIVATE_ETC)
      private_dir(m, "/etc", &c->prof->items[i]);
  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    if (d->kind != BRIG_FJ_HOSTS_FILE)
      continue;
    if (exists(m, d->arg, NULL, NULL))
      bind(m, "/etc/hosts", d->arg, true, NULL);
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

  if (under(path, c->opts->home) && strcmp(path, c->opts->home) != 0)
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
      char *top = whitelist_top(c, x[k].path);

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
  for (size_t i = 0; i < tops.n; i++) {
    const char *t = tops.v[i];
    bool home = strcmp(t, c->opts->home) == 0;

    if (!exists(m, t, NULL, NULL) || !visible(m, t))
      continue;
    tmpfs_over(m, t, strcmp(t, "/tmp") == 0 ? "1777" : "755", home || strcmp(t, c->runuser) == 0);
    if (strcmp(t, "/tmp") == 0 && exists(m, "/tmp/.X11-unix", NULL, NULL) &&
        !fj_strv_contains(&paths, "/tmp/.X11-unix"))
      bind(m, "/tmp/.X11-unix", "/tmp/.X11-unix", false, NULL);
    /* the user's runtime directory stays (it has its own whitelist top) */
    if (strcmp(t, "/run") == 0 && !fj_strv_contains(&tops, c->runuser) &&
        exists(m, c->runuser, NULL, NULL))
      bind(m, c->runuser, c->runuser, false, NULL);
  }
  for (size_t i = 0; i < paths.n; i++)
    bind(m, paths.v[i], paths.v[i], ro[i], NULL);
  fj_strv_free(&tops);
  fj_strv_free(&paths);
  free(ro);
}

/* Is there a mount at or below PATH already? */
static bool
has_mounts_under(const struct mstate *m, const char *path)
{
  const oci_spec *spec = m->c->spec;

  for (size_t i = 0; i < spec->mounts_len; i++)
    if (under(spec->mounts[i].destination, path))
      return true;
  return false;
}

/* read-only / read-write / noexec of a path.  While the sandbox's PATH is
 * the host's PATH (no mount at or under it yet), a bind of the host path
 * with the flag is the same thing and stays in the spec.  Otherwise the
 * flag must be applied in place, to the mounts already there, which OCI
 * cannot say: from then on the remounts go, in order, to the annotation
 * run.brig.firejail.remount that brig applies after the spec's mounts. */
static void
remount(struct mstate *m, enum brig_fj_kind kind, const char *path)
{
  const char *op = kind == BRIG_FJ_READ_ONLY ? "ro" : kind == BRIG_FJ_READ_WRITE ? "rw" : "noexec";

  if (!m->remount.n && !has_mounts_under(m, path)) {
    if (kind == BRIG_FJ_NOEXEC) {
      char *src = fj_host_path(m->c, path);

      mount_add(m, path, "bind", src, "rbind", "noexec", "nosuid", "nodev", (char *)NULL);
      layer_add(m, path, true);
      free(src);
    } else {
      bind(m, path, path, kind == BRIG_FJ_READ_ONLY, kind == BRIG_FJ_READ_WRITE ? "rw" : NULL);
    }
    return;
  }
  {
    char *e = fj_xasprintf("%s %s", op, path);

    if (!fj_strv_contains(&m->remount, e))
      fj_strv_add(&m->remount, e);
    free(e);
  }
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
          remount(m, d->kind, x[k].path);
      brig_fj_matches_free(x, n);
      break;
    case BRIG_FJ_TMPFS:
      if (exists(m, d->arg, NULL, NULL))
        tmpfs_over(m, d->arg, "755", false);
      else
        fj_warn(c, d, "%s does not exist", d->arg);
      break;
    case BRIG_FJ_BIND:
      if (d->argc == 2 && exists(m, d->argv[0], NULL, NULL))
        bind(m, d->argv[1], d->argv[0], false, NULL);
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
dev_rule(struct fj_conv *c, bool allow, char type, int major)
{
  oci_resources *r = fj_resources(c);
  oci_device_cgroup *d = fj_objv_push(&r->devices, &r->devices_len, &r->has_devices, sizeof(*d));
  char t[2] = { type, 0 };

  d->allow = allow;
  d->has_allow = true;
  d->type = fj_xstrdup(t);
  d->major = major;
  d->has_major = true;
  d->access = fj_xstrdup("rwm");
}

static void
devices(struct mstate *m)
{
  struct fj_conv *c = m->c;
  bool priv = dev_is_private(c);

  for (size_t i = 0; i < sizeof(devclasses) / sizeof(devclasses[0]); i++) {
    const struct devclass *dc = &devclasses[i];
    bool hide = c->has_kind[dc->hide];

    if (!hide && !priv)
      continue; /* the host's /dev as it is */
    for (size_t g = 0; dc->globs[g]; g++) {
      struct brig_fj_match *x;
      size_t n = fj_glob(c, dc->globs[g], &x);

      for (size_t k = 0; k < n; k++)
        if (hide)
          mask(m, &x[k]);
        else
          bind(m, x[k].path, x[k].path, false, NULL);
      brig_fj_matches_free(x, n);
    }
    for (size_t k = 0; dc->type && k < 2; k++)
      if (dc->majors[k] >= 0)
        dev_rule(c, !hide, dc->type, dc->majors[k]);
  }
  if (c->has_kind[BRIG_FJ_NOPRINTERS])
    mask_pattern(m, "/run/cups/cups.sock", NULL);
  if (c->has_kind[BRIG_FJ_NOSOUND]) {
    char *pulse = fj_xasprintf("%s/pulse", c->runuser);

    mask_pattern(m, pulse, NULL);
    free(pulse);
  }
}

void
fj_mounts(struct fj_conv *c)
{
  struct mstate m = { .c = c };

  baseline(&m);
  privates(&m);
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
  if (m.remount.n) {
    char *v = fj_strv_join(&m.remount, "\n");

    fj_annotate(c, BRIG_FJ_ANN_REMOUNT, v);
    free(v);
  }
  fj_strv_free(&m.remount);
  for (size_t i = 0; i < m.n_layers; i++)
    free(m.layers[i].dir);
  free(m.layers);
}
