/* linux.resources on cgroup v1 (legacy and hybrid layouts).  A controller
 * that no v1 hierarchy has but the cgroup2 mount offers (hugetlb on many
 * hybrid hosts) is driven through its v2 files. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define F_MEM "linux.resources.memory"
#define F_CPU "linux.resources.cpu"
#define F_BLKIO "linux.resources.blockIO"

/* Where controller lives: a v1 directory (*v2 false), the cgroup2 one
 * (*v2 true, controller enabled on the way), or NULL with *err set. */
static const char *
controller_dir(const brig_cgroup *cg, const char *v1name, const char *v2name, const char *field,
               bool *v2, brig_error **err)
{
  const brig_cgroup_hierarchy *h = brig_cg_v1(cg, v1name);

  *v2 = false;
  if (h)
    return h->dir;
  if (v2name && brig_cg_v2_available(cg, v2name)) {
    if (brig_cg_v2_enable(cg, v2name, field, err) < 0)
      return NULL;
    *v2 = true;
    return brig_cg_v2(cg)->dir;
  }
  brig_fail(err, 0, "%s: the %s cgroup controller is not available", field, v1name);
  return NULL;
}

static int
memory_limit_and_swap(const char *dir, const oci_memory *m, brig_error **err)
{
  int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
  bool implicit_swap = false;

  /* runc: an unlimited memory with no swap value lifts the swap limit too,
   * which the kernel requires (memsw >= memory). */
  if (limit == -1 && swap == 0) {
    swap = -1;
    implicit_swap = true;
  }
  if (implicit_swap && !brig_cg_exists(dir, "memory.memsw.limit_in_bytes"))
    swap = 0;
  if (limit != 0 && swap != 0) {
    uint64_t cur = 0;

    if (brig_cg_read_u64(dir, "memory.limit_in_bytes", &cur) < 0)
      return brig_fail(err, errno, F_MEM ".limit: read %s/memory.limit_in_bytes", dir);
    /* memory.limit_in_bytes <= memory.memsw.limit_in_bytes at every
     * moment: raise memsw first when it grows, lower memory first. */
    if (swap == -1 || cur < (uint64_t)swap) {
      if (brig_cg_writef(dir, "memory.memsw.limit_in_bytes", F_MEM ".swap", err, "%" PRId64, swap) <
              0 ||
          brig_cg_writef(dir, "memory.limit_in_bytes", F_MEM ".limit", err, "%" PRId64, limit) < 0)
        return -1;
    } else {
      if (brig_cg_writef(dir, "memory.limit_in_bytes", F_MEM ".limit", err, "%" PRId64, limit) <
              0 ||
          brig_cg_writef(dir, "memory.memsw.limit_in_bytes", F_MEM ".swap", err, "%" PRId64, swap) <
              0)
        return -1;
    }
    return 0;
  }
  if (limit != 0 &&
      brig_cg_writef(dir, "memory.limit_in_bytes", F_MEM ".limit", err, "%" PRId64, limit) < 0)
    return -1;
  if (swap != 0 &&
      brig_cg_writef(dir, "memory.memsw.limit_in_bytes", F_MEM ".swap", err, "%" PRId64, swap) < 0)
    return -1;
  return 0;
}

