/* Device access control against the kernel (root only): a process in the
 * container's cgroup cannot open a device node the list denies, can once a
 * rule allows it; v1 through devices.deny/allow, v2 through a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to a cgroup2 directory.
 * Nodes are mknod'ed in a temporary directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "config.h"
#include "linux/cgroup-devices.h"
#include "linux/cgroup.h"
#include "tap.h"

static char tmp[] = "/tmp/brig-cg-dev-XXXXXX";
static char node_null[128], node_kmsg[128], scratch[128], test_root[64];

static oci_linux *
parse_linux(const char *json)
{
  char *msg = NULL;
  oci_linux *l = oci_parse_data(&oci_linux_desc, "config.json", json, strlen(json), NULL, &msg);

  if (!l)
    tap_diag("parse: %s", msg ? msg : "?");
  free(msg);
  return l;
}

/* 0 if a child moved into the cgroup (cgroup.procs of each dir) can
 * open path with flags, else the errno it got. */
static int
open_in(const char *const *dirs, const char *path, int flags)
{
  int pfd[2], status, result = -1;
  pid_t pid;

  if (pipe(pfd) < 0)
    return -1;
  pid = fork();
  if (pid == 0) {
    char go;

    close(pfd[1]);
    if (read(pfd[0], &go, 1) != 1)
      _exit(100);
    {
      int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK);

      _exit(fd >= 0 ? 0 : errno);
    }
  }
  close(pfd[0]);
  for (; *dirs; dirs++) {
    char p[256], v[32];
    int fd;

    snprintf(p, sizeof(p), "%s/cgroup.procs", *dirs);
    snprintf(v, sizeof(v), "%d", (int)pid);
    fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, v, strlen(v)) < 0)
      tap_diag("move %d to %s: %s", pid, *dirs, strerror(errno));
    if (fd >= 0)
      close(fd);
  }
  if (write(pfd[1], "x", 1) != 1)
    tap_diag("pipe: %s", strerror(errno));
  close(pfd[1]);
  if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
    result = WEXITSTATUS(status);
  return result;
}

static void
test_v1(void)
{
  char json[1024];
  brig_cgroup *cg = NULL;
  brig_error *err = NULL;
  oci_linux *l;
  const char *dirs[2] = { NULL, NULL };
  int r;

  snprintf(json, sizeof(json),
           "{\"cgroupsPath\":\"%s/d1\",\"resources\":{\"devices\":[{\"allow\":false,"
           "\"access\":\"rwm\"}]}}",
           test_root);
  l = parse_linux(json);
  r = brig_cgroup_create("d1", l, &cg, &err);
  oci_free(&oci_linux_desc, l);
  TAP_OK(r == 0, "create with deny-all: %s", err ? err->msg : "ok");
  brig_error_clear(&err);
  if (!cg)
    return;
  dirs[0] = brig_cgroup_dir(cg, "devices");
  if (!dirs[0]) {
    TAP_SKIP("no v1 devices controller");
    brig_cgroup_destroy(cg, &err);
    brig_cgroup_free(cg);
    return;
  }
  {
    char p[256], buf[4096] = "";
    FILE *f;

    snprintf(p, sizeof(p), "%s/devices.list", dirs[0]);
    f = fopen(p, "re");
    if (f) {
      size_t n = fread(buf, 1, sizeof(buf) - 1, f);

      buf[n] = '\0';
      fclose(f);
    }
    TAP_OK(strstr(buf, "c 1:3 rwm") && strstr(buf, "c 136:* rwm") && !strstr(buf, "a *:* rwm"),
           "devices.list has the default allow list and no a *:* rwm");
  }
  TAP_OK(open_in(dirs, node_kmsg, O_RDONLY) == EPERM, "deny-all: open of c 1:11 is EPERM");
  TAP_OK(open_in(dirs, node_null, O_RDWR) == 0, "default rule: c 1:3 (null) opens");
  brig_cgroup_destroy(cg, &err);
  brig_cgroup_free(cg);
  cg = NULL;

  snprintf(json, sizeof(json),
           "{\"cgroupsPath\":\"%s/d2\",\"resources\":{\"devices\":[{\"allow\":false,"
           "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,"
           "\"access\":\"r\"}]}}",
           test_root);
  l = parse_linux(json);
  r = brig_cgroup_create("d2", l, &cg, &err);
  oci_free(&oci_linux_desc, l);
  TAP_OK(r == 0, "create with an allow rule: %s", err ? err->msg : "ok");
  brig_error_clear(&err);
  if (!cg)
    return;
  dirs[0] = brig_cgroup_dir(cg, "devices");
  TAP_OK(open_in(dirs, node_kmsg, O_RDONLY) == 0, "allow c 1:11 r: read open works");
  TAP_OK(open_in(dirs, node_kmsg, O_WRONLY) == EPERM, "allow c 1:11 r: write open is EPERM");
  brig_cgroup_destroy(cg, &err);
  brig_cgroup_free(cg);
  cg = NULL;

  snprintf(json, sizeof(json),
           "{\"cgroupsPath\":\"%s/d3\",\"devices\":[{\"path\":\"/dev/kmsg\",\"type\":\"c\","
           "\"major\":1,\"minor\":11}],\"resources\":{\"devices\":[{\"allow\":false,"
           "\"access\":\"rwm\"}]}}",
           test_root);
  l = parse_linux(json);
  r = brig_cgroup_create("d3", l, &cg, &err);
  oci_free(&oci_linux_desc, l);
  dirs[0] = cg ? brig_cgroup_dir(cg, "devices") : NULL;
  TAP_OK(r == 0 && dirs[0] && open_in(dirs, node_kmsg, O_RDWR) == 0,
         "a linux.devices node is allowed rwm");
  brig_error_clear(&err);
  if (cg)
    brig_cgroup_destroy(cg, &err);
  brig_error_clear(&err);
  brig_cgroup_free(cg);
}

