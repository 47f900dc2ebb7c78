#!/bin/bash
# The CVE classes: symlinks in mount destinations stay inside the rootfs
# (CVE-2021-30465), no fd of brig or the caller leaks into the container and
# the cwd cannot be outside it (CVE-2024-21626), the init's /proc/PID/exe is
# not the brig binary on disk (CVE-2019-5736).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle security"
HELPERS=$(cd "$(dirname "$0")/helpers" && pwd)
cd "$TEST_TMP" || exit 1

# A private rootfs whose mount destinations are symlinks pointing out.
cp -a "$BASE_ROOTFS" evil
mkdir -p "$TEST_TMP/host-target" "$TEST_TMP/host-target2"
ln -s "$TEST_TMP/host-target" evil/abs
ln -s "../../../../../../../../$TEST_TMP/host-target2" evil/rel
mkdir -p evil/dir
ln -s /etc evil/dir/etc-link
new_bundle sym '.root.path = ($rootfs | sub("rootfs$"; "evil")) | .root.readonly = false
  | .mounts += [{"destination":"/abs","type":"tmpfs","source":"tmpfs"},
                {"destination":"/rel/sub","type":"tmpfs","source":"tmpfs"},
                {"destination":"/dir/etc-link/x","type":"tmpfs","source":"tmpfs"}]
  | .process.args = ["sh", "-c", "grep -c tmpfs /proc/self/mountinfo >/dev/null; cut -d\" \" -f5 /proc/self/mountinfo | grep -E \"host-target|/etc/x\""]'
B run -b sym s1 </dev/null >sym.out 2>&1
ok $? "symlinked mount destinations: run succeeds"
# (By mount point, not by counting: tests running alongside mount too.)
! awk '{ print $5 }' /proc/self/mountinfo | grep -qE "host-target|^/etc/x$"
ok $? "no mount landed on the host through the symlinks"
[ -z "$(ls -A host-target)" ] && [ -z "$(ls -A host-target2)" ] && [ -d evil/etc/x ] && [ ! -e /etc/x ]
ok $? "destinations were created inside the rootfs, not on the host"
[ "$(cat sym.out)" = "$(printf '%s/host-target\n%s/host-target2/sub\n/etc/x' "$TEST_TMP" "$TEST_TMP")" ]
ok $? "inside the container the mounts are at the in-root targets of the symlinks"

# Leaked fds: the caller's extra fds (here fd 7 on the host's /, fd 8 on
# /sys/fs/cgroup) must not reach the container.
new_bundle fds '.process.args = ["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \"; echo; pwd"]'
B run -b fds f1 </dev/null >fds.out 2>&1 7</ 8</sys/fs/cgroup
[ "$(cat fds.out)" = "$(printf '0 1 2 3 \n/')" ]
ok $? "only 0, 1, 2 (and ls's own 3) are open in the container; cwd is /"
new_bundle cwdleak '.process.cwd = "/proc/self/fd/7"'
expect_error "cwd through a leaked fd is refused (no magic link is followed)" \
  "brig: run: chdir to cwd /proc/self/fd/7: Too many levels of symbolic links" \
  B run -b cwdleak f2 7</

