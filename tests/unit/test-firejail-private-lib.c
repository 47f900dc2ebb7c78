/* Unit tests of the private-lib conversion (to-oci-lib.c and its mounts
 * in to-oci-mounts.c) on a small real tree built in a temporary
 * directory: the host's /bin/true, libc and loader (and libz, not needed
 * by true), a merged /usr (lib -> usr/lib, lib64 -> usr/lib64), an
 * ld.so.conf with an include, and tiny built objects for DT_RUNPATH with
 * $ORIGIN.  The default glob, node and open functions read it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert-base.h"
#include "tap.h"
#include "test-firejail-elf-needed.h"
#include "test-firejail-util.h"
#include "to-oci.h"

static char root[PATH_MAX];
static struct brig_fj_warnings warnings;

static int
write_file(const char *rel, const void *data, size_t len, mode_t mode)
{
  char path[PATH_MAX * 2], *slash;
  int fd;

  snprintf(path, sizeof(path), "%s%s", root, rel);
  for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    mkdir(path, 0755);
    *slash = '/';
  }
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  return close(fd);
}

/* Copies the host file HOST (symlinks resolved) to REL of the tree. */
static int
copy_host(const char *host, const char *rel)
{
  char real[PATH_MAX];
  struct stat st;
  char *buf;
  int fd, r = -1;

  if (!realpath(host, real) || (fd = open(real, O_RDONLY | O_CLOEXEC)) < 0)
    return -1;
  if (fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
    if (read(fd, buf, (size_t)st.st_size) == st.st_size)
      r = write_file(rel, buf, (size_t)st.st_size, 0755);
    free(buf);
  }
  close(fd);
  return r;
}

static int
link_in_tree(const char *target, const char *rel)
{
  char path[PATH_MAX * 2];

  snprintf(path, sizeof(path), "%s%s", root, rel);
  return symlink(target, path);
}

static int
tiny(const char *rel, const char *interp, const char *n1, const char *n2, const char *runpath)
{
  struct tiny_elf t = { true, false, 62, interp, { n1, n2, NULL }, runpath, NULL };
  unsigned char buf[4096];
  size_t len = tiny_elf_build(&t, buf, sizeof(buf));

  return write_file(rel, buf, len, 0755);
}

