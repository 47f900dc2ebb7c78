#!/bin/bash
# The runtime-spec's MUSTs around config.json values: ociVersion, rlimits,
# mount options, capabilities, timeOffsets, sysctl, umask, and the
# command-line details of create (pid file, --preserve-fds) and kill --all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle spec"
cd "$TEST_TMP" || exit 1

new_bundle v2 '.ociVersion = "2.0.0"'
expect_error "ociVersion 2.0.0" 'brig: create: config.json: ociVersion: unsupported version "2.0.0"' B create -b v2 s1
new_bundle vbad '.ociVersion = "1.0"'
expect_error "ociVersion that is not semver" 'brig: create: config.json: ociVersion: unsupported version "1.0"' \
  B create -b vbad s1
new_bundle vpre '.ociVersion = "1.1.0-rc.1" | .process.args = ["true"]'
check "ociVersion 1.1.0-rc.1" B run -b vpre s1
new_bundle v100 '.ociVersion = "1.0.0" | .process.args = ["sleep", "100"]'
B create -b v100 s1v </dev/null >/dev/null 2>&1
[ "$(B state s1v | jq -r .ociVersion)" = 1.2.0 ]
ok $? "the state is brig's version (1.2.0) for a 1.0.0 config"
B delete --force s1v
new_bundle v19 '.ociVersion = "1.9.0" | .process.args = ["true"]'
out=$(B run -b v19 s1n 2>&1)
[ $? -eq 0 ] && [ "$out" = "brig: warning: config.json: ociVersion 1.9.0 is newer than the 1.2.0 brig implements; fields it does not know are ignored" ]
ok $? "a newer 1.x config runs with a warning ($out)"
new_bundle annkey '.annotations = {"": "x"}'
expect_error "an empty annotation key" "brig: create: config.json: annotations: a key must not be empty" \
  B create -b annkey s1a
new_bundle relmask '.linux.maskedPaths = ["proc/timer_list"]'
expect_error "a relative maskedPaths entry" \
  "brig: create: config.json: linux.maskedPaths[0]: must be an absolute path" B create -b relmask s1m
new_bundle relro '.linux.readonlyPaths = ["tmp"]'
expect_error "a relative readonlyPaths entry" \
  "brig: create: config.json: linux.readonlyPaths[0]: must be an absolute path" B create -b relro s1r
nothing_left "ociVersion"

# rlimits: applied after brig's own setup, duplicates are an error.
new_bundle nofile '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":5,"hard":5}]
  | .process.args = ["sh", "-c", "ulimit -n; cat /proc/self/limits | grep -c \"open files  *5  *5\""]'
B run -b nofile s2 </dev/null >nofile.out 2>&1
[ $? -eq 0 ] && [ "$(cat nofile.out)" = "$(printf '5\n1')" ]
ok $? "RLIMIT_NOFILE 5/5 works for a program needing 3 fds"
new_bundle duprl '.process.rlimits = [{"type":"RLIMIT_CORE","soft":0,"hard":0},{"type":"RLIMIT_CORE","soft":1,"hard":1}]'
expect_error "an rlimit type twice" "brig: create: config.json: process.rlimits: RLIMIT_CORE given twice" \
  B create -b duprl s3
nothing_left "rlimits"

# Mount options the spec lists.
new_bundle mopts '.mounts += [{"destination":"/t1","type":"tmpfs","source":"tmpfs",
    "options":["sync","dirsync","lazytime","silent","iversion","noiversion","loud","norelatime","nosuid"]},
  {"destination":"/t2","type":"tmpfs","source":"tmpfs","options":["nolazytime","rnoatime"]},
  {"destination":"/t3","type":"tmpfs","source":"tmpfs","options":["sync","mand","lazytime","async","nomand","nolazytime"]},
  {"destination":"/b1","type":"bind","source":"/etc","options":["rbind","ro","sync","remount","rnoatime","ratime","rrelatime"]},
  {"destination":"/b2","type":"bind","source":"/etc","options":["rbind","ro","rstrictatime","rnostrictatime","rnorelatime"]}]
  | .process.args = ["sh", "-c", "grep -E \" /(t1|t2|t3|b1|b2) \" /proc/self/mountinfo"]'
