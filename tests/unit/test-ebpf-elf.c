/* ELF loader: compile small C programs with clang -target bpf at test time,
 * load and run them; check that unsupported features fail clearly and that
 * corrupt objects fail without crashing.  Skipped when clang is absent
 * ($CLANG overrides the compiler). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ebpf.h"
#include "tap.h"

static char tmpdir[] = "/tmp/brig-ebpf-elf-XXXXXX";

static int
helper_port_allowed(struct ebpf_run *run, uint64_t port, uint64_t b, uint64_t c, uint64_t d,
                    uint64_t e, uint64_t *r0)
{
  (void)run, (void)b, (void)c, (void)d, (void)e;
  *r0 = port == 8080 || port == 8443;
  return 0;
}

static const struct ebpf_helper helpers[] = { { 7, "port_allowed", helper_port_allowed } };

static bool
write_text(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return false;
  size_t len = strlen(text);
  bool ok = write(fd, text, len) == (ssize_t)len;
  return close(fd) == 0 && ok;
}

static unsigned char *
read_all(const char *path, size_t *len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  unsigned char *buf = NULL;
  if (fd < 0)
    return NULL;
  if (fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1)) != NULL)
    *len = (size_t)read(fd, buf, (size_t)st.st_size);
  close(fd);
  return buf;
}

/* clang -target bpf -O2 [-g] -c NAME.c -o NAME.o; returns the object. */
static unsigned char *
compile(const char *clang, const char *name, const char *source, bool debug, size_t *len)
{
  char src[256], obj[256];
  snprintf(src, sizeof src, "%s/%s.c", tmpdir, name);
  snprintf(obj, sizeof obj, "%s/%s.o", tmpdir, name);
  if (!write_text(src, source))
    return NULL;
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull >= 0)
      dup2(devnull, STDERR_FILENO);
    if (debug)
      execlp(clang, clang, "-target", "bpf", "-O2", "-g", "-c", src, "-o", obj, (char *)NULL);
    else
      execlp(clang, clang, "-target", "bpf", "-O2", "-c", src, "-o", obj, (char *)NULL);
    _exit(127);
  }
  int status;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return NULL;
  return read_all(obj, len);
}

static const char policy_source[] =
    "struct bind_ctx { unsigned int family; unsigned int port; unsigned long long uid; };\n"
    "static long (*port_allowed)(unsigned long port) = (void *)7;\n"
    "static __attribute__((noinline)) int privileged(unsigned int port)\n"
    "{ return port < 1024; }\n"
    "__attribute__((section(\"brig/bind\"), used))\n"
    "int check_bind(struct bind_ctx *ctx)\n"
    "{\n"
    "  if (ctx->family != 2 && ctx->family != 10) return 0;\n"
    "  if (privileged(ctx->port)) return ctx->uid == 0 ? 1 : -1;\n"
    "  return port_allowed(ctx->port) ? 1 : -13;\n"
    "}\n";

struct bind_ctx {
  uint32_t family, port;
  uint64_t uid;
};

static int64_t
run_policy(const struct ebpf_prog *prog, uint32_t family, uint32_t port, uint64_t uid)
{
  struct bind_ctx ctx = { family, port, uid };
  struct ebpf_run *run = ebpf_run_new();
  run->ctx = &ctx;
  run->ctx_len = sizeof ctx;
  int64_t r = ebpf_run(prog, run) == 0 ? (int64_t)(int32_t)run->r0 : 999;
  free(run);
  return r;
}

