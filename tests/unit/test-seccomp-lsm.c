/* AppArmor and SELinux (src/linux/lsm.c): availability, the mount label
 * option, and the behaviour on a host without the LSM (one warning per
 * LSM, then the labels are ignored).  Labels are only applied in a forked
 * child, so the test process keeps its own. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "linux/lsm.h"
#include "tap.h"
#include "util/log.h"

static void
expect_format(const char *data, const char *label, const char *want, const char *what)
{
  brig_error *err = NULL;
  char *out = NULL;
  int r = brig_lsm_format_mount_label(data, label, &out, &err);

  if (!want)
    TAP_OK(r == 0 && out == NULL, "%s: no mount data", what);
  else
    TAP_OK(r == 0 && out && strcmp(out, want) == 0, "%s: %s", what, out ? out : "(null)");
  free(out);
  brig_error_clear(&err);
}

static void
test_format(void)
{
  const char *mcs = "system_u:object_r:container_file_t:s0:c1,c2";
  brig_error *err = NULL;
  char *out = NULL;
  int r;

  expect_format(NULL, mcs, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"",
                "label alone");
  expect_format("", mcs, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"",
                "label with empty data");
  expect_format("mode=755,size=65536k", mcs,
                "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:s0:c1,c2\"",
                "label appended to data");
  expect_format("mode=755", NULL, "mode=755", "no label: data unchanged");
  expect_format(NULL, "", NULL, "no label, no data");
  r = brig_lsm_format_mount_label("mode=755", "a\"b", &out, &err);
  TAP_OK(r == -1 && out == NULL && err &&
             strcmp(err->msg, "linux.mountLabel: must not contain '\"' or a newline") == 0,
         "a quote in the label is refused: %s", err ? err->msg : "");
  brig_error_clear(&err);
}

static void
test_built(void)
{
#ifdef HAVE_APPARMOR
  TAP_OK(brig_lsm_apparmor_built(), "AppArmor support is built in (HAVE_APPARMOR)");
#else
  TAP_OK(!brig_lsm_apparmor_built(), "AppArmor support is not built in");
#endif
#ifdef HAVE_SELINUX
  TAP_OK(brig_lsm_selinux_built(), "SELinux support is built in (HAVE_SELINUX)");
#else
  TAP_OK(!brig_lsm_selinux_built(), "SELinux support is not built in");
#endif
  TAP_OK(!brig_lsm_apparmor_available() || brig_lsm_apparmor_built(),
         "AppArmor available (%d) only when built in", brig_lsm_apparmor_available());
  TAP_OK(!brig_lsm_selinux_available() || brig_lsm_selinux_built(),
         "SELinux available (%d) only when built in", brig_lsm_selinux_available());
}

static int
count_substr(const char *hay, const char *needle)
{
  int n = 0;

  while ((hay = strstr(hay, needle))) {
    n++;
    hay += strlen(needle);
  }
  return n;
}

static bool
host_has(const char *path)
{
  return access(path, F_OK) == 0;
}

/* Without the LSMs: labels are ignored, one warning each.  Run in a child
 * so the "once" state starts fresh and nothing sticks to this process. */
static int
disabled_child(const char *log)
{
  oci_process p = { .apparmor_profile = "container-default",
                    .selinux_label = "system_u:system_r:container_t:s0:c1,c2" };
  oci_linux l = { .mount_label = "system_u:object_r:container_file_t:s0:c1,c2" };
  brig_error *err = NULL;
  char *out = (char *)"x";
  int fails = 0;

  if (brig_log_init(log, BRIG_LOG_TEXT, BRIG_LOG_WARNING, &err) < 0)
    return 90;
  fails += brig_lsm_apply_exec_label(&p, &err) != 0;
  fails += brig_lsm_apply_exec_label(&p, &err) != 0;
  fails += brig_lsm_apply_keyring_label(&p, &err) != 0;
  fails += brig_lsm_mount_label_option(&l, &out, &err) != 0 || out != NULL;
  fails += brig_lsm_mount_data_with_label("mode=755", &l, &out, &err) != 0 || !out ||
           strcmp(out, "mode=755") != 0;
  free(out);
  brig_log_close();
  return fails;
}

