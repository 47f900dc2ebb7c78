/* Shared by the cgroup*.c files only: the cgroup object and the file
 * helpers that every controller uses. */
#ifndef BRIG_LINUX_CGROUP_INTERNAL_H
#define BRIG_LINUX_CGROUP_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "linux/cgroup.h"

typedef struct brig_cgroup_hierarchy {
  bool v2;
  char *controllers; /* as mounted: "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
  char *mountpoint;  /* /sys/fs/cgroup/memory */
  char *rel;         /* the cgroup below the mount point, starts with '/' */
  char *dir;         /* mountpoint + rel */
  /* What brig made of rel: the length of the prefix of rel naming the
   * topmost directory it created ("/brig" of "/brig/c1" when it made both,
   * the whole rel when only the leaf); 0 when rel existed already.  delete
   * removes only that (runtime.md: resources not created by the container
   * MUST NOT be deleted). */
  size_t made;
} brig_cgroup_hierarchy;

struct brig_cgroup {
  brig_cgroup_layout layout;
  char *path; /* resolved cgroupsPath ("/brig/c1" or "rel/c1") */
  brig_cgroup_hierarchy *h;
  size_t n;
  int unified; /* index of the cgroup2 hierarchy in h, -1 if none */
};

/* Cgroup file systems from /proc/self/mountinfo (first mount of each
 * hierarchy), with rel/dir unset. */
int brig_cg_mounts(brig_cgroup_hierarchy **out, size_t *n, brig_error **err);
void brig_cg_hierarchies_free(brig_cgroup_hierarchy *h, size_t n);

/* The v1 hierarchy whose mount has controller, or NULL. */
const brig_cgroup_hierarchy *brig_cg_v1(const brig_cgroup *cg, const char *controller);
/* The cgroup2 hierarchy, or NULL. */
const brig_cgroup_hierarchy *brig_cg_v2(const brig_cgroup *cg);
/* True if controller is listed in the cgroup2 root's cgroup.controllers. */
bool brig_cg_v2_available(const brig_cgroup *cg, const char *controller);
/* Enables controller in cgroup.subtree_control from the cgroup2 root down
 * to the container cgroup's parent.  field names the spec field. */
int brig_cg_v2_enable(const brig_cgroup *cg, const char *controller, const char *field,
                      brig_error **err);

/* One write(2) of value to dir/file.  On failure: "FIELD: write DIR/FILE:
 * strerror" (FIELD is e.g. "linux.resources.memory.limit"). */
int brig_cg_write(const char *dir, const char *file, const char *value, const char *field,
                  brig_error **err);
int brig_cg_writef(const char *dir, const char *file, const char *field, brig_error **err,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Reads dir/file (small files only) into a malloc'd string; NULL with
 * errno on failure. */
char *brig_cg_read(const char *dir, const char *file);
/* Reads one number; "max" reads as UINT64_MAX.  -1 with errno. */
int brig_cg_read_u64(const char *dir, const char *file, uint64_t *v);
/* "key value" lines (memory.stat, cpu.stat): the value of key. */
int brig_cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *v);
bool brig_cg_exists(const char *dir, const char *file);

/* Removes the directories brig made for h, leaf first (cgroup-lifecycle.c);
 * one that is not empty (another container's parent) stays. */
void brig_cg_remove_made(const brig_cgroup_hierarchy *h);

/* runtime-spec config-linux.md: a cgroup that existed must be fit for
 * purpose; brig refuses one with processes in any hierarchy (two
 * containers would share limits, and deleting one would kill the other's
 * processes) or frozen (the init would freeze in it).  Hierarchies whose
 * leaf brig has just made are skipped: they are empty and thawed. */
int brig_cg_check_unused(brig_cgroup *cg, brig_error **err);

/* Splits "a,b,c" and tells whether word is one of the items. */
bool brig_cg_list_has(const char *list, const char *word, char sep);

/* Raises cpu.rt_runtime_us of dir's ancestors (below the hierarchy root)
 * so that dir can get runtime (cgroup-rt.c). */
int brig_cg_rt_make_room(const char *dir, int64_t runtime, brig_error **err);

/* ---- resources (cgroup-v1.c, cgroup-v2.c) ---- */

int brig_cgroup_v1_apply(brig_cgroup *cg, const oci_resources *r, brig_error **err);
int brig_cgroup_v2_apply(brig_cgroup *cg, const oci_resources *r, brig_error **err);

/* The v2 writer of one controller, also used on hybrid hosts for
 * controllers that only the cgroup2 mount offers. */
int brig_cgroup_v2_memory(const char *dir, const oci_memory *m, brig_error **err);
int brig_cgroup_v2_cpu(const char *dir, const oci_cpu *c, brig_error **err);
int brig_cgroup_v2_cpuset(const char *dir, const oci_cpu *c, brig_error **err);
int brig_cgroup_v2_pids(const char *dir, const oci_pids *p, brig_error **err);
int brig_cgroup_v2_io(const char *dir, const oci_block_io *b, brig_error **err);
/* linux.resources.hugepageLimits into dir, in v1 or v2 file names. */
int brig_cg_write_hugetlb(const char *dir, const oci_resources *r, bool v2, brig_error **err);
int brig_cgroup_v2_rdma(const char *dir, const oci_resources *r, brig_error **err);
/* linux.resources.unified into cg's cgroup2 directory; the controller a
 * key names ("hugetlb" of "hugetlb.2MB.max") is enabled first when the
 * hierarchy offers it (runtime-spec: the runtime MUST ensure the needed
 * controllers are enabled). */
int brig_cgroup_v2_unified(const brig_cgroup *cg, const oci_strmap *u, brig_error **err);

/* Checks a hugepageLimits pageSize ("2MB", "1GB", "64KB"). */
int brig_cg_check_page_size(const char *size, brig_error **err);

#endif
