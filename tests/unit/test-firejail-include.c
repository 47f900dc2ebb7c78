/* Include resolution, the ignore list and noblacklist/nowhitelist. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "test-firejail-util.h"

#define P "/etc/firejail/test.profile"

static struct memfs fs;
static struct brig_fj_context ctx;

static void
expect(const char *text, const char *want, const char *what)
{
  EXPECT_STR(parse_render(&ctx, text), want, "%s", what);
}

static char *
with_meta(const char *text)
{
  struct brig_fj_profile *p;
  char *err, *s;

  if (brig_fj_parse_buffer(&ctx, P, text, strlen(text), &p, &err) < 0)
    return err;
  s = render(p, 1);
  brig_fj_profile_free(p);
  return s;
}

static void
test_lookup(void)
{
  struct brig_fj_profile *p;
  char *err = NULL, *path = NULL;
  const char *text = "include a.inc\ninclude b.inc\ninclude /etc/firejail/b.inc\n";
  int r;

  memfs_add(&fs, "/home/u/.config/firejail/a.inc", "caps");
  memfs_add(&fs, "/etc/firejail/a.inc", "seccomp");
  memfs_add(&fs, "/etc/firejail/b.inc", "nonewprivs");
  expect("include a.inc", "caps", "bare name: ~/.config/firejail wins over /etc/firejail");
  expect("include b.inc", "nonewprivs", "bare name falls back to /etc/firejail");
  expect("include /etc/firejail/a.inc", "seccomp", "absolute path used as is");
  expect("include ${CFG}/a.inc", "seccomp", "${CFG} include");
  expect("include ${HOME}/.config/firejail/a.inc", "caps", "${HOME} include");
  expect("include ~/.config/firejail/a.inc", "caps", "~/ include");

  r = brig_fj_parse_buffer(&ctx, P, text, strlen(text), &p, &err);
  TAP_OK(r == 0, "multi-include profile parses");
  if (r == 0) {
    TAP_OK(p->n_files == 4 && !strcmp(p->files[0], P) &&
               !strcmp(p->files[1], "/home/u/.config/firejail/a.inc") &&
               !strcmp(p->files[2], "/etc/firejail/b.inc") &&
               !strcmp(p->files[3], "/etc/firejail/b.inc"),
           "files listed in reading order");
    TAP_OK(p->n_items == 6 && p->items[0].kind == BRIG_FJ_INCLUDE &&
               !strcmp(p->items[0].arg, "/home/u/.config/firejail/a.inc") &&
               p->items[1].kind == BRIG_FJ_CAPS && p->items[1].depth == 1 &&
               !strcmp(p->items[1].file, "/home/u/.config/firejail/a.inc") &&
               p->items[1].line == 1 && p->items[0].depth == 0,
           "include directive carries the resolved path; included lines their file and depth");
    TAP_OK(p->items[3].kind == BRIG_FJ_NONEWPRIVS && p->items[5].kind == BRIG_FJ_NONEWPRIVS,
           "the same file may be included twice in sequence");
    brig_fj_profile_free(p);
  } else {
    free(err);
  }

  /* profile name lookup */
  memfs_add(&fs, "/etc/firejail/curl.profile", "caps");
  memfs_add(&fs, "/home/u/.config/firejail/mine.profile", "caps");
  memfs_add(&fs, "/etc/firejail/mine.profile", "caps");
  r = brig_fj_find_profile(&ctx, "curl", &path, &err);
  TAP_OK(r == 0 && !strcmp(path, "/etc/firejail/curl.profile"), "find_profile: curl in /etc");
  free(path);
  r = brig_fj_find_profile(&ctx, "mine", &path, &err);
  TAP_OK(r == 0 && !strcmp(path, "/home/u/.config/firejail/mine.profile"),
         "find_profile: user dir first");
  free(path);
  r = brig_fj_find_profile(&ctx, "curl.profile", &path, &err);
  TAP_OK(r == 0 && !strcmp(path, "/etc/firejail/curl.profile"), "find_profile: NAME.profile");
  free(path);
  r = brig_fj_find_profile(&ctx, "./x/y.profile", &path, &err);
  TAP_OK(r == 0 && !strcmp(path, "./x/y.profile"), "find_profile: a path is used as is");
  free(path);
  r = brig_fj_find_profile(&ctx, "nope", &path, &err);
  TAP_OK(r < 0 && !strcmp(err, "profile 'nope' not found in /home/u/.config/firejail or "
                               "/etc/firejail"),
         "find_profile: missing profile");
  free(err);
}

