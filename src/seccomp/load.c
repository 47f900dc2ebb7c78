/* Installing the filter: one seccomp(2) call (see load.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "seccomp/load.h"

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const struct {
  const char *name;
  unsigned int flag;
} flag_names[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_NEW_LISTENER", SECCOMP_FILTER_FLAG_NEW_LISTENER },
  { "SECCOMP_FILTER_FLAG_TSYNC_ESRCH", SECCOMP_FILTER_FLAG_TSYNC_ESRCH },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
};

#define N_FLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

static long
sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
  return syscall(SYS_seccomp, op, flags, args);
}

/* The kernel checks the flags before it reads the program, so a NULL
 * program gives EFAULT exactly when the flags are accepted. */
static bool
flags_supported(unsigned int flags)
{
  return sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT;
}

/* Flags that only make sense with another one are probed with it. */
static unsigned int
probe_companions(unsigned int flag)
{
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV || flag == SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
    return SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return 0;
}

bool
brig_seccomp_flag_supported(const char *name)
{
  size_t i;

  for (i = 0; i < N_FLAGS; i++)
    if (strcmp(flag_names[i].name, name) == 0)
      return flags_supported(flag_names[i].flag | probe_companions(flag_names[i].flag));
  return false;
}

unsigned int
brig_seccomp_load_flags(const brig_seccomp_filter *f)
{
  unsigned int flags = f->flags;

  if (f->notify) {
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    /* TSYNC alone reports a thread id on failure, which leaves no room for
     * the listener fd in the return value. */
    if (flags & SECCOMP_FILTER_FLAG_TSYNC)
      flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  } else {
    flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }
  return flags;
}

int
brig_seccomp_check_kernel(const brig_seccomp_filter *f, brig_error **err)
{
  unsigned int flags = brig_seccomp_load_flags(f);
  size_t i;

  if (!flags_supported(0))
    return brig_fail(err, errno == EFAULT ? 0 : errno,
                     "seccomp: the kernel does not support seccomp filters");
  for (i = 0; i < N_FLAGS; i++) {
    unsigned int flag = flag_names[i].flag;

    if ((flags & flag) && !flags_supported(flag | probe_companions(flag)))
      return brig_fail(err, 0, "seccomp: %s is not supported by this kernel", flag_names[i].name);
  }
  return 0;
}

int
brig_seccomp_load(const brig_seccomp_filter *f, int *notify_fd, brig_error **err)
{
  unsigned int flags = brig_seccomp_load_flags(f);
  long r;

  *notify_fd = -1;
  if (!f->prog.filter || !f->prog.len)
    return brig_fail(err, 0, "seccomp: load filter: the filter was not built");
  r = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, (void *)&f->prog);
  if (r < 0) {
    int e = errno;

    if (e == EACCES)
      return brig_fail(err, e,
                       "seccomp: load filter (without noNewPrivileges the filter must be "
                       "loaded while the process has CAP_SYS_ADMIN)");
    if (e == EINVAL && brig_seccomp_check_kernel(f, err) < 0)
      return -1;
    if (e == ESRCH)
      return brig_fail(err, e, "seccomp: load filter: SECCOMP_FILTER_FLAG_TSYNC");
    return brig_fail(err, e, "seccomp: load filter");
  }
  if (f->notify) {
    *notify_fd = (int)r;
    return 0;
  }
  if (r > 0) /* TSYNC: the id of a thread that could not be synchronized */
    return brig_fail(err, 0,
                     "seccomp: load filter: SECCOMP_FILTER_FLAG_TSYNC: thread %ld has "
                     "another filter",
                     r);
  return 0;
}
