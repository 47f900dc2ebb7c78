#!/bin/bash
# Per-syscall cost of podman's default seccomp profile inside a container:
# a tight getppid(2) loop under brig, crun and runc, each loading the same
# linux.seccomp (the one podman 4.3 sent, tests/data/specs/
# podman-run-default.json), and once without a filter for reference.
#
#   bench/seccomp.sh [BRIG_BINARY]
#
# Each run prints the loop's own ns per call; the medians of repeated runs
# are compared, and the filter's cost is the difference with and without
# it: brig's filter must not cost more than crun's (ratio <= 1.00).  brig installs the program
# libseccomp exports (the binary-tree optimisation is libseccomp's choice
# for both).  Needs root, runc, crun, cc with a static libc, jq.
# RUNS (default 15) and CALLS (default 5,000,000) change the effort.
#
# As in bench/startup.sh, everything runs in a private mount namespace with
# the cgroup2 mount hidden, for crun 1.8.1.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
brig=$(realpath "${1:-$here/brig}")
runs=${RUNS:-15}
calls=${CALLS:-5000000}

if [ -z "${BRIG_BENCH_INNER:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench/seccomp.sh: needs root" >&2; exit 1; }
  for tool in runc crun cc jq; do
    command -v "$tool" >/dev/null || { echo "bench/seccomp.sh: $tool not found" >&2; exit 1; }
  done
  exec unshare -m env BRIG_BENCH_INNER=1 "$0" "$brig"
fi

mount --make-rprivate /
umount /sys/fs/cgroup/unified 2>/dev/null || true

work=$(mktemp -d /tmp/brig-bench-seccomp.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The probe: N getppid() calls through syscall(2) (no libc caching), then
# the mean cost per call in ns on stdout.
cat >"$work/loop.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
  long n = argc > 1 ? atol(argv[1]) : 1000000, i;
  struct timespec a, b;

  clock_gettime(CLOCK_MONOTONIC, &a);
  for (i = 0; i < n; i++)
    syscall(SYS_getppid);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.2f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
  return 0;
}
C
mkdir -p "$work/rootfs"
cc -O2 -static -o "$work/rootfs/loop" "$work/loop.c"

spec=$here/tests/data/specs/podman-run-default.json
"$brig" spec --bundle "$work" >/dev/null
# ociVersion 1.0.2 because crun 1.8.1 rejects 1.2.0.
jq --slurpfile p "$spec" --arg n "$calls" '.ociVersion = "1.0.2" | .process.terminal = false
    | .root.path = "rootfs" | .process.args = ["/loop", $n] | .linux.seccomp = $p[0].linux.seccomp' \
  "$work/config.json" >"$work/with.json"
jq 'del(.linux.seccomp)' "$work/with.json" >"$work/without.json"

declare -A bin=([brig]=$brig [crun]=$(command -v crun) [runc]=$(command -v runc))

# one RUNTIME CONFIG: one container run, the loop's ns per call.
one() {
  cp "$work/$2.json" "$work/config.json"
  "${bin[$1]}" --root "$work/root-$1" run --bundle "$work" "bench-$1" 2>/dev/null | tail -n 1
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A result
for cfg in without with; do
  for rt in brig crun runc; do
    one "$rt" "$cfg" >/dev/null # warm-up
    for _ in $(seq "$runs"); do one "$rt" "$cfg"; done >"$work/$rt-$cfg.txt"
    result[$rt-$cfg]=$(median <"$work/$rt-$cfg.txt")
  done
done

echo "getppid() in the container, ns per call (median of $runs runs of $calls calls):"
for rt in brig crun runc; do
  printf '  %s: %s without a filter, %s with podman'"'"'s default profile\n' "$rt" \
    "${result[$rt-without]}" "${result[$rt-with]}"
done
# The filter's own cost is the difference with and without it (the bare
# syscall cost moves from run to run on a VM); that is what is compared.
cost() { awk -v w="${result[$1-with]}" -v o="${result[$1-without]}" 'BEGIN { printf "%.2f", w - o }'; }
printf '  cost of the filter per call: brig %s ns, crun %s ns, runc %s ns\n' "$(cost brig)" \
  "$(cost crun)" "$(cost runc)"
awk -v b="$(cost brig)" -v c="$(cost crun)" -v r="$(cost runc)" \
  'BEGIN { printf "  brig/crun: %.2f (target <= 1.00)  brig/runc: %.2f\n", b / c, b / r }'