static int
build_tree(bool *have_libz)
{
  static const char conf[] = "# test\ninclude ld.so.conf.d/*.conf\n";
  static const char conf_d[] = "/usr/lib/x86_64-linux-gnu\n/usr/local/lib/\n";
  static const char script[] = "#!/usr/bin/app --flag\n";

  snprintf(root, sizeof(root), "/tmp/brig-test-private-lib.XXXXXX");
  if (!mkdtemp(root))
    return -1;
  if (copy_host("/usr/bin/true", "/usr/bin/true") < 0 ||
      copy_host("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6") < 0 ||
      copy_host("/lib64/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2") <
          0)
    return -1;
  *have_libz =
      copy_host("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1.9") == 0 &&
      link_in_tree("libz.so.1.9", "/usr/lib/x86_64-linux-gnu/libz.so.1") == 0;
  if (write_file("/usr/lib64/.keep", "", 0, 0644) < 0 ||
      link_in_tree("../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                   "/usr/lib64/ld-linux-x86-64.so.2") < 0 ||
      link_in_tree("usr/lib", "/lib") < 0 || link_in_tree("usr/lib64", "/lib64") < 0 ||
      link_in_tree("usr/bin", "/bin") < 0 ||
      write_file("/usr/lib/locale/C.utf8/LC_CTYPE", "", 0, 0644) < 0 ||
      write_file("/usr/lib/x86_64-linux-gnu/libunused.so.3", "\177ELF", 4, 0644) < 0 ||
      write_file("/etc/ld.so.conf", conf, sizeof(conf) - 1, 0644) < 0 ||
      write_file("/etc/ld.so.conf.d/x86_64.conf", conf_d, sizeof(conf_d) - 1, 0644) < 0 ||
      write_file("/home/alice/.keep", "", 0, 0644) < 0 ||
      write_file("/usr/local/bin/script", script, sizeof(script) - 1, 0755) < 0)
    return -1;
  /* app: libfoo through DT_RUNPATH $ORIGIN/../lib/app; libfoo needs libbar,
   * found through ld.so.conf in /usr/local/lib */
  if (tiny("/usr/bin/app", "/lib64/ld-linux-x86-64.so.2", "libfoo.so.1", "libc.so.6",
           "$ORIGIN/../lib/app") < 0 ||
      tiny("/usr/lib/app/libfoo.so.1", NULL, "libbar.so.2", NULL, NULL) < 0 ||
      tiny("/usr/local/lib/libbar.so.2", NULL, "libc.so.6", NULL, NULL) < 0 ||
      /* a 32-bit libbar earlier in the path is skipped, as ld.so does */
      write_file("/usr/lib/app/.keep", "", 0, 0644) < 0)
    return -1;
  {
    struct tiny_elf t = { false, false, 3, NULL, { "libc.so.6", NULL }, NULL, NULL };
    unsigned char buf[4096];
    size_t len = tiny_elf_build(&t, buf, sizeof(buf));

    if (write_file("/usr/lib/x86_64-linux-gnu/libbar.so.2", buf, len, 0755) < 0)
      return -1;
  }
  return 0;
}

static oci_spec *
conv(const char *text, const char *program)
{
  struct memfs fs = { 0 };
  struct brig_fj_context ctx;
  struct brig_fj_oci_options opts;
  struct brig_fj_profile *p;
  brig_error *berr = NULL;
  oci_spec *spec;
  char *err = NULL;

  test_context(&ctx, &fs);
  ctx.home = "/home/alice";
  brig_fj_warnings_free(&warnings);
  if (brig_fj_parse_buffer(&ctx, "/etc/firejail/test.profile", text, strlen(text), &p, &err) < 0) {
    tap_diag("parse: %s", err);
    free(err);
    return NULL;
  }
  brig_fj_oci_options_init(&opts);
  opts.root_dir = root;
  opts.home = "/home/alice";
  opts.uid = opts.gid = 1000;
  spec = brig_fj_convert_base("alice", 1000, 1000, "/home/alice", program, &berr);
  if (brig_fj_to_oci(spec, p, &opts, &warnings, &err) < 0) {
    tap_diag("convert: %s", err);
    free(err);
    oci_spec_free(spec);
    spec = NULL;
  }
  brig_fj_profile_free(p);
  return spec;
}

static ssize_t
mount_index(const oci_spec *s, const char *dest, const char *type)
{
  for (size_t i = 0; s && i < s->mounts_len; i++)
    if (strcmp(s->mounts[i].destination, dest) == 0 &&
        (!type || strcmp(s->mounts[i].type, type) == 0))
      return (ssize_t)i;
  return -1;
}

static bool
has_opt(const oci_mount *m, const char *o)
{
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp(m->options[i], o) == 0)
      return true;
  return false;
}

static bool
source_ends(const oci_spec *s, ssize_t i, const char *suffix)
{
  size_t l, sl = strlen(suffix);

  if (i < 0)
    return false;
  l = strlen(s->mounts[i].source);
  return l >= sl && strcmp(s->mounts[i].source + l - sl, suffix) == 0;
}

static bool
warned(const char *what)
{
  for (size_t i = 0; i < warnings.n; i++)
    if (strstr(warnings.items[i], what))
      return true;
  return false;
}

static bool
has_annotation(const oci_spec *s, const char *key)
{
  return s && oci_strmap_get(&s->annotations, key) != NULL;
}

