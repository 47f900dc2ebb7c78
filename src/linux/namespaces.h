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
  bool join_user; /* a user namespace given by path */
  /* A new user namespace whose mappings leave root out (Firejail's
   * noroot): not made by clone3 but entered by the init last, once the
   * container is set up (see brig_ns_plan_build). */
  bool late_user;
  bool new_time;
} brig_ns_plan;

/* This process's own namespaces (and cwd), saved by brig_ns_enter_joined(). */
typedef struct brig_ns_saved {
  int fd[BRIG_NS_MAX];
  int type[BRIG_NS_MAX];
  size_t n;
  int cwd_fd;
} brig_ns_saved;

/* Reads linux.namespaces: validates the types (no duplicates), the paths
 * (absolute), opens and checks those of joined ones (O_CLOEXEC), and
 * validates linux.timeOffsets.  Errors name the field. */
int brig_ns_plan_build(const oci_spec *spec, brig_ns_plan *plan, brig_error **err);

/* Compares l's uidMappings and gidMappings with the maps of the user
 * namespace nsfd (userns-maps.c); an error when they differ. */
int brig_ns_check_joined_user_maps(int nsfd, const oci_linux *l, brig_error **err);

void brig_ns_plan_close(brig_ns_plan *plan);

/* A new user namespace whose mappings leave root out: the init enters it
 * at start, last (plan->late_user). */
bool brig_ns_user_is_late(const oci_linux *l);

/* A new time namespace: unshared by the init, it is only its children's
 * (time_for_children) until the init execs at start. */
bool brig_ns_has_new_time(const oci_linux *l);

/* The namespaces that are not brig's own (CLONE_NEW*): the new ones and
 * those given by a path naming another namespace than brig's. */
uint64_t brig_ns_own(const brig_ns_plan *plan);

/* Before clone3(), in the process that clones the init: setns() into the
 * namespaces given by path, so that the init is born in them (a pid
 * namespace can only be entered that way) and the namespaces clone3()
 * creates are nested in them.  The user namespace (only if with_user) comes
 * last: its capabilities do not reach back to the host.  With saved, this
 * process's namespaces and cwd are kept for brig_ns_restore(); that is only
 * possible without with_user (a user namespace cannot be left). */
int brig_ns_enter_joined(brig_ns_plan *plan, bool with_user, brig_ns_saved *saved,
                         brig_error **err);

/* Back into the namespaces and cwd saved by brig_ns_enter_joined(). */
int brig_ns_restore(brig_ns_saved *saved, brig_error **err);

/* In the parent: writes /proc/PID/{uid_map,gid_map} from the spec. */
int brig_ns_write_id_maps(pid_t pid, const oci_linux *linux_, brig_error **err);
/* The same for the process whose /proc directory is DIR (relative to
 * dirfd: the host's /proc for an init that no longer sees it). */
int brig_ns_write_id_maps_at(int dirfd, const char *dir, const oci_linux *linux_, brig_error **err);

/* In the init: creates the time namespace its exec will enter and writes
 * linux.timeOffsets to it (offsets can only be set before a process
 * lives in it, which is why this is unshare() and not a clone flag). */
int brig_ns_setup_time(const oci_linux *linux_, brig_error **err);

/* CLONE_NEW* flag of a spec namespace type, 0 if unknown. */
int brig_ns_flag(const char *type);

/* Rootless (userns-self.c): this process enters a new user namespace
 * where its uid and gid map onto themselves, with every capability there
 * until it execs.  Single-threaded callers only. */
int brig_userns_enter_self(brig_error **err);

/* Whether setgroups(2) is denied in this process's user namespace (then
 * the supplementary groups stay what they are). */
bool brig_setgroups_denied(void);

/* The supplementary groups: u's additionalGids, or none (nothing of
 * brig's caller follows the process; runc clears them too).  EPERM is
 * accepted in a user namespace made or joined for the container
 * (in_user_ns), and rootless, where brig's own namespace denies
 * setgroups: the caller's groups stay, an error only when u asks for
 * others. */
int brig_set_groups(const oci_user *u, bool in_user_ns, brig_error **err);

#endif
