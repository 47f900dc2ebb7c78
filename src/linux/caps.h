/* process.capabilities: the five sets, parsed at create time (an unknown
 * name is a warning) and applied just before exec. */
#ifndef BRIG_LINUX_CAPS_H
#define BRIG_LINUX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

typedef struct brig_caps {
  bool present; /* no process.capabilities: the sets are left as they are */
  uint64_t effective, permitted, inheritable, bounding, ambient;
} brig_caps;

/* Unknown names are skipped, with a warning if warn (brig, before the
 * clone; the init parses again silently). */
int brig_caps_parse(const oci_capabilities *c, brig_caps *out, bool warn, brig_error **err);

/* The capabilities this process can give the container's process: its
 * permitted set, or, for an init in a user namespace of the container's
 * (where it holds every capability), its bounding set, which the
 * namespace inherits and exec enforces.  brig as root outside a
 * restricted environment can give them all. */
uint64_t brig_caps_grantable(bool user_namespace);

/* runtime-spec config.md: capabilities that "cannot be granted MUST be
 * logged as a warning", and the runtime "SHOULD NOT fail": what is not in
 * grantable is removed from every set (with one warning per capability if
 * warn), so that capset() does not refuse the rest. */
void brig_caps_limit(brig_caps *caps, uint64_t grantable, bool warn);

/* Drops what is not in the bounding set; needs CAP_SETPCAP, so before
 * the uid changes. */
int brig_caps_drop_bounding(const brig_caps *caps, brig_error **err);

/* Sets effective, permitted, inheritable, then raises the ambient set;
 * after setuid (which kept the permitted set via PR_SET_KEEPCAPS).  Without
 * process.capabilities only the inheritable and ambient sets are emptied. */
int brig_caps_apply(const brig_caps *caps, brig_error **err);

#endif
