/* One entry point per implemented subcommand; each lives in cmd/NAME.c. */
#ifndef BRIG_CMD_COMMANDS_H
#define BRIG_CMD_COMMANDS_H

#include "brig.h"

int brig_cmd_spec(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_firejail(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_ebpf(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_exec(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_features(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_sandbox(const brig_globals *g, int argc, char **argv, brig_error **err);

#endif
