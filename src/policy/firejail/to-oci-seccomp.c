/* Firejail's seccomp-related directives -> linux.seccomp.
 *
 *   seccomp [LIST]            blocklist: the default group (@default-nodebuggers,
 *                             @default with allow-debuggers) plus LIST, minus
 *                             the "!name" exceptions; "name:ERRNO" entries get
 *                             their own rule with that errno
 *   seccomp.drop LIST         blocklist of LIST only (added to the above)
 *   seccomp.keep LIST         allowlist: LIST and @default-keep, the rest fails
 *   seccomp.32, seccomp.32.drop  merged into the one filter (OCI rules are not
 *                             per architecture); their "!" exceptions are not
 *                             applied, so the result is stricter
 *   seccomp.block-secondary   architectures: the native one only
 *   seccomp-error-action      action of every blocking rule (kill, log, ERRNO)
 *   protocol LIST             socket(2) rules on arg0: EOPNOTSUPP for the
 *                             families not listed
 *   memory-deny-write-execute mmap/mprotect/pkey_mprotect with PROT_WRITE|
 *                             PROT_EXEC, shmat with SHM_EXEC, memfd_create
 *   restrict-namespaces [LIST] clone/unshare (arg0) and setns (arg1) with a
 *                             CLONE_NEW* flag; clone3 gets ENOSYS so that libc
 *                             falls back to clone
 *
 * Every rule carries at most one argument comparison, and a rule that needs
 * "any of" is split into several rules: runtimes disagree on what several
 * comparisons of the same argument mean (runc ORs them), one comparison
 * per rule means the same everywhere. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>

#include "to-oci-internal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#if defined(__x86_64__)
#define NATIVE_ARCH "SCMP_ARCH_X86_64"
static const char *const secondary_archs[] = { "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
#elif defined(__aarch64__)
#define NATIVE_ARCH "SCMP_ARCH_AARCH64"
static const char *const secondary_archs[] = { "SCMP_ARCH_ARM", NULL };
#elif defined(__i386__)
#define NATIVE_ARCH "SCMP_ARCH_X86"
static const char *const secondary_archs[] = { NULL };
#else
#define NATIVE_ARCH NULL
static const char *const secondary_archs[] = { NULL };
#endif

struct action {
  const char *name; /* SCMP_ACT_* */
  int errnum;       /* for SCMP_ACT_ERRNO */
};

struct sc_state {
  struct fj_conv *c;
  struct action act;
  bool enabled;     /* seccomp / seccomp.drop / seccomp.32* */
  bool use_default; /* the default group is part of the blocklist */
  bool keep;        /* seccomp.keep seen */
  struct fj_strv block, except, keep_names;
  struct fj_strv errno_names; /* "name" with errno_vals */
  int *errno_vals;
};

/* Adds the names of TOKEN (a syscall or @group, nested groups expanded). */
static void
expand_into(struct fj_strv *out, const char *token, int depth)
{
  const char *def;
  char *copy, *save = NULL;

  if (token[0] != '@') {
    if (token[0] && !fj_strv_contains(out, token))
      fj_strv_add(out, token);
    return;
  }
  def = brig_fj_syscall_group(token);
  if (!def || depth > 4)
    return;
  copy = fj_xstrdup(def);
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
    expand_into(out, t, depth + 1);
  free(copy);
}

static void
add_errno_rule(struct sc_state *s, const char *name, int value)
{
  if (fj_strv_contains(&s->errno_names, name))
    return;
  fj_strv_add(&s->errno_names, name);
  s->errno_vals = fj_xrealloc(s->errno_vals, s->errno_names.n, sizeof(int));
  s->errno_vals[s->errno_names.n - 1] = value;
}

/* One list item of seccomp/seccomp.drop/seccomp.32*: "name", "@group",
 * "!name", "name:ERRNO".  Unknown groups and errnos are warned about. */
