/* The eBPF verifier, interpreter and assembler, checked one rule at a time:
 * every verifier rejection reason with its instruction index, memory
 * regions and permissions, budget, call depth, helpers, and assembler
 * errors with their line. */
#include <stdlib.h>
#include <string.h>

#include "ebpf.h"
#include "tap.h"

#define I(code, dst, src, off, imm) ebpf_insn_make((code), (dst), (src), (off), (imm))
#define EXIT I(EBPF_OP_EXIT, 0, 0, 0, 0)
#define MOV64_K(dst, imm) I(EBPF_CLASS_ALU64 | EBPF_ALU_MOV | EBPF_SRC_K, dst, 0, 0, imm)
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The check runs before the message is formatted (argument evaluation
 * order is unspecified, and messages quote the run's results). */
#define CHECK(cond, ...)        \
  do {                          \
    bool cond_ = (cond);        \
    TAP_OK(cond_, __VA_ARGS__); \
  } while (0)

static int
helper_add(struct ebpf_run *run, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
           uint64_t *r0)
{
  (void)run;
  *r0 = a + b + c + d + e;
  return 0;
}

static int
helper_fail(struct ebpf_run *run, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
            uint64_t *r0)
{
  (void)a, (void)b, (void)c, (void)d, (void)e, (void)r0;
  snprintf(run->err.msg, sizeof run->err.msg, "policy says no");
  return -1;
}

/* Reads a u32 from program memory through the run's regions. */
static int
helper_peek(struct ebpf_run *run, uint64_t addr, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
            uint64_t *r0)
{
  (void)b, (void)c, (void)d, (void)e;
  void *p = ebpf_run_access(run, addr, 4, EBPF_PERM_READ);
  if (p == NULL)
    return -1;
  uint32_t v;
  memcpy(&v, p, 4);
  *r0 = v;
  return 0;
}

static const struct ebpf_helper helpers[] = {
  { 1, "add", helper_add },
  { 2, "fail", helper_fail },
  { 3, "peek", helper_peek },
};

static void
expect_reject(const char *what, const struct ebpf_insn *insns, size_t n, size_t pc,
              const char *reason)
{
  struct ebpf_error err;
  struct ebpf_prog *prog = NULL;
  int rc = ebpf_load(&prog, insns, n, helpers, N(helpers), &err);
  bool ok = rc == EBPF_E_VERIFY && prog == NULL && strstr(err.msg, reason) != NULL &&
            (pc == (size_t)-1 ? !err.has_pc : err.has_pc && err.pc == pc);
  TAP_OK(ok, "verifier rejects %s (insn %zu: %s)", what, err.pc, rc ? err.msg : "accepted");
  ebpf_prog_free(prog);
}

static int
load_asm(const char *text, struct ebpf_prog **prog, struct ebpf_error *err)
{
  struct ebpf_insn *insns;
  size_t n;
  int rc = ebpf_asm(text, &insns, &n, err);
  if (rc != 0)
    return rc;
  rc = ebpf_load(prog, insns, n, helpers, N(helpers), err);
  free(insns);
  return rc;
}

/* Assemble, load and run TEXT with RUN; returns the ebpf_run status. */
static int
run_asm(const char *text, struct ebpf_run *run)
{
  struct ebpf_prog *prog = NULL;
  struct ebpf_error err;
  int rc = load_asm(text, &prog, &err);
  if (rc != 0) {
    tap_diag("load failed: %s", err.msg);
    return -1;
  }
  rc = ebpf_run(prog, run);
  ebpf_prog_free(prog);
  return rc;
}

static void
test_verifier(void)
{
  struct ebpf_insn unknown[] = { I(0xff, 0, 0, 0, 0), EXIT };
  expect_reject("an unknown opcode", unknown, 2, 0, "unknown opcode");
  struct ebpf_insn reserved[] = { MOV64_K(0, 0), I(EBPF_OP_EXIT, 0, 0, 0, 1) };
  expect_reject("a non-zero reserved field", reserved, 2, 1, "reserved field imm");
  struct ebpf_insn reg11[] = { MOV64_K(11, 0), EXIT };
  expect_reject("register r11", reg11, 2, 0, "invalid register");
  struct ebpf_insn src15[] = { I(EBPF_CLASS_ALU64 | EBPF_ALU_ADD | EBPF_SRC_X, 0, 15, 0, 0), EXIT };
  expect_reject("source register r15", src15, 2, 0, "invalid register");
  struct ebpf_insn r10[] = { MOV64_K(10, 0), EXIT };
  expect_reject("a write to r10", r10, 2, 0, "r10 is read-only");
  struct ebpf_insn r10ld[] = { I(EBPF_CLASS_LDX | EBPF_MODE_MEM | EBPF_SIZE_W, 10, 1, 0, 0), EXIT };
  expect_reject("a load into r10", r10ld, 2, 0, "r10 is read-only");
  struct ebpf_insn r10fetch[] = {
    I(EBPF_CLASS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW, 1, 10, 0,
      EBPF_ATOMIC_ADD | EBPF_ATOMIC_FETCH),
    EXIT,
  };
  expect_reject("an atomic fetch into r10", r10fetch, 2, 0, "r10 is read-only");
  struct ebpf_insn jout[] = { I(EBPF_OP_JA, 0, 0, 5, 0), EXIT };
  expect_reject("a jump past the end", jout, 2, 0, "outside the program");
  struct ebpf_insn jback[] = { I(EBPF_OP_JA, 0, 0, -2, 0), EXIT };
  expect_reject("a jump before the start", jback, 2, 0, "outside the program");
  struct ebpf_insn jlddw[] = {
    I(EBPF_CLASS_JMP | EBPF_JMP_JEQ | EBPF_SRC_K, 1, 0, 1, 0),
    I(EBPF_OP_LDDW, 0, 0, 0, 1),
    I(0, 0, 0, 0, 2),
    EXIT,
  };
  expect_reject("a jump into the second slot of lddw", jlddw, 4, 0, "second slot");
  struct ebpf_insn calllddw[] = { I(EBPF_OP_CALL, 0, EBPF_CALL_LOCAL, 0, 1),
                                  I(EBPF_OP_LDDW, 0, 0, 0, 1), I(0, 0, 0, 0, 2), EXIT };
  expect_reject("a local call into the second slot of lddw", calllddw, 4, 0, "second slot");
  struct ebpf_insn incomplete[] = { MOV64_K(0, 0), I(EBPF_OP_LDDW, 0, 0, 0, 1) };
  expect_reject("an incomplete lddw", incomplete, 2, 1, "incomplete lddw");
  struct ebpf_insn badslot[] = { I(EBPF_OP_LDDW, 0, 0, 0, 1), I(0x07, 0, 0, 0, 2), EXIT };
  expect_reject("a lddw second slot with an opcode", badslot, 3, 1, "second slot");
  struct ebpf_insn nolast[] = { MOV64_K(0, 0) };
  expect_reject("a program not ending in exit", nolast, 1, 0, "last instruction");
  struct ebpf_insn helper[] = { I(EBPF_OP_CALL, 0, 0, 0, 99), EXIT };
  expect_reject("an unknown helper", helper, 2, 0, "unknown helper 99");
  struct ebpf_insn callx[] = { I(EBPF_OP_CALL | EBPF_SRC_X, 1, 0, 0, 0), EXIT };
  expect_reject("callx", callx, 2, 0, "callx");
  struct ebpf_insn packet[] = { I(EBPF_CLASS_LD | EBPF_MODE_ABS | EBPF_SIZE_W, 0, 0, 0, 0), EXIT };
  expect_reject("a legacy packet load", packet, 2, 0, "packet");
  struct ebpf_insn mapload[] = { I(EBPF_OP_LDDW, 0, 1, 0, 1), I(0, 0, 0, 0, 0), EXIT };
  expect_reject("a map pseudo load", mapload, 3, 0, "map");
  struct ebpf_insn movsx32[] = { I(EBPF_CLASS_ALU | EBPF_ALU_MOV | EBPF_SRC_X, 0, 1, 32, 0), EXIT };
  expect_reject("movsx32 from 32 bits", movsx32, 2, 0, "sign-extension");
  struct ebpf_insn ldxsdw[] = { I(EBPF_CLASS_LDX | EBPF_MODE_MEMSX | EBPF_SIZE_DW, 0, 1, 0, 0),
                                EXIT };
  expect_reject("ldxsdw", ldxsdw, 2, 0, "unknown opcode");
  struct ebpf_insn atomic[] = { I(EBPF_CLASS_STX | EBPF_MODE_ATOMIC | EBPF_SIZE_DW, 1, 2, 0, 0x10),
                                EXIT };
  expect_reject("an unknown atomic operation", atomic, 2, 0, "atomic");
  expect_reject("an empty program", NULL, 0, (size_t)-1, "empty program");

  size_t big = EBPF_MAX_INSNS + 1;
  struct ebpf_insn *many = calloc(big, sizeof *many);
  for (size_t i = 0; i < big; i++)
    many[i] = i + 1 == big ? EXIT : MOV64_K(0, (int32_t)i);
  expect_reject("a program over 65,536 instructions", many, big, (size_t)-1, "more than");
  struct ebpf_prog *prog;
  many[EBPF_MAX_INSNS - 1] = EXIT;
  TAP_OK(ebpf_load(&prog, many, EBPF_MAX_INSNS, NULL, 0, NULL) == 0,
         "verifier accepts 65,536 instructions");
  struct ebpf_run *run = ebpf_run_new();
  CHECK(ebpf_run(prog, run) == 0 && run->r0 == EBPF_MAX_INSNS - 2 &&
            run->executed == EBPF_MAX_INSNS,
        "65,536 instructions run, executed count %llu", (unsigned long long)run->executed);
  free(run);
  ebpf_prog_free(prog);
  free(many);

  struct ebpf_insn ja_last[] = { MOV64_K(0, 3), I(EBPF_OP_JA, 0, 0, 1, 0), EXIT,
                                 I(EBPF_OP_JA, 0, 0, -2, 0) };
  TAP_OK(ebpf_load(&prog, ja_last, 4, NULL, 0, NULL) == 0, "a program may end with ja");
  ebpf_prog_free(prog);
}

static void
test_memory(void)
{
  struct ebpf_run *run = ebpf_run_new();
  unsigned char ctx[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  unsigned char extra[8] = { 0 };

  run->ctx = ctx;
  run->ctx_len = sizeof ctx;
  TAP_OK(run_asm("ldxdw %r0, [%r1+8]\nexit\n", run) == 0 && run->r0 == 0x100f0e0d0c0b0a09ull,
         "context is readable");
  CHECK(run_asm("ldxw %r0, [%r1+13]\nexit\n", run) == EBPF_E_ACCESS && run->err.pc == 0,
        "a load straddling the end of the context faults: %s", run->err.msg);
  TAP_OK(run_asm("ldxb %r0, [%r1-1]\nexit\n", run) == EBPF_E_ACCESS,
         "a load before the context faults");
  CHECK(run_asm("mov %r0, 0\nstb [%r1], 9\nexit\n", run) == EBPF_E_ACCESS && run->err.pc == 1 &&
            ctx[0] == 1,
        "the context is read-only by default: %s", run->err.msg);
  TAP_OK(run_asm("mov %r2, 1\nlock add [%r1], %r2\nexit\n", run) == EBPF_E_ACCESS && ctx[0] == 1,
         "an atomic on the read-only context faults");
  run->ctx_writable = true;
  TAP_OK(run_asm("mov %r0, 0\nstb [%r1], 9\nexit\n", run) == 0 && ctx[0] == 9,
         "the host may make the context writable");
  run->ctx_writable = false;

  run->regions[0] = (struct ebpf_region){ extra, sizeof extra, EBPF_PERM_RW };
  run->nregions = 1;
  char prog[128];
  snprintf(prog, sizeof prog, "lddw %%r2, 0x%llx\nstdw [%%r2], -1\nldxw %%r0, [%%r2+4]\nexit\n",
           (unsigned long long)(uintptr_t)extra);
  TAP_OK(run_asm(prog, run) == 0 && run->r0 == 0xffffffff && extra[7] == 0xff,
         "a host region granted read-write");
  run->regions[0].perm = EBPF_PERM_READ;
  memset(extra, 0, sizeof extra);
  TAP_OK(run_asm(prog, run) == EBPF_E_ACCESS && run->err.pc == 2 && extra[0] == 0,
         "a read-only host region refuses stores");
  run->nregions = 0;
  TAP_OK(run_asm(prog, run) == EBPF_E_ACCESS, "memory not granted is not accessible");
  TAP_OK(run_asm("lddw %r1, 0x1000\nldxb %r0, [%r1]\nexit\n", run) == EBPF_E_ACCESS,
         "an arbitrary address faults");
  TAP_OK(run_asm("mov %r0, 0\nldxdw %r0, [%r10]\nexit\n", run) == EBPF_E_ACCESS,
         "the stack ends at r10");
  TAP_OK(run_asm("stdw [%r10-512], 7\nldxdw %r0, [%r10-512]\nexit\n", run) == 0 && run->r0 == 7,
         "the whole 512-byte frame is usable");
  TAP_OK(run_asm("mov %r1, %r10\nadd %r1, -8\nstxdw [%r1], %r1\nldxdw %r0, [%r10-8]\n"
                 "sub %r0, %r1\nexit\n",
                 run) == 0 &&
             run->r0 == 0,
         "stack access through a computed pointer");
  TAP_OK(run_asm("mov %r1, %r10\nadd %r1, -5000\nldxb %r0, [%r1]\nexit\n", run) == EBPF_E_ACCESS,
         "below the stack faults");
  free(run);
}

static void
test_control(void)
{
  struct ebpf_run *run = ebpf_run_new();

  run->budget = 1000;
  CHECK(run_asm("mov %r0, 0\nloop:\nadd %r0, 1\nja loop\n", run) == EBPF_E_BUDGET &&
            run->executed == 1000,
        "an infinite loop exhausts the budget (%s, %llu executed)", run->err.msg,
        (unsigned long long)run->executed);
  run->budget = 0;
  CHECK(run_asm("mov %r0, 0\nmov %r1, 100\nloop:\nadd %r0, 2\nsub %r1, 1\njne %r1, 0, loop\nexit\n",
                run) == 0 &&
            run->r0 == 200 && run->executed == 2 + 300 + 1,
        "a bounded loop runs within the default budget, exact count %llu",
        (unsigned long long)run->executed);
  CHECK(run_asm("call local f\nexit\nf:\ncall local f\nexit\n", run) == EBPF_E_DEPTH,
        "unbounded recursion stops at the call depth limit: %s", run->err.msg);
  TAP_OK(run_asm("mov %r6, 5\ncall local f\nadd %r0, %r6\nexit\nf:\nstdw [%r10-8], 3\n"
                 "mov %r6, 100\nldxdw %r0, [%r10-8]\nexit\n",
                 run) == 0 &&
             run->r0 == 8,
         "local calls get their own frame and keep r6-r9");
  TAP_OK(run_asm("mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 1\nexit\n",
                 run) == 0 &&
             run->r0 == 15,
         "a helper gets five arguments");
  CHECK(run_asm("mov %r0, 0\ncall 2\nexit\n", run) == EBPF_E_HELPER && run->err.pc == 1 &&
            strstr(run->err.msg, "policy says no") != NULL,
        "a helper can fail the run: %s", run->err.msg);
  uint32_t word = 0xabcd;
  run->ctx = &word;
  run->ctx_len = sizeof word;
  TAP_OK(run_asm("call 3\nexit\n", run) == 0 && run->r0 == 0xabcd,
         "a helper checks program pointers against the run's regions");
  TAP_OK(run_asm("mov %r1, 8\ncall 3\nexit\n", run) == EBPF_E_HELPER,
         "a helper refuses pointers outside the regions");
  TAP_OK(run_asm("lddw %r0, 0x8000000000000000\nmov %r1, -1\nsdiv %r0, %r1\nexit\n", run) == 0 &&
             run->r0 == 0x8000000000000000ull,
         "INT64_MIN / -1 is INT64_MIN");
  TAP_OK(run_asm("lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit\n", run) == 0 && run->r0 == 0,
         "INT64_MIN %% -1 is 0");
  TAP_OK(run_asm("mov %r0, 7\nmov %r1, 0\nmod32 %r0, %r1\nexit\n", run) == 0 && run->r0 == 7,
         "x %% 0 is x");
  TAP_OK(run_asm("mov %r0, 1\nlsh %r0, 65\nexit\n", run) == 0 && run->r0 == 2,
         "shift amounts are masked");
  free(run);
}

static void
test_asm_errors(void)
{
  struct {
    const char *text;
    size_t line;
    const char *reason;
  } cases[] = {
    { "mov %r0, 1\nmovv %r0, 2\nexit\n", 2, "unknown mnemonic 'movv'" },
    { "exit\nexit\nja nowhere\n", 3, "undefined label" },
    { "mov32 %r0, 4294967296\n", 1, "32 bits" },
    { "ldxw %r0, [%r1+40000]\n", 1, "16 bits" },
    { "add %r0\n", 1, "takes 2 operands" },
    { "x:\nx:\nexit\n", 2, "defined twice" },
    { "mov %r11, 1\n", 1, "invalid register" },
  };
  for (size_t i = 0; i < N(cases); i++) {
    struct ebpf_insn *insns = NULL;
    size_t n;
    struct ebpf_error err;
    int rc = ebpf_asm(cases[i].text, &insns, &n, &err);
    TAP_OK(rc == EBPF_E_SYNTAX && err.pc == cases[i].line && strstr(err.msg, cases[i].reason),
           "asm error at line %zu: %s", err.pc, rc ? err.msg : "accepted");
    free(insns);
  }
}

int
main(void)
{
  test_verifier();
  test_memory();
  test_control();
  test_asm_errors();
  return tap_done();
}
