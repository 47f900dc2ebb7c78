/* linux.resources on cgroup v2, with the v1 -> v2 value conversions of
 * cgroup-convert.c.  Each controller's writer takes the directory so that
 * cgroup-v1.c can use it for a controller only the cgroup2 mount of a
 * hybrid host offers. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "linux/cgroup-convert.h"
#include "linux/cgroup-internal.h"
#include "util/log.h"

#define F_MEM "linux.resources.memory"
#define F_CPU "linux.resources.cpu"
#define F_BLKIO "linux.resources.blockIO"

int
brig_cg_check_page_size(const char *size, brig_error **err)
{
  size_t i = 0;

  while (size[i] >= '0' && size[i] <= '9')
    i++;
  if (i == 0 || i > 8 ||
      (strcmp(size + i, "KB") != 0 && strcmp(size + i, "MB") != 0 && strcmp(size + i, "GB") != 0))
    return brig_fail(
        err, 0, "linux.resources.hugepageLimits: pageSize \"%s\": expected a size like 2MB", size);
  return 0;
}

int
brig_cgroup_v2_memory(const char *dir, const oci_memory *m, brig_error **err)
{
  int64_t limit = m->has_limit ? m->limit : 0, swap_max = 0;
  char v[32];
  int w;

  w = brig_cgroup_swap_to_v2(m->has_swap ? m->swap : 0, limit, &swap_max, err);
  if (w < 0)
    return -1;
  if (m->has_check_before_update && m->check_before_update && limit > 0) {
    uint64_t cur = 0;

    if (brig_cg_read_u64(dir, "memory.current", &cur) == 0 && cur > (uint64_t)limit)
      return brig_fail(err, 0,
                       F_MEM ".limit: %" PRId64 " is below the current usage %" PRIu64
                             " (checkBeforeUpdate)",
                       limit, cur);
  }
  /* swap.max is independent of memory.max on v2, but a lowered memory.max
   * reclaims into swap: set swap first, as runc does. */
  if (w > 0) {
    brig_cgroup_limit_str(swap_max, v, sizeof(v));
    if (brig_cg_write(dir, "memory.swap.max", v, F_MEM ".swap", err) < 0)
      return -1;
  }
  if (limit != 0) {
    brig_cgroup_limit_str(limit, v, sizeof(v));
    if (brig_cg_write(dir, "memory.max", v, F_MEM ".limit", err) < 0)
      return -1;
  }
  if (m->has_reservation && m->reservation != 0) {
    brig_cgroup_limit_str(m->reservation, v, sizeof(v));
    if (brig_cg_write(dir, "memory.low", v, F_MEM ".reservation", err) < 0)
      return -1;
  }
  if (m->has_kernel || m->has_kernel_tcp)
    brig_warn("cgroup: " F_MEM ".kernel and kernelTCP are not supported on cgroup v2, ignored");
  if (m->has_swappiness)
    brig_warn("cgroup: " F_MEM ".swappiness is not supported on cgroup v2, ignored");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    brig_warn("cgroup: " F_MEM ".disableOOMKiller is not supported on cgroup v2, ignored");
  return 0;
}

