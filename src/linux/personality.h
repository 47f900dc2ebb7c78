/* linux.personality: the execution domain (personality(2)). */
#ifndef BRIG_LINUX_PERSONALITY_H
#define BRIG_LINUX_PERSONALITY_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* At create: a domain brig knows and no flag (the runtime-spec defines
 * none).  Errors: "config.json: linux.personality.flags: ...". */
int brig_personality_validate(const oci_personality *p, brig_error **err);

/* In the init; the domain survives execve().  Errors: "personality DOMAIN: cause". */
int brig_personality_apply(const oci_personality *p, brig_error **err);

#endif
