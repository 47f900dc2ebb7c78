/* brig create: set up a container and leave its init waiting for start.
 *
 * Option help (for the table in brig.c):
 *   "  -b, --bundle DIR          bundle directory (default: current directory)\n"
 *   "      --console-socket SOCK send the pty master of the container over this socket\n"
 *   "      --pid-file FILE       write the container's init pid to FILE\n"
 *   "      --no-pivot            do not use pivot_root to enter the rootfs\n"
 *   "      --no-new-keyring      do not create a new session keyring\n"
 *   "      --preserve-fds N      pass N extra fds (from 3) to the container\n"
 *   "      --pidfd-socket SOCK   send a pidfd of the init over this socket\n"
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/lifecycle-commands.h"
#include "runtime/preserved-fds.h"
#include "runtime/sealed-exe.h"

enum {
  OPT_PID_FILE = 256,
  OPT_CONSOLE_SOCKET,
  OPT_NO_PIVOT,
  OPT_NO_NEW_KEYRING,
  OPT_PRESERVE_FDS,
  OPT_PIDFD_SOCKET,
  OPT_KEEP,
};

int
brig_parse_create_args(const brig_globals *g, const char *cmd, bool run_flags, int argc,
                       char **argv, brig_create_args *a, brig_error **err)
{
  static const struct option options[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
    { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
    { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET },
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, OPT_KEEP },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  char *end;
  long n;
  int c;

  memset(a, 0, sizeof(*a));
  a->opts.root = g->root;
  a->opts.cgroup_manager = g->cgroup_manager;
  a->opts.bundle = ".";
  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, run_flags ? ":b:dh" : ":b:h", options, NULL)) != -1) {
    switch (c) {
    case 'b':
      a->opts.bundle = optarg;
      break;
    case OPT_PID_FILE:
      a->opts.pid_file = optarg;
      break;
    case OPT_CONSOLE_SOCKET:
      a->opts.console_socket = optarg;
      break;
    case OPT_NO_PIVOT:
      a->opts.no_pivot = true;
      break;
    case OPT_NO_NEW_KEYRING:
      a->opts.no_new_keyring = true;
      break;
    case OPT_PRESERVE_FDS:
      n = strtol(optarg, &end, 10);
      if (!*optarg || *end || n < 0 || n > INT_MAX - 3)
        return brig_fail(err, 0, "%s: --preserve-fds: expected a number, got '%s'", cmd, optarg);
      /* No more than main() filled: brig keeps fds outside the range. */
      a->opts.preserve_fds = brig_preserved_fds_cap(n);
      break;
    case OPT_PIDFD_SOCKET:
      a->opts.pidfd_socket = optarg;
      break;
    case 'd':
    case OPT_KEEP:
      if (!run_flags)
        return brig_fail(err, 0, "%s: unknown option %s", cmd, argv[optind - 1]);
      if (c == 'd')
        a->detach = true;
      else
        a->keep = true;
      break;
    case 'h':
      brig_command_help(brig_command_find(cmd));
      return 1;
    default:
      return brig_option_error(cmd, c, argv, err);
    }
  }
  if (optind >= argc)
    return brig_fail(err, 0, "%s: missing container id", cmd);
  if (optind + 1 < argc)
    return brig_fail(err, 0, "%s: unexpected argument '%s'", cmd, argv[optind + 1]);
  a->opts.id = argv[optind];
  return 0;
}

int
brig_cmd_create(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  brig_create_args a;
  int r;

  r = brig_parse_create_args(g, "create", false, argc, argv, &a, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  if (brig_sealed_exe_ensure(err) < 0 || brig_container_create(&a.opts, err) < 0)
    return brig_error_wrap(err, "create");
  return 0;
}
