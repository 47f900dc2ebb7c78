/* File helpers for the lifecycle: atomic replace, recursive removal of a
 * state directory, reading a small file. */
#ifndef BRIG_UTIL_FILE_UTIL_H
#define BRIG_UTIL_FILE_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Writes data to dirfd/name through a temporary file and rename(2), so a
 * reader sees the old or the new content, never a partial one. */
int brig_write_file_atomic(int dirfd, const char *name, const char *data, size_t len, mode_t mode,
                           brig_error **err);

/* Removes everything below dirfd (files and directories, no symlink is
 * followed).  Returns 0 or -1 with errno set. */
int brig_remove_dir_contents(int dirfd);

/* Reads at most max bytes of dirfd/name into a malloc'd NUL-terminated
 * buffer.  Returns NULL with errno set on failure. */
char *brig_read_file_at(int dirfd, const char *name, size_t max, size_t *len);

/* Writes pid to path (the --pid-file of create, run and exec) through a
 * fresh temporary file (O_EXCL|O_NOFOLLOW: never one planted there) and
 * rename(2), so an engine never reads a partial pid. */
int brig_write_pid_file(const char *path, pid_t pid, brig_error **err);

#endif
