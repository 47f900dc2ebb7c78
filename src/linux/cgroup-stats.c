/* `events --stats`: the cgroup's counters, v1 or v2, in the shape of
 * runc's events JSON (types/events.go: cpu.usage/throttling,
 * memory.usage/swap/kernel/kernelTCP/raw, pids, blkio, hugetlb). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/cgroup-internal.h"
#include "util/cleanup.h"

#define NS_PER_USEC 1000ULL
#define NS_PER_SEC 1000000000ULL

static uint64_t
rd(const char *dir, const char *file)
{
  uint64_t v = 0;

  if (!dir || brig_cg_read_u64(dir, file, &v) < 0)
    return 0;
  return v;
}

static uint64_t
keyed(const char *dir, const char *file, const char *key)
{
  uint64_t v = 0;

  if (!dir || brig_cg_read_keyed(dir, file, key, &v) < 0)
    return 0;
  return v;
}

/* v1 reports "unlimited" as a huge page-rounded number, v2 as "max". */
static uint64_t
limit_of(uint64_t v)
{
  return v >= (UINT64_MAX >> 2) - 4096 * 4 ? 0 : v;
}

static int
read_u64_list(const char *dir, const char *file, uint64_t **out, size_t *n)
{
  _cleanup_free_ char *s = brig_cg_read(dir, file);
  uint64_t *v = NULL;
  size_t len = 0;
  char *p, *end;

  *out = NULL;
  *n = 0;
  if (!s)
    return 0;
  for (p = s;; p = end) {
    unsigned long long x = strtoull(p, &end, 10);
    uint64_t *nv;

    if (end == p)
      break;
    nv = realloc(v, (len + 1) * sizeof(*v));
    if (!nv) {
      free(v);
      return -1;
    }
    v = nv;
    v[len++] = x;
  }
  *out = v;
  *n = len;
  return 0;
}

static int
read_raw(const char *dir, const char *file, brig_cgroup_stats *st)
{
  _cleanup_free_ char *s = brig_cg_read(dir, file);
  char *line, *save = NULL;

  if (!s)
    return 0;
  for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *sp = strchr(line, ' ');
    char **nk;
    uint64_t *nv;

    if (!sp)
      continue;
    *sp = '\0';
    nk = realloc(st->memory.raw_keys, (st->memory.raw_len + 1) * sizeof(*nk));
    if (!nk)
      return -1;
    st->memory.raw_keys = nk;
    nv = realloc(st->memory.raw_values, (st->memory.raw_len + 1) * sizeof(*nv));
    if (!nv)
      return -1;
    st->memory.raw_values = nv;
    nk[st->memory.raw_len] = strdup(line);
    if (!nk[st->memory.raw_len])
      return -1;
    nv[st->memory.raw_len++] = strtoull(sp + 1, NULL, 10);
  }
  return 0;
}

static uint64_t
raw_get(const brig_cgroup_stats *st, const char *key)
{
  size_t i;

  for (i = 0; i < st->memory.raw_len; i++)
    if (strcmp(st->memory.raw_keys[i], key) == 0)
      return st->memory.raw_values[i];
  return 0;
}

static int
add_blkio(brig_cgroup_blkio_entry **v, size_t *n, uint64_t major, uint64_t minor, const char *op,
          uint64_t value)
{
  brig_cgroup_blkio_entry *nv = realloc(*v, (*n + 1) * sizeof(**v));

  if (!nv)
    return -1;
  *v = nv;
  nv[*n].major = major;
  nv[*n].minor = minor;
  snprintf(nv[*n].op, sizeof(nv[*n].op), "%s", op);
  nv[*n].value = value;
  (*n)++;
  return 0;
}

