/* The generic engine behind libocispec: one parser, one emitter and one
 * destructor, driven by the field tables of ocispec-desc.c.  No function
 * here knows a particular document; the shapes live in oci-spec.def only.
 *
 * Parsing goes through yajl's tree API.  Integers are read from the number's
 * original text, not from yajl's long long or double, so the whole uint64
 * range (rlimits of 18446744073709551615, seccomp argument masks) survives
 * and "1.5" or "1e3" in an integer field is an error, not a silent
 * truncation. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "ocispec.h"

/* A config.json with podman's seccomp profile is ~40 KiB; anything near
 * this cap is not a spec. */
#define OCI_MAX_DOCUMENT (16 * 1024 * 1024)

typedef struct parse_ctx {
  const char *doc;
  const oci_parse_opts *opts;
  char path[4096];
  size_t path_len;
  char *err;
} parse_ctx;

#define FIELD_AT(base, off, type) ((type *)((char *)(base) + (off)))
#define CFIELD_AT(base, off, type) ((const type *)((const char *)(base) + (off)))

__attribute__((format(printf, 2, 3))) static int
parse_fail(parse_ctx *ctx, const char *fmt, ...)
{
  va_list ap;
  char *why = NULL;

  if (ctx->err)
    return -1;
  va_start(ap, fmt);
  if (vasprintf(&why, fmt, ap) < 0)
    why = NULL;
  va_end(ap);
  if (ctx->path_len)
    (void)!asprintf(&ctx->err, "%s: %s: %s", ctx->doc, ctx->path, why ? why : "out of memory");
  else
    (void)!asprintf(&ctx->err, "%s: %s", ctx->doc, why ? why : "out of memory");
  free(why);
  return -1;
}

/* Path components: ".name" for fields, "[3]" for array items, ["key"] for
 * map keys (map keys such as sysctl names contain dots themselves). */
static size_t
path_push(parse_ctx *ctx, const char *fmt, ...)
{
  size_t saved = ctx->path_len;
  size_t room = sizeof(ctx->path) - ctx->path_len;
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(ctx->path + ctx->path_len, room, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= room)
    ctx->path[saved] = '\0';
  else
    ctx->path_len += (size_t)n;
  return saved;
}

static void
path_pop(parse_ctx *ctx, size_t saved)
{
  ctx->path_len = saved;
  ctx->path[saved] = '\0';
}

static size_t
path_push_field(parse_ctx *ctx, const char *name)
{
  return path_push(ctx, ctx->path_len ? ".%s" : "%s", name);
}

static const char *
node_type_name(yajl_val v)
{
  if (YAJL_IS_STRING(v))
    return "a string";
  if (YAJL_IS_NUMBER(v))
    return "a number";
  if (YAJL_IS_OBJECT(v))
    return "an object";
  if (YAJL_IS_ARRAY(v))
    return "an array";
  if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
    return "a boolean";
  return "null";
}

static int
parse_string(parse_ctx *ctx, yajl_val v, const oci_field *f, char **out)
{
  if (!YAJL_IS_STRING(v))
    return parse_fail(ctx, "expected a string, got %s", node_type_name(v));
  if ((f->flags & OCI_NONEMPTY) && v->u.string[0] == '\0')
    return parse_fail(ctx, "must not be empty");
  if (f->values) {
    size_t i;

    for (i = 0; f->values[i]; i++)
      if (strcmp(f->values[i], v->u.string) == 0)
        break;
    if (!f->values[i])
      return parse_fail(ctx, "invalid value \"%s\"", v->u.string);
  }
  *out = strdup(v->u.string);
  if (!*out)
    return parse_fail(ctx, "out of memory");
  return 0;
}

/* Reads an integer from the number's source text; [min, max] is checked in
 * the signed or the unsigned domain depending on is_signed. */
