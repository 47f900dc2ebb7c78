#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Helpers of the Firejail -> OCI conversion: allocation, string lists,
 * libocispec arrays, annotations, warnings and the default glob. */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "to-oci-internal.h"

static void __attribute__((noreturn)) oom(void)
{
  fputs("brig: firejail: out of memory\n", stderr);
  abort();
}

void *
fj_xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);

  if (!p)
    oom();
  return p;
}

void *
fj_xrealloc(void *p, size_t n, size_t size)
{
  if (size && n > ((size_t)-1) / size)
    oom();
  p = realloc(p, n && size ? n * size : 1);
  if (!p)
    oom();
  return p;
}

char *
fj_xstrdup(const char *s)
{
  /* Callers never pass NULL; cppcheck's cross-file analysis sees a
   * NULL-guarded call as a NULL argument. */
  /* cppcheck-suppress ctunullpointer */
  char *d = strdup(s);

  if (!d)
    oom();
  return d;
}

void
fj_setenv(oci_process *p, const char *name, const char *value)
{
  if (oci_process_setenv(p, name, value) < 0)
    oom();
}

char *
fj_xasprintf(const char *fmt, ...)
{
  va_list ap;
  char *s;
  int r;

  va_start(ap, fmt);
  r = vasprintf(&s, fmt, ap);
  va_end(ap);
  if (r < 0)
    oom();
  return s;
}

void
fj_strv_add(struct fj_strv *v, const char *s)
{
  v->v = fj_xrealloc(v->v, v->n + 2, sizeof(char *));
  v->v[v->n++] = fj_xstrdup(s);
  v->v[v->n] = NULL;
}

void
fj_strv_free(struct fj_strv *v)
{
  for (size_t i = 0; i < v->n; i++)
    free(v->v[i]);
  free(v->v);
  v->v = NULL;
  v->n = 0;
}

char *
fj_strv_join(const struct fj_strv *v, const char *sep)
{
  size_t len = 1, sl = strlen(sep);
  char *s, *p;

  for (size_t i = 0; i < v->n; i++)
    len += strlen(v->v[i]) + sl;
  p = s = fj_xcalloc(len, 1);
  for (size_t i = 0; i < v->n; i++) {
    if (i)
      p = stpcpy(p, sep);
    p = stpcpy(p, v->v[i]);
  }
  return s;
}

bool
fj_strv_contains(const struct fj_strv *v, const char *s)
{
  /* first bytes first: a syscall group is expanded name by name, each
   * checked against the names so far */
  for (size_t i = 0; i < v->n; i++)
    if (v->v[i][0] == s[0] && strcmp(v->v[i], s) == 0)
      return true;
  return false;
}

void *
fj_objv_push(void *arrp, size_t *len, bool *has, size_t elem)
{
  char **arr = arrp;

  *arr = fj_xrealloc(*arr, *len + 1, elem);
  memset(*arr + *len * elem, 0, elem);
  *has = true;
  return *arr + (*len)++ * elem;
}

void
fj_ocistrv_push(char ***v, size_t *len, bool *has, const char *s)
{
  *v = fj_xrealloc(*v, *len + 2, sizeof(char *));
  (*v)[(*len)++] = fj_xstrdup(s);
  (*v)[*len] = NULL;
  *has = true;
}

void
fj_ocistrv_remove(char **v, size_t *len, const char *s)
{
  size_t k = 0;

  for (size_t i = 0; i < *len; i++) {
    if (strcmp(v[i], s) == 0)
      free(v[i]);
    else
      v[k++] = v[i];
  }
  *len = k;
  if (v)
    v[k] = NULL;
}

void
fj_ocistrv_remove_at(char **v, size_t *len, size_t i)
{
  free(v[i]);
  memmove(&v[i], &v[i + 1], (*len - i) * sizeof(char *)); /* with the NULL */
  (*len)--;
}

bool
fj_ocistrv_contains(char *const *v, size_t len, const char *s)
{
  for (size_t i = 0; i < len; i++)
    if (strcmp(v[i], s) == 0)
      return true;
  return false;
}

void
fj_ocistrv_clear(char ***v, size_t *len, bool *has)
{
  for (size_t i = 0; i < *len; i++)
    free((*v)[i]);
  free(*v);
  *v = fj_xcalloc(1, sizeof(char *));
  *len = 0;
  *has = true;
}

