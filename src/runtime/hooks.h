/* OCI hooks: path, args, env, timeout; the state JSON on stdin. */
#ifndef BRIG_RUNTIME_HOOKS_H
#define BRIG_RUNTIME_HOOKS_H

#include <stddef.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* Runs hooks[0..n) in order, each with the state on stdin, stdout to
 * /dev/null and stderr captured for the error.  mntns_pidfd >= 0: the hook
 * runs in that process's mount namespace (createContainer).  A hook that
 * exceeds its timeout is killed.  The first failure stops the list:
 * "KIND hook PATH: exit status N[: first stderr line]". */
int brig_hooks_run(const oci_hook *hooks, size_t n, const char *kind, const oci_state *state,
                   int mntns_pidfd, brig_error **err);

/* The same for hooks whose failure must not fail the command (poststart,
 * poststop): failures are logged as warnings. */
void brig_hooks_run_warn(const oci_hook *hooks, size_t n, const char *kind, const oci_state *state);

#endif
