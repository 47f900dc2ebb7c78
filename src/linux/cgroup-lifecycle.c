/* What later commands do with an existing cgroup: pause/resume (freezer),
 * ps (the pids), kill --all, and delete (kill what is left, rmdir). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "linux/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Bounded waits: 5 s in steps of 1 ms (freezer) or 10 ms (emptying). */
#define FREEZE_TRIES 5000
#define EMPTY_TRIES 500

static void
sleep_ms(long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* The freezer to use: v1 freezer if mounted, else cgroup2 (cgroup.freeze
 * is part of the core there). */
static const brig_cgroup_hierarchy *
freezer_of(const brig_cgroup *cg, bool *v2)
{
  const brig_cgroup_hierarchy *h = brig_cg_v1(cg, "freezer");

  *v2 = false;
  if (h)
    return h;
  h = brig_cg_v2(cg);
  if (h && brig_cg_exists(h->dir, "cgroup.freeze")) {
    *v2 = true;
    return h;
  }
  return NULL;
}

static int
read_frozen(const brig_cgroup_hierarchy *h, bool v2, bool *frozen, brig_error **err)
{
  _cleanup_free_ char *s = NULL;

  if (v2) {
    uint64_t v = 0;

    if (brig_cg_read_keyed(h->dir, "cgroup.events", "frozen", &v) < 0)
      return brig_fail(err, errno, "cgroup: read %s/cgroup.events", h->dir);
    *frozen = v == 1;
    return 0;
  }
  s = brig_cg_read(h->dir, "freezer.state");
  if (!s)
    return brig_fail(err, errno, "cgroup: read %s/freezer.state", h->dir);
  *frozen = strncmp(s, "FROZEN", 6) == 0;
  return 0;
}

int
brig_cgroup_is_frozen(brig_cgroup *cg, bool *frozen, brig_error **err)
{
  bool v2;
  const brig_cgroup_hierarchy *h = freezer_of(cg, &v2);

  *frozen = false;
  if (!h)
    return 0;
  return read_frozen(h, v2, frozen, err);
}

int
brig_cgroup_freeze(brig_cgroup *cg, bool frozen, brig_error **err)
{
  bool v2, state = false;
  const brig_cgroup_hierarchy *h = freezer_of(cg, &v2);
  const char *file, *value;
  int i;

  if (!h)
    return brig_fail(err, 0, "cgroup: the freezer controller is not available");
  file = v2 ? "cgroup.freeze" : "freezer.state";
  value = v2 ? (frozen ? "1" : "0") : (frozen ? "FROZEN" : "THAWED");
  if (brig_cg_write(h->dir, file, value, "cgroup: freeze", err) < 0)
    return -1;
  if (!frozen)
    return 0;
  /* FREEZING until every task stopped; a task in an uninterruptible sleep
   * can hold it there, so the request is repeated and the wait bounded. */
  for (i = 0; i < FREEZE_TRIES; i++) {
    if (read_frozen(h, v2, &state, err) < 0)
      return -1;
    if (state)
      return 0;
    if (i % 100 == 99 && brig_cg_write(h->dir, file, value, "cgroup: freeze", err) < 0)
      return -1;
    sleep_ms(1);
  }
  brig_cg_write(h->dir, file, v2 ? "0" : "THAWED", "cgroup: thaw", err);
  brig_error_clear(err);
  return brig_fail(err, 0, "cgroup: freeze %s: timed out", h->dir);
}

/* ---- pids ---- */

typedef struct pid_set {
  pid_t *v;
  size_t n, cap;
} pid_set;

static int
pid_set_add(pid_set *s, pid_t p)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 32;
    pid_t *nv = realloc(s->v, cap * sizeof(*nv));

    if (!nv)
      return -1;
    s->v = nv;
    s->cap = cap;
  }
  s->v[s->n++] = p;
  return 0;
}

/* cgroup.procs of dir and of every cgroup below it (a container may
 * create its own sub-cgroups). */
