/* Classic BPF (seccomp filters): check under the kernel's seccomp rules,
 * then translate to eBPF so the same VM evaluates them.
 *
 * The checks mirror what the kernel applies to a filter passed to
 * seccomp(2): only the opcodes seccomp allows, absolute word loads that
 * stay inside struct seccomp_data and are 4-byte aligned, no division by
 * a constant zero or shift by a constant >= 32, forward jumps that land
 * inside the filter, scratch cells written on every path before they are
 * read, a RET last, at most 4,096 instructions.
 *
 * The translation follows the kernel's own classic-to-eBPF conversion:
 * A lives in r0, X in r7, the context (struct seccomp_data) in r6, the 16
 * scratch cells in the stack frame below r10; all arithmetic is 32-bit,
 * division by X == 0 ends the filter with 0, as classic BPF defines. */
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

/* Classic BPF encoding (linux/filter.h, linux/bpf_common.h). */
#define C_CLASS(c) ((c)&0x07)
#define C_LD 0x00
#define C_LDX 0x01
#define C_ST 0x02
#define C_STX 0x03
#define C_ALU 0x04
#define C_JMP 0x05
#define C_RET 0x06
#define C_MISC 0x07
#define C_W 0x00
#define C_IMM 0x00
#define C_ABS 0x20
#define C_MEM 0x60
#define C_LEN 0x80
#define C_K 0x00
#define C_X 0x08
#define C_A 0x10
#define C_OP(c) ((c)&0xf0)
#define C_ADD 0x00
#define C_SUB 0x10
#define C_MUL 0x20
#define C_DIV 0x30
#define C_OR 0x40
#define C_AND 0x50
#define C_LSH 0x60
#define C_RSH 0x70
#define C_NEG 0x80
#define C_XOR 0xa0
#define C_JA 0x00
#define C_JEQ 0x10
#define C_JGT 0x20
#define C_JGE 0x30
#define C_JSET 0x40
#define C_TAX 0x00
#define C_TXA 0x80
#define C_MEMWORDS 16

#define REG_A 0
#define REG_X 7
#define REG_CTX 6
#define REG_TMP_ARG 1

static bool
seccomp_allowed(uint16_t code)
{
  switch (code) {
  case C_LD | C_W | C_ABS:
  case C_LD | C_W | C_LEN:
  case C_LDX | C_W | C_LEN:
  case C_RET | C_K:
  case C_RET | C_A:
  case C_ALU | C_ADD | C_K:
  case C_ALU | C_ADD | C_X:
  case C_ALU | C_SUB | C_K:
  case C_ALU | C_SUB | C_X:
  case C_ALU | C_MUL | C_K:
  case C_ALU | C_MUL | C_X:
  case C_ALU | C_DIV | C_K:
  case C_ALU | C_DIV | C_X:
  case C_ALU | C_AND | C_K:
  case C_ALU | C_AND | C_X:
  case C_ALU | C_OR | C_K:
  case C_ALU | C_OR | C_X:
  case C_ALU | C_XOR | C_K:
  case C_ALU | C_XOR | C_X:
  case C_ALU | C_LSH | C_K:
  case C_ALU | C_LSH | C_X:
  case C_ALU | C_RSH | C_K:
  case C_ALU | C_RSH | C_X:
  case C_ALU | C_NEG:
  case C_LD | C_IMM:
  case C_LDX | C_IMM:
  case C_MISC | C_TAX:
  case C_MISC | C_TXA:
  case C_LD | C_MEM:
  case C_LDX | C_MEM:
  case C_ST:
  case C_STX:
  case C_JMP | C_JA:
  case C_JMP | C_JEQ | C_K:
  case C_JMP | C_JEQ | C_X:
  case C_JMP | C_JGE | C_K:
  case C_JMP | C_JGE | C_X:
  case C_JMP | C_JGT | C_K:
  case C_JMP | C_JGT | C_X:
  case C_JMP | C_JSET | C_K:
  case C_JMP | C_JSET | C_X:
    return true;
  }
  return false;
}

