#define _GNU_SOURCE
/* run.brig.firejail.* at create time (see annotations.h).
 *
 * The profile describes the file tree the sandboxed program sees; in a
 * container that tree is the rootfs.  So the conversion globs and checks
 * existence on the rootfs, resolving every path inside it (openat2
 * RESOLVE_IN_ROOT: a symlink of the image cannot point a lookup at the
 * host), and the bind sources it writes are paths of the rootfs, resolved
 * the same way before the spec is used.  What does not exist in the
 * rootfs is skipped, as Firejail skips what does not exist on the host.
 *
 * The target user is process.user; their home is run.brig.firejail.home,
 * else HOME in process.env, else their entry in the rootfs' /etc/passwd,
 * else "/" (no home: the home-related directives are skipped).  ${PATH}
 * expands to the directories of PATH in process.env.  Profile names are
 * looked up in ~/.config/firejail of the user running brig, then
 * /etc/firejail, whose firejail.config gives the default conditionals;
 * run.brig.firejail.condition sets more ("HAS_X11,HAS_NET=no"). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <grp.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/resolve.h"
#include "linux/rootfs.h"
#include "policy/firejail/to-oci.h"
#include "runtime/annotations.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

#define ANN "config.json: annotations: "

/* The rootfs: an O_PATH fd and its real path (for /proc/self/fd names). */
struct tree {
  int fd;
  char *real;
  size_t real_len; /* 0 when the real path is "/" */
};

static void
tree_close(struct tree *t)
{
  if (t->fd >= 0)
    close(t->fd);
  free(t->real);
  t->fd = -1;
  t->real = NULL;
}

static int
tree_open(struct tree *t, const char *rootfs)
{
  t->fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (t->fd < 0)
    return -1;
  t->real = realpath(rootfs, NULL);
  if (!t->real) {
    int saved = errno;

    close(t->fd);
    t->fd = -1;
    errno = saved;
    return -1;
  }
  t->real_len = strcmp(t->real, "/") == 0 ? 0 : strlen(t->real);
  return 0;
}

/* The path inside the tree that FD (opened in it) names; NULL if the
 * kernel names it outside (a bind mount of the host inside the rootfs). */
static char *
tree_fd_path(const struct tree *t, int fd)
{
  char link[64], buf[PATH_MAX];
  ssize_t n;

  snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  n = readlink(link, buf, sizeof(buf) - 1);
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  if (t->real_len == 0)
    return strdup(buf);
  if (strncmp(buf, t->real, t->real_len) != 0 ||
      (buf[t->real_len] != '/' && buf[t->real_len] != '\0'))
    return NULL;
  return strdup(buf[t->real_len] ? buf + t->real_len : "/");
}

/* ---- glob and node lookups for the converter, inside the tree ---- */

struct pathv {
  char **v;
  size_t n;
};

static int
pathv_add(struct pathv *p, char *s)
{
  char **v;

  if (!s)
    return -1;
  v = realloc(p->v, (p->n + 1) * sizeof(char *));
  if (!v) {
    free(s);
    return -1;
  }
  p->v = v;
  p->v[p->n++] = s;
  return 0;
}

static void
pathv_free(struct pathv *p)
{
  for (size_t i = 0; i < p->n; i++)
    free(p->v[i]);
  free(p->v);
  p->v = NULL;
  p->n = 0;
}

static int
strp_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
has_glob(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (s[i] == '*' || s[i] == '?' || s[i] == '[')
      return true;
  return false;
}

/* Entries of directory DIR of the tree matching COMP, appended as DIR/NAME. */
static int
glob_dir(const struct tree *t, const char *dir, const char *comp, struct pathv *out)
{
  int fd = brig_openat_in_root(t->fd, dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY);
  struct dirent *de;
  DIR *d;

  if (fd < 0)
    return 0; /* not a directory, or missing: no match */
  d = fdopendir(fd);
  if (!d) {
    close(fd);
    return 0;
  }
  while ((de = readdir(d))) {
    char *p;

    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
        fnmatch(comp, de->d_name, FNM_PERIOD) != 0)
      continue;
    if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
      p = NULL;
    if (pathv_add(out, p) < 0) {
      closedir(d);
      return -1;
    }
  }
  closedir(d);
  return 0;
}

