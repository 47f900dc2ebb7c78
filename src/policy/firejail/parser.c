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
  size_t cap;
  alignas(max_align_t) char data[];
};

#define FJ_CHUNK_SIZE (64u * 1024u)

void *
fj_arena_alloc(struct fj_arena *arena, size_t size)
{
  return fj_arena_alloc_aligned(arena, size, alignof(max_align_t));
}

void *
fj_arena_alloc_slow(struct fj_arena *arena, size_t size, size_t align)
{
  struct fj_chunk *c = arena->head, *n;
  size_t cap;

  if (size == 0)
    size = 1;
  if (align > alignof(max_align_t) || size > SIZE_MAX / 2)
    return NULL;
  if (arena->next) { /* a size of 0 was asked for: there may be room */
    uintptr_t at = ((uintptr_t)arena->next + (align - 1)) & ~(uintptr_t)(align - 1);

    if (at <= (uintptr_t)arena->end && size <= (uintptr_t)arena->end - at) {
      arena->next = (char *)at + size;
      return (void *)at;
    }
  }
  cap = size > FJ_CHUNK_SIZE ? size : FJ_CHUNK_SIZE;
  n = malloc(sizeof(*n) + cap);
  if (!n)
    return NULL;
  n->cap = cap;
  /* A big one-off allocation goes behind the current chunk so that the
   * current chunk keeps being filled. */
  if (c && size > FJ_CHUNK_SIZE) {
    n->next = c->next;
    c->next = n;
  } else {
    n->next = c;
    arena->head = n;
    arena->next = n->data + size;
    arena->end = n->data + cap;
  }
  return n->data;
}

char *
fj_arena_strndup(struct fj_arena *arena, const char *s, size_t len)
{
  char *p = fj_arena_alloc_aligned(arena, len + 1, 1);

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
  arena->next = arena->end = NULL;
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
  if (!file && msg) {
    *err = msg;
    return -1;
  }
  if (!file)
    r = asprintf(err, "out of memory");
  else if (line)
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
  size_t len;    /* strlen(pat) */
  size_t prefix; /* literal prefix length */
  size_t by;     /* index in items of the noblacklist/nowhitelist */
  uint64_t hash; /* exact patterns: path_hash(pat, len) */
  char last;     /* globs: the last byte of the literal prefix, if any */
};

#define FJ_SIG_BITS 4096u

/* Globs in the order they came, all under the same first component. */
struct glob_list {
  struct pattern *v;
  size_t n, cap;
};

#define FJ_GLOB_GROUPS 17 /* 0, then 16 (a mask of 15) for first components */

/* noblacklist/nowhitelist patterns: the ones without glob characters in a
 * hash table (exact match), the others in lists tried with fnmatch.  A
 * path is suppressed by the earliest pattern that matches it.  Almost no
 * blacklisted path is suppressed, and a profile blacklists thousands of
 * paths: the signature bits (see path_sig) turn most of them away before
 * any hashing, and a path is only tried against the globs of its group
 * (see glob_group). */
struct pattern_set {
  struct glob_list globs[FJ_GLOB_GROUPS];
  size_t n_globs;        /* in all groups */
  struct pattern *exact; /* open addressing, pat NULL = free slot */
  size_t n_exact, cap_exact;
  uint64_t exact_sigs[FJ_SIG_BITS / 64]; /* path_sig of every exact pattern */
};

/* A cheap fingerprint of a path, from its length and two of its bytes (the
 * last one, where sibling paths like ~/.foo and ~/.bar differ, and the
 * middle one): equal paths have equal signatures. */
static size_t
path_sig(const char *s, size_t len)
{
  size_t last = len ? (unsigned char)s[len - 1] : 0, mid = (unsigned char)s[len / 2];

  return (len * 131u + last * 31u + mid) & (FJ_SIG_BITS - 1);
}

