/* brig sandbox [--profile NAME] [--] COMMAND [ARGS...]: Firejail's job
 * without a SUID binary.  A temporary bundle whose root is the host's "/"
 * shaped by the profile (the run.brig.firejail.profile annotation, applied
 * by create like for any bundle), run in the foreground as the calling
 * user with brig's stdin, stdout and stderr (the terminal) passed through;
 * brig exits with the command's status and removes the container, its
 * cgroup and the bundle.
 *
 * The root: an OCI root must be a directory that the runtime binds onto
 * itself and pivots into, which "/" itself cannot be.  So brig enters a
 * mount namespace of its own (the host never sees it), binds "/"
 * recursively on BUNDLE/rootfs there, and creates the container from that
 * namespace.  Bind sources of the conversion are then paths under
 * BUNDLE/rootfs, which the container's mounts see as they are built.
 *
 * The calling user is the real uid and gid; under sudo (real uid 0 with
 * SUDO_UID and SUDO_GID set) the user who ran sudo.  Run by that user
 * directly, brig first enters a user namespace of its own where the user
 * keeps their ids (linux/userns-self.c): the namespaces and mounts need no
 * root and no SUID bit.  The differences then: no cgroup (a profile's
 * limits that need one are an error), the supplementary groups cannot be
 * changed (they stay the caller's; `nogroups` is refused), devices are
 * bound from the host, and files of ids other than the user's show as
 * nobody:nogroup.
 *
 * Without --profile the profile is looked up like Firejail does: the
 * command's base name (NAME.profile in ~/.config/firejail, then
 * /etc/firejail), else default.profile.
 *
 * Option help (for the table in brig.c):
 *   "  -p, --profile NAME|PATH   the Firejail profile (default: the command's name, else
 * default)\n"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "policy/firejail/convert-base.h"
#include "policy/firejail/to-oci.h"
#include "linux/namespaces.h"
#include "runtime/annotations.h"
#include "runtime/container.h"
#include "runtime/sealed-exe.h"
#include "runtime/status.h"
#include "util/cleanup.h"
#include "util/fs.h"

extern char **environ;

struct sandbox_user {
  uid_t uid;
  gid_t gid;
  char *name; /* NULL when not in the password database */
  char *home;
  gid_t groups[64];
  int n_groups;
};

static int
parse_id(const char *s, unsigned *out)
{
  char *end;
  unsigned long v;

  errno = 0;
  v = strtoul(s, &end, 10);
  if (!*s || *end || errno || v > 0xfffffffeUL)
    return -1;
  *out = (unsigned)v;
  return 0;
}

static int
calling_user(struct sandbox_user *u, brig_error **err)
{
  const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
  struct passwd *pw;
  unsigned id;

  u->uid = getuid();
  u->gid = getgid();
  if (u->uid == 0 && su && sg) {
    if (parse_id(su, &id) < 0)
      return brig_fail(err, 0, "SUDO_UID: invalid user id '%s'", su);
    u->uid = id;
    if (parse_id(sg, &id) < 0)
      return brig_fail(err, 0, "SUDO_GID: invalid group id '%s'", sg);
    u->gid = id;
  }
  pw = getpwuid(u->uid);
  u->name = pw ? strdup(pw->pw_name) : NULL;
  u->home = strdup(pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : "/");
  if ((pw && !u->name) || !u->home)
    return brig_fail(err, ENOMEM, "spec");
  u->n_groups = 0;
  if (u->name) {
    int n = (int)(sizeof(u->groups) / sizeof(u->groups[0]));

    if (getgrouplist(u->name, u->gid, u->groups, &n) >= 0)
      u->n_groups = n;
  }
  return 0;
}

/* The profile: --profile (which must exist), else the command's name if
 * there is such a profile, else "default"; as the path found in the
 * user's ~/.config/firejail or /etc/firejail (malloc'd), so that create
 * does not look it up again in another home (root's, under sudo). */
