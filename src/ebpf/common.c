/* Error reporting and bytecode encoding shared by the eBPF library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

const char *
ebpf_strerror(int code)
{
  switch (code) {
  case EBPF_OK:
    return "success";
  case EBPF_E_INVAL:
    return "invalid argument";
  case EBPF_E_NOMEM:
    return "out of memory";
  case EBPF_E_VERIFY:
    return "rejected by the verifier";
  case EBPF_E_ACCESS:
    return "memory access outside the granted regions";
  case EBPF_E_BUDGET:
    return "instruction budget exhausted";
  case EBPF_E_DEPTH:
    return "call depth exceeded";
  case EBPF_E_HELPER:
    return "helper failed";
  case EBPF_E_SYNTAX:
    return "syntax error";
  case EBPF_E_ELF:
    return "bad ELF object";
  case EBPF_E_CBPF:
    return "classic filter rejected";
  case EBPF_E_UNSUPP:
    return "unsupported";
  }
  return "unknown error";
}

int
ebpf_vfail(struct ebpf_error *err, int code, long pc, const char *fmt, va_list ap)
{
  if (err != NULL) {
    err->code = code;
    err->has_pc = pc >= 0;
    err->pc = pc >= 0 ? (size_t)pc : 0;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    /* One-line messages: callers print them as `brig: ...: <why>`. */
    for (char *p = err->msg; *p != '\0'; p++)
      if (*p == '\n' || *p == '\r')
        *p = ' ';
  }
  return code;
}

int
ebpf_fail(struct ebpf_error *err, int code, long pc, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  ebpf_vfail(err, code, pc, fmt, ap);
  va_end(ap);
  return code;
}

long
ebpf_helper_index(const struct ebpf_helper *helpers, size_t nhelpers, uint32_t id)
{
  for (size_t i = 0; i < nhelpers; i++)
    if (helpers[i].id == id && helpers[i].fn != NULL)
      return (long)i;
  return -1;
}

uint64_t
ebpf_insn_word(const struct ebpf_insn *insn)
{
  return (uint64_t)insn->code | (uint64_t)insn->regs << 8 | (uint64_t)(uint16_t)insn->off << 16 |
         (uint64_t)(uint32_t)insn->imm << 32;
}

struct ebpf_insn
ebpf_insn_from_word(uint64_t word)
{
  struct ebpf_insn insn;

  insn.code = (uint8_t)word;
  insn.regs = (uint8_t)(word >> 8);
  /* Two's complement conversion without implementation-defined casts. */
  uint16_t off = (uint16_t)(word >> 16);
  uint32_t imm = (uint32_t)(word >> 32);
  memcpy(&insn.off, &off, sizeof off);
  memcpy(&insn.imm, &imm, sizeof imm);
  return insn;
}

int
ebpf_insns_from_bytes(const void *bytes, size_t len, struct ebpf_insn **out, size_t *count,
                      struct ebpf_error *err)
{
  const unsigned char *p = bytes;

  *out = NULL;
  *count = 0;
  if (len % 8 != 0)
    return ebpf_fail(err, EBPF_E_INVAL, -1, "bytecode size %zu is not a multiple of 8", len);
  size_t n = len / 8;
  struct ebpf_insn *insns = calloc(n ? n : 1, sizeof *insns);
  if (insns == NULL)
    return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  for (size_t i = 0; i < n; i++) {
    uint64_t w = 0;
    for (int b = 7; b >= 0; b--)
      w = w << 8 | p[i * 8 + (size_t)b];
    insns[i] = ebpf_insn_from_word(w);
  }
  *out = insns;
  *count = n;
  return EBPF_OK;
}

void
ebpf_insns_to_bytes(const struct ebpf_insn *insns, size_t count, void *bytes)
{
  unsigned char *p = bytes;

  for (size_t i = 0; i < count; i++) {
    uint64_t w = ebpf_insn_word(&insns[i]);
    for (int b = 0; b < 8; b++)
      p[i * 8 + (size_t)b] = (unsigned char)(w >> (8 * b));
  }
}
