/* Assembler for the text syntax of the bpf_conformance vectors.
 *
 *   mov32 %r0, 0            add %r1, %r2          neg %r3     be16 %r0
 *   ldxw %r0, [%r1+4]       stxdw [%r10-8], %r1   stb [%r10-1], 0x80
 *   lddw %r0, 0x1122334455667788
 *   lock add [%r10-8], %r1  lock fetch xor32 [%r1], %r2   lock cmpxchg [%r1], %r2
 *   jeq %r1, 0x2, +1        jne32 %r1, %r2, label   ja label   ja32 label
 *   call 5                  call local func         exit
 *   label:                  # comment
 *
 * 64-bit ALU mnemonics have no suffix (`add64` is accepted too), 32-bit ones
 * end in `32`.  Immediates are decimal (-2^31..2^31-1) or hex (up to
 * 0xffffffff, taken as the 32-bit pattern); lddw takes any 64-bit value.
 * A jump to the label `exit`, when no such label is defined, goes to the
 * program's last instruction (the conformance vectors rely on this).
 * Two passes: the first encodes and records label uses, the second
 * resolves them once every label's slot index is known. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

#define MAX_LINE 512

struct label {
  char *name;
  size_t slot;
};

struct fixup {
  char *name;
  size_t slot; /* the jump or call */
  size_t line;
  bool wide; /* distance goes in imm (ja32, call local), else in offset */
};

struct assembler {
  struct ebpf_insn *insns;
  size_t count, cap;
  struct label *labels;
  size_t nlabels, labels_cap;
  struct fixup *fixups;
  size_t nfixups, fixups_cap;
  size_t line;
  struct ebpf_error *err;
};

static int
syntax(struct assembler *as, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  ebpf_vfail(as->err, EBPF_E_SYNTAX, (long)as->line, fmt, ap);
  va_end(ap);
  return EBPF_E_SYNTAX;
}

static int
grow(void **array, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return 0;
  size_t ncap = *cap ? *cap * 2 : 64;
  while (ncap < need)
    ncap *= 2;
  void *p = realloc(*array, ncap * elem);
  if (p == NULL)
    return -1;
  *array = p;
  *cap = ncap;
  return 0;
}

static int
emit(struct assembler *as, struct ebpf_insn insn)
{
  if (as->count >= EBPF_MAX_INSNS + 1)
    return syntax(as, "program longer than %d instructions", EBPF_MAX_INSNS);
  if (grow((void **)&as->insns, &as->cap, as->count + 1, sizeof *as->insns) != 0)
    return ebpf_fail(as->err, EBPF_E_NOMEM, -1, "out of memory");
  as->insns[as->count++] = insn;
  return 0;
}

/* ---- tokens ---- */

static char *
trim(char *s)
{
  while (isspace((unsigned char)*s))
    s++;
  char *end = s + strlen(s);
  while (end > s && isspace((unsigned char)end[-1]))
    *--end = '\0';
  return s;
}

static bool
is_ident(const char *s)
{
  if (!(isalpha((unsigned char)*s) || *s == '_' || *s == '.'))
    return false;
  for (s++; *s; s++)
    if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '.'))
      return false;
  return true;
}

/* Signed integer with optional 0x; reports whether it was hex. */
static bool
parse_number(const char *s, bool *negative, uint64_t *magnitude, bool *hex)
{
  *negative = false;
  if (*s == '+' || *s == '-')
    *negative = *s++ == '-';
  *hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  if (!isxdigit((unsigned char)s[*hex ? 2 : 0]))
    return false;
  if (!*hex && !isdigit((unsigned char)*s))
    return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, *hex ? 16 : 10);
  if (errno != 0 || *end != '\0')
    return false;
  *magnitude = v;
  return true;
}

