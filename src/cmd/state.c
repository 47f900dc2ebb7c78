/* brig state: the OCI state of a container as JSON (pretty, like runc).
 *
 * Option help: none (usage "state ID").
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/lifecycle-commands.h"

int
brig_cmd_state(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  char *json = NULL, *perr = NULL;
  oci_state *s;
  size_t len;
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
    if (c == 'h') {
      brig_command_help(brig_command_find("state"));
      return 0;
    }
    return brig_option_error("state", c, argv, err);
  }
  if (optind >= argc)
    return brig_fail(err, 0, "state: missing container id");
  if (optind + 1 < argc)
    return brig_fail(err, 0, "state: unexpected argument '%s'", argv[optind + 1]);
  s = brig_container_state(g->root, argv[optind], err);
  if (!s)
    return brig_error_wrap(err, "state");
  if (oci_emit(&oci_state_desc, s, true, &json, &len, &perr) < 0) {
    oci_state_free(s);
    brig_fail(err, 0, "state: %s", perr);
    free(perr);
    return -1;
  }
  oci_state_free(s);
  fwrite(json, 1, len, stdout);
  putchar('\n');
  free(json);
  return 0;
}
