/* Scheduling and placement attributes of the container process.
 *
 * glibc has no wrappers for sched_setattr(2), ioprio_set(2) or
 * set_mempolicy(2) (the last lives in libnuma), so they are raw syscalls
 * with the kernel's ABI spelled out here. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/sched.h"

/* include/uapi/linux/sched/types.h, SCHED_ATTR_SIZE_VER0 (no clamps). */
typedef struct brig_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
} brig_sched_attr;

typedef struct name_value {
  const char *name;
  long value;
} name_value;

static const name_value sched_policies[] = {
  { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },       { "SCHED_BATCH", 3 },
  { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 }, { NULL, 0 },
};

static const name_value sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
  { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
  { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 }, { NULL, 0 },
};

static const name_value ioprio_classes[] = {
  { "IOPRIO_CLASS_RT", 1 },
  { "IOPRIO_CLASS_BE", 2 },
  { "IOPRIO_CLASS_IDLE", 3 },
  { NULL, 0 },
};

static const name_value mpol_modes[] = {
  { "MPOL_DEFAULT", 0 },
  { "MPOL_PREFERRED", 1 },
  { "MPOL_BIND", 2 },
  { "MPOL_INTERLEAVE", 3 },
  { "MPOL_LOCAL", 4 },
  { "MPOL_PREFERRED_MANY", 5 },
  { "MPOL_WEIGHTED_INTERLEAVE", 6 },
  { NULL, 0 },
};

static const name_value mpol_flags[] = {
  { "MPOL_F_STATIC_NODES", 1 << 15 },
  { "MPOL_F_RELATIVE_NODES", 1 << 14 },
  { "MPOL_F_NUMA_BALANCING", 1 << 13 },
  { NULL, 0 },
};

static long
lookup(const name_value *table, const char *name)
{
  for (; name && table->name; table++)
    if (strcmp(table->name, name) == 0)
      return table->value;
  return -1;
}

int
brig_sched_policy_value(const char *name)
{
  return (int)lookup(sched_policies, name);
}

long
brig_sched_flag_value(const char *name)
{
  return lookup(sched_flags, name);
}

int
brig_ioprio_class_value(const char *name)
{
  return (int)lookup(ioprio_classes, name);
}

int
brig_mpol_mode_value(const char *name)
{
  return (int)lookup(mpol_modes, name);
}

int
brig_mpol_flag_value(const char *name)
{
  return (int)lookup(mpol_flags, name);
}

#define WORD_BITS (8 * sizeof(unsigned long))

static int
parse_number(const char **p, unsigned *out)
{
  char *end;
  unsigned long v;

  if (**p < '0' || **p > '9')
    return -1;
  errno = 0;
  v = strtoul(*p, &end, 10);
  if (errno || v > UINT_MAX)
    return -1;
  *p = end;
  *out = (unsigned)v;
  return 0;
}

int
brig_bitlist_parse(const char *list, unsigned long *mask, unsigned nbits, brig_error **err)
{
  const char *p = list;
  unsigned lo, hi, i;

  memset(mask, 0, (nbits + WORD_BITS - 1) / WORD_BITS * sizeof(unsigned long));
  if (!p || !*p)
    return 0;
  for (;;) {
    if (parse_number(&p, &lo) < 0)
      return brig_fail(err, 0, "\"%s\": expected a number or a range such as 0-3", list);
    hi = lo;
    if (*p == '-') {
      p++;
      if (parse_number(&p, &hi) < 0)
        return brig_fail(err, 0, "\"%s\": expected a number or a range such as 0-3", list);
      if (hi < lo)
        return brig_fail(err, 0, "\"%s\": range %u-%u goes backwards", list, lo, hi);
    }
    if (hi >= nbits)
      return brig_fail(err, 0, "\"%s\": %u is above the limit of %u", list, hi, nbits - 1);
    for (i = lo; i <= hi; i++)
      mask[i / WORD_BITS] |= 1UL << (i % WORD_BITS);
    if (!*p)
      return 0;
    if (*p != ',')
      return brig_fail(err, 0, "\"%s\": unexpected '%c'", list, *p);
    p++;
  }
}

