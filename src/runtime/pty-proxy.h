/* A foreground `run` or `exec` whose process has a terminal and no
 * --console-socket: brig holds the pty master itself and stands between
 * it and its own stdio, as runc does.  The init (or the exec'd process)
 * sends the master over an internal socketpair instead of a console
 * socket; brig copies stdin to it and it to stdout, with its own terminal
 * in raw mode, passes window size changes on, forwards SIGHUP, SIGINT,
 * SIGQUIT, SIGTERM, SIGUSR1 and SIGUSR2 to the process, and returns its
 * exit status once it is gone. */
#ifndef BRIG_RUNTIME_PTY_PROXY_H
#define BRIG_RUNTIME_PTY_PROXY_H

#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* Receives the master sent over sock; returns it (close-on-exec). */
int brig_pty_proxy_recv_master(int sock, brig_error **err);

/* Puts brig's own window size (stdin's) into p's consoleSize, so the pty
 * has it when it is made, before the process runs: copied only once the
 * proxy runs, a program that asks first thing (stty size) would see 0x0.
 * As with runc, the caller's terminal wins over consoleSize. */
void brig_pty_proxy_take_window_size(oci_process *p);

/* Copies between stdio and master until pid (a child of ours) exits; its
 * exit status (128+N when killed by signal N).  Restores the terminal. */
int brig_pty_proxy_run(int master, pid_t pid);

#endif
