/* Classic BPF: the seccomp checks, and fidelity of the classic -> eBPF
 * translation.
 *
 * Filters come from libseccomp (seccomp_export_bpf): podman's default
 * profile (/usr/share/containers/seccomp.json, read here with yajl_tree;
 * the loader is test code, not library code), synthetic rules with every
 * argument comparison, and a hand-written filter that uses what libseccomp
 * never emits (scratch cells, X, division, shifts, RET A).  Each filter is
 * evaluated on one million inputs in total (random, plus every constant of
 * the filter +-1 in every field and in both 32-bit halves of every
 * argument) by a direct classic-BPF evaluator written here and by the
 * translated program in the VM: the results must be identical.  A sample
 * is compared against the kernel itself: a forked child installs a
 * "safety" filter (everything but a few harmless syscalls fails with
 * errno 4000) and then the filter under test, and performs the syscalls;
 * ERRNO actions are observable as errno, ALLOW as the real result or 4000. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "ebpf.h"
#include "tap.h"

_Static_assert(sizeof(struct sock_filter) == sizeof(struct ebpf_cbpf_insn), "sock_filter layout");
_Static_assert(sizeof(struct seccomp_data) == EBPF_SECCOMP_DATA_SIZE, "seccomp_data size");

#define TOTAL_INPUTS 1000000
#define KERNEL_SAMPLE 3000
#define SAFETY_ERRNO 4000

/* ---- a direct classic-BPF evaluator (the reference) ---- */

static uint32_t
cbpf_eval(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
  const unsigned char *data = (const unsigned char *)d;

  for (size_t pc = 0; pc < n; pc++) {
    const struct sock_filter *in = &f[pc];
    uint32_t k = in->k, operand = BPF_SRC(in->code) == BPF_X ? x : k;
    switch (BPF_CLASS(in->code)) {
    case BPF_LD:
    case BPF_LDX: {
      uint32_t v = 0;
      switch (BPF_MODE(in->code)) {
      case BPF_ABS:
        memcpy(&v, data + k, 4);
        break;
      case BPF_LEN:
        v = sizeof *d;
        break;
      case BPF_IMM:
        v = k;
        break;
      case BPF_MEM:
        v = mem[k];
        break;
      }
      if (BPF_CLASS(in->code) == BPF_LD)
        a = v;
      else
        x = v;
      break;
    }
    case BPF_ST:
      mem[k] = a;
      break;
    case BPF_STX:
      mem[k] = x;
      break;
    case BPF_ALU:
      switch (BPF_OP(in->code)) {
      case BPF_ADD:
        a += operand;
        break;
      case BPF_SUB:
        a -= operand;
        break;
      case BPF_MUL:
        a *= operand;
        break;
      case BPF_DIV:
        if (operand == 0)
          return 0;
        a /= operand;
        break;
      case BPF_AND:
        a &= operand;
        break;
      case BPF_OR:
        a |= operand;
        break;
      case BPF_XOR:
        a ^= operand;
        break;
      case BPF_LSH: /* the kernel's eBPF masks 32-bit shift amounts */
        a <<= operand & 31;
        break;
      case BPF_RSH:
        a >>= operand & 31;
        break;
      case BPF_NEG:
        a = -a;
        break;
      }
      break;
    case BPF_JMP: {
      bool taken = false;
      switch (BPF_OP(in->code)) {
      case BPF_JA:
        pc += k;
        continue;
      case BPF_JEQ:
        taken = a == operand;
        break;
      case BPF_JGT:
        taken = a > operand;
        break;
      case BPF_JGE:
        taken = a >= operand;
        break;
      case BPF_JSET:
        taken = (a & operand) != 0;
        break;
      }
      pc += taken ? in->jt : in->jf;
      break;
    }
    case BPF_RET:
      return BPF_RVAL(in->code) == BPF_A ? a : k;
    case BPF_MISC:
      if (BPF_MISCOP(in->code) == BPF_TAX)
        x = a;
      else
        a = x;
      break;
    }
  }
  return 0; /* not reached for a checked filter */
}

/* ---- deterministic randomness (xorshift) ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t
rnd(void)
{
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

/* ---- filters ---- */

struct filter {
  const char *name;
  struct sock_filter *insns;
  size_t len;
  bool kernel_ok; /* may be sampled against the kernel */
};

