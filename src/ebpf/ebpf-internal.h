/* Internal interfaces shared by the files of the eBPF library. */
#ifndef BRIG_EBPF_INTERNAL_H
#define BRIG_EBPF_INTERNAL_H

#include <stdarg.h>

#include "ebpf.h"

/* The operations the interpreter implements, one handler each.  The
 * verifier maps every accepted opcode to one of these; the decoder then
 * specialises (immediate division by zero, stack accesses with a constant
 * in-frame offset) without a second look at the encoding. */
#define EBPF_VM_ALU_OPS(X, W) \
  X(ADD##W##_K)               \
  X(ADD##W##_X)               \
  X(SUB##W##_K)               \
  X(SUB##W##_X)               \
  X(MUL##W##_K)               \
  X(MUL##W##_X)               \
  X(DIV##W##_K)               \
  X(DIV##W##_X)               \
  X(SDIV##W##_K)              \
  X(SDIV##W##_X)              \
  X(MOD##W##_K)               \
  X(MOD##W##_X)               \
  X(SMOD##W##_K)              \
  X(SMOD##W##_X)              \
  X(OR##W##_K)                \
  X(OR##W##_X)                \
  X(AND##W##_K)               \
  X(AND##W##_X)               \
  X(XOR##W##_K)               \
  X(XOR##W##_X)               \
  X(LSH##W##_K)               \
  X(LSH##W##_X)               \
  X(RSH##W##_K)               \
  X(RSH##W##_X)               \
  X(ARSH##W##_K)              \
  X(ARSH##W##_X)              \
  X(MOV##W##_K)               \
  X(MOV##W##_X)               \
  X(MOVSX##W##_8)             \
  X(MOVSX##W##_16)            \
  X(NEG##W)

#define EBPF_VM_JMP_OPS(X, W) \
  X(JEQ##W##_K)               \
  X(JEQ##W##_X)               \
  X(JNE##W##_K)               \
  X(JNE##W##_X)               \
  X(JGT##W##_K)               \
  X(JGT##W##_X)               \
  X(JGE##W##_K)               \
  X(JGE##W##_X)               \
  X(JLT##W##_K)               \
  X(JLT##W##_X)               \
  X(JLE##W##_K)               \
  X(JLE##W##_X)               \
  X(JSET##W##_K)              \
  X(JSET##W##_X)              \
  X(JSGT##W##_K)              \
  X(JSGT##W##_X)              \
  X(JSGE##W##_K)              \
  X(JSGE##W##_X)              \
  X(JSLT##W##_K)              \
  X(JSLT##W##_X)              \
  X(JSLE##W##_K)              \
  X(JSLE##W##_X)

#define EBPF_VM_ATOMIC_OPS(X, W) \
  X(AADD##W)                     \
  X(AOR##W)                      \
  X(AAND##W)                     \
  X(AXOR##W)                     \
  X(AFADD##W)                    \
  X(AFOR##W)                     \
  X(AFAND##W)                    \
  X(AFXOR##W)                    \
  X(AXCHG##W)                    \
  X(ACMPXCHG##W)

#define EBPF_VM_OPS(X)      \
  X(INVALID)                \
  EBPF_VM_ALU_OPS(X, 64)    \
  X(MOVSX64_32)             \
  EBPF_VM_ALU_OPS(X, 32)    \
  X(ZEXT16)                 \
  X(ZEXT32)                 \
  X(NOP)                    \
  X(BSWAP16)                \
  X(BSWAP32)                \
  X(BSWAP64)                \
  X(LDDW)                   \
  X(LDDW_HI)                \
  X(LDXB)                   \
  X(LDXH)                   \
  X(LDXW)                   \
  X(LDXDW)                  \
  X(LDXSB)                  \
  X(LDXSH)                  \
  X(LDXSW)                  \
  X(STB)                    \
  X(STH)                    \
  X(STW)                    \
  X(STDW)                   \
  X(STXB)                   \
  X(STXH)                   \
  X(STXW)                   \
  X(STXDW)                  \
  X(FP_LDXB)                \
  X(FP_LDXH)                \
  X(FP_LDXW)                \
  X(FP_LDXDW)               \
  X(FP_LDXSB)               \
  X(FP_LDXSH)               \
  X(FP_LDXSW)               \
  X(FP_STB)                 \
  X(FP_STH)                 \
  X(FP_STW)                 \
  X(FP_STDW)                \
  X(FP_STXB)                \
  X(FP_STXH)                \
  X(FP_STXW)                \
  X(FP_STXDW)               \
  EBPF_VM_ATOMIC_OPS(X, 32) \
  EBPF_VM_ATOMIC_OPS(X, 64) \
  X(JA)                     \
  EBPF_VM_JMP_OPS(X, 64)    \
  EBPF_VM_JMP_OPS(X, 32)    \
  X(CALL_HELPER)            \
  X(CALL_LOCAL)             \
  X(EXIT)

#define EBPF_VM_ENUM(name) EBPF_VOP_##name,
enum ebpf_vop { EBPF_VM_OPS(EBPF_VM_ENUM) EBPF_VOP_COUNT };
#undef EBPF_VM_ENUM

/* Pre-decoded instruction: the handler address for threaded dispatch and
 * the operands, with jump distances and helper indexes resolved. */
struct ebpf_dinsn {
  const void *handler;
  uint8_t dst;
  uint8_t src;
  int16_t off; /* memory offset, or conditional jump distance */
  int32_t imm; /* immediate, JA/CALL_LOCAL distance, or helper index */
};

struct ebpf_prog {
  size_t len;
  struct ebpf_insn *insns; /* as loaded, for disassembly and error messages */
  struct ebpf_dinsn *code; /* len entries */
  struct ebpf_helper *helpers;
  size_t nhelpers;
};

/* Linear verification; fills ops[i] (when ops is not NULL) with the
 * interpreter operation of slot i. */
int ebpf_verify_ops(const struct ebpf_insn *insns, size_t count, const struct ebpf_helper *helpers,
                    size_t nhelpers, uint16_t *ops, struct ebpf_error *err);

/* Fill ERR (may be NULL); returns CODE so callers can `return ebpf_fail(...)`. */
__attribute__((format(printf, 4, 5))) int ebpf_fail(struct ebpf_error *err, int code, long pc,
                                                    const char *fmt, ...);
int ebpf_vfail(struct ebpf_error *err, int code, long pc, const char *fmt, va_list ap);

/* Index of helper ID in the table, or -1. */
long ebpf_helper_index(const struct ebpf_helper *helpers, size_t nhelpers, uint32_t id);

/* The interpreter's computed-goto labels, indexed by pre-decoded opcode;
 * the loader stores them in each decoded instruction (vm.c). */
const void *const *ebpf_vm_handlers(void);

#endif
