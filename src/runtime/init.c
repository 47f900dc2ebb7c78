/* The container init.
 *
 * This process is a clone3() child of `brig create`; it shares nothing
 * with brig after the clone and never re-execs brig.  Until its final
 * execve() its /proc/self/exe is the brig binary, which is the way in of
 * CVE-2019-5736; see sealed-exe.c for why that file is a sealed memfd and
 * not the brig on disk, and init_prepare_process() for why nothing in the
 * container can open it before the exec (non-dumpable).
 *
 * Order: (born in the namespaces given by path and the new ones, see
 * brig_spawn_init) time namespace, rootfs (mounts, /dev, hooks, pivot_root,
 * masked and read-only paths, sysctl, read-only root), hostname, keyring,
 * terminal, then everything the exec needs is checked (cwd, executable,
 * capabilities) so that create reports it; READY; block on exec.fifo
 * until start; startContainer hooks, process attributes (personality,
 * memoryPolicy, ioPriority, scheduler), rlimits, user, capabilities,
 * no_new_privs, fds, execve.  (process.execCPUAffinity is not for the init,
 * runtime-spec config.md; exec applies it.)  rlimits come that late so that brig's own
 * steps are not bound by them (RLIMIT_NOFILE 5 must work for a program
 * that needs 3 fds), but while the init still has CAP_SYS_RESOURCE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/caps.h"
#include "linux/devices.h"
#include "linux/lsm.h"
#include "linux/mounts.h"
#include "linux/personality.h"
#include "linux/resolve.h"
#include "linux/rlimits.h"
#include "linux/rootfs.h"
#include "linux/sched.h"
#include "linux/sysctl.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/spawn.h"
#include "runtime/terminal.h"
#include "seccomp/load.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

typedef struct init_exec {
  char *path; /* executable, resolved in the container */
  char **env; /* NULL-terminated */
  brig_caps caps;
} init_exec;

static int
wait_go(brig_init_ctx *ctx, brig_error **err)
{
  brig_sync_msg msg = { 0 };
  int fd, r;

  r = brig_sync_recv(ctx->sync_fd, &msg, &fd);
  if (fd >= 0)
    close(fd);
  if (r <= 0 || msg.type != BRIG_SYNC_GO)
    return brig_fail(err, r < 0 ? errno : 0, "sync with brig");
  if (msg.text[0] && ctx->state)
    ctx->state->pid = atoi(msg.text);
  return 0;
}

/* Non-dumpable until the exec: no other process (one later exec'd into the
 * container, a ptracer) can open /proc/<init>/exe, the fds in /proc/<init>/fd or
 * attach while brig's code and fds are here.  execve() of the user's
 * program resets it. */
static mode_t inherited_umask;
static brig_cgroup_view cgroup_view; /* for a cgroup mount, read before the cgroupns unshare */
static bool go_pending;              /* brig's first GO not read yet (see init_prepare_process) */

/* Reads brig's first GO if the setup started without it; before any
 * message to brig, whose replies are GOs too. */
static int
take_first_go(brig_init_ctx *ctx, brig_error **err)
{
  if (!go_pending)
    return 0;
  go_pending = false;
  return wait_go(ctx, err);
}

/* Whether the setup must wait for brig's first GO: brig writes the id
 * maps of a new user namespace, or places the init in a cgroup (systemd's
 * scope, or cgroup2 when the kernel refused CLONE_INTO_CGROUP) before the
 * init may unshare its cgroup namespace or charge anything.  Otherwise the
 * init starts at once, side by side with brig saving the state. */
static bool
needs_go_first(const brig_init_ctx *ctx)
{
  const brig_cgroup_join *j = ctx->cgroup_join;

  return ctx->ns->new_user || ctx->ns->join_user || ctx->placed_by_brig ||
         (j && brig_cgroup_join_left_to_brig(j));
}

