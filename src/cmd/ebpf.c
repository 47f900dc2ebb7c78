/* brig ebpf: the command line of the embedded eBPF VM (src/ebpf). */
#include "cmd/commands.h"
#include "ebpf/ebpf-cli.h"

int
brig_cmd_ebpf(const brig_globals *g, int argc, char **argv, brig_error **err)
{
  int status;

  (void)g;
  (void)err;
  /* The VM's CLI is self-contained (the library has no dependency on the
   * rest of brig); it prints its own one-line error and returns the exit
   * status, which brig passes through. */
  status = brig_ebpf_main(argc, argv);
  return status < 0 ? 1 : status;
}
