#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Macro expansion of path arguments: ${HOME}, "~/", ${CFG}, ${RUNUSER},
 * ${PATH} (one result per PATH directory) and the XDG user directories
 * ${DOWNLOADS} ${DOCUMENTS} ${MUSIC} ${PICTURES} ${VIDEOS} ${DESKTOP}, read
 * from the target user's ~/.config/user-dirs.dirs with Firejail's
 * fallbacks.  Like Firejail, a macro is only recognized at the start of a
 * path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- fj_buf: always NUL-terminated once non-empty ---- */

bool
fj_buf_reserve(struct fj_buf *buf, size_t extra)
{
  size_t need = buf->len + extra + 1;
  char *p;
  size_t cap;

  if (need <= buf->cap)
    return true;
  cap = buf->cap ? buf->cap : 64;
  while (cap < need)
    cap *= 2;
  p = realloc(buf->data, cap);
  if (!p)
    return false;
  buf->data = p;
  buf->cap = cap;
  return true;
}

bool
fj_buf_add(struct fj_buf *buf, const char *s, size_t len)
{
  if (!fj_buf_reserve(buf, len))
    return false;
  if (len)
    memcpy(buf->data + buf->len, s, len);
  buf->len += len;
  buf->data[buf->len] = '\0';
  return true;
}

bool
fj_buf_addc(struct fj_buf *buf, char c)
{
  return fj_buf_add(buf, &c, 1);
}

void
fj_buf_free(struct fj_buf *buf)
{
  free(buf->data);
  buf->data = NULL;
  buf->len = buf->cap = 0;
}

/* ---- XDG user dirs ---- */

static const struct {
  const char *macro;    /* "${DOWNLOADS}" */
  const char *key;      /* "XDG_DOWNLOAD_DIR" */
  const char *fallback; /* "Downloads" */
} xdg_dirs[6] = {
  { "${DOWNLOADS}", "XDG_DOWNLOAD_DIR", "Downloads" },
  { "${DOCUMENTS}", "XDG_DOCUMENTS_DIR", "Documents" },
  { "${MUSIC}", "XDG_MUSIC_DIR", "Music" },
  { "${PICTURES}", "XDG_PICTURES_DIR", "Pictures" },
  { "${VIDEOS}", "XDG_VIDEOS_DIR", "Videos" },
  { "${DESKTOP}", "XDG_DESKTOP_DIR", "Desktop" },
};

/* Firejail 0.9.72 only understands lines of the form
 *     XDG_DOWNLOAD_DIR="$HOME/sub/dir"
 * (leading blanks allowed, anything after the closing quote ignored).
 * Absolute paths, "${HOME}", unquoted values, blanks around '=' and an
 * empty sub path all fall back to $HOME/Downloads etc.  The first valid
 * line for a key wins. */
void
fj_parse_user_dirs(const char *text, size_t len, const char *home, char *dirs[6])
{
  struct fj_line_iter it = { .data = text, .len = len };
  const char *line;
  size_t line_len;

  while (fj_next_line(&it, &line, &line_len)) {
    size_t i = 0;

    while (i < line_len && (line[i] == ' ' || line[i] == '\t'))
      i++;
    for (size_t k = 0; k < 6; k++) {
      static const char prefix[] = "=\"$HOME/";
      size_t klen = strlen(xdg_dirs[k].key), plen = sizeof(prefix) - 1, start;
      const char *quote;

      if (dirs[k] || line_len - i < klen + plen || memcmp(line + i, xdg_dirs[k].key, klen) != 0 ||
          memcmp(line + i + klen, prefix, plen) != 0)
        continue;
      start = i + klen + plen;
      quote = memchr(line + start, '"', line_len - start);
      if (!quote || quote == line + start)
        break;
      if (asprintf(&dirs[k], "%s/%.*s", home, (int)(quote - (line + start)), line + start) < 0)
        dirs[k] = NULL;
      break;
    }
  }
}

static int
load_xdg(struct fj_macros *m, char **why)
{
  const struct brig_fj_context *ctx = m->ctx;
  char *path = NULL, *data = NULL;
  size_t len = 0;
  int r;

  m->xdg_loaded = true;
  if (ctx->user_dirs_file)
    path = strdup(ctx->user_dirs_file);
  else if (asprintf(&path, "%s/.config/user-dirs.dirs", ctx->home) < 0)
    path = NULL;
  if (!path)
    goto oom;
  r = fj_read(ctx, path, &data, &len);
  if (r == 0)
    fj_parse_user_dirs(data, len, ctx->home, m->xdg);
  free(data);
  if (r != 0 && r != ENOENT && r != ENOTDIR) {
    if (asprintf(why, "cannot read %s: %s", path, strerror(r)) < 0)
      *why = NULL;
    free(path);
    return -1;
  }
  free(path);
  for (size_t k = 0; k < 6; k++)
    if (!m->xdg[k] && asprintf(&m->xdg[k], "%s/%s", ctx->home, xdg_dirs[k].fallback) < 0) {
      m->xdg[k] = NULL;
      goto oom;
    }
  return 0;
oom:
  *why = strdup("out of memory");
  return -1;
}