static int
parse_integer(parse_ctx *ctx, yajl_val v, bool is_signed, int64_t smin, int64_t smax, uint64_t umax,
              int64_t *sout, uint64_t *uout)
{
  const char *text;
  char *end = NULL;

  if (!YAJL_IS_NUMBER(v))
    return parse_fail(ctx, "expected an integer, got %s", node_type_name(v));
  text = v->u.number.r;
  if (strpbrk(text, ".eE"))
    return parse_fail(ctx, "expected an integer, got %s", text);
  errno = 0;
  if (is_signed) {
    long long n = strtoll(text, &end, 10);

    if (errno == ERANGE || *end || n < smin || n > smax)
      return parse_fail(ctx, "%s out of range [%" PRId64 ", %" PRId64 "]", text, smin, smax);
    *sout = n;
  } else {
    unsigned long long n;

    if (text[0] == '-')
      return parse_fail(ctx, "%s out of range [0, %" PRIu64 "]", text, umax);
    n = strtoull(text, &end, 10);
    if (errno == ERANGE || *end || n > umax)
      return parse_fail(ctx, "%s out of range [0, %" PRIu64 "]", text, umax);
    *uout = n;
  }
  return 0;
}

static int parse_struct(parse_ctx *ctx, const oci_desc *d, yajl_val node, void *out);
static void clear_field(const oci_field *f, void *base);

static int
parse_scalar(parse_ctx *ctx, const oci_field *f, yajl_val v, void *dst)
{
  int64_t s = 0;
  uint64_t u = 0;

  switch (f->kind) {
  case OCI_K_BOOL:
    if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
      return parse_fail(ctx, "expected a boolean, got %s", node_type_name(v));
    *(bool *)dst = YAJL_IS_TRUE(v);
    return 0;
  case OCI_K_I32:
    if (parse_integer(ctx, v, true, INT32_MIN, INT32_MAX, 0, &s, NULL) < 0)
      return -1;
    *(int32_t *)dst = (int32_t)s;
    return 0;
  case OCI_K_I64:
    if (parse_integer(ctx, v, true, INT64_MIN, INT64_MAX, 0, &s, NULL) < 0)
      return -1;
    *(int64_t *)dst = s;
    return 0;
  case OCI_K_U16:
    if (parse_integer(ctx, v, false, 0, 0, UINT16_MAX, NULL, &u) < 0)
      return -1;
    *(uint16_t *)dst = (uint16_t)u;
    return 0;
  case OCI_K_U32:
  case OCI_K_U32V:
    if (parse_integer(ctx, v, false, 0, 0, UINT32_MAX, NULL, &u) < 0)
      return -1;
    *(uint32_t *)dst = (uint32_t)u;
    return 0;
  case OCI_K_U64:
    if (parse_integer(ctx, v, false, 0, 0, UINT64_MAX, NULL, &u) < 0)
      return -1;
    *(uint64_t *)dst = u;
    return 0;
  default:
    return parse_fail(ctx, "internal error: kind %d is not a scalar", (int)f->kind);
  }
}

static size_t
array_elem_size(const oci_field *f)
{
  switch (f->kind) {
  case OCI_K_STRV:
  case OCI_K_ENUMV:
    return sizeof(char *);
  case OCI_K_U32V:
    return sizeof(uint32_t);
  default:
    return f->sub->size;
  }
}

static int
parse_array(parse_ctx *ctx, const oci_field *f, yajl_val v, void *base)
{
  size_t n, i, elem = array_elem_size(f);
  char *items;

  if (!YAJL_IS_ARRAY(v))
    return parse_fail(ctx, "expected an array, got %s", node_type_name(v));
  n = v->u.array.len;
  if (n == 0 && (f->flags & OCI_NONEMPTY))
    return parse_fail(ctx, "must not be empty");
  /* One spare slot keeps string vectors NULL-terminated for execve(). */
  items = calloc(n + 1, elem);
  if (!items)
    return parse_fail(ctx, "out of memory");
  *FIELD_AT(base, f->offset, void *) = items;
  *FIELD_AT(base, f->len_offset, size_t) = n;
  *FIELD_AT(base, f->has_offset, bool) = true;
  for (i = 0; i < n; i++) {
    size_t saved = path_push(ctx, "[%zu]", i);
    yajl_val item = v->u.array.values[i];
    void *dst = items + i * elem;
    int r;

    if (f->kind == OCI_K_STRV || f->kind == OCI_K_ENUMV)
      r = parse_string(ctx, item, f, (char **)dst);
    else if (f->kind == OCI_K_U32V)
      r = parse_scalar(ctx, f, item, dst);
    else
      r = parse_struct(ctx, f->sub, item, dst);
    path_pop(ctx, saved);
    if (r < 0)
      return -1;
  }
  return 0;
}

