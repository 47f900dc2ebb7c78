/* Firejail profile -> OCI runtime spec.
 *
 * Pure code: a resolved profile (firejail.h), a base spec and options in,
 * a new spec out.  The one side input is the file tree the sandbox sees
 * (Firejail's blacklist/whitelist entries are globs on it; private-lib
 * reads the ELF files of the program, process.args[0], and of its
 * libraries); it is read through opts->glob, opts->node and opts->open,
 * rooted at opts->root_dir, so tests run against a fixture tree.  Nothing
 * is printed; warnings come back as strings.
 *
 * The conversion only ever tightens the base: it adds mounts, namespaces,
 * seccomp rules and limits, and narrows capability sets, but never removes
 * a namespace or a mount of the base.  `brig firejail convert` therefore
 * starts from a Firejail-like base (host root, host network; see
 * convert-cli.c and docs/brig-firejail.1.md).
 *
 * Bind sources are paths of the tree at root_dir as the sandbox sees it
 * at that point of the mount list: an OCI runtime resolves a source when
 * it mounts it, after the earlier mounts, and a source inside the rootfs
 * goes through the rootfs' own bind.  A bind that needs the tree as it
 * was before the conversion (a whitelisted entry below the tmpfs that
 * hides its directory, as Firejail's whitelist) is staged: the entry is
 * bound first to BRIG_FJ_STAGE_DIR/N, before the conversion's other
 * mounts, and bound from there; the staging directory is masked at the
 * end (linux.maskedPaths).
 *
 * Annotations written (all newline-separated lists):
 *   run.brig.firejail.converted    the profile file converted; a spec with it is not
 *                                  converted again at create (run.brig.firejail.profile)
 *   run.brig.firejail.unsupported  "directive args (FILE:LINE)" per line
 *   run.brig.firejail.mkdir        directories brig creates before mounting
 *   run.brig.firejail.mkfile       files brig creates before mounting
 *   run.brig.firejail.dns          dns: nameservers of the generated resolv.conf
 *   run.brig.firejail.machine-id   "random": brig binds a random /etc/machine-id
 */
#ifndef BRIG_POLICY_FIREJAIL_TO_OCI_H
#define BRIG_POLICY_FIREJAIL_TO_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "firejail.h"

#define BRIG_FJ_ANN_PREFIX "run.brig.firejail."
#define BRIG_FJ_ANN_PROFILE BRIG_FJ_ANN_PREFIX "profile"
#define BRIG_FJ_ANN_UNSUPPORTED BRIG_FJ_ANN_PREFIX "unsupported"
#define BRIG_FJ_ANN_CONVERTED BRIG_FJ_ANN_PREFIX "converted"
/* Create-time options of the target user and the conditionals (see
 * src/runtime/annotations.c and brig-firejail(1)). */
#define BRIG_FJ_ANN_HOME BRIG_FJ_ANN_PREFIX "home"
#define BRIG_FJ_ANN_CONDITION BRIG_FJ_ANN_PREFIX "condition"
#define BRIG_FJ_ANN_MKDIR BRIG_FJ_ANN_PREFIX "mkdir"
#define BRIG_FJ_ANN_MKFILE BRIG_FJ_ANN_PREFIX "mkfile"
#define BRIG_FJ_ANN_DNS BRIG_FJ_ANN_PREFIX "dns"
#define BRIG_FJ_ANN_MACHINE_ID BRIG_FJ_ANN_PREFIX "machine-id"

/* One file found by a glob: the path as the sandbox sees it (no root
 * prefix), the type of what it resolves to (mounts follow symlinks;
 * OTHER for sockets, devices and dangling links) and whether it is a
 * symlink itself. */
enum brig_fj_ftype { BRIG_FJ_FT_OTHER, BRIG_FJ_FT_FILE, BRIG_FJ_FT_DIR };

struct brig_fj_match {
  char *path;
  enum brig_fj_ftype type;
  bool symlink;
};

/* Expands the absolute PATTERN (glob(3) syntax; a plain path matches
 * itself when it exists) against the tree at ROOT.  Returns 0 with a
 * malloc'd array of malloc'd matches (possibly empty, sorted), or a
 * positive errno value.  A plain path resolves inside ROOT only as far as
 * the kernel's lookup does: the default implementation is for trees the
 * caller trusts (the host, a fixture). */
typedef int (*brig_fj_glob_fn)(void *opaque, const char *root, const char *pattern,
                               struct brig_fj_match **matches, size_t *n);

/* What a path of the tree resolves to: the resolved path (malloc'd, as
 * the sandbox sees it) and, for a device node, its type ('c' or 'b', else
 * 0), numbers, permissions and owner. */
