#!/bin/bash
# What config.json asks for, checked from inside the container: hostname,
# namespaces, mounts, /dev, masked and read-only paths, sysctl, user,
# capabilities, rlimits, env, cwd, umask, noNewPrivileges.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle config"
cd "$TEST_TMP" || exit 1

# run_in NAME JQ_FILTER SCRIPT: runs sh -c SCRIPT in a container, output in
# $TEST_TMP/NAME.out.
run_in() {
  name=$1
  new_bundle "$name" "$2 | .process.args = [\"sh\", \"-c\", \$script]" --arg script "$3" "${@:4}"
  B run --bundle "$name" "$name" </dev/null >"$TEST_TMP/$name.out" 2>&1
  status=$?
  [ $status -eq 0 ] || { diag "run $name: exit $status"; sed 's/^/#   /' "$TEST_TMP/$name.out"; }
}
out() { cat "$TEST_TMP/$1.out"; }

run_in host '.hostname = "brig-test" | .domainname = "brig.example"' 'hostname; cat /proc/sys/kernel/domainname'
[ "$(out host)" = "$(printf 'brig-test\nbrig.example')" ]
ok $? "hostname and domainname"
new_bundle nouts '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "x"'
expect_error "a hostname without a uts namespace" \
  "brig: create: config.json: hostname: needs a uts namespace" B create -b nouts nouts
new_bundle nouts2 '.linux.namespaces |= map(select(.type != "uts")) | del(.hostname) | .domainname = "d"'
expect_error "a domainname without a uts namespace" \
  "brig: create: config.json: domainname: needs a uts namespace" B create -b nouts2 nouts
run_in emptyname '.linux.namespaces |= map(select(.type != "uts")) | .hostname = "" | .domainname = ""' \
  'hostname'
[ "$(out emptyname)" = "$(hostname)" ]
ok $? "an empty hostname is no hostname (no uts namespace needed)"

run_in ns '.linux.namespaces += [{"type":"time"}]' \
  'for n in pid net mnt ipc uts cgroup time; do echo "$n $(readlink /proc/self/ns/$n)"; done; echo "pid $$"'
for n in pid net mnt ipc uts cgroup time; do
  inside=$(grep "^$n " "$TEST_TMP/ns.out" | cut -d' ' -f2)
  [ -n "$inside" ] && [ "$inside" != "$(readlink /proc/self/ns/$n)" ]
  ok $? "new $n namespace"
done
grep -qx 'pid 1' "$TEST_TMP/ns.out"
ok $? "the process is pid 1 of its pid namespace"

unshare --net sleep 100 &
netns_pid=$!
wait_until ns_differs "$netns_pid" net
run_in join ".linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/$netns_pid/ns/net\" else . end)" \
  'readlink /proc/self/ns/net'
[ "$(out join)" = "$(readlink /proc/$netns_pid/ns/net)" ] && [ "$(out join)" != "$(readlink /proc/self/ns/net)" ]
ok $? "network namespace joined by path"
kill $netns_pid
wait $netns_pid 2>/dev/null
# The cgroup namespace too: brig makes a new one late (in the container's
# cgroup), but one given by path is joined, not replaced.
unshare --cgroup sleep 100 &
cgns_pid=$!
wait_until ns_differs "$cgns_pid" cgroup
run_in joincg ".linux.namespaces |= map(if .type == \"cgroup\" then .path = \"/proc/$cgns_pid/ns/cgroup\" else . end)" \
  'readlink /proc/self/ns/cgroup'
[ "$(out joincg)" = "$(readlink /proc/$cgns_pid/ns/cgroup)" ]
ok $? "cgroup namespace joined by path ($(out joincg))"
kill $cgns_pid
wait $cgns_pid 2>/dev/null

