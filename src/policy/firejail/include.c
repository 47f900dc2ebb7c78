#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Include resolution (bare names looked up in the user then the system
 * directory, missing .local files skipped, depth limit, loop detection),
 * profile name lookup, the file reader, and the "ignore" list that decides
 * which later lines are dropped. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define FJ_MAX_FILE_SIZE (16u << 20)

/* ---- reading ---- */

int
brig_fj_read_file_default(void *opaque, const char *path, char **data, size_t *len)
{
  struct stat st;
  char *buf = NULL;
  size_t size = 0, cap = 0;
  int fd, err = 0;

  (void)opaque;
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return errno;
  if (fstat(fd, &st) < 0) {
    err = errno;
    goto out;
  }
  if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
    goto out;
  }
  cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
  if (cap > FJ_MAX_FILE_SIZE + 1) {
    err = EFBIG;
    goto out;
  }
  buf = malloc(cap);
  if (!buf) {
    err = ENOMEM;
    goto out;
  }
  for (;;) {
    ssize_t n;

    if (size + 1 >= cap) {
      char *p;

      cap *= 2;
      if (cap > FJ_MAX_FILE_SIZE + 1) {
        err = EFBIG;
        goto out;
      }
      p = realloc(buf, cap);
      if (!p) {
        err = ENOMEM;
        goto out;
      }
      buf = p;
    }
    n = read(fd, buf + size, cap - size - 1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      err = errno;
      goto out;
    }
    if (n == 0)
      break;
    size += (size_t)n;
  }
  buf[size] = '\0';
  *data = buf;
  *len = size;
  buf = NULL;
out:
  free(buf);
  close(fd);
  return err;
}

int
fj_read(const struct brig_fj_context *ctx, const char *path, char **data, size_t *len)
{
  brig_fj_read_fn fn = ctx->read_file ? ctx->read_file : brig_fj_read_file_default;
  char *buf = NULL;
  size_t n = 0;
  int r;

  if (data) {
    *data = NULL;
    *len = 0;
  }
  if (ctx->cache)
    return fj_cache_read(ctx->cache, ctx, path, data, len);
  r = fn(ctx->read_opaque, path, &buf, &n);
  if (r != 0 || !data) {
    free(buf);
    return r;
  }
  *data = buf;
  *len = n;
  return 0;
}

static bool
not_found(int err)
{
  return err == ENOENT || err == ENOTDIR;
}

static bool
ends_with(const char *s, const char *suffix)
{
  size_t l = strlen(s), sl = strlen(suffix);

  return l >= sl && memcmp(s + l - sl, suffix, sl) == 0;
}

/* DIR/NAME, or NAME when dir is NULL (malloc'd). */
static char *
dir_join(const char *dir, const char *name)
{
  size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
  char *p = malloc(dl + nl + 2);

  if (!p)
    return NULL;
  if (dir) {
    memcpy(p, dir, dl);
    p[dl++] = '/';
  }
  memcpy(p + dl, name, nl + 1);
  return p;
}

/* Tries DIR/NAME (or NAME when dir is NULL).  1 = found, 0 = absent.
 * DATA NULL: only whether the file can be read matters. */
static int
try_read(const struct brig_fj_context *ctx, const char *dir, const char *name, char **path,
         char **data, size_t *len, char **why)
{
  char *p = dir_join(dir, name);
  int r;

  if (!p) {
    *why = strdup("out of memory");
    return -1;
  }
  r = fj_read(ctx, p, data, len);
  if (r == 0) {
    *path = p;
    return 1;
  }
  if (not_found(r)) {
    free(p);
    return 0;
  }
  if (asprintf(why, "cannot read %s: %s", p, strerror(r)) < 0)
    *why = NULL;
  free(p);
  return -1;
}

