/* The lifecycle commands (create start run state kill delete list); each
 * lives in cmd/NAME.c. */
#ifndef BRIG_CMD_LIFECYCLE_COMMANDS_H
#define BRIG_CMD_LIFECYCLE_COMMANDS_H

#include <stdbool.h>

#include "brig.h"
#include "runtime/container.h"

typedef struct brig_create_args {
  brig_create_opts opts;
  bool detach; /* run only */
  bool keep;   /* run only */
} brig_create_args;

/* Shared by create and run (in create.c): parses argv of create (run_flags false) or run (true)
 * into *a; the ID is required and is the only argument.  Returns 1 if --help was printed, 0 on
 * success, -1 with *err set. */
int brig_parse_create_args(const brig_globals *g, const char *cmd, bool run_flags, int argc,
                           char **argv, brig_create_args *a, brig_error **err);

int brig_cmd_create(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_start(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_run(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_state(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_kill(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_delete(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_list(const brig_globals *g, int argc, char **argv, brig_error **err);

#endif
