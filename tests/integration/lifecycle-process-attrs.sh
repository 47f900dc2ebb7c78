#!/bin/bash
# Process attributes the init applies before the exec (issue 8):
# process.scheduler, process.ioPriority, process.execCPUAffinity,
# linux.personality, linux.memoryPolicy; and the refusal of netDevices and
# intelRdt, which brig does not implement.  Checked from inside the
# container; every bad value is a create error that leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle process attributes"
cd "$TEST_TMP" || exit 1

# run_out NAME FILTER: runs a bundle with FILTER applied, output in NAME.out.
run_out() {
  new_bundle "$1" "$2" && B run -b "$1" "$1" </dev/null >"$1.out" 2>&1
}

# is_out NAME WANT DESCRIPTION: the run succeeded and printed exactly WANT.
is_out() {
  [ "$rc" -eq 0 ] && [ "$(cat "$1.out")" = "$2" ]
  ok $? "$3"
  [ "$rc" -eq 0 ] && [ "$(cat "$1.out")" = "$2" ] || diag "exit $rc, got: $(cat "$1.out"), want: $2"
}

# RT_ERR NAME POLICY DESC: with realtime group scheduling (a cgroup v1 cpu
# controller, as here) a new cpu cgroup has no realtime runtime, so start
# must fail saying so; elsewhere the policy must be in force.
rt_or_err() {
  if [ "$rc" -ne 0 ] && [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
    grep -qx "brig: run: sched_setattr $2: Operation not permitted (with realtime group scheduling the cpu cgroup needs linux.resources.cpu.realtimeRuntime)" "$1.out"
    ok $? "$4 (refused: realtime group scheduling)"
    B delete -f "$1" >/dev/null 2>&1
  else
    is_out "$1" "$3" "$4"
  fi
}

# The fields of /proc/self/stat: 19 nice, 40 rt_priority, 41 policy.
STAT='["awk", "{print $19, $40, $41}", "/proc/self/stat"]'

# ---- process.scheduler ----
run_out fifo ".process.scheduler = {\"policy\":\"SCHED_FIFO\",\"priority\":10} | .process.args = $STAT"
rc=$?
rt_or_err fifo SCHED_FIFO "0 10 1" "SCHED_FIFO priority 10"
run_out rr ".process.scheduler = {\"policy\":\"SCHED_RR\",\"priority\":99,\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\"]} | .process.args = $STAT"
rc=$?
rt_or_err rr SCHED_RR "0 99 2" "SCHED_RR priority 99 with SCHED_FLAG_RESET_ON_FORK"
# With realtimeRuntime brig gives the cgroup's new parents room for it
# (the kernel keeps children within their parent's runtime), so the
# realtime policy works inside a fresh cgroup tree.
run_out fiforoom ".linux.cgroupsPath = \"/brig-it-rt-$$/c\"
  | .linux.resources.cpu = {\"realtimeRuntime\": 10000, \"realtimePeriod\": 1000000}
  | .process.scheduler = {\"policy\":\"SCHED_FIFO\",\"priority\":10} | .process.args = $STAT"
rc=$?
is_out fiforoom "0 10 1" "SCHED_FIFO in a new cgroup tree with realtimeRuntime"
rmdir /sys/fs/cgroup/*/brig-it-rt-$$ 2>/dev/null
run_out nice ".process.scheduler = {\"policy\":\"SCHED_OTHER\",\"nice\":7} | .process.args = $STAT"
rc=$?
is_out nice "7 0 0" "SCHED_OTHER nice 7"
run_out batch ".process.scheduler = {\"policy\":\"SCHED_BATCH\",\"nice\":-3} | .process.args = $STAT"
rc=$?
is_out batch "-3 0 3" "SCHED_BATCH nice -3"
run_out idle ".process.scheduler = {\"policy\":\"SCHED_IDLE\"} | .process.args = $STAT"
rc=$?
is_out idle "0 0 5" "SCHED_IDLE"
run_out dl ".process.scheduler = {\"policy\":\"SCHED_DEADLINE\",\"runtime\":1000000,\"deadline\":10000000,\"period\":10000000} | .process.args = $STAT"
if [ $? -eq 0 ]; then
  [ "$(cat dl.out)" = "0 0 6" ]
  ok $? "SCHED_DEADLINE runtime 1ms deadline/period 10ms"
else
  # The kernel refuses deadline tasks in some cpusets/cgroups: then start
  # must say so, naming the call.
  grep -q "^brig: .*sched_setattr SCHED_DEADLINE: " dl.out
  ok $? "SCHED_DEADLINE refused by this kernel is reported"
  B delete -f dl >/dev/null 2>&1
fi
nothing_left "scheduler"

E="brig: create: config.json: process.scheduler"
new_bundle s1 '.process.scheduler = {"policy":"SCHED_FIFO","priority":0}'
expect_error "SCHED_FIFO priority 0" "$E.priority: SCHED_FIFO needs a priority in 1..99" B create -b s1 s1
new_bundle s2 '.process.scheduler = {"policy":"SCHED_RR","priority":100}'
expect_error "SCHED_RR priority 100" "$E.priority: SCHED_RR needs a priority in 1..99" B create -b s2 s2
new_bundle s3 '.process.scheduler = {"policy":"SCHED_FIFO"}'
expect_error "SCHED_FIFO without priority" "$E.priority: SCHED_FIFO needs a priority in 1..99" B create -b s3 s3
new_bundle s4 '.process.scheduler = {"policy":"SCHED_OTHER","priority":5}'
expect_error "priority with SCHED_OTHER" \
  "$E.priority: only SCHED_FIFO and SCHED_RR take a priority (must be 0 with SCHED_OTHER)" B create -b s4 s4
new_bundle s5 '.process.scheduler = {"policy":"SCHED_OTHER","nice":20}'
expect_error "nice 20" "$E.nice: 20 is outside -20..19" B create -b s5 s5
new_bundle s6 '.process.scheduler = {"policy":"SCHED_OTHER","runtime":1000}'
expect_error "runtime without SCHED_DEADLINE" \
  "$E: runtime, deadline and period are only for SCHED_DEADLINE" B create -b s6 s6
new_bundle s7 '.process.scheduler = {"policy":"SCHED_DEADLINE","runtime":1000000}'
expect_error "SCHED_DEADLINE without deadline" "$E: SCHED_DEADLINE needs runtime and deadline" B create -b s7 s7
new_bundle s8 '.process.scheduler = {"policy":"SCHED_DEADLINE","runtime":2000000,"deadline":1000000}'
expect_error "SCHED_DEADLINE runtime above deadline" \
  "$E: SCHED_DEADLINE needs runtime <= deadline <= period" B create -b s8 s8
new_bundle s9 '.process.scheduler = {"policy":"SCHED_ISO"}'
expect_error "SCHED_ISO" "$E.policy: SCHED_ISO is not implemented by Linux" B create -b s9 s9
new_bundle s10 '.process.scheduler = {"policy":"SCHED_OTHER","flags":["SCHED_FLAG_UTIL_CLAMP_MAX"]}'
expect_error "SCHED_FLAG_UTIL_CLAMP_MAX" "$E.flags: SCHED_FLAG_UTIL_CLAMP_MAX: not supported by brig yet" \
  B create -b s10 s10
new_bundle s11 '.process.scheduler = {"policy":"SCHED_NOPE"}'
B create -b s11 s11 >/dev/null 2>s11.err
[ $? -ne 0 ] && grep -q "process.scheduler.policy" s11.err
ok $? "an unknown policy is refused"
nothing_left "scheduler errors"

# ---- process.ioPriority ----
run_out io '.process.ioPriority = {"class":"IOPRIO_CLASS_BE","priority":6} | .process.args = ["sh", "-c", "ionice -p $$"]'
[ $? -eq 0 ] && grep -q "best-effort.*6" io.out
ok $? "IOPRIO_CLASS_BE priority 6"
run_out iort '.process.ioPriority = {"class":"IOPRIO_CLASS_RT","priority":0} | .process.args = ["sh", "-c", "ionice -p $$"]'
[ $? -eq 0 ] && grep -q "realtime.*0" iort.out
ok $? "IOPRIO_CLASS_RT priority 0"
run_out ioidle '.process.ioPriority = {"class":"IOPRIO_CLASS_IDLE"} | .process.args = ["sh", "-c", "ionice -p $$"]'
[ $? -eq 0 ] && grep -q "idle" ioidle.out
ok $? "IOPRIO_CLASS_IDLE"
new_bundle io8 '.process.ioPriority = {"class":"IOPRIO_CLASS_BE","priority":8}'
expect_error "ioPriority 8" "brig: create: config.json: process.ioPriority.priority: 8 is outside 0..7" \
  B create -b io8 io8
new_bundle ioneg '.process.ioPriority = {"class":"IOPRIO_CLASS_RT","priority":-1}'
expect_error "ioPriority -1" "brig: create: config.json: process.ioPriority.priority: -1 is outside 0..7" \
  B create -b ioneg ioneg
nothing_left "ioPriority"

# ---- process.execCPUAffinity ----
# For processes run in the container (exec), not its init (config.md).
AFF='grep Cpus_allowed_list /proc/self/status | tr -d "\t "'
all=$(grep Cpus_allowed_list /proc/self/status | tr -d '\t ')
last=$(($(nproc) - 1))
new_bundle aff ".process.execCPUAffinity = {\"initial\":\"$last\",\"final\":\"$last,0\"}
  | .process.args = [\"sleep\", \"100\"]"
B run -d -b aff aff </dev/null
if [ "$last" -eq 0 ]; then want=0; else want="0,$last"; [ "$last" -eq 1 ] && want=0-1; fi
[ "$(B exec aff sh -c "$AFF")" = "Cpus_allowed_list:$want" ]
ok $? "execCPUAffinity final $last,0 for an exec'd process"
[ "$(grep Cpus_allowed_list "/proc/$(B state aff | jq -r .pid)/status" | tr -d '\t ')" = "$all" ]
ok $? "the init keeps its affinity ($all)"
B delete --force aff
new_bundle aff1 '.process.execCPUAffinity = {"initial":"0","final":"0-0"} | .process.args = ["sleep", "100"]'
B run -d -b aff1 aff1 </dev/null
[ "$(B exec aff1 sh -c "$AFF")" = "Cpus_allowed_list:0" ]
ok $? "execCPUAffinity final 0-0"
B delete --force aff1
# Without final, the container's default (every CPU its cpuset allows),
# not initial's.
new_bundle aff2 ".process.execCPUAffinity = {\"initial\":\"$last\"} | .process.args = [\"sleep\", \"100\"]"
B run -d -b aff2 aff2 </dev/null
got=$(B exec aff2 sh -c "$AFF")
[ "$got" = "$all" ]
ok $? "execCPUAffinity initial only: the process ends with the container's CPUs ($got)"
B delete --force aff2
E="brig: create: config.json: process.execCPUAffinity"
new_bundle a1 '.process.execCPUAffinity = {"initial":"0-"}'
expect_error "initial 0-" "$E.initial: \"0-\": expected a number or a range such as 0-3" B create -b a1 a1
new_bundle a2 '.process.execCPUAffinity = {"final":"3-1"}'
expect_error "final 3-1" "$E.final: \"3-1\": range 3-1 goes backwards" B create -b a2 a2
new_bundle a3 '.process.execCPUAffinity = {"final":"0;1"}'
expect_error "final 0;1" "$E.final: \"0;1\": unexpected ';'" B create -b a3 a3
new_bundle a4 '.process.execCPUAffinity = {"initial":"99999"}'
expect_error "initial 99999" "$E.initial: \"99999\": 99999 is above the limit of 1023" B create -b a4 a4
nothing_left "execCPUAffinity"

# ---- linux.personality ----
run_out p32 '.linux.personality = {"domain":"LINUX32"} | .process.args = ["sh", "-c", "cat /proc/self/personality; uname -m"]'
rc=$?
if [ "$(uname -m)" = x86_64 ]; then want="$(printf '00000008\ni686')"; else want="00000008"; fi
[ $rc -eq 0 ] && case $(cat p32.out) in "$want"*) true ;; *) false ;; esac
ok $? "personality LINUX32"
run_out p64 '.linux.personality = {"domain":"LINUX"} | .process.args = ["cat", "/proc/self/personality"]'
[ $? -eq 0 ] && [ "$(cat p64.out)" = 00000000 ]
ok $? "personality LINUX"
# exec'd processes get the personality too, and the scheduler of their
# process (as runc's exec).
new_bundle p32x '.linux.personality = {"domain":"LINUX32"} | .process.args = ["sleep", "100"]'
B run -d -b p32x p32x </dev/null >/dev/null 2>&1
printf '{"args":["sh","-c","cat /proc/self/personality; awk \x27{print $19}\x27 /proc/self/stat"],"cwd":"/","scheduler":{"policy":"SCHED_OTHER","nice":5}}' >p32x.json
got=$(B exec --process p32x.json p32x 2>&1 | tr '\n' ' ')
[ "$got" = "00000008 5 " ]
ok $? "exec: the container's personality and the process's scheduler ($got)"
B delete --force p32x
new_bundle pf '.linux.personality = {"domain":"LINUX","flags":["ADDR_NO_RANDOMIZE"]}'
expect_error "a personality flag" \
  'brig: create: config.json: linux.personality.flags: unknown flag "ADDR_NO_RANDOMIZE" (the runtime-spec defines none)' \
  B create -b pf pf
nothing_left "personality"

# ---- linux.memoryPolicy ----
if [ -e /proc/self/numa_maps ]; then
  NUMA='["sh", "-c", "head -n 1 /proc/self/numa_maps | cut -d\" \" -f2"]'
  run_out mb ".linux.memoryPolicy = {\"mode\":\"MPOL_BIND\",\"nodes\":\"0\"} | .process.args = $NUMA"
  [ $? -eq 0 ] && [ "$(cat mb.out)" = "bind:0" ]
  ok $? "MPOL_BIND nodes 0"
  run_out mi ".linux.memoryPolicy = {\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0\",\"flags\":[\"MPOL_F_STATIC_NODES\"]} | .process.args = $NUMA"
  [ $? -eq 0 ] && [ "$(cat mi.out)" = "interleave=static:0" ]
  ok $? "MPOL_INTERLEAVE static nodes 0"
else
  skip "MPOL_BIND nodes 0" "no NUMA in this kernel"
  skip "MPOL_INTERLEAVE static nodes 0" "no NUMA in this kernel"
fi
run_out md '.linux.memoryPolicy = {"mode":"MPOL_DEFAULT"} | .process.args = ["true"]'
ok $? "MPOL_DEFAULT"
E="brig: create: config.json: linux.memoryPolicy"
online=$(cat /sys/devices/system/node/online 2>/dev/null || echo 0)
new_bundle m1 '.linux.memoryPolicy = {"mode":"MPOL_BIND","nodes":"1000"}'
expect_error "a node that is not online" "$E.nodes: node 1000 is not online (online: $online)" B create -b m1 m1
new_bundle m2 '.linux.memoryPolicy = {"mode":"MPOL_BIND"}'
expect_error "MPOL_BIND without nodes" "$E.nodes: MPOL_BIND needs at least one node" B create -b m2 m2
new_bundle m3 '.linux.memoryPolicy = {"mode":"MPOL_DEFAULT","nodes":"0"}'
expect_error "MPOL_DEFAULT with nodes" "$E.nodes: must be empty with MPOL_DEFAULT" B create -b m3 m3
new_bundle m4 '.linux.memoryPolicy = {"mode":"MPOL_BIND","nodes":"0","flags":["MPOL_F_STATIC_NODES","MPOL_F_RELATIVE_NODES"]}'
expect_error "static and relative nodes" \
  "$E.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other" B create -b m4 m4
new_bundle m5 '.linux.memoryPolicy = {"mode":"MPOL_BIND","nodes":"0,,1"}'
expect_error "bad node list" "$E.nodes: \"0,,1\": expected a number or a range such as 0-3" B create -b m5 m5
nothing_left "memoryPolicy"

# ---- not implemented ----
new_bundle nd '.linux.netDevices = {"eth0":{"name":"ctr0"}}'
expect_error "netDevices" "brig: create: config.json: linux.netDevices: not supported by brig yet" B create -b nd nd
new_bundle rdt '.linux.intelRdt = {"closID":"brig"}'
expect_error "intelRdt" "brig: create: config.json: linux.intelRdt: not supported by brig yet" B create -b rdt rdt
B features | jq -e '(.linux.netDevices.enabled // false) == false and (.linux.intelRdt.enabled // false) == false' >/dev/null
ok $? "features does not claim netDevices or intelRdt"
nothing_left "unsupported fields"
done_testing
