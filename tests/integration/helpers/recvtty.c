/* recvtty SOCKET: accepts one connection on a unix socket, receives the pty
 * master brig sends with SCM_RIGHTS, copies everything read from it to
 * stdout until the container side closes.  Used by lifecycle-terminal.sh. */
#include <sys/socket.h>
#include <unistd.h>

#include "recv-fd.h"

int
main(int argc, char **argv)
{
  char data[256], buf[4096];
  int ls, conn, master;
  ssize_t n;

  if (argc != 2)
    return 2;
  ls = listen_unix(argv[1]);
  if (ls < 0)
    return perror("listen"), 1;
  conn = accept(ls, NULL, NULL);
  if (conn < 0)
    return perror("accept"), 1;
  master = recv_fd(conn, data, sizeof(data));
  if (master < 0)
    return fprintf(stderr, "no fd received\n"), 1;
  while ((n = read(master, buf, sizeof(buf))) > 0)
    fwrite(buf, 1, (size_t)n, stdout);
  return 0;
}