static void
list_item(struct sc_state *s, const struct brig_fj_directive *d, const char *item,
          bool exceptions_ok)
{
  const char *colon = strchr(item, ':');

  if (item[0] == '!') {
    if (exceptions_ok)
      expand_into(&s->except, item + 1, 0);
    else
      fj_warn(s->c, d, "exception '%s' not applied: OCI rules are not per architecture", item);
    return;
  }
  if (colon) {
    char *name = fj_xasprintf("%.*s", (int)(colon - item), item);
    int e = brig_fj_errno_lookup(colon + 1);

    if (e < 0) {
      char *end;
      long v = strtol(colon + 1, &end, 10);

      e = (*end || v <= 0 || v > 4095) ? -1 : (int)v;
    }
    if (e < 0) {
      fj_warn(s->c, d, "unknown errno '%s', blocking %s with the default action", colon + 1, name);
      expand_into(&s->block, name, 0);
    } else if (name[0] == '@') {
      struct fj_strv g = { 0 };

      expand_into(&g, name, 0);
      for (size_t i = 0; i < g.n; i++)
        add_errno_rule(s, g.v[i], e);
      fj_strv_free(&g);
    } else {
      add_errno_rule(s, name, e);
    }
    free(name);
    return;
  }
  if (item[0] == '@' && !brig_fj_syscall_group(item)) {
    fj_warn(s->c, d, "unknown syscall group '%s', ignored", item);
    return;
  }
  expand_into(&s->block, item, 0);
}

static int
error_action(struct sc_state *s, const struct brig_fj_directive *d, char **err)
{
  const char *v = d->arg ? d->arg : "";
  int e;

  if (strcmp(v, "kill") == 0) {
    s->act = (struct action){ "SCMP_ACT_KILL_PROCESS", 0 };
  } else if (strcmp(v, "log") == 0) {
    s->act = (struct action){ "SCMP_ACT_LOG", 0 };
  } else if ((e = brig_fj_errno_lookup(v)) > 0) {
    s->act = (struct action){ "SCMP_ACT_ERRNO", e };
  } else {
    *err = fj_xasprintf("%s:%u: seccomp-error-action: unknown action '%s' (kill, log or an "
                        "errno name)",
                        d->file, d->line, v);
    return -1;
  }
  return 0;
}

static oci_seccomp *
seccomp_obj(struct sc_state *s)
{
  oci_linux *l = fj_linux(s->c);

  if (!l->seccomp) {
    l->seccomp = fj_xcalloc(1, sizeof(oci_seccomp));
    l->seccomp->default_action = fj_xstrdup("SCMP_ACT_ALLOW");
    if (NATIVE_ARCH) {
      fj_ocistrv_push(&l->seccomp->architectures, &l->seccomp->architectures_len,
                      &l->seccomp->has_architectures, NATIVE_ARCH);
      for (size_t i = 0; secondary_archs[i]; i++)
        fj_ocistrv_push(&l->seccomp->architectures, &l->seccomp->architectures_len,
                        &l->seccomp->has_architectures, secondary_archs[i]);
    }
  }
  return l->seccomp;
}

static oci_seccomp_syscall *
rule(struct sc_state *s, const struct action *a)
{
  oci_seccomp *sc = seccomp_obj(s);
  oci_seccomp_syscall *r =
      fj_objv_push(&sc->syscalls, &sc->syscalls_len, &sc->has_syscalls, sizeof(*r));

  r->action = fj_xstrdup(a->name);
  if (strcmp(a->name, "SCMP_ACT_ERRNO") == 0) {
    r->errno_ret = (uint32_t)a->errnum;
    r->has_errno_ret = true;
  }
  r->names = fj_xcalloc(1, sizeof(char *));
  r->has_names = true;
  return r;
}

static void
rule_name(oci_seccomp_syscall *r, const char *name)
{
  fj_ocistrv_push(&r->names, &r->names_len, &r->has_names, name);
}

