/* linux.seccomp -> a libseccomp filter and its classic-BPF program.
 *
 * Building has no side effect on the calling process: it validates the
 * spec, fills a libseccomp context and exports the BPF program that
 * brig_seccomp_load() (load.h) later installs as is, so the program brig
 * checks (eBPF VM, `brig seccomp check`) is byte for byte the one the
 * kernel runs.  The semantics follow runc:
 *
 *  - SCMP_ACT_ERRNO and SCMP_ACT_TRACE return errnoRet, EPERM when absent;
 *    the default action uses defaultErrnoRet the same way.
 *  - SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD.
 *  - Unknown syscall names are skipped with a debug message.
 *  - A rule whose action is the default action is skipped (libseccomp
 *    refuses it, and it would change nothing).
 *  - The comparisons of a rule must all hold (AND); when two of them test
 *    the same argument, libseccomp cannot express it, so every comparison
 *    of that rule becomes a rule of its own (OR), as runc does.
 *  - SCMP_ACT_NOTIFY needs listenerPath, and cannot be the default action.
 *
 * Without libseccomp (--disable-seccomp) brig_seccomp_build() fails for any
 * linux.seccomp: a container must not run unfiltered because the filter was
 * compiled out. */
#ifndef BRIG_SECCOMP_FILTER_H
#define BRIG_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/filter.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

typedef struct brig_seccomp_filter {
  void *ctx;              /* scmp_filter_ctx; NULL without libseccomp */
  unsigned int flags;     /* SECCOMP_FILTER_FLAG_* from linux.seccomp.flags */
  bool notify;            /* an SCMP_ACT_NOTIFY rule was added */
  size_t rules;           /* rules given to libseccomp */
  size_t skipped;         /* syscall names skipped (unknown, or default action) */
  struct sock_fprog prog; /* the exported program, what brig_seccomp_load() installs */
} brig_seccomp_filter;

/* Checks linux.seccomp without libseccomp: action, operator, flag and
 * architecture names, argument indexes, errno values, the listener fields.
 * Errors name the field: "linux.seccomp.syscalls[2].args[0].index: 6 is out
 * of range (0 to 5)". */
int brig_seccomp_validate(const oci_seccomp *sc, brig_error **err);

/* True if a rule of sc uses SCMP_ACT_NOTIFY (the runtime then needs the
 * listener fd back from the init). */
bool brig_seccomp_uses_notify(const oci_seccomp *sc);

/* Refuses SCMP_ACT_NOTIFY on the syscalls in names (NULL-terminated): the
 * ones the init itself makes between the load and the hand-off of the
 * listener fd, which would wait for an agent that has no fd yet (runc
 * refuses "write" for the same reason).  "linux.seccomp.syscalls[3]:
 * SCMP_ACT_NOTIFY on \"sendmsg\" would block the container init before
 * it hands the listener fd over". */
int brig_seccomp_check_notify_syscalls(const oci_seccomp *sc, const char *const *names,
                                       brig_error **err);

/* Validates sc and builds the filter.  *out is freed with
 * brig_seccomp_filter_free(). */
int brig_seccomp_build(const oci_seccomp *sc, brig_seccomp_filter **out, brig_error **err);

void brig_seccomp_filter_free(brig_seccomp_filter *f);

/* The classic-BPF program for sc, as the kernel will receive it.
 * out->filter is malloc'd; release it with brig_seccomp_fprog_clear(). */
int brig_seccomp_export_bpf(const oci_seccomp *sc, struct sock_fprog *out, brig_error **err);

void brig_seccomp_fprog_clear(struct sock_fprog *prog);

#endif
