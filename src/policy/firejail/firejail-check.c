#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* "check": parse a Firejail profile and print the resolved directives.
 *
 *   check [--user NAME] [--home DIR] [--condition NAME[=no]]... PROFILE
 *
 * PROFILE is a path (contains '/') or a name looked up like Firejail does
 * (NAME.profile in ~/.config/firejail, then /etc/firejail).  Conditions
 * start from /etc/firejail/firejail.config (when readable) and the
 * defaults; --condition sets one (HAS_X11, ALLOW_TRAY, ...) or clears it
 * with "=no".  Output: one "FILE:LINE: directive args" line per directive. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firejail.h"

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
fail(const char *fmt, ...)
{
  va_list ap;

  fputs("brig: firejail check: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return 1;
}

/* "--opt value" or "--opt=value"; returns the value or NULL. */
static const char *
opt_value(int argc, char **argv, int *i, const char *opt, bool *matched)
{
  size_t l = strlen(opt);

  *matched = false;
  if (strncmp(argv[*i], opt, l) != 0)
    return NULL;
  if (argv[*i][l] == '=') {
    *matched = true;
    return argv[*i] + l + 1;
  }
  if (argv[*i][l] != '\0')
    return NULL;
  *matched = true;
  if (*i + 1 >= argc)
    return NULL;
  return argv[++*i];
}

int
brig_firejail_check_main(int argc, char **argv)
{
  struct brig_fj_context ctx;
  struct brig_fj_profile *prof = NULL;
  const char *user = NULL, *home = NULL, *profile = NULL;
  const char *conds[64];
  size_t n_conds = 0;
  char *path = NULL, *err = NULL;
  struct passwd *pw;
  int rc = 1;

  for (int i = 1; i < argc; i++) {
    bool m;
    const char *v;

    if ((v = opt_value(argc, argv, &i, "--user", &m)) || m) {
      if (!v)
        return fail("--user requires a value");
      user = v;
    } else if ((v = opt_value(argc, argv, &i, "--home", &m)) || m) {
      if (!v)
        return fail("--home requires a value");
      home = v;
    } else if ((v = opt_value(argc, argv, &i, "--condition", &m)) || m) {
      if (!v)
        return fail("--condition requires a value");
      if (n_conds == sizeof(conds) / sizeof(conds[0]))
        return fail("too many --condition options");
      conds[n_conds++] = v;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: %s [--user NAME] [--home DIR] [--condition NAME[=no]]... PROFILE\n",
             argv[0] ? argv[0] : "check");
      return 0;
    } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !profile) {
      profile = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return fail("unknown option '%s'", argv[i]);
    } else if (profile) {
      return fail("only one profile can be checked");
    } else {
      profile = argv[i];
    }
  }
  if (!profile)
    return fail("missing PROFILE");

  brig_fj_context_init(&ctx);
  errno = 0;
  pw = user ? getpwnam(user) : getpwuid(getuid());
  if (user && !pw)
    return fail("unknown user '%s'", user);
  if (pw) {
    ctx.uid = pw->pw_uid;
    ctx.home = home ? home : pw->pw_dir;
  } else {
    ctx.uid = getuid();
    ctx.home = home;
  }
  if (!ctx.home)
    return fail("cannot determine the home directory; use --home");
  if (ctx.home[0] != '/')
    return fail("--home must be an absolute path");

  if (brig_fj_context_load_config(&ctx, &err) < 0) {
    fail("%s", err ? err : "out of memory");
    goto out;
  }
  for (size_t i = 0; i < n_conds; i++)
    if (brig_fj_condition_set(&ctx.conditions, conds[i], strlen(conds[i]), &err) < 0) {
      fail("%s", err ? err : "out of memory");
      goto out;
    }

  if (brig_fj_find_profile(&ctx, profile, &path, &err) < 0 ||
      brig_fj_parse_file(&ctx, path, &prof, &err) < 0) {
    fail("%s", err ? err : "out of memory");
    goto out;
  }
  for (size_t i = 0; i < prof->n_items; i++) {
    const struct brig_fj_directive *d = &prof->items[i];

    printf("%s:%u: %s%s%s\n", d->file, d->line, d->spec->name, d->arg ? " " : "",
           d->arg ? d->arg : "");
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fail("cannot write output: %s", strerror(errno));
    goto out;
  }
  rc = 0;
out:
  brig_fj_profile_free(prof);
  free(path);
  free(err);
  return rc;
}
