#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/cgroup-mount.h"
#include "linux/mounts.h"
#include "util/cleanup.h"
#include "util/file-util.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define VIEW_FILE_MAX (1 << 20)

int
brig_cgroup_view_read(int proc_fd, brig_cgroup_view *v, brig_error **err)
{
  v->self_cgroup = brig_read_file_at(proc_fd, "self/cgroup", VIEW_FILE_MAX, NULL);
  if (!v->self_cgroup)
    return brig_fail(err, errno, "read /proc/self/cgroup");
  v->mountinfo = brig_read_file_at(proc_fd, "self/mountinfo", VIEW_FILE_MAX, NULL);
  if (!v->mountinfo) {
    int saved = errno;

    brig_cgroup_view_free(v);
    return brig_fail(err, saved, "read /proc/self/mountinfo");
  }
  return 0;
}

void
brig_cgroup_view_free(brig_cgroup_view *v)
{
  free(v->self_cgroup);
  free(v->mountinfo);
  v->self_cgroup = v->mountinfo = NULL;
}

/* One cgroup mount of the host, from a mountinfo line. */
typedef struct host_hierarchy {
  char root[PATH_MAX];  /* the mount's root in its hierarchy (usually "/") */
  char point[PATH_MAX]; /* where it is mounted */
  char super[256];      /* super options: "rw,cpu,cpuacct", "rw,name=systemd" */
  bool v2;
} host_hierarchy;

/* Splits a mountinfo line; false for anything but a cgroup mount with a
 * path that needs no unescaping. */
static bool
parse_mountinfo_line(char *line, host_hierarchy *h)
{
  char *field[6], *sep, *save = NULL, *tok;
  size_t n = 0;

  sep = strstr(line, " - ");
  if (!sep)
    return false;
  *sep = '\0';
  for (tok = strtok_r(line, " ", &save); tok && n < 6; tok = strtok_r(NULL, " ", &save))
    field[n++] = tok;
  if (n < 5 || strchr(field[3], '\\') || strchr(field[4], '\\'))
    return false;
  save = NULL;
  tok = strtok_r(sep + 3, " ", &save); /* fstype */
  if (!tok || (strcmp(tok, "cgroup") && strcmp(tok, "cgroup2")))
    return false;
  h->v2 = strcmp(tok, "cgroup2") == 0;
  if (!strtok_r(NULL, " ", &save)) /* source */
    return false;
  tok = strtok_r(NULL, " \n", &save);
  snprintf(h->super, sizeof(h->super), "%s", tok ? tok : "");
  snprintf(h->root, sizeof(h->root), "%s", field[3]);
  snprintf(h->point, sizeof(h->point), "%s", field[4]);
  return true;
}

/* True if every comma-separated item of list is an option in super. */
static bool
all_in_options(const char *list, const char *super)
{
  const char *p = list;

  while (*p) {
    size_t len = strcspn(p, ",");
    const char *s = super;
    bool found = false;

    while (*s && !found) {
      size_t slen = strcspn(s, ",");

      found = slen == len && strncmp(s, p, len) == 0;
      s += slen + (s[slen] == ',');
    }
    if (!found)
      return false;
    p += len + (p[len] == ',');
  }
  return true;
}

/* The init's path in hierarchy h, from /proc/self/cgroup ("ID:CONTROLLERS:PATH";
 * "0::PATH" is the v2 one); NULL if it has none. */