/* A 32-bit immediate: decimal in int32 range, or hex up to 0xffffffff. */
static int
parse_imm32(struct assembler *as, const char *s, int32_t *out)
{
  bool neg, hex;
  uint64_t mag;

  if (!parse_number(s, &neg, &mag, &hex))
    return syntax(as, "invalid immediate '%s'", s);
  if (hex ? mag > UINT32_MAX : mag > (neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX))
    return syntax(as, "immediate '%s' does not fit in 32 bits", s);
  uint32_t bits = (uint32_t)mag;
  if (neg)
    bits = -bits;
  memcpy(out, &bits, sizeof bits);
  return 0;
}

static int
parse_imm64(struct assembler *as, const char *s, uint64_t *out)
{
  bool neg, hex;
  uint64_t mag;

  if (!parse_number(s, &neg, &mag, &hex))
    return syntax(as, "invalid immediate '%s'", s);
  if (neg && mag > (uint64_t)INT64_MAX + 1)
    return syntax(as, "immediate '%s' does not fit in 64 bits", s);
  *out = neg ? -mag : mag;
  return 0;
}

static int
parse_off16(struct assembler *as, const char *s, int16_t *out)
{
  bool neg, hex;
  uint64_t mag;

  if (!parse_number(s, &neg, &mag, &hex))
    return syntax(as, "invalid offset '%s'", s);
  if (mag > (neg ? 32768u : 32767u))
    return syntax(as, "offset '%s' does not fit in 16 bits", s);
  *out = (int16_t)(neg ? -(int32_t)mag : (int32_t)mag);
  return 0;
}

static int
parse_reg(struct assembler *as, const char *s, unsigned *reg)
{
  const char *p = s;

  if (*p == '%')
    p++;
  if (*p != 'r' || !isdigit((unsigned char)p[1]))
    return syntax(as, "invalid register '%s'", s);
  char *end;
  unsigned long n = strtoul(p + 1, &end, 10);
  if (*end != '\0' || n > 10)
    return syntax(as, "invalid register '%s'", s);
  *reg = (unsigned)n;
  return 0;
}

static bool
looks_like_reg(const char *s)
{
  return s[0] == '%' || (s[0] == 'r' && isdigit((unsigned char)s[1]));
}

/* [%rN], [%rN+off], [%rN-off] */
static int
parse_mem(struct assembler *as, const char *s, unsigned *reg, int16_t *off)
{
  char buf[MAX_LINE];
  size_t len = strlen(s);

  if (len < 3 || s[0] != '[' || s[len - 1] != ']' || len - 2 >= sizeof buf)
    return syntax(as, "expected a memory operand [%%rN+offset], got '%s'", s);
  memcpy(buf, s + 1, len - 2);
  buf[len - 2] = '\0';
  char *inner = trim(buf);
  char *sign = strpbrk(inner, "+-");
  *off = 0;
  if (sign != NULL) {
    char num[64];
    snprintf(num, sizeof num, "%s", sign);
    *sign = '\0';
    char *n = num;
    /* allow spaces around the sign: "[%r1 + 4]" */
    char cleaned[64];
    size_t j = 0;
    for (; *n && j + 1 < sizeof cleaned; n++)
      if (!isspace((unsigned char)*n))
        cleaned[j++] = *n;
    cleaned[j] = '\0';
    int rc = parse_off16(as, cleaned, off);
    if (rc)
      return rc;
  }
  return parse_reg(as, trim(inner), reg);
}

/* Split "a, b, c" into at most MAX trimmed operands; returns the count. */
static int
split_operands(char *s, char **ops, int max)
{
  int n = 0;

  s = trim(s);
  if (*s == '\0')
    return 0;
  for (;;) {
    char *comma = strchr(s, ',');
    if (n == max)
      return max + 1;
    if (comma != NULL)
      *comma = '\0';
    ops[n++] = trim(s);
    if (comma == NULL)
      return n;
    s = comma + 1;
  }
}

/* ---- mnemonics ---- */

struct alu_name {
  const char *name;
  uint8_t op;
  int16_t off;
};

