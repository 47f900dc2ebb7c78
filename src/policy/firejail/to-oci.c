#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Firejail profile -> OCI spec: the process, namespace and annotation
 * directives, the dispatch of the others (to-oci-mounts.c,
 * to-oci-seccomp.c) and the list of what has no OCI meaning. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "to-oci-internal.h"

void
brig_fj_oci_options_init(struct brig_fj_oci_options *opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->root_dir = "/";
}

void
brig_fj_warnings_free(struct brig_fj_warnings *w)
{
  if (!w)
    return;
  for (size_t i = 0; i < w->n; i++)
    free(w->items[i]);
  free(w->items);
  w->items = NULL;
  w->n = 0;
}

/* Why a directive has no OCI equivalent; NULL for the mapped ones. */
static const char *
unsupported_reason(const struct brig_fj_directive *d)
{
  switch (d->kind) {
  case BRIG_FJ_NAME:
  case BRIG_FJ_JOIN_OR_START:
    return "sandbox names are Firejail's; the container has an id";
  case BRIG_FJ_TAB:
    return "shell completion inside the sandbox";
  case BRIG_FJ_DETERMINISTIC_EXIT_CODE:
  case BRIG_FJ_DETERMINISTIC_SHUTDOWN:
    return "Firejail's own process supervision";
  case BRIG_FJ_TIMEOUT:
    return "no time limit in the runtime spec";
  case BRIG_FJ_TRACELOG:
    return "needs an LD_PRELOAD library";
  case BRIG_FJ_XEPHYR_SCREEN:
    return "nested X servers";
  case BRIG_FJ_X11:
    return d->arg && strcmp(d->arg, "none") == 0 ? NULL : "nested X servers";
  case BRIG_FJ_NET:
    return d->arg && strcmp(d->arg, "none") == 0 ? NULL
                                                 : "network interfaces are set up by the engine";
  case BRIG_FJ_IP:
  case BRIG_FJ_IP6:
  case BRIG_FJ_IPRANGE:
  case BRIG_FJ_MAC:
  case BRIG_FJ_MTU:
  case BRIG_FJ_NETMASK:
  case BRIG_FJ_DEFAULTGW:
  case BRIG_FJ_VETH_NAME:
    return "network interfaces are set up by the engine";
  case BRIG_FJ_NETFILTER:
  case BRIG_FJ_NETFILTER6:
  case BRIG_FJ_NETLOCK:
    return "netfilter rules are set up by the engine";
  case BRIG_FJ_DBUS_USER:
  case BRIG_FJ_DBUS_SYSTEM:
    return d->arg && strcmp(d->arg, "none") == 0 ? NULL : "D-Bus filtering needs a proxy";
  case BRIG_FJ_DBUS_USER_TALK:
  case BRIG_FJ_DBUS_USER_OWN:
  case BRIG_FJ_DBUS_USER_SEE:
  case BRIG_FJ_DBUS_USER_CALL:
  case BRIG_FJ_DBUS_USER_BROADCAST:
  case BRIG_FJ_DBUS_SYSTEM_TALK:
  case BRIG_FJ_DBUS_SYSTEM_OWN:
  case BRIG_FJ_DBUS_SYSTEM_SEE:
  case BRIG_FJ_DBUS_SYSTEM_CALL:
  case BRIG_FJ_DBUS_SYSTEM_BROADCAST:
    return "D-Bus filtering needs a proxy";
  case BRIG_FJ_OVERLAY:
  case BRIG_FJ_OVERLAY_NAMED:
  case BRIG_FJ_OVERLAY_TMPFS:
    return "overlay home directories";
  case BRIG_FJ_KEEP_FD:
    return "file descriptors are the engine's";
  case BRIG_FJ_NOAUTOPULSE:
  case BRIG_FJ_KEEP_CONFIG_PULSE:
    return "PulseAudio client configuration";
  case BRIG_FJ_SECCOMP_32_KEEP:
    return "an allowlist for the 32-bit ABI alone (OCI rules are not per architecture)";
  case BRIG_FJ_APPARMOR_STACK:
    return "AppArmor stacking";
  default:
    return NULL;
  }
}

