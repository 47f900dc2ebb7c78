/* brig update: change the resource limits of a container that has not
 * stopped: --resources FILE|- (linux.resources JSON) and/or runc's flags,
 * which override the file.  The new values are written to the cgroup and
 * merged into the effective config.json in the state directory.  Device
 * rules cannot be updated (as with runc).
 *
 * Option help (for the table in brig.c): see the table.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cgroup-commands.h"
#include "util/cleanup.h"

enum {
  OPT_MEMORY = 256,
  OPT_MEMORY_RESERVATION,
  OPT_MEMORY_SWAP,
  OPT_CPU_SHARES,
  OPT_CPU_QUOTA,
  OPT_CPU_PERIOD,
  OPT_CPU_RT_RUNTIME,
  OPT_CPU_RT_PERIOD,
  OPT_CPUSET_CPUS,
  OPT_CPUSET_MEMS,
  OPT_PIDS_LIMIT,
  OPT_BLKIO_WEIGHT,
};

/* docker's RAMInBytes, which runc uses: "64m", "1g", "1.5GiB", "512 kb";
 * units are powers of 1024; "-1" is unlimited. */
static int
parse_mem(const char *s, int64_t *out)
{
  static const char units[] = "kmgtp";
  const char *u;
  char *end;
  double v, mult = 1;
  ptrdiff_t k;

  if (strcmp(s, "-1") == 0) {
    *out = -1;
    return 0;
  }
  if (!isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  v = strtod(s, &end);
  if (errno || end == s)
    return -1;
  if (*end == ' ')
    end++;
  if (*end && (u = strchr(units, tolower((unsigned char)*end)))) {
    for (k = 0; k <= u - units; k++)
      mult *= 1024;
    end++;
    if (*end == 'i' || *end == 'I')
      end++;
  }
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end || v * mult >= 9.2e18)
    return -1;
  *out = (int64_t)(v * mult);
  return 0;
}

static int
parse_i64(const char *s, int64_t *out)
{
  char *end;
  long long v;

  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || end == s || *end)
    return -1;
  *out = v;
  return 0;
}

