/* The eBPF verifier: one linear pass over the program at load time.
 *
 * Like CertrBPF's verifier it does not track register values: it checks
 * the encoding (known opcode, reserved fields zero, registers r0-r10, no
 * write to r10), the control flow (every jump and local call lands on an
 * instruction inside the program, never on the second slot of a 64-bit
 * immediate load; the last instruction cannot fall through) and the
 * helper ids.  Everything that depends on values (memory bounds, division
 * by zero, loop termination, call depth) is the interpreter's job. */
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

#define V(op) EBPF_VOP_##op

struct verify_state {
  const struct ebpf_insn *insns;
  size_t count;
  struct ebpf_error *err;
};

static int
reject(struct verify_state *st, size_t pc, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  ebpf_vfail(st->err, EBPF_E_VERIFY, (long)pc, fmt, ap);
  va_end(ap);
  return EBPF_E_VERIFY;
}

/* A reserved field must be zero: RFC 9669 leaves room for future
 * encodings there, so a non-zero value is not something we understand. */
static int
check_zero(struct verify_state *st, size_t pc, const char *field, long value)
{
  if (value != 0)
    return reject(st, pc, "reserved field %s is not zero (%ld)", field, value);
  return 0;
}

static int
check_dst_writable(struct verify_state *st, size_t pc, unsigned reg)
{
  if (reg == EBPF_REG_FP)
    return reject(st, pc, "r10 is read-only");
  return 0;
}

static const uint16_t alu_ops64[16][2] = {
  [EBPF_ALU_ADD >> 4] = { V(ADD64_K), V(ADD64_X) },
  [EBPF_ALU_SUB >> 4] = { V(SUB64_K), V(SUB64_X) },
  [EBPF_ALU_MUL >> 4] = { V(MUL64_K), V(MUL64_X) },
  [EBPF_ALU_DIV >> 4] = { V(DIV64_K), V(DIV64_X) },
  [EBPF_ALU_OR >> 4] = { V(OR64_K), V(OR64_X) },
  [EBPF_ALU_AND >> 4] = { V(AND64_K), V(AND64_X) },
  [EBPF_ALU_LSH >> 4] = { V(LSH64_K), V(LSH64_X) },
  [EBPF_ALU_RSH >> 4] = { V(RSH64_K), V(RSH64_X) },
  [EBPF_ALU_MOD >> 4] = { V(MOD64_K), V(MOD64_X) },
  [EBPF_ALU_XOR >> 4] = { V(XOR64_K), V(XOR64_X) },
  [EBPF_ALU_MOV >> 4] = { V(MOV64_K), V(MOV64_X) },
  [EBPF_ALU_ARSH >> 4] = { V(ARSH64_K), V(ARSH64_X) },
};

static const uint16_t alu_ops32[16][2] = {
  [EBPF_ALU_ADD >> 4] = { V(ADD32_K), V(ADD32_X) },
  [EBPF_ALU_SUB >> 4] = { V(SUB32_K), V(SUB32_X) },
  [EBPF_ALU_MUL >> 4] = { V(MUL32_K), V(MUL32_X) },
  [EBPF_ALU_DIV >> 4] = { V(DIV32_K), V(DIV32_X) },
  [EBPF_ALU_OR >> 4] = { V(OR32_K), V(OR32_X) },
  [EBPF_ALU_AND >> 4] = { V(AND32_K), V(AND32_X) },
  [EBPF_ALU_LSH >> 4] = { V(LSH32_K), V(LSH32_X) },
  [EBPF_ALU_RSH >> 4] = { V(RSH32_K), V(RSH32_X) },
  [EBPF_ALU_MOD >> 4] = { V(MOD32_K), V(MOD32_X) },
  [EBPF_ALU_XOR >> 4] = { V(XOR32_K), V(XOR32_X) },
  [EBPF_ALU_MOV >> 4] = { V(MOV32_K), V(MOV32_X) },
  [EBPF_ALU_ARSH >> 4] = { V(ARSH32_K), V(ARSH32_X) },
};

