#!/bin/bash
# Concurrency on one state root: 20 parallel create/start/delete cycles,
# and concurrent creates of one id with exactly one winner.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle concurrency"
cd "$TEST_TMP" || exit 1
# One bundle for 20 containers: each gets brig's default cgroup /brig/<id>.
new_bundle quick '.process.args = ["sh", "-c", "echo $HOSTNAME >/dev/null"] | del(.linux.cgroupsPath)'
new_bundle sleep '.process.args = ["sleep", "100"]'

cycle() {
  id=par$1
  B create -b quick "$id" </dev/null >/dev/null 2>"$TEST_TMP/$id.err" || return 1
  B start "$id" 2>>"$TEST_TMP/$id.err" || return 1
  wait_stopped "$id" || return 1
  B delete "$id" 2>>"$TEST_TMP/$id.err"
}
pids=
for i in $(seq 20); do
  cycle "$i" &
  pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
[ $failed -eq 0 ]
ok $? "20 parallel create/start/delete cycles ($failed failed)"
[ $failed -eq 0 ] || cat "$TEST_TMP"/par*.err | head -5 | sed 's/^/#   /'
nothing_left "parallel cycles"

for round in 1 2 3; do
  for i in $(seq 5); do
    B create -b sleep same </dev/null >/dev/null 2>"$TEST_TMP/same$i.err" &
  done
  wait
  winners=$(grep -L . "$TEST_TMP"/same*.err | wc -l)
  losers=$(grep -l "^brig: create: container same already exists$" "$TEST_TMP"/same*.err | wc -l)
  [ "$winners" -eq 1 ] && [ "$losers" -eq 4 ] && [ "$(B state same | jq -r .status)" = created ]
  ok $? "round $round: 5 concurrent creates of one id, exactly one winner ($winners)"
  B delete --force same
done

B run -d -b sleep racer </dev/null >/dev/null 2>&1
for i in $(seq 5); do
  B delete --force racer 2>"$TEST_TMP/del$i.err" &
done
wait
! grep -q . "$TEST_TMP"/del*.err
ok $? "5 concurrent delete --force: all exit cleanly"
nothing_left "concurrent deletes"
done_testing