static int
tree_glob(void *opaque, const char *root, const char *pattern, struct brig_fj_match **matches,
          size_t *n)
{
  const struct tree *t = opaque;
  struct pathv cur = { 0 }, next = { 0 };
  const char *p = pattern;
  int r = ENOMEM;

  (void)root;
  *matches = NULL;
  *n = 0;
  if (pathv_add(&cur, strdup("")) < 0)
    return ENOMEM;
  while (*p) {
    size_t len;

    while (*p == '/')
      p++;
    len = strcspn(p, "/");
    if (!len)
      break;
    for (size_t i = 0; i < cur.n; i++) {
      char *s;

      if (has_glob(p, len)) {
        char *comp = strndup(p, len);

        if (!comp || glob_dir(t, cur.v[i], comp, &next) < 0) {
          free(comp);
          goto out;
        }
        free(comp);
        continue;
      }
      if (asprintf(&s, "%s/%.*s", cur.v[i], (int)len, p) < 0)
        s = NULL;
      if (pathv_add(&next, s) < 0)
        goto out;
    }
    pathv_free(&cur);
    cur = next;
    next = (struct pathv){ 0 };
    p += len;
  }
  qsort(cur.v, cur.n, sizeof(char *), strp_cmp);
  *matches = calloc(cur.n ? cur.n : 1, sizeof(**matches));
  if (!*matches)
    goto out;
  for (size_t i = 0; i < cur.n; i++) {
    struct brig_fj_match *m = &(*matches)[*n];
    const char *path = cur.v[i][0] ? cur.v[i] : "/";
    struct stat st;
    int fd;

    if (i > 0 && strcmp(cur.v[i], cur.v[i - 1]) == 0)
      continue;
    fd = brig_openat_in_root(t->fd, path, O_PATH | O_NOFOLLOW);
    if (fd < 0)
      continue; /* does not exist */
    m->symlink = fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
    close(fd);
    m->type = BRIG_FJ_FT_OTHER;
    fd = brig_openat_in_root(t->fd, path, O_PATH);
    if (fd >= 0 && fstat(fd, &st) == 0)
      m->type = S_ISDIR(st.st_mode)   ? BRIG_FJ_FT_DIR
                : S_ISREG(st.st_mode) ? BRIG_FJ_FT_FILE
                                      : BRIG_FJ_FT_OTHER;
    if (fd >= 0)
      close(fd);
    m->path = strdup(path);
    if (!m->path)
      goto out;
    (*n)++;
  }
  r = 0;
out:
  if (r || *n == 0) { /* no match: no array, as the default glob */
    brig_fj_matches_free(*matches, *n);
    *matches = NULL;
    *n = 0;
  }
  pathv_free(&cur);
  pathv_free(&next);
  return r;
}

static int
tree_node(void *opaque, const char *root, const char *path, struct brig_fj_node *node)
{
  const struct tree *t = opaque;
  struct stat st;
  int fd, r = 0;

  (void)root;
  memset(node, 0, sizeof(*node));
  fd = brig_openat_in_root(t->fd, path, O_PATH);
  if (fd < 0)
    return errno;
  if (fstat(fd, &st) < 0)
    r = errno;
  else if (!(node->real = tree_fd_path(t, fd)))
    r = EXDEV;
  close(fd);
  if (r)
    return r;
  brig_fj_node_set_stat(node, &st);
  return 0;
}

/* private-lib reads ELF files and ld.so.conf of the tree: opened inside
 * it, never blocking on a FIFO of the image. */
static int
tree_open_file(void *opaque, const char *root, const char *path)
{
  const struct tree *t = opaque;

  (void)root;
  return brig_openat_in_root(t->fd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
}

/* PATH of the tree with every symlink resolved inside it; the part that
 * does not exist (yet: a mount point, a staged bind) is kept as it is. */
static char *
tree_canonical(const struct tree *t, const char *path)
{
  const char *slash;
  char *parent, *cp, *r;
  int fd;

  fd = brig_openat_in_root(t->fd, path, O_PATH);
  if (fd >= 0) {
    r = tree_fd_path(t, fd);
    close(fd);
    return r;
  }
  if (errno != ENOENT)
    return NULL;
  slash = strrchr(path, '/');
  if (!slash || slash == path)
    return strdup(path[0] == '/' ? path : "/");
  parent = strndup(path, (size_t)(slash - path));
  cp = parent ? tree_canonical(t, parent) : NULL;
  free(parent);
  if (!cp)
    return NULL;
  if (asprintf(&r, "%s%s", strcmp(cp, "/") == 0 ? "" : cp, slash) < 0)
    r = NULL;
  free(cp);
  return r;
}

/* ---- the target user ---- */

/* The home of UID in the tree's /etc/passwd, malloc'd; NULL if none. */
static char *
passwd_home(const struct tree *t, uid_t uid)
{
  _cleanup_free_ char *buf = NULL;
  char *line, *save = NULL;
  size_t len = 0;
  ssize_t k;
  int fd = brig_openat_in_root(t->fd, "/etc/passwd", O_RDONLY);

  if (fd < 0)
    return NULL;
  buf = malloc(1 << 20);
  while (buf && len < (1 << 20) - 1 && (k = read(fd, buf + len, (1 << 20) - 1 - len)) > 0)
    len += (size_t)k;
  close(fd);
  if (!buf)
    return NULL;
  buf[len] = '\0';
  for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *f[7] = { 0 }, *s = line, *end;
    size_t nf = 0;

    while (nf < 7) {
      f[nf++] = s;
      s = strchr(s, ':');
      if (!s)
        break;
      *s++ = '\0';
    }
    if (nf < 6 || !f[2][0])
      continue;
    errno = 0;
    if (strtoul(f[2], &end, 10) == uid && !*end && !errno && f[5][0] == '/')
      return strdup(f[5]);
  }
  return NULL;
}