static bool
export_filter(scmp_filter_ctx ctx, struct filter *out)
{
  int fd = memfd_create("brig-seccomp-export", MFD_CLOEXEC);
  bool ok = false;

  if (fd < 0)
    return false;
  if (seccomp_export_bpf(ctx, fd) == 0) {
    off_t size = lseek(fd, 0, SEEK_END);
    if (size > 0 && size % (off_t)sizeof(struct sock_filter) == 0) {
      out->insns = malloc((size_t)size);
      out->len = (size_t)size / sizeof(struct sock_filter);
      ok = out->insns != NULL && pread(fd, out->insns, (size_t)size, 0) == size;
    }
  }
  close(fd);
  return ok;
}

static bool
parse_action(const char *name, uint32_t errno_ret, uint32_t *action)
{
  if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
    *action = SCMP_ACT_ALLOW;
  else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
    *action = SCMP_ACT_ERRNO(errno_ret);
  else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
    *action = SCMP_ACT_KILL;
  else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
    *action = SCMP_ACT_KILL_PROCESS;
  else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
    *action = SCMP_ACT_TRAP;
  else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
    *action = SCMP_ACT_TRACE(errno_ret);
  else if (strcmp(name, "SCMP_ACT_LOG") == 0)
    *action = SCMP_ACT_LOG;
  else
    return false;
  return true;
}

static bool
parse_op(const char *name, enum scmp_compare *op)
{
  static const struct {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE },
    { "SCMP_CMP_LT", SCMP_CMP_LT },
    { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ },
    { "SCMP_CMP_GE", SCMP_CMP_GE },
    { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(name, ops[i].name) == 0) {
      *op = ops[i].op;
      return true;
    }
  return false;
}

static yajl_val
field(yajl_val obj, const char *name)
{
  const char *path[] = { name, NULL };
  return obj ? yajl_tree_get(obj, path, yajl_t_any) : NULL;
}

static bool
array_has(yajl_val arr, const char *const *wanted)
{
  if (!YAJL_IS_ARRAY(arr))
    return false;
  for (size_t i = 0; i < arr->u.array.len; i++) {
    const char *s =
        YAJL_IS_STRING(arr->u.array.values[i]) ? arr->u.array.values[i]->u.string : NULL;
    for (const char *const *w = wanted; s != NULL && *w; w++)
      if (strcmp(s, *w) == 0)
        return true;
  }
  return false;
}

/* The subset of the OCI/podman profile semantics a fidelity test needs:
 * an unprivileged container (no capabilities) on amd64. */
