#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/status.h"
#include "util/cleanup.h"
#include "util/file-util.h"

int
brig_id_validate(const char *id, brig_error **err)
{
  const char *p;

  if (!id || !*id)
    return brig_fail(err, 0, "container id must not be empty");
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strlen(id) > 1024)
    return brig_fail(err, 0, "invalid container id '%s'", id);
  for (p = id; *p; p++)
    if (!isalnum((unsigned char)*p) && !strchr("_+,-.", *p))
      return brig_fail(err, 0, "invalid container id '%s'", id);
  return 0;
}

int
brig_state_root_open(const char *root, bool create, brig_error **err)
{
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0 || !create || errno != ENOENT) {
    if (fd < 0)
      return brig_fail(err, errno, "state root %s", root);
    return fd;
  }
  /* mkdir -p, the last component 0700 */
  {
    _cleanup_free_ char *p = strdup(root);
    char *s;

    if (!p)
      return brig_fail(err, ENOMEM, "state root");
    for (s = p + 1; (s = strchr(s, '/')); s++) {
      *s = '\0';
      if (mkdir(p, 0755) < 0 && errno != EEXIST)
        return brig_fail(err, errno, "state root %s", p);
      *s = '/';
    }
    if (mkdir(root, 0700) < 0 && errno != EEXIST)
      return brig_fail(err, errno, "state root %s", root);
  }
  fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return brig_fail(err, errno, "state root %s", root);
  return fd;
}

static int
cdir_fill(brig_cdir *c, int rootfd, int fd, const char *root, const char *id)
{
  c->rootfd = rootfd;
  c->fd = fd;
  c->id = strdup(id);
  if (asprintf(&c->path, "%s/%s", root, id) < 0)
    c->path = NULL;
  return c->id && c->path ? 0 : -1;
}

int
brig_cdir_create(const char *root, const char *id, brig_cdir *c, brig_error **err)
{
  char tmp[64];
  int rootfd, fd;

  if (brig_id_validate(id, err) < 0)
    return -1;
  rootfd = brig_state_root_open(root, true, err);
  if (rootfd < 0)
    return -1;
  /* '~' cannot appear in an id, so list never mistakes it for one. */
  snprintf(tmp, sizeof(tmp), ".new~%d~%ld", (int)getpid(), (long)time(NULL));
  if (mkdirat(rootfd, tmp, 0700) < 0) {
    close(rootfd);
    return brig_fail(err, errno, "create state dir in %s", root);
  }
  fd = openat(rootfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || flock(fd, LOCK_EX) < 0) {
    int saved = errno;

    if (fd >= 0)
      close(fd);
    unlinkat(rootfd, tmp, AT_REMOVEDIR);
    close(rootfd);
    return brig_fail(err, saved, "lock state dir");
  }
  if (renameat2(rootfd, tmp, rootfd, id, RENAME_NOREPLACE) < 0) {
    int saved = errno;

    close(fd);
    unlinkat(rootfd, tmp, AT_REMOVEDIR);
    close(rootfd);
    if (saved == EEXIST)
      return brig_fail(err, 0, "container %s already exists", id);
    return brig_fail(err, saved, "create state dir %s/%s", root, id);
  }
  if (cdir_fill(c, rootfd, fd, root, id) < 0) {
    brig_cdir_destroy(c, NULL);
    return brig_fail(err, ENOMEM, "state dir");
  }
  return 0;
}

static int
cdir_open(const char *root, const char *id, bool lock, brig_cdir *c, brig_error **err)
{
  struct stat st;
  int rootfd, fd;

  if (brig_id_validate(id, err) < 0)
    return -1;
  rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0 && errno != ENOENT)
    return brig_fail(err, errno, "state root %s", root);
  fd = rootfd < 0 ? -1 : openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0 && lock && flock(fd, LOCK_EX) < 0) {
    int saved = errno;

    close(fd);
    close(rootfd);
    return brig_fail(err, saved, "lock %s/%s", root, id);
  }
  /* A delete that held the lock before us has removed it meanwhile. */
  if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_nlink == 0)) {
    close(fd);
    fd = -1;
  }
  if (fd < 0) {
    if (rootfd >= 0)
      close(rootfd);
    brig_fail(err, 0, "container %s does not exist", id);
    (*err)->errnum = ENOENT;
    return -1;
  }
  if (cdir_fill(c, rootfd, fd, root, id) < 0) {
    brig_cdir_close(c);
    return brig_fail(err, ENOMEM, "state dir");
  }
  return 0;
}

int
brig_cdir_open(const char *root, const char *id, brig_cdir *c, brig_error **err)
{
  return cdir_open(root, id, true, c, err);
}

int
brig_cdir_open_unlocked(const char *root, const char *id, brig_cdir *c, brig_error **err)
{
  return cdir_open(root, id, false, c, err);
}