int
brig_sched_apply(const oci_scheduler *s, brig_error **err)
{
  brig_sched_attr attr = { .size = sizeof(attr) };
  size_t i;

  if (!s)
    return 0;
  attr.sched_policy = (uint32_t)brig_sched_policy_value(s->policy);
  for (i = 0; i < s->flags_len; i++)
    attr.sched_flags |= (uint64_t)brig_sched_flag_value(s->flags[i]);
  attr.sched_nice = s->has_nice ? s->nice : 0;
  attr.sched_priority = s->has_priority ? (uint32_t)s->priority : 0;
  attr.sched_runtime = s->runtime;
  attr.sched_deadline = s->deadline;
  attr.sched_period = s->period;
  if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
    int e = errno;

    /* With CONFIG_RT_GROUP_SCHED a cgroup v1 cpu controller gives a new
     * group no realtime runtime: the usual cause, and not an obvious one. */
    if (e == EPERM && (attr.sched_policy == 1 || attr.sched_policy == 2))
      return brig_fail(err, 0,
                       "sched_setattr %s: %s (with realtime group scheduling the cpu cgroup "
                       "needs linux.resources.cpu.realtimeRuntime)",
                       s->policy, strerror(e));
    return brig_fail(err, e, "sched_setattr %s", s->policy);
  }
  return 0;
}

int
brig_ioprio_apply(const oci_io_priority *p, brig_error **err)
{
  int prio = p && p->has_priority ? p->priority : 0;

  if (!p)
    return 0;
  /* IOPRIO_PRIO_VALUE(class, data): the class above 13 bits of data. */
  if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
              (brig_ioprio_class_value(p->class) << 13) | prio) < 0)
    return brig_fail(err, errno, "ioprio_set %s %d", p->class, prio);
  return 0;
}

int
brig_affinity_apply(const char *list, const char *what, brig_error **err)
{
  unsigned long mask[CPU_SETSIZE / (8 * sizeof(unsigned long))];
  cpu_set_t set;
  unsigned i;

  if (!list || !*list)
    return 0;
  if (brig_bitlist_parse(list, mask, CPU_SETSIZE, err) < 0)
    return brig_error_wrap(err, "%s", what);
  CPU_ZERO(&set);
  for (i = 0; i < CPU_SETSIZE; i++)
    if (mask[i / WORD_BITS] & (1UL << (i % WORD_BITS)))
      CPU_SET(i, &set);
  if (sched_setaffinity(0, sizeof(set), &set) < 0)
    return brig_fail(err, errno, "sched_setaffinity %s \"%s\"", what, list);
  return 0;
}

int
brig_mempolicy_apply(const oci_memory_policy *m, brig_error **err)
{
  unsigned long nodes[BRIG_NODEMASK_WORDS];
  int mode;
  size_t i;

  if (!m)
    return 0;
  if (brig_bitlist_parse(m->nodes, nodes, BRIG_MAX_NUMA_NODES, err) < 0)
    return brig_error_wrap(err, "memoryPolicy.nodes");
  mode = brig_mpol_mode_value(m->mode);
  for (i = 0; i < m->flags_len; i++)
    mode |= brig_mpol_flag_value(m->flags[i]);
  /* maxnode counts one bit more than the kernel reads (set_mempolicy(2)). */
  if (syscall(SYS_set_mempolicy, mode, m->nodes && *m->nodes ? nodes : NULL,
              m->nodes && *m->nodes ? BRIG_MAX_NUMA_NODES + 1 : 0) < 0)
    return brig_fail(err, errno, "set_mempolicy %s%s%s", m->mode,
                     m->nodes && *m->nodes ? " nodes " : "", m->nodes && *m->nodes ? m->nodes : "");
  return 0;
}
