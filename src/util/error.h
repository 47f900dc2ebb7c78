/* brig's one error type.
 *
 * A failing function fills a brig_error and returns -1; callers add the
 * step they were doing with brig_error_wrap() and pass it up; main()
 * prints it once as "brig: <step>: <cause>" and logs it.  Nothing below
 * main prints an error itself, so every failure is exactly one line.
 */
#ifndef BRIG_UTIL_ERROR_H
#define BRIG_UTIL_ERROR_H

typedef struct brig_error {
  int errnum; /* errno of the root cause, 0 if none */
  int status; /* exit status to use, 1 unless a command decides */
  char *msg;  /* one line, no "brig: " prefix */
} brig_error;

/* Sets *err to fmt, followed by ": strerror(errnum)" when errnum != 0.
 * Returns -1 so that `return brig_fail(err, errno, "open %s", p);` reads
 * naturally.  If *err is already set it is replaced; err may be NULL (a
 * cleanup path that has no use for the message). */
int brig_fail(brig_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the message of *err with fmt and ": ".  Returns -1. */
int brig_error_wrap(brig_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void brig_error_free(brig_error *err);

/* Frees *errp and sets it to NULL; for cleanup attributes and for callers
 * that decide an error is not fatal. */
void brig_error_clear(brig_error **errp);

#endif
