/* libFuzzer target for private-lib's ELF reader (src/policy/firejail/
 * elf-needed.c): any input is parsed as an ELF object; a parse either
 * succeeds with terminated strings or fails with a reason.  Any crash,
 * sanitizer report or abort() here is a bug.
 *
 * Build: `make fuzz` (the rule in src/policy/firejail/firejail.mk).
 * Run: tests/fuzz/fuzz-elf-needed -max_total_time=600 CORPUS_DIR
 * (real objects, e.g. /bin/true and a few shared objects of the multiarch directory,
 * make good seeds). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf-needed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct brig_elf_needed e;
  const char *why = NULL;
  size_t total = 0;

  if (brig_elf_needed_mem(data, size, &e, &why) < 0) {
    if (!why || !why[0])
      abort();
    return 0;
  }
  /* every string the parser returns must be terminated and readable */
  for (size_t i = 0; i < e.n_needed; i++)
    total += strlen(e.needed[i]);
  total += e.interp ? strlen(e.interp) : 0;
  total += e.rpath ? strlen(e.rpath) : 0;
  total += e.runpath ? strlen(e.runpath) : 0;
  total += e.soname ? strlen(e.soname) : 0;
  if (e.elf_class != 32 && e.elf_class != 64)
    abort();
  (void)total;
  brig_elf_needed_free(&e);
  return 0;
}
