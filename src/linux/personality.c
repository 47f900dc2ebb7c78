/* linux.personality.
 *
 * runtime-spec config-linux.md lists the domains LINUX and LINUX32 and no
 * flag value, so any flag is refused rather than dropped. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/personality.h>

#include "linux/personality.h"

static int
domain_value(const char *name)
{
  if (name && strcmp(name, "LINUX") == 0)
    return PER_LINUX;
  if (name && strcmp(name, "LINUX32") == 0)
    return PER_LINUX32;
  return -1;
}

int
brig_personality_validate(const oci_personality *p, brig_error **err)
{
  if (!p)
    return 0;
  if (domain_value(p->domain) < 0)
    return brig_fail(err, 0, "config.json: linux.personality.domain: unknown domain \"%s\"",
                     p->domain ? p->domain : "");
  if (p->flags_len)
    return brig_fail(err, 0,
                     "config.json: linux.personality.flags: unknown flag \"%s\" (the "
                     "runtime-spec defines none)",
                     p->flags[0] ? p->flags[0] : "");
  return 0;
}

int
brig_personality_apply(const oci_personality *p, brig_error **err)
{
  if (!p)
    return 0;
  if (personality((unsigned long)domain_value(p->domain)) < 0)
    return brig_fail(err, errno, "personality %s", p->domain);
  return 0;
}
