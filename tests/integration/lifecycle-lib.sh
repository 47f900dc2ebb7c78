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