static int
v1_memory(const char *dir, const oci_memory *m, brig_error **err)
{
  if (m->has_check_before_update && m->check_before_update && m->has_limit && m->limit > 0) {
    uint64_t usage = 0;

    if (brig_cg_read_u64(dir, "memory.usage_in_bytes", &usage) == 0 && usage > (uint64_t)m->limit)
      return brig_fail(err, 0,
                       F_MEM ".limit: %" PRId64 " is below the current usage %" PRIu64
                             " (checkBeforeUpdate)",
                       m->limit, usage);
  }
  if (memory_limit_and_swap(dir, m, err) < 0)
    return -1;
  if (m->has_reservation && m->reservation != 0 &&
      brig_cg_writef(dir, "memory.soft_limit_in_bytes", F_MEM ".reservation", err, "%" PRId64,
                     m->reservation) < 0)
    return -1;
  /* kmem limits went away in Linux 5.16 (the file stays, writes are
   * refused); the TCP buffer limit still works on v1. */
  if (m->has_kernel)
    brig_warn("cgroup: " F_MEM ".kernel is not supported by the kernel any more, ignored");
  if (m->has_kernel_tcp && brig_cg_writef(dir, "memory.kmem.tcp.limit_in_bytes", F_MEM ".kernelTCP",
                                          err, "%" PRId64, m->kernel_tcp) < 0)
    return -1;
  if (m->has_swappiness && brig_cg_writef(dir, "memory.swappiness", F_MEM ".swappiness", err,
                                          "%" PRIu64, m->swappiness) < 0)
    return -1;
  if (m->has_disable_oom_killer &&
      brig_cg_write(dir, "memory.oom_control", m->disable_oom_killer ? "1" : "0",
                    F_MEM ".disableOOMKiller", err) < 0)
    return -1;
  if (m->has_use_hierarchy && brig_cg_exists(dir, "memory.use_hierarchy") &&
      brig_cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
                    F_MEM ".useHierarchy", err) < 0)
    return -1;
  return 0;
}

static bool
cpu_bandwidth_set(const oci_cpu *c)
{
  return (c->has_shares && c->shares) || (c->has_quota && c->quota) ||
         (c->has_period && c->period) || c->has_burst ||
         (c->has_realtime_runtime && c->realtime_runtime) ||
         (c->has_realtime_period && c->realtime_period) || c->has_idle;
}

static int
v1_cpu(const char *dir, const oci_cpu *c, brig_error **err)
{
  bool quota_done = false;

  if (c->has_shares && c->shares) {
    uint64_t got = 0;

    if (brig_cg_writef(dir, "cpu.shares", F_CPU ".shares", err, "%" PRIu64, c->shares) < 0)
      return -1;
    /* The kernel clamps silently; say so instead (as runc does). */
    if (brig_cg_read_u64(dir, "cpu.shares", &got) == 0 && got != c->shares)
      return brig_fail(err, 0,
                       F_CPU ".shares: %" PRIu64 " is out of range: the kernel set %" PRIu64,
                       c->shares, got);
  }
  if (c->has_period && c->period) {
    brig_error *e = NULL;

    if (brig_cg_writef(dir, "cpu.cfs_period_us", F_CPU ".period", &e, "%" PRIu64, c->period) < 0) {
      /* A shorter period can be refused under the current quota: write
       * the quota first and retry. */
      if (e->errnum != EINVAL || !(c->has_quota && c->quota)) {
        *err = e;
        return -1;
      }
      brig_error_free(e);
      if (brig_cg_writef(dir, "cpu.cfs_quota_us", F_CPU ".quota", err, "%" PRId64, c->quota) < 0 ||
          brig_cg_writef(dir, "cpu.cfs_period_us", F_CPU ".period", err, "%" PRIu64, c->period) < 0)
        return -1;
      quota_done = true;
    }
  }
  if (c->has_quota && c->quota && !quota_done) {
    brig_error *e = NULL;

    if (brig_cg_writef(dir, "cpu.cfs_quota_us", F_CPU ".quota", &e, "%" PRId64, c->quota) < 0) {
      /* The kernel keeps burst <= quota: a lower quota may need the new
       * (lower) burst first. */
      if (e->errnum != EINVAL || !c->has_burst) {
        *err = e;
        return -1;
      }
      brig_error_free(e);
      if (brig_cg_writef(dir, "cpu.cfs_burst_us", F_CPU ".burst", err, "%" PRIu64, c->burst) < 0 ||
          brig_cg_writef(dir, "cpu.cfs_quota_us", F_CPU ".quota", err, "%" PRId64, c->quota) < 0)
        return -1;
    }
  }
  if (c->has_burst &&
      brig_cg_writef(dir, "cpu.cfs_burst_us", F_CPU ".burst", err, "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_realtime_period && c->realtime_period &&
      brig_cg_writef(dir, "cpu.rt_period_us", F_CPU ".realtimePeriod", err, "%" PRIu64,
                     c->realtime_period) < 0)
    return -1;
  if (c->has_realtime_runtime && c->realtime_runtime &&
      (brig_cg_rt_make_room(dir, c->realtime_runtime, err) < 0 ||
       brig_cg_writef(dir, "cpu.rt_runtime_us", F_CPU ".realtimeRuntime", err, "%" PRId64,
                      c->realtime_runtime) < 0))
    return -1;
  if (c->has_idle && brig_cg_writef(dir, "cpu.idle", F_CPU ".idle", err, "%" PRId64, c->idle) < 0)
    return -1;
  return 0;
}

static int
v1_cpuset(const char *dir, const oci_cpu *c, brig_error **err)
{
  if (c->cpus && c->cpus[0] && brig_cg_write(dir, "cpuset.cpus", c->cpus, F_CPU ".cpus", err) < 0)
    return -1;
  if (c->mems && c->mems[0] && brig_cg_write(dir, "cpuset.mems", c->mems, F_CPU ".mems", err) < 0)
    return -1;
  return 0;
}

static int
v1_pids(const char *dir, const oci_pids *p, brig_error **err)
{
  if (!p->has_limit)
    return 0;
  if (p->limit > 0)
    return brig_cg_writef(dir, "pids.max", "linux.resources.pids.limit", err, "%" PRId64, p->limit);
  return brig_cg_write(dir, "pids.max", "max", "linux.resources.pids.limit", err);
}

/* blkio.X, or blkio.bfq.X when only BFQ provides the weight files. */
static const char *
blkio_file(const char *dir, const char *name, char *buf, size_t len)
{
  snprintf(buf, len, "blkio.%s", name);
  if (brig_cg_exists(dir, buf))
    return buf;
  snprintf(buf, len, "blkio.bfq.%s", name);
  if (brig_cg_exists(dir, buf))
    return buf;
  snprintf(buf, len, "blkio.%s", name);
  return buf;
}

static int
throttle(const char *dir, const char *file, const char *field, const oci_throttle_device *d,
         size_t n, brig_error **err)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (brig_cg_writef(dir, file, field, err, "%" PRId64 ":%" PRId64 " %" PRIu64, d[i].major,
                       d[i].minor, d[i].rate) < 0)
      return -1;
  return 0;
}

