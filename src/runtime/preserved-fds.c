#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runtime/preserved-fds.h"

/* How many fds below the fd limit brig keeps for itself when a preserve
 * range would reach the limit: with every fd up to the limit taken, brig
 * could open nothing, and an fd of its own inside the range would leak. */
#define OWN_FDS 64

int
brig_preserved_fds_cap(long n)
{
  struct rlimit rl;
  long limit = INT_MAX, own = OWN_FDS;

  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      rl.rlim_cur < (rlim_t)INT_MAX)
    limit = (long)rl.rlim_cur;
  if (limit < 4 * OWN_FDS)
    own = limit / 4;
  limit -= 3 + own;
  if (n > limit)
    n = limit;
  return n < 0 ? 0 : (int)n;
}

int
brig_listen_fds(void)
{
  const char *s = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
  char *end;
  long n;

  if (!s)
    return 0;
  /* As sd_listen_fds(3) (and go-systemd, which runc uses): fds meant for
   * another process, a parent that did not unset the variables, are not
   * ours to hand on.  An unset LISTEN_PID is taken as ours. */
  if (pid) {
    n = strtol(pid, &end, 10);
    if (!*pid || *end || n != (long)getpid())
      return 0;
  }
  n = strtol(s, &end, 10);
  return !*s || *end || n < 0 || n > 1024 ? 0 : (int)n;
}

/* If arg is --preserve-fds (or a prefix of it, which getopt_long takes as
 * the option when unambiguous: "--pres 2"), its value: after '=', else the
 * next word (*next set). */
static bool
preserve_option(const char *arg, const char **value, bool *next)
{
  static const char name[] = "preserve-fds";
  const char *eq;
  size_t len;

  if (strncmp(arg, "--", 2) != 0)
    return false;
  arg += 2;
  eq = strchr(arg, '=');
  len = eq ? (size_t)(eq - arg) : strlen(arg);
  if (len < 2 || len > sizeof(name) - 1 || strncmp(arg, name, len) != 0)
    return false;
  *value = eq ? eq + 1 : NULL;
  *next = !eq;
  return true;
}

/* The largest count asked for anywhere in argv.  Not only where the
 * command's parser will look (after the command word, before the
 * container id): a word elsewhere only makes the range larger, and a
 * parser of our own here would have to follow getopt's exactly to never
 * see fewer. */
static long
requested(int argc, char **argv)
{
  long max = 0;
  int i;

  for (i = 1; i < argc; i++) {
    const char *v;
    char *end;
    bool next;
    long n;

    if (!preserve_option(argv[i], &v, &next))
      continue;
    if (next) {
      if (i + 1 >= argc)
        break;
      v = argv[++i];
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if (*v && !*end && errno == 0 && n > max)
      max = n > INT_MAX ? INT_MAX : n;
  }
  return max;
}

int
brig_preserved_fds_reserve(int argc, char **argv, brig_error **err)
{
  long asked = requested(argc, argv), listen = brig_listen_fds();
  /* No overflow where long is 32 bits: asked can be INT_MAX. */
  long want = asked > INT_MAX - listen ? INT_MAX : asked + listen;
  int n = brig_preserved_fds_cap(want), null = -1, fd;

  for (fd = 3; fd < 3 + n; fd++) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
      continue;
    /* The first open takes the lowest free fd: this gap, unless 0, 1 or
     * 2 are closed (they are not ours to fill). */
    if (null < 0) {
      null = open("/dev/null", O_RDWR | O_CLOEXEC | O_NOCTTY);
      if (null < 0)
        return brig_fail(err, errno, "--preserve-fds: open /dev/null for fd %d", fd);
      if (null == fd)
        continue;
    }
    if (dup3(null, fd, O_CLOEXEC) < 0) {
      int saved = errno;

      if (null < 3)
        close(null);
      return brig_fail(err, saved, "--preserve-fds: fill fd %d with /dev/null", fd);
    }
  }
  if (null >= 0 && null < 3)
    close(null);
  return 0;
}
