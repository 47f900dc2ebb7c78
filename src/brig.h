/* The command frame shared by main (brig.c) and the subcommands (cmd/). */
#ifndef BRIG_BRIG_H
#define BRIG_BRIG_H

#include <stdbool.h>

#include "util/error.h"
#include "util/log.h"

#define BRIG_DEFAULT_ROOT "/run/brig"

enum brig_cgroup_manager {
  BRIG_CGROUP_CGROUPFS,
  BRIG_CGROUP_SYSTEMD,
  BRIG_CGROUP_DISABLED,
};

/* Global options, given before the command (runc's set). */
typedef struct brig_globals {
  const char *root;
  const char *log_path;
  enum brig_log_format log_format;
  enum brig_log_level log_level;
  bool debug;
  enum brig_cgroup_manager cgroup_manager;
  const char *rootless; /* "true", "false" or "auto" */
} brig_globals;

/* A command returns 0 on success, -1 with *err set on failure (main prints
 * it), or a positive exit status when it has already said all there is to
 * say: a status passed through from a process (a container's exit code) or
 * a tool that printed its own one-line error. */
typedef int (*brig_command_fn)(const brig_globals *g, int argc, char **argv, brig_error **err);

typedef struct brig_command {
  const char *name;
  const char *summary;
  const char *usage;   /* after "Usage: brig " */
  const char *options; /* option lines for --help, may be NULL */
  brig_command_fn run; /* NULL: not implemented yet */
} brig_command;

/* Prints "Usage: ..." and the options of cmd on stdout. */
void brig_command_help(const brig_command *cmd);

/* Finds a command by name; NULL if brig has no such command. */
const brig_command *brig_command_find(const char *name);

/* Prints the feature tags built in ("+SECCOMP +CAP ..."), shared by
 * --version and features. */
const char *brig_build_tags(void);

/* Reports a bad option of cmd: "COMMAND: unknown option --foo" etc. (cmd
 * NULL for the global options).
 * argv/optind/optopt/c are getopt's state after it returned '?' or ':'. */
int brig_option_error(const char *cmd, int c, char **argv, brig_error **err);

/* After getopt: exactly one argument left, the container id, in *id;
 * otherwise "COMMAND: missing container id" / "unexpected argument". */
int brig_expect_one_id(const char *cmd, int argc, char **argv, const char **id, brig_error **err);

/* For commands whose only argument is the container id and whose only
 * option is --help (start, state, pause, resume): returns 1 after printing
 * the help, 0 with *id set, -1 with *err set. */
int brig_parse_id_only(const char *cmd, int argc, char **argv, const char **id, brig_error **err);

#endif
