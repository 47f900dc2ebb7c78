/* brig pause: freeze every process of a container (cgroup freezer) and wait until
 * it is frozen; state then says "paused".
 *
 * Option help: none (usage "pause ID").
 */
#define _GNU_SOURCE

#include "cmd/cgroup-commands.h"

int
brig_cmd_pause(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  const char *id;
  int r = brig_parse_id_only("pause", argc, argv, &id, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  if (brig_container_pause(g->root, id, true, err) < 0)
    return brig_error_wrap(err, "pause");
  return 0;
}
