/* Shared between the to-oci*.c files: the conversion state and small
 * helpers on libocispec arrays.  Allocation failures abort (xmalloc
 * style): the conversion works on a copy of the spec and has no state
 * worth unwinding. */
#ifndef BRIG_POLICY_FIREJAIL_TO_OCI_INTERNAL_H
#define BRIG_POLICY_FIREJAIL_TO_OCI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "to-oci.h"

/* A growable list of strings. */
struct fj_strv {
  char **v;
  size_t n;
};

struct fj_conv {
  oci_spec *spec;
  const struct brig_fj_profile *prof;
  const struct brig_fj_oci_options *opts;
  struct brig_fj_warnings *warnings;
  const char *root; /* opts->root_dir or "/" */
  char runuser[64]; /* /run/user/UID */

  /* flags gathered in the first pass */
  bool has_kind[BRIG_FJ_KIND_COUNT];
  struct fj_strv unsupported; /* "directive args (FILE:LINE)" */
  struct fj_strv mkdirs, mkfiles;
  struct fj_strv noblacklist, nowhitelist; /* patterns */
};

/* to-oci-util.c */
void *fj_xcalloc(size_t n, size_t size);
void *fj_xrealloc(void *p, size_t n, size_t size);
char *fj_xstrdup(const char *s);
char *fj_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fj_strv_add(struct fj_strv *v, const char *s);
void fj_strv_free(struct fj_strv *v);
char *fj_strv_join(const struct fj_strv *v, const char *sep);
bool fj_strv_contains(const struct fj_strv *v, const char *s);

/* OCI arrays: append an element (zeroed) / a string. */
void *fj_objv_push(void *arrp, size_t *len, bool *has, size_t elem);
void fj_ocistrv_push(char ***v, size_t *len, bool *has, const char *s);
void fj_ocistrv_remove(char **v, size_t *len, const char *s);
void fj_ocistrv_remove_at(char **v, size_t *len, size_t i);

/* process.env NAME=VALUE, replacing NAME (out of memory aborts, as with
 * the fj_x* allocators). */
void fj_setenv(oci_process *p, const char *name, const char *value);
bool fj_ocistrv_contains(char *const *v, size_t len, const char *s);
void fj_ocistrv_clear(char ***v, size_t *len, bool *has);

/* Sub-objects, created when missing. */
oci_process *fj_process(struct fj_conv *c);
oci_linux *fj_linux(struct fj_conv *c);
oci_resources *fj_resources(struct fj_conv *c);

void fj_annotate(struct fj_conv *c, const char *key, const char *value);
void fj_warn(struct fj_conv *c, const struct brig_fj_directive *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void fj_unsupported(struct fj_conv *c, const struct brig_fj_directive *d, const char *why);

/* Namespaces. */
oci_namespace *fj_ns_find(struct fj_conv *c, const char *type);
oci_namespace *fj_ns_ensure(struct fj_conv *c, const char *type);

/* Root-relative host path for a sandbox path (root "/" -> the path). */
char *fj_host_path(const struct fj_conv *c, const char *path);
/* Globs pattern through opts->glob; returns the number of matches. */
size_t fj_glob(struct fj_conv *c, const char *pattern, struct brig_fj_match **m);
/* Whether path (or the first match of a pattern) exists in the tree; its
 * type and whether it is a symlink, when asked. */
bool fj_exists(struct fj_conv *c, const char *path, enum brig_fj_ftype *type, bool *symlink);
bool fj_has_glob(const char *s);
/* root + path for the default callbacks (root's trailing slashes dropped,
 * their count-less length in *root_len when asked); NULL on ENOMEM. */
char *fj_root_join(const char *root, const char *path, size_t *root_len);
/* What PATH of the tree resolves to, through opts->node (node->real to free). */
bool fj_node(struct fj_conv *c, const char *path, struct brig_fj_node *node);

/* to-oci-lib.c: what private-lib puts in the new library directory. */
struct fj_lib {
  char *rel; /* relative to a library directory: "x86_64-linux-gnu/libc.so.6" */
  char *src; /* the file or directory of the tree shown there, symlinks resolved */
};

struct fj_libset {
  struct fj_lib *v;
  size_t n;
};

/* The library directories private-lib replaces, in Firejail's order. */
extern const char *const fj_lib_dirs[];
/* The directories private-bin searches and replaces (NULL-terminated). */
#define FJ_N_BIN_DIRS 8
extern const char *const fj_bin_dirs[FJ_N_BIN_DIRS + 1];
void fj_private_lib(struct fj_conv *c, struct fj_libset *set);
void fj_libset_free(struct fj_libset *set);

/* to-oci-mounts.c: every filesystem directive, in Firejail's order. */
void fj_mounts(struct fj_conv *c);

/* to-oci-seccomp.c */
int fj_seccomp(struct fj_conv *c, char **err);

#endif
