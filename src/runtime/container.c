#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/caps.h"
#include "linux/lsm.h"
#include "linux/mounts.h"
#include "linux/namespaces.h"
#include "linux/rlimits.h"
#include "linux/rootfs.h"
#include "linux/sysctl.h"
#include "runtime/annotations.h"
#include "runtime/container.h"
#include "runtime/container-cgroup.h"
#include "runtime/container-ops.h"
#include "runtime/hooks.h"
#include "runtime/init.h"
#include "runtime/spawn.h"
#include "runtime/status.h"
#include "runtime/terminal.h"
#include "runtime/validate-process.h"
#include "seccomp/filter.h"
#include "runtime/pidfd-socket.h"
#include "runtime/preserved-fds.h"
#include "runtime/pty-proxy.h"
#include "seccomp/listener.h"
#include "seccomp/load.h"
#include "util/cleanup.h"
#include "util/file-util.h"
#include "util/fs.h"
#include "util/log.h"

/* ---- create ---- */

typedef struct create_ctx {
  const brig_create_opts *o;
  brig_cdir cdir;
  oci_spec *spec;
  oci_state *state;
  char *bundle;
  char *rootfs;
  brig_ns_plan ns;
  int console_fd;
  int pidfd_sock;        /* --pidfd-socket, connected before the clone */
  int proxy_sock;        /* with o->proxy_terminal: where the pty master arrives */
  bool unshare_cgroupns; /* a new cgroup namespace, made by the init in its cgroup */
  bool no_process;       /* config.json has none: start is refused */
  brig_caps caps;        /* process.capabilities, parsed and limited once */
  int fifo_fd;
  int sock;
  pid_t pid;
  int pidfd;
  unsigned long long starttime; /* of the init, read once at the first GO */
  int proc_fd;                  /* the host's /proc, O_PATH, for the init */
  bool pid_file_done;           /* written: removed again if create fails after */
  bool hooks_ran;               /* create hooks ran: a failure runs poststop (runtime.md) */
  brig_seccomp_filter *seccomp;
  brig_cgroup *cgroup;
  brig_cgroup_join cgroup_join; /* how the init gets into cgroup (cgroup-join.c) */
  brig_scope_plan scope;        /* --systemd-cgroup: started once the init exists */
  uid_t euid;                   /* brig's, read once (0: not rootless) */
  int listen_fds; /* LISTEN_FDS meant for brig (read here: the init has another pid) */
} create_ctx;

static int
load_spec(create_ctx *c, brig_error **err)
{
  _cleanup_free_ char *path = NULL;
  char *perr = NULL;

  if (asprintf(&path, "%s/config.json", c->bundle) < 0)
    return brig_fail(err, ENOMEM, "config.json");
  c->spec = oci_spec_parse_file(path, NULL, &perr);
  if (!c->spec) {
    brig_fail(err, 0, "%s", perr);
    free(perr);
    return -1;
  }
  return 0;
}

/* "1.MINOR.PATCH" with an optional -prerelease/+build (SemVer 2.0.0):
 * brig implements version 1 of the runtime-spec. */
static bool
oci_version_supported(const char *v)
{
  const char *p = v;
  int part;

  if (!v || strncmp(v, "1.", 2))
    return false;
  p = v + 2;
  for (part = 0; part < 2; part++) {
    if (!isdigit((unsigned char)*p) || (p[0] == '0' && isdigit((unsigned char)p[1])))
      return false;
    while (isdigit((unsigned char)*p))
      p++;
    if (part == 0 && *p++ != '.')
      return false;
  }
  if (*p == '-' || *p == '+') {
    if (!p[1])
      return false;
    for (p++; *p; p++)
      if (!isalnum((unsigned char)*p) && !strchr(".-+", *p))
        return false;
  }
  return *p == '\0';
}

/* A 1.x minor above brig's (1.2): fields brig does not know are ignored
 * (the parser accepts unknown keys), which the user should hear about. */
static void
warn_newer_version(const char *v)
{
  unsigned long minor = strtoul(v + 2, NULL, 10);

  if (minor > 2)
    brig_warn("config.json: ociVersion %s is newer than the %s brig implements; fields it does "
              "not know are ignored",
              v, OCI_RUNTIME_SPEC_VERSION);
}

/* config.md: annotation keys MUST NOT be empty; config-linux.md:
 * maskedPaths and readonlyPaths MUST be absolute. */
static int
validate_names(const oci_spec *s, brig_error **err)
{
  size_t i;

  for (i = 0; i < s->annotations.len; i++)
    if (!s->annotations.keys[i][0])
      return brig_fail(err, 0, "config.json: annotations: a key must not be empty");
  for (i = 0; s->linux && i < s->linux->masked_paths_len; i++)
    if (s->linux->masked_paths[i][0] != '/')
      return brig_fail(err, 0, "config.json: linux.maskedPaths[%zu]: must be an absolute path", i);
  for (i = 0; s->linux && i < s->linux->readonly_paths_len; i++)
    if (s->linux->readonly_paths[i][0] != '/')
      return brig_fail(err, 0, "config.json: linux.readonlyPaths[%zu]: must be an absolute path",
                       i);
  return 0;
}

