#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/hooks.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

static int
state_memfd(const oci_state *state)
{
  _cleanup_free_ char *json = NULL;
  char *perr = NULL;
  size_t len;
  int fd;

  if (oci_emit(&oci_state_desc, state, false, &json, &len, &perr) < 0) {
    free(perr);
    errno = EINVAL;
    return -1;
  }
  fd = memfd_create("brig-hook-state", MFD_CLOEXEC);
  if (fd < 0)
    return -1;
  if (brig_write_all(fd, json, len) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void
first_line(int fd, char *buf, size_t size)
{
  ssize_t n;
  char *nl;

  buf[0] = '\0';
  if (lseek(fd, 0, SEEK_SET) < 0)
    return;
  n = read(fd, buf, size - 1);
  if (n <= 0)
    return;
  buf[n] = '\0';
  nl = strchr(buf, '\n');
  if (nl)
    *nl = '\0';
}

static int64_t
now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until the process of pidfd exits or deadline_ms (CLOCK_MONOTONIC,
 * 64 bits: a timeout of INT_MAX seconds does not overflow) passes.
 * Returns 1 if it exited, 0 on timeout. */
static int
wait_deadline(int pidfd, int64_t deadline_ms)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };

  for (;;) {
    int64_t left = deadline_ms - now_ms();
    int r;

    if (left <= 0)
      return 0;
    r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
    if (r > 0 || (r < 0 && errno != EINTR))
      return 1;
  }
}

__attribute__((noreturn)) static void
exec_hook(const oci_hook *h, int exe)
{
  char *const default_args[] = { h->path, NULL };
  char *const empty_env[] = { NULL };
  char *const *argv = h->args_len ? h->args : default_args;
  char *const *envp = h->env_len ? h->env : empty_env;

  signal(SIGPIPE, SIG_DFL);
  /* Only stdin (the state), stdout, stderr and the executable's fd: a
   * startContainer hook's path is looked up in the container, and the
   * init's fds of the host must not be open then (CVE-2024-21626 class). */
  brig_close_from(3, exe);
  if (exe >= 0)
    syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
  else
    execve(h->path, argv, envp);
  fprintf(stderr, "exec: %s\n", strerror(errno));
  _exit(127);
}

/* A hook in the container's namespaces: setns() through the init's pidfd
 * into all of them at once, then one more fork so that the hook is in the
 * pid namespace too (setns only moves our children there).  The
 * executable is opened first: its path resolves in the runtime namespace
 * (runtime-spec config.md).  We pass the hook's exit on as our own. */