static int
parse_strmap(parse_ctx *ctx, yajl_val v, oci_strmap *map)
{
  size_t n, i;

  if (!YAJL_IS_OBJECT(v))
    return parse_fail(ctx, "expected an object, got %s", node_type_name(v));
  n = v->u.object.len;
  map->keys = calloc(n + 1, sizeof(char *));
  map->values = calloc(n + 1, sizeof(char *));
  map->present = true;
  if (!map->keys || !map->values)
    return parse_fail(ctx, "out of memory");
  for (i = 0; i < n; i++) {
    yajl_val item = v->u.object.values[i];
    size_t saved = path_push(ctx, "[\"%s\"]", v->u.object.keys[i]);

    if (!YAJL_IS_STRING(item)) {
      parse_fail(ctx, "expected a string, got %s", node_type_name(item));
      path_pop(ctx, saved);
      return -1;
    }
    path_pop(ctx, saved);
    map->keys[i] = strdup(v->u.object.keys[i]);
    map->values[i] = strdup(item->u.string);
    map->len = i + 1;
    if (!map->keys[i] || !map->values[i])
      return parse_fail(ctx, "out of memory");
  }
  return 0;
}

static int
parse_objmap(parse_ctx *ctx, const oci_field *f, yajl_val v, void *base)
{
  size_t n, i;
  char **keys;
  char *items;

  if (!YAJL_IS_OBJECT(v))
    return parse_fail(ctx, "expected an object, got %s", node_type_name(v));
  n = v->u.object.len;
  keys = calloc(n + 1, sizeof(char *));
  items = calloc(n + 1, f->sub->size);
  *FIELD_AT(base, f->keys_offset, char **) = keys;
  *FIELD_AT(base, f->offset, void *) = items;
  *FIELD_AT(base, f->has_offset, bool) = true;
  if (!keys || !items)
    return parse_fail(ctx, "out of memory");
  *FIELD_AT(base, f->len_offset, size_t) = n;
  for (i = 0; i < n; i++) {
    size_t saved = path_push(ctx, "[\"%s\"]", v->u.object.keys[i]);
    int r;

    keys[i] = strdup(v->u.object.keys[i]);
    r = keys[i] ? parse_struct(ctx, f->sub, v->u.object.values[i], items + i * f->sub->size)
                : parse_fail(ctx, "out of memory");
    path_pop(ctx, saved);
    if (r < 0)
      return -1;
  }
  return 0;
}

static int
parse_field(parse_ctx *ctx, const oci_field *f, yajl_val v, void *base)
{
  switch (f->kind) {
  case OCI_K_STR:
  case OCI_K_ENUM:
    return parse_string(ctx, v, f, FIELD_AT(base, f->offset, char *));
  case OCI_K_BOOL:
  case OCI_K_I32:
  case OCI_K_U32:
  case OCI_K_I64:
  case OCI_K_U64:
  case OCI_K_U16:
    if (parse_scalar(ctx, f, v, FIELD_AT(base, f->offset, void)) < 0)
      return -1;
    *FIELD_AT(base, f->has_offset, bool) = true;
    return 0;
  case OCI_K_OBJ: {
    void *sub = calloc(1, f->sub->size);

    if (!sub)
      return parse_fail(ctx, "out of memory");
    *FIELD_AT(base, f->offset, void *) = sub;
    return parse_struct(ctx, f->sub, v, sub);
  }
  case OCI_K_STRV:
  case OCI_K_ENUMV:
  case OCI_K_U32V:
  case OCI_K_OBJV:
    return parse_array(ctx, f, v, base);
  case OCI_K_STRMAP:
    return parse_strmap(ctx, v, FIELD_AT(base, f->offset, oci_strmap));
  case OCI_K_OBJMAP:
    return parse_objmap(ctx, f, v, base);
  }
  return parse_fail(ctx, "internal error: unknown kind %d", (int)f->kind);
}

