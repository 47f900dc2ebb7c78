/* Parses every .profile file in /etc/firejail shipped with Firejail and expects no
 * errors, except for profiles Firejail 0.9.72 itself rejects. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "test-firejail-util.h"

#define CFG "/etc/firejail"

/* Profiles Debian's firejail 0.9.72 ships broken ("firejail
 * --profile=electron-hardened.inc" fails the same way: the redirect target
 * does not exist). */
static const struct {
  const char *file, *error;
} known_bad[] = {
  { "electron-hardened.inc.profile", CFG "/electron-hardened.inc.profile:10: cannot find include "
                                         "'chrome-common-hardened.inc.profile'" },
};

static int
cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static double
now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
expected_error(const char *name)
{
  for (size_t i = 0; i < sizeof(known_bad) / sizeof(known_bad[0]); i++)
    if (!strcmp(known_bad[i].file, name))
      return known_bad[i].error;
  return NULL;
}

int
main(void)
{
  struct brig_fj_context ctx;
  DIR *dir = opendir(CFG);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0, errors = 0, bad_ok = 0, directives = 0, suppressed = 0;
  double t0, t1;

  if (!dir) {
    TAP_SKIP(CFG " not present (install firejail to run the corpus test)");
    return tap_done();
  }
  while ((de = readdir(dir))) {
    size_t l = strlen(de->d_name);

    if (l <= 8 || strcmp(de->d_name + l - 8, ".profile") != 0)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      names = realloc(names, cap * sizeof(*names));
    }
    names[n++] = strdup(de->d_name);
  }
  closedir(dir);
  qsort(names, n, sizeof(*names), cmp);

  brig_fj_context_init(&ctx);
  ctx.home = "/home/user";
  ctx.uid = 1000;
  /* no user config dir, so that a local ~/.config/firejail cannot interfere */
  ctx.user_dir = "/nonexistent/brig-test/firejail";
  ctx.user_dirs_file = "/nonexistent/brig-test/user-dirs.dirs";

  t0 = now();
  for (size_t i = 0; i < n; i++) {
    struct brig_fj_profile *p;
    char path[4096], *err = NULL;
    const char *want = expected_error(names[i]);

    snprintf(path, sizeof(path), "%s/%s", CFG, names[i]);
    if (brig_fj_parse_file(&ctx, path, &p, &err) < 0) {
      if (want && !strcmp(err, want)) {
        bad_ok++;
      } else {
        errors++;
        tap_diag("%s", err);
      }
      free(err);
      continue;
    }
    if (want) {
      errors++;
      tap_diag("%s: expected to fail", path);
    }
    directives += p->n_items;
    suppressed += p->n_suppressed;
    brig_fj_profile_free(p);
  }
  t1 = now();

  TAP_OK(n > 1000, "found %zu profiles in " CFG, n);
  TAP_OK(errors == 0, "parsed %zu profiles: %zu unexpected errors", n, errors);
  TAP_OK(bad_ok == sizeof(known_bad) / sizeof(known_bad[0]),
         "%zu known-broken profile(s) rejected with the expected message", bad_ok);
  tap_diag("corpus: %zu profiles, %zu directives, %zu suppressed by noblacklist/nowhitelist, "
           "%.3f s",
           n, directives, suppressed, t1 - t0);

  /* a few facts about real profiles */
  {
    struct brig_fj_profile *p;
    char *err;

    if (brig_fj_parse_file(&ctx, CFG "/firefox.profile", &p, &err) == 0) {
      bool mozilla_suppressed = false, ssh_blacklisted = false, dbus_filter = false;

      for (size_t i = 0; i < p->n_suppressed; i++)
        if (!strcmp(p->suppressed[i].directive.arg, "/home/user/.mozilla") &&
            strstr(p->suppressed[i].directive.file, "disable-programs.inc"))
          mozilla_suppressed = true;
      for (size_t i = 0; i < p->n_items; i++) {
        if (p->items[i].kind == BRIG_FJ_BLACKLIST && !strcmp(p->items[i].arg, "/home/user/.ssh"))
          ssh_blacklisted = true;
        if (p->items[i].kind == BRIG_FJ_DBUS_USER && !strcmp(p->items[i].arg, "filter"))
          dbus_filter = true;
      }
      TAP_OK(mozilla_suppressed, "firefox: noblacklist ~/.mozilla suppresses the blacklist in "
                                 "disable-programs.inc");
      TAP_OK(ssh_blacklisted, "firefox: ~/.ssh stays blacklisted");
      TAP_OK(dbus_filter, "firefox: dbus-user filter");
      brig_fj_profile_free(p);
    } else {
      TAP_OK(0, "firefox.profile: %s", err);
      free(err);
    }
  }
  /* With a cache (brig_fj_cache: each file read and lexed once), every
   * profile parses to the same directives, and the same errors. */
  {
    struct brig_fj_context cctx = ctx;
    size_t same = 0;

    cctx.cache = brig_fj_cache_new();
    for (size_t i = 0; i < n; i++) {
      struct brig_fj_profile *a = NULL, *b = NULL;
      char path[4096], *ea = NULL, *eb = NULL;
      int ra, rb;
      bool eq;

      snprintf(path, sizeof(path), "%s/%s", CFG, names[i]);
      rb = brig_fj_parse_file(&cctx, path, &b, &eb);
      ra = brig_fj_parse_file(&ctx, path, &a, &ea);
      eq = ra == rb && (ra < 0 ? !strcmp(ea, eb) : a->n_items == b->n_items);
      for (size_t k = 0; eq && ra == 0 && k < a->n_items; k++)
        eq = !strcmp(a->items[k].text, b->items[k].text) &&
             !strcmp(a->items[k].file, b->items[k].file) && a->items[k].line == b->items[k].line &&
             a->items[k].argc == b->items[k].argc &&
             (!a->items[k].arg || !strcmp(a->items[k].arg, b->items[k].arg));
      same += eq;
      if (!eq)
        tap_diag("%s: differs with the cache", names[i]);
      brig_fj_profile_free(a);
      brig_fj_profile_free(b);
      free(ea);
      free(eb);
    }
    TAP_OK(same == n, "with a cache, every profile parses the same (%zu of %zu)", same, n);
    brig_fj_cache_free(cctx.cache);
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return tap_done();
}
