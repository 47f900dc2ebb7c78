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

/* Drops what is not in the bounding set; needs CAP_SETPCAP, so before
 * the uid changes. */
int brig_caps_drop_bounding(const brig_caps *caps, brig_error **err);

/* Sets effective, permitted, inheritable, then raises the ambient set;
 * after setuid (which kept the permitted set via PR_SET_KEEPCAPS). */
int brig_caps_apply(const brig_caps *caps, brig_error **err);

#endif
