/* Lexer: line splitting, comments, blanks, conditionals, name + args. */
#include <string.h>

#include "internal.h"
#include "tap.h"

static struct fj_buf scratch;

static int
lex(const char *s, size_t len, struct fj_lexed *lx, const char **why)
{
  *why = NULL;
  return fj_lex_line(s, len, &scratch, lx, why);
}

static bool
span_is(struct fj_span sp, const char *s)
{
  return sp.len == strlen(s) && memcmp(sp.s, s, sp.len) == 0;
}

static bool
args_is(const struct fj_lexed *lx, const char *s)
{
  if (!s)
    return lx->args == NULL;
  return lx->args && lx->args_len == strlen(s) && memcmp(lx->args, s, lx->args_len) == 0;
}

static void
check(const char *line, const char *text, const char *name, const char *args)
{
  struct fj_lexed lx;
  const char *why;
  int r = lex(line, strlen(line), &lx, &why);

  TAP_OK(r == 0 && strcmp(lx.text, text) == 0 && (!name || span_is(lx.name, name)) &&
             (!name || args_is(&lx, args)),
         "lex '%s' -> '%s'", line, text);
}

static void
check_error(const char *line, const char *want)
{
  struct fj_lexed lx;
  const char *why;
  int r = lex(line, strlen(line), &lx, &why);

  TAP_OK(r < 0 && why && strstr(why, want), "lex '%s' fails: %s", line, why ? why : "(none)");
}

int
main(void)
{
  struct fj_lexed lx;
  const char *why, *line;
  size_t len;
  char big[10000];

  /* line splitting */
  {
    const char data[] = "a\nb\r\n\nc";
    struct fj_line_iter it = { .data = data, .len = sizeof(data) - 1 };
    int ok = 1;

    ok &= fj_next_line(&it, &line, &len) && len == 1 && line[0] == 'a' && it.lineno == 1;
    ok &= fj_next_line(&it, &line, &len) && len == 2 && it.lineno == 2;
    ok &= fj_next_line(&it, &line, &len) && len == 0 && it.lineno == 3;
    ok &= fj_next_line(&it, &line, &len) && len == 1 && line[0] == 'c' && it.lineno == 4;
    ok &= !fj_next_line(&it, &line, &len);
    TAP_OK(ok, "lines split on \\n, numbered from 1, last line without newline");
  }
  {
    struct fj_line_iter it = { .data = "a\n", .len = 2 };
    int n = 0;

    while (fj_next_line(&it, &line, &len))
      n++;
    TAP_OK(n == 1, "a trailing newline does not make an extra line");
  }
  {
    struct fj_line_iter it = { .data = "", .len = 0 };

    TAP_OK(!fj_next_line(&it, &line, &len), "empty buffer has no lines");
  }

  /* comments and blanks */
  check("caps", "caps", "caps", NULL);
  check("  blacklist\t\t/a  b  ", "blacklist /a b", "blacklist", "/a b");
  check("net none # this creates an empty netns", "net none", "net", "none");
  check("caps#comment", "caps", "caps", NULL);
  check("blacklist /x # y # z", "blacklist /x", "blacklist", "/x");
  check("caps\r", "caps", "caps", NULL);
  check("\tcaps.drop\tall\t", "caps.drop all", "caps.drop", "all");
  check("env CFLAGS=\"-W -Wall\"", "env CFLAGS=\"-W -Wall\"", "env", "CFLAGS=\"-W -Wall\"");
  check("blacklist ~/My Virtual Machines", "blacklist ~/My Virtual Machines", "blacklist",
        "~/My Virtual Machines");
  TAP_OK(lex("# only a comment", 16, &lx, &why) == 0 && lx.text_len == 0, "comment line is empty");
  TAP_OK(lex("", 0, &lx, &why) == 0 && lx.text_len == 0, "empty line is empty");
  TAP_OK(lex(" \t \r", 4, &lx, &why) == 0 && lx.text_len == 0, "blank line is empty");
  TAP_OK(lex("caps\0junk", 9, &lx, &why) == 0 && strcmp(lx.text, "caps") == 0,
         "a NUL byte ends the line");
  TAP_OK(lex("\0caps", 5, &lx, &why) == 0 && lx.text_len == 0, "leading NUL gives empty line");
  TAP_OK(lex("CAPS", 4, &lx, &why) == 0 && span_is(lx.name, "CAPS"), "names are not case-folded");

  /* conditionals */
  TAP_OK(lex("?HAS_X11: caps", 14, &lx, &why) == 0 && lx.n_conds == 1 &&
             span_is(lx.conds[0], "HAS_X11") && span_is(lx.name, "caps") && lx.body_len == 4,
         "one conditional");
  TAP_OK(lex("?HAS_X11:caps", 13, &lx, &why) == 0 && lx.n_conds == 1 && span_is(lx.name, "caps"),
         "conditional without space after the colon");
  TAP_OK(lex("?HAS_NET: ?ALLOW_TRAY: whitelist /x", 35, &lx, &why) == 0 && lx.n_conds == 2 &&
             span_is(lx.conds[1], "ALLOW_TRAY") && span_is(lx.name, "whitelist") &&
             args_is(&lx, "/x") && strncmp(lx.body, "whitelist /x", lx.body_len) == 0,
         "nested conditionals");
  TAP_OK(lex("  ?HAS_X11:\tcaps # c", 20, &lx, &why) == 0 && lx.n_conds == 1 &&
             span_is(lx.name, "caps"),
         "conditional after blanks, comment stripped");
  check_error("?HAS_X11 caps", "colon must come after conditional");
  check_error("?HAS X11: caps", "colon must come after conditional");
  check_error("?HAS_X11", "colon must come after conditional");
  check_error("?HAS_X11:", "no profile line after conditional");
  check_error("?HAS_X11:   # comment", "no profile line after conditional");
  check_error("?: caps", "empty conditional name");
  check_error("?A:?B:?C:?D:?E:?F:?G:?H:?I: caps", "too many nested conditionals");

  /* long line */
  memset(big, 'a', sizeof(big));
  memcpy(big, "blacklist /", 11);
  TAP_OK(lex(big, sizeof(big), &lx, &why) == 0 && lx.args_len == sizeof(big) - 10,
         "10000-byte line");

  fj_buf_free(&scratch);
  return tap_done();
}
