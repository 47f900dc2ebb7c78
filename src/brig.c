/* brig: global options and dispatch to the subcommands in cmd/.
 *
 * The command line follows runc's, because podman, containerd and CRI-O
 * drive brig through it: global options first, then the command, then its
 * options and arguments.  Options accept both "--flag value" and
 * "--flag=value".  Option parsing stops at the first non-option (getopt's
 * "+" mode), as in runc, so "exec ID sh -c ..." passes "-c" to sh.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "brig.h"
#include "cmd/cgroup-commands.h"
#include "cmd/commands.h"
#include "cmd/lifecycle-commands.h"
#include "libocispec/ocispec.h"
#include "runtime/preserved-fds.h"
#include "version-commit.h"

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

static const brig_command brig_commands[] = {
  { "checkpoint", "checkpoint a running container", "checkpoint [OPTIONS] ID", NULL, NULL },
  { "create", "create a container", "create [OPTIONS] ID",
    "  -b, --bundle DIR          bundle directory (default: current directory)\n"
    "      --console-socket SOCK send the pty master of the container over this socket\n"
    "      --pid-file FILE       write the container's init pid to FILE\n"
    "      --no-pivot            do not use pivot_root to enter the rootfs\n"
    "      --no-new-keyring      do not create a new session keyring\n"
    "      --preserve-fds N      pass N extra fds (from 3) to the container\n"
    "      --pidfd-socket SOCK   send a pidfd of the init over this socket\n",
    brig_cmd_create },
  { "delete", "delete a container and its resources", "delete [OPTIONS] ID",
    "  -f, --force               kill the container if it runs; a missing container is not an "
    "error\n",
    brig_cmd_delete },
  { "events", "show container events and resource statistics", "events [OPTIONS] ID",
    "      --stats               print statistics once and exit\n"
    "      --interval DURATION   statistics interval (default 5s)\n",
    brig_cmd_events },
  { "exec", "run a new process inside a container", "exec [OPTIONS] ID COMMAND [ARGS...]",
    "  -p, --process FILE        the process spec (process.json) to run\n"
    "      --console-socket SOCK send the pty master over this socket\n"
    "  -t, --tty                 give the process a pty\n"
    "  -d, --detach              return once the process runs (do not wait for it)\n"
    "      --pid-file FILE       write the process's pid to FILE\n"
    "      --pidfd-socket SOCK   send a pidfd of the process over this socket\n"
    "      --cwd DIR             working directory in the container\n"
    "  -e, --env K=V             set an environment variable (repeatable)\n"
    "  -u, --user UID[:GID]      run as this user\n"
    "  -g, --additional-gids GID add a supplementary group (repeatable)\n"
    "  -c, --cap CAP             add a capability (repeatable)\n"
    "      --no-new-privs        set no_new_privs\n"
    "      --preserve-fds N      pass N extra fds (from 3) to the process\n"
    "      --process-label LABEL SELinux label of the process\n"
    "      --apparmor PROFILE    AppArmor profile of the process\n"
    "      --cgroup PATH         the container's cgroup (no other is supported)\n",
    brig_cmd_exec },
  { "features", "show the features this build of brig implements (JSON)", "features", NULL,
    brig_cmd_features },
  { "kill", "send a signal to a container's init (or all its processes)",
    "kill [OPTIONS] ID [SIGNAL]",
    "  -a, --all                 signal every process of the container\n", brig_cmd_kill },
  { "list", "list containers", "list [OPTIONS]",
    "  -f, --format table|json   output format (default table)\n"
    "  -q, --quiet               print only container ids\n",
    brig_cmd_list },
  { "pause", "freeze all processes of a container", "pause ID", NULL, brig_cmd_pause },
  { "ps", "list the processes of a container", "ps [OPTIONS] ID [-- PS-OPTIONS]",
    "  -f, --format table|json   output format (default table)\n", brig_cmd_ps },
  { "restore", "restore a container from a checkpoint", "restore [OPTIONS] ID", NULL, NULL },
  { "resume", "thaw a paused container", "resume ID", NULL, brig_cmd_resume },
  { "run", "create and start a container", "run [OPTIONS] ID",
    "  -b, --bundle DIR          bundle directory (default: current directory)\n"
    "      --console-socket SOCK send the pty master of the container over this socket\n"
    "      --pid-file FILE       write the container's init pid to FILE\n"
    "  -d, --detach              return once the container runs (do not wait for it)\n"
    "      --keep                do not delete the container after it exits\n"
    "      --no-pivot            do not use pivot_root to enter the rootfs\n"
    "      --no-new-keyring      do not create a new session keyring\n"
    "      --preserve-fds N      pass N extra fds (from 3) to the container\n"
    "      --pidfd-socket SOCK   send a pidfd of the init over this socket\n",
    brig_cmd_run },
  { "spec", "write a default config.json", "spec [OPTIONS]",
    "  -b, --bundle DIR          directory to write config.json in (default: current directory)\n"
    "      --rootless            spec for a container run by an unprivileged user\n",
    brig_cmd_spec },
  { "start", "start a created container", "start ID", NULL, brig_cmd_start },
  { "state", "print the state of a container (JSON)", "state ID", NULL, brig_cmd_state },
  { "update", "change the resource limits of a container", "update [OPTIONS] ID",
    "  -r, --resources FILE      linux.resources JSON to apply ('-': standard input)\n"
    "      --memory BYTES        memory limit (suffixes k, m, g, t, p; -1: unlimited)\n"
    "      --memory-reservation BYTES\n"
    "                            memory soft limit\n"
    "      --memory-swap BYTES   memory plus swap limit (-1: unlimited)\n"
    "      --cpu-shares N        CPU shares (relative weight)\n"
    "      --cpu-quota US        CPU CFS quota in microseconds per period (-1: none)\n"
    "      --cpu-period US       CPU CFS period in microseconds\n"
    "      --cpu-rt-runtime US   realtime runtime in microseconds per period\n"
    "      --cpu-rt-period US    realtime period in microseconds\n"
    "      --cpuset-cpus LIST    CPUs allowed (0-3,6)\n"
    "      --cpuset-mems LIST    memory nodes allowed\n"
    "      --pids-limit N        maximum number of processes (-1: unlimited)\n"
    "      --blkio-weight N      block IO weight (10 to 1000)\n",
    brig_cmd_update },
  /* brig's own commands */
  { "ebpf", "assemble, disassemble and run programs on brig's eBPF VM",
    "ebpf asm|disasm|run [OPTIONS] FILE",
    "Commands (see brig-ebpf(1)):\n"
    "  asm FILE                  assemble text (or a conformance .data file) to hex words\n"
    "  disasm FILE               disassemble bytecode to text\n"
    "  run FILE [--mem HEX]      verify and run a program, print r0\n",
    brig_cmd_ebpf },
  { "firejail", "check Firejail profiles and convert them to OCI specs",
    "firejail COMMAND [OPTIONS] PROFILE",
    "Commands:\n"
    "  check [--user NAME] [--home DIR] [--condition NAME[=no]]... PROFILE\n"
    "                            parse a profile with its includes, print the resolved\n"
    "                            directives as FILE:LINE: directive\n"
    "  convert [--base FILE] [--user NAME] [--home DIR] [--root DIR]\n"
    "          [--condition NAME[=no]]... PROFILE\n"
    "                            print the profile as a config.json (see brig-firejail(1))\n",
    brig_cmd_firejail },
  { "privileges", "map Solaris-style privilege sets to a spec", "privileges COMMAND SET", NULL,
    NULL },
  { "sandbox", "run a host command under a Firejail profile",
    "sandbox [OPTIONS] [--] COMMAND [ARGS...]",
    "  -p, --profile NAME|PATH   the Firejail profile (default: the command's name, else "
    "default)\n",
    brig_cmd_sandbox },
  { "seccomp", "inspect and test seccomp filters", "seccomp COMMAND", NULL, NULL },
};