static int
collect_pids(const char *dir, pid_set *s, int depth)
{
  _cleanup_free_ char *procs = NULL;
  DIR *d;
  struct dirent *de;
  char *p, *end;

  procs = brig_cg_read(dir, "cgroup.procs");
  if (!procs)
    return errno == ENOENT ? 0 : -1;
  for (p = procs; *p; p = end) {
    long v = strtol(p, &end, 10);

    if (end == p)
      break;
    if (v > 0 && pid_set_add(s, (pid_t)v) < 0)
      return -1;
    while (*end == '\n')
      end++;
  }
  if (depth > 32)
    return 0;
  d = opendir(dir);
  if (!d)
    return errno == ENOENT ? 0 : -1;
  while ((de = readdir(d))) {
    _cleanup_free_ char *sub = NULL;

    if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0) {
      sub = NULL;
      closedir(d);
      return -1;
    }
    if (collect_pids(sub, s, depth + 1) < 0) {
      closedir(d);
      return -1;
    }
  }
  closedir(d);
  return 0;
}

static int
cmp_pid(const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

  return (x > y) - (x < y);
}

/* The hierarchy whose cgroup.procs lists the container: cgroup2 when
 * unified, else a v1 one that every runtime joins. */
static const brig_cgroup_hierarchy *
procs_hierarchy(const brig_cgroup *cg)
{
  static const char *const pref[] = { "freezer", "pids", "memory", "cpu", "devices", NULL };
  size_t i;

  if (cg->layout == BRIG_CGROUP_LAYOUT_UNIFIED)
    return brig_cg_v2(cg);
  for (i = 0; pref[i]; i++)
    if (brig_cg_v1(cg, pref[i]))
      return brig_cg_v1(cg, pref[i]);
  return cg->n ? &cg->h[0] : NULL;
}

int
brig_cgroup_pids(brig_cgroup *cg, pid_t **pids, size_t *n, brig_error **err)
{
  const brig_cgroup_hierarchy *h = procs_hierarchy(cg);
  pid_set s = { NULL, 0, 0 };
  size_t i, o = 0;

  *pids = NULL;
  *n = 0;
  if (!h)
    return 0;
  if (collect_pids(h->dir, &s, 0) < 0) {
    free(s.v);
    return brig_fail(err, errno, "cgroup: read %s/cgroup.procs", h->dir);
  }
  if (s.n)
    qsort(s.v, s.n, sizeof(*s.v), cmp_pid);
  for (i = 0; i < s.n; i++)
    if (o == 0 || s.v[o - 1] != s.v[i])
      s.v[o++] = s.v[i];
  *pids = s.v;
  *n = o;
  return 0;
}

int
brig_cg_check_unused(brig_cgroup *cg, brig_error **err)
{
  bool existed = false, frozen = false;
  size_t i;

  for (i = 0; i < cg->n; i++) {
    const brig_cgroup_hierarchy *h = &cg->h[i];
    pid_set s = { NULL, 0, 0 };
    int r;

    if (h->made)
      continue; /* made by brig just now: empty */
    existed = true;
    r = collect_pids(h->dir, &s, 0);
    free(s.v);
    if (r < 0)
      return brig_fail(err, errno, "cgroup: read %s/cgroup.procs", h->dir);
    if (s.n)
      return brig_fail(err, 0, "cgroup %s already has processes (another container?)",
                       brig_cgroup_path(cg));
  }
  if (existed && brig_cgroup_is_frozen(cg, &frozen, err) < 0)
    return -1;
  if (frozen)
    return brig_fail(err, 0, "cgroup %s is frozen", brig_cgroup_path(cg));
  return 0;
}

/* ---- kill, destroy ---- */

static int
signal_pid(pid_t pid, int sig)
{
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_send_signal)
  _cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);

  if (pfd >= 0)
    return (int)syscall(SYS_pidfd_send_signal, pfd, sig, NULL, 0);
  if (errno != ENOSYS)
    return -1;
#endif
  return kill(pid, sig);
}