static const struct alu_name alu_names[] = {
  { "add", EBPF_ALU_ADD, 0 }, { "sub", EBPF_ALU_SUB, 0 },   { "mul", EBPF_ALU_MUL, 0 },
  { "div", EBPF_ALU_DIV, 0 }, { "sdiv", EBPF_ALU_DIV, 1 },  { "or", EBPF_ALU_OR, 0 },
  { "and", EBPF_ALU_AND, 0 }, { "lsh", EBPF_ALU_LSH, 0 },   { "rsh", EBPF_ALU_RSH, 0 },
  { "mod", EBPF_ALU_MOD, 0 }, { "smod", EBPF_ALU_MOD, 1 },  { "xor", EBPF_ALU_XOR, 0 },
  { "mov", EBPF_ALU_MOV, 0 }, { "arsh", EBPF_ALU_ARSH, 0 },
};

static const struct {
  const char *name;
  uint8_t op;
} jmp_names[] = {
  { "jeq", EBPF_JMP_JEQ },   { "jgt", EBPF_JMP_JGT },   { "jge", EBPF_JMP_JGE },
  { "jset", EBPF_JMP_JSET }, { "jne", EBPF_JMP_JNE },   { "jsgt", EBPF_JMP_JSGT },
  { "jsge", EBPF_JMP_JSGE }, { "jlt", EBPF_JMP_JLT },   { "jle", EBPF_JMP_JLE },
  { "jslt", EBPF_JMP_JSLT }, { "jsle", EBPF_JMP_JSLE },
};

static const struct {
  const char *name;
  int32_t op;
} atomic_names[] = {
  { "add", EBPF_ATOMIC_ADD }, { "or", EBPF_ATOMIC_OR },     { "and", EBPF_ATOMIC_AND },
  { "xor", EBPF_ATOMIC_XOR }, { "xchg", EBPF_ATOMIC_XCHG }, { "cmpxchg", EBPF_ATOMIC_CMPXCHG },
};

static const char size_letters[][3] = { "w", "h", "b", "dw" };

/* "ldxdw" with prefix "ldx" -> EBPF_SIZE_DW */
static bool
size_suffix(const char *mnemonic, const char *prefix, uint8_t *size)
{
  size_t n = strlen(prefix);

  if (strncmp(mnemonic, prefix, n) != 0)
    return false;
  for (unsigned i = 0; i < 4; i++)
    if (strcmp(mnemonic + n, size_letters[i]) == 0) {
      *size = (uint8_t)(i << 3);
      return true;
    }
  return false;
}

/* A jump target: +N / -N, or a label resolved in pass 2. */
static int
jump_target(struct assembler *as, const char *s, bool wide, int16_t *off, int32_t *imm)
{
  if (s[0] == '+' || s[0] == '-' || isdigit((unsigned char)s[0])) {
    if (wide)
      return parse_imm32(as, s, imm);
    return parse_off16(as, s, off);
  }
  if (!is_ident(s))
    return syntax(as, "invalid jump target '%s'", s);
  if (grow((void **)&as->fixups, &as->fixups_cap, as->nfixups + 1, sizeof *as->fixups) != 0)
    return ebpf_fail(as->err, EBPF_E_NOMEM, -1, "out of memory");
  char *name = strdup(s);
  if (name == NULL)
    return ebpf_fail(as->err, EBPF_E_NOMEM, -1, "out of memory");
  as->fixups[as->nfixups++] = (struct fixup){ name, as->count, as->line, wide };
  return 0;
}

static int
want_operands(struct assembler *as, const char *mnemonic, int got, int want)
{
  if (got != want)
    return syntax(as, "'%s' takes %d operand%s, got %d", mnemonic, want, want == 1 ? "" : "s", got);
  return 0;
}

