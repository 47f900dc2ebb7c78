/* Control groups: layout detection, the container's cgroup and its
 * resources, for the cgroupfs driver (no systemd).
 *
 * Three layouts are handled.  "unified" is a cgroup2 file system at
 * /sys/fs/cgroup; "legacy" only has v1 hierarchies; "hybrid" has v1
 * hierarchies plus a cgroup2 mount (usually /sys/fs/cgroup/unified).  On a
 * hybrid host the controllers are driven through v1, a controller that only
 * the cgroup2 mount offers (hugetlb on some hosts) through v2, and the
 * container's cgroup is created in the cgroup2 mount too so that the
 * process is placed in both, as systemd and runc do.
 *
 * Order of calls for the runtime (see the CGROUPS section of docs/brig.1.md):
 *   create   brig_cgroup_create() before the container process exists;
 *            brig_cgroup_join_prepare(), clone3 with CLONE_INTO_CGROUP on
 *            join.clone_fd, brig_cgroup_join_self() first thing in the
 *            child, brig_cgroup_join_finish(pid) in brig (see
 *            cgroup-join.c for why not a write of the pid).  Save
 *            brig_cgroup_serialize().
 *   later    brig_cgroup_deserialize()/brig_cgroup_load() from the state dir.
 *   update   brig_cgroup_apply_resources().
 *   pause    brig_cgroup_freeze(true/false).
 *   kill -a  brig_cgroup_kill().        ps: brig_cgroup_pids().
 *   delete   brig_cgroup_destroy() (idempotent).
 */
#ifndef BRIG_LINUX_CGROUP_H
#define BRIG_LINUX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

typedef enum brig_cgroup_layout {
  BRIG_CGROUP_LAYOUT_NONE, /* no cgroup file system at /sys/fs/cgroup */
  BRIG_CGROUP_LAYOUT_LEGACY,
  BRIG_CGROUP_LAYOUT_HYBRID,
  BRIG_CGROUP_LAYOUT_UNIFIED,
} brig_cgroup_layout;

/* Where the cgroup file systems are mounted.  Hierarchies are found in
 * /proc/self/mountinfo (those below this directory first). */
#define BRIG_CGROUP_ROOT "/sys/fs/cgroup"

brig_cgroup_layout brig_cgroup_detect(void);
const char *brig_cgroup_layout_name(brig_cgroup_layout layout);

typedef struct brig_cgroup brig_cgroup;

/* Works out where the container's cgroup lives without touching it:
 * linux.cgroupsPath absolute ("/a/b", below each hierarchy's root),
 * relative ("a/b", below the calling process's own cgroup, as runc does),
 * or absent ("/brig/<id>").  "slice:prefix:name" needs the systemd driver
 * (linux/systemd-scope.h) and is refused here.  linux_cfg may be NULL. */
int brig_cgroup_resolve(const char *id, const oci_linux *linux_cfg, brig_cgroup **out,
                        brig_error **err);

/* Resolves, creates the directory in every hierarchy and applies
 * linux.resources.  On failure nothing is left behind. */
int brig_cgroup_create(const char *id, const oci_linux *linux_cfg, brig_cgroup **out,
                       brig_error **err);

/* brig_cgroup_resolve() of an explicit path (absolute or relative). */
int brig_cgroup_resolve_path(const char *path, brig_cgroup **out, brig_error **err);

/* For a cgroup someone else made and put pid into (systemd's scope): the
 * directories it lacks in some hierarchy are made, pid is moved in where it
 * is not yet, and linux.resources and the device rules are written.  On
 * failure the directories made here are removed. */
int brig_cgroup_adopt(const char *path, pid_t pid, const oci_linux *linux_cfg, brig_cgroup **out,
                      brig_error **err);

/* Writes every field of r that is set; r may be NULL. */
int brig_cgroup_apply_resources(brig_cgroup *cg, const oci_resources *r, brig_error **err);

/* Joining the cgroup from the new process itself (cgroup-join.c). */
typedef struct brig_cgroup_join {
  int clone_fd;           /* cgroup2 directory for CLONE_INTO_CGROUP, -1 if none */
  int *tasks_fd;          /* each v1 hierarchy's `tasks`, write-only */
  const char **tasks_dir; /* their directories, for errors (owned by the cgroup) */
  size_t n_tasks;
  bool has_v2;      /* the cgroup has a cgroup2 hierarchy (clone_fd was opened) */
  bool into_cgroup; /* set by whoever cloned: the kernel honoured clone_fd */
} brig_cgroup_join;

/* Whether brig still has to write the pid to the cgroup2 hierarchy: the
 * kernel did not take CLONE_INTO_CGROUP. */
static inline bool
brig_cgroup_join_left_to_brig(const brig_cgroup_join *j)
{
  return j->has_v2 && !j->into_cgroup;
}