static int
signal_all(brig_cgroup *cg, int sig, brig_error **err)
{
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0, i;

  if (brig_cgroup_pids(cg, &pids, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    if (signal_pid(pids[i], sig) < 0 && errno != ESRCH)
      return brig_fail(err, errno, "cgroup: kill %d", (int)pids[i]);
  return 0;
}

int
brig_cgroup_kill(brig_cgroup *cg, int sig, brig_error **err)
{
  const brig_cgroup_hierarchy *u = brig_cg_v2(cg);
  bool was_frozen = false, froze = false;
  brig_error *e = NULL;
  int r;

  /* cgroup2's cgroup.kill kills every process at once, forks included. */
  if (sig == SIGKILL && cg->layout == BRIG_CGROUP_LAYOUT_UNIFIED && u &&
      brig_cg_write(u->dir, "cgroup.kill", "1", "cgroup: kill", &e) == 0)
    return 0;
  brig_error_clear(&e); /* before Linux 5.14: freeze, signal, thaw */
  /* Frozen, no process can fork a child that the signal would miss. */
  if (brig_cgroup_is_frozen(cg, &was_frozen, &e) < 0)
    brig_error_clear(&e);
  if (!was_frozen) {
    if (brig_cgroup_freeze(cg, true, &e) == 0)
      froze = true;
    else
      brig_error_clear(&e);
  }
  r = signal_all(cg, sig, err);
  /* A v1-frozen task cannot act on SIGKILL until thawed. */
  if (froze || (was_frozen && sig == SIGKILL)) {
    if (brig_cgroup_freeze(cg, false, &e) < 0) {
      if (r == 0) {
        *err = e;
        return -1;
      }
      brig_error_clear(&e);
    }
  }
  return r;
}

/* Whether create made the cgroup in every hierarchy (one that existed
 * before is emptied of its processes but not removed, so an rmdir cannot
 * tell that processes are left). */
static bool
all_made(const brig_cgroup *cg)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (!cg->h[i].made)
      return false;
  return true;
}

static bool
any_dir_left(const brig_cgroup *cg)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (access(cg->h[i].dir, F_OK) == 0)
      return true;
  return false;
}

/* rmdir of dir and its sub-cgroups, deepest first.  ENOENT is success. */
static int
remove_tree(const char *dir, int depth)
{
  DIR *d = opendir(dir);
  struct dirent *de;

  if (!d)
    return errno == ENOENT ? 0 : -1;
  while (depth < 32 && (de = readdir(d))) {
    _cleanup_free_ char *sub = NULL;

    if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0) {
      sub = NULL;
      closedir(d);
      errno = ENOMEM;
      return -1;
    }
    if (remove_tree(sub, depth + 1) < 0) {
      closedir(d);
      return -1;
    }
  }
  closedir(d);
  if (rmdir(dir) < 0 && errno != ENOENT)
    return -1;
  return 0;
}

/* The parents of h's leaf that brig made, deepest first; stops at the
 * first one that is not empty (another container's) or not brig's. */
static void
remove_made_parents(const brig_cgroup_hierarchy *h)
{
  _cleanup_free_ char *p = strdup(h->dir);
  size_t mlen = strlen(h->mountpoint);
  char *slash;

  while (p && (slash = strrchr(p, '/')) && (size_t)(slash - p) > mlen) {
    *slash = '\0';
    if (strlen(p) - mlen < h->made || rmdir(p) < 0)
      break;
  }
}

void
brig_cg_remove_made(const brig_cgroup_hierarchy *h)
{
  if (!h->made || remove_tree(h->dir, 0) < 0)
    return;
  remove_made_parents(h);
}

int
brig_cgroup_destroy(brig_cgroup *cg, brig_error **err)
{
  int tries;

  if (!any_dir_left(cg))
    return 0;
  /* First without killing: a stopped container's cgroup is empty, and
   * brig_cgroup_kill freezes and thaws, which costs a v1 freezer a kernel
   * text patch (its static key) each time.  rmdir of a cgroup with
   * processes fails with EBUSY, and then they are killed. */
  for (tries = 0;; tries++) {
    brig_error *e = NULL;
    size_t i;
    int busy = 0;
    const char *busy_dir = NULL;

    if ((tries > 0 || !all_made(cg)) && brig_cgroup_kill(cg, SIGKILL, &e) < 0) {
      brig_debug("cgroup: %s", e->msg);
      brig_error_clear(&e);
    }
    for (i = 0; i < cg->n; i++) {
      /* A cgroup that existed before the container is emptied of its
       * processes (above) but stays. */
      if (!cg->h[i].made)
        continue;
      if (remove_tree(cg->h[i].dir, 0) < 0) {
        if (errno != EBUSY)
          return brig_fail(err, errno, "cgroup: rmdir %s", cg->h[i].dir);
        busy = EBUSY;
        busy_dir = cg->h[i].dir;
      }
    }
    if (!busy) {
      for (i = 0; i < cg->n; i++)
        if (cg->h[i].made)
          remove_made_parents(&cg->h[i]);
      return 0;
    }
    if (tries >= EMPTY_TRIES)
      return brig_fail(err, busy, "cgroup: rmdir %s", busy_dir);
    if (tries > 0)
      sleep_ms(10);
  }
}
