/* brig state: the OCI state of a container as JSON (pretty, like runc).
 *
 * Option help: none (usage "state ID").
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "cmd/lifecycle-commands.h"

int
brig_cmd_state(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  char *json = NULL, *perr = NULL;
  const char *id;
  oci_state *s;
  size_t len;
  int r = brig_parse_id_only("state", argc, argv, &id, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  s = brig_container_state(g->root, id, err);
  if (!s)
    return brig_error_wrap(err, "state");
  if (oci_emit(&oci_state_desc, s, true, &json, &len, &perr) < 0) {
    oci_state_free(s);
    brig_fail(err, 0, "state: %s", perr);
    free(perr);
    return -1;
  }
  oci_state_free(s);
  /* One newline at the end (yajl's pretty printer may have put it). */
  fwrite(json, 1, len, stdout);
  if (len == 0 || json[len - 1] != '\n')
    putchar('\n');
  free(json);
  return 0;
}