static int
verify_alu(struct verify_state *st, size_t pc, uint16_t *op)
{
  const struct ebpf_insn *in = &st->insns[pc];
  bool is64 = EBPF_CLASS(in->code) == EBPF_CLASS_ALU64;
  bool reg = EBPF_SRC(in->code) == EBPF_SRC_X;
  unsigned dst = EBPF_INSN_DST(in), src = EBPF_INSN_SRC(in);
  int rc;

  switch (EBPF_OP(in->code)) {
  case EBPF_ALU_NEG:
    if (reg)
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    if ((rc = check_zero(st, pc, "src", src)) || (rc = check_zero(st, pc, "offset", in->off)) ||
        (rc = check_zero(st, pc, "imm", in->imm)))
      return rc;
    *op = is64 ? V(NEG64) : V(NEG32);
    break;
  case EBPF_ALU_END:
    if ((rc = check_zero(st, pc, "src", src)) || (rc = check_zero(st, pc, "offset", in->off)))
      return rc;
    if (in->imm != 16 && in->imm != 32 && in->imm != 64)
      return reject(st, pc, "byte swap width %d is not 16, 32 or 64", in->imm);
    if (is64 && reg) /* ALU64 END is the unconditional bswap; its source bit is reserved */
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    {
      /* On a little-endian host "to little-endian" only truncates and "to
       * big-endian" swaps; on a big-endian host it is the other way round. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      bool swap = is64 || reg;
#else
      bool swap = is64 || !reg;
#endif
      if (swap)
        *op = in->imm == 16 ? V(BSWAP16) : in->imm == 32 ? V(BSWAP32) : V(BSWAP64);
      else
        *op = in->imm == 16 ? V(ZEXT16) : in->imm == 32 ? V(ZEXT32) : V(NOP);
    }
    break;
  default: {
    unsigned index = EBPF_OP(in->code) >> 4;
    uint16_t base = is64 ? alu_ops64[index][reg] : alu_ops32[index][reg];
    if (base == V(INVALID))
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    if (reg) {
      if ((rc = check_zero(st, pc, "imm", in->imm)))
        return rc;
    } else if ((rc = check_zero(st, pc, "src", src))) {
      return rc;
    }
    *op = base;
    switch (EBPF_OP(in->code)) {
    case EBPF_ALU_DIV:
    case EBPF_ALU_MOD:
      /* offset 1 selects the signed variant (v4) */
      if (in->off != 0 && in->off != 1)
        return reject(st, pc, "offset %d of a division is not 0 or 1", in->off);
      if (in->off == 1)
        *op = (uint16_t)(base + (V(SDIV64_K) - V(DIV64_K)));
      break;
    case EBPF_ALU_MOV:
      if (in->off == 0)
        break;
      /* movsx (v4): offset is the source width; only from a register. */
      if (!reg || !(in->off == 8 || in->off == 16 || (is64 && in->off == 32)))
        return reject(st, pc, "offset %d of a move is not a valid sign-extension width", in->off);
      if (in->off == 8)
        *op = is64 ? V(MOVSX64_8) : V(MOVSX32_8);
      else if (in->off == 16)
        *op = is64 ? V(MOVSX64_16) : V(MOVSX32_16);
      else
        *op = V(MOVSX64_32);
      break;
    default:
      if ((rc = check_zero(st, pc, "offset", in->off)))
        return rc;
    }
  }
  }
  return check_dst_writable(st, pc, dst);
}

static const uint16_t jmp_ops64[16][2] = {
  [EBPF_JMP_JEQ >> 4] = { V(JEQ64_K), V(JEQ64_X) },
  [EBPF_JMP_JGT >> 4] = { V(JGT64_K), V(JGT64_X) },
  [EBPF_JMP_JGE >> 4] = { V(JGE64_K), V(JGE64_X) },
  [EBPF_JMP_JSET >> 4] = { V(JSET64_K), V(JSET64_X) },
  [EBPF_JMP_JNE >> 4] = { V(JNE64_K), V(JNE64_X) },
  [EBPF_JMP_JSGT >> 4] = { V(JSGT64_K), V(JSGT64_X) },
  [EBPF_JMP_JSGE >> 4] = { V(JSGE64_K), V(JSGE64_X) },
  [EBPF_JMP_JLT >> 4] = { V(JLT64_K), V(JLT64_X) },
  [EBPF_JMP_JLE >> 4] = { V(JLE64_K), V(JLE64_X) },
  [EBPF_JMP_JSLT >> 4] = { V(JSLT64_K), V(JSLT64_X) },
  [EBPF_JMP_JSLE >> 4] = { V(JSLE64_K), V(JSLE64_X) },
};

