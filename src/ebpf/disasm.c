/* Disassembler: bytecode back to the assembler's syntax (asm.c), so that
 * assemble(disassemble(p)) == p for every decodable program.  Jumps print
 * as relative distances (`+3`), not labels; a slot that is not a known
 * instruction prints as `.word 0x...`, which the assembler also accepts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

static const char *const alu_mnemonics[16] = {
  [EBPF_ALU_ADD >> 4] = "add",   [EBPF_ALU_SUB >> 4] = "sub", [EBPF_ALU_MUL >> 4] = "mul",
  [EBPF_ALU_DIV >> 4] = "div",   [EBPF_ALU_OR >> 4] = "or",   [EBPF_ALU_AND >> 4] = "and",
  [EBPF_ALU_LSH >> 4] = "lsh",   [EBPF_ALU_RSH >> 4] = "rsh", [EBPF_ALU_NEG >> 4] = "neg",
  [EBPF_ALU_MOD >> 4] = "mod",   [EBPF_ALU_XOR >> 4] = "xor", [EBPF_ALU_MOV >> 4] = "mov",
  [EBPF_ALU_ARSH >> 4] = "arsh",
};

static const char *const jmp_mnemonics[16] = {
  [EBPF_JMP_JEQ >> 4] = "jeq",   [EBPF_JMP_JGT >> 4] = "jgt",   [EBPF_JMP_JGE >> 4] = "jge",
  [EBPF_JMP_JSET >> 4] = "jset", [EBPF_JMP_JNE >> 4] = "jne",   [EBPF_JMP_JSGT >> 4] = "jsgt",
  [EBPF_JMP_JSGE >> 4] = "jsge", [EBPF_JMP_JLT >> 4] = "jlt",   [EBPF_JMP_JLE >> 4] = "jle",
  [EBPF_JMP_JSLT >> 4] = "jslt", [EBPF_JMP_JSLE >> 4] = "jsle",
};

static const char *const size_names[4] = { "w", "h", "b", "dw" };

/* Small values in decimal, the rest as the 32-bit hex pattern. */
static void
format_imm(char *buf, size_t size, int32_t imm)
{
  if (imm >= -65536 && imm <= 65535)
    snprintf(buf, size, "%" PRId32, imm);
  else
    snprintf(buf, size, "0x%" PRIx32, (uint32_t)imm);
}

static void
format_mem(char *buf, size_t size, unsigned reg, int16_t off)
{
  if (off == 0)
    snprintf(buf, size, "[%%r%u]", reg);
  else
    snprintf(buf, size, "[%%r%u%+d]", reg, off);
}

static size_t
word(const struct ebpf_insn *in, char *buf, size_t size)
{
  snprintf(buf, size, ".word 0x%016" PRIx64, ebpf_insn_word(in));
  return 0;
}

static size_t
disasm_alu(const struct ebpf_insn *in, char *buf, size_t size)
{
  bool is64 = EBPF_CLASS(in->code) == EBPF_CLASS_ALU64;
  bool reg = EBPF_SRC(in->code) == EBPF_SRC_X;
  unsigned op = EBPF_OP(in->code), dst = EBPF_INSN_DST(in), src = EBPF_INSN_SRC(in);
  const char *suffix = is64 ? "" : "32";
  char imm[24];

  if (op == EBPF_ALU_END) {
    const char *name = is64 ? "bswap" : reg ? "be" : "le";
    if (src != 0 || in->off != 0 || (is64 && reg) ||
        (in->imm != 16 && in->imm != 32 && in->imm != 64))
      return word(in, buf, size);
    snprintf(buf, size, "%s%" PRId32 " %%r%u", name, in->imm, dst);
    return 1;
  }
  if (op == EBPF_ALU_NEG) {
    if (reg || src != 0 || in->off != 0 || in->imm != 0)
      return word(in, buf, size);
    snprintf(buf, size, "neg%s %%r%u", suffix, dst);
    return 1;
  }
  if (alu_mnemonics[op >> 4] == NULL)
    return word(in, buf, size);
  const char *name = alu_mnemonics[op >> 4];
  char movsx[16];
  if (op == EBPF_ALU_DIV || op == EBPF_ALU_MOD) {
    if (in->off == 1)
      name = op == EBPF_ALU_DIV ? "sdiv" : "smod";
    else if (in->off != 0)
      return word(in, buf, size);
  } else if (op == EBPF_ALU_MOV && in->off != 0) {
    if (!reg || !(in->off == 8 || in->off == 16 || (is64 && in->off == 32)) || in->imm != 0)
      return word(in, buf, size);
    snprintf(movsx, sizeof movsx, "movsx%d%s", in->off, is64 ? "64" : "32");
    snprintf(buf, size, "%s %%r%u, %%r%u", movsx, dst, src);
    return 1;
  } else if (in->off != 0) {
    return word(in, buf, size);
  }
  if (reg) {
    if (in->imm != 0)
      return word(in, buf, size);
    snprintf(buf, size, "%s%s %%r%u, %%r%u", name, suffix, dst, src);
  } else {
    if (src != 0)
      return word(in, buf, size);
    format_imm(imm, sizeof imm, in->imm);
    snprintf(buf, size, "%s%s %%r%u, %s", name, suffix, dst, imm);
  }
  return 1;
}

