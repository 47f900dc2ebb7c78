#!/bin/bash
# Runs TAP test scripts the way make check does (build-aux/tap-driver.sh,
# one .log and .trs per script) and writes an automake-style summary, so
# that the same counting works for both.  Meant to run inside the VM (see
# check-vm.sh) but needs nothing from it.
#
# Usage: run-tests.sh LOGDIR TEST...
# Prints PASS:/FAIL:/SKIP: lines as make check does, then "N passed, N
# failed, N skipped"; LOGDIR/test-suite.log has "# PASS: N" lines and the
# logs of what did not pass.  Exit status 0 when nothing failed.
set -uo pipefail

[ $# -ge 2 ] || { echo "usage: $0 LOGDIR TEST..." >&2; exit 2; }
logdir=$1
shift
srcdir=${BRIG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
driver=$srcdir/build-aux/tap-driver.sh
per_test_timeout=${BRIG_VM_TEST_TIMEOUT:-600}
mkdir -p "$logdir"

# A hung test must not eat the whole VM's time: it becomes one failure.
run_one() { # run_one TEST NAME
  if [ -f "$driver" ]; then
    env AM_TAP_AWK=awk bash "$driver" --test-name "$2" --log-file "$logdir/$2.log" \
      --trs-file "$logdir/$2.trs" --color-tests no --enable-hard-errors yes --expect-failure no \
      -- timeout -k 10 "$per_test_timeout" bash "$1"
  else
    echo "run-tests: $driver is missing (run ./autogen.sh)" >&2
    echo ":test-result: ERROR" >"$logdir/$2.trs"
  fi
}

for t in "$@"; do
  name=$(basename "$t" .sh)
  rm -f "$logdir/$name.log" "$logdir/$name.trs"
  start=$(date +%s)
  run_one "$t" "$name"
  echo "# $name: $(($(date +%s) - start)) s"
done

# The summary, in the format of automake's test-suite.log.
count() { cat "$logdir"/*.trs 2>/dev/null | grep -c "^:test-result: $1\$"; }
pass=$(count PASS) skip=$(count SKIP) xfail=$(count XFAIL)
fail=$(count FAIL) xpass=$(count XPASS) error=$(count ERROR)
{
  echo "brig VM lane: $(uname -r), cgroup $(stat -fc %T /sys/fs/cgroup)"
  echo "# TOTAL: $((pass + skip + xfail + fail + xpass + error))"
  echo "# PASS:  $pass"
  echo "# SKIP:  $skip"
  echo "# XFAIL: $xfail"
  echo "# FAIL:  $fail"
  echo "# XPASS: $xpass"
  echo "# ERROR: $error"
  for trs in "$logdir"/*.trs; do
    grep -q '^:global-test-result: PASS$\|^:global-test-result: SKIP$' "$trs" && continue
    log=${trs%.trs}.log
    echo
    echo "== $(basename "$log") =="
    cat "$log" 2>/dev/null
  done
} >"$logdir/test-suite.log"

failed=$((fail + xpass + error))
echo "$pass passed, $failed failed, $skip skipped"
[ "$failed" -eq 0 ]