/* Hash of LEN bytes, eight at a time (paths are some 40 bytes long). */
static uint64_t
path_hash(const char *s, size_t len)
{
  uint64_t h = 0x9e3779b97f4a7c15ull ^ len;

  for (; len >= 8; s += 8, len -= 8) {
    uint64_t w;

    memcpy(&w, s, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  if (len) {
    uint64_t w = 0;

    memcpy(&w, s, len);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
  }
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

static struct pattern *
exact_slot(struct pattern *tab, size_t cap, const char *s, size_t len, uint64_t hash)
{
  size_t i = (size_t)hash & (cap - 1);

  while (tab[i].pat &&
         (tab[i].hash != hash || tab[i].len != len || memcmp(tab[i].pat, s, len) != 0))
    i = (i + 1) & (cap - 1);
  return &tab[i];
}

static bool
exact_add(struct pattern_set *set, const struct pattern *p)
{
  struct pattern *slot;
  size_t sig;

  if ((set->n_exact + 1) * 2 > set->cap_exact) {
    size_t cap = set->cap_exact ? set->cap_exact * 2 : 64;
    struct pattern *tab = calloc(cap, sizeof(*tab));

    if (!tab)
      return false;
    for (size_t i = 0; i < set->cap_exact; i++) {
      const struct pattern *e = &set->exact[i];

      if (e->pat)
        *exact_slot(tab, cap, e->pat, e->len, e->hash) = *e;
    }
    free(set->exact);
    set->exact = tab;
    set->cap_exact = cap;
  }
  slot = exact_slot(set->exact, set->cap_exact, p->pat, p->len, p->hash);
  if (!slot->pat) { /* keep the first (earliest) duplicate */
    *slot = *p;
    set->n_exact++;
  }
  sig = path_sig(p->pat, p->len);
  set->exact_sigs[sig / 64] |= 1ull << (sig % 64);
  return true;
}

/* The group of a glob's literal prefix, or of a path: 1 + a hash of the
 * first component when S (LEN bytes) starts with a complete one ("/usr/"),
 * else 0.  A glob only matches paths that start with its literal prefix, so
 * a glob of group G > 0 only matches paths of group G; a path tries its
 * group and group 0 ("/usr*", "*.kdbx"). */
static size_t
glob_group(const char *s, size_t len)
{
  const char *end = len > 1 && s[0] == '/' ? memchr(s + 1, '/', len - 1) : NULL;
  size_t h = 0;

  if (!end)
    return 0;
  for (const char *c = s + 1; c < end; c++)
    h = h * 31 + (unsigned char)*c;
  return 1 + (h & (FJ_GLOB_GROUPS - 2));
}

static bool
pattern_add(struct pattern_set *set, const char *pat, size_t by)
{
  struct pattern p = { .pat = pat, .len = strlen(pat), .prefix = strcspn(pat, "*?[\\"), .by = by };
  struct glob_list *l;

  if (pat[p.prefix] == '\0') {
    p.hash = path_hash(pat, p.len);
    return exact_add(set, &p);
  }
  p.last = p.prefix ? pat[p.prefix - 1] : '\0';
  l = &set->globs[glob_group(pat, p.prefix)];
  if (!grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v)))
    return false;
  l->v[l->n++] = p;
  set->n_globs++;
  return true;
}

/* The first glob of L that matches PATH with FNM_PATHNAME, among those
 * earlier than item BEFORE.  Cheap tests first: the literal prefix must
 * match, and its last byte (where "/home/user/.x*" patterns differ) is
 * compared before the rest. */
static const struct pattern *
glob_find(const struct glob_list *l, const char *path, size_t len, size_t before)
{
  for (size_t i = 0; i < l->n; i++) {
    const struct pattern *p = &l->v[i];

    if (p->by > before)
      break;
    if (p->prefix > len ||
        (p->prefix && (path[p->prefix - 1] != p->last || memcmp(p->pat, path, p->prefix - 1) != 0)))
      continue;
    if (fnmatch(p->pat, path, FNM_PATHNAME) == 0)
      return p;
  }
  return NULL;
}

/* The earliest pattern of the set that matches PATH, or NULL. */
static const struct pattern *
pattern_find(const struct pattern_set *set, const char *path)
{
  const struct pattern *best = NULL, *hit;
  size_t len, group;

  if (!set->n_exact && !set->n_globs)
    return NULL;
  len = strlen(path);
  if (set->n_exact) {
    size_t sig = path_sig(path, len);

    if (set->exact_sigs[sig / 64] & (1ull << (sig % 64))) {
      const struct pattern *e =
          exact_slot(set->exact, set->cap_exact, path, len, path_hash(path, len));

      if (e->pat)
        best = e;
    }
  }
  if (!set->n_globs)
    return best;
  if ((hit = glob_find(&set->globs[0], path, len, best ? best->by : SIZE_MAX)))
    best = hit;
  group = glob_group(path, len);
  if (group && (hit = glob_find(&set->globs[group], path, len, best ? best->by : SIZE_MAX)))
    best = hit;
  return best;
}

static void
pattern_set_free(struct pattern_set *set)
{
  for (size_t g = 0; g < FJ_GLOB_GROUPS; g++)
    free(set->globs[g].v);
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
  const char **v = fj_arena_alloc_strv(&p->arena, 1);

  if (v)
    v[0] = a;
  return v;
}

/* Emits one directive whose argument is a single (expanded) path, applying
 * noblacklist/nowhitelist to blacklist/whitelist entries.  PATH points into
 * the array of expansion results, which doubles as the argv. */
static int
emit_path(struct parser *p, const struct line_ctx *lc, const char *const *path, unsigned flags,
          char **err)
{
  const struct pattern_set *no = NULL;
  const struct pattern *hit = NULL;
  struct brig_fj_directive d = {
    .kind = lc->spec->kind,
    .spec = lc->spec,
    .arg = *path,
    .argv = path,
    .argc = 1,
    .text = lc->text,
    .file = lc->file,
    .line = lc->line,
    .depth = lc->depth,
    .conditions = lc->conds,
    .flags = flags,
  };

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

  if (no && (hit = pattern_find(no, *path))) {
    if (!grow((void **)&p->sup, &p->cap_sup, p->n_sup, sizeof(*p->sup)))
      return oom(err, lc->file, lc->line);
    p->sup[p->n_sup].directive = d;
    p->sup[p->n_sup].by = hit->by;
    p->n_sup++;
    return 0;
  }
  if (!grow((void **)&p->items, &p->cap_items, p->n_items, sizeof(*p->items)))
    return oom(err, lc->file, lc->line);
  p->items[p->n_items] = d;
  if (lc->spec->kind == BRIG_FJ_NOBLACKLIST && !pattern_add(&p->noblacklist, *path, p->n_items))
    return oom(err, lc->file, lc->line);
  if (lc->spec->kind == BRIG_FJ_NOWHITELIST && !pattern_add(&p->nowhitelist, *path, p->n_items))
    return oom(err, lc->file, lc->line);
  p->n_items++;
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
  v = fj_arena_alloc_strv(&p->arena, 2);
  if (!d || !v)
    return oom(err, lc->file, lc->line);
  v[0] = a[0];
  v[1] = b[0];
  d->argv = v;
  d->argc = 2;
  d->arg = fj_arena_alloc_aligned(&p->arena, strlen(a[0]) + strlen(b[0]) + 2, 1);
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
  v = fj_arena_alloc_strv(&p->arena, n);
  d->arg = args;
  if (!v)
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
  /* with a cache, parse_text takes the lexed lines from it: no copy */
  r = fj_include_open(p->ctx, &p->macros, &p->stack, names[0], &path, p->ctx->cache ? NULL : &data,
                      &dlen, &why);
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

/* BODY: lx->body already in the arena (from the copy of a cached file's
 * text block), or NULL to copy it here. */
static int
handle_line(struct parser *p, const char *file, unsigned lineno, const struct fj_lexed *lx,
            const char *body, char **err)
{
  struct line_ctx lc = { .file = file, .line = lineno, .depth = p->stack.depth - 1 };
  struct brig_fj_directive *d;
  char *why = NULL;
  size_t before = p->n_items;
  const char **paths, *args;
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
  if (!lx->args_ok && fj_check_args(lc.spec, lx->args, lx->args_len, &why) < 0) {
    fj_error(err, file, lineno, "%s", why ? why : "out of memory");
    free(why);
    return -1;
  }

  /* Every conditional must hold; then the first-wins ignore list. */
  if ((lc.conds & ~p->conditions) != 0)
    return 0;
  if (p->ignore.n && fj_ignore_match(&p->ignore, lx->body, lx->body_len))
    return 0;

  lc.text = body ? body : fj_arena_strndup(&p->arena, lx->body, lx->body_len);
  if (!lc.text)
    return oom(err, file, lineno);
  /* The argument is the tail of the text: the directive's strings point
   * into this copy rather than into copies of their own. */
  args = lx->args ? lc.text + (lx->args - lx->body) : NULL;

  switch (lc.spec->type) {
  case BRIG_FJ_TYPE_INCLUDE:
    return do_include(p, &lc, args, lx->args_len, err);
  case BRIG_FJ_TYPE_PATH:
    if (!args)
      break;
    n = expand(p, &lc, args, lx->args_len, &paths, err);
    if (n < 0)
      return -1;
    for (int i = 0; i < n; i++)
      if (emit_path(p, &lc, &paths[i],
                    lx->args_len >= 7 && memcmp(args, "${PATH}", 7) == 0
                        ? BRIG_FJ_DIR_FROM_PATH_MACRO
                        : 0,
                    err) < 0)
        return -1;
    goto effects;
  case BRIG_FJ_TYPE_PATHS2:
    if (emit_paths2(p, &lc, args, lx->args_len, err) < 0)
      return -1;
    goto effects;
  case BRIG_FJ_TYPE_LIST:
    if (!args)
      break;
    if (emit_list(p, &lc, args, lx->args_len, err) < 0)
      return -1;
    goto effects;
  case BRIG_FJ_TYPE_KEYVAL: {
    const char *eq = memchr(args, '=', lx->args_len);
    const char **v = fj_arena_alloc_strv(&p->arena, 2);

    d = new_item(p, &lc);
    if (!d || !v)
      return oom(err, file, lineno);
    d->arg = args;
    v[0] = fj_arena_strndup(&p->arena, args, (size_t)(eq - args));
    v[1] = eq + 1;
    if (!v[0])
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
  if (args) {
    d->arg = args;
    d->argv = argv1(p, d->arg);
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
    struct fj_cached_lines lines;
    char *texts;

    r = fj_cache_lines(p->ctx->cache, p->ctx, file, &lines);
    if (r != 0)
      return fj_error(err, file, 0, "cannot read: %s", strerror(r));
    /* the directives' texts: one copy of the file's block */
    texts = fj_arena_alloc_aligned(&p->arena, lines.texts_len, 1);
    if (!texts)
      return oom(err, file, 0);
    if (lines.texts_len)
      memcpy(texts, lines.texts, lines.texts_len);
    for (size_t i = 0; i < lines.n; i++) {
      const struct fj_cached_line *l = &lines.v[i];

      if (l->why)
        return fj_error(err, file, l->lineno, "%s", l->why);
      if (handle_line(p, file, l->lineno, &l->lx, texts + (l->lx.body - lines.texts), err) < 0)
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
    r = handle_line(p, file, it.lineno, &lx, NULL, err);
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
  struct fj_arena arena = { 0 };

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

/* The first capacity of the directive list: the cache's hint (see
 * fj_cache_items_hint), else what grow() would start with. */
static bool
reserve_items(struct parser *p)
{
  size_t cap = p->ctx->cache ? fj_cache_items_hint(p->ctx->cache) : 0;

  if (cap < 256)
    cap = 256;
  p->items = malloc(cap * sizeof(*p->items));
  if (!p->items)
    return false;
  p->cap_items = cap;
  return true;
}

/* Gives back the unused tail of a list sized by the hint (in place: no
 * copy), so that a short profile does not keep the longest one's room. */
static void
shrink_items(struct parser *p)
{
  struct brig_fj_directive *v;

  if (p->n_items == 0 || p->cap_items - p->n_items < 256)
    return;
  v = realloc(p->items, p->n_items * sizeof(*p->items));
  if (v) {
    p->items = v;
    p->cap_items = p->n_items;
  }
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
  if (!file || !grow((void **)&p.files, &p.cap_files, 0, sizeof(*p.files)) || !reserve_items(&p)) {
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
  if (ctx->cache)
    fj_cache_note_items(ctx->cache, p.n_items);
  shrink_items(&p);
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
  p.arena.next = p.arena.end = NULL;
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
  /* with a cache, parse_text takes the lexed lines from it: no copy */
  r = fj_read(ctx, path, ctx->cache ? NULL : &data, &len);
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
