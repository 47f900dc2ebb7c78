/* brig start: release a created container's init; returns once the
 * user's process was exec'd.
 *
 * Option help: none (usage "start ID").
 */
#define _GNU_SOURCE

#include "cmd/lifecycle-commands.h"

int
brig_cmd_start(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  const char *id;
  int r = brig_parse_id_only("start", argc, argv, &id, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  if (brig_container_start(g->root, id, err) < 0)
    return brig_error_wrap(err, "start");
  return 0;
}