static size_t
disasm_jmp(const struct ebpf_insn *in, char *buf, size_t size)
{
  bool is32 = EBPF_CLASS(in->code) == EBPF_CLASS_JMP32;
  bool reg = EBPF_SRC(in->code) == EBPF_SRC_X;
  unsigned op = EBPF_OP(in->code), dst = EBPF_INSN_DST(in), src = EBPF_INSN_SRC(in);
  char imm[24];

  switch (op) {
  case EBPF_JMP_JA:
    if (reg || dst || src || (is32 ? in->off != 0 : in->imm != 0))
      return word(in, buf, size);
    if (is32)
      snprintf(buf, size, "ja32 %+" PRId32, in->imm);
    else
      snprintf(buf, size, "ja %+d", in->off);
    return 1;
  case EBPF_JMP_CALL:
    if (is32 || in->off != 0)
      return word(in, buf, size);
    if (reg) {
      if (src || in->imm)
        return word(in, buf, size);
      snprintf(buf, size, "call %%r%u", dst);
    } else if (dst != 0) {
      return word(in, buf, size);
    } else if (src == EBPF_CALL_LOCAL) {
      snprintf(buf, size, "call local %+" PRId32, in->imm);
    } else if (src == EBPF_CALL_HELPER) {
      snprintf(buf, size, "call %" PRId32, in->imm);
    } else {
      return word(in, buf, size);
    }
    return 1;
  case EBPF_JMP_EXIT:
    if (is32 || reg || dst || src || in->off || in->imm)
      return word(in, buf, size);
    snprintf(buf, size, "exit");
    return 1;
  }
  if (jmp_mnemonics[op >> 4] == NULL)
    return word(in, buf, size);
  const char *suffix = is32 ? "32" : "";
  if (reg) {
    if (in->imm != 0)
      return word(in, buf, size);
    snprintf(buf, size, "%s%s %%r%u, %%r%u, %+d", jmp_mnemonics[op >> 4], suffix, dst, src,
             in->off);
  } else {
    if (src != 0)
      return word(in, buf, size);
    format_imm(imm, sizeof imm, in->imm);
    snprintf(buf, size, "%s%s %%r%u, %s, %+d", jmp_mnemonics[op >> 4], suffix, dst, imm, in->off);
  }
  return 1;
}

static size_t
disasm_atomic(const struct ebpf_insn *in, char *buf, size_t size)
{
  static const struct {
    int32_t imm;
    const char *name;
  } names[] = {
    { EBPF_ATOMIC_ADD, "add" },
    { EBPF_ATOMIC_OR, "or" },
    { EBPF_ATOMIC_AND, "and" },
    { EBPF_ATOMIC_XOR, "xor" },
    { EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH, "fetch add" },
    { EBPF_ATOMIC_OR | EBPF_ATOMIC_FETCH, "fetch or" },
    { EBPF_ATOMIC_AND | EBPF_ATOMIC_FETCH, "fetch and" },
    { EBPF_ATOMIC_XOR | EBPF_ATOMIC_FETCH, "fetch xor" },
    { EBPF_ATOMIC_XCHG, "xchg" },
    { EBPF_ATOMIC_CMPXCHG, "cmpxchg" },
  };
  unsigned sz = EBPF_SIZE(in->code);
  char mem[32];

  if (sz != EBPF_SIZE_W && sz != EBPF_SIZE_DW)
    return word(in, buf, size);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (names[i].imm != in->imm)
      continue;
    format_mem(mem, sizeof mem, EBPF_INSN_DST(in), in->off);
    snprintf(buf, size, "lock %s%s %s, %%r%u", names[i].name, sz == EBPF_SIZE_W ? "32" : "", mem,
             EBPF_INSN_SRC(in));
    return 1;
  }
  return word(in, buf, size);
}

