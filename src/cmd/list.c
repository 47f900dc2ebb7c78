/* brig list: the containers below the state root.
 *
 * Option help (for the table in brig.c):
 *   "  -f, --format table|json   output format (default table)\n"
 *   "  -q, --quiet               print only container ids\n"
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/lifecycle-commands.h"

static void
print_table(oci_state **v, size_t n)
{
  static const char *const head[] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  size_t w[6], i, j;
  char pid[32];

  /* Column width as runc's tabwriter: at least 12, text + 3 spaces. */
  for (j = 0; j < 6; j++)
    w[j] = strlen(head[j]) + 3 > 12 ? strlen(head[j]) + 3 : 12;
  for (i = 0; i < n; i++) {
    const char *cell[6] = { v[i]->id,
                            pid,
                            v[i]->status,
                            v[i]->bundle,
                            v[i]->created ? v[i]->created : "",
                            v[i]->owner ? v[i]->owner : "" };

    snprintf(pid, sizeof(pid), "%d", v[i]->pid);
    for (j = 0; j < 6; j++)
      if (strlen(cell[j]) + 3 > w[j])
        w[j] = strlen(cell[j]) + 3;
  }
  for (j = 0; j < 6; j++)
    printf(j < 5 ? "%-*s" : "%.*s%s\n", j < 5 ? (int)w[j] : 0, j < 5 ? head[j] : "", head[j]);
  for (i = 0; i < n; i++) {
    snprintf(pid, sizeof(pid), "%d", v[i]->pid);
    printf("%-*s%-*s%-*s%-*s%-*s%s\n", (int)w[0], v[i]->id, (int)w[1], pid, (int)w[2], v[i]->status,
           (int)w[3], v[i]->bundle, (int)w[4], v[i]->created ? v[i]->created : "",
           v[i]->owner ? v[i]->owner : "");
  }
}

static int
print_json(oci_state **v, size_t n, brig_error **err)
{
  size_t i;

  putchar('[');
  for (i = 0; i < n; i++) {
    char *json = NULL, *perr = NULL;
    size_t len;

    if (oci_emit(&oci_state_desc, v[i], false, &json, &len, &perr) < 0) {
      brig_fail(err, 0, "list: %s", perr);
      free(perr);
      return -1;
    }
    printf("%s%s", i ? "," : "", json);
    free(json);
  }
  printf("]\n");
  return 0;
}

int
brig_cmd_list(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  bool quiet = false;
  oci_state **v;
  size_t n, i;
  int c, r = 0;

  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, ":f:qh", options, NULL)) != -1) {
    switch (c) {
    case 'f':
      format = optarg;
      break;
    case 'q':
      quiet = true;
      break;
    case 'h':
      brig_command_help(brig_command_find("list"));
      return 0;
    default:
      return brig_option_error("list", c, argv, err);
    }
  }
  if (optind < argc)
    return brig_fail(err, 0, "list: unexpected argument '%s'", argv[optind]);
  if (strcmp(format, "table") && strcmp(format, "json"))
    return brig_fail(err, 0, "list: --format: expected table or json, got '%s'", format);
  if (brig_container_list(g->root, &v, &n, err) < 0)
    return brig_error_wrap(err, "list");
  if (quiet)
    for (i = 0; i < n; i++)
      printf("%s\n", v[i]->id);
  else if (strcmp(format, "json") == 0)
    r = print_json(v, n, err);
  else
    print_table(v, n);
  for (i = 0; i < n; i++)
    oci_state_free(v[i]);
  free(v);
  return r;
}
