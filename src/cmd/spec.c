/* brig spec: write a default config.json, as `runc spec` does. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "runtime/default-spec.h"
#include "util/cleanup.h"
#include "util/fs.h"

int
brig_cmd_spec(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "rootless", no_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *bundle = ".";
  bool rootless = false;
  _cleanup_free_ char *json = NULL;
  _cleanup_close_ int dirfd = -1;
  oci_spec *spec;
  char *perr = NULL;
  size_t len;
  int c;

  (void)g;
  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, ":b:h", options, NULL)) != -1) {
    switch (c) {
    case 'b':
      bundle = optarg;
      break;
    case 'r':
      rootless = true;
      break;
    case 'h':
      brig_command_help(brig_command_find("spec"));
      return 0;
    default:
      return brig_option_error("spec", c, argv, err);
    }
  }
  if (optind < argc)
    return brig_fail(err, 0, "spec: unexpected argument '%s'", argv[optind]);

  spec = brig_default_spec(rootless, geteuid(), getegid(), err);
  if (!spec)
    return -1;
  if (oci_emit(&oci_spec_desc, spec, true, &json, &len, &perr) < 0) {
    oci_spec_free(spec);
    brig_fail(err, 0, "spec: %s", perr);
    free(perr);
    return -1;
  }
  oci_spec_free(spec);

  dirfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return brig_fail(err, errno, "spec: bundle %s", bundle);
  json[len] = '\n';
  if (brig_write_new_file(dirfd, "config.json", json, len + 1, 0644, err) < 0) {
    if ((*err)->errnum == EEXIST)
      return brig_fail(err, 0, "spec: %s/config.json exists: remove it first", bundle);
    return brig_error_wrap(err, "spec: %s", bundle);
  }
  return 0;
}