/* ---- setup ---- */

static const char *const default_path_dirs[] = {
  "/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin",
};

int
fj_macros_init(struct fj_macros *m, const struct brig_fj_context *ctx, struct fj_arena *arena,
               char **why)
{
  char tmp[64];

  memset(m, 0, sizeof(*m));
  m->ctx = ctx;
  m->arena = arena;
  if (!ctx->home || ctx->home[0] != '/') {
    *why = strdup("the home directory of the target user must be an absolute path");
    return -1;
  }
  m->home_len = strlen(ctx->home);
  if (ctx->runuser) {
    m->runuser = ctx->runuser;
  } else {
    snprintf(tmp, sizeof(tmp), "/run/user/%lu", (unsigned long)ctx->uid);
    m->runuser = fj_arena_strdup(arena, tmp);
  }
  m->cfg_dir = ctx->cfg_dir ? ctx->cfg_dir : "/etc/firejail";
  if (ctx->user_dir) {
    m->user_dir = ctx->user_dir;
  } else {
    size_t hl = strlen(ctx->home);
    char *p = fj_arena_alloc(arena, hl + sizeof("/.config/firejail"));

    if (p) {
      memcpy(p, ctx->home, hl);
      memcpy(p + hl, "/.config/firejail", sizeof("/.config/firejail"));
    }
    m->user_dir = p;
  }
  if (ctx->path_dirs) {
    m->path_dirs = ctx->path_dirs;
    m->n_path_dirs = ctx->n_path_dirs;
  } else {
    m->path_dirs = default_path_dirs;
    m->n_path_dirs = sizeof(default_path_dirs) / sizeof(default_path_dirs[0]);
  }
  if (!m->runuser || !m->user_dir) {
    *why = strdup("out of memory");
    return -1;
  }
  return 0;
}

void
fj_macros_fini(struct fj_macros *m)
{
  for (size_t k = 0; k < 6; k++) {
    free(m->xdg[k]);
    m->xdg[k] = NULL;
  }
}

/* ---- expansion ---- */

static bool
has_prefix(const char *s, size_t len, const char *prefix, size_t *plen)
{
  *plen = strlen(prefix);
  return len >= *plen && memcmp(s, prefix, *plen) == 0;
}

static const char *
join(struct fj_arena *arena, const char *head, size_t head_len, const char *tail, size_t tail_len)
{
  char *p = fj_arena_alloc_aligned(arena, head_len + tail_len + 1, 1);

  if (!p)
    return NULL;
  memcpy(p, head, head_len);
  memcpy(p + head_len, tail, tail_len);
  p[head_len + tail_len] = '\0';
  return p;
}

int
fj_expand_path(struct fj_macros *m, const char *path, size_t len, const char ***out, char **why)
{
  const char *head = NULL;
  const char **res;
  size_t plen = 0, n = 1;
  bool path_macro = false;

  if (len < 2 || (path[0] != '$' && path[0] != '~')) {
    /* no macro: most lines of the corpus */
  } else if (has_prefix(path, len, "${HOME}", &plen)) {
    head = m->ctx->home;
  } else if (has_prefix(path, len, "~/", &plen)) {
    head = m->ctx->home;
    plen = 1; /* keep the '/' */
  } else if (has_prefix(path, len, "${CFG}", &plen)) {
    head = m->cfg_dir;
  } else if (has_prefix(path, len, "${RUNUSER}", &plen)) {
    head = m->runuser;
  } else if (has_prefix(path, len, "${PATH}", &plen)) {
    path_macro = true;
    n = m->n_path_dirs;
  } else {
    for (size_t k = 0; k < 6; k++) {
      if (!has_prefix(path, len, xdg_dirs[k].macro, &plen))
        continue;
      if (!m->xdg_loaded && load_xdg(m, why) < 0)
        return -1;
      head = m->xdg[k];
      break;
    }
    if (!head)
      plen = 0;
  }
  if (memchr(path + plen, '$', len - plen) && memmem(path + plen, len - plen, "${", 2)) {
    if (asprintf(why, "unknown or misplaced macro in '%.*s'", (int)len, path) < 0)
      *why = NULL;
    return -1;
  }

  res = fj_arena_alloc_strv(m->arena, n ? n : 1);
  if (!res)
    goto oom;
  if (!head && !path_macro && path[len] == '\0') {
    res[0] = path; /* nothing to expand, and already a string of its own */
    *out = res;
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    const char *h = path_macro ? m->path_dirs[i] : head ? head : "";
    size_t hl = h == m->ctx->home ? m->home_len : strlen(h);

    /* a home (or directory) "/" followed by "/x" is "/x", not "//x" */
    if (hl == 1 && h[0] == '/' && plen < len && path[plen] == '/')
      hl = 0;

    res[i] = join(m->arena, h, hl, path + plen, len - plen);
    if (!res[i])
      goto oom;
  }
  *out = res;
  return (int)n;
oom:
  *why = strdup("out of memory");
  return -1;
}