static int
assemble_lock(struct assembler *as, char *rest)
{
  /* lock [fetch] op[32] [%rD+off], %rS */
  char *ops[3];
  char *words = rest;
  bool fetch = false;
  int rc;

  words = trim(words);
  if (strncmp(words, "fetch", 5) == 0 && isspace((unsigned char)words[5])) {
    fetch = true;
    words = trim(words + 5);
  }
  char *sp = words;
  while (*sp && !isspace((unsigned char)*sp))
    sp++;
  if (*sp == '\0')
    return syntax(as, "invalid number of operands for lock");
  *sp++ = '\0';
  char name[16];
  snprintf(name, sizeof name, "%s", words);
  bool is32 = false;
  size_t nl = strlen(name);
  if (nl > 2 && strcmp(name + nl - 2, "32") == 0) {
    is32 = true;
    name[nl - 2] = '\0';
  }
  int32_t op = -1;
  for (size_t i = 0; i < sizeof atomic_names / sizeof atomic_names[0]; i++)
    if (strcmp(name, atomic_names[i].name) == 0)
      op = atomic_names[i].op;
  if (op < 0)
    return syntax(as, "unknown atomic operation '%s'", words);
  if (fetch)
    op |= EBPF_ATOMIC_FETCH;
  if (split_operands(sp, ops, 2) != 2)
    return syntax(as, "invalid number of operands for lock");
  unsigned dst, src;
  int16_t off;
  if ((rc = parse_mem(as, ops[0], &dst, &off)) || (rc = parse_reg(as, ops[1], &src)))
    return rc;
  uint8_t code = EBPF_CLASS_STX | EBPF_MODE_ATOMIC | (is32 ? EBPF_SIZE_W : EBPF_SIZE_DW);
  return emit(as, ebpf_insn_make(code, dst, src, off, op));
}

