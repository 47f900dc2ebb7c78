/* Unit tests of private-lib's ELF reader (src/policy/firejail/
 * elf-needed.c): real objects of the host, tiny built objects of both
 * classes and byte orders, and malformed input, which must fail with a
 * reason and never crash. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-needed.h"
#include "tap.h"
#include "test-firejail-elf-needed.h"

static bool
needs(const struct brig_elf_needed *e, const char *name)
{
  for (size_t i = 0; i < e->n_needed; i++)
    if (strcmp(e->needed[i], name) == 0)
      return true;
  return false;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  unsigned char *buf = NULL;

  if (fd < 0)
    return NULL;
  if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < (64 << 20)) {
    buf = malloc((size_t)st.st_size);
    if (buf && read(fd, buf, (size_t)st.st_size) != st.st_size) {
      free(buf);
      buf = NULL;
    }
    *len = (size_t)st.st_size;
  }
  close(fd);
  return buf;
}

static void
test_host(void)
{
  struct brig_elf_needed e;
  const char *why = "";
  int fd = open("/bin/ls", O_RDONLY | O_CLOEXEC);

  if (fd < 0) {
    TAP_SKIP("/bin/ls: not readable");
    return;
  }
  {
    int r = brig_elf_needed_fd(fd, &e, &why);

    TAP_OK(r == 0, "/bin/ls parses (%s)", r == 0 ? "ok" : why);
  }
  close(fd);
  TAP_OK(e.has_dynamic && needs(&e, "libc.so.6"), "/bin/ls needs libc.so.6");
  TAP_OK(e.interp && strstr(e.interp, "ld-linux") != NULL, "/bin/ls: PT_INTERP %s",
         e.interp ? e.interp : "(none)");
#if defined(__x86_64__)
  TAP_OK(e.elf_class == 64 && e.machine == 62 && !e.big_endian, "/bin/ls: ELF64 x86-64 LE");
  TAP_OK(needs(&e, "libselinux.so.1"), "/bin/ls (Debian) needs libselinux.so.1");
#endif
  brig_elf_needed_free(&e);

  fd = open("/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    TAP_SKIP("libc.so.6 not at the multiarch path");
  } else {
    int r = brig_elf_needed_fd(fd, &e, &why);

    TAP_OK(r == 0 && e.soname && strcmp(e.soname, "libc.so.6") == 0, "libc.so.6: DT_SONAME %s",
           e.soname ? e.soname : "(none)");
    brig_elf_needed_free(&e);
    close(fd);
  }
  {
    int r;

    fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    r = brig_elf_needed_fd(fd, &e, &why);
    TAP_OK(r < 0 && strcmp(why, "not a regular file") == 0, "a directory: %s", why);
    close(fd);
    fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    r = fd >= 0 ? brig_elf_needed_fd(fd, &e, &why) : 0;
    TAP_OK(r < 0 && strcmp(why, "not an ELF file") == 0, "a text file: %s", why);
    if (fd >= 0)
      close(fd);
  }
}

static void
test_tiny(void)
{
  static const struct {
    bool is64, big;
  } kinds[] = { { true, false }, { false, false }, { true, true }, { false, true } };
  unsigned char buf[4096];

  for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
    struct tiny_elf t = {
      kinds[k].is64,    kinds[k].big, 62, "/lib/ld.so", { "liba.so.1", "libb.so.2", NULL },
      "$ORIGIN/../lib", NULL
    };
    size_t len = tiny_elf_build(&t, buf, sizeof(buf));
    struct brig_elf_needed e;
    const char *why = "";

    int r = brig_elf_needed_mem(buf, len, &e, &why);

    TAP_OK(r == 0 && e.n_needed == 2 && !strcmp(e.needed[0], "liba.so.1") &&
               !strcmp(e.needed[1], "libb.so.2") && e.runpath &&
               !strcmp(e.runpath, "$ORIGIN/../lib") && e.interp &&
               !strcmp(e.interp, "/lib/ld.so") && e.elf_class == (t.is64 ? 64u : 32u) &&
               e.big_endian == t.big && e.machine == 62,
           "tiny ELF%d %s: needed, runpath, interp (%s)", t.is64 ? 64 : 32, t.big ? "BE" : "LE",
           r == 0 ? "ok" : why);
    brig_elf_needed_free(&e);
  }
}

/* A tiny ELF64 with one byte changed at OFF (or the size cut to LEN) must
 * be refused with a reason. */
static void
expect_bad(const unsigned char *orig, size_t len, size_t off, uint64_t val, size_t size,
           const char *what)
{
  unsigned char buf[4096];
  struct brig_elf_needed e;
  const char *why = NULL;
  int r;

  memcpy(buf, orig, len);
  if (size)
    tiny_put(buf + off, val, size, false);
  r = brig_elf_needed_mem(buf, len, &e, &why);
  TAP_OK(r < 0 && why && why[0], "%s: refused (%s)", what, why ? why : "accepted");
  if (r == 0)
    brig_elf_needed_free(&e);
}

