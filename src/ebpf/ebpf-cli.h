/* `brig ebpf ...`: argv[0] is "ebpf", argv[1] the subcommand (asm, disasm,
 * run, --help).  Prints its own one-line error and returns the exit
 * status. */
#ifndef BRIG_EBPF_CLI_H
#define BRIG_EBPF_CLI_H

int brig_ebpf_main(int argc, char **argv);

#endif
