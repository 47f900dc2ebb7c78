/* fjprobe: one probe of what a sandbox allows, for tests/integration/sandbox.sh.
 * Prints one word, "ok" or the name of the errno ("EPERM"), and exits 0
 * (ok) or 1 (refused); usage errors exit 2.
 *
 *   fjprobe read PATH        open(O_RDONLY) and read(2)
 *   fjprobe write PATH       open(O_WRONLY|O_CREAT|O_TRUNC) and write(2)
 *   fjprobe socket FAMILY    socket(2) of unix, inet or inet6 (SOCK_STREAM)
 *   fjprobe wx               an anonymous mapping both writable and executable
 *   fjprobe personality      personality(0xffffffff), the query form
 *   fjprobe getpriority      getpriority(PRIO_PROCESS, 0)
 *   fjprobe nnp              prints prctl(PR_GET_NO_NEW_PRIVS): 0 or 1
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int
result(int r)
{
  const char *name;

  if (r >= 0) {
    puts("ok");
    return 0;
  }
  name = strerrorname_np(errno);
  puts(name ? name : "error");
  return 1;
}

int
main(int argc, char **argv)
{
  const char *what = argc > 1 ? argv[1] : "";
  char buf[64];
  int fd, r;

  if (strcmp(what, "read") == 0 && argc == 3) {
    fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return result(-1);
    r = (int)read(fd, buf, sizeof(buf));
    close(fd);
    return result(r);
  }
  if (strcmp(what, "write") == 0 && argc == 3) {
    fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      return result(-1);
    r = (int)write(fd, "x\n", 2);
    close(fd);
    return result(r);
  }
  if (strcmp(what, "socket") == 0 && argc == 3) {
    int family = strcmp(argv[2], "unix") == 0    ? AF_UNIX
                 : strcmp(argv[2], "inet") == 0  ? AF_INET
                 : strcmp(argv[2], "inet6") == 0 ? AF_INET6
                                                 : -1;

    if (family < 0)
      return 2;
    fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0)
      close(fd);
    return result(fd);
  }
  if (strcmp(what, "wx") == 0) {
    void *p =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p != MAP_FAILED)
      munmap(p, 4096);
    return result(p == MAP_FAILED ? -1 : 0);
  }
  if (strcmp(what, "personality") == 0)
    return result(personality(0xffffffff));
  if (strcmp(what, "getpriority") == 0) {
    errno = 0;
    r = getpriority(PRIO_PROCESS, 0);
    return result(r == -1 && errno ? -1 : 0);
  }
  if (strcmp(what, "nnp") == 0) {
    r = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    if (r < 0)
      return result(r);
    printf("%d\n", r);
    return 0;
  }
  fprintf(stderr, "usage: fjprobe read|write PATH | socket FAMILY | wx | personality | "
                  "getpriority | nnp\n");
  return 2;
}
