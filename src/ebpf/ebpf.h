/* brig's embedded eBPF VM: public API.
 *
 * A self-contained library (libc only).  The model is CertrBPF, the verified
 * rBPF interpreter of RIOT's femto-containers: one linear verification pass
 * at load, an interpreter that checks every memory access against regions
 * the host granted for the run, and faults that come back as an error code
 * with the pc and a reason instead of crashing the host.
 *
 * ISA: RFC 9669, groups base32, base64, divmul32, divmul64, atomic32,
 * atomic64, CPU version v4, plus program-local calls.  Not supported:
 * callx, legacy packet loads, map and BTF pseudo instructions.
 *
 * Typical use:
 *
 *   struct ebpf_error err;
 *   struct ebpf_prog *prog;
 *   if (ebpf_load(&prog, insns, n, helpers, nhelpers, &err) != 0) ...
 *   struct ebpf_run *run = ebpf_run_new();    // or ebpf_run_init(&on_stack)
 *   run->ctx = &data; run->ctx_len = sizeof data;
 *   if (ebpf_run(prog, run) != 0) ... run->err.pc, run->err.msg
 *   use(run->r0);
 */
#ifndef BRIG_EBPF_H
#define BRIG_EBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "insn.h"

#define EBPF_MAX_INSNS 65536          /* longest program the verifier accepts */
#define EBPF_STACK_SIZE 512           /* bytes per call frame */
#define EBPF_MAX_FRAMES 8             /* call depth, frame 0 included */
#define EBPF_DEFAULT_BUDGET 10000000u /* instruction slots per run unless the host says */
#define EBPF_MAX_REGIONS 6            /* host regions besides the context and the stack */
#define EBPF_MAX_HELPER_ID 0x7fffffff

/* Error codes: every function returns 0 or one of these. */
enum ebpf_status {
  EBPF_OK = 0,
  EBPF_E_INVAL,  /* bad argument from the host */
  EBPF_E_NOMEM,  /* allocation failed */
  EBPF_E_VERIFY, /* program rejected at load */
  EBPF_E_ACCESS, /* run: load/store/atomic outside the granted regions */
  EBPF_E_BUDGET, /* run: instruction budget exhausted */
  EBPF_E_DEPTH,  /* run: local calls nested deeper than EBPF_MAX_FRAMES */
  EBPF_E_HELPER, /* run: a helper failed the run */
  EBPF_E_SYNTAX, /* assembler or conformance-file parser */
  EBPF_E_ELF,    /* ELF loader */
  EBPF_E_CBPF,   /* classic filter rejected */
  EBPF_E_UNSUPP, /* valid input using a feature brig does not implement */
};

/* What went wrong and where.  pc is the instruction index for the verifier,
 * the interpreter and the translators, the 1-based line for the assembler;
 * has_pc says whether it is meaningful.  msg never contains a newline. */
struct ebpf_error {
  int code;
  bool has_pc;
  size_t pc;
  char msg[192];
};

/* Short name of an error code ("verifier", "memory access", ...). */
const char *ebpf_strerror(int code);

/* ---- helpers ---------------------------------------------------------- */

struct ebpf_run;

/* A helper receives r1-r5 and writes r0.  Returning non-zero fails the run
 * with EBPF_E_HELPER (the helper may fill run->err.msg first). */
typedef int ebpf_helper_fn(struct ebpf_run *run, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                           uint64_t r5, uint64_t *r0);

struct ebpf_helper {
  uint32_t id; /* the imm of `call id` */
  const char *name;
  ebpf_helper_fn *fn;
};

/* ---- loading ---------------------------------------------------------- */

struct ebpf_prog; /* verified and pre-decoded; immutable, shareable between threads */

/* Verify and pre-decode COUNT instruction slots.  The helper table is
 * copied; a `call N` to an id not in it is rejected.  On failure *out is
 * NULL and err (may be NULL) says which instruction and why. */
int ebpf_load(struct ebpf_prog **out, const struct ebpf_insn *insns, size_t count,
              const struct ebpf_helper *helpers, size_t nhelpers, struct ebpf_error *err);

/* The verifier alone (ebpf_load runs it). */
int ebpf_verify(const struct ebpf_insn *insns, size_t count, const struct ebpf_helper *helpers,
                size_t nhelpers, struct ebpf_error *err);

void ebpf_prog_free(struct ebpf_prog *prog);
size_t ebpf_prog_len(const struct ebpf_prog *prog);
const struct ebpf_insn *ebpf_prog_insns(const struct ebpf_prog *prog);

/* Bytecode <-> instruction slots, little-endian as RFC 9669 specifies. */
int ebpf_insns_from_bytes(const void *bytes, size_t len, struct ebpf_insn **out, size_t *count,
                          struct ebpf_error *err);
void ebpf_insns_to_bytes(const struct ebpf_insn *insns, size_t count, void *bytes);
uint64_t ebpf_insn_word(const struct ebpf_insn *insn); /* the slot as a LE 64-bit word */
struct ebpf_insn ebpf_insn_from_word(uint64_t word);

/* ---- running ---------------------------------------------------------- */

enum { EBPF_PERM_READ = 1, EBPF_PERM_WRITE = 2, EBPF_PERM_RW = 3 };

/* A piece of host memory the program may touch.  The program sees it at the
 * address (uintptr_t)base. */
