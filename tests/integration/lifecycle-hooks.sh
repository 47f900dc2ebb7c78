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
new_bundle warn '.hooks = {"poststart":[{"path":"/bin/false"}],"poststop":[{"path":"/bin/false"}]} | .process.args = ["true"]'
B run -b warn w1 </dev/null >/dev/null 2>"$TEST_TMP/w1.err"
ok $? "failing poststart/poststop hooks do not fail run"
grep -q "poststart hook /bin/false: exit status 1" "$TEST_TMP/w1.err"
ok $? "... but are reported as warnings"
nothing_left "hooks"
done_testing
