/* `brig ebpf`: assemble, disassemble and run eBPF programs.
 *
 * Uses only libc and the eBPF library, so it can be linked into the brig
 * binary or tested on its own.  Every error is one line on stderr,
 * `brig: ebpf <subcommand>: <file>: <why>`, and exit status 1.
 *
 * Input formats, chosen by content first and name second:
 *   ELF (starts with \177ELF)   relocatable object from clang -target bpf -c
 *   NAME.data                   bpf_conformance vector: -- raw, else -- asm;
 *                               -- mem becomes the default memory for run
 *   text of 0x... words         one little-endian instruction word per line
 *                               (what `brig ebpf asm` prints)
 *   other text (.s)             assembler source
 *   anything else               raw little-endian bytecode, 8 bytes a slot */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ebpf.h"

#define MAX_INPUT (64u << 20)

#include "ebpf-cli.h"

struct cli {
  const char *what; /* "ebpf run" */
  const char *file;
};

__attribute__((format(printf, 2, 3))) static int
fail(const struct cli *cli, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "brig: %s: ", cli->what);
  if (cli->file != NULL)
    fprintf(stderr, "%s: ", cli->file);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return 1;
}

static int
fail_ebpf(const struct cli *cli, const struct ebpf_error *err)
{
  if (!err->has_pc)
    return fail(cli, "%s", err->msg);
  return fail(cli, "%s %zu: %s", err->code == EBPF_E_SYNTAX ? "line" : "insn", err->pc, err->msg);
}

static int
read_file(const struct cli *cli, const char *path, unsigned char **data, size_t *len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return fail(cli, "%s", strerror(errno));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_INPUT) {
    int e = errno;
    close(fd);
    return fail(cli, "%s",
                !S_ISREG(st.st_mode)               ? "not a regular file"
                : (uint64_t)st.st_size > MAX_INPUT ? "file too large"
                                                   : strerror(e));
  }
  unsigned char *buf = malloc((size_t)st.st_size + 1);
  size_t got = 0;
  if (buf == NULL) {
    close(fd);
    return fail(cli, "out of memory");
  }
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  close(fd);
  buf[got] = '\0';
  *data = buf;
  *len = got;
  return 0;
}

