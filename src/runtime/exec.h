/* brig exec: a new process in the namespaces, cgroup and security
 * settings of a running container (exec.c), and the process spec it runs
 * (exec-process.c). */
#ifndef BRIG_RUNTIME_EXEC_H
#define BRIG_RUNTIME_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "brig.h"
#include "libocispec/ocispec.h"
#include "util/error.h"

typedef struct brig_exec_opts {
  const char *root;
  const char *id;
  const char *process_file;   /* --process: the whole process spec */
  const char *console_socket; /* needed with a terminal */
  const char *pid_file;
  const char *pidfd_socket; /* may be NULL */
  const char *cwd;
  const char *user; /* "UID[:GID]" */
  const char *process_label;
  const char *apparmor;
  const char *cgroup; /* only the container's own cgroup is accepted */
  char **args;        /* COMMAND ARGS... (NULL-terminated; none with --process) */
  size_t args_len;
  char **env; /* K=V, in order */
  size_t env_len;
  char **caps; /* added to the effective, permitted, bounding, ambient sets */
  size_t caps_len;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  bool tty;
  bool detach;
  bool no_new_privs;
  int preserve_fds;
} brig_exec_opts;

/* The process to run: --process FILE, or the container's process (from
 * its saved config.json) with args from the command line; the flags are
 * applied on top either way.  Errors name the document and field
 * ("process.json: args: must not be empty"). */
int brig_exec_process_build(const brig_exec_opts *o, const oci_spec *config, oci_process **out,
                            brig_error **err);

/* Runs it.  With detach: returns 0 once the process has exec'd.  Without:
 * waits for it and sets *status to its exit status (128+N on signal N). */
int brig_container_exec(const brig_exec_opts *o, int *status, brig_error **err);

#endif