static int
assemble_line(struct assembler *as, char *line)
{
  char *ops[4];
  char mnemonic[32];
  int rc;

  size_t mlen = strcspn(line, " \t");
  if (mlen >= sizeof mnemonic)
    return syntax(as, "unknown mnemonic '%.*s'", (int)(mlen > 40 ? 40 : mlen), line);
  memcpy(mnemonic, line, mlen);
  mnemonic[mlen] = '\0';
  char *rest = line + mlen;

  if (strcmp(mnemonic, ".word") == 0) { /* raw slot, as the disassembler prints undecodable ones */
    uint64_t word = 0;
    char *arg = trim(rest);
    if (*arg == '\0' || (rc = parse_imm64(as, arg, &word)))
      return *arg == '\0' ? syntax(as, "'.word' takes 1 operand") : rc;
    return emit(as, ebpf_insn_from_word(word));
  }
  if (strcmp(mnemonic, "lock") == 0)
    return assemble_lock(as, rest);

  if (strcmp(mnemonic, "call") == 0) {
    char *arg = trim(rest);
    if (strncmp(arg, "local", 5) == 0 && isspace((unsigned char)arg[5])) {
      int32_t imm = 0;
      int16_t unused;
      if ((rc = jump_target(as, trim(arg + 5), true, &unused, &imm)))
        return rc;
      return emit(as, ebpf_insn_make(EBPF_OP_CALL, 0, EBPF_CALL_LOCAL, 0, imm));
    }
    if (*arg == '\0' || strchr(arg, ',') != NULL)
      return syntax(as, "'call' takes 1 operand");
    if (looks_like_reg(arg)) { /* callx: register in dst */
      unsigned reg;
      if ((rc = parse_reg(as, arg, &reg)))
        return rc;
      return emit(as, ebpf_insn_make(EBPF_OP_CALL | EBPF_SRC_X, reg, 0, 0, 0));
    }
    int32_t id;
    if ((rc = parse_imm32(as, arg, &id)))
      return rc;
    return emit(as, ebpf_insn_make(EBPF_OP_CALL, 0, EBPF_CALL_HELPER, 0, id));
  }

  int n = split_operands(rest, ops, 3);

  if (strcmp(mnemonic, "exit") == 0) {
    if ((rc = want_operands(as, mnemonic, n, 0)))
      return rc;
    return emit(as, ebpf_insn_make(EBPF_OP_EXIT, 0, 0, 0, 0));
  }
  if (strcmp(mnemonic, "ja") == 0 || strcmp(mnemonic, "ja32") == 0 ||
      strcmp(mnemonic, "gotol") == 0) {
    bool wide = mnemonic[1] == 'a' ? mnemonic[2] != '\0' : true;
    int16_t off = 0;
    int32_t imm = 0;
    if ((rc = want_operands(as, mnemonic, n, 1)) ||
        (rc = jump_target(as, ops[0], wide, &off, &imm)))
      return rc;
    return emit(as, ebpf_insn_make(wide ? EBPF_OP_JA32 : EBPF_OP_JA, 0, 0, off, imm));
  }
  if (strcmp(mnemonic, "lddw") == 0) {
    unsigned dst;
    uint64_t v = 0;
    if ((rc = want_operands(as, mnemonic, n, 2)) || (rc = parse_reg(as, ops[0], &dst)) ||
        (rc = parse_imm64(as, ops[1], &v)))
      return rc;
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
    int32_t ilo, ihi;
    memcpy(&ilo, &lo, sizeof lo);
    memcpy(&ihi, &hi, sizeof hi);
    if ((rc = emit(as, ebpf_insn_make(EBPF_OP_LDDW, dst, 0, 0, ilo))))
      return rc;
    return emit(as, ebpf_insn_make(0, 0, 0, 0, ihi));
  }

  uint8_t size;
  if (size_suffix(mnemonic, "ldxs", &size) || size_suffix(mnemonic, "ldx", &size)) {
    bool sx = mnemonic[3] == 's';
    unsigned dst, src;
    int16_t off;
    if (sx && size == EBPF_SIZE_DW)
      return syntax(as, "unknown mnemonic '%s'", mnemonic);
    if ((rc = want_operands(as, mnemonic, n, 2)) || (rc = parse_reg(as, ops[0], &dst)) ||
        (rc = parse_mem(as, ops[1], &src, &off)))
      return rc;
    return emit(as, ebpf_insn_make(EBPF_CLASS_LDX | (sx ? EBPF_MODE_MEMSX : EBPF_MODE_MEM) | size,
                                   dst, src, off, 0));
  }
  if (size_suffix(mnemonic, "stx", &size)) {
    unsigned dst, src;
    int16_t off;
    if ((rc = want_operands(as, mnemonic, n, 2)) || (rc = parse_mem(as, ops[0], &dst, &off)) ||
        (rc = parse_reg(as, ops[1], &src)))
      return rc;
    return emit(as, ebpf_insn_make(EBPF_CLASS_STX | EBPF_MODE_MEM | size, dst, src, off, 0));
  }
  if (size_suffix(mnemonic, "st", &size)) {
    unsigned dst;
    int16_t off;
    int32_t imm;
    if ((rc = want_operands(as, mnemonic, n, 2)) || (rc = parse_mem(as, ops[0], &dst, &off)) ||
        (rc = parse_imm32(as, ops[1], &imm)))
      return rc;
    return emit(as, ebpf_insn_make(EBPF_CLASS_ST | EBPF_MODE_MEM | size, dst, 0, off, imm));
  }

  /* byte swaps: le16 %r0, be32 %r0, bswap64 %r0 (swap16 accepted as an alias) */
  {
    const char *width = NULL;
    uint8_t code = 0;
    if (strncmp(mnemonic, "le", 2) == 0) {
      width = mnemonic + 2;
      code = EBPF_CLASS_ALU | EBPF_ALU_END | EBPF_END_TO_LE;
    } else if (strncmp(mnemonic, "be", 2) == 0) {
      width = mnemonic + 2;
      code = EBPF_CLASS_ALU | EBPF_ALU_END | EBPF_END_TO_BE;
    } else if (strncmp(mnemonic, "bswap", 5) == 0 || strncmp(mnemonic, "swap", 4) == 0) {
      width = mnemonic + (mnemonic[0] == 'b' ? 5 : 4);
      code = EBPF_CLASS_ALU64 | EBPF_ALU_END;
    }
    if (width != NULL) {
      unsigned dst;
      if (strcmp(width, "16") && strcmp(width, "32") && strcmp(width, "64"))
        return syntax(as, "unknown mnemonic '%s'", mnemonic);
      if ((rc = want_operands(as, mnemonic, n, 1)) || (rc = parse_reg(as, ops[0], &dst)))
        return rc;
      return emit(as, ebpf_insn_make(code, dst, 0, 0, atoi(width)));
    }
  }

  /* conditional jumps: jeq[32] %rD, imm|%rS, target */
  for (size_t i = 0; i < sizeof jmp_names / sizeof jmp_names[0]; i++) {
    size_t len = strlen(jmp_names[i].name);
    if (strncmp(mnemonic, jmp_names[i].name, len) != 0 ||
        (mnemonic[len] != '\0' && strcmp(mnemonic + len, "32") != 0))
      continue;
    bool is32 = mnemonic[len] != '\0';
    unsigned dst, src = 0;
    int32_t imm = 0;
    int16_t off = 0;
    bool reg;
    if ((rc = want_operands(as, mnemonic, n, 3)) || (rc = parse_reg(as, ops[0], &dst)))
      return rc;
    reg = looks_like_reg(ops[1]);
    if ((rc = reg ? parse_reg(as, ops[1], &src) : parse_imm32(as, ops[1], &imm)))
      return rc;
    if ((rc = jump_target(as, ops[2], false, &off, &imm)))
      return rc;
    uint8_t code = (is32 ? EBPF_CLASS_JMP32 : EBPF_CLASS_JMP) | jmp_names[i].op |
                   (reg ? EBPF_SRC_X : EBPF_SRC_K);
    return emit(as, ebpf_insn_make(code, dst, src, off, imm));
  }

  /* sign-extending moves: movsx832 movsx1632 movsx864 movsx1664 movsx3264 */
  if (strncmp(mnemonic, "movsx", 5) == 0) {
    static const struct {
      const char *suffix;
      uint8_t cls;
      int16_t off;
    } forms[] = { { "832", EBPF_CLASS_ALU, 8 },
                  { "1632", EBPF_CLASS_ALU, 16 },
                  { "864", EBPF_CLASS_ALU64, 8 },
                  { "1664", EBPF_CLASS_ALU64, 16 },
                  { "3264", EBPF_CLASS_ALU64, 32 } };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
      if (strcmp(mnemonic + 5, forms[i].suffix) != 0)
        continue;
      unsigned dst, src;
      if ((rc = want_operands(as, mnemonic, n, 2)) || (rc = parse_reg(as, ops[0], &dst)) ||
          (rc = parse_reg(as, ops[1], &src)))
        return rc;
      return emit(
          as, ebpf_insn_make(forms[i].cls | EBPF_ALU_MOV | EBPF_SRC_X, dst, src, forms[i].off, 0));
    }
    return syntax(as, "unknown mnemonic '%s'", mnemonic);
  }

  /* neg, neg32, neg64 */
  if (strcmp(mnemonic, "neg") == 0 || strcmp(mnemonic, "neg64") == 0 ||
      strcmp(mnemonic, "neg32") == 0) {
    unsigned dst;
    if ((rc = want_operands(as, mnemonic, n, 1)) || (rc = parse_reg(as, ops[0], &dst)))
      return rc;
    uint8_t cls = mnemonic[3] == '3' ? EBPF_CLASS_ALU : EBPF_CLASS_ALU64;
    return emit(as, ebpf_insn_make(cls | EBPF_ALU_NEG, dst, 0, 0, 0));
  }

  /* two-operand ALU: add %rD, imm|%rS (add32, add64) */
  for (size_t i = 0; i < sizeof alu_names / sizeof alu_names[0]; i++) {
    size_t len = strlen(alu_names[i].name);
    if (strncmp(mnemonic, alu_names[i].name, len) != 0)
      continue;
    const char *suffix = mnemonic + len;
    uint8_t cls;
    if (*suffix == '\0' || strcmp(suffix, "64") == 0)
      cls = EBPF_CLASS_ALU64;
    else if (strcmp(suffix, "32") == 0)
      cls = EBPF_CLASS_ALU;
    else
      continue;
    unsigned dst, src = 0;
    int32_t imm = 0;
    if ((rc = want_operands(as, mnemonic, n, 2)) || (rc = parse_reg(as, ops[0], &dst)))
      return rc;
    bool reg = looks_like_reg(ops[1]);
    if ((rc = reg ? parse_reg(as, ops[1], &src) : parse_imm32(as, ops[1], &imm)))
      return rc;
    return emit(as, ebpf_insn_make(cls | alu_names[i].op | (reg ? EBPF_SRC_X : EBPF_SRC_K), dst,
                                   src, alu_names[i].off, imm));
  }
  return syntax(as, "unknown mnemonic '%s'", mnemonic);
}

