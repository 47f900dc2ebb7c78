#!/bin/bash
# Failure paths: one line naming the step, nothing left behind (no state
# directory, no process, no mount on the host).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle errors"
cd "$TEST_TMP" || exit 1

new_bundle norootfs '.root.path = "nonexistent"'
expect_error "missing rootfs" \
  "brig: create: config.json: root.path: $TEST_TMP/norootfs/nonexistent: No such file or directory" \
  B create -b norootfs e1
nothing_left "missing rootfs"

mkdir noconfig
expect_error "missing config.json" \
  "brig: create: config.json: open $TEST_TMP/noconfig/config.json: No such file or directory" \
  B create -b noconfig e2
nothing_left "missing config.json"

new_bundle badmount '.mounts += [{"destination":"/x","type":"nosuchfs","source":"none"}]'
expect_error "bad mount type (an error inside the init)" \
  "brig: create: mount nosuchfs on /x: No such device" B create -b badmount e3
nothing_left "bad mount"

new_bundle badopt '.mounts += [{"destination":"/x","type":"tmpfs","source":"tmpfs","options":["size=banana"]}]'
expect_error "bad mount option" \
  "brig: create: mount tmpfs on /x: option size=banana: Invalid argument" B create -b badopt e4
nothing_left "bad mount option"

new_bundle badbind '.mounts += [{"destination":"/x","type":"bind","source":"/nonexistent/src","options":["rbind"]}]'
expect_error "bind of a missing source" \
  "brig: create: bind mount /nonexistent/src on /x: No such file or directory" B create -b badbind e5
nothing_left "bad bind"

# runtime.md: create applies all of config.json "except for process";
# start "MUST generate an error if process was not set".
new_bundle noproc 'del(.process)'
B create -b noproc e5b </dev/null >/dev/null 2>&1 && [ "$(B state e5b | jq -r .status)" = created ]
ok $? "create without process: the container is created"
expect_error "start without process" \
  "brig: start: config.json: process: is required to start the container" B start e5b
[ "$(B state e5b | jq -r .status)" = created ]
ok $? "... and stays created"
check "delete --force of a container without process" B delete --force e5b
expect_error "run without process" \
  "brig: run: config.json: process: is required to start the container" B run -b noproc e5c
nothing_left "no process"

new_bundle noargs '.process.args = []'
expect_error "empty process.args" "brig: create: config.json: process.args: must not be empty" \
  B create -b noargs e6
nothing_left "empty args"

new_bundle bigtty '.process.terminal = true | .process.consoleSize = {"height": 70000, "width": 80}'
expect_error "a consoleSize that does not fit a winsize" \
  "brig: create: config.json: process.consoleSize: height and width must be at most 65535" \
  B create -b bigtty e6b

new_bundle noexec '.process.args = ["nonexistent-binary"]'
expect_error "executable not found" \
  "brig: create: exec: \"nonexistent-binary\": executable file not found in \$PATH" B create -b noexec e7
nothing_left "executable not found"

new_bundle ok '.process.args = ["true"]'
expect_error "bad id" "brig: create: invalid container id 'a/b'" B create -b ok a/b
expect_error "id .." "brig: create: invalid container id '..'" B create -b ok ..
expect_error "start: bad id" "brig: start: invalid container id 'x y'" B start "x y"
nothing_left "bad id"

new_bundle badsysctl '.linux.sysctl = {"no.such.key":"1"}'
expect_error "sysctl that is not namespaced" \
  'brig: create: config.json: linux.sysctl["no.such.key"]: not namespaced' B create -b badsysctl e8
nothing_left "bad sysctl"

new_bundle badsysctl2 '.linux.sysctl = {"net.no_such_key":"1"}'
expect_error "missing namespaced sysctl" \
  "brig: create: sysctl net.no_such_key: No such file or directory" B create -b badsysctl2 e8
nothing_left "missing sysctl"

