/* Filters built by brig, loaded in forked children, observed through what
 * the kernel really does: every action, every operator, several
 * comparisons on one rule, the same argument twice, the architectures list
 * and the TSYNC, LOG and SPEC_ALLOW flags. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp/filter.h"
#include "seccomp/load.h"
#include "tap.h"
#include "test-seccomp-util.h"

#define NR_PRIO SYS_getpriority
#define ALLOW_DEFAULT "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["

/* One rule on getpriority with the given action JSON, default ALLOW. */
static int
prio_outcome(const char *rule, long which, long who)
{
  char json[1024];
  oci_seccomp *sc;
  int r;

  snprintf(json, sizeof(json), ALLOW_DEFAULT "{\"names\":[\"getpriority\"],%s}]}", rule);
  sc = seccomp_from_json(json);
  r = child_outcome(sc, NR_PRIO, which, who, 0);
  oci_free(&oci_seccomp_desc, sc);
  return r;
}

static void
test_simple_actions(void)
{
  int r;

  r = prio_outcome("\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42", 0, 0);
  TAP_OK(r == 42, "ERRNO with errnoRet 42 returns 42 (%d)", r);
  r = prio_outcome("\"action\":\"SCMP_ACT_ERRNO\"", 0, 0);
  TAP_OK(r == EPERM, "ERRNO without errnoRet returns EPERM (%d)", r);
  r = prio_outcome("\"action\":\"SCMP_ACT_KILL\"", 0, 0);
  TAP_OK(r == -SIGSYS, "KILL kills with SIGSYS (%d)", r);
  r = prio_outcome("\"action\":\"SCMP_ACT_KILL_THREAD\"", 0, 0);
  TAP_OK(r == -SIGSYS, "KILL_THREAD kills a single-threaded process with SIGSYS (%d)", r);
  r = prio_outcome("\"action\":\"SCMP_ACT_KILL_PROCESS\"", 0, 0);
  TAP_OK(r == -SIGSYS, "KILL_PROCESS kills with SIGSYS (%d)", r);
  r = prio_outcome("\"action\":\"SCMP_ACT_TRACE\"", 0, 0);
  TAP_OK(r == ENOSYS, "TRACE without a tracer returns ENOSYS (%d)", r);
  r = prio_outcome("\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":42", 0, 0);
  TAP_OK(r == ENOSYS, "TRACE with errnoRet and no tracer returns ENOSYS too (%d)", r);
  r = prio_outcome("\"action\":\"SCMP_ACT_ALLOW\"", 0, 0);
  TAP_OK(r == OUT_SUCCESS, "ALLOW equal to the default action is skipped and allows (%d)", r);
}

static void
test_default_actions(void)
{
  const char *allow = "{\"names\":[\"exit_group\",\"exit\",\"getpriority\"],"
                      "\"action\":\"SCMP_ACT_ALLOW\"}]}";
  char json[512];
  oci_seccomp *sc;
  int r;

  snprintf(json, sizeof(json),
           "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":77,\"syscalls\":[%s", allow);
  sc = seccomp_from_json(json);
  r = child_outcome(sc, NR_PRIO, 0, 0, 0);
  TAP_OK(r == OUT_SUCCESS, "ALLOW rule under an ERRNO default allows (%d)", r);
  r = child_outcome(sc, SYS_getppid, 0, 0, 0);
  TAP_OK(r == 77, "default ERRNO returns defaultErrnoRet 77 (%d)", r);
  oci_free(&oci_seccomp_desc, sc);

  snprintf(json, sizeof(json), "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[%s", allow);
  sc = seccomp_from_json(json);
  r = child_outcome(sc, SYS_getppid, 0, 0, 0);
  TAP_OK(r == EPERM, "default ERRNO without defaultErrnoRet returns EPERM (%d)", r);
  oci_free(&oci_seccomp_desc, sc);

  snprintf(json, sizeof(json), "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[%s",
           allow);
  sc = seccomp_from_json(json);
  r = child_outcome(sc, SYS_getppid, 0, 0, 0);
  TAP_OK(r == -SIGSYS, "default KILL_PROCESS kills an unlisted syscall (%d)", r);
  r = child_outcome(sc, NR_PRIO, 0, 0, 0);
  TAP_OK(r == OUT_SUCCESS, "and lets the listed one through (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
}

static volatile sig_atomic_t trap_code, trap_syscall, trap_arch_ok;

static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
  trap_code = si->si_code;
  trap_syscall = si->si_syscall;
  trap_arch_ok = si->si_arch != 0;
}

static int
trap_child(void *arg)
{
  struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

  sigaction(SIGSYS, &sa, NULL);
  child_load(arg);
  syscall(NR_PRIO, 0, 0);
  if (trap_code == 1 /* SYS_SECCOMP */ && trap_syscall == NR_PRIO && trap_arch_ok)
    return OUT_OK;
  return OUT_CHECK_FAILED;
}

static void
test_trap(void)
{
  oci_seccomp *sc = seccomp_from_json(
      ALLOW_DEFAULT "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_TRAP\"}]}");
  int r = run_child(trap_child, sc);

  TAP_OK(r == OUT_OK, "TRAP raises SIGSYS with si_code SYS_SECCOMP and the syscall (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
}

struct thread_arg {
  int fd; /* read end: the thread waits for a byte before calling */
  long result;
  int err;
};

static void *
prio_thread(void *p)
{
  struct thread_arg *t = p;
  char c;

  if (t->fd >= 0 && read(t->fd, &c, 1) != 1)
    return NULL;
  t->result = syscall(NR_PRIO, 0, 0);
  t->err = errno;
  return NULL;
}

/* KILL_THREAD in a thread: that thread is gone, the process lives on. */
static int
kill_thread_child(void *arg)
{
  struct thread_arg t = { .fd = -1, .result = 12345 };
  pthread_t th;

  child_load(arg);
  if (pthread_create(&th, NULL, prio_thread, &t) != 0 || pthread_join(th, NULL) != 0)
    return OUT_CHECK_FAILED;
  return t.result == 12345 ? OUT_OK : OUT_CHECK_FAILED;
}

static int
kill_process_child(void *arg)
{
  struct thread_arg t = { .fd = -1 };
  pthread_t th;

  child_load(arg);
  if (pthread_create(&th, NULL, prio_thread, &t) == 0)
    pthread_join(th, NULL);
  return OUT_CHECK_FAILED; /* not reached: the whole process dies */
}

static void
test_kill_threads(void)
{
  oci_seccomp *sc = seccomp_from_json(
      ALLOW_DEFAULT "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_KILL_THREAD\"}]}");
  int r = run_child(kill_thread_child, sc);

  TAP_OK(r == OUT_OK, "KILL_THREAD in a thread kills only that thread (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
  sc = seccomp_from_json(ALLOW_DEFAULT
                         "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}");
  r = run_child(kill_process_child, sc);
  TAP_OK(r == -SIGSYS, "KILL_PROCESS in a thread kills the whole process (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
}

/* SCMP_ACT_LOG: allowed, and an audit record (type 1326, code 0x7ffc0000)
 * for the child's pid reaches the kernel log. */
static void
test_log(void)
{
  oci_seccomp *sc = seccomp_from_json(
      ALLOW_DEFAULT "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_LOG\"}]}");
  struct syscall_probe p = { .sc = sc, .nr = NR_PRIO };
  char line[2048], want_pid[32], want_nr[32];
  bool found = false;
  int kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  pid_t pid;
  ssize_t n;
  int r;

  if (kmsg >= 0)
    lseek(kmsg, 0, SEEK_END);
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    child_prepare();
    _exit(probe_child(&p));
  }
  r = wait_outcome(pid);
  TAP_OK(r == OUT_SUCCESS, "LOG allows the syscall (%d)", r);
  snprintf(want_pid, sizeof(want_pid), " pid=%d ", (int)pid);
  snprintf(want_nr, sizeof(want_nr), " syscall=%d ", (int)NR_PRIO);
  usleep(100 * 1000);
  while (kmsg >= 0 && (n = read(kmsg, line, sizeof(line) - 1)) != 0) {
    if (n < 0) {
      if (errno == EPIPE)
        continue;
      break;
    }
    line[n] = '\0';
    if (strstr(line, "type=1326") && strstr(line, want_pid) && strstr(line, want_nr) &&
        strstr(line, "code=0x7ffc0000"))
      found = true;
  }
  /* The record needs the kernel's audit support and a readable log; an
   * absent one is the environment's doing, not the filter's. */
  if (kmsg < 0)
    TAP_SKIP("LOG record: cannot read /dev/kmsg (%s)", strerror(errno));
  else if (!found)
    TAP_SKIP("LOG record: no seccomp audit record in the kernel log (audit off?)");
  else
    TAP_OK(found, "LOG writes an audit record for pid %d, syscall %d", (int)pid, (int)NR_PRIO);
  if (kmsg >= 0)
    close(kmsg);
  oci_free(&oci_seccomp_desc, sc);
}

/* Each operator on getpriority's second argument (who): a match returns
 * errno 42, anything else lets the real syscall run. */
static void
test_operators(void)
{
  static const struct {
    const char *op;
    unsigned long long value, value_two;
    long match, miss;
  } cases[] = {
    { "SCMP_CMP_EQ", 5, 0, 5, 6 },
    { "SCMP_CMP_NE", 5, 0, 6, 5 },
    { "SCMP_CMP_LT", 5, 0, 4, 5 },
    { "SCMP_CMP_LE", 5, 0, 5, 6 },
    { "SCMP_CMP_GT", 5, 0, 6, 5 },
    { "SCMP_CMP_GE", 5, 0, 5, 4 },
    { "SCMP_CMP_MASKED_EQ", 0xff00, 0x1200, 0x1234, 0x1334 },
    { "SCMP_CMP_EQ", 0x100000005ULL, 0, 0x100000005L, 5 }, /* all 64 bits compared */
  };
  size_t i;

  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char rule[256];
    int hit, miss;

    snprintf(rule, sizeof(rule),
             "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42,\"args\":[{\"index\":1,"
             "\"value\":%llu,\"valueTwo\":%llu,\"op\":\"%s\"}]",
             cases[i].value, cases[i].value_two, cases[i].op);
    hit = prio_outcome(rule, 0, cases[i].match);
    miss = prio_outcome(rule, 0, cases[i].miss);
    TAP_OK(hit == 42 && miss != 42 && miss > 0,
           "%s 0x%llx (0x%llx): who=0x%lx matches (%d), who=0x%lx does not (%d)", cases[i].op,
           cases[i].value, cases[i].value_two, cases[i].match, hit, cases[i].miss, miss);
  }
}

static void
test_several_comparisons(void)
{
  oci_seccomp *sc = seccomp_from_json(
      ALLOW_DEFAULT
      "{\"names\":[\"prctl\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42,"
      "\"args\":[{\"index\":0,\"value\":3,\"op\":\"SCMP_CMP_EQ\"},"
      "{\"index\":1,\"value\":10,\"op\":\"SCMP_CMP_GE\"},"
      "{\"index\":2,\"value\":240,\"valueTwo\":32,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}");
  int all, first, second, third;

  /* prctl(PR_GET_DUMPABLE) ignores its other arguments. */
  all = child_outcome(sc, SYS_prctl, PR_GET_DUMPABLE, 10, 0x2f);
  first = child_outcome(sc, SYS_prctl, PR_GET_DUMPABLE + 1, 10, 0x2f);
  second = child_outcome(sc, SYS_prctl, PR_GET_DUMPABLE, 9, 0x2f);
  third = child_outcome(sc, SYS_prctl, PR_GET_DUMPABLE, 10, 0x3f);
  TAP_OK(all == 42, "three comparisons on one rule: all hold, the rule applies (%d)", all);
  TAP_OK(first != 42 && second != 42 && third != 42,
         "one comparison fails, the rule does not apply (%d %d %d)", first, second, third);
  oci_free(&oci_seccomp_desc, sc);
}

static void
test_same_index(void)
{
  const char *rule = "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42,\"args\":["
                     "{\"index\":1,\"value\":5,\"op\":\"SCMP_CMP_EQ\"},"
                     "{\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]";
  int five = prio_outcome(rule, 0, 5), six = prio_outcome(rule, 0, 6),
      seven = prio_outcome(rule, 0, 7);

  TAP_OK(five == 42 && seven == 42 && six != 42,
         "two comparisons on one argument act as either (runc): 5 -> %d, 7 -> %d, 6 -> %d", five,
         seven, six);
}

#if defined(__x86_64__)
static long
int80_getpid(void)
{
  long r;

  __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L /* i386 getpid */) : "memory");
  return r;
}

