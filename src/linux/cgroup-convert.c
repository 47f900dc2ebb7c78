#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "linux/cgroup-convert.h"

uint64_t
brig_cgroup_shares_to_weight(uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  /* Maps [2, 262144] linearly onto [1, 10000]. */
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
brig_cgroup_blkio_to_io_weight(uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  /* Maps [10, 1000] linearly onto [1, 10000]. */
  return 1 + ((weight - 10) * 9999) / 990;
}

int
brig_cgroup_swap_to_v2(int64_t memsw, int64_t memory, int64_t *swap_max, brig_error **err)
{
  /* v1 compatibility: unlimited memory without a swap value means both
   * unlimited. */
  if (memory == -1 && memsw == 0) {
    *swap_max = -1;
    return 1;
  }
  if (memsw == 0)
    return 0;
  if (memsw < 0) {
    *swap_max = -1;
    return 1;
  }
  if (memory <= 0)
    return brig_fail(err, 0,
                     "linux.resources.memory.swap: %" PRId64 ": a swap limit needs a memory limit",
                     memsw);
  if (memsw < memory)
    return brig_fail(err, 0,
                     "linux.resources.memory.swap: %" PRId64 " is below memory.limit %" PRId64
                     " (swap is memory+swap)",
                     memsw, memory);
  *swap_max = memsw - memory;
  return 1;
}

void
brig_cgroup_limit_str(int64_t v, char *buf, size_t len)
{
  if (v < 0)
    snprintf(buf, len, "max");
  else
    snprintf(buf, len, "%" PRId64, v);
}

int
brig_cgroup_cpu_max(int64_t quota, uint64_t period, char *buf, size_t len)
{
  char q[32];

  if (quota == 0 && period == 0)
    return 0;
  if (quota > 0)
    snprintf(q, sizeof(q), "%" PRId64, quota);
  else
    snprintf(q, sizeof(q), "max");
  if (period)
    snprintf(buf, len, "%s %" PRIu64, q, period);
  else
    snprintf(buf, len, "%s", q);
  return 1;
}
