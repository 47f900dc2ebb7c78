/* The engines' default profiles, as they put them in config.json, loaded
 * for real: podman's (tests/data/specs/podman-run-default.json:
 * containers-common's seccomp.json with the default capabilities applied)
 * and containerd's (containerd-ctr-run-seccomp.json, Docker's profile).
 * What they deny is denied with the right errno, and a shell still runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/personality.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp/filter.h"
#include "seccomp/load.h"
#include "tap.h"
#include "test-seccomp-util.h"

static oci_spec *
load_spec(const char *name)
{
  const char *dir = getenv("BRIG_TEST_DATA");
  char path[1024], *perr = NULL;
  oci_spec *spec;

  snprintf(path, sizeof(path), "%s/specs/%s", dir ? dir : "tests/data", name);
  spec = oci_spec_parse_file(path, NULL, &perr);
  if (!spec)
    tap_diag("%s", perr ? perr : path);
  free(perr);
  return spec;
}

/* fork + exec /bin/sh -c '/bin/true && echo ok' under the filter. */
static int
shell_child(void *arg)
{
  char *argv[] = { "sh", "-c", "/bin/true && test \"$(echo ok)\" = ok", NULL };
  char *envp[] = { "PATH=/usr/bin:/bin", NULL };
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  pid_t pid;

  child_load(arg);
  pid = fork();
  if (pid < 0)
    return OUT_CHECK_FAILED;
  if (pid == 0) {
    if (devnull >= 0)
      dup2(devnull, 1);
    execve("/bin/sh", argv, envp);
    _exit(127);
  }
  return wait_outcome(pid);
}

static void
test_podman(void)
{
  oci_spec *spec = load_spec("podman-run-default.json");
  struct sock_fprog prog = { 0 };
  brig_error *err = NULL;
  oci_seccomp *sc;
  int r;

  if (!spec || !spec->linux || !spec->linux->seccomp) {
    TAP_SKIP("podman-run-default.json with linux.seccomp not found (set BRIG_TEST_DATA)");
    oci_spec_free(spec);
    return;
  }
  sc = spec->linux->seccomp;
  r = brig_seccomp_export_bpf(sc, &prog, &err);
  TAP_OK(r == 0 && prog.len > 100, "podman's default profile builds: %u BPF instructions%s%s",
         prog.len, err ? ": " : "", err ? err->msg : "");
  brig_seccomp_fprog_clear(&prog);
  brig_error_clear(&err);

  r = child_outcome(sc, SYS_bpf, 0, 0, 0);
  TAP_OK(r == EPERM, "podman: bpf is denied with EPERM (%d)", r);
  r = child_outcome(sc, SYS_perf_event_open, 0, 0, 0);
  TAP_OK(r == EPERM, "podman: perf_event_open is denied with EPERM (%d)", r);
  r = child_outcome(sc, SYS_userfaultfd, 0, 0, 0);
  TAP_OK(r == EPERM, "podman: userfaultfd is denied with EPERM (%d)", r);
  r = child_outcome(sc, SYS_sethostname, (long)"x", 1, 0);
  TAP_OK(r == EPERM, "podman: sethostname (no CAP_SYS_ADMIN) is denied with EPERM (%d)", r);
  r = child_outcome(sc, SYS_add_key, 0, 0, 0);
  TAP_OK(r == ENOSYS, "podman: add_key, not in the profile, gets defaultErrnoRet ENOSYS (%d)", r);
  r = child_outcome(sc, SYS_personality, ADDR_NO_RANDOMIZE, 0, 0);
  TAP_OK(r == ENOSYS, "podman: personality(ADDR_NO_RANDOMIZE) is not an allowed value (%d)", r);
  r = child_outcome(sc, SYS_personality, 0xffffffffL, 0, 0);
  TAP_OK(r == OUT_SUCCESS, "podman: personality(0xffffffff), the query, is allowed (%d)", r);
  /* Podman's profile (unlike Docker's) leaves keyctl and unshare to the
   * capabilities: they pass the filter. */
  r = child_outcome(sc, SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0);
  TAP_OK(r >= 0 && r != ENOSYS && r != EPERM, "podman: keyctl passes this profile (%d)", r);
  r = run_child(shell_child, sc);
  TAP_OK(r == 0, "podman: a shell runs /bin/true under the filter (%d)", r);
  oci_spec_free(spec);
}

static void
test_containerd(void)
{
  oci_spec *spec = load_spec("containerd-ctr-run-seccomp.json");
  oci_seccomp *sc;
  int r;

  if (!spec || !spec->linux || !spec->linux->seccomp) {
    TAP_SKIP("containerd-ctr-run-seccomp.json with linux.seccomp not found");
    oci_spec_free(spec);
    return;
  }
  sc = spec->linux->seccomp;
  r = child_outcome(sc, SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0);
  TAP_OK(r == EPERM, "containerd: keyctl is denied with EPERM (%d)", r);
  r = child_outcome(sc, SYS_unshare, CLONE_NEWUSER, 0, 0);
  TAP_OK(r == EPERM, "containerd: unshare(CLONE_NEWUSER) is denied with EPERM (%d)", r);
  r = child_outcome(sc, SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0);
  TAP_OK(r == EPERM, "containerd: clone(CLONE_NEWUSER) is denied by the MASKED_EQ rule (%d)", r);
  r = child_outcome(sc, SYS_clone3, 0, 0, 0);
  TAP_OK(r == ENOSYS, "containerd: clone3 gets ENOSYS, so libc falls back to clone (%d)", r);
  r = run_child(shell_child, sc);
  TAP_OK(r == 0, "containerd: a shell forks and runs /bin/true under the filter (%d)", r);
  oci_spec_free(spec);
}

int
main(void)
{
  if (!seccomp_available()) {
    TAP_SKIP("the kernel cannot load seccomp filters");
    return tap_done();
  }
  test_podman();
  test_containerd();
  return tap_done();
}