static const uint16_t jmp_ops32[16][2] = {
  [EBPF_JMP_JEQ >> 4] = { V(JEQ32_K), V(JEQ32_X) },
  [EBPF_JMP_JGT >> 4] = { V(JGT32_K), V(JGT32_X) },
  [EBPF_JMP_JGE >> 4] = { V(JGE32_K), V(JGE32_X) },
  [EBPF_JMP_JSET >> 4] = { V(JSET32_K), V(JSET32_X) },
  [EBPF_JMP_JNE >> 4] = { V(JNE32_K), V(JNE32_X) },
  [EBPF_JMP_JSGT >> 4] = { V(JSGT32_K), V(JSGT32_X) },
  [EBPF_JMP_JSGE >> 4] = { V(JSGE32_K), V(JSGE32_X) },
  [EBPF_JMP_JLT >> 4] = { V(JLT32_K), V(JLT32_X) },
  [EBPF_JMP_JLE >> 4] = { V(JLE32_K), V(JLE32_X) },
  [EBPF_JMP_JSLT >> 4] = { V(JSLT32_K), V(JSLT32_X) },
  [EBPF_JMP_JSLE >> 4] = { V(JSLE32_K), V(JSLE32_X) },
};

static int
verify_jmp(struct verify_state *st, size_t pc, const struct ebpf_helper *helpers, size_t nhelpers,
           uint16_t *op)
{
  const struct ebpf_insn *in = &st->insns[pc];
  bool is32 = EBPF_CLASS(in->code) == EBPF_CLASS_JMP32;
  bool reg = EBPF_SRC(in->code) == EBPF_SRC_X;
  unsigned dst = EBPF_INSN_DST(in), src = EBPF_INSN_SRC(in);
  int rc;

  switch (EBPF_OP(in->code)) {
  case EBPF_JMP_JA:
    if (reg)
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    if ((rc = check_zero(st, pc, "dst", dst)) || (rc = check_zero(st, pc, "src", src)))
      return rc;
    /* JMP uses the 16-bit offset, JMP32 (gotol, v4) the 32-bit imm. */
    if ((rc = is32 ? check_zero(st, pc, "offset", in->off) : check_zero(st, pc, "imm", in->imm)))
      return rc;
    *op = V(JA);
    return 0;
  case EBPF_JMP_CALL:
    if (is32)
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    if (reg)
      return reject(st, pc, "callx (call through a register) is not supported");
    if ((rc = check_zero(st, pc, "dst", dst)) || (rc = check_zero(st, pc, "offset", in->off)))
      return rc;
    if (src == EBPF_CALL_HELPER) {
      if (in->imm < 0 || ebpf_helper_index(helpers, nhelpers, (uint32_t)in->imm) < 0)
        return reject(st, pc, "unknown helper %d", in->imm);
      *op = V(CALL_HELPER);
    } else if (src == EBPF_CALL_LOCAL) {
      *op = V(CALL_LOCAL);
    } else if (src == EBPF_CALL_BTF) {
      return reject(st, pc, "helper calls by BTF id are not supported");
    } else {
      return reject(st, pc, "invalid call source %u", src);
    }
    return 0;
  case EBPF_JMP_EXIT:
    if (is32 || reg)
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    if ((rc = check_zero(st, pc, "dst", dst)) || (rc = check_zero(st, pc, "src", src)) ||
        (rc = check_zero(st, pc, "offset", in->off)) || (rc = check_zero(st, pc, "imm", in->imm)))
      return rc;
    *op = V(EXIT);
    return 0;
  default: {
    unsigned index = EBPF_OP(in->code) >> 4;
    uint16_t vop = is32 ? jmp_ops32[index][reg] : jmp_ops64[index][reg];
    if (vop == V(INVALID))
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    if ((rc = reg ? check_zero(st, pc, "imm", in->imm) : check_zero(st, pc, "src", src)))
      return rc;
    *op = vop;
    return 0;
  }
  }
}

