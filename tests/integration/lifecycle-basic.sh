#!/bin/bash
# brig create/start/state/kill/delete/list/run: the lifecycle and runc's
# exit statuses.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle basic"
cd "$TEST_TMP" || exit 1

new_bundle sleep '.process.args = ["sleep", "100"]'
B create --bundle sleep --pid-file "$TEST_TMP/pid" c1 </dev/null >/dev/null 2>"$TEST_TMP/c1.err"
ok $? "create"
[ -s "$TEST_TMP/pid" ] && kill -0 "$(cat "$TEST_TMP/pid")"
ok $? "pid file names a live process"
B state c1 >st.json
jq -e --arg pid "$(cat "$TEST_TMP/pid")" --arg b "$TEST_TMP/sleep" \
  '.status == "created" and .id == "c1" and (.pid|tostring) == $pid and .bundle == $b
   and .ociVersion == "1.2.0" and (.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and .owner == "root"' \
  st.json >/dev/null
ok $? "state: created, pid, bundle, created, owner"
[ "$(stat -c %a "$ROOT")" = 700 ]
ok $? "state root is 0700"
B list | grep -q "^c1 .* created "
ok $? "list shows c1 created"
[ "$(B list -q)" = c1 ]
ok $? "list -q"
B list --format json | jq -e '.[0].id == "c1" and .[0].status == "created"' >/dev/null
ok $? "list --format json"
check "start" B start c1
[ "$(B state c1 | jq -r .status)" = running ]
ok $? "state: running"
[ "$(B state c1 | tail -c 2 | od -An -c | tr -d ' ')" = '}\n' ]
ok $? "state ends with one newline"
tr '\0' ' ' <"/proc/$(cat "$TEST_TMP/pid")/cmdline" | grep -q "^sleep 100"
ok $? "the init exec'd process.args"
expect_error "start twice" "brig: start: cannot start an already running container" B start c1
check "kill with signal 0 checks that it runs (as kill(2), runc)" B kill c1 0
expect_error "delete running without --force" \
  "brig: delete: cannot delete container c1 that is not stopped: running" B delete c1
check "kill KILL" B kill c1 KILL
wait_stopped c1
ok $? "state: stopped after kill"
B state c1 | jq -e '.pid == 0' >/dev/null
ok $? "stopped container shows pid 0"
expect_error "kill of a stopped container (runc's words, which engines look for)" \
  "brig: kill: container not running: c1" B kill c1
expect_error "signal 0 to a stopped container" "brig: kill: container not running: c1" B kill c1 0
expect_error "start of a stopped container" "brig: start: cannot start a container that has stopped" B start c1
check "delete stopped" B delete c1
expect_error "delete missing" "brig: delete: container c1 does not exist" B delete c1
check "delete --force missing exits 0" B delete --force c1
check "options after the id, as runc takes them (delete ID --force)" B delete c1 --force
expect_error "state missing" "brig: state: container c1 does not exist" B state c1
nothing_left "after delete"

# kill with signal names and numbers, default SIGTERM
new_bundle trap '.process.args = ["sh", "-c", "trap \"echo got-term; exit 3\" TERM; echo ready; while :; do sleep 0.05; done"]'
B run -d --bundle trap sig </dev/null >"$TEST_TMP/trap.out" 2>&1
ok $? "run -d"
wait_until grep -q ready "$TEST_TMP/trap.out" # the trap is set
check "kill with the default signal (SIGTERM)" B kill sig
wait_stopped sig && grep -q got-term "$TEST_TMP/trap.out"
ok $? "the trap saw SIGTERM"
B delete sig
for s in 9 KILL SIGKILL; do
  B run -d --bundle sleep "k$s" </dev/null >/dev/null 2>&1
  check "kill $s" B kill "k$s" "$s"
  wait_stopped "k$s"
  ok $? "kill $s stops the container"
  B delete "k$s"
done
expect_error "unknown signal" "brig: kill: unknown signal 'SIGNOPE'" B kill x SIGNOPE
B run -d --bundle sleep kall </dev/null >/dev/null 2>&1
check "kill --all" B kill --all kall KILL
wait_stopped kall
ok $? "kill --all stops the container"
check "delete --force of a stopped container" B delete --force kall

# created container: the runtime-spec wants an error without --force
# (runc deletes it); delete --force kills the waiting init
B create --bundle sleep c2 </dev/null >/dev/null 2>&1
pid=$(B state c2 | jq -r .pid)
expect_error "delete a created container without --force" \
  "brig: delete: cannot delete container c2 that is not stopped: created" B delete c2
[ "$(B state c2 | jq -r .status)" = created ] && kill -0 "$pid"
ok $? "... has no effect on the container"
check "delete --force a created container" B delete --force c2
! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = Z ]
ok $? "its init is gone"
B run -d --bundle sleep c3 </dev/null >/dev/null 2>&1
check "delete --force a running container" B delete --force c3
nothing_left "after delete --force"

# run: exit statuses pass through unchanged
for code in 0 7 42; do
  new_bundle "exit$code" ".process.args = [\"sh\", \"-c\", \"exit $code\"]"
  B run --bundle "exit$code" "e$code" </dev/null >/dev/null 2>&1
  status=$?
  [ $status -eq $code ]
  ok $? "run passes exit status $code (got $status)"
done
B run --bundle sleep e137 </dev/null >/dev/null 2>&1 &
runpid=$!
i=0
until [ "$(B state e137 2>/dev/null | jq -r .status)" = running ] || [ $i -gt 100 ]; do
  sleep 0.05
  i=$((i + 1))
done
B kill e137 KILL
wait $runpid
status=$?
[ $status -eq 137 ]
ok $? "run passes 137 for SIGKILL (got $status)"
nothing_left "run deletes the container"
new_bundle echo '.process.args = ["echo", "hello from brig"]'
[ "$(B run --bundle echo out </dev/null 2>&1)" = "hello from brig" ]
ok $? "run: the container's stdout is the caller's"
B run --keep --bundle echo kept </dev/null >/dev/null 2>&1
[ "$(B state kept | jq -r .status)" = stopped ]
ok $? "run --keep keeps the stopped container"
B delete kept

# create keeps the caller's stdio: the init is a child of the caller
new_bundle out '.process.args = ["sh", "-c", "echo out-line; echo err-line >&2"]'
B create --bundle out io </dev/null >"$TEST_TMP/io.out" 2>"$TEST_TMP/io.err"
pid=$(B state io | jq -r .pid)
[ "$(awk '{print $4}' /proc/$pid/stat)" = $$ ]
ok $? "the init's parent is the caller of create (no process in between)"
B start io
wait_stopped io
[ "$(cat "$TEST_TMP/io.out")" = out-line ] && [ "$(cat "$TEST_TMP/io.err")" = err-line ]
ok $? "the container wrote to the caller's stdout and stderr"
B delete io
nothing_left "end"
done_testing