B run -b mopts s4 </dev/null >mopts.out 2>&1
ok $? "mount options sync dirsync lazytime silent loud iversion remount norelatime r*atime are accepted"
grep ' /t1 ' mopts.out | grep -q ' - tmpfs .*rw,sync,dirsync,lazytime' && ! grep ' /t1 ' mopts.out | grep -q relatime
ok $? "sync, dirsync, lazytime on the superblock; norelatime gives strict atime"
grep ' /t2 ' mopts.out | grep -q ' noatime[, ]' || grep ' /t2 ' mopts.out | grep -q ',noatime'
ok $? "rnoatime on a new filesystem"
grep ' /t3 ' mopts.out | grep -q ' - tmpfs tmpfs rw$'
ok $? "async, nomand, nolazytime cancel an earlier sync, mand, lazytime (as mount(8)): $(grep ' /t3 ' mopts.out)"
grep ' /b1 ' mopts.out | grep -q 'relatime' && grep ' /b2 ' mopts.out | grep -vq 'relatime\|noatime'
ok $? "recursive atime options on binds (rrelatime, rnorelatime)"
B features | jq -e '.mountOptions as $m | ["sync","async","mand","nomand","dirsync","lazytime","nolazytime","iversion","noiversion","silent","loud","remount","norelatime","nostrictatime","ratime","rnoatime","rrelatime","rstrictatime"] | all(. as $o | $m | index($o))' >/dev/null
ok $? "features lists them"
nothing_left "mount options"

# Capabilities: an unknown name is a warning, not an error.
new_bundle unkcap '.process.capabilities.bounding += ["CAP_NOPE"] | .process.args = ["true"]'
B run -b unkcap s5 </dev/null >unkcap.out 2>unkcap.err
ok $? "an unknown capability does not fail run"
[ "$(cat unkcap.err)" = "brig: warning: config.json: process.capabilities.bounding: unknown capability CAP_NOPE, ignored" ]
ok $? "... it is reported as a warning"
# One brig does not hold (setpriv takes CAP_NET_RAW from it) is left out
# with a warning, and the others are granted: config.md says runtimes
# SHOULD NOT fail there.
new_bundle lesscap '.process.capabilities = {"bounding":["CAP_NET_RAW","CAP_CHOWN"],
  "permitted":["CAP_NET_RAW","CAP_CHOWN"],"effective":["CAP_NET_RAW","CAP_CHOWN"]}
  | .process.args = ["sh", "-c", "grep ^CapEff /proc/self/status"]'
setpriv --bounding-set -net_raw --inh-caps -net_raw "$BRIG" --root "$ROOT" run -b lesscap s5b \
  </dev/null >lesscap.out 2>lesscap.err
status=$?
[ $status -eq 0 ] && grep -q "CapEff:.*0000000000000001$" lesscap.out &&
  [ "$(cat lesscap.err)" = "brig: warning: config.json: process.capabilities: CAP_NET_RAW cannot be granted (brig does not hold it), left out" ]
ok $? "a capability brig does not hold: a warning, the rest granted (status $status: $(cat lesscap.out lesscap.err))"
nothing_left "capabilities"

# timeOffsets: duplicate clocks.
new_bundle duptime '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"monotonic":{"secs":1},"boottime":{"secs":2}}
  | .process.args = ["cat", "/proc/self/timens_offsets"]'
B run -b duptime s6 </dev/null >duptime.out 2>&1
[ "$(awk '{print $1, $2}' duptime.out | sort | tr '\n' ' ')" = "boottime 2 monotonic 1 " ]
ok $? "timeOffsets applied"
sed 's/"boottime"/"monotonic"/' duptime/config.json >duptime/c && mv duptime/c duptime/config.json
expect_error "a clock twice in timeOffsets" "brig: create: config.json: linux.timeOffsets: monotonic given twice" \
  B create -b duptime s7
nothing_left "timeOffsets"

# sysctl: only namespaced keys, and only in a namespace made for the container.
new_bundle hostsysctl '.linux.sysctl = {"kernel.core_pattern":"|/bin/false"}'
expect_error "a sysctl that is not namespaced" \
  'brig: create: config.json: linux.sysctl["kernel.core_pattern"]: not namespaced' B create -b hostsysctl s8
new_bundle netsysctl '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward":"1"}'
expect_error "a net sysctl without a new network namespace" \
  "brig: create: config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: needs a network namespace that is not the host's" \
  B create -b netsysctl s9
new_bundle hostnet '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)
  | .linux.sysctl = {"net.ipv4.ip_forward":"1"}' --arg p "/proc/$$/ns/net"
expect_error "a net sysctl in the host's network namespace given by path" \
  "brig: create: config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: needs a network namespace that is not the host's" \
  B create -b hostnet s9b
# A network namespace of its own given by path takes them (as with runc).
unshare --net sleep 100 &
ns_pid=$!
wait_until ns_differs "$ns_pid" net
new_bundle pathnet '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)
  | .linux.sysctl = {"net.ipv4.ip_forward":"1"} | .process.args = ["cat", "/proc/sys/net/ipv4/ip_forward"]' \
  --arg p "/proc/$ns_pid/ns/net"