static void
rule_arg(oci_seccomp_syscall *r, uint32_t index, uint64_t value, uint64_t two, const char *op)
{
  oci_seccomp_arg *a = fj_objv_push(&r->args, &r->args_len, &r->has_args, sizeof(*a));

  a->index = index;
  a->has_index = true;
  a->value = value;
  a->has_value = true;
  if (strcmp(op, "SCMP_CMP_MASKED_EQ") == 0) {
    a->value_two = two;
    a->has_value_two = true;
  }
  a->op = fj_xstrdup(op);
}

/* A name the profile blocks must not stay in an ALLOW rule of the base
 * (libseccomp refuses two actions for one syscall). */
static void
unallow_base(struct sc_state *s, const char *name)
{
  oci_seccomp *sc = fj_linux(s->c)->seccomp;

  for (size_t i = 0; sc && i < sc->syscalls_len; i++)
    if (strcmp(sc->syscalls[i].action, "SCMP_ACT_ALLOW") == 0 && !sc->syscalls[i].has_args)
      fj_ocistrv_remove(sc->syscalls[i].names, &sc->syscalls[i].names_len, name);
}

static void
emit_blocklist(struct sc_state *s)
{
  struct fj_strv names = { 0 };
  oci_seccomp_syscall *r;

  if (s->use_default)
    expand_into(&names,
                s->c->has_kind[BRIG_FJ_ALLOW_DEBUGGERS] ? "@default" : "@default-nodebuggers", 0);
  for (size_t i = 0; i < s->block.n; i++)
    expand_into(&names, s->block.v[i], 0);
  if (names.n) {
    r = rule(s, &s->act);
    for (size_t i = 0; i < names.n; i++) {
      if (fj_strv_contains(&s->except, names.v[i]) || fj_strv_contains(&s->errno_names, names.v[i]))
        continue;
      unallow_base(s, names.v[i]);
      rule_name(r, names.v[i]);
    }
  }
  for (size_t i = 0; i < s->errno_names.n; i++) {
    struct action a = { "SCMP_ACT_ERRNO", s->errno_vals[i] };

    if (fj_strv_contains(&s->except, s->errno_names.v[i]))
      continue;
    unallow_base(s, s->errno_names.v[i]);
    rule_name(rule(s, &a), s->errno_names.v[i]);
  }
  fj_strv_free(&names);
}

/* Drops from the ALLOW rules of SC every name not in NAMES. */
static void
allow_only(oci_seccomp *sc, const struct fj_strv *names)
{
  for (size_t i = 0; i < sc->syscalls_len; i++) {
    oci_seccomp_syscall *r = &sc->syscalls[i];

    if (strcmp(r->action, "SCMP_ACT_ALLOW") != 0)
      continue;
    for (size_t j = 0; j < r->names_len;) {
      if (fj_strv_contains(names, r->names[j]))
        j++;
      else
        fj_ocistrv_remove_at(r->names, &r->names_len, j);
    }
  }
}

static void
emit_keep(struct sc_state *s)
{
  oci_seccomp *base = fj_linux(s->c)->seccomp;
  struct fj_strv names = { 0 };

  for (size_t i = 0; i < s->keep_names.n; i++)
    expand_into(&names, s->keep_names.v[i], 0);
  expand_into(&names, "@default-keep", 0);
  if (base && strcmp(base->default_action, "SCMP_ACT_ALLOW") != 0) {
    /* Already an allowlist: keep only what both allow. */
    allow_only(base, &names);
  } else {
    oci_seccomp *sc = seccomp_obj(s);
    struct action allow = { "SCMP_ACT_ALLOW", 0 };
    oci_seccomp_syscall *r;

    free(sc->default_action);
    sc->default_action = fj_xstrdup(s->act.name);
    if (strcmp(s->act.name, "SCMP_ACT_ERRNO") == 0) {
      sc->default_errno_ret = (uint32_t)s->act.errnum;
      sc->has_default_errno_ret = true;
    }
    /* base ALLOW rules are now redundant or wider than the keep list */
    allow_only(sc, &names);
    r = rule(s, &allow);
    for (size_t i = 0; i < names.n; i++)
      rule_name(r, names.v[i]);
  }
  fj_strv_free(&names);
}