static bool
has_suffix(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool
is_text(const unsigned char *data, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (data[i] == 0 || (data[i] < 0x20 && data[i] != '\n' && data[i] != '\r' && data[i] != '\t'))
      return false;
  return true;
}

/* Text made only of 0x<16 hex digits> words (and # comments)? */
static bool
is_hex_words(const char *text)
{
  bool any = false;

  for (const char *p = text; *p;) {
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
      p++;
    if (*p == '\0')
      break;
    if (*p == '#') {
      p += strcspn(p, "\n");
      continue;
    }
    if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
      return false;
    p += 2;
    size_t n = strspn(p, "0123456789abcdefABCDEF");
    if (n == 0 || n > 16)
      return false;
    p += n;
    any = true;
  }
  return any;
}

static int
parse_hex_words(const struct cli *cli, const char *text, struct ebpf_insn **out, size_t *count)
{
  size_t cap = strlen(text) / 3 + 1, n = 0;
  struct ebpf_insn *insns = malloc(cap * sizeof *insns);

  if (insns == NULL)
    return fail(cli, "out of memory");
  for (const char *p = text; *p;) {
    if (*p == '#') {
      p += strcspn(p, "\n");
      continue;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      char *end;
      uint64_t w = strtoull(p, &end, 16);
      insns[n++] = ebpf_insn_from_word(w);
      p = end;
      continue;
    }
    p++;
  }
  *out = insns;
  *count = n;
  return 0;
}

struct input {
  struct ebpf_insn *insns;
  size_t count;
  unsigned char *mem; /* from a .data file */
  size_t mem_len;
  bool has_mem;
};

/* Read FILE in any of the formats above.  ASM_ONLY: `brig ebpf asm` wants
 * source text (assembler text or a .data file's -- asm section). */
static int
load_input(const struct cli *cli, const char *section, bool asm_only, struct input *in)
{
  unsigned char *data = NULL;
  size_t len = 0;
  struct ebpf_error err = { 0 };
  int rc;

  memset(in, 0, sizeof *in);
  if (read_file(cli, cli->file, &data, &len) != 0)
    return 1;
  const char *text = (const char *)data;

  if (!asm_only && len >= 4 && memcmp(data, "\177ELF", 4) == 0) {
    rc = ebpf_elf_load(data, len, section, &in->insns, &in->count, &err);
  } else if (has_suffix(cli->file, ".data")) {
    struct ebpf_testfile tf;
    rc = ebpf_testfile_parse(text, &tf, &err);
    if (rc == 0) {
      if (tf.raw != NULL && !asm_only) {
        in->insns = tf.raw;
        in->count = tf.raw_count;
        tf.raw = NULL;
      } else if (tf.asm_text != NULL) {
        rc = ebpf_asm(tf.asm_text, &in->insns, &in->count, &err);
      } else {
        free(data);
        ebpf_testfile_free(&tf);
        return fail(cli, "no -- asm%s section", asm_only ? "" : " or -- raw");
      }
      if (tf.mem != NULL) {
        in->mem = tf.mem;
        in->mem_len = tf.mem_len;
        in->has_mem = true;
        tf.mem = NULL;
      }
      ebpf_testfile_free(&tf);
    }
  } else if (!is_text(data, len)) {
    if (asm_only) {
      free(data);
      return fail(cli, "not assembler text");
    }
    rc = ebpf_insns_from_bytes(data, len, &in->insns, &in->count, &err);
  } else if (!asm_only && is_hex_words(text)) {
    rc = parse_hex_words(cli, text, &in->insns, &in->count);
    free(data);
    return rc;
  } else {
    rc = ebpf_asm(text, &in->insns, &in->count, &err);
  }
  free(data);
  if (rc != 0)
    return fail_ebpf(cli, &err);
  return 0;
}

static void
free_input(struct input *in)
{
  free(in->insns);
  free(in->mem);
}

static const char usage_main[] =
    "Usage: brig ebpf COMMAND [OPTIONS] FILE\n"
    "\n"
    "Work with programs for brig's embedded eBPF VM.\n"
    "\n"
    "Commands:\n"
    "  asm FILE        assemble FILE, print one 0x instruction word per line\n"
    "  disasm FILE     print the instructions of FILE as assembler text\n"
    "  run FILE        verify and run FILE, print r0\n"
    "\n"
    "Run 'brig ebpf COMMAND --help' for the options of a command.\n";

static const char usage_asm[] =
    "Usage: brig ebpf asm [-o OUT] FILE\n"
    "\n"
    "Assemble FILE (assembler text, or the -- asm section of a conformance\n"
    ".data file) and print one little-endian 64-bit instruction word per line.\n"
    "\n"
    "  -o, --output OUT   also write the raw little-endian bytecode to OUT\n"
    "  -h, --help         show this help\n";

static const char usage_disasm[] =
    "Usage: brig ebpf disasm [--section NAME] FILE\n"
    "\n"
    "Print the program in FILE (raw bytecode, 0x words, .data file, assembler\n"
    "text or clang -target bpf ELF object) as assembler text.\n"
    "\n"
    "  -s, --section NAME   ELF section to read (default: first executable one)\n"
    "  -h, --help           show this help\n";

static const char usage_run[] =
    "Usage: brig ebpf run [--mem HEX] [--budget N] [--section NAME] FILE\n"
    "\n"
    "Verify and run the program in FILE (any format disasm reads), with r1\n"
    "pointing to the memory and r2 holding its length, and print r0 in hex.\n"
    "\n"
    "  -m, --mem HEX        memory for the program, hex bytes (\"aa bb 01\");\n"
    "                       default: the -- mem section of a .data file\n"
    "  -b, --budget N       instruction budget (default 10000000)\n"
    "  -s, --section NAME   ELF section to run\n"
    "  -h, --help           show this help\n";

/* Minimal option parser: --name VALUE, --name=VALUE, -x VALUE. */
struct option_spec {
  const char *long_name;
  char short_name;
  const char **value;
};

static int
parse_args(const struct cli *base, int argc, char **argv, struct option_spec *opts, size_t nopts,
           const char *usage, const char **file, bool *help)
{
  struct cli cli = { base->what, NULL };

  *file = NULL;
  *help = false;
  for (int i = 2; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
      fputs(usage, stdout);
      *help = true;
      return 0;
    }
    if (strcmp(arg, "--") == 0) {
      if (i + 1 < argc && *file == NULL && i + 2 == argc) {
        *file = argv[i + 1];
        break;
      }
      return fail(&cli, "expected exactly one FILE after '--'");
    }
    if (arg[0] == '-' && arg[1] != '\0') {
      size_t k;
      const char *eq = NULL;
      for (k = 0; k < nopts; k++) {
        if (arg[1] == '-') {
          size_t n = strlen(opts[k].long_name);
          if (strncmp(arg + 2, opts[k].long_name, n) == 0 &&
              (arg[2 + n] == '\0' || arg[2 + n] == '=')) {
            eq = arg[2 + n] == '=' ? arg + 3 + n : NULL;
            break;
          }
        } else if (arg[1] == opts[k].short_name && arg[2] == '\0') {
          break;
        }
      }
      if (k == nopts)
        return fail(&cli, "unknown option '%s'", arg);
      if (eq != NULL) {
        *opts[k].value = eq;
      } else {
        if (i + 1 >= argc)
          return fail(&cli, "option '%s' needs a value", arg);
        *opts[k].value = argv[++i];
      }
      continue;
    }
    if (*file != NULL)
      return fail(&cli, "unexpected argument '%s'", arg);
    *file = arg;
  }
  if (*file == NULL)
    return fail(&cli, "missing FILE (see --help)");
  return 0;
}