/* v1 "8:0 Read 4096" lines ("Total N" without a device is skipped). */
static int
read_blkio_v1(const char *dir, const char *file, brig_cgroup_blkio_entry **v, size_t *n)
{
  _cleanup_free_ char *s = brig_cg_read(dir, file);
  char *line, *save = NULL;

  if (!s)
    return 0;
  for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    unsigned long long maj, min, val;
    char op[16];

    if (sscanf(line, "%llu:%llu %15s %llu", &maj, &min, op, &val) == 4 &&
        add_blkio(v, n, maj, min, op, val) < 0)
      return -1;
  }
  return 0;
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6". */
static int
read_io_v2(const char *dir, brig_cgroup_stats *st)
{
  _cleanup_free_ char *s = brig_cg_read(dir, "io.stat");
  char *line, *save = NULL;

  if (!s)
    return 0;
  for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    unsigned long long maj, min;
    char *tok, *save2 = NULL;

    if (sscanf(line, "%llu:%llu", &maj, &min) != 2)
      continue;
    strtok_r(line, " ", &save2);
    while ((tok = strtok_r(NULL, " ", &save2))) {
      char *eq = strchr(tok, '=');
      uint64_t val;
      int r = 0;

      if (!eq)
        continue;
      *eq = '\0';
      val = strtoull(eq + 1, NULL, 10);
      if (strcmp(tok, "rbytes") == 0)
        r = add_blkio(&st->blkio.service_bytes, &st->blkio.service_bytes_len, maj, min, "Read",
                      val);
      else if (strcmp(tok, "wbytes") == 0)
        r = add_blkio(&st->blkio.service_bytes, &st->blkio.service_bytes_len, maj, min, "Write",
                      val);
      else if (strcmp(tok, "rios") == 0)
        r = add_blkio(&st->blkio.serviced, &st->blkio.serviced_len, maj, min, "Read", val);
      else if (strcmp(tok, "wios") == 0)
        r = add_blkio(&st->blkio.serviced, &st->blkio.serviced_len, maj, min, "Write", val);
      if (r < 0)
        return -1;
    }
  }
  return 0;
}

/* Page sizes the kernel offers, as the cgroup files name them ("2MB"). */
static int
read_hugetlb(const char *dir, bool v2, brig_cgroup_stats *st)
{
  DIR *d = opendir("/sys/kernel/mm/hugepages");
  struct dirent *de;

  if (!d)
    return 0;
  while ((de = readdir(d))) {
    unsigned long long kb;
    brig_cgroup_hugetlb_stats *h, *nv;
    char name[32], file[96];

    if (sscanf(de->d_name, "hugepages-%llukB", &kb) != 1 || kb == 0 || kb > (1ULL << 40))
      continue;
    if (kb % (1024 * 1024) == 0)
      snprintf(name, sizeof(name), "%lluGB", kb / (1024 * 1024));
    else if (kb % 1024 == 0)
      snprintf(name, sizeof(name), "%lluMB", kb / 1024);
    else
      snprintf(name, sizeof(name), "%lluKB", kb);
    nv = realloc(st->hugetlb, (st->hugetlb_len + 1) * sizeof(*nv));
    if (!nv) {
      closedir(d);
      return -1;
    }
    st->hugetlb = nv;
    h = &nv[st->hugetlb_len++];
    memset(h, 0, sizeof(*h));
    snprintf(h->page_size, sizeof(h->page_size), "%.15s", name);
    if (v2) {
      snprintf(file, sizeof(file), "hugetlb.%s.current", name);
      h->usage = rd(dir, file);
      snprintf(file, sizeof(file), "hugetlb.%s.events", name);
      h->failcnt = keyed(dir, file, "max");
    } else {
      snprintf(file, sizeof(file), "hugetlb.%s.usage_in_bytes", name);
      h->usage = rd(dir, file);
      snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", name);
      h->max = rd(dir, file);
      snprintf(file, sizeof(file), "hugetlb.%s.failcnt", name);
      h->failcnt = rd(dir, file);
    }
  }
  closedir(d);
  return 0;
}

