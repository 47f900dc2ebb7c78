/* linux.seccomp -> libseccomp context -> classic BPF (see filter.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "config.h"

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "seccomp/filter.h"
#include "util/cleanup.h"
#include "util/log.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#define FIELD "linux.seccomp"
#define MAX_ARG_INDEX 5
#define MAX_ERRNO_RET 0xffffU /* SECCOMP_RET_DATA; the kernel caps errno at 4095 */
#define MAX_BPF_INSNS 4096    /* BPF_MAXINSNS: the kernel refuses longer programs */

/* Action values are libseccomp's (and the kernel's SECCOMP_RET_*), spelled
 * out so that validation works without libseccomp. */
#define ACT_KILL_PROCESS 0x80000000U
#define ACT_KILL_THREAD 0x00000000U
#define ACT_TRAP 0x00030000U
#define ACT_ERRNO 0x00050000U
#define ACT_NOTIFY 0x7fc00000U
#define ACT_TRACE 0x7ff00000U
#define ACT_LOG 0x7ffc0000U
#define ACT_ALLOW 0x7fff0000U

static const struct {
  const char *name;
  uint32_t action;
  bool takes_errno;
} actions[] = {
  { "SCMP_ACT_KILL", ACT_KILL_THREAD, false },
  { "SCMP_ACT_KILL_THREAD", ACT_KILL_THREAD, false },
  { "SCMP_ACT_KILL_PROCESS", ACT_KILL_PROCESS, false },
  { "SCMP_ACT_TRAP", ACT_TRAP, false },
  { "SCMP_ACT_ERRNO", ACT_ERRNO, true },
  { "SCMP_ACT_TRACE", ACT_TRACE, true },
  { "SCMP_ACT_ALLOW", ACT_ALLOW, false },
  { "SCMP_ACT_LOG", ACT_LOG, false },
  { "SCMP_ACT_NOTIFY", ACT_NOTIFY, false },
};

/* enum scmp_compare values (stable ABI since libseccomp 2.0). */
static const struct {
  const char *name;
  int op;
} operators[] = {
  { "SCMP_CMP_NE", 1 }, { "SCMP_CMP_LT", 2 }, { "SCMP_CMP_LE", 3 },        { "SCMP_CMP_EQ", 4 },
  { "SCMP_CMP_GE", 5 }, { "SCMP_CMP_GT", 6 }, { "SCMP_CMP_MASKED_EQ", 7 },
};

static const struct {
  const char *name;
  unsigned int flag;
} flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

/* The runtime-spec's architectures; libseccomp knows them as the lower-case
 * suffix ("SCMP_ARCH_X86_64" -> "x86_64"), when it knows them at all. */
static const char *const oci_arches[] = {
  "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",
};

#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

static int
parse_action(const char *name, bool has_errno, uint32_t errno_ret, uint32_t *out, const char *field,
             brig_error **err)
{
  size_t i;

  if (!name)
    return brig_fail(err, 0, "%s: must be set", field);
  for (i = 0; i < N_ELEMENTS(actions); i++) {
    if (strcmp(actions[i].name, name) != 0)
      continue;
    *out = actions[i].action;
    if (actions[i].takes_errno)
      *out |= has_errno ? errno_ret : EPERM;
    return 0;
  }
  return brig_fail(err, 0, "%s: unknown action \"%s\"", field, name);
}

static int
parse_operator(const char *name, int *out, const char *field, brig_error **err)
{
  size_t i;

  for (i = 0; name && i < N_ELEMENTS(operators); i++) {
    if (strcmp(operators[i].name, name) == 0) {
      *out = operators[i].op;
      return 0;
    }
  }
  return brig_fail(err, 0, "%s: unknown operator \"%s\"", field, name ? name : "");
}

static int
parse_flag(const char *name, unsigned int *out, size_t idx, brig_error **err)
{
  size_t i;

  for (i = 0; name && i < N_ELEMENTS(flags); i++) {
    if (strcmp(flags[i].name, name) == 0) {
      *out |= flags[i].flag;
      return 0;
    }
  }
  return brig_fail(err, 0, FIELD ".flags[%zu]: unknown flag \"%s\"", idx, name ? name : "");
}

static bool
arch_known(const char *name)
{
  size_t i;

  for (i = 0; name && i < N_ELEMENTS(oci_arches); i++)
    if (strcmp(oci_arches[i], name) == 0)
      return true;
  return false;
}

static int
check_errno(bool has, uint32_t value, const char *field, brig_error **err)
{
  if (has && value > MAX_ERRNO_RET)
    return brig_fail(err, 0, "%s: %u is out of range (at most %u)", field, value, MAX_ERRNO_RET);
  return 0;
}

