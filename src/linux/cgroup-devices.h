/* The device cgroup: the ordered allow/deny list of
 * linux.resources.devices plus the runtime's defaults, written to v1
 * devices.deny/devices.allow or compiled into a BPF_PROG_TYPE_CGROUP_DEVICE
 * program for cgroup v2 (cgroup-bpf.c). */
#ifndef BRIG_LINUX_CGROUP_DEVICES_H
#define BRIG_LINUX_CGROUP_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "libocispec/ocispec.h"
#include "linux/cgroup.h"
#include "util/error.h"

/* Access bits as the kernel's bpf_cgroup_dev_ctx encodes them. */
#define BRIG_DEV_MKNOD BPF_DEVCG_ACC_MKNOD
#define BRIG_DEV_READ BPF_DEVCG_ACC_READ
#define BRIG_DEV_WRITE BPF_DEVCG_ACC_WRITE
#define BRIG_DEV_ALL (BRIG_DEV_MKNOD | BRIG_DEV_READ | BRIG_DEV_WRITE)

typedef struct brig_cgroup_dev_rule {
  bool allow;
  char type;            /* 'a', 'c' or 'b' */
  int64_t major, minor; /* -1: any */
  unsigned access;      /* BRIG_DEV_* bits */
} brig_cgroup_dev_rule;

/* The effective list, in order: linux.resources.devices, then the default
 * allow list runc adds (mknod of anything; null zero full random urandom
 * tty ptmx pts tun), then an allow rule for every linux.devices node.  The
 * last matching rule decides; nothing matching is denied. */
int brig_cgroup_device_rules(const oci_linux *linux_cfg, brig_cgroup_dev_rule **rules, size_t *n,
                             brig_error **err);

/* "c 1:3 rwm" (v1 devices.allow syntax) into buf. */
void brig_cgroup_dev_rule_str(const brig_cgroup_dev_rule *r, char *buf, size_t len);

/* Applies the list of brig_cgroup_device_rules() to the container's
 * cgroup: v1 devices controller, else a BPF program on the cgroup2
 * directory.  Called by brig_cgroup_create(). */
int brig_cgroup_apply_devices(brig_cgroup *cg, const oci_linux *linux_cfg, brig_error **err);

/* ---- cgroup v2 (cgroup-bpf.c) ---- */

/* Compiles rules into a malloc'd program. */
int brig_cgroup_bpf_build(const brig_cgroup_dev_rule *rules, size_t n, struct bpf_insn **prog,
                          size_t *len, brig_error **err);
/* BPF_PROG_LOAD; returns the program fd (close-on-exec). */
int brig_cgroup_bpf_load(const struct bpf_insn *prog, size_t len, brig_error **err);
/* Attaches prog_fd to the cgroup2 directory dir and detaches the device
 * programs attached there before, so an update replaces the rules. */
int brig_cgroup_bpf_attach(const char *dir, int prog_fd, brig_error **err);
/* build + load + attach. */
int brig_cgroup_bpf_devices(const char *dir, const brig_cgroup_dev_rule *rules, size_t n,
                            brig_error **err);

#endif
