#!/bin/bash
# make check-vm: brig's cgroup-related integration tests on pure cgroup v2
# with systemd as PID 1, inside the Debian 12 VM of tests/vm/.
#
# Usage: check-vm.sh [TEST...]   (default: the list below; paths relative
# to the source tree).  Builds the image when needed, boots it once, runs
# every test there through run-tests.sh and prints make check's PASS:/FAIL:
# lines and "N passed, N failed, N skipped".  The logs and an
# automake-style test-suite.log go to $BRIG_BUILDDIR/tests/vm/logs, where
# tests/run reads the counts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
export BRIG_SRCDIR=${BRIG_SRCDIR:-$(cd "$here/../.." && pwd)}
export BRIG_BUILDDIR=${BRIG_BUILDDIR:-$BRIG_SRCDIR}
logdir=$BRIG_BUILDDIR/tests/vm/logs

tests=(
  tests/integration/lifecycle-basic.sh
  tests/integration/lifecycle-cgroup.sh
  tests/integration/lifecycle-cgroup-commands.sh
  tests/integration/exec.sh
  tests/integration/lifecycle-seccomp.sh
  tests/integration/systemd-cgroup.sh
  tests/integration/lifecycle-lsm.sh
)
[ $# -eq 0 ] || tests=("$@")

rm -rf "$logdir"
mkdir -p "$logdir"
# Whatever stops the lane before run-tests.sh wrote its summary (no
# binary, no image, no boot, a timeout) counts as one failure for
# tests/run, which reads the summary.
no_summary() {
  [ -f "$logdir/test-suite.log" ] && return
  printf '# PASS: 0\n# SKIP: 0\n# FAIL: 0\n# ERROR: 1\n' >"$logdir/test-suite.log"
  echo "0 passed, 1 failed, 0 skipped"
}
trap no_summary EXIT

[ -x "$BRIG_BUILDDIR/brig" ] || { echo "check-vm: $BRIG_BUILDDIR/brig is not built (make first)" >&2; exit 1; }
start=$(date +%s)
"$here/build-image.sh" >/dev/null
built=$(date +%s)
[ $((built - start)) -lt 5 ] || echo "check-vm: image built in $((built - start)) s"

# A TCG guest is several times slower than KVM: give it more time.
: "${BRIG_VM_TIMEOUT:=1800}"
export BRIG_VM_TIMEOUT
status=0
"$here/run.sh" bash tests/vm/run-tests.sh "$logdir" "${tests[@]}" || status=$?
echo "check-vm: $(($(date +%s) - start)) s in all (exit status $status)"
exit "$status"