static const char global_options_help[] =
    "Global options:\n"
    "      --root DIR            state directory (default " BRIG_DEFAULT_ROOT
    ", $XDG_RUNTIME_DIR/brig\n"
    "                            for an unprivileged user)\n"
    "      --log FILE            write log entries to FILE\n"
    "      --log-format FORMAT   text or json (default text)\n"
    "      --log-level LEVEL     error, warning, info or debug (default warning)\n"
    "      --debug               same as --log-level debug\n"
    "      --systemd-cgroup      use systemd for cgroups (same as --cgroup-manager systemd)\n"
    "      --cgroup-manager MGR  cgroupfs, systemd or disabled (default cgroupfs)\n"
    "      --rootless VALUE      true, false or auto (accepted for runc compatibility)\n"
    "  -h, --help                show this help\n"
    "  -v, --version             show version, commit, spec version and built-in features\n";

const brig_command *
brig_command_find(const char *name)
{
  size_t i;

  for (i = 0; i < sizeof(brig_commands) / sizeof(brig_commands[0]); i++)
    if (strcmp(brig_commands[i].name, name) == 0)
      return &brig_commands[i];
  return NULL;
}

void
brig_command_help(const brig_command *cmd)
{
  printf("Usage: brig %s\n\n%s\n", cmd->usage, cmd->summary);
  if (cmd->options)
    printf("\nOptions:\n%s", cmd->options);
  printf("  -h, --help                show this help\n");
}

