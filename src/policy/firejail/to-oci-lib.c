#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* private-lib: which libraries the new library directory holds.
 *
 * Firejail 0.9.72 (observed with --debug; the man pages only sketch it)
 * builds one directory, mounts it read-only over /usr/lib64, /lib64,
 * /usr/lib, /lib and /usr/local/lib, and puts in it, each at its path
 * relative to the library directory it comes from:
 *   - the C library: a fixed list of glibc's files (stdc[] below) and the
 *     dynamic loader, plus /usr/lib/locale;
 *   - the libraries of the sandboxed program and of the private-bin
 *     programs, resolved recursively through DT_NEEDED (its fldd helper);
 *   - the private-lib entries: globs relative to the library directories
 *     (or absolute), files with their libraries, directories whole with
 *     the libraries of the objects inside;
 *   - "system libraries": the module directories of GTK, GdkPixbuf, Pango
 *     and GIO when the program links the library that loads them.
 * Firejail also installs its own libraries and helpers; nothing of
 * Firejail runs in a brig container, so brig does not.
 *
 * Resolution follows ld.so(8): DT_RPATH (without DT_RUNPATH), DT_RUNPATH
 * with $ORIGIN and $LIB, the directories of /etc/ld.so.conf (its include
 * lines followed) instead of the cache, then the default directories; a
 * library of another ELF class or machine is skipped, as the loader does.
 * Files are read through opts->open, so the tree is the container's (or
 * a test's); what cannot be read or parsed is skipped: the program then
 * fails to load in the sandbox as it would under Firejail.  A script's
 * interpreter (#!) is resolved like the program, so that scripts run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-needed.h"
#include "to-oci-internal.h"
#include "util/fs.h"

#if defined(__x86_64__)
#define TRIPLET "x86_64-linux-gnu"
#define LIB_EXPANSION "lib/x86_64-linux-gnu"
#elif defined(__aarch64__)
#define TRIPLET "aarch64-linux-gnu"
#define LIB_EXPANSION "lib/aarch64-linux-gnu"
#elif defined(__i386__)
#define TRIPLET "i386-linux-gnu"
#define LIB_EXPANSION "lib/i386-linux-gnu"
#else
#define TRIPLET "unknown-linux-gnu"
#define LIB_EXPANSION "lib"
#endif

#define MAX_OBJECTS 8192 /* ELF files read per conversion */
#define MAX_DEPTH 64     /* DT_NEEDED chain */
#define SCAN_DEPTH 6     /* directories below a listed directory */
#define MAX_CONF 65536   /* bytes of one ld.so.conf file */

const char *const fj_lib_dirs[] = { "/usr/lib64", "/lib64",         "/usr/lib",
                                    "/lib",       "/usr/local/lib", NULL };

/* For relative paths: the longest library directory first. */
static const char *const lib_roots[] = { "/usr/local/lib", "/usr/lib64", "/usr/lib",
                                         "/lib64",         "/lib",       NULL };

/* Where relative private-lib entries and the C library are looked up. */
static const char *const entry_dirs[] = { "/usr/lib/" TRIPLET, "/lib/" TRIPLET,
                                          "/usr/lib64",        "/lib64",
                                          "/usr/lib",          "/lib",
                                          "/usr/local/lib",    NULL };

/* glibc's run-time files, as Firejail installs them (its list matches
 * these globs: libc.so, a linker script, is not in it). */
static const char *const stdc[] = {
  "ld-linux*.so.*",
  "libanl.so.*",
  "libc.so.*",
  "libcrypt.so.*",
  "libdl.so.*",
  "libm.so.*",
  "libmemusage.so",
  "libmvec.so.*",
  "libnsl.so.*",
  "libnss_compat.so.*",
  "libnss_dns.so.*",
  "libnss_files.so.*",
  "libnss_hesiod.so.*",
  "libpthread.so.*",
  "libresolv.so.*",
  "librt.so.*",
  "libthread_db.so.*",
  "libutil.so.*",
  NULL,
};

/* Firejail's "system libraries": when the objects installed include a
 * library starting with TRIGGER, these directories of the multiarch
 * directory come too.  The groups seen on Debian 12 with 0.9.72. */
struct sysgroup {
  const char *trigger;
  const char *dirs[3];
};

static const struct sysgroup sysgroups[] = {
  { "libgdk_pixbuf-2.0.so", { "gdk-pixbuf-2.0", NULL } },
  { "libgtk-3.so", { "gtk-3.0", "libgtk-3-0", NULL } },
  { "libpango-1.0.so", { "pango", NULL } },
  { "libgio-2.0.so", { "gio", NULL } },
};

struct resolver {
  struct fj_conv *c;
  const struct brig_fj_directive *d; /* the first private-lib, for warnings */
  struct fj_libset *set;
  struct fj_strv search;       /* ld.so.conf, then the default directories */
  struct fj_strv done;         /* real paths whose libraries were resolved */
  struct fj_strv names, found; /* lookup cache: name -> path (no RPATH involved) */
  unsigned elf_class, machine; /* of the first object; 0 = not yet known */
  size_t budget;
};

int
brig_fj_open_default(void *opaque, const char *root, const char *path)
{
  char *full = fj_root_join(root, path, NULL);
  int fd;

  (void)opaque;
  if (!full) {
    errno = ENOMEM;
    return -1;
  }
  fd = open(full, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  free(full);
  return fd;
}

static int
fj_open(const struct fj_conv *c, const char *path)
{
  brig_fj_open_fn fn = c->opts->open ? c->opts->open : brig_fj_open_default;

  return fn(c->opts->glob_opaque, c->root, path);
}

void
fj_libset_free(struct fj_libset *set)
{
  for (size_t i = 0; i < set->n; i++) {
    free(set->v[i].rel);
    free(set->v[i].src);
  }
  free(set->v);
  set->v = NULL;
  set->n = 0;
}

static const char *
rel_of(const char *path)
{
  for (size_t i = 0; lib_roots[i]; i++) {
    size_t l = strlen(lib_roots[i]);

    if (strncmp(path, lib_roots[i], l) == 0 && path[l] == '/' && path[l + 1])
      return path + l + 1;
  }
  return NULL;
}

static char *
real_path(struct resolver *r, const char *path)
{
  struct brig_fj_node node;

  if (!fj_node(r->c, path, &node))
    return fj_xstrdup(path);
  return node.real;
}

/* Installs PATH at its place relative to its library directory; false
 * when it is in none (it stays visible: nothing to install). */
static bool
set_add(struct resolver *r, const char *path)
{
  const char *rel = rel_of(path);
  struct fj_lib *l;

  if (!rel)
    return false;
  for (size_t i = 0; i < r->set->n; i++)
    if (strcmp(r->set->v[i].rel, rel) == 0)
      return true;
  r->set->v = fj_xrealloc(r->set->v, r->set->n + 1, sizeof(*r->set->v));
  l = &r->set->v[r->set->n++];
  l->rel = fj_xstrdup(rel);
  /* a soname link is shown at its own name, bound from the file it names
   * (Firejail does not add the versioned name either) */
  l->src = real_path(r, path);
  return true;
}

static int
load(struct resolver *r, const char *path, struct brig_elf_needed *e)
{
  const char *why;
  int fd, rc;

  memset(e, 0, sizeof(*e));
  if (r->budget == 0)
    return -1;
  fd = fj_open(r->c, path);
  if (fd < 0)
    return -1;
  r->budget--; /* files read, not lookups that miss */
  rc = brig_elf_needed_fd(fd, e, &why);
  close(fd);
  return rc;
}

static bool
compatible(struct resolver *r, const struct brig_elf_needed *e)
{
  if (!r->elf_class) {
    r->elf_class = e->elf_class;
    r->machine = e->machine;
  }
  return e->elf_class == r->elf_class && e->machine == r->machine;
}

/* "/usr/bin/../lib/app" -> "/usr/lib/app", in place: ORIGIN is already
 * a real path, so the ".." of a DT_RUNPATH are taken lexically. */
static void
normalize(char *path)
{
  char *out = path, *p = path;

  while (*p) {
    size_t len;

    while (*p == '/')
      p++;
    len = strcspn(p, "/");
    if (len == 0)
      break;
    if (len == 1 && p[0] == '.') {
      p += len;
      continue;
    }
    if (len == 2 && p[0] == '.' && p[1] == '.') {
      while (out > path && *--out != '/')
        ;
      p += len;
      continue;
    }
    *out++ = '/';
    memmove(out, p, len);
    out += len;
    p += len;
  }
  if (out == path)
    *out++ = '/';
  *out = '\0';
}

/* The directories of a DT_RPATH/DT_RUNPATH list, $ORIGIN and $LIB
 * expanded; entries with other dynamic string tokens are dropped. */
static void
path_list(const char *list, const char *origin, struct fj_strv *out)
{
  char *copy = fj_xstrdup(list), *save = NULL;

  for (char *tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
    char *s = fj_xstrdup(""), *p = tok;

    while (*p) {
      const char *val = NULL;
      size_t skip = 0;
      char *next;

      if (strncmp(p, "$ORIGIN", 7) == 0 || strncmp(p, "${ORIGIN}", 9) == 0) {
        val = origin;
        skip = p[1] == '{' ? 9 : 7;
      } else if (strncmp(p, "$LIB", 4) == 0 || strncmp(p, "${LIB}", 6) == 0) {
        val = LIB_EXPANSION;
        skip = p[1] == '{' ? 6 : 4;
      } else if (*p == '$') {
        break;
      }
      next = val ? fj_xasprintf("%s%s", s, val) : fj_xasprintf("%s%c", s, *p);
      free(s);
      s = next;
      p += val ? skip : 1;
    }
    if (!*p && s[0] == '/') {
      normalize(s);
      fj_strv_add(out, s);
    }
    free(s);
  }
  free(copy);
}

/* The file of library NAME for an object with dynamic section E in
 * directory ORIGIN (malloc'd), with its parsed headers in *LIB. */
static char *
find_lib(struct resolver *r, const char *name, const struct brig_elf_needed *e, const char *origin,
         struct brig_elf_needed *lib)
{
  struct fj_strv dirs = { 0 };
  bool cacheable = !e->rpath && !e->runpath;
  char *hit = NULL;

  if (strchr(name, '/')) {
    if (name[0] != '/' || load(r, name, lib) < 0)
      return NULL;
    if (compatible(r, lib))
      return fj_xstrdup(name);
    brig_elf_needed_free(lib);
    return NULL;
  }
  /* Found before: already checked and resolved (its libraries walked), so
   * it is neither read nor parsed again; *lib stays empty. */
  if (cacheable)
    for (size_t i = 0; i < r->names.n; i++)
      if (strcmp(r->names.v[i], name) == 0) {
        memset(lib, 0, sizeof(*lib));
        return fj_xstrdup(r->found.v[i]);
      }
  if (e->rpath && !e->runpath)
    path_list(e->rpath, origin, &dirs);
  if (e->runpath)
    path_list(e->runpath, origin, &dirs);
  for (size_t i = 0; i < r->search.n; i++)
    fj_strv_add(&dirs, r->search.v[i]);
  for (size_t i = 0; i < dirs.n && !hit; i++) {
    char *cand = fj_xasprintf("%s/%s", strcmp(dirs.v[i], "/") == 0 ? "" : dirs.v[i], name);

    if (load(r, cand, lib) == 0) {
      if (compatible(r, lib)) {
        hit = cand;
        break;
      }
      brig_elf_needed_free(lib);
    }
    free(cand);
  }
  fj_strv_free(&dirs);
  if (hit && cacheable) {
    fj_strv_add(&r->names, name);
    fj_strv_add(&r->found, hit);
  }
  return hit;
}

static void resolve(struct resolver *r, const char *path, int depth);

/* The libraries of the object at PATH, parsed in *E. */
static void
resolve_parsed(struct resolver *r, const char *path, const struct brig_elf_needed *e, int depth)
{
  char *real = real_path(r, path), *slash;

  if (depth > MAX_DEPTH || fj_strv_contains(&r->done, real)) {
    free(real);
    return;
  }
  fj_strv_add(&r->done, real);
  slash = strrchr(real, '/');
  if (slash)
    *(slash == real ? slash + 1 : slash) = '\0';
  if (e->interp && set_add(r, e->interp))
    resolve(r, e->interp, depth + 1);
  for (size_t i = 0; i < e->n_needed; i++) {
    struct brig_elf_needed lib;
    char *p = find_lib(r, e->needed[i], e, real, &lib);

    if (!p)
      continue;
    set_add(r, p);
    resolve_parsed(r, p, &lib, depth + 1);
    brig_elf_needed_free(&lib);
    free(p);
  }
  free(real);
}

/* The interpreter of a script at PATH ("#!/bin/sh -e" -> "/bin/sh"). */
static char *
shebang(struct resolver *r, const char *path)
{
  char buf[256];
  ssize_t n;
  int fd = fj_open(r->c, path);
  char *p, *end;

  if (fd < 0)
    return NULL;
  n = pread(fd, buf, sizeof(buf) - 1, 0);
  close(fd);
  if (n < 3 || buf[0] != '#' || buf[1] != '!')
    return NULL;
  buf[n] = '\0';
  for (p = buf + 2; *p == ' ' || *p == '\t'; p++)
    ;
  end = p + strcspn(p, " \t\n");
  if (*p != '/' || end == p)
    return NULL;
  *end = '\0';
  return fj_xstrdup(p);
}

static void
resolve(struct resolver *r, const char *path, int depth)
{
  struct brig_elf_needed e;

  if (load(r, path, &e) < 0)
    return;
  if (compatible(r, &e))
    resolve_parsed(r, path, &e, depth);
  brig_elf_needed_free(&e);
}

/* A program: an ELF executable, or a script whose interpreter is one. */
static bool
resolve_program(struct resolver *r, const char *path)
{
  struct brig_elf_needed e;
  char *interp;

  if (load(r, path, &e) == 0) {
    if (compatible(r, &e))
      resolve_parsed(r, path, &e, 0);
    brig_elf_needed_free(&e);
    return true;
  }
  interp = shebang(r, path);
  if (!interp)
    return false;
  resolve(r, interp, 1);
  free(interp);
  return true;
}

/* The libraries of every shared object below DIR (a listed or module
 * directory): files named *.so*, so that a directory of data (python3.11)
 * costs a directory walk, not a read of each file. */
static void
scan_dir(struct resolver *r, const char *dir, int depth)
{
  struct brig_fj_match *x;
  char *pat;
  size_t n;

  if (depth < 0 || r->budget == 0)
    return;
  pat = fj_xasprintf("%s/*", dir);
  n = fj_glob(r->c, pat, &x);
  for (size_t i = 0; i < n; i++) {
    if (x[i].symlink)
      continue; /* its target is in the tree on its own */
    if (x[i].type == BRIG_FJ_FT_DIR)
      scan_dir(r, x[i].path, depth - 1);
    else if (x[i].type == BRIG_FJ_FT_FILE && strstr(strrchr(x[i].path, '/'), ".so"))
      resolve(r, x[i].path, 1);
  }
  brig_fj_matches_free(x, n);
  free(pat);
}

/* One ld.so.conf file: directories, and include lines (globs relative
 * to /etc), to a bounded depth. */
static void
conf_read(struct resolver *r, const char *path, int depth)
{
  char *buf, *save = NULL;
  ssize_t n;
  int fd;

  if (depth > 8)
    return;
  fd = fj_open(r->c, path);
  if (fd < 0)
    return;
  buf = fj_xcalloc(1, MAX_CONF + 1);
  n = read(fd, buf, MAX_CONF);
  close(fd);
  if (n <= 0) {
    free(buf);
    return;
  }
  buf[n] = '\0';
  for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *hash = strchr(line, '#'), *end;

    if (hash)
      *hash = '\0';
    line += strspn(line, " \t");
    end = line + strlen(line);
    while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
      *--end = '\0';
    if (strncmp(line, "include", 7) == 0 && (line[7] == ' ' || line[7] == '\t')) {
      char *pat = line + 8 + strspn(line + 8, " \t");
      char *full = pat[0] == '/' ? fj_xstrdup(pat) : fj_xasprintf("/etc/%s", pat);
      struct brig_fj_match *x;
      size_t k = fj_glob(r->c, full, &x);

      for (size_t i = 0; i < k; i++)
        if (x[i].type == BRIG_FJ_FT_FILE)
          conf_read(r, x[i].path, depth + 1);
      brig_fj_matches_free(x, k);
      free(full);
    } else if (line[0] == '/') {
      while (end > line + 1 && end[-1] == '/')
        *--end = '\0';
      if (!fj_strv_contains(&r->search, line))
        fj_strv_add(&r->search, line);
    }
  }
  free(buf);
}

static void
search_dirs(struct resolver *r)
{
  static const char *const defaults[] = {
    "/lib/" TRIPLET, "/usr/lib/" TRIPLET, "/lib64", "/usr/lib64", "/lib", "/usr/lib", NULL
  };

  conf_read(r, "/etc/ld.so.conf", 0);
  for (size_t i = 0; defaults[i]; i++)
    if (!fj_strv_contains(&r->search, defaults[i]))
      fj_strv_add(&r->search, defaults[i]);
}

static bool
is_type(struct resolver *r, const char *path, enum brig_fj_ftype type)
{
  enum brig_fj_ftype t;

  return fj_exists(r->c, path, &t, NULL) && t == type;
}

/* process.args[0] as execvp(3) finds it: a path (relative to
 * process.cwd), else in PATH of process.env.  NULL when not found. */
static char *
program_path(struct resolver *r)
{
  const oci_process *p = r->c->spec->process;
  const char *arg = p && p->args_len ? p->args[0] : NULL, *path;
  char *copy, *save = NULL, *hit = NULL;

  if (!arg || !arg[0])
    return NULL;
  if (strchr(arg, '/')) {
    if (arg[0] == '/')
      return fj_xstrdup(arg);
    return fj_xasprintf("%s/%s", p->cwd && p->cwd[0] == '/' ? p->cwd : "", arg);
  }
  path = oci_process_getenv(p, "PATH");
  copy = fj_xstrdup(path ? path : BRIG_DEFAULT_PATH);
  for (char *d = strtok_r(copy, ":", &save); d && !hit; d = strtok_r(NULL, ":", &save)) {
    char *cand;

    if (d[0] != '/')
      continue;
    cand = fj_xasprintf("%s/%s", d, arg);
    if (is_type(r, cand, BRIG_FJ_FT_FILE))
      hit = cand;
    else
      free(cand);
  }
  free(copy);
  return hit;
}

/* ENTRIES globbed at each place in DIRS; the matches of the first place
 * that has some (Firejail takes a name where it finds it first). */
static void
install_entry(struct resolver *r, const char *entry)
{
  for (size_t i = 0; entry_dirs[i]; i++) {
    char *pat = entry[0] == '/' ? fj_xstrdup(entry) : fj_xasprintf("%s/%s", entry_dirs[i], entry);
    struct brig_fj_match *x;
    size_t n = fj_glob(r->c, pat, &x);

    free(pat);
    for (size_t k = 0; k < n; k++) {
      if (!set_add(r, x[k].path)) {
        fj_warn(r->c, r->d, "%s: not in a library directory, ignored", x[k].path);
        continue;
      }
      if (x[k].type == BRIG_FJ_FT_DIR)
        scan_dir(r, x[k].path, SCAN_DEPTH);
      else if (x[k].type == BRIG_FJ_FT_FILE)
        resolve(r, x[k].path, 1);
    }
    brig_fj_matches_free(x, n);
    if (n || entry[0] == '/')
      return;
  }
}

/* The private-bin programs, found as private-bin finds them. */
static void
private_bin_programs(struct resolver *r)
{
  const char *const *bins = fj_bin_dirs;
  const struct brig_fj_profile *prof = r->c->prof;

  for (size_t i = 0; i < prof->n_items; i++) {
    const struct brig_fj_directive *d = &prof->items[i];

    if (d->kind != BRIG_FJ_PRIVATE_BIN)
      continue;
    for (size_t k = 0; k < d->argc; k++)
      for (size_t b = 0; bins[b]; b++) {
        char *pat = fj_xasprintf("%s/%s", bins[b], d->argv[k]);
        struct brig_fj_match *x;
        size_t n = fj_glob(r->c, pat, &x);

        for (size_t j = 0; j < n; j++)
          if (x[j].type == BRIG_FJ_FT_FILE)
            resolve_program(r, x[j].path);
        brig_fj_matches_free(x, n);
        free(pat);
      }
  }
}

static void
system_groups(struct resolver *r)
{
  for (size_t g = 0; g < sizeof(sysgroups) / sizeof(sysgroups[0]); g++) {
    const struct sysgroup *sg = &sysgroups[g];
    size_t tl = strlen(sg->trigger);
    bool hit = false;

    for (size_t i = 0; i < r->set->n && !hit; i++) {
      const char *base = strrchr(r->set->v[i].rel, '/');

      base = base ? base + 1 : r->set->v[i].rel;
      hit = strncmp(base, sg->trigger, tl) == 0;
    }
    for (size_t k = 0; hit && sg->dirs[k]; k++) {
      char *dir = fj_xasprintf("/usr/lib/%s/%s", TRIPLET, sg->dirs[k]);

      if (is_type(r, dir, BRIG_FJ_FT_DIR) && set_add(r, dir))
        scan_dir(r, dir, SCAN_DEPTH);
      free(dir);
    }
  }
}

void
fj_private_lib(struct fj_conv *c, struct fj_libset *set)
{
  struct resolver r = { .c = c, .set = set, .budget = MAX_OBJECTS };
  char *prog;

  memset(set, 0, sizeof(*set));
  for (size_t i = 0; i < c->prof->n_items && !r.d; i++)
    if (c->prof->items[i].kind == BRIG_FJ_PRIVATE_LIB)
      r.d = &c->prof->items[i];
  if (!r.d)
    return;
  search_dirs(&r);
  /* the program first: its class and machine are the ones looked for */
  prog = program_path(&r);
  if (!prog || !resolve_program(&r, prog))
    fj_warn(c, r.d, "program %s not found or not readable: its libraries are not installed",
            c->spec->process && c->spec->process->args_len ? c->spec->process->args[0] : "(none)");
  free(prog);
  for (size_t i = 0; stdc[i]; i++)
    for (size_t k = 0; k < 4; k++) { /* the multiarch and lib64 directories */
      char *pat = fj_xasprintf("%s/%s", entry_dirs[k], stdc[i]);
      struct brig_fj_match *x;
      size_t n = fj_glob(c, pat, &x);

      for (size_t j = 0; j < n; j++)
        if (x[j].type == BRIG_FJ_FT_FILE) /* as is: Firejail does not resolve these */
          set_add(&r, x[j].path);
      brig_fj_matches_free(x, n);
      free(pat);
    }
  if (is_type(&r, "/usr/lib/locale", BRIG_FJ_FT_DIR))
    set_add(&r, "/usr/lib/locale");
  private_bin_programs(&r);
  for (size_t i = 0; i < c->prof->n_items; i++) {
    const struct brig_fj_directive *d = &c->prof->items[i];

    if (d->kind == BRIG_FJ_PRIVATE_LIB)
      for (size_t k = 0; k < d->argc; k++)
        install_entry(&r, d->argv[k]);
  }
  system_groups(&r);
  if (r.budget == 0)
    fj_warn(c, r.d, "more than %d ELF files read: the library list may be incomplete", MAX_OBJECTS);
  fj_strv_free(&r.search);
  fj_strv_free(&r.done);
  fj_strv_free(&r.names);
  fj_strv_free(&r.found);
}