# the userns root (host uid 100000) must be able to reach the rootfs
chmod 755 "$TEST_TMP"
run_in userns '.linux.namespaces += [{"type":"user"}]
  | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .mounts |= map(select(.type != "sysfs" and .type != "cgroup"))
  | .mounts += [{"destination":"/sys","type":"bind","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]}]
  | del(.linux.resources)' \
  'cat /proc/self/uid_map /proc/self/gid_map; id -u; ls -l /dev/null'
grep -q '^ *0 *100000 *65536$' "$TEST_TMP/userns.out" && [ "$(sed -n 3p "$TEST_TMP/userns.out")" = 0 ]
ok $? "user namespace with uid/gid maps written by brig"
grep -q '^crw' "$TEST_TMP/userns.out"
ok $? "user namespace: /dev/null is a device (bound from the host)"

run_in mounts '.mounts += [{"destination":"/data","type":"tmpfs","source":"tmpfs","options":["size=1m","mode=750","nosuid","nodev"]},
                            {"destination":"/hostetc","type":"bind","source":"/etc","options":["rbind","ro","nosuid"]},
                            {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["ro"]}]' \
  'cat /proc/self/mountinfo; stat -c "%a" /data; (touch /hostetc/x) 2>/dev/null && echo hostetc-writable; true'
mi=$TEST_TMP/mounts.out
grep -q ' / .* ro[, ].*' "$mi"
ok $? "readonly root (root.readonly)"
grep -q ' /proc .* - proc ' "$mi"
ok $? "proc on /proc"
grep -q ' /dev rw,nosuid.* - tmpfs .*mode=755' "$mi"
ok $? "tmpfs on /dev with mode=755"
grep -q ' /dev/pts .* - devpts .*ptmxmode=666' "$mi"
ok $? "devpts newinstance with ptmxmode"
grep -q ' /dev/shm .* - tmpfs .*size=65536k' "$mi"
ok $? "tmpfs /dev/shm with size"
grep -q ' /dev/mqueue .* - mqueue ' "$mi"
ok $? "mqueue"
grep -q ' /sys ro,.* - sysfs ' "$mi"
ok $? "sysfs read-only"
grep -q ' /data rw,nosuid,nodev.* - tmpfs .*size=1024k,mode=750' "$mi" && grep -qx 750 "$mi"
ok $? "tmpfs with size, mode, nosuid, nodev"
grep -q ' /hostetc ro,nosuid' "$mi" && ! grep -q hostetc-writable "$mi"
ok $? "read-only bind mount"
grep -q ' /sys/fs/cgroup/memory ro,.* - cgroup ' "$mi"
ok $? "cgroup mount: the host's v1 hierarchies, read-only"
grep -q ' /proc/sys ro,' "$mi"
ok $? "readonlyPaths: /proc/sys read-only"
! grep -q ' /data ' /proc/self/mountinfo
ok $? "no container mount visible on the host"

run_in masked '.' 'wc -c </proc/timer_list; ls /sys/firmware | wc -l; (echo x >/proc/sys/kernel/domainname) 2>/dev/null && echo sys-writable; echo done'
[ "$(out masked)" = "$(printf '0\n0\ndone')" ]
ok $? "maskedPaths: /proc/timer_list empty, /sys/firmware empty; /proc/sys not writable"

run_in devices '.linux.devices = [{"path":"/dev/brig-null","type":"c","major":1,"minor":3,"fileMode":438,"uid":0,"gid":0}]' \
  'for d in null zero full random urandom tty brig-null; do [ -c /dev/$d ] && echo -n "$d "; done; echo;
   readlink /dev/ptmx; readlink /dev/fd; readlink /dev/stdin; [ -d /dev/shm ] && echo shm; echo x >/dev/brig-null && echo writes'
[ "$(out devices)" = "$(printf 'null zero full random urandom tty brig-null \npts/ptmx\n/proc/self/fd\n/proc/self/fd/0\nshm\nwrites')" ]
ok $? "default devices, symlinks, /dev/shm and linux.devices"

# containerd's --privileged lists the host's /dev/ptmx (c 5:2): the
# container keeps its own pts/ptmx link (runc does the same).
run_in ptmx '.linux.devices = [{"path":"/dev/ptmx","type":"c","major":5,"minor":2,"fileMode":8630}]' \
  'readlink /dev/ptmx'
[ "$(out ptmx)" = pts/ptmx ]
ok $? "linux.devices /dev/ptmx (c 5:2) leaves the pts/ptmx link ($(out ptmx))"

# A node the image ships (no /dev tmpfs) gets the mode and owner asked for;
# a readonlyPaths symlink makes its target (in the container) read-only.
cp -a "$BASE_ROOTFS" "$TEST_TMP/devroot"
mknod -m 600 "$TEST_TMP/devroot/dev/zero" c 1 5 && chown 7:7 "$TEST_TMP/devroot/dev/zero"
mkdir -p "$TEST_TMP/devroot/srv/rodir" && ln -s /srv/rodir "$TEST_TMP/devroot/srv/rolink"
run_in devexist '.root.path = $r | .root.readonly = false
  | .mounts |= map(select(.destination | startswith("/dev") | not))
  | .linux.devices = [{"path":"/dev/zero","type":"c","major":1,"minor":5,"fileMode":438,"uid":0,"gid":0}]
  | .linux.readonlyPaths = ["/srv/rolink"]' \
  'stat -c "%a %u %g" /dev/zero; touch /srv/rolink/x 2>/dev/null && echo writable || echo read-only' \
  --arg r "$TEST_TMP/devroot"
[ "$(out devexist)" = "$(printf '666 0 0\nread-only')" ]
ok $? "an existing node gets fileMode/uid/gid; a symlinked readonlyPath's target is read-only ($(out devexist | tr '\n' ' '))"
# tmpcopyup: the tmpfs starts with what the directory held (links kept as
# links, modes and owners kept); the image is not touched.
mkdir -p "$TEST_TMP/devroot/opt/app/sub" && echo data >"$TEST_TMP/devroot/opt/app/sub/file" &&
  chmod 604 "$TEST_TMP/devroot/opt/app/sub/file" && chown 5:6 "$TEST_TMP/devroot/opt/app/sub/file" &&
  ln -s sub/file "$TEST_TMP/devroot/opt/app/link"
run_in copyup '.root.path = $r | .mounts += [{"destination":"/opt/app","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]}]' \
  'cat /opt/app/link; stat -c "%a %u %g" /opt/app/sub/file; readlink /opt/app/link; echo new >/opt/app/new;
   grep -c " /opt/app tmpfs\| /opt/app .* - tmpfs " /proc/self/mountinfo' --arg r "$TEST_TMP/devroot"
[ "$(out copyup)" = "$(printf 'data\n604 5 6\nsub/file\n1')" ] && [ ! -e "$TEST_TMP/devroot/opt/app/new" ]
ok $? "tmpcopyup copies the directory into the tmpfs ($(out copyup | tr '\n' ' '))"
# /dev bound from elsewhere: brig makes no nodes there, but the default
# devices must be present (an error names the first missing one) and the
# fd/stdio links are made.
mkdir -p devdir
new_bundle devbind '.mounts |= map(select(.destination | startswith("/dev") | not))
  | .mounts += [{"destination":"/dev","type":"bind","source":$d,"options":["rbind"]}]' --arg d "$TEST_TMP/devdir"
expect_error "a bound /dev without the default devices" \
  "brig: run: /dev is a bind mount without the device /dev/null" B run --bundle devbind db1
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name ma mi <<<"$n"; mknod -m 666 "devdir/$name" c "$ma" "$mi"
done
run_in devbind2 '.mounts |= map(select(.destination | startswith("/dev") | not))
  | .mounts += [{"destination":"/dev","type":"bind","source":$d,"options":["rbind"]}]' \
  'for l in fd stdin stdout stderr; do echo -n "$(readlink /dev/$l) "; done' --arg d "$TEST_TMP/devdir"
[ "$(out devbind2)" = "/proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 " ]
ok $? "a bound /dev with the default devices gets the fd and stdio links ($(out devbind2))"
new_bundle nomajor '.linux.devices = [{"path":"/dev/nomajor","type":"c"}]'
expect_error "a char device without major/minor" \
  "brig: run: config.json: linux.devices: /dev/nomajor: major and minor are required" B run --bundle nomajor nm

# rootfsPropagation: the root mount's propagation as mountinfo shows it
# ("shared:N", "master:N", "unbindable" or nothing for private).  The
# rootfs sits on a shared mount of its own, so that "slave" has a master to
# follow (this machine's / is private).
mkdir -p "$TEST_TMP/shared-root"
mount --bind "$BASE_ROOTFS" "$TEST_TMP/shared-root" && mount --make-shared "$TEST_TMP/shared-root"
prop_of_root='awk "\$5 == \"/\" { f = \"\"; for (i = 7; \$i != \"-\"; i++) f = f \$i \" \"; print f }" /proc/self/mountinfo'
for p in shared slave private unbindable; do
  run_in "prop-$p" ".root.path = \"$TEST_TMP/shared-root\" | .linux.rootfsPropagation = \"$p\"" "$prop_of_root"
  case $p:$(out "prop-$p") in
    shared:shared:*|slave:master:*|private:|unbindable:unbindable*) r=0 ;;
    *) r=1 ;;
  esac
  ok $r "rootfsPropagation $p: the root mount is $p ($(out "prop-$p"))"
