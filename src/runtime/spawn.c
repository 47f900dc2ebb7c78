#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/spawn.h"
#include "util/fdpass.h"

int
brig_sync_send(int sock, enum brig_sync_type type, int errnum, const char *text, int fd)
{
  brig_sync_msg msg;
  size_t len = 0;

  memset(&msg, 0, sizeof(msg));
  msg.type = type;
  msg.errnum = errnum;
  if (text) {
    len = strlen(text);
    if (len >= sizeof(msg.text))
      len = sizeof(msg.text) - 1;
    memcpy(msg.text, text, len);
  }
  return brig_send_with_fd(sock, &msg, offsetof(brig_sync_msg, text) + len + 1, fd) < 0 ? -1 : 0;
}

int
brig_sync_recv(int sock, brig_sync_msg *msg, int *fd)
{
  ssize_t n;

  memset(msg, 0, sizeof(*msg));
  n = brig_recv_with_fd(sock, msg, sizeof(*msg), fd);
  if (n < 0)
    return -1;
  if (n == 0)
    return 0;
  if ((size_t)n < offsetof(brig_sync_msg, text)) {
    if (*fd >= 0)
      close(*fd);
    *fd = -1;
    errno = EPROTO;
    return -1;
  }
  msg->text[sizeof(msg->text) - 1] = '\0';
  return 1;
}

pid_t
brig_spawn_clone(uint64_t ns_flags, bool parent_is_caller, brig_cgroup_join *cgroup, int *pidfd,
                 brig_error **err)
{
  struct clone_args args;
  long pid;

  memset(&args, 0, sizeof(args));
  args.flags = ns_flags | CLONE_PIDFD | (parent_is_caller ? CLONE_PARENT : 0);
  args.pidfd = (uint64_t)(uintptr_t)pidfd;
  /* With CLONE_PARENT the exit signal is our own one (SIGCHLD for the
   * caller), and clone3 wants exit_signal 0. */
  args.exit_signal = parent_is_caller ? 0 : SIGCHLD;
  if (cgroup && cgroup->clone_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cgroup->clone_fd;
  }
  for (;;) {
    pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid >= 0)
      break;
    if (errno == EINVAL && (args.flags & CLONE_PARENT) && getpid() == 1) {
      /* The caller is the init of a pid namespace: CLONE_PARENT is refused,
       * the init becomes our child and is reparented when we exit. */
      args.flags &= ~(uint64_t)CLONE_PARENT;
      args.exit_signal = SIGCHLD;
      continue;
    }
    if (args.flags & CLONE_INTO_CGROUP) {
      /* A kernel before 5.7, or a cgroup outside a cgroup namespace we
       * joined: brig_cgroup_join_finish writes the pid instead, and
       * reports the real problem if there is one. */
      args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
      args.cgroup = 0;
      continue;
    }
    return brig_fail(err, errno, "clone3");
  }
  if (cgroup)
    cgroup->into_cgroup = (args.flags & CLONE_INTO_CGROUP) != 0;
  return (pid_t)pid;
}

/* A user namespace given by path cannot be left again, so it is joined by
 * a short-lived helper that clones the init and exits.  CLONE_PARENT makes
 * the init our child (not the caller's: a helper cloned with CLONE_PARENT
 * would be a zombie the caller does not expect); the helper reports the
 * init's pid or its error through a pipe. */