/* runtime-spec config-linux.md: "When the action doesn't support an
 * errno, the runtime MUST print and error and fail."  SCMP_ACT_ERRNO and
 * SCMP_ACT_TRACE take one. */
static int
check_errno_taken(bool has, uint32_t action, const char *name, const char *field, brig_error **err)
{
  if (has && (action & 0xffff0000U) != ACT_ERRNO && (action & 0xffff0000U) != ACT_TRACE)
    return brig_fail(err, 0, "%s: %s does not take an errno", field, name);
  return 0;
}

static int
validate_rule(const oci_seccomp *sc, const oci_seccomp_syscall *rule, size_t i, brig_error **err)
{
  char field[96];
  uint32_t action;
  size_t j;
  int op;

  snprintf(field, sizeof(field), FIELD ".syscalls[%zu].errnoRet", i);
  if (check_errno(rule->has_errno_ret, rule->errno_ret, field, err) < 0)
    return -1;
  snprintf(field, sizeof(field), FIELD ".syscalls[%zu].action", i);
  if (parse_action(rule->action, false, 0, &action, field, err) < 0)
    return -1;
  snprintf(field, sizeof(field), FIELD ".syscalls[%zu].errnoRet", i);
  if (check_errno_taken(rule->has_errno_ret, action, rule->action, field, err) < 0)
    return -1;
  if (!rule->names_len)
    return brig_fail(err, 0, FIELD ".syscalls[%zu].names: must contain at least one entry", i);
  snprintf(field, sizeof(field), FIELD ".syscalls[%zu].action", i);
  if (action == ACT_NOTIFY && !(sc->listener_path && sc->listener_path[0]))
    return brig_fail(err, 0, "%s: SCMP_ACT_NOTIFY requires " FIELD ".listenerPath", field);
  for (j = 0; j < rule->names_len; j++)
    if (!rule->names[j] || !rule->names[j][0])
      return brig_fail(err, 0, FIELD ".syscalls[%zu].names[%zu]: must not be empty", i, j);
  for (j = 0; j < rule->args_len; j++) {
    const oci_seccomp_arg *a = &rule->args[j];

    if (a->index > MAX_ARG_INDEX)
      return brig_fail(err, 0, FIELD ".syscalls[%zu].args[%zu].index: %u is out of range (0 to %d)",
                       i, j, a->index, MAX_ARG_INDEX);
    snprintf(field, sizeof(field), FIELD ".syscalls[%zu].args[%zu].op", i, j);
    if (parse_operator(a->op, &op, field, err) < 0)
      return -1;
  }
  return 0;
}