static int
verify_mem(struct verify_state *st, size_t pc, uint16_t *op)
{
  static const uint16_t ldx[4] = { V(LDXW), V(LDXH), V(LDXB), V(LDXDW) };
  static const uint16_t ldxs[4] = { V(LDXSW), V(LDXSH), V(LDXSB), V(INVALID) };
  static const uint16_t stk[4] = { V(STW), V(STH), V(STB), V(STDW) };
  static const uint16_t stx[4] = { V(STXW), V(STXH), V(STXB), V(STXDW) };
  const struct ebpf_insn *in = &st->insns[pc];
  unsigned size = EBPF_SIZE(in->code) >> 3, mode = EBPF_MODE(in->code);
  unsigned dst = EBPF_INSN_DST(in), src = EBPF_INSN_SRC(in);
  int rc;

  switch (EBPF_CLASS(in->code)) {
  case EBPF_CLASS_LDX:
    if (mode == EBPF_MODE_MEM)
      *op = ldx[size];
    else if (mode == EBPF_MODE_MEMSX && ldxs[size] != V(INVALID))
      *op = ldxs[size];
    else
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    if ((rc = check_zero(st, pc, "imm", in->imm)))
      return rc;
    return check_dst_writable(st, pc, dst);
  case EBPF_CLASS_ST:
    if (mode != EBPF_MODE_MEM)
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    *op = stk[size];
    return check_zero(st, pc, "src", src);
  case EBPF_CLASS_STX:
    if (mode == EBPF_MODE_MEM) {
      *op = stx[size];
      return check_zero(st, pc, "imm", in->imm);
    }
    if (mode != EBPF_MODE_ATOMIC ||
        (EBPF_SIZE(in->code) != EBPF_SIZE_W && EBPF_SIZE(in->code) != EBPF_SIZE_DW))
      return reject(st, pc, "unknown opcode 0x%02x", in->code);
    {
      bool w64 = EBPF_SIZE(in->code) == EBPF_SIZE_DW;
      uint16_t base = w64 ? V(AADD64) : V(AADD32);
      switch (in->imm) {
      case EBPF_ATOMIC_ADD:
        *op = base;
        break;
      case EBPF_ATOMIC_OR:
        *op = (uint16_t)(base + 1);
        break;
      case EBPF_ATOMIC_AND:
        *op = (uint16_t)(base + 2);
        break;
      case EBPF_ATOMIC_XOR:
        *op = (uint16_t)(base + 3);
        break;
      case EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH:
        *op = (uint16_t)(base + 4);
        break;
      case EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH:
        *op = (uint16_t)(base + 5);
        break;
      case EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH:
        *op = (uint16_t)(base + 6);
        break;
      case EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH:
        *op = (uint16_t)(base + 7);
        break;
      case EBPF_ATOMIC_XCHG:
        *op = (uint16_t)(base + 8);
        break;
      case EBPF_ATOMIC_CMPXCHG:
        *op = (uint16_t)(base + 9);
        break;
      default:
        return reject(st, pc, "unknown atomic operation 0x%x", (unsigned)in->imm);
      }
      /* fetch variants write the old value back into src */
      if ((in->imm & EBPF_ATOMIC_FETCH) && in->imm != EBPF_ATOMIC_CMPXCHG)
        return check_dst_writable(st, pc, src);
    }
    return 0;
  }
  return reject(st, pc, "unknown opcode 0x%02x", in->code);
}

/* Is TARGET a valid place to transfer control to from PC? */
static int
check_target(struct verify_state *st, size_t pc, int64_t target, const uint8_t *second_slot,
             const char *what)
{
  if (target < 0 || (uint64_t)target >= st->count)
    return reject(st, pc, "%s target %lld is outside the program (0-%zu)", what, (long long)target,
                  st->count - 1);
  if (second_slot[target])
    return reject(st, pc, "%s target %lld is the second slot of lddw", what, (long long)target);
  return 0;
}