static bool
field_present(const oci_field *f, const void *base)
{
  switch (f->kind) {
  case OCI_K_STR:
  case OCI_K_ENUM:
    return *CFIELD_AT(base, f->offset, char *) != NULL;
  case OCI_K_OBJ:
    return *CFIELD_AT(base, f->offset, void *) != NULL;
  case OCI_K_STRMAP:
    return CFIELD_AT(base, f->offset, oci_strmap)->present;
  default:
    return *CFIELD_AT(base, f->has_offset, bool);
  }
}

static int
parse_struct(parse_ctx *ctx, const oci_desc *d, yajl_val node, void *out)
{
  const oci_field *f;
  size_t i;

  if (!YAJL_IS_OBJECT(node))
    return parse_fail(ctx, "expected an object, got %s", node_type_name(node));
  for (i = 0; i < node->u.object.len; i++) {
    const char *key = node->u.object.keys[i];
    size_t saved = path_push_field(ctx, key);

    for (f = d->fields; f->json; f++)
      if (strcmp(f->json, key) == 0)
        break;
    if (!f->json) {
      if (ctx->opts && ctx->opts->unknown_key)
        ctx->opts->unknown_key(ctx->opts->opaque, ctx->doc, ctx->path);
    } else {
      /* A repeated key replaces the earlier value, as in Go's decoder. */
      clear_field(f, out);
      if (parse_field(ctx, f, node->u.object.values[i], out) < 0) {
        path_pop(ctx, saved);
        return -1;
      }
    }
    path_pop(ctx, saved);
  }
  for (f = d->fields; f->json; f++) {
    if ((f->flags & OCI_REQ) && !field_present(f, out)) {
      size_t saved = path_push_field(ctx, f->json);

      parse_fail(ctx, "required");
      path_pop(ctx, saved);
      return -1;
    }
  }
  return 0;
}

void *
oci_parse_data(const oci_desc *desc, const char *doc, const char *data, size_t len,
               const oci_parse_opts *opts, char **err)
{
  parse_ctx ctx = { .doc = doc, .opts = opts };
  char errbuf[512] = "";
  yajl_val root;
  char *copy;
  void *obj;

  *err = NULL;
  /* yajl wants a NUL-terminated buffer; the fuzzer and callers may not. */
  copy = strndup(data, len);
  if (!copy || memchr(data, '\0', len)) {
    free(copy);
    (void)!asprintf(err, "%s: %s", doc, copy ? "out of memory" : "invalid JSON: NUL byte");
    return NULL;
  }
  root = yajl_tree_parse(copy, errbuf, sizeof(errbuf));
  free(copy);
  if (!root) {
    char *nl;

    /* yajl's message spans lines with a context excerpt; keep one line. */
    nl = strchr(errbuf, '\n');
    if (nl)
      *nl = '\0';
    (void)!asprintf(err, "%s: invalid JSON: %s", doc, errbuf[0] ? errbuf : "parse error");
    return NULL;
  }
  obj = calloc(1, desc->size);
  if (!obj) {
    yajl_tree_free(root);
    (void)!asprintf(err, "%s: out of memory", doc);
    return NULL;
  }
  if (parse_struct(&ctx, desc, root, obj) < 0) {
    yajl_tree_free(root);
    oci_free(desc, obj);
    *err = ctx.err ? ctx.err : strdup("parse error");
    return NULL;
  }
  yajl_tree_free(root);
  return obj;
}

void *
oci_parse_file(const oci_desc *desc, const char *doc, const char *path, const oci_parse_opts *opts,
               char **err)
{
  struct stat st;
  char *data = NULL;
  size_t got = 0;
  void *obj;
  int fd;

  *err = NULL;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) < 0) {
    (void)!asprintf(err, "%s: open %s: %s", doc, path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  if (!S_ISREG(st.st_mode) || st.st_size > OCI_MAX_DOCUMENT) {
    (void)!asprintf(err, "%s: %s: %s", doc, path,
                    S_ISREG(st.st_mode) ? "file too large" : "not a regular file");
    close(fd);
    return NULL;
  }
  data = malloc((size_t)st.st_size + 1);
  if (!data) {
    close(fd);
    (void)!asprintf(err, "%s: out of memory", doc);
    return NULL;
  }
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n < 0)
        (void)!asprintf(err, "%s: read %s: %s", doc, path, strerror(errno));
      break;
    }
    got += (size_t)n;
  }
  close(fd);
  if (*err) {
    free(data);
    return NULL;
  }
  obj = oci_parse_data(desc, doc, data, got, opts, err);
  free(data);
  return obj;
}