oci_process *
fj_process(struct fj_conv *c)
{
  if (!c->spec->process) {
    c->spec->process = fj_xcalloc(1, sizeof(oci_process));
    c->spec->process->cwd = fj_xstrdup("/");
  }
  return c->spec->process;
}

oci_linux *
fj_linux(struct fj_conv *c)
{
  if (!c->spec->linux)
    c->spec->linux = fj_xcalloc(1, sizeof(oci_linux));
  return c->spec->linux;
}

oci_resources *
fj_resources(struct fj_conv *c)
{
  oci_linux *l = fj_linux(c);

  if (!l->resources)
    l->resources = fj_xcalloc(1, sizeof(oci_resources));
  return l->resources;
}

void
fj_annotate(struct fj_conv *c, const char *key, const char *value)
{
  if (oci_strmap_set(&c->spec->annotations, key, value) < 0)
    oom();
}

static void
warn_add(struct fj_conv *c, char *msg)
{
  struct brig_fj_warnings *w = c->warnings;

  if (!w) {
    free(msg);
    return;
  }
  w->items = fj_xrealloc(w->items, w->n + 1, sizeof(char *));
  w->items[w->n++] = msg;
}

void
fj_warn(struct fj_conv *c, const struct brig_fj_directive *d, const char *fmt, ...)
{
  va_list ap;
  char *why, *msg;

  va_start(ap, fmt);
  if (vasprintf(&why, fmt, ap) < 0)
    oom();
  va_end(ap);
  msg = fj_xasprintf("%s:%u: %s: %s", d->file, d->line, d->spec->name, why);
  free(why);
  warn_add(c, msg);
}

void
fj_unsupported(struct fj_conv *c, const struct brig_fj_directive *d, const char *why)
{
  char *entry = fj_xasprintf("%s%s%s (%s:%u)", d->spec->name, d->arg ? " " : "",
                             d->arg ? d->arg : "", d->file, d->line);

  fj_strv_add(&c->unsupported, entry);
  free(entry);
  fj_warn(c, d, "not supported, ignored: %s", why);
}

oci_namespace *
fj_ns_find(struct fj_conv *c, const char *type)
{
  oci_linux *l = fj_linux(c);

  for (size_t i = 0; i < l->namespaces_len; i++)
    if (strcmp(l->namespaces[i].type, type) == 0)
      return &l->namespaces[i];
  return NULL;
}

oci_namespace *
fj_ns_ensure(struct fj_conv *c, const char *type)
{
  oci_linux *l = fj_linux(c);
  oci_namespace *ns = fj_ns_find(c, type);

  if (ns)
    return ns;
  ns = fj_objv_push(&l->namespaces, &l->namespaces_len, &l->has_namespaces, sizeof(*ns));
  ns->type = fj_xstrdup(type);
  return ns;
}

char *
fj_host_path(const struct fj_conv *c, const char *path)
{
  size_t rl = strlen(c->root);

  if (rl == 1 && c->root[0] == '/')
    return fj_xstrdup(path);
  while (rl > 1 && c->root[rl - 1] == '/')
    rl--;
  return fj_xasprintf("%.*s%s", (int)rl, c->root, path);
}

char *
fj_root_join(const char *root, const char *path, size_t *root_len)
{
  size_t rl = strlen(root);
  char *full;

  while (rl > 0 && root[rl - 1] == '/')
    rl--;
  if (root_len)
    *root_len = rl;
  if (asprintf(&full, "%.*s%s", (int)rl, root, path) < 0)
    return NULL;
  return full;
}

bool
fj_has_glob(const char *s)
{
  return strpbrk(s, "*?[") != NULL;
}

size_t
fj_glob(struct fj_conv *c, const char *pattern, struct brig_fj_match **m)
{
  brig_fj_glob_fn fn = c->opts->glob ? c->opts->glob : brig_fj_glob_default;
  size_t n = 0;

  *m = NULL;
  if (fn(c->opts->glob_opaque, c->root, pattern, m, &n) != 0) {
    *m = NULL;
    return 0;
  }
  return n;
}

