#!/bin/bash
# brig exec: a new process in a running container's namespaces, cgroup
# and security settings, with runc's flags.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "exec"
HELPERS=$(cd "$(dirname "$0")/helpers" && pwd)
cd "$TEST_TMP" || exit 1

new_bundle b '.process.args = ["sleep", "100"] | .hostname = "exechost"
'
B run -d --bundle b c1 </dev/null >run.out 2>&1
ok $? "run -d a container for exec"
ipid=$(B state c1 | jq -r .pid)

out=$(B exec c1 hostname 2>&1)
[ "$out" = exechost ]
ok $? "exec hostname sees the container's (got: $out)"
out=$(B exec c1 id 2>&1)
[ "$out" = "uid=0(root) gid=0(root) groups=0(root)" ] || [ "$out" = "uid=0(root) gid=0(root)" ]
ok $? "exec id: root by default (got: $out)"
for code in 0 7 42; do
  B exec c1 sh -c "exit $code"
  st=$?
  [ "$st" -eq "$code" ]
  ok $? "exit status $code passes through (got $st)"
done
B exec c1 sh -c 'kill -9 $$'
st=$?
[ "$st" -eq 137 ]
ok $? "killed by SIGKILL: 137 (got $st)"

# Only 0, 1, 2 reach the process (CVE-2024-21626 class): an fd open in the
# caller (here 7) does not either.
fds=$(B exec c1 ls /proc/self/fd 7</dev/null 2>&1 | tr '\n' ' ')
[ "$fds" = "0 1 2 3 " ] # 3: the fd ls opened to read the directory
ok $? "only fds 0, 1, 2 are open in the exec'd process (got: $fds)"
fds=$(B exec --preserve-fds 1 c1 ls /proc/self/fd 3</dev/null 2>&1 | tr '\n' ' ')
[ "$fds" = "0 1 2 3 4 " ]
ok $? "--preserve-fds 1 passes fd 3 (got: $fds)"

