/* The state directory <root>/<id>: creation with exactly one winner,
 * locking, state.json, and the status derived from the init process.
 *
 * Files in <root>/<id> (the directory is 0700, root is created 0700):
 *   state.json   the OCI state (oci_state), status as of the last write
 *   init.start   "PID STARTTIME": field 22 of /proc/PID/stat of the init,
 *                to tell the init from a later process that reuses its pid
 *   config.json  the effective spec (for poststop hooks at delete)
 *   exec.fifo    exists from create until start: the init blocks on it
 *
 * Every command that changes a container holds flock(LOCK_EX) on the
 * directory's fd (state and list only read, without it).  create builds the directory under a
 * temporary name, locks it, then renames it into place with RENAME_NOREPLACE, so of two concurrent
 * creates of one id exactly one succeeds, and nobody ever sees an unlocked half-made container.  A
 * command that waited for the lock checks the directory still exists (a delete may have won). */
#ifndef BRIG_RUNTIME_STATUS_H
#define BRIG_RUNTIME_STATUS_H

#include <stdbool.h>
#include <sys/types.h>

#include "libocispec/ocispec.h"
#include "util/error.h"

#define BRIG_EXEC_FIFO "exec.fifo"
/* The error for a command that needs a running container: containerd's
 * shim and podman look for "container not running" (runc's words) to tell
 * a process that has already exited from a failure. */
#define BRIG_NOT_RUNNING "container not running: %s"

typedef struct brig_cdir {
  int rootfd;
  int fd;
  char *path;
  char *id;
} brig_cdir;

#define BRIG_CDIR_INIT \
  {                    \
    -1, -1, NULL, NULL \
  }

/* runc's rule: ^[\w+-\.]+$ (so letters, digits, _ + , - .), not "." or "..". */
int brig_id_validate(const char *id, brig_error **err);

/* Opens (creating it 0700 if needed) the state root. */
int brig_state_root_open(const char *root, bool create, brig_error **err);

/* Creates and locks <root>/<id>; "container ID already exists" if taken. */
int brig_cdir_create(const char *root, const char *id, brig_cdir *c, brig_error **err);

/* Opens and locks an existing one; "container ID does not exist" with
 * errnum ENOENT otherwise. */
int brig_cdir_open(const char *root, const char *id, brig_cdir *c, brig_error **err);

/* Removes the directory and everything in it, then closes (unlocks). */
int brig_cdir_destroy(brig_cdir *c, brig_error **err);

/* The same without the lock, for readers (state, list): state.json is
 * replaced atomically, and a reader must not wait for a create whose hooks
 * may themselves ask for the state. */
int brig_cdir_open_unlocked(const char *root, const char *id, brig_cdir *c, brig_error **err);

void brig_cdir_close(brig_cdir *c);

int brig_state_save(brig_cdir *c, const oci_state *state, unsigned long long starttime,
                    brig_error **err);

/* Reads state.json and init.start, and sets status from the process:
 * "stopped" if the init is gone (or its pid now belongs to another
 * process), "creating" while create has not finished (it writes state.json
 * with that status before the init's setup starts), "created" while
 * exec.fifo exists, "running" otherwise. */
oci_state *brig_state_load(brig_cdir *c, unsigned long long *starttime, brig_error **err);

/* Field 22 (starttime) and field 3 (state) of /proc/PID/stat. */
int brig_proc_stat(pid_t pid, unsigned long long *starttime, char *state);

/* A pidfd of pid if it still is the process that started at starttime;
 * -1 with errno ESRCH if it has exited. */
int brig_pidfd_verified(pid_t pid, unsigned long long starttime);

/* The pid of pid in its own (innermost) pid namespace (NSpid), pid if
 * the kernel does not say, -1 if it is gone. */
pid_t brig_proc_ns_pid(pid_t pid);

/* The current time as RFC 3339 with nanoseconds, UTC (malloc'd). */
char *brig_rfc3339_now(void);

#endif
