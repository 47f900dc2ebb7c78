/* Loader for relocatable eBPF objects (clang -target bpf -O2 -c).
 *
 * Extracts one program section.  Program-local calls are resolved,
 * including calls into other executable sections (clang puts non-inlined
 * static functions in .text): such a section is appended once after the
 * program, as libbpf does, and its own relocations are processed too.
 * Helper calls need nothing (`call N` carries the id).  Everything that
 * needs a kernel object or type information is refused with a clear error:
 * map references, global data (.data/.rodata/.bss), calls to external
 * functions, BTF CO-RE relocations.  The image is untrusted: every offset
 * and size is checked before use, structures are copied out with memcpy. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#define BPF_RELOC_NONE 0
#define BPF_RELOC_64_64 1  /* lddw imm pair: maps, global data */
#define BPF_RELOC_64_32 10 /* call imm: functions */

#define BTF_EXT_MAGIC 0xeb9f
#define MAX_SECTIONS_APPENDED 64

struct elf_file {
  const unsigned char *image;
  size_t size;
  Elf64_Ehdr eh;
  struct ebpf_error *err;
};

struct program {
  struct ebpf_insn *insns;
  size_t count;
  /* executable sections appended so far and where each starts */
  size_t appended[MAX_SECTIONS_APPENDED];
  size_t base[MAX_SECTIONS_APPENDED];
  size_t nappended;
};

static int
bad(struct elf_file *ef, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  ebpf_vfail(ef->err, EBPF_E_ELF, -1, fmt, ap);
  va_end(ap);
  return EBPF_E_ELF;
}

static bool
in_image(const struct elf_file *ef, uint64_t off, uint64_t len)
{
  return off <= ef->size && len <= ef->size - off;
}

static int
section_header(struct elf_file *ef, size_t index, Elf64_Shdr *sh)
{
  if (index >= ef->eh.e_shnum)
    return bad(ef, "section index %zu out of range", index);
  memcpy(sh, ef->image + ef->eh.e_shoff + index * sizeof *sh, sizeof *sh);
  if (sh->sh_type != SHT_NOBITS && !in_image(ef, sh->sh_offset, sh->sh_size))
    return bad(ef, "section %zu extends past the end of the file", index);
  return 0;
}

/* NUL-terminated string at OFF inside string section STRTAB, or NULL. */
static const char *
string_at(struct elf_file *ef, size_t strtab, uint64_t off)
{
  Elf64_Shdr sh;

  if (section_header(ef, strtab, &sh) != 0 || sh.sh_type != SHT_STRTAB || off >= sh.sh_size)
    return NULL;
  const char *s = (const char *)ef->image + sh.sh_offset + off;
  if (memchr(s, '\0', sh.sh_size - off) == NULL)
    return NULL;
  return s;
}

static const char *
section_name(struct elf_file *ef, size_t index)
{
  Elf64_Shdr sh;

  if (section_header(ef, index, &sh) != 0)
    return NULL;
  return string_at(ef, ef->eh.e_shstrndx, sh.sh_name);
}

static int
read_header(struct elf_file *ef)
{
  if (ef->size < sizeof ef->eh)
    return bad(ef, "file too small for an ELF header");
  memcpy(&ef->eh, ef->image, sizeof ef->eh);
  if (memcmp(ef->eh.e_ident, ELFMAG, SELFMAG) != 0)
    return bad(ef, "not an ELF file");
  if (ef->eh.e_ident[EI_CLASS] != ELFCLASS64 || ef->eh.e_ident[EI_DATA] != ELFDATA2LSB)
    return bad(ef, "not a 64-bit little-endian ELF file");
  if (ef->eh.e_machine != EM_BPF)
    return bad(ef, "machine %u is not BPF", ef->eh.e_machine);
  if (ef->eh.e_type != ET_REL)
    return bad(ef, "not a relocatable object (e_type %u)", ef->eh.e_type);
  if (ef->eh.e_shentsize != sizeof(Elf64_Shdr) || ef->eh.e_shnum == 0 ||
      !in_image(ef, ef->eh.e_shoff, (uint64_t)ef->eh.e_shnum * sizeof(Elf64_Shdr)))
    return bad(ef, "invalid section header table");
  if (ef->eh.e_shstrndx >= ef->eh.e_shnum)
    return bad(ef, "invalid section name table index");
  return 0;
}

static bool
is_code_section(const Elf64_Shdr *sh)
{
  return sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR) && sh->sh_size > 0;
}

/* The CO-RE part of .BTF.ext: field offsets that would need the running
 * kernel's BTF to fix up.  brig has no such types, so refuse. */
