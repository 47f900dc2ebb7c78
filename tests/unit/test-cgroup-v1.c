/* The cgroup module against the kernel (root only): layout detection,
 * create with every resource and read the files back, update ordering,
 * enter, freeze, pids, stats, kill, destroy, error messages.  Everything
 * lives under /brig-test-<pid> in each hierarchy and is removed at exit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "config.h"
#include "linux/cgroup.h"
#include "tap.h"

static char test_root[64];
static char *root_subtree_before;

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

static char *
slurp(const char *dir, const char *file)
{
  char path[512], *buf = calloc(1, 65536);
  ssize_t n;
  int fd;

  snprintf(path, sizeof(path), "%s/%s", dir, file);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || !buf) {
    if (fd >= 0)
      close(fd);
    free(buf);
    return NULL;
  }
  n = read(fd, buf, 65535);
  close(fd);
  if (n < 0) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  while (n > 0 && buf[n - 1] == '\n')
    buf[--n] = '\0';
  return buf;
}

static bool
file_is(const brig_cgroup *cg, const char *controller, const char *file, const char *want)
{
  const char *dir = brig_cgroup_dir(cg, controller);
  char *got = dir ? slurp(dir, file) : NULL;
  bool ok = got && strcmp(got, want) == 0;

  if (!ok)
    tap_diag("%s/%s: got \"%s\", want \"%s\"", dir ? dir : "(none)", file, got ? got : "(null)",
             want);
  free(got);
  return ok;
}

static void
rm_tree(const char *path)
{
  char cmd[600];

  /* Deepest first; cgroupfs directories only go with rmdir. */
  snprintf(cmd, sizeof(cmd), "find '%s' -depth -type d -exec rmdir {} + 2>/dev/null", path);
  if (system(cmd) < 0)
    return;
}

static void
cleanup(void)
{
  const char *dirs[] = { "cpu",  "cpuacct", "cpuset",  "memory",  "devices", "freezer", "blkio",
                         "pids", "systemd", "unified", "hugetlb", "net_cls", "rdma",    NULL };
  size_t i;

  for (i = 0; dirs[i]; i++) {
    char p[256];

    snprintf(p, sizeof(p), BRIG_CGROUP_ROOT "/%s%s", dirs[i], test_root);
    if (access(p, F_OK) == 0)
      rm_tree(p);
  }
  /* Leave the cgroup2 root's subtree_control as found. */
  if (root_subtree_before && !strstr(root_subtree_before, "hugetlb")) {
    int fd = open(BRIG_CGROUP_ROOT "/unified/cgroup.subtree_control", O_WRONLY | O_CLOEXEC);

    if (fd >= 0) {
      if (write(fd, "-hugetlb", 8) < 0)
        perror("restore subtree_control");
      close(fd);
    }
  }
}

static bool
no_dir_left(const char *rel)
{
  const char *dirs[] = { "cpu",   "cpuacct", "cpuset",  "memory",  "devices", "freezer",
                         "blkio", "pids",    "systemd", "unified", NULL };
  bool ok = true;
  size_t i;

  for (i = 0; dirs[i]; i++) {
    char p[256];

    snprintf(p, sizeof(p), BRIG_CGROUP_ROOT "/%s%s", dirs[i], rel);
    if (access(p, F_OK) == 0) {
      tap_diag("left behind: %s", p);
      ok = false;
    }
  }
  return ok;
}

static void
test_detect(void)
{
  struct statfs root, uni;
  brig_cgroup_layout want, got = brig_cgroup_detect();

  if (statfs(BRIG_CGROUP_ROOT, &root) == 0 && root.f_type == CGROUP2_SUPER_MAGIC)
    want = BRIG_CGROUP_LAYOUT_UNIFIED;
  else if (statfs(BRIG_CGROUP_ROOT "/unified", &uni) == 0 && uni.f_type == CGROUP2_SUPER_MAGIC)
    want = BRIG_CGROUP_LAYOUT_HYBRID;
  else
    want = BRIG_CGROUP_LAYOUT_LEGACY;
  TAP_OK(got == want, "layout detected: %s (statfs says %s)", brig_cgroup_layout_name(got),
         brig_cgroup_layout_name(want));
}

/* A child that joins the cgroup itself (brig_cgroup_join_self, the v1
 * hierarchies), then spins; the parent's brig_cgroup_join_finish does the
 * cgroup2 one by pid, since fork() has no CLONE_INTO_CGROUP. */