static bool
is_cond_jump(uint16_t code)
{
  return C_CLASS(code) == C_JMP && C_OP(code) != C_JA;
}

/* Scratch cells must be written on every path before a read: propagate
 * the set of written cells forward (all jumps are forward), intersecting
 * where paths meet. */
static int
check_scratch(const struct ebpf_cbpf_insn *f, size_t n, struct ebpf_error *err)
{
  uint16_t *valid_at = malloc(n * sizeof *valid_at);
  uint16_t valid = 0; /* cells written on the fall-through path into pc */
  int rc = 0;

  if (valid_at == NULL)
    return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  for (size_t i = 0; i < n; i++)
    valid_at[i] = 0xffff; /* no incoming jump seen yet: no constraint */
  for (size_t pc = 0; pc < n && rc == 0; pc++) {
    valid &= valid_at[pc];
    uint16_t code = f[pc].code;
    switch (code) {
    case C_ST:
    case C_STX:
      valid |= (uint16_t)(1u << f[pc].k);
      break;
    case C_LD | C_MEM:
    case C_LDX | C_MEM:
      if (!(valid & (1u << f[pc].k)))
        rc = ebpf_fail(err, EBPF_E_CBPF, (long)pc, "scratch cell M[%u] read before written",
                       f[pc].k);
      break;
    case C_JMP | C_JA:
      valid_at[pc + 1 + f[pc].k] &= valid;
      valid = 0xffff; /* the next instruction is reached only by a jump */
      break;
    default:
      if (is_cond_jump(code)) {
        valid_at[pc + 1 + f[pc].jt] &= valid;
        valid_at[pc + 1 + f[pc].jf] &= valid;
        valid = 0xffff;
      } else if (C_CLASS(code) == C_RET) {
        valid = 0xffff;
      }
    }
  }
  free(valid_at);
  return rc;
}

int
ebpf_cbpf_check_seccomp(const struct ebpf_cbpf_insn *f, size_t n, struct ebpf_error *err)
{
  if (f == NULL || n == 0)
    return ebpf_fail(err, EBPF_E_CBPF, -1, "empty filter");
  if (n > EBPF_CBPF_MAX_INSNS)
    return ebpf_fail(err, EBPF_E_CBPF, -1, "filter has %zu instructions, more than %d", n,
                     EBPF_CBPF_MAX_INSNS);
  for (size_t pc = 0; pc < n; pc++) {
    uint16_t code = f[pc].code;
    uint32_t k = f[pc].k;
    if (!seccomp_allowed(code))
      return ebpf_fail(err, EBPF_E_CBPF, (long)pc, "opcode 0x%04x is not allowed in seccomp", code);
    switch (code) {
    case C_LD | C_W | C_ABS:
      if (k >= EBPF_SECCOMP_DATA_SIZE || (k & 3) != 0)
        return ebpf_fail(err, EBPF_E_CBPF, (long)pc,
                         "load at offset %u is outside struct seccomp_data or unaligned", k);
      break;
    case C_ALU | C_DIV | C_K:
      if (k == 0)
        return ebpf_fail(err, EBPF_E_CBPF, (long)pc, "division by constant zero");
      break;
    case C_ALU | C_LSH | C_K:
    case C_ALU | C_RSH | C_K:
      if (k >= 32)
        return ebpf_fail(err, EBPF_E_CBPF, (long)pc, "shift by %u", k);
      break;
    case C_LD | C_MEM:
    case C_LDX | C_MEM:
    case C_ST:
    case C_STX:
      if (k >= C_MEMWORDS)
        return ebpf_fail(err, EBPF_E_CBPF, (long)pc, "scratch cell %u does not exist", k);
      break;
    case C_JMP | C_JA:
      if ((uint64_t)k >= n - pc - 1)
        return ebpf_fail(err, EBPF_E_CBPF, (long)pc, "jump +%u leaves the filter", k);
      break;
    default:
      if (is_cond_jump(code) && (pc + 1 + f[pc].jt >= n || pc + 1 + f[pc].jf >= n))
        return ebpf_fail(err, EBPF_E_CBPF, (long)pc, "jump +%u/+%u leaves the filter", f[pc].jt,
                         f[pc].jf);
    }
  }
  if (C_CLASS(f[n - 1].code) != C_RET)
    return ebpf_fail(err, EBPF_E_CBPF, (long)n - 1, "the last instruction is not RET");
  return check_scratch(f, n, err);
}

