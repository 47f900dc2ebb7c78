/* Reader for the bpf_conformance `.data` format and hex byte strings.
 *
 * A file is a sequence of sections opened by `-- name` lines; `#` starts a
 * comment line.  `-- asm` keeps its text for the assembler, `-- raw` holds
 * instruction words (`0x5566778800000018`, one per line) or eight hex
 * bytes per line in memory order, `-- mem` hex bytes, `-- result` a hex
 * number, `-- error` marks a program that must fail.  `-- c` and `-- no
 * register offset` are documentation and ignored; any other section name
 * is an error, so a malformed file is never mistaken for an empty one. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf-internal.h"

enum section { SEC_NONE, SEC_ASM, SEC_RAW, SEC_MEM, SEC_RESULT, SEC_ERROR, SEC_IGNORED };

struct buffer {
  char *data;
  size_t len, cap;
};

static int
buf_append(struct buffer *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
      return -1;
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

static int
hex_value(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

int
ebpf_parse_hex_bytes(const char *text, unsigned char **out, size_t *len, struct ebpf_error *err)
{
  size_t cap = strlen(text) / 2 + 1, n = 0;
  unsigned char *bytes = malloc(cap);
  int high = -1;

  *out = NULL;
  *len = 0;
  if (bytes == NULL)
    return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  for (const char *p = text; *p; p++) {
    if (isspace((unsigned char)*p) || *p == ',' || *p == ':') {
      if (high >= 0) { /* a lone digit between separators: "0 1 2" */
        bytes[n++] = (unsigned char)high;
        high = -1;
      }
      continue;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && high < 0) {
      p++;
      continue;
    }
    int v = hex_value((unsigned char)*p);
    if (v < 0) {
      free(bytes);
      return ebpf_fail(err, EBPF_E_SYNTAX, -1, "invalid hex digit '%c'", *p);
    }
    if (high < 0) {
      high = v;
    } else {
      bytes[n++] = (unsigned char)(high << 4 | v);
      high = -1;
    }
  }
  if (high >= 0)
    bytes[n++] = (unsigned char)high;
  *out = bytes;
  *len = n;
  return 0;
}

static int
parse_raw_line(char *line, size_t lineno, struct ebpf_testfile *tf, size_t *cap,
               struct ebpf_error *err)
{
  uint64_t word = 0;

  if (line[0] == '0' && (line[1] == 'x' || line[1] == 'X')) {
    char *end;
    errno = 0;
    word = strtoull(line, &end, 16);
    while (isspace((unsigned char)*end))
      end++;
    if (errno != 0 || *end != '\0')
      return ebpf_fail(err, EBPF_E_SYNTAX, (long)lineno, "invalid instruction word '%s'", line);
  } else {
    unsigned char *bytes;
    size_t n;
    int rc = ebpf_parse_hex_bytes(line, &bytes, &n, err);
    if (rc) {
      if (err != NULL) {
        err->pc = lineno;
        err->has_pc = true;
      }
      return rc;
    }
    if (n != 8) {
      free(bytes);
      return ebpf_fail(err, EBPF_E_SYNTAX, (long)lineno, "raw line has %zu bytes, not 8", n);
    }
    for (int i = 7; i >= 0; i--)
      word = word << 8 | bytes[i];
    free(bytes);
  }
  if (tf->raw_count == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    struct ebpf_insn *p = realloc(tf->raw, ncap * sizeof *p);
    if (p == NULL)
      return ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
    tf->raw = p;
    *cap = ncap;
  }
  tf->raw[tf->raw_count++] = ebpf_insn_from_word(word);
  return 0;
}

