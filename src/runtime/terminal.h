/* process.terminal: the pty of the container and --console-socket. */
#ifndef BRIG_RUNTIME_TERMINAL_H
#define BRIG_RUNTIME_TERMINAL_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* In the parent, before the clone: connects to the console socket so a
 * wrong path fails early.  Returns the fd. */
int brig_console_socket_connect(const char *path, brig_error **err);

/* In the parent: passes the pty master to the console socket with
 * SCM_RIGHTS (data: the pty's name, as runc sends). */
int brig_console_send_master(int sock, int master, brig_error **err);

/* Opens a pty in the devpts of the calling process's /dev (the
 * container's): *master and *slave (close-on-exec), consoleSize applied,
 * the slave owned by process.user. */
int brig_pty_open(const oci_process *process, int *master, int *slave, brig_error **err);

/* A new session with slave as its controlling terminal and fds 0, 1, 2. */
int brig_pty_make_controlling(int slave, brig_error **err);

/* In the init, after pivot_root (so /dev/ptmx is the container's devpts):
 * opens a pty, sends the master to brig over sync_fd, sets consoleSize,
 * makes the slave the controlling terminal and fds 0, 1, 2. */
int brig_terminal_setup(int sync_fd, const oci_process *process, brig_error **err);

#endif
