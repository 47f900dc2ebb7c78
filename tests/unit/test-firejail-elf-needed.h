/* Tiny ELF objects for the private-lib tests: an executable or shared
 * object with a PT_LOAD covering the file, optional PT_INTERP, and a
 * dynamic section naming libraries, a soname and a runpath. */
#ifndef BRIG_TESTS_FIREJAIL_ELF_NEEDED_H
#define BRIG_TESTS_FIREJAIL_ELF_NEEDED_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct tiny_elf {
  bool is64, big;
  unsigned machine;
  const char *interp;
  const char *needed[4];
  const char *runpath, *soname;
};

static void
tiny_put(unsigned char *p, uint64_t v, size_t size, bool big)
{
  for (size_t i = 0; i < size; i++)
    p[big ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

/* Writes the object into BUF (4096 bytes are plenty); returns its size.
 * Layout: header, 3 program headers, interp, string table, dynamic. */
__attribute__((unused)) static size_t
tiny_elf_build(const struct tiny_elf *t, unsigned char *buf, size_t cap)
{
  size_t eh = t->is64 ? 64 : 52, phs = t->is64 ? 56 : 32, dsz = t->is64 ? 16 : 8;
  size_t at = eh + 3 * phs, interp_off = at, str_off, dyn_off, n_dyn = 0, strsz;
  size_t name_off[4] = { 0 }, run_off = 0, so_off = 0;
  unsigned char *p;
  bool b = t->big;

  memset(buf, 0, cap);
  if (t->interp) {
    strcpy((char *)buf + at, t->interp);
    at += strlen(t->interp) + 1;
  }
  str_off = at;
  buf[at++] = '\0';
  for (size_t i = 0; i < 4 && t->needed[i]; i++) {
    name_off[i] = at - str_off;
    strcpy((char *)buf + at, t->needed[i]);
    at += strlen(t->needed[i]) + 1;
  }
  if (t->runpath) {
    run_off = at - str_off;
    strcpy((char *)buf + at, t->runpath);
    at += strlen(t->runpath) + 1;
  }
  if (t->soname) {
    so_off = at - str_off;
    strcpy((char *)buf + at, t->soname);
    at += strlen(t->soname) + 1;
  }
  strsz = at - str_off;
  at = (at + 7) & ~(size_t)7;
  dyn_off = at;
#define DYN(tag, val)                                \
  do {                                               \
    tiny_put(buf + at, (tag), dsz / 2, b);           \
    tiny_put(buf + at + dsz / 2, (val), dsz / 2, b); \
    at += dsz;                                       \
    n_dyn++;                                         \
  } while (0)
  for (size_t i = 0; i < 4 && t->needed[i]; i++)
    DYN(1, name_off[i]);
  if (t->runpath)
    DYN(29, run_off);
  if (t->soname)
    DYN(14, so_off);
  DYN(5, str_off); /* vaddr == offset: the PT_LOAD maps the file at 0 */
  DYN(10, strsz);
  DYN(0, 0);
#undef DYN
  /* header */
  memcpy(buf, "\177ELF", 4);
  buf[4] = t->is64 ? 2 : 1;
  buf[5] = b ? 2 : 1;
  buf[6] = 1;
  tiny_put(buf + 16, t->soname ? 3 : 2, 2, b);
  tiny_put(buf + 18, t->machine, 2, b);
  tiny_put(buf + 20, 1, 4, b);
  tiny_put(buf + (t->is64 ? 32 : 28), eh, t->is64 ? 8 : 4, b);
  tiny_put(buf + (t->is64 ? 52 : 40), eh, 2, b);
  tiny_put(buf + (t->is64 ? 54 : 42), phs, 2, b);
  tiny_put(buf + (t->is64 ? 56 : 44), 3, 2, b);
  /* program headers: PT_LOAD, PT_DYNAMIC, PT_INTERP (or PT_NULL) */
  for (int i = 0; i < 3; i++) {
    uint64_t type = i == 0 ? 1 : i == 1 ? 2 : t->interp ? 3 : 0;
    uint64_t off = i == 0 ? 0 : i == 1 ? dyn_off : interp_off;
    uint64_t size = i == 0 ? at : i == 1 ? n_dyn * dsz : t->interp ? strlen(t->interp) + 1 : 0;

    p = buf + eh + (size_t)i * phs;
    tiny_put(p, type, 4, b);
    if (t->is64) {
      tiny_put(p + 8, off, 8, b);
      tiny_put(p + 16, off, 8, b);
      tiny_put(p + 32, size, 8, b);
      tiny_put(p + 40, size, 8, b);
    } else {
      tiny_put(p + 4, off, 4, b);
      tiny_put(p + 8, off, 4, b);
      tiny_put(p + 16, size, 4, b);
      tiny_put(p + 20, size, 4, b);
    }
  }
  return at;
}

#endif
