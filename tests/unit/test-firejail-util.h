/* Helpers shared by the Firejail front-end tests: an in-memory file system
 * served through brig_fj_context.read_file, and a compact rendering of a
 * parsed profile for string comparisons. */
#ifndef BRIG_TESTS_FIREJAIL_UTIL_H
#define BRIG_TESTS_FIREJAIL_UTIL_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "firejail.h"

struct memfs {
  struct {
    const char *path, *text;
    int err; /* returned instead of the text when not 0 */
  } files[64];
  size_t n;
  unsigned reads;
};

__attribute__((unused)) static void
memfs_add(struct memfs *fs, const char *path, const char *text)
{
  fs->files[fs->n].path = path;
  fs->files[fs->n].text = text;
  fs->files[fs->n].err = 0;
  fs->n++;
}

__attribute__((unused)) static void
memfs_add_err(struct memfs *fs, const char *path, int err)
{
  fs->files[fs->n].path = path;
  fs->files[fs->n].text = NULL;
  fs->files[fs->n].err = err;
  fs->n++;
}

__attribute__((unused)) static int
memfs_read(void *opaque, const char *path, char **data, size_t *len)
{
  struct memfs *fs = opaque;

  fs->reads++;
  for (size_t i = 0; i < fs->n; i++) {
    if (strcmp(fs->files[i].path, path) != 0)
      continue;
    if (fs->files[i].err)
      return fs->files[i].err;
    *len = strlen(fs->files[i].text);
    *data = malloc(*len + 1);
    if (!*data)
      return ENOMEM;
    memcpy(*data, fs->files[i].text, *len + 1);
    return 0;
  }
  return ENOENT;
}

/* A context for user "u" (uid 1000, home /home/u) reading from fs; the
 * user dir is /home/u/.config/firejail and the system dir /etc/firejail. */
__attribute__((unused)) static void
test_context(struct brig_fj_context *ctx, struct memfs *fs)
{
  brig_fj_context_init(ctx);
  ctx->home = "/home/u";
  ctx->uid = 1000;
  ctx->read_file = memfs_read;
  ctx->read_opaque = fs;
}

/* "name arg;name arg;..." of the effective directives; meta directives
 * (include, ignore) are left out unless with_meta. */
__attribute__((unused)) static char *
render(const struct brig_fj_profile *p, int with_meta)
{
  size_t cap = 256, len = 0;
  char *s = malloc(cap);

  s[0] = '\0';
  for (size_t i = 0; i < p->n_items; i++) {
    const struct brig_fj_directive *d = &p->items[i];
    size_t need;

    if (!with_meta && (d->kind == BRIG_FJ_INCLUDE || d->kind == BRIG_FJ_IGNORE))
      continue;
    need = strlen(d->spec->name) + (d->arg ? strlen(d->arg) + 1 : 0) + 2;
    while (len + need + 1 > cap) {
      cap *= 2;
      s = realloc(s, cap);
    }
    len += (size_t)sprintf(s + len, "%s%s%s%s", len ? ";" : "", d->spec->name, d->arg ? " " : "",
                           d->arg ? d->arg : "");
  }
  return s;
}

/* Parses TEXT as /etc/firejail/test.profile; returns the rendering (meta
 * left out) or "ERROR: <message>".  Caller frees. */
__attribute__((unused)) static char *
parse_render(const struct brig_fj_context *ctx, const char *text)
{
  struct brig_fj_profile *p;
  char *err, *s;

  if (brig_fj_parse_buffer(ctx, "/etc/firejail/test.profile", text, strlen(text), &p, &err) < 0) {
    s = malloc(strlen(err) + 8);
    sprintf(s, "ERROR: %s", err);
    free(err);
    return s;
  }
  s = render(p, 0);
  brig_fj_profile_free(p);
  return s;
}

/* TEXT with newlines shown as "\n", for one-line TAP descriptions. */
__attribute__((unused)) static const char *
oneline(const char *text)
{
  static char buf[4][512];
  static int k;
  char *b = buf[k++ & 3];
  size_t j = 0;

  for (size_t i = 0; text[i] && j + 3 < sizeof(buf[0]); i++) {
    if (text[i] == '\n') {
      b[j++] = '\\';
      b[j++] = 'n';
    } else {
      b[j++] = text[i];
    }
  }
  b[j] = '\0';
  return b;
}

/* TAP_OK on an exact string match, freeing GOT. */
#define EXPECT_STR(got, want, ...)                        \
  do {                                                    \
    char *got_ = (got);                                   \
    if (!TAP_OK(strcmp(got_, (want)) == 0, __VA_ARGS__))  \
      tap_diag("got:  '%s'\n# want: '%s'", got_, (want)); \
    free(got_);                                           \
  } while (0)

#endif