/* run.brig.firejail.home, HOME, the rootfs' passwd, "/": malloc'd. */
static int
target_home(const oci_spec *spec, const struct tree *t, char **home, brig_error **err)
{
  const char *h = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_HOME);

  if (h) {
    if (h[0] != '/')
      return brig_fail(err, 0, ANN "%s: must be an absolute path, got '%s'", BRIG_FJ_ANN_HOME, h);
    *home = strdup(h);
  } else if ((h = oci_process_getenv(spec->process, "HOME")) && h[0] == '/') {
    *home = strdup(h);
  } else {
    *home = passwd_home(t, spec->process->user->uid);
    if (!*home)
      *home = strdup("/");
  }
  return *home ? 0 : brig_fail(err, ENOMEM, ANN "%s", BRIG_FJ_ANN_PROFILE);
}

/* ---- the conversion ---- */

static int
conditions(struct brig_fj_context *ctx, const oci_spec *spec, brig_error **err)
{
  const char *v = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_CONDITION);
  const char *ann = BRIG_FJ_ANN_PROFILE; /* firejail.config comes with the profile */
  _cleanup_free_ char *why = NULL;
  int r = brig_fj_context_load_config(ctx, &why);

  /* Items separated by commas or blanks. */
  while (r == 0 && v && *v) {
    size_t len = strcspn(v, ", \t\n");

    ann = BRIG_FJ_ANN_CONDITION;
    if (len)
      r = brig_fj_condition_set(&ctx->conditions, v, len, &why);
    v += len;
    v += strspn(v, ", \t\n");
  }
  if (r == 0)
    return 0;
  return brig_fail(err, why ? 0 : ENOMEM, ANN "%s%s%s", ann, why ? ": " : "", why ? why : "");
}

/* The directories of PATH in the process environment (for ${PATH}). */
static size_t
path_dirs(const oci_spec *spec, char *buf, const char **dirs, size_t max)
{
  const char *p = oci_process_getenv(spec->process, "PATH");
  size_t n = 0;
  char *tok, *save = NULL;

  if (!p)
    return 0;
  strncpy(buf, p, PATH_MAX - 1);
  buf[PATH_MAX - 1] = '\0';
  for (tok = strtok_r(buf, ":", &save); tok && n < max; tok = strtok_r(NULL, ":", &save))
    if (tok[0] == '/')
      dirs[n++] = tok;
  return n;
}

/* Bind sources the conversion wrote (ROOTFS + path) resolved inside the
 * rootfs: no symlink of the image leads a source out of it. */
static int
canonical_sources(oci_spec *spec, size_t from, const char *rootfs, const struct tree *t,
                  brig_error **err)
{
  size_t rl = strlen(rootfs);

  while (rl > 1 && rootfs[rl - 1] == '/')
    rl--;
  if (rl == 1)
    rl = 0;
  for (size_t i = from; i < spec->mounts_len; i++) {
    oci_mount *m = &spec->mounts[i];
    char *c, *src;

    if (!m->type || strcmp(m->type, "bind") || !m->source || strncmp(m->source, rootfs, rl) ||
        m->source[rl] != '/')
      continue;
    c = tree_canonical(t, m->source + rl);
    if (!c)
      return brig_fail(err, errno ? errno : EXDEV, ANN "%s: bind source %s", BRIG_FJ_ANN_PROFILE,
                       m->source);
    if (asprintf(&src, "%.*s%s", (int)rl, rootfs, c) < 0) {
      free(c);
      return brig_fail(err, ENOMEM, ANN "%s", BRIG_FJ_ANN_PROFILE);
    }
    free(c);
    free(m->source);
    m->source = src;
  }
  return 0;
}

