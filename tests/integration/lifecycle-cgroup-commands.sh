#!/bin/bash
# pause, resume, ps, update and events on a running container's cgroup.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "cgroup commands"

cgbase=/brig-it-cmds-$$
cleanup_cgroups() {
  for h in $(cg_roots); do
    [ -d "$h$cgbase" ] && find "$h$cgbase" -depth -type d -exec rmdir {} + 2>/dev/null
  done
}
trap 'B delete --force c1 >/dev/null 2>&1; cleanup_cgroups; tap_cleanup' EXIT

cg() { # cg CONTROLLER FILE: the v1 file of c1's cgroup, or its v2 counterpart
  case $2 in
  freezer.state) cg_frozen "$cgbase/c1" ;;
  memory.limit_in_bytes) cg_cat memory "$cgbase/c1" "$2" memory.max ;;
  cpu.shares) cg_cat cpu "$cgbase/c1" "$2" cpu.weight ;;
  *) cg_cat "$1" "$cgbase/c1" "$2" ;;
  esac
}

# A counter in the rootfs' /tmp (the bundle's rootfs is shared read-only:
# give the container its own tmpfs there).
new_bundle "$TEST_TMP/b1" '.linux.cgroupsPath = $p |
  .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}] |
  .process.args = ["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/tmp/n; usleep 20000; done"]' \
  --arg p "$cgbase/c1"
B run -d --bundle "$TEST_TMP/b1" c1 </dev/null >/dev/null
ok $? "run -d"
pid=$(B state c1 | jq .pid)
counter() { cat "/proc/$pid/root/tmp/n" 2>/dev/null; }
# Until the loop has written once (seconds under the VM lane's TCG).
for _ in $(seq 100); do [ -n "$(counter)" ] && break; sleep 0.1; done

# ---- pause / resume ----
B pause c1
ok $? "pause"
[ "$(cg freezer freezer.state)" = FROZEN ]
ok $? "freezer.state is FROZEN"
[ "$(B state c1 | jq -r .status)" = paused ]
ok $? "state says paused"
B list --format json | jq -e '.[] | select(.id == "c1") | .status == "paused"' >/dev/null
ok $? "list says paused"
n1=$(counter)
sleep 0.3
n2=$(counter)
[ -n "$n1" ] && [ "$n1" = "$n2" ]
ok $? "the counter stops while paused ($n1, $n2)"
expect_error "pause a paused container" "brig: pause: container c1 is already paused" B pause c1
# Frozen, the processes stay put: compare with the cgroup's own list.
json=$(B ps --format json c1)
[ "$(echo "$json" | jq -c 'sort')" = "$(cg memory cgroup.procs | sort -n | jq -cs .)" ]
ok $? "ps --format json equals cgroup.procs: $json"
B resume c1
ok $? "resume"
[ "$(cg freezer freezer.state)" = THAWED ] && [ "$(B state c1 | jq -r .status)" = running ]
ok $? "thawed, state says running"
advanced() { [ "$(counter)" -gt "$n2" ]; }
wait_until advanced
n3=$(counter)
[ -n "$n3" ] && [ "$n3" -gt "$n2" ]
ok $? "the counter advances again ($n2 -> $n3)"
expect_error "resume a running container" "brig: resume: container c1 is not paused" B resume c1
expect_error "pause a missing container" "brig: pause: container nope does not exist" B pause nope
expect_error "pause without id" "brig: pause: missing container id" B pause

# ---- ps (paused, so that the list holds still) ----
B pause c1
json=$(B ps --format json c1)
echo "$json" | jq -e --argjson p "$pid" 'index($p) != null' >/dev/null
ok $? "ps --format json lists the init"
out=$(B ps c1)
echo "$out" | head -n 1 | grep -q 'PID' && echo "$out" | awk 'NR > 1 { print $2 }' | grep -qx "$pid" &&
  [ "$(echo "$out" | wc -l)" -eq "$(($(echo "$json" | jq length) + 1))" ]
ok $? "ps (table): header plus one line per process"
out=$(B ps c1 -- -o pid,comm)
echo "$out" | head -n 1 | grep -q 'PID' && echo "$out" | awk 'NR > 1 { print $1 }' | grep -qx "$pid"
ok $? "ps c1 -- -o pid,comm"
expect_error "ps --format bad" "brig: ps: --format: expected table or json, got 'xml'" B ps --format xml c1
B resume c1

# ---- update ----
echo '{"memory":{"limit":67108864,"swap":134217728},"cpu":{"shares":512}}' | B update --resources - c1
ok $? "update --resources - (stdin)"
[ "$(cg memory memory.limit_in_bytes)" = 67108864 ] && [ "$(cg cpu cpu.shares)" = "$(cg_shares 512)" ]
ok $? "memory.limit_in_bytes and cpu.shares changed"
B update --memory 128m --memory-swap 1g --pids-limit 50 --cpu-shares 256 c1
ok $? "update with flags"
[ "$(cg memory memory.limit_in_bytes)" = 134217728 ] && [ "$(cg pids pids.max)" = 50 ] &&
  [ "$(cg cpu cpu.shares)" = "$(cg_shares 256)" ]
