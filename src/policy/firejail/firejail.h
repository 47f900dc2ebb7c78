/* Firejail profile front-end: reads a Firejail 0.9.72 profile (includes,
 * .local files, ignore, noblacklist/nowhitelist, conditionals, macros) and
 * produces the fully resolved, ordered list of directives.
 *
 * Pure code: text and a context in, a directive list out.  The only side
 * effect is reading profile files, and that goes through ctx->read_file.
 * Errors come back as one malloc'd message "FILE:LINE: why"; nothing is
 * printed, nothing exits, there is no global state.
 *
 * Typical use:
 *
 *   struct brig_fj_context ctx;
 *   struct brig_fj_profile *p;
 *   char *err;
 *
 *   brig_fj_context_init(&ctx);
 *   ctx.home = "/home/alice";
 *   ctx.uid = 1000;
 *   if (brig_fj_parse_file(&ctx, "/etc/firejail/curl.profile", &p, &err) < 0) {
 *     fprintf(stderr, "brig: firejail: %s\n", err);
 *     free(err);
 *   }
 *   for (size_t i = 0; i < p->n_items; i++)
 *     switch (p->items[i].kind) { case BRIG_FJ_BLACKLIST: ... }
 *   brig_fj_profile_free(p);
 */
#ifndef BRIG_POLICY_FIREJAIL_H
#define BRIG_POLICY_FIREJAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Every directive the 0.9.72 parser accepts, in strcmp order of the name
 * (the table in directives.c is indexed by this enum and binary-searched). */
