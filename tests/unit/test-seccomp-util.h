/* Helpers shared by the seccomp tests: a linux.seccomp object from JSON
 * text, a forked child that loads a filter and reports what one syscall
 * did, and an fd count for leak checks. */
#ifndef BRIG_TESTS_SECCOMP_UTIL_H
#define BRIG_TESTS_SECCOMP_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocispec/ocispec.h"
#include "seccomp/filter.h"
#include "seccomp/load.h"
#include "util/error.h"

/* Outcomes of a child, as returned by child_outcome(). */
#define OUT_SUCCESS 200 /* the syscall returned >= 0 */
#define OUT_BUILD_FAILED 250
#define OUT_LOAD_FAILED 251
#define OUT_CHECK_FAILED 252 /* a child-specific check failed */
#define OUT_OK 0             /* a child-specific check passed */

/* Parses a linux.seccomp object; aborts the test on a parse error, since
 * the JSON is part of the test. */
__attribute__((unused)) static oci_seccomp *
seccomp_from_json(const char *json)
{
  char *perr = NULL;
  oci_seccomp *sc = oci_parse_data(&oci_seccomp_desc, "seccomp", json, strlen(json), NULL, &perr);

  if (!sc) {
    printf("Bail out! test JSON does not parse: %s\n", perr ? perr : "?");
    exit(1);
  }
  return sc;
}

__attribute__((unused)) static int
count_fds(void)
{
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int n = 0;

  if (!d)
    return -1;
  while ((e = readdir(d)))
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n - 1; /* the directory's own fd */
}

/* In a child: no core dumps from the SIGSYS kills, and no_new_privs when
 * not root (unprivileged processes may only load filters with it). */
__attribute__((unused)) static void
child_prepare(void)
{
  struct rlimit rl = { 0, 0 };

  setrlimit(RLIMIT_CORE, &rl);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (geteuid() != 0)
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Builds and loads sc in the calling (child) process; exits with
 * OUT_BUILD_FAILED / OUT_LOAD_FAILED on failure. */
__attribute__((unused)) static int
child_load(const oci_seccomp *sc)
{
  brig_seccomp_filter *f = NULL;
  brig_error *err = NULL;
  int fd = -1;

  if (brig_seccomp_build(sc, &f, &err) < 0) {
    fprintf(stderr, "# child: %s\n", err->msg);
    _exit(OUT_BUILD_FAILED);
  }
  if (brig_seccomp_load(f, &fd, &err) < 0) {
    fprintf(stderr, "# child: %s\n", err->msg);
    _exit(OUT_LOAD_FAILED);
  }
  return fd;
}

/* Waits for pid: the exit status, or -signal when killed. */
__attribute__((unused)) static int
wait_outcome(pid_t pid)
{
  int status;

  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1000;
  if (WIFSIGNALED(status))
    return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

/* Runs fn(arg) in a forked child; its return value is the exit status. */
__attribute__((unused)) static int
run_child(int (*fn)(void *), void *arg)
{
  pid_t pid;

  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid < 0)
    return -1000;
  if (pid == 0) {
    child_prepare();
    _exit(fn(arg));
  }
  return wait_outcome(pid);
}

struct syscall_probe {
  const oci_seccomp *sc;
  long nr;
  long a[6];
};

__attribute__((unused)) static int
probe_child(void *arg)
{
  struct syscall_probe *p = arg;
  long r;

  child_load(p->sc);
  r = syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4], p->a[5]);
  if (r >= 0)
    return OUT_SUCCESS;
  return errno < OUT_SUCCESS ? errno : OUT_CHECK_FAILED;
}

/* Loads sc in a child and makes one syscall: OUT_SUCCESS, the errno, or
 * -signal. */
__attribute__((unused)) static int
child_outcome(const oci_seccomp *sc, long nr, long a0, long a1, long a2)
{
  struct syscall_probe p = { .sc = sc, .nr = nr, .a = { a0, a1, a2, 0, 0, 0 } };

  return run_child(probe_child, &p);
}

/* Seccomp filters can be loaded here (kernel with CONFIG_SECCOMP_FILTER). */
__attribute__((unused)) static bool
seccomp_available(void)
{
  return syscall(SYS_seccomp, 0 /* SECCOMP_SET_MODE_STRICT */, 1, NULL) < 0 && errno == EINVAL &&
         brig_seccomp_flag_supported("SECCOMP_FILTER_FLAG_TSYNC");
}

#endif
