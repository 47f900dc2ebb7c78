/* brig features: print runtime-spec features.json for this build. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "cmd/commands.h"
#include "runtime/features.h"

int
brig_cmd_features(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  oci_features *f;
  char *json = NULL, *perr = NULL;
  int c, r;

  (void)g;
  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
    if (c == 'h') {
      brig_command_help(brig_command_find("features"));
      return 0;
    }
    return brig_option_error("features", c, argv, err);
  }
  if (optind < argc)
    return brig_fail(err, 0, "features: unexpected argument '%s'", argv[optind]);
  f = brig_features(err);
  if (!f)
    return -1;
  r = oci_emit(&oci_features_desc, f, true, &json, NULL, &perr);
  oci_features_free(f);
  if (r < 0) {
    brig_fail(err, 0, "features: %s", perr);
    free(perr);
    return -1;
  }
  fputs(json, stdout);
  if (!*json || json[strlen(json) - 1] != '\n') /* one newline at the end */
    putchar('\n');
  free(json);
  return 0;
}