enum brig_fj_kind {
  BRIG_FJ_ALLOW_DEBUGGERS,
  BRIG_FJ_ALLUSERS,
  BRIG_FJ_APPARMOR,
  BRIG_FJ_APPARMOR_REPLACE,
  BRIG_FJ_APPARMOR_STACK,
  BRIG_FJ_BIND,
  BRIG_FJ_BLACKLIST,
  BRIG_FJ_BLACKLIST_NOLOG,
  BRIG_FJ_CAPS,
  BRIG_FJ_CAPS_DROP,
  BRIG_FJ_CAPS_KEEP,
  BRIG_FJ_CPU,
  BRIG_FJ_DBUS_SYSTEM,
  BRIG_FJ_DBUS_SYSTEM_BROADCAST,
  BRIG_FJ_DBUS_SYSTEM_CALL,
  BRIG_FJ_DBUS_SYSTEM_OWN,
  BRIG_FJ_DBUS_SYSTEM_SEE,
  BRIG_FJ_DBUS_SYSTEM_TALK,
  BRIG_FJ_DBUS_USER,
  BRIG_FJ_DBUS_USER_BROADCAST,
  BRIG_FJ_DBUS_USER_CALL,
  BRIG_FJ_DBUS_USER_OWN,
  BRIG_FJ_DBUS_USER_SEE,
  BRIG_FJ_DBUS_USER_TALK,
  BRIG_FJ_DEFAULTGW,
  BRIG_FJ_DETERMINISTIC_EXIT_CODE,
  BRIG_FJ_DETERMINISTIC_SHUTDOWN,
  BRIG_FJ_DISABLE_MNT,
  BRIG_FJ_DNS,
  BRIG_FJ_ENV,
  BRIG_FJ_HOSTNAME,
  BRIG_FJ_HOSTS_FILE,
  BRIG_FJ_IGNORE,
  BRIG_FJ_INCLUDE,
  BRIG_FJ_IP,
  BRIG_FJ_IP6,
  BRIG_FJ_IPC_NAMESPACE,
  BRIG_FJ_IPRANGE,
  BRIG_FJ_JOIN_OR_START,
  BRIG_FJ_KEEP_CONFIG_PULSE,
  BRIG_FJ_KEEP_DEV_SHM,
  BRIG_FJ_KEEP_FD,
  BRIG_FJ_KEEP_VAR_TMP,
  BRIG_FJ_MAC,
  BRIG_FJ_MACHINE_ID,
  BRIG_FJ_MEMORY_DENY_WRITE_EXECUTE,
  BRIG_FJ_MKDIR,
  BRIG_FJ_MKFILE,
  BRIG_FJ_MTU,
  BRIG_FJ_NAME,
  BRIG_FJ_NET,
  BRIG_FJ_NETFILTER,
  BRIG_FJ_NETFILTER6,
  BRIG_FJ_NETLOCK,
  BRIG_FJ_NETMASK,
  BRIG_FJ_NETNS,
  BRIG_FJ_NICE,
  BRIG_FJ_NO3D,
  BRIG_FJ_NOAUTOPULSE,
  BRIG_FJ_NOBLACKLIST,
  BRIG_FJ_NODBUS,
  BRIG_FJ_NODVD,
  BRIG_FJ_NOEXEC,
  BRIG_FJ_NOGROUPS,
  BRIG_FJ_NOINPUT,
  BRIG_FJ_NONEWPRIVS,
  BRIG_FJ_NOPRINTERS,
  BRIG_FJ_NOROOT,
  BRIG_FJ_NOSOUND,
  BRIG_FJ_NOTV,
  BRIG_FJ_NOU2F,
  BRIG_FJ_NOVIDEO,
  BRIG_FJ_NOWHITELIST,
  BRIG_FJ_OVERLAY,
  BRIG_FJ_OVERLAY_NAMED,
  BRIG_FJ_OVERLAY_TMPFS,
  BRIG_FJ_PRIVATE,
  BRIG_FJ_PRIVATE_BIN,
  BRIG_FJ_PRIVATE_CACHE,
  BRIG_FJ_PRIVATE_CWD,
  BRIG_FJ_PRIVATE_DEV,
  BRIG_FJ_PRIVATE_ETC,
  BRIG_FJ_PRIVATE_HOME,
  BRIG_FJ_PRIVATE_LIB,
  BRIG_FJ_PRIVATE_OPT,
  BRIG_FJ_PRIVATE_SRV,
  BRIG_FJ_PRIVATE_TMP,
  BRIG_FJ_PROTOCOL,
  BRIG_FJ_QUIET,
  BRIG_FJ_READ_ONLY,
  BRIG_FJ_READ_WRITE,
  BRIG_FJ_RESTRICT_NAMESPACES,
  BRIG_FJ_RLIMIT_AS,
  BRIG_FJ_RLIMIT_CPU,
  BRIG_FJ_RLIMIT_FSIZE,
  BRIG_FJ_RLIMIT_NOFILE,
  BRIG_FJ_RLIMIT_NPROC,
  BRIG_FJ_RLIMIT_SIGPENDING,
  BRIG_FJ_RMENV,
  BRIG_FJ_SECCOMP,
  BRIG_FJ_SECCOMP_ERROR_ACTION,
  BRIG_FJ_SECCOMP_32,
  BRIG_FJ_SECCOMP_32_DROP,
  BRIG_FJ_SECCOMP_32_KEEP,
  BRIG_FJ_SECCOMP_BLOCK_SECONDARY,
  BRIG_FJ_SECCOMP_DROP,
  BRIG_FJ_SECCOMP_KEEP,
  BRIG_FJ_SHELL,
  BRIG_FJ_TAB,
  BRIG_FJ_TIMEOUT,
  BRIG_FJ_TMPFS,
  BRIG_FJ_TRACELOG,
  BRIG_FJ_VETH_NAME,
  BRIG_FJ_WHITELIST,
  BRIG_FJ_WHITELIST_RO,
  BRIG_FJ_WRITABLE_ETC,
  BRIG_FJ_WRITABLE_RUN_USER,
  BRIG_FJ_WRITABLE_VAR,
  BRIG_FJ_WRITABLE_VAR_LOG,
  BRIG_FJ_X11,
  BRIG_FJ_XEPHYR_SCREEN,
  BRIG_FJ_KIND_COUNT
};

