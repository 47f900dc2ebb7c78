#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* The parser drives everything: it reads a profile line by line (lexer.c),
 * looks the directive up (directives.c), evaluates conditionals
 * (conditions.c), applies the ignore list, follows includes (include.c),
 * expands macros (macros.c), resolves noblacklist/nowhitelist, and builds
 * the ordered directive list.  It also owns the arena every string of the
 * result lives in and the error formatting. */
#include <errno.h>
#include <fnmatch.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- arena ---- */

struct fj_chunk {
  struct fj_chunk *next;
  size_t used, cap;
  alignas(max_align_t) char data[];
};

#define FJ_CHUNK_SIZE (64u * 1024u)

void *
fj_arena_alloc(struct fj_arena *arena, size_t size)
{
  struct fj_chunk *c = arena->head;
  size_t align = alignof(max_align_t);
  size_t off;

  if (size == 0)
    size = 1;
  if (c) {
    off = (c->used + align - 1) & ~(align - 1);
    if (off <= c->cap && size <= c->cap - off) {
      c->used = off + size;
      return c->data + off;
    }
  }
  if (size > SIZE_MAX / 2)
    return NULL;
  {
    size_t cap = size > FJ_CHUNK_SIZE ? size : FJ_CHUNK_SIZE;
    struct fj_chunk *n = malloc(sizeof(*n) + cap);

    if (!n)
      return NULL;
    n->cap = cap;
    n->used = size;
    /* A big one-off allocation goes behind the current chunk so that the
     * current chunk keeps being filled. */
    if (c && size > FJ_CHUNK_SIZE) {
      n->next = c->next;
      c->next = n;
    } else {
      n->next = c;
      arena->head = n;
    }
    return n->data;
  }
}

