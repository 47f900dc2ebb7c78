/* Namespaces of the container: which are new (clone flags), which are
 * joined by path (setns), the uid/gid maps and the time offsets. */
#ifndef BRIG_LINUX_NAMESPACES_H
#define BRIG_LINUX_NAMESPACES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

#define BRIG_NS_MAX 8

typedef struct brig_ns_plan {
  uint64_t clone_flags;     /* CLONE_NEW* created by clone3 */
  uint64_t all_flags;       /* every namespace the container has (new or joined) */
  int join_fd[BRIG_NS_MAX]; /* opened by the parent, joined by the child */
  int join_type[BRIG_NS_MAX];
  size_t n_join;
  bool new_user;
  bool new_time;
} brig_ns_plan;

/* Reads linux.namespaces: validates the types (no duplicates), opens and
 * checks the paths of joined ones (O_CLOEXEC).  Errors name the field. */
int brig_ns_plan_build(const oci_spec *spec, brig_ns_plan *plan, brig_error **err);

void brig_ns_plan_close(brig_ns_plan *plan);

/* In the container init: setns() into the joined namespaces, the user
 * namespace first so that the others are joined with its privileges. */
int brig_ns_join(brig_ns_plan *plan, brig_error **err);

/* In the parent: writes /proc/PID/{uid_map,gid_map} from the spec. */
int brig_ns_write_id_maps(pid_t pid, const oci_linux *linux_, brig_error **err);

/* In the init: creates the time namespace its exec will enter and writes
 * linux.timeOffsets to it (offsets can only be set before a process
 * lives in it, which is why this is unshare() and not a clone flag). */
int brig_ns_setup_time(const oci_linux *linux_, brig_error **err);

/* CLONE_NEW* flag of a spec namespace type, 0 if unknown. */
int brig_ns_flag(const char *type);

#endif
