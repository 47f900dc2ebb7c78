/* brig events: resource statistics and OOM events of a container as JSON
 * lines, in runc's format ({"type":"stats","id":ID,"data":{...}} and
 * {"type":"oom","id":ID}).  --stats prints the statistics once; otherwise a
 * stats event every --interval (default 5s) and an oom event whenever the
 * cgroup's oom_kill counter grows, until the container stops.
 *
 * Option help (for the table in brig.c):
 *   "      --stats               print statistics once and exit\n"
 *   "      --interval DURATION   statistics interval (default 5s)\n"
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cgroup-commands.h"

enum { OPT_STATS = 256, OPT_INTERVAL };

/* A Go duration ("5s", "1m30s", "500ms", "1.5h"), in nanoseconds; -1 if
 * it is not one. */
static int64_t
parse_duration(const char *s)
{
  static const struct {
    const char *unit;
    double ns;
  } units[] = {
    { "ns", 1 },  { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
    { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
  };
  double total = 0;

  if (strcmp(s, "0") == 0)
    return 0;
  if (!*s)
    return -1;
  while (*s) {
    char *end;
    double v;
    size_t i, best = 0, best_len = 0;

    if (!isdigit((unsigned char)*s) && *s != '.')
      return -1;
    v = strtod(s, &end);
    if (end == s)
      return -1;
    s = end;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
      size_t l = strlen(units[i].unit);

      if (strncmp(s, units[i].unit, l) == 0 && l > best_len) {
        best = i;
        best_len = l;
      }
    }
    if (!best_len)
      return -1;
    total += v * units[best].ns;
    s += best_len;
  }
  return total > 9e18 ? -1 : (int64_t)total;
}

static void
put_str(FILE *f, const char *s)
{
  putc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;

    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      putc(c, f);
  }
  putc('"', f);
}

/* ,"key":value -- only when v is non-zero if omitempty, as Go's encoder. */
static void
put_u64(FILE *f, bool *first, const char *key, uint64_t v, bool omitempty)
{
  if (omitempty && !v)
    return;
  fprintf(f, "%s\"%s\":%" PRIu64, *first ? "" : ",", key, v);
  *first = false;
}

static void
put_u64v(FILE *f, bool *first, const char *key, const uint64_t *v, size_t n)
{
  size_t i;

  if (!n)
    return;
  fprintf(f, "%s\"%s\":[", *first ? "" : ",", key);
  for (i = 0; i < n; i++)
    fprintf(f, "%s%" PRIu64, i ? "," : "", v[i]);
  putc(']', f);
  *first = false;
}

static void
put_mem_entry(FILE *f, bool *outer, const char *key, const brig_cgroup_memory_entry *e)
{
  bool first = true;

  fprintf(f, "%s\"%s\":{", *outer ? "" : ",", key);
  *outer = false;
  put_u64(f, &first, "limit", e->limit, false);
  put_u64(f, &first, "usage", e->usage, true);
  put_u64(f, &first, "max", e->max, true);
  put_u64(f, &first, "failcnt", e->failcnt, false);
  putc('}', f);
}

static void
put_blkio(FILE *f, bool *first, const char *key, const brig_cgroup_blkio_entry *e, size_t n)
{
  size_t i;

  if (!n)
    return;
  fprintf(f, "%s\"%s\":[", *first ? "" : ",", key);
  for (i = 0; i < n; i++) {
    bool efirst = true;

    fputs(i ? ",{" : "{", f);
    put_u64(f, &efirst, "major", e[i].major, true);
    put_u64(f, &efirst, "minor", e[i].minor, true);
    if (e[i].op[0]) {
      fprintf(f, "%s\"op\":", efirst ? "" : ",");
      put_str(f, e[i].op);
      efirst = false;
    }
    put_u64(f, &efirst, "value", e[i].value, true);
    putc('}', f);
  }
  putc(']', f);
  *first = false;
}

