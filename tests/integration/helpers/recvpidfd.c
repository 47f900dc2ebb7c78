/* recvpidfd SOCKET: accepts one connection on a unix socket, receives the
 * fd brig sends with SCM_RIGHTS (--pidfd-socket), and prints what the
 * kernel says it is: the fd's link ("anon_inode:[pidfd]") and the "Pid:"
 * line of its fdinfo.  Used by tests/integration/pidfd-socket.sh. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "recv-fd.h"

int
main(int argc, char **argv)
{
  char data[64], path[64], link[128], line[256];
  int ls, conn, fd;
  ssize_t n;
  FILE *info;

  if (argc != 2)
    return 2;
  ls = listen_unix(argv[1]);
  if (ls < 0)
    return perror("listen"), 1;
  conn = accept(ls, NULL, NULL);
  fd = conn < 0 ? -1 : recv_fd(conn, data, sizeof(data));
  if (fd < 0)
    return fprintf(stderr, "recvpidfd: no fd received\n"), 1;
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  n = readlink(path, link, sizeof(link) - 1);
  link[n < 0 ? 0 : n] = '\0';
  printf("%s\n", link);
  snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
  info = fopen(path, "r");
  while (info && fgets(line, sizeof(line), info))
    if (strncmp(line, "Pid:", 4) == 0)
      fputs(line, stdout);
  return 0;
}