static int
validate_spec(create_ctx *c, brig_error **err)
{
  const oci_spec *s = c->spec;
  struct stat st;

  if (!oci_version_supported(s->oci_version))
    return brig_fail(err, 0, "config.json: ociVersion: unsupported version \"%s\"",
                     s->oci_version ? s->oci_version : "");
  warn_newer_version(s->oci_version);
  if (validate_names(s, err) < 0)
    return -1;
  /* runtime.md: create applies everything "except for process", and
   * start "MUST generate an error if process was not set". */
  c->no_process = !s->process;
  if (s->process && brig_process_validate(s->process, "config.json: process.", err) < 0)
    return -1;
  if (!s->root || !s->root->path)
    return brig_fail(err, 0, "config.json: root.path: is required");
  c->rootfs = brig_rootfs_path(s, c->bundle);
  if (!c->rootfs)
    return brig_fail(err, ENOMEM, "root.path");
  if (stat(c->rootfs, &st) < 0)
    return brig_fail(err, errno, "config.json: root.path: %s", c->rootfs);
  if (!S_ISDIR(st.st_mode))
    return brig_fail(err, ENOTDIR, "config.json: root.path: %s", c->rootfs);
  if (!(c->ns.all_flags & CLONE_NEWNS))
    return brig_fail(err, 0, "config.json: linux.namespaces: a mount namespace is required");
  /* An empty one is no name to set (runc's reading; Go's omitempty makes
   * it the same as none). */
  if (!(c->ns.all_flags & CLONE_NEWUTS) &&
      ((s->hostname && s->hostname[0]) || (s->domainname && s->domainname[0])))
    return brig_fail(err, 0, "config.json: %s: needs a uts namespace",
                     s->hostname && s->hostname[0] ? "hostname" : "domainname");
  if ((c->ns.new_user || c->ns.late_user) &&
      (!s->linux->uid_mappings_len || !s->linux->gid_mappings_len))
    return brig_fail(err, 0, "config.json: linux.uidMappings: needed with a new user namespace");
  if (s->process && s->process->terminal && !c->o->console_socket && !c->o->proxy_terminal)
    return brig_fail(err, 0, "config.json: process.terminal: needs --console-socket");
  if (brig_hooks_validate(s->hooks, err) < 0 || brig_mounts_validate(s, err) < 0 ||
      (s->linux && s->linux->sysctl.len &&
       brig_sysctl_validate(s->linux, brig_ns_own(&c->ns), err) < 0) ||
      brig_process_attrs_validate(s, err) < 0)
    return -1;
  if (!s->process)
    return 0;
  /* Warnings only (unknown names, ambient capabilities that cannot be
   * raised, capabilities brig does not hold).  The init, a clone, uses the
   * sets as they are here: its capabilities are brig's. */
  if (brig_caps_parse(s->process->capabilities, &c->caps, true, err) < 0)
    return -1;
  if (c->caps.present)
    brig_caps_limit(
        &c->caps, brig_caps_grantable(c->ns.new_user || c->ns.join_user || c->ns.late_user), true);
  return 0;
}

static int
build_state(create_ctx *c, brig_error **err)
{
  struct passwd *pw = getpwuid(c->euid);
  oci_state *s = calloc(1, sizeof(*s));
  size_t i;

  c->state = s;
  if (!s)
    return brig_fail(err, ENOMEM, "state");
  /* The state follows brig's version of the spec, whatever the config's. */
  s->oci_version = strdup(OCI_RUNTIME_SPEC_VERSION);
  s->id = strdup(c->o->id);
  s->status = strdup("creating");
  s->bundle = strdup(c->bundle);
  s->rootfs = strdup(c->rootfs);
  s->created = brig_rfc3339_now();
  s->owner = strdup(pw ? pw->pw_name : "");
  s->has_pid = true;
  if (!s->oci_version || !s->id || !s->status || !s->bundle || !s->rootfs || !s->created ||
      !s->owner)
    return brig_fail(err, ENOMEM, "state");
  for (i = 0; i < c->spec->annotations.len; i++)
    if (oci_strmap_set(&s->annotations, c->spec->annotations.keys[i],
                       c->spec->annotations.values[i]) < 0)
      return brig_fail(err, ENOMEM, "state");
  s->annotations.present = c->spec->annotations.present;
  return 0;
}

static int
set_status(oci_state *s, const char *status)
{
  char *d = strdup(status);

  if (!d)
    return -1;
  free(s->status);
  s->status = d;
  return 0;
}

static int
save_effective_spec(create_ctx *c, brig_error **err)
{
  _cleanup_free_ char *json = NULL;
  char *perr = NULL;
  size_t len;

  if (oci_emit(&oci_spec_desc, c->spec, false, &json, &len, &perr) < 0) {
    brig_fail(err, 0, "config.json: %s", perr);
    free(perr);
    return -1;
  }
  return brig_write_file_atomic(c->cdir.fd, "config.json", json, len, 0600, err);
}

/* Without process, the init sets up everything else and waits for a start
 * that is refused (start finds no process in the saved spec).  Its
 * code reads process fields all along: it gets a stand-in that is never
 * exec'd, root in "/", after the spec was saved without it. */
static int
stand_in_process(create_ctx *c, brig_error **err)
{
  oci_process *p = calloc(1, sizeof(*p));

  c->spec->process = p;
  if (!p || !(p->user = calloc(1, sizeof(*p->user))) || !(p->cwd = strdup("/")))
    return brig_fail(err, ENOMEM, "process");
  return 0;
}