__attribute__((noreturn)) static void
exec_hook_in_container(const oci_hook *h, const brig_hook_ns *ns)
{
  int exe, status;
  pid_t pid;

  /* Not close-on-exec: a script's interpreter opens it as /dev/fd/N. */
  exe = open(h->path, O_PATH);
  if (exe < 0) {
    fprintf(stderr, "exec: %s\n", strerror(errno));
    _exit(127);
  }
  if (setns(ns->pidfd, ns->flags) < 0 ||
      (ns->time_fd >= 0 && setns(ns->time_fd, CLONE_NEWTIME) < 0)) {
    fprintf(stderr, "join the container's namespaces: %s\n", strerror(errno));
    _exit(126);
  }
  pid = fork();
  if (pid < 0)
    _exit(126);
  if (pid == 0) {
    /* Killed with us when the timeout kills us. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
      _exit(126);
    exec_hook(h, exe);
  }
  close(exe);
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      _exit(126);
  if (WIFSIGNALED(status)) {
    struct rlimit no_core = { 0, 0 };

    setrlimit(RLIMIT_CORE, &no_core);
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
    _exit(128 + WTERMSIG(status));
  }
  _exit(WEXITSTATUS(status));
}

static int
run_one(const oci_hook *h, const char *kind, int statefd, const brig_hook_ns *ns, brig_error **err)
{
  _cleanup_close_ int errfd = -1, pidfd = -1;
  char line[256];
  int status;
  pid_t pid;

  errfd = memfd_create("brig-hook-stderr", MFD_CLOEXEC);
  if (errfd < 0 || lseek(statefd, 0, SEEK_SET) < 0)
    return brig_fail(err, errno, "%s hook %s", kind, h->path);
  pid = fork();
  if (pid < 0)
    return brig_fail(err, errno, "%s hook %s: fork", kind, h->path);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

    setpgid(0, 0);
    if (dup2(statefd, 0) < 0 || dup2(devnull >= 0 ? devnull : errfd, 1) < 0 || dup2(errfd, 2) < 0)
      _exit(126);
    if (ns)
      exec_hook_in_container(h, ns);
    exec_hook(h, -1);
  }
  /* A process group of its own (set on both sides, whichever runs first):
   * a timeout aborts the hook with what it started, not just its first
   * process. */
  setpgid(pid, pid);
  pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (h->has_timeout && h->timeout > 0 && pidfd >= 0 &&
      !wait_deadline(pidfd, now_ms() + (int64_t)h->timeout * 1000)) {
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
    return brig_fail(err, 0, "%s hook %s: timed out after %ds", kind, h->path, h->timeout);
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return brig_fail(err, errno, "%s hook %s: wait", kind, h->path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  first_line(errfd, line, sizeof(line));
  if (WIFSIGNALED(status))
    return brig_fail(err, 0, "%s hook %s: killed by signal %d%s%s", kind, h->path, WTERMSIG(status),
                     *line ? ": " : "", line);
  return brig_fail(err, 0, "%s hook %s: exit status %d%s%s", kind, h->path, WEXITSTATUS(status),
                   *line ? ": " : "", line);
}

int
brig_hooks_validate(const oci_hooks *h, brig_error **err)
{
  static const struct {
    const char *name;
    size_t off_v, off_n;
  } kinds[] = {
#define KIND(name, field) { name, offsetof(oci_hooks, field), offsetof(oci_hooks, field##_len) }
    KIND("prestart", prestart),
    KIND("createRuntime", create_runtime),
    KIND("createContainer", create_container),
    KIND("startContainer", start_container),
    KIND("poststart", poststart),
    KIND("poststop", poststop),
#undef KIND
  };
  size_t k, i;

  if (!h)
    return 0;
  for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
    const oci_hook *v = *(oci_hook *const *)((const char *)h + kinds[k].off_v);
    size_t n = *(const size_t *)((const char *)h + kinds[k].off_n);

    for (i = 0; i < n; i++) {
      /* runtime-spec config.md: path "MUST be absolute", timeout "MUST be
       * greater than zero". */
      if (v[i].path[0] != '/')
        return brig_fail(err, 0, "config.json: hooks.%s[%zu].path: must be an absolute path",
                         kinds[k].name, i);
      if (v[i].has_timeout && v[i].timeout <= 0)
        return brig_fail(err, 0, "config.json: hooks.%s[%zu].timeout: must be greater than zero",
                         kinds[k].name, i);
    }
  }
  return 0;
}

int
brig_hooks_run(const oci_hook *hooks, size_t n, const char *kind, const oci_state *state,
               const brig_hook_ns *ns, brig_error **err)
{
  _cleanup_close_ int statefd = -1;
  size_t i;

  if (n == 0)
    return 0;
  statefd = state_memfd(state);
  if (statefd < 0)
    return brig_fail(err, errno, "%s hooks: state", kind);
  for (i = 0; i < n; i++)
    if (run_one(&hooks[i], kind, statefd, ns, err) < 0)
      return -1;
  return 0;
}

void
brig_hooks_run_warn(const oci_hook *hooks, size_t n, const char *kind, const oci_state *state)
{
  _cleanup_close_ int statefd = -1;
  size_t i;

  if (n == 0)
    return;
  statefd = state_memfd(state);
  if (statefd < 0) {
    brig_warn("%s hooks: state: %s", kind, strerror(errno));
    return;
  }
  for (i = 0; i < n; i++) {
    brig_error *e = NULL;

    if (run_one(&hooks[i], kind, statefd, NULL, &e) < 0) {
      brig_warn("%s", e->msg);
      brig_error_free(e);
    }
  }
}
