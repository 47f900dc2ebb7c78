/* For the test helpers that stand in for a console socket, a pidfd socket
 * or a seccomp agent: a listening unix socket, and one message with an fd
 * attached (SCM_RIGHTS) read from a connection. */
#ifndef BRIG_TEST_RECV_FD_H
#define BRIG_TEST_RECV_FD_H

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* A SOCK_STREAM socket bound to path and listening; -1 on error. */
static inline int
listen_unix(const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int ls;

  if (strlen(path) >= sizeof(addr.sun_path))
    return -1;
  strcpy(addr.sun_path, path);
  ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 4) < 0)
    return -1;
  return ls;
}

/* One recvmsg() from conn into data (NUL-terminated, at most len - 1
 * bytes); the fd that came with it, or -1. */
static inline int
recv_fd(int conn, char *data, size_t len)
{
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } cbuf;
  struct iovec iov = { data, len - 1 };
  struct msghdr mh = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b)
  };
  struct cmsghdr *c;
  ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
  int fd = -1;

  if (n < 0)
    return -1;
  data[n] = '\0';
  for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&fd, CMSG_DATA(c), sizeof(int));
  return fd;
}

#endif