/* Whether a directive takes an argument. */
enum brig_fj_arity {
  BRIG_FJ_ARG_NONE,     /* "caps" */
  BRIG_FJ_ARG_OPTIONAL, /* "seccomp" or "seccomp a,b" */
  BRIG_FJ_ARG_REQUIRED, /* "blacklist PATH" */
};

/* How the argument is interpreted and split into argv. */
enum brig_fj_argtype {
  BRIG_FJ_TYPE_NONE,    /* no argument: argc 0 */
  BRIG_FJ_TYPE_TEXT,    /* free text (name, address, number): argc 1, verbatim */
  BRIG_FJ_TYPE_PATH,    /* one path, macros expanded, ${PATH} multiplies: argc 1 */
  BRIG_FJ_TYPE_PATHS2,  /* "SRC,DST" (bind): argc 2, macros expanded in both */
  BRIG_FJ_TYPE_LIST,    /* comma-separated list: one argv item per non-empty element */
  BRIG_FJ_TYPE_ENUM,    /* one of spec->values: argc 1 */
  BRIG_FJ_TYPE_KEYVAL,  /* NAME=VALUE (env): argc 2, argv[0] NAME, argv[1] VALUE */
  BRIG_FJ_TYPE_INCLUDE, /* include: argc 1, the resolved file path */
};

/* Coarse grouping, for the converter's dispatch and for documentation. */
enum brig_fj_category {
  BRIG_FJ_CAT_META,        /* include, ignore, quiet: handled by the front-end */
  BRIG_FJ_CAT_FILESYSTEM,  /* blacklist, whitelist, private-*, mkdir, ... */
  BRIG_FJ_CAT_SECURITY,    /* caps, seccomp, apparmor, nonewprivs, protocol, ... */
  BRIG_FJ_CAT_DEVICES,     /* no3d, nosound, nou2f, private-dev, ... */
  BRIG_FJ_CAT_DBUS,        /* dbus-user*, dbus-system*, nodbus */
  BRIG_FJ_CAT_NETWORK,     /* net, ip, dns, netfilter, hostname, ... */
  BRIG_FJ_CAT_ENVIRONMENT, /* env, rmenv, shell, name, nogroups, ... */
  BRIG_FJ_CAT_RESOURCES,   /* rlimit-*, cpu, nice, timeout */
  BRIG_FJ_CAT_X11,         /* x11, xephyr-screen */
  BRIG_FJ_CAT_SANDBOX,     /* firejail process behaviour: join-or-start, deterministic-*, ... */
};

/* brig_fj_spec.flags */
#define BRIG_FJ_SPEC_UNDOCUMENTED 0x1u /* accepted by 0.9.72, not in firejail-profile(5) */
#define BRIG_FJ_SPEC_DEPRECATED 0x2u   /* documented as deprecated */

/* One row of the directive table. */
struct brig_fj_spec {
  const char *name;          /* "caps.drop" */
  enum brig_fj_kind kind;    /* == index in the table */
  enum brig_fj_arity arity;  /* takes an argument? */
  enum brig_fj_argtype type; /* how the argument is split / expanded */
  enum brig_fj_category category;
  const char *const *values; /* BRIG_FJ_TYPE_ENUM: NULL-terminated accepted values */
  unsigned flags;            /* BRIG_FJ_SPEC_* */
};