/* ---- translation ---- */

static int32_t
k_bits(uint32_t k)
{
  int32_t v;
  memcpy(&v, &k, sizeof v);
  return v;
}

static int16_t
scratch_offset(uint32_t k)
{
  return (int16_t)(-(int)((C_MEMWORDS - k) * 4));
}

/* eBPF conditional for a classic one, and its negation (JSET has none). */
static uint8_t
jmp_op(uint16_t code, bool negate)
{
  switch (C_OP(code)) {
  case C_JEQ:
    return negate ? EBPF_JMP_JNE : EBPF_JMP_JEQ;
  case C_JGT:
    return negate ? EBPF_JMP_JLE : EBPF_JMP_JGT;
  case C_JGE:
    return negate ? EBPF_JMP_JLT : EBPF_JMP_JGE;
  default:
    return EBPF_JMP_JSET;
  }
}

static bool
negate_jump(const struct ebpf_cbpf_insn *in)
{
  /* "if cond goto next else goto F" is "if !cond goto F": one instruction. */
  return in->jt == 0 && in->jf != 0 && C_OP(in->code) != C_JSET;
}

/* Number of eBPF slots for one classic instruction. */
static size_t
translated_size(const struct ebpf_cbpf_insn *in)
{
  switch (in->code) {
  case C_ALU | C_DIV | C_X:
    return 4;
  case C_RET | C_K:
    return 2;
  }
  if (is_cond_jump(in->code))
    return in->jf == 0 || negate_jump(in) ? 1 : 2;
  return 1;
}

#define PROLOGUE_LEN 3