/* ---- emit ---- */

static int emit_struct(yajl_gen g, const oci_desc *d, const void *obj);

static int
gen_str(yajl_gen g, const char *s)
{
  return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
}

static int
gen_u64(yajl_gen g, uint64_t u)
{
  char buf[24];
  int n = snprintf(buf, sizeof(buf), "%" PRIu64, u);

  return yajl_gen_number(g, buf, (size_t)n) == yajl_gen_status_ok ? 0 : -1;
}

static int
gen_i64(yajl_gen g, int64_t s)
{
  return yajl_gen_integer(g, (long long)s) == yajl_gen_status_ok ? 0 : -1;
}

static int
emit_scalar(yajl_gen g, const oci_field *f, const void *p)
{
  switch (f->kind) {
  case OCI_K_BOOL:
    return yajl_gen_bool(g, *(const bool *)p) == yajl_gen_status_ok ? 0 : -1;
  case OCI_K_I32:
    return gen_i64(g, *(const int32_t *)p);
  case OCI_K_I64:
    return gen_i64(g, *(const int64_t *)p);
  case OCI_K_U16:
    return gen_u64(g, *(const uint16_t *)p);
  case OCI_K_U32:
  case OCI_K_U32V:
    return gen_u64(g, *(const uint32_t *)p);
  case OCI_K_U64:
    return gen_u64(g, *(const uint64_t *)p);
  default:
    return -1;
  }
}

static int
emit_field(yajl_gen g, const oci_field *f, const void *base)
{
  const void *p = CFIELD_AT(base, f->offset, void);
  size_t i, n;

  switch (f->kind) {
  case OCI_K_STR:
  case OCI_K_ENUM:
    return gen_str(g, *(char *const *)p);
  case OCI_K_OBJ:
    return emit_struct(g, f->sub, *(void *const *)p);
  case OCI_K_STRV:
  case OCI_K_ENUMV:
  case OCI_K_U32V:
  case OCI_K_OBJV: {
    const char *items = *(const char *const *)p;
    size_t elem = array_elem_size(f);

    n = *CFIELD_AT(base, f->len_offset, size_t);
    if (yajl_gen_array_open(g) != yajl_gen_status_ok)
      return -1;
    for (i = 0; i < n; i++) {
      const void *item = items + i * elem;
      int r;

      if (f->kind == OCI_K_STRV || f->kind == OCI_K_ENUMV)
        r = gen_str(g, *(char *const *)item);
      else if (f->kind == OCI_K_U32V)
        r = emit_scalar(g, f, item);
      else
        r = emit_struct(g, f->sub, item);
      if (r < 0)
        return -1;
    }
    return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
  }
  case OCI_K_STRMAP: {
    const oci_strmap *map = p;

    if (yajl_gen_map_open(g) != yajl_gen_status_ok)
      return -1;
    for (i = 0; i < map->len; i++)
      if (gen_str(g, map->keys[i]) < 0 || gen_str(g, map->values[i]) < 0)
        return -1;
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
  }
  case OCI_K_OBJMAP: {
    char *const *keys = *(char **const *)((const char *)base + f->keys_offset);
    const char *items = *(const char *const *)p;

    n = *CFIELD_AT(base, f->len_offset, size_t);
    if (yajl_gen_map_open(g) != yajl_gen_status_ok)
      return -1;
    for (i = 0; i < n; i++)
      if (gen_str(g, keys[i]) < 0 || emit_struct(g, f->sub, items + i * f->sub->size) < 0)
        return -1;
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
  }
  default:
    return emit_scalar(g, f, p);
  }
}