static int
int80_child(void *arg)
{
  long r;

  if (arg)
    child_load(arg);
  r = int80_getpid();
  if (r == -42)
    return 42;
  return r == getpid() ? OUT_SUCCESS : OUT_CHECK_FAILED;
}

static int
x32_child(void *arg)
{
  long r;

  child_load(arg);
  r = syscall(0x40000000L | SYS_getpid);
  return r < 0 && errno < OUT_SUCCESS ? errno : OUT_SUCCESS;
}

static void
test_architectures(void)
{
  const char *with = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
                     "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
                     "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";
  const char *without = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":["
                        "\"SCMP_ARCH_X86_64\"],\"syscalls\":["
                        "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}";
  oci_seccomp *sc_with = seccomp_from_json(with), *sc_without = seccomp_from_json(without);
  int r;

  r = run_child(x32_child, sc_with);
  TAP_OK(r == 42, "x32 listed: the x32 getpid rule applies (%d)", r);
  r = run_child(x32_child, sc_without);
  TAP_OK(r == -SIGSYS, "x32 not listed: an x32 syscall is a bad architecture, killed (%d)", r);
  if (run_child(int80_child, NULL) != OUT_SUCCESS) {
    TAP_SKIP("no i386 syscall emulation (int 0x80) in this kernel");
    TAP_SKIP("no i386 syscall emulation (int 0x80) in this kernel");
  } else {
    r = run_child(int80_child, sc_with);
    TAP_OK(r == 42, "x86 listed: the i386 getpid rule applies through int 0x80 (%d)", r);
    r = run_child(int80_child, sc_without);
    TAP_OK(r == -SIGSYS, "x86 not listed: an i386 syscall is a bad architecture, killed (%d)", r);
  }
  oci_free(&oci_seccomp_desc, sc_with);
  oci_free(&oci_seccomp_desc, sc_without);
}
#else
static void
test_architectures(void)
{
  int i;

  for (i = 0; i < 4; i++)
    TAP_SKIP("the architecture checks use x86_64 syscall conventions");
}
#endif

