/* brig exec: run a new process inside a running container.
 *
 * Option help (for the table in brig.c):
 *   "  -p, --process FILE        the process spec (process.json) to run\n"
 *   "      --console-socket SOCK send the pty master over this socket\n"
 *   "  -t, --tty                 give the process a pty\n"
 *   "  -d, --detach              return once the process runs (do not wait for it)\n"
 *   "      --pid-file FILE       write the process's pid to FILE\n"
 *   "      --pidfd-socket SOCK   send a pidfd of the process over this socket\n"
 *   "      --cwd DIR             working directory in the container\n"
 *   "  -e, --env K=V             set an environment variable (repeatable)\n"
 *   "  -u, --user UID[:GID]      run as this user\n"
 *   "  -g, --additional-gids GID add a supplementary group (repeatable)\n"
 *   "  -c, --cap CAP             add a capability (repeatable)\n"
 *   "      --no-new-privs        set no_new_privs\n"
 *   "      --preserve-fds N      pass N extra fds (from 3) to the process\n"
 *   "      --process-label LABEL SELinux label of the process\n"
 *   "      --apparmor PROFILE    AppArmor profile of the process\n"
 *   "      --cgroup PATH         the container's cgroup (no other is supported)\n"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "runtime/exec.h"
#include "runtime/preserved-fds.h"
#include "runtime/sealed-exe.h"

enum {
  OPT_CONSOLE_SOCKET = 256,
  OPT_PID_FILE,
  OPT_PIDFD_SOCKET,
  OPT_CWD,
  OPT_NO_NEW_PRIVS,
  OPT_PRESERVE_FDS,
  OPT_PROCESS_LABEL,
  OPT_APPARMOR,
  OPT_CGROUP,
};

typedef struct exec_args {
  brig_exec_opts o;
  char **env, **caps;
  uint32_t *gids;
} exec_args;

static int
push(char ***v, size_t *len, char *s)
{
  char **n = realloc(*v, (*len + 1) * sizeof(char *));

  if (!n)
    return -1;
  n[(*len)++] = s;
  *v = n;
  return 0;
}

static int
push_gid(exec_args *a, const char *s, brig_error **err)
{
  uint32_t *n;
  char *end;
  unsigned long v;

  errno = 0;
  v = strtoul(s, &end, 10);
  if (!*s || *end || errno || *s == '-' || v > UINT32_MAX - 1)
    return brig_fail(err, 0, "exec: --additional-gids: expected a number, got '%s'", s);
  n = realloc(a->gids, (a->o.additional_gids_len + 1) * sizeof(*n));
  if (!n)
    return brig_fail(err, ENOMEM, "exec");
  n[a->o.additional_gids_len++] = (uint32_t)v;
  a->gids = a->o.additional_gids = n;
  return 0;
}

/* Returns 1 if --help was printed. */
static int
parse_args(const brig_globals *g, int argc, char **argv, exec_args *a, brig_error **err)
{
  static const struct option options[] = {
    { "process", required_argument, NULL, 'p' },
    { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
    { "tty", no_argument, NULL, 't' },
    { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "pidfd-socket", required_argument, NULL, OPT_PIDFD_SOCKET },
    { "cwd", required_argument, NULL, OPT_CWD },
    { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "cap", required_argument, NULL, 'c' },
    { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
    { "apparmor", required_argument, NULL, OPT_APPARMOR },
    { "cgroup", required_argument, NULL, OPT_CGROUP },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  brig_exec_opts *o = &a->o;
  char *end;
  long n;
  int c;

  o->root = g->root;
  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, "+:p:tde:u:g:c:h", options, NULL)) != -1) {
    switch (c) {
    case 'p':
      o->process_file = optarg;
      break;
    case OPT_CONSOLE_SOCKET:
      o->console_socket = optarg;
      break;
    case 't':
      o->tty = true;
      break;
    case 'd':
      o->detach = true;
      break;
    case OPT_PID_FILE:
      o->pid_file = optarg;
      break;
    case OPT_PIDFD_SOCKET:
      o->pidfd_socket = optarg;
      break;
    case OPT_CWD:
      o->cwd = optarg;
      break;
    case 'e':
      if (!strchr(optarg, '=') || optarg[0] == '=')
        return brig_fail(err, 0, "exec: --env: expected K=V, got '%s'", optarg);
      if (push(&a->env, &o->env_len, optarg) < 0)
        return brig_fail(err, ENOMEM, "exec");
      o->env = a->env;
      break;
    case 'u':
      o->user = optarg;
      break;
    case 'g':
      if (push_gid(a, optarg, err) < 0)
        return -1;
      break;
    case 'c':
      if (push(&a->caps, &o->caps_len, optarg) < 0)
        return brig_fail(err, ENOMEM, "exec");
      o->caps = a->caps;
      break;
    case OPT_NO_NEW_PRIVS:
      o->no_new_privs = true;
      break;
    case OPT_PRESERVE_FDS:
      n = strtol(optarg, &end, 10);
      if (!*optarg || *end || n < 0 || n > INT_MAX - 3)
        return brig_fail(err, 0, "exec: --preserve-fds: expected a number, got '%s'", optarg);
      /* No more than main() filled: brig keeps fds outside the range. */
      o->preserve_fds = brig_preserved_fds_cap(n);
      break;
    case OPT_PROCESS_LABEL:
      o->process_label = optarg;
      break;
    case OPT_APPARMOR:
      o->apparmor = optarg;
      break;
    case OPT_CGROUP:
      o->cgroup = optarg;
      break;
    case 'h':
      brig_command_help(brig_command_find("exec"));
      return 1;
    default:
      return brig_option_error("exec", c, argv, err);
    }
  }
  if (optind >= argc)
    return brig_fail(err, 0, "exec: missing container id");
  o->id = argv[optind];
  o->args = argv + optind + 1;
  o->args_len = (size_t)(argc - optind - 1);
  return 0;
}

int
brig_cmd_exec(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  exec_args a = { 0 };
  int r, status = 0;

  r = parse_args(g, argc, argv, &a, err);
  if (r == 0 && (brig_sealed_exe_ensure(err) < 0 || brig_container_exec(&a.o, &status, err) < 0)) {
    r = brig_error_wrap(err, "exec");
    /* As runc: 255, which a process's own exit status 1 cannot be taken
     * for. */
    (*err)->status = 255;
  }
  free(a.env);
  free(a.caps);
  free(a.gids);
  if (r != 0)
    return r < 0 ? -1 : 0;
  /* The process's status is brig's, without an error line. */
  return status;
}
