/* Device access control on cgroup v2: the rule list compiled into a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, loaded with bpf(2) and attached to
 * the cgroup directory.
 *
 * The program sees struct bpf_cgroup_dev_ctx { u32 access_type (access <<
 * 16 | type); u32 major; u32 minor; } and returns 1 to allow, 0 to deny.
 * Rules are tested from the last to the first, so the first match is the
 * rule that comes last in the list, which is the one that decides (v1
 * semantics).  An allow rule matches when it grants every requested
 * access bit, a deny rule when it names any of them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/cgroup-devices.h"
#include "util/cleanup.h"

#define INSN(c, d, s, o, i) \
  ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2
#define R3 BPF_REG_3
#define R4 BPF_REG_4
#define R5 BPF_REG_5

/* At most: type, 3 for access, major, minor, mov, exit. */
#define MAX_PER_RULE 8
#define MAX_RULES 4096

int
brig_cgroup_bpf_build(const brig_cgroup_dev_rule *rules, size_t n, struct bpf_insn **prog,
                      size_t *len, brig_error **err)
{
  struct bpf_insn *p;
  size_t pc = 0, i;

  if (n > MAX_RULES)
    return brig_fail(err, 0, "linux.resources.devices: too many rules (%zu)", n);
  p = calloc(6 + n * MAX_PER_RULE + 2, sizeof(*p));
  if (!p)
    return brig_fail(err, ENOMEM, "linux.resources.devices");
  /* r2 = type, r3 = access, r4 = major, r5 = minor */
  p[pc++] = INSN(BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0);
  p[pc++] = INSN(BPF_ALU | BPF_MOV | BPF_X, R3, R2, 0, 0);
  p[pc++] = INSN(BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
  p[pc++] = INSN(BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
  p[pc++] = INSN(BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0);
  p[pc++] = INSN(BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0);
  for (i = n; i-- > 0;) {
    const brig_cgroup_dev_rule *r = &rules[i];
    size_t jumps[8], nj = 0, j, end;

    if (r->type == 'c' || r->type == 'b') {
      jumps[nj++] = pc;
      p[pc++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R2, 0, 0,
                     r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
    }
    p[pc++] = INSN(BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
    if (r->allow) {
      /* requested & ~granted must be 0 */
      p[pc++] = INSN(BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t)(~r->access & BRIG_DEV_ALL));
      jumps[nj++] = pc;
      p[pc++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R1, 0, 0, 0);
    } else {
      /* requested & denied must not be 0 */
      p[pc++] = INSN(BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t)r->access);
      jumps[nj++] = pc;
      p[pc++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, R1, 0, 0, 0);
    }
    if (r->major >= 0) {
      jumps[nj++] = pc;
      p[pc++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R4, 0, 0, (int32_t)r->major);
    }
    if (r->minor >= 0) {
      jumps[nj++] = pc;
      p[pc++] = INSN(BPF_JMP | BPF_JNE | BPF_K, R5, 0, 0, (int32_t)r->minor);
    }
    p[pc++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0);
    p[pc++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    end = pc;
    for (j = 0; j < nj; j++)
      p[jumps[j]].off = (int16_t)(end - jumps[j] - 1);
  }
  p[pc++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
  p[pc++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  *prog = p;
  *len = pc;
  return 0;
}

static long
sys_bpf(int cmd, union bpf_attr *attr)
{
  return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int
brig_cgroup_bpf_load(const struct bpf_insn *prog, size_t len, brig_error **err)
{
  static char log[4096];
  union bpf_attr attr;
  int fd;

  memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)prog;
  attr.insn_cnt = (uint32_t)len;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0) {
    /* bpf(2) fds are close-on-exec already; be explicit anyway. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
  }
  if (errno != EACCES && errno != EINVAL)
    return brig_fail(err, errno, "linux.resources.devices: bpf(BPF_PROG_LOAD)");
  /* Once more with the verifier's log, for the message. */
  log[0] = '\0';
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof(log);
  attr.log_level = 1;
  fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0)
    return fd;
  {
    char *nl;
    int e = errno;

    while ((nl = strrchr(log, '\n')) && nl[1] == '\0')
      *nl = '\0';
    nl = strrchr(log, '\n');
    return brig_fail(err, e, "linux.resources.devices: bpf(BPF_PROG_LOAD): %s", nl ? nl + 1 : log);
  }
}

int
brig_cgroup_bpf_attach(const char *dir, int prog_fd, brig_error **err)
{
  _cleanup_close_ int dfd = -1;
  uint32_t ids[64], cnt = 64, i;
  union bpf_attr attr;
  bool attached = false;

  dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return brig_fail(err, errno, "linux.resources.devices: open %s", dir);
  memset(&attr, 0, sizeof(attr));
  attr.query.target_fd = (uint32_t)dfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = cnt;
  if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
    return brig_fail(err, errno, "linux.resources.devices: bpf(BPF_PROG_QUERY) %s", dir);
  cnt = attr.query.prog_cnt < 64 ? attr.query.prog_cnt : 64;

  memset(&attr, 0, sizeof(attr));
  attr.target_fd = (uint32_t)dfd;
  attr.attach_bpf_fd = (uint32_t)prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &attr) == 0)
    attached = true;
  else if (cnt == 0)
    return brig_fail(err, errno, "linux.resources.devices: bpf(BPF_PROG_ATTACH) %s", dir);
  /* Drop the previous programs: the new one holds the whole list.  (If
   * they were attached without BPF_F_ALLOW_MULTI, the new one can only
   * come after them.) */
  for (i = 0; i < cnt; i++) {
    _cleanup_close_ int old = -1;

    memset(&attr, 0, sizeof(attr));
    attr.prog_id = ids[i];
    old = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (old < 0)
      continue;
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)dfd;
    attr.attach_bpf_fd = (uint32_t)old;
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
      return brig_fail(err, errno, "linux.resources.devices: bpf(BPF_PROG_DETACH) %s", dir);
  }
  if (!attached) {
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)dfd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
      return brig_fail(err, errno, "linux.resources.devices: bpf(BPF_PROG_ATTACH) %s", dir);
  }
  return 0;
}

int
brig_cgroup_bpf_devices(const char *dir, const brig_cgroup_dev_rule *rules, size_t n,
                        brig_error **err)
{
  _cleanup_free_ struct bpf_insn *prog = NULL;
  _cleanup_close_ int fd = -1;
  size_t len = 0;

  if (brig_cgroup_bpf_build(rules, n, &prog, &len, err) < 0)
    return -1;
  fd = brig_cgroup_bpf_load(prog, len, err);
  if (fd < 0)
    return -1;
  return brig_cgroup_bpf_attach(dir, fd, err);
}
