/* libFuzzer target for the Firejail profile front-end.
 *
 * Input: a profile text.  A first line "#files" switches to a small
 * in-memory file system: the input is split at lines "--- NAME" into
 * files (NAME relative to /etc/firejail) so that includes, .local files,
 * user-dirs.dirs and firejail.config are fuzzed too.  Nothing is read from
 * disk.
 *
 *   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=undefined -Isrc/policy/firejail \
 *     tests/fuzz/fuzz-firejail.c
 * src/policy/firejail/{lexer,directives,parser,include,conditions,macros,cache}.c \ -o
 * fuzz-firejail
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firejail.h"

#define MAX_FILES 16

struct memfs {
  char path[MAX_FILES][128];
  const char *data[MAX_FILES];
  size_t len[MAX_FILES];
  size_t n;
};

static int
mem_read(void *opaque, const char *path, char **data, size_t *len)
{
  struct memfs *fs = opaque;

  for (size_t i = 0; i < fs->n; i++) {
    if (strcmp(fs->path[i], path) != 0)
      continue;
    *data = malloc(fs->len[i] + 1);
    if (!*data)
      return ENOMEM;
    memcpy(*data, fs->data[i], fs->len[i]);
    (*data)[fs->len[i]] = '\0';
    *len = fs->len[i];
    return 0;
  }
  return ENOENT;
}

static void
split(struct memfs *fs, const char *text, size_t len)
{
  const char *p = text, *end = text + len;
  size_t cur = 0;

  /* file 0 is the profile */
  snprintf(fs->path[0], sizeof(fs->path[0]), "/etc/firejail/fuzz.profile");
  fs->data[0] = p;
  fs->n = 1;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *next = nl ? nl + 1 : end;

    if ((size_t)(end - p) > 4 && memcmp(p, "--- ", 4) == 0 && fs->n < MAX_FILES) {
      size_t nlen = (size_t)((nl ? nl : end) - (p + 4));

      fs->len[cur] = (size_t)(p - fs->data[cur]);
      cur = fs->n++;
      if (nlen > 60)
        nlen = 60;
      if (nlen && p[4] == '/')
        snprintf(fs->path[cur], sizeof(fs->path[cur]), "%.*s", (int)nlen, p + 4);
      else
        snprintf(fs->path[cur], sizeof(fs->path[cur]), "/etc/firejail/%.*s", (int)nlen, p + 4);
      fs->data[cur] = next;
    }
    p = next;
  }
  fs->len[cur] = (size_t)(end - fs->data[cur]);
}

/* Touches every field the converter would use (the sanitizers catch a
 * bad pointer or a missing terminator). */
static void
touch(const struct brig_fj_profile *p)
{
  for (size_t i = 0; i < p->n_items; i++) {
    const struct brig_fj_directive *d = &p->items[i];
    volatile size_t sink = strlen(d->text) + strlen(d->file) + strlen(d->spec->name);

    for (size_t k = 0; k < d->argc; k++)
      sink += strlen(d->argv[k]);
    if (d->arg)
      sink += strlen(d->arg);
    (void)sink;
  }
  for (size_t i = 0; i < p->n_suppressed; i++)
    if (p->suppressed[i].by >= p->n_items)
      abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const path_dirs[] = { "/usr/bin", "/bin" };
  struct brig_fj_context ctx;
  struct brig_fj_profile *p = NULL;
  struct brig_fj_cache *cache = NULL;
  struct memfs fs;
  const char *text = (const char *)data;
  char *err = NULL, *found = NULL;

  brig_fj_context_init(&ctx);
  ctx.home = "/home/f";
  ctx.uid = 1000;
  ctx.read_file = mem_read;
  ctx.read_opaque = &fs;
  memset(&fs, 0, sizeof(fs));

  if (size >= 7 && memcmp(text, "#files\n", 7) == 0) {
    split(&fs, text, size);
    ctx.conditions |= size & 1 ? BRIG_FJ_COND_HAS_X11 | BRIG_FJ_COND_HAS_NET : 0;
    if (size & 2) {
      ctx.path_dirs = path_dirs;
      ctx.n_path_dirs = 2;
    }
    for (size_t i = 1; i < fs.n; i++) {
      if (strcmp(fs.path[i], "/etc/firejail/firejail.config") == 0 &&
          brig_fj_context_apply_config(&ctx, fs.path[i], fs.data[i], fs.len[i], &err) < 0) {
        free(err);
        err = NULL;
      }
    }
    /* Every other input parses twice through a cache (cache.c): the
     * second parse takes the cached, pre-checked lines. */
    cache = size & 4 ? brig_fj_cache_new() : NULL;
    ctx.cache = cache;
    if (brig_fj_find_profile(&ctx, "fuzz", &found, &err) == 0) {
      for (int pass = 0; pass < (cache ? 2 : 1); pass++) {
        if (brig_fj_parse_file(&ctx, found, &p, &err) == 0) {
          touch(p);
          brig_fj_profile_free(p);
        }
        free(err);
        err = NULL;
      }
      free(found);
    }
    brig_fj_cache_free(cache);
    free(err);
    return 0;
  }

  if (brig_fj_parse_buffer(&ctx, "/etc/firejail/fuzz.profile", text, size, &p, &err) == 0) {
    touch(p);
    brig_fj_profile_free(p);
  } else if (!err || !strchr(err, ':')) {
    abort(); /* an error always comes back as one "FILE:..." message */
  } else {
    free(err);
  }
  return 0;
}
