#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/nsfs.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
  const char *type;
  int flag;
} ns_types[] = {
  { "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET }, { "mount", CLONE_NEWNS },
  { "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS },     { "user", CLONE_NEWUSER },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

static int check_time_offsets(const oci_linux *l, brig_error **err);

/* runtime-spec runtime.md: "If the runtime cannot apply a property as
 * specified in the configuration, it MUST generate an error."  Mappings
 * need a user namespace (and must be those of one given by path), time
 * offsets a new time namespace. */
static int
check_applicable(const oci_linux *l, const brig_ns_plan *plan, brig_error **err)
{
  size_t i;

  if (l->uid_mappings_len || l->gid_mappings_len) {
    if (!plan->new_user && !plan->join_user && !plan->late_user)
      return brig_fail(err, 0, "config.json: linux.uidMappings: need a user namespace");
    for (i = 0; plan->join_user && i < plan->n_join; i++)
      if (plan->join_type[i] == CLONE_NEWUSER &&
          brig_ns_check_joined_user_maps(plan->join_fd[i], l, err) < 0)
        return -1;
  }
  if (l->time_offsets_len && !plan->new_time)
    return brig_fail(err, 0, "config.json: linux.timeOffsets: need a new time namespace");
  return 0;
}

int
brig_ns_flag(const char *type)
{
  size_t i;

  for (i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
    if (strcmp(ns_types[i].type, type) == 0)
      return ns_types[i].flag;
  return 0;
}

void
brig_ns_plan_close(brig_ns_plan *plan)
{
  size_t i;

  for (i = 0; i < plan->n_join; i++)
    if (plan->join_fd[i] >= 0)
      close(plan->join_fd[i]);
  plan->n_join = 0;
}

/* Whether the uid mappings give the namespace a root. */
static bool
maps_root(const oci_linux *l)
{
  size_t i;

  for (i = 0; i < l->uid_mappings_len; i++)
    if (l->uid_mappings[i].container_id == 0)
      return true;
  return false;
}

bool
brig_ns_has_new_time(const oci_linux *l)
{
  size_t i;

  for (i = 0; l && i < l->namespaces_len; i++)
    if (strcmp(l->namespaces[i].type, "time") == 0)
      return !l->namespaces[i].path || !l->namespaces[i].path[0];
  return false;
}

bool
brig_ns_user_is_late(const oci_linux *l)
{
  size_t i;

  if (!l || !l->uid_mappings_len || maps_root(l))
    return false;
  for (i = 0; i < l->namespaces_len; i++)
    if (strcmp(l->namespaces[i].type, "user") == 0)
      return !l->namespaces[i].path || !l->namespaces[i].path[0];
  return false;
}

int
brig_ns_plan_build(const oci_spec *spec, brig_ns_plan *plan, brig_error **err)
{
  const oci_linux *l = spec->linux;
  size_t i;

  memset(plan, 0, sizeof(*plan));
  if (!l)
    return 0;
  for (i = 0; i < l->namespaces_len; i++) {
    const oci_namespace *ns = &l->namespaces[i];
    int flag = brig_ns_flag(ns->type);

    if (plan->all_flags & (uint64_t)flag) {
      brig_ns_plan_close(plan);
      return brig_fail(err, 0, "config.json: linux.namespaces: %s given twice", ns->type);
    }
    plan->all_flags |= (uint64_t)flag;
    if (!ns->path || !*ns->path) {
      if (flag == CLONE_NEWTIME)
        plan->new_time = true; /* unshared by the init, see brig_ns_setup_time */
      else
        plan->clone_flags |= (uint64_t)flag;
      if (flag == CLONE_NEWUSER)
        plan->new_user = true;
      continue;
    }
    /* runtime-spec config-linux.md: "This value MUST be an absolute path". */
    if (ns->path[0] != '/') {
      brig_ns_plan_close(plan);
      return brig_fail(err, 0, "config.json: linux.namespaces: %s: path must be absolute",
                       ns->path);
    }
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      brig_ns_plan_close(plan);
      return brig_fail(err, errno, "config.json: linux.namespaces: %s %s", ns->type, ns->path);
    }
    int actual = ioctl(fd, NS_GET_NSTYPE);
    if (actual != flag) {
      close(fd);
      brig_ns_plan_close(plan);
      return brig_fail(err, 0, "config.json: linux.namespaces: %s is not a %s namespace", ns->path,
                       ns->type);
    }
    plan->join_fd[plan->n_join] = fd;
    plan->join_type[plan->n_join] = flag;
    plan->n_join++;
    if (flag == CLONE_NEWUSER)
      plan->join_user = true;
  }
  /* Mappings without root (Firejail's noroot maps only the user): the
   * namespace's ids could not set the container up (search root-owned 0700
   * directories such as the state root, mount devpts with the tty group),
   * so the init enters it last, as Firejail does, and the other new
   * namespaces belong to brig's user namespace. */
  if (plan->new_user && brig_ns_user_is_late(l)) {
    plan->new_user = false;
    plan->late_user = true;
    plan->clone_flags &= ~(uint64_t)CLONE_NEWUSER;
  }
  if (check_time_offsets(l, err) < 0 || check_applicable(l, plan, err) < 0) {
    brig_ns_plan_close(plan);
    return -1;
  }
  return 0;
}

/* The namespaces of this process that brig_ns_enter_joined() changes, to
 * go back to them after the clone. */
static const char *
ns_proc_name(int flag)
{
  switch (flag) {
  case CLONE_NEWPID:
    return "pid";
  case CLONE_NEWNET:
    return "net";
  case CLONE_NEWNS:
    return "mnt";
  case CLONE_NEWIPC:
    return "ipc";
  case CLONE_NEWUTS:
    return "uts";
  case CLONE_NEWUSER:
    return "user";
  case CLONE_NEWCGROUP:
    return "cgroup";
  case CLONE_NEWTIME:
    return "time";
  default:
    return "?";
  }
}

uint64_t
brig_ns_own(const brig_ns_plan *plan)
{
  uint64_t own = plan->clone_flags;
  size_t i;

  for (i = 0; i < plan->n_join; i++) {
    struct stat joined, mine;
    char path[64];

    snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_proc_name(plan->join_type[i]));
    if (fstat(plan->join_fd[i], &joined) == 0 && stat(path, &mine) == 0 &&
        (joined.st_ino != mine.st_ino || joined.st_dev != mine.st_dev))
      own |= (uint64_t)plan->join_type[i];
  }
  return own;
}

int
brig_ns_enter_joined(brig_ns_plan *plan, bool with_user, brig_ns_saved *saved, brig_error **err)
{
  size_t i;

  if (saved) {
    memset(saved, 0, sizeof(*saved));
    saved->cwd_fd = -1;
  }
  /* Every namespace but the user one first, while brig still has its
   * capabilities in the host's user namespace; the user namespace last, so
   * that the namespaces clone3() then creates belong to it. */
  for (i = 0; i < plan->n_join; i++) {
    char path[64];
    int type = plan->join_type[i];

    if (type == CLONE_NEWUSER)
      continue;
    if (saved) {
      snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_proc_name(type));
      saved->fd[saved->n] = open(path, O_RDONLY | O_CLOEXEC);
      if (saved->fd[saved->n] < 0)
        return brig_fail(err, errno, "open %s", path);
      saved->type[saved->n++] = type;
      if (type == CLONE_NEWNS && saved->cwd_fd < 0) {
        saved->cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (saved->cwd_fd < 0)
          return brig_fail(err, errno, "open the current directory");
      }
    }
    if (setns(plan->join_fd[i], type) < 0)
      return brig_fail(err, errno, "join %s namespace", ns_proc_name(type));
  }
  for (i = 0; with_user && i < plan->n_join; i++)
    if (plan->join_type[i] == CLONE_NEWUSER && setns(plan->join_fd[i], CLONE_NEWUSER) < 0)
      return brig_fail(err, errno, "join user namespace");
  return 0;
}

int
brig_ns_restore(brig_ns_saved *saved, brig_error **err)
{
  brig_error *local = NULL;
  int r = 0;

  if (!err)
    err = &local;
  while (saved->n > 0) {
    saved->n--;
    if (setns(saved->fd[saved->n], saved->type[saved->n]) < 0 && r == 0)
      r = brig_fail(err, errno, "return to brig's %s namespace",
                    ns_proc_name(saved->type[saved->n]));
    close(saved->fd[saved->n]);
  }
  if (saved->cwd_fd >= 0) {
    if (fchdir(saved->cwd_fd) < 0 && r == 0)
      r = brig_fail(err, errno, "return to brig's working directory");
    close(saved->cwd_fd);
    saved->cwd_fd = -1;
  }
  brig_error_free(local);
  return r;
}

/* "ID HOSTID SIZE\n" per mapping, malloc'd. */
static char *
format_map(const oci_id_mapping *m, size_t n)
{
  char *buf = malloc(n * 40 + 1), *p = buf;
  size_t i;

  if (!buf)
    return NULL;
  for (i = 0; i < n; i++)
    p += sprintf(p, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  *p = '\0';
  return buf;
}

/* DIR/FILE (DIR a process's /proc directory, relative to dirfd). */
static int
write_proc(int dirfd, const char *dir, const char *file, const char *text)
{
  char path[96];

  snprintf(path, sizeof(path), "%s/%s", dir, file);
  return brig_write_existing_at(dirfd, path, text);
}

static int
write_map(int dirfd, const char *dir, const char *file, const oci_id_mapping *m, size_t n,
          brig_error **err)
{
  _cleanup_free_ char *buf = NULL;

  if (n == 0)
    return 0;
  buf = format_map(m, n);
  if (!buf)
    return brig_fail(err, ENOMEM, "%s", file);
  if (write_proc(dirfd, dir, file, buf) < 0)
    return brig_fail(err, errno, "write %s", file);
  return 0;
}

int
brig_ns_write_id_maps_at(int dirfd, const char *dir, const oci_linux *l, brig_error **err)
{
  if (!l)
    return 0;
  if (write_map(dirfd, dir, "uid_map", l->uid_mappings, l->uid_mappings_len, err) < 0)
    return -1;
  if (write_map(dirfd, dir, "gid_map", l->gid_mappings, l->gid_mappings_len, err) == 0)
    return 0;
  if ((*err)->errnum != EPERM || write_proc(dirfd, dir, "setgroups", "deny") < 0)
    return -1;
  /* user_namespaces(7): without CAP_SETGID in our own namespace (brig
   * run by an unprivileged user) gid_map is writable only once the
   * namespace cannot setgroups(2), or the container could drop a group
   * that denies it access. */
  brig_error_clear(err);
  return write_map(dirfd, dir, "gid_map", l->gid_mappings, l->gid_mappings_len, err);
}

int
brig_ns_write_id_maps(pid_t pid, const oci_linux *l, brig_error **err)
{
  char dir[32];

  snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
  return brig_ns_write_id_maps_at(AT_FDCWD, dir, l, err);
}

/* linux.timeOffsets: only the two clocks a time namespace offsets, each
 * once (the parser keeps duplicate keys). */
static int
check_time_offsets(const oci_linux *l, brig_error **err)
{
  size_t i, j;

  for (i = 0; i < l->time_offsets_len; i++) {
    const char *clock = l->time_offsets_keys[i];

    if (strcmp(clock, "monotonic") && strcmp(clock, "boottime"))
      return brig_fail(err, 0, "config.json: linux.timeOffsets: unknown clock %s", clock);
    for (j = 0; j < i; j++)
      if (strcmp(clock, l->time_offsets_keys[j]) == 0)
        return brig_fail(err, 0, "config.json: linux.timeOffsets: %s given twice", clock);
  }
  return 0;
}

int
brig_ns_setup_time(const oci_linux *l, brig_error **err)
{
  char buf[256];
  size_t i, n = 0;
  _cleanup_close_ int fd = -1;

  if (unshare(CLONE_NEWTIME) < 0)
    return brig_fail(err, errno, "unshare time namespace");
  if (!l || l->time_offsets_len == 0)
    return 0;
  if (check_time_offsets(l, err) < 0)
    return -1;
  for (i = 0; i < l->time_offsets_len; i++) {
    const oci_time_offset *o = &l->time_offsets[i];
    int len = snprintf(buf + n, sizeof(buf) - n, "%s %lld %u\n", l->time_offsets_keys[i],
                       (long long)o->secs, o->nanosecs);

    if (len < 0 || (size_t)len >= sizeof(buf) - n)
      return brig_fail(err, E2BIG, "config.json: linux.timeOffsets");
    n += (size_t)len;
  }
  fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || brig_write_all(fd, buf, n) < 0)
    return brig_fail(err, errno, "write timens_offsets");
  return 0;
}
