/* Conditionals: each ?NAME, defaults, dynamic state, firejail.config. */
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
  EXPECT_STR(parse_render(&ctx, text), want, "%s: %s", what, oneline(text));
}

int
main(void)
{
  static const struct {
    const char *name;
    unsigned bit;
    bool dflt;
  } conds[] = {
    { "HAS_APPIMAGE", BRIG_FJ_COND_HAS_APPIMAGE, false },
    { "HAS_NET", BRIG_FJ_COND_HAS_NET, false },
    { "HAS_NODBUS", BRIG_FJ_COND_HAS_NODBUS, false },
    { "HAS_NOSOUND", BRIG_FJ_COND_HAS_NOSOUND, false },
    { "HAS_PRIVATE", BRIG_FJ_COND_HAS_PRIVATE, false },
    { "HAS_X11", BRIG_FJ_COND_HAS_X11, false },
    { "BROWSER_DISABLE_U2F", BRIG_FJ_COND_BROWSER_DISABLE_U2F, true },
    { "BROWSER_ALLOW_DRM", BRIG_FJ_COND_BROWSER_ALLOW_DRM, false },
    { "ALLOW_TRAY", BRIG_FJ_COND_ALLOW_TRAY, false },
  };
  char text[128];
  struct brig_fj_profile *p;
  char *err;

  test_context(&ctx, &fs);
  TAP_OK(ctx.conditions == BRIG_FJ_COND_BROWSER_DISABLE_U2F,
         "defaults: BROWSER_DISABLE_U2F yes, BROWSER_ALLOW_DRM no, ALLOW_TRAY no, HAS_* no");

  for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
    unsigned saved = ctx.conditions;

    TAP_OK(brig_fj_condition_lookup(conds[i].name, strlen(conds[i].name)) == conds[i].bit &&
               !strcmp(brig_fj_condition_name(conds[i].bit), conds[i].name),
           "%s: name <-> bit", conds[i].name);
    snprintf(text, sizeof(text), "?%s: whitelist /x\ncaps", conds[i].name);
    expect(text, conds[i].dflt ? "whitelist /x;caps" : "caps", "default");
    ctx.conditions |= conds[i].bit;
    expect(text, "whitelist /x;caps", "set");
    if (brig_fj_parse_buffer(&ctx, P, text, strlen(text), &p, &err) == 0) {
      TAP_OK(p->items[0].conditions == conds[i].bit && p->items[1].conditions == 0,
             "%s recorded on the directive", conds[i].name);
      brig_fj_profile_free(p);
    } else {
      TAP_OK(0, "%s", err);
      free(err);
    }
    ctx.conditions &= ~conds[i].bit;
    expect(text, "caps", "cleared");
    ctx.conditions = saved;
  }
  TAP_OK(brig_fj_condition_lookup("HAS_FOO", 7) == 0 && brig_fj_condition_name(1u << 20) == NULL,
         "unknown names and bits");

  expect("?HAS_FOO: caps", "ERROR: " P ":1: unknown conditional 'HAS_FOO'", "unknown");
  expect("?has_x11: caps", "ERROR: " P ":1: unknown conditional 'has_x11'", "case matters");
  expect("?HAS_X11 caps",
         "ERROR: " P ":1: invalid conditional syntax: colon must come after "
         "conditional",
         "syntax");
  expect("?HAS_X11: blah", "ERROR: " P ":1: unknown directive 'blah'",
         "lines under a false conditional are still checked");
  expect("?HAS_X11: quiet", "ERROR: " P ":1: 'quiet' is not allowed after a conditional", "quiet");
  expect("?BROWSER_DISABLE_U2F: nou2f\n?BROWSER_ALLOW_DRM: noexec ${HOME}\n?ALLOW_TRAY: caps",
         "nou2f", "firejail.config defaults");
  expect("?BROWSER_DISABLE_U2F: ?HAS_NET: caps\n?BROWSER_DISABLE_U2F: ?ALLOW_TRAY: seccomp\n"
         "net none\n?HAS_NET: ?BROWSER_DISABLE_U2F: nonewprivs",
         "net none;nonewprivs", "nested conditionals all have to hold");

  /* directives switch HAS_* on for the lines after them */
  expect("?HAS_NET: caps\nnet none\n?HAS_NET: seccomp", "net none;seccomp", "net -> HAS_NET");
  expect("net eth0\n?HAS_NET: seccomp", "net eth0;seccomp", "net IFACE -> HAS_NET");
  expect("nodbus\n?HAS_NODBUS: seccomp", "nodbus;seccomp", "nodbus -> HAS_NODBUS");
  expect("dbus-user none\n?HAS_NODBUS: seccomp", "dbus-user none;seccomp",
         "dbus-user none -> HAS_NODBUS");
  expect("dbus-system none\n?HAS_NODBUS: seccomp", "dbus-system none;seccomp",
         "dbus-system none -> HAS_NODBUS");
  expect("dbus-user filter\ndbus-system filter\n?HAS_NODBUS: seccomp",
         "dbus-user filter;dbus-system filter", "filter does not set HAS_NODBUS");
  expect("nosound\n?HAS_NOSOUND: seccomp", "nosound;seccomp", "nosound -> HAS_NOSOUND");
  expect("private\n?HAS_PRIVATE: seccomp", "private;seccomp", "private -> HAS_PRIVATE");
  expect("private ${HOME}/box\n?HAS_PRIVATE: seccomp", "private /home/u/box;seccomp",
         "private DIR -> HAS_PRIVATE");
  expect("x11 none\n?HAS_X11: seccomp", "x11 none;seccomp", "x11 none -> HAS_X11");
  expect("ignore nosound\nnosound\n?HAS_NOSOUND: seccomp", "",
         "an ignored directive does not switch its condition on");
  expect("?HAS_X11: nosound\n?HAS_NOSOUND: seccomp", "",
         "a directive under a false conditional does not switch anything");
  memfs_add(&fs, "/etc/firejail/n.inc", "net none\n");
  if (brig_fj_parse_buffer(&ctx, P, "include n.inc\n?HAS_NET: caps", 28, &p, &err) == 0) {
    TAP_OK(p->n_items == 3 && p->items[2].kind == BRIG_FJ_CAPS &&
               p->conditions == (BRIG_FJ_COND_HAS_NET | BRIG_FJ_COND_BROWSER_DISABLE_U2F),
           "state crosses includes; profile->conditions is the final state");
    brig_fj_profile_free(p);
  } else {
    TAP_OK(0, "%s", err);
    free(err);
  }
  if (brig_fj_parse_buffer(&ctx, P, "quiet\ncaps", 10, &p, &err) == 0) {
    TAP_OK(p->quiet && p->items[0].kind == BRIG_FJ_QUIET, "quiet recorded");
    brig_fj_profile_free(p);
  } else {
    free(err);
  }

  /* firejail.config */
  {
    struct brig_fj_context c;
    const char *cfg = "# firejail.config\n# allow-tray no\nallow-tray yes\n"
                      "browser-allow-drm  yes # drm\nbrowser-disable-u2f\tno\n"
                      "restricted-network yes\nfile-copy-limit 500\n";

    brig_fj_context_init(&c);
    TAP_OK(brig_fj_context_apply_config(&c, "firejail.config", cfg, strlen(cfg), &err) == 0 &&
               c.conditions == (BRIG_FJ_COND_ALLOW_TRAY | BRIG_FJ_COND_BROWSER_ALLOW_DRM),
           "config: yes/no set and clear, other keys ignored");
    cfg = "allow-tray no\nbrowser-disable-u2f yes\n";
    TAP_OK(brig_fj_context_apply_config(&c, "firejail.config", cfg, strlen(cfg), &err) == 0 &&
               c.conditions == (BRIG_FJ_COND_BROWSER_ALLOW_DRM | BRIG_FJ_COND_BROWSER_DISABLE_U2F),
           "config: second file overrides");
    cfg = "\nallow-tray maybe\n";
    TAP_OK(brig_fj_context_apply_config(&c, "firejail.config", cfg, strlen(cfg), &err) < 0 &&
               !strcmp(err, "firejail.config:2: invalid value for 'allow-tray': expected yes "
                            "or no"),
           "config: bad value is an error with file:line");
    free(err);
    cfg = "browser-allow-drm\n";
    TAP_OK(brig_fj_context_apply_config(&c, "f", cfg, strlen(cfg), &err) < 0,
           "config: missing value");
    free(err);
  }
  return tap_done();
}