static int
make_exec_fifo(create_ctx *c, brig_error **err)
{
  /* 0622 whatever the umask: an init in a user namespace is "other". */
  if (mkfifoat(c->cdir.fd, BRIG_EXEC_FIFO, 0622) < 0 ||
      fchmodat(c->cdir.fd, BRIG_EXEC_FIFO, 0622, 0) < 0)
    return brig_fail(err, errno, "create exec fifo");
  c->fifo_fd = openat(c->cdir.fd, BRIG_EXEC_FIFO, O_PATH | O_CLOEXEC);
  if (c->fifo_fd < 0)
    return brig_fail(err, errno, "open exec fifo");
  return 0;
}

static bool
has_create_hooks(const oci_spec *s)
{
  return s->hooks &&
         (s->hooks->prestart_len || s->hooks->create_runtime_len || s->hooks->create_container_len);
}

__attribute__((noreturn)) static void
child_main(create_ctx *c, int child_sock)
{
  brig_init_ctx ictx = {
    .spec = c->spec,
    .state = c->state,
    .bundle = c->bundle,
    .rootfs = c->rootfs,
    .ns = &c->ns,
    .sync_fd = child_sock,
    .fifo_fd = c->fifo_fd,
    .proc_fd = c->proc_fd,
    .no_pivot = c->o->no_pivot,
    .no_new_keyring = c->o->no_new_keyring,
    .create_hooks = has_create_hooks(c->spec),
    .preserve_fds = c->o->preserve_fds,
    .listen_fds = c->listen_fds,
    .seccomp = c->seccomp,
    .unshare_cgroupns = c->unshare_cgroupns,
    .no_process = c->no_process,
    .caps = &c->caps,
    .cgroup_join = c->cgroup ? &c->cgroup_join : NULL,
    .placed_by_brig = c->scope.unit != NULL,
    .rootless = c->euid != 0,
  };

  /* The lock belongs to brig: the init must not keep the directory locked
   * while it waits for start. */
  close(c->cdir.fd);
  close(c->cdir.rootfd);
  close(c->sock);
  if (c->console_fd >= 0)
    close(c->console_fd);
  if (c->pidfd_sock >= 0)
    close(c->pidfd_sock);
  if (c->proxy_sock >= 0)
    close(c->proxy_sock);
  /* The range brig.c filled at start: nothing of brig's is in it. */
  ictx.preserve_fds = brig_preserved_fds_cap((long)ictx.preserve_fds + ictx.listen_fds);
  brig_init_run(&ictx);
}

/* setns() flags for the container's namespaces: all of the init's
 * (joining one's own is a no-op), the user namespace only if it is not ours
 * (setns refuses to join one's own user namespace). */
static int
container_ns_flags(pid_t pid)
{
  int flags =
      CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP;
  struct stat self, init;
  char path[64];

  snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
  if (stat("/proc/self/ns/user", &self) == 0 && stat(path, &init) == 0 &&
      (self.st_ino != init.st_ino || self.st_dev != init.st_dev))
    flags |= CLONE_NEWUSER;
  return flags;
}

static int
run_create_hooks(create_ctx *c, brig_error **err)
{
  const oci_hooks *h = c->spec->hooks;
  brig_hook_ns ns = { .pidfd = c->pidfd, .flags = container_ns_flags(c->pid), .time_fd = -1 };
  _cleanup_close_ int time_fd = -1;
  pid_t pid = c->state->pid;
  int r;

  if (brig_hooks_run(h->prestart, h->prestart_len, "prestart", c->state, NULL, err) < 0 ||
      brig_hooks_run(h->create_runtime, h->create_runtime_len, "createRuntime", c->state, NULL,
                     err) < 0)
    return -1;
  if (!h->create_container_len)
    return 0;
  /* runtime-spec runtime.md: createContainer hooks "MUST be executed in
   * the container namespace"; their state has the pid as seen there. */
  c->state->pid = brig_proc_ns_pid(c->pid);
  if (c->ns.new_time) {
    char path[64];

    snprintf(path, sizeof(path), "/proc/%d/ns/time_for_children", (int)c->pid);
    time_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (time_fd < 0) {
      c->state->pid = pid;
      return brig_fail(err, errno, "createContainer hooks: the container's time namespace");
    }
    ns.time_fd = time_fd;
  }
  r = brig_hooks_run(h->create_container, h->create_container_len, "createContainer", c->state, &ns,
                     err);
  c->state->pid = pid;
  return r;
}

/* Builds linux.seccomp before the clone, so that a bad filter, a flag the
 * kernel lacks or a notifying rule the init would block on is a create
 * error before any process exists.  The init inherits the built filter. */
static int
build_seccomp(create_ctx *c, brig_error **err)
{
  const oci_seccomp *sc = c->spec->linux ? c->spec->linux->seccomp : NULL;

  if (!sc)
    return 0;
  if (brig_seccomp_build(sc, &c->seccomp, err) < 0)
    return brig_error_wrap(err, "config.json");
  if (c->seccomp->notify &&
      brig_seccomp_check_notify_syscalls(sc, brig_init_syscalls_after_seccomp, err) < 0)
    return brig_error_wrap(err, "config.json");
  return brig_seccomp_check_kernel(c->seccomp, err);
}