static pid_t
spawn_through_helper(brig_ns_plan *plan, brig_cgroup_join *cgroup, int *pidfd, brig_error **err)
{
  char buf[sizeof(((brig_sync_msg *)0)->text) + 16];
  int p[2], status;
  pid_t helper, pid;
  ssize_t n;

  if (pipe2(p, O_CLOEXEC) < 0)
    return brig_fail(err, errno, "pipe");
  helper = fork();
  if (helper < 0) {
    close(p[0]);
    close(p[1]);
    return brig_fail(err, errno, "fork");
  }
  if (helper == 0) {
    brig_error *e = NULL;
    int fd = -1;

    close(p[0]);
    pid = -1;
    if (brig_ns_enter_joined(plan, true, NULL, &e) == 0)
      pid = brig_spawn_clone(plan->clone_flags, true, cgroup, &fd, &e);
    if (pid == 0) {
      close(p[1]);
      return 0; /* the init */
    }
    if (pid > 0)
      n = snprintf(buf, sizeof(buf), "P%d %d", (int)pid, cgroup && cgroup->into_cgroup);
    else
      n = snprintf(buf, sizeof(buf), "E%d %s", e ? e->errnum : 0, e ? e->msg : "clone");
    (void)!write(p[1], buf, (size_t)n);
    _exit(0);
  }
  close(p[1]);
  do
    n = read(p[0], buf, sizeof(buf) - 1);
  while (n < 0 && errno == EINTR);
  close(p[0]);
  while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
    ;
  if (n <= 0)
    return brig_fail(err, EPROTO, "clone the container init");
  buf[n] = '\0';
  if (buf[0] == 'E') {
    char *sp = strchr(buf, ' ');

    brig_fail(err, 0, "%s", sp ? sp + 1 : buf);
    (*err)->errnum = atoi(buf + 1);
    return -1;
  }
  {
    int child = 0, into = 0;

    if (sscanf(buf + 1, "%d %d", &child, &into) < 1 || child <= 0)
      return brig_fail(err, EPROTO, "clone the container init");
    pid = (pid_t)child;
    if (cgroup)
      cgroup->into_cgroup = into == 1;
  }
  /* Our child now, not reaped before we wait for it: the pid is stable. */
  *pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (*pidfd < 0) {
    int saved = errno;

    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return brig_fail(err, saved, "pidfd_open");
  }
  return pid;
}

pid_t
brig_spawn_init(brig_ns_plan *plan, bool parent_is_caller, brig_cgroup_join *cgroup, int *pidfd,
                brig_error **err)
{
  brig_ns_saved saved;
  pid_t pid;

  if (plan->join_user)
    return spawn_through_helper(plan, cgroup, pidfd, err);
  if (plan->n_join == 0)
    return brig_spawn_clone(plan->clone_flags, parent_is_caller, cgroup, pidfd, err);
  /* Every other namespace given by path can be left again: enter them
   * around the clone, so the init is still the caller's child. */
  if (brig_ns_enter_joined(plan, false, &saved, err) < 0) {
    brig_ns_restore(&saved, NULL);
    return -1;
  }
  pid = brig_spawn_clone(plan->clone_flags, parent_is_caller, cgroup, pidfd, err);
  if (pid == 0)
    return 0;
  if (brig_ns_restore(&saved, pid > 0 ? err : NULL) < 0 && pid > 0) {
    syscall(SYS_pidfd_send_signal, *pidfd, SIGKILL, NULL, 0);
    brig_spawn_wait(pid, *pidfd);
    close(*pidfd);
    *pidfd = -1;
    return -1;
  }
  return pid;
}

int
brig_spawn_wait(pid_t pid, int pidfd)
{
  struct pollfd p = { .fd = pidfd, .events = POLLIN };
  int status;

  if (waitpid(pid, &status, 0) == pid)
    return status;
  while (poll(&p, 1, -1) < 0 && errno == EINTR)
    ;
  return -1;
}

static volatile sig_atomic_t forward_target;

static void
forward_signal(int sig)
{
  if (forward_target > 0)
    kill((pid_t)forward_target, sig);
}

int
brig_spawn_wait_forwarding(pid_t pid)
{
  static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH };
  struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART };
  size_t i;
  int status, r;

  forward_target = pid;
  sigemptyset(&sa.sa_mask);
  for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
    sigaction(forwarded[i], &sa, NULL);
  while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
    ;
  forward_target = 0;
  if (r < 0)
    return 1;
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
