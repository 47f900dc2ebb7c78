/* linux.seccomp -> libseccomp context -> BPF, without loading anything:
 * validation messages, skipped rules, architectures, flags, the exported
 * program and fd hygiene. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "seccomp/filter.h"
#include "seccomp/load.h"
#include "tap.h"
#include "test-seccomp-util.h"
#include "util/log.h"

/* Builds sc and compares the error message with want (NULL: must succeed). */
static void
expect_build(const oci_seccomp *sc, const char *want, const char *what)
{
  brig_seccomp_filter *f = NULL;
  brig_error *err = NULL;
  int r = brig_seccomp_build(sc, &f, &err);

  if (!want) {
    TAP_OK(r == 0 && f, "%s builds%s%s", what, err ? ": " : "", err ? err->msg : "");
  } else {
    TAP_OK(r == -1 && !f && err && strcmp(err->msg, want) == 0, "%s: \"%s\"", what,
           err ? err->msg : "(no error)");
    if (r == -1 && err && strcmp(err->msg, want) != 0)
      tap_diag("expected \"%s\"", want);
  }
  brig_seccomp_filter_free(f);
  brig_error_clear(&err);
}

/* Hand-built objects: the parser already rejects unknown enum values, the
 * builder must too (specs built in code, policy transforms). */
static void
test_validation(void)
{
  char *names[] = { "getpid", "" };
  char *arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_FOO" };
  char *bad_flag[] = { "SECCOMP_FILTER_FLAG_NOPE" };
  oci_seccomp_arg args[2] = { { .index = 0, .value = 1, .op = "SCMP_CMP_EQ" },
                              { .index = 6, .value = 1, .op = "SCMP_CMP_EQ" } };
  oci_seccomp_syscall rule = { .names = names, .names_len = 1, .action = "SCMP_ACT_ERRNO" };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .syscalls_len = 1 };

  sc.default_action = "SCMP_ACT_NOPE";
  expect_build(&sc, "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"",
               "unknown default action");
  sc.default_action = NULL;
  expect_build(&sc, "linux.seccomp.defaultAction: must be set", "missing default action");
  sc.default_action = "SCMP_ACT_NOTIFY";
  sc.listener_path = "/run/agent.sock";
  expect_build(&sc, "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action",
               "NOTIFY as default action");
  sc.listener_path = NULL;
  sc.default_action = "SCMP_ACT_ALLOW";

  rule.action = "SCMP_ACT_KILLALL";
  expect_build(&sc, "linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_KILLALL\"",
               "unknown rule action");
  rule.action = "SCMP_ACT_NOTIFY";
  expect_build(&sc,
               "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY requires "
               "linux.seccomp.listenerPath",
               "NOTIFY without listenerPath");
  sc.listener_metadata = "hello";
  sc.listener_path = NULL;
  rule.action = "SCMP_ACT_ERRNO";
  expect_build(&sc, "linux.seccomp.listenerMetadata: requires linux.seccomp.listenerPath",
               "listenerMetadata without listenerPath");
  sc.listener_metadata = NULL;

  sc.architectures = arches;
  sc.architectures_len = 2;
  expect_build(&sc, "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\"",
               "unknown architecture");
  sc.architectures_len = 0;
  sc.flags = bad_flag;
  sc.flags_len = 1;
  expect_build(&sc, "linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_NOPE\"",
               "unknown flag");
  sc.flags_len = 0;

  rule.names_len = 2;
  expect_build(&sc, "linux.seccomp.syscalls[0].names[1]: must not be empty", "empty syscall name");
  rule.names_len = 1;
  rule.args = args;
  rule.args_len = 2;
  expect_build(&sc, "linux.seccomp.syscalls[0].args[1].index: 6 is out of range (0 to 5)",
               "argument index 6");
  args[1].index = 1;
  args[1].op = "SCMP_CMP_ALMOST";
  expect_build(&sc, "linux.seccomp.syscalls[0].args[1].op: unknown operator \"SCMP_CMP_ALMOST\"",
               "unknown operator");
  args[1].op = "SCMP_CMP_NE";
  rule.has_errno_ret = true;
  rule.errno_ret = 70000;
  expect_build(&sc, "linux.seccomp.syscalls[0].errnoRet: 70000 is out of range (at most 65535)",
               "errnoRet out of range");
  rule.errno_ret = 42;
  sc.has_default_errno_ret = true;
  sc.default_errno_ret = 1u << 20;
  expect_build(&sc, "linux.seccomp.defaultErrnoRet: 1048576 is out of range (at most 65535)",
               "defaultErrnoRet out of range");
  sc.has_default_errno_ret = false;
  /* An errno only for the actions that return one (runtime-spec: MUST
   * fail otherwise); names must not be empty. */
  rule.action = "SCMP_ACT_KILL";
  expect_build(&sc, "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL does not take an errno",
               "errnoRet on SCMP_ACT_KILL");
  rule.action = "SCMP_ACT_TRACE";
  expect_build(&sc, NULL, "errnoRet on SCMP_ACT_TRACE");
  rule.action = "SCMP_ACT_ERRNO";
  sc.has_default_errno_ret = true;
  sc.default_errno_ret = 5;
  expect_build(&sc, "linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW does not take an errno",
               "defaultErrnoRet on SCMP_ACT_ALLOW");
  sc.has_default_errno_ret = false;
  rule.names_len = 0;
  expect_build(&sc, "linux.seccomp.syscalls[0].names: must contain at least one entry",
               "empty names");
  rule.names_len = 1;
  expect_build(&sc, NULL, "the corrected object");
}

