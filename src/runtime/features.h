#ifndef BRIG_RUNTIME_FEATURES_H
#define BRIG_RUNTIME_FEATURES_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* What this build of brig implements, as runtime-spec features.json.  It
 * must stay truthful: an entry is added in the same change that makes the
 * runtime honour it, never before. */
oci_features *brig_features(brig_error **err);

#endif
