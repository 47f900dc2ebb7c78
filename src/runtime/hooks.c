#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static int
run_one(const oci_hook *h, const char *kind, int statefd, int mntns_pidfd, brig_error **err)
{
  char *const default_args[] = { h->path, NULL };
  char *const empty_env[] = { NULL };
  _cleanup_close_ int errfd = -1, pidfd = -1;
  char line[256];
  int status, r;
  pid_t pid;

  errfd = memfd_create("brig-hook-stderr", MFD_CLOEXEC);
  if (errfd < 0 || lseek(statefd, 0, SEEK_SET) < 0)
    return brig_fail(err, errno, "%s hook %s", kind, h->path);
  pid = fork();
  if (pid < 0)
    return brig_fail(err, errno, "%s hook %s: fork", kind, h->path);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

    if (mntns_pidfd >= 0 && setns(mntns_pidfd, CLONE_NEWNS) < 0)
      _exit(126);
    if (dup2(statefd, 0) < 0 || dup2(devnull >= 0 ? devnull : errfd, 1) < 0 || dup2(errfd, 2) < 0)
      _exit(126);
    signal(SIGPIPE, SIG_DFL);
    execve(h->path, h->args_len ? h->args : default_args, h->env_len ? h->env : empty_env);
    fprintf(stderr, "exec: %s\n", strerror(errno));
    _exit(127);
  }
  pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (h->has_timeout && h->timeout > 0 && pidfd >= 0) {
    struct pollfd p = { .fd = pidfd, .events = POLLIN };

    do
      r = poll(&p, 1, h->timeout * 1000);
    while (r < 0 && errno == EINTR);
    if (r == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return brig_fail(err, 0, "%s hook %s: timed out after %ds", kind, h->path, h->timeout);
    }
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
brig_hooks_run(const oci_hook *hooks, size_t n, const char *kind, const oci_state *state,
               int mntns_pidfd, brig_error **err)
{
  _cleanup_close_ int statefd = -1;
  size_t i;

  if (n == 0)
    return 0;
  statefd = state_memfd(state);
  if (statefd < 0)
    return brig_fail(err, errno, "%s hooks: state", kind);
  for (i = 0; i < n; i++)
    if (run_one(&hooks[i], kind, statefd, mntns_pidfd, err) < 0)
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

    if (run_one(&hooks[i], kind, statefd, -1, &e) < 0) {
      brig_warn("%s", e->msg);
      brig_error_free(e);
    }
  }
}