static void
test_disabled(void)
{
  char log[] = "/tmp/brig-lsm-log-XXXXXX", buf[8192];
  int fd = mkstemp(log), status = -1;
  ssize_t n = 0;
  pid_t pid;

  if (brig_lsm_apparmor_available() || brig_lsm_selinux_available() ||
      (!brig_lsm_apparmor_built() && host_has("/sys/module/apparmor/parameters/enabled")) ||
      (!brig_lsm_selinux_built() && host_has("/sys/fs/selinux/enforce"))) {
    TAP_SKIP("an LSM is enabled on this host");
    TAP_SKIP("an LSM is enabled on this host");
    TAP_SKIP("an LSM is enabled on this host");
    if (fd >= 0)
      close(fd);
    unlink(log);
    return;
  }
  fflush(stdout);
  pid = fork();
  if (pid == 0)
    _exit(disabled_child(log));
  waitpid(pid, &status, 0);
  if (fd >= 0) {
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
  }
  buf[n > 0 ? n : 0] = '\0';
  unlink(log);
  TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
         "labels are ignored without the LSM: every call returns 0 (%d failures)",
         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  TAP_OK(count_substr(buf, "process.apparmorProfile: ignored, AppArmor is not enabled on this "
                           "host") == 1 &&
             count_substr(buf, "AppArmor") == 1,
         "one AppArmor warning for two applications");
  TAP_OK(count_substr(buf, "process.selinuxLabel: ignored, SELinux is not enabled on this host") ==
                 1 &&
             count_substr(buf, "SELinux") == 1,
         "one SELinux warning for the exec, keyring and mount labels");
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) || count_substr(buf, "level=warning") != 2)
    tap_diag("log: %s", buf);
}

static void
test_nothing_to_do(void)
{
  oci_process p = { 0 };
  oci_linux l = { 0 };
  brig_error *err = NULL;
  char *out = (char *)"x";

  TAP_OK(brig_lsm_apply_exec_label(&p, &err) == 0 && brig_lsm_apply_exec_label(NULL, &err) == 0 &&
             brig_lsm_apply_keyring_label(&p, &err) == 0,
         "no labels: nothing to apply");
  TAP_OK(brig_lsm_mount_label_option(&l, &out, &err) == 0 && out == NULL,
         "no mountLabel: no mount option");
  TAP_OK(brig_lsm_mount_data_with_label(NULL, NULL, &out, &err) == 0 && out == NULL,
         "no mountLabel, no data: NULL");
}

/* The check before a label is written: the host's /proc passes; a
 * directory that only looks like one (a tmpfs or an image's files where
 * the container's /proc should be) does not, whichever of self/attr and
 * thread-self/attr is the fake. */
static void
test_attr_procfs(void)
{
  char dir[] = "/tmp/brig-lsm-proc-XXXXXX", path[256], want[512];
  brig_error *err = NULL;
  int r;

  TAP_OK(brig_lsm_check_attr("apparmor", "/proc", &err) == 0, "the host's /proc is procfs%s%s",
         err ? ": " : "", err ? err->msg : "");
  brig_error_clear(&err);
  if (!mkdtemp(dir)) {
    TAP_SKIP("mkdtemp failed");
    TAP_SKIP("mkdtemp failed");
    TAP_SKIP("mkdtemp failed");
    return;
  }
  snprintf(path, sizeof(path), "%s/self", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof(path), "%s/self/attr", dir);
  mkdir(path, 0755);
  r = brig_lsm_check_attr("apparmor", dir, &err);
  snprintf(want, sizeof(want), "apparmor: %s/self/attr is not procfs", dir);
  TAP_OK(r == -1 && err && strcmp(err->msg, want) == 0, "a directory is not procfs: %s",
         err ? err->msg : "(no error)");
  brig_error_clear(&err);
  rmdir(path);
  /* self/attr is the real one, thread-self/attr a directory. */
  if (symlink("/proc/self/attr", path) < 0)
    tap_diag("symlink %s: %s", path, strerror(errno));
  snprintf(path, sizeof(path), "%s/thread-self", dir);
  mkdir(path, 0755);
  r = brig_lsm_check_attr("selinux", dir, &err);
  snprintf(want, sizeof(want), "selinux: %s/thread-self/attr: No such file or directory", dir);
  TAP_OK(r == -1 && err && strcmp(err->msg, want) == 0, "a missing one is an error: %s",
         err ? err->msg : "(no error)");
  brig_error_clear(&err);
  snprintf(path, sizeof(path), "%s/thread-self/attr", dir);
  mkdir(path, 0755);
  r = brig_lsm_check_attr("selinux", dir, &err);
  snprintf(want, sizeof(want), "selinux: %s/thread-self/attr is not procfs", dir);
  TAP_OK(r == -1 && err && strcmp(err->msg, want) == 0, "thread-self/attr is checked too: %s",
         err ? err->msg : "(no error)");
  brig_error_clear(&err);
  rmdir(path);
  snprintf(path, sizeof(path), "%s/thread-self", dir);
  rmdir(path);
  snprintf(path, sizeof(path), "%s/self/attr", dir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/self", dir);
  rmdir(path);
  rmdir(dir);
}

int
main(void)
{
  test_built();
  test_format();
  test_nothing_to_do();
  test_disabled();
  test_attr_procfs();
  return tap_done();
}