static pid_t
spawn_spinner(volatile unsigned long *counter, brig_cgroup_join *join)
{
  int ready[2];
  pid_t pid;
  char c = 0;

  if (pipe2(ready, O_CLOEXEC) < 0)
    return -1;
  pid = fork();
  if (pid == 0) {
    brig_error *e = NULL;
    char *mem;

    if (brig_cgroup_join_self(join, &e) < 0)
      _exit(3);
    (void)!write(ready[1], "y", 1);
    usleep(100000); /* charged to the cgroup once the parent moved us */
    mem = malloc(4 << 20);

    if (mem)
      memset(mem, 1, 4 << 20);
    for (;;)
      (*counter)++;
  }
  close(ready[1]);
  if (pid > 0 && read(ready[0], &c, 1) != 1)
    tap_diag("the child could not join its cgroup");
  close(ready[0]);
  return pid;
}

static void
test_create_and_resources(void)
{
  char json[4096], path[128];
  oci_linux *l;
  brig_cgroup *cg = NULL, *cg2 = NULL;
  brig_error *err = NULL;
  volatile unsigned long *counter;
  brig_cgroup_join join;
  pid_t child;
  int r, status;

  snprintf(path, sizeof(path), "%s/c1", test_root);
  snprintf(json, sizeof(json),
           "{\"cgroupsPath\":\"%s\",\"resources\":{"
           "\"memory\":{\"limit\":67108864,\"reservation\":33554432,\"swap\":134217728,"
           "\"swappiness\":10,\"disableOOMKiller\":true,\"kernel\":1048576,\"kernelTCP\":1048576},"
           "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"burst\":10000,"
           "\"cpus\":\"0\",\"mems\":\"0\",\"idle\":0},"
           "\"pids\":{\"limit\":42},"
           "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}}",
           path);
  l = parse_linux(json);
  r = brig_cgroup_create("c1", l, &cg, &err);
  TAP_OK(r == 0, "create %s: %s", path, err ? err->msg : "ok");
  brig_error_clear(&err);
  oci_free(&oci_linux_desc, l);
  if (!cg)
    return;
  TAP_OK(file_is(cg, "memory", "memory.limit_in_bytes", "67108864"), "memory.limit_in_bytes");
  TAP_OK(file_is(cg, "memory", "memory.memsw.limit_in_bytes", "134217728"),
         "memory.memsw.limit_in_bytes (swap is memory+swap)");
  TAP_OK(file_is(cg, "memory", "memory.soft_limit_in_bytes", "33554432"),
         "memory.soft_limit_in_bytes");
  TAP_OK(file_is(cg, "memory", "memory.swappiness", "10"), "memory.swappiness");
  TAP_OK(file_is(cg, "memory", "memory.kmem.tcp.limit_in_bytes", "1048576"),
         "memory.kmem.tcp.limit_in_bytes (kernelTCP)");
  {
    const char *d = brig_cgroup_dir(cg, "memory");
    char *oom = d ? slurp(d, "memory.oom_control") : NULL;

    TAP_OK(oom && strstr(oom, "oom_kill_disable 1"), "memory.oom_control oom_kill_disable 1");
    free(oom);
  }
  TAP_OK(file_is(cg, "cpu", "cpu.shares", "512"), "cpu.shares");
  TAP_OK(file_is(cg, "cpu", "cpu.cfs_quota_us", "50000"), "cpu.cfs_quota_us");
  TAP_OK(file_is(cg, "cpu", "cpu.cfs_period_us", "100000"), "cpu.cfs_period_us");
  TAP_OK(file_is(cg, "cpu", "cpu.cfs_burst_us", "10000"), "cpu.cfs_burst_us");
  TAP_OK(file_is(cg, "cpu", "cpu.idle", "0"), "cpu.idle");
  TAP_OK(file_is(cg, "cpuset", "cpuset.cpus", "0"), "cpuset.cpus");
  TAP_OK(file_is(cg, "cpuset", "cpuset.mems", "0"), "cpuset.mems");
  TAP_OK(file_is(cg, "pids", "pids.max", "42"), "pids.max");
  if (access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0) {
    const char *d = brig_cgroup_dir(cg, "hugetlb");
    bool v2 = d && brig_cgroup_dir(cg, "") && strcmp(d, brig_cgroup_dir(cg, "")) == 0;

    TAP_OK(file_is(cg, "hugetlb", v2 ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes", "4194304"),
           "hugetlb 2MB limit (%s)", v2 ? "through cgroup2" : "v1");
  } else {
    TAP_SKIP("no 2MB huge pages");
  }
  if (brig_cgroup_dir(cg, "")) {
    char p[256];

    snprintf(p, sizeof(p), "%s/cgroup.procs", brig_cgroup_dir(cg, ""));
    TAP_OK(access(p, F_OK) == 0, "cgroup2 directory created too: %s", brig_cgroup_dir(cg, ""));
  }

  /* update: raising needs memsw first, lowering memory first */
  l = parse_linux("{\"resources\":{\"memory\":{\"limit\":268435456,\"swap\":536870912}}}");
  r = brig_cgroup_apply_resources(cg, l->resources, &err);
  TAP_OK(r == 0 && file_is(cg, "memory", "memory.limit_in_bytes", "268435456") &&
             file_is(cg, "memory", "memory.memsw.limit_in_bytes", "536870912"),
         "raise memory and swap: %s", err ? err->msg : "ok");
  brig_error_clear(&err);
  oci_free(&oci_linux_desc, l);
  l = parse_linux("{\"resources\":{\"memory\":{\"limit\":16777216,\"swap\":33554432}}}");
  r = brig_cgroup_apply_resources(cg, l->resources, &err);
  TAP_OK(r == 0 && file_is(cg, "memory", "memory.limit_in_bytes", "16777216") &&
             file_is(cg, "memory", "memory.memsw.limit_in_bytes", "33554432"),
         "lower memory and swap: %s", err ? err->msg : "ok");
  brig_error_clear(&err);
  oci_free(&oci_linux_desc, l);
  l = parse_linux("{\"resources\":{\"memory\":{\"limit\":-1}}}");
  r = brig_cgroup_apply_resources(cg, l->resources, &err);
  {
    const char *d = brig_cgroup_dir(cg, "memory");
    char *v = d ? slurp(d, "memory.limit_in_bytes") : NULL;

    TAP_OK(r == 0 && v && strtoull(v, NULL, 10) > (1ULL << 60), "memory -1 lifts the limit: %s",
           err ? err->msg : v);
    free(v);
  }
  brig_error_clear(&err);
  oci_free(&oci_linux_desc, l);
  l = parse_linux(
      "{\"resources\":{\"memory\":{\"limit\":67108864,\"swap\":134217728},"
      "\"cpu\":{\"period\":10000,\"quota\":5000,\"burst\":1000,\"realtimePeriod\":500000}}}");
  r = brig_cgroup_apply_resources(cg, l->resources, &err);
  TAP_OK(r == 0 && file_is(cg, "cpu", "cpu.cfs_period_us", "10000") &&
             file_is(cg, "cpu", "cpu.cfs_quota_us", "5000"),
         "shorter period with its quota: %s", err ? err->msg : "ok");
  if (brig_cgroup_dir(cg, "cpu") && access("/sys/fs/cgroup/cpu/cpu.rt_period_us", F_OK) == 0)
    TAP_OK(file_is(cg, "cpu", "cpu.rt_period_us", "500000"), "cpu.rt_period_us");
  else
    TAP_SKIP("no RT group scheduling");
  brig_error_clear(&err);
  oci_free(&oci_linux_desc, l);

  /* blkio: weight needs CFQ/BFQ; throttling a real disk */
  {
    const char *d = brig_cgroup_dir(cg, "blkio");
    unsigned maj = 0, mn = 0;
    char line[256], name[64], js[512];
    FILE *f = fopen("/proc/partitions", "re");
    bool found = false;

    while (f && fgets(line, sizeof(line), f))
      if (sscanf(line, " %u %u %*u %63s", &maj, &mn, name) == 3 && mn == 0) {
        found = true;
        break;
      }
    if (f)
      fclose(f);
    if (d && found) {
      char want[64];

      snprintf(js, sizeof(js),
               "{\"resources\":{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":%u,\"minor\":%u,"
               "\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":%u,\"minor\":%u,"
               "\"rate\":100}]}}}",
               maj, mn, maj, mn);
      l = parse_linux(js);
      r = brig_cgroup_apply_resources(cg, l->resources, &err);
      snprintf(want, sizeof(want), "%u:%u 1048576", maj, mn);
      TAP_OK(r == 0 && file_is(cg, "blkio", "blkio.throttle.read_bps_device", want),
             "blkio.throttle.read_bps_device %s: %s", name, err ? err->msg : "ok");
      snprintf(want, sizeof(want), "%u:%u 100", maj, mn);
      TAP_OK(file_is(cg, "blkio", "blkio.throttle.write_iops_device", want),
             "blkio.throttle.write_iops_device");
      brig_error_clear(&err);
      oci_free(&oci_linux_desc, l);
    } else {
      TAP_SKIP("no blkio hierarchy or no disk");
      TAP_SKIP("no blkio hierarchy or no disk");
    }
    if (d &&
        (access("/sys/fs/cgroup/blkio/blkio.weight", F_OK) == 0 || slurp(d, "blkio.bfq.weight"))) {
      l = parse_linux("{\"resources\":{\"blockIO\":{\"weight\":300}}}");
      r = brig_cgroup_apply_resources(cg, l->resources, &err);
      TAP_OK(r == 0, "blkio weight 300: %s", err ? err->msg : "ok");
      brig_error_clear(&err);
      oci_free(&oci_linux_desc, l);
    } else {
      TAP_SKIP("no CFQ/BFQ weight files on this kernel");
    }
  }

  /* enter, freeze, pids, stats */
  counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  r = brig_cgroup_join_prepare(cg, &join, &err);
  TAP_OK(r == 0 && (brig_cgroup_get_layout(cg) == BRIG_CGROUP_LAYOUT_UNIFIED
                        ? join.n_tasks == 0 && join.clone_fd >= 0
                        : join.n_tasks > 0),
         "join_prepare: %zu tasks fds, clone fd %d: %s", join.n_tasks, join.clone_fd,
         err ? err->msg : "ok");
  brig_error_clear(&err);
  child = spawn_spinner(counter, &join);
  r = brig_cgroup_join_finish(cg, &join, child, &err);
  TAP_OK(r == 0, "join pid %d: %s", child, err ? err->msg : "ok");
  brig_error_clear(&err);
  brig_cgroup_join_close(&join);
  {
    char p[64], *s;
    bool all = true;
    int lines = 0;

    snprintf(p, sizeof(p), "/proc/%d", child);
    s = slurp(p, "cgroup");
    for (char *ln = s ? strtok(s, "\n") : NULL; ln; ln = strtok(NULL, "\n")) {
      char *ctl = strchr(ln, ':');

      /* a v1 hierarchy bound but not mounted is none of ours */
      if (ctl && strncmp(ctl, ":net_cls,net_prio:", 18) == 0 &&
          access("/sys/fs/cgroup/net_cls", F_OK))
        continue;
      lines++;
      if (!strstr(ln, path)) {
        tap_diag("not in the cgroup: %s", ln);
        all = false;
      }
    }
    TAP_OK(s && all && lines > 1, "/proc/PID/cgroup names %s in all %d hierarchies", path, lines);
    free(s);
  }
  {
    pid_t *pids = NULL;
    size_t n = 0;

    r = brig_cgroup_pids(cg, &pids, &n, &err);
    TAP_OK(r == 0 && n == 1 && pids[0] == child, "pids: %zu (%d)", n, n ? pids[0] : 0);
    free(pids);
  }
  usleep(300000);
  {
    brig_cgroup_stats st;

    r = brig_cgroup_stats_read(cg, &st, &err);
    TAP_OK(r == 0 && st.cpu.usage.total > 0 && st.cpu.usage.percpu_len > 0,
           "stats: cpu total %llu ns over %zu cpus", (unsigned long long)st.cpu.usage.total,
           st.cpu.usage.percpu_len);
    TAP_OK(st.memory.usage.usage > 0 && st.memory.usage.limit == 67108864 && st.memory.raw_len > 5,
           "stats: memory usage %llu limit %llu, %zu raw counters",
           (unsigned long long)st.memory.usage.usage, (unsigned long long)st.memory.usage.limit,
           st.memory.raw_len);
    TAP_OK(st.pids.current == 1 && st.pids.limit == 42, "stats: pids %llu/%llu",
           (unsigned long long)st.pids.current, (unsigned long long)st.pids.limit);
    TAP_OK(st.memory.swap.limit == 134217728, "stats: swap (memsw) limit %llu",
           (unsigned long long)st.memory.swap.limit);
    brig_cgroup_stats_clear(&st);
  }
  {
    bool frozen = false;
    unsigned long a, b;

    r = brig_cgroup_freeze(cg, true, &err);
    TAP_OK(r == 0 && file_is(cg, "freezer", "freezer.state", "FROZEN"), "freeze: FROZEN %s",
           err ? err->msg : "");
    brig_error_clear(&err);
    TAP_OK(brig_cgroup_is_frozen(cg, &frozen, &err) == 0 && frozen, "is_frozen");
    a = *counter;
    usleep(100000);
    b = *counter;
    TAP_OK(a == b, "frozen child makes no progress (%lu, %lu)", a, b);
    r = brig_cgroup_freeze(cg, false, &err);
    usleep(100000);
    TAP_OK(r == 0 && *counter != b && file_is(cg, "freezer", "freezer.state", "THAWED"),
           "thawed child runs again");
    brig_error_clear(&err);
  }
  {
    char *text = brig_cgroup_serialize(cg);

    r = text ? brig_cgroup_deserialize(text, &cg2, &err) : -1;
    TAP_OK(r == 0, "state round trip: %s", err ? err->msg : "ok");
    free(text);
    brig_error_clear(&err);
  }
  /* destroy through the reloaded state, with the child still running */
  r = brig_cgroup_destroy(cg2 ? cg2 : cg, &err);
  TAP_OK(r == 0, "destroy with a live child: %s", err ? err->msg : "ok");
  brig_error_clear(&err);
  TAP_OK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
         "the child was killed with SIGKILL");
  TAP_OK(no_dir_left(path), "no directory left in any hierarchy");
  TAP_OK(brig_cgroup_destroy(cg, &err) == 0, "destroy again is a no-op");
  brig_error_clear(&err);
  brig_cgroup_free(cg);
  brig_cgroup_free(cg2);
  munmap((void *)counter, 4096);
}

