#!/bin/bash
# Container startup: brig against runc and crun, in one hyperfine run.
#
#   bench/startup.sh [BRIG_BINARY]
#
# Measures `run /bin/true` and `create; start; delete` (with the init
# exiting at once) for the three runtimes on the same busybox-static
# bundle, then the peak RSS of `run` with /usr/bin/time.  Prints the
# brig/crun time ratios (target: at most 0.8) and the RSS figures (target:
# brig at most crun's).  Needs root, hyperfine, runc and crun.
#
# crun 1.8.1 refuses this machine's hybrid cgroup layout unless the cgroup2
# mount at /sys/fs/cgroup/unified is hidden, so the whole comparison runs
# inside a private mount namespace where it is unmounted: all three
# runtimes see the same (v1-only) layout.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
brig=$(realpath "${1:-$here/brig}")
runs=${RUNS:-50}

if [ -z "${BRIG_BENCH_INNER:-}" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench/startup.sh: needs root" >&2; exit 1; }
  for tool in hyperfine runc crun jq /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench/startup.sh: $tool not found" >&2; exit 1; }
  done
  exec unshare -m env BRIG_BENCH_INNER=1 "$0" "$brig"
fi

mount --make-rprivate /
umount /sys/fs/cgroup/unified 2>/dev/null || true

work=$(mktemp -d /tmp/brig-bench.XXXXXX)
trap 'umount "$work/state" 2>/dev/null; rm -rf "$work"' EXIT
bundle=$work/bundle
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/etc"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
ln -s busybox "$bundle/rootfs/bin/true"
ln -s busybox "$bundle/rootfs/bin/sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$bundle/rootfs/etc/passwd"
"$brig" spec --bundle "$bundle"
# The same spec for everyone: no terminal, /bin/true; ociVersion 1.0.2
# because crun 1.8.1 rejects 1.2.0 ("unknown version specified").
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"\/bin\/true"/;
        s/"ociVersion": "[^"]*"/"ociVersion": "1.0.2"/' "$bundle/config.json"
grep -q '"/bin/true"' "$bundle/config.json" || { echo "bench: could not edit config.json" >&2; exit 1; }
# Every runtime makes the container's cgroup and writes the usual limits
# (what podman sends: memory, pids, cpu shares), so that cost is measured.
jq '.linux.resources += {"memory": {"limit": 268435456}, "pids": {"limit": 1024},
      "cpu": {"shares": 512}}' "$bundle/config.json" >"$bundle/config.json.new" &&
  mv "$bundle/config.json.new" "$bundle/config.json"

# State roots on a tmpfs, as /run/brig, /run/runc and /run/crun (the
# defaults, and where podman and containerd put them) are: on this
# machine's ext4 every state file costs an inode allocation that no user
# pays.  The bundle stays on disk, as an engine's does.
mkdir -p "$work/state"
mount -t tmpfs -o mode=0700 brig-bench-state "$work/state"
declare -A root=([brig]=$work/state/brig [runc]=$work/state/runc [crun]=$work/state/crun)
declare -A bin=([brig]=$brig [runc]=$(command -v runc) [crun]=$(command -v crun))

cmds_run=()
cmds_lifecycle=()
for rt in brig runc crun; do
  b=${bin[$rt]}
  r=${root[$rt]}
  cmds_run+=(-n "$rt run" "$b --root $r run --bundle $bundle bench-$rt")
  cmds_lifecycle+=(-n "$rt create+start+delete"
    "$b --root $r create --bundle $bundle bench-$rt && $b --root $r start bench-$rt && $b --root $r delete --force bench-$rt")
done

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/run.json" "${cmds_run[@]}" >&2
hyperfine --warmup 5 --runs "$runs" --export-json "$work/lifecycle.json" "${cmds_lifecycle[@]}" >&2

median() { # median FILE NAME -> seconds
  jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$1"
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}
ms() {
  awk -v s="$1" 'BEGIN { printf "%.2f ms", s * 1000 }'
}

echo
echo "run /bin/true (median):"
for rt in brig runc crun; do echo "  $rt: $(ms "$(median "$work/run.json" "$rt run")")"; done
echo "  brig/crun: $(ratio "$(median "$work/run.json" "brig run")" "$(median "$work/run.json" "crun run")") (target <= 0.80)"
echo "create + start + delete (median, includes one sh -c):"
for rt in brig runc crun; do
  echo "  $rt: $(ms "$(median "$work/lifecycle.json" "$rt create+start+delete")")"
done
echo "  brig/crun: $(ratio "$(median "$work/lifecycle.json" "brig create+start+delete")" \
  "$(median "$work/lifecycle.json" "crun create+start+delete")") (target <= 0.80)"

echo "peak RSS of run (max of 5, KiB):"
for rt in brig runc crun; do
  peak=0
  for _ in 1 2 3 4 5; do
    kb=$(/usr/bin/time -f '%M' "${bin[$rt]}" --root "${root[$rt]}" run --bundle "$bundle" \
      "rss-$rt" 2>&1 >/dev/null | tail -n 1)
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  echo "  $rt: $peak"
done
