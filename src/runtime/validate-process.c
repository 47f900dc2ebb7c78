/* See validate-process.h.  The rules are runtime-spec config.md
 * (scheduler, ioPriority, execCPUAffinity) and config-linux.md
 * (personality, memoryPolicy); what the kernel checks anyway (its own
 * limits on SCHED_DEADLINE bandwidth, RLIMIT_RTPRIO, cpusets) is left to
 * the kernel and reported when the init applies it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linux/personality.h"
#include "linux/rlimits.h"
#include "linux/sched.h"
#include "runtime/validate-process.h"
#include "util/cleanup.h"

#define SCHED_FIFO_ 1
#define SCHED_RR_ 2
#define SCHED_ISO_ 4
#define SCHED_DEADLINE_ 6

static int
validate_scheduler(const oci_scheduler *s, const char *doc, brig_error **err)
{
  int policy;
  size_t i;

  if (!s)
    return 0;
  policy = brig_sched_policy_value(s->policy);
  if (policy < 0)
    return brig_fail(err, 0, "%sscheduler.policy: unknown policy \"%s\"", doc,
                     s->policy ? s->policy : "");
  if (policy == SCHED_ISO_)
    return brig_fail(err, 0, "%sscheduler.policy: SCHED_ISO is not implemented by Linux", doc);
  for (i = 0; i < s->flags_len; i++) {
    if (brig_sched_flag_value(s->flags[i]) < 0)
      return brig_fail(err, 0, "%sscheduler.flags: unknown flag \"%s\"", doc, s->flags[i]);
    /* The clamp values are not in the runtime-spec: with a zero value
     * UTIL_CLAMP_MAX would throttle the process to nothing. */
    if (strncmp(s->flags[i], "SCHED_FLAG_UTIL_CLAMP_", 22) == 0)
      return brig_fail(err, 0, "%sscheduler.flags: %s: not supported by brig yet", doc,
                       s->flags[i]);
  }
  if (s->has_nice && (s->nice < -20 || s->nice > 19))
    return brig_fail(err, 0, "%sscheduler.nice: %d is outside -20..19", doc, s->nice);
  if (policy == SCHED_FIFO_ || policy == SCHED_RR_) {
    int lo = sched_get_priority_min(policy), hi = sched_get_priority_max(policy);

    if (!s->has_priority || s->priority < lo || s->priority > hi)
      return brig_fail(err, 0, "%sscheduler.priority: %s needs a priority in %d..%d", doc,
                       s->policy, lo, hi);
  } else if (s->has_priority && s->priority != 0) {
    return brig_fail(err, 0,
                     "%sscheduler.priority: only SCHED_FIFO and SCHED_RR take a "
                     "priority (must be 0 with %s)",
                     doc, s->policy);
  }
  if (policy != SCHED_DEADLINE_) {
    if (s->has_runtime || s->has_deadline || s->has_period)
      return brig_fail(err, 0,
                       "%sscheduler: runtime, deadline and period are only for "
                       "SCHED_DEADLINE",
                       doc);
    return 0;
  }
  /* sched(7): runtime <= deadline <= period, period 0 meaning deadline. */
  if (!s->runtime || !s->deadline)
    return brig_fail(err, 0, "%sscheduler: SCHED_DEADLINE needs runtime and deadline", doc);
  if (s->runtime > s->deadline || (s->period && s->deadline > s->period))
    return brig_fail(err, 0,
                     "%sscheduler: SCHED_DEADLINE needs runtime <= deadline <= "
                     "period",
                     doc);
  return 0;
}

static int
validate_io_priority(const oci_io_priority *p, const char *doc, brig_error **err)
{
  if (!p)
    return 0;
  if (brig_ioprio_class_value(p->class) < 0)
    return brig_fail(err, 0, "%sioPriority.class: unknown class \"%s\"", doc,
                     p->class ? p->class : "");
  if (p->has_priority && (p->priority < 0 || p->priority > 7))
    return brig_fail(err, 0, "%sioPriority.priority: %d is outside 0..7", doc, p->priority);
  return 0;
}

static int
validate_cpu_list(const char *list, const char *doc, const char *field, brig_error **err)
{
  unsigned long mask[CPU_SETSIZE / (8 * sizeof(unsigned long))];

  if (brig_bitlist_parse(list, mask, CPU_SETSIZE, err) < 0)
    return brig_error_wrap(err, "%sexecCPUAffinity.%s", doc, field);
  return 0;
}

/* The host's online NUMA nodes; a kernel without NUMA has only node 0. */
static void
online_nodes(unsigned long *mask, char *text, size_t size)
{
  _cleanup_close_ int fd = open("/sys/devices/system/node/online", O_RDONLY | O_CLOEXEC);
  _cleanup_error_ brig_error *ignored = NULL;
  ssize_t n = fd >= 0 ? read(fd, text, size - 1) : -1;

  if (n <= 0)
    n = snprintf(text, size, "0");
  text[n] = '\0';
  text[strcspn(text, "\n")] = '\0';
  if (brig_bitlist_parse(text, mask, BRIG_MAX_NUMA_NODES, &ignored) < 0) {
    snprintf(text, size, "0");
    brig_bitlist_parse(text, mask, BRIG_MAX_NUMA_NODES, &ignored);
  }
}

