#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "linux/rlimits.h"

static const struct {
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
brig_rlimits_validate(const oci_process *process, const char *doc, brig_error **err)
{
  size_t i, j;

  if (!process)
    return 0;
  for (i = 0; i < process->rlimits_len; i++) {
    const oci_rlimit *r = &process->rlimits[i];

    /* runtime-spec config.md: "If rlimits contains duplicated entries with
     * same type, the runtime MUST generate an error." */
    for (j = 0; j < i; j++)
      if (strcmp(process->rlimits[j].type, r->type) == 0)
        return brig_fail(err, 0, "%srlimits: %s given twice", doc, r->type);
    if (r->soft > r->hard)
      return brig_fail(err, 0, "%srlimits: %s: soft limit above the hard limit", doc, r->type);
  }
  return 0;
}

int
brig_rlimits_apply(const oci_process *process, brig_error **err)
{
  size_t i, j;

  if (!process)
    return 0;
  for (i = 0; i < process->rlimits_len; i++) {
    const oci_rlimit *r = &process->rlimits[i];
    struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };

    for (j = 0; j < sizeof(rlimit_names) / sizeof(rlimit_names[0]); j++)
      if (strcmp(rlimit_names[j].name, r->type) == 0)
        break;
    if (j == sizeof(rlimit_names) / sizeof(rlimit_names[0]))
      return brig_fail(err, 0, "config.json: process.rlimits: unknown type %s", r->type);
    if (setrlimit((__rlimit_resource_t)rlimit_names[j].resource, &rl) < 0)
      return brig_fail(err, errno, "setrlimit %s", r->type);
  }
  return 0;
}