int
brig_seccomp_validate(const oci_seccomp *sc, brig_error **err)
{
  unsigned int fl = 0;
  uint32_t action;
  size_t i;

  if (check_errno(sc->has_default_errno_ret, sc->default_errno_ret, FIELD ".defaultErrnoRet", err) <
      0)
    return -1;
  if (parse_action(sc->default_action, false, 0, &action, FIELD ".defaultAction", err) < 0)
    return -1;
  if (check_errno_taken(sc->has_default_errno_ret, action, sc->default_action,
                        FIELD ".defaultErrnoRet", err) < 0)
    return -1;
  if (action == ACT_NOTIFY)
    return brig_fail(err, 0, FIELD ".defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
  if (sc->listener_metadata && !(sc->listener_path && sc->listener_path[0]))
    return brig_fail(err, 0, FIELD ".listenerMetadata: requires " FIELD ".listenerPath");
  for (i = 0; i < sc->architectures_len; i++)
    if (!arch_known(sc->architectures[i]))
      return brig_fail(err, 0, FIELD ".architectures[%zu]: unknown architecture \"%s\"", i,
                       sc->architectures[i] ? sc->architectures[i] : "");
  for (i = 0; i < sc->flags_len; i++)
    if (parse_flag(sc->flags[i], &fl, i, err) < 0)
      return -1;
  for (i = 0; i < sc->syscalls_len; i++)
    if (validate_rule(sc, &sc->syscalls[i], i, err) < 0)
      return -1;
  return 0;
}

bool
brig_seccomp_uses_notify(const oci_seccomp *sc)
{
  size_t i;

  for (i = 0; sc && i < sc->syscalls_len; i++)
    if (sc->syscalls[i].action && strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
      return true;
  return false;
}

int
brig_seccomp_check_notify_syscalls(const oci_seccomp *sc, const char *const *names,
                                   brig_error **err)
{
  size_t i, j, k;

  for (i = 0; sc && names && i < sc->syscalls_len; i++) {
    const oci_seccomp_syscall *rule = &sc->syscalls[i];

    if (!rule->action || strcmp(rule->action, "SCMP_ACT_NOTIFY") != 0)
      continue;
    for (j = 0; j < rule->names_len; j++)
      for (k = 0; names[k]; k++)
        if (rule->names[j] && strcmp(rule->names[j], names[k]) == 0)
          return brig_fail(err, 0,
                           FIELD ".syscalls[%zu]: SCMP_ACT_NOTIFY on \"%s\" would block the "
                                 "container init before it hands the listener fd over",
                           i, names[k]);
  }
  return 0;
}

void
brig_seccomp_fprog_clear(struct sock_fprog *prog)
{
  free(prog->filter);
  prog->filter = NULL;
  prog->len = 0;
}

#ifdef HAVE_SECCOMP

static int
add_arches(scmp_filter_ctx ctx, const oci_seccomp *sc, brig_error **err)
{
  size_t i;

  for (i = 0; i < sc->architectures_len; i++) {
    const char *name = sc->architectures[i];
    char lower[32];
    uint32_t token;
    size_t k;
    int r;

    /* validated: "SCMP_ARCH_" + a short suffix */
    for (k = 0; name[10 + k] && k < sizeof(lower) - 1; k++)
      lower[k] = (char)tolower((unsigned char)name[10 + k]);
    lower[k] = '\0';
    token = seccomp_arch_resolve_name(lower);
    if (token == 0) {
      const struct scmp_version *v = seccomp_version();

      return brig_fail(err, 0,
                       FIELD ".architectures[%zu]: %s is not supported by libseccomp %u.%u.%u", i,
                       name, v->major, v->minor, v->micro);
    }
    r = seccomp_arch_add(ctx, token);
    if (r < 0 && r != -EEXIST) /* the native one is there already */
      return brig_fail(err, -r, FIELD ".architectures[%zu]: add %s", i, name);
  }
  return 0;
}

static bool
has_repeated_index(const oci_seccomp_syscall *rule)
{
  unsigned count[MAX_ARG_INDEX + 1] = { 0 };
  size_t j;

  for (j = 0; j < rule->args_len; j++)
    if (++count[rule->args[j].index] > 1)
      return true;
  return false;
}

static int
add_one(brig_seccomp_filter *f, uint32_t action, int nr, unsigned n, const struct scmp_arg_cmp *c,
        size_t i, const char *name, brig_error **err)
{
  int r = seccomp_rule_add_array(f->ctx, action, nr, n, c);

  if (r < 0)
    return brig_fail(err, -r, FIELD ".syscalls[%zu]: libseccomp refused the rule for \"%s\"", i,
                     name);
  f->rules++;
  return 0;
}

static int
add_rule(brig_seccomp_filter *f, const oci_seccomp *sc, uint32_t def, size_t i, brig_error **err)
{
  const oci_seccomp_syscall *rule = &sc->syscalls[i];
  struct scmp_arg_cmp conds[16];
  bool split = has_repeated_index(rule);
  uint32_t action;
  size_t j, k;

  if (parse_action(rule->action, rule->has_errno_ret, rule->errno_ret, &action, "action", err) < 0)
    return -1;
  if (rule->args_len > N_ELEMENTS(conds))
    return brig_fail(err, 0, FIELD ".syscalls[%zu].args: too many comparisons (%zu, at most %zu)",
                     i, rule->args_len, N_ELEMENTS(conds));
  for (j = 0; j < rule->args_len; j++) {
    const oci_seccomp_arg *a = &rule->args[j];
    int op = 0;

    parse_operator(a->op, &op, "op", err); /* validated */
    conds[j] = (struct scmp_arg_cmp){
      .arg = a->index, .op = (enum scmp_compare)op, .datum_a = a->value, .datum_b = a->value_two
    };
  }
  for (j = 0; j < rule->names_len; j++) {
    const char *name = rule->names[j];
    int nr;

    if (action == def) {
      brig_debug("seccomp: syscall \"%s\": %s is the default action, rule skipped", name,
                 rule->action);
      f->skipped++;
      continue;
    }
    nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) {
      brig_debug("seccomp: unknown syscall \"%s\" ignored", name);
      f->skipped++;
      continue;
    }
    if (!split) {
      if (add_one(f, action, nr, (unsigned)rule->args_len, conds, i, name, err) < 0)
        return -1;
    } else {
      for (k = 0; k < rule->args_len; k++)
        if (add_one(f, action, nr, 1, &conds[k], i, name, err) < 0)
          return -1;
    }
    if (action == ACT_NOTIFY)
      f->notify = true;
  }
  return 0;
}

/* libseccomp 2.5 exports to an fd only; a memfd keeps it off the disk. */
static int
export_prog(brig_seccomp_filter *f, brig_error **err)
{
  _cleanup_close_ int fd = memfd_create("brig-seccomp-bpf", MFD_CLOEXEC);
  struct stat st;
  ssize_t n;
  size_t count;
  int r;

  if (fd < 0)
    return brig_fail(err, errno, "seccomp: export filter: memfd_create");
  r = seccomp_export_bpf(f->ctx, fd);
  if (r < 0)
    return brig_fail(err, -r, "seccomp: export filter");
  if (fstat(fd, &st) < 0)
    return brig_fail(err, errno, "seccomp: export filter");
  if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0)
    return brig_fail(err, 0, "seccomp: export filter: unexpected program size %lld",
                     (long long)st.st_size);
  count = (size_t)st.st_size / sizeof(struct sock_filter);
  if (count > MAX_BPF_INSNS)
    return brig_fail(err, 0,
                     "seccomp: the filter has %zu instructions, the kernel accepts at most %d",
                     count, MAX_BPF_INSNS);
  f->prog.filter = calloc(count, sizeof(struct sock_filter));
  if (!f->prog.filter)
    return brig_fail(err, ENOMEM, "seccomp: export filter");
  n = pread(fd, f->prog.filter, (size_t)st.st_size, 0);
  if (n != st.st_size)
    return brig_fail(err, n < 0 ? errno : EIO, "seccomp: export filter: read");
  f->prog.len = (unsigned short)count;
  return 0;
}

