/* AppArmor and SELinux: process.apparmorProfile, process.selinuxLabel,
 * linux.mountLabel.
 *
 * Labels take effect at the execve() of the container process: AppArmor
 * through aa_change_onexec(), SELinux through setexeccon().  Call
 * brig_lsm_apply_exec_label() in the init after the rootfs is entered
 * (both write to /proc/thread-self/attr) and before the seccomp filter is
 * loaded (the filter may deny those writes), before or after the
 * capability drop (changing one's own exec label needs none).
 *
 * When the host kernel runs without the LSM, a label is ignored with one
 * warning per LSM and process, as runc does: engines set these fields from
 * their own defaults.  When the host runs the LSM but brig was built
 * without its library (--disable-apparmor, --disable-selinux), a label is
 * an error: the container would silently run unconfined. */
#ifndef BRIG_LINUX_LSM_H
#define BRIG_LINUX_LSM_H

#include <stdbool.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

/* Built with libapparmor / libselinux (`brig features`: "enabled"). */
bool brig_lsm_apparmor_built(void);
bool brig_lsm_selinux_built(void);

/* Built in and enabled in the running kernel: labels will be applied. */
bool brig_lsm_apparmor_available(void);
bool brig_lsm_selinux_available(void);

/* Asks, now, on the host's view, the questions the labels of p and l will
 * raise, and keeps the answers for this process and its children (the
 * init, an exec'd process), which ask again inside the container where
 * securityfs and selinuxfs are absent. */
void brig_lsm_probe(const oci_process *p, const oci_linux *l);

/* process.apparmorProfile and process.selinuxLabel for the next execve(). */
int brig_lsm_apply_exec_label(const oci_process *p, brig_error **err);

/* process.selinuxLabel for keyrings created from now on (the session
 * keyring of the init, as runc labels it); call before creating it. */
int brig_lsm_apply_keyring_label(const oci_process *p, brig_error **err);

/* The mount option for linux.mountLabel, `context="LABEL"`, in *out
 * (malloc'd), or NULL when there is no label or SELinux is not available. */
int brig_lsm_mount_label_option(const oci_linux *l, char **out, brig_error **err);

/* data (may be NULL or empty) with the mount label option appended:
 * "mode=755,context=\"LABEL\"".  *out is a malloc'd copy of data (or NULL
 * when data is NULL) when there is nothing to add. */
int brig_lsm_mount_data_with_label(const char *data, const oci_linux *l, char **out,
                                   brig_error **err);

/* Before a label is written through proc (the directory of the /proc to
 * use, "/proc" but in tests): proc/self/attr and proc/thread-self/attr
 * must be on procfs, else "LSM: PATH is not procfs" (lsm: "apparmor" or
 * "selinux").  The apply functions above call it when they will apply a
 * label. */
int brig_lsm_check_attr(const char *lsm, const char *proc, brig_error **err);

/* The formatting of the above, without the availability check. */
int brig_lsm_format_mount_label(const char *data, const char *label, char **out, brig_error **err);

#endif
