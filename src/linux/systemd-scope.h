/* The systemd cgroup driver (--systemd-cgroup): a transient scope unit per
 * container, started through systemd's D-Bus API, as runc and crun do.
 *
 * linux.cgroupsPath is "slice:prefix:name": the unit is "prefix-name.scope"
 * (or "name.scope" without a prefix) in "slice" (system.slice when empty).
 * systemd puts the container init into the scope's cgroup; brig then writes
 * linux.resources there itself (the scope is Delegate=yes) and also hands
 * the main limits to systemd as unit properties, so that a daemon-reload
 * does not reset them.  delete stops the unit.
 *
 * systemd is reached on its private socket (/run/systemd/private, root
 * only, no dbus-daemon needed), else on the system bus. */
#ifndef BRIG_LINUX_SYSTEMD_SCOPE_H
#define BRIG_LINUX_SYSTEMD_SCOPE_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* True if systemd is PID 1 (sd_booted(3)'s test). */
bool brig_systemd_running(void);

/* Splits cgroupsPath into the unit name and the cgroup path systemd gives
 * it ("/system.slice/brig-c1.scope", "/a.slice/a-b.slice/x.scope").  An
 * empty or absent cgroupsPath gives "system.slice:brig:ID".  Both
 * malloc'd. */
int brig_systemd_scope_names(const char *id, const char *cgroups_path, char **unit, char **path,
                             brig_error **err);

/* Starts the scope with pid in it, with the limits of r (may be NULL) as
 * properties, and waits until pid is in the scope's cgroup. */
int brig_systemd_scope_start(const char *unit, const char *id, pid_t pid, const oci_resources *r,
                             brig_error **err);

/* Stops the unit; a unit that is already gone is not an error. */
int brig_systemd_scope_stop(const char *unit, brig_error **err);

#endif
