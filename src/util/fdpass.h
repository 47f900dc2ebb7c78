/* Passing one fd over a unix socket (SCM_RIGHTS), for the sync socket
 * with the init, the console socket and the seccomp listener. */
#ifndef BRIG_UTIL_FDPASS_H
#define BRIG_UTIL_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* sendmsg() of buf with fd attached (fd < 0: none), MSG_NOSIGNAL, retried
 * on EINTR.  Returns what sendmsg returned (-1 with errno). */
ssize_t brig_send_with_fd(int sock, const void *buf, size_t len, int fd);

#endif
