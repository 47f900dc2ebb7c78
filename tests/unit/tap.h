/* Minimal TAP producer for brig's C unit tests.
 *
 * Every unit test program prints TAP (https://testanything.org) so that the
 * automake TAP driver counts each check, not each program.  Use:
 *
 *   TAP_OK(cond, "what is checked %d", n);
 *   TAP_SKIP("why");
 *   return tap_done();     // prints the plan, exit status 1 on any failure
 */
#ifndef BRIG_TESTS_TAP_H
#define BRIG_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 3, 4), unused)) static bool
tap_ok_at(bool cond, const char *where, const char *fmt, ...)
{
  va_list ap;

  tap_count++;
  printf("%sok %d - ", cond ? "" : "not ", tap_count);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  if (!cond) {
    tap_failed++;
    printf("# failed at %s\n", where);
  }
  fflush(stdout);
  return cond;
}

#define TAP_STR2(x) #x
#define TAP_STR(x) TAP_STR2(x)
#define TAP_OK(cond, ...) tap_ok_at((cond), __FILE__ ":" TAP_STR(__LINE__), __VA_ARGS__)

__attribute__((format(printf, 1, 2), unused)) static void
tap_skip(const char *fmt, ...)
{
  va_list ap;

  tap_count++;
  printf("ok %d # SKIP ", tap_count);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

#define TAP_SKIP(...) tap_skip(__VA_ARGS__)

__attribute__((format(printf, 1, 2), unused)) static void
tap_diag(const char *fmt, ...)
{
  va_list ap;

  printf("# ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

__attribute__((unused)) static int
tap_done(void)
{
  printf("1..%d\n", tap_count);
  return tap_failed ? 1 : 0;
}

#endif
