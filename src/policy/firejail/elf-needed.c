#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* A defensive reader of an ELF object's dynamic section (see
 * elf-needed.h).  It follows what the loader uses, the program headers:
 * PT_INTERP, PT_DYNAMIC, and the PT_LOAD segments that map DT_STRTAB's
 * address to a file offset.  Section headers are ignored (a stripped or
 * hostile file may have none or lie in them).
 *
 * Limits keep a hostile file from costing much: at most MAX_PHDRS
 * program headers, a dynamic section and a string table of bounded size,
 * at most MAX_NEEDED names.  Every read goes through src_read(), which
 * checks OFF + LEN against the file size without overflowing.  Fields are
 * read byte by byte at elf(5)'s offsets, in the file's byte order, so
 * <elf.h> gives only the constants, never a structure to cast onto. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf-needed.h"

#define MAX_PHDRS 4096
#define MAX_DYNAMIC (1u << 20) /* bytes of PT_DYNAMIC read */
#define MAX_STRTAB (16u << 20) /* bytes of DT_STRTAB read */
#define MAX_INTERP 4096
#define MAX_NEEDED 1024

struct seg {
  uint64_t offset, vaddr, filesz;
};

struct reader {
  const struct brig_elf_source *src;
  bool is64, big;
  const char *why;
};

static int
fail(struct reader *r, const char *why)
{
  if (!r->why)
    r->why = why;
  return -1;
}

static bool
in_file(const struct reader *r, uint64_t off, uint64_t len)
{
  return off <= r->src->size && len <= r->src->size - off;
}

static int
src_read(struct reader *r, void *buf, size_t len, uint64_t off, const char *what)
{
  if (!in_file(r, off, len))
    return fail(r, what);
  if (len && r->src->pread(r->src->opaque, buf, len, off) < 0)
    return fail(r, "read error");
  return 0;
}

static uint64_t
get(const struct reader *r, const unsigned char *p, size_t size)
{
  uint64_t v = 0;

  for (size_t i = 0; i < size; i++)
    v |= (uint64_t)p[r->big ? size - 1 - i : i] << (8 * i);
  return v;
}

/* A field of a 32- or 64-bit structure: the offsets and sizes of both. */
static uint64_t
field(const struct reader *r, const unsigned char *p, size_t off32, size_t size32, size_t off64,
      size_t size64)
{
  return r->is64 ? get(r, p + off64, size64) : get(r, p + off32, size32);
}

/* The file offset of virtual address ADDR and how many bytes of the file
 * follow it in its segment; -1 when no PT_LOAD maps it from the file. */
static int
vaddr_to_offset(const struct seg *load, size_t n, uint64_t addr, uint64_t *off, uint64_t *avail)
{
  for (size_t i = 0; i < n; i++) {
    uint64_t d;

    if (addr < load[i].vaddr)
      continue;
    d = addr - load[i].vaddr;
    if (d >= load[i].filesz)
      continue;
    if (load[i].offset > UINT64_MAX - d)
      continue;
    *off = load[i].offset + d;
    *avail = load[i].filesz - d;
    return 0;
  }
  return -1;
}

/* A NUL-terminated string at IDX of the table, copied; NULL on error. */
static char *
str_at(struct reader *r, const char *tab, size_t len, uint64_t idx, const char *what)
{
  const char *end;
  char *s;

  if (idx >= len) {
    fail(r, what);
    return NULL;
  }
  end = memchr(tab + idx, '\0', len - (size_t)idx);
  if (!end) {
    fail(r, what);
    return NULL;
  }
  s = strdup(tab + idx);
  if (!s)
    fail(r, "out of memory");
  return s;
}

static int
read_interp(struct reader *r, const struct seg *s, struct brig_elf_needed *out)
{
  char *buf;
  size_t len;

  if (s->filesz == 0 || s->filesz > MAX_INTERP)
    return fail(r, "bad PT_INTERP size");
  len = (size_t)s->filesz;
  buf = malloc(len + 1);
  if (!buf)
    return fail(r, "out of memory");
  if (src_read(r, buf, len, s->offset, "PT_INTERP out of bounds") < 0) {
    free(buf);
    return -1;
  }
  buf[len] = '\0';
  if (strlen(buf) == 0 || memchr(buf, '\0', len) == NULL) {
    free(buf);
    return fail(r, "PT_INTERP is not a terminated string");
  }
  out->interp = buf;
  return 0;
}

