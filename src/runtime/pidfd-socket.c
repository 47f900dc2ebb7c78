#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/pidfd-socket.h"
#include "util/cleanup.h"
#include "util/fdpass.h"

int
brig_pidfd_socket_connect(const char *path, brig_error **err)
{
  int fd = brig_unix_connect(path);

  if (fd < 0)
    return brig_fail(err, errno, "pidfd socket %s", path);
  return fd;
}

int
brig_pidfd_socket_send(int sock, pid_t pid, int pidfd, brig_error **err)
{
  /* The payload names the fd, like runc's; receivers only take the fd. */
  static const char name[] = "pidfd";
  _cleanup_close_ int own = -1;

  if (pidfd < 0) {
    own = (int)syscall(SYS_pidfd_open, pid, 0);
    if (own < 0)
      return brig_fail(err, errno, "pidfd of process %d", (int)pid);
    pidfd = own;
  }
  if (brig_send_with_fd(sock, name, sizeof(name) - 1, pidfd) < 0)
    return brig_fail(err, errno, "send the pidfd over the pidfd socket");
  return 0;
}
