#!/bin/bash
# Cgroups through the lifecycle: the container's cgroup is created with
# its resources before the init runs, the init is in it in every
# hierarchy, the cgroup namespace is rooted there, kill --all reaches
# every process of it, delete removes it, and a failed create leaves none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "cgroups"

cgbase=/brig-it-$$
cleanup_cgroups() {
  for h in $(cg_roots); do
    [ -d "$h$cgbase" ] && find "$h$cgbase" -depth -type d -exec rmdir {} + 2>/dev/null
  done
}
trap 'cleanup_cgroups; tap_cleanup' EXIT

leftover_dirs() { # leftover_dirs PATH: cgroup dirs of PATH in any hierarchy
  for h in $(cg_roots); do [ -d "$h$1" ] && echo "$h$1"; done
}

new_bundle "$TEST_TMP/b1" '.linux.cgroupsPath = $p | .process.args = ["sh", "-c", "sleep 100 & sleep 100"] |
  .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 40} |
  .linux.resources.cpu = {"shares": 512}' --arg p "$cgbase/c1"
B run -d --bundle "$TEST_TMP/b1" c1
ok $? "run -d with resources and cgroupsPath $cgbase/c1"
pid=$(B state c1 | jq .pid)
[ "$(cg_cat memory "$cgbase/c1" memory.limit_in_bytes memory.max)" = 67108864 ]
ok $? "memory.limit_in_bytes"
[ "$(cg_cat pids "$cgbase/c1" pids.max)" = 40 ]
ok $? "pids.max"
[ "$(cg_cat cpu "$cgbase/c1" cpu.shares cpu.weight)" = "$(cg_shares 512)" ]
ok $? "cpu.shares"
cg_in "$pid" "$cgbase/c1" && grep -q "^0::$cgbase/c1\$" /proc/"$pid"/cgroup
ok $? "the init is in the cgroup in the v1 hierarchies and the unified one"
[ "$(wc -l <"$(cg_file memory "$cgbase/c1" cgroup.procs)")" -eq 2 ]
ok $? "both processes in the cgroup (sh exec'd the last sleep)"
B kill --all c1 KILL
ok $? "kill --all"
cg_empty() { [ "$(wc -l <"$(cg_file memory "$cgbase/c1" cgroup.procs)")" -eq 0 ]; }
wait_until cg_empty
ok $? "kill --all reached every process of the cgroup"
B delete c1
ok $? "delete"
[ -z "$(leftover_dirs "$cgbase/c1")" ]
ok $? "delete removed the cgroup from every hierarchy"

# delete removes what create made, parents included, and nothing else
# (runtime.md: resources not created by the container MUST NOT be deleted).
for h in $(cg_roots); do mkdir -p "$h$cgbase/pre/mine"; done
new_bundle "$TEST_TMP/bpre" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$cgbase/pre/mine"
B run --bundle "$TEST_TMP/bpre" cpre
[ -n "$(leftover_dirs "$cgbase/pre/mine")" ] && [ "$(leftover_dirs "$cgbase/pre/mine" | wc -l)" -eq "$(cg_roots | wc -l)" ]
ok $? "a cgroup that existed before the container is still there after it"
new_bundle "$TEST_TMP/bnew" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$cgbase/fresh/a/b"
B run --bundle "$TEST_TMP/bnew" cnew
[ -z "$(leftover_dirs "$cgbase/fresh")" ]
ok $? "the parents create made (fresh/a) are removed with the container"

# Impossible values: one line naming the field, nothing left behind.
new_bundle "$TEST_TMP/bbadcpus" '.linux.cgroupsPath = $p | .linux.resources.cpu = {"cpus": "1000"}' \
  --arg p "$cgbase/badcpus"