static void
test_malformed(void)
{
  struct tiny_elf t = { true, false, 62, "/lib/ld.so", { "liba.so.1", NULL }, NULL, NULL };
  unsigned char buf[4096];
  size_t len = tiny_elf_build(&t, buf, sizeof(buf));
  size_t ph = 64, dyn_ph = ph + 56;
  struct brig_elf_needed e;
  const char *why = NULL;
  size_t ok = 0, refused = 0, dyn_off = 0, str_off = 0;

  static const struct {
    size_t len;
    const char *what;
  } cuts[] = { { 0, "empty input" },
               { 4, "4 bytes" },
               { 40, "truncated header" },
               { 100, "truncated program headers" } };

  for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
    int r = brig_elf_needed_mem(buf, cuts[i].len, &e, &why);

    TAP_OK(r < 0 && why, "%s: %s", cuts[i].what, why ? why : "accepted");
  }
  expect_bad(buf, len, 4, 3, 1, "unknown class");
  expect_bad(buf, len, 16, 1, 2, "a relocatable object");
  expect_bad(buf, len, 32, UINT64_MAX - 8, 8, "program header offset past the end");
  expect_bad(buf, len, 54, 8, 2, "program header entry too small");
  expect_bad(buf, len, 56, 0xffff, 2, "PN_XNUM program headers");
  expect_bad(buf, len, dyn_ph + 8, 1u << 30, 8, "PT_DYNAMIC offset past the end");
  expect_bad(buf, len, dyn_ph + 32, UINT64_MAX, 8, "PT_DYNAMIC size huge");
  expect_bad(buf, len, ph + 2 * 56 + 32, 100000, 8, "PT_INTERP size huge");
  /* find the dynamic entries to corrupt them */
  {
    unsigned char *p = buf + dyn_ph;
    uint64_t v = 0;

    for (size_t i = 0; i < 8; i++)
      v |= (uint64_t)p[8 + i] << (8 * i);
    dyn_off = (size_t)v;
  }
  for (size_t i = 0; dyn_off + i * 16 + 16 <= len; i++)
    if (buf[dyn_off + i * 16] == 5) { /* DT_STRTAB */
      str_off = dyn_off + i * 16 + 8;
      break;
    }
  expect_bad(buf, len, dyn_off + 8, 5000, 8, "DT_NEEDED past the string table");
  TAP_OK(str_off != 0, "tiny ELF: DT_STRTAB found at %zu", str_off);
  if (str_off)
    expect_bad(buf, len, str_off, 1u << 20, 8, "DT_STRTAB not in a loaded segment");
  /* no terminating NUL: the string table ends right after the first name */
  for (size_t i = 0; dyn_off + i * 16 + 16 <= len; i++)
    if (buf[dyn_off + i * 16] == 10) { /* DT_STRSZ */
      expect_bad(buf, len, dyn_off + i * 16 + 8, 4, 8, "unterminated name");
      break;
    }
  /* every truncation and many single-byte changes: a result or a reason */
  for (size_t cut = 0; cut < len; cut++) {
    int r = brig_elf_needed_mem(buf, cut, &e, &why);

    if (r == 0) {
      ok++;
      brig_elf_needed_free(&e);
    } else if (why && why[0]) {
      refused++;
    }
  }
  TAP_OK(ok + refused == len, "every truncation: %zu parsed, %zu refused with a reason", ok,
         refused);
  ok = refused = 0;
  for (size_t i = 0; i < len; i++)
    for (unsigned v = 0; v < 256; v += 17) {
      unsigned char copy[4096];
      int r;

      memcpy(copy, buf, len);
      copy[i] = (unsigned char)v;
      r = brig_elf_needed_mem(copy, len, &e, &why);
      if (r == 0) {
        ok++;
        brig_elf_needed_free(&e);
      } else if (why && why[0]) {
        refused++;
      }
    }
  TAP_OK(ok + refused == len * 16, "single-byte changes: %zu parsed, %zu refused", ok, refused);
}

static void
test_host_mutations(void)
{
  size_t len = 0, ok = 0, refused = 0;
  unsigned char *orig = slurp("/bin/true", &len);
  unsigned seed = 1;

  if (!orig) {
    TAP_SKIP("/bin/true: not readable");
    return;
  }
  for (int round = 0; round < 3000; round++) {
    unsigned char *copy = malloc(len);
    struct brig_elf_needed e;
    const char *why = NULL;
    size_t cut = len;

    memcpy(copy, orig, len);
    /* the headers and tables are near the start: change bytes there */
    for (int k = 0; k < 4; k++) {
      seed = seed * 1103515245u + 12345u;
      copy[(seed >> 8) % (len < 4096 ? len : 4096)] = (unsigned char)(seed >> 20);
    }
    if (round % 5 == 0)
      cut = (seed >> 4) % len;
    if (brig_elf_needed_mem(copy, cut, &e, &why) == 0) {
      ok++;
      brig_elf_needed_free(&e);
    } else if (why && why[0]) {
      refused++;
    }
    free(copy);
  }
  TAP_OK(ok + refused == 3000, "/bin/true mutated 3000 times: %zu parsed, %zu refused", ok,
         refused);
  free(orig);
}

int
main(void)
{
  test_host();
  test_tiny();
  test_malformed();
  test_host_mutations();
  return tap_done();
}