static bool
load_podman_profile(const char *path, struct filter *out, int *rules_added, int *rules_skipped)
{
  static const char *const amd64[] = { "amd64", "x86", "x32", NULL };
  char errbuf[256];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  off_t size = lseek(fd, 0, SEEK_END);
  char *text = malloc((size_t)size + 1);
  bool ok = text != NULL && pread(fd, text, (size_t)size, 0) == size;
  close(fd);
  if (!ok) {
    free(text);
    return false;
  }
  text[size] = '\0';
  yajl_val root = yajl_tree_parse(text, errbuf, sizeof errbuf);
  free(text);
  if (root == NULL) {
    tap_diag("%s: %s", path, errbuf);
    return false;
  }

  yajl_val def = field(root, "defaultAction"), def_errno = field(root, "defaultErrnoRet");
  uint32_t def_action;
  if (!YAJL_IS_STRING(def) ||
      !parse_action(YAJL_GET_STRING(def),
                    YAJL_IS_INTEGER(def_errno) ? (uint32_t)YAJL_GET_INTEGER(def_errno) : 1,
                    &def_action)) {
    yajl_tree_free(root);
    return false;
  }
  scmp_filter_ctx ctx = seccomp_init(def_action);
  seccomp_arch_add(ctx, SCMP_ARCH_X86);
  seccomp_arch_add(ctx, SCMP_ARCH_X32);

  yajl_val syscalls = field(root, "syscalls");
  for (size_t i = 0; YAJL_IS_ARRAY(syscalls) && i < syscalls->u.array.len; i++) {
    yajl_val rule = syscalls->u.array.values[i];
    yajl_val includes = field(rule, "includes"), excludes = field(rule, "excludes");
    (void)excludes; /* excluded capabilities: we have none, so the rule applies */
    if (field(includes, "caps") != NULL ||
        (field(includes, "arches") != NULL && !array_has(field(includes, "arches"), amd64))) {
      (*rules_skipped)++;
      continue;
    }
    yajl_val errno_ret = field(rule, "errnoRet"), action = field(rule, "action");
    uint32_t act;
    if (!YAJL_IS_STRING(action) ||
        !parse_action(YAJL_GET_STRING(action),
                      YAJL_IS_INTEGER(errno_ret) ? (uint32_t)YAJL_GET_INTEGER(errno_ret) : EPERM,
                      &act)) {
      (*rules_skipped)++;
      continue;
    }
    struct scmp_arg_cmp cmps[6];
    unsigned ncmp = 0;
    yajl_val args = field(rule, "args");
    for (size_t j = 0; YAJL_IS_ARRAY(args) && j < args->u.array.len && ncmp < 6; j++) {
      yajl_val arg = args->u.array.values[j];
      yajl_val index = field(arg, "index"), value = field(arg, "value"),
               value_two = field(arg, "valueTwo"), op = field(arg, "op");
      enum scmp_compare cmp;
      if (!YAJL_IS_INTEGER(index) || !YAJL_IS_NUMBER(value) || !YAJL_IS_STRING(op) ||
          !parse_op(YAJL_GET_STRING(op), &cmp))
        continue;
      /* yajl keeps the text: 4294967295 and larger values parse as unsigned */
      cmps[ncmp].arg = (unsigned)YAJL_GET_INTEGER(index);
      cmps[ncmp].op = cmp;
      cmps[ncmp].datum_a = strtoull(YAJL_GET_NUMBER(value), NULL, 10);
      cmps[ncmp].datum_b = value_two ? strtoull(YAJL_GET_NUMBER(value_two), NULL, 10) : 0;
      ncmp++;
    }
    yajl_val names = field(rule, "names");
    for (size_t j = 0; YAJL_IS_ARRAY(names) && j < names->u.array.len; j++) {
      yajl_val name = names->u.array.values[j];
      if (!YAJL_IS_STRING(name))
        continue;
      int nr = seccomp_syscall_resolve_name(name->u.string);
      if (nr == __NR_SCMP_ERROR || seccomp_rule_add_array(ctx, act, nr, ncmp, cmps) != 0)
        (*rules_skipped)++;
      else
        (*rules_added)++;
    }
  }
  yajl_tree_free(root);
  ok = export_filter(ctx, out);
  seccomp_release(ctx);
  return ok;
}

/* libseccomp's SCMP_A0() macros leave datum_b to a compound literal's
 * implicit zero, which clang's -Wmissing-field-initializers flags. */
static struct scmp_arg_cmp
arg_cmp(unsigned arg, enum scmp_compare op, uint64_t a, uint64_t b)
{
  struct scmp_arg_cmp cmp = { .arg = arg, .op = op, .datum_a = a, .datum_b = b };
  return cmp;
}