static void
first_pass(struct fj_conv *c)
{
  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    c->has_kind[d->kind] = true;
    if (d->kind == BRIG_FJ_MKDIR)
      fj_strv_add(&c->mkdirs, d->arg);
    else if (d->kind == BRIG_FJ_MKFILE)
      fj_strv_add(&c->mkfiles, d->arg);
    else if (d->kind == BRIG_FJ_NOBLACKLIST)
      fj_strv_add(&c->noblacklist, d->arg);
    else if (d->kind == BRIG_FJ_NOWHITELIST)
      fj_strv_add(&c->nowhitelist, d->arg);
  }
}

/* "net_raw" -> "CAP_NET_RAW" */
static char *
cap_name(const char *s)
{
  char *n = fj_xasprintf("CAP_%s", s);

  for (char *p = n + 4; *p; p++)
    *p = (char)toupper((unsigned char)*p);
  return n;
}

#define CAP_SETS(caps, X)                                            \
  X(caps->effective, caps->effective_len, caps->has_effective)       \
  X(caps->bounding, caps->bounding_len, caps->has_bounding)          \
  X(caps->inheritable, caps->inheritable_len, caps->has_inheritable) \
  X(caps->permitted, caps->permitted_len, caps->has_permitted)       \
  X(caps->ambient, caps->ambient_len, caps->has_ambient)

static void
caps_drop(oci_capabilities *caps, const char *name)
{
#define DROP(v, len, has) fj_ocistrv_remove(v, &len, name);
  CAP_SETS(caps, DROP)
#undef DROP
}

static void
caps_keep_only(oci_capabilities *caps, const struct fj_strv *keep)
{
#define KEEP(v, len, has)               \
  for (size_t i = 0; i < len;)          \
    if (!fj_strv_contains(keep, v[i]))  \
      fj_ocistrv_remove_at(v, &len, i); \
    else                                \
      i++;
  CAP_SETS(caps, KEEP)
#undef KEEP
}

static void
caps_clear(oci_capabilities *caps)
{
#define CLEAR(v, len, has) fj_ocistrv_clear(&v, &len, &has);
  CAP_SETS(caps, CLEAR)
#undef CLEAR
}

/* caps: Firejail's default filter drops these. */
static const char *const caps_default_drop[] = {
  "CAP_SYS_MODULE",     "CAP_SYS_RAWIO", "CAP_SYS_BOOT", "CAP_SYS_NICE",
  "CAP_SYS_TTY_CONFIG", "CAP_SYSLOG",    "CAP_MKNOD",    "CAP_SYS_ADMIN",
};

static void
capabilities(struct fj_conv *c, const struct brig_fj_directive *d)
{
  oci_process *p = fj_process(c);

  if (!p->capabilities)
    p->capabilities = fj_xcalloc(1, sizeof(oci_capabilities));
  switch (d->kind) {
  case BRIG_FJ_CAPS:
    for (size_t i = 0; i < sizeof(caps_default_drop) / sizeof(caps_default_drop[0]); i++)
      caps_drop(p->capabilities, caps_default_drop[i]);
    break;
  case BRIG_FJ_CAPS_DROP:
    for (size_t i = 0; i < d->argc; i++) {
      char *n;

      if (strcmp(d->argv[i], "all") == 0) {
        caps_clear(p->capabilities);
        continue;
      }
      n = cap_name(d->argv[i]);
      caps_drop(p->capabilities, n);
      free(n);
    }
    break;
  case BRIG_FJ_CAPS_KEEP: {
    struct fj_strv keep = { 0 };

    for (size_t i = 0; i < d->argc; i++) {
      char *n = cap_name(d->argv[i]);

      fj_strv_add(&keep, n);
      free(n);
    }
    caps_keep_only(p->capabilities, &keep);
    fj_strv_free(&keep);
    break;
  }
  default:
    break;
  }
}

