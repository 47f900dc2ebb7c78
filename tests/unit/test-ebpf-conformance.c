/* Runs the public bpf_conformance vectors against brig's eBPF VM.
 *
 * The vectors are read at test time from $BRIG_BPF_CONFORMANCE_DIR
 * (default: <top_srcdir>/../shared/bpf-conformance); they are never copied
 * into the repository.  brig claims the groups base32, base64, divmul32,
 * divmul64, atomic32, atomic64 and CPU version v4: every vector in those
 * groups must pass.  Vectors needing callx or legacy packet loads are
 * skipped with that reason.  Every file in negative/ must be rejected:
 * unparsable, unassemblable, refused by the verifier, faulting where a
 * result is expected, or producing a result other than the expected one.
 * Each positive program is also disassembled and reassembled, which must
 * give back the same bytecode. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"

#ifndef BRIG_TOP_SRCDIR
#define BRIG_TOP_SRCDIR "."
#endif

/* Helper 5 of the conformance runner: returns its argument and unwinds
 * (fails the run) when that argument is 0. */
static int
helper_unwind(struct ebpf_run *run, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
              uint64_t *r0)
{
  (void)run, (void)r2, (void)r3, (void)r4, (void)r5;
  *r0 = r1;
  return r1 == 0 ? -1 : 0;
}

static const struct ebpf_helper helpers[] = { { 5, "unwind", helper_unwind } };

static char *
read_text(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  char *buf = NULL;

  if (fd < 0)
    return NULL;
  if (fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1)) != NULL) {
    size_t got = 0;
    while (got < (size_t)st.st_size) {
      ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
      if (n <= 0)
        break;
      got += (size_t)n;
    }
    buf[got] = '\0';
  }
  close(fd);
  return buf;
}

static int
compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **
list_data_files(const char *dir, size_t *count)
{
  DIR *d = opendir(dir);
  char **names = NULL;
  size_t n = 0, cap = 0;

  *count = 0;
  if (d == NULL)
    return NULL;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".data") != 0)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **p = realloc(names, cap * sizeof *p);
      if (p == NULL)
        break;
      names = p;
    }
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  *count = n;
  return names;
}

enum outcome { PASS, FAIL, SKIP };

struct verdict {
  enum outcome outcome;
  bool refused; /* never ran: unreadable, unparsable, unassemblable or rejected at load */
  char why[256];
};

/* The group a program needs beyond the claimed ones, or NULL. */
static const char *
unclaimed_group(const struct ebpf_insn *insns, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uint8_t code = insns[i].code;
    if (code == (EBPF_OP_CALL | EBPF_SRC_X))
      return "callx";
    if (EBPF_CLASS(code) == EBPF_CLASS_LD &&
        (EBPF_MODE(code) == EBPF_MODE_ABS || EBPF_MODE(code) == EBPF_MODE_IND))
      return "packet";
    if (code == EBPF_OP_LDDW)
      i++;
  }
  return NULL;
}

static int roundtrips, roundtrip_failures;

static void
check_roundtrip(const char *name, const struct ebpf_insn *insns, size_t n)
{
  char *text = ebpf_disasm(insns, n);
  struct ebpf_insn *again = NULL;
  size_t m = 0;
  struct ebpf_error err;

  roundtrips++;
  if (text == NULL || ebpf_asm(text, &again, &m, &err) != 0 || m != n ||
      memcmp(again, insns, n * sizeof *insns) != 0) {
    roundtrip_failures++;
    tap_diag("%s: disassembly does not reassemble to the same bytecode", name);
  }
  free(text);
  free(again);
}