static void
print_help(void)
{
  size_t i;

  printf("Usage: brig [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n\n"
         "brig is an OCI container runtime.\n\nCommands:\n");
  for (i = 0; i < sizeof(brig_commands) / sizeof(brig_commands[0]); i++)
    printf("  %-12s %s%s\n", brig_commands[i].name, brig_commands[i].summary,
           brig_commands[i].run ? "" : " (not implemented yet)");
  printf("\n%s\nRun 'brig COMMAND --help' for the options of a command.\n", global_options_help);
}

const char *
brig_build_tags(void)
{
  return "+CAP +YAJL"
#ifdef HAVE_SECCOMP
         " +SECCOMP"
#endif
#ifdef HAVE_SELINUX
         " +SELINUX"
#endif
#ifdef HAVE_APPARMOR
         " +APPARMOR"
#endif
      ;
}

static void
print_version(void)
{
  printf("brig version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, BRIG_COMMIT,
         OCI_RUNTIME_SPEC_VERSION);
#ifdef HAVE_SECCOMP
  {
    const struct scmp_version *v = seccomp_version();

    printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
  }
#endif
  printf("%s\n", brig_build_tags());
}

int
brig_option_error(const char *cmd, int c, char **argv, brig_error **err)
{
  const char *bad = argv[optind - 1];
  const char *sep = cmd ? ": " : "";

  cmd = cmd ? cmd : "";
  if (c == ':')
    return brig_fail(err, 0, "%s%soption %s requires a value", cmd, sep, bad);
  if (optopt && optopt != '?')
    return brig_fail(err, 0, "%s%sunknown option -%c", cmd, sep, optopt);
  return brig_fail(err, 0, "%s%sunknown option %s", cmd, sep, bad);
}

int
brig_expect_one_id(const char *cmd, int argc, char **argv, const char **id, brig_error **err)
{
  if (optind >= argc)
    return brig_fail(err, 0, "%s: missing container id", cmd);
  if (optind + 1 < argc)
    return brig_fail(err, 0, "%s: unexpected argument '%s'", cmd, argv[optind + 1]);
  *id = argv[optind];
  return 0;
}

