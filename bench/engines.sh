#!/bin/bash
# The engines' view of startup: `podman run --rm IMAGE true` and
# `ctr run --rm IMAGE ID true` with brig, crun and runc as the OCI runtime,
# in one hyperfine run each.
#
#   bench/engines.sh [BRIG_BINARY]
#
# Prints the medians and the brig/crun and brig/runc ratios (target: brig
# no slower than crun, ratio <= 1.00).  Needs root, hyperfine, podman,
# containerd (ctr), runc and crun.  podman and containerd are private
# instances in a temp dir (tests/integration/engine-lib.sh), so nothing of
# the machine's own configuration is used or changed.
#
# crun 1.8.1 refuses this machine's hybrid cgroup layout unless the cgroup2
# mount at /sys/fs/cgroup/unified is hidden, so everything runs inside a
# private mount namespace where it is unmounted: all three runtimes (and
# both engines) see the same v1-only layout.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
brig=$(realpath "${1:-$here/brig}")
runs=${RUNS:-20}

if [ -z "${BRIG_BENCH_INNER:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench/engines.sh: needs root" >&2; exit 1; }
  for tool in hyperfine podman containerd ctr runc crun jq; do
    command -v "$tool" >/dev/null || { echo "bench/engines.sh: $tool not found" >&2; exit 1; }
  done
  exec unshare -m env BRIG_BENCH_INNER=1 "$0" "$brig"
fi

mount --make-rprivate /
umount /sys/fs/cgroup/unified 2>/dev/null || true

BRIG=$brig
BRIG_SRCDIR=$here
# lib.sh makes the temp dir (TEST_TMP) and removes it on exit.
set +u
. "$here/tests/integration/lib.sh"
. "$here/tests/integration/engine-lib.sh"
set -u
trap 'engine_containerd_teardown; engine_podman_teardown; tap_cleanup' EXIT
mkdir -p "$ENGINE_DIR"

declare -A bin=([brig]=$brig [crun]=$(command -v crun) [runc]=$(command -v runc))

engine_podman_setup
engine_podman_import
engine_containerd_start
engine_containerd_import bench >/dev/null

podman_cmds=()
ctr_cmds=()
for rt in brig crun runc; do
  b=${bin[$rt]}
  podman_cmds+=(-n "podman $rt" "podman --runtime $b run --rm $ENGINE_IMAGE true")
  ctr_cmds+=(-n "ctr $rt"
    "ctr -a $SOCK -n bench run --rm --runc-binary $b --runc-root $ENGINE_DIR/root-$rt $ENGINE_IMAGE bench-$rt true")
done

podman --runtime "$brig" run --rm "$ENGINE_IMAGE" true || true
hyperfine -N --warmup 3 --runs "$runs" --export-json "$ENGINE_DIR/podman.json" "${podman_cmds[@]}" >&2
hyperfine -N --warmup 3 --runs "$runs" --export-json "$ENGINE_DIR/ctr.json" "${ctr_cmds[@]}" >&2

median() { # median FILE NAME -> seconds
  jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$1"
}
report() { # report ENGINE FILE
  echo "$1 run --rm true (median):"
  for rt in brig crun runc; do
    awk -v s="$(median "$2" "$1 $rt")" -v rt="$rt" 'BEGIN { printf "  %s: %.1f ms\n", rt, s * 1000 }'
  done
  awk -v b="$(median "$2" "$1 brig")" -v c="$(median "$2" "$1 crun")" -v r="$(median "$2" "$1 runc")" \
    'BEGIN { printf "  brig/crun: %.2f (target <= 1.00)  brig/runc: %.2f\n", b / c, b / r }'
}
echo
report podman "$ENGINE_DIR/podman.json"
report ctr "$ENGINE_DIR/ctr.json"
