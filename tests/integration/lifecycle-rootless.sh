#!/bin/bash
# Rootless: an unprivileged user (nobody) runs containers with brig, no
# SUID bit and no sudo, from a `brig spec --rootless` bundle; state under
# $XDG_RUNTIME_DIR/brig by default.  And, as root, a user namespace whose
# mappings leave root out (Firejail's noroot): entered by the init once the
# container is set up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle-rootless"
if ! id nobody >/dev/null 2>&1; then
  skip "lifecycle-rootless" "no user nobody"
  done_testing
  exit 0
fi
NU=$(id -u nobody)
NG=$(id -g nobody)

# Everything nobody touches lives in a directory nobody can search: the
# binary, the bundle (its own rootfs copy) and $XDG_RUNTIME_DIR.
RL=$(mktemp -d /tmp/brig-rootless.XXXXXX)
trap 'rm -rf "$RL"; tap_cleanup' EXIT
chmod 755 "$RL"
cp "$BRIG" "$RL/brig"
mkdir -p "$RL/xdg" "$RL/b"
cp -a "$BASE_ROOTFS" "$RL/b/rootfs"
chown -R "$NU:$NG" "$RL/xdg" "$RL/b"
chmod 700 "$RL/xdg"

# U SHELL_WORDS: a command line run as nobody in $RL/b, rootless.
U() {
  su -s /bin/sh nobody -c "cd $RL/b && XDG_RUNTIME_DIR=$RL/xdg $*" </dev/null
}

U "$RL/brig spec --rootless"
ok $? "spec --rootless as nobody"
jq '.process.terminal = false | .process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; hostname"]' \
  "$RL/b/config.json" >"$RL/cfg" && cp "$RL/cfg" "$RL/b/config.json"
out=$(U "$RL/brig run r1" 2>"$RL/err")
st=$?
[ $st -eq 0 ] && [ "$(echo "$out" | tr -s ' \n' ' ')" = "0 0 $NU 1 brig " ]
ok $? "run as nobody: root in a user namespace mapped onto $NU (status $st: $(echo "$out" | tr -s ' \n' ' ') $(head -c 200 "$RL/err"))"

jq '.process.args = ["sleep", "30"]' "$RL/cfg" >"$RL/b/config.json"
U "$RL/brig run -d r2" >/dev/null 2>&1
[ -f "$RL/xdg/brig/r2/state.json" ] && [ "$(U "$RL/brig state r2" | jq -r .status)" = running ]
ok $? "run -d: the state lives in \$XDG_RUNTIME_DIR/brig and says running"
out=$(U "$RL/brig exec r2 id -u" 2>&1)
[ "$out" = 0 ]
ok $? "exec into the rootless container (got: $out)"
pid=$(U "$RL/brig state r2" | jq -r .pid)
grep -q "^Uid:[[:space:]]*$NU" "/proc/$pid/status"
ok $? "the container's init runs as host uid $NU"
U "$RL/brig kill r2 KILL"
for _ in $(seq 50); do
  [ "$(U "$RL/brig state r2" | jq -r .status)" = stopped ] && break
  sleep 0.1
done
U "$RL/brig delete r2"
st=$?
left=$(ls -A "$RL/xdg/brig" 2>/dev/null)
alive=$(awk '$3 != "Z" { print $1 }' "/proc/$pid/stat" 2>/dev/null)
[ $st -eq 0 ] && [ -z "$left" ] && [ -z "$alive" ]
ok $? "kill and delete: nothing left (delete $st, state: ${left:-none}, process: ${alive:-gone})"

jq '.linux.resources = {"memory": {"limit": 67108864}}' "$RL/cfg" >"$RL/b/config.json"
out=$(U "$RL/brig run r3" 2>&1)
st=$?
[ $st -ne 0 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q '^brig: run: cgroup: mkdir .*: Permission denied$' &&
  [ -z "$(ls -A "$RL/xdg/brig" 2>/dev/null)" ]
ok $? "rootless with a memory limit and no delegated cgroup: one error line, nothing left ($out)"

# ---- as root: a user namespace without root ----
new_bundle "$TEST_TMP/late" '.process.args = ["sh", "-c", "id -u; id -g; cat /proc/self/uid_map; grep ^CapEff /proc/self/status"]
  | .process.user = {"uid": 1000, "gid": 1000}
  | .linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 1000, "hostID": 1000, "size": 1}]
  | .linux.gidMappings = [{"containerID": 1000, "hostID": 1000, "size": 1}]'
out=$(B run --bundle "$TEST_TMP/late" late1 2>&1)
st=$?
[ $st -eq 0 ] && [ "$(echo "$out" | tr -s ' \t\n' ' ')" = "1000 1000 1000 1000 1 CapEff: 0000000000000000 " ]
ok $? "a user namespace that maps only 1000: the process runs in it (status $st: $(echo "$out" | tr -s ' \t\n' ' '))"
new_bundle "$TEST_TMP/late2" '.process.args = ["sleep", "30"]
  | .process.user = {"uid": 1000, "gid": 1000}
  | .linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 1000, "hostID": 1000, "size": 1}]
  | .linux.gidMappings = [{"containerID": 1000, "hostID": 1000, "size": 1}]'
B run -d --bundle "$TEST_TMP/late2" late2 >/dev/null 2>&1
pid=$(B state late2 | jq -r .pid)
[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] &&
  [ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
ok $? "the init has a user namespace and a mount namespace of its own"
out=$(B exec late2 sh -c 'id -u; cat /proc/self/uid_map' 2>&1)
[ "$(echo "$out" | tr -s ' \n' ' ')" = "1000 1000 1000 1 " ]
ok $? "exec joins it, the user namespace last (got: $(echo "$out" | tr -s ' \n' ' '))"
B delete --force late2
nothing_left "late user namespace"
done_testing
