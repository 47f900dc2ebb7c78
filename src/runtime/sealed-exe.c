/* Why a sealed memfd.
 *
 * The container init is a clone of the create process and runs brig's code
 * until it execs the user's program, so /proc/<init>/exe is brig's binary.
 * Two ways in exist for a malicious container: (1) open /proc/<init>/exe
 * (or the fds in /proc/<init>/fd) from another process in the container while the
 * init waits for `start`; the init is non-dumpable until the exec, so the
 * kernel refuses that (ptrace access check).  (2) Make process.args[0] a
 * script whose interpreter is "/proc/self/exe": during the execve the
 * kernel resolves that link in the init, i.e. to brig, and the container's
 * process becomes brig, dumpable again and reachable through
 * /proc/<pid>/exe; keeping an O_PATH fd to it and reopening it for writing
 * once brig exited would overwrite the host's brig.  Checking interpreters
 * before the exec cannot be made race-free (nested interpreters,
 * binfmt_misc, files the container changes), so the file the container can
 * reach must not be the host's brig: brig re-execs itself from a memfd
 * copy with F_SEAL_WRITE, which nobody, root included, can write to, and
 * which disappears with the last process using it.  The cost is one copy
 * of the binary (page cache to page cache) and one execve per create/run.
 * The init itself never execs brig again.
 *
 * Only what the kernel and the dynamic loader read is copied: the ELF
 * header, the program headers and the segments they describe.  Section
 * headers and debug information (three quarters of a -g build) are left
 * out, and the copy's header says it has no section headers. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/sealed-exe.h"
#include "util/cleanup.h"
#include "util/file-util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define BRIG_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static char **
read_cmdline(void)
{
  _cleanup_free_ char *buf = NULL;
  size_t len, n = 0, i;
  char **argv;

  buf = brig_read_file_at(AT_FDCWD, "/proc/self/cmdline", 1 << 20, &len);
  if (!buf)
    return NULL;
  for (i = 0; i < len; i++)
    n += buf[i] == '\0';
  argv = calloc(n + 1, sizeof(char *));
  if (!argv)
    return NULL;
  for (i = 0, n = 0; i < len; i += strlen(buf + i) + 1)
    argv[n++] = buf + i;
  buf = NULL; /* owned through argv[0] now, freed by the exec */
  return argv;
}

/* The bytes of the ELF file self that an exec uses (see above), with its
 * header in *eh; or the whole size when the file is not a well-formed
 * ELF64 of ours (eh then unused).  Two reads: the header, the program
 * headers. */
static off_t
loaded_extent(int self, off_t size, Elf64_Ehdr *eh)
{
  Elf64_Phdr ph[64];
  uint64_t end;
  uint16_t i;

  if (pread(self, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh) ||
      memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum > 64 || eh->e_phoff > (uint64_t)size)
    return size;
  end = eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
  if (pread(self, ph, (size_t)eh->e_phnum * sizeof(Elf64_Phdr), (off_t)eh->e_phoff) !=
      (ssize_t)(eh->e_phnum * sizeof(Elf64_Phdr)))
    return size;
  for (i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_offset > (uint64_t)size || ph[i].p_filesz > (uint64_t)size - ph[i].p_offset)
      return size;
    if (ph[i].p_offset + ph[i].p_filesz > end)
      end = ph[i].p_offset + ph[i].p_filesz;
  }
  return end < sizeof(*eh) || end > (uint64_t)size ? size : (off_t)end;
}

/* The copy has no section headers (they are beyond its end). */
static int
drop_section_headers(int mem, Elf64_Ehdr *eh)
{
  eh->e_shoff = 0;
  eh->e_shnum = 0;
  eh->e_shstrndx = SHN_UNDEF;
  return pwrite(mem, eh, sizeof(*eh), 0) == (ssize_t)sizeof(*eh) ? 0 : -1;
}

int
brig_sealed_exe_ensure(brig_error **err)
{
  _cleanup_close_ int self = -1, mem = -1;
  struct stat st;
  off_t off = 0, extent;
  Elf64_Ehdr eh;
  char **argv;
  int seals, saved;

  self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return brig_fail(err, errno, "open /proc/self/exe");
  seals = fcntl(self, F_GET_SEALS);
  if (seals >= 0 && (seals & BRIG_SEALS) == BRIG_SEALS)
    return 0;
  if (fstat(self, &st) < 0)
    return brig_fail(err, errno, "stat /proc/self/exe");
  /* MFD_EXEC: EINVAL before Linux 6.3 (no such flag, and every memfd is
   * executable); EACCES with vm.memfd_noexec=2, where no memfd can be
   * executed: the plain one then fails at the execveat() below with a
   * message that names the step. */
  mem = memfd_create("brig", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mem < 0 && (errno == EINVAL || errno == EACCES))
    mem = memfd_create("brig", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem < 0)
    return brig_fail(err, errno, "memfd_create");
  extent = loaded_extent(self, st.st_size, &eh);
  while (off < extent) {
    ssize_t n = sendfile(mem, self, &off, (size_t)(extent - off));

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return brig_fail(err, n < 0 ? errno : EIO, "copy brig into a memfd");
  }
  if (extent < st.st_size && drop_section_headers(mem, &eh) < 0)
    return brig_fail(err, errno, "copy brig into a memfd");
  if (fcntl(mem, F_ADD_SEALS, BRIG_SEALS) < 0)
    return brig_fail(err, errno, "seal the brig memfd");
  argv = read_cmdline();
  if (!argv)
    return brig_fail(err, errno, "read /proc/self/cmdline");
  syscall(SYS_execveat, mem, "", argv, environ, AT_EMPTY_PATH);
  saved = errno;
  free(argv[0]);
  free(argv);
  if (saved == EACCES)
    return brig_fail(err, saved,
                     "re-exec brig from a sealed memfd (is vm.memfd_noexec 2? brig needs 0 or 1)");
  return brig_fail(err, saved, "re-exec brig from a sealed memfd");
}