static bool
build_synthetic(struct filter *out)
{
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  bool ok = ctx != NULL;

  ok = ok && seccomp_arch_add(ctx, SCMP_ARCH_X86) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(10), SCMP_SYS(getppid), 1,
                              arg_cmp(0, SCMP_CMP_EQ, 0x123456789abcdef0ull, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(11), SCMP_SYS(getppid), 2,
                              arg_cmp(1, SCMP_CMP_GT, 0x100000000ull, 0),
                              arg_cmp(2, SCMP_CMP_LT, 5, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(12), SCMP_SYS(getppid), 1,
                              arg_cmp(3, SCMP_CMP_GE, 0xffffffff00000000ull, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(13), SCMP_SYS(getppid), 2,
                              arg_cmp(4, SCMP_CMP_LE, 0x7fffffffull, 0),
                              arg_cmp(5, SCMP_CMP_NE, 7, 0)) == 0;
  ok = ok && seccomp_rule_add(
                 ctx, SCMP_ACT_ERRNO(14), SCMP_SYS(getppid), 1,
                 SCMP_A0(SCMP_CMP_MASKED_EQ, 0xff00ff00ff00ff00ull, 0x1100110011001100ull)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(20), SCMP_SYS(getuid), 1,
                              arg_cmp(0, SCMP_CMP_EQ, 5, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(getuid), 1,
                              arg_cmp(1, SCMP_CMP_EQ, 6, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(21), SCMP_SYS(getgid), 1,
                              arg_cmp(2, SCMP_CMP_NE, 0xdeadbeefcafebabeull, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(gettid), 1,
                              arg_cmp(5, SCMP_CMP_EQ, 0x8000000000000000ull, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(geteuid), 1,
                              arg_cmp(0, SCMP_CMP_LT, 3, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(22), SCMP_SYS(getegid), 1,
                              arg_cmp(1, SCMP_CMP_EQ, 0xffffffffull, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(23), SCMP_SYS(getegid), 1,
                              arg_cmp(1, SCMP_CMP_EQ, 0x100000000ull, 0)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(24), SCMP_SYS(kill), 2,
                              arg_cmp(0, SCMP_CMP_GE, 0x80000000ull, 0),
                              arg_cmp(1, SCMP_CMP_MASKED_EQ, 0xf0, 0x10)) == 0;
  ok = ok && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(25), SCMP_SYS(mount), 0) == 0;
  ok = ok && export_filter(ctx, out);
  if (ctx != NULL)
    seccomp_release(ctx);
  return ok;
}

/* Everything libseccomp never emits: scratch cells, X, ALU, RET A. */
static struct sock_filter handwritten[] = {
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
  BPF_STMT(BPF_ST, 0),
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
  BPF_STMT(BPF_MISC | BPF_TAX, 0),
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
  BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), /* args[1] / args[0], 0 ends the filter */
  BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 7),
  BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3),
  BPF_STMT(BPF_ST, 1),
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2]) + 4),
  BPF_STMT(BPF_MISC | BPF_TAX, 0),
  BPF_STMT(BPF_LD | BPF_MEM, 1),
  BPF_STMT(BPF_ALU | BPF_LSH | BPF_X, 0), /* shift by a data-dependent amount */
  BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
  BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 3),
  BPF_STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
  BPF_STMT(BPF_ALU | BPF_NEG, 0),
  BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),
  BPF_STMT(BPF_ALU | BPF_OR | BPF_K, 0x10000),
  BPF_STMT(BPF_STX, 2),
  BPF_STMT(BPF_LDX | BPF_MEM, 0),
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 8),
  BPF_STMT(BPF_MISC | BPF_TXA, 0),
  BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 300, 5, 0),
  BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1, 0, 2),
  BPF_STMT(BPF_LD | BPF_MEM, 1),
  BPF_STMT(BPF_RET | BPF_A, 0),
  BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
  BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1),
  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 5),
  BPF_STMT(BPF_JMP | BPF_JA, 1),
  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL),
  BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0),
  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[5])),
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1),
  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  BPF_STMT(BPF_LD | BPF_MEM, 2),
  BPF_STMT(BPF_RET | BPF_A, 0),
};

/* ---- inputs ---- */

struct pool {
  uint32_t *v;
  size_t n;
};

/* Every constant the filter compares with or loads, and its neighbours. */
static void
collect_constants(const struct filter *f, struct pool *pool)
{
  pool->v = malloc((f->len * 3 + 8) * sizeof *pool->v);
  pool->n = 0;
  for (size_t i = 0; i < f->len; i++) {
    uint16_t cls = BPF_CLASS(f->insns[i].code);
    if (!(cls == BPF_JMP || cls == BPF_LD || cls == BPF_LDX || cls == BPF_ALU) ||
        BPF_MODE(f->insns[i].code) == BPF_ABS)
      continue;
    uint32_t k = f->insns[i].k;
    bool seen = false;
    for (size_t j = 0; j < pool->n && !seen; j += 3)
      seen = pool->v[j + 1] == k;
    if (seen)
      continue;
    pool->v[pool->n++] = k - 1;
    pool->v[pool->n++] = k;
    pool->v[pool->n++] = k + 1;
  }
  pool->v[pool->n++] = 0;
  pool->v[pool->n++] = UINT32_MAX;
}

static uint32_t
pick(const struct pool *pool)
{
  switch (rnd() % 8) {
  case 0:
  case 1:
  case 2:
  case 3:
    return pool->v[rnd() % pool->n];
  case 4:
    return (uint32_t)(rnd() % 512);
  default:
    return (uint32_t)rnd();
  }
}