static void
test_arch_unsupported_by_libseccomp(void)
{
  char *arches[] = { "SCMP_ARCH_LOONGARCH64" };
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW",
                     .architectures = arches,
                     .architectures_len = 1 };
  const struct scmp_version *v = seccomp_version();
  char want[160];

  if (seccomp_arch_resolve_name("loongarch64") != 0) {
    TAP_SKIP("this libseccomp knows loongarch64");
    return;
  }
  snprintf(want, sizeof(want),
           "linux.seccomp.architectures[0]: SCMP_ARCH_LOONGARCH64 is not supported by libseccomp "
           "%u.%u.%u",
           v->major, v->minor, v->micro);
  expect_build(&sc, want, "architecture unknown to libseccomp");
}

/* Reads the whole log file. */
static char *
slurp(const char *path)
{
  static char buf[65536];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

  if (fd >= 0)
    close(fd);
  buf[n > 0 ? n : 0] = '\0';
  return buf;
}

static void
test_skipped_rules(void)
{
  oci_seccomp *sc = seccomp_from_json(
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
      "{\"names\":[\"getpid\",\"no_such_syscall_xyz\"],\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
      "{\"names\":[\"gettid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
  char path[] = "/tmp/brig-seccomp-log-XXXXXX";
  brig_seccomp_filter *f = NULL;
  brig_error *err = NULL;
  const char *log;
  int fd = mkstemp(path);

  if (fd >= 0)
    close(fd);
  brig_log_init(path, BRIG_LOG_TEXT, BRIG_LOG_DEBUG, &err);
  TAP_OK(brig_seccomp_build(sc, &f, &err) == 0, "unknown names and default-action rules build");
  brig_log_close();
  brig_log_init(NULL, BRIG_LOG_TEXT, BRIG_LOG_WARNING, &err);
  log = slurp(path); /* text format: the quotes of the message are escaped */
  unlink(path);
  TAP_OK(f && f->rules == 2 && f->skipped == 2, "2 rules added, 2 names skipped (%zu, %zu)",
         f ? f->rules : 0, f ? f->skipped : 0);
  TAP_OK(strstr(log, "seccomp: unknown syscall \\\"no_such_syscall_xyz\\\" ignored") != NULL,
         "--debug names the unknown syscall");
  TAP_OK(strstr(log, "seccomp: syscall \\\"getppid\\\": SCMP_ACT_ERRNO is the default "
                     "action, rule skipped") != NULL,
         "--debug names the rule equal to the default action");
  TAP_OK(f && !f->notify && f->flags == 0, "no listener, no flags");
  brig_seccomp_filter_free(f);
  oci_free(&oci_seccomp_desc, sc);
}

static void
test_same_index_split(void)
{
  oci_seccomp *sc = seccomp_from_json(
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
      "{\"names\":[\"getpriority\",\"setpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
      "{\"index\":1,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
      "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_LOG\",\"args\":["
      "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":1,\"value\":9,\"op\":\"SCMP_CMP_EQ\"}]}]}");
  brig_seccomp_filter *f = NULL;
  brig_error *err = NULL;

  TAP_OK(brig_seccomp_build(sc, &f, &err) == 0, "a rule testing one argument twice builds%s%s",
         err ? ": " : "", err ? err->msg : "");
  TAP_OK(f && f->rules == 2 * 3 + 1, "it becomes one rule per comparison and name (%zu)",
         f ? f->rules : 0);
  brig_seccomp_filter_free(f);
  brig_error_clear(&err);
  oci_free(&oci_seccomp_desc, sc);
}

static bool
prog_has_k(const struct sock_fprog *p, uint32_t k)
{
  unsigned i;

  for (i = 0; i < p->len; i++)
    if (p->filter[i].k == k)
      return true;
  return false;
}

static void
test_arches_and_flags(void)
{
  oci_seccomp *sc = seccomp_from_json(
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\","
      "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
      "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
      "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
      "\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"m\","
      "\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
      "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}");
  brig_seccomp_filter *f = NULL;
  brig_error *err = NULL;
  unsigned int lf;

  TAP_OK(brig_seccomp_build(sc, &f, &err) == 0, "architectures, flags and NOTIFY build%s%s",
         err ? ": " : "", err ? err->msg : "");
  if (!f) {
    brig_error_clear(&err);
    oci_free(&oci_seccomp_desc, sc);
    return;
  }
  TAP_OK(seccomp_arch_exist(f->ctx, SCMP_ARCH_X86) == 0 &&
             seccomp_arch_exist(f->ctx, SCMP_ARCH_X32) == 0 &&
             seccomp_arch_exist(f->ctx, SCMP_ARCH_X86_64) == 0,
         "x86 and x32 are added next to x86_64");
  TAP_OK(prog_has_k(&f->prog, AUDIT_ARCH_I386) && prog_has_k(&f->prog, AUDIT_ARCH_X86_64),
         "the program checks the i386 and x86_64 audit arches");
  TAP_OK(f->flags == (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
                      SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
         "all four flags are kept (0x%x)", f->flags);
  TAP_OK(f->notify, "a NOTIFY rule asks for a listener");
  lf = brig_seccomp_load_flags(f);
  TAP_OK(lf == (f->flags | SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH),
         "load flags add NEW_LISTENER and TSYNC_ESRCH (0x%x)", lf);
  f->notify = false;
  lf = brig_seccomp_load_flags(f);
  TAP_OK(!(lf & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) && !(lf & SECCOMP_FILTER_FLAG_NEW_LISTENER),
         "without a listener WAIT_KILLABLE_RECV is dropped (0x%x)", lf);
  TAP_OK(brig_seccomp_uses_notify(sc), "brig_seccomp_uses_notify sees the NOTIFY rule");
  {
    const char *const init_uses[] = { "sendmsg", "mkdir", NULL };
    const char *const other[] = { "sendmsg", NULL };
    int r = brig_seccomp_check_notify_syscalls(sc, init_uses, &err);

    TAP_OK(r == -1 && err &&
               strcmp(err->msg, "linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY on \"mkdir\" would "
                                "block the container init before it hands the listener fd "
                                "over") == 0,
           "NOTIFY on a syscall the init needs is refused: %s", err ? err->msg : "");
    brig_error_clear(&err);
    TAP_OK(brig_seccomp_check_notify_syscalls(sc, other, &err) == 0,
           "NOTIFY on other syscalls is fine");
  }
  brig_seccomp_filter_free(f);
  oci_free(&oci_seccomp_desc, sc);
}

/* The program brig exports is what libseccomp exports for the context,
 * and what a context built by hand with the same rules gives. */
static void
test_export(void)
{
  oci_seccomp *sc = seccomp_from_json(
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
      "{\"names\":[\"read\",\"write\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42,\"args\":["
      "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":1,\"value\":255,\"valueTwo\":18,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}");
  struct sock_fprog prog = { 0 }, mine = { 0 };
  brig_seccomp_filter *f = NULL;
  brig_error *err = NULL;
  scmp_filter_ctx ctx;
  char path[] = "/tmp/brig-seccomp-bpf-XXXXXX";
  struct stat st;
  void *buf = NULL;
  int fd;

  int r = brig_seccomp_export_bpf(sc, &prog, &err);

  TAP_OK(r == 0 && prog.len > 0 && prog.filter,
         "brig_seccomp_export_bpf gives a non-empty program (%u instructions)", prog.len);
  brig_seccomp_build(sc, &f, &err);
  fd = mkstemp(path);
  unlink(path);
  if (f && fd >= 0 && seccomp_export_bpf(f->ctx, fd) == 0 && fstat(fd, &st) == 0) {
    buf = malloc((size_t)st.st_size);
    if (buf && pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
      free(buf);
      buf = NULL;
    }
  }
  TAP_OK(buf && (size_t)st.st_size == prog.len * sizeof(struct sock_filter) &&
             memcmp(buf, prog.filter, (size_t)st.st_size) == 0,
         "it is byte for byte what seccomp_export_bpf writes");
  free(buf);
  if (fd >= 0)
    close(fd);

  ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 0);
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 0);
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
  seccomp_rule_add(ctx, SCMP_ACT_ERRNO(42), SCMP_SYS(getpriority), 2, SCMP_A0(SCMP_CMP_EQ, 0, 0),
                   SCMP_A1(SCMP_CMP_MASKED_EQ, 255, 18));
  fd = memfd_create("x", MFD_CLOEXEC);
  if (seccomp_export_bpf(ctx, fd) == 0 && fstat(fd, &st) == 0) {
    mine.len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
    mine.filter = malloc((size_t)st.st_size);
    if (mine.filter && pread(fd, mine.filter, (size_t)st.st_size, 0) != st.st_size)
      mine.len = 0;
  }
  close(fd);
  seccomp_release(ctx);
  TAP_OK(mine.len == prog.len && mine.filter &&
             memcmp(mine.filter, prog.filter, prog.len * sizeof(struct sock_filter)) == 0,
         "and what a hand-written libseccomp context gives");
  free(mine.filter);
  brig_seccomp_fprog_clear(&prog);
  TAP_OK(prog.filter == NULL && prog.len == 0, "brig_seccomp_fprog_clear empties the program");
  brig_seccomp_filter_free(f);
  brig_error_clear(&err);
  oci_free(&oci_seccomp_desc, sc);
}

static void
test_no_fd_leak(void)
{
  oci_seccomp *ok =
      seccomp_from_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                        "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}");
  char *arches[] = { "SCMP_ARCH_LOONGARCH64" };
  oci_seccomp bad = { .default_action = "SCMP_ACT_ALLOW",
                      .architectures = arches,
                      .architectures_len = 1 };
  struct sock_fprog prog;
  brig_error *err = NULL;
  int before = count_fds(), i;

  for (i = 0; i < 20; i++) {
    brig_seccomp_export_bpf(ok, &prog, &err);
    brig_seccomp_fprog_clear(&prog);
    brig_seccomp_export_bpf(&bad, &prog, &err);
    brig_error_clear(&err);
  }
  TAP_OK(count_fds() == before, "building and failing leave no fd behind (%d -> %d)", before,
         count_fds());
  oci_free(&oci_seccomp_desc, ok);
}

int
main(void)
{
  test_validation();
  test_arch_unsupported_by_libseccomp();
  test_skipped_rules();
  test_same_index_split();
  test_arches_and_flags();
  test_export();
  test_no_fd_leak();
  return tap_done();
}