static int
add_label(struct assembler *as, const char *name)
{
  for (size_t i = 0; i < as->nlabels; i++)
    if (strcmp(as->labels[i].name, name) == 0)
      return syntax(as, "label '%s' defined twice", name);
  if (grow((void **)&as->labels, &as->labels_cap, as->nlabels + 1, sizeof *as->labels) != 0)
    return ebpf_fail(as->err, EBPF_E_NOMEM, -1, "out of memory");
  char *copy = strdup(name);
  if (copy == NULL)
    return ebpf_fail(as->err, EBPF_E_NOMEM, -1, "out of memory");
  as->labels[as->nlabels++] = (struct label){ copy, as->count };
  return 0;
}

static int
resolve_fixups(struct assembler *as)
{
  for (size_t i = 0; i < as->nfixups; i++) {
    struct fixup *f = &as->fixups[i];
    long target = -1;
    for (size_t j = 0; j < as->nlabels; j++)
      if (strcmp(as->labels[j].name, f->name) == 0)
        target = (long)as->labels[j].slot;
    if (target < 0 && strcmp(f->name, "exit") == 0 && as->count > 0 &&
        as->insns[as->count - 1].code == EBPF_OP_EXIT)
      target = (long)as->count - 1;
    as->line = f->line;
    if (target < 0)
      return syntax(as, "undefined label '%s'", f->name);
    long distance = target - (long)f->slot - 1;
    struct ebpf_insn *in = &as->insns[f->slot];
    if (f->wide) {
      in->imm = (int32_t)distance;
    } else {
      if (distance < INT16_MIN || distance > INT16_MAX)
        return syntax(as, "label '%s' is too far for a 16-bit offset (use ja32)", f->name);
      in->off = (int16_t)distance;
    }
  }
  return 0;
}