static void
test_missing(void)
{
  struct brig_fj_profile *p;
  char *err = NULL;
  const char *text = "include nope.local\ninclude /etc/firejail/nope.local\ncaps";
  int r;

  expect("include nope.local\ninclude /x/y/nope.local\ninclude ${HOME}/nope.local\ncaps", "caps",
         "missing .local includes are skipped silently");
  r = brig_fj_parse_buffer(&ctx, P, text, strlen(text), &p, &err);
  TAP_OK(r == 0 && p->n_items == 3 && (p->items[0].flags & BRIG_FJ_DIR_MISSING_LOCAL) &&
             !strcmp(p->items[0].arg, "nope.local") && p->n_files == 1,
         "missing .local recorded with BRIG_FJ_DIR_MISSING_LOCAL, not read");
  if (r == 0)
    brig_fj_profile_free(p);
  else
    free(err);
  expect("caps\n\ninclude nope.inc", "ERROR: " P ":3: cannot find include 'nope.inc'",
         "missing .inc is an error naming the including file and line");
  expect("include /etc/nope.profile", "ERROR: " P ":1: cannot find include '/etc/nope.profile'",
         "missing absolute include");
  memfs_add(&fs, "/etc/firejail/mid.inc", "# x\ninclude gone.inc\n");
  expect("include mid.inc", "ERROR: /etc/firejail/mid.inc:2: cannot find include 'gone.inc'",
         "missing include inside an included file names that file");
  memfs_add_err(&fs, "/etc/firejail/secret.inc", EACCES);
  expect("include secret.inc",
         "ERROR: " P ":1: cannot read /etc/firejail/secret.inc: Permission denied",
         "unreadable include is an error");
  memfs_add_err(&fs, "/etc/firejail/secret.local", EACCES);
  expect("include secret.local",
         "ERROR: " P ":1: cannot read /etc/firejail/secret.local: Permission denied",
         "unreadable .local is an error too (only missing ones are skipped)");
  expect("?HAS_X11: include a.inc", "ERROR: " P ":1: 'include' is not allowed after a conditional",
         "include after a conditional is an error");
}

static void
test_depth_loops(void)
{
  static char names[20][64], texts[20][64];

  /* d1.inc includes d2.inc ... d16.inc holds "caps"; d17 chain one deeper */
  for (int i = 1; i <= 18; i++) {
    snprintf(names[i], sizeof(names[i]), "/etc/firejail/d%d.inc", i);
    if (i == 16)
      snprintf(texts[i], sizeof(texts[i]), "caps\n");
    else
      snprintf(texts[i], sizeof(texts[i]), "include d%d.inc\n", i + 1);
    memfs_add(&fs, names[i], texts[i]);
  }
  memfs_add(&fs, "/etc/firejail/e17.inc", "include d1.inc\n");
  expect("include d1.inc", "caps", "16 levels of includes are accepted");
  expect("include e17.inc",
         "ERROR: /etc/firejail/d15.inc:1: includes nested deeper than 16 levels at "
         "'/etc/firejail/d16.inc'",
         "17 levels of includes are rejected");
  memfs_add(&fs, "/etc/firejail/self.inc", "caps\ninclude self.inc\n");
  expect("include self.inc",
         "ERROR: /etc/firejail/self.inc:2: include loop: '/etc/firejail/self.inc' is already "
         "being read",
         "self include is a loop");
  memfs_add(&fs, "/etc/firejail/la.inc", "include lb.inc\n");
  memfs_add(&fs, "/etc/firejail/lb.inc", "\ninclude /etc/firejail/la.inc\n");
  expect("include la.inc",
         "ERROR: /etc/firejail/lb.inc:2: include loop: '/etc/firejail/la.inc' is already being "
         "read",
         "a -> b -> a loop");
  memfs_add(&fs, P, "caps\n");
  expect("include test.profile", "ERROR: " P ":1: include loop: '" P "' is already being read",
         "a profile including itself");
}

