/* Micro-benchmarks of brig's eBPF interpreter (built and run by
 * bench/ebpf.sh):
 *   alu     ns per instruction on an arithmetic loop
 *   mem     ns per instruction on a load/store loop (stack and context)
 *   policy  ns per call of a six-instruction port check on a context
 *           struct, run setup included
 * Each figure is the best of several repetitions, in CPU time of the
 * thread (immune to other load on a shared machine) and in wall time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ebpf.h"

struct stamp {
  double cpu, wall;
};

static struct stamp
now(void)
{
  struct timespec c, w;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c);
  clock_gettime(CLOCK_MONOTONIC, &w);
  return (struct stamp){ (double)c.tv_sec + (double)c.tv_nsec / 1e9,
                         (double)w.tv_sec + (double)w.tv_nsec / 1e9 };
}

struct best {
  double cpu, wall;
};

static void
keep_best(struct best *b, struct stamp t0, double units)
{
  struct stamp t1 = now();
  double cpu = (t1.cpu - t0.cpu) * 1e9 / units, wall = (t1.wall - t0.wall) * 1e9 / units;
  if (cpu < b->cpu)
    b->cpu = cpu;
  if (wall < b->wall)
    b->wall = wall;
}

static struct ebpf_prog *
load(const char *name, const char *text)
{
  struct ebpf_insn *insns;
  size_t n;
  struct ebpf_error err;
  struct ebpf_prog *prog;

  if (ebpf_asm(text, &insns, &n, &err) != 0 || ebpf_load(&prog, insns, n, NULL, 0, &err) != 0) {
    fprintf(stderr, "ebpf-bench: %s: %s\n", name, err.msg);
    exit(1);
  }
  free(insns);
  return prog;
}

/* ns per executed instruction, best of REPS runs */
static struct best
per_insn(const struct ebpf_prog *prog, struct ebpf_run *run, int reps)
{
  struct best best = { 1e9, 1e9 };
  for (int i = 0; i < reps; i++) {
    struct stamp t0 = now();
    if (ebpf_run(prog, run) != 0) {
      fprintf(stderr, "ebpf-bench: run failed: %s\n", run->err.msg);
      exit(1);
    }
    keep_best(&best, t0, (double)run->executed);
  }
  return best;
}

static const char alu_loop[] = "mov %r0, 0\n"
                               "mov %r1, 20000000\n"
                               "mov %r2, 7\n"
                               "loop:\n"
                               "add %r0, %r1\n"
                               "xor %r0, 0x5555\n"
                               "mul %r2, 3\n"
                               "lsh %r0, 1\n"
                               "rsh %r0, 1\n"
                               "add32 %r2, %r0\n"
                               "or %r0, %r2\n"
                               "and %r0, 0xffffff\n"
                               "sub %r1, 1\n"
                               "jne %r1, 0, loop\n"
                               "exit\n";

static const char mem_loop[] = "mov %r0, 0\n"
                               "mov %r3, 20000000\n"
                               "loop:\n"
                               "stxdw [%r10-8], %r3\n"
                               "ldxdw %r4, [%r10-8]\n"
                               "ldxw %r5, [%r1+4]\n"
                               "stxw [%r1+8], %r4\n"
                               "ldxb %r6, [%r1+8]\n"
                               "add %r0, %r5\n"
                               "add %r0, %r6\n"
                               "sub %r3, 1\n"
                               "jne %r3, 0, loop\n"
                               "exit\n";

/* struct { u32 family; u32 port; }: allow unprivileged ports only */
static const char port_check[] = "ldxw %r2, [%r1+4]\n"
                                 "mov32 %r0, 1\n"
                                 "jge %r2, 1024, +2\n"
                                 "mov32 %r0, 0\n"
                                 "exit\n"
                                 "exit\n";

int
main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 5;
  struct ebpf_run *run = ebpf_run_new();
  unsigned char ctx[16] = { 2, 0, 0, 0, 0x90, 0x1f, 0, 0 };

  if (run == NULL || reps < 1)
    return 1;
  run->unlimited = true;
  struct ebpf_prog *alu = load("alu", alu_loop);
  struct best b = per_insn(alu, run, reps);
  printf("alu     %6.3f ns/insn  (wall %.3f)\n", b.cpu, b.wall);

  run->ctx = ctx;
  run->ctx_len = sizeof ctx;
  run->ctx_writable = true;
  struct ebpf_prog *mem = load("mem", mem_loop);
  b = per_insn(mem, run, reps);
  printf("mem     %6.3f ns/insn  (wall %.3f)\n", b.cpu, b.wall);

  run->unlimited = false;
  run->ctx_writable = false;
  struct ebpf_prog *policy = load("policy", port_check);
  const long calls = 10000000;
  struct best best = { 1e9, 1e9 };
  uint64_t allowed = 0;
  for (int r = 0; r < reps; r++) {
    struct stamp t0 = now();
    for (long i = 0; i < calls; i++) {
      uint32_t port = (uint32_t)(i & 2047);
      memcpy(ctx + 4, &port, sizeof port);
      ebpf_run(policy, run);
      allowed += run->r0;
    }
    keep_best(&best, t0, (double)calls);
  }
  printf("policy  %6.3f ns/call  (wall %.3f; %llu allowed)\n", best.cpu, best.wall,
         (unsigned long long)allowed);
  ebpf_prog_free(alu);
  ebpf_prog_free(mem);
  ebpf_prog_free(policy);
  free(run);
  return 0;
}