void
brig_cdir_close(brig_cdir *c)
{
  if (c->fd >= 0)
    close(c->fd);
  if (c->rootfd >= 0)
    close(c->rootfd);
  free(c->path);
  free(c->id);
  c->fd = c->rootfd = -1;
  c->path = c->id = NULL;
}

int
brig_cdir_destroy(brig_cdir *c, brig_error **err)
{
  int r = 0;

  if (c->fd < 0)
    return 0;
  if (brig_remove_dir_contents(c->fd) < 0 || unlinkat(c->rootfd, c->id, AT_REMOVEDIR) < 0)
    r = err ? brig_fail(err, errno, "remove %s", c->path) : -1;
  brig_cdir_close(c);
  return r;
}

int
brig_state_save(brig_cdir *c, const oci_state *state, unsigned long long starttime,
                brig_error **err)
{
  _cleanup_free_ char *json = NULL;
  char *perr = NULL, start[64];
  size_t len;
  int n;

  n = snprintf(start, sizeof(start), "%d %llu\n", (int)state->pid, starttime);
  if (brig_write_file_atomic(c->fd, "init.start", start, (size_t)n, 0600, err) < 0)
    return -1;
  if (oci_emit(&oci_state_desc, state, false, &json, &len, &perr) < 0) {
    brig_fail(err, 0, "state.json: %s", perr);
    free(perr);
    return -1;
  }
  return brig_write_file_atomic(c->fd, "state.json", json, len, 0600, err);
}

int
brig_proc_stat(pid_t pid, unsigned long long *starttime, char *state)
{
  char path[64], buf[1024], *p;
  _cleanup_close_ int fd = -1;
  ssize_t n;
  int field;

  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm (field 2) may contain spaces and parentheses: start after the
   * last ')'. */
  p = strrchr(buf, ')');
  if (!p || p[1] != ' ')
    return -1;
  p += 2;
  if (state)
    *state = *p;
  for (field = 3; field < 22 && p; field++) {
    p = strchr(p, ' ');
    if (p)
      p++;
  }
  if (!p)
    return -1;
  *starttime = strtoull(p, NULL, 10);
  return 0;
}

int
brig_pidfd_verified(pid_t pid, unsigned long long starttime)
{
  unsigned long long now;
  char st;
  int fd;

  if (pid <= 0) {
    errno = ESRCH;
    return -1;
  }
  fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0)
    return -1;
  /* The pidfd pins this process; if it started when the init did, it is
   * the init and the fd can be trusted from now on. */
  if (brig_proc_stat(pid, &now, &st) < 0 || now != starttime || st == 'Z' || st == 'X') {
    close(fd);
    errno = ESRCH;
    return -1;
  }
  return fd;
}

oci_state *
brig_state_load(brig_cdir *c, unsigned long long *starttime, brig_error **err)
{
  _cleanup_free_ char *data = NULL, *start = NULL;
  unsigned long long st = 0, now;
  const char *status;
  oci_state *s;
  char *perr = NULL, pstate = 0;
  size_t len;

  data = brig_read_file_at(c->fd, "state.json", 1 << 20, &len);
  if (!data) {
    brig_fail(err, 0, "container %s does not exist", c->id);
    (*err)->errnum = ENOENT;
    return NULL;
  }
  s = oci_parse_data(&oci_state_desc, "state.json", data, len, NULL, &perr);
  if (!s) {
    brig_fail(err, 0, "%s", perr);
    free(perr);
    return NULL;
  }
  start = brig_read_file_at(c->fd, "init.start", 128, NULL);
  if (start) {
    char *sp = strchr(start, ' ');

    st = sp ? strtoull(sp + 1, NULL, 10) : 0;
  }
  if (starttime)
    *starttime = st;
  if (s->pid <= 0 || brig_proc_stat(s->pid, &now, &pstate) < 0 || now != st || pstate == 'Z' ||
      pstate == 'X')
    status = "stopped";
  else if (strcmp(s->status, "creating") == 0)
    status = "creating"; /* create writes "created" once the init is READY */
  else if (faccessat(c->fd, BRIG_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    status = "created";
  else
    status = "running";
  if (strcmp(s->status, status)) {
    char *dup = strdup(status);

    if (dup) {
      free(s->status);
      s->status = dup;
    }
  }
  return s;
}

pid_t
brig_proc_ns_pid(pid_t pid)
{
  _cleanup_free_ char *buf = NULL;
  char path[64], *line, *last = NULL, *tok, *save = NULL;

  snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
  buf = brig_read_file_at(AT_FDCWD, path, 8192, NULL);
  if (!buf)
    return -1;
  line = strstr(buf, "\nNSpid:");
  if (!line)
    return pid;
  line += 7;
  line[strcspn(line, "\n")] = '\0';
  for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
    last = tok;
  return last ? (pid_t)atoi(last) : pid;
}

char *
brig_rfc3339_now(void)
{
  struct timespec ts;
  struct tm tm;
  char buf[64];

  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
  return strdup(buf);
}
