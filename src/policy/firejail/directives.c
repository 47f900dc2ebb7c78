#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* The table of every directive Firejail 0.9.72 accepts in a profile: name,
 * argument shape, category.  The parser looks every line up here and
 * validates its argument with fj_check_args(); nothing else knows the
 * grammar of individual directives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const x11_values[] = { "none", "xephyr", "xorg", "xpra", "xvfb", NULL };
static const char *const shell_values[] = { "none", NULL };
static const char *const dbus_values[] = { "filter", "none", NULL };

#define UNDOC BRIG_FJ_SPEC_UNDOCUMENTED
#define DEPR BRIG_FJ_SPEC_DEPRECATED

#define D(KIND, NAME, ARITY, TYPE, CAT, VALUES, FLAGS) \
  [BRIG_FJ_##KIND] = { NAME,                           \
                       BRIG_FJ_##KIND,                 \
                       BRIG_FJ_ARG_##ARITY,            \
                       BRIG_FJ_TYPE_##TYPE,            \
                       BRIG_FJ_CAT_##CAT,              \
                       VALUES,                         \
                       FLAGS }

static const struct brig_fj_spec specs[BRIG_FJ_KIND_COUNT] = {
  D(ALLOW_DEBUGGERS, "allow-debuggers", NONE, NONE, SECURITY, NULL, 0),
  D(ALLUSERS, "allusers", NONE, NONE, FILESYSTEM, NULL, 0),
  D(APPARMOR, "apparmor", OPTIONAL, TEXT, SECURITY, NULL, 0),
  D(APPARMOR_REPLACE, "apparmor-replace", NONE, NONE, SECURITY, NULL, UNDOC),
  D(APPARMOR_STACK, "apparmor-stack", NONE, NONE, SECURITY, NULL, UNDOC),
  D(BIND, "bind", REQUIRED, PATHS2, FILESYSTEM, NULL, 0),
  D(BLACKLIST, "blacklist", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(BLACKLIST_NOLOG, "blacklist-nolog", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(CAPS, "caps", NONE, NONE, SECURITY, NULL, 0),
  D(CAPS_DROP, "caps.drop", REQUIRED, LIST, SECURITY, NULL, 0),
  D(CAPS_KEEP, "caps.keep", REQUIRED, LIST, SECURITY, NULL, 0),
  D(CPU, "cpu", REQUIRED, LIST, RESOURCES, NULL, 0),
  D(DBUS_SYSTEM, "dbus-system", REQUIRED, ENUM, DBUS, dbus_values, 0),
  D(DBUS_SYSTEM_BROADCAST, "dbus-system.broadcast", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_SYSTEM_CALL, "dbus-system.call", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_SYSTEM_OWN, "dbus-system.own", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_SYSTEM_SEE, "dbus-system.see", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_SYSTEM_TALK, "dbus-system.talk", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_USER, "dbus-user", REQUIRED, ENUM, DBUS, dbus_values, 0),
  D(DBUS_USER_BROADCAST, "dbus-user.broadcast", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_USER_CALL, "dbus-user.call", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_USER_OWN, "dbus-user.own", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_USER_SEE, "dbus-user.see", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DBUS_USER_TALK, "dbus-user.talk", REQUIRED, TEXT, DBUS, NULL, 0),
  D(DEFAULTGW, "defaultgw", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(DETERMINISTIC_EXIT_CODE, "deterministic-exit-code", NONE, NONE, SANDBOX, NULL, 0),
  D(DETERMINISTIC_SHUTDOWN, "deterministic-shutdown", NONE, NONE, SANDBOX, NULL, 0),
  D(DISABLE_MNT, "disable-mnt", NONE, NONE, FILESYSTEM, NULL, 0),
  D(DNS, "dns", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(ENV, "env", REQUIRED, KEYVAL, ENVIRONMENT, NULL, 0),
  D(HOSTNAME, "hostname", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(HOSTS_FILE, "hosts-file", REQUIRED, PATH, NETWORK, NULL, 0),
  D(IGNORE, "ignore", REQUIRED, TEXT, META, NULL, 0),
  D(INCLUDE, "include", REQUIRED, INCLUDE, META, NULL, 0),
  D(IP, "ip", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(IP6, "ip6", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(IPC_NAMESPACE, "ipc-namespace", NONE, NONE, SECURITY, NULL, 0),
  D(IPRANGE, "iprange", REQUIRED, LIST, NETWORK, NULL, 0),
  D(JOIN_OR_START, "join-or-start", REQUIRED, TEXT, SANDBOX, NULL, 0),
  D(KEEP_CONFIG_PULSE, "keep-config-pulse", NONE, NONE, FILESYSTEM, NULL, 0),
  D(KEEP_DEV_SHM, "keep-dev-shm", NONE, NONE, FILESYSTEM, NULL, 0),
  D(KEEP_FD, "keep-fd", REQUIRED, LIST, SANDBOX, NULL, 0),
  D(KEEP_VAR_TMP, "keep-var-tmp", NONE, NONE, FILESYSTEM, NULL, 0),
  D(MAC, "mac", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(MACHINE_ID, "machine-id", NONE, NONE, FILESYSTEM, NULL, 0),
  D(MEMORY_DENY_WRITE_EXECUTE, "memory-deny-write-execute", NONE, NONE, SECURITY, NULL, 0),
  D(MKDIR, "mkdir", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(MKFILE, "mkfile", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(MTU, "mtu", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(NAME, "name", REQUIRED, TEXT, SANDBOX, NULL, 0),
  D(NET, "net", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(NETFILTER, "netfilter", OPTIONAL, LIST, NETWORK, NULL, 0),
  D(NETFILTER6, "netfilter6", REQUIRED, LIST, NETWORK, NULL, UNDOC),
  D(NETLOCK, "netlock", NONE, NONE, NETWORK, NULL, 0),
  D(NETMASK, "netmask", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(NETNS, "netns", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(NICE, "nice", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(NO3D, "no3d", NONE, NONE, DEVICES, NULL, 0),
  D(NOAUTOPULSE, "noautopulse", NONE, NONE, FILESYSTEM, NULL, DEPR),
  D(NOBLACKLIST, "noblacklist", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(NODBUS, "nodbus", NONE, NONE, DBUS, NULL, DEPR),
  D(NODVD, "nodvd", NONE, NONE, DEVICES, NULL, 0),
  D(NOEXEC, "noexec", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(NOGROUPS, "nogroups", NONE, NONE, ENVIRONMENT, NULL, 0),
  D(NOINPUT, "noinput", NONE, NONE, DEVICES, NULL, 0),
  D(NONEWPRIVS, "nonewprivs", NONE, NONE, SECURITY, NULL, 0),
  D(NOPRINTERS, "noprinters", NONE, NONE, DEVICES, NULL, 0),
  D(NOROOT, "noroot", NONE, NONE, SECURITY, NULL, 0),
  D(NOSOUND, "nosound", NONE, NONE, DEVICES, NULL, 0),
  D(NOTV, "notv", NONE, NONE, DEVICES, NULL, 0),
  D(NOU2F, "nou2f", NONE, NONE, DEVICES, NULL, 0),
  D(NOVIDEO, "novideo", NONE, NONE, DEVICES, NULL, 0),
  D(NOWHITELIST, "nowhitelist", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(OVERLAY, "overlay", NONE, NONE, FILESYSTEM, NULL, UNDOC),
  D(OVERLAY_NAMED, "overlay-named", REQUIRED, TEXT, FILESYSTEM, NULL, UNDOC),
  D(OVERLAY_TMPFS, "overlay-tmpfs", NONE, NONE, FILESYSTEM, NULL, UNDOC),
  D(PRIVATE, "private", OPTIONAL, PATH, FILESYSTEM, NULL, 0),
  D(PRIVATE_BIN, "private-bin", REQUIRED, LIST, FILESYSTEM, NULL, 0),
  D(PRIVATE_CACHE, "private-cache", NONE, NONE, FILESYSTEM, NULL, 0),
  D(PRIVATE_CWD, "private-cwd", OPTIONAL, PATH, FILESYSTEM, NULL, 0),
  D(PRIVATE_DEV, "private-dev", NONE, NONE, DEVICES, NULL, 0),
  D(PRIVATE_ETC, "private-etc", REQUIRED, LIST, FILESYSTEM, NULL, 0),
  D(PRIVATE_HOME, "private-home", REQUIRED, LIST, FILESYSTEM, NULL, 0),
  D(PRIVATE_LIB, "private-lib", OPTIONAL, LIST, FILESYSTEM, NULL, 0),
  D(PRIVATE_OPT, "private-opt", REQUIRED, LIST, FILESYSTEM, NULL, 0),
  D(PRIVATE_SRV, "private-srv", REQUIRED, LIST, FILESYSTEM, NULL, 0),
  D(PRIVATE_TMP, "private-tmp", NONE, NONE, FILESYSTEM, NULL, 0),
  D(PROTOCOL, "protocol", REQUIRED, LIST, SECURITY, NULL, 0),
  D(QUIET, "quiet", NONE, NONE, META, NULL, 0),
  D(READ_ONLY, "read-only", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(READ_WRITE, "read-write", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(RESTRICT_NAMESPACES, "restrict-namespaces", OPTIONAL, LIST, SECURITY, NULL, 0),
  D(RLIMIT_AS, "rlimit-as", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(RLIMIT_CPU, "rlimit-cpu", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(RLIMIT_FSIZE, "rlimit-fsize", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(RLIMIT_NOFILE, "rlimit-nofile", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(RLIMIT_NPROC, "rlimit-nproc", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(RLIMIT_SIGPENDING, "rlimit-sigpending", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(RMENV, "rmenv", REQUIRED, TEXT, ENVIRONMENT, NULL, UNDOC),
  D(SECCOMP, "seccomp", OPTIONAL, LIST, SECURITY, NULL, 0),
  D(SECCOMP_ERROR_ACTION, "seccomp-error-action", REQUIRED, TEXT, SECURITY, NULL, 0),
  D(SECCOMP_32, "seccomp.32", REQUIRED, LIST, SECURITY, NULL, 0),
  D(SECCOMP_32_DROP, "seccomp.32.drop", REQUIRED, LIST, SECURITY, NULL, 0),
  D(SECCOMP_32_KEEP, "seccomp.32.keep", REQUIRED, LIST, SECURITY, NULL, 0),
  D(SECCOMP_BLOCK_SECONDARY, "seccomp.block-secondary", NONE, NONE, SECURITY, NULL, 0),
  D(SECCOMP_DROP, "seccomp.drop", REQUIRED, LIST, SECURITY, NULL, 0),
  D(SECCOMP_KEEP, "seccomp.keep", REQUIRED, LIST, SECURITY, NULL, 0),
  D(SHELL, "shell", REQUIRED, ENUM, ENVIRONMENT, shell_values, DEPR),
  D(TAB, "tab", NONE, NONE, SANDBOX, NULL, UNDOC),
  D(TIMEOUT, "timeout", REQUIRED, TEXT, RESOURCES, NULL, 0),
  D(TMPFS, "tmpfs", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(TRACELOG, "tracelog", NONE, NONE, SECURITY, NULL, 0),
  D(VETH_NAME, "veth-name", REQUIRED, TEXT, NETWORK, NULL, 0),
  D(WHITELIST, "whitelist", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(WHITELIST_RO, "whitelist-ro", REQUIRED, PATH, FILESYSTEM, NULL, 0),
  D(WRITABLE_ETC, "writable-etc", NONE, NONE, FILESYSTEM, NULL, 0),
  D(WRITABLE_RUN_USER, "writable-run-user", NONE, NONE, FILESYSTEM, NULL, 0),
  D(WRITABLE_VAR, "writable-var", NONE, NONE, FILESYSTEM, NULL, 0),
  D(WRITABLE_VAR_LOG, "writable-var-log", NONE, NONE, FILESYSTEM, NULL, 0),
  D(X11, "x11", OPTIONAL, ENUM, X11, x11_values, 0),
  D(XEPHYR_SCREEN, "xephyr-screen", REQUIRED, TEXT, X11, NULL, 0),
};

#undef D

const struct brig_fj_spec *
brig_fj_spec_table(size_t *count)
{
  if (count)
    *count = BRIG_FJ_KIND_COUNT;
  return specs;
}

const struct brig_fj_spec *
brig_fj_spec_get(enum brig_fj_kind kind)
{
  if ((unsigned)kind >= BRIG_FJ_KIND_COUNT)
    return NULL;
  return &specs[kind];
}

/* strcmp of a counted string (no NUL inside) against a C string. */
static int
cmp_name(const char *name, size_t len, const char *s)
{
  int c = strncmp(name, s, len);

  if (c)
    return c;
  return s[len] ? -1 : 0;
}

const struct brig_fj_spec *
brig_fj_spec_lookup(const char *name, size_t len)
{
  size_t lo = 0, hi = BRIG_FJ_KIND_COUNT;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_name(name, len, specs[mid].name);

    if (c == 0)
      return &specs[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

static int why_printf(char **why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
why_printf(char **why, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  if (vasprintf(why, fmt, ap) < 0)
    *why = NULL;
  va_end(ap);
  return -1;
}

static int
check_enum(const struct brig_fj_spec *spec, const char *args, size_t len, char **why)
{
  struct fj_buf expected = { 0 };
  int r;

  for (const char *const *v = spec->values; *v; v++)
    if (strlen(*v) == len && memcmp(*v, args, len) == 0)
      return 0;
  for (const char *const *v = spec->values; *v; v++) {
    if (v != spec->values)
      fj_buf_add(&expected, ", ", 2);
    fj_buf_add(&expected, *v, strlen(*v));
  }
  r = why_printf(why, "'%s': invalid argument '%.*s' (expected %s)", spec->name, (int)len, args,
                 expected.data ? expected.data : "");
  fj_buf_free(&expected);
  return r;
}

int
fj_check_args(const struct brig_fj_spec *spec, const char *args, size_t len, char **why)
{
  const char *comma, *eq;
  bool any = false;

  if (!args || len == 0) {
    if (spec->arity == BRIG_FJ_ARG_REQUIRED)
      return why_printf(why, "'%s' requires an argument", spec->name);
    return 0;
  }
  if (spec->arity == BRIG_FJ_ARG_NONE)
    return why_printf(why, "'%s' takes no argument", spec->name);

  switch (spec->type) {
  case BRIG_FJ_TYPE_ENUM:
    return check_enum(spec, args, len, why);
  case BRIG_FJ_TYPE_PATHS2:
    comma = memchr(args, ',', len);
    if (!comma || comma == args || comma == args + len - 1 ||
        memchr(comma + 1, ',', len - (size_t)(comma + 1 - args)))
      return why_printf(why, "'%s' requires two paths separated by a comma", spec->name);
    return 0;
  case BRIG_FJ_TYPE_KEYVAL:
    eq = memchr(args, '=', len);
    if (!eq || eq == args)
      return why_printf(why, "'%s' requires NAME=VALUE", spec->name);
    return 0;
  case BRIG_FJ_TYPE_LIST:
    for (size_t i = 0; i < len; i++)
      if (args[i] != ',')
        any = true;
    if (!any)
      return why_printf(why, "'%s': empty list", spec->name);
    return 0;
  case BRIG_FJ_TYPE_NONE:
  case BRIG_FJ_TYPE_TEXT:
  case BRIG_FJ_TYPE_PATH:
  case BRIG_FJ_TYPE_INCLUDE:
    break;
  }
  return 0;
}
