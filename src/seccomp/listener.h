/* linux.seccomp.listenerPath: handing the notify fd to a seccomp agent.
 *
 * runtime-spec (config-linux.md, "Seccomp"): after the filter is loaded,
 * the runtime connects to the AF_UNIX SOCK_STREAM socket at listenerPath
 * and sends, in one message, the container process state as JSON with the
 * listener fd attached (SCM_RIGHTS):
 *
 *   {"ociVersion":"1.2.0","fds":["seccompFd"],"pid":4422,
 *    "metadata":"<listenerMetadata>",
 *    "state":{"ociVersion":"1.2.0","id":"c1","status":"creating",
 *             "pid":4422,"bundle":"/b","annotations":{...}}}
 *
 * fds[i] names the i-th fd of SCM_RIGHTS; metadata is left out when
 * listenerMetadata is absent.  One state per connection, then the
 * connection is closed.  A failure is an error of the create.
 *
 * listenerPath is a host path: send from brig (the init passes the fd up
 * over its sync socket), or connect from the init before pivot_root and
 * send over that socket after the load. */
#ifndef BRIG_SECCOMP_LISTENER_H
#define BRIG_SECCOMP_LISTENER_H

#include <stddef.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* The containerProcessState JSON for state.  pid is the process that
 * loaded the filter: the init at create (state->pid), the new process at
 * exec.  *json is malloc'd and NUL-terminated. */
int brig_seccomp_listener_message(const oci_seccomp *sc, const oci_state *state, pid_t pid,
                                  char **json, size_t *len, brig_error **err);

/* Connects to sc->listener_path (SOCK_CLOEXEC).  *sock is -1 on error. */
int brig_seccomp_listener_connect(const oci_seccomp *sc, int *sock, brig_error **err);

/* Sends the state and notify_fd over a connected socket; does not close
 * sock or notify_fd. */
int brig_seccomp_listener_send(int sock, const oci_seccomp *sc, const oci_state *state, pid_t pid,
                               int notify_fd, brig_error **err);

/* Connect, send, close.  Does nothing when sc has no listenerPath or
 * notify_fd < 0 (no SCMP_ACT_NOTIFY rule was added); notify_fd stays
 * open, for the caller to close. */
int brig_seccomp_send_listener(const oci_seccomp *sc, const oci_state *state, pid_t pid,
                               int notify_fd, brig_error **err);

#endif