/* "123", "4k", "2m", "1g" (rlimit-as and rlimit-fsize take sizes). */
static int
parse_limit(const char *s, bool sizes, uint64_t *out)
{
  char *end;
  unsigned long long v;
  uint64_t mul = 1;

  if (!s || !isdigit((unsigned char)s[0]))
    return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno)
    return -1;
  if (sizes && *end && !end[1]) {
    switch (*end) {
    case 'k':
    case 'K':
      mul = 1024;
      break;
    case 'm':
    case 'M':
      mul = 1024 * 1024;
      break;
    case 'g':
    case 'G':
      mul = 1024 * 1024 * 1024;
      break;
    default:
      return -1;
    }
    end++;
  }
  if (*end || (mul > 1 && v > UINT64_MAX / mul))
    return -1;
  *out = (uint64_t)v * mul;
  return 0;
}

static int
rlimit(struct fj_conv *c, const struct brig_fj_directive *d, char **err)
{
  static const struct {
    enum brig_fj_kind kind;
    const char *type;
    bool sizes;
  } map[] = {
    { BRIG_FJ_RLIMIT_AS, "RLIMIT_AS", true },
    { BRIG_FJ_RLIMIT_CPU, "RLIMIT_CPU", false },
    { BRIG_FJ_RLIMIT_FSIZE, "RLIMIT_FSIZE", true },
    { BRIG_FJ_RLIMIT_NOFILE, "RLIMIT_NOFILE", false },
    { BRIG_FJ_RLIMIT_NPROC, "RLIMIT_NPROC", false },
    { BRIG_FJ_RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING", false },
  };
  oci_process *p = fj_process(c);
  oci_rlimit *r = NULL;
  uint64_t v;
  size_t k;

  for (k = 0; map[k].kind != d->kind; k++)
    ;
  if (parse_limit(d->arg, map[k].sizes, &v) < 0) {
    *err = fj_xasprintf("%s:%u: %s: invalid value '%s'", d->file, d->line, d->spec->name,
                        d->arg ? d->arg : "");
    return -1;
  }
  for (size_t i = 0; i < p->rlimits_len; i++)
    if (strcmp(p->rlimits[i].type, map[k].type) == 0)
      r = &p->rlimits[i];
  if (!r) {
    r = fj_objv_push(&p->rlimits, &p->rlimits_len, &p->has_rlimits, sizeof(*r));
    r->type = fj_xstrdup(map[k].type);
    r->soft = r->hard = v;
    r->has_soft = r->has_hard = true;
    return 0;
  }
  /* only ever lower a limit of the base */
  r->soft = r->soft < v ? r->soft : v;
  r->hard = r->hard < v ? r->hard : v;
  return 0;
}

static int
nice_value(struct fj_conv *c, const struct brig_fj_directive *d, char **err)
{
  oci_process *p = fj_process(c);
  char *end;
  long v = strtol(d->arg ? d->arg : "", &end, 10);

  if (!d->arg || !d->arg[0] || *end || v < -20 || v > 19) {
    *err = fj_xasprintf("%s:%u: nice: expected a number from -20 to 19, got '%s'", d->file, d->line,
                        d->arg ? d->arg : "");
    return -1;
  }
  if (!p->scheduler) {
    p->scheduler = fj_xcalloc(1, sizeof(oci_scheduler));
    p->scheduler->policy = fj_xstrdup("SCHED_OTHER");
  }
  p->scheduler->nice = (int32_t)v;
  p->scheduler->has_nice = true;
  return 0;
}

static void
noroot(struct fj_conv *c, const struct brig_fj_directive *d)
{
  oci_linux *l = fj_linux(c);
  oci_id_mapping *m;

  if (fj_ns_find(c, "user")) {
    if (!l->uid_mappings_len)
      fj_warn(c, d, "the base spec joins a user namespace; its mapping is kept");
    return;
  }
  if (c->opts->uid == 0) {
    fj_warn(c, d, "has no effect for root, as with Firejail");
    return;
  }
  fj_ns_ensure(c, "user");
  m = fj_objv_push(&l->uid_mappings, &l->uid_mappings_len, &l->has_uid_mappings, sizeof(*m));
  *m = (oci_id_mapping){ .container_id = c->opts->uid,
                         .has_container_id = true,
                         .host_id = c->opts->uid,
                         .has_host_id = true,
                         .size = 1,
                         .has_size = true };
  m = fj_objv_push(&l->gid_mappings, &l->gid_mappings_len, &l->has_gid_mappings, sizeof(*m));
  *m = (oci_id_mapping){ .container_id = c->opts->gid,
                         .has_container_id = true,
                         .host_id = c->opts->gid,
                         .has_host_id = true,
                         .size = 1,
                         .has_size = true };
}

static void
network_ns(struct fj_conv *c, const char *path)
{
  oci_namespace *ns = fj_ns_ensure(c, "network");

  free(ns->path);
  ns->path = path ? fj_xstrdup(path) : NULL;
}

static int
process_directive(struct fj_conv *c, const struct brig_fj_directive *d, char **err)
{
  oci_process *p;

  switch (d->kind) {
  case BRIG_FJ_CAPS:
  case BRIG_FJ_CAPS_DROP:
  case BRIG_FJ_CAPS_KEEP:
    capabilities(c, d);
    break;
  case BRIG_FJ_NONEWPRIVS:
    p = fj_process(c);
    p->no_new_privileges = p->has_no_new_privileges = true;
    break;
  case BRIG_FJ_NOROOT:
    noroot(c, d);
    break;
  case BRIG_FJ_NET:
    if (d->arg && strcmp(d->arg, "none") == 0)
      network_ns(c, NULL);
    break;
  case BRIG_FJ_NETNS: {
    char *path = fj_xasprintf("/run/netns/%s", d->arg);

    network_ns(c, path);
    free(path);
    break;
  }
  case BRIG_FJ_HOSTNAME:
    fj_ns_ensure(c, "uts");
    free(c->spec->hostname);
    c->spec->hostname = fj_xstrdup(d->arg);
    break;
  case BRIG_FJ_IPC_NAMESPACE:
    fj_ns_ensure(c, "ipc");
    break;
  case BRIG_FJ_NOGROUPS:
    p = fj_process(c);
    if (p->user) {
      free(p->user->additional_gids);
      p->user->additional_gids = NULL;
      p->user->additional_gids_len = 0;
      p->user->has_additional_gids = false;
    }
    break;
  case BRIG_FJ_RLIMIT_AS:
  case BRIG_FJ_RLIMIT_CPU:
  case BRIG_FJ_RLIMIT_FSIZE:
  case BRIG_FJ_RLIMIT_NOFILE:
  case BRIG_FJ_RLIMIT_NPROC:
  case BRIG_FJ_RLIMIT_SIGPENDING:
    return rlimit(c, d, err);
  case BRIG_FJ_NICE:
    return nice_value(c, d, err);
  case BRIG_FJ_CPU: {
    oci_resources *r = fj_resources(c);

    if (!r->cpu)
      r->cpu = fj_xcalloc(1, sizeof(oci_cpu));
    free(r->cpu->cpus);
    r->cpu->cpus = fj_xstrdup(d->arg);
    break;
  }
  case BRIG_FJ_ENV:
    if (d->argc == 2)
      fj_setenv(fj_process(c), d->argv[0], d->argv[1]);
    break;
  case BRIG_FJ_RMENV:
    oci_process_unsetenv(fj_process(c), d->arg);
    break;
  case BRIG_FJ_APPARMOR:
  case BRIG_FJ_APPARMOR_REPLACE:
    p = fj_process(c);
    free(p->apparmor_profile);
    p->apparmor_profile = fj_xstrdup(d->arg ? d->arg : "firejail-default");
    break;
  case BRIG_FJ_PRIVATE_CWD:
    p = fj_process(c);
    free(p->cwd);
    p->cwd = fj_xstrdup(d->arg ? d->arg : c->opts->home);
    break;
  case BRIG_FJ_DBUS_USER:
  case BRIG_FJ_NODBUS:
    if (d->kind == BRIG_FJ_NODBUS || (d->arg && strcmp(d->arg, "none") == 0))
      oci_process_unsetenv(fj_process(c), "DBUS_SESSION_BUS_ADDRESS");
    break;
  case BRIG_FJ_X11:
    if (d->arg && strcmp(d->arg, "none") == 0) {
      oci_process_unsetenv(fj_process(c), "DISPLAY");
      oci_process_unsetenv(fj_process(c), "XAUTHORITY");
    }
    break;
  default:
    break;
  }
  return 0;
}

static void
annotate_list(struct fj_conv *c, const char *key, const struct fj_strv *v)
{
  char *s;

  if (!v->n)
    return;
  s = fj_strv_join(v, "\n");
  fj_annotate(c, key, s);
  free(s);
}

static void
annotations(struct fj_conv *c)
{
  struct fj_strv dns = { 0 };

  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    if (d->kind == BRIG_FJ_DNS)
      fj_strv_add(&dns, d->arg);
  }
  if (c->opts->profile)
    fj_annotate(c, BRIG_FJ_ANN_CONVERTED, c->opts->profile);
  annotate_list(c, BRIG_FJ_ANN_MKDIR, &c->mkdirs);
  annotate_list(c, BRIG_FJ_ANN_MKFILE, &c->mkfiles);
  annotate_list(c, BRIG_FJ_ANN_DNS, &dns);
  if (c->has_kind[BRIG_FJ_MACHINE_ID])
    fj_annotate(c, BRIG_FJ_ANN_MACHINE_ID, "random");
  annotate_list(c, BRIG_FJ_ANN_UNSUPPORTED, &c->unsupported);
  fj_strv_free(&dns);
}