/* The dynamic entries (tag, value pairs) and the string table they
 * point into, then the names. */
static int
read_dynamic(struct reader *r, const struct seg *dyn, const struct seg *load, size_t n_load,
             struct brig_elf_needed *out)
{
  size_t esz = r->is64 ? 16 : 8, n, len;
  unsigned char *d = NULL;
  char *tab = NULL;
  uint64_t strtab = 0, strsz = 0, off, avail;
  bool has_strtab = false, has_strsz = false;
  int rc = -1;

  if (dyn->filesz > MAX_DYNAMIC)
    return fail(r, "dynamic section too large");
  n = (size_t)dyn->filesz / esz;
  if (!in_file(r, dyn->offset, n * esz))
    return fail(r, "dynamic section out of bounds");
  d = malloc(n * esz + 1);
  if (!d)
    return fail(r, "out of memory");
  if (src_read(r, d, n * esz, dyn->offset, "dynamic section out of bounds") < 0)
    goto out;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *e = d + i * esz;
    uint64_t tag = field(r, e, 0, 4, 0, 8), val = field(r, e, 4, 4, 8, 8);

    if (tag == DT_NULL) {
      n = i;
      break;
    }
    if (tag == DT_STRTAB) {
      strtab = val;
      has_strtab = true;
    } else if (tag == DT_STRSZ) {
      strsz = val;
      has_strsz = true;
    }
  }
  if (!has_strtab) {
    rc = 0; /* nothing named */
    goto out;
  }
  if (vaddr_to_offset(load, n_load, strtab, &off, &avail) < 0) {
    fail(r, "DT_STRTAB not in a loaded segment");
    goto out;
  }
  /* DT_STRSZ bounds the table; without it (never seen in practice), the
   * rest of the segment does */
  if (has_strsz && strsz < avail)
    avail = strsz;
  if (avail > MAX_STRTAB) {
    fail(r, "string table too large");
    goto out;
  }
  len = (size_t)avail;
  if (!in_file(r, off, len)) {
    fail(r, "string table out of bounds");
    goto out;
  }
  tab = malloc(len + 1);
  if (!tab) {
    fail(r, "out of memory");
    goto out;
  }
  if (src_read(r, tab, len, off, "string table out of bounds") < 0)
    goto out;
  tab[len] = '\0';
  for (size_t i = 0; i < n; i++) {
    const unsigned char *e = d + i * esz;
    uint64_t tag = field(r, e, 0, 4, 0, 8), val = field(r, e, 4, 4, 8, 8);
    char **slot = NULL, *s;

    switch (tag) {
    case DT_NEEDED:
      if (out->n_needed >= MAX_NEEDED) {
        fail(r, "too many DT_NEEDED entries");
        goto out;
      }
      s = str_at(r, tab, len, val, "DT_NEEDED name out of bounds");
      if (!s)
        goto out;
      {
        char **v = realloc(out->needed, (out->n_needed + 1) * sizeof(char *));

        if (!v) {
          free(s);
          fail(r, "out of memory");
          goto out;
        }
        out->needed = v;
        out->needed[out->n_needed++] = s;
      }
      continue;
    case DT_SONAME:
      slot = &out->soname;
      break;
    case DT_RPATH:
      slot = &out->rpath;
      break;
    case DT_RUNPATH:
      slot = &out->runpath;
      break;
    default:
      continue;
    }
    s = str_at(r, tab, len, val, "dynamic string out of bounds");
    if (!s)
      goto out;
    free(*slot); /* a repeated tag: the last one, as the loader */
    *slot = s;
  }
  rc = 0;
out:
  free(d);
  free(tab);
  return rc;
}

