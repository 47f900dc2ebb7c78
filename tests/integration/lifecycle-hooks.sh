#!/bin/bash
# Hooks: each kind runs at its step with the state on stdin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle hooks"
cd "$TEST_TMP" || exit 1
cat >hook.sh <<HOOK
#!/bin/sh
cat >"$TEST_TMP/\$1.json"
echo "\$1 \$HOOK_VAR" >>"$TEST_TMP/order"
HOOK
chmod +x hook.sh
h() { printf '{"path":"%s","args":["hook.sh","%s"],"env":["HOOK_VAR=v-%s"],"timeout":5}' "$TEST_TMP/hook.sh" "$1" "$1"; }
new_bundle hooks ".hooks = {\"prestart\":[$(h prestart)],\"createRuntime\":[$(h createRuntime)],
  \"createContainer\":[$(h createContainer)],\"poststart\":[$(h poststart)],\"poststop\":[$(h poststop)],
  \"startContainer\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"cat >/dev/shm/sc.json\"]}]}
  | .process.args = [\"sh\", \"-c\", \"cat /dev/shm/sc.json\"]
  | .annotations = {\"org.example.key\":\"value\"}"
B create -b hooks hk </dev/null >"$TEST_TMP/hk.out" 2>&1
ok $? "create with hooks"
[ "$(cat order)" = "$(printf 'prestart v-prestart\ncreateRuntime v-createRuntime\ncreateContainer v-createContainer')" ]
ok $? "prestart, createRuntime, createContainer ran in order with their env"
pid=$(B state hk | jq -r .pid)
jq -e --arg pid "$pid" '.id == "hk" and (.pid|tostring) == $pid and .annotations["org.example.key"] == "value"
  and (.bundle | endswith("/hooks"))' createRuntime.json >/dev/null
ok $? "createRuntime got the state (id, pid, bundle, annotations) on stdin"
B start hk
ok $? "start"
wait_stopped hk
jq -e '.id == "hk"' "$TEST_TMP/hk.out" >/dev/null
ok $? "startContainer ran inside the container with the state on stdin"
jq -e '.status == "running"' poststart.json >/dev/null
ok $? "poststart got the running state"
B delete hk
jq -e '.status == "stopped" and .id == "hk"' poststop.json >/dev/null
ok $? "poststop ran at delete"
# config.md: poststop runs "after the container is deleted but before the
# delete operation returns": a hook asking for the state finds none.
new_bundle pd '.hooks = {"poststop":[{"path":"/bin/sh","args":["sh","-c",
  "\($brig) --root \($root) state pd >\($t)/pd.out 2>&1; echo status:$? >>\($t)/pd.out"]}]}
  | .process.args = ["true"]' --arg brig "$BRIG" --arg root "$ROOT" --arg t "$TEST_TMP"
B run -b pd pd </dev/null >/dev/null 2>&1
grep -q "container pd does not exist" pd.out && grep -qx "status:1" pd.out
ok $? "poststop runs once the container is deleted ($(cat pd.out | tr '\n' ' '))"
new_bundle warn '.hooks = {"poststart":[{"path":"/bin/false"}],"poststop":[{"path":"/bin/false"}]} | .process.args = ["true"]'
B run -b warn w1 </dev/null >/dev/null 2>"$TEST_TMP/w1.err"
ok $? "failing poststart/poststop hooks do not fail run"
grep -q "poststart hook /bin/false: exit status 1" "$TEST_TMP/w1.err"
ok $? "... but are reported as warnings"
nothing_left "hooks"

# createContainer hooks run in the container's namespaces (runtime-spec
# runtime.md), with the pid as seen there; startContainer gets "created".
new_bundle ccns '.hooks = {"createContainer":[{"path":"/bin/sh","args":["sh","-c",
    "for n in pid net uts ipc; do readlink /proc/self/ns/$n; done >\($t)/cc-ns; cat >\($t)/cc-state.json"]}],
  "startContainer":[{"path":"/bin/sh","args":["sh","-c","cat >/dev/shm/sc.json"]}]}
  | .process.args = ["sh", "-c", "for n in pid net uts ipc; do readlink /proc/self/ns/$n; done; cat /dev/shm/sc.json"]' \
  --arg t "$TEST_TMP"
B run -b ccns cc </dev/null >cc.out 2>&1
ok $? "run with a createContainer hook"
[ -s cc-ns ] && [ "$(head -n 4 cc.out)" = "$(cat cc-ns)" ] && [ "$(sed -n 1p cc-ns)" != "$(readlink /proc/self/ns/pid)" ]
ok $? "createContainer ran in the container's pid, network, uts and ipc namespaces"
jq -e '.pid == 1 and .status == "creating" and .id == "cc"' cc-state.json >/dev/null
ok $? "createContainer state: the pid in the container (1), status creating"
tail -n +5 cc.out | jq -e '.pid == 1 and .status == "created"' >/dev/null
ok $? "startContainer state: the pid in the container (1), status created"

# ... also in a new user namespace (setns with CLONE_NEWUSER too).
chmod 755 "$TEST_TMP"
new_bundle ccuser '.linux.namespaces += [{"type":"user"}]
  | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .mounts |= map(select(.type != "sysfs" and .type != "cgroup")) | del(.linux.resources)
  | .hooks = {"createContainer":[{"path":"/bin/sh","args":["sh","-c","readlink /proc/self/ns/user >\($t)/ccuser.ns"]}]}
  | .process.args = ["readlink", "/proc/self/ns/user"]' --arg t "$TEST_TMP"
