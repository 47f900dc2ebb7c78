#!/bin/bash
# Namespaces given by path (runtime-spec config-linux.md): the init is born
# in them, so a pid namespace is really entered and a user namespace owns
# the namespaces created for the container; relative paths and duplicate
# types are errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle joinns"
cd "$TEST_TMP" || exit 1

# wait_child_of PID: the pid of PID's first child (unshare --fork).
wait_child_of() {
  for _ in $(seq 100); do
    c=$(cat "/proc/$1/task/$1/children" 2>/dev/null | cut -d' ' -f1)
    [ -n "$c" ] && echo "$c" && return 0
    sleep 0.05
  done
  return 1
}

unshare --pid --fork --mount-proc sleep 100 &
holder=$!
target=$(wait_child_of $holder)
new_bundle pidjoin '.linux.namespaces |= map(if .type == "pid" then .path = $ns else . end)
  | .process.args = ["sh", "-c", "readlink /proc/self/ns/pid; echo $$; ps -o comm | grep -c sleep"]' \
  --arg ns "/proc/$target/ns/pid"
B run -b pidjoin p1 </dev/null >p1.out 2>&1
ok $? "run in a pid namespace given by path"
[ "$(sed -n 1p p1.out)" = "$(readlink /proc/$target/ns/pid)" ] && [ "$(sed -n 1p p1.out)" != "$(readlink /proc/self/ns/pid)" ]
ok $? "the container's process is in that pid namespace (not the host's)"
[ "$(sed -n 2p p1.out)" != 1 ] && [ "$(sed -n 3p p1.out)" = 1 ]
ok $? "it is not pid 1 there and sees the namespace's other process"

# create (not run) too: the init is still the caller's child
B create -b pidjoin p2 </dev/null >/dev/null 2>&1
pid=$(B state p2 | jq -r .pid)
[ "$(awk '{print $4}' /proc/$pid/stat)" = $$ ] && [ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$target/ns/pid)" ]
ok $? "create: the init is in the pid namespace and the caller's child"
B delete --force p2
kill $holder
wait $holder 2>/dev/null
nothing_left "pid namespace by path"

# A user namespace given by path, with new mount, pid, ... namespaces in it.
chmod 755 "$TEST_TMP"
unshare --user sleep 100 &
uholder=$!
for _ in $(seq 100); do
  [ "$(readlink /proc/$uholder/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
  sleep 0.05
done
echo '0 200000 65536' >/proc/$uholder/uid_map && echo '0 200000 65536' >/proc/$uholder/gid_map
new_bundle userjoin '.linux.namespaces += [{"type":"user","path":$ns}]
  | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))
  | .mounts += [{"destination":"/sys","type":"bind","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]}]
  | del(.linux.resources)
  | .process.args = ["sh", "-c", "readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u; echo $$; ls /proc/1/ns >/dev/null && echo proc"]' \
  --arg ns "/proc/$uholder/ns/user"
B run -b userjoin u1 </dev/null >u1.out 2>&1
ok $? "run in a user namespace given by path with new namespaces"
[ "$(sed -n 1p u1.out)" = "$(readlink /proc/$uholder/ns/user)" ] && sed -n 2p u1.out | grep -q '^ *0 *200000 *65536$'
ok $? "the container is in that user namespace"
[ "$(sed -n 3p u1.out)" = 0 ] && [ "$(sed -n 4p u1.out)" = 1 ] && [ "$(sed -n 5p u1.out)" = proc ]
ok $? "root there, pid 1 of a new pid namespace, /proc mounted"
# Mappings with a user namespace given by path must be that namespace's.
new_bundle usermaps '.linux.namespaces += [{"type":"user","path":$ns}]
  | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))
  | del(.linux.resources) | .process.args = ["cat", "/proc/self/uid_map"]
  | .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}]
  | .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]' \
  --arg ns "/proc/$uholder/ns/user"
B run -b usermaps u2 </dev/null >u2.out 2>&1
ok $? "the namespace's own mappings with its path are accepted ($(cat u2.out))"
jq '.linux.uidMappings[0].hostID = 100000' usermaps/config.json >usermaps/c && mv usermaps/c usermaps/config.json
expect_error "other mappings than the joined namespace's" \
  "brig: run: config.json: linux.uidMappings: differ from the uid_map of the user namespace given by path" \
  B run -b usermaps u3
kill $uholder
wait $uholder 2>/dev/null
nothing_left "user namespace by path"

# A network namespace given by path with a new user namespace (runc takes
# it): the init joins the netns first, then clone3 makes the user namespace.
unshare --net sleep 100 &
nholder=$!
wait_until ns_differs "$nholder" net
new_bundle netuser '.linux.namespaces |= map(if .type == "network" then .path = $ns else . end)
  | .linux.namespaces += [{"type":"user"}]
  | .linux.uidMappings = [{"containerID":0,"hostID":300000,"size":65536}]
  | .linux.gidMappings = [{"containerID":0,"hostID":300000,"size":65536}]
  | .process.args = ["sleep", "100"]' --arg ns "/proc/$nholder/ns/net"
B run -d -b netuser nu1 </dev/null >nu1.out 2>&1
ok $? "run with a network namespace by path and a new user namespace ($(cat nu1.out))"
out=$(B exec nu1 sh -c 'readlink /proc/self/ns/net; head -c 32 /proc/self/uid_map | tr -s " "')
[ "$(echo "$out" | sed -n 1p)" = "$(readlink /proc/$nholder/ns/net)" ] && echo "$out" | sed -n 2p | grep -q "^ 0 300000 65536"
ok $? "its processes are in that netns and in the new user namespace ($(echo $out))"
B delete --force nu1
kill $nholder
wait $nholder 2>/dev/null
nothing_left "network namespace by path with a new user namespace"

new_bundle relpath '.linux.namespaces |= map(if .type == "network" then .path = "proc/1/ns/net" else . end)'
expect_error "a relative namespace path" \
  "brig: create: config.json: linux.namespaces: proc/1/ns/net: path must be absolute" B create -b relpath r1
new_bundle dupns '.linux.namespaces += [{"type":"uts"}]'
expect_error "a namespace type twice" \
  "brig: create: config.json: linux.namespaces: uts given twice" B create -b dupns r2
nothing_left "namespace errors"
done_testing
