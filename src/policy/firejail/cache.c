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
  char *path; /* NULL: free slot */
  int err;    /* result of the read: 0 or an errno value */
  char *data;
  size_t len;
  bool lexed;
  struct fj_cached_line *lines;
  size_t n_lines;
};

struct brig_fj_cache {
  struct fj_cached_file *tab; /* open addressing, power of two */
  size_t n, cap;
};

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
  for (size_t i = 0; i < f->n_lines; i++)
    free(f->lines[i].text);
  free(f->lines);
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
slot(struct fj_cached_file *tab, size_t cap, const char *path)
{
  size_t i = hash(path) & (cap - 1);

  while (tab[i].path && strcmp(tab[i].path, path) != 0)
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

  if ((c->n + 1) * 2 > c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 256;
    struct fj_cached_file *tab = calloc(cap, sizeof(*tab));

    if (!tab)
      return NULL;
    for (size_t i = 0; i < c->cap; i++)
      if (c->tab[i].path)
        *slot(tab, cap, c->tab[i].path) = c->tab[i];
    free(c->tab);
    c->tab = tab;
    c->cap = cap;
  }
  f = slot(c->tab, c->cap, path);
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

  *data = NULL;
  *len = 0;
  if (!f)
    return ENOMEM;
  if (f->err)
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
               const struct fj_cached_line **lines, size_t *n)
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
  if (f->lexed) {
    *lines = f->lines;
    *n = f->n_lines;
    return 0;
  }
  it = (struct fj_line_iter){ .data = f->data, .len = f->len };
  while (fj_next_line(&it, &raw, &raw_len)) {
    struct fj_cached_line *l;
    struct fj_lexed lx;
    const char *why = NULL;

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
      l->text = malloc(lx.text_len + 1);
      if (!l->text)
        goto nomem;
      memcpy(l->text, lx.text, lx.text_len + 1);
      l->lx = lx;
      rebase(&l->lx, scratch.data, l->text);
      l->lx.spec = brig_fj_spec_lookup(lx.name.s, lx.name.len);
    }
    f->n_lines++;
    if (why)
      break; /* the parse stops here */
  }
  fj_buf_free(&scratch);
  f->lexed = true;
  *lines = f->lines;
  *n = f->n_lines;
  return 0;
nomem:
  fj_buf_free(&scratch);
  for (size_t i = 0; i < f->n_lines; i++)
    free(f->lines[i].text);
  free(f->lines);
  f->lines = NULL;
  f->n_lines = 0;
  return ENOMEM;
}