out=$(B run --bundle "$TEST_TMP/bbadcpus" cbad1 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "^brig: run: linux.resources.cpu.cpus: write .*cpuset.cpus: " &&
  [ -z "$(leftover_dirs "$cgbase/badcpus")" ]
ok $? "cpuset.cpus out of range: an error naming the field, no cgroup left ($out)"
new_bundle "$TEST_TMP/btiny" '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 1000}' \
  --arg p "$cgbase/tiny"
expect_error "a memory limit too low for the init" \
  "brig: run: container init was killed by the OOM killer during setup: linux.resources.memory.limit is too low" \
  B run --bundle "$TEST_TMP/btiny" cbad2
[ -z "$(leftover_dirs "$cgbase/tiny")" ]
ok $? "... and no cgroup left"
new_bundle "$TEST_TMP/bbelow" '.linux.cgroupsPath = $p | .process.args = ["sleep", "100"]' --arg p "$cgbase/below"
B run -d --bundle "$TEST_TMP/bbelow" cbad3 </dev/null
out=$(echo '{"memory":{"limit":4096,"checkBeforeUpdate":true}}' | B update -r - cbad3 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "^brig: update: linux.resources.memory.limit: 4096 is below the current usage [0-9]* (checkBeforeUpdate)$"
ok $? "update below the usage with checkBeforeUpdate: refused ($out)"
B delete --force cbad3
nothing_left "impossible values"

# The cgroup namespace is rooted at the container's cgroup.
new_bundle "$TEST_TMP/b6" '.linux.cgroupsPath = $p | .process.args = ["cat", "/proc/self/cgroup"]' \
  --arg p "$cgbase/c6"
out=$(B run --bundle "$TEST_TMP/b6" c6 2>&1)
{ cg_unified || echo "$out" | grep -q '^[0-9]*:memory:/$'; } && echo "$out" | grep -q '^0::/$' &&
  ! echo "$out" | grep -q brig-it
ok $? "inside, /proc/self/cgroup says / (cgroup namespace rooted at the container's cgroup)"

# The spec's cgroup mount shows the container's own cgroups, read-only:
# its memory limit at the top of /sys/fs/cgroup/memory, no host cgroups;
# every hierarchy (v1), every controller the parent delegates (v2).
if cg_unified; then
  top=/sys/fs/cgroup mem=memory.max last='cat /sys/fs/cgroup/cgroup.controllers'
else
  top=/sys/fs/cgroup/memory mem=memory.limit_in_bytes last='ls /sys/fs/cgroup | tr "\n" " "'
fi
new_bundle "$TEST_TMP/bm" '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 41943040}
  | .process.args = ["sh", "-c", "cat \($top)/\($mem); ls \($top) | grep -c brig;
      touch \($top)/x 2>/dev/null || echo ro; \($last)"]' \
  --arg p "$cgbase/cm" --arg top "$top" --arg mem "$mem" --arg last "$last"
out=$(B run --bundle "$TEST_TMP/bm" cm 2>&1)
if cg_unified; then
  host=$(cat "/sys/fs/cgroup$cgbase/cgroup.subtree_control")
else
  host=$(cd /sys/fs/cgroup && ls | tr '\n' ' ')
fi
[ "$out" = "$(printf '41943040\n0\nro\n%s' "$host")" ]
ok $? "the cgroup mount: the container's own cgroups, every hierarchy, read-only ($(echo $out))"

# linux.resources.unified: brig enables the key's controller on the way
# down (hugetlb lives in the cgroup2 mount of this hybrid host; on pure v2
# it is one controller among the others).
if cg_unified; then v2root=/sys/fs/cgroup; else v2root=/sys/fs/cgroup/unified; fi
if grep -qw hugetlb "$v2root/cgroup.controllers" 2>/dev/null; then
  new_bundle "$TEST_TMP/bu" '.linux.cgroupsPath = $p | .linux.resources.unified = {"hugetlb.2MB.max": "4194304"}
    | .process.args = ["sleep", "100"]' --arg p "$cgbase/uni"
  B run -d --bundle "$TEST_TMP/bu" cu </dev/null >/dev/null 2>"$TEST_TMP/cu.err"
  [ "$(cat "$v2root$cgbase/uni/hugetlb.2MB.max" 2>&1)" = 4194304 ]
  ok $? "unified: hugetlb.2MB.max written, the controller enabled ($(cat "$TEST_TMP/cu.err"))"
  B delete --force cu
else
  skip "unified: hugetlb.2MB.max" "no hugetlb controller in the cgroup2 hierarchy"
fi

# Default path /brig/<id>.
new_bundle "$TEST_TMP/b2" '.process.args = ["sleep", "100"] | del(.linux.cgroupsPath)'
B run -d --bundle "$TEST_TMP/b2" "c2-$$"
cg_in "$(B state "c2-$$" | jq .pid)" "/brig/c2-$$"
ok $? "without cgroupsPath the cgroup is /brig/<id>"
B delete --force "c2-$$"

# A cgroup that already has processes is refused: two containers in one
# cgroup would share limits and delete would kill the other's processes.
new_bundle "$TEST_TMP/b7" '.process.args = ["sleep", "100"] | .linux.cgroupsPath = $p' \
  --arg p "$cgbase/shared"
B run -d --bundle "$TEST_TMP/b7" c7a
expect_error "a populated cgroup is refused" \
  "brig: run: cgroup $cgbase/shared already has processes (another container?)" \
  B run -d --bundle "$TEST_TMP/b7" c7b
B delete --force c7a
# In any hierarchy, not only the one brig lists processes from (the
# container's pids cgroup made beforehand, with a process in it).
busy_dir=$(dirname "$(cg_file pids "$cgbase/busy" cgroup.procs)")
mkdir -p "$busy_dir"
sleep 100 &
busy_pid=$!
echo "$busy_pid" >"$busy_dir/cgroup.procs"
new_bundle "$TEST_TMP/b7b" '.process.args = ["true"] | .linux.cgroupsPath = $p' --arg p "$cgbase/busy"
expect_error "a cgroup populated in one hierarchy is refused" \
  "brig: run: cgroup $cgbase/busy already has processes (another container?)" \
  B run --bundle "$TEST_TMP/b7b" c7c
kill "$busy_pid"
wait "$busy_pid" 2>/dev/null
# A frozen cgroup would freeze the init with create waiting on it.
frz_dir=$(dirname "$(cg_file freezer "$cgbase/frz" freezer.state cgroup.freeze)")
mkdir -p "$frz_dir"
if cg_unified; then echo 1 >"$frz_dir/cgroup.freeze"; else echo FROZEN >"$frz_dir/freezer.state"; fi
new_bundle "$TEST_TMP/b7c" '.process.args = ["true"] | .linux.cgroupsPath = $p' --arg p "$cgbase/frz"
expect_error "a frozen cgroup is refused" "brig: run: cgroup $cgbase/frz is frozen" \
  timeout 20 "$BRIG" --root "$ROOT" run --bundle "$TEST_TMP/b7c" c7d
if cg_unified; then echo 0 >"$frz_dir/cgroup.freeze"; else echo THAWED >"$frz_dir/freezer.state"; fi
nothing_left "refused cgroups"

# The device cgroup of the spec applies: deny-all with CAP_MKNOD.
new_bundle "$TEST_TMP/b3" '.linux.cgroupsPath = $p | .process.capabilities.bounding += ["CAP_MKNOD"] |
  .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"] |
  .root.readonly = false |
  .process.args = ["sh", "-c", "mknod /tmp/disk b 7 0 && head -c 1 /tmp/disk >/dev/null; echo status=$?"]' \
  --arg p "$cgbase/c3"
out=$(B run --bundle "$TEST_TMP/b3" c3 2>&1)
echo "$out" | grep -q 'status=1'
ok $? "devices: a block device cannot be opened under the default deny-all rule: $(echo "$out" | tr '\n' ' ')"

# A resource the kernel refuses fails create, leaving no cgroup and no state.
new_bundle "$TEST_TMP/b4" '.linux.cgroupsPath = $p | .linux.resources.cpu = {"quota": 500, "period": 100}' \
  --arg p "$cgbase/c4"
B create --bundle "$TEST_TMP/b4" c4 >/dev/null 2>"$TEST_TMP/c4.err"
[ $? -ne 0 ] && grep -q 'linux.resources.cpu' "$TEST_TMP/c4.err" && [ "$(wc -l <"$TEST_TMP/c4.err")" -eq 1 ]
ok $? "a refused resource is a create error naming the field: $(cat "$TEST_TMP/c4.err")"
[ -z "$(leftover_dirs "$cgbase/c4")" ]
ok $? "the failed create left no cgroup"
nothing_left "failed create"

# --cgroup-manager disabled creates none; the systemd manager is refused.
new_bundle "$TEST_TMP/b5" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "$cgbase/c5"
new_bundle "$TEST_TMP/b5r" '.linux.resources.memory = {"limit": 50000000} | .process.args = ["true"]'
out=$("$BRIG" --root "$ROOT" --cgroup-manager disabled run --bundle "$TEST_TMP/b5r" c5r 2>&1)
[ $? -eq 0 ] && [ "$out" = "brig: warning: --cgroup-manager disabled: linux.resources is not applied" ]
ok $? "--cgroup-manager disabled warns that the resources are not applied ($out)"
"$BRIG" --root "$ROOT" --cgroup-manager disabled run --bundle "$TEST_TMP/b5" c5
ok $? "--cgroup-manager disabled runs"
[ -z "$(leftover_dirs "$cgbase/c5")" ]
ok $? "--cgroup-manager disabled made no cgroup"
if [ ! -d /run/systemd/system ]; then
  expect_error "--systemd-cgroup without systemd" \
    "brig: create: --systemd-cgroup: systemd is not running" \
    "$BRIG" --root "$ROOT" --systemd-cgroup create --bundle "$TEST_TMP/b5" c6
else
  skip "--systemd-cgroup without systemd" "systemd runs here"
fi
# Without a pid namespace the init's children outlive it: kill --all of
# the stopped container still reaches them in its cgroup (containerd's
# shim does that when the init exits, as runc allows).
new_bundle "$TEST_TMP/bo" '.linux.cgroupsPath = $p | .linux.namespaces |= map(select(.type != "pid"))
  | .process.args = ["sh", "-c", "sleep 333 & echo $!"]' --arg p "$cgbase/orphans"
B run -d --bundle "$TEST_TMP/bo" co </dev/null >"$TEST_TMP/orphan" 2>&1
wait_stopped co
orphan=$(cat "$TEST_TMP/orphan")
[ "$(B state co | jq -r .status)" = stopped ] && [ -n "$orphan" ] && kill -0 "$orphan" 2>/dev/null
ok $? "a stopped container without a pid namespace leaves a process in its cgroup"
[ "$(B ps --format json co)" = "[$orphan]" ]
ok $? "ps lists it"
check "kill --all of the stopped container" B kill --all co KILL
wait_until test ! -e "/proc/$orphan"
ok $? "... reaches it"
B delete co
nothing_left "cgroups"

done_testing