[ "$(B run -b pathnet s9c </dev/null 2>&1)" = 1 ] && [ "$(nsenter -t $ns_pid -n cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
ok $? "a net sysctl in a network namespace joined by path is set there"
kill $ns_pid
wait $ns_pid 2>/dev/null
new_bundle ipcsysctl '.linux.sysctl = {"kernel.shmmni":"1000","fs.mqueue.msg_max":"20","kernel.domainname":"d.example"}
  | .process.args = ["sh", "-c", "cat /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname"]'
B run -b ipcsysctl s10 </dev/null >ipc.out 2>&1
[ "$(cat ipc.out)" = "$(printf '1000\n20\nd.example')" ]
ok $? "ipc and uts sysctls in new namespaces"
# Sysctls are written through the host's /proc, in the container's
# namespaces: a container /proc that is not procfs (here none is mounted
# and the image has its own proc/sys files) neither takes the writes nor
# leaves the sysctls unset.
cp -a "$BASE_ROOTFS" sysfake
mkdir -p sysfake/proc/sys/net/ipv4 sysfake/proc/sys/kernel
echo 0 >sysfake/proc/sys/net/ipv4/ip_unprivileged_port_start
echo 0 >sysfake/proc/sys/kernel/shm_rmid_forced
echo none >sysfake/proc/sys/kernel/domainname
new_bundle sysfake '.root.path = $root | .mounts |= map(select(.destination != "/proc"))
  | .linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "1000", "kernel.shm_rmid_forced": "1",
                     "kernel.domainname": "real.example"}
  | .process.args = ["sleep", "100"]' --arg root "$TEST_TMP/sysfake"
B run -d -b sysfake s10b </dev/null >sysfake.out 2>&1
ok $? "sysctls with a container /proc that is not procfs: the container runs"
pid=$(B state s10b | jq -r .pid)
got=$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_unprivileged_port_start
  nsenter -t "$pid" -i cat /proc/sys/kernel/shm_rmid_forced
  nsenter -t "$pid" -u cat /proc/sys/kernel/domainname)
[ "$got" = "$(printf '1000\n1\nreal.example')" ] &&
  [ "$(cat sysfake/proc/sys/net/ipv4/ip_unprivileged_port_start sysfake/proc/sys/kernel/shm_rmid_forced \
    sysfake/proc/sys/kernel/domainname)" = "$(printf '0\n0\nnone')" ]
ok $? "... the sysctls are set in its namespaces, the image's files untouched (got: $(echo $got))"
B delete --force s10b
nothing_left "sysctl"

# umask: unset means unchanged (the runtime-spec; runc sets 022).
new_bundle um '.process.args = ["sh", "-c", "umask"]'
(umask 027 && B run -b um s11 </dev/null >um.out 2>&1)
[ "$(cat um.out)" = 0027 ]
ok $? "no process.user.umask: the caller's umask is kept"
nothing_left "umask"

# pid file: written through a fresh temporary file, removed when create fails.
new_bundle pf '.process.args = ["sleep", "100"]'
B create -b pf --pid-file "$TEST_TMP/pf.pid" s12 </dev/null >/dev/null 2>&1
[ "$(cat pf.pid)" = "$(B state s12 | jq -r .pid)" ]
ok $? "pid file"
B delete --force s12
new_bundle pffail '.process.args = ["nonexistent-binary"]'
B create -b pffail --pid-file "$TEST_TMP/pf2.pid" s13 </dev/null >/dev/null 2>&1
[ $? -ne 0 ] && [ ! -e pf2.pid ] && [ -z "$(ls -A "$TEST_TMP" | grep brig-tmp)" ]
ok $? "no pid file (or temporary file) after a failed create"

# --preserve-fds far above the fd limit is capped, not a long loop.
new_bundle pfd '.process.args = ["true"]'
start=$(date +%s)
B run -b pfd --preserve-fds 2000000000 s14 </dev/null >/dev/null 2>&1
ok $? "--preserve-fds 2000000000"
[ $(($(date +%s) - start)) -lt 5 ]
ok $? "... returns quickly"
nothing_left "create options"

# kill --all: the init and the other processes of its pid namespace.
new_bundle killall '.process.args = ["sh", "-c", "sleep 100 & sleep 101 & wait"]'
B run -d -b killall s15 </dev/null >/dev/null 2>&1
pid=$(B state s15 | jq -r .pid)
two_children() { [ "$(wc -w </proc/$pid/task/$pid/children)" -ge 2 ]; }
wait_until two_children
kids=$(cat /proc/$pid/task/$pid/children)
check "kill --all TERM" B kill --all s15 TERM
wait_stopped s15
ok $? "the container stopped"
left=
for k in $kids; do [ -d /proc/$k ] && [ "$(awk '{print $3}' /proc/$k/stat)" != Z ] && left="$left $k"; done
[ -n "$kids" ] && [ -z "$left" ]
ok $? "its other processes got the signal"
B delete s15
nothing_left "end"
done_testing