static int
parse_u64(const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (!isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

static char *
read_all(FILE *f, size_t *len)
{
  char *buf = NULL, *n;
  size_t cap = 0, r;

  *len = 0;
  for (;;) {
    if (*len + 4096 > cap) {
      n = realloc(buf, cap = cap ? cap * 2 : 8192);
      if (!n) {
        free(buf);
        errno = ENOMEM;
        return NULL;
      }
      buf = n;
    }
    r = fread(buf + *len, 1, cap - *len - 1, f);
    *len += r;
    if (r == 0)
      break;
  }
  if (ferror(f)) {
    free(buf);
    return NULL;
  }
  buf[*len] = '\0';
  return buf;
}

static oci_resources *
load_resources(const char *path, brig_error **err)
{
  _cleanup_free_ char *data = NULL;
  oci_resources *r;
  char *perr = NULL;
  size_t len;
  FILE *f;

  if (strcmp(path, "-") == 0) {
    data = read_all(stdin, &len);
    if (!data)
      brig_fail(err, errno, "read resources from stdin");
  } else {
    f = fopen(path, "re");
    if (!f) {
      brig_fail(err, errno, "open %s", path);
      return NULL;
    }
    data = read_all(f, &len);
    if (!data)
      brig_fail(err, errno, "read %s", path);
    fclose(f);
  }
  if (!data)
    return NULL;
  /* Errors name where the JSON came from: the file, or stdin. */
  r = oci_parse_data(&oci_resources_desc, strcmp(path, "-") == 0 ? "stdin" : path, data, len, NULL,
                     &perr);
  if (!r) {
    brig_fail(err, 0, "%s", perr);
    free(perr);
  }
  return r;
}

#define ENSURE(r, member)                                                 \
  do {                                                                    \
    if (!(r)->member && !((r)->member = calloc(1, sizeof(*(r)->member)))) \
      return brig_fail(err, ENOMEM, "update");                            \
  } while (0)

static int
apply_flag(oci_resources *r, int opt, const char *name, const char *val, brig_error **err)
{
  int64_t i = 0;
  uint64_t u = 0;
  int bad = 0;

  switch (opt) {
  case OPT_MEMORY:
  case OPT_MEMORY_RESERVATION:
  case OPT_MEMORY_SWAP:
    ENSURE(r, memory);
    bad = parse_mem(val, &i);
    if (opt == OPT_MEMORY)
      r->memory->limit = i, r->memory->has_limit = true;
    else if (opt == OPT_MEMORY_SWAP)
      r->memory->swap = i, r->memory->has_swap = true;
    else
      r->memory->reservation = i, r->memory->has_reservation = true;
    break;
  case OPT_CPU_SHARES:
    ENSURE(r, cpu);
    bad = parse_u64(val, &u);
    r->cpu->shares = u, r->cpu->has_shares = true;
    break;
  case OPT_CPU_PERIOD:
    ENSURE(r, cpu);
    bad = parse_u64(val, &u);
    r->cpu->period = u, r->cpu->has_period = true;
    break;
  case OPT_CPU_RT_PERIOD:
    ENSURE(r, cpu);
    bad = parse_u64(val, &u);
    r->cpu->realtime_period = u, r->cpu->has_realtime_period = true;
    break;
  case OPT_CPU_QUOTA:
    ENSURE(r, cpu);
    bad = parse_i64(val, &i);
    r->cpu->quota = i, r->cpu->has_quota = true;
    break;
  case OPT_CPU_RT_RUNTIME:
    ENSURE(r, cpu);
    bad = parse_i64(val, &i);
    r->cpu->realtime_runtime = i, r->cpu->has_realtime_runtime = true;
    break;
  case OPT_CPUSET_CPUS:
  case OPT_CPUSET_MEMS: {
    char **dst, *d;

    ENSURE(r, cpu);
    dst = opt == OPT_CPUSET_CPUS ? &r->cpu->cpus : &r->cpu->mems;
    d = strdup(val);
    if (!d)
      return brig_fail(err, ENOMEM, "update");
    free(*dst);
    *dst = d;
    break;
  }
  case OPT_PIDS_LIMIT:
    ENSURE(r, pids);
    bad = parse_i64(val, &i);
    r->pids->limit = i, r->pids->has_limit = true;
    break;
  case OPT_BLKIO_WEIGHT:
    ENSURE(r, block_io);
    bad = parse_u64(val, &u) < 0 || u > 65535 ? -1 : 0;
    r->block_io->weight = (uint16_t)u, r->block_io->has_weight = true;
    break;
  }
  if (bad)
    return brig_fail(err, 0, "invalid value for %s: '%s'", name, val);
  return 0;
}

int
brig_cmd_update(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "resources", required_argument, NULL, 'r' },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
    { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
    { "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
    { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
    { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
    { "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
    { "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
    { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
    { "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
    { "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
    { "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct {
    int opt;
    const char *name, *val;
  } flags[32];
  const char *resources = NULL;
  oci_resources *r;
  size_t nflags = 0, i;
  int c, idx;

  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, ":r:h", options, &idx)) != -1) {
    switch (c) {
    case 'r':
      resources = optarg;
      break;
    case 'h':
      brig_command_help(brig_command_find("update"));
      return 0;
    case ':':
    case '?':
      return brig_option_error("update", c, argv, err);
    default:
      if (nflags == sizeof(flags) / sizeof(flags[0]))
        return brig_fail(err, 0, "update: too many options");
      flags[nflags].opt = c;
      flags[nflags].name = options[idx].name;
      flags[nflags].val = optarg;
      nflags++;
      break;
    }
  }
  if (optind >= argc)
    return brig_fail(err, 0, "update: missing container id");
  if (optind + 1 < argc)
    return brig_fail(err, 0, "update: unexpected argument '%s'", argv[optind + 1]);
  if (resources) {
    r = load_resources(resources, err);
    if (!r)
      return brig_error_wrap(err, "update");
  } else {
    r = calloc(1, sizeof(*r));
    if (!r)
      return brig_fail(err, ENOMEM, "update");
  }
  for (i = 0; i < nflags; i++) {
    if (apply_flag(r, flags[i].opt, flags[i].name, flags[i].val, err) < 0) {
      oci_free(&oci_resources_desc, r);
      return brig_error_wrap(err, "update");
    }
  }
  if (brig_container_update(g->root, argv[optind], r, err) < 0)
    return brig_error_wrap(err, "update");
  return 0;
}