static int
check_btf_ext(struct elf_file *ef)
{
  for (size_t i = 0; i < ef->eh.e_shnum; i++) {
    const char *name = section_name(ef, i);
    Elf64_Shdr sh;
    if (name == NULL || strcmp(name, ".BTF.ext") != 0 || section_header(ef, i, &sh) != 0 ||
        sh.sh_type == SHT_NOBITS) /* no bytes in the file to read */
      continue;
    uint16_t magic;
    uint32_t hdr_len, core_len = 0;
    if (sh.sh_size < 8)
      return bad(ef, ".BTF.ext is truncated");
    memcpy(&magic, ef->image + sh.sh_offset, 2);
    memcpy(&hdr_len, ef->image + sh.sh_offset + 4, 4);
    if (magic != BTF_EXT_MAGIC)
      return bad(ef, ".BTF.ext has a bad magic number");
    if (hdr_len >= 32 && sh.sh_size >= 32)
      memcpy(&core_len, ef->image + sh.sh_offset + 28, 4);
    if (core_len > 0)
      return ebpf_fail(ef->err, EBPF_E_UNSUPP, -1,
                       "BTF CO-RE relocations are not supported (compile without "
                       "__builtin_preserve_access_index / BPF_CORE_READ)");
  }
  return 0;
}

static int append_section(struct elf_file *ef, struct program *prog, size_t index, size_t *base);

static int
apply_relocations(struct elf_file *ef, struct program *prog, size_t target, size_t base,
                  size_t count)
{
  for (size_t r = 0; r < ef->eh.e_shnum; r++) {
    Elf64_Shdr rs;
    int rc = section_header(ef, r, &rs);
    if (rc)
      return rc;
    if ((rs.sh_type != SHT_REL && rs.sh_type != SHT_RELA) || rs.sh_info != target)
      continue;
    if (rs.sh_type == SHT_RELA)
      return ebpf_fail(ef->err, EBPF_E_UNSUPP, -1, "RELA relocations are not supported");
    Elf64_Shdr symtab;
    if ((rc = section_header(ef, rs.sh_link, &symtab)))
      return rc;
    if (symtab.sh_type != SHT_SYMTAB || symtab.sh_entsize != sizeof(Elf64_Sym))
      return bad(ef, "relocation section %zu has no symbol table", r);
    if (rs.sh_entsize != sizeof(Elf64_Rel))
      return bad(ef, "relocation section %zu has entries of %llu bytes", r,
                 (unsigned long long)rs.sh_entsize);

    for (uint64_t off = 0; off + sizeof(Elf64_Rel) <= rs.sh_size; off += sizeof(Elf64_Rel)) {
      Elf64_Rel rel;
      Elf64_Sym sym;
      memcpy(&rel, ef->image + rs.sh_offset + off, sizeof rel);
      uint32_t type = (uint32_t)ELF64_R_TYPE(rel.r_info);
      uint64_t symi = ELF64_R_SYM(rel.r_info);
      if (type == BPF_RELOC_NONE)
        continue;
      if (symi >= symtab.sh_size / sizeof sym)
        return bad(ef, "relocation refers to symbol %llu out of range", (unsigned long long)symi);
      memcpy(&sym, ef->image + symtab.sh_offset + symi * sizeof sym, sizeof sym);
      const char *symname = string_at(ef, symtab.sh_link, sym.st_name);
      if (ELF64_ST_TYPE(sym.st_info) == STT_SECTION || symname == NULL || *symname == '\0')
        symname = section_name(ef, sym.st_shndx);
      if (symname == NULL)
        symname = "?";
      if (rel.r_offset % 8 != 0 || rel.r_offset / 8 >= count)
        return bad(ef, "relocation offset 0x%llx outside section %zu",
                   (unsigned long long)rel.r_offset, target);
      size_t pc = base + rel.r_offset / 8;
      struct ebpf_insn *in = &prog->insns[pc];

      if (type == BPF_RELOC_64_64) {
        const char *sec = sym.st_shndx < ef->eh.e_shnum ? section_name(ef, sym.st_shndx) : NULL;
        if (sec != NULL && (strcmp(sec, ".maps") == 0 || strcmp(sec, "maps") == 0))
          return ebpf_fail(ef->err, EBPF_E_UNSUPP, (long)pc, "map '%s' is not supported", symname);
        return ebpf_fail(ef->err, EBPF_E_UNSUPP, (long)pc,
                         "reference to global data '%s' (section %s) is not supported", symname,
                         sec ? sec : "undefined");
      }
      if (type != BPF_RELOC_64_32 || in->code != EBPF_OP_CALL)
        return ebpf_fail(ef->err, EBPF_E_UNSUPP, (long)pc,
                         "relocation type %u against '%s' is not supported", type, symname);
      if (sym.st_shndx == SHN_UNDEF)
        return ebpf_fail(ef->err, EBPF_E_UNSUPP, (long)pc,
                         "call to external function '%s' is not supported", symname);
      if (EBPF_INSN_SRC(in) != EBPF_CALL_LOCAL)
        return ebpf_fail(ef->err, EBPF_E_UNSUPP, (long)pc,
                         "relocated call to '%s' is not a local call", symname);
      Elf64_Shdr callee;
      if ((rc = section_header(ef, sym.st_shndx, &callee)))
        return rc;
      if (!is_code_section(&callee))
        return bad(ef, "call to '%s', which is not in an executable section", symname);
      size_t callee_base;
      if (sym.st_shndx == target)
        callee_base = base;
      else if ((rc = append_section(ef, prog, sym.st_shndx, &callee_base)))
        return rc;
      in = &prog->insns[pc]; /* append_section may have moved the array */
      /* The imm holds the distance from the symbol, minus one: -1 for a
       * function symbol, the function's slot - 1 for a section symbol. */
      int64_t dest = (int64_t)callee_base + (int64_t)(sym.st_value / 8) + in->imm + 1;
      int64_t dist = dest - (int64_t)pc - 1;
      if (sym.st_value % 8 != 0 || dest < 0 || (uint64_t)dest >= prog->count || dist < INT32_MIN ||
          dist > INT32_MAX)
        return bad(ef, "call to '%s' lands outside the program", symname);
      in->imm = (int32_t)dist;
    }
  }
  return 0;
}

