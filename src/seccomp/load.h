/* Installing a built seccomp filter in the container init.
 *
 * Call brig_seccomp_load() as late as possible before execve(), because
 * every syscall after it goes through the filter:
 *  - process.noNewPrivileges true: after setuid, the capability changes and
 *    prctl(PR_SET_NO_NEW_PRIVS), last thing before the exec;
 *  - noNewPrivileges false: the kernel only accepts a filter from a task
 *    with no_new_privs or CAP_SYS_ADMIN, so load it before setuid and the
 *    capability drop (the init is still root in its user namespace).
 * The program is exported at build time, so loading makes one seccomp(2)
 * call and allocates nothing. */
#ifndef BRIG_SECCOMP_LOAD_H
#define BRIG_SECCOMP_LOAD_H

#include <stdbool.h>

#include "seccomp/filter.h"
#include "util/error.h"

/* The seccomp(2) flags brig_seccomp_load() passes for f: the spec's flags,
 * plus NEW_LISTENER (and TSYNC_ESRCH with TSYNC) when a rule notifies;
 * WAIT_KILLABLE_RECV is dropped without a listener, as libseccomp does. */
unsigned int brig_seccomp_load_flags(const brig_seccomp_filter *f);

/* Checks that the kernel accepts the flags of f, so an unsupported flag is
 * reported by name ("seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not
 * supported by this kernel") rather than as EINVAL.  Side-effect free: the
 * kernel is probed with a NULL program. */
int brig_seccomp_check_kernel(const brig_seccomp_filter *f, brig_error **err);

/* Installs f on the calling thread (on all threads with TSYNC).  *notify_fd
 * is the listener fd (close-on-exec) when f->notify, else -1. */
int brig_seccomp_load(const brig_seccomp_filter *f, int *notify_fd, brig_error **err);

/* True if the kernel accepts flag name ("SECCOMP_FILTER_FLAG_LOG", ...);
 * for `brig features` (linux.seccomp.supportedFlags). */
bool brig_seccomp_flag_supported(const char *name);

#endif