static int
attached_count(const char *dir)
{
  union bpf_attr attr;
  uint32_t ids[16];
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return -1;
  memset(&attr, 0, sizeof(attr));
  attr.query.target_fd = (uint32_t)fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = 16;
  if (syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)) < 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return (int)attr.query.prog_cnt;
}

static void
test_bpf(void)
{
  brig_cgroup_dev_rule *rules = NULL;
  struct bpf_insn *prog = NULL;
  brig_error *err = NULL;
  oci_linux *l;
  size_t n = 0, len = 0;
  struct statfs sfs;
  const char *dirs[2] = { scratch, NULL };
  int fd, r;

  l = parse_linux("{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}");
  r = brig_cgroup_device_rules(l, &rules, &n, &err);
  if (r == 0)
    r = brig_cgroup_bpf_build(rules, n, &prog, &len, &err);
  fd = r == 0 ? brig_cgroup_bpf_load(prog, len, &err) : -1;
  TAP_OK(fd >= 0, "BPF_PROG_LOAD of the device program (%zu insns): %s", len,
         err ? err->msg : "ok");
  brig_error_clear(&err);
  free(prog);
  prog = NULL;
  oci_free(&oci_linux_desc, l);
  if (fd < 0) {
    free(rules);
    return;
  }
  if (statfs(BRIG_CGROUP_ROOT "/unified", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    snprintf(scratch, sizeof(scratch), BRIG_CGROUP_ROOT "/unified%s-bpf", test_root);
  else if (statfs(BRIG_CGROUP_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    snprintf(scratch, sizeof(scratch), BRIG_CGROUP_ROOT "%s-bpf", test_root);
  if (!scratch[0] || mkdir(scratch, 0755) < 0) {
    TAP_SKIP("no cgroup2 directory to attach to");
    close(fd);
    free(rules);
    return;
  }
  r = brig_cgroup_bpf_attach(scratch, fd, &err);
  close(fd);
  TAP_OK(r == 0, "attach to %s: %s", scratch, err ? err->msg : "ok");
  brig_error_clear(&err);
  TAP_OK(open_in(dirs, node_kmsg, O_RDONLY) == EPERM, "BPF deny-all: open of c 1:11 is EPERM");
  TAP_OK(open_in(dirs, node_null, O_RDWR) == 0, "BPF default rule: c 1:3 opens");
  free(rules);
  rules = NULL;

  l = parse_linux("{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                  "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,\"access\":\"r\"},"
                  "{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"w\"}]}}");
  r = brig_cgroup_device_rules(l, &rules, &n, &err);
  /* Drop the defaults so that the last rule (deny c 1:3 w) decides. */
  if (r == 0) {
    n = 3;
    r = brig_cgroup_bpf_devices(scratch, rules, n, &err);
  }
  TAP_OK(r == 0, "replace the program: %s", err ? err->msg : "ok");
  brig_error_clear(&err);
  TAP_OK(attached_count(scratch) == 1, "one device program attached after the update (%d)",
         attached_count(scratch));
  TAP_OK(open_in(dirs, node_kmsg, O_RDONLY) == 0, "BPF allow c 1:11 r: read open works");
  TAP_OK(open_in(dirs, node_kmsg, O_WRONLY) == EPERM, "BPF allow c 1:11 r: write is EPERM");
  TAP_OK(open_in(dirs, node_null, O_RDONLY) == EPERM && open_in(dirs, node_null, O_WRONLY) == EPERM,
         "BPF: c 1:3 not allowed once the defaults are gone, deny w");
  free(rules);
  oci_free(&oci_linux_desc, l);
}

static void
cleanup(void)
{
  char cmd[512];

  if (scratch[0])
    rmdir(scratch);
  snprintf(cmd, sizeof(cmd),
           "for h in /sys/fs/cgroup/*%s; do find \"$h\" -depth -type d -exec rmdir {} + ; done "
           "2>/dev/null",
           test_root);
  if (system(cmd) < 0)
    perror("cleanup");
  unlink(node_null);
  unlink(node_kmsg);
  rmdir(tmp);
}

int
main(void)
{
  if (geteuid() != 0) {
    TAP_SKIP("device cgroup tests need root");
    return tap_done();
  }
  if (!mkdtemp(tmp)) {
    TAP_OK(false, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  snprintf(test_root, sizeof(test_root), "/brig-test-%d", (int)getpid());
  snprintf(node_null, sizeof(node_null), "%s/null", tmp);
  snprintf(node_kmsg, sizeof(node_kmsg), "%s/kmsg", tmp);
  atexit(cleanup);
  if (mknod(node_null, S_IFCHR | 0666, makedev(1, 3)) < 0 ||
      mknod(node_kmsg, S_IFCHR | 0644, makedev(1, 11)) < 0) {
    TAP_SKIP("mknod: %s", strerror(errno));
    return tap_done();
  }
  if (brig_cgroup_detect() != BRIG_CGROUP_LAYOUT_UNIFIED)
    test_v1();
  test_bpf();
  return tap_done();
}
