/* The base spec of `brig firejail convert` (see convert-base.c). */
#ifndef BRIG_POLICY_FIREJAIL_CONVERT_BASE_H
#define BRIG_POLICY_FIREJAIL_CONVERT_BASE_H

#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "runtime/default-spec.h"
#include "util/error.h"

/* `brig spec`'s default spec adjusted to Firejail's starting point for
 * USER (may be NULL) uid:gid with HOME, running PROGRAM (NULL keeps "sh"). */
oci_spec *brig_fj_convert_base(const char *user, uid_t uid, gid_t gid, const char *home,
                               const char *program, brig_error **err);

/* "curl" for "curl", "/etc/firejail/curl.profile" or "curl.profile"; malloc'd. */
char *brig_fj_program_name(const char *profile);

#endif
