/* Starting the container init, and the messages between it and brig.
 *
 * The init is a clone3() child of the create process: it never re-execs
 * brig, it runs init.c's steps and then execs the user's program.  With
 * CLONE_PARENT its parent is the caller of `brig create` (conmon, the
 * containerd shim, a shell), so no brig process stays between them and the
 * caller reaps the init and sees its exit status unchanged (7, 42, 137);
 * `brig run` (foreground) clones without CLONE_PARENT because it waits for
 * the container itself.  brig holds a pidfd (CLONE_PIDFD) either way, which
 * works for a process that is not its child.
 *
 * Sync protocol over a SOCK_SEQPACKET socketpair (both ends CLOEXEC), one
 * brig_sync_msg per packet, an fd attached with SCM_RIGHTS where noted:
 *
 *   brig -> init  GO        continue (after uid/gid maps are written, after
 *                           the createRuntime/createContainer hooks ran)
 *   init -> brig  HOOKS     mounts are done, rootfs not yet entered: run the
 *                           prestart/createRuntime/createContainer hooks
 *   init -> brig  PTY       the pty master (fd), to pass to --console-socket
 *   init -> brig  SECCOMP   the seccomp listener fd (fd), when a rule of
 *                           linux.seccomp notifies: brig hands it to
 *                           listenerPath (a host path) with the state
 *   init -> brig  READY     set up, about to block on exec.fifo
 *   init -> brig  ERROR     text = "<step>: <cause>", errnum; the init exits
 *
 * The socket closing before READY without ERROR means the init died; brig
 * reports that.  After READY the socket is closed; what fails after
 * `start` opened exec.fifo is written into the fifo (see container.c). */
#ifndef BRIG_RUNTIME_SPAWN_H
#define BRIG_RUNTIME_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "linux/cgroup.h"
#include "linux/namespaces.h"
#include "util/error.h"

enum brig_sync_type {
  BRIG_SYNC_GO = 1,
  BRIG_SYNC_HOOKS,
  BRIG_SYNC_PTY,
  BRIG_SYNC_READY,
  BRIG_SYNC_ERROR,
  BRIG_SYNC_SECCOMP,
};

typedef struct brig_sync_msg {
  uint32_t type;
  int32_t errnum;
  char text[2048];
} brig_sync_msg;

/* Sends one message (text may be NULL; fd < 0 for none).  0 or -1/errno. */
int brig_sync_send(int sock, enum brig_sync_type type, int errnum, const char *text, int fd);

/* Receives one message; *fd gets an attached fd or -1.  Returns 1 on a
 * message, 0 on EOF, -1 on error (errno). */
int brig_sync_recv(int sock, brig_sync_msg *msg, int *fd);

/* clone3() with the given CLONE_NEW* flags, CLONE_PIDFD, and
 * CLONE_PARENT if parent_is_caller (falling back to a plain child when the
 * caller is the init of a pid namespace).  With cgroup (may be NULL) and
 * its clone_fd, CLONE_INTO_CGROUP too; cgroup->into_cgroup says whether
 * the kernel took it.  Returns 0 in the child, the pid in the parent (with
 * *pidfd), -1 with *err set. */
pid_t brig_spawn_clone(uint64_t ns_flags, bool parent_is_caller, brig_cgroup_join *cgroup,
                       int *pidfd, brig_error **err);

/* Clones the container init into the namespaces of plan: those given by
 * path are entered first (brig_ns_enter_joined), then clone3() creates the
 * new ones (plan->clone_flags).  Without a user namespace given by path
 * this process returns to its own namespaces afterwards; with one, a
 * helper process joins them and the init becomes our child whatever
 * parent_is_caller says.  Returns as brig_spawn_clone(). */
pid_t brig_spawn_init(brig_ns_plan *plan, bool parent_is_caller, brig_cgroup_join *cgroup,
                      int *pidfd, brig_error **err);

/* Waits until the process of pidfd has exited; reaps it if it is our
 * child.  Returns the wait status, or -1 when it is not our child. */
int brig_spawn_wait(pid_t pid, int pidfd);

/* Waits for our child pid in the foreground (run, exec without -d):
 * SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 and SIGWINCH that brig
 * receives meanwhile go to it.  Returns its exit status as a shell shows
 * it (128+N when killed by signal N), 1 if it could not be waited for. */
int brig_spawn_wait_forwarding(pid_t pid);

#endif