static int
emit_struct(yajl_gen g, const oci_desc *d, const void *obj)
{
  const oci_field *f;

  if (yajl_gen_map_open(g) != yajl_gen_status_ok)
    return -1;
  for (f = d->fields; f->json; f++) {
    if (!field_present(f, obj))
      continue;
    if (gen_str(g, f->json) < 0 || emit_field(g, f, obj) < 0)
      return -1;
  }
  return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

int
oci_emit(const oci_desc *desc, const void *obj, bool pretty, char **out, size_t *len, char **err)
{
  const unsigned char *buf;
  size_t buflen;
  yajl_gen g;

  *err = NULL;
  *out = NULL;
  g = yajl_gen_alloc(NULL);
  if (!g) {
    *err = strdup("emit: out of memory");
    return -1;
  }
  if (pretty) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "\t");
  }
  if (emit_struct(g, desc, obj) < 0 || yajl_gen_get_buf(g, &buf, &buflen) != yajl_gen_status_ok) {
    yajl_gen_free(g);
    (void)!asprintf(err, "emit %s: failed to generate JSON", desc->name);
    return -1;
  }
  *out = malloc(buflen + 1);
  if (!*out) {
    yajl_gen_free(g);
    *err = strdup("emit: out of memory");
    return -1;
  }
  memcpy(*out, buf, buflen);
  (*out)[buflen] = '\0';
  if (len)
    *len = buflen;
  yajl_gen_free(g);
  return 0;
}

/* ---- free ---- */

static void
clear_field(const oci_field *f, void *base)
{
  void *p = FIELD_AT(base, f->offset, void);
  size_t i, n;

  switch (f->kind) {
  case OCI_K_STR:
  case OCI_K_ENUM:
    free(*(char **)p);
    *(char **)p = NULL;
    return;
  case OCI_K_OBJ:
    oci_free(f->sub, *(void **)p);
    *(void **)p = NULL;
    return;
  case OCI_K_STRMAP:
    oci_strmap_clear(p);
    return;
  case OCI_K_STRV:
  case OCI_K_ENUMV:
  case OCI_K_OBJV:
  case OCI_K_OBJMAP: {
    char *items = *(char **)p;

    n = *FIELD_AT(base, f->len_offset, size_t);
    for (i = 0; items && i < n; i++) {
      if (f->kind == OCI_K_STRV || f->kind == OCI_K_ENUMV)
        free(((char **)items)[i]);
      else
        oci_clear(f->sub, items + i * f->sub->size);
    }
    if (f->kind == OCI_K_OBJMAP) {
      char **keys = *FIELD_AT(base, f->keys_offset, char **);

      for (i = 0; keys && i < n; i++)
        free(keys[i]);
      free(keys);
      *FIELD_AT(base, f->keys_offset, char **) = NULL;
    }
    free(items);
    *(char **)p = NULL;
    *FIELD_AT(base, f->len_offset, size_t) = 0;
    *FIELD_AT(base, f->has_offset, bool) = false;
    return;
  }
  case OCI_K_U32V:
    free(*(void **)p);
    *(void **)p = NULL;
    *FIELD_AT(base, f->len_offset, size_t) = 0;
    *FIELD_AT(base, f->has_offset, bool) = false;
    return;
  default:
    *FIELD_AT(base, f->has_offset, bool) = false;
    return;
  }
}

void
oci_clear(const oci_desc *desc, void *obj)
{
  const oci_field *f;

  if (!obj)
    return;
  for (f = desc->fields; f->json; f++)
    clear_field(f, obj);
}

void
oci_free(const oci_desc *desc, void *obj)
{
  if (!obj)
    return;
  oci_clear(desc, obj);
  free(obj);
}

void *
oci_dup(const oci_desc *desc, const void *obj)
{
  char *text = NULL, *err = NULL;
  size_t len = 0;
  void *copy;

  /* Through the emitter: one code path to keep right instead of two. */
  if (oci_emit(desc, obj, false, &text, &len, &err) < 0) {
    free(err);
    return NULL;
  }
  copy = oci_parse_data(desc, desc->name, text, len, NULL, &err);
  free(text);
  free(err);
  return copy;
}

/* ---- string arrays ---- */

int
oci_strv_set(char ***v, size_t *len, bool *has, const char *const *src)
{
  size_t n = 0, i;
  char **nv;

  while (src && src[n])
    n++;
  nv = calloc(n + 1, sizeof(char *)); /* NULL-terminated, for execve() */
  if (!nv)
    return -1;
  for (i = 0; i < n; i++) {
    nv[i] = strdup(src[i]);
    if (!nv[i]) {
      while (i > 0)
        free(nv[--i]);
      free(nv);
      return -1;
    }
  }
  for (i = 0; i < *len; i++)
    free((*v)[i]);
  free(*v);
  *v = nv;
  *len = n;
  *has = true;
  return 0;
}