static void
test_policy(const char *clang)
{
  size_t len = 0;
  unsigned char *obj = compile(clang, "policy", policy_source, false, &len);
  if (!TAP_OK(obj != NULL, "clang compiles the policy program"))
    return;
  struct ebpf_insn *insns;
  size_t n;
  struct ebpf_error err;
  int rc = ebpf_elf_load(obj, len, "brig/bind", &insns, &n, &err);
  if (!TAP_OK(rc == 0, "ELF section brig/bind loads (%zu instructions)%s%s", rc ? 0 : n,
              rc ? ": " : "", rc ? err.msg : "")) {
    free(obj);
    return;
  }
  struct ebpf_prog *prog;
  rc = ebpf_load(&prog, insns, n, helpers, 1, &err);
  TAP_OK(rc == 0, "the compiled program passes the verifier%s%s", rc ? ": " : "",
         rc ? err.msg : "");
  if (rc == 0) {
    TAP_OK(run_policy(prog, 2, 80, 0) == 1, "root may bind port 80");
    TAP_OK(run_policy(prog, 10, 80, 1000) == -1, "a user may not bind port 80");
    TAP_OK(run_policy(prog, 2, 8080, 1000) == 1, "port 8080 is allowed by the helper");
    TAP_OK(run_policy(prog, 2, 9000, 1000) == -13, "port 9000 is refused by the helper");
    TAP_OK(run_policy(prog, 1, 80, 0) == 0, "other families are ignored");
    ebpf_prog_free(prog);
  }
  TAP_OK(ebpf_load(&prog, insns, n, NULL, 0, &err) == EBPF_E_VERIFY &&
             strstr(err.msg, "unknown helper 7") != NULL,
         "without the helper the program is rejected: %s", err.msg);
  free(insns);

  rc = ebpf_elf_load(obj, len, "nosuch", &insns, &n, &err);
  TAP_OK(rc == EBPF_E_ELF && strstr(err.msg, "nosuch"), "a missing section is named: %s", err.msg);

  /* Corrupt copies: truncated, and bytes flipped all over; never a crash. */
  int failures = 0;
  for (size_t cut = 0; cut < len; cut += 7) {
    if (ebpf_elf_load(obj, cut, NULL, &insns, &n, &err) == 0) {
      free(insns);
    } else {
      failures++;
    }
  }
  unsigned char *copy = malloc(len);
  unsigned seed = 1;
  for (int round = 0; round < 2000; round++) {
    memcpy(copy, obj, len);
    for (int k = 0; k < 4; k++) {
      seed = seed * 1103515245u + 12345u;
      copy[(seed >> 8) % len] ^= (unsigned char)(1u << (seed % 8));
    }
    if (ebpf_elf_load(copy, len, NULL, &insns, &n, &err) == 0)
      free(insns);
  }
  free(copy);
  TAP_OK(failures > 0, "truncated and corrupted objects fail cleanly (%d truncations refused)",
         failures);
  free(obj);
}

static void
expect_unsupported(const char *clang, const char *name, const char *source, bool debug,
                   const char *reason)
{
  size_t len = 0;
  unsigned char *obj = compile(clang, name, source, debug, &len);
  if (obj == NULL) {
    TAP_SKIP("%s: clang could not compile the sample", name);
    return;
  }
  struct ebpf_insn *insns = NULL;
  size_t n;
  struct ebpf_error err = { 0 };
  int rc = ebpf_elf_load(obj, len, "prog", &insns, &n, &err);
  TAP_OK(rc != 0 && strstr(err.msg, reason) != NULL, "%s is refused: %s", name,
         rc ? err.msg : "loaded");
  free(insns);
  free(obj);
}

int
main(void)
{
  const char *clang = getenv("CLANG");
  if (clang == NULL || *clang == '\0')
    clang = "clang";
  if (mkdtemp(tmpdir) == NULL) {
    TAP_SKIP("mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  size_t len;
  unsigned char *obj = compile(clang, "probe", "int f(void) { return 0; }\n", false, &len);
  if (obj == NULL) {
    TAP_SKIP("%s cannot compile for -target bpf", clang);
  } else {
    free(obj);
    test_policy(clang);
    expect_unsupported(clang, "global data",
                       "int counter;\n__attribute__((section(\"prog\"), used))\n"
                       "int f(void) { return ++counter; }\n",
                       false, "global data");
    expect_unsupported(clang, "a map",
                       "struct { int type; int max_entries; } my_map "
                       "__attribute__((section(\".maps\"), used));\n"
                       "__attribute__((section(\"prog\"), used))\n"
                       "long f(void) { return (long)&my_map; }\n",
                       false, "map 'my_map'");
    expect_unsupported(clang, "an external function",
                       "extern int ext(int);\n__attribute__((section(\"prog\"), used))\n"
                       "int f(int x) { return ext(x) + 1; }\n",
                       false, "external function");
    expect_unsupported(clang, "a BTF CO-RE relocation",
                       "struct task { int pid; } __attribute__((preserve_access_index));\n"
                       "__attribute__((section(\"prog\"), used))\n"
                       "int f(struct task *t) { return t->pid; }\n",
                       true, "CO-RE");
  }
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", tmpdir);
  if (system(cmd) != 0)
    tap_diag("could not remove %s", tmpdir);
  return tap_done();
}
