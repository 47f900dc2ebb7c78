/* brig start: release a created container's init; returns once the
 * user's process was exec'd.
 *
 * Option help: none (usage "start ID").
 */
#define _GNU_SOURCE
#include <getopt.h>

#include "cmd/lifecycle-commands.h"

int
brig_cmd_start(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
    if (c == 'h') {
      brig_command_help(brig_command_find("start"));
      return 0;
    }
    return brig_option_error("start", c, argv, err);
  }
  if (optind >= argc)
    return brig_fail(err, 0, "start: missing container id");
  if (optind + 1 < argc)
    return brig_fail(err, 0, "start: unexpected argument '%s'", argv[optind + 1]);
  if (brig_container_start(g->root, argv[optind], err) < 0)
    return brig_error_wrap(err, "start");
  return 0;
}