int
brig_fj_to_oci(oci_spec *spec, const struct brig_fj_profile *profile,
               const struct brig_fj_oci_options *opts, struct brig_fj_warnings *warnings,
               char **err)
{
  struct fj_conv *c;
  int rc = -1;

  *err = NULL;
  if (!opts->home || opts->home[0] != '/') {
    *err = fj_xstrdup("firejail: the target user's home must be an absolute path");
    return -1;
  }
  c = fj_xcalloc(1, sizeof(*c));
  c->spec = spec;
  c->prof = profile;
  c->opts = opts;
  c->warnings = warnings;
  c->root = opts->root_dir && opts->root_dir[0] ? opts->root_dir : "/";
  snprintf(c->runuser, sizeof(c->runuser), "/run/user/%u", (unsigned)opts->uid);
  first_pass(c);

  for (size_t i = 0; i < profile->n_items; i++) {
    const struct brig_fj_directive *d = &profile->items[i];
    const char *why = unsupported_reason(d);

    if (why) {
      fj_unsupported(c, d, why);
      continue;
    }
    if (process_directive(c, d, err) < 0)
      goto out;
  }
  fj_mounts(c);
  if (fj_seccomp(c, err) < 0)
    goto out;
  annotations(c);
  rc = 0;
out:
  fj_strv_free(&c->unsupported);
  fj_strv_free(&c->mkdirs);
  fj_strv_free(&c->mkfiles);
  fj_strv_free(&c->noblacklist);
  fj_strv_free(&c->nowhitelist);
  free(c);
  return rc;
}