/* ---- process.env ---- */

static bool
env_is(const char *entry, const char *name, size_t len)
{
  return strncmp(entry, name, len) == 0 && entry[len] == '=';
}

const char *
oci_process_getenv(const oci_process *p, const char *name)
{
  size_t i, len = strlen(name);

  for (i = 0; p && i < p->env_len; i++)
    if (env_is(p->env[i], name, len))
      return p->env[i] + len + 1;
  return NULL;
}

void
oci_process_unsetenv(oci_process *p, const char *name)
{
  size_t i, kept = 0, len = strlen(name);

  for (i = 0; i < p->env_len; i++) {
    if (env_is(p->env[i], name, len))
      free(p->env[i]);
    else
      p->env[kept++] = p->env[i];
  }
  if (kept < p->env_len) /* a slot was freed: keep the NULL end execve() needs */
    p->env[kept] = NULL;
  p->env_len = kept;
}

int
oci_process_setenv(oci_process *p, const char *name, const char *value)
{
  size_t len = strlen(name) + strlen(value) + 2;
  char *entry = malloc(len), **env;

  if (!entry)
    return -1;
  snprintf(entry, len, "%s=%s", name, value);
  /* Room for one more and the NULL end before anything changes. */
  env = realloc(p->env, (p->env_len + 2) * sizeof(char *));
  if (!env) {
    free(entry);
    return -1;
  }
  p->env = env;
  oci_process_unsetenv(p, name);
  p->env[p->env_len++] = entry;
  p->env[p->env_len] = NULL;
  p->has_env = true;
  return 0;
}

/* ---- maps ---- */

const char *
oci_strmap_get(const oci_strmap *map, const char *key)
{
  size_t i;

  for (i = 0; i < map->len; i++)
    if (strcmp(map->keys[i], key) == 0)
      return map->values[i];
  return NULL;
}

int
oci_strmap_set(oci_strmap *map, const char *key, const char *value)
{
  char **keys, **values, *k, *v;
  size_t i;

  for (i = 0; i < map->len; i++) {
    if (strcmp(map->keys[i], key) == 0) {
      v = strdup(value);
      if (!v)
        return -1;
      free(map->values[i]);
      map->values[i] = v;
      return 0;
    }
  }
  k = strdup(key);
  v = strdup(value);
  keys = k && v ? realloc(map->keys, (map->len + 2) * sizeof(char *)) : NULL;
  if (keys)
    map->keys = keys;
  values = keys ? realloc(map->values, (map->len + 2) * sizeof(char *)) : NULL;
  if (!values) {
    free(k);
    free(v);
    errno = ENOMEM;
    return -1;
  }
  map->values = values;
  map->keys[map->len] = k;
  map->values[map->len] = v;
  map->len++;
  map->keys[map->len] = NULL;
  map->values[map->len] = NULL;
  map->present = true;
  return 0;
}

void
oci_strmap_clear(oci_strmap *map)
{
  size_t i;

  for (i = 0; i < map->len; i++) {
    free(map->keys[i]);
    free(map->values[i]);
  }
  free(map->keys);
  free(map->values);
  memset(map, 0, sizeof(*map));
}

/* ---- typed shorthands ---- */

oci_spec *
oci_spec_parse_file(const char *path, const oci_parse_opts *opts, char **err)
{
  return oci_parse_file(&oci_spec_desc, "config.json", path, opts, err);
}

oci_process *
oci_process_parse_file(const char *path, const oci_parse_opts *opts, char **err)
{
  return oci_parse_file(&oci_process_desc, "process.json", path, opts, err);
}

oci_state *
oci_state_parse_file(const char *path, const oci_parse_opts *opts, char **err)
{
  return oci_parse_file(&oci_state_desc, "state.json", path, opts, err);
}

void
oci_spec_free(oci_spec *spec)
{
  oci_free(&oci_spec_desc, spec);
}

void
oci_process_free(oci_process *process)
{
  oci_free(&oci_process_desc, process);
}

void
oci_state_free(oci_state *state)
{
  oci_free(&oci_state_desc, state);
}

void
oci_features_free(oci_features *features)
{
  oci_free(&oci_features_desc, features);
}