static void
test_program(bool have_libz)
{
  oci_spec *s = conv("private-lib\n", "true");
  ssize_t tmp = mount_index(s, "/usr/lib", "tmpfs");
  ssize_t libc = mount_index(s, "/usr/lib/x86_64-linux-gnu/libc.so.6", "bind");
  ssize_t ld = mount_index(s, "/usr/lib/ld-linux-x86-64.so.2", "bind");
  ssize_t ld2 = mount_index(s, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "bind");
  ssize_t locale = mount_index(s, "/usr/lib/locale", "bind");
  ssize_t ro = -1, l64 = mount_index(s, "/usr/lib64", "bind");

  for (size_t i = 0; s && i < s->mounts_len; i++)
    if (!strcmp(s->mounts[i].destination, "/usr/lib") && !strcmp(s->mounts[i].type, "bind"))
      ro = (ssize_t)i;
  TAP_OK(tmp >= 0, "private-lib: a tmpfs over /usr/lib (the real directory; /lib is a link)");
  TAP_OK(s && mount_index(s, "/lib", NULL) < 0 && mount_index(s, "/lib64", NULL) < 0,
         "private-lib: nothing mounted on the symlinked /lib and /lib64");
  {
    ssize_t st = -1;
    char want[256] = "-";

    for (size_t i = 0; s && i < s->mounts_len; i++)
      if (!strncmp(s->mounts[i].destination, BRIG_FJ_STAGE_DIR "/", sizeof(BRIG_FJ_STAGE_DIR)) &&
          source_ends(s, (ssize_t)i, "/usr/lib"))
        st = (ssize_t)i;
    if (st >= 0)
      snprintf(want, sizeof(want), "%s/x86_64-linux-gnu/libc.so.6", s->mounts[st].destination);
    TAP_OK(st >= 0 && st < tmp, "private-lib: /usr/lib staged once, before its tmpfs");
    TAP_OK(libc > tmp && has_opt(&s->mounts[libc], "ro") && source_ends(s, libc, want),
           "private-lib: libc.so.6 (DT_NEEDED of true) bound read-only from the staged /usr/lib "
           "(%s)",
           libc >= 0 ? s->mounts[libc].source : "-");
  }
  TAP_OK(ld > tmp && ld2 > tmp, "private-lib: the loader (PT_INTERP /lib64/...) at the top and "
                                "in the multiarch directory, as Firejail");
  TAP_OK(locale > tmp && source_ends(s, locale, "/locale"), "private-lib: /usr/lib/locale");
  TAP_OK(s && mount_index(s, "/usr/lib/x86_64-linux-gnu/libunused.so.3", NULL) < 0 &&
             mount_index(s, "/usr/lib/app/libfoo.so.1", NULL) < 0,
         "private-lib: a library the program does not need is not bound");
  if (have_libz)
    TAP_OK(s && mount_index(s, "/usr/lib/x86_64-linux-gnu/libz.so.1", NULL) < 0,
           "private-lib: libz (not needed by true) is not bound");
  TAP_OK(ro > libc && has_opt(&s->mounts[ro], "ro") && source_ends(s, ro, "/usr/lib"),
         "private-lib: the new /usr/lib made read-only after the binds");
  TAP_OK(l64 > ro && has_opt(&s->mounts[l64], "ro") && source_ends(s, l64, "/usr/lib") &&
             has_opt(&s->mounts[l64], "rbind"),
         "private-lib: /usr/lib64 shows the same directory (rbind, ro)");
  TAP_OK(s && !has_annotation(s, "run.brig.firejail.private-lib") &&
             !has_annotation(s, BRIG_FJ_ANN_UNSUPPORTED),
         "private-lib: applied, not listed as unsupported");
  oci_spec_free(s);

  /* a script: its interpreter's libraries (app's libfoo and libbar) */
  s = conv("private-lib\n", "/usr/local/bin/script");
  TAP_OK(mount_index(s, "/usr/lib/app/libfoo.so.1", "bind") >= 0,
         "private-lib: a script's #! interpreter is resolved");
  oci_spec_free(s);
}

static void
test_runpath(void)
{
  oci_spec *s = conv("private-lib\n", "app");
  ssize_t foo = mount_index(s, "/usr/lib/app/libfoo.so.1", "bind");
  ssize_t bar = mount_index(s, "/usr/lib/libbar.so.2", "bind");
  ssize_t bar32 = mount_index(s, "/usr/lib/x86_64-linux-gnu/libbar.so.2", NULL);

  TAP_OK(foo >= 0, "private-lib: DT_RUNPATH $ORIGIN/../lib/app resolved");
  TAP_OK(bar > 0 && source_ends(s, bar, "/usr/local/lib/libbar.so.2"),
         "private-lib: a dependency found through ld.so.conf's include, in /usr/local/lib, at its "
         "relative path (%s)",
         bar >= 0 ? s->mounts[bar].source : "-");
  TAP_OK(s && bar32 < 0, "private-lib: a library of another ELF class is skipped");
  TAP_OK(s && mount_index(s, "/usr/local/lib", "bind") >= 0,
         "private-lib: /usr/local/lib shows the new directory too");
  oci_spec_free(s);

  /* private-bin programs bring their libraries */
  s = conv("private-bin app\nprivate-lib\n", "true");
  {
    ssize_t bin = mount_index(s, "/usr/bin", "tmpfs");
    ssize_t lib = mount_index(s, "/usr/lib", "tmpfs");

    TAP_OK(mount_index(s, "/usr/lib/app/libfoo.so.1", "bind") >= 0,
           "private-lib with private-bin: the private-bin programs' libraries too");
    TAP_OK(bin >= 0 && lib > bin, "order: private-bin, then private-lib (as Firejail)");
  }
  oci_spec_free(s);
}

