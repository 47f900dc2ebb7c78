/* The container lifecycle: create, start, run, kill, delete (the order of
 * the steps; the mechanisms are in linux/ and the other runtime/ files). */
#ifndef BRIG_RUNTIME_CONTAINER_H
#define BRIG_RUNTIME_CONTAINER_H

#include <stdbool.h>

#include "brig.h"

#include "libocispec/ocispec.h"
#include "util/error.h"

typedef struct brig_create_opts {
  const char *root;
  const char *id;
  const char *bundle;
  const char *pid_file;       /* may be NULL */
  const char *console_socket; /* may be NULL */
  const char *pidfd_socket;   /* may be NULL */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool init_is_our_child; /* run in the foreground: we wait for the init */
  bool proxy_terminal;    /* foreground run: a terminal without console socket is ours */
  enum brig_cgroup_manager cgroup_manager;
} brig_create_opts;

int brig_container_create(const brig_create_opts *o, brig_error **err);

int brig_container_start(const char *root, const char *id, brig_error **err);

/* create + start; unless detach, waits for the container, deletes it
 * (unless keep) and stores the exit status (128+signal when killed) in
 * *exit_status. */
int brig_container_run(const brig_create_opts *o, bool detach, bool keep, int *exit_status,
                       brig_error **err);

int brig_container_kill(const char *root, const char *id, int sig, bool all, brig_error **err);

int brig_container_delete(const char *root, const char *id, bool force, brig_error **err);

/* The state with the status derived from the process (pid 0 once
 * stopped); NULL with errnum ENOENT if there is no such container. */
oci_state *brig_container_state(const char *root, const char *id, brig_error **err);

/* Every container below root (sorted by id, without taking the locks);
 * *out is a malloc'd array of *n states. */
int brig_container_list(const char *root, oci_state ***out, size_t *n, brig_error **err);

#endif
