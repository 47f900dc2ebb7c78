/* recvpidfd SOCKET: accepts one connection on a unix socket, receives the
 * fd brig sends with SCM_RIGHTS (--pidfd-socket), and prints what the
 * kernel says it is: the fd's link ("anon_inode:[pidfd]") and the "Pid:"
 * line of its fdinfo.  Used by tests/integration/pidfd-socket.sh. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char data[64], path[64], link[128], line[256];
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } cbuf;
  struct iovec iov = { data, sizeof(data) };
  struct msghdr mh = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b, .msg_controllen = sizeof(cbuf.b)
  };
  struct cmsghdr *c;
  int ls, conn, fd = -1;
  ssize_t n;
  FILE *info;

  if (argc != 2 || strlen(argv[1]) >= sizeof(addr.sun_path))
    return 2;
  strcpy(addr.sun_path, argv[1]);
  ls = socket(AF_UNIX, SOCK_STREAM, 0);
  if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(ls, 1) < 0)
    return perror("listen"), 1;
  conn = accept(ls, NULL, NULL);
  if (conn < 0 || recvmsg(conn, &mh, 0) < 0)
    return perror("recvmsg"), 1;
  for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&fd, CMSG_DATA(c), sizeof(int));
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