static int
choose_profile(const struct sandbox_user *u, const char *opt, const char *command, char **profile,
               brig_error **err)
{
  struct brig_fj_context ctx;
  const char *base = strrchr(command, '/');
  char *path = NULL, *perr = NULL;
  int r;

  brig_fj_context_init(&ctx);
  ctx.home = u->home;
  ctx.uid = u->uid;
  if (opt) {
    r = brig_fj_find_profile(&ctx, opt, &path, &perr);
    if (r == 0 && access(path, R_OK) < 0) {
      r = brig_fail(err, errno, "--profile: %s", path);
    } else if (r < 0) {
      brig_fail(err, 0, "--profile: %s", perr ? perr : "out of memory");
    }
    free(perr);
    if (r < 0) {
      free(path);
      return -1;
    }
    *profile = path;
    return 0;
  }
  base = base ? base + 1 : command;
  r = *base ? brig_fj_find_profile(&ctx, base, &path, &perr) : -1;
  free(perr);
  perr = NULL;
  if (r < 0 && brig_fj_find_profile(&ctx, "default", &path, &perr) < 0)
    path = strdup("default"); /* create says it is missing */
  free(perr);
  *profile = path;
  return path ? 0 : brig_fail(err, ENOMEM, "spec");
}

/* Is PATH hidden in the root built by the mounts of S (ROOTFS is the
 * root's path on the host)?  A tmpfs over a parent hides it, a bind of
 * something else over a parent shows it; a bind of a path onto itself
 * (read-only, noexec) changes nothing. */
static bool
path_hidden(const oci_spec *s, const char *rootfs, const char *path)
{
  size_t rl = strlen(rootfs);
  bool hidden = false;

  for (size_t i = 0; i < s->mounts_len; i++) {
    const oci_mount *m = &s->mounts[i];
    const char *d = m->destination;
    size_t l = strlen(d);

    if (l == 1)
      l = 0; /* "/" */
    if (strncmp(path, d, l) != 0 || (path[l] != '/' && path[l] != '\0'))
      continue;
    if (m->type && strcmp(m->type, "tmpfs") == 0)
      hidden = path[l] != '\0' || brig_fj_mount_is_dir_mask(m);
    else if (!m->source || strncmp(m->source, rootfs, rl) != 0 || strcmp(m->source + rl, d) != 0)
      hidden = false;
  }
  return hidden;
}

/* The spec: convert-base.c's for the user, running ARGV in the caller's
 * environment and directory, as Firejail does. */
static oci_spec *
sandbox_spec(const struct sandbox_user *u, const char *rootfs, const char *profile, char **argv,
             brig_error **err)
{
  oci_spec *spec = brig_fj_convert_base(u->name, u->uid, u->gid, u->home, NULL, err);
  oci_process *p;
  oci_linux *l;
  char cwd[PATH_MAX];
  size_t k = 0;

  if (!spec)
    return NULL;
  p = spec->process;
  l = spec->linux;
  free(spec->root->path);
  spec->root->path = strdup(rootfs);
  if (!spec->root->path ||
      oci_strv_set(&p->args, &p->args_len, &p->has_args, (const char *const *)argv) < 0 ||
      oci_strv_set(&p->env, &p->env_len, &p->has_env, (const char *const *)environ) < 0 ||
      oci_process_setenv(p, "HOME", u->home) < 0 ||
      (u->name && oci_process_setenv(p, "USER", u->name) < 0) ||
      (u->name && oci_process_setenv(p, "LOGNAME", u->name) < 0))
    goto oom;
  free(p->cwd);
  p->cwd = strdup(getcwd(cwd, sizeof(cwd)) ? cwd : u->home);
  if (!p->cwd)
    goto oom;
  if (u->n_groups > 1) {
    p->user->additional_gids = calloc((size_t)u->n_groups, sizeof(uint32_t));
    if (!p->user->additional_gids)
      goto oom;
    for (int i = 0; i < u->n_groups; i++)
      if (u->groups[i] != u->gid)
        p->user->additional_gids[p->user->additional_gids_len++] = u->groups[i];
    p->user->has_additional_gids = true;
  }
  /* Firejail shares the IPC namespace unless the profile has ipc-namespace. */
  for (size_t i = 0; i < l->namespaces_len; i++) {
    if (strcmp(l->namespaces[i].type, "ipc") == 0)
      oci_clear(&oci_namespace_desc, &l->namespaces[i]);
    else
      l->namespaces[k++] = l->namespaces[i];
  }
  l->namespaces_len = k;
  if (oci_strmap_set(&spec->annotations, BRIG_FJ_ANN_PROFILE, profile) < 0 ||
      oci_strmap_set(&spec->annotations, BRIG_FJ_ANN_HOME, u->home) < 0)
    goto oom;
  return spec;
oom:
  oci_spec_free(spec);
  brig_fail(err, ENOMEM, "spec");
  return NULL;
}

