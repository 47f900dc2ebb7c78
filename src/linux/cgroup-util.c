/* File helpers shared by the cgroup modules, and the discovery of the
 * cgroup mounts from /proc/self/mountinfo. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux/cgroup-internal.h"
#include "util/cleanup.h"

#define CG_READ_MAX (1024 * 1024)

bool
brig_cg_list_has(const char *list, const char *word, char sep)
{
  size_t wl = strlen(word);
  const char *p = list;

  if (!list)
    return false;
  while (*p) {
    const char *end = strchr(p, sep);
    size_t l = end ? (size_t)(end - p) : strlen(p);

    if (l == wl && memcmp(p, word, wl) == 0)
      return true;
    if (!end)
      break;
    p = end + 1;
  }
  return false;
}

int
brig_cg_write(const char *dir, const char *file, const char *value, const char *field,
              brig_error **err)
{
  _cleanup_close_ int dfd = -1, fd = -1;
  size_t len = strlen(value);
  ssize_t w;

  dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    fd = openat(dfd, file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return brig_fail(err, errno, "%s: write %s/%s", field, dir, file);
  /* A cgroup file takes one value per write(2): never split it. */
  do
    w = write(fd, value, len);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return brig_fail(err, errno, "%s: write %s/%s", field, dir, file);
  if ((size_t)w != len)
    return brig_fail(err, EIO, "%s: write %s/%s: short write", field, dir, file);
  return 0;
}

int
brig_cg_writef(const char *dir, const char *file, const char *field, brig_error **err,
               const char *fmt, ...)
{
  _cleanup_free_ char *value = NULL;
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = vasprintf(&value, fmt, ap);
  va_end(ap);
  if (r < 0) {
    value = NULL;
    return brig_fail(err, ENOMEM, "%s", field);
  }
  return brig_cg_write(dir, file, value, field, err);
}

char *
brig_cg_read(const char *dir, const char *file)
{
  _cleanup_close_ int dfd = -1, fd = -1;
  _cleanup_free_ char *buf = NULL;
  size_t len = 0, cap = 4096;

  dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return NULL;
  fd = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  buf = malloc(cap);
  if (!buf)
    return NULL;
  for (;;) {
    ssize_t r;

    if (len + 1 >= cap) {
      char *nb;

      if (cap >= CG_READ_MAX) {
        errno = EFBIG;
        return NULL;
      }
      nb = realloc(buf, cap * 2);
      if (!nb)
        return NULL;
      buf = nb;
      cap *= 2;
    }
    r = read(fd, buf + len, cap - len - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return NULL;
    if (r == 0)
      break;
    len += (size_t)r;
  }
  buf[len] = '\0';
  return BRIG_STEAL(buf);
}

static int
parse_u64(const char *s, uint64_t *v)
{
  char *end;

  while (*s == ' ' || *s == '\t')
    s++;
  if (strncmp(s, "max", 3) == 0) {
    *v = UINT64_MAX;
    return 0;
  }
  errno = 0;
  *v = strtoull(s, &end, 10);
  if (errno || end == s) {
    errno = errno ? errno : EINVAL;
    return -1;
  }
  return 0;
}

int
brig_cg_read_u64(const char *dir, const char *file, uint64_t *v)
{
  _cleanup_free_ char *s = brig_cg_read(dir, file);

  if (!s)
    return -1;
  return parse_u64(s, v);
}

int
brig_cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *v)
{
  _cleanup_free_ char *s = brig_cg_read(dir, file);
  size_t kl = strlen(key);
  char *line;

  if (!s)
    return -1;
  for (line = s; line && *line;) {
    char *nl = strchr(line, '\n');

    if (nl)
      *nl = '\0';
    if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
      return parse_u64(line + kl + 1, v);
    line = nl ? nl + 1 : NULL;
  }
  errno = ENOENT;
  return -1;
}