static void
memory_entry_v1(const char *dir, const char *prefix, brig_cgroup_memory_entry *e)
{
  char f[64];

  snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
  e->usage = rd(dir, f);
  snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
  e->max = rd(dir, f);
  snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
  e->limit = limit_of(rd(dir, f));
  snprintf(f, sizeof(f), "%s.failcnt", prefix);
  e->failcnt = rd(dir, f);
}

static int
stats_v1(brig_cgroup *cg, brig_cgroup_stats *st)
{
  const brig_cgroup_hierarchy *h;
  long hz = sysconf(_SC_CLK_TCK);

  if (hz <= 0)
    hz = 100;
  if ((h = brig_cg_v1(cg, "cpuacct"))) {
    st->cpu.usage.total = rd(h->dir, "cpuacct.usage");
    if (read_u64_list(h->dir, "cpuacct.usage_percpu", &st->cpu.usage.percpu,
                      &st->cpu.usage.percpu_len) < 0 ||
        read_u64_list(h->dir, "cpuacct.usage_percpu_sys", &st->cpu.usage.percpu_kernel,
                      &st->cpu.usage.percpu_kernel_len) < 0 ||
        read_u64_list(h->dir, "cpuacct.usage_percpu_user", &st->cpu.usage.percpu_user,
                      &st->cpu.usage.percpu_user_len) < 0)
      return -1;
    st->cpu.usage.user = keyed(h->dir, "cpuacct.stat", "user") * NS_PER_SEC / (uint64_t)hz;
    st->cpu.usage.kernel = keyed(h->dir, "cpuacct.stat", "system") * NS_PER_SEC / (uint64_t)hz;
  }
  if ((h = brig_cg_v1(cg, "cpu"))) {
    st->cpu.throttling.periods = keyed(h->dir, "cpu.stat", "nr_periods");
    st->cpu.throttling.throttled_periods = keyed(h->dir, "cpu.stat", "nr_throttled");
    st->cpu.throttling.throttled_time = keyed(h->dir, "cpu.stat", "throttled_time");
  }
  if ((h = brig_cg_v1(cg, "memory"))) {
    memory_entry_v1(h->dir, "memory", &st->memory.usage);
    memory_entry_v1(h->dir, "memory.memsw", &st->memory.swap);
    memory_entry_v1(h->dir, "memory.kmem", &st->memory.kernel);
    memory_entry_v1(h->dir, "memory.kmem.tcp", &st->memory.kernel_tcp);
    if (read_raw(h->dir, "memory.stat", st) < 0)
      return -1;
    st->memory.cache = raw_get(st, "cache");
  }
  if ((h = brig_cg_v1(cg, "pids"))) {
    st->pids.current = rd(h->dir, "pids.current");
    st->pids.limit = limit_of(rd(h->dir, "pids.max"));
  }
  if ((h = brig_cg_v1(cg, "blkio"))) {
    if (read_blkio_v1(h->dir, "blkio.throttle.io_service_bytes_recursive", &st->blkio.service_bytes,
                      &st->blkio.service_bytes_len) < 0 ||
        read_blkio_v1(h->dir, "blkio.throttle.io_serviced_recursive", &st->blkio.serviced,
                      &st->blkio.serviced_len) < 0)
      return -1;
    if (st->blkio.service_bytes_len == 0 &&
        (read_blkio_v1(h->dir, "blkio.bfq.io_service_bytes_recursive", &st->blkio.service_bytes,
                       &st->blkio.service_bytes_len) < 0 ||
         read_blkio_v1(h->dir, "blkio.bfq.io_serviced_recursive", &st->blkio.serviced,
                       &st->blkio.serviced_len) < 0))
      return -1;
  }
  if ((h = brig_cg_v1(cg, "hugetlb")))
    return read_hugetlb(h->dir, false, st);
  if (brig_cg_v2(cg) && brig_cg_v2_available(cg, "hugetlb"))
    return read_hugetlb(brig_cg_v2(cg)->dir, true, st);
  return 0;
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
  return a + b < a ? UINT64_MAX : a + b;
}