/* Conditionals ("?NAME: line"), as bits of a mask. */
enum brig_fj_condition {
  BRIG_FJ_COND_HAS_APPIMAGE = 1u << 0,
  BRIG_FJ_COND_HAS_NET = 1u << 1,
  BRIG_FJ_COND_HAS_NODBUS = 1u << 2,
  BRIG_FJ_COND_HAS_NOSOUND = 1u << 3,
  BRIG_FJ_COND_HAS_PRIVATE = 1u << 4,
  BRIG_FJ_COND_HAS_X11 = 1u << 5,
  BRIG_FJ_COND_BROWSER_DISABLE_U2F = 1u << 6, /* firejail.config browser-disable-u2f, default yes */
  BRIG_FJ_COND_BROWSER_ALLOW_DRM = 1u << 7,   /* firejail.config browser-allow-drm, default no */
  BRIG_FJ_COND_ALLOW_TRAY = 1u << 8,          /* firejail.config allow-tray, default no */
};
#define BRIG_FJ_COND_DEFAULTS BRIG_FJ_COND_BROWSER_DISABLE_U2F

/* Reads a whole file.  Returns 0 and a malloc'd buffer (freed by the
 * library with free()), or a positive errno value (ENOENT/ENOTDIR mean
 * "does not exist": lookups then try the next directory and missing .local
 * files are skipped). */
typedef int (*brig_fj_read_fn)(void *opaque, const char *path, char **data, size_t *len);

/* A cache of profile files for a process that parses many profiles: each
 * file is read once (a missing one too) and its lines are lexed once.
 * The files must not change, and the reader must stay the same, while it
 * is in use. */
struct brig_fj_cache;
struct brig_fj_cache *brig_fj_cache_new(void);
void brig_fj_cache_free(struct brig_fj_cache *cache);

struct brig_fj_context {
  /* Target user.  home must be an absolute path (${HOME}, "~/"). */
  const char *home;
  uid_t uid;           /* ${RUNUSER} = /run/user/UID */
  const char *runuser; /* overrides ${RUNUSER} when not NULL */

  /* Lookup of bare include names and profile names: user_dir first, then
   * cfg_dir.  cfg_dir is also ${CFG}.  user_dir NULL = HOME/.config/firejail. */
  const char *cfg_dir;  /* default "/etc/firejail" */
  const char *user_dir; /* default NULL */

  /* ${PATH}: one directive per entry.  NULL = Firejail's fallback list
   * /usr/local/bin /usr/bin /bin /usr/local/sbin /usr/sbin /sbin. */
  const char *const *path_dirs;
  size_t n_path_dirs;

  /* XDG user dirs file; NULL = HOME/.config/user-dirs.dirs. */
  const char *user_dirs_file;

  /* Initial condition state (BRIG_FJ_COND_* mask): HAS_* from the command
   * line options, the other three from firejail.config.  Directives update
   * HAS_NET (net), HAS_NODBUS (nodbus, dbus-user none, dbus-system none),
   * HAS_NOSOUND (nosound), HAS_PRIVATE (private), HAS_X11 (x11) as they are
   * read, like Firejail does. */
  unsigned conditions;

  /* All file reading goes through here; NULL = brig_fj_read_file_default. */
  brig_fj_read_fn read_file;
  void *read_opaque;

  /* NULL (the default) = no cache. */
  struct brig_fj_cache *cache;
};

/* brig_fj_directive.flags */
#define BRIG_FJ_DIR_FROM_PATH_MACRO 0x1u /* one of the copies made for ${PATH} */
#define BRIG_FJ_DIR_MISSING_LOCAL 0x2u   /* include of a .local that does not exist */

struct brig_fj_directive {
  enum brig_fj_kind kind;
  const struct brig_fj_spec *spec; /* name, arity, type, category */
  const char *arg;                 /* expanded argument, NULL when none */
  const char *const *argv;         /* arg split according to spec->type */
  size_t argc;
  const char *text;    /* source line as Firejail sees it: comment
                          stripped, blanks collapsed, no "?COND:"
                          prefix, macros not expanded */
  const char *file;    /* file the line comes from */
  unsigned line;       /* 1-based line number in file */
  unsigned depth;      /* include depth, 0 = the profile itself */
  unsigned conditions; /* "?COND:" prefixes that guarded the line */
  unsigned flags;      /* BRIG_FJ_DIR_* */
};

