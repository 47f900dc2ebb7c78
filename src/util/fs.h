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

/* The PATH a process gets when its env has none (runc's). */
#define BRIG_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* execvp(3)'s lookup, in the caller's root: name as it is when it has a
 * '/', else the first executable regular file NAME in the PATH of env
 * (NULL-terminated; BRIG_DEFAULT_PATH without one).  A malloc'd path, or
 * NULL with errno (ENOENT: not found in PATH; EACCES: not a regular
 * file). */
char *brig_find_executable(const char *name, char *const *env);

/* Closes every fd from first on except keep (-1: none), really closes
 * them: close-on-exec is not enough before a container's execve, which
 * resolves its path while they are still open (a symlink through
 * /proc/self/fd/N of a directory fd climbs out with ".."; the
 * CVE-2024-21626 class).  0 or -1 with errno. */
int brig_close_from(int first, int keep);

/* write() until done, retrying on EINTR.  Returns 0 or -1 with errno. */
int brig_write_all(int fd, const void *data, size_t len);

/* Writes text into the existing file path (relative to dirfd): the
 * kernel's control files (/proc/PID/uid_map, setgroups, oom_score_adj).
 * Returns 0 or -1 with errno. */
int brig_write_existing_at(int dirfd, const char *path, const char *text);

#endif