static int
stats_v2(brig_cgroup *cg, brig_cgroup_stats *st)
{
  const char *dir = brig_cg_v2(cg)->dir;
  uint64_t swap_cur, swap_max;

  st->cpu.usage.total = keyed(dir, "cpu.stat", "usage_usec") * NS_PER_USEC;
  st->cpu.usage.user = keyed(dir, "cpu.stat", "user_usec") * NS_PER_USEC;
  st->cpu.usage.kernel = keyed(dir, "cpu.stat", "system_usec") * NS_PER_USEC;
  st->cpu.throttling.periods = keyed(dir, "cpu.stat", "nr_periods");
  st->cpu.throttling.throttled_periods = keyed(dir, "cpu.stat", "nr_throttled");
  st->cpu.throttling.throttled_time = keyed(dir, "cpu.stat", "throttled_usec") * NS_PER_USEC;

  st->memory.usage.usage = rd(dir, "memory.current");
  st->memory.usage.max = rd(dir, "memory.peak");
  st->memory.usage.limit = limit_of(rd(dir, "memory.max"));
  st->memory.usage.failcnt = keyed(dir, "memory.events", "max");
  /* As runc: swap is reported as memory+swap, like v1's memsw. */
  swap_cur = rd(dir, "memory.swap.current");
  swap_max = limit_of(rd(dir, "memory.swap.max"));
  st->memory.swap.usage = sat_add(st->memory.usage.usage, swap_cur);
  st->memory.swap.max = rd(dir, "memory.swap.peak");
  st->memory.swap.limit =
      (swap_max && st->memory.usage.limit) ? sat_add(swap_max, st->memory.usage.limit) : 0;
  st->memory.swap.failcnt = keyed(dir, "memory.swap.events", "max");
  if (read_raw(dir, "memory.stat", st) < 0)
    return -1;
  st->memory.cache = raw_get(st, "file");

  st->pids.current = rd(dir, "pids.current");
  st->pids.limit = limit_of(rd(dir, "pids.max"));
  if (read_io_v2(dir, st) < 0)
    return -1;
  return read_hugetlb(dir, true, st);
}

int
brig_cgroup_stats_read(brig_cgroup *cg, brig_cgroup_stats *st, brig_error **err)
{
  int r;

  memset(st, 0, sizeof(*st));
  r = cg->layout == BRIG_CGROUP_LAYOUT_UNIFIED ? stats_v2(cg, st) : stats_v1(cg, st);
  if (r < 0) {
    brig_cgroup_stats_clear(st);
    return brig_fail(err, ENOMEM, "cgroup: stats");
  }
  return 0;
}

void
brig_cgroup_stats_clear(brig_cgroup_stats *st)
{
  size_t i;

  free(st->cpu.usage.percpu);
  free(st->cpu.usage.percpu_kernel);
  free(st->cpu.usage.percpu_user);
  for (i = 0; i < st->memory.raw_len; i++)
    free(st->memory.raw_keys[i]);
  free(st->memory.raw_keys);
  free(st->memory.raw_values);
  free(st->blkio.service_bytes);
  free(st->blkio.serviced);
  free(st->hugetlb);
  memset(st, 0, sizeof(*st));
}

uint64_t
brig_cgroup_oom_kills(const brig_cgroup *cg)
{
  const char *dir = brig_cgroup_dir(cg, "memory");
  uint64_t v1 = 0, v2 = 0;

  if (!dir)
    return 0;
  if (brig_cg_read_keyed(dir, "memory.oom_control", "oom_kill", &v1) < 0)
    v1 = 0;
  if (brig_cg_read_keyed(dir, "memory.events", "oom_kill", &v2) < 0)
    v2 = 0;
  return v1 + v2;
}