/* A blacklist/blacklist-nolog/whitelist/whitelist-ro entry dropped because
 * an earlier noblacklist/nowhitelist pattern matched it. */
struct brig_fj_suppressed {
  struct brig_fj_directive directive;
  size_t by; /* index in profile->items of the noblacklist/nowhitelist */
};

struct brig_fj_profile {
  /* Effective directives in order (includes spliced in place; ignored lines,
   * false conditionals and suppressed entries left out).  Meta directives
   * (include, ignore, quiet, noblacklist, nowhitelist) are kept, so the
   * noblacklist patterns stay available for run-time globbing. */
  struct brig_fj_directive *items;
  size_t n_items;
  struct brig_fj_suppressed *suppressed;
  size_t n_suppressed;
  const char *const *ignores; /* accumulated "ignore" arguments */
  size_t n_ignores;
  const char *const *files; /* every file read, in order of first read */
  size_t n_files;
  unsigned conditions; /* condition state after the last line */
  bool quiet;
  void *priv; /* owned memory */
};

/* Fills ctx with defaults: cfg_dir /etc/firejail, conditions
 * BRIG_FJ_COND_DEFAULTS, default reader.  home must still be set. */
void brig_fj_context_init(struct brig_fj_context *ctx);

/* Applies a firejail.config text to ctx->conditions (allow-tray,
 * browser-allow-drm, browser-disable-u2f; other keys are ignored).
 * Returns 0, or -1 with *err = "NAME:LINE: why". */
int brig_fj_context_apply_config(struct brig_fj_context *ctx, const char *name, const char *text,
                                 size_t len, char **err);

/* Reads ctx->cfg_dir/firejail.config through ctx's reader, when there is
 * one, and applies it.  0, or -1 with *err as apply_config's. */
int brig_fj_context_load_config(struct brig_fj_context *ctx, char **err);

/* Sets or clears one condition from "NAME", "NAME=yes" or "NAME=no" (a
 * command line's --condition, an annotation's item).  0, or -1 with
 * *err = "unknown condition 'NAME'" or why the value is wrong. */
int brig_fj_condition_set(unsigned *mask, const char *spec, size_t len, char **err);

/* Parses the profile file PATH (read through ctx->read_file). */
int brig_fj_parse_file(const struct brig_fj_context *ctx, const char *path,
                       struct brig_fj_profile **out, char **err);

/* Parses profile TEXT as if it were the file NAME (includes are still
 * resolved through ctx). */
int brig_fj_parse_buffer(const struct brig_fj_context *ctx, const char *name, const char *text,
                         size_t len, struct brig_fj_profile **out, char **err);

/* Finds profile NAME like "firejail --profile=NAME": a value containing '/'
 * is used as is; otherwise NAME.profile (NAME if it already ends in
 * ".profile") in user_dir, then cfg_dir.  *path is malloc'd. */
int brig_fj_find_profile(const struct brig_fj_context *ctx, const char *name, char **path,
                         char **err);

void brig_fj_profile_free(struct brig_fj_profile *profile);

/* Directive table. */
const struct brig_fj_spec *brig_fj_spec_lookup(const char *name, size_t len);
const struct brig_fj_spec *brig_fj_spec_get(enum brig_fj_kind kind);
const struct brig_fj_spec *brig_fj_spec_table(size_t *count);

/* Condition names ("HAS_NET") <-> bits. 0 when unknown. */
unsigned brig_fj_condition_lookup(const char *name, size_t len);
const char *brig_fj_condition_name(unsigned bit);

/* The default reader (open/read). */
int brig_fj_read_file_default(void *opaque, const char *path, char **data, size_t *len);

/* CLI entry: check [--user NAME] [--home DIR] [--condition NAME...] PROFILE */
int brig_firejail_check_main(int argc, char **argv);

#endif
