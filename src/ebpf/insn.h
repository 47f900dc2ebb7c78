/* RFC 9669 (BPF Instruction Set Architecture) encoding.
 *
 * Only the constants and the 8-byte instruction layout: no behaviour lives
 * here, so the verifier, the interpreter, the assembler and the translators
 * all agree on one spelling of the encoding.
 */
#ifndef BRIG_EBPF_INSN_H
#define BRIG_EBPF_INSN_H

#include <stdint.h>

/* One instruction slot.  The register byte holds dst in the low nibble and
 * src in the high nibble, as RFC 9669 section 3 specifies for little-endian
 * encoding; a 64-bit immediate load uses two slots. */
struct ebpf_insn {
  uint8_t code;
  uint8_t regs;
  int16_t off;
  int32_t imm;
};

_Static_assert(sizeof(struct ebpf_insn) == 8, "an instruction slot is 8 bytes");

#define EBPF_INSN_DST(i) ((unsigned)((i)->regs & 0x0f))
#define EBPF_INSN_SRC(i) ((unsigned)((i)->regs >> 4))
#define EBPF_REGS(dst, src) ((uint8_t)(((src) << 4) | ((dst)&0x0f)))

/* Instruction classes (3 low bits of the opcode). */
#define EBPF_CLASS(code) ((code)&0x07)
#define EBPF_CLASS_LD 0x00
#define EBPF_CLASS_LDX 0x01
#define EBPF_CLASS_ST 0x02
#define EBPF_CLASS_STX 0x03
#define EBPF_CLASS_ALU 0x04
#define EBPF_CLASS_JMP 0x05
#define EBPF_CLASS_JMP32 0x06
#define EBPF_CLASS_ALU64 0x07

/* Arithmetic and jump instructions: source bit and operation (4 high bits). */
#define EBPF_SRC(code) ((code)&0x08)
#define EBPF_SRC_K 0x00
#define EBPF_SRC_X 0x08
#define EBPF_OP(code) ((code)&0xf0)

#define EBPF_ALU_ADD 0x00
#define EBPF_ALU_SUB 0x10
#define EBPF_ALU_MUL 0x20
#define EBPF_ALU_DIV 0x30
#define EBPF_ALU_OR 0x40
#define EBPF_ALU_AND 0x50
#define EBPF_ALU_LSH 0x60
#define EBPF_ALU_RSH 0x70
#define EBPF_ALU_NEG 0x80
#define EBPF_ALU_MOD 0x90
#define EBPF_ALU_XOR 0xa0
#define EBPF_ALU_MOV 0xb0
#define EBPF_ALU_ARSH 0xc0
#define EBPF_ALU_END 0xd0

/* Byte swap direction, carried by the source bit of an ALU END. */
#define EBPF_END_TO_LE 0x00
#define EBPF_END_TO_BE 0x08

#define EBPF_JMP_JA 0x00
#define EBPF_JMP_JEQ 0x10
#define EBPF_JMP_JGT 0x20
#define EBPF_JMP_JGE 0x30
#define EBPF_JMP_JSET 0x40
#define EBPF_JMP_JNE 0x50
#define EBPF_JMP_JSGT 0x60
#define EBPF_JMP_JSGE 0x70
#define EBPF_JMP_CALL 0x80
#define EBPF_JMP_EXIT 0x90
#define EBPF_JMP_JLT 0xa0
#define EBPF_JMP_JLE 0xb0
#define EBPF_JMP_JSLT 0xc0
#define EBPF_JMP_JSLE 0xd0

/* CALL source field: helper by id, program-local function, helper by BTF id. */
#define EBPF_CALL_HELPER 0
#define EBPF_CALL_LOCAL 1
#define EBPF_CALL_BTF 2

/* Load and store instructions: size (bits 3-4) and mode (bits 5-7). */
#define EBPF_SIZE(code) ((code)&0x18)
#define EBPF_SIZE_W 0x00
#define EBPF_SIZE_H 0x08
#define EBPF_SIZE_B 0x10
#define EBPF_SIZE_DW 0x18
#define EBPF_MODE(code) ((code)&0xe0)
#define EBPF_MODE_IMM 0x00
#define EBPF_MODE_ABS 0x20
#define EBPF_MODE_IND 0x40
#define EBPF_MODE_MEM 0x60
#define EBPF_MODE_MEMSX 0x80
#define EBPF_MODE_ATOMIC 0xc0

/* Atomic operations, carried in imm. */
#define EBPF_ATOMIC_FETCH 0x01
#define EBPF_ATOMIC_ADD 0x00
#define EBPF_ATOMIC_OR 0x40
#define EBPF_ATOMIC_AND 0x50
#define EBPF_ATOMIC_XOR 0xa0
#define EBPF_ATOMIC_XCHG (0xe0 | EBPF_ATOMIC_FETCH)
#define EBPF_ATOMIC_CMPXCHG (0xf0 | EBPF_ATOMIC_FETCH)

/* Opcodes used by name outside the decoder. */
#define EBPF_OP_LDDW (EBPF_CLASS_LD | EBPF_MODE_IMM | EBPF_SIZE_DW) /* 0x18 */
#define EBPF_OP_EXIT (EBPF_CLASS_JMP | EBPF_JMP_EXIT)               /* 0x95 */
#define EBPF_OP_CALL (EBPF_CLASS_JMP | EBPF_JMP_CALL)               /* 0x85 */
#define EBPF_OP_JA (EBPF_CLASS_JMP | EBPF_JMP_JA)                   /* 0x05 */
#define EBPF_OP_JA32 (EBPF_CLASS_JMP32 | EBPF_JMP_JA)               /* 0x06 */

#define EBPF_NREGS 11 /* r0-r10 */
#define EBPF_REG_FP 10

/* Build an instruction (used by the translators and the tests). */
static inline struct ebpf_insn
ebpf_insn_make(uint8_t code, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
  struct ebpf_insn insn = { code, EBPF_REGS(dst, src), off, imm };
  return insn;
}

#endif
