/* Pure conversions between the OCI (cgroup v1 shaped) values and cgroup v2
 * files, as runc and crun do them.  No I/O: unit-tested without root. */
#ifndef BRIG_LINUX_CGROUP_CONVERT_H
#define BRIG_LINUX_CGROUP_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* cpu.shares [2, 262144] -> cpu.weight [1, 10000]; 0 stays 0 (unset). */
uint64_t brig_cgroup_shares_to_weight(uint64_t shares);

/* blkio.weight [10, 1000] -> io.weight [1, 10000]; 0 stays 0 (unset). */
uint64_t brig_cgroup_blkio_to_io_weight(uint64_t weight);

/* memory.swap (memory+swap, v1 semantics) -> memory.swap.max.  Returns 1
 * with *swap_max set (-1 means "max"), 0 when there is nothing to write,
 * or -1 with *err set (swap without a memory limit, swap < memory). */
int brig_cgroup_swap_to_v2(int64_t memsw, int64_t memory, int64_t *swap_max, brig_error **err);

/* An int64 limit as a v2 value: negative -> "max", else the number. */
void brig_cgroup_limit_str(int64_t v, char *buf, size_t len);

/* cpu.max from quota and period: "max 100000", "50000 100000".  Returns 0
 * when neither is set (nothing to write), 1 otherwise. */
int brig_cgroup_cpu_max(int64_t quota, uint64_t period, char *buf, size_t len);

#endif