/* A thread started before the load is filtered too with TSYNC. */
static int
tsync_child(void *arg)
{
  struct thread_arg t = { .result = 0 };
  int p[2];
  pthread_t th;

  if (pipe2(p, O_CLOEXEC) < 0)
    return OUT_CHECK_FAILED;
  t.fd = p[0];
  if (pthread_create(&th, NULL, prio_thread, &t) != 0)
    return OUT_CHECK_FAILED;
  child_load(arg);
  if (write(p[1], "x", 1) != 1 || pthread_join(th, NULL) != 0)
    return OUT_CHECK_FAILED;
  return t.result < 0 ? t.err : OUT_SUCCESS;
}

static void
test_tsync(void)
{
#define TSYNC_JSON(flags)                                                      \
  "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[" flags "],\"syscalls\":[" \
  "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]}"
  oci_seccomp *sc;
  int r;

  sc = seccomp_from_json(TSYNC_JSON("\"SECCOMP_FILTER_FLAG_TSYNC\""));
  r = run_child(tsync_child, sc);
  TAP_OK(r == 42, "TSYNC: a thread started before the load is filtered (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
  sc = seccomp_from_json(TSYNC_JSON(""));
  r = run_child(tsync_child, sc);
  TAP_OK(r == OUT_SUCCESS, "without TSYNC that thread is not filtered (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
}

static void
read_ssb(char *buf, size_t size)
{
  FILE *f = fopen("/proc/self/status", "re");
  char line[256];

  snprintf(buf, size, "?");
  while (f && fgets(line, sizeof(line), f))
    if (strncmp(line, "Speculation_Store_Bypass:", 25) == 0)
      snprintf(buf, size, "%s", line + 25 + strspn(line + 25, " \t"));
  if (f)
    fclose(f);
  buf[strcspn(buf, "\n")] = '\0';
}

/* Exit status 0 when the SSB line did not change across the load. */
static int
ssb_child(void *arg)
{
  char before[128], after[128];

  read_ssb(before, sizeof(before));
  child_load(arg);
  read_ssb(after, sizeof(after));
  printf("# Speculation_Store_Bypass: \"%s\" -> \"%s\"\n", before, after);
  fflush(stdout);
  return strcmp(before, after) == 0 ? OUT_OK : OUT_CHECK_FAILED;
}

static void
test_log_and_spec_allow_flags(void)
{
  oci_seccomp *sc = seccomp_from_json(
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
      "\"syscalls\":[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]"
      "}");
  int r = child_outcome(sc, NR_PRIO, 0, 0, 0);

  TAP_OK(r == 42, "SECCOMP_FILTER_FLAG_LOG loads and the filter applies (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
  sc = seccomp_from_json(
      "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
      "\"syscalls\":[{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42}]"
      "}");
  r = child_outcome(sc, NR_PRIO, 0, 0, 0);
  TAP_OK(r == 42, "SECCOMP_FILTER_FLAG_SPEC_ALLOW loads and the filter applies (%d)", r);
  r = run_child(ssb_child, sc);
  TAP_OK(r == OUT_OK, "SPEC_ALLOW leaves the speculative store bypass setting alone (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
  sc = seccomp_from_json("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
  r = run_child(ssb_child, sc);
  tap_diag("without SPEC_ALLOW the setting %s",
           r == OUT_OK ? "is unchanged (CPU or kernel policy)" : "changes (seccomp mitigation)");
  oci_free(&oci_seccomp_desc, sc);
}

static int
nnp_after_load_child(void *arg)
{
  child_load(arg);
  return (int)prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

/* noNewPrivileges false: root (CAP_SYS_ADMIN) loads without no_new_privs;
 * a process without CAP_SYS_ADMIN and without it gets the explaining
 * error. */
static int
no_nnp_child(void *arg)
{
  brig_seccomp_filter *f = NULL;
  brig_error *err = NULL;
  int fd;

  if (brig_seccomp_build(arg, &f, &err) < 0)
    return OUT_BUILD_FAILED;
  if (setresuid(65534, 65534, 65534) < 0)
    return OUT_CHECK_FAILED;
  if (brig_seccomp_load(f, &fd, &err) == 0)
    return OUT_CHECK_FAILED;
  printf("# %s\n", err->msg);
  fflush(stdout);
  return strcmp(err->msg, "seccomp: load filter (without noNewPrivileges the filter must be loaded "
                          "while the process has CAP_SYS_ADMIN): Permission denied") == 0
             ? OUT_OK
             : OUT_CHECK_FAILED;
}

static void
test_privileges(void)
{
  oci_seccomp *sc = seccomp_from_json(
      ALLOW_DEFAULT "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
  int r;

  if (geteuid() != 0) {
    TAP_SKIP("loading without no_new_privs needs root");
    TAP_SKIP("loading without no_new_privs needs root");
  } else {
    r = run_child(nnp_after_load_child, sc);
    TAP_OK(r == 0, "root loads without setting no_new_privs (PR_GET_NO_NEW_PRIVS %d)", r);
    r = run_child(no_nnp_child, sc);
    TAP_OK(r == OUT_OK, "without CAP_SYS_ADMIN nor no_new_privs the load fails clearly (%d)", r);
  }
  oci_free(&oci_seccomp_desc, sc);
}

int
main(void)
{
  if (!seccomp_available()) {
    TAP_SKIP("the kernel cannot load seccomp filters");
    return tap_done();
  }
  test_simple_actions();
  test_default_actions();
  test_trap();
  test_kill_threads();
  test_log();
  test_operators();
  test_several_comparisons();
  test_same_index();
  test_architectures();
  test_tsync();
  test_log_and_spec_allow_flags();
  test_privileges();
  return tap_done();
}
