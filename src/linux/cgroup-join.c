/* How a new process (the container init, an exec'd process) gets into the
 * container's cgroup without brig writing its pid to cgroup.procs.
 *
 * Why: a pid written to cgroup.procs (or `tasks`) makes the kernel take
 * cgroup_threadgroup_rwsem for writing, and the first writer after a quiet
 * spell waits for an RCU grace period: 5 to 15 ms on this 2-core machine,
 * more than everything else `brig run` does.  Two ways in avoid it:
 *
 *  - cgroup2: clone3(CLONE_INTO_CGROUP) places the child at birth and takes
 *    the rwsem only for reading.
 *  - v1 hierarchies: a thread moving itself ("0" written to `tasks`, which
 *    moves one thread, not a thread group) skips the rwsem altogether.  The
 *    process is single-threaded until it execs, so the one thread is the
 *    whole process.  brig opens the `tasks` files before the clone and the
 *    child writes through the inherited fds: the kernel checks the
 *    credentials of the opener (brig, root), so this works from a new user
 *    namespace whose ids are not mapped yet, where opening the files would
 *    fail.
 *
 * When the kernel refuses CLONE_INTO_CGROUP (before Linux 5.7, or a cgroup
 * namespace given by path that does not contain the cgroup), brig falls
 * back to writing the pid to the cgroup2 cgroup.procs itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "linux/cgroup-internal.h"

int
brig_cgroup_join_prepare(const brig_cgroup *cg, brig_cgroup_join *j, brig_error **err)
{
  size_t i;

  *j = (brig_cgroup_join)BRIG_CGROUP_JOIN_INIT;
  j->tasks_fd = calloc(cg->n ? cg->n : 1, sizeof(*j->tasks_fd));
  j->tasks_dir = calloc(cg->n ? cg->n : 1, sizeof(*j->tasks_dir));
  if (!j->tasks_fd || !j->tasks_dir) {
    brig_cgroup_join_close(j);
    return brig_fail(err, ENOMEM, "cgroup");
  }
  for (i = 0; i < cg->n; i++) {
    const brig_cgroup_hierarchy *h = &cg->h[i];
    char path[4096];

    if (h->v2) {
      j->clone_fd = open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (j->clone_fd < 0)
        goto fail;
      j->has_v2 = true;
      continue;
    }
    snprintf(path, sizeof(path), "%s/tasks", h->dir);
    j->tasks_fd[j->n_tasks] = open(path, O_WRONLY | O_CLOEXEC);
    if (j->tasks_fd[j->n_tasks] < 0)
      goto fail;
    j->tasks_dir[j->n_tasks++] = h->dir;
    continue;
  fail:
    brig_fail(err, errno, "cgroup: open %s", h->dir);
    brig_cgroup_join_close(j);
    return -1;
  }
  return 0;
}

int
brig_cgroup_join_self(brig_cgroup_join *j, brig_error **err)
{
  size_t i;

  for (i = 0; i < j->n_tasks; i++) {
    if (write(j->tasks_fd[i], "0", 1) != 1)
      return brig_fail(err, errno, "cgroup: join %s", j->tasks_dir[i]);
    close(j->tasks_fd[i]);
    j->tasks_fd[i] = -1;
  }
  /* The cgroup2 directory of CLONE_INTO_CGROUP has served: no directory
   * fd of the host may stay open while paths of the container are looked
   * up (a symlink through /proc/self/fd/N would climb out of it). */
  if (j->clone_fd >= 0) {
    close(j->clone_fd);
    j->clone_fd = -1;
  }
  return 0;
}

int
brig_cgroup_join_finish(const brig_cgroup *cg, const brig_cgroup_join *j, pid_t pid,
                        brig_error **err)
{
  if (!brig_cgroup_join_left_to_brig(j))
    return 0;
  return brig_cg_writef(cg->h[cg->unified].dir, "cgroup.procs", "cgroup", err, "%d", (int)pid);
}

void
brig_cgroup_join_close(brig_cgroup_join *j)
{
  size_t i;

  if (j->clone_fd >= 0)
    close(j->clone_fd);
  for (i = 0; i < j->n_tasks; i++)
    if (j->tasks_fd[i] >= 0)
      close(j->tasks_fd[i]);
  free(j->tasks_fd);
  free(j->tasks_dir);
  j->clone_fd = -1;
  j->tasks_fd = NULL;
  j->tasks_dir = NULL;
  j->n_tasks = 0;
}