static int
convert(oci_spec *spec, const char *profile, const char *rootfs, const struct tree *t,
        const char *home, brig_error **err)
{
  struct brig_fj_context ctx;
  struct brig_fj_oci_options opts;
  struct brig_fj_warnings warnings = { 0 };
  _cleanup_free_ char *user_dir = NULL;
  char *perr = NULL, pathbuf[PATH_MAX];
  const char *dirs[64];
  struct passwd *pw;
  size_t from = spec->mounts_len;
  int r;

  if (!spec->process || !spec->process->user)
    return brig_fail(err, 0, ANN "%s: needs process.user", BRIG_FJ_ANN_PROFILE);
  if (!profile[0])
    return brig_fail(err, 0, ANN "%s: must not be empty", BRIG_FJ_ANN_PROFILE);
  brig_fj_context_init(&ctx);
  ctx.home = home;
  ctx.uid = spec->process->user->uid;
  /* Profiles are host files: the .local overrides of the user running
   * brig, as with Firejail, not of the container's user. */
  pw = getpwuid(geteuid());
  if (pw && pw->pw_dir && pw->pw_dir[0] == '/' &&
      asprintf(&user_dir, "%s/.config/firejail", pw->pw_dir) < 0)
    user_dir = NULL;
  ctx.user_dir = user_dir ? user_dir : "/nonexistent";
  ctx.n_path_dirs = path_dirs(spec, pathbuf, dirs, sizeof(dirs) / sizeof(dirs[0]));
  ctx.path_dirs = ctx.n_path_dirs ? dirs : NULL;
  if (conditions(&ctx, spec, err) < 0)
    return -1;

  brig_fj_oci_options_init(&opts);
  opts.root_dir = rootfs;
  opts.glob = tree_glob;
  opts.node = tree_node;
  opts.open = tree_open_file;
  opts.glob_opaque = (void *)t;
  opts.home = home;
  opts.uid = spec->process->user->uid;
  opts.gid = spec->process->user->gid;
  r = brig_firejail_apply(spec, profile, &ctx, &opts, &warnings, &perr);
  if (r < 0) {
    const char *why = perr && strncmp(perr, "firejail: ", 10) == 0 ? perr + 10 : perr;

    brig_fail(err, 0, ANN "%s: %s", BRIG_FJ_ANN_PROFILE, why ? why : "out of memory");
    free(perr);
    brig_fj_warnings_free(&warnings);
    return -1;
  }
  for (size_t i = 0; i < warnings.n; i++)
    brig_warn(ANN "%s: %s", BRIG_FJ_ANN_PROFILE, warnings.items[i]);
  brig_fj_warnings_free(&warnings);
  return canonical_sources(spec, from, rootfs, t, err);
}

/* ---- what a converted spec leaves to brig ---- */

static bool
under(const char *path, const char *dir)
{
  size_t l = strlen(dir);

  return strcmp(dir, "/") != 0 && strncmp(path, dir, l) == 0 && (path[l] == '/' || !path[l]);
}

/* mkdir -p PATH (mkfile: the last component a file) in the tree, refusing
 * symlinks, as the calling process's user. */
