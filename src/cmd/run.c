/* brig run: create and start a container; in the foreground brig waits for
 * it, exits with its status (128+N when killed by signal N) and deletes it.
 *
 * Option help (for the table in brig.c):
 *   "  -b, --bundle DIR          bundle directory (default: current directory)\n"
 *   "      --console-socket SOCK send the pty master of the container over this socket\n"
 *   "      --pid-file FILE       write the container's init pid to FILE\n"
 *   "  -d, --detach              return once the container runs (do not wait for it)\n"
 *   "      --keep                do not delete the container after it exits\n"
 *   "      --no-pivot            do not use pivot_root to enter the rootfs\n"
 *   "      --no-new-keyring      do not create a new session keyring\n"
 *   "      --preserve-fds N      pass N extra fds (from 3) to the container\n"
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "cmd/lifecycle-commands.h"
#include "runtime/sealed-exe.h"

int
brig_cmd_run(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  brig_create_args a;
  int r, status = 0;

  r = brig_parse_create_args(g, "run", true, argc, argv, &a, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  if (brig_sealed_exe_ensure(err) < 0 ||
      brig_container_run(&a.opts, a.detach, a.keep, &status, err) < 0)
    return brig_error_wrap(err, "run");
  /* The container's status is brig's, without an error line (see
   * brig_command_fn). */
  return status;
}