static int
v1_blkio(const char *dir, const oci_block_io *b, brig_error **err)
{
  char file[64];
  size_t i;

  if (b->has_weight && b->weight &&
      brig_cg_writef(dir, blkio_file(dir, "weight", file, sizeof(file)), F_BLKIO ".weight", err,
                     "%u", b->weight) < 0)
    return -1;
  if (b->has_leaf_weight && b->leaf_weight &&
      brig_cg_writef(dir, "blkio.leaf_weight", F_BLKIO ".leafWeight", err, "%u", b->leaf_weight) <
          0)
    return -1;
  for (i = 0; i < b->weight_device_len; i++) {
    const oci_weight_device *d = &b->weight_device[i];

    if (d->has_weight && brig_cg_writef(dir, blkio_file(dir, "weight_device", file, sizeof(file)),
                                        F_BLKIO ".weightDevice", err, "%" PRId64 ":%" PRId64 " %u",
                                        d->major, d->minor, d->weight) < 0)
      return -1;
    if (d->has_leaf_weight &&
        brig_cg_writef(dir, "blkio.leaf_weight_device", F_BLKIO ".weightDevice.leafWeight", err,
                       "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->leaf_weight) < 0)
      return -1;
  }
  if (throttle(dir, "blkio.throttle.read_bps_device", F_BLKIO ".throttleReadBpsDevice",
               b->throttle_read_bps_device, b->throttle_read_bps_device_len, err) < 0 ||
      throttle(dir, "blkio.throttle.write_bps_device", F_BLKIO ".throttleWriteBpsDevice",
               b->throttle_write_bps_device, b->throttle_write_bps_device_len, err) < 0 ||
      throttle(dir, "blkio.throttle.read_iops_device", F_BLKIO ".throttleReadIOPSDevice",
               b->throttle_read_iops_device, b->throttle_read_iops_device_len, err) < 0 ||
      throttle(dir, "blkio.throttle.write_iops_device", F_BLKIO ".throttleWriteIOPSDevice",
               b->throttle_write_iops_device, b->throttle_write_iops_device_len, err) < 0)
    return -1;
  return 0;
}

static bool
blkio_set(const oci_block_io *b)
{
  return (b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight) ||
         b->weight_device_len || b->throttle_read_bps_device_len ||
         b->throttle_write_bps_device_len || b->throttle_read_iops_device_len ||
         b->throttle_write_iops_device_len;
}

static int
v1_network(const brig_cgroup *cg, const oci_network *net, brig_error **err)
{
  const char *dir;
  bool v2;
  size_t i;

  if (net->has_class_id) {
    dir = controller_dir(cg, "net_cls", NULL, "linux.resources.network.classID", &v2, err);
    if (!dir || brig_cg_writef(dir, "net_cls.classid", "linux.resources.network.classID", err, "%u",
                               net->class_id) < 0)
      return -1;
  }
  if (net->priorities_len == 0)
    return 0;
  dir = controller_dir(cg, "net_prio", NULL, "linux.resources.network.priorities", &v2, err);
  if (!dir)
    return -1;
  for (i = 0; i < net->priorities_len; i++) {
    const oci_net_priority *p = &net->priorities[i];

    if (!p->name[0] || strchr(p->name, ' ') || strchr(p->name, '\n'))
      return brig_fail(err, 0, "linux.resources.network.priorities: invalid name \"%s\"", p->name);
    if (brig_cg_writef(dir, "net_prio.ifpriomap", "linux.resources.network.priorities", err,
                       "%s %u", p->name, p->priority) < 0)
      return -1;
  }
  return 0;
}

int
brig_cgroup_v1_apply(brig_cgroup *cg, const oci_resources *r, brig_error **err)
{
  const char *dir;
  bool v2;

  if (r->memory) {
    dir = controller_dir(cg, "memory", NULL, F_MEM, &v2, err);
    if (!dir || v1_memory(dir, r->memory, err) < 0)
      return -1;
  }
  if (r->cpu && cpu_bandwidth_set(r->cpu)) {
    dir = controller_dir(cg, "cpu", NULL, F_CPU, &v2, err);
    if (!dir || v1_cpu(dir, r->cpu, err) < 0)
      return -1;
  }
  if (r->cpu && ((r->cpu->cpus && r->cpu->cpus[0]) || (r->cpu->mems && r->cpu->mems[0]))) {
    dir = controller_dir(cg, "cpuset", "cpuset", F_CPU ".cpus", &v2, err);
    if (!dir || (v2 ? brig_cgroup_v2_cpuset(dir, r->cpu, err) : v1_cpuset(dir, r->cpu, err)) < 0)
      return -1;
  }
  if (r->pids && r->pids->has_limit) {
    dir = controller_dir(cg, "pids", "pids", "linux.resources.pids", &v2, err);
    if (!dir || (v2 ? brig_cgroup_v2_pids(dir, r->pids, err) : v1_pids(dir, r->pids, err)) < 0)
      return -1;
  }
  if (r->block_io && blkio_set(r->block_io)) {
    dir = controller_dir(cg, "blkio", "io", F_BLKIO, &v2, err);
    if (!dir ||
        (v2 ? brig_cgroup_v2_io(dir, r->block_io, err) : v1_blkio(dir, r->block_io, err)) < 0)
      return -1;
  }
  if (r->hugepage_limits_len) {
    dir = controller_dir(cg, "hugetlb", "hugetlb", "linux.resources.hugepageLimits", &v2, err);
    if (!dir || brig_cg_write_hugetlb(dir, r, v2, err) < 0)
      return -1;
  }
  if (r->network && v1_network(cg, r->network, err) < 0)
    return -1;
  if (r->rdma_len) {
    /* rdma.max has the same format on v1 and v2. */
    dir = controller_dir(cg, "rdma", "rdma", "linux.resources.rdma", &v2, err);
    if (!dir || brig_cgroup_v2_rdma(dir, r, err) < 0)
      return -1;
  }
  if (r->unified.len) {
    /* On a hybrid host the keys name files of the cgroup2 directory. */
    if (!brig_cg_v2(cg))
      return brig_fail(err, 0, "linux.resources.unified: needs cgroup v2 (layout is %s)",
                       brig_cgroup_layout_name(cg->layout));
    if (brig_cgroup_v2_unified(cg, &r->unified, err) < 0)
      return -1;
  }
  return 0;
}
