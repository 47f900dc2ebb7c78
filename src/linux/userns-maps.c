/* Does a user namespace given by path have the mappings config.json asks
 * for?  runtime-spec runtime.md: a property the runtime cannot apply is an
 * error.  brig cannot write the maps of a namespace that exists already,
 * so it reads them and compares.  /proc/PID/uid_map shows the map relative
 * to the reader's user namespace; a short-lived child that joins the
 * namespace reads its own, which is relative to the namespace's parent
 * (the host for the namespaces engines make). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/namespaces.h"
#include "util/cleanup.h"
#include "util/file-util.h"

#define MAP_MAX 4096

/* The child: joins nsfd, writes "uid_map\0gid_map\0" to out. */
__attribute__((noreturn)) static void
read_maps_in(int nsfd, int out)
{
  char *uid, *gid;

  if (setns(nsfd, CLONE_NEWUSER) < 0)
    _exit(1);
  uid = brig_read_file_at(AT_FDCWD, "/proc/self/uid_map", MAP_MAX, NULL);
  gid = brig_read_file_at(AT_FDCWD, "/proc/self/gid_map", MAP_MAX, NULL);
  if (!uid || !gid || write(out, uid, strlen(uid) + 1) < 0 || write(out, gid, strlen(gid) + 1) < 0)
    _exit(1);
  _exit(0);
}

/* True if text (a kernel map: "ID HOSTID SIZE" per line) holds exactly the
 * mappings of m, in any order. */
static bool
same_map(const char *text, const oci_id_mapping *m, size_t n)
{
  size_t lines = 0, i;
  const char *p = text;

  while (*p) {
    unsigned long long c, h, s;
    int used = 0;
    bool found = false;

    if (sscanf(p, " %llu %llu %llu%n", &c, &h, &s, &used) != 3)
      break;
    for (i = 0; i < n && !found; i++)
      found = m[i].container_id == c && m[i].host_id == h && m[i].size == s;
    if (!found)
      return false;
    lines++;
    p += used;
    while (*p == '\n' || *p == ' ')
      p++;
  }
  return lines == n;
}

int
brig_ns_check_joined_user_maps(int nsfd, const oci_linux *l, brig_error **err)
{
  char buf[2 * MAP_MAX + 2];
  size_t len = 0;
  int pipefd[2], status = 0;
  const char *gid;
  pid_t pid;
  ssize_t n;

  if (!l->uid_mappings_len && !l->gid_mappings_len)
    return 0;
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return brig_fail(err, errno, "read the maps of the user namespace");
  pid = fork();
  if (pid < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return brig_fail(err, errno, "read the maps of the user namespace");
  }
  if (pid == 0) {
    close(pipefd[0]);
    read_maps_in(nsfd, pipefd[1]);
  }
  close(pipefd[1]);
  while (len < sizeof(buf) - 1 && (n = read(pipefd[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    len += (size_t)n;
  }
  close(pipefd[0]);
  buf[len] = '\0';
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strlen(buf) + 1 >= len)
    return brig_fail(err, 0,
                     "config.json: linux.uidMappings: cannot read the maps of the user "
                     "namespace given by path");
  gid = buf + strlen(buf) + 1;
  if (!same_map(buf, l->uid_mappings, l->uid_mappings_len))
    return brig_fail(err, 0,
                     "config.json: linux.uidMappings: differ from the uid_map of the user "
                     "namespace given by path");
  if (!same_map(gid, l->gid_mappings, l->gid_mappings_len))
    return brig_fail(err, 0,
                     "config.json: linux.gidMappings: differ from the gid_map of the user "
                     "namespace given by path");
  return 0;
}