# A gap in the preserved range (fd 3 open, fd 4 closed by the caller) is
# /dev/null, not the first fd brig opened (its state root, through which
# /proc/self/fd/4/.. wrote to the host).
exec 3</dev/null
out=$(B exec --preserve-fds 2 c1 sh -c 'readlink /proc/self/fd/4; [ -d /proc/self/fd/4/ ] && echo DIR
  echo x >/proc/self/fd/4/../ESCAPED 2>/dev/null; for f in /proc/self/fd/*; do readlink $f; done' 4>&- 2>&1)
exec 3<&-
[ "$(echo "$out" | head -n 1)" = /dev/null ] && ! echo "$out" | grep -q -e DIR -e "$ROOT" &&
  [ -z "$(find "$TEST_TMP" -name ESCAPED)" ]
ok $? "--preserve-fds 2 with fd 4 closed: fd 4 is /dev/null, nothing of brig's reachable"
[ -z "$out" ] || echo "$out" | sed 's/^/#   /'

status=$(B exec c1 cat /proc/self/status)
inh=$(echo "$status" | awk '/^CapInh/ {print $2}')
eff=$(echo "$status" | awk '/^CapEff/ {print $2}')
[ "$inh" = 0000000000000000 ]
ok $? "CapInh is empty (got $inh)"
want=$(B exec c1 cat /proc/1/status | awk '/^CapEff/ {print $2}')
[ -n "$eff" ] && [ "$eff" = "$want" ]
ok $? "CapEff is the spec's, as the init's ($eff vs $want)"
eff2=$(B exec --cap CAP_SYS_ADMIN c1 cat /proc/self/status | awk '/^CapEff/ {print $2}')
[ $((0x$eff2 & (1 << 21))) -ne 0 ] && [ $((0x$eff & (1 << 21))) -eq 0 ]
ok $? "--cap CAP_SYS_ADMIN adds it to the effective set ($eff -> $eff2)"
inh2=$(B exec --cap CAP_SYS_ADMIN c1 cat /proc/self/status | awk '/^CapInh/ {print $2}')
[ "$inh2" = 0000000000000000 ]
ok $? "--cap does not make it inheritable (CVE-2022-29162, got $inh2)"

out=$(B exec c1 ps -o pid,comm 2>&1 | awk '$1 == 1 {print $2}')
[ "$out" = sleep ]
ok $? "same pid namespace: pid 1 is the container's sleep (got: $out)"

B exec -d --pid-file "$TEST_TMP/exec.pid" c1 sleep 30
ok $? "exec --detach --pid-file"
epid=$(cat "$TEST_TMP/exec.pid" 2>/dev/null)
[ -n "$epid" ] && kill -0 "$epid" 2>/dev/null && [ "$(cat /proc/"$epid"/comm)" = sleep ]
ok $? "the pid file names the live process"
[ -n "$epid" ] && [ "$(cat /proc/"$epid"/cgroup)" = "$(cat /proc/"$ipid"/cgroup)" ]
ok $? "the exec'd process is in the container's cgroup"
[ -n "$epid" ] && [ "$(readlink /proc/"$epid"/ns/pid)" = "$(readlink /proc/"$ipid"/ns/pid)" ] &&
  [ "$(readlink /proc/"$epid"/ns/mnt)" = "$(readlink /proc/"$ipid"/ns/mnt)" ]
ok $? "the exec'd process is in the container's pid and mount namespaces"
[ -n "$epid" ] && kill -9 "$epid"

B exec --pid-file "$TEST_TMP/fg.pid" c1 true
[ -s "$TEST_TMP/fg.pid" ]
ok $? "--pid-file without --detach is written too"

cat >process.json <<'EOF'
{"args": ["sh", "-c", "echo $FOO; pwd; id -u; id -g"], "env": ["FOO=bar", "PATH=/bin"],
 "cwd": "/tmp", "user": {"uid": 65534, "gid": 65534}}
EOF
out=$(B exec --process process.json c1 2>&1 | tr '\n' ' ')
[ "$out" = "bar /tmp 65534 65534 " ]
ok $? "--process FILE with env, cwd and user (got: $out)"
out=$(B exec --user 65534:65534 c1 id 2>&1)
[ "$out" = "uid=65534(nobody) gid=65534(nogroup)" ]
ok $? "--user 65534:65534 (got: $out)"
out=$(B exec -u 65534 -g 5 c1 id -G 2>&1)
[ "$out" = "0 5" ]
ok $? "--user 65534 --additional-gids 5 (got: $out)"
out=$(B exec --env FOO=baz -e HOME=/x c1 sh -c 'echo $FOO $HOME' 2>&1)
[ "$out" = "baz /x" ]
ok $? "--env (got: $out)"
out=$(B exec --cwd /proc c1 pwd 2>&1)
[ "$out" = /proc ]
ok $? "--cwd (got: $out)"
out=$(B exec --no-new-privs c1 sh -c 'grep ^NoNewPrivs /proc/self/status' 2>&1)
[ "$(echo "$out" | awk '{print $2}')" = 1 ]
ok $? "--no-new-privs (got: $out)"

if cc -o recvtty "$HELPERS/recvtty.c" 2>cc.err; then
  ./recvtty "$TEST_TMP/console.sock" >tty.out 2>tty.err &
  rpid=$!
  wait_until test -S "$TEST_TMP/console.sock"
  B exec -t --console-socket "$TEST_TMP/console.sock" c1 sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-tty' </dev/null
  ok $? "exec -t --console-socket"
  timeout 10 tail --pid=$rpid -f /dev/null
  out=$(tr -d '\r' <tty.out)
  echo "$out" | grep -qx '/dev/pts/[0-9]*' && echo "$out" | grep -qx stdio-is-tty
  ok $? "the process's stdio is a pty of the container's devpts (got: $out)"
else
  skip "exec -t --console-socket" "cannot build helpers/recvtty.c"
  skip "the process's stdio is a pty" "cannot build helpers/recvtty.c"
fi
expect_error "a detached terminal needs --console-socket" \
  "brig: exec: process.terminal: needs --console-socket with --detach" B exec -t -d c1 true

expect_error "missing executable" "brig: exec: exec foo: No such file or directory" B exec c1 foo
expect_error "missing executable by path" "brig: exec: exec /nope: No such file or directory" \
  B exec c1 /nope
expect_error "missing cwd" "brig: exec: chdir to cwd /nope: No such file or directory" \
  B exec --cwd /nope c1 true
echo '{"args": [], "cwd": "/"}' >bad.json
expect_error "bad process.json" "brig: exec: process.json: args: must not be empty" \
  B exec --process bad.json c1
echo '{"args": ["true"], "cwd": "/", "scheduler": {"policy": "SCHED_OTHER", "nice": 30}}' >badprio.json
expect_error "process.json gets the checks config.json's process gets" \
  "brig: exec: process.json: scheduler.nice: 30 is outside -20..19" \
  B exec --process badprio.json c1
expect_error "missing container" "brig: exec: container nope does not exist" B exec nope true
B exec nope true 2>/dev/null
[ $? -eq 255 ]
ok $? "exec's own failure exits 255 (as runc), not a status the process could have"
expect_error "missing command" "brig: exec: missing command (or --process FILE)" B exec c1
B exec --cgroup /other c1 true 2>cg.err
grep -q "^brig: exec: --cgroup /other: only the container's own cgroup (.*) is supported$" cg.err
ok $? "--cgroup other than the container's is refused"

B pause c1
expect_error "paused container" "brig: exec: container c1 is paused" B exec c1 true
B resume c1

new_bundle sc '.process.args = ["sleep", "100"]
  | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
B run -d --bundle sc c2 </dev/null >run2.out 2>&1
ok $? "run -d a container with a seccomp rule denying mkdir"
# The rootfs is read-only: without the filter mkdir would fail with EROFS.
out=$(B exec c2 mkdir /tmp/x 2>&1)
st=$?
[ $st -ne 0 ] && echo "$out" | grep -q "Operation not permitted"
ok $? "the container's seccomp filter applies to exec'd processes (got: $out)"
out=$(B exec c2 sh -c 'echo allowed' 2>&1)
[ "$out" = allowed ]
ok $? "what the filter allows still works"
B kill c2 KILL
wait_stopped c2
B delete c2

# SCMP_ACT_NOTIFY: the exec'd process's listener fd reaches the agent at
# listenerPath, like the init's at create; the agent's answer (EDQUOT)
# is what mkdir gets.
if cc -o seccomp-agent "$HELPERS/seccomp-agent.c" 2>cc.err; then
  ./seccomp-agent "$TEST_TMP/agent.sock" agent.log 122 &
  agent=$!
  wait_until test -S "$TEST_TMP/agent.sock"
  new_bundle nt '.process.args = ["sleep", "100"]
    | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
        "listenerMetadata": "exec-test",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}' \
    --arg sock "$TEST_TMP/agent.sock"
  B run -d --bundle nt c4 </dev/null >run4.out 2>&1
  ok $? "run -d a container with a notifying seccomp rule"
  out=$(B exec c4 mkdir /tmp/x 2>&1)
  echo "$out" | grep -q "quota exceeded"
  ok $? "exec: the agent answers the exec'd process's mkdir (got: $out)"
  ipid=$(B state c4 | jq -r .pid)
  [ "$(wc -l <agent.log)" -eq 2 ] &&
    tail -n 1 agent.log | jq -e --argjson ipid "$ipid" \
      '.fds == ["seccompFd"] and .metadata == "exec-test" and .state.id == "c4"
       and .state.status == "running" and .state.pid == $ipid and .pid != $ipid' >/dev/null
  ok $? "exec: the agent got the state with the exec'd process's pid ($(tail -n 1 agent.log))"
  B kill c4 KILL
  wait_stopped c4
  B delete c4
  kill "$agent"
  wait "$agent" 2>/dev/null
else
  skip "exec with SCMP_ACT_NOTIFY" "cannot build helpers/seccomp-agent.c"
fi

B kill c1 KILL
wait_stopped c1
expect_error "stopped container (runc's words, which engines look for)" \
  "brig: exec: container not running: c1" B exec c1 true
B delete c1

# A created container takes exec, as with runc (containerd's shim execs
# before start), and stays created.
new_bundle cr '.process.args = ["true"] | .hostname = "made"'
B create --bundle cr c3 </dev/null >create.out 2>&1
out=$(B exec c3 sh -c 'hostname; exit 5')
status=$?
[ "$status" -eq 5 ] && [ "$out" = made ] && [ "$(B state c3 | jq -r .status)" = created ]
ok $? "exec into a created container: its namespaces, exit status passed on (status $status: $out)"
B start c3
ok $? "... and start still works"
B delete --force c3
# Nor into one with a time namespace, which is the init's only from its
# exec at start (before, exec would run on brig's clocks).
new_bundle crt '.process.args = ["true"] | .linux.namespaces += [{"type": "time"}]
  | .linux.timeOffsets = {"monotonic": {"secs": 1000000}}'
B create --bundle crt c5 </dev/null >/dev/null 2>&1
expect_error "exec before start into a container with a time namespace" \
  "brig: exec: container c5 is not started yet (its time namespace applies at start)" B exec c5 true
B delete --force c5
# Not into one whose user namespace the init makes only at start.
chmod 755 "$TEST_TMP"
new_bundle crl '.process.args = ["true"] | .linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 1000, "hostID": 1000, "size": 1}]
  | .linux.gidMappings = [{"containerID": 1000, "hostID": 1000, "size": 1}]
  | .process.user = {"uid": 1000, "gid": 1000} | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))
  | del(.linux.resources)'
if B create --bundle crl c4 </dev/null >create4.out 2>&1; then
  expect_error "exec before start into a container with a late user namespace" \
    "brig: exec: container c4 is not started yet (its user namespace is made at start)" B exec c4 true
  B delete --force c4
else
  skip "exec before start with a late user namespace" "create failed: $(cat create4.out)"
fi

nothing_left "exec"
done_testing
