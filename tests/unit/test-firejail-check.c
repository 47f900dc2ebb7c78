/* The "check" CLI entry: output format, errors, options. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firejail.h"
#include "tap.h"

static char dir[] = "/tmp/brig-fj-check-XXXXXX";

static void
write_file(const char *rel, const char *text)
{
  char path[512];
  FILE *f;

  snprintf(path, sizeof(path), "%s/%s", dir, rel);
  f = fopen(path, "w");
  if (!f)
    return;
  fputs(text, f);
  fclose(f);
}

static char *
slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  char *buf = calloc(1, 65536);
  size_t n;

  if (!f)
    return buf;
  n = fread(buf, 1, 65535, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Runs check with ARGS (NULL-terminated), capturing stdout and stderr. */
static int
run(char **out, char **err, ...)
{
  char *argv[32], outp[512], errp[512];
  int argc = 0, rc, so, se, fo, fe;
  va_list ap;

  argv[argc++] = "check";
  va_start(ap, err);
  while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
    argc++;
  va_end(ap);
  argv[argc] = NULL;
  snprintf(outp, sizeof(outp), "%s/out", dir);
  snprintf(errp, sizeof(errp), "%s/err", dir);
  fflush(stdout);
  fflush(stderr);
  so = dup(1);
  se = dup(2);
  fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fo, 1);
  dup2(fe, 2);
  rc = brig_firejail_check_main(argc, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(so, 1);
  dup2(se, 2);
  close(so);
  close(se);
  close(fo);
  close(fe);
  *out = slurp(outp);
  *err = slurp(errp);
  return rc;
}

int
main(void)
{
  char path[512], want[4096], home[512], *out, *err;
  int rc;

  if (!mkdtemp(dir)) {
    TAP_SKIP("cannot create a temporary directory");
    return tap_done();
  }
  snprintf(home, sizeof(home), "%s/home", dir);
  mkdir(home, 0700);
  snprintf(path, sizeof(path), "%s/home/.config", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof(path), "%s/home/.config/firejail", dir);
  mkdir(path, 0700);
  write_file("home/.config/firejail/app.profile", "# app\ninclude app.local\n"
                                                  "include common.inc\ncaps.drop all\n"
                                                  "?HAS_X11: x11 none\n");
  write_file("home/.config/firejail/common.inc", "blacklist ${HOME}/.ssh # keys\n");
  write_file("bad.profile", "caps\n\nblacklst /foo\n");

  snprintf(path, sizeof(path), "%s/home/.config/firejail/app.profile", dir);
  rc = run(&out, &err, "--home", home, "app", NULL);
  snprintf(want, sizeof(want),
           "%s:2: include app.local\n"
           "%s:3: include %s/home/.config/firejail/common.inc\n"
           "%s/home/.config/firejail/common.inc:1: blacklist %s/.ssh\n"
           "%s:4: caps.drop all\n",
           path, path, dir, dir, home, path);
  TAP_OK(rc == 0 && !strcmp(out, want) && !*err, "profile name looked up in ~/.config/firejail");
  if (strcmp(out, want))
    tap_diag("got:\n%s", out);
  free(out);
  free(err);

  snprintf(want, sizeof(want), "--home=%s", home);
  rc = run(&out, &err, want, "--condition", "HAS_X11", path, NULL);
  TAP_OK(rc == 0 && strstr(out, ":5: x11 none\n") && strstr(out, "/.ssh\n"),
         "--condition HAS_X11 and --home=DIR");
  free(out);
  free(err);

  rc = run(&out, &err, "--home", home, "--condition=HAS_X11=no", path, NULL);
  TAP_OK(rc == 0 && !strstr(out, "x11 none"), "--condition NAME=no");
  free(out);
  free(err);

  snprintf(path, sizeof(path), "%s/bad.profile", dir);
  rc = run(&out, &err, "--home", home, path, NULL);
  snprintf(want, sizeof(want), "brig: firejail check: %s:3: unknown directive 'blacklst'\n", path);
  TAP_OK(rc == 1 && !*out && !strcmp(err, want), "unknown directive: one line on stderr, exit 1");
  free(out);
  free(err);

  rc = run(&out, &err, "--home", home, "no-such-profile", NULL);
  snprintf(want, sizeof(want),
           "brig: firejail check: profile 'no-such-profile' not found in "
           "%s/.config/firejail or /etc/firejail\n",
           home);
  TAP_OK(rc == 1 && !strcmp(err, want), "missing profile name");
  free(out);
  free(err);

  rc = run(&out, &err, "--home", home, "/nonexistent/x.profile", NULL);
  TAP_OK(rc == 1 &&
             !strcmp(err, "brig: firejail check: /nonexistent/x.profile: cannot read profile: "
                          "No such file or directory\n"),
         "missing profile path");
  free(out);
  free(err);

  rc = run(&out, &err, NULL);
  TAP_OK(rc == 1 && !strcmp(err, "brig: firejail check: missing PROFILE\n"), "no profile");
  free(out);
  free(err);

  rc = run(&out, &err, "--bogus", "x", NULL);
  TAP_OK(rc == 1 && !strcmp(err, "brig: firejail check: unknown option '--bogus'\n"),
         "unknown option");
  free(out);
  free(err);

  rc = run(&out, &err, "--home", home, "--condition", "HAS_FOO", "x", NULL);
  TAP_OK(rc == 1 && !strcmp(err, "brig: firejail check: unknown condition 'HAS_FOO'\n"),
         "unknown condition");
  free(out);
  free(err);

  rc = run(&out, &err, "--home", NULL);
  TAP_OK(rc == 1 && !strcmp(err, "brig: firejail check: --home requires a value\n"),
         "option without value");
  free(out);
  free(err);

  rc = run(&out, &err, "--home", "rel", "x", NULL);
  TAP_OK(rc == 1 && !strcmp(err, "brig: firejail check: --home must be an absolute path\n"),
         "relative --home");
  free(out);
  free(err);

  rc = run(&out, &err, "--user", "no-such-user-brig", "x", NULL);
  TAP_OK(rc == 1 && !strcmp(err, "brig: firejail check: unknown user 'no-such-user-brig'\n"),
         "unknown --user");
  free(out);
  free(err);

  rc = run(&out, &err, "--user", "root", "--home", home, "app", NULL);
  TAP_OK(rc == 0 && strstr(out, "caps.drop all"), "--user root with --home");
  free(out);
  free(err);

  rc = run(&out, &err, "a", "b", NULL);
  TAP_OK(rc == 1 && !strcmp(err, "brig: firejail check: only one profile can be checked\n"),
         "two profiles");
  free(out);
  free(err);

  if (access("/etc/firejail/firefox.profile", R_OK) == 0) {
    rc = run(&out, &err, "--home", "/home/alice", "firefox", NULL);
    TAP_OK(rc == 0 && strstr(out, "/etc/firejail/firefox.profile:18: noblacklist "
                                  "/home/alice/.mozilla\n"),
           "real firefox profile");
    free(out);
    free(err);
  } else {
    TAP_SKIP("/etc/firejail/firefox.profile not present");
  }

  snprintf(path, sizeof(path), "rm -rf '%s'", dir);
  if (system(path) != 0)
    tap_diag("cleanup failed");
  return tap_done();
}