done
umount "$TEST_TMP/shared-root"

run_in sysctl '.linux.sysctl = {"net.ipv4.ip_forward":"1"}' 'cat /proc/sys/net/ipv4/ip_forward'
[ "$(out sysctl)" = 1 ]
ok $? "sysctl in the container's network namespace"
[ "$(cat /proc/sys/net/ipv4/ip_forward)" != 1 ] || [ "$(readlink /proc/1/ns/net)" = x ]
ok $? "sysctl did not change the host"

run_in user '.process.user = {"uid":1000,"gid":1000,"additionalGids":[5,100],"umask":63} | .process.cwd = "/tmp/work"
             | .process.env += ["BRIG_TEST=42"]' \
  'id -u; id -g; id -G; umask; pwd; echo $BRIG_TEST'
[ "$(out user)" = "$(printf '1000\n1000\n1000 5 100\n0077\n/tmp/work\n42')" ]
ok $? "uid, gid, additionalGids, umask, cwd (created), env"

# Without process.user, none of the caller's supplementary groups follows
# the container or an exec'd process in.
new_bundle nouser 'del(.process.user) | .process.args = ["sh", "-c", "grep ^Groups: /proc/self/status; sleep 100"]'
setpriv --groups 4,24,27 "$BRIG" --root "$ROOT" run -d --bundle nouser nouser </dev/null >nouser.out 2>&1
wait_until grep -q Groups: nouser.out
out=$(setpriv --groups 4,24,27 "$BRIG" --root "$ROOT" exec nouser grep ^Groups: /proc/self/status)
[ "$(tr -d ' \t' <nouser.out)" = "Groups:" ] && [ "$(echo "$out" | tr -d ' \t')" = "Groups:" ]
ok $? "no process.user: no supplementary groups from the caller ($(cat nouser.out | tr '\t' ' '), exec: $out)"
B delete --force nouser