int
brig_firejail_apply(oci_spec *spec, const char *profile, const struct brig_fj_context *ctx,
                    const struct brig_fj_oci_options *opts, struct brig_fj_warnings *warnings,
                    char **err)
{
  struct brig_fj_profile *prof = NULL;
  struct brig_fj_oci_options o = *opts;
  char *path = NULL, *perr = NULL;
  oci_spec *copy;
  int rc = -1;

  *err = NULL;
  if (brig_fj_find_profile(ctx, profile, &path, &perr) < 0 ||
      brig_fj_parse_file(ctx, path, &prof, &perr) < 0) {
    *err = fj_xasprintf("firejail: %s", perr ? perr : "out of memory");
    goto out;
  }
  copy = oci_dup(&oci_spec_desc, spec);
  if (!copy) {
    *err = fj_xstrdup("firejail: out of memory");
    goto out;
  }
  if (!o.profile)
    o.profile = path;
  if (brig_fj_to_oci(copy, prof, &o, warnings, &perr) < 0) {
    oci_spec_free(copy);
    *err = fj_xasprintf("firejail: %s", perr);
    goto out;
  }
  oci_clear(&oci_spec_desc, spec);
  *spec = *copy;
  free(copy);
  rc = 0;
out:
  brig_fj_profile_free(prof);
  free(path);
  free(perr);
  return rc;
}