static void
random_input(const struct pool *pool, struct seccomp_data *d)
{
  d->nr = (int)pick(pool);
  d->arch = rnd() % 4 ? pick(pool) : (uint32_t)rnd();
  d->instruction_pointer = rnd();
  for (int i = 0; i < 6; i++)
    d->args[i] = (uint64_t)pick(pool) << 32 | pick(pool);
}

/* Field F of 14 (nr, arch, 12 argument halves) set to V. */
static void
set_field(struct seccomp_data *d, int f, uint32_t v)
{
  if (f == 0)
    d->nr = (int)v;
  else if (f == 1)
    d->arch = v;
  else if (f % 2 == 0)
    d->args[(f - 2) / 2] = (d->args[(f - 2) / 2] & 0xffffffff00000000ull) | v;
  else
    d->args[(f - 2) / 2] = (d->args[(f - 2) / 2] & 0xffffffffull) | (uint64_t)v << 32;
}

struct fidelity {
  size_t inputs, boundary, mismatches;
};

static uint64_t
vm_eval(const struct ebpf_prog *prog, struct ebpf_run *run, struct seccomp_data *d)
{
  run->ctx = d;
  run->ctx_len = sizeof *d;
  if (ebpf_run(prog, run) != 0)
    return UINT64_MAX; /* never a valid classic return value */
  return run->r0;
}

static void
compare(const struct filter *f, const struct ebpf_prog *prog, size_t count, struct fidelity *res)
{
  struct pool pool;
  struct ebpf_run *run = ebpf_run_new();
  struct seccomp_data d;

  collect_constants(f, &pool);
  memset(res, 0, sizeof *res);
  /* Boundary sweep: every constant +-1 in every field, native arch most of
   * the time so the argument checks are reached. */
  for (size_t i = 0; i < pool.n && res->inputs < count; i++)
    for (int field_index = 0; field_index < 14; field_index++) {
      random_input(&pool, &d);
      if (field_index != 1 && rnd() % 4)
        d.arch = AUDIT_ARCH_X86_64;
      if (field_index >= 2 && rnd() % 2) /* aim at a syscall the filter names */
        d.nr = (int)pool.v[rnd() % pool.n];
      set_field(&d, field_index, pool.v[i]);
      uint64_t want = cbpf_eval(f->insns, f->len, &d), got = vm_eval(prog, run, &d);
      if (want != got && res->mismatches++ < 5)
        tap_diag("%s: nr=%d arch=0x%x: classic 0x%llx, VM 0x%llx", f->name, d.nr, d.arch,
                 (unsigned long long)want, (unsigned long long)got);
      res->inputs++;
      res->boundary++;
    }
  while (res->inputs < count) {
    random_input(&pool, &d);
    if (rnd() % 2)
      d.arch = AUDIT_ARCH_X86_64;
    uint64_t want = cbpf_eval(f->insns, f->len, &d), got = vm_eval(prog, run, &d);
    if (want != got && res->mismatches++ < 5)
      tap_diag("%s: nr=%d arch=0x%x: classic 0x%llx, VM 0x%llx", f->name, d.nr, d.arch,
               (unsigned long long)want, (unsigned long long)got);
    res->inputs++;
  }
  free(pool.v);
  free(run);
}

/* ---- the kernel as a third opinion ---- */

static const int harmless[] = { __NR_getpid, __NR_getppid, __NR_getuid, __NR_geteuid,
                                __NR_getgid, __NR_getegid, __NR_gettid, __NR_sched_yield };

static bool
is_harmless(long nr)
{
  for (size_t i = 0; i < sizeof harmless / sizeof harmless[0]; i++)
    if (harmless[i] == nr)
      return true;
  return false;
}

struct sample {
  struct seccomp_data d;
  uint32_t action; /* predicted by the VM */
};

