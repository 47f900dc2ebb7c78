/* The commands that act on a container's cgroup (pause resume ps update
 * events); each lives in cmd/NAME.c. */
#ifndef BRIG_CMD_CGROUP_COMMANDS_H
#define BRIG_CMD_CGROUP_COMMANDS_H

#include "brig.h"
#include "runtime/container-ops.h"

int brig_cmd_pause(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_resume(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_ps(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_update(const brig_globals *g, int argc, char **argv, brig_error **err);
int brig_cmd_events(const brig_globals *g, int argc, char **argv, brig_error **err);

#endif
