/* brig exec: runs a new process inside a running container.
 *
 * brig (from its sealed memfd, CVE-2019-5736) checks the container, builds
 * the process spec and the container's seccomp filter, then forks a helper.
 * The helper closes every fd it does not need, joins the namespaces of the
 * verified init with one setns(pidfd) (only those that differ from ours),
 * and clones the exec process with CLONE_PARENT, so that it is brig's child
 * (brig reaps it and sees its exit status; once brig exits, the caller's
 * subreaper does) and lives in the container's pid namespace, which a
 * setns only gives to children.  The helper sends the process's host pid
 * and exits.  brig moves the process into the container's cgroup and sends
 * GO; the process then sets itself up (one function per step, in init.c's
 * order) and execs.  Its end of the sync socket is close-on-exec: EOF
 * without an ERROR message means the exec happened.
 *
 *   helper -> brig  READY  text = host pid of the exec process
 *   brig -> process GO     it is in the container's cgroup
 *   process -> brig ERROR  text = "<step>: <cause>"; it exits
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <linux/close_range.h>

#include "linux/caps.h"
#include "linux/cgroup.h"
#include "linux/lsm.h"
#include "linux/namespaces.h"
#include "linux/personality.h"
#include "linux/resolve.h"
#include "linux/rlimits.h"
#include "linux/sched.h"
#include "runtime/container-cgroup.h"
#include "runtime/exec.h"
#include "runtime/pidfd-socket.h"
#include "runtime/pty-proxy.h"
#include "runtime/spawn.h"
#include "runtime/status.h"
#include "runtime/terminal.h"
#include "seccomp/filter.h"
#include "seccomp/listener.h"
#include "seccomp/load.h"
#include "util/cleanup.h"
#include "util/file-util.h"
#include "util/fs.h"

typedef struct exec_ctx {
  const brig_exec_opts *o;
  brig_cdir cdir;
  oci_state *state;
  unsigned long long starttime;
  brig_cgroup *cgroup;
  brig_cgroup_join join; /* how the process gets into cgroup (cgroup-join.c) */
  oci_spec *config;
  oci_process *process;
  brig_seccomp_filter *seccomp;
  brig_caps caps;
  int init_pidfd;
  int ns_flags;
  int console_fd;
  int sync[2]; /* [0] brig's end, [1] the helper's and the process's */
  pid_t pid;   /* host pid of the exec process */
  /* In the exec process. */
  mode_t umask;
  char **env;
  char *path;
} exec_ctx;

/* ---- in brig, before the fork ---- */

static int
exec_open_container(exec_ctx *x, brig_error **err)
{
  bool frozen = false;

  if (brig_cdir_open(x->o->root, x->o->id, &x->cdir, err) < 0)
    return -1;
  x->state = brig_state_load(&x->cdir, &x->starttime, err);
  if (!x->state)
    return -1;
  x->cgroup = brig_container_cgroup_load(&x->cdir, err);
  if (!x->cgroup && *err)
    return -1;
  /* A created container takes exec too, as with runc (containerd's shim
   * allows exec before start): its namespaces and root are set up. */
  if (strcmp(x->state->status, "running") && strcmp(x->state->status, "created"))
    return brig_fail(err, 0, BRIG_NOT_RUNNING, x->o->id);
  if (x->cgroup && brig_cgroup_is_frozen(x->cgroup, &frozen, err) < 0)
    return -1;
  if (frozen)
    return brig_fail(err, 0, "container %s is paused", x->o->id);
  return 0;
}