static void
test_ignore(void)
{
  char *s;

  memfs_add(&fs, "/home/u/.config/firejail/app.local", "ignore seccomp\nignore net none\n");
  memfs_add(&fs, "/etc/firejail/app.inc", "seccomp\nnet none\nnonewprivs\n");
  expect("include app.local\nseccomp\nnet none\nnet eth0\ninclude app.inc", "net eth0;nonewprivs",
         ".local ignore drops later lines, also in includes");
  expect("seccomp\nignore seccomp\nseccomp", "seccomp", "ignore does not touch earlier lines");
  expect("ignore net\nnetfilter\nnet none\nnetlock", "netfilter;netlock",
         "ignore matches at a word boundary (net vs netfilter)");
  expect("ignore dbus-user\ndbus-user.talk org.a\ndbus-user none", "dbus-user.talk org.a",
         "ignore dbus-user keeps dbus-user.talk");
  expect("ignore dbus-user.talk org.a\ndbus-user.talk org.a\ndbus-user.talk org.ab\n"
         "dbus-user.talk org.a.b",
         "dbus-user.talk org.ab;dbus-user.talk org.a.b", "ignore with an argument");
  expect("ignore env A\nenv A=1\nenv A B=2\nenv AB=3", "env A=1;env AB=3",
         "argument match needs a following space");
  expect("ignore  net\tnone # why\nnet   none\nnet\tnone", "",
         "ignore and lines compared after blank normalization");
  expect("ignore include\ninclude nope.inc\ncaps", "caps", "ignore include drops includes");
  expect("ignore include nope.inc\ninclude nope.inc\ncaps", "caps",
         "ignore include NAME drops that include");
  expect("ignore whitelist\n?BROWSER_DISABLE_U2F: whitelist /x\n?BROWSER_DISABLE_U2F: nou2f",
         "nou2f", "ignore applies to the line after a true conditional");
  expect("ignore ?BROWSER_DISABLE_U2F\n?BROWSER_DISABLE_U2F: nou2f", "nou2f",
         "ignore does not match the conditional prefix");
  expect("ignore ignore\nignore caps\ncaps", "caps", "ignore lines can be ignored");
  expect("ignore noblacklist\nnoblacklist /x\nblacklist /x", "blacklist /x",
         "ignored noblacklist does not suppress");
  expect("ignore caps\nignore caps\ncaps\ncaps.drop all", "caps.drop all",
         "duplicate ignores; 'caps' does not drop 'caps.drop'");
  expect("ignore noblacklist ${HOME}/.x\nnoblacklist ${HOME}/.x\nblacklist ${HOME}/.x",
         "blacklist /home/u/.x", "ignore compares unexpanded text");
  expect("ignore foo\nfoo", "ERROR: " P ":2: unknown directive 'foo'",
         "ignored lines are still checked for unknown directives");
  s = with_meta("ignore caps\ncaps");
  TAP_OK(!strcmp(s, "ignore caps"), "ignore directives stay in the list");
  free(s);
  {
    struct brig_fj_profile *p;
    char *err;
    const char *t = "ignore a\n?HAS_X11: ignore b\nignore c d";

    if (brig_fj_parse_buffer(&ctx, P, t, strlen(t), &p, &err) == 0) {
      TAP_OK(p->n_ignores == 2 && !strcmp(p->ignores[0], "a") && !strcmp(p->ignores[1], "c d"),
             "profile->ignores lists the effective ignores");
      brig_fj_profile_free(p);
    } else {
      TAP_OK(0, "ignores profile: %s", err);
      free(err);
    }
  }
}

