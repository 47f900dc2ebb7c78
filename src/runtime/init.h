/* What the container init does between clone3() and execve(), in order,
 * one named function per step (see init.c). */
#ifndef BRIG_RUNTIME_INIT_H
#define BRIG_RUNTIME_INIT_H

#include <stdbool.h>

#include "libocispec/ocispec.h"
#include "linux/caps.h"
#include "linux/cgroup.h"
#include "linux/namespaces.h"

struct brig_seccomp_filter;

typedef struct brig_init_ctx {
  const oci_spec *spec;
  oci_state *state;   /* for startContainer hooks; pid filled from GO */
  const char *bundle; /* absolute */
  const char *rootfs; /* absolute */
  brig_ns_plan *ns;
  int sync_fd; /* our end of the socketpair */
  int fifo_fd; /* O_PATH of <state dir>/exec.fifo */
  int proc_fd; /* O_PATH of the host's /proc, opened by brig before the clone */
  bool no_pivot;
  bool no_new_keyring;
  bool create_hooks; /* ask brig to run prestart/createRuntime/createContainer */
  int preserve_fds;  /* fds 3 .. 3+preserve_fds-1 are passed on */
  int listen_fds;    /* > 0: set LISTEN_FDS / LISTEN_PID */
  /* linux.seccomp, built by brig before the clone (NULL: none).  With a
   * notifying rule it is loaded before READY and its listener fd goes to
   * brig (SECCOMP); otherwise as late as the kernel allows (see load.h). */
  const struct brig_seccomp_filter *seccomp;
  /* The cgroup namespace is unshared after brig moved the init into its
   * cgroup (at the first GO), so that the cgroup is its root. */
  bool unshare_cgroupns;
  bool no_process;       /* spec->process is a stand-in: wait for start, never exec */
  const brig_caps *caps; /* process.capabilities as brig parsed and limited them */
  /* The container's cgroup, joined first thing (NULL: brig places the
   * init itself, or there is no cgroup). */
  brig_cgroup_join *cgroup_join;
  /* brig places the init in its cgroup (systemd's scope) before GO. */
  bool placed_by_brig;
  /* brig runs as an unprivileged user (its euid, read before the clone:
   * in a new user namespace the init's own is the overflow id until GO). */
  bool rootless;
} brig_init_ctx;

/* The syscalls the init makes after an early seccomp load (a filter with
 * a notifying rule is loaded before READY, see brig_init_ctx.seccomp):
 * create refuses SCMP_ACT_NOTIFY on them, since the init would wait for an
 * agent that does not have the listener fd yet.  NULL-terminated. */
extern const char *const brig_init_syscalls_after_seccomp[];

/* Never returns: execs process.args or exits 1 after reporting the failed
 * step (to brig over sync_fd before READY, into exec.fifo after start). */
__attribute__((noreturn)) void brig_init_run(brig_init_ctx *ctx);

#endif