# Gaps in the preserved range (fd 3 open, fd 4 closed by the caller) are
# /dev/null: brig's own fds (state root, container dir, cgroup, log) must
# not take those numbers and be handed to the container.
fd_probe='readlink /proc/self/fd/4; [ -d /proc/self/fd/4/ ] && echo DIR
  echo x >/proc/self/fd/4/../ESCAPED 2>/dev/null; for f in /proc/self/fd/*; do readlink $f; done
  echo "LISTEN_FDS=${LISTEN_FDS-}"'
gap_ok() { # gap_ok OUTFILE: fd 4 is /dev/null and no fd leads into brig's state
  [ "$(head -n 1 "$1")" = /dev/null ] && ! grep -q -e DIR -e "$ROOT" -e "$TEST_TMP/run.log" "$1" &&
    [ -z "$(find "$TEST_TMP" -name ESCAPED)" ]
}
new_bundle gap '.process.args = ["sh", "-c", $probe]' --arg probe "$fd_probe"
exec 3</dev/null
B --log "$TEST_TMP/run.log" run --preserve-fds=2 -b gap g1 </dev/null >gap.out 2>&1 4>&-
ok $? "run --preserve-fds=2 with fd 4 closed succeeds"
gap_ok gap.out
ok $? "run: fd 4 is /dev/null, nothing of brig's reachable through it"
# LISTEN_FDS counts as preserved fds too (socket activation, LISTEN_PID
# is brig's own pid after the exec).
sh -c 'LISTEN_FDS=2 LISTEN_PID=$$ exec "$@"' sh "$BRIG" --root "$ROOT" run -b gap g2 \
  </dev/null >listen.out 2>&1 4>&-
gap_ok listen.out && grep -qx LISTEN_FDS=2 listen.out
ok $? "LISTEN_FDS=2 with fd 4 closed: fd 4 is /dev/null, LISTEN_FDS passed on"
# LISTEN_FDS meant for another process (LISTEN_PID is not brig's) is not
# brig's to hand on: neither the variable nor fd 3 reach the container.
LISTEN_FDS=1 LISTEN_PID=1 B run -b fds g3 </dev/null >listen2.out 2>&1
[ "$(cat listen2.out)" = "$(printf '0 1 2 3 \n/')" ]
ok $? "LISTEN_FDS for another pid is ignored"
LISTEN_FDS=1 LISTEN_PID=1 B run -b gap g4 </dev/null >listen3.out 2>&1
grep -qx LISTEN_FDS= listen3.out
ok $? "... and not set in the container"
exec 3<&-
nothing_left "fds"

# The fds brig's init and exec hold while they look up paths of the
# container (a cgroup directory, the host's /proc, ...) must not be usable
# through an image symlink via /proc/self/fd/N (CVE-2024-21626 class; a
# review found the init exec'ing a host binary that way).  An image whose
# PATH has /pN/sh -> /proc/self/fd/N/../../.. -> a copy of busybox on the
# host, for every N a brig fd could have: the container must still run its
# own /bin/sh.
make_busybox_rootfs evil-fds
cp "$(command -v busybox)" host-bb
path=
for n in $(seq 3 40); do
  mkdir -p "evil-fds/p$n"
  ln -s "/proc/self/fd/$n/../../../../../../../../../..$TEST_TMP/host-bb" "evil-fds/p$n/sh"
  path="$path/p$n:"
done
path="PATH=${path}/bin"
new_bundle magic '.root.path = $r | .process.env = [$p] | .process.args = ["sh", "-c", "sleep 100"]' \
  --arg r "$TEST_TMP/evil-fds" --arg p "$path"
B run -d -b magic m1 </dev/null >/dev/null 2>&1
pid=$(B state m1 | jq -r .pid)
[ "$(readlink /proc/$pid/exe)" = /bin/busybox ]
ok $? "init: an image symlink through /proc/self/fd/N does not reach a host binary ($(readlink /proc/$pid/exe))"
out=$(B exec --env "$path" m1 sh -c 'readlink /proc/$$/exe')
[ "$out" = /bin/busybox ]
ok $? "exec: nor for an exec'd process ($out)"
B delete --force m1
# The same for a cwd: a missing one is created, never on the host.
mkdir cwd-host
for n in $(seq 3 30); do
  ln -s "/proc/self/fd/$n/../../../../../../../../../..$TEST_TMP/cwd-host" "evil-fds/w$n"
done
for n in $(seq 3 30); do
  new_bundle "cwd$n" '.root.path = $r | .process.cwd = $c | .process.args = ["true"]' \
    --arg r "$TEST_TMP/evil-fds" --arg c "/w$n/made-$n"
  B run -b "cwd$n" "cw$n" </dev/null >/dev/null 2>&1
done
[ -z "$(ls -A cwd-host)" ]
ok $? "init: a cwd through /proc/self/fd/N is never made on the host ($(ls cwd-host | tr '\n' ' '))"
# The cwd is entered as the mounts leave it: under a read-only path it is
# read-only, under a masked directory it is empty (an fd taken before the
# masks would keep the process beneath them).
new_bundle cwdro '.process.cwd = "/proc/sys/kernel" | .process.args = ["sh", "-c", "echo x >./domainname && echo written"]'
out=$(B run -b cwdro cr1 </dev/null 2>&1)
echo "$out" | grep -q "Read-only file system" && ! echo "$out" | grep -q written
ok $? "a cwd under a readonlyPath is read-only (./domainname: $out)"
new_bundle cwdmask '.process.cwd = "/sys/firmware" | .process.args = ["sh", "-c", "ls -A . | wc -l"]'
out=$(B run -b cwdmask cr2 </dev/null 2>&1)
[ "$out" = 0 ]
ok $? "a cwd under a masked directory sees it empty ($out entries)"
nothing_left "magic links"

# A bind mount's source is resolved once (open_tree, then fstat of the
# clone): a source that is now a directory and now a file (two names
# swapped atomically, as fast as possible) always gets a destination of
# the type of what is mounted.  A stat() by path and a second lookup by
# open_tree saw a directory and then a file, and the mount failed.
if cc -o swap-links "$HELPERS/swap-links.c" 2>cc.err; then
  cp -a "$BASE_ROOTFS" swroot
  mkdir -p sw/dir
  echo file >sw/file
  ln -s dir sw/src
  ln -s file sw/other
  new_bundle swap '.root.path = $root | .root.readonly = false | .process.args = ["true"]
    | .mounts += [range(40) | {"destination": "/sw/\(.)", "type": "bind", "source": $src,
                               "options": ["bind"]}]' \
    --arg root "$TEST_TMP/swroot" --arg src "$TEST_TMP/sw/src"
  ./swap-links sw/src sw/other 60 &
  swapper=$!
  fails=0
  for i in 1 2 3; do
    B run -b swap sw$i </dev/null >swap.out 2>&1 || { fails=$((fails + 1)); cat swap.out; }
    rm -rf swroot/sw
  done
  kill "$swapper"
  wait "$swapper" 2>/dev/null
  [ "$fails" -eq 0 ]
  ok $? "a bind source swapped between a directory and a file: 40 mounts, 3 runs, none fails"

  # An image's device node gets linux.devices' fileMode on the node brig
  # checked, never through a name looked up again: with the node swapped
  # for a symlink to a host file right after the check, a chmod by name
  # followed the link and made the host file 0666.  Runs may fail (the
  # symlink is seen and refused); the host file must keep its mode.  The
  # rootfs is on a tmpfs if there is one: a rename there takes a few
  # microseconds (a hundred on ext4), and the window is about one.
  shm=$(mktemp -d /dev/shm/brig-it.XXXXXX 2>/dev/null) || shm=$TEST_TMP
  trap 'tap_cleanup; rm -rf "$shm"' EXIT
  cp -a "$BASE_ROOTFS" "$shm/devroot"
  mknod "$shm/devroot/dev/x" c 1 3
  chmod 0600 "$shm/devroot/dev/x"
  echo secret >hostfile
  chmod 0600 hostfile
  ln -s "$TEST_TMP/hostfile" "$shm/devroot/dev/y"
  new_bundle devswap '.root.path = $root | .root.readonly = false | .process.args = ["true"]
    | .mounts |= map(select(.destination != "/dev"))
    | .linux.devices = [range(40) | {"path": "/dev/x", "type": "c", "major": 1, "minor": 3,
                                      "fileMode": 438}]' --arg root "$shm/devroot"
  ./swap-links "$shm/devroot/dev/x" "$shm/devroot/dev/y" 60 &
  swapper=$!
  for i in $(seq 100); do
    B run -b devswap dv$i </dev/null >/dev/null 2>&1
    [ "$(stat -c %a hostfile)" = 600 ] || break
  done
  kill "$swapper"
  wait "$swapper" 2>/dev/null
  [ "$(stat -c %a hostfile)" = 600 ]
  ok $? "a device node swapped for a symlink to a host file: the host file keeps its mode ($(stat -c %a hostfile), $i runs)"
  B delete --force dv$i >/dev/null 2>&1
  [ "$shm" = "$TEST_TMP" ] || rm -rf "$shm"
else
  skip "a bind source swapped between a directory and a file" "cannot build helpers/swap-links.c"
  skip "a device node swapped for a symlink" "cannot build helpers/swap-links.c"
fi

# Mounts into the container's procfs (CVE-2019-16884, CVE-2023-28642
# class): an image symlink leads a volume onto /proc/self/attr, where the
# LSM label would be written into the volume, or onto /proc/sys.  Refused
# as runc does; the files lxcfs binds over /proc, and proc on /proc again,
# still work.
cp -a "$BASE_ROOTFS" procroot
ln -s /proc/self/attr procroot/vol
ln -s /proc/sys procroot/sysvol
mkdir -p volsrc
new_bundle procvol '.root.path = $root
  | .mounts += [{"destination": "/vol", "type": "bind", "source": $src, "options": ["bind"]}]' \
  --arg root "$TEST_TMP/procroot" --arg src "$TEST_TMP/volsrc"
expect_error "a volume through a symlink onto /proc/self/attr is refused" \
  "brig: run: mount /vol: the destination is inside /proc (/proc/1/attr)" B run -b procvol pv1
new_bundle sysvol '.root.path = $root
  | .mounts += [{"destination": "/sysvol", "type": "tmpfs", "source": "tmpfs"}]' \
  --arg root "$TEST_TMP/procroot"
expect_error "a tmpfs through a symlink onto /proc/sys is refused" \
  "brig: run: mount /sysvol: the destination is inside /proc (/proc/sys)" B run -b sysvol pv2
! grep -qF "$TEST_TMP/" /proc/self/mountinfo && [ -z "$(ls -A volsrc)" ]
ok $? "nothing was mounted on the host, nothing written to the volume"
printf '12345.67 890.12\n' >uptime
new_bundle lxcfs '.process.args = ["sh", "-c", "cat /proc/uptime; test -r /proc/self/status && echo ok"]
  | .mounts += [{"destination": "/proc", "type": "proc", "source": "proc"},
                {"destination": "/proc/uptime", "type": "bind", "source": $src,
                 "options": ["bind", "ro"]}]' \
  --arg src "$TEST_TMP/uptime"
B run -b lxcfs pv3 </dev/null >lxcfs.out 2>&1
[ "$(cat lxcfs.out)" = "$(printf '12345.67 890.12\nok')" ]
ok $? "an lxcfs-style bind onto /proc/uptime, and proc on /proc twice, work"
[ "$(cat lxcfs.out)" = "$(printf '12345.67 890.12\nok')" ] || sed 's/^/#   /' lxcfs.out
# A destination the spec names under /proc itself is the spec's choice
# (Firejail's blacklists mask /proc entries so): taken.
new_bundle procmask '.process.args = ["sh", "-c", "wc -c </proc/version"]
  | .mounts += [{"destination": "/proc/version", "type": "bind", "source": "/dev/null",
                 "options": ["bind", "ro"]}]'
out=$(B run -b procmask pv4 </dev/null 2>&1)
[ "$out" = 0 ]
ok $? "a mount the spec names under /proc (/dev/null over /proc/version) is made ($out)"
nothing_left "mounts into /proc"

# The init's exe is a sealed memfd, not the brig binary.
new_bundle sleep '.process.args = ["sleep", "100"]'
B create -b sleep x1 </dev/null >/dev/null 2>&1
pid=$(B state x1 | jq -r .pid)
readlink "/proc/$pid/exe" | grep -q '^/memfd:brig'
ok $? "the waiting init runs brig from a memfd"
! sh -c "echo x >>/proc/$pid/exe" 2>/dev/null
ok $? "the init's exe cannot be written, even by root (sealed)"
B delete --force x1
nothing_left "end"
done_testing