/* tmpl with every "@R@" replaced by the test root. */
static void
subst_root(const char *tmpl, char *out, size_t len)
{
  size_t o = 0;

  while (*tmpl && o + 1 < len) {
    if (strncmp(tmpl, "@R@", 3) == 0) {
      o += (size_t)snprintf(out + o, len - o, "%s", test_root);
      tmpl += 3;
    } else {
      out[o++] = *tmpl++;
    }
  }
  out[o < len ? o : len - 1] = '\0';
}

static void
expect_create_error(const char *json_fmt, const char *id, const char *want_fmt)
{
  char json[1024], want[1024];
  brig_cgroup *cg = NULL;
  brig_error *err = NULL;
  oci_linux *l;
  int r;

  subst_root(json_fmt, json, sizeof(json));
  subst_root(want_fmt, want, sizeof(want));
  l = parse_linux(json);
  r = brig_cgroup_create(id, l, &cg, &err);
  TAP_OK(r < 0 && err && strcmp(err->msg, want) == 0, "%s -> %s", json, err ? err->msg : "none");
  if (r == 0)
    brig_cgroup_destroy(cg, &err);
  brig_cgroup_free(cg);
  brig_error_clear(&err);
  oci_free(&oci_linux_desc, l);
}

static void
test_errors(void)
{
  char rel[128];

  expect_create_error("{\"cgroupsPath\":\"@R@/../e0\"}", "e0",
                      "linux.cgroupsPath: \"@R@/../e0\": must not contain \"..\"");
  expect_create_error(
      "{\"cgroupsPath\":\"@R@/e1\",\"resources\":{\"memory\":{\"swappiness\":201}}}", "e1",
      "linux.resources.memory.swappiness: write /sys/fs/cgroup/memory@R@/e1/"
      "memory.swappiness: Invalid argument");
  snprintf(rel, sizeof(rel), "%s/e1", test_root);
  TAP_OK(no_dir_left(rel), "a failed create leaves no directory");
  expect_create_error("{\"cgroupsPath\":\"@R@/e2\",\"resources\":{\"cpu\":{\"quota\":500}}}", "e2",
                      "linux.resources.cpu.quota: write /sys/fs/cgroup/cpu@R@/e2/"
                      "cpu.cfs_quota_us: Invalid argument");
  expect_create_error("{\"cgroupsPath\":\"@R@/e3\",\"resources\":{\"cpu\":{\"shares\":1000000}}}",
                      "e3",
                      "linux.resources.cpu.shares: 1000000 is out of range: the kernel set "
                      "262144");
  expect_create_error("{\"cgroupsPath\":\"@R@/e4\",\"resources\":{\"hugepageLimits\":"
                      "[{\"pageSize\":\"2MB/../x\",\"limit\":1}]}}",
                      "e4",
                      "linux.resources.hugepageLimits: pageSize \"2MB/../x\": expected a size like "
                      "2MB");
  expect_create_error("{\"cgroupsPath\":\"@R@/e5\",\"resources\":{\"unified\":{\"../x\":\"1\"}}}",
                      "e5", "linux.resources.unified: invalid key \"../x\"");
  if (access("/sys/fs/cgroup/rdma", F_OK) != 0)
    expect_create_error("{\"cgroupsPath\":\"@R@/e6\",\"resources\":{\"rdma\":{\"mlx5_0\":"
                        "{\"hcaHandles\":3}}}}",
                        "e6", "linux.resources.rdma: the rdma cgroup controller is not available");
  else
    TAP_SKIP("rdma is mounted here");
  snprintf(rel, sizeof(rel), "%s/e6", test_root);
  TAP_OK(no_dir_left(rel), "still nothing left after the failures");
}