static int
install(const struct sock_filter *insns, size_t len)
{
  struct sock_fprog prog = { .len = (unsigned short)len, .filter = (struct sock_filter *)insns };
  return (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Returns the number of mismatches, or -1 if the kernel could not be used. */
static long
kernel_compare(const struct filter *f, const struct ebpf_prog *prog, size_t nsamples,
               size_t *tested)
{
  struct sample *samples = calloc(nsamples, sizeof *samples);
  struct ebpf_run *run = ebpf_run_new();
  struct pool pool;
  size_t n = 0;

  collect_constants(f, &pool);
  for (size_t tries = 0; n < nsamples && tries < nsamples * 200; tries++) {
    struct sample *s = &samples[n];
    random_input(&pool, &s->d);
    s->d.arch = AUDIT_ARCH_X86_64;
    if (rnd() % 2)
      s->d.nr = harmless[rnd() % (sizeof harmless / sizeof harmless[0])];
    /* Not sampled: what the child needs itself, and uretprobe (335) and
     * uprobe (336), which Linux >= 6.11 lets bypass seccomp entirely. */
    if (s->d.nr < 0 || s->d.nr > 1000 || s->d.nr == __NR_write || s->d.nr == __NR_exit ||
        s->d.nr == __NR_exit_group || s->d.nr == __NR_rt_sigreturn || s->d.nr == __NR_seccomp ||
        s->d.nr == __NR_mmap || s->d.nr == __NR_munmap || s->d.nr == __NR_sigaltstack ||
        s->d.nr == 335 || s->d.nr == 336)
      continue;
    uint64_t r = vm_eval(prog, run, &s->d);
    uint32_t act = (uint32_t)r & SECCOMP_RET_ACTION_FULL;
    /* ERRNO is observable; ALLOW too thanks to the safety filter; the
     * others (KILL, TRAP, TRACE, LOG, USER_NOTIF) would end or stop us. */
    if (act != SECCOMP_RET_ERRNO && act != SECCOMP_RET_ALLOW)
      continue;
    s->action = (uint32_t)r;
    n++;
  }
  free(run);
  free(pool.v);

  /* Safety net: only the harmless syscalls and what the child itself needs
   * may run; everything else fails with SAFETY_ERRNO. */
  struct sock_filter safety[40];
  size_t sl = 0;
  safety[sl++] =
      (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  /* what the child needs: output, exit, the second filter, and what
   * sanitizer runtimes call on the way out */
  const int needed[] = { __NR_write,   __NR_exit, __NR_exit_group, __NR_rt_sigreturn,
                         __NR_seccomp, __NR_mmap, __NR_munmap,     __NR_sigaltstack };
  size_t nallow = sizeof harmless / sizeof harmless[0] + sizeof needed / sizeof needed[0];
  for (size_t i = 0; i < nallow; i++) {
    int nr = i < sizeof harmless / sizeof harmless[0]
                 ? harmless[i]
                 : needed[i - sizeof harmless / sizeof harmless[0]];
    safety[sl++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr,
                                                (uint8_t)(nallow - i), 0);
  }
  safety[sl++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | SAFETY_ERRNO);
  safety[sl++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

  /* Shared with the child: which sample it is at (to name one that kills
   * it) and the first mismatches. */
  struct shared {
    size_t current;
    size_t nbad;
    struct {
      size_t index;
      long rc;
      int err;
    } bad[4];
  } *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int pipefd[2];
  if (sh == MAP_FAILED || pipe2(pipefd, O_CLOEXEC) != 0) {
    free(samples);
    return -1;
  }
  memset(sh, 0, sizeof *sh);
  pid_t pid = fork();
  if (pid == 0) {
    long result[2] = { 0, 0 }; /* mismatches, status */
    close(pipefd[0]);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || install(safety, sl) != 0 ||
        install(f->insns, f->len) != 0) {
      result[1] = errno ? errno : -1;
    } else {
      for (size_t i = 0; i < n; i++) {
        const struct seccomp_data *d = &samples[i].d;
        sh->current = i;
        errno = 0;
        long rc =
            syscall(d->nr, d->args[0], d->args[1], d->args[2], d->args[3], d->args[4], d->args[5]);
        int e = rc == -1 ? errno : 0;
        uint32_t act = samples[i].action & SECCOMP_RET_ACTION_FULL;
        bool ok;
        if (act == SECCOMP_RET_ERRNO)
          ok = rc == -1 && e == (int)(samples[i].action & SECCOMP_RET_DATA);
        else if (is_harmless(d->nr))
          ok = rc >= 0;
        else
          ok = rc == -1 && e == SAFETY_ERRNO;
        if (!ok && sh->nbad < 4) {
          sh->bad[sh->nbad].index = i;
          sh->bad[sh->nbad].rc = rc;
          sh->bad[sh->nbad].err = e;
          sh->nbad++;
        }
        result[0] += !ok;
      }
    }
    ssize_t w = write(pipefd[1], result, sizeof result);
    _exit(w == sizeof result ? 0 : 1);
  }
  close(pipefd[1]);
  long result[2] = { -1, -1 };
  ssize_t got = pid > 0 ? read(pipefd[0], result, sizeof result) : -1;
  close(pipefd[0]);
  int status = 0;
  if (pid > 0)
    waitpid(pid, &status, 0);
  for (size_t i = 0; i < sh->nbad; i++) {
    const struct sample *s = &samples[sh->bad[i].index];
    tap_diag("%s: kernel disagrees: nr=%d args=%llx,%llx,%llx: VM 0x%x, kernel rc=%ld errno=%d",
             f->name, s->d.nr, (unsigned long long)s->d.args[0], (unsigned long long)s->d.args[1],
             (unsigned long long)s->d.args[2], s->action, sh->bad[i].rc, sh->bad[i].err);
  }
  if (got != sizeof result || result[1] != 0) {
    if (WIFSIGNALED(status))
      tap_diag("%s: child killed by signal %d at sample nr=%d", f->name, WTERMSIG(status),
               samples[sh->current].d.nr);
    tap_diag("%s: kernel comparison unavailable (child status %d, error %ld)", f->name, status,
             result[1]);
    free(samples);
    munmap(sh, sizeof *sh);
    return -1;
  }
  free(samples);
  munmap(sh, sizeof *sh);
  *tested = n;
  return result[0];
}

/* ---- the checks of the seccomp rules ---- */

static void
check_rules(void)
{
  struct {
    const char *what;
    struct sock_filter insns[4];
    size_t len;
    bool valid;
  } cases[] = {
    { "RET only", { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) }, 1, true },
    { "empty", { BPF_STMT(BPF_RET | BPF_K, 0) }, 0, false },
    { "byte load (not seccomp)",
      { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0), BPF_STMT(BPF_RET | BPF_K, 0) },
      2,
      false },
    { "unaligned load",
      { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_STMT(BPF_RET | BPF_K, 0) },
      2,
      false },
    { "load past seccomp_data",
      { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_K, 0) },
      2,
      false },
    { "last load inside seccomp_data",
      { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 60), BPF_STMT(BPF_RET | BPF_A, 0) },
      2,
      true },
    { "jump out of the filter",
      { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), BPF_STMT(BPF_RET | BPF_K, 0) },
      2,
      false },
    { "ja out of the filter",
      { BPF_STMT(BPF_JMP | BPF_JA, 1), BPF_STMT(BPF_RET | BPF_K, 0) },
      2,
      false },
    { "last is not RET", { BPF_STMT(BPF_LD | BPF_IMM, 0) }, 1, false },
    { "scratch read before write",
      { BPF_STMT(BPF_LD | BPF_MEM, 3), BPF_STMT(BPF_RET | BPF_A, 0) },
      2,
      false },
    { "scratch written on one path only",
      { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), BPF_STMT(BPF_ST, 3),
        BPF_STMT(BPF_LD | BPF_MEM, 3), BPF_STMT(BPF_RET | BPF_A, 0) },
      4,
      false },
    { "scratch written then read",
      { BPF_STMT(BPF_ST, 3), BPF_STMT(BPF_LDX | BPF_MEM, 3), BPF_STMT(BPF_RET | BPF_A, 0) },
      3,
      true },
    { "scratch cell 16", { BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_A, 0) }, 2, false },
    { "division by constant 0",
      { BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), BPF_STMT(BPF_RET | BPF_A, 0) },
      2,
      false },
    { "shift by 32",
      { BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), BPF_STMT(BPF_RET | BPF_A, 0) },
      2,
      false },
    { "MOD is not allowed",
      { BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3), BPF_STMT(BPF_RET | BPF_A, 0) },
      2,
      false },
    { "RET X is not allowed", { BPF_STMT(BPF_RET | BPF_X, 0) }, 1, false },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct ebpf_error err;
    int rc =
        ebpf_cbpf_check_seccomp((const struct ebpf_cbpf_insn *)cases[i].insns, cases[i].len, &err);
    TAP_OK((rc == 0) == cases[i].valid, "seccomp check: %s is %s%s%s", cases[i].what,
           cases[i].valid ? "accepted" : "rejected", rc ? ": " : "", rc ? err.msg : "");
  }

  static struct sock_filter big[EBPF_CBPF_MAX_INSNS + 1];
  for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
    big[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
  TAP_OK(ebpf_cbpf_check_seccomp((void *)big, EBPF_CBPF_MAX_INSNS, NULL) == 0,
         "seccomp check: 4096 instructions accepted");
  TAP_OK(ebpf_cbpf_check_seccomp((void *)big, EBPF_CBPF_MAX_INSNS + 1, NULL) != 0,
         "seccomp check: 4097 instructions rejected");
}