static void
test_noblacklist(void)
{
  struct brig_fj_profile *p;
  char *err;
  const char *t;

  expect("noblacklist ${HOME}/.mozilla\nblacklist ${HOME}/.mozilla\nblacklist ${HOME}/.ssh",
         "noblacklist /home/u/.mozilla;blacklist /home/u/.ssh",
         "noblacklist suppresses a later blacklist, stays in the list");
  expect("blacklist /a\nnoblacklist /a\nblacklist /a", "blacklist /a;noblacklist /a",
         "noblacklist applies only to later lines");
  expect("noblacklist ${HOME}/.config/*\nblacklist ${HOME}/.config/foo\n"
         "blacklist ${HOME}/.config/foo/bar\nblacklist ${HOME}/.config",
         "noblacklist /home/u/.config/*;blacklist /home/u/.config/foo/bar;blacklist "
         "/home/u/.config",
         "glob with FNM_PATHNAME: * does not cross '/'");
  expect("noblacklist /usr/bin/gcc*\nblacklist /usr/bin/gcc-12\nblacklist /usr/bin/g++",
         "noblacklist /usr/bin/gcc*;blacklist /usr/bin/g++", "prefix glob");
  expect("noblacklist /a/?b\nblacklist /a/xb\nblacklist /a/xxb\nnoblacklist /c/[0-9]\n"
         "blacklist /c/5\nblacklist /c/x",
         "noblacklist /a/?b;blacklist /a/xxb;noblacklist /c/[0-9];blacklist /c/x",
         "? and [] patterns");
  expect("noblacklist /x/*\nblacklist /x/*", "noblacklist /x/*",
         "a glob blacklist equal to the pattern is suppressed");
  expect("noblacklist /x/a\nblacklist /x/*", "noblacklist /x/a;blacklist /x/*",
         "a glob blacklist is kept when the pattern only covers part of it");
  expect("noblacklist ${PATH}/strace\nblacklist ${PATH}/strace\nblacklist ${PATH}/gdb",
         "noblacklist /usr/local/bin/strace;noblacklist /usr/bin/strace;noblacklist "
         "/bin/strace;noblacklist /usr/local/sbin/strace;noblacklist /usr/sbin/strace;"
         "noblacklist /sbin/strace;blacklist /usr/local/bin/gdb;blacklist /usr/bin/gdb;blacklist "
         "/bin/gdb;blacklist /usr/local/sbin/gdb;blacklist /usr/sbin/gdb;blacklist /sbin/gdb",
         "${PATH} noblacklist against ${PATH} blacklist");
  expect("noblacklist /a\nblacklist-nolog /a\nread-only /a\ntmpfs /a\nwhitelist /a",
         "noblacklist /a;read-only /a;tmpfs /a;whitelist /a",
         "noblacklist covers blacklist-nolog, not read-only/tmpfs/whitelist");
  expect("nowhitelist ~/.config\nwhitelist ~/.config\nwhitelist-ro ~/.config\n"
         "whitelist ~/.cache\nblacklist ~/.config",
         "nowhitelist /home/u/.config;whitelist /home/u/.cache;blacklist /home/u/.config",
         "nowhitelist covers whitelist and whitelist-ro only");
  memfs_add(&fs, "/etc/firejail/dc.inc", "blacklist ${HOME}/.mozilla\nblacklist ${HOME}/.ssh\n");
  expect("noblacklist ${HOME}/.mozilla\ninclude dc.inc",
         "noblacklist /home/u/.mozilla;blacklist "
         "/home/u/.ssh",
         "noblacklist reaches into later includes");

  t = "caps\nnoblacklist /a*\nnoblacklist /b\nblacklist /b\nblacklist /ab\n";
  if (brig_fj_parse_buffer(&ctx, P, t, strlen(t), &p, &err) == 0) {
    TAP_OK(p->n_suppressed == 2 && p->suppressed[0].by == 2 &&
               !strcmp(p->suppressed[0].directive.arg, "/b") &&
               p->suppressed[0].directive.line == 4 && p->suppressed[1].by == 1 &&
               p->suppressed[1].directive.kind == BRIG_FJ_BLACKLIST &&
               !strcmp(p->items[p->suppressed[1].by].arg, "/a*"),
           "suppressed entries point at their noblacklist");
    brig_fj_profile_free(p);
  } else {
    TAP_OK(0, "suppressed profile: %s", err);
    free(err);
  }
}

int
main(void)
{
  test_context(&ctx, &fs);
  test_lookup();
  test_missing();
  test_depth_loops();
  test_ignore();
  test_noblacklist();
  return tap_done();
}