struct brig_fj_node {
  char *real;
  char dev_type;
  unsigned major, minor;
  unsigned mode; /* permission bits */
  unsigned uid, gid;
};

struct stat;
/* The device type and numbers, permissions and owner of *st into *node
 * (for the node functions of the host tree and of a container's rootfs). */
void brig_fj_node_set_stat(struct brig_fj_node *node, const struct stat *st);

/* Fills *node for PATH of the tree at ROOT; 0, or a positive errno value. */
typedef int (*brig_fj_node_fn)(void *opaque, const char *root, const char *path,
                               struct brig_fj_node *node);

/* Opens PATH of the tree at ROOT read-only (private-lib reads ELF files
 * and /etc/ld.so.conf with it): an fd, or -1 with errno set.  It must not
 * block (a FIFO) nor resolve outside the tree the caller trusts. */
typedef int (*brig_fj_open_fn)(void *opaque, const char *root, const char *path);

/* Where staged binds go (see above) when the base mounts a tmpfs on /dev;
 * otherwise a tmpfs is mounted on BRIG_FJ_STAGE_DIR_NODEV for them. */
#define BRIG_FJ_STAGE_DIR "/dev/.brig-firejail"
#define BRIG_FJ_STAGE_DIR_NODEV "/.brig-firejail"

struct brig_fj_oci_options {
  const char *root_dir; /* tree the sandbox sees; NULL = "/" */
  brig_fj_glob_fn glob; /* NULL = brig_fj_glob_default */
  void *glob_opaque;
  brig_fj_node_fn node; /* NULL = brig_fj_node_default; shares glob_opaque */
  brig_fj_open_fn open; /* NULL = brig_fj_open_default; shares glob_opaque */
  const char *home;     /* target user's home, absolute (required) */
  uid_t uid;            /* target user, for ${RUNUSER}, tmpfs owners, noroot */
  gid_t gid;
  const char *profile; /* value of run.brig.firejail.converted; NULL = none */
};

void brig_fj_oci_options_init(struct brig_fj_oci_options *opts);

/* Warnings: "FILE:LINE: directive: why" lines, malloc'd. */
struct brig_fj_warnings {
  char **items;
  size_t n;
};

void brig_fj_warnings_free(struct brig_fj_warnings *w);

/* Applies PROFILE to SPEC in place.  Returns 0, or -1 with *err set to a
 * malloc'd one-line message (the spec may then be partly changed: work on
 * a copy).  Warnings are appended to *warnings when it is not NULL. */
int brig_fj_to_oci(oci_spec *spec, const struct brig_fj_profile *profile,
                   const struct brig_fj_oci_options *opts, struct brig_fj_warnings *warnings,
                   char **err);

/* The create path's entry point: finds PROFILE (a name or a path, as
 * "firejail --profile=" does) through ctx, parses it and applies it to
 * SPEC in place.  On failure SPEC is left untouched.  Returns 0, or -1
 * with *err = "firejail: ..." (malloc'd). */
int brig_firejail_apply(oci_spec *spec, const char *profile, const struct brig_fj_context *ctx,
                        const struct brig_fj_oci_options *opts, struct brig_fj_warnings *warnings,
                        char **err);

/* The default glob: glob(3) on ROOT/PATTERN, lstat for the type. */
int brig_fj_glob_default(void *opaque, const char *root, const char *pattern,
                         struct brig_fj_match **matches, size_t *n);

void brig_fj_matches_free(struct brig_fj_match *m, size_t n);

/* The default node lookup: realpath(3) and stat(2) of ROOT/PATH. */
int brig_fj_node_default(void *opaque, const char *root, const char *path,
                         struct brig_fj_node *node);

/* The default open: open(2) of ROOT/PATH, O_RDONLY | O_NONBLOCK. */
int brig_fj_open_default(void *opaque, const char *root, const char *path);

/* Seccomp tables (seccomp-lists.c), exposed for the tests and the docs. */

/* The definition of a Firejail syscall group ("@default") on x86_64:
 * comma-separated names and nested @groups.  NULL when unknown. */
const char *brig_fj_syscall_group(const char *name);
/* errno name ("EPERM") -> number; -1 when unknown. */
int brig_fj_errno_lookup(const char *name);
/* Address family name as in "protocol" (unix, inet, ...) -> AF_*; -1 when unknown. */
int brig_fj_protocol_lookup(const char *name);

/* Is M one of the converter's blacklist masks of a directory (an empty
 * read-only tmpfs with mode 000)?  For readers of a converted spec. */
bool brig_fj_mount_is_dir_mask(const oci_mount *m);

/* CLI entry: convert [--base FILE] [--user NAME] [--home DIR]
 * [--root DIR] [--condition NAME...] PROFILE */
int brig_firejail_convert_main(int argc, char **argv);

#endif