/* The init loaded a filter with a notifying rule: send its listener fd and
 * the state (status "creating") to listenerPath. */
static int
hand_over_seccomp_listener(create_ctx *c, int fd, brig_error **err)
{
  char *status = c->state->status;
  int r;

  if (fd < 0)
    return brig_fail(err, EPROTO, "seccomp listener fd from the container init");
  c->state->status = (char *)"creating";
  r = brig_seccomp_send_listener(c->spec->linux->seccomp, c->state, c->state->pid, fd, err);
  c->state->status = status;
  close(fd);
  return r;
}

/* The init is gone.  It may have said why before brig read anything (it
 * starts its setup without waiting for GO, see needs_go_first in init.c):
 * an ERROR still queued on the socket is the error.  The kernel reports
 * ECONNRESET once before the queued messages when the init left our GO
 * unread. */
static bool
queued_init_error(create_ctx *c, brig_error **err)
{
  struct pollfd p = { .fd = c->sock, .events = POLLIN };

  for (int tries = 0; tries < 2 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN); tries++) {
    brig_sync_msg msg = { 0 };
    int fd = -1, r = brig_sync_recv(c->sock, &msg, &fd);

    if (fd >= 0)
      close(fd);
    if (r > 0 && msg.type == BRIG_SYNC_ERROR) {
      brig_fail(err, 0, "%s", msg.text);
      (*err)->errnum = msg.errnum;
      return true;
    }
    if (r == 0 || (r < 0 && errno != ECONNRESET))
      break;
  }
  return false;
}

/* The init died: with its error message if it sent one, else most often
 * the OOM killer, when the memory limit is below what even brig's setup
 * needs. */
static int
init_exited(create_ctx *c, brig_error **err)
{
  brig_error_clear(err);
  if (queued_init_error(c, err))
    return -1;
  if (c->cgroup && brig_cgroup_oom_kills(c->cgroup) > 0)
    return brig_fail(err, 0,
                     "container init was killed by the OOM killer during setup: "
                     "linux.resources.memory.limit is too low");
  return brig_fail(err, 0, "container init exited during setup");
}

/* A send or receive on the sync socket failed: the init's end is gone
 * when it died (it joins its cgroup first thing, so a tiny memory limit
 * kills it before brig's first message). */
static int
sync_failed(create_ctx *c, brig_error **err)
{
  if (errno == ECONNRESET || errno == EPIPE)
    return init_exited(c, err);
  return brig_fail(err, errno, "sync with the container init");
}

/* brig's side of the sync protocol (spawn.h), until READY. */
static int
talk_to_init(create_ctx *c, brig_error **err)
{
  char pid[32];

  if (c->ns.new_user && brig_ns_write_id_maps(c->pid, c->spec->linux, err) < 0)
    return -1;
  snprintf(pid, sizeof(pid), "%d", (int)c->pid);
  c->state->pid = c->pid;
  /* From here on `brig state` (a hook may call it) sees "creating" and
   * the pid; create writes "created" at READY. */
  if (brig_proc_stat(c->pid, &c->starttime, NULL) < 0)
    return init_exited(c, err);
  /* Into its cgroup before it runs anything of the container's. */
  if (brig_container_cgroup_enter(&c->cgroup, &c->scope, &c->cgroup_join, c->o->id, c->pid, c->spec,
                                  err) < 0 ||
      brig_container_cgroup_save(&c->cdir, c->cgroup, &c->scope, err) < 0)
    return -1;
  if (brig_state_save(&c->cdir, c->state, c->starttime, err) < 0)
    return -1;
  /* An init that failed before reading GO (it need not wait for it, see
   * needs_go_first in init.c) has left its error in our queue: the loop
   * reads it. */
  if (brig_sync_send(c->sock, BRIG_SYNC_GO, 0, pid, -1) < 0 && errno != EPIPE &&
      errno != ECONNRESET)
    return brig_fail(err, errno, "sync with the container init");
  for (;;) {
    brig_sync_msg msg = { 0 };
    int fd, r;

    r = brig_sync_recv(c->sock, &msg, &fd);
    if (r < 0)
      return sync_failed(c, err);
    if (r == 0)
      return init_exited(c, err);
    switch (msg.type) {
    case BRIG_SYNC_ERROR:
      if (fd >= 0)
        close(fd);
      brig_fail(err, 0, "%s", msg.text);
      (*err)->errnum = msg.errnum;
      return -1;
    case BRIG_SYNC_HOOKS:
      c->hooks_ran = true;
      if (run_create_hooks(c, err) < 0)
        return -1;
      if (brig_sync_send(c->sock, BRIG_SYNC_GO, 0, pid, -1) < 0)
        return sync_failed(c, err);
      break;
    case BRIG_SYNC_PTY:
      if (fd < 0)
        return brig_fail(err, EPROTO, "pty master from the container init");
      r = brig_console_send_master(c->console_fd, fd, err);
      close(fd);
      if (r < 0)
        return -1;
      break;
    case BRIG_SYNC_SECCOMP:
      if (hand_over_seccomp_listener(c, fd, err) < 0)
        return -1;
      break;
    case BRIG_SYNC_READY:
      return 0;
    default:
      return brig_fail(err, EPROTO, "sync with the container init");
    }
  }
}

