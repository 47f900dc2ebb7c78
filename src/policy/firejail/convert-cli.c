#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* "convert": a Firejail profile as an OCI config.json on stdout.
 *
 *   convert [--base FILE] [--user NAME] [--home DIR] [--root DIR]
 *           [--condition NAME[=no]]... PROFILE
 *
 * PROFILE is found like `firejail --profile=` does.  --base is the spec to
 * tighten (default: convert-base.c's).  --root is the tree globs expand on
 * and bind sources come from (default "/").  Warnings ("FILE:LINE:
 * directive: why", one per unsupported directive) go to stderr, prefixed
 * "brig: firejail convert: warning: "; an error is one line and exit 1. */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert-base.h"
#include "to-oci.h"

#define PREFIX "brig: firejail convert: "

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
fail(const char *fmt, ...)
{
  va_list ap;

  fputs(PREFIX, stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return 1;
}

struct cli {
  const char *base, *user, *home, *root, *profile;
  const char *conds[64];
  size_t n_conds;
};

/* "--name VALUE" or "--name=VALUE": 1 and *value, 0 not this option, -1 missing value. */
static int
option(int argc, char **argv, int *i, const char *name, const char **value)
{
  size_t l = strlen(name);

  if (strncmp(argv[*i], name, l) != 0)
    return 0;
  if (argv[*i][l] == '=') {
    *value = argv[*i] + l + 1;
    return 1;
  }
  if (argv[*i][l] != '\0')
    return 0;
  if (*i + 1 >= argc)
    return -1;
  *value = argv[++*i];
  return 1;
}

static int
parse_args(int argc, char **argv, struct cli *o)
{
  static const char *const names[] = { "--base", "--user", "--home", "--root", "--condition" };

  for (int i = 1; i < argc; i++) {
    const char *v = NULL;
    int r = 0;
    size_t k;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
      if ((r = option(argc, argv, &i, names[k], &v)) != 0)
        break;
    if (r < 0)
      return fail("%s requires a value", names[k]);
    if (r > 0) {
      const char **slots[] = { &o->base, &o->user, &o->home, &o->root };

      if (k < 4) {
        *slots[k] = v;
      } else {
        if (o->n_conds == sizeof(o->conds) / sizeof(o->conds[0]))
          return fail("too many --condition options");
        o->conds[o->n_conds++] = v;
      }
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: convert [--base FILE] [--user NAME] [--home DIR] [--root DIR] "
             "[--condition NAME[=no]]... PROFILE\n");
      return -1;
    } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !o->profile) {
      o->profile = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return fail("unknown option '%s'", argv[i]);
    } else if (o->profile) {
      return fail("only one profile can be converted");
    } else {
      o->profile = argv[i];
    }
  }
  if (!o->profile)
    return fail("missing PROFILE");
  return 0;
}

static int
conditions(struct brig_fj_context *ctx, const struct cli *o)
{
  char *err = NULL;
  int rc = 0;

  if (brig_fj_context_load_config(ctx, &err) < 0)
    rc = fail("%s", err ? err : "out of memory");
  for (size_t i = 0; rc == 0 && i < o->n_conds; i++)
    if (brig_fj_condition_set(&ctx->conditions, o->conds[i], strlen(o->conds[i]), &err) < 0)
      rc = fail("%s", err ? err : "out of memory");
  free(err);
  return rc;
}

int
brig_firejail_convert_main(int argc, char **argv)
{
  struct cli o = { 0 };
  struct brig_fj_context ctx;
  struct brig_fj_oci_options opts;
  struct brig_fj_warnings warnings = { 0 };
  struct passwd *pw;
  oci_spec *spec = NULL;
  char *path = NULL, *err = NULL, *out = NULL, *program = NULL, *user = NULL;
  brig_error *berr = NULL;
  size_t len;
  gid_t gid;
  int rc;

  rc = parse_args(argc, argv, &o);
  if (rc)
    return rc < 0 ? 0 : rc;

  brig_fj_context_init(&ctx);
  pw = o.user ? getpwnam(o.user) : getpwuid(getuid());
  if (o.user && !pw)
    return fail("unknown user '%s'", o.user);
  ctx.uid = pw ? pw->pw_uid : getuid();
  gid = pw ? pw->pw_gid : getgid();
  ctx.home = o.home ? o.home : pw ? pw->pw_dir : NULL;
  if (!ctx.home)
    return fail("cannot determine the home directory; use --home");
  if (ctx.home[0] != '/')
    return fail("--home must be an absolute path");
  user = pw ? strdup(pw->pw_name) : NULL;
  rc = 1;
  if (conditions(&ctx, &o))
    goto out;

  brig_fj_oci_options_init(&opts);
  opts.root_dir = o.root ? o.root : "/";
  opts.home = ctx.home;
  opts.uid = ctx.uid;
  opts.gid = gid;

  if (o.base) {
    spec = oci_spec_parse_file(o.base, NULL, &err);
    if (!spec) {
      fail("%s", err);
      goto out;
    }
  } else {
    program = brig_fj_program_name(o.profile);
    spec = brig_fj_convert_base(user, ctx.uid, gid, ctx.home, program, &berr);
    if (!spec) {
      fail("%s", berr->msg);
      goto out;
    }
  }
  if (brig_firejail_apply(spec, o.profile, &ctx, &opts, &warnings, &err) < 0) {
    /* err is "firejail: ..." */
    fail("%s", strchr(err, ' ') ? strchr(err, ' ') + 1 : err);
    goto out;
  }
  for (size_t i = 0; i < warnings.n; i++)
    fprintf(stderr, PREFIX "warning: %s\n", warnings.items[i]);
  if (oci_emit(&oci_spec_desc, spec, true, &out, &len, &err) < 0) {
    fail("%s", err);
    goto out;
  }
  if (fwrite(out, 1, len, stdout) != len || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
    fail("cannot write output: %s", strerror(errno));
    goto out;
  }
  rc = 0;
out:
  brig_fj_warnings_free(&warnings);
  if (spec)
    oci_spec_free(spec);
  brig_error_free(berr);
  free(path);
  free(err);
  free(out);
  free(program);
  free(user);
  return rc;
}