bool
brig_cg_exists(const char *dir, const char *file)
{
  _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

  return dfd >= 0 && faccessat(dfd, file, F_OK, 0) == 0;
}

const brig_cgroup_hierarchy *
brig_cg_v1(const brig_cgroup *cg, const char *controller)
{
  size_t i;

  for (i = 0; i < cg->n; i++)
    if (!cg->h[i].v2 && brig_cg_list_has(cg->h[i].controllers, controller, ','))
      return &cg->h[i];
  return NULL;
}

const brig_cgroup_hierarchy *
brig_cg_v2(const brig_cgroup *cg)
{
  return cg->unified >= 0 ? &cg->h[cg->unified] : NULL;
}

bool
brig_cg_v2_available(const brig_cgroup *cg, const char *controller)
{
  const brig_cgroup_hierarchy *u = brig_cg_v2(cg);
  _cleanup_free_ char *list = NULL;
  char *nl;

  if (!u)
    return false;
  list = brig_cg_read(u->mountpoint, "cgroup.controllers");
  if (!list)
    return false;
  nl = strchr(list, '\n');
  if (nl)
    *nl = '\0';
  return brig_cg_list_has(list, controller, ' ');
}

int
brig_cg_v2_enable(const brig_cgroup *cg, const char *controller, const char *field,
                  brig_error **err)
{
  const brig_cgroup_hierarchy *u = brig_cg_v2(cg);
  _cleanup_free_ char *dir = NULL;
  size_t mlen;
  char *slash;

  if (!u)
    return brig_fail(err, 0, "%s: no cgroup2 hierarchy", field);
  dir = strdup(u->dir);
  if (!dir)
    return brig_fail(err, ENOMEM, "%s", field);
  mlen = strlen(u->mountpoint);
  /* From the root down to the parent of the container's cgroup. */
  for (slash = dir + mlen;;) {
    _cleanup_free_ char *cur = NULL;
    char saved = *slash;

    *slash = '\0';
    cur = brig_cg_read(dir, "cgroup.subtree_control");
    if (cur && strchr(cur, '\n'))
      *strchr(cur, '\n') = '\0';
    if (!cur || !brig_cg_list_has(cur, controller, ' ')) {
      if (brig_cg_writef(dir, "cgroup.subtree_control", field, err, "+%s", controller) < 0)
        return -1;
    }
    *slash = saved;
    if (saved == '\0')
      break;
    slash = strchr(slash + 1, '/');
    if (!slash)
      break;
  }
  return 0;
}

/* ---- mountinfo ---- */

static const char *const v1_controllers[] = {
  "cpu",   "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls", "net_prio",
  "blkio", "pids",    "perf_event", "hugetlb", "rdma",    "misc",    "debug",   NULL,
};

static bool
is_v1_controller(const char *opt)
{
  size_t i;

  if (strncmp(opt, "name=", 5) == 0)
    return true;
  for (i = 0; v1_controllers[i]; i++)
    if (strcmp(opt, v1_controllers[i]) == 0)
      return true;
  return false;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape_octal(char *s)
{
  char *w = s;

  for (; *s; s++) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
        s[3] <= '7') {
      *w++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
      s += 3;
    } else {
      *w++ = *s;
    }
  }
  *w = '\0';
}

void
brig_cg_hierarchies_free(brig_cgroup_hierarchy *h, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free(h[i].controllers);
    free(h[i].mountpoint);
    free(h[i].rel);
    free(h[i].dir);
  }
  free(h);
}

static bool
seen(const brig_cgroup_hierarchy *h, size_t n, bool v2, const char *controllers)
{
  size_t i;

  for (i = 0; i < n; i++) {
    if (h[i].v2 != v2)
      continue;
    if (v2 || strcmp(h[i].controllers, controllers) == 0)
      return true;
  }
  return false;
}

/* One mountinfo line: fills *v2, *mnt and *ctl (malloc'd); 0 if it is not
 * a cgroup mount. */
