/* process.scheduler, process.ioPriority, process.execCPUAffinity and
 * linux.memoryPolicy: the scheduling and placement attributes a process
 * inherits across execve(). */
#ifndef BRIG_LINUX_SCHED_H
#define BRIG_LINUX_SCHED_H

#include <stdbool.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* NUMA nodes brig can name in a memoryPolicy (the kernel's MAX_NUMNODES
 * is at most 1024). */
#define BRIG_MAX_NUMA_NODES 1024
#define BRIG_NODEMASK_WORDS (BRIG_MAX_NUMA_NODES / (8 * sizeof(unsigned long)))

/* The kernel's value for an OCI name (enumerations of oci-spec.def), -1
 * when unknown.  Flags are bits to OR together. */
int brig_sched_policy_value(const char *name);
long brig_sched_flag_value(const char *name);
int brig_ioprio_class_value(const char *name);
int brig_mpol_mode_value(const char *name);
int brig_mpol_flag_value(const char *name);

/* A list such as "0-3,7" (comma-separated numbers and ranges) into the
 * bit mask mask[] of nbits bits, cleared first.  An empty list gives an
 * empty mask.  Errors (no field name, the caller adds it): "\"LIST\":
 * CAUSE". */
int brig_bitlist_parse(const char *list, unsigned long *mask, unsigned nbits, brig_error **err);

/* sched_setattr(2) on the calling thread. Errors: "sched_setattr POLICY: cause". */
int brig_sched_apply(const oci_scheduler *s, brig_error **err);

/* ioprio_set(IOPRIO_WHO_PROCESS, 0, ...). Errors: "ioprio_set CLASS PRIO: cause". */
int brig_ioprio_apply(const oci_io_priority *p, brig_error **err);

/* Every CPU a cpu set can name: sched_setaffinity() narrows it to the
 * CPUs online and allowed by the cgroup's cpuset. */
#define BRIG_ALL_CPUS "0-1023"

/* sched_setaffinity(0) to the CPUs of list; NULL or "" changes nothing.
 * what names the field in errors ("sched_setaffinity WHAT \"LIST\": cause"). */
int brig_affinity_apply(const char *list, const char *what, brig_error **err);

/* set_mempolicy(2). Errors: "set_mempolicy MODE [nodes LIST]: cause". */
int brig_mempolicy_apply(const oci_memory_policy *m, brig_error **err);

#endif
