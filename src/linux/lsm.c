/* AppArmor and SELinux labels (see lsm.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "config.h"

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>
#endif
#ifdef HAVE_SELINUX
#include <selinux/selinux.h>
#endif

#include "linux/lsm.h"
#include "util/cleanup.h"
#include "util/log.h"

static bool warned_apparmor;
static bool warned_selinux;

/* What the kernel runs, asked without the libraries, so that a build
 * without them can still tell "not needed" from "needed but missing". */
static bool
kernel_apparmor_enabled(void)
{
  FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
  int c;

  if (!f)
    return false;
  c = fgetc(f);
  fclose(f);
  return c == 'Y' || c == 'y';
}

static bool
kernel_selinux_enabled(void)
{
  return access("/sys/fs/selinux/enforce", F_OK) == 0 || access("/selinux/enforce", F_OK) == 0;
}

bool
brig_lsm_apparmor_built(void)
{
#ifdef HAVE_APPARMOR
  return true;
#else
  return false;
#endif
}

bool
brig_lsm_selinux_built(void)
{
#ifdef HAVE_SELINUX
  return true;
#else
  return false;
#endif
}

/* Both answers are kept from the first question: the libraries look at
 * securityfs and selinuxfs, which the container's mount namespace does not
 * have, so brig asks on the host (brig_lsm_probe) before the init or an
 * exec'd process enters it, and they inherit the answer. */
static int apparmor_cached = -1, selinux_cached = -1;

bool
brig_lsm_apparmor_available(void)
{
#ifdef HAVE_APPARMOR
  if (apparmor_cached < 0)
    apparmor_cached = aa_is_enabled() == 1;
  return apparmor_cached;
#else
  return false;
#endif
}

bool
brig_lsm_selinux_available(void)
{
#ifdef HAVE_SELINUX
  if (selinux_cached < 0)
    selinux_cached = is_selinux_enabled() == 1;
  return selinux_cached;
#else
  return false;
#endif
}

void
brig_lsm_probe(const oci_process *p, const oci_linux *l)
{
  /* Only what a label of p or l will ask: a container without labels
   * spends no syscall on it. */
  if (p && p->apparmor_profile && p->apparmor_profile[0])
    brig_lsm_apparmor_available();
  if ((p && p->selinux_label && p->selinux_label[0]) || (l && l->mount_label && l->mount_label[0]))
    brig_lsm_selinux_available();
}

/* 0: apply the label; 1: skip it (warned once); -1: error. */
static int
apparmor_usable(const char *what, brig_error **err)
{
  if (brig_lsm_apparmor_available())
    return 0;
  if (!brig_lsm_apparmor_built() && kernel_apparmor_enabled())
    return brig_fail(err, 0,
                     "%s: AppArmor is enabled on this host but brig was built without it "
                     "(--disable-apparmor)",
                     what);
  if (!warned_apparmor) {
    warned_apparmor = true;
    brig_warn("%s: ignored, AppArmor is not enabled on this host", what);
  }
  return 1;
}

static int
selinux_usable(const char *what, brig_error **err)
{
  if (brig_lsm_selinux_available())
    return 0;
  if (!brig_lsm_selinux_built() && kernel_selinux_enabled())
    return brig_fail(err, 0,
                     "%s: SELinux is enabled on this host but brig was built without it "
                     "(--disable-selinux)",
                     what);
  if (!warned_selinux) {
    warned_selinux = true;
    brig_warn("%s: ignored, SELinux is not enabled on this host", what);
  }
  return 1;
}

/* Why: libapparmor and libselinux write a label by path, to
 * /proc/self/attr/... (AppArmor, through /proc/<tid>) or
 * /proc/thread-self/attr/... (SELinux), and in the init or an exec'd
 * process that is the container's /proc.  If that is not procfs (a tmpfs
 * or volume mounted there, an image's own directory when the spec mounts
 * no proc), the write goes into a file, succeeds, and the process runs
 * unconfined (CVE-2019-16884, CVE-2023-28642).  Both directories are
 * checked: /proc/self/attr and /proc/self/task/<tid>/attr are different
 * directories, and something could cover one only. */
