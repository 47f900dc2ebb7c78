/* brig kill: send a signal (default SIGTERM) to the container's init
 * through a pidfd; --all: to every process of the container.
 *
 * Option help (for the table in brig.c):
 *   "  -a, --all                 signal every process of the container\n"
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/lifecycle-commands.h"

/* "9", "KILL", "SIGKILL", "kill", "RTMIN+3". */
static int
parse_signal(const char *s)
{
  char *end;
  long n;
  int i;

  if (isdigit((unsigned char)*s)) {
    n = strtol(s, &end, 10);
    /* 0 checks that the container runs, as kill(2) and runc do. */
    return *end || n < 0 || n >= NSIG ? -1 : (int)n;
  }
  if (strncasecmp(s, "SIG", 3) == 0)
    s += 3;
  for (i = 1; i < SIGRTMIN; i++) {
    const char *name = sigabbrev_np(i);

    if (name && strcasecmp(name, s) == 0)
      return i;
  }
  if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
    n = s[5] ? strtol(s + 5, &end, 10) : 0;
    if (s[5] && *end)
      return -1;
    n = toupper((unsigned char)s[3]) == 'I' ? SIGRTMIN + n : SIGRTMAX + n;
    return n < SIGRTMIN || n > SIGRTMAX ? -1 : (int)n;
  }
  return -1;
}

int
brig_cmd_kill(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "all", no_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false;
  int c, sig = SIGTERM;

  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, ":ah", options, NULL)) != -1) {
    switch (c) {
    case 'a':
      all = true;
      break;
    case 'h':
      brig_command_help(brig_command_find("kill"));
      return 0;
    default:
      return brig_option_error("kill", c, argv, err);
    }
  }
  if (optind >= argc)
    return brig_fail(err, 0, "kill: missing container id");
  if (optind + 2 < argc)
    return brig_fail(err, 0, "kill: unexpected argument '%s'", argv[optind + 2]);
  if (optind + 1 < argc) {
    sig = parse_signal(argv[optind + 1]);
    if (sig < 0)
      return brig_fail(err, 0, "kill: unknown signal '%s'", argv[optind + 1]);
  }
  if (brig_container_kill(g->root, argv[optind], sig, all, err) < 0)
    return brig_error_wrap(err, "kill");
  return 0;
}