static int
make_path(const struct tree *t, const char *path, bool file)
{
  _cleanup_free_ char *copy = strdup(path);
  char *comp, *save = NULL, *next;
  int dir = brig_openat_in_root(t->fd, "/", O_PATH | O_DIRECTORY);

  if (!copy || dir < 0) {
    if (dir >= 0)
      close(dir);
    return -1;
  }
  for (comp = strtok_r(copy, "/", &save); comp; comp = next) {
    struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
    int fd;

    next = strtok_r(NULL, "/", &save);
    if (!next && file) {
      fd = openat(dir, comp, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    } else {
      if (mkdirat(dir, comp, 0755) < 0 && errno != EEXIST) {
        close(dir);
        return -1;
      }
      fd = brig_openat2(dir, comp, &how);
    }
    close(dir);
    if (fd < 0)
      return -1;
    dir = fd;
  }
  close(dir);
  return 0;
}

/* Firejail's mkdir/mkfile: only in the home, /tmp and ${RUNUSER}, as the
 * user (a child process with their ids), missing parents included. */
static void
make_paths(const oci_spec *spec, const struct tree *t, const char *home)
{
  const char *dirs = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_MKDIR);
  const char *files = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_MKFILE);
  uid_t uid = spec->process->user->uid;
  gid_t gid = spec->process->user->gid;
  char runuser[64];
  pid_t pid;
  int status;

  if (!dirs && !files)
    return;
  snprintf(runuser, sizeof(runuser), "/run/user/%u", (unsigned)uid);
  pid = fork();
  if (pid < 0) {
    brig_warn(ANN "%s: fork: %s", BRIG_FJ_ANN_MKDIR, strerror(errno));
    return;
  }
  if (pid == 0) {
    if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
      _exit(1);
    for (int k = 0; k < 2; k++) {
      _cleanup_free_ char *copy = strdup(k ? (files ? files : "") : (dirs ? dirs : ""));
      char *p, *save = NULL;

      for (p = copy ? strtok_r(copy, "\n", &save) : NULL; p; p = strtok_r(NULL, "\n", &save)) {
        const char *key = k ? BRIG_FJ_ANN_MKFILE : BRIG_FJ_ANN_MKDIR;

        if (p[0] != '/' || strstr(p, "/../") ||
            !(under(p, home) || under(p, "/tmp") || under(p, runuser))) {
          brig_warn(ANN "%s: %s: only paths in the home, /tmp and %s are created", key, p, runuser);
          continue;
        }
        if (make_path(t, p, k == 1) < 0)
          brig_warn(ANN "%s: %s: %s", key, p, strerror(errno));
      }
    }
    _exit(0);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    brig_warn(ANN "%s: cannot switch to user %u", BRIG_FJ_ANN_MKDIR, (unsigned)uid);
}

/* A file of the state directory bound read-only on DEST, inserted before
 * the first mount at or above /etc so that the /etc binds of the
 * conversion carry it along.  Skipped (warning) when DEST is a symlink
 * whose target is missing: its mount point would be created through it. */
static int
bind_state_file(oci_spec *spec, const struct tree *t, const char *state_dir, const char *name,
                const char *data, const char *dest, const char *key, brig_error **err)
{
  _cleanup_free_ char *src = NULL, *abs = NULL;
  oci_mount *mounts, *m;
  size_t at = spec->mounts_len;
  int fd;

  fd = brig_openat_in_root(t->fd, dest, O_PATH);
  if (fd >= 0) {
    close(fd);
  } else {
    fd = brig_openat_in_root(t->fd, dest, O_PATH | O_NOFOLLOW);
    if (fd >= 0) {
      close(fd);
      brig_warn(ANN "%s: %s is a dangling symlink in the rootfs: not replaced", key, dest);
      return 0;
    }
  }
  abs = realpath(state_dir, NULL);
  if (!abs || asprintf(&src, "%s/%s", abs, name) < 0)
    return brig_fail(err, errno ? errno : ENOMEM, ANN "%s: state dir", key);
  {
    _cleanup_close_ int dfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dfd < 0 || brig_write_new_file(dfd, name, data, strlen(data), 0644, err) < 0)
      return dfd < 0 ? brig_fail(err, errno, ANN "%s: %s", key, abs)
                     : brig_error_wrap(err, ANN "%s", key);
  }
  for (size_t i = 0; i < spec->mounts_len; i++)
    if (strcmp(spec->mounts[i].destination, "/etc") == 0 ||
        strncmp(spec->mounts[i].destination, "/etc/", 5) == 0) {
      at = i;
      break;
    }
  mounts = realloc(spec->mounts, (spec->mounts_len + 1) * sizeof(*mounts));
  if (!mounts)
    return brig_fail(err, ENOMEM, ANN "%s", key);
  spec->mounts = mounts;
  memmove(&mounts[at + 1], &mounts[at], (spec->mounts_len - at) * sizeof(*mounts));
  spec->mounts_len++;
  spec->has_mounts = true;
  m = &mounts[at];
  memset(m, 0, sizeof(*m));
  m->destination = strdup(dest);
  m->type = strdup("bind");
  m->source = strdup(src);
  m->options = calloc(4, sizeof(char *));
  if (m->options) {
    m->options[0] = strdup("bind");
    m->options[1] = strdup("ro");
    m->options[2] = strdup("nosuid");
    m->options_len = 3;
    m->has_options = true;
  }
  if (!m->destination || !m->type || !m->source || !m->options || !m->options[0] ||
      !m->options[1] || !m->options[2])
    return brig_fail(err, ENOMEM, ANN "%s", key);
  return 0;
}

