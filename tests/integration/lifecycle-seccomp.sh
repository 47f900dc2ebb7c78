#!/bin/bash
# linux.seccomp applied to real containers: ERRNO with errnoRet, KILL,
# the default action, argument comparisons, noNewPrivileges true and false
# (two load points in the init), podman's default profile, and errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "seccomp"

podman_profile=$(jq -c .linux.seccomp "$BRIG_TEST_DATA/specs/podman-run-default.json")

# run_with NAME SECCOMP_JSON NNP CMD: runs sh -c CMD, prints its output.
run_with() {
  new_bundle "$TEST_TMP/$1" ".linux.seccomp = \$sc | .process.noNewPrivileges = $3 |
    .process.args = [\"sh\", \"-c\", \$cmd]" --argjson sc "$2" --arg cmd "$4" || return 1
  B run --bundle "$TEST_TMP/$1" "$1" 2>&1
}

deny_mkdir='{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}'
for nnp in true false; do
  out=$(run_with "errno-$nnp" "$deny_mkdir" $nnp 'mkdir /tmp/x 2>&1; echo status=$?')
  echo "$out" | grep -q 'Permission denied' && echo "$out" | grep -q 'status=1'
  ok $? "ERRNO with errnoRet 13 (noNewPrivileges $nnp): $(echo "$out" | tr '\n' ' ')"
done

out=$(run_with default-eperm '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdirat","mkdir"],"action":"SCMP_ACT_ERRNO"}]}' true 'mkdir /tmp/x 2>&1')
echo "$out" | grep -q 'Operation not permitted'
ok $? "ERRNO without errnoRet is EPERM"

out=$(run_with kill2 '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["uname"],"action":"SCMP_ACT_KILL_PROCESS"}]}' true 'uname')
status=$?
[ $status -eq 159 ]
ok $? "KILL_PROCESS kills with SIGSYS (exit $status, expected 128+31)"

# An argument comparison: kill(2) with signal (arg 1) == SIGUSR1 denied,
# other signals allowed.
out=$(run_with args '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":1,"value":10,"op":"SCMP_CMP_EQ"}]}]}' true 'trap "" USR1; kill -USR1 $$ 2>&1; echo status=$?; kill -0 $$; echo status2=$?')
echo "$out" | grep -q 'status=1' && echo "$out" | grep -q 'status2=0'
ok $? "argument comparison: kill(SIGUSR1) denied, kill(0) allowed: $(echo "$out" | tr '\n' ' ')"

# podman's default profile: a shell works, a denied syscall fails.
out=$(run_with podman "$podman_profile" false 'echo shell-ok; hostname other 2>&1; echo status=$?')
echo "$out" | grep -q shell-ok
ok $? "podman's default profile: a shell works"
echo "$out" | grep -q 'status=1'
ok $? "podman's default profile: sethostname is denied (no CAP_SYS_ADMIN rule): $(echo "$out" | tr '\n' ' ')"

# Errors, found at create before any process exists.
new_bundle "$TEST_TMP/bad-listener" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","listenerMetadata":"x"}'
expect_error "listenerMetadata without listenerPath" \
  "brig: create: config.json: linux.seccomp.listenerMetadata: requires linux.seccomp.listenerPath" \
  B create --bundle "$TEST_TMP/bad-listener" bad1
new_bundle "$TEST_TMP/bad-notify" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}'
expect_error "NOTIFY without listenerPath" \
  "brig: create: config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath" \
  B create --bundle "$TEST_TMP/bad-notify" bad2
new_bundle "$TEST_TMP/bad-sock" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/nonexistent/agent.sock","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}'
expect_error "unreachable listener socket" \
  "brig: create: seccomp: listener /nonexistent/agent.sock: connect: No such file or directory" \
  B create --bundle "$TEST_TMP/bad-sock" bad3
nothing_left "seccomp errors"

done_testing