static int
write_all(int fd, const void *buf, size_t len)
{
  const unsigned char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static int
cmd_asm(int argc, char **argv)
{
  struct cli cli = { "ebpf asm", NULL };
  const char *output = NULL, *file;
  struct option_spec opts[] = { { "output", 'o', &output } };
  bool help;
  struct input in;

  if (parse_args(&cli, argc, argv, opts, 1, usage_asm, &file, &help) != 0)
    return 1;
  if (help)
    return 0;
  cli.file = file;
  if (load_input(&cli, NULL, true, &in) != 0)
    return 1;
  if (output != NULL) {
    struct cli out_cli = { "ebpf asm", output };
    size_t len = in.count * 8;
    unsigned char *bytes = malloc(len ? len : 1);
    int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = 0;
    if (bytes == NULL || fd < 0) {
      rc = fail(&out_cli, "%s", bytes == NULL ? "out of memory" : strerror(errno));
    } else {
      ebpf_insns_to_bytes(in.insns, in.count, bytes);
      if (write_all(fd, bytes, len) != 0 || close(fd) != 0)
        rc = fail(&out_cli, "%s", strerror(errno));
      fd = -1;
    }
    if (fd >= 0)
      close(fd);
    free(bytes);
    if (rc) {
      free_input(&in);
      return rc;
    }
  }
  for (size_t i = 0; i < in.count; i++)
    printf("0x%016" PRIx64 "\n", ebpf_insn_word(&in.insns[i]));
  free_input(&in);
  return fflush(stdout) == 0 ? 0 : fail(&cli, "stdout: %s", strerror(errno));
}

static int
cmd_disasm(int argc, char **argv)
{
  struct cli cli = { "ebpf disasm", NULL };
  const char *section = NULL, *file;
  struct option_spec opts[] = { { "section", 's', &section } };
  bool help;
  struct input in;

  if (parse_args(&cli, argc, argv, opts, 1, usage_disasm, &file, &help) != 0)
    return 1;
  if (help)
    return 0;
  cli.file = file;
  if (load_input(&cli, section, false, &in) != 0)
    return 1;
  char *text = ebpf_disasm(in.insns, in.count);
  free_input(&in);
  if (text == NULL)
    return fail(&cli, "out of memory");
  fputs(text, stdout);
  free(text);
  return fflush(stdout) == 0 ? 0 : fail(&cli, "stdout: %s", strerror(errno));
}

static int
cmd_run(int argc, char **argv)
{
  struct cli cli = { "ebpf run", NULL };
  const char *section = NULL, *mem_hex = NULL, *budget_text = NULL, *file;
  struct option_spec opts[] = { { "section", 's', &section },
                                { "mem", 'm', &mem_hex },
                                { "budget", 'b', &budget_text } };
  bool help;
  struct input in;
  struct ebpf_error err = { 0 };
  uint64_t budget = 0;

  if (parse_args(&cli, argc, argv, opts, 3, usage_run, &file, &help) != 0)
    return 1;
  if (help)
    return 0;
  if (budget_text != NULL) {
    char *end;
    errno = 0;
    budget = strtoull(budget_text, &end, 0);
    if (errno != 0 || *end != '\0' || budget == 0 || budget_text[0] == '-')
      return fail(&cli, "invalid --budget '%s'", budget_text);
  }
  cli.file = file;
  if (load_input(&cli, section, false, &in) != 0)
    return 1;
  if (mem_hex != NULL) {
    struct cli mem_cli = { "ebpf run", "--mem" };
    free(in.mem);
    in.mem = NULL;
    if (ebpf_parse_hex_bytes(mem_hex, &in.mem, &in.mem_len, &err) != 0) {
      free_input(&in);
      return fail(&mem_cli, "%s", err.msg);
    }
  }

  struct ebpf_prog *prog;
  if (ebpf_load(&prog, in.insns, in.count, NULL, 0, &err) != 0) {
    free_input(&in);
    return fail_ebpf(&cli, &err);
  }
  struct ebpf_run *run = ebpf_run_new();
  if (run == NULL) {
    ebpf_prog_free(prog);
    free_input(&in);
    return fail(&cli, "out of memory");
  }
  /* The memory is the CLI's own copy: let the program write it, as the
   * conformance runner does. */
  run->ctx = in.mem_len ? in.mem : NULL;
  run->ctx_len = in.mem_len;
  run->ctx_writable = true;
  run->budget = budget;
  int rc = ebpf_run(prog, run);
  if (rc != 0)
    rc = fail_ebpf(&cli, &run->err);
  else
    printf("0x%" PRIx64 "\n", run->r0);
  free(run);
  ebpf_prog_free(prog);
  free_input(&in);
  if (rc == 0 && fflush(stdout) != 0)
    return fail(&cli, "stdout: %s", strerror(errno));
  return rc;
}

int
brig_ebpf_main(int argc, char **argv)
{
  struct cli cli = { "ebpf", NULL };

  if (argc < 2)
    return fail(&cli, "missing command: try 'brig ebpf --help'");
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage_main, stdout);
    return 0;
  }
  if (strcmp(cmd, "asm") == 0)
    return cmd_asm(argc, argv);
  if (strcmp(cmd, "disasm") == 0)
    return cmd_disasm(argc, argv);
  if (strcmp(cmd, "run") == 0)
    return cmd_run(argc, argv);
  return fail(&cli, "unknown command '%s': try 'brig ebpf --help'", cmd);
}