static int
init_prepare_process(brig_init_ctx *ctx, brig_error **err)
{
  /* Before anything is charged to brig's cgroup, and meanwhile brig
   * writes the id maps and the state. */
  if (ctx->cgroup_join && brig_cgroup_join_self(ctx->cgroup_join, err) < 0)
    return -1;
  /* Rootless with a user namespace of the container's own, brig (not
   * root) writes our id maps, and the /proc files of a non-dumpable
   * process belong to a root that brig's namespace does not map: stay
   * dumpable until GO, as runc does.  Nothing of the container runs yet. */
  bool dumpable_until_go = ctx->ns->new_user && ctx->rootless;

  inherited_umask = umask(0);
  if (!dumpable_until_go && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_DUMPABLE");
  go_pending = !needs_go_first(ctx);
  if (!go_pending && wait_go(ctx, err) < 0)
    return -1;
  if (dumpable_until_go && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_DUMPABLE");
  if (ctx->ns->new_user || ctx->ns->join_user) {
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
      return brig_fail(err, errno, "become root in the user namespace");
  }
  /* Before the unshare: afterwards the kernel shows both relative to the
   * new cgroup namespace. */
  if (brig_mounts_have_cgroup(ctx->spec) &&
      brig_cgroup_view_read(ctx->proc_fd, &cgroup_view, err) < 0)
    return -1;
  if (ctx->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
    return brig_fail(err, errno, "unshare the cgroup namespace");
  return 0;
}

static int proc_fd = -1; /* host /proc, O_PATH: reopens exec.fifo after pivot_root */
static int cwd_fd = -1;  /* process.cwd, from init_finish_rootfs to init_cwd */
static int cwd_errno;    /* why cwd_fd is -1 */
static brig_mask_prep mask_prep = BRIG_MASK_PREP_INIT; /* trusted /dev/null for maskedPaths */

/* The namespaces given by path were entered before the clone (so was the
 * host's /proc opened, by brig, before it entered a mount namespace given
 * by path); only the time namespace is left, see brig_ns_setup_time(). */
static int
init_time_namespace(brig_init_ctx *ctx, brig_error **err)
{
  proc_fd = ctx->proc_fd;
  if (proc_fd < 0)
    return brig_fail(err, EBADF, "open /proc");
  if (ctx->ns->new_time && brig_ns_setup_time(ctx->spec->linux, err) < 0)
    return -1;
  return 0;
}

static int
init_oom_score_adj(brig_init_ctx *ctx, brig_error **err)
{
  const oci_process *p = ctx->spec->process;
  char buf[32];

  if (!p->has_oom_score_adj)
    return 0;
  snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
  if (brig_write_existing_at(AT_FDCWD, "/proc/self/oom_score_adj", buf) < 0)
    return brig_fail(err, errno, "set oomScoreAdj");
  return 0;
}

static int
init_setup_rootfs(brig_init_ctx *ctx, brig_error **err)
{
  _cleanup_close_ int rootfd = -1;

  if (brig_rootfs_prepare(ctx->rootfs, ctx->spec->linux, &rootfd, err) < 0)
    return -1;
  if (brig_mounts_apply(ctx->spec, rootfd, ctx->bundle, &cgroup_view, err) < 0)
    return -1;
  brig_cgroup_view_free(&cgroup_view);
  if (brig_devices_create(ctx->spec, rootfd, err) < 0 ||
      brig_mounts_mask_prepare(ctx->spec->linux, &mask_prep, err) < 0)
    return -1;
  if (ctx->create_hooks) {
    /* prestart, createRuntime (runtime namespace) and createContainer
     * (our mount namespace) run now: mounts done, root not entered. */
    if (take_first_go(ctx, err) < 0)
      return -1;
    if (brig_sync_send(ctx->sync_fd, BRIG_SYNC_HOOKS, 0, NULL, -1) < 0)
      return brig_fail(err, errno, "sync with brig");
    if (wait_go(ctx, err) < 0)
      return -1;
  }
  if (brig_rootfs_enter(rootfd, ctx->no_pivot, err) < 0)
    return -1;
  return 0;
}

static int
init_finish_rootfs(brig_init_ctx *ctx, brig_error **err)
{
  const oci_linux *l = ctx->spec->linux;
  int root;

  /* The cwd is created when missing (as runc does) before the root turns
   * read-only, and opened once the masks and read-only paths are on: an fd
   * taken earlier would keep the process under them (a cwd below
   * /proc/sys would be writable).  Both lookups are inside the new root
   * without magic links, so that a symlink of the image through
   * /proc/self/fd/N cannot make the init create or enter a directory of
   * the host while it still holds fds of the host (CVE-2024-21626 class). */
  root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cwd_fd = root < 0 ? -1 : brig_open_in_root(root, ctx->spec->process->cwd, BRIG_CREATE_DIR);
  if (cwd_fd >= 0)
    close(cwd_fd);
  if (root >= 0)
    close(root);
  if (brig_sysctl_apply(proc_fd, l, err) < 0 || brig_mounts_mask(l, &mask_prep, err) < 0 ||
      brig_mounts_readonly(l, err) < 0 || brig_rootfs_finish(ctx->spec, err) < 0)
    return -1;
  brig_mask_prep_close(&mask_prep);
  cwd_fd = brig_open_in_own_root(ctx->spec->process->cwd, O_PATH | O_DIRECTORY);
  cwd_errno = errno;
  return 0;
}

static int
init_hostname(brig_init_ctx *ctx, brig_error **err)
{
  const oci_spec *s = ctx->spec;

  if (s->hostname && s->hostname[0] && sethostname(s->hostname, strlen(s->hostname)) < 0)
    return brig_fail(err, errno, "set hostname");
  if (s->domainname && s->domainname[0] && setdomainname(s->domainname, strlen(s->domainname)) < 0)
    return brig_fail(err, errno, "set domainname");
  return 0;
}

static int
init_keyring(brig_init_ctx *ctx, brig_error **err)
{
  /* KEYCTL_JOIN_SESSION_KEYRING with no name: a new anonymous session
   * keyring, so the container does not share the caller's keys. */
  if (ctx->no_new_keyring)
    return 0;
  if (brig_lsm_apply_keyring_label(ctx->spec->process, err) < 0)
    return -1;
  if (syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, NULL) < 0 && errno != ENOSYS &&
      errno != EACCES && errno != EPERM && errno != EDQUOT)
    return brig_fail(err, errno, "create session keyring");
  return 0;
}

static int
init_console(brig_init_ctx *ctx, brig_error **err)
{
  const oci_process *p = ctx->spec->process;

  if (!p->terminal)
    return 0;
  return brig_terminal_setup(ctx->sync_fd, p, err);
}

/* The cwd is resolved inside the container (we are chrooted already), and
 * must be reachable from the container's root: a cwd through a leaked fd
 * (/proc/self/fd/N, CVE-2024-21626) would not be. */
static int
init_cwd(brig_init_ctx *ctx, brig_error **err)
{
  const char *cwd = ctx->spec->process->cwd;
  char buf[PATH_MAX];
  int r;

  if (cwd_fd < 0)
    return brig_fail(err, cwd_errno, "chdir to cwd %s", cwd);
  r = fchdir(cwd_fd);
  close(cwd_fd);
  cwd_fd = -1;
  if (r < 0)
    return brig_fail(err, errno, "chdir to cwd %s", cwd);
  errno = 0;
  if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
    return brig_fail(err, errno ? errno : ENOENT, "cwd %s is outside the container", cwd);
  return 0;
}

static int
init_env(brig_init_ctx *ctx, init_exec *x, brig_error **err)
{
  const oci_process *p = ctx->spec->process;
  size_t i, n = 0;

  x->env = calloc(p->env_len + 3, sizeof(char *));
  if (!x->env)
    return brig_fail(err, ENOMEM, "env");
  for (i = 0; i < p->env_len; i++)
    x->env[n++] = p->env[i];
  if (ctx->listen_fds > 0) {
    if (asprintf(&x->env[n++], "LISTEN_FDS=%d", ctx->listen_fds) < 0 ||
        asprintf(&x->env[n++], "LISTEN_PID=%d", (int)getpid()) < 0)
      return brig_fail(err, ENOMEM, "env");
  }
  return 0;
}

static int
init_find_executable(brig_init_ctx *ctx, init_exec *x, brig_error **err)
{
  const char *name = ctx->spec->process->args[0];

  x->path = brig_find_executable(name, x->env);
  if (x->path)
    return 0;
  if (errno == ENOENT && !strchr(name, '/'))
    return brig_fail(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
  return brig_fail(err, errno, "exec %s", name);
}

static int
init_prepare_exec(brig_init_ctx *ctx, init_exec *x, brig_error **err)
{
  if (ctx->no_process)
    return 0;
  x->caps = *ctx->caps;
  if (init_env(ctx, x, err) < 0 || init_cwd(ctx, err) < 0)
    return -1;
  return init_find_executable(ctx, x, err);
}

/* Blocks until `brig start` opens the fifo for reading.  The fifo is
 * reopened through our O_PATH fd and the host /proc opened before
 * pivot_root (the container may have no /proc). */
static int
init_wait_start(brig_init_ctx *ctx, brig_error **err)
{
  char path[64];
  int fd;

  snprintf(path, sizeof(path), "self/fd/%d", ctx->fifo_fd);
  fd = openat(proc_fd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return brig_fail(err, errno, "open exec fifo");
  close(ctx->fifo_fd);
  ctx->fifo_fd = fd;
  return 0;
}

static int
init_start_hooks(brig_init_ctx *ctx, brig_error **err)
{
  const oci_hooks *h = ctx->spec->hooks;

  char *status;
  int r;

  if (!h || !h->start_container_len)
    return 0;
  /* The state as the container sees it: its pid there, and "created"
   * (the user's program has not started yet). */
  ctx->state->pid = getpid();
  status = ctx->state->status;
  ctx->state->status = (char *)"created";
  r = brig_hooks_run(h->start_container, h->start_container_len, "startContainer", ctx->state, NULL,
                     err);
  ctx->state->status = status;
  return r;
}

/* All inherited across execve().  After the startContainer hooks (a
 * SCHED_DEADLINE process cannot fork them, and they should not run
 * under the container's memory policy) and before rlimits and the user
 * switch, while the init still has CAP_SYS_NICE and CAP_SYS_ADMIN. */
static int
init_process_attrs(brig_init_ctx *ctx, brig_error **err)
{
  const oci_process *p = ctx->spec->process;
  const oci_linux *l = ctx->spec->linux;

  if (l && (brig_personality_apply(l->personality, err) < 0 ||
            brig_mempolicy_apply(l->memory_policy, err) < 0))
    return -1;
  if (brig_ioprio_apply(p->io_priority, err) < 0 || brig_sched_apply(p->scheduler, err) < 0)
    return -1;
  return 0;
}

/* The supplementary groups (see brig_set_groups). */
static int
init_groups(brig_init_ctx *ctx, brig_error **err)
{
  return brig_set_groups(ctx->spec->process->user, ctx->ns->new_user || ctx->ns->join_user, err);
}

/* The child that writes the init's id maps once it has unshared: the
 * kernel wants the writer in the parent namespace, with CAP_SETUID and
 * CAP_SETGID there, which the init no longer is, and the map files opened
 * after the unshare (they belong to the namespace the task had when
 * opened).  init is the init's directory in the host's /proc.  Exits 0 on
 * success. */
__attribute__((noreturn)) static void
late_map_writer(int go, const char *init, const oci_linux *l)
{
  brig_error *e = NULL;
  char c;

  if (read(go, &c, 1) != 1 || brig_ns_write_id_maps_at(proc_fd, init, l, &e) < 0)
    _exit(1);
  _exit(0);
}

/* linux.namespaces user with mappings that leave root out (see
 * brig_ns_plan_build): entered now that the container is set up, before
 * the filter (which may forbid unshare) and the user's ids.  The groups
 * are set first, while the init can still name unmapped ones. */
static int
init_late_user_namespace(brig_init_ctx *ctx, brig_error **err)
{
  const oci_linux *l = ctx->spec->linux;
  /* Rootless, the /proc files of a non-dumpable process belong to a root
   * that brig's namespace does not map, not to the writer: dumpable while
   * it writes. */
  bool toggle = ctx->rootless;
  char self[32];
  int go[2], status = 0, r, saved;
  ssize_t n;
  pid_t writer;

  if (!ctx->ns->late_user)
    return 0;
  if (init_groups(ctx, err) < 0)
    return -1;
  n = readlinkat(proc_fd, "self", self, sizeof(self) - 1);
  if (n <= 0)
    return brig_fail(err, errno, "user namespace: our pid");
  self[n] = '\0';
  if (pipe2(go, O_CLOEXEC) < 0)
    return brig_fail(err, errno, "user namespace: pipe");
  writer = fork();
  if (writer == 0) {
    close(go[1]);
    late_map_writer(go[0], self, l);
  }
  close(go[0]);
  if (writer < 0) {
    close(go[1]);
    return brig_fail(err, errno, "user namespace: fork");
  }
  r = unshare(CLONE_NEWUSER);
  saved = errno;
  if (r == 0 && toggle && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
    r = -1, saved = errno;
  if (r == 0 && write(go[1], "x", 1) != 1)
    r = -1, saved = errno;
  close(go[1]);
  while (waitpid(writer, &status, 0) < 0 && errno == EINTR)
    ;
  if (toggle && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 && r == 0)
    r = -1, saved = errno;
  if (r < 0)
    return brig_fail(err, saved, "unshare the user namespace");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return brig_fail(err, 0, "user namespace: write its id maps");
  return 0;
}

static int
init_user(brig_init_ctx *ctx, init_exec *x, brig_error **err)
{
  const oci_user *u = ctx->spec->process->user;

  if (brig_caps_drop_bounding(&x->caps, err) < 0)
    return -1;
  if (!ctx->ns->late_user && init_groups(ctx, err) < 0)
    return -1;
  if (!u)
    return 0;
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_KEEPCAPS");
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return brig_fail(err, errno, "setgid %u", u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return brig_fail(err, errno, "setuid %u", u->uid);
  /* runtime-spec config.md (process.user.umask): "If unspecified, the
   * umask should not be changed from the calling process' umask" (runc
   * sets 022 instead). */
  umask(u->has_umask ? (mode_t)u->umask : inherited_umask);
  return 0;
}

static int
init_caps_and_privs(brig_init_ctx *ctx, init_exec *x, brig_error **err)
{
  const oci_process *p = ctx->spec->process;

  if (!p->user)
    umask(inherited_umask);
  if (brig_caps_apply(&x->caps, err) < 0)
    return -1;
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_KEEPCAPS");
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return brig_fail(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

/* Only 0, 1, 2 and the preserved fds survive the exec (CVE-2024-21626
 * class: no fd of brig or of the caller leaks into the container). */
static int
init_fds(brig_init_ctx *ctx, brig_error **err)
{
  struct rlimit rl;
  int fd, last = 2 + ctx->preserve_fds;

  /* No fd can be above the fd limit: a huge --preserve-fds would only make
   * this loop long. */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      (rlim_t)last >= rl.rlim_cur)
    last = rl.rlim_cur > 3 ? (int)rl.rlim_cur - 1 : 2;

  /* The exec fifo stays open, close-on-exec: its close at the exec tells
   * start that the process runs (a fifo, no directory a path could climb
   * out of). */
  for (fd = 3; fd <= last; fd++)
    if (fd != ctx->fifo_fd && fd != ctx->sync_fd && fd != proc_fd)
      fcntl(fd, F_SETFD, 0);
  if (proc_fd >= 0 && proc_fd <= last)
    close(proc_fd);
  proc_fd = -1; /* else closed below with the rest */
  if (brig_close_from(last + 1, ctx->fifo_fd) < 0)
    return brig_fail(err, errno, "close_range");
  return 0;
}

const char *const brig_init_syscalls_after_seccomp[] = {
  /* the hand-off and the wait for start */
  "sendmsg",
  "close",
  "openat",
  "open",
  "read",
  "write",
  "fcntl",
  "poll",
  "ppoll",
  /* startContainer hooks */
  "clone",
  "clone3",
  "fork",
  "vfork",
  "wait4",
  "waitid",
  "pipe2",
  "dup2",
  "dup3",
  "kill",
  "pidfd_open",
  "pidfd_send_signal",
  "rt_sigaction",
  "rt_sigprocmask",
  /* process attributes */
  "personality",
  "set_mempolicy",
  "ioprio_set",
  "sched_setattr",
  /* rlimits, user, capabilities, fds, exec */
  "prlimit64",
  "setrlimit",
  "getrlimit",
  "prctl",
  "setgroups",
  "setresuid",
  "setresgid",
  "capget",
  "capset",
  "umask",
  "close_range",
  "execve",
  "execveat",
  "exit",
  "exit_group",
  "newfstatat",
  "fstat",
  "statx",
  "access",
  "faccessat",
  "faccessat2",
  "brk",
  "mmap",
  "munmap",
  "mprotect",
  "futex",
  "getpid",
  "gettid",
  NULL,
};

/* A filter with a notifying rule is loaded before READY so that brig, still
 * running `create`, can hand the listener fd to listenerPath; a failing
 * hand-off is then a create error, as the runtime-spec wants. */
static int
init_seccomp_early(brig_init_ctx *ctx, brig_error **err)
{
  int notify_fd = -1, r;

  if (!ctx->seccomp || !ctx->seccomp->notify)
    return 0;
  if (brig_seccomp_load(ctx->seccomp, &notify_fd, err) < 0)
    return -1;
  if (notify_fd < 0)
    return 0;
  r = brig_sync_send(ctx->sync_fd, BRIG_SYNC_SECCOMP, 0, NULL, notify_fd);
  close(notify_fd);
  if (r < 0)
    return brig_fail(err, errno, "seccomp: send the listener fd to brig");
  return 0;
}

/* Any other filter is loaded as late as the kernel allows (load.h): with
 * noNewPrivileges after the privileges are dropped, right before execve;
 * without it before setuid and the capability drop, while the init still
 * has CAP_SYS_ADMIN.  after_privs says which of the two call sites this is. */
static int
init_seccomp_late(brig_init_ctx *ctx, bool after_privs, brig_error **err)
{
  int notify_fd = -1;

  if (!ctx->seccomp || ctx->seccomp->notify || ctx->spec->process->no_new_privileges != after_privs)
    return 0;
  if (brig_seccomp_load(ctx->seccomp, &notify_fd, err) < 0)
    return -1;
  if (notify_fd >= 0)
    close(notify_fd);
  return 0;
}

__attribute__((noreturn)) static void
fail_before_ready(brig_init_ctx *ctx, brig_error *err)
{
  brig_sync_send(ctx->sync_fd, BRIG_SYNC_ERROR, err ? err->errnum : 0,
                 err ? err->msg : "container init failed", -1);
  _exit(1);
}

/* After start: the message goes into the fifo, which `start` reads. */
__attribute__((noreturn)) static void
fail_after_start(brig_init_ctx *ctx, brig_error *err)
{
  const char *msg = err ? err->msg : "container init failed";

  (void)!write(ctx->fifo_fd, msg, strlen(msg));
  _exit(1);
}

void
brig_init_run(brig_init_ctx *ctx)
{
  brig_error *err = NULL;
  init_exec x = { 0 };

  if (init_prepare_process(ctx, &err) < 0 || init_time_namespace(ctx, &err) < 0 ||
      init_oom_score_adj(ctx, &err) < 0 || init_setup_rootfs(ctx, &err) < 0 ||
      init_finish_rootfs(ctx, &err) < 0 || init_hostname(ctx, &err) < 0 ||
      init_keyring(ctx, &err) < 0 || init_console(ctx, &err) < 0 ||
      init_prepare_exec(ctx, &x, &err) < 0 || take_first_go(ctx, &err) < 0 ||
      init_seccomp_early(ctx, &err) < 0)
    fail_before_ready(ctx, err);
  if (brig_sync_send(ctx->sync_fd, BRIG_SYNC_READY, 0, NULL, -1) < 0)
    _exit(1);
  close(ctx->sync_fd);
  ctx->sync_fd = -1;

  if (init_wait_start(ctx, &err) < 0)
    _exit(1); /* start reports "container init exited before start" */
  if (ctx->no_process) {
    brig_fail(&err, 0, "config.json: process: is required to start the container");
    fail_after_start(ctx, err);
  }
  if (init_start_hooks(ctx, &err) < 0 || init_process_attrs(ctx, &err) < 0 ||
      brig_rlimits_apply(ctx->spec->process, &err) < 0 ||
      brig_lsm_apply_exec_label(ctx->spec->process, &err) < 0 ||
      init_late_user_namespace(ctx, &err) < 0 || init_seccomp_late(ctx, false, &err) < 0 ||
      init_user(ctx, &x, &err) < 0 || init_caps_and_privs(ctx, &x, &err) < 0 ||
      init_fds(ctx, &err) < 0 || init_seccomp_late(ctx, true, &err) < 0)
    fail_after_start(ctx, err);
  signal(SIGPIPE, SIG_DFL);
  execve(x.path, ctx->spec->process->args, x.env);
  brig_fail(&err, errno, "exec %s", x.path);
  fail_after_start(ctx, err);
}
