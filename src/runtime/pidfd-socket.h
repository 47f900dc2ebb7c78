/* --pidfd-socket SOCK (create, run, exec): a pidfd of the new process is
 * sent over the AF_UNIX stream socket SOCK with SCM_RIGHTS, as runc 1.2
 * does, so a supervisor can wait for and signal the process without the
 * pid-reuse race of a pid file.
 *
 * The socket is connected first, before any process exists, so that a
 * wrong path fails early and cleanly; the pidfd is sent once the process
 * is set up. */
#ifndef BRIG_RUNTIME_PIDFD_SOCKET_H
#define BRIG_RUNTIME_PIDFD_SOCKET_H

#include <sys/types.h>

#include "util/error.h"

/* Returns the connected socket (close-on-exec), or -1 with *err set. */
int brig_pidfd_socket_connect(const char *path, brig_error **err);

/* Sends a pidfd of pid (pidfd, when >= 0, is one already held) over sock. */
int brig_pidfd_socket_send(int sock, pid_t pid, int pidfd, brig_error **err);

#endif
