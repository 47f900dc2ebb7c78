#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/pty-proxy.h"
#include "util/cleanup.h"
#include "util/fdpass.h"

int
brig_pty_proxy_recv_master(int sock, brig_error **err)
{
  char name[64];
  int fd;
  ssize_t n = brig_recv_with_fd(sock, name, sizeof(name), &fd);

  if (n < 0)
    return brig_fail(err, errno, "receive the pty master");
  if (fd < 0)
    return brig_fail(err, EPROTO, "receive the pty master");
  return fd;
}

/* Writes all of buf; false when the other side is gone. */
static bool
write_all(int fd, const char *buf, size_t len)
{
  while (len) {
    ssize_t n = write(fd, buf, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    buf += n;
    len -= (size_t)n;
  }
  return true;
}

/* Copies what is readable on from to to.  False at EOF or error (for the
 * master: EIO once every slave fd is closed). */
static bool
copy_once(int from, int to)
{
  char buf[8192];
  ssize_t n;

  do
    n = read(from, buf, sizeof(buf));
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return false;
  write_all(to, buf, (size_t)n);
  return true;
}

static void
copy_window_size(int master)
{
  struct winsize ws;

  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl(master, TIOCSWINSZ, &ws);
}

void
brig_pty_proxy_take_window_size(oci_process *p)
{
  struct winsize ws;

  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
    return;
  if (!p->console_size && !(p->console_size = calloc(1, sizeof(*p->console_size))))
    return; /* the proxy still copies it once it runs */
  p->console_size->height = ws.ws_row;
  p->console_size->width = ws.ws_col;
}

static int
exit_status(int status)
{
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int
brig_pty_proxy_run(int master, pid_t pid)
{
  static const int handled[] = { SIGCHLD, SIGWINCH, SIGHUP,  SIGINT,
                                 SIGQUIT, SIGTERM,  SIGUSR1, SIGUSR2 };
  struct termios saved, raw;
  bool restore = false, stdin_open = true, master_open = true, exited = false;
  sigset_t set, old;
  _cleanup_close_ int sfd = -1;
  int status = 0;
  size_t i;

  sigemptyset(&set);
  for (i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
    sigaddset(&set, handled[i]);
  sigprocmask(SIG_BLOCK, &set, &old);
  sfd = signalfd(-1, &set, SFD_CLOEXEC);
  /* Raw: keys (^C included) go to the container's line discipline, which
   * turns them into its own signals. */
  if (tcgetattr(STDIN_FILENO, &saved) == 0) {
    raw = saved;
    cfmakeraw(&raw);
    restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
  copy_window_size(master);
  /* An exit before SIGCHLD was blocked left no signal to read. */
  exited = waitpid(pid, &status, WNOHANG) == pid;
  while (!exited) {
    struct pollfd p[3] = { { .fd = sfd, .events = POLLIN },
                           { .fd = master_open ? master : -1, .events = POLLIN },
                           { .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN } };
    struct signalfd_siginfo si;

    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
      master_open = copy_once(master, STDOUT_FILENO); /* else: wait for SIGCHLD */
    if (!master_open && sfd < 0)
      break; /* no signalfd: the blocking wait below gets the status */
    if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
      stdin_open = copy_once(STDIN_FILENO, master);
    if (!(p[0].revents & POLLIN) || read(sfd, &si, sizeof(si)) != sizeof(si))
      continue;
    if (si.ssi_signo == SIGWINCH)
      copy_window_size(master);
    else if (si.ssi_signo != SIGCHLD)
      kill(pid, (int)si.ssi_signo);
    if (waitpid(pid, &status, WNOHANG) == pid)
      exited = true;
  }
  /* What the container wrote last is still in the pty: drain it. */
  {
    struct pollfd p = { .fd = master, .events = POLLIN };

    while (poll(&p, 1, 0) > 0 && copy_once(master, STDOUT_FILENO))
      ;
  }
  if (restore)
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  if (!exited)
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
  sigprocmask(SIG_SETMASK, &old, NULL);
  return exit_status(status);
}