static void
kill_and_wait(pid_t pid, int pidfd)
{
  if (pidfd < 0)
    return;
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  brig_spawn_wait(pid, pidfd);
}

static void
create_ctx_free(create_ctx *c)
{
  brig_ns_plan_close(&c->ns);
  if (c->console_fd >= 0)
    close(c->console_fd);
  if (c->pidfd_sock >= 0)
    close(c->pidfd_sock);
  if (c->proxy_sock >= 0)
    close(c->proxy_sock);
  if (c->fifo_fd >= 0)
    close(c->fifo_fd);
  if (c->sock >= 0)
    close(c->sock);
  if (c->pidfd >= 0)
    close(c->pidfd);
  if (c->proc_fd >= 0)
    close(c->proc_fd);
  if (c->spec)
    oci_spec_free(c->spec);
  if (c->state)
    oci_state_free(c->state);
  free(c->bundle);
  free(c->rootfs);
  brig_seccomp_filter_free(c->seccomp);
  brig_cgroup_join_close(&c->cgroup_join);
  brig_cgroup_free(c->cgroup);
  brig_scope_plan_clear(&c->scope);
  brig_cdir_close(&c->cdir);
}

/* Create up to READY; on success the directory is still locked (run
 * continues with start under the same lock). */
static int
create_locked(const brig_create_opts *o, create_ctx *c, brig_error **err)
{
  int sv[2];

  c->bundle = realpath(o->bundle ? o->bundle : ".", NULL);
  if (!c->bundle)
    return brig_fail(err, errno, "bundle %s", o->bundle ? o->bundle : ".");
  if (brig_cdir_create(o->root, o->id, &c->cdir, err) < 0)
    return -1;
  /* run.brig.* annotations rewrite the spec first: the effective spec is
   * what is validated, run and saved. */
  if (load_spec(c, err) < 0 || brig_annotations_apply(c->spec, c->bundle, c->cdir.path, err) < 0 ||
      brig_ns_plan_build(c->spec, &c->ns, err) < 0 || validate_spec(c, err) < 0 ||
      build_state(c, err) < 0 || build_seccomp(c, err) < 0)
    goto fail;
  if (brig_container_cgroup_create(o->cgroup_manager, o->id, c->spec, &c->cgroup, &c->scope, err) <
      0)
    goto fail;
  /* A cgroup namespace made at clone time would be rooted at brig's own
   * cgroup: the init unshares it once it is in the container's. */
  if ((c->cgroup || c->scope.unit) && (c->ns.clone_flags & CLONE_NEWCGROUP)) {
    c->ns.clone_flags &= ~(uint64_t)CLONE_NEWCGROUP;
    c->unshare_cgroupns = true; /* not one joined by path */
  }
  if (o->console_socket) {
    c->console_fd = brig_console_socket_connect(o->console_socket, err);
    if (c->console_fd < 0)
      goto fail;
  }
  if (!o->console_socket && o->proxy_terminal && c->spec->process && c->spec->process->terminal) {
    int pair[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
      brig_fail(err, errno, "socketpair");
      goto fail;
    }
    c->console_fd = pair[0];
    c->proxy_sock = pair[1];
    brig_pty_proxy_take_window_size(c->spec->process);
  }
  if (o->pidfd_socket) {
    c->pidfd_sock = brig_pidfd_socket_connect(o->pidfd_socket, err);
    if (c->pidfd_sock < 0)
      goto fail;
  }
  if (make_exec_fifo(c, err) < 0 || save_effective_spec(c, err) < 0 ||
      (c->no_process && stand_in_process(c, err) < 0))
    goto fail;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    brig_fail(err, errno, "socketpair");
    goto fail;
  }
  c->sock = sv[0];
  /* Before any namespace given by path is entered. */
  c->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->proc_fd < 0) {
    close(sv[1]);
    brig_fail(err, errno, "open /proc");
    goto fail;
  }
  brig_lsm_probe(c->spec->process, c->spec->linux);
  if (c->cgroup && brig_cgroup_join_prepare(c->cgroup, &c->cgroup_join, err) < 0) {
    close(sv[1]);
    goto fail;
  }
  c->pid = brig_spawn_init(&c->ns, !o->init_is_our_child, &c->cgroup_join, &c->pidfd, err);
  if (c->pid == 0)
    child_main(c, sv[1]);
  close(sv[1]);
  brig_cgroup_join_close(&c->cgroup_join); /* the init has them */
  if (c->pid < 0)
    goto fail;
  if (talk_to_init(c, err) < 0)
    goto fail;
  close(c->sock);
  c->sock = -1;
  /* READY came from the init itself, and its start time was read at the
   * first GO: no second look at /proc is needed. */
  if (o->pid_file && brig_write_pid_file(o->pid_file, c->pid, err) < 0)
    goto fail;
  c->pid_file_done = o->pid_file != NULL;
  if (c->pidfd_sock >= 0 && brig_pidfd_socket_send(c->pidfd_sock, c->pid, c->pidfd, err) < 0)
    goto fail;
  if (set_status(c->state, "created") < 0 ||
      brig_state_save(&c->cdir, c->state, c->starttime, err) < 0)
    goto fail;
  return 0;