int
ebpf_verify_ops(const struct ebpf_insn *insns, size_t count, const struct ebpf_helper *helpers,
                size_t nhelpers, uint16_t *ops, struct ebpf_error *err)
{
  struct verify_state st = { insns, count, err };
  int rc = 0;

  if (insns == NULL || count == 0)
    return ebpf_fail(err, EBPF_E_VERIFY, -1, "empty program");
  if (count > EBPF_MAX_INSNS)
    return ebpf_fail(err, EBPF_E_VERIFY, -1, "program has %zu instructions, more than %d", count,
                     EBPF_MAX_INSNS);

  uint8_t *second_slot = calloc(count, 1);
  if (second_slot == NULL)
    return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");

  /* Pass 1: the encoding of every instruction. */
  for (size_t pc = 0; pc < count && rc == 0; pc++) {
    const struct ebpf_insn *in = &insns[pc];
    uint16_t op = V(INVALID);
    unsigned dst = EBPF_INSN_DST(in), src = EBPF_INSN_SRC(in);

    if (dst >= EBPF_NREGS || src >= EBPF_NREGS) {
      rc = reject(&st, pc, "invalid register r%u", dst >= EBPF_NREGS ? dst : src);
      break;
    }
    switch (EBPF_CLASS(in->code)) {
    case EBPF_CLASS_ALU:
    case EBPF_CLASS_ALU64:
      rc = verify_alu(&st, pc, &op);
      break;
    case EBPF_CLASS_JMP:
    case EBPF_CLASS_JMP32:
      rc = verify_jmp(&st, pc, helpers, nhelpers, &op);
      break;
    case EBPF_CLASS_LD:
      if (in->code != EBPF_OP_LDDW) {
        if (EBPF_MODE(in->code) == EBPF_MODE_ABS || EBPF_MODE(in->code) == EBPF_MODE_IND)
          rc = reject(&st, pc, "legacy packet loads are not supported");
        else
          rc = reject(&st, pc, "unknown opcode 0x%02x", in->code);
        break;
      }
      if (src != 0) {
        rc = reject(&st, pc, "lddw with src %u (map or BTF pseudo load) is not supported", src);
        break;
      }
      if ((rc = check_zero(&st, pc, "offset", in->off)) || (rc = check_dst_writable(&st, pc, dst)))
        break;
      if (pc + 1 >= count) {
        rc = reject(&st, pc, "incomplete lddw: the second slot is missing");
        break;
      }
      if (insns[pc + 1].code != 0 || insns[pc + 1].regs != 0 || insns[pc + 1].off != 0) {
        rc = reject(&st, pc + 1, "second slot of lddw has non-zero opcode, registers or offset");
        break;
      }
      op = V(LDDW);
      second_slot[pc + 1] = 1;
      if (ops != NULL)
        ops[pc + 1] = V(LDDW_HI);
      if (ops != NULL)
        ops[pc] = op;
      pc++;
      continue;
    default:
      rc = verify_mem(&st, pc, &op);
      break;
    }
    if (rc == 0 && ops != NULL)
      ops[pc] = op;
  }

  /* Pass 2: control flow, now that every lddw second slot is known. */
  for (size_t pc = 0; pc < count && rc == 0; pc++) {
    const struct ebpf_insn *in = &insns[pc];
    uint8_t cls = EBPF_CLASS(in->code);

    if (second_slot[pc])
      continue;
    if (cls != EBPF_CLASS_JMP && cls != EBPF_CLASS_JMP32)
      continue;
    switch (EBPF_OP(in->code)) {
    case EBPF_JMP_EXIT:
      break;
    case EBPF_JMP_CALL:
      if (EBPF_INSN_SRC(in) == EBPF_CALL_LOCAL)
        rc = check_target(&st, pc, (int64_t)pc + 1 + in->imm, second_slot, "call");
      break;
    case EBPF_JMP_JA:
      rc = check_target(&st, pc, (int64_t)pc + 1 + (cls == EBPF_CLASS_JMP32 ? in->imm : in->off),
                        second_slot, "jump");
      break;
    default:
      rc = check_target(&st, pc, (int64_t)pc + 1 + in->off, second_slot, "jump");
    }
  }

  if (rc == 0) {
    const struct ebpf_insn *last = &insns[count - 1];
    if (second_slot[count - 1] ||
        !(last->code == EBPF_OP_EXIT || last->code == EBPF_OP_JA || last->code == EBPF_OP_JA32))
      rc = reject(&st, count - 1, "the last instruction is not exit or an unconditional jump");
  }
  free(second_slot);
  return rc;
}

int
ebpf_verify(const struct ebpf_insn *insns, size_t count, const struct ebpf_helper *helpers,
            size_t nhelpers, struct ebpf_error *err)
{
  return ebpf_verify_ops(insns, count, helpers, nhelpers, NULL, err);
}