static int
exec_load_config(exec_ctx *x, brig_error **err)
{
  _cleanup_free_ char *data = NULL;
  char *perr = NULL;
  size_t len;

  data = brig_read_file_at(x->cdir.fd, "config.json", 16 << 20, &len);
  if (!data)
    return brig_fail(err, errno, "read config.json of the container");
  x->config = oci_parse_data(&oci_spec_desc, "config.json", data, len, NULL, &perr);
  if (!x->config) {
    brig_fail(err, 0, "%s", perr ? perr : "config.json: cannot parse");
    free(perr);
    return -1;
  }
  /* Not before its init has entered a user namespace made at start, or
   * when it has a time namespace, which applies to the init only from its
   * exec on: the process would join brig's instead. */
  if (strcmp(x->state->status, "created") == 0 && brig_ns_user_is_late(x->config->linux))
    return brig_fail(
        err, 0, "container %s is not started yet (its user namespace is made at start)", x->o->id);
  if (strcmp(x->state->status, "created") == 0 && brig_ns_has_new_time(x->config->linux))
    return brig_fail(
        err, 0, "container %s is not started yet (its time namespace applies at start)", x->o->id);
  return 0;
}

/* --cgroup: runc lets exec pick a sub-cgroup; brig only accepts the
 * container's own (as "PATH" or "CONTROLLER:PATH"). */
static int
exec_check_cgroup_flag(exec_ctx *x, brig_error **err)
{
  const char *want = x->o->cgroup, *colon, *own;

  if (!want)
    return 0;
  own = x->cgroup ? brig_cgroup_path(x->cgroup) : NULL;
  colon = strchr(want, ':');
  if (colon)
    want = colon + 1;
  if (own && strcmp(want, own) == 0)
    return 0;
  return brig_fail(err, 0, "--cgroup %s: only the container's own cgroup (%s) is supported",
                   x->o->cgroup, own ? own : "none");
}

/* With an SCMP_ACT_NOTIFY rule, the process passes its listener fd to brig
 * (sendmsg) right after loading the filter; brig forwards it to
 * listenerPath.  A notifying rule on sendmsg would block that hand-off
 * forever.  What runs later waits, if notified, until the agent has the
 * fd and answers. */
static const char *const exec_syscalls_after_seccomp[] = { "sendmsg", NULL };

static int
exec_prepare_process(exec_ctx *x, brig_error **err)
{
  const oci_linux *l = x->config->linux;

  if (brig_exec_process_build(x->o, x->config, &x->process, err) < 0)
    return -1;
  if (x->process->terminal && !x->o->console_socket && x->o->detach)
    return brig_fail(err, 0, "process.terminal: needs --console-socket with --detach");
  if (!x->process->terminal && x->o->console_socket)
    return brig_fail(err, 0, "--console-socket: needs a terminal (--tty or process.terminal)");
  if (brig_caps_parse(x->process->capabilities, &x->caps, true, err) < 0)
    return -1;
  if (l && l->seccomp) {
    if (brig_seccomp_build(l->seccomp, &x->seccomp, err) < 0)
      return brig_error_wrap(err, "linux.seccomp");
    if (x->seccomp->notify &&
        brig_seccomp_check_notify_syscalls(l->seccomp, exec_syscalls_after_seccomp, err) < 0)
      return brig_error_wrap(err, "linux.seccomp");
    if (brig_seccomp_check_kernel(x->seccomp, err) < 0)
      return -1;
  }
  return 0;
}

static int
ns_differs(pid_t pid, const char *name)
{
  char path[64];
  struct stat self, other;

  snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
  if (stat(path, &other) < 0)
    return errno == ENOENT ? 0 : -1; /* a namespace type this kernel lacks */
  snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
  if (stat(path, &self) < 0)
    return -1;
  return self.st_ino != other.st_ino || self.st_dev != other.st_dev;
}

/* A pidfd of the verified init (not a later process reusing its pid) and
 * the namespaces it does not share with us. */