static int
parse_mount_line(char *line, bool *v2, char **mnt, char **ctl)
{
  char *fields[6], *sep, *fstype, *superopts, *save = NULL, *opt, *p = line;
  _cleanup_free_ char *controllers = NULL;
  size_t i, clen = 0;

  for (i = 0; i < 6; i++) {
    fields[i] = strsep(&p, " ");
    if (!fields[i] || !p)
      return 0;
  }
  sep = strstr(p, " - ");
  if (!sep && strncmp(p, "- ", 2) == 0)
    sep = p - 1;
  if (!sep)
    return 0;
  fstype = sep + 3;
  p = strchr(fstype, ' ');
  if (!p)
    return 0;
  *p++ = '\0';
  superopts = strchr(p, ' ');
  superopts = superopts ? superopts + 1 : (char *)"";
  if (strcmp(fstype, "cgroup2") == 0) {
    *v2 = true;
    controllers = strdup("");
  } else if (strcmp(fstype, "cgroup") == 0) {
    *v2 = false;
    controllers = calloc(1, strlen(superopts) + 1);
    if (!controllers)
      return -1;
    for (opt = strtok_r(superopts, ",\n", &save); opt; opt = strtok_r(NULL, ",\n", &save)) {
      if (!is_v1_controller(opt))
        continue;
      if (clen)
        controllers[clen++] = ',';
      strcpy(controllers + clen, opt);
      clen += strlen(opt);
    }
    if (clen == 0)
      return 0;
  } else {
    return 0;
  }
  if (!controllers)
    return -1;
  unescape_octal(fields[4]);
  *mnt = strdup(fields[4]);
  if (!*mnt)
    return -1;
  *ctl = BRIG_STEAL(controllers);
  return 1;
}

int
brig_cg_mounts(brig_cgroup_hierarchy **out, size_t *n, brig_error **err)
{
  _cleanup_fclose_ FILE *f = NULL;
  _cleanup_free_ char *line = NULL;
  brig_cgroup_hierarchy *h = NULL;
  size_t cap = 0, len = 0, lcap = 0;
  int pass;

  for (pass = 0; pass < 2; pass++) {
    /* Pass 0 takes the mounts below /sys/fs/cgroup, pass 1 any other one
     * for a hierarchy not seen yet. */
    f = fopen("/proc/self/mountinfo", "re");
    if (!f) {
      brig_cg_hierarchies_free(h, len);
      return brig_fail(err, errno, "cgroup: open /proc/self/mountinfo");
    }
    while (getline(&line, &lcap, f) > 0) {
      _cleanup_free_ char *mnt = NULL, *ctl = NULL;
      bool v2 = false, under_root;
      int r = parse_mount_line(line, &v2, &mnt, &ctl);

      if (r < 0) {
        brig_cg_hierarchies_free(h, len);
        return brig_fail(err, ENOMEM, "cgroup: read /proc/self/mountinfo");
      }
      if (r == 0)
        continue;
      under_root = strncmp(mnt, BRIG_CGROUP_ROOT, strlen(BRIG_CGROUP_ROOT)) == 0;
      if ((pass == 0) != under_root || seen(h, len, v2, ctl))
        continue;
      if (len == cap) {
        brig_cgroup_hierarchy *nh = realloc(h, (cap ? cap * 2 : 16) * sizeof(*h));

        if (!nh) {
          brig_cg_hierarchies_free(h, len);
          return brig_fail(err, ENOMEM, "cgroup mounts");
        }
        h = nh;
        cap = cap ? cap * 2 : 16;
      }
      memset(&h[len], 0, sizeof(h[len]));
      h[len].v2 = v2;
      h[len].controllers = BRIG_STEAL(ctl);
      h[len].mountpoint = BRIG_STEAL(mnt);
      len++;
    }
    fclose(f);
    f = NULL;
  }
  *out = h;
  *n = len;
  return 0;
}