int
fj_include_open(const struct brig_fj_context *ctx, const struct fj_macros *m,
                const struct fj_include_stack *stack, const char *name, char **path, char **data,
                size_t *len, char **why)
{
  int r;

  *path = NULL;
  if (name[0] == '/') {
    r = try_read(ctx, NULL, name, path, data, len, why);
  } else {
    r = try_read(ctx, m->user_dir, name, path, data, len, why);
    if (r == 0)
      r = try_read(ctx, m->cfg_dir, name, path, data, len, why);
  }
  if (r < 0)
    return -1;
  if (r == 0) {
    if (ends_with(name, ".local"))
      return 0;
    if (asprintf(why, "cannot find include '%s'", name) < 0)
      *why = NULL;
    return -1;
  }
  for (unsigned i = 0; i < stack->depth; i++) {
    if (strcmp(stack->paths[i], *path) == 0) {
      if (asprintf(why, "include loop: '%s' is already being read", *path) < 0)
        *why = NULL;
      goto fail;
    }
  }
  if (stack->depth > FJ_MAX_INCLUDE_DEPTH) {
    if (asprintf(why, "includes nested deeper than %d levels at '%s'", FJ_MAX_INCLUDE_DEPTH,
                 *path) < 0)
      *why = NULL;
    goto fail;
  }
  return 1;
fail:
  free(*path);
  *path = NULL;
  if (data) {
    free(*data);
    *data = NULL;
  }
  return -1;
}

int
brig_fj_find_profile(const struct brig_fj_context *ctx, const char *name, char **path, char **err)
{
  char *file = NULL, *user_dir = NULL, *why = NULL;
  const char *cfg_dir = ctx->cfg_dir ? ctx->cfg_dir : "/etc/firejail";
  int r = 0;

  *path = NULL;
  if (!name || !*name) {
    *err = strdup("empty profile name");
    return -1;
  }
  if (strchr(name, '/')) {
    *path = strdup(name);
    if (!*path) {
      *err = strdup("out of memory");
      return -1;
    }
    return 0;
  }
  if (ends_with(name, ".profile"))
    file = strdup(name);
  else if (asprintf(&file, "%s.profile", name) < 0)
    file = NULL;
  if (ctx->user_dir)
    user_dir = strdup(ctx->user_dir);
  else if (ctx->home && asprintf(&user_dir, "%s/.config/firejail", ctx->home) < 0)
    user_dir = NULL;
  if (!file || (!user_dir && (ctx->user_dir || ctx->home))) {
    why = strdup("out of memory");
    r = -1;
  }
  if (r == 0 && user_dir)
    r = try_read(ctx, user_dir, file, path, NULL, NULL, &why);
  if (r == 0)
    r = try_read(ctx, cfg_dir, file, path, NULL, NULL, &why);
  if (r == 0) {
    if (user_dir) {
      if (asprintf(err, "profile '%s' not found in %s or %s", name, user_dir, cfg_dir) < 0)
        *err = NULL;
    } else if (asprintf(err, "profile '%s' not found in %s", name, cfg_dir) < 0) {
      *err = NULL;
    }
  } else if (r < 0) {
    *err = why;
    why = NULL;
  }
  free(why);
  free(file);
  free(user_dir);
  return r == 1 ? 0 : -1;
}

/* ---- ignore ---- */

bool
fj_ignore_add(struct fj_ignore *ig, const char *s)
{
  if (ig->n == ig->cap) {
    size_t cap = ig->cap ? ig->cap * 2 : 16;
    const char **p = realloc(ig->items, cap * sizeof(*p));
    size_t *l;

    if (!p)
      return false;
    ig->items = p;
    l = realloc(ig->lens, cap * sizeof(*l));
    if (!l)
      return false;
    ig->lens = l;
    ig->cap = cap;
  }
  ig->lens[ig->n] = strlen(s);
  ig->items[ig->n++] = s;
  return true;
}

/* "ignore X" drops a later line when the line starts with X and X is
 * followed by the end of the line or a space: "ignore net" drops "net none"
 * but not "netfilter", "ignore dbus-user" does not drop "dbus-user.talk". */
bool
fj_ignore_match(const struct fj_ignore *ig, const char *text, size_t len)
{
  for (size_t i = 0; i < ig->n; i++) {
    const char *s = ig->items[i];
    size_t sl = ig->lens[i];

    if (sl <= len && s[0] == text[0] && memcmp(s, text, sl) == 0 && (sl == len || text[sl] == ' '))
      return true;
  }
  return false;
}

void
fj_ignore_free(struct fj_ignore *ig)
{
  free(ig->items);
  free(ig->lens);
  ig->items = NULL;
  ig->lens = NULL;
  ig->n = ig->cap = 0;
}
