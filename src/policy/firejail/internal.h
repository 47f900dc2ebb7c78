/* Internal interfaces shared by the files of the Firejail front-end.  Not
 * part of the public API (firejail.h). */
#ifndef BRIG_POLICY_FIREJAIL_INTERNAL_H
#define BRIG_POLICY_FIREJAIL_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firejail.h"

#define FJ_MAX_INCLUDE_DEPTH 16
#define FJ_MAX_CONDITIONALS 8

/* ---- arena (parser.c): every string of a profile lives here ---- */
struct fj_arena {
  struct fj_chunk *head;
  char *next, *end; /* the free room of head (NULL: none yet) */
};
/* Aligned for any type. */
void *fj_arena_alloc(struct fj_arena *arena, size_t size);
/* fj_arena_alloc_aligned when the current chunk has no room. */
void *fj_arena_alloc_slow(struct fj_arena *arena, size_t size, size_t align);

/* ALIGN: a power of two; strings take 1 (no padding between them, so a
 * profile's strings fill fewer chunks).  Inline: a parse makes a few
 * allocations per directive, millions over a corpus. */
static inline void *
fj_arena_alloc_aligned(struct fj_arena *arena, size_t size, size_t align)
{
  uintptr_t at = ((uintptr_t)arena->next + (align - 1)) & ~(uintptr_t)(align - 1);

  if (arena->next && size && at <= (uintptr_t)arena->end && size <= (uintptr_t)arena->end - at) {
    arena->next = (char *)at + size;
    return (void *)at;
  }
  return fj_arena_alloc_slow(arena, size, align);
}

/* An array of N string pointers. */
static inline const char **
fj_arena_alloc_strv(struct fj_arena *arena, size_t n)
{
  return fj_arena_alloc_aligned(arena, n * sizeof(const char *), _Alignof(const char *));
}

char *fj_arena_strndup(struct fj_arena *arena, const char *s, size_t len);
char *fj_arena_strdup(struct fj_arena *arena, const char *s);
void fj_arena_free(struct fj_arena *arena);

/* ---- errors (parser.c) ---- */
/* *err = "FILE:LINE: fmt..." (or "FILE: fmt..." when line is 0, or just
 * the message when file is NULL); returns -1. */