static int
validate_memory_policy(const oci_memory_policy *m, brig_error **err)
{
  unsigned long nodes[BRIG_NODEMASK_WORDS], online[BRIG_NODEMASK_WORDS];
  bool have_nodes = m && m->nodes && *m->nodes, relative = false, fixed = false;
  char text[256];
  int mode;
  size_t i;

  if (!m)
    return 0;
  mode = brig_mpol_mode_value(m->mode);
  if (mode < 0)
    return brig_fail(err, 0, "config.json: linux.memoryPolicy.mode: unknown mode \"%s\"",
                     m->mode ? m->mode : "");
  for (i = 0; i < m->flags_len; i++) {
    if (brig_mpol_flag_value(m->flags[i]) < 0)
      return brig_fail(err, 0, "config.json: linux.memoryPolicy.flags: unknown flag \"%s\"",
                       m->flags[i]);
    relative |= strcmp(m->flags[i], "MPOL_F_RELATIVE_NODES") == 0;
    fixed |= strcmp(m->flags[i], "MPOL_F_STATIC_NODES") == 0;
  }
  if (relative && fixed)
    return brig_fail(err, 0,
                     "config.json: linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
                     "MPOL_F_RELATIVE_NODES exclude each other");
  if (brig_bitlist_parse(m->nodes, nodes, BRIG_MAX_NUMA_NODES, err) < 0)
    return brig_error_wrap(err, "config.json: linux.memoryPolicy.nodes");
  /* set_mempolicy(2): MPOL_DEFAULT and MPOL_LOCAL take no node, the
   * others but MPOL_PREFERRED (empty means local) at least one. */
  if ((strcmp(m->mode, "MPOL_DEFAULT") == 0 || strcmp(m->mode, "MPOL_LOCAL") == 0)) {
    if (have_nodes)
      return brig_fail(err, 0, "config.json: linux.memoryPolicy.nodes: must be empty with %s",
                       m->mode);
    if (m->flags_len)
      return brig_fail(err, 0, "config.json: linux.memoryPolicy.flags: must be empty with %s",
                       m->mode);
    return 0;
  }
  if (!have_nodes && strcmp(m->mode, "MPOL_PREFERRED") != 0)
    return brig_fail(err, 0, "config.json: linux.memoryPolicy.nodes: %s needs at least one node",
                     m->mode);
  if (relative || !have_nodes)
    return 0;
  online_nodes(online, text, sizeof(text));
  for (i = 0; i < BRIG_MAX_NUMA_NODES; i++) {
    unsigned long bit = 1UL << (i % (8 * sizeof(unsigned long)));
    size_t w = i / (8 * sizeof(unsigned long));

    if ((nodes[w] & bit) && !(online[w] & bit))
      return brig_fail(err, 0,
                       "config.json: linux.memoryPolicy.nodes: node %zu is not online (online: %s)",
                       i, text);
  }
  return 0;
}

int
brig_process_validate(const oci_process *p, const char *doc, brig_error **err)
{
  if (!p->args_len || !p->args[0][0])
    return brig_fail(err, 0, "%sargs: must not be empty", doc);
  if (!p->cwd || p->cwd[0] != '/')
    return brig_fail(err, 0, "%scwd: must be an absolute path", doc);
  /* struct winsize has 16-bit fields: a bigger size would be cut short. */
  if (p->terminal && p->console_size &&
      (p->console_size->height > USHRT_MAX || p->console_size->width > USHRT_MAX))
    return brig_fail(err, 0, "%sconsoleSize: height and width must be at most %u", doc, USHRT_MAX);
  if (brig_rlimits_validate(p, doc, err) < 0 || validate_scheduler(p->scheduler, doc, err) < 0 ||
      validate_io_priority(p->io_priority, doc, err) < 0)
    return -1;
  if (p->exec_cpu_affinity &&
      (validate_cpu_list(p->exec_cpu_affinity->initial, doc, "initial", err) < 0 ||
       validate_cpu_list(p->exec_cpu_affinity->final, doc, "final", err) < 0))
    return -1;
  return 0;
}

int
brig_process_attrs_validate(const oci_spec *spec, brig_error **err)
{
  const oci_linux *l = spec->linux;

  if (!l)
    return 0;
  if (brig_personality_validate(l->personality, err) < 0 ||
      validate_memory_policy(l->memory_policy, err) < 0)
    return -1;
  if (l->net_devices_len)
    return brig_fail(err, 0, "config.json: linux.netDevices: not supported by brig yet");
  if (l->intel_rdt)
    return brig_fail(err, 0, "config.json: linux.intelRdt: not supported by brig yet");
  return 0;
}
