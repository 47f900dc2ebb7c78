/* Room for cpu.rt_runtime_us on cgroup v1.
 *
 * With realtime group scheduling (CONFIG_RT_GROUP_SCHED) the kernel keeps
 * the realtime runtime of a cgroup's children within its own: a new
 * /brig/c1 cannot get 10 ms while /brig has 0 (EINVAL).  Before the
 * container's value is written, each ancestor below the hierarchy root
 * whose runtime is too small for its children plus the new one is raised,
 * top-down; the root's budget is the host's to set, and a request beyond
 * it fails with the kernel's error naming the file. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "linux/cgroup-internal.h"
#include "util/cleanup.h"

#define RT_FILE "cpu.rt_runtime_us"
#define RT_FIELD "linux.resources.cpu.realtimeRuntime"
#define RT_MAX_DEPTH 64

static int64_t
read_runtime(const char *dir)
{
  _cleanup_free_ char *s = brig_cg_read(dir, RT_FILE);
  long long v;

  if (!s || sscanf(s, "%lld", &v) != 1 || v < 0)
    return 0; /* unreadable or unlimited (-1, only the root): no claim */
  return v;
}

/* The runtime already given to dir's child cgroups other than skip. */
static int64_t
children_runtime(const char *dir, const char *skip)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int64_t sum = 0;

  if (!d)
    return 0;
  while ((e = readdir(d))) {
    _cleanup_free_ char *sub = NULL;

    if (e->d_type != DT_DIR || e->d_name[0] == '.' || strcmp(e->d_name, skip) == 0)
      continue;
    if (asprintf(&sub, "%s/%s", dir, e->d_name) >= 0)
      sum += read_runtime(sub);
  }
  closedir(d);
  return sum;
}

int
brig_cg_rt_make_room(const char *dir, int64_t runtime, brig_error **err)
{
  _cleanup_free_ char *p = strdup(dir);
  size_t cut[RT_MAX_DEPTH]; /* lengths of the ancestors to raise, nearest first */
  int64_t need[RT_MAX_DEPTH];
  size_t len, root_len = 0;
  struct stat self, st;
  int n = 0, i;

  if (!p)
    return brig_fail(err, ENOMEM, RT_FIELD);
  if (runtime <= 0 || stat(dir, &self) < 0)
    return 0;
  /* The hierarchy root: the shortest prefix on the cgroup file system. */
  for (len = 1; p[len]; len++) {
    if (p[len] != '/')
      continue;
    p[len] = '\0';
    if (stat(p, &st) == 0 && st.st_dev == self.st_dev) {
      p[len] = '/';
      root_len = len;
      break;
    }
    p[len] = '/';
  }
  if (!root_len)
    return 0; /* dir is the root itself */
  /* Nearest ancestor first: stop at the first one with room enough. */
  for (len = strlen(p); n < RT_MAX_DEPTH;) {
    char *slash, *name;
    int64_t want;

    p[len] = '\0';
    slash = strrchr(p, '/');
    if (!slash || (size_t)(slash - p) <= root_len)
      break;
    name = slash + 1;
    *slash = '\0';
    want = children_runtime(p, name) + runtime;
    if (read_runtime(p) >= want)
      break;
    len = (size_t)(slash - p);
    cut[n] = len;
    need[n++] = want;
    runtime = want;
  }
  strcpy(p, dir);
  for (i = n - 1; i >= 0; i--) {
    p[cut[i]] = '\0';
    if (brig_cg_writef(p, RT_FILE, RT_FIELD, err, "%" PRId64, need[i]) < 0)
      return -1;
    strcpy(p, dir);
  }
  return 0;
}
