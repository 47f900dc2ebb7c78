/* Small file helpers. */
#ifndef BRIG_UTIL_FS_H
#define BRIG_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Writes data to dir/name (dirfd AT_FDCWD for the current directory),
 * creating it with mode and failing with EEXIST if it exists (O_EXCL), so a
 * user's file is never overwritten by accident.  A partly written file is
 * removed. */
int brig_write_new_file(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                        brig_error **err);

/* write() until done, retrying on EINTR.  Returns 0 or -1 with errno. */
int brig_write_all(int fd, const void *data, size_t len);

#endif
