/* recvtty SOCKET: accepts one connection on a unix socket, receives the pty
 * master brig sends with SCM_RIGHTS, copies everything read from it to
 * stdout until the container side closes.  Used by lifecycle-terminal.sh. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char data[256], buf[4096];
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } cbuf;
  struct iovec iov = { data, sizeof(data) };
  struct msghdr mh = { 0 };
  struct cmsghdr *c;
  int ls, conn, master = -1;
  ssize_t n;

  if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path))
    return 2;
  strcpy(addr.sun_path, argv[1]);
  ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0)
    return perror("listen"), 1;
  conn = accept(ls, NULL, NULL);
  if (conn < 0)
    return perror("accept"), 1;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = cbuf.b;
  mh.msg_controllen = sizeof(cbuf.b);
  if (recvmsg(conn, &mh, 0) < 0)
    return perror("recvmsg"), 1;
  for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&master, CMSG_DATA(c), sizeof(int));
  if (master < 0)
    return fprintf(stderr, "no fd received\n"), 1;
  while ((n = read(master, buf, sizeof(buf))) > 0)
    fwrite(buf, 1, (size_t)n, stdout);
  return 0;
}