int
ebpf_testfile_parse(const char *text, struct ebpf_testfile *tf, struct ebpf_error *err)
{
  struct buffer asm_text = { 0 }, mem_text = { 0 }, result_text = { 0 };
  enum section sec = SEC_NONE;
  bool seen_asm = false, seen_mem = false;
  size_t raw_cap = 0, lineno = 0;
  int rc = 0;

  memset(tf, 0, sizeof *tf);
  for (const char *p = text; *p != '\0' && rc == 0;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char line[1024];
    lineno++;
    if (len >= sizeof line) {
      rc = ebpf_fail(err, EBPF_E_SYNTAX, (long)lineno, "line too long");
      break;
    }
    memcpy(line, p, len);
    line[len] = '\0';
    p += len + (nl != NULL);

    if (strncmp(line, "--", 2) == 0) {
      char *name = line + 2;
      while (isspace((unsigned char)*name))
        name++;
      char *end = name + strlen(name);
      while (end > name && isspace((unsigned char)end[-1]))
        *--end = '\0';
      if (strcmp(name, "asm") == 0) {
        sec = SEC_ASM;
        seen_asm = true;
      } else if (strcmp(name, "raw") == 0) {
        sec = SEC_RAW;
      } else if (strcmp(name, "mem") == 0) {
        sec = SEC_MEM;
        seen_mem = true;
      } else if (strcmp(name, "result") == 0) {
        sec = SEC_RESULT;
        tf->has_result = true;
      } else if (strcmp(name, "error") == 0) {
        sec = SEC_ERROR;
        tf->expect_error = true;
      } else if (strcmp(name, "c") == 0 || strcmp(name, "no register offset") == 0) {
        sec = SEC_IGNORED;
      } else {
        rc = ebpf_fail(err, EBPF_E_SYNTAX, (long)lineno, "unknown section '-- %s'", name);
      }
      continue;
    }
    if (sec == SEC_ASM) { /* the assembler handles its own comments */
      if (buf_append(&asm_text, line, strlen(line)) || buf_append(&asm_text, "\n", 1))
        rc = ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
      continue;
    }
    char *hash = strchr(line, '#');
    if (hash != NULL)
      *hash = '\0';
    char *s = line;
    while (isspace((unsigned char)*s))
      s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
      *--end = '\0';
    if (*s == '\0')
      continue;
    switch (sec) {
    case SEC_NONE:
      rc = ebpf_fail(err, EBPF_E_SYNTAX, (long)lineno, "text outside any section");
      break;
    case SEC_RAW:
      rc = parse_raw_line(s, lineno, tf, &raw_cap, err);
      break;
    case SEC_MEM:
      if (buf_append(&mem_text, s, strlen(s)) || buf_append(&mem_text, " ", 1))
        rc = ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
      break;
    case SEC_RESULT:
      if (buf_append(&result_text, s, strlen(s)))
        rc = ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
      break;
    default:
      break;
    }
  }

  if (rc == 0 && seen_asm) {
    tf->asm_text = asm_text.data ? asm_text.data : strdup("");
    asm_text.data = NULL;
    if (tf->asm_text == NULL)
      rc = ebpf_fail(err, EBPF_E_NOMEM, -1, "out of memory");
  }
  if (rc == 0 && seen_mem && mem_text.data != NULL)
    rc = ebpf_parse_hex_bytes(mem_text.data, &tf->mem, &tf->mem_len, err);
  if (rc == 0 && tf->has_result) {
    char *endp;
    errno = 0;
    const char *r = result_text.data ? result_text.data : "";
    tf->result = strtoull(r, &endp, 16);
    if (errno != 0 || *r == '\0' || *endp != '\0')
      rc = ebpf_fail(err, EBPF_E_SYNTAX, -1, "invalid result '%s'", r);
  }
  free(asm_text.data);
  free(mem_text.data);
  free(result_text.data);
  if (rc != 0)
    ebpf_testfile_free(tf);
  return rc;
}

void
ebpf_testfile_free(struct ebpf_testfile *tf)
{
  free(tf->asm_text);
  free(tf->raw);
  free(tf->mem);
  memset(tf, 0, sizeof *tf);
}