B run -b ccuser ccu </dev/null >ccu.out 2>&1 && [ "$(cat ccu.out)" = "$(cat ccuser.ns)" ] &&
  [ "$(cat ccuser.ns)" != "$(readlink /proc/self/ns/user)" ]
ok $? "createContainer ran in the container's new user namespace"

# createContainer hooks run in the container's time namespace too.
new_bundle cctime '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"monotonic": {"secs": 100000}}
  | .hooks = {"createContainer":[{"path":"/bin/sh","args":["sh","-c","readlink /proc/self/ns/time >\($t)/cctime.ns"]}]}
  | .process.args = ["readlink", "/proc/self/ns/time"]' --arg t "$TEST_TMP"
B run -b cctime cct </dev/null >cct.out 2>&1 && [ "$(cat cct.out)" = "$(cat cctime.ns)" ] &&
  [ "$(cat cctime.ns)" != "$(readlink /proc/self/ns/time)" ]
ok $? "createContainer ran in the container's time namespace ($(cat cctime.ns))"

# A failing create hook stops the container and runs poststop.
new_bundle failpost '.hooks = {"createRuntime":[{"path":"/bin/false"}],
  "poststop":[{"path":"/bin/sh","args":["sh","-c","cat >\($t)/fp-poststop.json"]}]}' --arg t "$TEST_TMP"
expect_error "createRuntime hook failure" "brig: create: createRuntime hook /bin/false: exit status 1" \
  B create -b failpost fp
jq -e '.status == "stopped" and .id == "fp"' fp-poststop.json >/dev/null
ok $? "poststop ran after the failed createRuntime hook"
# So does any later create failure once the create hooks ran (poststop is
# the only way to undo what they set up).
new_bundle latefail '.process.args = ["/no/such/binary"]
  | .hooks = {"createRuntime":[{"path":"/bin/true"}],
              "poststop":[{"path":"/bin/sh","args":["sh","-c","cat >\($t)/lf-poststop.json"]}]}' --arg t "$TEST_TMP"
expect_error "create failing after the hooks" "brig: create: exec /no/such/binary: No such file or directory" \
  B create -b latefail lf
jq -e '.status == "stopped" and .id == "lf"' lf-poststop.json >/dev/null
ok $? "poststop ran after a create failure that followed the createRuntime hook"
nothing_left "failed create hook"

new_bundle relhook '.hooks = {"prestart":[{"path":"bin/true"}]}'
expect_error "relative hook path" "brig: create: config.json: hooks.prestart[0].path: must be an absolute path" \
  B create -b relhook rh
new_bundle zerotimeout '.hooks = {"poststop":[{"path":"/bin/true"},{"path":"/bin/true","timeout":0}]}'
expect_error "hook timeout 0" "brig: create: config.json: hooks.poststop[1].timeout: must be greater than zero" \
  B create -b zerotimeout zt
new_bundle bigtimeout '.hooks = {"createRuntime":[{"path":"/bin/true","timeout":2147483647}]} | .process.args = ["true"]'
B run -b bigtimeout bt </dev/null >/dev/null 2>&1
ok $? "a hook timeout of 2^31-1 s (no overflow of the deadline)"
nothing_left "hook validation"

# state (and list) while create runs hooks: no lock, status "creating".
new_bundle stinhook '.hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c",
    "\($brig) --root \($root) state sh1 >\($t)/sh1.json; \($brig) --root \($root) list -q >\($t)/sh1.list"],"timeout":10}]}' \
  --arg t "$TEST_TMP" --arg brig "$BRIG" --arg root "$ROOT"
start=$(date +%s)
B create -b stinhook sh1 </dev/null >/dev/null 2>&1
ok $? "create whose createRuntime hook calls brig state and list"
[ $(($(date +%s) - start)) -lt 5 ]
ok $? "... without waiting for a lock"
pid=$(B state sh1 | jq -r .pid)
jq -e --arg pid "$pid" '.status == "creating" and (.pid|tostring) == $pid' sh1.json >/dev/null &&
  [ "$(cat sh1.list)" = sh1 ]
ok $? "the hook saw status creating and the init's pid"
B delete --force sh1
nothing_left "state during hooks"

# A failing startContainer hook stops the container; it is destroyed (its
# cgroup too) and the poststop hooks run, through start and through run
# (runtime.md lifecycle, steps 7, 12, 13).
new_bundle scfail '.linux.cgroupsPath = $cg | .process.args = ["true"]
  | .hooks = {"startContainer":[{"path":"/bin/false"}],
              "poststop":[{"path":"/bin/sh","args":["sh","-c","echo ran >>\($t)/scfail.poststop"]}]}' \
  --arg t "$TEST_TMP" --arg cg "/brig/it-$$-scfail"
B create -b scfail scf1 </dev/null >/dev/null 2>&1
expect_error "start: failing startContainer hook" \
  "brig: start: startContainer hook /bin/false: exit status 1" B start scf1
expect_error "run: failing startContainer hook" \
  "brig: run: startContainer hook /bin/false: exit status 1" B run -b scfail scf2
[ "$(cat scfail.poststop 2>/dev/null)" = "$(printf 'ran\nran')" ] &&
  ! ls -d /sys/fs/cgroup/*/brig/it-$$-scfail 2>/dev/null
ok $? "both destroyed the container, its cgroup included, and ran poststop"
nothing_left "failing startContainer hook"
done_testing
