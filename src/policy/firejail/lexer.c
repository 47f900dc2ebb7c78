#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Line splitting and lexing of one profile line: comment stripping, blank
 * normalization, "?COND:" prefixes, directive name and argument. */
#include <string.h>

#include "internal.h"

bool
fj_next_line(struct fj_line_iter *it, const char **line, size_t *len)
{
  const char *nl;
  size_t rest;

  if (it->pos >= it->len)
    return false;
  rest = it->len - it->pos;
  *line = it->data + it->pos;
  nl = memchr(*line, '\n', rest);
  *len = nl ? (size_t)(nl - *line) : rest;
  it->pos += *len + (nl ? 1 : 0);
  it->lineno++;
  return true;
}

static bool
is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Firejail reads a line, cuts it at '#', turns tabs and other blanks into
 * spaces, collapses runs of them and trims both ends.  The result is what
 * "ignore" compares against.  A NUL byte ends the line, as it does for
 * Firejail's C strings. */
static bool
normalize(const char *raw, size_t raw_len, struct fj_buf *out)
{
  bool pending_space = false;
  size_t j = 0;
  char *d;

  out->len = 0;
  if (!fj_buf_reserve(out, raw_len))
    return false;
  d = out->data;
  for (size_t i = 0; i < raw_len; i++) {
    char c = raw[i];

    if (c == '\0' || c == '#')
      break;
    if (is_blank(c)) {
      pending_space = j > 0;
      continue;
    }
    if (pending_space)
      d[j++] = ' ';
    pending_space = false;
    d[j++] = c;
  }
  d[j] = '\0';
  out->len = j;
  return true;
}

int
fj_lex_line(const char *raw, size_t raw_len, struct fj_buf *scratch, struct fj_lexed *out,
            const char **why)
{
  const char *p, *end, *sp;

  memset(out, 0, sizeof(*out));
  if (!normalize(raw, raw_len, scratch)) {
    *why = "out of memory";
    return -1;
  }
  out->text = scratch->data ? scratch->data : "";
  out->text_len = scratch->len;
  if (out->text_len == 0)
    return 0;

  p = out->text;
  end = p + out->text_len;
  while (p < end && *p == '?') {
    const char *colon = memchr(p, ':', (size_t)(end - p));
    const char *space = memchr(p, ' ', (size_t)(end - p));

    if (!colon || (space && space < colon)) {
      *why = "invalid conditional syntax: colon must come after conditional";
      return -1;
    }
    if (colon == p + 1) {
      *why = "invalid conditional syntax: empty conditional name";
      return -1;
    }
    if (out->n_conds == FJ_MAX_CONDITIONALS) {
      *why = "too many nested conditionals";
      return -1;
    }
    out->conds[out->n_conds].s = p + 1;
    out->conds[out->n_conds].len = (size_t)(colon - p - 1);
    out->n_conds++;
    p = colon + 1;
    if (p < end && *p == ' ')
      p++;
    if (p == end) {
      *why = "invalid conditional syntax: no profile line after conditional";
      return -1;
    }
  }

  out->body = p;
  out->body_len = (size_t)(end - p);
  sp = memchr(p, ' ', out->body_len);
  out->name.s = p;
  out->name.len = sp ? (size_t)(sp - p) : out->body_len;
  if (sp) {
    out->args = sp + 1;
    out->args_len = (size_t)(end - out->args);
  }
  return 0;
}