/* runc's types.Stats (types/events.go). */
static void
print_stats(FILE *f, const char *id, const brig_cgroup_stats *st)
{
  bool first;
  size_t i;

  fputs("{\"type\":\"stats\",\"id\":", f);
  put_str(f, id);
  fputs(",\"data\":{\"cpu\":{\"usage\":{", f);
  first = true;
  put_u64(f, &first, "total", st->cpu.usage.total, true);
  put_u64v(f, &first, "percpu", st->cpu.usage.percpu, st->cpu.usage.percpu_len);
  put_u64v(f, &first, "percpu_kernel", st->cpu.usage.percpu_kernel,
           st->cpu.usage.percpu_kernel_len);
  put_u64v(f, &first, "percpu_user", st->cpu.usage.percpu_user, st->cpu.usage.percpu_user_len);
  put_u64(f, &first, "kernel", st->cpu.usage.kernel, false);
  put_u64(f, &first, "user", st->cpu.usage.user, false);
  fputs("},\"throttling\":{", f);
  first = true;
  put_u64(f, &first, "periods", st->cpu.throttling.periods, true);
  put_u64(f, &first, "throttledPeriods", st->cpu.throttling.throttled_periods, true);
  put_u64(f, &first, "throttledTime", st->cpu.throttling.throttled_time, true);
  fputs("}},\"memory\":{", f);
  first = true;
  put_u64(f, &first, "cache", st->memory.cache, true);
  put_mem_entry(f, &first, "usage", &st->memory.usage);
  put_mem_entry(f, &first, "swap", &st->memory.swap);
  put_mem_entry(f, &first, "kernel", &st->memory.kernel);
  put_mem_entry(f, &first, "kernelTCP", &st->memory.kernel_tcp);
  if (st->memory.raw_len) {
    fputs(",\"raw\":{", f);
    for (i = 0; i < st->memory.raw_len; i++) {
      if (i)
        putc(',', f);
      put_str(f, st->memory.raw_keys[i]);
      fprintf(f, ":%" PRIu64, st->memory.raw_values[i]);
    }
    putc('}', f);
  }
  fputs("},\"pids\":{", f);
  first = true;
  put_u64(f, &first, "current", st->pids.current, true);
  put_u64(f, &first, "limit", st->pids.limit, true);
  fputs("},\"blkio\":{", f);
  first = true;
  put_blkio(f, &first, "ioServiceBytesRecursive", st->blkio.service_bytes,
            st->blkio.service_bytes_len);
  put_blkio(f, &first, "ioServicedRecursive", st->blkio.serviced, st->blkio.serviced_len);
  fputs("},\"hugetlb\":{", f);
  for (i = 0; i < st->hugetlb_len; i++) {
    bool hfirst = true;

    if (i)
      putc(',', f);
    put_str(f, st->hugetlb[i].page_size);
    fputs(":{", f);
    put_u64(f, &hfirst, "usage", st->hugetlb[i].usage, true);
    put_u64(f, &hfirst, "max", st->hugetlb[i].max, true);
    put_u64(f, &hfirst, "failcnt", st->hugetlb[i].failcnt, false);
    putc('}', f);
  }
  fputs("}}}\n", f);
  fflush(f);
}

static int
emit_stats(brig_container_handle *h, const char *id, brig_error **err)
{
  brig_cgroup_stats st;

  if (brig_cgroup_stats_read(h->cgroup, &st, err) < 0)
    return -1;
  print_stats(stdout, id, &st);
  brig_cgroup_stats_clear(&st);
  return 0;
}

static void
sleep_ns(int64_t ns)
{
  struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };

  while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
    ;
}

static int64_t
now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Stats every interval, OOM events as they come (polled every 100 ms at
 * most), until the container stops. */
static int
stream(brig_container_handle *h, const char *id, int64_t interval, brig_error **err)
{
  int64_t step = interval < 100000000 ? interval : 100000000, next;
  uint64_t ooms = brig_cgroup_oom_kills(h->cgroup), n;

  next = now_ns();
  for (;;) {
    if (brig_container_handle_refresh(h, err) < 0)
      return -1;
    if (strcmp(h->state->status, "stopped") == 0)
      return 0;
    n = brig_cgroup_oom_kills(h->cgroup);
    if (n > ooms) {
      fputs("{\"type\":\"oom\",\"id\":", stdout);
      put_str(stdout, id);
      fputs("}\n", stdout);
      fflush(stdout);
    }
    ooms = n;
    if (now_ns() >= next) {
      if (emit_stats(h, id, err) < 0)
        return -1;
      next += interval;
      if (next < now_ns())
        next = now_ns() + interval;
    }
    sleep_ns(step > 0 ? step : 1000000);
  }
}

int
brig_cmd_events(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "stats", no_argument, NULL, OPT_STATS },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  brig_container_handle h;
  int64_t interval = 5000000000LL;
  bool stats = false;
  const char *id;
  int c, r;

  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
    switch (c) {
    case OPT_STATS:
      stats = true;
      break;
    case OPT_INTERVAL:
      interval = parse_duration(optarg);
      if (interval <= 0)
        return brig_fail(err, 0,
                         "events: --interval: expected a positive duration such as 5s, "
                         "got '%s'",
                         optarg);
      break;
    case 'h':
      brig_command_help(brig_command_find("events"));
      return 0;
    default:
      return brig_option_error("events", c, argv, err);
    }
  }
  if (brig_expect_one_id("events", argc, argv, &id, err) < 0)
    return -1;
  if (brig_container_handle_open(g->root, id, false, &h, err) < 0)
    return brig_error_wrap(err, "events");
  if (strcmp(h.state->status, "stopped") == 0)
    r = brig_fail(err, 0, BRIG_NOT_RUNNING, id);
  else
    r = stats ? emit_stats(&h, id, err) : stream(&h, id, interval, err);
  brig_container_handle_close(&h);
  return r < 0 ? brig_error_wrap(err, "events") : 0;
}