fail:
  kill_and_wait(c->pid, c->pidfd);
  brig_container_cgroup_abandon(c->cgroup, &c->scope);
  if (c->pid_file_done)
    unlink(o->pid_file);
  /* runtime-spec runtime.md: a failing prestart, createRuntime or
   * createContainer hook stops the container and the lifecycle continues
   * with the poststop hooks.  Any later failure too: poststop is the only
   * way to undo what those hooks set up (networking, say), and an error
   * must leave things as if the create had not been tried. */
  if (c->hooks_ran && c->spec->hooks && c->spec->hooks->poststop_len) {
    set_status(c->state, "stopped");
    brig_hooks_run_warn(c->spec->hooks->poststop, c->spec->hooks->poststop_len, "poststop",
                        c->state);
  }
  brig_cdir_destroy(&c->cdir, NULL);
  return -1;
}

#define CREATE_CTX_INIT(opts_)                                                                  \
  {                                                                                             \
    .o = (opts_), .cdir = BRIG_CDIR_INIT, .console_fd = -1, .pidfd_sock = -1, .proxy_sock = -1, \
    .fifo_fd = -1, .sock = -1, .pid = -1, .pidfd = -1, .proc_fd = -1, .euid = geteuid(),        \
    .cgroup_join = BRIG_CGROUP_JOIN_INIT, .listen_fds = brig_listen_fds()                       \
  }

int
brig_container_create(const brig_create_opts *o, brig_error **err)
{
  create_ctx c = CREATE_CTX_INIT(o);
  int r = create_locked(o, &c, err);

  create_ctx_free(&c);
  return r;
}

/* ---- start ---- */

/* Releases the init blocked on exec.fifo and waits until it has exec'd
 * the user's program (the fifo's write end is O_CLOEXEC: its closing is the
 * exec) or failed (it writes the failed step into the fifo and exits). */
