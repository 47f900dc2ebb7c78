/* brig firejail: Firejail profiles.  `check` is the profile front-end of
 * src/policy/firejail (parse, includes, conditionals, macros); `convert`
 * prints the profile as an OCI config.json (src/policy/firejail/to-oci*.c). */
#include <string.h>

#include "cmd/commands.h"
#include "policy/firejail/firejail.h"
#include "policy/firejail/to-oci.h"

int
brig_cmd_firejail(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  (void)g;
  if (argc < 2)
    return brig_fail(err, 0, "firejail: missing command (check or convert)");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    brig_command_help(brig_command_find("firejail"));
    return 0;
  }
  if (strcmp(argv[1], "check") == 0)
    /* The front-end prints its own one-line error and returns 1. */
    return brig_firejail_check_main(argc - 1, argv + 1);
  if (strcmp(argv[1], "convert") == 0)
    /* Prints its own one-line error and returns 1, like check. */
    return brig_firejail_convert_main(argc - 1, argv + 1);
  return brig_fail(err, 0, "firejail: unknown command '%s' (check or convert)", argv[1]);
}
