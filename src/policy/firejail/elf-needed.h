/* What the dynamic loader needs to load an ELF object: its class and
 * machine, its program interpreter (PT_INTERP), the libraries it names
 * (DT_NEEDED) and where it asks to find them (DT_RPATH, DT_RUNPATH).
 * private-lib (to-oci-lib.c) resolves a program's libraries with it, as
 * ldd would, without running anything.
 *
 * The files are untrusted (a container image, any file a profile names):
 * every offset and size is checked against the file before it is used,
 * tables and strings are bounded, and bad input gets a one-line reason,
 * never a crash.  ELF32 and ELF64, either byte order. */
#ifndef BRIG_POLICY_FIREJAIL_ELF_NEEDED_H
#define BRIG_POLICY_FIREJAIL_ELF_NEEDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct brig_elf_needed {
  unsigned elf_class; /* 32 or 64 */
  unsigned machine;   /* e_machine (EM_X86_64, ...) */
  bool big_endian;
  bool has_dynamic; /* false: a static executable (no PT_DYNAMIC) */
  char *interp;     /* PT_INTERP; NULL when none */
  char *soname;     /* DT_SONAME; NULL when none */
  char *rpath;      /* DT_RPATH, colon-separated; NULL when none */
  char *runpath;    /* DT_RUNPATH; NULL when none */
  char **needed;    /* DT_NEEDED names, in order */
  size_t n_needed;
};

/* Reads LEN bytes at OFF into BUF: 0 when all of them were read, -1
 * otherwise.  SIZE bounds every read the parser makes. */
struct brig_elf_source {
  int (*pread)(void *opaque, void *buf, size_t len, uint64_t off);
  void *opaque;
  uint64_t size;
};

/* Parses the object of SRC into *OUT (to free with brig_elf_needed_free
 * either way).  Returns 0, or -1 with *WHY set to a static one-line
 * reason ("not an ELF file", "dynamic section out of bounds", ...). */
int brig_elf_needed_read(const struct brig_elf_source *src, struct brig_elf_needed *out,
                         const char **why);

/* The same on an open file (a regular file, else "not a regular file")
 * and on a buffer (the fuzz target, the tests). */
int brig_elf_needed_fd(int fd, struct brig_elf_needed *out, const char **why);
int brig_elf_needed_mem(const void *data, size_t len, struct brig_elf_needed *out,
                        const char **why);

void brig_elf_needed_free(struct brig_elf_needed *e);

#endif
