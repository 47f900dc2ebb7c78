/* Golden tests: representative /etc/firejail profiles converted with a
 * fixed context (user alice, uid/gid 1000, home /home/alice, the fixture
 * tree of test-firejail-convert-fixture.h under the fake root /fixture,
 * default conditions) and compared semantically with
 * tests/data/firejail-golden/NAME.json.
 *
 *   test-firejail-convert-golden               compare
 *   test-firejail-convert-golden --regenerate  rewrite the expected files
 *
 * The expected files live in $BRIG_TEST_DATA (set by `make check`), else
 * tests/data.  Skipped when /etc/firejail is missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert-base.h"
#include "json-compare.h"
#include "tap.h"
#include "test-firejail-convert-fixture.h"
#include "to-oci.h"

static const char *const profiles[] = {
  "firefox",
  "chromium",
  "curl",
  "wget",
  "ssh",
  "git",
  "vlc",
  "mpv",
  "gimp",
  "evince",
  "libreoffice",
  "thunderbird",
  "transmission-gtk",
  "pip",
  "gedit",
  "okular",
  "keepassxc",
  "signal-desktop",
  "spotify",
  "zoom",
  "ping",
  "man",
};

static char *
convert(const char *name, char **err)
{
  static struct fixture fx = { fixture_default, NULL, 0 };
  struct brig_fj_context ctx;
  struct brig_fj_oci_options opts;
  brig_error *berr = NULL;
  oci_spec *spec;
  char *out = NULL, path[256];
  size_t len;

  brig_fj_context_init(&ctx);
  ctx.home = "/home/alice";
  ctx.uid = 1000;
  ctx.user_dir = "/nonexistent/brig-test/firejail";
  brig_fj_oci_options_init(&opts);
  opts.root_dir = "/fixture";
  opts.glob = fixture_glob;
  opts.glob_opaque = &fx;
  opts.home = "/home/alice";
  opts.uid = opts.gid = 1000;
  snprintf(path, sizeof(path), "/etc/firejail/%s.profile", name);
  spec = brig_fj_convert_base("alice", 1000, 1000, "/home/alice", name, &berr);
  if (!spec) {
    *err = strdup(berr->msg);
    brig_error_free(berr);
    return NULL;
  }
  if (brig_firejail_apply(spec, path, &ctx, &opts, NULL, err) == 0 &&
      oci_emit(&oci_spec_desc, spec, true, &out, &len, err) < 0)
    out = NULL;
  oci_spec_free(spec);
  return out;
}

static char *
slurp(const char *path)
{
  FILE *f = fopen(path, "re");
  char *buf = NULL;
  size_t len = 0;

  if (!f)
    return NULL;
  if (getdelim(&buf, &len, '\0', f) < 0) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  return buf;
}

int
main(int argc, char **argv)
{
  bool regen = argc > 1 && strcmp(argv[1], "--regenerate") == 0;
  const char *data = getenv("BRIG_TEST_DATA") ? getenv("BRIG_TEST_DATA") : "tests/data";

  if (access("/etc/firejail/firejail.config", R_OK) != 0) {
    TAP_SKIP("/etc/firejail not present (install firejail to run the golden tests)");
    return tap_done();
  }
  for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
    char file[1024], why[512] = "", *err = NULL, *got, *want;

    snprintf(file, sizeof(file), "%s/firejail-golden/%s.json", data, profiles[i]);
    {
      char prof[256];

      snprintf(prof, sizeof(prof), "/etc/firejail/%s.profile", profiles[i]);
      if (access(prof, R_OK) != 0) {
        TAP_SKIP("%s: no such profile on this system", profiles[i]);
        continue;
      }
    }
    got = convert(profiles[i], &err);
    if (!got) {
      TAP_OK(false, "%s converts: %s", profiles[i], err ? err : "?");
      free(err);
      continue;
    }
    if (regen) {
      FILE *f = fopen(file, "we");

      TAP_OK(f && fprintf(f, "%s\n", got) > 0 && fclose(f) == 0, "%s: wrote %s", profiles[i], file);
      free(got);
      continue;
    }
    want = slurp(file);
    if (!want) {
      TAP_OK(false, "%s: %s is readable (run with --regenerate)", profiles[i], file);
    } else {
      int eq = json_equal(want, got, NULL, why, sizeof(why));

      if (!TAP_OK(eq == 1, "%s matches %s", profiles[i], file))
        tap_diag("%s", why);
    }
    free(want);
    free(got);
  }
  return tap_done();
}
