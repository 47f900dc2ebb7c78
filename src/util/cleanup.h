/* Scope-bound release of fds, memory and errors (GNU cleanup attribute),
 * so early returns on error paths cannot leak. */
#ifndef BRIG_UTIL_CLEANUP_H
#define BRIG_UTIL_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"

static inline void
brig_freep(void *p)
{
  free(*(void **)p);
}

static inline void
brig_closep(int *fd)
{
  if (*fd >= 0)
    close(*fd);
}

static inline void
brig_fclosep(FILE **f)
{
  if (*f)
    fclose(*f);
}

static inline void
brig_strv_freep(char ***v)
{
  char **p;

  if (!*v)
    return;
  for (p = *v; *p; p++)
    free(*p);
  free(*v);
}

#define _cleanup_free_ __attribute__((cleanup(brig_freep)))
#define _cleanup_close_ __attribute__((cleanup(brig_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(brig_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(brig_strv_freep)))
#define _cleanup_error_ __attribute__((cleanup(brig_error_clear)))

/* Hands ownership out of a cleanup variable. */
#define BRIG_STEAL(p)            \
  ({                             \
    __typeof__(p) stolen_ = (p); \
    (p) = NULL;                  \
    stolen_;                     \
  })

#define BRIG_STEAL_FD(fd)  \
  ({                       \
    int stolen_fd_ = (fd); \
    (fd) = -1;             \
    stolen_fd_;            \
  })

#endif