static void
run_filter(struct filter *f, size_t count, bool kernel, size_t *total_inputs,
           size_t *total_mismatches, size_t *kernel_tested, long *kernel_mismatches)
{
  struct ebpf_error err;
  struct ebpf_insn *insns;
  size_t n;
  struct ebpf_prog *prog = NULL;

  int rc = ebpf_cbpf_to_ebpf((const struct ebpf_cbpf_insn *)f->insns, f->len, &insns, &n, &err);
  if (!TAP_OK(rc == 0, "%s: %zu classic instructions translate (%zu eBPF)", f->name, f->len,
              rc == 0 ? n : 0)) {
    tap_diag("insn %zu: %s", err.pc, err.msg);
    return;
  }
  rc = ebpf_load(&prog, insns, n, NULL, 0, &err);
  free(insns);
  if (!TAP_OK(rc == 0, "%s: translation passes the eBPF verifier", f->name)) {
    tap_diag("insn %zu: %s", err.pc, err.msg);
    return;
  }
  struct fidelity res;
  compare(f, prog, count, &res);
  TAP_OK(res.mismatches == 0, "%s: %zu inputs (%zu boundary), %zu mismatches", f->name, res.inputs,
         res.boundary, res.mismatches);
  *total_inputs += res.inputs;
  *total_mismatches += res.mismatches;
  if (kernel) {
    size_t tested = 0;
    long bad = kernel_compare(f, prog, KERNEL_SAMPLE, &tested);
    if (bad < 0) {
      TAP_SKIP("%s: kernel comparison unavailable", f->name);
    } else {
      TAP_OK(bad == 0, "%s: kernel agrees on %zu sampled syscalls (%ld mismatches)", f->name,
             tested, bad);
      *kernel_tested += tested;
      *kernel_mismatches += bad;
    }
  }
  ebpf_prog_free(prog);
}