static int
emit_protocol(struct sc_state *s, const struct brig_fj_directive *d, char **err)
{
  struct action a = { "SCMP_ACT_ERRNO", EOPNOTSUPP };
  bool allowed[64] = { false };
  int lo = 64, hi = -1;

  for (size_t i = 0; i < d->argc; i++) {
    int f = brig_fj_protocol_lookup(d->argv[i]);

    if (f < 0 || f >= 64) {
      *err = fj_xasprintf("%s:%u: protocol: unknown protocol '%s' (unix, inet, inet6, netlink, "
                          "packet, bluetooth)",
                          d->file, d->line, d->argv[i]);
      return -1;
    }
    allowed[f] = true;
    lo = f < lo ? f : lo;
    hi = f > hi ? f : hi;
  }
  if (hi < 0) {
    rule_name(rule(s, &a), "socket");
    return 0;
  }
  if (lo > 0) {
    oci_seccomp_syscall *r = rule(s, &a);

    rule_name(r, "socket");
    rule_arg(r, 0, (uint64_t)lo, 0, "SCMP_CMP_LT");
  }
  for (int f = lo + 1; f < hi; f++) {
    oci_seccomp_syscall *r;

    if (allowed[f])
      continue;
    r = rule(s, &a);
    rule_name(r, "socket");
    rule_arg(r, 0, (uint64_t)f, 0, "SCMP_CMP_EQ");
  }
  {
    oci_seccomp_syscall *r = rule(s, &a);

    rule_name(r, "socket");
    rule_arg(r, 0, (uint64_t)hi, 0, "SCMP_CMP_GT");
  }
  return 0;
}

static void
emit_mdwe(struct sc_state *s)
{
  oci_seccomp_syscall *r;

  r = rule(s, &s->act);
  rule_name(r, "mmap");
  rule_name(r, "mprotect");
  rule_name(r, "pkey_mprotect");
  rule_arg(r, 2, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC, "SCMP_CMP_MASKED_EQ");
  r = rule(s, &s->act);
  rule_name(r, "shmat");
  rule_arg(r, 2, SHM_EXEC, SHM_EXEC, "SCMP_CMP_MASKED_EQ");
  r = rule(s, &s->act);
  rule_name(r, "memfd_create");
}