B create -b ok dup </dev/null >/dev/null 2>&1
ok $? "first create of dup"
expect_error "duplicate id" "brig: create: container dup already exists" B create -b ok dup
[ "$(ls "$ROOT")" = dup ]
ok $? "duplicate create left the first container alone"
B delete --force dup
nothing_left "duplicate id"

new_bundle hookfail '.hooks = {"createRuntime":[{"path":"/bin/sh","args":["sh","-c","echo hook-said-no >&2; exit 3"]}]}'
expect_error "createRuntime hook failure" \
  "brig: create: createRuntime hook /bin/sh: exit status 3: hook-said-no" B create -b hookfail e10
nothing_left "hook failure"

new_bundle hooktimeout '.hooks = {"prestart":[{"path":"/bin/sleep","args":["sleep","10"],"timeout":1}]}'
start=$(date +%s)
expect_error "prestart hook timeout" "brig: create: prestart hook /bin/sleep: timed out after 1s" \
  B create -b hooktimeout e11
[ $(($(date +%s) - start)) -lt 5 ]
ok $? "the hook was killed at its timeout"
# What the hook started goes with it (its process group).
new_bundle hooktree '.hooks = {"poststart":[{"path":"/bin/sh","args":["sh","-c","sleep 37.5; true"],"timeout":1}]}
  | .process.args = ["true"]'
B run -b hooktree e11b </dev/null >/dev/null 2>&1
! pgrep -f "sleep 37.5" >/dev/null
ok $? "a hook's timeout kills the processes it started too"
nothing_left "hook timeout"

new_bundle sthook '.hooks = {"startContainer":[{"path":"/bin/false"}]}'
B create -b sthook e12 </dev/null >/dev/null 2>&1
expect_error "startContainer hook failure fails start" \
  "brig: start: startContainer hook /bin/false: exit status 1" B start e12
# runtime.md: stopped, then destroyed (lifecycle steps 7, 12, 13).
expect_error "the container is destroyed after the failed start" \
  "brig: state: container e12 does not exist" B state e12
nothing_left "startContainer hook failure"

new_bundle term '.process.terminal = true'
expect_error "terminal without --console-socket" \
  "brig: create: config.json: process.terminal: needs --console-socket" B create -b term e13
expect_error "console socket that does not exist" \
  "brig: create: console socket $TEST_TMP/nosock: No such file or directory" \
  B create -b term --console-socket "$TEST_TMP/nosock" e14
nothing_left "terminal errors"

# What cannot be applied is an error, not ignored (runtime.md, create).
new_bundle mapsnouser '.linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
expect_error "mappings without a user namespace" \
  "brig: create: config.json: linux.uidMappings: need a user namespace" B create -b mapsnouser e20
new_bundle offsnotime '.linux.timeOffsets = {"monotonic": {"secs": 1000}}'
expect_error "timeOffsets without a time namespace" \
  "brig: create: config.json: linux.timeOffsets: need a new time namespace" B create -b offsnotime e21
new_bundle idmapped '.mounts += [{"destination":"/hostetc","type":"bind","source":"/etc","options":["rbind"],
  "uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":1000,"size":1}]}]'
expect_error "per-mount uidMappings" \
  "brig: create: config.json: mounts[$(jq '.mounts | length - 1' idmapped/config.json)]: uidMappings/gidMappings: idmapped mounts are not supported" \
  B create -b idmapped e22
new_bundle errnoret '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_KILL","errnoRet":5}]}'
expect_error "errnoRet on an action without errno" \
  "brig: create: config.json: linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL does not take an errno" \
  B create -b errnoret e23
nothing_left "inapplicable properties"

expect_error "unknown option" "brig: create: unknown option --nope" B create --nope x
expect_error "missing id" "brig: create: missing container id" B create
expect_error "run --detach is not a create option" "brig: create: unknown option --detach" B create --detach x

# By mount point under this test's directories, not by counting lines:
# the suites running alongside mount and unmount too.
! awk '{ print $5 }' /proc/self/mountinfo | grep -q "^$TEST_TMP"
ok $? "no mount left on the host"
done_testing