int
main(void)
{
  struct timespec t0, t1;
  size_t inputs = 0, mismatches = 0, ktested = 0;
  long kbad = 0;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  check_rules();

  struct filter podman = { "podman profile", NULL, 0, true };
  struct filter synthetic = { "synthetic rules", NULL, 0, true };
  struct filter hand = { "hand-written filter", handwritten,
                         sizeof handwritten / sizeof handwritten[0], false };
  int added = 0, skipped = 0;
  const char *profile = getenv("BRIG_SECCOMP_PROFILE");
  if (profile == NULL)
    profile = "/usr/share/containers/seccomp.json";

  bool have_podman = access(profile, R_OK) == 0;
  if (have_podman) {
    have_podman = load_podman_profile(profile, &podman, &added, &skipped);
    TAP_OK(have_podman, "podman profile %s: %d rules added, %d skipped", profile, added, skipped);
  } else {
    TAP_SKIP("%s not present", profile);
  }
  TAP_OK(build_synthetic(&synthetic), "synthetic libseccomp filter built");

  size_t per_filter = TOTAL_INPUTS / (have_podman ? 3 : 2);
  if (have_podman)
    run_filter(&podman, per_filter, true, &inputs, &mismatches, &ktested, &kbad);
  if (synthetic.insns != NULL)
    run_filter(&synthetic, per_filter, true, &inputs, &mismatches, &ktested, &kbad);
  run_filter(&hand, TOTAL_INPUTS - inputs, false, &inputs, &mismatches, &ktested, &kbad);

  clock_gettime(CLOCK_MONOTONIC, &t1);
  tap_diag("fidelity: %zu inputs, %zu mismatches; kernel: %zu syscalls sampled, %ld mismatches; "
           "%.2f s",
           inputs, mismatches, ktested, kbad,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  free(podman.insns);
  free(synthetic.insns);
  return tap_done();
}
