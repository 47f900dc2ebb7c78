/* OCI hooks: path, args, env, timeout; the state JSON on stdin. */
#ifndef BRIG_RUNTIME_HOOKS_H
#define BRIG_RUNTIME_HOOKS_H

#include <stddef.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* The namespaces of the container, for hooks that run in them
 * (createContainer): setns(pidfd, flags) with pidfd the init's, and the
 * init's time namespace for its children (its own, active one is still
 * the host's), when it made one: -1 otherwise. */
typedef struct brig_hook_ns {
  int pidfd;
  int flags; /* CLONE_NEW* */
  int time_fd;
} brig_hook_ns;

/* At create: every hook's path is absolute and its timeout, if given, is
 * positive ("config.json: hooks.KIND[N].path: ..."). */
int brig_hooks_validate(const oci_hooks *hooks, brig_error **err);

/* Runs hooks[0..n) in order, each with the state on stdin, stdout to
 * /dev/null and stderr captured for the error.  ns non-NULL: the hook runs
 * in those namespaces (its path is still resolved in ours).  A hook that
 * exceeds its timeout is killed.  The first failure stops the list:
 * "KIND hook PATH: exit status N[: first stderr line]". */
int brig_hooks_run(const oci_hook *hooks, size_t n, const char *kind, const oci_state *state,
                   const brig_hook_ns *ns, brig_error **err);

/* The same for hooks whose failure must not fail the command (poststart,
 * poststop): failures are logged as warnings. */
void brig_hooks_run_warn(const oci_hook *hooks, size_t n, const char *kind, const oci_state *state);

#endif
