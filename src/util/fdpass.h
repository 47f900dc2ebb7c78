/* Passing one fd over a unix socket (SCM_RIGHTS), for the sync socket
 * with the init, the console socket, the pidfd socket and the seccomp
 * listener. */
#ifndef BRIG_UTIL_FDPASS_H
#define BRIG_UTIL_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* sendmsg() of buf with fd attached (fd < 0: none), MSG_NOSIGNAL, retried
 * on EINTR.  Returns what sendmsg returned (-1 with errno). */
ssize_t brig_send_with_fd(int sock, const void *buf, size_t len, int fd);

/* recvmsg() into buf, retried on EINTR; an fd that came with it
 * (close-on-exec) goes to *fd, else *fd is -1.  Returns what recvmsg
 * returned (-1 with errno, 0 at EOF). */
ssize_t brig_recv_with_fd(int sock, void *buf, size_t len, int *fd);

/* A close-on-exec AF_UNIX stream socket connected to path (console,
 * pidfd and listener sockets).  -1 with errno on error (ENAMETOOLONG for a
 * path that does not fit sun_path). */
int brig_unix_connect(const char *path);

#endif