int
ebpf_cbpf_to_ebpf(const struct ebpf_cbpf_insn *f, size_t n, struct ebpf_insn **out,
                  size_t *out_count, struct ebpf_error *err)
{
  *out = NULL;
  *out_count = 0;
  int rc = ebpf_cbpf_check_seccomp(f, n, err);
  if (rc != 0)
    return rc;

  size_t *start = malloc((n + 1) * sizeof *start);
  if (start == NULL)
    return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  start[0] = PROLOGUE_LEN;
  for (size_t pc = 0; pc < n; pc++)
    start[pc + 1] = start[pc] + translated_size(&f[pc]);
  size_t total = start[n];
  struct ebpf_insn *p = calloc(total, sizeof *p);
  if (p == NULL) {
    free(start);
    return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  }

  size_t o = 0;
#define EMIT(code, dst, src, off, imm)                                           \
  do {                                                                           \
    struct ebpf_insn insn_ = ebpf_insn_make((code), (dst), (src), (off), (imm)); \
    p[o++] = insn_;                                                              \
  } while (0)
  /* Distance from the slot being emitted to the start of classic insn T. */
#define TO(t) ((int16_t)((long)start[(t)] - (long)o - 1))
  EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_K, REG_A, 0, 0, 0);
  EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_K, REG_X, 0, 0, 0);
  EMIT(EBPF_CLASS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_X, REG_CTX, REG_TMP_ARG, 0, 0);

  for (size_t pc = 0; pc < n; pc++) {
    const struct ebpf_cbpf_insn *in = &f[pc];
    uint16_t code = in->code;
    int32_t k = k_bits(in->k);

    switch (C_CLASS(code)) {
    case C_LD:
    case C_LDX: {
      unsigned dst = C_CLASS(code) == C_LD ? REG_A : REG_X;
      switch (code & 0xe0) {
      case C_ABS:
        EMIT(EBPF_CLASS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W, dst, REG_CTX, (int16_t)in->k, 0);
        break;
      case C_LEN: /* the "packet" of a seccomp filter is struct seccomp_data */
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_K, dst, 0, 0, EBPF_SECCOMP_DATA_SIZE);
        break;
      case C_IMM:
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_K, dst, 0, 0, k);
        break;
      case C_MEM:
        EMIT(EBPF_CLASS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W, dst, EBPF_REG_FP, scratch_offset(in->k),
             0);
        break;
      }
      break;
    }
    case C_ST:
    case C_STX:
      EMIT(EBPF_CLASS_STX | EBPF_MODE_MEM | EBPF_SIZE_W, EBPF_REG_FP,
           C_CLASS(code) == C_ST ? REG_A : REG_X, scratch_offset(in->k), 0);
      break;
    case C_ALU:
      if (C_OP(code) == C_NEG) {
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_NEG, REG_A, 0, 0, 0);
      } else if (code == (C_ALU | C_DIV | C_X)) {
        /* classic: division by zero ends the filter, returning 0 */
        EMIT(EBPF_CLASS_JMP32 | EBPF_JMP_JNE | EBPF_SRC_K, REG_X, 0, 2, 0);
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_K, REG_A, 0, 0, 0);
        EMIT(EBPF_OP_EXIT, 0, 0, 0, 0);
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_DIV | EBPF_SRC_X, REG_A, REG_X, 0, 0);
      } else if (code & C_X) {
        EMIT(EBPF_CLASS_ALU | C_OP(code) | EBPF_SRC_X, REG_A, REG_X, 0, 0);
      } else {
        EMIT(EBPF_CLASS_ALU | C_OP(code) | EBPF_SRC_K, REG_A, 0, 0, k);
      }
      break;
    case C_JMP:
      if (C_OP(code) == C_JA) {
        long dist = (long)start[pc + 1 + in->k] - (long)o - 1;
        EMIT(EBPF_OP_JA32, 0, 0, 0, (int32_t)dist);
        break;
      }
      {
        bool negate = negate_jump(in);
        uint8_t src_bit = (code & C_X) ? EBPF_SRC_X : EBPF_SRC_K;
        unsigned src = (code & C_X) ? REG_X : 0;
        int32_t imm = (code & C_X) ? 0 : k;
        uint8_t op = EBPF_CLASS_JMP32 | jmp_op(code, negate) | src_bit;
        if (negate) {
          EMIT(op, REG_A, src, TO(pc + 1 + in->jf), imm);
        } else {
          EMIT(op, REG_A, src, TO(pc + 1 + in->jt), imm);
          if (in->jf != 0)
            EMIT(EBPF_OP_JA, 0, 0, TO(pc + 1 + in->jf), 0);
        }
      }
      break;
    case C_RET:
      if ((code & 0x18) == C_K)
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_K, REG_A, 0, 0, k);
      EMIT(EBPF_OP_EXIT, 0, 0, 0, 0);
      break;
    case C_MISC:
      if (code == (C_MISC | C_TAX))
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_X, REG_X, REG_A, 0, 0);
      else
        EMIT(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_X, REG_A, REG_X, 0, 0);
      break;
    }
    if (o != start[pc + 1]) { /* sizes and emission disagree: a bug here, not in the filter */
      free(p);
      free(start);
      return ebpf_fail(err, EBPF_E_CBPF, (long)pc, "internal error translating opcode 0x%04x",
                       code);
    }
  }
#undef EMIT
#undef TO
  free(start);
  *out = p;
  *out_count = total;
  return EBPF_OK;
}
