/* libFuzzer target for brig's eBPF VM.
 *
 * The first byte picks what the rest is:
 *   0: eBPF bytecode (after 64 bytes of context memory): verify, and if
 *      accepted run it under a small budget with helpers that touch
 *      memory, then check that disassembly reassembles to the same bytes;
 *   1: a classic filter: the seccomp check, and when it passes the
 *      translation must pass the eBPF verifier and run without fault;
 *   2: assembler text: assemble, and if it assembles, verify and run;
 *   3: an ELF object: load a program section, verify and run it.
 * Any crash, sanitizer report or abort() here is a bug.
 *
 * Build: `make fuzz` (EBPF_FUZZ_FILES in src/ebpf/ebpf.mk), i.e.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     -Isrc/ebpf tests/fuzz/fuzz-ebpf.c src/ebpf/{common,verifier,load,vm,asm,disasm,\
 *     testfile,cbpf,elf}.c -o tests/fuzz/fuzz-ebpf
 * Run: tests/fuzz/fuzz-ebpf -max_total_time=600 CORPUS_DIR */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf.h"

#define CTX_SIZE 64
#define MAX_SLOTS 4096

static int
helper_sum(struct ebpf_run *run, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
           uint64_t *r0)
{
  (void)run;
  *r0 = a ^ b ^ c ^ d ^ e;
  return 0;
}

/* memset(r1, r3, r2) on program memory, refusing what is not writable. */
static int
helper_fill(struct ebpf_run *run, uint64_t addr, uint64_t len, uint64_t byte, uint64_t d,
            uint64_t e, uint64_t *r0)
{
  (void)d, (void)e;
  if (len == 0 || len > 4096)
    return -1;
  void *p = ebpf_run_access(run, addr, (size_t)len, EBPF_PERM_WRITE);
  if (p == NULL)
    return -1;
  memset(p, (int)(byte & 0xff), (size_t)len);
  *r0 = len;
  return 0;
}

static const struct ebpf_helper helpers[] = {
  { 1, "sum", helper_sum },
  { 2, "fill", helper_fill },
};

static void
run_prog(const struct ebpf_prog *prog, void *ctx, size_t ctx_len, bool writable)
{
  static unsigned char extra[32];
  struct ebpf_run *run = ebpf_run_new();
  if (run == NULL)
    return;
  run->ctx = ctx;
  run->ctx_len = ctx_len;
  run->ctx_writable = writable;
  run->regions[0] = (struct ebpf_region){ extra, sizeof extra, EBPF_PERM_RW };
  run->nregions = 1;
  run->budget = 20000;
  int rc = ebpf_run(prog, run);
  if (rc != 0 && (!run->err.has_pc || run->err.pc >= ebpf_prog_len(prog)))
    abort(); /* a run-time fault always names an instruction */
  free(run);
}

static void
check_roundtrip(const struct ebpf_insn *insns, size_t n)
{
  char *text = ebpf_disasm(insns, n);
  struct ebpf_insn *again = NULL;
  size_t m = 0;
  if (text == NULL)
    return;
  if (ebpf_asm(text, &again, &m, NULL) != 0 || m != n || memcmp(again, insns, n * 8) != 0)
    abort();
  free(again);
  free(text);
}

static void
fuzz_ebpf(const uint8_t *data, size_t size)
{
  unsigned char ctx[CTX_SIZE] = { 0 };
  size_t ctx_len = size < CTX_SIZE ? size : CTX_SIZE;
  memcpy(ctx, data, ctx_len);
  data += ctx_len;
  size -= ctx_len;
  size_t slots = size / 8 > MAX_SLOTS ? MAX_SLOTS : size / 8;
  struct ebpf_insn *insns;
  size_t n;
  struct ebpf_prog *prog;
  if (ebpf_insns_from_bytes(data, slots * 8, &insns, &n, NULL) != 0)
    return;
  if (ebpf_load(&prog, insns, n, helpers, 2, NULL) == 0) {
    check_roundtrip(insns, n);
    run_prog(prog, ctx, sizeof ctx, ctx[0] & 1);
    ebpf_prog_free(prog);
  }
  free(insns);
}

static void
fuzz_cbpf(const uint8_t *data, size_t size)
{
  unsigned char seccomp_data[EBPF_SECCOMP_DATA_SIZE] = { 0 };
  size_t head = size < sizeof seccomp_data ? size : sizeof seccomp_data;
  memcpy(seccomp_data, data, head);
  data += head;
  size -= head;
  size_t count = size / sizeof(struct ebpf_cbpf_insn);
  if (count > EBPF_CBPF_MAX_INSNS + 1)
    count = EBPF_CBPF_MAX_INSNS + 1;
  struct ebpf_cbpf_insn *filter = malloc(count * sizeof *filter + 1);
  if (filter == NULL)
    return;
  memcpy(filter, data, count * sizeof *filter);
  struct ebpf_insn *insns;
  size_t n;
  struct ebpf_error err;
  if (ebpf_cbpf_to_ebpf(filter, count, &insns, &n, &err) == 0) {
    struct ebpf_prog *prog;
    if (ebpf_load(&prog, insns, n, NULL, 0, &err) != 0)
      abort(); /* an accepted classic filter must translate to a valid program */
    struct ebpf_run *run = ebpf_run_new();
    run->ctx = seccomp_data;
    run->ctx_len = sizeof seccomp_data;
    if (ebpf_run(prog, run) != 0)
      abort(); /* classic filters always terminate without faults */
    free(run);
    ebpf_prog_free(prog);
    free(insns);
  }
  free(filter);
}

static void
fuzz_asm(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (text == NULL)
    return;
  memcpy(text, data, size);
  text[size] = '\0';
  struct ebpf_insn *insns;
  size_t n;
  if (ebpf_asm(text, &insns, &n, NULL) == 0) {
    struct ebpf_prog *prog;
    if (ebpf_load(&prog, insns, n, helpers, 2, NULL) == 0) {
      unsigned char ctx[CTX_SIZE] = { 0 };
      run_prog(prog, ctx, sizeof ctx, true);
      ebpf_prog_free(prog);
    }
    free(insns);
  }
  free(text);
}

static void
fuzz_elf(const uint8_t *data, size_t size)
{
  struct ebpf_insn *insns;
  size_t n;
  if (ebpf_elf_load(data, size, NULL, &insns, &n, NULL) == 0) {
    struct ebpf_prog *prog;
    if (ebpf_load(&prog, insns, n, helpers, 2, NULL) == 0) {
      unsigned char ctx[CTX_SIZE] = { 0 };
      run_prog(prog, ctx, sizeof ctx, false);
      ebpf_prog_free(prog);
    }
    free(insns);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  switch (data[0] % 4) {
  case 0:
    fuzz_ebpf(data + 1, size - 1);
    break;
  case 1:
    fuzz_cbpf(data + 1, size - 1);
    break;
  case 2:
    fuzz_asm(data + 1, size - 1);
    break;
  default:
    fuzz_elf(data + 1, size - 1);
  }
  return 0;
}