ok $? "memory 128m, pids.max 50, cpu.shares 256"
[ "$(jq -c '[.linux.resources.memory.limit, .linux.resources.memory.swap, .linux.resources.pids.limit, .linux.resources.cpu.shares]' "$ROOT/c1/config.json")" = '[134217728,1073741824,50,256]' ]
ok $? "the saved config.json has the new resources"
echo '{"pids":{"limit":60}}' >"$TEST_TMP/res.json"
B update --resources "$TEST_TMP/res.json" --pids-limit 70 c1 && [ "$(cg pids pids.max)" = 70 ]
ok $? "a flag overrides the file"
echo '{"memory":{"limit":"64m"}}' >"$TEST_TMP/bad.json"
expect_error "bad resources JSON: the error names the file and the field" \
  "brig: update: $TEST_TMP/bad.json: memory.limit: expected an integer, got a string" \
  B update --resources "$TEST_TMP/bad.json" c1
expect_error "bad resources JSON on stdin" \
  "brig: update: stdin: memory.limit: expected an integer, got a string" \
  B update --resources - c1 <"$TEST_TMP/bad.json"
expect_error "bad memory value" "brig: update: invalid value for memory: '12x'" B update --memory 12x c1

# ---- events ----
out=$(B events --stats c1)
echo "$out" | jq -e '.type == "stats" and .id == "c1" and (.data.cpu.usage | has("kernel")) and
  .data.memory.usage.usage > 0 and .data.pids.current >= 1 and .data.pids.limit == 70' >/dev/null
ok $? "events --stats: one JSON object with cpu, memory, pids"
[ "$(echo "$out" | wc -l)" -eq 1 ]
ok $? "events --stats prints one line"
timeout 20 "$BRIG" --root "$ROOT" events --interval 1s c1 >"$TEST_TMP/events.out" &
epid=$!
two_stats() { [ "$(grep -c '"type":"stats"' "$TEST_TMP/events.out")" -ge 2 ]; }
wait_until two_stats
B kill c1 KILL
wait $epid
status=$?
[ "$status" -eq 0 ] && [ "$(jq -r 'select(.type == "stats") | .id' "$TEST_TMP/events.out" | grep -c c1)" -ge 2 ]
ok $? "events --interval 1s: stats every second, exit 0 when the container stops (status $status)"
expect_error "events on a stopped container" "brig: events: container not running: c1" \
  B events --stats c1
expect_error "pause a stopped container" "brig: pause: container not running: c1" B pause c1
expect_error "update a stopped container" "brig: update: container not running: c1" \
  B update --pids-limit 5 c1
expect_error "events --interval bad" \
  "brig: events: --interval: expected a positive duration such as 5s, got 'soon'" \
  B events --interval soon c1
B delete c1
ok $? "delete"

# An OOM kill in the container's cgroup shows as an oom event.
new_bundle "$TEST_TMP/boom" '.process.args = ["sh", "-c", "sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 100"]
  | .linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
B run -d --bundle "$TEST_TMP/boom" coom </dev/null
timeout 15 "$BRIG" --root "$ROOT" events --interval 30s coom >"$TEST_TMP/oom.out" 2>/dev/null &
epid=$!
for _ in $(seq 100); do grep -q '"type":"oom"' "$TEST_TMP/oom.out" && break; sleep 0.1; done
grep -qx '{"type":"oom","id":"coom"}' "$TEST_TMP/oom.out"
ok $? "events: an OOM kill in the cgroup gives an oom event ($(grep -c '"type":"oom"' "$TEST_TMP/oom.out") seen)"
B delete --force coom
wait $epid 2>/dev/null

# A paused container: kill KILL and delete --force thaw it so that SIGKILL
# acts (a frozen process holds it pending).
new_bundle "$TEST_TMP/bp" '.process.args = ["sleep", "100"]'
B run -d --bundle "$TEST_TMP/bp" cp1 && B pause cp1
timeout 10 "$BRIG" --root "$ROOT" delete --force cp1
ok $? "delete --force of a paused container"
B run -d --bundle "$TEST_TMP/bp" cp2 && B pause cp2
timeout 10 "$BRIG" --root "$ROOT" kill cp2 KILL && wait_stopped cp2
ok $? "kill KILL of a paused container stops it"
B delete cp2

# A created container is not running; without a cgroup there is nothing to pause.
B create --bundle "$TEST_TMP/b1" c1 </dev/null >/dev/null
expect_error "pause a created container" "brig: pause: container not running: c1" B pause c1
B delete --force c1
new_bundle "$TEST_TMP/b2" '.process.args = ["sleep", "100"]'
"$BRIG" --root "$ROOT" --cgroup-manager disabled run -d --bundle "$TEST_TMP/b2" c2 </dev/null >/dev/null
expect_error "pause without a cgroup" \
  "brig: pause: container c2 has no cgroup (created with --cgroup-manager disabled)" B pause c2
B delete --force c2
nothing_left "cgroup commands"

done_testing