static bool
is_dir(const char *path)
{
  struct stat st;

  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The working directory of the converted SPEC: the caller's, or the home
 * (else "/") when the profile hides it, as with Firejail. */
static int
choose_cwd(oci_spec *spec, const char *rootfs, const struct sandbox_user *u, brig_error **err)
{
  const char *cwd;
  bool hidden;

  hidden = path_hidden(spec, rootfs, spec->process->cwd);
  /* A home that does not exist (nobody's /nonexistent) is not made: the
   * init would create a missing cwd in the host's tree. */
  cwd = hidden ? (path_hidden(spec, rootfs, u->home) || !is_dir(u->home) ? "/" : u->home) : NULL;
  if (cwd) {
    free(spec->process->cwd);
    spec->process->cwd = strdup(cwd);
    if (!spec->process->cwd)
      return brig_fail(err, ENOMEM, "spec");
  }
  return 0;
}

/* What an unprivileged user's namespace cannot give (see the top): no
 * supplementary groups to set, no gid but the user's for devpts, and no
 * mqueue instance for the host's IPC namespace that the sandbox shares
 * (Firejail mounts none either; mounts.c would bind the host's, which may
 * not exist). */
static void
make_rootless(oci_spec *spec)
{
  oci_user *u = spec->process->user;
  size_t kept = 0;

  if (u->additional_gids_len) {
    free(u->additional_gids);
    u->additional_gids = NULL;
    u->additional_gids_len = 0;
    u->has_additional_gids = false;
  }
  for (size_t i = 0; i < spec->mounts_len; i++) {
    oci_mount *m = &spec->mounts[i];
    size_t k = 0;

    if (!m->type || strcmp(m->type, "devpts"))
      continue;
    for (size_t j = 0; j < m->options_len; j++) {
      if (strncmp(m->options[j], "gid=", 4) == 0)
        free(m->options[j]);
      else
        m->options[k++] = m->options[j];
    }
    m->options_len = k;
  }
  for (size_t i = 0; i < spec->mounts_len; i++) {
    if (spec->mounts[i].type && strcmp(spec->mounts[i].type, "mqueue") == 0)
      oci_clear(&oci_mount_desc, &spec->mounts[i]);
    else
      spec->mounts[kept++] = spec->mounts[i];
  }
  spec->mounts_len = kept;
}

struct bundle {
  char *dir, *rootfs, *config;
  bool mounted;
};

static void
bundle_remove(struct bundle *b)
{
  if (b->mounted)
    umount2(b->rootfs, MNT_DETACH);
  if (b->config)
    unlink(b->config);
  if (b->rootfs)
    rmdir(b->rootfs);
  if (b->dir)
    rmdir(b->dir);
  free(b->dir);
  free(b->rootfs);
  free(b->config);
}

/* $TMPDIR (else /tmp)/brig-sandbox.XXXXXX with an empty rootfs directory,
 * and "/" bound on it in a mount namespace of brig's own.  Not in the
 * state root: that is 0700, and a profile with noroot gives the container
 * a user namespace whose ids cannot search a root-owned 0700 directory,
 * so the bundle is 0711 in a directory anyone can search. */
static int
bundle_make(struct bundle *b, brig_error **err)
{
  const char *tmp = getenv("TMPDIR");

  if (!tmp || tmp[0] != '/')
    tmp = "/tmp";
  if (asprintf(&b->dir, "%s/brig-sandbox.XXXXXX", tmp) < 0) {
    b->dir = NULL;
    return brig_fail(err, ENOMEM, "spec");
  }
  if (!mkdtemp(b->dir)) {
    brig_fail(err, errno, "bundle %s", b->dir);
    free(b->dir);
    b->dir = NULL;
    return -1;
  }
  if (chmod(b->dir, 0711) < 0)
    return brig_fail(err, errno, "bundle %s", b->dir);
  { /* absolute: root.path is taken relative to the bundle otherwise */
    char *abs = realpath(b->dir, NULL);

    if (!abs)
      return brig_fail(err, errno, "bundle %s", b->dir);
    free(b->dir);
    b->dir = abs;
  }
  if (asprintf(&b->rootfs, "%s/rootfs", b->dir) < 0) {
    b->rootfs = NULL;
    return brig_fail(err, ENOMEM, "spec");
  }
  if (mkdir(b->rootfs, 0711) < 0) {
    int saved = errno;

    free(b->rootfs);
    b->rootfs = NULL;
    return brig_fail(err, saved, "bundle rootfs");
  }
  if (asprintf(&b->config, "%s/config.json", b->dir) < 0) {
    b->config = NULL;
    return brig_fail(err, ENOMEM, "spec");
  }
  if (unshare(CLONE_NEWNS) < 0)
    return brig_fail(err, errno, "mount namespace");
  if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return brig_fail(err, errno, "make / rslave");
  if (mount("/", b->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return brig_fail(err, errno, "bind / on %s", b->rootfs);
  b->mounted = true;
  return 0;
}

static int
write_config(const struct bundle *b, const oci_spec *spec, brig_error **err)
{
  _cleanup_free_ char *json = NULL;
  char *perr = NULL;
  size_t len;

  if (oci_emit(&oci_spec_desc, spec, true, &json, &len, &perr) < 0) {
    brig_fail(err, 0, "config.json: %s", perr);
    free(perr);
    return -1;
  }
  return brig_write_new_file(AT_FDCWD, b->config, json, len, 0600, err);
}

int
brig_cmd_sandbox(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "profile", required_argument, NULL, 'p' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct sandbox_user u = { 0 };
  struct bundle b = { 0 };
  const char *profile_opt = NULL;
  char *profile = NULL;
  oci_spec *spec = NULL;
  char id[64];
  bool rootless;
  int c, status = 0, r = -1;

  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, "+:p:h", options, NULL)) != -1) {
    switch (c) {
    case 'p':
      if (!*optarg)
        return brig_fail(err, 0, "sandbox: --profile: must not be empty");
      profile_opt = optarg;
      break;
    case 'h':
      brig_command_help(brig_command_find("sandbox"));
      return 0;
    default:
      return brig_option_error("sandbox", c, argv, err);
    }
  }
  if (optind >= argc)
    return brig_fail(err, 0, "sandbox: missing COMMAND");
  if (calling_user(&u, err) < 0)
    goto out;
  rootless = geteuid() != 0;
  if (choose_profile(&u, profile_opt, argv[optind], &profile, err) < 0)
    goto out;
  snprintf(id, sizeof(id), "sandbox-%d", (int)getpid());
  /* The user namespace after the sealed re-exec: an exec would drop the
   * capabilities brig has in it. */
  if (brig_sealed_exe_ensure(err) < 0 || (rootless && brig_userns_enter_self(err) < 0) ||
      bundle_make(&b, err) < 0)
    goto out;
  spec = sandbox_spec(&u, b.rootfs, profile, argv + optind, err); /* argv[argc] is NULL */
  if (spec && rootless)
    make_rootless(spec);
  /* Converted here, once (create sees run.brig.firejail.converted and
   * only adds the files the conversion leaves to it): the working
   * directory depends on what the profile hides. */
  if (!spec || brig_annotations_firejail_convert(spec, b.rootfs, err) < 0 ||
      choose_cwd(spec, b.rootfs, &u, err) < 0 || write_config(&b, spec, err) < 0)
    goto out;
  {
    brig_create_opts o = {
      .root = g->root,
      .id = id,
      .bundle = b.dir,
      .cgroup_manager = g->cgroup_manager,
    };

    if (brig_container_run(&o, false, false, &status, err) < 0)
      goto out;
  }
  r = status;
out:
  if (spec)
    oci_spec_free(spec);
  bundle_remove(&b);
  free(profile);
  free(u.name);
  free(u.home);
  if (r < 0)
    return brig_error_wrap(err, "sandbox");
  return r;
}