int
brig_elf_needed_read(const struct brig_elf_source *src, struct brig_elf_needed *out,
                     const char **why)
{
  struct reader r = { .src = src };
  unsigned char eh[64], ph[56];
  struct seg *load = NULL, dyn = { 0 }, interp = { 0 };
  bool has_dyn = false, has_interp = false;
  size_t n_load = 0, ehsize, phentsize, phmin, phnum;
  uint64_t phoff, type;
  int rc = -1;

  memset(out, 0, sizeof(*out));
  if (src->size < 16 || src_read(&r, eh, 16, 0, "not an ELF file") < 0 ||
      memcmp(eh, "\177ELF", 4) != 0) {
    *why = "not an ELF file";
    return -1;
  }
  if (eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64) {
    *why = "unknown ELF class";
    return -1;
  }
  if ((eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB) || eh[EI_VERSION] != 1) {
    *why = "unknown ELF byte order or version";
    return -1;
  }
  r.is64 = eh[EI_CLASS] == ELFCLASS64;
  r.big = eh[EI_DATA] == ELFDATA2MSB;
  ehsize = r.is64 ? 64 : 52;
  if (src_read(&r, eh, ehsize, 0, "truncated ELF header") < 0)
    goto out;
  out->elf_class = r.is64 ? 64 : 32;
  out->big_endian = r.big;
  type = get(&r, eh + 16, 2);
  out->machine = (unsigned)get(&r, eh + 18, 2);
  if (type != ET_EXEC && type != ET_DYN) {
    fail(&r, "not an executable or a shared object");
    goto out;
  }
  phoff = field(&r, eh, 28, 4, 32, 8);
  phentsize = (size_t)get(&r, eh + (r.is64 ? 54 : 42), 2);
  phnum = (size_t)get(&r, eh + (r.is64 ? 56 : 44), 2);
  phmin = r.is64 ? 56 : 32;
  if (phnum == PN_XNUM || phnum > MAX_PHDRS) {
    fail(&r, "too many program headers");
    goto out;
  }
  if (phnum && phentsize < phmin) {
    fail(&r, "bad program header size");
    goto out;
  }
  /* the whole table in the file before anything is allocated for it */
  if (!in_file(&r, phoff, (uint64_t)phnum * phentsize)) {
    fail(&r, "program headers out of bounds");
    goto out;
  }
  load = calloc(phnum + 1, sizeof(*load));
  if (!load) {
    fail(&r, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < phnum; i++) {
    const unsigned char *p = ph;
    struct seg s;

    if (src_read(&r, ph, phmin, phoff + (uint64_t)i * phentsize, "program headers out of bounds") <
        0)
      goto out;
    s = (struct seg){
      .offset = field(&r, p, 4, 4, 8, 8),
      .vaddr = field(&r, p, 8, 4, 16, 8),
      .filesz = field(&r, p, 16, 4, 32, 8),
    };

    switch (get(&r, p, 4)) {
    case PT_LOAD:
      load[n_load++] = s;
      break;
    case PT_DYNAMIC:
      if (!has_dyn) /* the loader uses the first */
        dyn = s;
      has_dyn = true;
      break;
    case PT_INTERP:
      if (!has_interp)
        interp = s;
      has_interp = true;
      break;
    default:
      break;
    }
  }
  if (has_interp && read_interp(&r, &interp, out) < 0)
    goto out;
  out->has_dynamic = has_dyn;
  if (has_dyn && read_dynamic(&r, &dyn, load, n_load, out) < 0)
    goto out;
  rc = 0;
out:
  free(load);
  if (rc < 0) {
    *why = r.why ? r.why : "bad ELF file";
    brig_elf_needed_free(out);
  }
  return rc;
}

void
brig_elf_needed_free(struct brig_elf_needed *e)
{
  for (size_t i = 0; i < e->n_needed; i++)
    free(e->needed[i]);
  free(e->needed);
  free(e->interp);
  free(e->soname);
  free(e->rpath);
  free(e->runpath);
  memset(e, 0, sizeof(*e));
}

static int
fd_pread(void *opaque, void *buf, size_t len, uint64_t off)
{
  int fd = *(const int *)opaque;
  size_t done = 0;

  while (done < len) {
    ssize_t k = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    done += (size_t)k;
  }
  return 0;
}

int
brig_elf_needed_fd(int fd, struct brig_elf_needed *out, const char **why)
{
  struct brig_elf_source src = { fd_pread, &fd, 0 };
  struct stat st;

  memset(out, 0, sizeof(*out));
  if (fstat(fd, &st) < 0) {
    *why = "cannot stat the file";
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    *why = "not a regular file";
    return -1;
  }
  src.size = (uint64_t)st.st_size;
  return brig_elf_needed_read(&src, out, why);
}

struct membuf {
  const unsigned char *data;
};

static int
mem_pread(void *opaque, void *buf, size_t len, uint64_t off)
{
  const struct membuf *m = opaque;

  memcpy(buf, m->data + off, len); /* bounds checked by src_read() */
  return 0;
}

int
brig_elf_needed_mem(const void *data, size_t len, struct brig_elf_needed *out, const char **why)
{
  struct membuf m = { data };
  struct brig_elf_source src = { mem_pread, &m, len };

  return brig_elf_needed_read(&src, out, why);
}
