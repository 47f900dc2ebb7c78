#!/bin/sh
# Benchmark brig's eBPF interpreter: ns per instruction on an ALU loop and
# on a load/store loop, ns per call of a six-instruction port check.
# Targets: <= 1.5 ns/insn (ALU), <= 15 ns per policy call.
#
# Usage: bench/ebpf.sh [REPETITIONS]     (CC and CFLAGS are honoured)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}
cflags=${CFLAGS:--O2 -g}
work=$(mktemp -d "${TMPDIR:-/tmp}/brig-ebpf-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

lib=""
for f in common verifier vm load asm disasm testfile cbpf elf; do
	lib="$lib $top/src/ebpf/$f.c"
done
# shellcheck disable=SC2086 # word splitting of the flag and file lists is wanted
$cc -std=gnu11 $cflags -I"$top/src/ebpf" "$top/bench/ebpf-bench.c" $lib -o "$work/ebpf-bench"
"$work/ebpf-bench" "${1:-5}"