struct ebpf_region {
  void *base;
  size_t len;
  unsigned perm; /* EBPF_PERM_READ or EBPF_PERM_RW */
};

/* Per-run state: set the inputs, call ebpf_run, read the outputs.  Holds the
 * stack (EBPF_MAX_FRAMES * EBPF_STACK_SIZE bytes), so one run struct serves
 * one run at a time; reuse it for the next run.  The stack is zeroed by
 * ebpf_run_init and, when zero_stack is set, before every run; otherwise a
 * run sees what the previous run on the same struct left there. */
struct ebpf_run {
  /* inputs */
  void *ctx;         /* r1 on entry; may be NULL */
  size_t ctx_len;    /* r2 on entry */
  bool ctx_writable; /* the context region is read-only unless set */
  struct ebpf_region regions[EBPF_MAX_REGIONS];
  size_t nregions;
  uint64_t budget; /* instruction slots; 0 means EBPF_DEFAULT_BUDGET */
  bool unlimited;  /* no budget at all (benchmarks; never for untrusted code) */
  bool zero_stack;
  void *host; /* for helpers */
  /* outputs */
  uint64_t r0;
  uint64_t executed; /* instruction slots executed */
  struct ebpf_error err;
  /* private to the VM */
  struct ebpf_vm_region {
    uint64_t start;
    size_t len;
    unsigned char *base;
    unsigned perm;
  } vm_regions[EBPF_MAX_REGIONS + 2];
  size_t vm_nregions;
  _Alignas(16) unsigned char stack[EBPF_MAX_FRAMES * EBPF_STACK_SIZE];
};

void ebpf_run_init(struct ebpf_run *run);
struct ebpf_run *ebpf_run_new(void); /* calloc + init; free() it */

/* Run PROG.  Returns EBPF_OK with run->r0 set, or an error code with
 * run->err filled (pc = faulting instruction).  Never crashes the host. */
int ebpf_run(const struct ebpf_prog *prog, struct ebpf_run *run);

/* For helpers: the host pointer behind [addr, addr+len) if the whole range
 * lies in one region of the current run with PERM, else NULL. */
void *ebpf_run_access(struct ebpf_run *run, uint64_t addr, size_t len, unsigned perm);

/* ---- assembler and disassembler --------------------------------------- */

/* Assemble the conformance text syntax (see asm.c).  *out is malloc'd. */
int ebpf_asm(const char *text, struct ebpf_insn **out, size_t *count, struct ebpf_error *err);

/* Disassemble one instruction (two slots for lddw) into BUF.  Returns the
 * number of slots consumed (1 or 2), or 0 for an undecodable slot, which is
 * printed as a `.word 0x...` comment-like line. */
size_t ebpf_disasm_insn(const struct ebpf_insn *insns, size_t remaining, char *buf, size_t size);

/* Whole program, one instruction per line.  Returns a malloc'd string. */
char *ebpf_disasm(const struct ebpf_insn *insns, size_t count);

/* ---- conformance data files ------------------------------------------- */

/* The bpf_conformance `.data` format: sections `-- asm`, `-- raw`,
 * `-- mem`, `-- result`, `-- error`, and the ignored `-- c`,
 * `-- no register offset`. */
struct ebpf_testfile {
  char *asm_text;        /* NULL when absent */
  struct ebpf_insn *raw; /* from `-- raw`, NULL when absent */
  size_t raw_count;
  unsigned char *mem;
  size_t mem_len;
  bool has_result;
  uint64_t result;
  bool expect_error;
};

int ebpf_testfile_parse(const char *text, struct ebpf_testfile *tf, struct ebpf_error *err);
void ebpf_testfile_free(struct ebpf_testfile *tf);

/* Parse hex bytes ("aa bb 0c" or "aabb0c", whitespace ignored). */
int ebpf_parse_hex_bytes(const char *text, unsigned char **out, size_t *len,
                         struct ebpf_error *err);

/* ---- ELF loader ------------------------------------------------------- */

/* Extract the program in SECTION (NULL: the first non-empty executable
 * section) of a relocatable eBPF object (clang -target bpf -c).  Local
 * calls are resolved; maps, global data and BTF/CO-RE relocations are
 * rejected with EBPF_E_UNSUPP. */
int ebpf_elf_load(const void *image, size_t size, const char *section, struct ebpf_insn **out,
                  size_t *count, struct ebpf_error *err);

/* ---- classic BPF (seccomp) -------------------------------------------- */

/* Same layout as the kernel's struct sock_filter. */
struct ebpf_cbpf_insn {
  uint16_t code;
  uint8_t jt;
  uint8_t jf;
  uint32_t k;
};

#define EBPF_CBPF_MAX_INSNS 4096
#define EBPF_SECCOMP_DATA_SIZE 64 /* sizeof(struct seccomp_data) */

/* Check a classic filter under the kernel's seccomp rules. */
int ebpf_cbpf_check_seccomp(const struct ebpf_cbpf_insn *filter, size_t count,
                            struct ebpf_error *err);

/* Check, then translate to eBPF the way the kernel does (A in r0, X in r7,
 * the seccomp_data context in r6, scratch cells on the stack).  Run the
 * result with ctx = a struct seccomp_data, ctx_len = 64. */
int ebpf_cbpf_to_ebpf(const struct ebpf_cbpf_insn *filter, size_t count, struct ebpf_insn **out,
                      size_t *out_count, struct ebpf_error *err);

#endif