static const char *
own_path(const char *self_cgroup, const host_hierarchy *h, char *buf, size_t size)
{
  const char *line = self_cgroup;

  while (line && *line) {
    const char *nl = strchr(line, '\n'), *c1 = strchr(line, ':'), *c2;
    size_t len = nl ? (size_t)(nl - line) : strlen(line);

    c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c1 && c2 && (size_t)(c2 - line) < len) {
      char ctrls[256];
      size_t clen = (size_t)(c2 - c1 - 1);
      bool is_v2 = clen == 0 && strncmp(line, "0:", 2) == 0;

      if (clen < sizeof(ctrls)) {
        memcpy(ctrls, c1 + 1, clen);
        ctrls[clen] = '\0';
        if (h->v2 ? is_v2 : (clen && all_in_options(ctrls, h->super))) {
          snprintf(buf, size, "%.*s", (int)(len - (size_t)(c2 + 1 - line)), c2 + 1);
          return buf;
        }
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  return NULL;
}

/* The host directory of the container's cgroup in h: the mount point plus
 * the path below the mount's root.  NULL when the path is not below it. */
static const char *
host_dir(const host_hierarchy *h, const char *path, char *buf, size_t size)
{
  size_t rlen = strlen(h->root);

  if (strcmp(h->root, "/") == 0)
    rlen = 0;
  else if (strncmp(path, h->root, rlen) || (path[rlen] && path[rlen] != '/'))
    return NULL;
  if ((size_t)snprintf(buf, size, "%s%s", h->point, path + rlen) >= size)
    return NULL;
  return buf;
}

static int
bind_hierarchy(const brig_cgroup_view *v, const host_hierarchy *h, int dst, unsigned attrs,
               const char *dest, brig_error **err)
{
  char path[PATH_MAX], dir[PATH_MAX];

  if (!own_path(v->self_cgroup, h, path, sizeof(path)) || !host_dir(h, path, dir, sizeof(dir)))
    return 0; /* not a hierarchy the container is in: left out */
  if (brig_bind_onto(-1, dir, dst, false, attrs) < 0)
    return brig_fail(err, errno, "mount cgroup on %s: bind %s", dest, dir);
  return 0;
}

/* The v1 (and hybrid) layout: a tmpfs holding one bound directory per
 * hierarchy. */
static int
mount_hierarchies(const brig_cgroup_view *v, int dst, unsigned attrs, const char *dest,
                  brig_error **err)
{
  _cleanup_free_ char *info = strdup(v->mountinfo);
  _cleanup_close_ int fs = -1, mnt = -1;
  char *line, *save = NULL;

  if (!info)
    return brig_fail(err, ENOMEM, "mount cgroup on %s", dest);
  fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0 ||
      syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return brig_fail(err, errno, "mount cgroup on %s: tmpfs", dest);
  mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (mnt < 0 || syscall(SYS_move_mount, mnt, "", dst, "",
                         MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return brig_fail(err, errno, "mount cgroup on %s: tmpfs", dest);
  for (line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    host_hierarchy h;
    const char *name;
    _cleanup_close_ int sub = -1;

    if (!parse_mountinfo_line(line, &h) || strncmp(h.point, CGROUP_ROOT "/", 15))
      continue;
    name = h.point + 15;
    if (!*name || strchr(name, '/'))
      continue;
    if (mkdirat(mnt, name, 0555) < 0 && errno != EEXIST)
      return brig_fail(err, errno, "mount cgroup on %s: mkdir %s", dest, name);
    sub = openat(mnt, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
      return brig_fail(err, errno, "mount cgroup on %s: %s", dest, name);
    if (bind_hierarchy(v, &h, sub, attrs, dest, err) < 0)
      return -1;
    /* Co-mounted controllers get a link each, as systemd makes them:
     * cpu -> cpu,cpuacct. */
    if (strchr(name, ',')) {
      _cleanup_free_ char *names = strdup(name);
      char *one, *s2 = NULL;

      for (one = names ? strtok_r(names, ",", &s2) : NULL; one; one = strtok_r(NULL, ",", &s2))
        if (symlinkat(name, mnt, one) < 0 && errno != EEXIST)
          return brig_fail(err, errno, "mount cgroup on %s: link %s", dest, one);
    }
  }
  if ((attrs & MOUNT_ATTR_RDONLY) &&
      brig_mount_set_attr(mnt, "", false, MOUNT_ATTR_RDONLY, 0, 0) < 0)
    return brig_fail(err, errno, "mount cgroup on %s: read-only", dest);
  return 0;
}

int
brig_cgroup_mount(const brig_cgroup_view *v, int dst, unsigned attrs, const char *dest,
                  brig_error **err)
{
  _cleanup_free_ char *info = NULL;
  char *line, *save = NULL;

  if (!v->self_cgroup || !v->mountinfo)
    return brig_fail(err, EINVAL, "mount cgroup on %s: the init's cgroups were not read", dest);
  info = strdup(v->mountinfo);
  if (!info)
    return brig_fail(err, ENOMEM, "mount cgroup on %s", dest);
  /* Pure v2: the unified hierarchy is /sys/fs/cgroup itself. */
  for (line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    host_hierarchy h;

    if (parse_mountinfo_line(line, &h) && h.v2 && strcmp(h.point, CGROUP_ROOT) == 0)
      return bind_hierarchy(v, &h, dst, attrs, dest, err);
  }
  return mount_hierarchies(v, dst, attrs, dest, err);
}
