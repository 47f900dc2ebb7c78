# Helpers shared by the lifecycle-*.sh tests (sourced after lib.sh).
# ROOT is a private state root; BASE_ROOTFS one busybox rootfs, used
# read-only by the bundles (root.path is absolute).

ROOT=$TEST_TMP/root
BASE_ROOTFS=$TEST_TMP/rootfs

B() {
  "$BRIG" --root "$ROOT" "$@"
}

# lifecycle_setup NAME: skips the whole script unless root + busybox.
lifecycle_setup() {
  if ! is_root; then
    skip "$1" "needs root"
    done_testing
    exit 0
  fi
  if ! make_busybox_rootfs "$BASE_ROOTFS"; then
    skip "$1" "needs busybox"
    done_testing
    exit 0
  fi
}

# new_bundle DIR JQ_FILTER [JQ_ARGS...]: brig spec, made non-terminal, with
# the shared rootfs, then the filter applied.
new_bundle() {
  dir=$1
  filter=$2
  shift 2
  mkdir -p "$dir"
  "$BRIG" spec -b "$dir" || return 1
  # Test scripts run in parallel with the same container ids: a cgroup path
  # of its own per bundle keeps them apart (brig's default is /brig/<id>).
  jq --arg rootfs "$BASE_ROOTFS" --arg cg "/brig/it-$$-$(basename "$dir")" "$@" \
    ".process.terminal = false | .root.path = \$rootfs | .linux.cgroupsPath = \$cg | $filter" \
    "$dir/config.json" >"$dir/config.json.new" && mv "$dir/config.json.new" "$dir/config.json"
}

# Container inits that have not exec'd yet run brig from its sealed memfd.
brig_inits() {
  # Only this test's: other tests run in parallel with their own roots, and
  # a waiting init still carries brig's argv, --root included.
  for p in /proc/[0-9]*; do
    case $(readlink "$p/exe" 2>/dev/null) in
    *memfd:brig*)
      tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qxF -- "$ROOT" && echo "${p#/proc/}"
      ;;
    esac
  done
}

# nothing_left DESCRIPTION: the state root is empty and no init remains.
nothing_left() {
  left=$(ls -A "$ROOT" 2>/dev/null)
  procs=$(brig_inits)
  [ -z "$left" ] && [ -z "$procs" ]
  ok $? "$1: nothing left behind"
  [ -z "$left" ] || diag "state root: $left"
  [ -z "$procs" ] || diag "processes: $procs"
}

# ns_differs PID TYPE: PID's TYPE namespace is not ours (re-read at each
# call, so that wait_until can poll it).
ns_differs() {
  [ "$(readlink "/proc/$1/ns/$2")" != "$(readlink "/proc/self/ns/$2")" ]
}

# wait_stopped ID: until state says stopped (max ~5 s).
wait_stopped() {
  i=0
  while [ $i -lt 100 ]; do
    [ "$(B state "$1" 2>/dev/null | jq -r .status)" = stopped ] && return 0
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}

# ---- cgroups: the same tests on v1, hybrid and pure v2 (tests/vm) ----

# cg_unified: true on a pure cgroup v2 host (systemd's default layout).
cg_unified() {
  [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]
}

# cg_roots: the mount point of every cgroup hierarchy, v1 and v2 (on pure
# v2 that is /sys/fs/cgroup alone, whose subdirectories are cgroups).
cg_roots() {
  awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5 }' \
    /proc/self/mountinfo | sort -u
}

# cg_file CONTROLLER CGPATH V1FILE [V2FILE]: the path of a cgroup's file,
# in CONTROLLER's v1 hierarchy or, on pure v2, the unified one.
cg_file() {
  if cg_unified; then
    echo "/sys/fs/cgroup$2/${4:-$3}"
    return 0
  fi
  for h in "/sys/fs/cgroup/$1" /sys/fs/cgroup/*,"$1" /sys/fs/cgroup/"$1",*; do
    [ -d "$h" ] && { echo "$h$2/$3"; return 0; }
  done
  return 1
}

cg_cat() { # cg_cat as cg_file: the file's content
  f=$(cg_file "$@") && cat "$f"
}

# cg_shares N: what cpu.shares N reads as: N on v1, on v2 the cpu.weight
# of brig's conversion (linear [2, 262144] -> [1, 10000], as runc's).
cg_shares() {
  if cg_unified; then echo $((1 + ($1 - 2) * 9999 / 262142)); else echo "$1"; fi
}

# cg_frozen CGPATH: FROZEN or THAWED, from freezer.state (v1) or the
# "frozen" key of cgroup.events (v2).
cg_frozen() {
  if cg_unified; then
    case $(awk '$1 == "frozen" { print $2 }' "/sys/fs/cgroup$1/cgroup.events") in
    1) echo FROZEN ;;
    0) echo THAWED ;;
    esac
  else
    cg_cat freezer "$1" freezer.state
  fi
}

# cg_in PID CGPATH: /proc/PID/cgroup puts the process in CGPATH, in the
# memory hierarchy on v1 and in the unified one on v2.
cg_in() {
  if cg_unified; then
    grep -qxF "0::$2" "/proc/$1/cgroup"
  else
    grep -q "^[0-9]*:memory:$2\$" "/proc/$1/cgroup"
  fi
}
