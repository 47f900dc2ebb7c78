/* brig resume: thaw a paused container.
 *
 * Option help: none (usage "resume ID").
 */
#define _GNU_SOURCE

#include "cmd/cgroup-commands.h"

int
brig_cmd_resume(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  const char *id;
  int r = brig_parse_id_only("resume", argc, argv, &id, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  if (brig_container_pause(g->root, id, false, err) < 0)
    return brig_error_wrap(err, "resume");
  return 0;
}
