/* The fds a container or exec'd process inherits: 3 .. 3+N-1 for
 * --preserve-fds N, preceded by the LISTEN_FDS of socket activation.  The
 * init and exec clear close-on-exec on every fd of that range, so whatever
 * brig itself opens must never get one of those numbers, even where the
 * caller left a gap (a closed fd in the range): the first free fd is the
 * lowest, and brig's state directory or cgroup directory would land there
 * and reach the container. */
#ifndef BRIG_RUNTIME_PRESERVED_FDS_H
#define BRIG_RUNTIME_PRESERVED_FDS_H

#include "util/error.h"

/* At the very start of main(), before brig opens anything: puts /dev/null
 * (close-on-exec, cleared again for the container) into every fd of the
 * range that is not open.  The range comes from the command line (any
 * "--preserve-fds N" or "--preserve-fds=N", or an abbreviation getopt
 * accepts, anywhere in argv: taking too many only fills more fds) and
 * from brig_listen_fds().  -1 with *err set when /dev/null cannot be
 * opened. */
int brig_preserved_fds_reserve(int argc, char **argv, brig_error **err);

/* The number of preserved fds brig passes on for a request of n: n, less
 * when 3+n would reach the fd limit, so that brig keeps fds of its own
 * outside the range.  brig_preserved_fds_reserve() fills the same count. */
int brig_preserved_fds_cap(long n);

/* LISTEN_FDS (socket activation, sd_listen_fds(3)) when it is meant for
 * this process: LISTEN_PID unset or our pid.  0 otherwise. */
int brig_listen_fds(void);

#endif
