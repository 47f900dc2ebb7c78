/* Converts every .profile of /etc/firejail (the fixture tree, user alice)
 * and parses each emitted config.json back with libocispec.  Profiles that
 * Firejail 0.9.72 itself rejects (see test-firejail-corpus.c) are counted
 * apart.  The times (profile -> spec conversion, front-end parsing,
 * emitting) are printed for bench/firejail.sh. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convert-base.h"
#include "tap.h"
#include "test-firejail-convert-fixture.h"
#include "to-oci.h"

#define CFG "/etc/firejail"

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

int
main(void)
{
  struct fixture fx = { fixture_default, NULL, 0 };
  struct brig_fj_context ctx;
  struct brig_fj_oci_options opts;
  DIR *dir = opendir(CFG);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0, converted = 0, reparsed = 0, parse_errors = 0, failures = 0;
  size_t warnings_total = 0, with_unsupported = 0, mounts = 0;
  double t0, t1, t_parse = 0, t_convert = 0, t_emit = 0;

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
  ctx.home = "/home/alice";
  ctx.uid = 1000;
  ctx.user_dir = "/nonexistent/brig-test/firejail";
  /* one process, many profiles: each file is read and lexed once */
  ctx.cache = brig_fj_cache_new();
  brig_fj_oci_options_init(&opts);
  opts.root_dir = "/fixture";
  opts.glob = fixture_glob;
  opts.glob_opaque = &fx;
  opts.home = "/home/alice";
  opts.uid = opts.gid = 1000;

  t0 = now();
  for (size_t i = 0; i < n; i++) {
    char path[512], *err = NULL, *out = NULL, *perr = NULL, *program;
    struct brig_fj_warnings w = { 0 };
    brig_error *berr = NULL;
    struct brig_fj_profile *prof;
    oci_spec *spec, *back;
    size_t len;
    double t;
    int rc;

    snprintf(path, sizeof(path), CFG "/%s", names[i]);
    program = brig_fj_program_name(names[i]);
    spec = brig_fj_convert_base("alice", 1000, 1000, "/home/alice", program, &berr);
    free(program);
    if (!spec) {
      TAP_OK(false, "%s: base spec: %s", names[i], berr->msg);
      brig_error_free(berr);
      continue;
    }
    t = now();
    if (brig_fj_parse_file(&ctx, path, &prof, &err) < 0) {
      t_parse += now() - t;
      /* a profile the front-end rejects (Firejail does too) */
      if (strstr(err, "cannot find include")) {
        parse_errors++;
      } else {
        failures++;
        TAP_OK(false, "%s parses: %s", names[i], err);
      }
      free(err);
      oci_spec_free(spec);
      continue;
    }
    t_parse += now() - t;
    opts.profile = path;
    t = now();
    rc = brig_fj_to_oci(spec, prof, &opts, &w, &err);
    t_convert += now() - t;
    brig_fj_profile_free(prof);
    if (rc < 0) {
      failures++;
      TAP_OK(false, "%s converts: %s", names[i], err);
      free(err);
      oci_spec_free(spec);
      brig_fj_warnings_free(&w);
      continue;
    }
    converted++;
    warnings_total += w.n;
    brig_fj_warnings_free(&w);
    with_unsupported += oci_strmap_get(&spec->annotations, BRIG_FJ_ANN_UNSUPPORTED) != NULL;
    mounts += spec->mounts_len;
    t = now();
    rc = oci_emit(&oci_spec_desc, spec, false, &out, &len, &err);
    t_emit += now() - t;
    if (rc < 0) {
      TAP_OK(false, "%s: emit: %s", names[i], err);
      free(err);
    } else if (!(back = oci_parse_data(&oci_spec_desc, "config.json", out, len, NULL, &perr))) {
      TAP_OK(false, "%s: the result parses back: %s", names[i], perr);
      free(perr);
    } else {
      reparsed++;
      oci_spec_free(back);
    }
    free(out);
    oci_spec_free(spec);
  }
  t1 = now();

  TAP_OK(n > 1000, "found %zu profiles in " CFG, n);
  TAP_OK(failures == 0, "no conversion failure (%zu)", failures);
  TAP_OK(parse_errors <= 1, "only the profiles Firejail rejects fail to parse (%zu)", parse_errors);
  TAP_OK(converted + parse_errors == n, "every other profile converts (%zu of %zu)", converted, n);
  TAP_OK(reparsed == converted, "every result parses back with libocispec (%zu)", reparsed);
  tap_diag("profiles: %zu, converted: %zu, rejected by the front-end: %zu", n, converted,
           parse_errors);
  tap_diag("mounts added: %zu, warnings: %zu, profiles with unsupported directives: %zu", mounts,
           warnings_total, with_unsupported);
  tap_diag("corpus conversion time: %.3f s (parse %.3f s, emit %.3f s, whole run with "
           "base specs and re-parsing %.3f s)",
           t_convert, t_parse, t_emit, t1 - t0);
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  brig_fj_cache_free(ctx.cache);
  fixture_free(&fx);
  return tap_done();
}