static const struct {
  const char *name;
  uint64_t flag;
} ns_flags[] = {
  { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
  { "mnt", CLONE_NEWNS },        { "pid", CLONE_NEWPID }, { "time", CLONE_NEWTIME },
  { "user", CLONE_NEWUSER },     { "uts", CLONE_NEWUTS },
};

static int
emit_restrict_ns(struct sc_state *s, const struct brig_fj_directive *d, char **err)
{
  struct action enosys = { "SCMP_ACT_ERRNO", ENOSYS };
  uint64_t mask = 0;
  oci_seccomp_syscall *r;

  for (size_t i = 0; i < d->argc; i++) {
    size_t k;

    for (k = 0; k < sizeof(ns_flags) / sizeof(ns_flags[0]); k++)
      if (strcmp(ns_flags[k].name, d->argv[i]) == 0)
        break;
    if (k == sizeof(ns_flags) / sizeof(ns_flags[0])) {
      *err = fj_xasprintf("%s:%u: restrict-namespaces: unknown namespace '%s' (cgroup, ipc, "
                          "net, mnt, pid, time, user, uts)",
                          d->file, d->line, d->argv[i]);
      return -1;
    }
    mask |= ns_flags[k].flag;
  }
  for (size_t k = 0; k < sizeof(ns_flags) / sizeof(ns_flags[0]); k++) {
    uint64_t f = ns_flags[k].flag;

    if (d->argc && !(mask & f))
      continue;
    r = rule(s, &s->act);
    rule_name(r, "clone");
    rule_name(r, "unshare");
    rule_arg(r, 0, f, f, "SCMP_CMP_MASKED_EQ");
    r = rule(s, &s->act);
    rule_name(r, "setns");
    rule_arg(r, 1, f, f, "SCMP_CMP_MASKED_EQ");
  }
  /* setns(fd, 0) joins whatever namespace fd is */
  r = rule(s, &s->act);
  rule_name(r, "setns");
  rule_arg(r, 1, 0, 0, "SCMP_CMP_EQ");
  /* clone3 passes its flags in memory, out of seccomp's reach */
  rule_name(rule(s, &enosys), "clone3");
  return 0;
}

static void
block_secondary(struct sc_state *s)
{
  oci_seccomp *sc = seccomp_obj(s);

  if (!NATIVE_ARCH)
    return;
  for (size_t i = 0; secondary_archs[i]; i++)
    fj_ocistrv_remove(sc->architectures, &sc->architectures_len, secondary_archs[i]);
  if (!fj_ocistrv_contains(sc->architectures, sc->architectures_len, NATIVE_ARCH))
    fj_ocistrv_push(&sc->architectures, &sc->architectures_len, &sc->has_architectures,
                    NATIVE_ARCH);
}

int
fj_seccomp(struct fj_conv *c, char **err)
{
  struct sc_state s = { .c = c, .act = { "SCMP_ACT_ERRNO", EPERM } };
  const struct brig_fj_directive *protocol = NULL;
  int rc = -1;

  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    switch (d->kind) {
    case BRIG_FJ_SECCOMP_ERROR_ACTION:
      if (error_action(&s, d, err) < 0)
        goto out;
      break;
    case BRIG_FJ_SECCOMP:
    case BRIG_FJ_SECCOMP_32:
      s.enabled = s.use_default = true;
      for (size_t k = 0; k < d->argc; k++)
        list_item(&s, d, d->argv[k], d->kind == BRIG_FJ_SECCOMP);
      break;
    case BRIG_FJ_SECCOMP_DROP:
    case BRIG_FJ_SECCOMP_32_DROP:
      s.enabled = true;
      for (size_t k = 0; k < d->argc; k++)
        list_item(&s, d, d->argv[k], d->kind == BRIG_FJ_SECCOMP_DROP);
      break;
    case BRIG_FJ_SECCOMP_KEEP:
      s.keep = true;
      for (size_t k = 0; k < d->argc; k++)
        fj_strv_add(&s.keep_names, d->argv[k]);
      break;
    case BRIG_FJ_PROTOCOL:
      if (protocol)
        fj_warn(c, d,
                "a protocol list is already set at %s:%u, this one is ignored as by "
                "Firejail",
                protocol->file, protocol->line);
      else
        protocol = d;
      break;
    default:
      break;
    }
  }
  if (s.enabled)
    emit_blocklist(&s);
  if (s.keep)
    emit_keep(&s);
  if (protocol && emit_protocol(&s, protocol, err) < 0)
    goto out;
  if (c->has_kind[BRIG_FJ_MEMORY_DENY_WRITE_EXECUTE])
    emit_mdwe(&s);
  for (size_t i = 0; i < c->prof->n_items; i++)
    if (c->prof->items[i].kind == BRIG_FJ_RESTRICT_NAMESPACES) {
      if (emit_restrict_ns(&s, &c->prof->items[i], err) < 0)
        goto out;
      break;
    }
  if (c->has_kind[BRIG_FJ_SECCOMP_BLOCK_SECONDARY])
    block_secondary(&s);
  rc = 0;
out:
  fj_strv_free(&s.block);
  fj_strv_free(&s.except);
  fj_strv_free(&s.keep_names);
  fj_strv_free(&s.errno_names);
  free(s.errno_vals);
  return rc;
}