/* Append executable section INDEX (once) and process its relocations. */
static int
append_section(struct elf_file *ef, struct program *prog, size_t index, size_t *base)
{
  for (size_t i = 0; i < prog->nappended; i++)
    if (prog->appended[i] == index) {
      *base = prog->base[i];
      return 0;
    }
  if (prog->nappended == MAX_SECTIONS_APPENDED)
    return ebpf_fail(ef->err, EBPF_E_UNSUPP, -1, "calls span more than %d sections",
                     MAX_SECTIONS_APPENDED);
  Elf64_Shdr sh;
  int rc = section_header(ef, index, &sh);
  if (rc)
    return rc;
  const char *name = section_name(ef, index);
  if (sh.sh_size % 8 != 0)
    return bad(ef, "section %s size %llu is not a multiple of 8", name ? name : "?",
               (unsigned long long)sh.sh_size);
  struct ebpf_insn *code;
  size_t n;
  if ((rc = ebpf_insns_from_bytes(ef->image + sh.sh_offset, sh.sh_size, &code, &n, ef->err)))
    return rc;
  if (prog->count + n > EBPF_MAX_INSNS) {
    free(code);
    return ebpf_fail(ef->err, EBPF_E_UNSUPP, -1, "program longer than %d instructions",
                     EBPF_MAX_INSNS);
  }
  struct ebpf_insn *grown = realloc(prog->insns, (prog->count + n) * sizeof *grown);
  if (grown == NULL) {
    free(code);
    return ebpf_fail(ef->err, EBPF_E_NOMEM, -1, "out of memory");
  }
  memcpy(grown + prog->count, code, n * sizeof *code);
  free(code);
  prog->insns = grown;
  *base = prog->count;
  prog->appended[prog->nappended] = index;
  prog->base[prog->nappended++] = prog->count;
  prog->count += n;
  return apply_relocations(ef, prog, index, *base, n);
}

int
ebpf_elf_load(const void *image, size_t size, const char *section, struct ebpf_insn **out,
              size_t *count, struct ebpf_error *err)
{
  struct elf_file ef = { .image = image, .size = size, .err = err };
  struct program prog = { 0 };
  int rc;

  *out = NULL;
  *count = 0;
  if (image == NULL)
    return ebpf_fail(err, EBPF_E_INVAL, -1, "no image");
  if ((rc = read_header(&ef)) || (rc = check_btf_ext(&ef)))
    return rc;

  long found = -1;
  for (size_t i = 0; i < ef.eh.e_shnum && found < 0; i++) {
    Elf64_Shdr sh;
    if ((rc = section_header(&ef, i, &sh)))
      return rc;
    const char *name = section_name(&ef, i);
    if (section != NULL ? name != NULL && strcmp(name, section) == 0 : is_code_section(&sh))
      found = (long)i;
  }
  if (found < 0)
    return section ? bad(&ef, "no section named '%s'", section) : bad(&ef, "no executable section");
  Elf64_Shdr sh;
  if ((rc = section_header(&ef, (size_t)found, &sh)))
    return rc;
  if (!is_code_section(&sh))
    return bad(&ef, "section '%s' is empty or not executable", section ? section : "?");

  size_t base;
  rc = append_section(&ef, &prog, (size_t)found, &base);
  if (rc) {
    free(prog.insns);
    return rc;
  }
  *out = prog.insns;
  *count = prog.count;
  return 0;
}