static int
exec_find_namespaces(exec_ctx *x, brig_error **err)
{
  static const struct {
    const char *name;
    int flag;
  } ns[] = {
    { "user", CLONE_NEWUSER },     { "mnt", CLONE_NEWNS },    { "net", CLONE_NEWNET },
    { "uts", CLONE_NEWUTS },       { "ipc", CLONE_NEWIPC },   { "pid", CLONE_NEWPID },
    { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
  };
  size_t i;

  x->init_pidfd = brig_pidfd_verified(x->state->pid, x->starttime);
  if (x->init_pidfd < 0) {
    if (errno == ESRCH)
      return brig_fail(err, 0, BRIG_NOT_RUNNING, x->o->id);
    return brig_fail(err, errno, "pidfd of the container init");
  }
  for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
    int r = ns_differs(x->state->pid, ns[i].name);

    if (r < 0)
      return brig_fail(err, errno, "namespace %s of the container init", ns[i].name);
    if (r)
      x->ns_flags |= ns[i].flag;
  }
  return 0;
}

/* ---- in the exec process, after GO ---- */

static int
proc_wait_go(exec_ctx *x, brig_error **err)
{
  brig_sync_msg msg = { 0 };
  int fd = -1, r;

  do
    r = brig_sync_recv(x->sync[1], &msg, &fd);
  while (r < 0 && errno == EINTR);
  if (fd >= 0)
    close(fd);
  if (r <= 0 || msg.type != BRIG_SYNC_GO)
    _exit(1); /* brig is gone: nothing to report to */
  (void)err;
  return 0;
}

/* The pty comes from the container's devpts (we are in its mount
 * namespace); its master goes straight to --console-socket. */
static int
proc_terminal(exec_ctx *x, brig_error **err)
{
  _cleanup_close_ int master = -1, slave = -1;

  if (!x->process->terminal)
    return 0;
  if (brig_pty_open(x->process, &master, &slave, err) < 0 ||
      brig_console_send_master(x->console_fd, master, err) < 0)
    return -1;
  close(x->console_fd);
  x->console_fd = -1;
  return brig_pty_make_controlling(slave, err);
}

/* Relative to the container's root (setns into its mount namespace made
 * it ours); a cwd reached through a leaked fd (CVE-2024-21626) is outside
 * it and refused — and brig's fds were closed before the setns anyway. */
static int
proc_cwd(exec_ctx *x, brig_error **err)
{
  const char *cwd = x->process->cwd;
  char buf[PATH_MAX];
  int fd, r;

  /* Without magic links: an image symlink through /proc/self/fd/N must not
   * lead the process out before its fds are closed. */
  fd = brig_open_in_own_root(cwd, O_PATH | O_DIRECTORY);
  if (fd < 0)
    return brig_fail(err, errno, "chdir to cwd %s", cwd);
  r = fchdir(fd);
  close(fd);
  if (r < 0)
    return brig_fail(err, errno, "chdir to cwd %s", cwd);
  errno = 0;
  if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
    return brig_fail(err, errno ? errno : ENOENT, "cwd %s is outside the container", cwd);
  return 0;
}

static int
proc_find_executable(exec_ctx *x, brig_error **err)
{
  x->env = x->process->env ? x->process->env : (char *[]){ NULL };
  x->path = brig_find_executable(x->process->args[0], x->env);
  if (!x->path)
    return brig_fail(err, errno, "exec %s", x->process->args[0]);
  return 0;
}

static int
proc_seccomp(exec_ctx *x, bool after_privs, brig_error **err)
{
  int notify_fd = -1;

  if (!x->seccomp || x->process->no_new_privileges != after_privs)
    return 0;
  if (brig_seccomp_load(x->seccomp, &notify_fd, err) < 0)
    return -1;
  if (notify_fd < 0)
    return 0;
  if (brig_sync_send(x->sync[1], BRIG_SYNC_SECCOMP, 0, NULL, notify_fd) < 0) {
    close(notify_fd);
    return brig_fail(err, errno, "send the seccomp listener fd");
  }
  close(notify_fd);
  return 0;
}