int
brig_lsm_check_attr(const char *lsm, const char *proc, brig_error **err)
{
  static const char *const dirs[] = { "self/attr", "thread-self/attr" };
  char path[4096];
  struct statfs sfs;
  size_t i;

  for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
    snprintf(path, sizeof(path), "%s/%s", proc, dirs[i]);
    if (statfs(path, &sfs) < 0)
      return brig_fail(err, errno, "%s: %s", lsm, path);
    if (sfs.f_type != PROC_SUPER_MAGIC)
      return brig_fail(err, 0, "%s: %s is not procfs", lsm, path);
  }
  return 0;
}

static int
apply_apparmor(const char *profile, brig_error **err)
{
  int r;

  if (!profile || !profile[0])
    return 0;
  r = apparmor_usable("process.apparmorProfile", err);
  if (r != 0)
    return r < 0 ? -1 : 0;
#ifdef HAVE_APPARMOR
  if (brig_lsm_check_attr("apparmor", "/proc", err) < 0)
    return -1;
  if (aa_change_onexec(profile) < 0)
    return brig_fail(err, errno, "apparmor: change profile on exec to %s", profile);
  brig_debug("apparmor: profile %s on exec", profile);
#endif
  return 0;
}

static int
apply_selinux(const char *label, brig_error **err)
{
  int r;

  if (!label || !label[0])
    return 0;
  r = selinux_usable("process.selinuxLabel", err);
  if (r != 0)
    return r < 0 ? -1 : 0;
#ifdef HAVE_SELINUX
  if (brig_lsm_check_attr("selinux", "/proc", err) < 0)
    return -1;
  if (setexeccon(label) < 0)
    return brig_fail(err, errno, "selinux: set exec label %s", label);
  brig_debug("selinux: exec label %s", label);
#endif
  return 0;
}

int
brig_lsm_apply_exec_label(const oci_process *p, brig_error **err)
{
  if (!p)
    return 0;
  if (apply_apparmor(p->apparmor_profile, err) < 0)
    return -1;
  return apply_selinux(p->selinux_label, err);
}

int
brig_lsm_apply_keyring_label(const oci_process *p, brig_error **err)
{
  int r;

  if (!p || !p->selinux_label || !p->selinux_label[0])
    return 0;
  r = selinux_usable("process.selinuxLabel", err);
  if (r != 0)
    return r < 0 ? -1 : 0;
#ifdef HAVE_SELINUX
  if (brig_lsm_check_attr("selinux", "/proc", err) < 0)
    return -1;
  if (setkeycreatecon(p->selinux_label) < 0)
    return brig_fail(err, errno, "selinux: set keyring label %s", p->selinux_label);
#endif
  return 0;
}

int
brig_lsm_format_mount_label(const char *data, const char *label, char **out, brig_error **err)
{
  int r;

  *out = NULL;
  if (!label || !label[0]) {
    if (data && !(*out = strdup(data)))
      return brig_fail(err, ENOMEM, "linux.mountLabel");
    return 0;
  }
  /* The quotes keep the commas of an MCS range ("s0:c1,c2") in the label. */
  if (strpbrk(label, "\"\n"))
    return brig_fail(err, 0, "linux.mountLabel: must not contain '\"' or a newline");
  if (data && data[0])
    r = asprintf(out, "%s,context=\"%s\"", data, label);
  else
    r = asprintf(out, "context=\"%s\"", label);
  if (r < 0) {
    *out = NULL;
    return brig_fail(err, ENOMEM, "linux.mountLabel");
  }
  return 0;
}

int
brig_lsm_mount_label_option(const oci_linux *l, char **out, brig_error **err)
{
  int r;

  *out = NULL;
  if (!l || !l->mount_label || !l->mount_label[0])
    return 0;
  r = selinux_usable("linux.mountLabel", err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  return brig_lsm_format_mount_label(NULL, l->mount_label, out, err);
}

int
brig_lsm_mount_data_with_label(const char *data, const oci_linux *l, char **out, brig_error **err)
{
  const char *label = l ? l->mount_label : NULL;
  int r;

  *out = NULL;
  if (label && label[0]) {
    r = selinux_usable("linux.mountLabel", err);
    if (r < 0)
      return -1;
    if (r > 0)
      label = NULL;
  }
  return brig_lsm_format_mount_label(data, label, out, err);
}