int
ebpf_asm(const char *text, struct ebpf_insn **out, size_t *count, struct ebpf_error *err)
{
  struct assembler as = { .err = err };
  int rc = 0;

  *out = NULL;
  *count = 0;
  if (text == NULL)
    return ebpf_fail(err, EBPF_E_INVAL, -1, "no text");
  for (const char *p = text; *p != '\0' && rc == 0;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char buf[MAX_LINE];
    as.line++;
    if (len >= sizeof buf) {
      rc = syntax(&as, "line longer than %d characters", MAX_LINE - 1);
      break;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    p += len + (nl != NULL);

    char *hash = strchr(buf, '#');
    if (hash != NULL)
      *hash = '\0';
    char *line = trim(buf);
    if (*line == '\0')
      continue;
    size_t ll = strlen(line);
    if (line[ll - 1] == ':') {
      line[ll - 1] = '\0';
      char *name = trim(line);
      if (!is_ident(name))
        rc = syntax(&as, "invalid label '%s'", name);
      else
        rc = add_label(&as, name);
      continue;
    }
    rc = assemble_line(&as, line);
  }
  if (rc == 0)
    rc = resolve_fixups(&as);

  for (size_t i = 0; i < as.nlabels; i++)
    free(as.labels[i].name);
  for (size_t i = 0; i < as.nfixups; i++)
    free(as.fixups[i].name);
  free(as.labels);
  free(as.fixups);
  if (rc != 0) {
    free(as.insns);
    return rc;
  }
  *out = as.insns;
  *count = as.count;
  return 0;
}