char *
fj_arena_strndup(struct fj_arena *arena, const char *s, size_t len)
{
  char *p = fj_arena_alloc(arena, len + 1);

  if (!p)
    return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *
fj_arena_strdup(struct fj_arena *arena, const char *s)
{
  return fj_arena_strndup(arena, s, strlen(s));
}

void
fj_arena_free(struct fj_arena *arena)
{
  struct fj_chunk *c = arena->head;

  while (c) {
    struct fj_chunk *next = c->next;

    free(c);
    c = next;
  }
  arena->head = NULL;
}

/* ---- errors ---- */

int
fj_error(char **err, const char *file, unsigned line, const char *fmt, ...)
{
  char *msg = NULL;
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (r < 0)
    msg = NULL;
  if (line)
    r = asprintf(err, "%s:%u: %s", file, line, msg ? msg : "out of memory");
  else
    r = asprintf(err, "%s: %s", file, msg ? msg : "out of memory");
  if (r < 0)
    *err = NULL;
  free(msg);
  return -1;
}

/* ---- parser state ---- */

static bool
grow(void **v, size_t *cap, size_t n, size_t elem)
{
  size_t ncap;
  void *p;

  if (n < *cap)
    return true;
  ncap = *cap ? *cap * 2 : 256;
  p = realloc(*v, ncap * elem);
  if (!p)
    return false;
  *v = p;
  *cap = ncap;
  return true;
}

struct pattern {
  const char *pat;
  size_t prefix; /* literal prefix length */
  size_t by;     /* index in items of the noblacklist/nowhitelist */
};

/* noblacklist/nowhitelist patterns: the ones without glob characters in a
 * hash table (exact match), the others in a list tried with fnmatch.  A
 * path is suppressed by the earliest pattern that matches it. */
struct pattern_set {
  struct pattern *globs;
  size_t n_globs, cap_globs;
  struct pattern *exact; /* open addressing, pat NULL = free slot */
  size_t n_exact, cap_exact;
};

static uint64_t
hash_str(const char *s)
{
  uint64_t h = 1469598103934665603ull;

  while (*s)
    h = (h ^ (unsigned char)*s++) * 1099511628211ull;
  return h;
}

static struct pattern *
exact_slot(struct pattern *tab, size_t cap, const char *s)
{
  size_t i = (size_t)hash_str(s) & (cap - 1);

  while (tab[i].pat && strcmp(tab[i].pat, s) != 0)
    i = (i + 1) & (cap - 1);
  return &tab[i];
}

static bool
exact_add(struct pattern_set *set, const struct pattern *p)
{
  struct pattern *slot;

  if ((set->n_exact + 1) * 2 > set->cap_exact) {
    size_t cap = set->cap_exact ? set->cap_exact * 2 : 64;
    struct pattern *tab = calloc(cap, sizeof(*tab));

    if (!tab)
      return false;
    for (size_t i = 0; i < set->cap_exact; i++)
      if (set->exact[i].pat)
        *exact_slot(tab, cap, set->exact[i].pat) = set->exact[i];
    free(set->exact);
    set->exact = tab;
    set->cap_exact = cap;
  }
  slot = exact_slot(set->exact, set->cap_exact, p->pat);
  if (!slot->pat) { /* keep the first (earliest) duplicate */
    *slot = *p;
    set->n_exact++;
  }
  return true;
}

static bool
pattern_add(struct pattern_set *set, const char *pat, size_t by)
{
  struct pattern p = { .pat = pat, .prefix = strcspn(pat, "*?[\\"), .by = by };

  if (pat[p.prefix] == '\0')
    return exact_add(set, &p);
  if (!grow((void **)&set->globs, &set->cap_globs, set->n_globs, sizeof(*set->globs)))
    return false;
  set->globs[set->n_globs++] = p;
  return true;
}

/* fnmatch(pattern, path, FNM_PATHNAME) over the set, cheap tests first:
 * the literal prefix of a glob must match, and its last byte (where
 * "/home/user/.x*" patterns differ) is compared before the rest. */
static const struct pattern *
pattern_find(const struct pattern_set *set, const char *path)
{
  const struct pattern *best = NULL;
  size_t len = strlen(path);

  if (set->n_exact) {
    const struct pattern *e = exact_slot(set->exact, set->cap_exact, path);

    if (e->pat)
      best = e;
  }
  for (size_t i = 0; i < set->n_globs; i++) {
    const struct pattern *p = &set->globs[i];

    if (best && p->by > best->by)
      break;
    if (p->prefix > len || (p->prefix && (path[p->prefix - 1] != p->pat[p->prefix - 1] ||
                                          memcmp(p->pat, path, p->prefix - 1) != 0)))
      continue;
    if (fnmatch(p->pat, path, FNM_PATHNAME) == 0)
      return p;
  }
  return best;
}

static void
pattern_set_free(struct pattern_set *set)
{
  free(set->globs);
  free(set->exact);
}

struct parser {
  const struct brig_fj_context *ctx;
  struct fj_arena arena;
  struct fj_macros macros;
  struct fj_ignore ignore;
  struct fj_include_stack stack;
  unsigned conditions;
  bool quiet;

  struct brig_fj_directive *items;
  size_t n_items, cap_items;
  struct brig_fj_suppressed *sup;
  size_t n_sup, cap_sup;
  const char **files;
  size_t n_files, cap_files;
  struct pattern_set noblacklist, nowhitelist;
};

static int
oom(char **err, const char *file, unsigned line)
{
  return fj_error(err, file, line, "out of memory");
}

/* A line being turned into directives. */
struct line_ctx {
  const char *file;
  unsigned line;
  unsigned depth;
  unsigned conds;
  const char *text;
  const struct brig_fj_spec *spec;
};

static struct brig_fj_directive *
new_item(struct parser *p, const struct line_ctx *lc)
{
  struct brig_fj_directive *d;

  if (!grow((void **)&p->items, &p->cap_items, p->n_items, sizeof(*p->items)))
    return NULL;
  d = &p->items[p->n_items++];
  memset(d, 0, sizeof(*d));
  d->kind = lc->spec->kind;
  d->spec = lc->spec;
  d->text = lc->text;
  d->file = lc->file;
  d->line = lc->line;
  d->depth = lc->depth;
  d->conditions = lc->conds;
  return d;
}

static const char *const *
argv1(struct parser *p, const char *a)
{
  const char **v = fj_arena_alloc(&p->arena, sizeof(*v));

  if (v)
    v[0] = a;
  return v;
}

/* Emits one directive whose argument is a single (expanded) path, applying
 * noblacklist/nowhitelist to blacklist/whitelist entries. */
static int
emit_path(struct parser *p, const struct line_ctx *lc, const char *path, unsigned flags, char **err)
{
  const struct pattern_set *no = NULL;
  const struct pattern *hit;
  struct brig_fj_directive *d, tmp;

  switch (lc->spec->kind) {
  case BRIG_FJ_BLACKLIST:
  case BRIG_FJ_BLACKLIST_NOLOG:
    no = &p->noblacklist;
    break;
  case BRIG_FJ_WHITELIST:
  case BRIG_FJ_WHITELIST_RO:
    no = &p->nowhitelist;
    break;
  default:
    break;
  }

  if (no && (hit = pattern_find(no, path))) {
    if (!grow((void **)&p->sup, &p->cap_sup, p->n_sup, sizeof(*p->sup)))
      return oom(err, lc->file, lc->line);
    memset(&tmp, 0, sizeof(tmp));
    d = &tmp;
  } else {
    hit = NULL;
    d = new_item(p, lc);
    if (!d)
      return oom(err, lc->file, lc->line);
  }
  d->kind = lc->spec->kind;
  d->spec = lc->spec;
  d->text = lc->text;
  d->file = lc->file;
  d->line = lc->line;
  d->depth = lc->depth;
  d->conditions = lc->conds;
  d->flags = flags;
  d->arg = path;
  d->argv = argv1(p, path);
  d->argc = 1;
  if (!d->argv)
    return oom(err, lc->file, lc->line);

  if (hit) {
    p->sup[p->n_sup].directive = tmp;
    p->sup[p->n_sup].by = hit->by;
    p->n_sup++;
    return 0;
  }
  if (lc->spec->kind == BRIG_FJ_NOBLACKLIST &&
      !pattern_add(&p->noblacklist, path, (size_t)(d - p->items)))
    return oom(err, lc->file, lc->line);
  if (lc->spec->kind == BRIG_FJ_NOWHITELIST &&
      !pattern_add(&p->nowhitelist, path, (size_t)(d - p->items)))
    return oom(err, lc->file, lc->line);
  return 0;
}

static int
expand(struct parser *p, const struct line_ctx *lc, const char *s, size_t len, const char ***out,
       char **err)
{
  char *why = NULL;
  int n = fj_expand_path(&p->macros, s, len, out, &why);

  if (n < 0) {
    fj_error(err, lc->file, lc->line, "%s", why ? why : "out of memory");
    free(why);
  }
  return n;
}

static int
emit_paths2(struct parser *p, const struct line_ctx *lc, const char *args, size_t len, char **err)
{
  const char *comma = memchr(args, ',', len);
  const char **a, **b, **v;
  struct brig_fj_directive *d;
  size_t la = (size_t)(comma - args);
  int na, nb;

  na = expand(p, lc, args, la, &a, err);
  if (na < 0)
    return -1;
  nb = expand(p, lc, comma + 1, len - la - 1, &b, err);
  if (nb < 0)
    return -1;
  if (na != 1 || nb != 1)
    return fj_error(err, lc->file, lc->line, "'%s': ${PATH} is not supported here", lc->spec->name);
  d = new_item(p, lc);
  v = fj_arena_alloc(&p->arena, 2 * sizeof(*v));
  if (!d || !v)
    return oom(err, lc->file, lc->line);
  v[0] = a[0];
  v[1] = b[0];
  d->argv = v;
  d->argc = 2;
  d->arg = fj_arena_alloc(&p->arena, strlen(a[0]) + strlen(b[0]) + 2);
  if (!d->arg)
    return oom(err, lc->file, lc->line);
  sprintf((char *)d->arg, "%s,%s", a[0], b[0]);
  return 0;
}

static int
emit_list(struct parser *p, const struct line_ctx *lc, const char *args, size_t len, char **err)
{
  struct brig_fj_directive *d = new_item(p, lc);
  const char **v;
  size_t n = 1, k = 0, start = 0;

  if (!d)
    return oom(err, lc->file, lc->line);
  for (size_t i = 0; i < len; i++)
    n += args[i] == ',';
  v = fj_arena_alloc(&p->arena, n * sizeof(*v));
  d->arg = fj_arena_strndup(&p->arena, args, len);
  if (!v || !d->arg)
    return oom(err, lc->file, lc->line);
  for (size_t i = 0; i <= len; i++) {
    if (i < len && args[i] != ',')
      continue;
    if (i > start) {
      v[k] = fj_arena_strndup(&p->arena, args + start, i - start);
      if (!v[k++])
        return oom(err, lc->file, lc->line);
    }
    start = i + 1;
  }
  d->argv = v;
  d->argc = k;
  return 0;
}

static int parse_text(struct parser *p, const char *file, const char *data, size_t len,
                      bool from_file, char **err);

static int
do_include(struct parser *p, const struct line_ctx *lc, const char *args, size_t len, char **err)
{
  struct brig_fj_directive *d;
  const char **names;
  char *path = NULL, *data = NULL, *why = NULL;
  const char *file;
  size_t dlen = 0;
  int n, r;

  n = expand(p, lc, args, len, &names, err);
  if (n < 0)
    return -1;
  if (n != 1)
    return fj_error(err, lc->file, lc->line, "'include': ${PATH} is not supported here");
  r = fj_include_open(p->ctx, &p->macros, &p->stack, names[0], &path, &data, &dlen, &why);
  if (r < 0) {
    fj_error(err, lc->file, lc->line, "%s", why ? why : "out of memory");
    free(why);
    return -1;
  }
  d = new_item(p, lc);
  if (!d)
    goto nomem;
  if (r == 0) {
    d->flags |= BRIG_FJ_DIR_MISSING_LOCAL;
    d->arg = names[0];
  } else {
    d->arg = fj_arena_strdup(&p->arena, path);
    if (!d->arg)
      goto nomem;
  }
  d->argv = argv1(p, d->arg);
  d->argc = 1;
  if (!d->argv)
    goto nomem;
  if (r == 0)
    return 0;

  file = d->arg;
  if (!grow((void **)&p->files, &p->cap_files, p->n_files, sizeof(*p->files)))
    goto nomem;
  p->files[p->n_files++] = file;
  p->stack.paths[p->stack.depth++] = file;
  r = parse_text(p, file, data, dlen, true, err);
  p->stack.depth--;
  free(path);
  free(data);
  return r;
nomem:
  free(path);
  free(data);
  return oom(err, lc->file, lc->line);
}

static int
handle_line(struct parser *p, const char *file, unsigned lineno, const struct fj_lexed *lx,
            char **err)
{
  struct line_ctx lc = { .file = file, .line = lineno, .depth = p->stack.depth - 1 };
  struct brig_fj_directive *d;
  char *why = NULL;
  size_t before = p->n_items;
  const char **paths;
  int n;

  for (unsigned i = 0; i < lx->n_conds; i++) {
    unsigned bit = brig_fj_condition_lookup(lx->conds[i].s, lx->conds[i].len);

    if (!bit)
      return fj_error(err, file, lineno, "unknown conditional '%.*s'", (int)lx->conds[i].len,
                      lx->conds[i].s);
    lc.conds |= bit;
  }
  lc.spec = lx->spec ? lx->spec : brig_fj_spec_lookup(lx->name.s, lx->name.len);
  if (!lc.spec)
    return fj_error(err, file, lineno, "unknown directive '%.*s'", (int)lx->name.len, lx->name.s);
  if (lx->n_conds && (lc.spec->kind == BRIG_FJ_INCLUDE || lc.spec->kind == BRIG_FJ_QUIET))
    return fj_error(err, file, lineno, "'%s' is not allowed after a conditional", lc.spec->name);
  if (fj_check_args(lc.spec, lx->args, lx->args_len, &why) < 0) {
    fj_error(err, file, lineno, "%s", why ? why : "out of memory");
    free(why);
    return -1;
  }

  /* Every conditional must hold; then the first-wins ignore list. */
  if ((lc.conds & ~p->conditions) != 0)
    return 0;
  if (fj_ignore_match(&p->ignore, lx->body, lx->body_len))
    return 0;

  lc.text = fj_arena_strndup(&p->arena, lx->body, lx->body_len);
  if (!lc.text)
    return oom(err, file, lineno);

  switch (lc.spec->type) {
  case BRIG_FJ_TYPE_INCLUDE:
    return do_include(p, &lc, lx->args, lx->args_len, err);
  case BRIG_FJ_TYPE_PATH:
    if (!lx->args)
      break;
    n = expand(p, &lc, lx->args, lx->args_len, &paths, err);
    if (n < 0)
      return -1;
    for (int i = 0; i < n; i++)
      if (emit_path(p, &lc, paths[i],
                    lx->args_len >= 7 && memcmp(lx->args, "${PATH}", 7) == 0
                        ? BRIG_FJ_DIR_FROM_PATH_MACRO
                        : 0,
                    err) < 0)
        return -1;
    goto effects;
  case BRIG_FJ_TYPE_PATHS2:
    if (emit_paths2(p, &lc, lx->args, lx->args_len, err) < 0)
      return -1;
    goto effects;
  case BRIG_FJ_TYPE_LIST:
    if (!lx->args)
      break;
    if (emit_list(p, &lc, lx->args, lx->args_len, err) < 0)
      return -1;
    goto effects;
  case BRIG_FJ_TYPE_KEYVAL: {
    const char *eq = memchr(lx->args, '=', lx->args_len);
    const char **v = fj_arena_alloc(&p->arena, 2 * sizeof(*v));

    d = new_item(p, &lc);
    if (!d || !v)
      return oom(err, file, lineno);
    d->arg = fj_arena_strndup(&p->arena, lx->args, lx->args_len);
    v[0] = fj_arena_strndup(&p->arena, lx->args, (size_t)(eq - lx->args));
    v[1] = fj_arena_strdup(&p->arena, eq + 1);
    if (!d->arg || !v[0] || !v[1])
      return oom(err, file, lineno);
    d->argv = v;
    d->argc = 2;
    goto effects;
  }
  case BRIG_FJ_TYPE_NONE:
  case BRIG_FJ_TYPE_TEXT:
  case BRIG_FJ_TYPE_ENUM:
    break;
  }

  /* No argument, or one verbatim argument. */
  d = new_item(p, &lc);
  if (!d)
    return oom(err, file, lineno);
  if (lx->args) {
    d->arg = fj_arena_strndup(&p->arena, lx->args, lx->args_len);
    d->argv = d->arg ? argv1(p, d->arg) : NULL;
    d->argc = 1;
    if (!d->argv)
      return oom(err, file, lineno);
  }
  if (lc.spec->kind == BRIG_FJ_IGNORE && !fj_ignore_add(&p->ignore, d->arg))
    return oom(err, file, lineno);
  if (lc.spec->kind == BRIG_FJ_QUIET)
    p->quiet = true;

effects:
  for (size_t i = before; i < p->n_items; i++)
    p->conditions |= fj_condition_effect(&p->items[i]);
  return 0;
}

/* FROM_FILE: DATA is the content of the file FILE, whose lexed lines a
 * cache (ctx->cache) can give. */
static int
parse_text(struct parser *p, const char *file, const char *data, size_t len, bool from_file,
           char **err)
{
  struct fj_line_iter it = { .data = data, .len = len };
  struct fj_buf scratch = { 0 };
  const char *raw;
  size_t raw_len;
  int r = 0;

  if (from_file && p->ctx->cache) {
    const struct fj_cached_line *lines;
    size_t n;

    r = fj_cache_lines(p->ctx->cache, p->ctx, file, &lines, &n);
    if (r != 0)
      return fj_error(err, file, 0, "cannot read: %s", strerror(r));
    for (size_t i = 0; i < n; i++) {
      if (lines[i].why)
        return fj_error(err, file, lines[i].lineno, "%s", lines[i].why);
      if (handle_line(p, file, lines[i].lineno, &lines[i].lx, err) < 0)
        return -1;
    }
    return 0;
  }

  while (fj_next_line(&it, &raw, &raw_len)) {
    struct fj_lexed lx;
    const char *why;

    if (fj_lex_line(raw, raw_len, &scratch, &lx, &why) < 0) {
      r = fj_error(err, file, it.lineno, "%s", why);
      break;
    }
    if (lx.text_len == 0)
      continue;
    r = handle_line(p, file, it.lineno, &lx, err);
    if (r < 0)
      break;
  }
  fj_buf_free(&scratch);
  return r;
}

/* ---- public entry points ---- */

void
brig_fj_context_init(struct brig_fj_context *ctx)
{
  memset(ctx, 0, sizeof(*ctx));
  ctx->cfg_dir = "/etc/firejail";
  ctx->conditions = BRIG_FJ_COND_DEFAULTS;
  ctx->read_file = brig_fj_read_file_default;
}

void
brig_fj_profile_free(struct brig_fj_profile *profile)
{
  struct fj_arena arena;

  if (!profile)
    return;
  arena.head = profile->priv;
  free(profile->items);
  free(profile->suppressed);
  fj_arena_free(&arena);
}

static void
parser_cleanup(struct parser *p)
{
  fj_macros_fini(&p->macros);
  fj_ignore_free(&p->ignore);
  pattern_set_free(&p->noblacklist);
  pattern_set_free(&p->nowhitelist);
  free(p->files);
  free(p->items);
  free(p->sup);
  fj_arena_free(&p->arena);
}

static int
parse_profile(const struct brig_fj_context *ctx, const char *name, const char *text, size_t len,
              bool from_file, struct brig_fj_profile **out, char **err)
{
  struct parser p = { .ctx = ctx, .conditions = ctx->conditions };
  struct brig_fj_profile *prof;
  const char *file, **v;
  char *why = NULL;

  *out = NULL;
  *err = NULL;
  if (fj_macros_init(&p.macros, ctx, &p.arena, &why) < 0) {
    fj_error(err, name, 0, "%s", why ? why : "out of memory");
    free(why);
    goto fail;
  }
  file = fj_arena_strdup(&p.arena, name);
  if (!file || !grow((void **)&p.files, &p.cap_files, 0, sizeof(*p.files))) {
    oom(err, name, 0);
    goto fail;
  }
  p.files[p.n_files++] = file;
  p.stack.paths[p.stack.depth++] = file;
  if (parse_text(&p, file, text, len, from_file, err) < 0)
    goto fail;

  prof = fj_arena_alloc(&p.arena, sizeof(*prof));
  v = fj_arena_alloc(&p.arena, (p.n_files + p.ignore.n + 1) * sizeof(*v));
  if (!prof || !v) {
    oom(err, name, 0);
    goto fail;
  }
  memset(prof, 0, sizeof(*prof));
  memcpy(v, p.files, p.n_files * sizeof(*v));
  if (p.ignore.n)
    memcpy(v + p.n_files, p.ignore.items, p.ignore.n * sizeof(*v));
  prof->files = v;
  prof->n_files = p.n_files;
  prof->ignores = v + p.n_files;
  prof->n_ignores = p.ignore.n;
  prof->items = p.items;
  prof->n_items = p.n_items;
  prof->suppressed = p.sup;
  prof->n_suppressed = p.n_sup;
  prof->conditions = p.conditions;
  prof->quiet = p.quiet;
  prof->priv = p.arena.head;
  p.items = NULL;
  p.sup = NULL;
  p.arena.head = NULL;
  parser_cleanup(&p);
  *out = prof;
  return 0;
fail:
  parser_cleanup(&p);
  return -1;
}

int
brig_fj_parse_file(const struct brig_fj_context *ctx, const char *path,
                   struct brig_fj_profile **out, char **err)
{
  char *data = NULL;
  size_t len = 0;
  int r;

  *out = NULL;
  *err = NULL;
  r = fj_read(ctx, path, &data, &len);
  if (r != 0)
    return fj_error(err, path, 0, "cannot read profile: %s", strerror(r));
  r = parse_profile(ctx, path, data, len, true, out, err);
  free(data);
  return r;
}

int
brig_fj_parse_buffer(const struct brig_fj_context *ctx, const char *name, const char *text,
                     size_t len, struct brig_fj_profile **out, char **err)
{
  return parse_profile(ctx, name, text, len, false, out, err);
}