static int
release_init(brig_cdir *cd, int pidfd, bool *init_failed, brig_error **err)
{
  char buf[2048];
  size_t len = 0;
  _cleanup_close_ int fifo = -1;
  bool done = false, writer_seen = false;

  /* O_NONBLOCK: no hang if the init died; opening wakes the init. */
  fifo = openat(cd->fd, BRIG_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return brig_fail(err, errno, "open exec fifo");
  while (!done) {
    struct pollfd p[2] = { { .fd = fifo, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };

    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return brig_fail(err, errno, "wait for the container init");
    }
    if (p[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(fifo, buf + len, sizeof(buf) - 1 - len);

      writer_seen = true;
      if (n > 0) {
        len += (size_t)n;
        if (len == sizeof(buf) - 1)
          done = true;
      } else if (n == 0 || errno != EAGAIN) {
        done = true;
      }
    } else if (p[1].revents & POLLIN) {
      /* Exited without ever opening the fifo. */
      if (!writer_seen)
        return brig_fail(err, 0, "container init exited before start");
      done = true;
    }
  }
  unlinkat(cd->fd, BRIG_EXEC_FIFO, 0);
  if (len > 0) {
    buf[len] = '\0';
    *init_failed = true;
    return brig_fail(err, 0, "%s", buf);
  }
  return 0;
}

static oci_spec *
load_saved_spec(brig_cdir *cd)
{
  _cleanup_free_ char *data = NULL;
  char *perr = NULL;
  size_t len;
  oci_spec *s;

  data = brig_read_file_at(cd->fd, "config.json", 16 << 20, &len);
  if (!data)
    return NULL;
  s = oci_parse_data(&oci_spec_desc, "config.json", data, len, NULL, &perr);
  free(perr);
  return s;
}

static int delete_locked(brig_cdir *cd, bool force, brig_error **err);

static int
start_locked(brig_cdir *cd, brig_error **err)
{
  unsigned long long starttime;
  _cleanup_close_ int pidfd = -1;
  bool init_failed = false;
  oci_state *s;
  oci_spec *spec;
  int r;

  s = brig_state_load(cd, &starttime, err);
  if (!s)
    return -1;
  if (strcmp(s->status, "created")) {
    r = strcmp(s->status, "stopped") == 0
            ? brig_fail(err, 0, "cannot start a container that has stopped")
            : brig_fail(err, 0, "cannot start an already %s container", s->status);
    oci_state_free(s);
    return r;
  }
  /* The saved spec (its poststart hooks are needed below anyway) says
   * whether there is a process to start. */
  spec = load_saved_spec(cd);
  if (spec && !spec->process) {
    oci_spec_free(spec);
    oci_state_free(s);
    return brig_fail(err, 0, "config.json: process: is required to start the container");
  }
  pidfd = brig_pidfd_verified(s->pid, starttime);
  if (pidfd < 0) {
    if (spec)
      oci_spec_free(spec);
    oci_state_free(s);
    return brig_fail(err, 0, "cannot start a container that has stopped");
  }
  r = release_init(cd, pidfd, &init_failed, err);
  if (init_failed) {
    /* runtime-spec runtime.md, start: a failing startContainer hook (or
     * any failure of the init after it was released) stops the container,
     * which is then destroyed and its poststop hooks run (steps 12, 13). */
    brig_error *ignored = NULL;

    if (spec)
      oci_spec_free(spec);
    oci_state_free(s);
    delete_locked(cd, true, &ignored);
    brig_error_free(ignored);
    return r;
  }
  if (r == 0) {
    set_status(s, "running");
    if (spec && spec->hooks)
      brig_hooks_run_warn(spec->hooks->poststart, spec->hooks->poststart_len, "poststart", s);
  }
  if (spec)
    oci_spec_free(spec);
  oci_state_free(s);
  return r;
}

int
brig_container_start(const char *root, const char *id, brig_error **err)
{
  brig_cdir cd = BRIG_CDIR_INIT;
  int r;

  if (brig_cdir_open(root, id, &cd, err) < 0)
    return -1;
  r = start_locked(&cd, err);
  brig_cdir_close(&cd);
  return r;
}

/* ---- delete ---- */

static void
run_poststop(oci_spec *spec, oci_state *s)
{
  if (spec && spec->hooks && spec->hooks->poststop_len) {
    set_status(s, "stopped");
    brig_hooks_run_warn(spec->hooks->poststop, spec->hooks->poststop_len, "poststop", s);
  }
}

static int
delete_locked(brig_cdir *cd, bool force, brig_error **err)
{
  unsigned long long starttime;
  oci_spec *spec;
  oci_state *s;
  int pidfd, r;

  s = brig_state_load(cd, &starttime, err);
  if (!s) {
    /* A directory without state is the leftover of a create that was
     * killed: nothing runs, remove it. */
    brig_error_clear(err);
    return brig_cdir_destroy(cd, err);
  }
  if (strcmp(s->status, "stopped")) {
    /* runtime-spec runtime.md (delete): "Attempting to delete a container
     * that is not stopped MUST have no effect on the container and MUST
     * generate an error."  runc deletes a created container without
     * --force; brig follows the spec and wants --force for it. */
    if (!force) {
      brig_fail(err, 0, "cannot delete container %s that is not stopped: %s", cd->id, s->status);
      oci_state_free(s);
      return -1;
    }
    pidfd = brig_pidfd_verified(s->pid, starttime);
    if (pidfd >= 0) {
      /* A frozen process acts on SIGKILL only once thawed. */
      syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      brig_container_thaw(cd);
      brig_spawn_wait(s->pid, pidfd);
      close(pidfd);
    }
  }
  if (brig_container_cgroup_destroy(cd, err) < 0) {
    oci_state_free(s);
    return -1;
  }
  /* config.md: poststop hooks "MUST be called after the container is
   * deleted but before the delete operation returns": the state is gone
   * when they run (a hook's own `brig state` says so). */
  spec = load_saved_spec(cd);
  r = brig_cdir_destroy(cd, err);
  run_poststop(spec, s);
  if (spec)
    oci_spec_free(spec);
  oci_state_free(s);
  return r;
}

int
brig_container_delete(const char *root, const char *id, bool force, brig_error **err)
{
  brig_cdir cd = BRIG_CDIR_INIT;
  int r;

  if (brig_cdir_open(root, id, &cd, err) < 0) {
    if (force && (*err)->errnum == ENOENT) {
      brig_error_clear(err);
      return 0;
    }
    return -1;
  }
  r = delete_locked(&cd, force, err);
  brig_cdir_close(&cd);
  return r;
}

/* ---- run ---- */

int
brig_container_run(const brig_create_opts *o, bool detach, bool keep, int *exit_status,
                   brig_error **err)
{
  brig_create_opts opts = *o;
  create_ctx c = CREATE_CTX_INIT(&opts);
  _cleanup_close_ int master = -1;
  int r;

  *exit_status = 0;
  opts.init_is_our_child = !detach;
  opts.proxy_terminal = !detach;
  if (create_locked(&opts, &c, err) < 0) {
    create_ctx_free(&c);
    return -1;
  }
  if (c.proxy_sock >= 0)
    master = brig_pty_proxy_recv_master(c.proxy_sock, err);
  if ((c.proxy_sock >= 0 && master < 0) || start_locked(&c.cdir, err) < 0) {
    /* As delete --force: the cgroup goes, the poststop hooks run. */
    brig_error *ignored = NULL;

    kill_and_wait(c.pid, c.pidfd);
    if (c.cdir.fd >= 0) /* start_locked may have destroyed it already */
      delete_locked(&c.cdir, true, &ignored);
    brig_error_free(ignored);
    create_ctx_free(&c);
    return -1;
  }
  brig_cdir_close(&c.cdir);
  if (detach) {
    create_ctx_free(&c);
    return 0;
  }
  *exit_status =
      master >= 0 ? brig_pty_proxy_run(master, c.pid) : brig_spawn_wait_forwarding(c.pid);
  r = 0;
  if (!keep)
    r = brig_container_delete(o->root, o->id, true, err);
  create_ctx_free(&c);
  return r;
}

/* ---- kill ---- */

static bool
same_pid_namespace(pid_t pid, const char *ns, ssize_t n)
{
  char path[64], other[64];
  ssize_t m;

  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
  m = readlink(path, other, sizeof(other) - 1);
  return m == n && strncmp(ns, other, (size_t)n) == 0;
}

/* The pidfd first, then the check through /proc/PID, then the signal
 * through the pidfd: if PID was reused between the readdir and the check,
 * the pidfd still names the process we opened (now gone), and the signal
 * reaches nobody rather than an unrelated process. */
static void
signal_if_in_namespace(pid_t pid, const char *ns, ssize_t n, int sig)
{
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);

  if (fd < 0)
    return;
  if (same_pid_namespace(pid, ns, n))
    syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
  close(fd);
}

/* Without cgroups (a later issue) "all processes" are those in the init's
 * pid namespace; a container sharing the host's pid namespace has only
 * its init signalled.  The caller holds a verified pidfd of the init, so
 * its /proc entry is the init's. */
static void
signal_pid_namespace(pid_t init, int sig)
{
  char path[64], ns[64];
  ssize_t n;
  DIR *d;
  struct dirent *de;

  snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
  n = readlink(path, ns, sizeof(ns) - 1);
  if (n <= 0)
    return;
  ns[n] = '\0';
  if (same_pid_namespace(getpid(), ns, n))
    return;
  d = opendir("/proc");
  if (!d)
    return;
  while ((de = readdir(d))) {
    pid_t pid = (pid_t)atoi(de->d_name);

    if (pid > 0 && pid != init)
      signal_if_in_namespace(pid, ns, n, sig);
  }
  closedir(d);
}

int
brig_container_kill(const char *root, const char *id, int sig, bool all, brig_error **err)
{
  brig_cdir cd = BRIG_CDIR_INIT;
  unsigned long long starttime;
  _cleanup_close_ int pidfd = -1;
  brig_cgroup *cg;
  oci_state *s;
  int r = 0;

  if (brig_cdir_open(root, id, &cd, err) < 0)
    return -1;
  s = brig_state_load(&cd, &starttime, err);
  if (!s) {
    brig_cdir_close(&cd);
    return -1;
  }
  pidfd = strcmp(s->status, "stopped") ? brig_pidfd_verified(s->pid, starttime) : -1;
  if (pidfd < 0 && all && (cg = brig_container_cgroup_load(&cd, err))) {
    /* The init is gone, what it left in its cgroup is not (no pid
     * namespace of its own): containerd's shim kills it with kill --all
     * once the init exits, as runc allows. */
    r = brig_cgroup_kill(cg, sig, err);
    brig_cgroup_free(cg);
  } else if (pidfd < 0) {
    brig_error_clear(err);
    r = brig_fail(err, 0, BRIG_NOT_RUNNING, id);
  } else {
    cg = all ? brig_container_cgroup_load(&cd, err) : NULL;
    if (cg) {
      /* Every process of the cgroup, frozen meanwhile so that none forks
       * away from the signal; the init is one of them. */
      r = brig_cgroup_kill(cg, sig, err);
      brig_cgroup_free(cg);
    } else if (all && *err) {
      r = -1;
    } else {
      if (all) /* created with --cgroup-manager disabled */
        signal_pid_namespace(s->pid, sig);
      if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
        r = brig_fail(err, errno, "send signal %d to %d", sig, (int)s->pid);
      else if (sig == SIGKILL)
        brig_container_thaw(&cd); /* a paused init would hold SIGKILL pending */
    }
  }
  oci_state_free(s);
  brig_cdir_close(&cd);
  return r;
}

/* ---- state ---- */

oci_state *
brig_container_state(const char *root, const char *id, brig_error **err)
{
  brig_cdir cd = BRIG_CDIR_INIT;
  oci_state *s;

  if (brig_cdir_open_unlocked(root, id, &cd, err) < 0)
    return NULL;
  s = brig_state_load(&cd, NULL, err);
  if (s)
    brig_container_derive_paused(&cd, s);
  brig_cdir_close(&cd);
  if (s && strcmp(s->status, "stopped") == 0)
    s->pid = 0;
  return s;
}

/* ---- list ---- */

static int
state_cmp(const void *a, const void *b)
{
  return strcmp((*(oci_state *const *)a)->id, (*(oci_state *const *)b)->id);
}

int
brig_container_list(const char *root, oci_state ***out, size_t *n, brig_error **err)
{
  oci_state **v = NULL;
  size_t len = 0;
  struct dirent *de;
  DIR *d;

  *out = NULL;
  *n = 0;
  d = opendir(root);
  if (!d) {
    if (errno == ENOENT)
      return 0;
    return brig_fail(err, errno, "state root %s", root);
  }
  while ((de = readdir(d))) {
    brig_cdir cd = BRIG_CDIR_INIT;
    brig_error *e = NULL;
    oci_state *s, **nv;

    if (de->d_name[0] == '.' && (!de->d_name[1] || de->d_name[1] == '.' || strchr(de->d_name, '~')))
      continue;
    if (brig_id_validate(de->d_name, &e) < 0) {
      brig_error_free(e);
      continue;
    }
    /* No lock: list must not wait for a create in progress. */
    cd.fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (cd.fd < 0)
      continue;
    cd.id = strdup(de->d_name);
    s = brig_state_load(&cd, NULL, &e);
    if (s)
      brig_container_derive_paused(&cd, s);
    brig_cdir_close(&cd);
    if (!s) {
      brig_error_free(e);
      continue;
    }
    if (strcmp(s->status, "stopped") == 0)
      s->pid = 0;
    nv = realloc(v, (len + 1) * sizeof(*v));
    if (!nv) {
      oci_state_free(s);
      break;
    }
    v = nv;
    v[len++] = s;
  }
  closedir(d);
  if (len)
    qsort(v, len, sizeof(*v), state_cmp);
  *out = v;
  *n = len;
  return 0;
}
