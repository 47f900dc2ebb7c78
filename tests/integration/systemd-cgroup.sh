#!/bin/bash
# --systemd-cgroup: a transient scope per container through systemd's D-Bus
# API.  Needs systemd as PID 1, so it runs for real in the VM lane
# (tests/vm); elsewhere it checks the clear error and skips the rest.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "systemd cgroup driver"
cd "$TEST_TMP" || exit 1

S() {
  "$BRIG" --root "$ROOT" --systemd-cgroup "$@"
}

new_bundle "$TEST_TMP/b" '.linux.cgroupsPath = $p | .process.args = ["sleep", "100"]
  | .linux.resources.memory = {"limit": 50331648} | .linux.resources.pids = {"limit": 77}' \
  --arg p "system.slice:brigtest:sd1-$$"

if [ ! -d /run/systemd/system ]; then
  expect_error "--systemd-cgroup without systemd" \
    "brig: create: --systemd-cgroup: systemd is not running" S create --bundle "$TEST_TMP/b" sd1
  nothing_left "systemd driver errors"
  done_testing
  exit 0
fi

unit=brigtest-sd1-$$.scope
S run -d --bundle "$TEST_TMP/b" sd1 </dev/null >run.out 2>&1
ok $? "run -d --systemd-cgroup ($(cat run.out))"
[ "$(systemctl is-active "$unit")" = active ]
ok $? "systemd runs $unit"
pid=$(S state sd1 | jq -r .pid)
grep -q "/system.slice/$unit\$" "/proc/$pid/cgroup"
ok $? "the init is in the scope's cgroup ($(tr '\n' ' ' <"/proc/$pid/cgroup"))"
dir=/sys/fs/cgroup/system.slice/$unit
if [ -f "$dir/memory.max" ]; then
  [ "$(cat "$dir/memory.max")" = 50331648 ] && [ "$(cat "$dir/pids.max")" = 77 ]
  ok $? "linux.resources written in the scope (memory.max, pids.max)"
else
  [ "$(cat "/sys/fs/cgroup/memory/system.slice/$unit/memory.limit_in_bytes")" = 50331648 ]
  ok $? "linux.resources written in the scope (memory.limit_in_bytes)"
fi
[ "$(systemctl show -P MemoryMax "$unit")" = 50331648 ] && [ "$(systemctl show -P TasksMax "$unit")" = 77 ]
ok $? "systemd knows the limits (MemoryMax, TasksMax), so a daemon-reload keeps them"
systemctl daemon-reload
[ ! -f "$dir/memory.max" ] || [ "$(cat "$dir/memory.max")" = 50331648 ]
ok $? "the limit survives systemctl daemon-reload"
out=$(S exec sd1 cat /proc/self/cgroup 2>&1)
[ "$out" = "0::/" ] || echo "$out" | grep -q "$unit"
ok $? "exec joins the scope ($out)"
S pause sd1 && [ "$(S state sd1 | jq -r .status)" = paused ] && S resume sd1
ok $? "pause and resume"

S run -d --bundle "$TEST_TMP/b" sd2 </dev/null >dup.out 2>&1
[ $? -ne 0 ] && grep -q "brig: run: --systemd-cgroup: start $unit: " dup.out && [ ! -d "$ROOT/sd2" ]
ok $? "a second container for the same unit fails cleanly ($(cat dup.out))"

S delete --force sd1
ok $? "delete --force"
for _ in $(seq 50); do systemctl is-active -q "$unit" || break; sleep 0.1; done
! systemctl is-active -q "$unit" && [ ! -d "$dir" ]
ok $? "delete stopped the unit and its cgroup is gone"

new_bundle "$TEST_TMP/d" '.process.args = ["true"] | del(.linux.cgroupsPath)'
S create --bundle "$TEST_TMP/d" "sd3-$$" </dev/null >d.out 2>&1
[ "$(systemctl is-active "brig-sd3-$$.scope")" = active ]
ok $? "without cgroupsPath: system.slice/brig-ID.scope"
S delete --force "sd3-$$"

new_bundle "$TEST_TMP/e" '.linux.cgroupsPath = "system.slice/oops"'
expect_error "a cgroupfs path with --systemd-cgroup" \
  "brig: create: linux.cgroupsPath: \"system.slice/oops\": --systemd-cgroup needs slice:prefix:name" \
  S create --bundle "$TEST_TMP/e" sd4
nothing_left "systemd driver"
done_testing