static void
test_list(bool have_libz)
{
  oci_spec *s = conv("private-lib libz.so.*,app,/usr/lib/x86_64-linux-gnu/libunused.so.3\n"
                     "private-lib /etc/ld.so.conf\n",
                     "true");

  if (have_libz)
    TAP_OK(mount_index(s, "/usr/lib/x86_64-linux-gnu/libz.so.1", "bind") >= 0 &&
               mount_index(s, "/usr/lib/x86_64-linux-gnu/libz.so.1.9", "bind") >= 0,
           "private-lib LIST: a glob relative to the multiarch directory");
  TAP_OK(mount_index(s, "/usr/lib/app", "bind") >= 0,
         "private-lib LIST: a directory relative to /usr/lib, whole");
  TAP_OK(mount_index(s, "/usr/lib/libbar.so.2", "bind") >= 0,
         "private-lib LIST: the libraries of the objects in a listed directory");
  TAP_OK(mount_index(s, "/usr/lib/x86_64-linux-gnu/libunused.so.3", "bind") >= 0,
         "private-lib LIST: an absolute path (not an ELF object: bound, nothing resolved)");
  TAP_OK(warned("/etc/ld.so.conf: not in a library directory"),
         "private-lib LIST: a path outside the library directories: a warning");
  TAP_OK(mount_index(s, "/usr/lib/x86_64-linux-gnu/libc.so.6", "bind") >= 0,
         "private-lib LIST: the program's libraries as well");
  oci_spec_free(s);
}

static void
test_missing(void)
{
  oci_spec *s = conv("private-lib\n", "nonexistent-program");

  TAP_OK(warned("program nonexistent-program not found"),
         "private-lib: a program not found: a warning");
  TAP_OK(mount_index(s, "/usr/lib/x86_64-linux-gnu/libc.so.6", "bind") >= 0,
         "private-lib: the C library is installed all the same");
  oci_spec_free(s);
}

/* ROOT with nothing in it: no library at all, the directories stay. */
static void
test_empty_tree(void)
{
  char saved[PATH_MAX];
  oci_spec *s;

  memcpy(saved, root, sizeof(saved));
  snprintf(root, sizeof(root), "/tmp/brig-test-private-lib-empty.XXXXXX");
  if (!mkdtemp(root)) {
    TAP_SKIP("mkdtemp: %s", strerror(errno));
    memcpy(root, saved, sizeof(saved));
    return;
  }
  write_file("/usr/lib/x86_64-linux-gnu/.keep", "", 0, 0644);
  write_file("/home/alice/.keep", "", 0, 0644);
  s = conv("private-lib\n", "true");
  TAP_OK(s && mount_index(s, "/usr/lib", NULL) < 0 && warned("no library found"),
         "private-lib on a tree without libraries: /usr/lib left alone, a warning");
  oci_spec_free(s);
  {
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
      tap_diag("could not remove %s", root);
  }
  memcpy(root, saved, sizeof(saved));
}

int
main(void)
{
  bool have_libz = false;

#if !defined(__x86_64__)
  TAP_SKIP("the tree is built from x86_64 Debian paths");
  return tap_done();
#endif
  if (build_tree(&have_libz) < 0) {
    TAP_SKIP("cannot build the test tree from the host (%s)", strerror(errno));
  } else {
    test_program(have_libz);
    test_runpath();
    test_list(have_libz);
    test_missing();
    test_empty_tree();
  }
  if (root[0]) {
    char cmd[PATH_MAX + 16];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
      tap_diag("could not remove %s", root);
  }
  brig_fj_warnings_free(&warnings);
  return tap_done();
}
