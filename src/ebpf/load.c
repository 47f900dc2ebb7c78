/* Loading: verify, then decode once into the interpreter's form.
 *
 * Decoding resolves everything that does not depend on run-time values,
 * so the handlers in vm.c stay branch-free where RFC 9669 allows:
 * immediate shift amounts are masked, immediate division and modulo by 0
 * or by -1 become the moves or negations RFC 9669 defines for them,
 * stack accesses through r10 with an in-frame constant offset skip the
 * region lookup, and jump distances and helper indexes are stored
 * directly. */
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

#define V(op) EBPF_VOP_##op

/* Operation with the r10 fast path for a memory access of SIZE bytes at
 * r10+OFF, or OP itself when the access may leave the current frame. */
static uint16_t
stack_variant(uint16_t op, unsigned base, int16_t off)
{
  static const struct {
    uint16_t op, fp_op;
    uint8_t size;
  } map[] = {
    { V(LDXB), V(FP_LDXB), 1 },   { V(LDXH), V(FP_LDXH), 2 },   { V(LDXW), V(FP_LDXW), 4 },
    { V(LDXDW), V(FP_LDXDW), 8 }, { V(LDXSB), V(FP_LDXSB), 1 }, { V(LDXSH), V(FP_LDXSH), 2 },
    { V(LDXSW), V(FP_LDXSW), 4 }, { V(STB), V(FP_STB), 1 },     { V(STH), V(FP_STH), 2 },
    { V(STW), V(FP_STW), 4 },     { V(STDW), V(FP_STDW), 8 },   { V(STXB), V(FP_STXB), 1 },
    { V(STXH), V(FP_STXH), 2 },   { V(STXW), V(FP_STXW), 4 },   { V(STXDW), V(FP_STXDW), 8 },
  };
  if (base != EBPF_REG_FP)
    return op;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (map[i].op == op)
      return off >= -EBPF_STACK_SIZE && off + map[i].size <= 0 ? map[i].fp_op : op;
  return op;
}

static void
decode(const struct ebpf_insn *in, uint16_t op, const struct ebpf_helper *helpers, size_t nhelpers,
       struct ebpf_dinsn *out, uint16_t *final_op)
{
  out->dst = (uint8_t)EBPF_INSN_DST(in);
  out->src = (uint8_t)EBPF_INSN_SRC(in);
  out->off = in->off;
  out->imm = in->imm;

  switch (op) {
  case V(LSH64_K):
  case V(RSH64_K):
  case V(ARSH64_K):
    out->imm &= 63;
    break;
  case V(LSH32_K):
  case V(RSH32_K):
  case V(ARSH32_K):
    out->imm &= 31;
    break;
  case V(DIV64_K):
  case V(SDIV64_K):
  case V(DIV32_K):
  case V(SDIV32_K): {
    bool is64 = op == V(DIV64_K) || op == V(SDIV64_K);
    bool is_signed = op == V(SDIV64_K) || op == V(SDIV32_K);
    if (in->imm == 0) { /* x / 0 = 0 */
      op = is64 ? V(MOV64_K) : V(MOV32_K);
      out->imm = 0;
    } else if (is_signed && in->imm == -1) { /* x / -1 = -x, wrapping */
      op = is64 ? V(NEG64) : V(NEG32);
    }
    break;
  }
  case V(MOD64_K):
  case V(SMOD64_K):
  case V(MOD32_K):
  case V(SMOD32_K): {
    bool is64 = op == V(MOD64_K) || op == V(SMOD64_K);
    bool is_signed = op == V(SMOD64_K) || op == V(SMOD32_K);
    if (in->imm == 0) { /* x % 0 = x (truncated to 32 bits for ALU) */
      op = is64 ? V(NOP) : V(MOV32_X);
      out->src = out->dst;
    } else if (is_signed && in->imm == -1) { /* x % -1 = 0 */
      op = is64 ? V(MOV64_K) : V(MOV32_K);
      out->imm = 0;
    }
    break;
  }
  case V(LDXB):
  case V(LDXH):
  case V(LDXW):
  case V(LDXDW):
  case V(LDXSB):
  case V(LDXSH):
  case V(LDXSW):
    op = stack_variant(op, out->src, in->off);
    break;
  case V(STB):
  case V(STH):
  case V(STW):
  case V(STDW):
  case V(STXB):
  case V(STXH):
  case V(STXW):
  case V(STXDW):
    op = stack_variant(op, out->dst, in->off);
    break;
  case V(JA):
    /* gotol (JMP32) carries the distance in imm, ja (JMP) in offset */
    out->imm = EBPF_CLASS(in->code) == EBPF_CLASS_JMP32 ? in->imm : in->off;
    break;
  case V(CALL_HELPER):
    out->imm = (int32_t)ebpf_helper_index(helpers, nhelpers, (uint32_t)in->imm);
    break;
  default:
    break;
  }
  *final_op = op;
}

int
ebpf_load(struct ebpf_prog **out, const struct ebpf_insn *insns, size_t count,
          const struct ebpf_helper *helpers, size_t nhelpers, struct ebpf_error *err)
{
  struct ebpf_prog *prog = NULL;
  uint16_t *ops = NULL;
  int rc;

  if (out == NULL)
    return ebpf_fail(err, EBPF_E_INVAL, -1, "no output");
  *out = NULL;
  if (nhelpers > 0 && helpers == NULL)
    return ebpf_fail(err, EBPF_E_INVAL, -1, "helper table missing");
  if (count > 0 && count <= EBPF_MAX_INSNS) {
    ops = calloc(count, sizeof *ops);
    if (ops == NULL)
      return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  }
  rc = ebpf_verify_ops(insns, count, helpers, nhelpers, ops, err);
  if (rc != EBPF_OK)
    goto fail;

  rc = ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  prog = calloc(1, sizeof *prog);
  if (prog == NULL)
    goto fail;
  prog->len = count;
  prog->insns = malloc(count * sizeof *prog->insns);
  prog->code = calloc(count, sizeof *prog->code);
  prog->helpers = calloc(nhelpers ? nhelpers : 1, sizeof *prog->helpers);
  if (prog->insns == NULL || prog->code == NULL || prog->helpers == NULL)
    goto fail;
  memcpy(prog->insns, insns, count * sizeof *insns);
  if (nhelpers > 0)
    memcpy(prog->helpers, helpers, nhelpers * sizeof *helpers);
  prog->nhelpers = nhelpers;

  const void *const *handlers = ebpf_vm_handlers();
  for (size_t pc = 0; pc < count; pc++) {
    uint16_t op = ops[pc];
    if (op == V(LDDW_HI)) {
      /* second slot: keeps its imm (the high word) for op_LDDW */
      prog->code[pc].imm = insns[pc].imm;
    } else {
      decode(&insns[pc], ops[pc], helpers, nhelpers, &prog->code[pc], &op);
    }
    prog->code[pc].handler = handlers[op];
  }
  free(ops);
  if (err != NULL)
    memset(err, 0, sizeof *err);
  *out = prog;
  return EBPF_OK;

fail:
  free(ops);
  ebpf_prog_free(prog);
  return rc;
}

void
ebpf_prog_free(struct ebpf_prog *prog)
{
  if (prog == NULL)
    return;
  free(prog->insns);
  free(prog->code);
  free(prog->helpers);
  free(prog);
}

size_t
ebpf_prog_len(const struct ebpf_prog *prog)
{
  return prog ? prog->len : 0;
}

const struct ebpf_insn *
ebpf_prog_insns(const struct ebpf_prog *prog)
{
  return prog ? prog->insns : NULL;
}
