/* Directive table and argument shapes. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "test-firejail-util.h"

static struct memfs fs;
static struct brig_fj_context ctx;

static void
ok_parse(const char *text, const char *want)
{
  EXPECT_STR(parse_render(&ctx, text), want, "'%s' parses", oneline(text));
}

static void
bad_parse(const char *text, const char *want)
{
  EXPECT_STR(parse_render(&ctx, text), want, "'%s' is rejected", oneline(text));
}

int
main(void)
{
  size_t n;
  const struct brig_fj_spec *t = brig_fj_spec_table(&n);
  bool ok = true;
  static const char *const undocumented[] = {
    "apparmor-replace", "apparmor-stack", "netfilter6", "overlay",
    "overlay-named",    "overlay-tmpfs",  "rmenv",      "tab"
  };
  static const char *const man_page[] = {
    "include",
    "noblacklist",
    "nowhitelist",
    "ignore",
    "quiet",
    "blacklist",
    "blacklist-nolog",
    "bind",
    "disable-mnt",
    "keep-config-pulse",
    "keep-dev-shm",
    "keep-var-tmp",
    "mkdir",
    "mkfile",
    "noexec",
    "private",
    "private-bin",
    "private-cache",
    "private-cwd",
    "private-dev",
    "private-etc",
    "private-home",
    "private-lib",
    "private-opt",
    "private-srv",
    "private-tmp",
    "read-only",
    "read-write",
    "tmpfs",
    "tracelog",
    "whitelist",
    "whitelist-ro",
    "writable-etc",
    "writable-run-user",
    "writable-var",
    "writable-var-log",
    "allow-debuggers",
    "apparmor",
    "caps",
    "caps.drop",
    "caps.keep",
    "memory-deny-write-execute",
    "nonewprivs",
    "noprinters",
    "noroot",
    "protocol",
    "restrict-namespaces",
    "seccomp",
    "seccomp.32",
    "seccomp.block-secondary",
    "seccomp.drop",
    "seccomp.32.drop",
    "seccomp.keep",
    "seccomp.32.keep",
    "seccomp-error-action",
    "x11",
    "xephyr-screen",
    "dbus-system",
    "dbus-system.own",
    "dbus-system.talk",
    "dbus-system.see",
    "dbus-system.call",
    "dbus-system.broadcast",
    "dbus-user",
    "dbus-user.own",
    "dbus-user.talk",
    "dbus-user.see",
    "dbus-user.call",
    "dbus-user.broadcast",
    "nodbus",
    "cpu",
    "nice",
    "rlimit-as",
    "rlimit-cpu",
    "rlimit-fsize",
    "rlimit-nproc",
    "rlimit-nofile",
    "rlimit-sigpending",
    "timeout",
    "allusers",
    "env",
    "ipc-namespace",
    "keep-fd",
    "name",
    "no3d",
    "noautopulse",
    "nodvd",
    "nogroups",
    "noinput",
    "nosound",
    "notv",
    "nou2f",
    "novideo",
    "machine-id",
    "shell",
    "defaultgw",
    "dns",
    "hostname",
    "hosts-file",
    "ip",
    "ip6",
    "iprange",
    "mac",
    "mtu",
    "net",
    "netfilter",
    "netlock",
    "netmask",
    "netns",
    "veth-name",
    "deterministic-exit-code",
    "deterministic-shutdown",
    "join-or-start",
  };

  /* table */
  TAP_OK(n == BRIG_FJ_KIND_COUNT && n == 121, "table has %zu directives", n);
  for (size_t i = 0; i < n; i++) {
    if (t[i].name == NULL || t[i].kind != (enum brig_fj_kind)i ||
        (i > 0 && strcmp(t[i - 1].name, t[i].name) >= 0) ||
        brig_fj_spec_lookup(t[i].name, strlen(t[i].name)) != &t[i] ||
        brig_fj_spec_get((enum brig_fj_kind)i) != &t[i] ||
        (t[i].arity == BRIG_FJ_ARG_NONE) != (t[i].type == BRIG_FJ_TYPE_NONE) ||
        (t[i].type == BRIG_FJ_TYPE_ENUM) != (t[i].values != NULL)) {
      ok = false;
      tap_diag("bad table entry %zu (%s)", i, t[i].name ? t[i].name : "(null)");
    }
  }
  TAP_OK(ok, "entries indexed by kind, sorted, found by lookup, shapes consistent");
  TAP_OK(brig_fj_spec_get(BRIG_FJ_KIND_COUNT) == NULL, "spec_get out of range is NULL");
  for (size_t i = 0; i < sizeof(undocumented) / sizeof(undocumented[0]); i++) {
    const struct brig_fj_spec *s = brig_fj_spec_lookup(undocumented[i], strlen(undocumented[i]));

    TAP_OK(s && (s->flags & BRIG_FJ_SPEC_UNDOCUMENTED), "undocumented '%s' present",
           undocumented[i]);
  }
  ok = true;
  for (size_t i = 0; i < sizeof(man_page) / sizeof(man_page[0]); i++)
    if (!brig_fj_spec_lookup(man_page[i], strlen(man_page[i]))) {
      ok = false;
      tap_diag("missing %s", man_page[i]);
    }
  TAP_OK(ok, "every directive of firejail-profile(5) is in the table");
  TAP_OK(!brig_fj_spec_lookup("blacklst", 8) && !brig_fj_spec_lookup("caps.d", 6) &&
             !brig_fj_spec_lookup("", 0) && !brig_fj_spec_lookup("zzz", 3) &&
             !brig_fj_spec_lookup("a", 1) && !brig_fj_spec_lookup("caps.drop ", 10),
         "unknown names are not found");
  TAP_OK(brig_fj_spec_lookup("capsXX", 4) == brig_fj_spec_get(BRIG_FJ_CAPS),
         "lookup uses the given length");

  test_context(&ctx, &fs);

  /* argument shapes */
  ok_parse("caps\nquiet\ntab\nseccomp\nx11\nprivate\nprivate-cwd\nnetfilter\napparmor\n"
           "private-lib\nrestrict-namespaces",
           "caps;quiet;tab;seccomp;x11;private;private-cwd;netfilter;apparmor;private-lib;"
           "restrict-namespaces");
  bad_parse("caps all", "ERROR: /etc/firejail/test.profile:1: 'caps' takes no argument");
  bad_parse("caps\nquiet x", "ERROR: /etc/firejail/test.profile:2: 'quiet' takes no argument");
  bad_parse("apparmor-stack x",
            "ERROR: /etc/firejail/test.profile:1: 'apparmor-stack' takes no argument");
  bad_parse("blacklist", "ERROR: /etc/firejail/test.profile:1: 'blacklist' requires an argument");
  bad_parse("name", "ERROR: /etc/firejail/test.profile:1: 'name' requires an argument");
  bad_parse("join-or-start", "ERROR: /etc/firejail/test.profile:1: 'join-or-start' requires an "
                             "argument");
  bad_parse("dbus-user.talk",
            "ERROR: /etc/firejail/test.profile:1: 'dbus-user.talk' requires an argument");
  bad_parse("keep-fd", "ERROR: /etc/firejail/test.profile:1: 'keep-fd' requires an argument");
  bad_parse("seccomp.32", "ERROR: /etc/firejail/test.profile:1: 'seccomp.32' requires an argument");
  bad_parse("ignore # nothing",
            "ERROR: /etc/firejail/test.profile:1: 'ignore' requires an argument");
  bad_parse("include", "ERROR: /etc/firejail/test.profile:1: 'include' requires an argument");
  ok_parse("x11 none\nx11 xephyr\nx11 xorg\nx11 xpra\nx11 xvfb",
           "x11 none;x11 xephyr;x11 xorg;x11 xpra;x11 xvfb");
  bad_parse("x11 foo", "ERROR: /etc/firejail/test.profile:1: 'x11': invalid argument 'foo' "
                       "(expected none, xephyr, xorg, xpra, xvfb)");
  bad_parse("x11 none x", "ERROR: /etc/firejail/test.profile:1: 'x11': invalid argument 'none x' "
                          "(expected none, xephyr, xorg, xpra, xvfb)");
  ok_parse("shell none", "shell none");
  bad_parse(
      "shell bash",
      "ERROR: /etc/firejail/test.profile:1: 'shell': invalid argument 'bash' (expected none)");
  ok_parse("dbus-user filter\ndbus-system none", "dbus-user filter;dbus-system none");
  bad_parse("dbus-user allow", "ERROR: /etc/firejail/test.profile:1: 'dbus-user': invalid "
                               "argument 'allow' (expected filter, none)");
  ok_parse("dbus-user.talk org.freedesktop.Notifications\ndbus-user.own org.mozilla.*\n"
           "dbus-system.call org.a=org.a.*@/org/a",
           "dbus-user.talk org.freedesktop.Notifications;dbus-user.own org.mozilla.*;"
           "dbus-system.call org.a=org.a.*@/org/a");
  bad_parse("bind /a", "ERROR: /etc/firejail/test.profile:1: 'bind' requires two paths "
                       "separated by a comma");
  bad_parse("bind /a,/b,/c", "ERROR: /etc/firejail/test.profile:1: 'bind' requires two paths "
                             "separated by a comma");
  bad_parse("bind ,/b", "ERROR: /etc/firejail/test.profile:1: 'bind' requires two paths "
                        "separated by a comma");
  ok_parse("bind ${HOME}/a,/tmp/b", "bind /home/u/a,/tmp/b");
  bad_parse("env A", "ERROR: /etc/firejail/test.profile:1: 'env' requires NAME=VALUE");
  bad_parse("env =x", "ERROR: /etc/firejail/test.profile:1: 'env' requires NAME=VALUE");
  bad_parse("private-bin ,,", "ERROR: /etc/firejail/test.profile:1: 'private-bin': empty list");
  ok_parse("rmenv DISPLAY\noverlay\noverlay-named box\noverlay-tmpfs\nnetfilter6 /etc/x.net\n"
           "apparmor-replace\napparmor-stack",
           "rmenv DISPLAY;overlay;overlay-named box;overlay-tmpfs;netfilter6 /etc/x.net;"
           "apparmor-replace;apparmor-stack");

  /* argv splitting */
  {
    struct brig_fj_profile *p;
    char *err = NULL;
    const char *text = "private-bin a,,b,\nenv A=b=c\nbind /x,/y\nblacklist /p q\ncaps\n"
                       "join-or-start my box\nprotocol unix";
    int r = brig_fj_parse_buffer(&ctx, "t", text, strlen(text), &p, &err);

    TAP_OK(r == 0, "argv profile parses");
    if (r == 0) {
      const struct brig_fj_directive *d = p->items;

      TAP_OK(d[0].argc == 2 && !strcmp(d[0].argv[0], "a") && !strcmp(d[0].argv[1], "b") &&
                 !strcmp(d[0].arg, "a,,b,"),
             "list: empty items dropped, arg verbatim");
      TAP_OK(d[1].argc == 2 && !strcmp(d[1].argv[0], "A") && !strcmp(d[1].argv[1], "b=c"),
             "env: NAME and VALUE split at the first '='");
      TAP_OK(d[2].argc == 2 && !strcmp(d[2].argv[0], "/x") && !strcmp(d[2].argv[1], "/y"),
             "bind: two paths");
      TAP_OK(d[3].argc == 1 && !strcmp(d[3].argv[0], "/p q"), "path with a space");
      TAP_OK(d[4].argc == 0 && d[4].arg == NULL && d[4].argv == NULL, "no argument");
      TAP_OK(d[5].argc == 1 && !strcmp(d[5].arg, "my box"), "text argument verbatim");
      TAP_OK(d[6].spec->category == BRIG_FJ_CAT_SECURITY && d[6].kind == BRIG_FJ_PROTOCOL &&
                 d[6].line == 7 && !strcmp(d[6].file, "t") && !strcmp(d[6].text, "protocol unix"),
             "kind, category, file, line and text recorded");
      brig_fj_profile_free(p);
    } else {
      free(err);
    }
  }

  /* unknown directives */
  bad_parse("caps\nblacklst /foo",
            "ERROR: /etc/firejail/test.profile:2: unknown directive 'blacklst'");
  bad_parse("CAPS", "ERROR: /etc/firejail/test.profile:1: unknown directive 'CAPS'");
  bad_parse("caps.drop.all", "ERROR: /etc/firejail/test.profile:1: unknown directive "
                             "'caps.drop.all'");
  bad_parse("keep-shell-rc",
            "ERROR: /etc/firejail/test.profile:1: unknown directive 'keep-shell-rc'");
  bad_parse("\xef\xbb\xbf"
            "caps",
            "ERROR: /etc/firejail/test.profile:1: unknown directive '\xef\xbb\xbf"
            "caps'");
  memfs_add(&fs, "/etc/firejail/bad.inc", "# bad\n\ncaps\nseccomp.drop\n");
  bad_parse("include bad.inc",
            "ERROR: /etc/firejail/bad.inc:4: 'seccomp.drop' requires an argument");
  return tap_done();
}