#define BRIG_CGROUP_JOIN_INIT \
  {                           \
    .clone_fd = -1            \
  }

/* Before the clone: opens what the child and the clone need. */
int brig_cgroup_join_prepare(const brig_cgroup *cg, brig_cgroup_join *j, brig_error **err);

/* In the single-threaded child, before it does anything else: moves itself
 * into every v1 hierarchy's cgroup and closes those fds. */
int brig_cgroup_join_self(brig_cgroup_join *j, brig_error **err);

/* In brig after the clone: the cgroup2 hierarchy by pid when the kernel
 * did not honour CLONE_INTO_CGROUP. */
int brig_cgroup_join_finish(const brig_cgroup *cg, const brig_cgroup_join *j, pid_t pid,
                            brig_error **err);

/* Closes the fds (brig, after the clone; the child, once joined) and
 * keeps into_cgroup. */
void brig_cgroup_join_close(brig_cgroup_join *j);

int brig_cgroup_freeze(brig_cgroup *cg, bool frozen, brig_error **err);
int brig_cgroup_is_frozen(brig_cgroup *cg, bool *frozen, brig_error **err);

/* The processes in the cgroup (malloc'd array, sorted). */
int brig_cgroup_pids(brig_cgroup *cg, pid_t **pids, size_t *n, brig_error **err);

/* Sends sig to every process of the cgroup (through pidfds); for
 * `kill --all`.  The cgroup is frozen meanwhile so that no child escapes. */
int brig_cgroup_kill(brig_cgroup *cg, int sig, brig_error **err);

/* Kills what is left (SIGKILL), waits until the cgroup is empty (bounded)
 * and removes its directory in every hierarchy.  Parents are kept.
 * Succeeds when there is nothing to remove. */
int brig_cgroup_destroy(brig_cgroup *cg, brig_error **err);

/* State for later commands: a small line format (see cgroup-state.c). */
char *brig_cgroup_serialize(const brig_cgroup *cg);
int brig_cgroup_deserialize(const char *text, brig_cgroup **out, brig_error **err);
/* brig_cgroup_deserialize() of the file at path. */
int brig_cgroup_load(const char *path, brig_cgroup **out, brig_error **err);

brig_cgroup_layout brig_cgroup_get_layout(const brig_cgroup *cg);
/* The cgroup's path as resolved ("/brig/c1"), for state.json and messages. */
const char *brig_cgroup_path(const brig_cgroup *cg);
/* Directory driving controller ("memory", "cpu", ...; "" for the cgroup2
 * one), NULL if the controller is not available. */
const char *brig_cgroup_dir(const brig_cgroup *cg, const char *controller);

void brig_cgroup_free(brig_cgroup *cg);

/* ---- statistics, shaped like runc's `events --stats` JSON ---- */

typedef struct brig_cgroup_blkio_entry {
  uint64_t major, minor;
  char op[16]; /* Read Write Sync Async Discard Total */
  uint64_t value;
} brig_cgroup_blkio_entry;

typedef struct brig_cgroup_memory_entry {
  uint64_t limit, usage, max, failcnt;
} brig_cgroup_memory_entry;

typedef struct brig_cgroup_hugetlb_stats {
  char page_size[16]; /* "2MB" */
  uint64_t usage, max, failcnt;
} brig_cgroup_hugetlb_stats;

typedef struct brig_cgroup_stats {
  struct {
    struct {
      uint64_t total, kernel, user; /* nanoseconds */
      uint64_t *percpu, *percpu_kernel, *percpu_user;
      size_t percpu_len, percpu_kernel_len, percpu_user_len;
    } usage;
    struct {
      uint64_t periods, throttled_periods, throttled_time;
    } throttling;
  } cpu;
  struct {
    uint64_t cache;
    brig_cgroup_memory_entry usage, swap, kernel, kernel_tcp;
    char **raw_keys; /* memory.stat */
    uint64_t *raw_values;
    size_t raw_len;
  } memory;
  struct {
    uint64_t current, limit; /* limit 0: unlimited */
  } pids;
  struct {
    brig_cgroup_blkio_entry *service_bytes, *serviced;
    size_t service_bytes_len, serviced_len;
  } blkio;
  brig_cgroup_hugetlb_stats *hugetlb;
  size_t hugetlb_len;
} brig_cgroup_stats;

/* Fills *st (zeroed first) from whatever controllers are available. */
int brig_cgroup_stats_read(brig_cgroup *cg, brig_cgroup_stats *st, brig_error **err);

/* The cgroup's OOM-kill counter (v1 memory.oom_control, v2
 * memory.events); 0 without a memory controller. */
uint64_t brig_cgroup_oom_kills(const brig_cgroup *cg);
void brig_cgroup_stats_clear(brig_cgroup_stats *st);

#endif