int fj_error(char **err, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- growable string (macros.c) ---- */
struct fj_buf {
  char *data;
  size_t len, cap;
};
/* Makes room for EXTRA more bytes plus a NUL. */
bool fj_buf_reserve(struct fj_buf *buf, size_t extra);
bool fj_buf_add(struct fj_buf *buf, const char *s, size_t len);
bool fj_buf_addc(struct fj_buf *buf, char c);
void fj_buf_free(struct fj_buf *buf);

/* ---- lexer (lexer.c) ---- */
/* Iterates the lines of a buffer.  Returns false at the end. */
struct fj_line_iter {
  const char *data;
  size_t len, pos;
  unsigned lineno;
};
bool fj_next_line(struct fj_line_iter *it, const char **line, size_t *len);

struct fj_span {
  const char *s;
  size_t len;
};

struct fj_lexed {
  const char *text;                          /* normalized line (into scratch) */
  size_t text_len;                           /* 0 = blank/comment-only line */
  struct fj_span conds[FJ_MAX_CONDITIONALS]; /* "?NAME:" prefixes, names only */
  unsigned n_conds;
  const char *body; /* text after the conditionals */
  size_t body_len;
  struct fj_span name; /* directive name */
  const char *args;    /* NULL when there is no argument */
  size_t args_len;
  const struct brig_fj_spec *spec; /* the directive when known (the cache), else NULL */
  bool args_ok;                    /* the cache found the argument valid for spec */
};

/* Normalizes one raw line (stops at NUL or '#', blanks collapsed to one
 * space, trimmed) into *scratch and splits it.  On a syntax error returns
 * -1 with *why set to a static message. */
int fj_lex_line(const char *raw, size_t raw_len, struct fj_buf *scratch, struct fj_lexed *out,
                const char **why);

/* ---- directives (directives.c) ---- */
/* Validates the argument of a directive; on error returns -1 and writes a
 * message (without file:line) into *why (malloc'd). */
int fj_check_args(const struct brig_fj_spec *spec, const char *args, size_t len, char **why);

/* ---- conditions (conditions.c) ---- */
/* Condition bits a directive (with its argument) sets when it takes effect. */
unsigned fj_condition_effect(const struct brig_fj_directive *d);

/* ---- macros (macros.c) ---- */
struct fj_macros {
  const struct brig_fj_context *ctx;
  size_t home_len;      /* strlen(ctx->home): most paths start with ${HOME} */
  const char *runuser;  /* resolved ${RUNUSER} */
  const char *cfg_dir;  /* resolved ${CFG} */
  const char *user_dir; /* resolved user config dir */
  const char *const *path_dirs;
  size_t n_path_dirs;
  bool xdg_loaded;
  char *xdg[6]; /* DOWNLOADS DOCUMENTS MUSIC PICTURES VIDEOS DESKTOP */
  struct fj_arena *arena;
};
int fj_macros_init(struct fj_macros *m, const struct brig_fj_context *ctx, struct fj_arena *arena,
                   char **why);
void fj_macros_fini(struct fj_macros *m);
/* Expands one path.  Returns the number of results written to out[]
 * (0..n_path_dirs, more than one only for ${PATH}), or -1 with *why
 * (malloc'd).  Results live in the arena; PATH[LEN] must be readable, and
 * when it is the NUL of PATH and there is no macro, the result is PATH
 * itself (no copy), so PATH must then live as long as the results. */
int fj_expand_path(struct fj_macros *m, const char *path, size_t len, const char ***out,
                   char **why);
/* Parses user-dirs.dirs text; results malloc'd into dirs[6] (NULL = fallback). */
void fj_parse_user_dirs(const char *text, size_t len, const char *home, char *dirs[6]);

/* ---- include resolver and ignore list (include.c) ---- */
struct fj_ignore {
  const char **items;
  size_t *lens;
  size_t n, cap;
};
bool fj_ignore_add(struct fj_ignore *ig, const char *s);
/* True when TEXT starts with an ignore entry followed by end or a space. */
bool fj_ignore_match(const struct fj_ignore *ig, const char *text, size_t len);
void fj_ignore_free(struct fj_ignore *ig);

struct fj_include_stack {
  const char *paths[FJ_MAX_INCLUDE_DEPTH + 1];
  unsigned depth; /* number of files open */
};

/* Reads a file through the context's reader (and cache).  DATA (and LEN)
 * NULL: only whether it can be read, without copying it out of the cache. */
int fj_read(const struct brig_fj_context *ctx, const char *path, char **data, size_t *len);

/* ---- cache (cache.c) ---- */
/* A lexed non-blank line of a cached file; WHY: the lexing error (the
 * last line kept then). */
struct fj_cached_line {
  unsigned lineno;
  const char *why;
  struct fj_lexed lx; /* into the file's text block */
};
/* The lines of a cached file, and the block that holds their normalized
 * texts one after the other (each NUL-terminated): a parse copies the
 * block in one go rather than line by line. */
struct fj_cached_lines {
  const struct fj_cached_line *v;
  size_t n;
  const char *texts;
  size_t texts_len;
};
/* fj_read through the cache: a malloc'd copy of the data (none when DATA
 * is NULL). */
int fj_cache_read(struct brig_fj_cache *c, const struct brig_fj_context *ctx, const char *path,
                  char **data, size_t *len);
/* The lexed lines of PATH (owned by the cache).  0 or an errno value. */
int fj_cache_lines(struct brig_fj_cache *c, const struct brig_fj_context *ctx, const char *path,
                   struct fj_cached_lines *lines);

/* Sizing of a parse's directive list: profiles share most of their
 * includes, so the longest list seen so far is a good first capacity (it
 * spares the realloc growth, which copies and touches fresh pages). */
size_t fj_cache_items_hint(const struct brig_fj_cache *c);
void fj_cache_note_items(struct brig_fj_cache *c, size_t n_items);

/* Resolves the (macro-expanded) include target NAME.  Returns 1 with
 * *path, *data and *len when found, 0 when it is a missing .local (skip), -1
 * with *why (malloc'd) otherwise.  DATA NULL: the content is not wanted
 * (the caller takes the lexed lines from the cache). */
int fj_include_open(const struct brig_fj_context *ctx, const struct fj_macros *m,
                    const struct fj_include_stack *stack, const char *name, char **path,
                    char **data, size_t *len, char **why);

#endif