size_t
ebpf_disasm_insn(const struct ebpf_insn *insns, size_t remaining, char *buf, size_t size)
{
  const struct ebpf_insn *in = insns;
  unsigned dst = EBPF_INSN_DST(in), src = EBPF_INSN_SRC(in);
  unsigned sz = EBPF_SIZE(in->code) >> 3, mode = EBPF_MODE(in->code);
  char mem[32], imm[24];

  if (remaining == 0 || size == 0)
    return 0;
  switch (EBPF_CLASS(in->code)) {
  case EBPF_CLASS_ALU:
  case EBPF_CLASS_ALU64:
    return disasm_alu(in, buf, size);
  case EBPF_CLASS_JMP:
  case EBPF_CLASS_JMP32:
    return disasm_jmp(in, buf, size);
  case EBPF_CLASS_LD:
    if (in->code != EBPF_OP_LDDW || src != 0 || in->off != 0 || remaining < 2 ||
        insns[1].code != 0 || insns[1].regs != 0 || insns[1].off != 0)
      return word(in, buf, size);
    snprintf(buf, size, "lddw %%r%u, 0x%" PRIx64, dst,
             (uint64_t)(uint32_t)insns[0].imm | (uint64_t)(uint32_t)insns[1].imm << 32);
    return 2;
  case EBPF_CLASS_LDX:
    if ((mode != EBPF_MODE_MEM && mode != EBPF_MODE_MEMSX) || in->imm != 0 ||
        (mode == EBPF_MODE_MEMSX && sz == 3))
      return word(in, buf, size);
    format_mem(mem, sizeof mem, src, in->off);
    snprintf(buf, size, "ldx%s%s %%r%u, %s", mode == EBPF_MODE_MEMSX ? "s" : "", size_names[sz],
             dst, mem);
    return 1;
  case EBPF_CLASS_ST:
    if (mode != EBPF_MODE_MEM || src != 0)
      return word(in, buf, size);
    format_mem(mem, sizeof mem, dst, in->off);
    format_imm(imm, sizeof imm, in->imm);
    snprintf(buf, size, "st%s %s, %s", size_names[sz], mem, imm);
    return 1;
  case EBPF_CLASS_STX:
    if (mode == EBPF_MODE_ATOMIC)
      return disasm_atomic(in, buf, size);
    if (mode != EBPF_MODE_MEM || in->imm != 0)
      return word(in, buf, size);
    format_mem(mem, sizeof mem, dst, in->off);
    snprintf(buf, size, "stx%s %s, %%r%u", size_names[sz], mem, src);
    return 1;
  }
  return word(in, buf, size);
}

char *
ebpf_disasm(const struct ebpf_insn *insns, size_t count)
{
  size_t cap = count * 48 + 1, len = 0;
  char *out = malloc(cap);
  char line[128];

  if (out == NULL)
    return NULL;
  out[0] = '\0';
  for (size_t i = 0; i < count;) {
    size_t n = ebpf_disasm_insn(&insns[i], count - i, line, sizeof line);
    size_t l = strlen(line);
    if (len + l + 2 > cap) {
      cap = (len + l + 2) * 2;
      char *p = realloc(out, cap);
      if (p == NULL) {
        free(out);
        return NULL;
      }
      out = p;
    }
    memcpy(out + len, line, l);
    len += l;
    out[len++] = '\n';
    out[len] = '\0';
    i += n ? n : 1;
  }
  return out;
}
