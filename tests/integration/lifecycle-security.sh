#!/bin/bash
# The CVE classes: symlinks in mount destinations stay inside the rootfs
# (CVE-2021-30465), no fd of brig or the caller leaks into the container and
# the cwd cannot be outside it (CVE-2024-21626), the init's /proc/PID/exe is
# not the brig binary on disk (CVE-2019-5736).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle security"
cd "$TEST_TMP" || exit 1
mounts_before=$(wc -l </proc/self/mountinfo)

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
[ "$(wc -l </proc/self/mountinfo)" = "$mounts_before" ] && ! grep -q host-target /proc/self/mountinfo
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
expect_error "cwd through a leaked fd is refused" \
  "brig: run: cwd /proc/self/fd/7 is outside the container: No such file or directory" \
  B run -b cwdleak f2 7</
nothing_left "fds"

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
