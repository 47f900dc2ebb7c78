/* The eBPF interpreter.
 *
 * Threaded dispatch over the pre-decoded program (load.c): every handler
 * ends with `goto *pc->handler`, so each instruction costs one indirect
 * jump the branch predictor learns per site.  The interpreter trusts only
 * what the verifier established statically (operands are encodable, jump
 * targets are instructions); everything that depends on values is checked
 * here, defensively:
 *
 * - every load, store and atomic must fall entirely inside one region the
 *   host granted for this run, with the needed permission;
 * - division and modulo by zero, signed overflow and shift amounts follow
 *   RFC 9669 and are computed on unsigned types, so the C code itself has
 *   no undefined behaviour whatever the program does;
 * - a budget bounds the number of instruction slots (charged per basic
 *   block when control transfers, so straight-line code pays nothing);
 * - local calls nest at most EBPF_MAX_FRAMES deep.
 */
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

struct call_frame {
  const struct ebpf_dinsn *return_to;
  uint64_t callee_saved[4]; /* r6-r9 */
};

static inline unsigned char *
region_lookup(const struct ebpf_vm_region *regions, size_t n, uint64_t addr, uint64_t size,
              unsigned perm)
{
  for (size_t i = 0; i < n; i++) {
    const struct ebpf_vm_region *r = &regions[i];
    /* Unsigned offset: an address below start wraps to a huge value. */
    uint64_t offset = addr - r->start;
    if (offset < r->len && size <= r->len - offset && (r->perm & perm) == perm)
      return r->base + offset;
  }
  return NULL;
}

void *
ebpf_run_access(struct ebpf_run *run, uint64_t addr, size_t len, unsigned perm)
{
  if (run == NULL || len == 0)
    return NULL;
  return region_lookup(run->vm_regions, run->vm_nregions, addr, len, perm);
}

static void
add_region(struct ebpf_run *run, void *base, size_t len, unsigned perm)
{
  struct ebpf_vm_region *r = &run->vm_regions[run->vm_nregions++];

  r->start = (uint64_t)(uintptr_t)base;
  r->len = len;
  r->base = base;
  r->perm = perm;
}

static int
setup_regions(struct ebpf_run *run)
{
  run->vm_nregions = 0;
  /* Context first: policy programs mostly read it. */
  if (run->ctx != NULL && run->ctx_len > 0)
    add_region(run, run->ctx, run->ctx_len, run->ctx_writable ? EBPF_PERM_RW : EBPF_PERM_READ);
  add_region(run, run->stack, sizeof run->stack, EBPF_PERM_RW);
  if (__builtin_expect(run->nregions == 0, 1))
    return EBPF_OK;
  if (run->nregions > EBPF_MAX_REGIONS)
    return ebpf_fail(&run->err, EBPF_E_INVAL, -1, "%zu regions, at most %d", run->nregions,
                     EBPF_MAX_REGIONS);
  for (size_t i = 0; i < run->nregions; i++) {
    const struct ebpf_region *r = &run->regions[i];
    if (r->base == NULL || r->len == 0)
      continue;
    if ((r->perm & ~(unsigned)EBPF_PERM_RW) != 0 || !(r->perm & EBPF_PERM_READ))
      return ebpf_fail(&run->err, EBPF_E_INVAL, -1, "region %zu: invalid permission 0x%x", i,
                       r->perm);
    add_region(run, r->base, r->len, r->perm);
  }
  return EBPF_OK;
}

void
ebpf_run_init(struct ebpf_run *run)
{
  memset(run, 0, sizeof *run);
}

struct ebpf_run *
ebpf_run_new(void)
{
  struct ebpf_run *run = malloc(sizeof *run);

  if (run != NULL)
    ebpf_run_init(run);
  return run;
}

static inline uint64_t
sext32(int32_t imm)
{
  return (uint64_t)(int64_t)imm;
}

/* clang has no noclone; it does not clone functions whose labels are taken. */
#ifdef __clang__
#define VM_EXEC_ATTRS __attribute__((noinline))
#else
#define VM_EXEC_ATTRS __attribute__((noinline, noclone))
#endif

/* The shared body.  With LABELS non-NULL it only reports the handler
 * table, so load.c can store handler addresses in the decoded program.
 * Never inlined or cloned: label addresses are only meaningful inside the
 * one copy of the function that produced them. */