static bool
net_cls_bound(void)
{
  char line[256];
  int hier = 0;
  FILE *f = fopen("/proc/cgroups", "re");

  while (f && fgets(line, sizeof(line), f))
    if (sscanf(line, "net_cls %d", &hier) == 1)
      break;
  if (f)
    fclose(f);
  return hier != 0;
}

/* net_cls and net_prio are not mounted on this host: mount them in a
 * private mount namespace, where the module finds them in mountinfo. */
static void
test_network(void)
{
  char dir[] = "/tmp/brig-cg-net-XXXXXX", json[512], path[128];
  brig_cgroup *cg = NULL;
  brig_error *err = NULL;
  oci_linux *l;
  int r;

  if (access("/sys/fs/cgroup/net_cls", F_OK) != 0) {
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        !mkdtemp(dir) || mount("cgroup", dir, "cgroup", 0, "net_cls,net_prio") < 0) {
      TAP_SKIP("cannot mount net_cls,net_prio: %s", strerror(errno));
      TAP_SKIP("cannot mount net_cls,net_prio");
      rmdir(dir);
      return;
    }
  }
  snprintf(path, sizeof(path), "%s/n1", test_root);
  snprintf(json, sizeof(json),
           "{\"cgroupsPath\":\"%s\",\"resources\":{\"network\":{\"classID\":1048577,"
           "\"priorities\":[{\"name\":\"lo\",\"priority\":5}]}}}",
           path);
  l = parse_linux(json);
  r = brig_cgroup_create("n1", l, &cg, &err);
  TAP_OK(r == 0 && file_is(cg, "net_cls", "net_cls.classid", "1048577"), "net_cls.classid: %s",
         err ? err->msg : "ok");
  brig_error_clear(&err);
  if (cg) {
    const char *d = brig_cgroup_dir(cg, "net_prio");
    char *map = d ? slurp(d, "net_prio.ifpriomap") : NULL;

    TAP_OK(map && strstr(map, "lo 5"), "net_prio.ifpriomap has lo 5");
    free(map);
    TAP_OK(brig_cgroup_destroy(cg, &err) == 0, "destroy network cgroup");
    brig_error_clear(&err);
    if (d) {
      char tr[256];

      snprintf(tr, sizeof(tr), "%s%s", dir, test_root);
      rmdir(tr);
    }
  }
  brig_cgroup_free(cg);
  oci_free(&oci_linux_desc, l);
  if (dir[sizeof(dir) - 7] != 'X') {
    int i;

    /* The hierarchy goes away when unmounted without children; a child
     * just removed may still be dying, so remount and retry. */
    umount2(dir, MNT_DETACH);
    for (i = 0; i < 30 && net_cls_bound(); i++) {
      usleep(100000);
      if (mount("cgroup", dir, "cgroup", 0, "net_cls,net_prio") == 0)
        umount2(dir, 0);
    }
    rmdir(dir);
  }
}

int
main(void)
{
  if (geteuid() != 0) {
    TAP_SKIP("cgroup tests need root");
    return tap_done();
  }
  test_detect();
  if (brig_cgroup_detect() == BRIG_CGROUP_LAYOUT_UNIFIED) {
    TAP_SKIP("v1 tests on a v2-only host");
    return tap_done();
  }
  snprintf(test_root, sizeof(test_root), "/brig-test-%d", (int)getpid());
  root_subtree_before = slurp(BRIG_CGROUP_ROOT "/unified", "cgroup.subtree_control");
  atexit(cleanup);
  signal(SIGPIPE, SIG_IGN);
  test_create_and_resources();
  test_errors();
  test_network();
  cleanup();
  root_subtree_before = NULL;
  TAP_OK(no_dir_left(test_root), "test root removed from every hierarchy");
  return tap_done();
}