/* Load and run one vector; judge it as a positive test. */
static void
judge(const char *path, const char *name, struct verdict *v, bool positive)
{
  struct ebpf_testfile tf;
  struct ebpf_error err;
  struct ebpf_insn *insns = NULL;
  size_t n = 0;
  struct ebpf_prog *prog = NULL;
  char *text = read_text(path);

  v->outcome = FAIL;
  v->refused = true;
  v->why[0] = '\0';
  if (text == NULL) {
    snprintf(v->why, sizeof v->why, "cannot read");
    return;
  }
  if (ebpf_testfile_parse(text, &tf, &err) != 0) {
    snprintf(v->why, sizeof v->why, "parse: %s", err.msg);
    free(text);
    return;
  }
  free(text);
  if (tf.asm_text != NULL) {
    if (ebpf_asm(tf.asm_text, &insns, &n, &err) != 0) {
      snprintf(v->why, sizeof v->why, "asm: line %zu: %s", err.pc, err.msg);
      goto out;
    }
    if (tf.raw != NULL && (tf.raw_count != n || memcmp(tf.raw, insns, n * sizeof *insns) != 0)) {
      snprintf(v->why, sizeof v->why, "assembled program differs from the -- raw section");
      goto out;
    }
  } else if (tf.raw != NULL) {
    insns = malloc(tf.raw_count * sizeof *insns);
    if (insns == NULL)
      goto out;
    memcpy(insns, tf.raw, tf.raw_count * sizeof *insns);
    n = tf.raw_count;
  }
  const char *group = unclaimed_group(insns, n);
  if (group != NULL) {
    v->outcome = SKIP;
    snprintf(v->why, sizeof v->why, "needs group %s, not claimed by brig", group);
    goto out;
  }
  if (!tf.has_result && !tf.expect_error) {
    snprintf(v->why, sizeof v->why, "neither -- result nor -- error");
    goto out;
  }
  if (ebpf_load(&prog, insns, n, helpers, sizeof helpers / sizeof helpers[0], &err) != 0) {
    /* A program that must fail may fail at load or at run time. */
    if (tf.expect_error)
      v->outcome = PASS;
    snprintf(v->why, sizeof v->why, "load: insn %zu: %s", err.pc, err.msg);
    goto out;
  }
  if (positive)
    check_roundtrip(name, insns, n);

  struct ebpf_run *run = ebpf_run_new();
  if (run == NULL)
    goto out;
  v->refused = false;
  run->ctx = tf.mem;
  run->ctx_len = tf.mem_len;
  run->ctx_writable = true; /* the vectors store into their memory */
  int rc = ebpf_run(prog, run);
  if (rc != 0) {
    if (tf.expect_error)
      v->outcome = PASS;
    snprintf(v->why, sizeof v->why, "run: insn %zu: %s", run->err.pc, run->err.msg);
  } else if (tf.expect_error) {
    snprintf(v->why, sizeof v->why, "ran to r0=0x%llx, an error was expected",
             (unsigned long long)run->r0);
  } else if (run->r0 != tf.result) {
    snprintf(v->why, sizeof v->why, "r0=0x%llx, expected 0x%llx", (unsigned long long)run->r0,
             (unsigned long long)tf.result);
  } else {
    v->outcome = PASS;
  }
  free(run);
out:
  ebpf_prog_free(prog);
  free(insns);
  ebpf_testfile_free(&tf);
}

int
main(void)
{
  const char *dir = getenv("BRIG_BPF_CONFORMANCE_DIR");
  char def[4096], path[4096 + 512];
  size_t nfiles, passed = 0, failed = 0, skipped = 0, rejected = 0, nneg;

  if (dir == NULL || *dir == '\0') {
    snprintf(def, sizeof def, "%s/../shared/bpf-conformance", BRIG_TOP_SRCDIR);
    dir = def;
  }
  snprintf(path, sizeof path, "%s/tests", dir);
  char **files = list_data_files(path, &nfiles);
  if (files == NULL || nfiles == 0) {
    TAP_SKIP("conformance vectors not found in %s (set BRIG_BPF_CONFORMANCE_DIR)", dir);
    return tap_done();
  }

  for (size_t i = 0; i < nfiles; i++) {
    struct verdict v;
    snprintf(path, sizeof path, "%s/tests/%s", dir, files[i]);
    judge(path, files[i], &v, true);
    if (v.outcome == SKIP) {
      skipped++;
      TAP_SKIP("%s: %s", files[i], v.why);
    } else {
      v.outcome == PASS ? passed++ : failed++;
      TAP_OK(v.outcome == PASS, "conformance %s%s%s", files[i], v.why[0] ? " # " : "", v.why);
    }
    free(files[i]);
  }
  free(files);

  snprintf(path, sizeof path, "%s/negative", dir);
  files = list_data_files(path, &nneg);
  for (size_t i = 0; i < nneg; i++) {
    struct verdict v;
    snprintf(path, sizeof path, "%s/negative/%s", dir, files[i]);
    judge(path, files[i], &v, false);
    /* Rejected: refused before running, or the run did not give the
     * expected answer (the runner self-checks in negative/ expect that). */
    bool is_rejected = v.refused || v.outcome != PASS;
    rejected += is_rejected;
    TAP_OK(is_rejected, "negative %s rejected (%s)", files[i], v.why[0] ? v.why : "it passed");
    free(files[i]);
  }
  free(files);

  TAP_OK(roundtrip_failures == 0, "disasm/asm round trip of %d programs", roundtrips);
  tap_diag("conformance: %zu passed, %zu failed, %zu skipped (of %zu); negative: %zu/%zu rejected",
           passed, failed, skipped, nfiles, rejected, nneg);
  return tap_done();
}