int
brig_cgroup_v2_cpu(const char *dir, const oci_cpu *c, brig_error **err)
{
  char v[64];

  if (c->has_shares && c->shares &&
      brig_cg_writef(dir, "cpu.weight", F_CPU ".shares", err, "%" PRIu64,
                     brig_cgroup_shares_to_weight(c->shares)) < 0)
    return -1;
  if (brig_cgroup_cpu_max(c->has_quota ? c->quota : 0, c->has_period ? c->period : 0, v,
                          sizeof(v)) > 0 &&
      brig_cg_write(dir, "cpu.max", v, F_CPU ".quota", err) < 0)
    return -1;
  if (c->has_burst &&
      brig_cg_writef(dir, "cpu.max.burst", F_CPU ".burst", err, "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_idle && brig_cg_writef(dir, "cpu.idle", F_CPU ".idle", err, "%" PRId64, c->idle) < 0)
    return -1;
  if ((c->has_realtime_runtime && c->realtime_runtime) ||
      (c->has_realtime_period && c->realtime_period))
    return brig_fail(err, 0, F_CPU ".realtimeRuntime: not supported on cgroup v2");
  return 0;
}

int
brig_cgroup_v2_cpuset(const char *dir, const oci_cpu *c, brig_error **err)
{
  if (c->cpus && c->cpus[0] && brig_cg_write(dir, "cpuset.cpus", c->cpus, F_CPU ".cpus", err) < 0)
    return -1;
  if (c->mems && c->mems[0] && brig_cg_write(dir, "cpuset.mems", c->mems, F_CPU ".mems", err) < 0)
    return -1;
  return 0;
}

int
brig_cgroup_v2_pids(const char *dir, const oci_pids *p, brig_error **err)
{
  char v[32];

  if (!p->has_limit)
    return 0;
  brig_cgroup_limit_str(p->limit > 0 ? p->limit : -1, v, sizeof(v));
  return brig_cg_write(dir, "pids.max", v, "linux.resources.pids.limit", err);
}

static int
io_max(const char *dir, const char *key, const char *field, const oci_throttle_device *d, size_t n,
       brig_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (brig_cg_writef(dir, "io.max", field, err, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d[i].major,
                       d[i].minor, key, d[i].rate) < 0)
      return -1;
  return 0;
}

int
brig_cgroup_v2_io(const char *dir, const oci_block_io *b, brig_error **err)
{
  /* BFQ keeps the v1 range [1, 1000] in io.bfq.weight; io.weight (the
   * io.cost controller) is [1, 10000]. */
  bool bfq = brig_cg_exists(dir, "io.bfq.weight");
  size_t i;

  if (b->has_weight && b->weight) {
    if (bfq ? brig_cg_writef(dir, "io.bfq.weight", F_BLKIO ".weight", err, "%u", b->weight)
            : brig_cg_writef(dir, "io.weight", F_BLKIO ".weight", err, "default %" PRIu64,
                             brig_cgroup_blkio_to_io_weight(b->weight)) < 0)
      return -1;
  }
  if (b->has_leaf_weight && b->leaf_weight)
    return brig_fail(err, 0, F_BLKIO ".leafWeight: not supported on cgroup v2");
  for (i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *d = &b->weight_device[i];

    if (d->has_leaf_weight && d->leaf_weight)
      return brig_fail(err, 0, F_BLKIO ".weightDevice.leafWeight: not supported on cgroup v2");
    if (!d->has_weight)
      continue;
    if (bfq ? brig_cg_writef(dir, "io.bfq.weight", F_BLKIO ".weightDevice", err,
                             "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight)
            : brig_cg_writef(dir, "io.weight", F_BLKIO ".weightDevice", err,
                             "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                             brig_cgroup_blkio_to_io_weight(d->weight)) < 0)
      return -1;
  }
  if (io_max(dir, "rbps", F_BLKIO ".throttleReadBpsDevice", b->throttle_read_bps_device,
             b->throttle_read_bps_device_len, err) < 0 ||
      io_max(dir, "wbps", F_BLKIO ".throttleWriteBpsDevice", b->throttle_write_bps_device,
             b->throttle_write_bps_device_len, err) < 0 ||
      io_max(dir, "riops", F_BLKIO ".throttleReadIOPSDevice", b->throttle_read_iops_device,
             b->throttle_read_iops_device_len, err) < 0 ||
      io_max(dir, "wiops", F_BLKIO ".throttleWriteIOPSDevice", b->throttle_write_iops_device,
             b->throttle_write_iops_device_len, err) < 0)
    return -1;
  return 0;
}

int
brig_cg_write_hugetlb(const char *dir, const oci_resources *r, bool v2, brig_error **err)
{
  /* v1: hugetlb.<size>.limit_in_bytes, v2: hugetlb.<size>.max; the
   * reservation files beside them (5.7+) are limited too where present. */
  const char *limit = v2 ? "max" : "limit_in_bytes";
  size_t i;

  for (i = 0; i < r->hugepage_limits_len; i++) {
    const oci_hugepage_limit *l = &r->hugepage_limits[i];
    char file[96];

    if (brig_cg_check_page_size(l->page_size, err) < 0)
      return -1;
    snprintf(file, sizeof(file), "hugetlb.%s.%s", l->page_size, limit);
    if (brig_cg_writef(dir, file, "linux.resources.hugepageLimits", err, "%" PRIu64, l->limit) < 0)
      return -1;
    snprintf(file, sizeof(file), "hugetlb.%s.rsvd.%s", l->page_size, limit);
    if (brig_cg_exists(dir, file) &&
        brig_cg_writef(dir, file, "linux.resources.hugepageLimits", err, "%" PRIu64, l->limit) < 0)
      return -1;
  }
  return 0;
}

int
brig_cgroup_v2_rdma(const char *dir, const oci_resources *r, brig_error **err)
{
  size_t i;

  for (i = 0; i < r->rdma_len; i++) {
    const oci_rdma *d = &r->rdma[i];
    const char *name = r->rdma_keys[i];

    if (!name[0] || strpbrk(name, " \n/"))
      return brig_fail(err, 0, "linux.resources.rdma: invalid device \"%s\"", name);
    char h[16] = "max", o[16] = "max";

    if (d->has_hca_handles)
      snprintf(h, sizeof(h), "%u", d->hca_handles);
    if (d->has_hca_objects)
      snprintf(o, sizeof(o), "%u", d->hca_objects);
    if (brig_cg_writef(dir, "rdma.max", "linux.resources.rdma", err,
                       "%s hca_handle=%s hca_object=%s", name, h, o) < 0)
      return -1;
  }
  return 0;
}

int
brig_cgroup_v2_unified(const brig_cgroup *cg, const oci_strmap *u, brig_error **err)
{
  const char *dir = brig_cg_v2(cg)->dir;
  size_t i;

  for (i = 0; i < u->len; i++) {
    const char *key = u->keys[i];
    char field[300], controller[64];
    size_t clen = strcspn(key, ".");

    if (!key[0] || key[0] == '.' || strchr(key, '/') || strstr(key, "..") || !strchr(key, '.'))
      return brig_fail(err, 0, "linux.resources.unified: invalid key \"%s\"", key);
    snprintf(field, sizeof(field), "linux.resources.unified[\"%s\"]", key);
    if (brig_cg_write(dir, key, u->values[i], field, err) == 0)
      continue;
    /* No such file: its controller (never the core's "cgroup.*") may not
     * be enabled yet on the way down (a hybrid host's cgroup2; on pure v2
     * setup enabled them all).  Enable it and write again. */
    if ((*err)->errnum != ENOENT || clen >= sizeof(controller))
      return -1;
    memcpy(controller, key, clen);
    controller[clen] = '\0';
    if (strcmp(controller, "cgroup") == 0 || !brig_cg_v2_available(cg, controller))
      return -1;
    brig_error_clear(err);
    if (brig_cg_v2_enable(cg, controller, field, err) < 0 ||
        brig_cg_write(dir, key, u->values[i], field, err) < 0)
      return -1;
  }
  return 0;
}

int
brig_cgroup_v2_apply(brig_cgroup *cg, const oci_resources *r, brig_error **err)
{
  const char *dir = brig_cg_v2(cg)->dir;

  if (r->memory && brig_cgroup_v2_memory(dir, r->memory, err) < 0)
    return -1;
  if (r->cpu &&
      (brig_cgroup_v2_cpu(dir, r->cpu, err) < 0 || brig_cgroup_v2_cpuset(dir, r->cpu, err) < 0))
    return -1;
  if (r->pids && brig_cgroup_v2_pids(dir, r->pids, err) < 0)
    return -1;
  if (r->block_io && brig_cgroup_v2_io(dir, r->block_io, err) < 0)
    return -1;
  if (r->hugepage_limits_len && brig_cg_write_hugetlb(dir, r, true, err) < 0)
    return -1;
  if (r->rdma_len && brig_cgroup_v2_rdma(dir, r, err) < 0)
    return -1;
  if (r->network && (r->network->has_class_id || r->network->priorities_len))
    return brig_fail(err, 0,
                     "linux.resources.network: net_cls and net_prio are cgroup v1 "
                     "controllers, not available on cgroup v2");
  if (r->unified.len && brig_cgroup_v2_unified(cg, &r->unified, err) < 0)
    return -1;
  return 0;
}