int
brig_parse_id_only(const char *cmd, int argc, char **argv, const char **id, brig_error **err)
{
  static const struct option options[] = {
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
    if (c == 'h') {
      brig_command_help(brig_command_find(cmd));
      return 1;
    }
    return brig_option_error(cmd, c, argv, err);
  }
  return brig_expect_one_id(cmd, argc, argv, id, err);
}

enum {
  OPT_ROOT = 256,
  OPT_LOG,
  OPT_LOG_FORMAT,
  OPT_LOG_LEVEL,
  OPT_DEBUG,
  OPT_SYSTEMD_CGROUP,
  OPT_CGROUP_MANAGER,
  OPT_ROOTLESS,
  OPT_CRIU,
};

static const struct option global_options[] = {
  { "root", required_argument, NULL, OPT_ROOT },
  { "log", required_argument, NULL, OPT_LOG },
  { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
  { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
  { "debug", no_argument, NULL, OPT_DEBUG },
  { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
  { "cgroup-manager", required_argument, NULL, OPT_CGROUP_MANAGER },
  /* runc's --rootless takes true|false|auto; a bare --rootless means true,
   * handled below because getopt cannot look at the next word. */
  { "rootless", optional_argument, NULL, OPT_ROOTLESS },
  /* runc's path to criu: accepted so engine configs written for runc work. */
  { "criu", required_argument, NULL, OPT_CRIU },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'v' },
  { NULL, 0, NULL, 0 },
};

/* Returns the index of the command word, or -1 with *err set; sets *exit_now
 * when --help or --version was handled. */
static int
parse_global_options(int argc, char **argv, brig_globals *g, bool *exit_now, brig_error **err)
{
  const char *log_format = NULL, *log_level = NULL, *manager = NULL;
  int c;

  opterr = 0;
  optind = 1;
  while ((c = getopt_long(argc, argv, "+:hv", global_options, NULL)) != -1) {
    switch (c) {
    case OPT_ROOT:
      g->root = optarg;
      break;
    case OPT_LOG:
      g->log_path = optarg;
      break;
    case OPT_LOG_FORMAT:
      log_format = optarg;
      break;
    case OPT_LOG_LEVEL:
      log_level = optarg;
      break;
    case OPT_DEBUG:
      g->debug = true;
      break;
    case OPT_SYSTEMD_CGROUP:
      manager = "systemd";
      break;
    case OPT_CGROUP_MANAGER:
      manager = optarg;
      break;
    case OPT_ROOTLESS:
      if (optarg) {
        g->rootless = optarg;
      } else if (optind < argc &&
                 (strcmp(argv[optind], "true") == 0 || strcmp(argv[optind], "false") == 0 ||
                  strcmp(argv[optind], "auto") == 0)) {
        g->rootless = argv[optind++];
      } else {
        g->rootless = "true";
      }
      if (strcmp(g->rootless, "true") && strcmp(g->rootless, "false") &&
          strcmp(g->rootless, "auto"))
        return brig_fail(err, 0, "--rootless: expected true, false or auto, got '%s'", g->rootless);
      break;
    case OPT_CRIU:
      break;
    case 'h':
      print_help();
      *exit_now = true;
      return 0;
    case 'v':
      print_version();
      *exit_now = true;
      return 0;
    default:
      brig_option_error(NULL, c, argv, err);
      return -1;
    }
  }
  if (log_format && brig_log_parse_format(log_format, &g->log_format) < 0)
    return brig_fail(err, 0, "--log-format: expected text or json, got '%s'", log_format);
  if (log_level && brig_log_parse_level(log_level, &g->log_level) < 0)
    return brig_fail(err, 0, "--log-level: expected error, warning, info or debug, got '%s'",
                     log_level);
  if (g->debug)
    g->log_level = BRIG_LOG_DEBUG;
  if (manager) {
    if (strcmp(manager, "cgroupfs") == 0)
      g->cgroup_manager = BRIG_CGROUP_CGROUPFS;
    else if (strcmp(manager, "systemd") == 0)
      g->cgroup_manager = BRIG_CGROUP_SYSTEMD;
    else if (strcmp(manager, "disabled") == 0)
      g->cgroup_manager = BRIG_CGROUP_DISABLED;
    else
      return brig_fail(err, 0, "--cgroup-manager: expected cgroupfs, systemd or disabled, got '%s'",
                       manager);
  }
  return optind;
}

/* Without --root: /run/brig, or $XDG_RUNTIME_DIR/brig for an
 * unprivileged user (rootless, as runc does), who cannot write /run. */
static int
default_root(brig_globals *g, brig_error **err)
{
  static char rootless_root[4096];
  const char *xdg = getenv("XDG_RUNTIME_DIR");

  g->root = BRIG_DEFAULT_ROOT;
  if (geteuid() == 0 || !xdg || xdg[0] != '/')
    return 0;
  if ((size_t)snprintf(rootless_root, sizeof(rootless_root), "%s/brig", xdg) >=
      sizeof(rootless_root))
    return brig_fail(err, 0, "XDG_RUNTIME_DIR: too long");
  g->root = rootless_root;
  return 0;
}

int
main(int argc, char **argv)
{
  brig_globals g = {
    .root = NULL, /* default_root() */
    .log_format = BRIG_LOG_TEXT,
    .log_level = BRIG_LOG_WARNING,
    .cgroup_manager = BRIG_CGROUP_CGROUPFS,
    .rootless = "auto",
  };
  const brig_command *cmd;
  brig_error *err = NULL, *log_err = NULL;
  bool exit_now = false;
  int first, status;

  /* Before anything is opened (the --log file is, next): fds in the
   * --preserve-fds and LISTEN_FDS range that the caller left closed get
   * /dev/null, so no fd of brig's can take their numbers and reach the
   * container (see runtime/preserved-fds.h). */
  if (brig_preserved_fds_reserve(argc, argv, &err) < 0)
    goto fail;
  first = parse_global_options(argc, argv, &g, &exit_now, &err);
  if (first >= 0 && exit_now)
    return 0;
  /* Open the log before reporting anything, so that engines that pass
   * --log find even an option error there. */
  if (brig_log_init(g.log_path, g.log_format, g.log_level, &log_err) < 0) {
    if (err)
      brig_error_free(log_err);
    else
      err = log_err;
    first = -1;
  }
  if (first < 0)
    goto fail;
  if (!g.root && default_root(&g, &err) < 0)
    goto fail;
  if (first >= argc) {
    print_help();
    brig_fail(&err, 0, "no command given");
    goto fail;
  }
  if (strcmp(argv[first], "help") == 0) {
    cmd = first + 1 < argc ? brig_command_find(argv[first + 1]) : NULL;
    if (first + 1 < argc && !cmd) {
      brig_fail(&err, 0, "help: unknown command '%s'", argv[first + 1]);
      goto fail;
    }
    if (cmd)
      brig_command_help(cmd);
    else
      print_help();
    return 0;
  }
  cmd = brig_command_find(argv[first]);
  if (!cmd) {
    brig_fail(&err, 0, "unknown command '%s' (see 'brig --help')", argv[first]);
    goto fail;
  }
  if (!cmd->run) {
    /* --help shows the usage but still fails: podman probes "checkpoint
     * --help" and must only see success if checkpointing works. */
    if (first + 1 < argc &&
        (strcmp(argv[first + 1], "--help") == 0 || strcmp(argv[first + 1], "-h") == 0))
      brig_command_help(cmd);
    brig_fail(&err, 0, "%s: not implemented yet", cmd->name);
    goto fail;
  }
  brig_debug("command %s, root %s", cmd->name, g.root);
  status = cmd->run(&g, argc - first, argv + first, &err);
  if (status < 0)
    goto fail;
  brig_log_close();
  return status;

fail:
  brig_log_error(err);
  status = err->status ? err->status : 1;
  brig_error_free(err);
  brig_log_close();
  return status;
}