run_in caps '.process.capabilities = {"bounding":["CAP_KILL","CAP_CHOWN","CAP_NET_RAW"],"effective":["CAP_KILL","CAP_CHOWN"],
             "permitted":["CAP_KILL","CAP_CHOWN"],"inheritable":["CAP_CHOWN"],"ambient":["CAP_CHOWN"]}
             | .process.user = {"uid":1000,"gid":1000}' \
  'grep ^Cap /proc/self/status; grep NoNewPrivs /proc/self/status'
# CAP_CHOWN=0 CAP_KILL=5 CAP_NET_RAW=13; as uid 1000 after exec the effective
# and permitted sets are the ambient set.
[ "$(out caps)" = "$(printf 'CapInh:\t0000000000000001\nCapPrm:\t0000000000000001\nCapEff:\t0000000000000001\nCapBnd:\t0000000000002021\nCapAmb:\t0000000000000001\nNoNewPrivs:\t1')" ]
ok $? "capabilities: all five sets, noNewPrivileges"
run_in rootcaps '.' 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'
[ "$(out rootcaps)" = "$(printf 'CapEff:\t0000000020000420\nCapBnd:\t0000000020000420')" ]
ok $? "capabilities of the default spec (root)"

run_in rlimits '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":512,"hard":1024},{"type":"RLIMIT_CORE","soft":0,"hard":0}]' \
  'ulimit -Sn; ulimit -Hn; ulimit -c'
[ "$(out rlimits)" = "$(printf '512\n1024\n0')" ]
ok $? "rlimits"

new_bundle nopivot2 '.process.args = ["sh", "-c", "ls / | wc -l"]'
B run --no-pivot --bundle nopivot2 np </dev/null >"$TEST_TMP/np.out" 2>&1
[ $? -eq 0 ] && [ "$(cat "$TEST_TMP/np.out")" = "$(ls "$BASE_ROOTFS" | wc -l)" ]
ok $? "--no-pivot (MS_MOVE + chroot)"

exec 3<"$BASE_ROOTFS/etc/passwd"
new_bundle fds '.process.args = ["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \"; echo; readlink /proc/self/fd/3; head -c 5 <&3"]'
B run --preserve-fds 1 --bundle fds pf </dev/null >"$TEST_TMP/pf.out" 2>&1
exec 3<&-
[ "$(cat "$TEST_TMP/pf.out")" = "$(printf '0 1 2 3 4 \n%s\nroot:' "$BASE_ROOTFS/etc/passwd")" ]
ok $? "--preserve-fds 1: fd 3 passed"
nothing_left "end"
done_testing
