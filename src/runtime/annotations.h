/* Annotations that change the spec at create time (run.brig.firejail.*):
 * applied to the parsed config.json before anything is set up, so that
 * the effective spec is what the container runs and what the state
 * directory keeps. */
#ifndef BRIG_RUNTIME_ANNOTATIONS_H
#define BRIG_RUNTIME_ANNOTATIONS_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* Applies the annotations of SPEC in place.  BUNDLE is the absolute bundle
 * directory (root.path may be relative to it); STATE_DIR the container's
 * state directory, for the files brig binds into the container (a
 * generated resolv.conf, a random machine-id), removed with it.
 *
 * run.brig.firejail.profile=NAME|PATH converts the Firejail profile onto
 * the spec (src/policy/firejail/to-oci.h), with the rootfs as the tree its
 * paths refer to, for the user of process.user, unless the spec already
 * carries run.brig.firejail.converted.  .home and .condition set the
 * target user's home and the conditionals (see brig-firejail(1)).  A
 * converted spec then gets what the conversion leaves to brig: the mkdir
 * and mkfile paths, the dns and machine-id files.
 *
 * Errors: "config.json: annotations: KEY: why". */
int brig_annotations_apply(oci_spec *spec, const char *bundle, const char *state_dir,
                           brig_error **err);

/* The conversion alone (warnings printed, no file created), for `brig
 * sandbox`, which looks at the result before create: ROOTFS is the tree
 * the profile's paths refer to.  Errors as above. */
int brig_annotations_firejail_convert(oci_spec *spec, const char *rootfs, brig_error **err);

#endif