int
brig_seccomp_build(const oci_seccomp *sc, brig_seccomp_filter **out, brig_error **err)
{
  brig_seccomp_filter *f;
  uint32_t def;
  size_t i;
  int r;

  *out = NULL;
  if (brig_seccomp_validate(sc, err) < 0)
    return -1;
  parse_action(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret, &def,
               "defaultAction", err);
  f = calloc(1, sizeof(*f));
  if (!f)
    return brig_fail(err, ENOMEM, "seccomp");
  for (i = 0; i < sc->flags_len; i++)
    parse_flag(sc->flags[i], &f->flags, i, err);
  f->ctx = seccomp_init(def);
  if (!f->ctx) {
    free(f);
    return brig_fail(err, 0, FIELD ".defaultAction: libseccomp refused %s", sc->default_action);
  }
  /* brig loads the exported program itself; should anyone call
   * seccomp_load() on this context, no_new_privs stays the spec's choice. */
  r = seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r < 0) {
    brig_fail(err, -r, "seccomp: set filter attribute");
    goto fail;
  }
  /* Architectures first: rules only go to the architectures present. */
  if (add_arches(f->ctx, sc, err) < 0)
    goto fail;
  for (i = 0; i < sc->syscalls_len; i++)
    if (add_rule(f, sc, def, i, err) < 0)
      goto fail;
  if (export_prog(f, err) < 0)
    goto fail;
  brig_debug("seccomp: %zu rules, %zu names skipped, %u BPF instructions", f->rules, f->skipped,
             f->prog.len);
  *out = f;
  return 0;
fail:
  brig_seccomp_filter_free(f);
  return -1;
}

void
brig_seccomp_filter_free(brig_seccomp_filter *f)
{
  if (!f)
    return;
  if (f->ctx)
    seccomp_release(f->ctx);
  brig_seccomp_fprog_clear(&f->prog);
  free(f);
}

#else /* !HAVE_SECCOMP */

int
brig_seccomp_build(const oci_seccomp *sc, brig_seccomp_filter **out, brig_error **err)
{
  *out = NULL;
  return brig_fail(err, 0,
                   FIELD ": brig was built without seccomp support (--disable-seccomp); "
                         "remove linux.seccomp to run the container unfiltered");
}

void
brig_seccomp_filter_free(brig_seccomp_filter *f)
{
  if (!f)
    return;
  brig_seccomp_fprog_clear(&f->prog);
  free(f);
}

#endif /* HAVE_SECCOMP */

int
brig_seccomp_export_bpf(const oci_seccomp *sc, struct sock_fprog *out, brig_error **err)
{
  brig_seccomp_filter *f = NULL;

  out->filter = NULL;
  out->len = 0;
  if (brig_seccomp_build(sc, &f, err) < 0)
    return -1;
  *out = f->prog;
  f->prog.filter = NULL;
  f->prog.len = 0;
  brig_seccomp_filter_free(f);
  return 0;
}
