#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* The profile cache (brig_fj_context.cache): for a process that parses
 * many profiles, each file is read once (absent ones too: the .local
 * lookups) and its lines are lexed once.  Keyed by path; the files must
 * not change while the cache is in use. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct fj_cached_file {
  char *path;  /* NULL: free slot */
  size_t hash; /* of path: probes compare it before the path itself */
  int err;     /* result of the read: 0 or an errno value */
  char *data;
  size_t len;
  bool lexed;
  struct fj_cached_line *lines;
  size_t n_lines;
  char *texts; /* the normalized texts of the lines */
  size_t texts_len;
};

struct brig_fj_cache {
  struct fj_cached_file *tab; /* open addressing, power of two */
  size_t n, cap;
  size_t max_items; /* the longest directive list a parse produced */
};

size_t
fj_cache_items_hint(const struct brig_fj_cache *c)
{
  return c->max_items;
}

void
fj_cache_note_items(struct brig_fj_cache *c, size_t n_items)
{
  if (n_items > c->max_items)
    c->max_items = n_items;
}

struct brig_fj_cache *
brig_fj_cache_new(void)
{
  return calloc(1, sizeof(struct brig_fj_cache));
}

static void
file_free(struct fj_cached_file *f)
{
  free(f->path);
  free(f->data);
  free(f->lines);
  free(f->texts);
}

void
brig_fj_cache_free(struct brig_fj_cache *cache)
{
  if (!cache)
    return;
  for (size_t i = 0; i < cache->cap; i++)
    if (cache->tab[i].path)
      file_free(&cache->tab[i]);
  free(cache->tab);
  free(cache);
}

static size_t
hash(const char *s)
{
  uint64_t h = 1469598103934665603ull;

  while (*s)
    h = (h ^ (unsigned char)*s++) * 1099511628211ull;
  return (size_t)h;
}

static struct fj_cached_file *
slot(struct fj_cached_file *tab, size_t cap, const char *path, size_t h)
{
  size_t i = h & (cap - 1);

  while (tab[i].path && (tab[i].hash != h || strcmp(tab[i].path, path) != 0))
    i = (i + 1) & (cap - 1);
  return &tab[i];
}

/* The entry of PATH, read through ctx's reader the first time.  NULL when
 * out of memory. */
static struct fj_cached_file *
lookup(struct brig_fj_cache *c, const struct brig_fj_context *ctx, const char *path)
{
  brig_fj_read_fn fn = ctx->read_file ? ctx->read_file : brig_fj_read_file_default;
  struct fj_cached_file *f;
  size_t h = hash(path);

  if ((c->n + 1) * 2 > c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 256;
    struct fj_cached_file *tab = calloc(cap, sizeof(*tab));

    if (!tab)
      return NULL;
    for (size_t i = 0; i < c->cap; i++)
      if (c->tab[i].path)
        *slot(tab, cap, c->tab[i].path, c->tab[i].hash) = c->tab[i];
    free(c->tab);
    c->tab = tab;
    c->cap = cap;
  }
  f = slot(c->tab, c->cap, path, h);
  if (f->path)
    return f;
  memset(f, 0, sizeof(*f));
  f->err = fn(ctx->read_opaque, path, &f->data, &f->len);
  if (f->err) {
    free(f->data);
    f->data = NULL;
    f->len = 0;
  }
  f->path = strdup(path);
  f->hash = h;
  if (!f->path) {
    free(f->data);
    memset(f, 0, sizeof(*f));
    return NULL;
  }
  c->n++;
  return f;
}

int
fj_cache_read(struct brig_fj_cache *c, const struct brig_fj_context *ctx, const char *path,
              char **data, size_t *len)
{
  struct fj_cached_file *f = lookup(c, ctx, path);

  if (data) {
    *data = NULL;
    *len = 0;
  }
  if (!f)
    return ENOMEM;
  if (f->err || !data)
    return f->err;
  *data = malloc(f->len + 1);
  if (!*data)
    return ENOMEM;
  memcpy(*data, f->data, f->len);
  (*data)[f->len] = '\0';
  *len = f->len;
  return 0;
}

/* Moves the pointers of lx (into SCRATCH) into TEXT, a copy of it. */
static void
rebase(struct fj_lexed *lx, const char *scratch, const char *text)
{
#define REBASE(p) ((p) ? text + ((p)-scratch) : NULL)
  for (unsigned i = 0; i < lx->n_conds; i++)
    lx->conds[i].s = REBASE(lx->conds[i].s);
  lx->body = REBASE(lx->body);
  lx->name.s = REBASE(lx->name.s);
  lx->args = REBASE(lx->args);
  lx->text = text;
#undef REBASE
}

int
fj_cache_lines(struct brig_fj_cache *c, const struct brig_fj_context *ctx, const char *path,
               struct fj_cached_lines *lines)
{
  struct fj_cached_file *f = lookup(c, ctx, path);
  struct fj_line_iter it;
  struct fj_buf scratch = { 0 };
  const char *raw;
  size_t raw_len, cap = 0;

  if (!f)
    return ENOMEM;
  if (f->err)
    return f->err;
  if (f->lexed)
    goto done;
  /* A normalized line is no longer than the raw one, and the NULs take
   * the place of the newlines (one more for a last line without one):
   * the block never has to grow, so the lines can point into it. */
  f->texts = malloc(f->len + 1);
  if (!f->texts)
    goto nomem;
  it = (struct fj_line_iter){ .data = f->data, .len = f->len };
  while (fj_next_line(&it, &raw, &raw_len)) {
    struct fj_cached_line *l;
    struct fj_lexed lx;
    const char *why = NULL;
    char *text;

    if (fj_lex_line(raw, raw_len, &scratch, &lx, &why) == 0 && lx.text_len == 0)
      continue;
    if (f->n_lines == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      struct fj_cached_line *v = realloc(f->lines, ncap * sizeof(*v));

      if (!v)
        goto nomem;
      f->lines = v;
      cap = ncap;
    }
    l = &f->lines[f->n_lines];
    memset(l, 0, sizeof(*l));
    l->lineno = it.lineno;
    l->why = why;
    if (!why) {
      text = f->texts + f->texts_len;
      memcpy(text, lx.text, lx.text_len + 1);
      f->texts_len += lx.text_len + 1;
      l->lx = lx;
      rebase(&l->lx, scratch.data, text);
      l->lx.spec = brig_fj_spec_lookup(lx.name.s, lx.name.len);
      if (l->lx.spec) {
        /* checked here once, not by every parse (a bad one is checked
         * again by the parse, for its message) */
        char *bad = NULL;

        l->lx.args_ok = fj_check_args(l->lx.spec, l->lx.args, l->lx.args_len, &bad) == 0;
        free(bad);
      }
    }
    f->n_lines++;
    if (why)
      break; /* the parse stops here */
  }
  fj_buf_free(&scratch);
  f->lexed = true;
done:
  lines->v = f->lines;
  lines->n = f->n_lines;
  lines->texts = f->texts;
  lines->texts_len = f->texts_len;
  return 0;
nomem:
  fj_buf_free(&scratch);
  free(f->lines);
  free(f->texts);
  f->lines = NULL;
  f->texts = NULL;
  f->n_lines = f->texts_len = 0;
  return ENOMEM;
}