bool
fj_exists(struct fj_conv *c, const char *path, enum brig_fj_ftype *type, bool *symlink)
{
  struct brig_fj_match *x;
  size_t n = fj_glob(c, path, &x);

  if (n && type)
    *type = x[0].type;
  if (n && symlink)
    *symlink = x[0].symlink;
  brig_fj_matches_free(x, n);
  return n > 0;
}

void
brig_fj_matches_free(struct brig_fj_match *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(m[i].path);
  free(m);
}

static void
ftype_of(const char *path, struct brig_fj_match *m)
{
  struct stat st;

  m->symlink = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
  m->type = BRIG_FJ_FT_OTHER;
  if (stat(path, &st) < 0)
    return;
  if (S_ISDIR(st.st_mode))
    m->type = BRIG_FJ_FT_DIR;
  else if (S_ISREG(st.st_mode))
    m->type = BRIG_FJ_FT_FILE;
}

int
brig_fj_glob_default(void *opaque, const char *root, const char *pattern,
                     struct brig_fj_match **matches, size_t *n)
{
  size_t rl;
  char *full;
  glob_t g;
  int r;

  (void)opaque;
  *matches = NULL;
  *n = 0;
  if (fj_has_glob(root))
    return EINVAL; /* the root itself would be taken as a pattern */
  full = fj_root_join(root, pattern, &rl);
  if (!full)
    return ENOMEM;
  if (!fj_has_glob(pattern)) {
    struct stat st;

    if (lstat(full, &st) == 0) {
      *matches = calloc(1, sizeof(**matches));
      if (!*matches || !((*matches)[0].path = strdup(pattern))) {
        free(*matches);
        free(full);
        return ENOMEM;
      }
      ftype_of(full, &(*matches)[0]);
      *n = 1;
    }
    free(full);
    return 0;
  }
  r = glob(full, 0, NULL, &g);
  free(full);
  if (r == GLOB_NOMATCH)
    return 0;
  if (r != 0)
    return r == GLOB_NOSPACE ? ENOMEM : EIO;
  *matches = calloc(g.gl_pathc ? g.gl_pathc : 1, sizeof(**matches));
  if (!*matches) {
    globfree(&g);
    return ENOMEM;
  }
  for (size_t i = 0; i < g.gl_pathc; i++) {
    struct brig_fj_match *m = &(*matches)[*n];

    m->path = strdup(g.gl_pathv[i] + rl);
    if (!m->path) {
      brig_fj_matches_free(*matches, *n);
      *matches = NULL;
      *n = 0;
      globfree(&g);
      return ENOMEM;
    }
    ftype_of(g.gl_pathv[i], m);
    (*n)++;
  }
  globfree(&g);
  return 0;
}

int
brig_fj_node_default(void *opaque, const char *root, const char *path, struct brig_fj_node *node)
{
  size_t rl;
  struct stat st;
  char *full, *real;
  int r = 0;

  (void)opaque;
  memset(node, 0, sizeof(*node));
  full = fj_root_join(root, path, &rl);
  if (!full)
    return ENOMEM;
  real = realpath(full, NULL);
  if (!real || stat(real, &st) < 0)
    r = errno;
  free(full);
  if (r == 0 && (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0')))
    r = EXDEV; /* resolves outside the tree */
  if (r == 0)
    node->real = strdup(real[rl] ? real + rl : "/");
  free(real);
  if (r)
    return r;
  if (!node->real)
    return ENOMEM;
  brig_fj_node_set_stat(node, &st);
  return 0;
}

void
brig_fj_node_set_stat(struct brig_fj_node *node, const struct stat *st)
{
  if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
    node->dev_type = S_ISCHR(st->st_mode) ? 'c' : 'b';
    node->major = major(st->st_rdev);
    node->minor = minor(st->st_rdev);
  }
  node->mode = st->st_mode & 07777;
  node->uid = st->st_uid;
  node->gid = st->st_gid;
}

bool
fj_node(struct fj_conv *c, const char *path, struct brig_fj_node *node)
{
  brig_fj_node_fn fn = c->opts->node ? c->opts->node : brig_fj_node_default;

  memset(node, 0, sizeof(*node));
  if (fn(c->opts->glob_opaque, c->root, path, node) != 0) {
    free(node->real);
    node->real = NULL;
    return false;
  }
  return true;
}
