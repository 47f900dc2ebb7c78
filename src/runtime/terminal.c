#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "linux/mounts.h"
#include "linux/resolve.h"
#include "runtime/spawn.h"
#include "runtime/terminal.h"
#include "util/fdpass.h"
#include "util/cleanup.h"

int
brig_console_socket_connect(const char *path, brig_error **err)
{
  int fd = brig_unix_connect(path);

  if (fd < 0)
    return brig_fail(err, errno, "console socket %s", path);
  return fd;
}

int
brig_console_send_master(int sock, int master, brig_error **err)
{
  /* The payload is what runc sends (engines ignore it). */
  static const char name[] = "/dev/ptmx";

  if (brig_send_with_fd(sock, name, sizeof(name) - 1, master) < 0)
    return brig_fail(err, errno, "send pty master to the console socket");
  return 0;
}

/* runtime-spec config.md (process.terminal): "If set to true, ... the
 * runtime MUST also supply /dev/console": the pty's slave bound onto it
 * (an empty file created for it when missing; never through a symlink). */
static int
bind_console(int slave, brig_error **err)
{
  _cleanup_close_ int root = -1, dev = -1, dst = -1;
  struct stat st;

  root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return brig_fail(err, errno, "open /");
  dev = brig_open_in_root(root, "/dev", BRIG_CREATE_DIR);
  if (dev < 0)
    return brig_fail(err, errno, "/dev/console: open /dev");
  if (mknodat(dev, "console", S_IFREG | 0600, 0) < 0 && errno != EEXIST)
    return brig_fail(err, errno, "/dev/console");
  dst = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0 || fstat(dst, &st) < 0)
    return brig_fail(err, errno, "/dev/console");
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    return brig_fail(err, 0, "/dev/console: not a file or a character device");
  if (brig_bind_onto(slave, "", dst, false, 0) < 0)
    return brig_fail(err, errno, "bind the pty onto /dev/console");
  return 0;
}

int
brig_pty_open(const oci_process *p, int *master_out, int *slave_out, brig_error **err)
{
  _cleanup_close_ int master = -1, slave = -1;
  int unlock = 0;

  /* Without magic links: the container's /dev may come from the image, and
   * a symlink there through /proc/self/fd/N must not reach a file of the
   * host. */
  master = brig_open_in_own_root("/dev/ptmx", O_RDWR | O_NOCTTY);
  if (master < 0)
    return brig_fail(err, errno, "open /dev/ptmx");
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
    return brig_fail(err, errno, "unlock pty");
  /* The peer by fd, not by a /dev/pts/N path someone could replace. */
  slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return brig_fail(err, errno, "open pty slave");
  if (p->console_size) {
    struct winsize ws = { .ws_row = (unsigned short)p->console_size->height,
                          .ws_col = (unsigned short)p->console_size->width };

    if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
      return brig_fail(err, errno, "set console size");
  }
  if (p->user && fchown(slave, p->user->uid, (gid_t)-1) < 0 && errno != EINVAL)
    return brig_fail(err, errno, "chown pty slave");
  *master_out = BRIG_STEAL_FD(master);
  *slave_out = BRIG_STEAL_FD(slave);
  return 0;
}

int
brig_pty_make_controlling(int slave, brig_error **err)
{
  int i;

  if (setsid() < 0)
    return brig_fail(err, errno, "setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return brig_fail(err, errno, "set controlling terminal");
  for (i = 0; i < 3; i++)
    if (dup2(slave, i) < 0)
      return brig_fail(err, errno, "dup pty slave");
  return 0;
}

int
brig_terminal_setup(int sync_fd, const oci_process *p, brig_error **err)
{
  _cleanup_close_ int master = -1, slave = -1;

  if (brig_pty_open(p, &master, &slave, err) < 0)
    return -1;
  if (bind_console(slave, err) < 0)
    return -1;
  if (brig_sync_send(sync_fd, BRIG_SYNC_PTY, 0, NULL, master) < 0)
    return brig_fail(err, errno, "send pty master");
  return brig_pty_make_controlling(slave, err);
}