static int
proc_user(exec_ctx *x, brig_error **err)
{
  const oci_user *u = x->process->user;

  if (brig_caps_drop_bounding(&x->caps, err) < 0 ||
      brig_set_groups(u, x->ns_flags & CLONE_NEWUSER, err) < 0)
    return -1;
  if (!u) {
    umask(x->umask);
    return 0;
  }
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_KEEPCAPS");
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return brig_fail(err, errno, "setgid %u", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return brig_fail(err, errno, "setuid %u", u->uid);
  umask(u->has_umask ? (mode_t)u->umask : x->umask);
  return 0;
}

static int
proc_caps_and_privs(exec_ctx *x, brig_error **err)
{
  if (brig_caps_apply(&x->caps, err) < 0)
    return -1;
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_KEEPCAPS");
  if (x->process->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

/* 0, 1, 2 and the preserved fds survive the exec, nothing else
 * (CVE-2024-21626 class); the sync socket closes at the exec. */
static int
proc_fds(exec_ctx *x, brig_error **err)
{
  int fd, last = 2 + x->o->preserve_fds;

  /* sync[1] (above the preserved fds, helper_close_fds) closes at the
   * exec, which tells brig that the process runs. */
  for (fd = 3; fd <= last; fd++)
    if (fd != x->sync[1])
      fcntl(fd, F_SETFD, 0);
  if (brig_close_from(last + 1, x->sync[1]) < 0)
    return brig_fail(err, errno, "close_range");
  return 0;
}

__attribute__((noreturn)) static void
proc_fail(exec_ctx *x, brig_error *err)
{
  brig_sync_send(x->sync[1], BRIG_SYNC_ERROR, err ? err->errnum : 0,
                 err ? err->msg : "exec process failed", -1);
  _exit(127);
}

/* process.execCPUAffinity (runtime-spec config.md: for processes run in
 * the container, not its init).  initial is the helper's, applied before
 * it joins the namespaces and clones the process into the container's
 * cgroup (which the process inherits); final once the process is in the
 * cgroup.  Without final, "the container's default CPU affinity, as
 * defined by cpu.cpus" is used: every CPU, which the kernel narrows to the
 * cgroup's cpuset. */
static int
proc_affinity(exec_ctx *x, bool final, brig_error **err)
{
  const oci_cpu_affinity *a = x->process->exec_cpu_affinity;

  if (!a)
    return 0;
  if (!final)
    return brig_affinity_apply(a->initial, "execCPUAffinity.initial", err);
  if (a->final && a->final[0])
    return brig_affinity_apply(a->final, "execCPUAffinity.final", err);
  if (a->initial && a->initial[0])
    return brig_affinity_apply(BRIG_ALL_CPUS, "execCPUAffinity.final", err);
  return 0;
}

/* As the init's (and runc's exec): the container's execution domain, the
 * process's I/O priority and scheduler. */
static int
proc_attrs(exec_ctx *x, brig_error **err)
{
  const oci_linux *l = x->config->linux;

  if (l && brig_personality_apply(l->personality, err) < 0)
    return -1;
  if (brig_ioprio_apply(x->process->io_priority, err) < 0 ||
      brig_sched_apply(x->process->scheduler, err) < 0)
    return -1;
  return 0;
}

__attribute__((noreturn)) static void
proc_run(exec_ctx *x)
{
  brig_error *err = NULL;

  /* First thing, as the container init does (cgroup-join.c). */
  if (brig_cgroup_join_self(&x->join, &err) < 0)
    proc_fail(x, err);
  /* At GO the process is in the cgroup however it got there. */
  if (proc_wait_go(x, &err) < 0 || proc_affinity(x, true, &err) < 0 || proc_attrs(x, &err) < 0 ||
      proc_terminal(x, &err) < 0 || proc_cwd(x, &err) < 0 || proc_find_executable(x, &err) < 0 ||
      brig_rlimits_apply(x->process, &err) < 0 || brig_lsm_apply_exec_label(x->process, &err) < 0 ||
      proc_seccomp(x, false, &err) < 0 || proc_user(x, &err) < 0 ||
      proc_caps_and_privs(x, &err) < 0 || proc_fds(x, &err) < 0 || proc_seccomp(x, true, &err) < 0)
    proc_fail(x, err);
  signal(SIGPIPE, SIG_DFL);
  execve(x->path, x->process->args, x->env);
  brig_fail(&err, errno, "exec %s", x->process->args[0]);
  proc_fail(x, err);
}

/* ---- the helper ---- */

static int
move_above(int *fd, int min)
{
  int n;

  if (*fd < 0 || *fd >= min)
    return 0;
  n = fcntl(*fd, F_DUPFD_CLOEXEC, min);
  if (n < 0)
    return -1;
  close(*fd);
  *fd = n;
  return 0;
}

static int
cmp_int(const void *a, const void *b)
{
  return *(const int *)a - *(const int *)b;
}

/* Closes every fd from 3 but the preserved ones and those we need (the
 * sync socket, the init's pidfd, the console, the cgroup join fds): no
 * other fd of brig (the state directory, say) reaches the container. */
static int
helper_close_fds(exec_ctx *x, brig_error **err)
{
  int min = 3 + x->o->preserve_fds, n = 0, i, from = min;
  _cleanup_free_ int *keep = calloc(x->join.n_tasks + 4, sizeof(int));
  size_t t;

  if (!keep)
    return brig_fail(err, ENOMEM, "exec");
  if (move_above(&x->sync[1], min) < 0 || move_above(&x->console_fd, min) < 0 ||
      move_above(&x->init_pidfd, min) < 0 || move_above(&x->join.clone_fd, min) < 0)
    return brig_fail(err, errno, "fcntl F_DUPFD_CLOEXEC");
  for (t = 0; t < x->join.n_tasks; t++)
    if (move_above(&x->join.tasks_fd[t], min) < 0)
      return brig_fail(err, errno, "fcntl F_DUPFD_CLOEXEC");
  keep[n++] = x->sync[1];
  keep[n++] = x->init_pidfd;
  if (x->console_fd >= 0)
    keep[n++] = x->console_fd;
  if (x->join.clone_fd >= 0)
    keep[n++] = x->join.clone_fd;
  for (t = 0; t < x->join.n_tasks; t++)
    keep[n++] = x->join.tasks_fd[t];
  qsort(keep, (size_t)n, sizeof(int), cmp_int);
  for (i = 0; i < n; i++) {
    if (keep[i] > from)
      syscall(SYS_close_range, (unsigned)from, (unsigned)keep[i] - 1, 0);
    from = keep[i] + 1;
  }
  syscall(SYS_close_range, (unsigned)from, ~0U, 0);
  return 0;
}

/* The container init's namespaces.  Run by root, the user namespace
 * last: one that maps no root is entered by the init once set up
 * (brig_ns_plan_build), so the others belong to ours and joining them
 * needs our capabilities, not the container's.  Run by an unprivileged
 * user (rootless), the user namespace first: the capabilities to join the
 * others are the ones it gives. */
static int
join_namespaces(exec_ctx *x, brig_error **err)
{
  int user = x->ns_flags & CLONE_NEWUSER, rest = x->ns_flags & ~CLONE_NEWUSER;
  bool privileged = geteuid() == 0; /* before: inside, we are root */

  if (user && !privileged && setns(x->init_pidfd, user) < 0)
    return brig_fail(err, errno, "join the user namespace of the container init");
  if (rest && setns(x->init_pidfd, rest) < 0)
    return brig_fail(err, errno, "join the namespaces of the container init");
  if (user && privileged && setns(x->init_pidfd, user) < 0)
    return brig_fail(err, errno, "join the user namespace of the container init");
  return 0;
}

__attribute__((noreturn)) static void
helper_run(exec_ctx *x)
{
  brig_error *err = NULL;
  char buf[32];
  int pidfd = -1;
  pid_t pid;

  close(x->sync[0]);
  x->umask = umask(0);
  umask(x->umask);
  /* Non-dumpable until the exec: the container cannot open
   * /proc/PID/exe or /proc/PID/fd of brig's code (CVE-2019-5736). */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
    brig_fail(&err, errno, "prctl PR_SET_DUMPABLE");
    proc_fail(x, err);
  }
  if (helper_close_fds(x, &err) < 0 || proc_affinity(x, false, &err) < 0)
    proc_fail(x, err);
  if (join_namespaces(x, &err) < 0)
    proc_fail(x, err);
  close(x->init_pidfd);
  x->init_pidfd = -1;
  pid = brig_spawn_clone(0, true, &x->join, &pidfd, &err);
  if (pid == 0)
    proc_run(x);
  if (pid < 0)
    proc_fail(x, err);
  close(pidfd);
  snprintf(buf, sizeof(buf), "%d %d", (int)pid, x->join.into_cgroup);
  brig_sync_send(x->sync[1], BRIG_SYNC_READY, 0, buf, -1);
  _exit(0);
}

/* ---- back in brig ---- */

/* One message; its fd goes to *fdp (-1 if none), or is closed when fdp is
 * NULL. */
static int
recv_msg(int sock, brig_sync_msg *msg, int *fdp, brig_error **err)
{
  int fd = -1, r;

  do
    r = brig_sync_recv(sock, msg, &fd);
  while (r < 0 && errno == EINTR);
  if (fdp)
    *fdp = fd;
  else if (fd >= 0)
    close(fd);
  if (r < 0)
    return brig_fail(err, errno, "sync with the exec process");
  if (r > 0 && msg->type == BRIG_SYNC_ERROR) {
    brig_fail(err, 0, "%s", msg->text);
    (*err)->errnum = msg->errnum;
    return -1;
  }
  return r;
}

static void
reap(pid_t pid)
{
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

static int
exec_spawn(exec_ctx *x, brig_error **err)
{
  brig_sync_msg msg = { 0 };
  pid_t helper;
  int r;

  if (x->cgroup && brig_cgroup_join_prepare(x->cgroup, &x->join, err) < 0)
    return -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x->sync) < 0)
    return brig_fail(err, errno, "socketpair");
  helper = fork();
  if (helper < 0)
    return brig_fail(err, errno, "fork");
  if (helper == 0)
    helper_run(x);
  close(x->sync[1]);
  x->sync[1] = -1;
  r = recv_msg(x->sync[0], &msg, NULL, err);
  reap(helper);
  if (r < 0)
    return -1;
  if (r == 0 || msg.type != BRIG_SYNC_READY)
    return brig_fail(err, EPROTO, "start the exec process");
  {
    int pid = 0, into = 0;

    if (sscanf(msg.text, "%d %d", &pid, &into) != 2 || pid <= 0)
      return brig_fail(err, EPROTO, "start the exec process");
    x->pid = (pid_t)pid;
    x->join.into_cgroup = into == 1;
  }
  return 0;
}

/* The process loaded a filter with a notifying rule: its listener fd and
 * the container's state go to listenerPath, as at create. */
static int
exec_hand_over_listener(exec_ctx *x, int fd, brig_error **err)
{
  int r;

  if (fd < 0)
    return brig_fail(err, EPROTO, "seccomp listener fd from the exec process");
  r = brig_seccomp_send_listener(x->config->linux->seccomp, x->state, x->pid, fd, err);
  close(fd);
  return r;
}

/* Into the container's cgroup while it waits for GO, then released; EOF
 * (the close-on-exec socket) means it has exec'd. */
static int
exec_release(exec_ctx *x, brig_error **err)
{
  brig_sync_msg msg = { 0 };
  int r, fd;

  if (x->cgroup && brig_cgroup_join_finish(x->cgroup, &x->join, x->pid, err) < 0)
    return brig_error_wrap(err, "enter the container's cgroup");
  brig_cgroup_join_close(&x->join);
  if (brig_sync_send(x->sync[0], BRIG_SYNC_GO, 0, NULL, -1) < 0)
    return brig_fail(err, errno, "start the exec process");
  while ((r = recv_msg(x->sync[0], &msg, &fd, err)) > 0) {
    if (msg.type == BRIG_SYNC_SECCOMP) {
      if (exec_hand_over_listener(x, fd, err) < 0)
        return -1;
    } else if (fd >= 0) {
      close(fd);
    }
  }
  return r;
}

/* Without --detach brig stands for the process: the signals it gets go to
 * it, and its exit status becomes brig's. */
static int
exec_wait(exec_ctx *x, int *status)
{
  *status = brig_spawn_wait_forwarding(x->pid);
  x->pid = 0;
  return 0;
}

static void
exec_ctx_clear(exec_ctx *x)
{
  if (x->pid > 0) {
    kill(x->pid, SIGKILL);
    reap(x->pid);
  }
  if (x->sync[0] >= 0)
    close(x->sync[0]);
  if (x->console_fd >= 0)
    close(x->console_fd);
  if (x->init_pidfd >= 0)
    close(x->init_pidfd);
  if (x->seccomp)
    brig_seccomp_filter_free(x->seccomp);
  if (x->process)
    oci_process_free(x->process);
  if (x->config)
    oci_spec_free(x->config);
  brig_cgroup_join_close(&x->join);
  if (x->cgroup)
    brig_cgroup_free(x->cgroup);
  if (x->state)
    oci_state_free(x->state);
  brig_cdir_close(&x->cdir);
}

int
brig_container_exec(const brig_exec_opts *o, int *status, brig_error **err)
{
  exec_ctx x = { .o = o,
                 .cdir = BRIG_CDIR_INIT,
                 .init_pidfd = -1,
                 .console_fd = -1,
                 .sync = { -1, -1 },
                 .join = BRIG_CGROUP_JOIN_INIT };
  _cleanup_close_ int pidfd_sock = -1, proxy_sock = -1, master = -1;
  int r = -1;

  *status = 0;
  if (exec_open_container(&x, err) < 0 || exec_load_config(&x, err) < 0 ||
      exec_check_cgroup_flag(&x, err) < 0 || exec_prepare_process(&x, err) < 0 ||
      exec_find_namespaces(&x, err) < 0)
    goto out;
  /* Known now: whether the process goes into a user namespace. */
  if (x.caps.present)
    brig_caps_limit(&x.caps, brig_caps_grantable(x.ns_flags & CLONE_NEWUSER), true);
  if (x.process->terminal && o->console_socket) {
    x.console_fd = brig_console_socket_connect(o->console_socket, err);
    if (x.console_fd < 0)
      goto out;
  } else if (x.process->terminal) {
    /* In the foreground without a console socket, the pty is brig's. */
    int pair[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
      brig_fail(err, errno, "socketpair");
      goto out;
    }
    x.console_fd = pair[0];
    proxy_sock = pair[1];
    brig_pty_proxy_take_window_size(x.process);
  }
  if (o->pidfd_socket) {
    pidfd_sock = brig_pidfd_socket_connect(o->pidfd_socket, err);
    if (pidfd_sock < 0)
      goto out;
  }
  brig_lsm_probe(x.process, NULL);
  if (exec_spawn(&x, err) < 0 || exec_release(&x, err) < 0)
    goto out;
  if (proxy_sock >= 0) {
    master = brig_pty_proxy_recv_master(proxy_sock, err);
    if (master < 0)
      goto out;
  }
  if (o->pid_file && brig_write_pid_file(o->pid_file, x.pid, err) < 0)
    goto out;
  if (pidfd_sock >= 0 && brig_pidfd_socket_send(pidfd_sock, x.pid, -1, err) < 0)
    goto out;
  /* Running: other commands (kill, delete) may go on. */
  brig_cdir_close(&x.cdir);
  if (o->detach) {
    x.pid = 0;
  } else if (master >= 0) {
    *status = brig_pty_proxy_run(master, x.pid);
    x.pid = 0;
  } else {
    exec_wait(&x, status);
  }
  r = 0;
out:
  exec_ctx_clear(&x);
  return r;
}
