/* brig delete: remove a stopped (or created) container; --force kills a
 * running one first and makes a missing container not an error.
 *
 * Option help (for the table in brig.c):
 *   "  -f, --force               kill the container if it runs; a missing container is not an
 * error\n"
 */
#define _GNU_SOURCE
#include <getopt.h>

#include "cmd/lifecycle-commands.h"

int
brig_cmd_delete(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool force = false;
  const char *id;
  int c;

  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, ":fh", options, NULL)) != -1) {
    switch (c) {
    case 'f':
      force = true;
      break;
    case 'h':
      brig_command_help(brig_command_find("delete"));
      return 0;
    default:
      return brig_option_error("delete", c, argv, err);
    }
  }
  if (brig_expect_one_id("delete", argc, argv, &id, err) < 0)
    return -1;
  if (brig_container_delete(g->root, id, force, err) < 0)
    return brig_error_wrap(err, "delete");
  return 0;
}
