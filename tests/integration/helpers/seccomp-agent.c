/* seccomp-agent SOCKET LOG ERRNO: a minimal seccomp agent for the
 * listenerPath tests.  Accepts connections on a unix socket; each brings
 * the container process state (JSON, appended as one line to LOG) and a
 * seccomp listener fd.  Every notification on any of those fds is answered
 * with -ERRNO, so the test sees the agent's answer in the container.  Runs
 * until killed. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "recv-fd.h"

#define MAX_FDS 16

/* The state JSON (appended to log as one line) and the listener fd. */
static int
recv_state(int conn, FILE *log)
{
  char buf[8192];
  int fd = recv_fd(conn, buf, sizeof(buf));

  fprintf(log, "%s\n", buf);
  fflush(log);
  return fd;
}

static void
answer(int fd, int error)
{
  struct seccomp_notif req;
  struct seccomp_notif_resp resp;

  memset(&req, 0, sizeof(req));
  if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
    return;
  memset(&resp, 0, sizeof(resp));
  resp.id = req.id;
  resp.error = -error;
  ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int
main(int argc, char **argv)
{
  struct pollfd pfd[MAX_FDS + 1];
  int ls, nfds = 1, i, error;
  FILE *log;

  if (argc != 4)
    return 2;
  error = atoi(argv[3]);
  log = fopen(argv[2], "a");
  ls = listen_unix(argv[1]);
  if (!log || ls < 0)
    return perror("seccomp-agent"), 1;
  pfd[0] = (struct pollfd){ .fd = ls, .events = POLLIN };
  for (;;) {
    if (poll(pfd, (nfds_t)nfds, -1) < 0 && errno != EINTR)
      return perror("poll"), 1;
    if (pfd[0].revents & POLLIN) {
      int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC), fd = conn < 0 ? -1 : recv_state(conn, log);

      if (conn >= 0)
        close(conn);
      if (fd >= 0 && nfds <= MAX_FDS)
        pfd[nfds++] = (struct pollfd){ .fd = fd, .events = POLLIN };
    }
    for (i = 1; i < nfds; i++) {
      if (pfd[i].revents & POLLIN)
        answer(pfd[i].fd, error);
      else if (pfd[i].revents & (POLLHUP | POLLERR))
        pfd[i].fd = -1; /* that filter's processes are gone */
    }
  }
}