static int
dns_file(oci_spec *spec, const struct tree *t, const char *state_dir, brig_error **err)
{
  const char *v = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_DNS);
  _cleanup_free_ char *copy = NULL, *text = NULL;
  char *tok, *save = NULL;
  size_t len = 0, lines = 1;

  if (!v)
    return 0;
  for (const char *c = v; *c; c++)
    lines += *c == '\n';
  /* Each address of length L becomes "nameserver L\n", L + 12 bytes. */
  copy = strdup(v);
  text = calloc(1, strlen(v) + 12 * lines + 1);
  if (!copy || !text)
    return brig_fail(err, ENOMEM, ANN "%s", BRIG_FJ_ANN_DNS);
  for (tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
    if (strspn(tok, "0123456789abcdefABCDEF.:%") != strlen(tok))
      return brig_fail(err, 0, ANN "%s: '%s' is not an IP address", BRIG_FJ_ANN_DNS, tok);
    len += (size_t)sprintf(text + len, "nameserver %s\n", tok);
  }
  return bind_state_file(spec, t, state_dir, "resolv.conf", text, "/etc/resolv.conf",
                         BRIG_FJ_ANN_DNS, err);
}

static int
machine_id_file(oci_spec *spec, const struct tree *t, const char *state_dir, brig_error **err)
{
  const char *v = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_MACHINE_ID);
  unsigned char b[16];
  char text[34];

  if (!v)
    return 0;
  if (strcmp(v, "random"))
    return brig_fail(err, 0, ANN "%s: expected random, got '%s'", BRIG_FJ_ANN_MACHINE_ID, v);
  if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
    return brig_fail(err, errno, ANN "%s: getrandom", BRIG_FJ_ANN_MACHINE_ID);
  for (size_t i = 0; i < sizeof(b); i++)
    sprintf(text + 2 * i, "%02x", b[i]);
  text[32] = '\n';
  text[33] = '\0';
  return bind_state_file(spec, t, state_dir, "machine-id", text, "/etc/machine-id",
                         BRIG_FJ_ANN_MACHINE_ID, err);
}

static int
open_rootfs(const oci_spec *spec, const char *rootfs, struct tree *t, brig_error **err)
{
  if (!spec->root || !spec->root->path)
    return brig_fail(err, 0, ANN "%s: needs root.path", BRIG_FJ_ANN_PROFILE);
  if (!rootfs)
    return brig_fail(err, ENOMEM, ANN "%s", BRIG_FJ_ANN_PROFILE);
  if (tree_open(t, rootfs) < 0)
    return brig_fail(err, errno, ANN "%s: root.path %s", BRIG_FJ_ANN_PROFILE, rootfs);
  return 0;
}

int
brig_annotations_firejail_convert(oci_spec *spec, const char *rootfs, brig_error **err)
{
  const char *profile = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_PROFILE);
  _cleanup_free_ char *home = NULL;
  struct tree t = { -1, NULL, 0 };
  int r = -1;

  if (!profile || oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_CONVERTED))
    return 0;
  if (open_rootfs(spec, rootfs, &t, err) < 0)
    return -1;
  if (!spec->process || !spec->process->user || target_home(spec, &t, &home, err) == 0)
    r = convert(spec, profile, rootfs, &t, home, err);
  tree_close(&t);
  return r;
}

int
brig_annotations_apply(oci_spec *spec, const char *bundle, const char *state_dir, brig_error **err)
{
  const char *profile = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_PROFILE);
  bool converted = oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_CONVERTED) != NULL;
  _cleanup_free_ char *rootfs = NULL, *home = NULL;
  struct tree t = { -1, NULL, 0 };
  int r = -1;

  if (!profile && !converted)
    return 0;
  rootfs = brig_rootfs_path(spec, bundle);
  if (open_rootfs(spec, rootfs, &t, err) < 0)
    return -1;
  /* The home once, for the conversion and for its mkdir/mkfile paths. */
  if (spec->process && spec->process->user && target_home(spec, &t, &home, err) < 0)
    goto out;
  if (!converted && convert(spec, profile, rootfs, &t, home, err) < 0)
    goto out;
  if (home)
    make_paths(spec, &t, home);
  if (dns_file(spec, &t, state_dir, err) < 0 || machine_id_file(spec, &t, state_dir, err) < 0)
    goto out;
  r = 0;
out:
  tree_close(&t);
  return r;
}