static VM_EXEC_ATTRS int
vm_exec(const struct ebpf_prog *prog, struct ebpf_run *run, const void *const **labels)
{
#define EBPF_VM_LABEL(name) &&op_##name,
  /* cppcheck-suppress syntaxError ; labels as values (GNU C) are not understood */
  static const void *const handlers[EBPF_VOP_COUNT] = { EBPF_VM_OPS(EBPF_VM_LABEL) };
#undef EBPF_VM_LABEL
  if (labels != NULL) {
    *labels = handlers;
    return EBPF_OK;
  }

  /* Run setup lives here rather than in ebpf_run: one call level less
   * matters for short policy programs. */
  run->r0 = 0;
  run->executed = 0;
  /* Field by field: clearing the whole message buffer would cost more than
   * a short policy program takes to run. */
  run->err.code = EBPF_OK;
  run->err.has_pc = false;
  run->err.pc = 0;
  run->err.msg[0] = '\0';
  if (__builtin_expect(setup_regions(run) != EBPF_OK, 0))
    return run->err.code;
  if (run->zero_stack)
    memset(run->stack, 0, sizeof run->stack);

  uint64_t reg[EBPF_NREGS] = { 0 };
  struct call_frame frames[EBPF_MAX_FRAMES];
  unsigned depth = 0;
  const struct ebpf_dinsn *const code = prog->code;
  const struct ebpf_dinsn *pc = code;
  const struct ebpf_dinsn *block = code; /* first slot not yet charged to the budget */
  const struct ebpf_vm_region *const regions = run->vm_regions;
  const size_t nregions = run->vm_nregions;
  unsigned char *fp = run->stack + sizeof run->stack;
  uint64_t budget = run->unlimited ? UINT64_MAX : run->budget ? run->budget : EBPF_DEFAULT_BUDGET;
  uint64_t left = budget;
  unsigned char *mem;
  int status = EBPF_OK;

  reg[1] = (uint64_t)(uintptr_t)run->ctx;
  reg[2] = run->ctx_len;
  reg[EBPF_REG_FP] = (uint64_t)(uintptr_t)fp;

#define DST reg[pc->dst]
#define SRC reg[pc->src]
#define IMM64 sext32(pc->imm)
#define IMM32 ((uint32_t)pc->imm)
#define DISPATCH goto * pc->handler
#define NEXT  \
  do {        \
    pc++;     \
    DISPATCH; \
  } while (0)
  /* Charge the slots of the current basic block, up to and including pc. */
#define CHARGE()                                 \
  do {                                           \
    uint64_t used_ = (uint64_t)(pc - block) + 1; \
    if (__builtin_expect(used_ > left, 0))       \
      goto fault_budget;                         \
    left -= used_;                               \
  } while (0)
  /* On the way out of a fault: the fault wins over the budget. */
#define CHARGE_SATURATED()                       \
  do {                                           \
    uint64_t used_ = (uint64_t)(pc - block) + 1; \
    left = used_ > left ? 0 : left - used_;      \
  } while (0)
#define JUMP(delta)    \
  do {                 \
    CHARGE();          \
    pc += (delta) + 1; \
    block = pc;        \
    DISPATCH;          \
  } while (0)
#define MEM(addr, size, perm)                                       \
  do {                                                              \
    mem = region_lookup(regions, nregions, (addr), (size), (perm)); \
    if (__builtin_expect(mem == NULL, 0))                           \
      goto fault_access;                                            \
  } while (0)

  DISPATCH;

  /* ---- ALU ---- */
#define ALU_BIN(NAME, OP)                                             \
  op_##NAME##64_K : DST = DST OP IMM64;                               \
  NEXT;                                                               \
  op_##NAME##64_X : DST = DST OP SRC;                                 \
  NEXT;                                                               \
  op_##NAME##32_K : DST = (uint32_t)((uint32_t)DST OP IMM32);         \
  NEXT;                                                               \
  op_##NAME##32_X : DST = (uint32_t)((uint32_t)DST OP(uint32_t) SRC); \
  NEXT;
  ALU_BIN(ADD, +)
  ALU_BIN(SUB, -)
  ALU_BIN(MUL, *)
  ALU_BIN(OR, |)
  ALU_BIN(AND, &)
  ALU_BIN(XOR, ^)
#undef ALU_BIN

  /* Shift amounts are masked (RFC 9669 section 4.1); load.c pre-masks the
   * immediate forms. */
op_LSH64_K:
  DST <<= pc->imm;
  NEXT;
op_LSH64_X:
  DST <<= SRC & 63;
  NEXT;
op_LSH32_K:
  DST = (uint32_t)((uint32_t)DST << pc->imm);
  NEXT;
op_LSH32_X:
  DST = (uint32_t)((uint32_t)DST << (SRC & 31));
  NEXT;
op_RSH64_K:
  DST >>= pc->imm;
  NEXT;
op_RSH64_X:
  DST >>= SRC & 63;
  NEXT;
op_RSH32_K:
  DST = (uint32_t)DST >> pc->imm;
  NEXT;
op_RSH32_X:
  DST = (uint32_t)DST >> (SRC & 31);
  NEXT;
  /* Right shift of a negative value is arithmetic in GNU C (documented
   * implementation-defined behaviour, not undefined). */
op_ARSH64_K:
  DST = (uint64_t)((int64_t)DST >> pc->imm);
  NEXT;
op_ARSH64_X:
  DST = (uint64_t)((int64_t)DST >> (SRC & 63));
  NEXT;
op_ARSH32_K:
  DST = (uint32_t)((int32_t)(uint32_t)DST >> pc->imm);
  NEXT;
op_ARSH32_X:
  DST = (uint32_t)((int32_t)(uint32_t)DST >> (SRC & 31));
  NEXT;

  /* Division: x / 0 = 0, x % 0 = x; the immediate forms never see 0 or
   * (signed) -1, load.c rewrote those. */
op_DIV64_K:
  DST = DST / IMM64;
  NEXT;
op_DIV64_X:
  DST = SRC ? DST / SRC : 0;
  NEXT;
op_DIV32_K:
  DST = (uint32_t)DST / IMM32;
  NEXT;
op_DIV32_X:
  DST = (uint32_t)SRC ? (uint32_t)DST / (uint32_t)SRC : 0;
  NEXT;
op_MOD64_K:
  DST = DST % IMM64;
  NEXT;
op_MOD64_X:
  DST = SRC ? DST % SRC : DST;
  NEXT;
op_MOD32_K:
  DST = (uint32_t)DST % IMM32;
  NEXT;
op_MOD32_X:
  DST = (uint32_t)SRC ? (uint32_t)DST % (uint32_t)SRC : (uint32_t)DST;
  NEXT;
op_SDIV64_K:
  DST = (uint64_t)((int64_t)DST / pc->imm);
  NEXT;
op_SDIV64_X:
  if (SRC == 0)
    DST = 0;
  else if (SRC == UINT64_MAX) /* -1: INT64_MIN / -1 wraps to INT64_MIN */
    DST = -DST;
  else
    DST = (uint64_t)((int64_t)DST / (int64_t)SRC);
  NEXT;
op_SDIV32_K:
  DST = (uint32_t)((int32_t)(uint32_t)DST / pc->imm);
  NEXT;
op_SDIV32_X:
  if ((uint32_t)SRC == 0)
    DST = 0;
  else if ((uint32_t)SRC == UINT32_MAX)
    DST = (uint32_t) - (uint32_t)DST;
  else
    DST = (uint32_t)((int32_t)(uint32_t)DST / (int32_t)(uint32_t)SRC);
  NEXT;
op_SMOD64_K:
  DST = (uint64_t)((int64_t)DST % pc->imm);
  NEXT;
op_SMOD64_X:
  if (SRC == UINT64_MAX)
    DST = 0;
  else if (SRC != 0)
    DST = (uint64_t)((int64_t)DST % (int64_t)SRC);
  NEXT;
op_SMOD32_K:
  DST = (uint32_t)((int32_t)(uint32_t)DST % pc->imm);
  NEXT;
op_SMOD32_X:
  if ((uint32_t)SRC == UINT32_MAX)
    DST = 0;
  else if ((uint32_t)SRC != 0)
    DST = (uint32_t)((int32_t)(uint32_t)DST % (int32_t)(uint32_t)SRC);
  else
    DST = (uint32_t)DST;
  NEXT;

op_NEG64:
  DST = -DST;
  NEXT;
op_NEG32:
  DST = (uint32_t) - (uint32_t)DST;
  NEXT;
op_MOV64_K:
  DST = IMM64;
  NEXT;
op_MOV64_X:
  DST = SRC;
  NEXT;
op_MOV32_K:
  DST = IMM32;
  NEXT;
op_MOV32_X:
  DST = (uint32_t)SRC;
  NEXT;
op_MOVSX64_8:
  DST = (uint64_t)(int64_t)(int8_t)(uint8_t)SRC;
  NEXT;
op_MOVSX64_16:
  DST = (uint64_t)(int64_t)(int16_t)(uint16_t)SRC;
  NEXT;
op_MOVSX64_32:
  DST = (uint64_t)(int64_t)(int32_t)(uint32_t)SRC;
  NEXT;
op_MOVSX32_8:
  DST = (uint32_t)(int32_t)(int8_t)(uint8_t)SRC;
  NEXT;
op_MOVSX32_16:
  DST = (uint32_t)(int32_t)(int16_t)(uint16_t)SRC;
  NEXT;

op_ZEXT16:
  DST = (uint16_t)DST;
  NEXT;
op_ZEXT32:
  DST = (uint32_t)DST;
  NEXT;
op_NOP:
  NEXT;
op_BSWAP16:
  DST = __builtin_bswap16((uint16_t)DST);
  NEXT;
op_BSWAP32:
  DST = __builtin_bswap32((uint32_t)DST);
  NEXT;
op_BSWAP64:
  DST = __builtin_bswap64(DST);
  NEXT;

op_LDDW:
  DST = (uint64_t)(uint32_t)pc[0].imm | (uint64_t)(uint32_t)pc[1].imm << 32;
  pc += 2;
  DISPATCH;
op_LDDW_HI:
op_INVALID:
  /* Unreachable for a verified program; kept as a fault, not a crash. */
  status = ebpf_fail(&run->err, EBPF_E_VERIFY, pc - code, "no instruction starts here");
  goto out;

  /* ---- memory ---- */
#define LOAD(NAME, TYPE, CONV)                             \
  op_##NAME:                                               \
  {                                                        \
    TYPE v_;                                               \
    MEM(SRC + sext32(pc->off), sizeof v_, EBPF_PERM_READ); \
    memcpy(&v_, mem, sizeof v_);                           \
    DST = CONV v_;                                         \
    NEXT;                                                  \
  }                                                        \
  op_FP_##NAME:                                            \
  {                                                        \
    TYPE v_;                                               \
    memcpy(&v_, fp + pc->off, sizeof v_);                  \
    DST = CONV v_;                                         \
    NEXT;                                                  \
  }
  LOAD(LDXB, uint8_t, (uint64_t))
  LOAD(LDXH, uint16_t, (uint64_t))
  LOAD(LDXW, uint32_t, (uint64_t))
  LOAD(LDXDW, uint64_t, (uint64_t))
  LOAD(LDXSB, int8_t, (uint64_t)(int64_t))
  LOAD(LDXSH, int16_t, (uint64_t)(int64_t))
  LOAD(LDXSW, int32_t, (uint64_t)(int64_t))
#undef LOAD

#define STORE(NAME, TYPE, VALUE)                            \
  op_##NAME:                                                \
  {                                                         \
    TYPE v_ = (TYPE)(VALUE);                                \
    MEM(DST + sext32(pc->off), sizeof v_, EBPF_PERM_WRITE); \
    memcpy(mem, &v_, sizeof v_);                            \
    NEXT;                                                   \
  }                                                         \
  op_FP_##NAME:                                             \
  {                                                         \
    TYPE v_ = (TYPE)(VALUE);                                \
    memcpy(fp + pc->off, &v_, sizeof v_);                   \
    NEXT;                                                   \
  }
  STORE(STB, uint8_t, IMM64)
  STORE(STH, uint16_t, IMM64)
  STORE(STW, uint32_t, IMM64)
  STORE(STDW, uint64_t, IMM64)
  STORE(STXB, uint8_t, SRC)
  STORE(STXH, uint16_t, SRC)
  STORE(STXW, uint32_t, SRC)
  STORE(STXDW, uint64_t, SRC)
#undef STORE

  /* Atomics: the VM is single-threaded, so a checked read-modify-write is
   * atomic with respect to the program.  Host memory shared with other
   * threads gets no hardware atomicity (the access may be unaligned). */
#define ATOMIC_RMW(NAME, W, TYPE, EXPR, FETCH)             \
  op_##NAME##W:                                            \
  {                                                        \
    TYPE old_, new_, val_ = (TYPE)SRC;                     \
    MEM(DST + sext32(pc->off), sizeof old_, EBPF_PERM_RW); \
    memcpy(&old_, mem, sizeof old_);                       \
    new_ = (TYPE)(EXPR);                                   \
    memcpy(mem, &new_, sizeof new_);                       \
    if (FETCH)                                             \
      SRC = (uint64_t)old_;                                \
    NEXT;                                                  \
  }
#define ATOMIC_ALL(W, TYPE)                                \
  ATOMIC_RMW(AADD, W, TYPE, old_ + val_, 0)                \
  ATOMIC_RMW(AOR, W, TYPE, old_ | val_, 0)                 \
  ATOMIC_RMW(AAND, W, TYPE, old_ &val_, 0)                 \
  ATOMIC_RMW(AXOR, W, TYPE, old_ ^ val_, 0)                \
  ATOMIC_RMW(AFADD, W, TYPE, old_ + val_, 1)               \
  ATOMIC_RMW(AFOR, W, TYPE, old_ | val_, 1)                \
  ATOMIC_RMW(AFAND, W, TYPE, old_ &val_, 1)                \
  ATOMIC_RMW(AFXOR, W, TYPE, old_ ^ val_, 1)               \
  ATOMIC_RMW(AXCHG, W, TYPE, val_, 1)                      \
  op_ACMPXCHG##W:                                          \
  {                                                        \
    TYPE old_, val_ = (TYPE)SRC;                           \
    MEM(DST + sext32(pc->off), sizeof old_, EBPF_PERM_RW); \
    memcpy(&old_, mem, sizeof old_);                       \
    if (old_ == (TYPE)reg[0])                              \
      memcpy(mem, &val_, sizeof val_);                     \
    reg[0] = (uint64_t)old_;                               \
    NEXT;                                                  \
  }
  ATOMIC_ALL(32, uint32_t)
  ATOMIC_ALL(64, uint64_t)
#undef ATOMIC_ALL
#undef ATOMIC_RMW

  /* ---- jumps ---- */
op_JA:
  JUMP(pc->imm);
#define JCOND(NAME, CMP64, CMP32)                    \
  op_##NAME##64_K:                                   \
  {                                                  \
    uint64_t a_ = DST, b_ = IMM64;                   \
    if (CMP64)                                       \
      JUMP(pc->off);                                 \
    NEXT;                                            \
  }                                                  \
  op_##NAME##64_X:                                   \
  {                                                  \
    uint64_t a_ = DST, b_ = SRC;                     \
    if (CMP64)                                       \
      JUMP(pc->off);                                 \
    NEXT;                                            \
  }                                                  \
  op_##NAME##32_K:                                   \
  {                                                  \
    uint32_t a_ = (uint32_t)DST, b_ = IMM32;         \
    if (CMP32)                                       \
      JUMP(pc->off);                                 \
    NEXT;                                            \
  }                                                  \
  op_##NAME##32_X:                                   \
  {                                                  \
    uint32_t a_ = (uint32_t)DST, b_ = (uint32_t)SRC; \
    if (CMP32)                                       \
      JUMP(pc->off);                                 \
    NEXT;                                            \
  }
  JCOND(JEQ, a_ == b_, a_ == b_)
  JCOND(JNE, a_ != b_, a_ != b_)
  JCOND(JGT, a_ > b_, a_ > b_)
  JCOND(JGE, a_ >= b_, a_ >= b_)
  JCOND(JLT, a_ < b_, a_ < b_)
  JCOND(JLE, a_ <= b_, a_ <= b_)
  JCOND(JSET, a_ & b_, a_ & b_)
  JCOND(JSGT, (int64_t)a_ > (int64_t)b_, (int32_t)a_ > (int32_t)b_)
  JCOND(JSGE, (int64_t)a_ >= (int64_t)b_, (int32_t)a_ >= (int32_t)b_)
  JCOND(JSLT, (int64_t)a_ < (int64_t)b_, (int32_t)a_ < (int32_t)b_)
  JCOND(JSLE, (int64_t)a_ <= (int64_t)b_, (int32_t)a_ <= (int32_t)b_)
#undef JCOND

op_CALL_HELPER : {
  const struct ebpf_helper *h = &prog->helpers[pc->imm];
  uint64_t ret = 0;
  run->err.msg[0] = '\0';
  if (h->fn(run, reg[1], reg[2], reg[3], reg[4], reg[5], &ret) != 0) {
    CHARGE_SATURATED();
    if (run->err.msg[0] != '\0') {
      char why[sizeof run->err.msg]; /* the helper's reason; never format a buffer into itself */
      memcpy(why, run->err.msg, sizeof why);
      why[sizeof why - 1] = '\0';
      status = ebpf_fail(&run->err, EBPF_E_HELPER, pc - code, "helper %u (%s) failed: %.100s",
                         h->id, h->name ? h->name : "?", why);
    } else {
      status = ebpf_fail(&run->err, EBPF_E_HELPER, pc - code, "helper %u (%s) failed", h->id,
                         h->name ? h->name : "?");
    }
    goto out_charged;
  }
  reg[0] = ret;
  NEXT;
}
op_CALL_LOCAL:
  if (depth + 1 >= EBPF_MAX_FRAMES) {
    CHARGE_SATURATED();
    status = ebpf_fail(&run->err, EBPF_E_DEPTH, pc - code, "local calls nested deeper than %d",
                       EBPF_MAX_FRAMES);
    goto out_charged;
  }
  frames[depth].return_to = pc + 1;
  memcpy(frames[depth].callee_saved, &reg[6], sizeof frames[depth].callee_saved);
  depth++;
  fp -= EBPF_STACK_SIZE;
  reg[EBPF_REG_FP] = (uint64_t)(uintptr_t)fp;
  JUMP(pc->imm);
op_EXIT:
  CHARGE();
  if (depth == 0) {
    run->r0 = reg[0];
    goto out_charged;
  }
  depth--;
  memcpy(&reg[6], frames[depth].callee_saved, sizeof frames[depth].callee_saved);
  fp += EBPF_STACK_SIZE;
  reg[EBPF_REG_FP] = (uint64_t)(uintptr_t)fp;
  pc = frames[depth].return_to;
  block = pc;
  DISPATCH;

fault_access : {
  /* Name the access: which instruction, what address, how wide. */
  const struct ebpf_insn *in = &prog->insns[pc - code];
  bool is_load = EBPF_CLASS(in->code) == EBPF_CLASS_LDX;
  unsigned base = is_load ? pc->src : pc->dst;
  static const unsigned sizes[4] = { 4, 2, 1, 8 };
  unsigned size = sizes[EBPF_SIZE(in->code) >> 3];
  CHARGE_SATURATED();
  status = ebpf_fail(&run->err, EBPF_E_ACCESS, pc - code,
                     "%s of %u bytes at r%u%+d (0x%llx) is outside the granted regions",
                     is_load                                   ? "load"
                     : EBPF_MODE(in->code) == EBPF_MODE_ATOMIC ? "atomic"
                                                               : "store",
                     size, base, pc->off, (unsigned long long)(reg[base] + sext32(pc->off)));
  goto out_charged;
}
fault_budget:
  left = 0;
  status = ebpf_fail(&run->err, EBPF_E_BUDGET, pc - code, "instruction budget of %llu exhausted",
                     (unsigned long long)budget);
  goto out_charged;

out:
  CHARGE_SATURATED();
out_charged:
  run->executed = budget - left;
  return status;
#undef DST
#undef SRC
#undef IMM64
#undef IMM32
#undef DISPATCH
#undef NEXT
#undef CHARGE
#undef CHARGE_SATURATED
#undef JUMP
#undef MEM
}

const void *const *
ebpf_vm_handlers(void)
{
  const void *const *labels = NULL;

  vm_exec(NULL, NULL, &labels);
  return labels;
}

int
ebpf_run(const struct ebpf_prog *prog, struct ebpf_run *run)
{
  if (run == NULL)
    return EBPF_E_INVAL;
  if (prog == NULL)
    return ebpf_fail(&run->err, EBPF_E_INVAL, -1, "no program");
  return vm_exec(prog, run, NULL);
}
