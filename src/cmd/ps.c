/* brig ps: the processes of a container, from its cgroup.
 *
 * --format json prints the host pids as a JSON array (what containerd
 * parses); the table format runs the host's ps(1) with PS-OPTIONS (default
 * -ef) and prints its header and the lines whose PID column is one of the
 * container's processes, as runc does.
 *
 * Option help (for the table in brig.c):
 *   "  -f, --format table|json   output format (default table)\n"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cgroup-commands.h"
#include "util/cleanup.h"

static bool
has_pid(const pid_t *pids, size_t n, long pid)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Runs ps with args, returns its stdout (malloc'd) or NULL with *err. */
static char *
run_ps(char **args, int nargs, brig_error **err)
{
  char **av = calloc((size_t)nargs + 2, sizeof(*av));
  char *out = NULL;
  size_t len = 0, cap = 0;
  int fds[2], status, i;
  pid_t pid;

  if (!av) {
    brig_fail(err, ENOMEM, "ps");
    return NULL;
  }
  av[0] = "ps";
  for (i = 0; i < nargs; i++)
    av[i + 1] = args[i];
  if (pipe2(fds, O_CLOEXEC) < 0) {
    free(av);
    brig_fail(err, errno, "pipe");
    return NULL;
  }
  fflush(stdout);
  pid = fork();
  if (pid < 0) {
    brig_fail(err, errno, "fork");
    close(fds[0]);
    close(fds[1]);
    free(av);
    return NULL;
  }
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    execvp("ps", av);
    fprintf(stderr, "brig: ps: exec ps: %s\n", strerror(errno));
    _exit(127);
  }
  free(av);
  close(fds[1]);
  for (;;) {
    ssize_t r;

    if (len + 4096 + 1 > cap) {
      char *n = realloc(out, cap = cap ? cap * 2 : 16384);

      if (!n) {
        brig_fail(err, ENOMEM, "ps output");
        break;
      }
      out = n;
    }
    r = read(fds[0], out + len, cap - len - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    len += (size_t)r;
  }
  close(fds[0]);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (*err) {
    free(out);
    return NULL;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status)) {
    free(out);
    brig_fail(err, 0, "ps %s failed (status %d)", nargs ? args[0] : "",
              WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    return NULL;
  }
  if (!out && !(out = malloc(1))) {
    brig_fail(err, ENOMEM, "ps output");
    return NULL;
  }
  out[len] = '\0';
  return out;
}

/* Index of the PID column in the header line, -1 if none. */
static int
pid_column(const char *line, size_t len)
{
  int col = 0;
  size_t i = 0;

  while (i < len) {
    size_t start;

    while (i < len && (line[i] == ' ' || line[i] == '\t'))
      i++;
    if (i >= len)
      break;
    start = i;
    while (i < len && line[i] != ' ' && line[i] != '\t')
      i++;
    if (i - start == 3 && strncmp(line + start, "PID", 3) == 0)
      return col;
    col++;
  }
  return -1;
}

/* The number in column col of line, -1 if it is not one. */
static long
column_number(const char *line, size_t len, int col)
{
  size_t i = 0;
  int c = 0;

  while (i < len) {
    char *end;
    long v;

    while (i < len && (line[i] == ' ' || line[i] == '\t'))
      i++;
    if (i >= len)
      break;
    if (c == col) {
      v = strtol(line + i, &end, 10);
      return end == line + i || (*end != ' ' && *end != '\t' && *end != '\n' && *end) ? -1 : v;
    }
    while (i < len && line[i] != ' ' && line[i] != '\t')
      i++;
    c++;
  }
  return -1;
}

static int
print_table(const pid_t *pids, size_t n, char **args, int nargs, brig_error **err)
{
  static char *default_args[] = { "-ef" };
  _cleanup_free_ char *out = NULL;
  char *line, *nl;
  int col;

  if (nargs == 0) {
    args = default_args;
    nargs = 1;
  }
  out = run_ps(args, nargs, err);
  if (!out)
    return -1;
  nl = strchr(out, '\n');
  col = pid_column(out, nl ? (size_t)(nl - out) : strlen(out));
  if (col < 0)
    return brig_fail(err, 0, "couldn't find PID field in ps output");
  fwrite(out, 1, nl ? (size_t)(nl - out) + 1 : strlen(out), stdout);
  if (!nl)
    putchar('\n');
  for (line = nl ? nl + 1 : NULL; line && *line; line = nl ? nl + 1 : NULL) {
    size_t len;

    nl = strchr(line, '\n');
    len = nl ? (size_t)(nl - line) : strlen(line);
    if (has_pid(pids, n, column_number(line, len, col))) {
      fwrite(line, 1, len, stdout);
      putchar('\n');
    }
  }
  return 0;
}

int
brig_cmd_ps(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  static const struct option options[] = {
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  _cleanup_free_ pid_t *pids = NULL;
  const char *id;
  size_t n = 0, i;
  int c, r;

  optind = 0; /* 0, not 1: glibc then reads this optstring's ordering afresh */
  while ((c = getopt_long(argc, argv, "+:f:h", options, NULL)) != -1) {
    switch (c) {
    case 'f':
      format = optarg;
      break;
    case 'h':
      brig_command_help(brig_command_find("ps"));
      return 0;
    default:
      return brig_option_error("ps", c, argv, err);
    }
  }
  if (strcmp(format, "table") && strcmp(format, "json"))
    return brig_fail(err, 0, "ps: --format: expected table or json, got '%s'", format);
  if (optind >= argc)
    return brig_fail(err, 0, "ps: missing container id");
  id = argv[optind++];
  if (optind < argc && strcmp(argv[optind], "--") == 0)
    optind++;
  if (strcmp(format, "json") == 0 && optind < argc)
    return brig_fail(err, 0, "ps: ps options cannot be used with --format json");
  if (brig_container_pids(g->root, id, &pids, &n, err) < 0)
    return brig_error_wrap(err, "ps");
  if (strcmp(format, "json") == 0) {
    putchar('[');
    for (i = 0; i < n; i++)
      printf("%s%d", i ? "," : "", (int)pids[i]);
    printf("]\n");
    return 0;
  }
  r = print_table(pids, n, argv + optind, argc - optind, err);
  return r < 0 ? brig_error_wrap(err, "ps") : 0;
}
