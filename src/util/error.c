#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* When memory runs out while reporting, fall back to a static message
 * rather than losing the error: the caller still gets -1 and a line. */
static brig_error brig_error_oom = { ENOMEM, 1, (char *)"out of memory" };

static brig_error *
error_new(int errnum, char *msg)
{
  brig_error *e;

  if (!msg)
    return &brig_error_oom;
  e = malloc(sizeof(*e));
  if (!e) {
    free(msg);
    return &brig_error_oom;
  }
  e->errnum = errnum;
  e->status = 1;
  e->msg = msg;
  return e;
}

int
brig_fail(brig_error **err, int errnum, const char *fmt, ...)
{
  char *what = NULL, *msg = NULL;
  va_list ap;
  int r;

  va_start(ap, fmt);
  r = vasprintf(&what, fmt, ap);
  va_end(ap);
  if (r >= 0) {
    if (errnum) {
      if (asprintf(&msg, "%s: %s", what, strerror(errnum)) < 0)
        msg = NULL;
      free(what);
    } else {
      msg = what;
    }
  }
  /* A caller that does not want the error (a cleanup path) passes NULL. */
  if (!err) {
    free(msg);
    return -1;
  }
  brig_error_clear(err);
  *err = error_new(errnum, msg);
  return -1;
}

int
brig_error_wrap(brig_error **err, const char *fmt, ...)
{
  char *what = NULL, *msg = NULL;
  va_list ap;
  int r;

  if (!err || !*err || *err == &brig_error_oom)
    return -1;
  va_start(ap, fmt);
  r = vasprintf(&what, fmt, ap);
  va_end(ap);
  if (r < 0)
    return -1;
  if (asprintf(&msg, "%s: %s", what, (*err)->msg) >= 0) {
    free((*err)->msg);
    (*err)->msg = msg;
  }
  free(what);
  return -1;
}

void
brig_error_free(brig_error *err)
{
  if (!err || err == &brig_error_oom)
    return;
  free(err->msg);
  free(err);
}

void
brig_error_clear(brig_error **errp)
{
  if (!errp)
    return;
  brig_error_free(*errp);
  *errp = NULL;
}
