#!/bin/bash
# /dev/null and device nodes the container controls (CVE-2025-31133 class):
# maskedPaths are covered with a /dev/null brig checked before pivot_root,
# never with whatever the container's /dev/null is; a file at a device's
# path that is not that device is an error (runtime-spec config-linux.md).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle devnull"
cd "$TEST_TMP" || exit 1
pattern_before=$(cat /proc/sys/kernel/core_pattern)

# /dev is a bind of a directory whose "null" is a symlink to core_pattern.
mkdir fakedev
ln -s /proc/sys/kernel/core_pattern fakedev/null
new_bundle devbind '.mounts |= map(select(.destination != "/dev"))
  | .mounts = [{"destination":"/dev","type":"bind","source":$fakedev,"options":["rbind"]}] + .mounts
  | .process.args = ["sh", "-c", "stat -c \"%t:%T %F\" /proc/timer_list"]' --arg fakedev "$TEST_TMP/fakedev"
# A bound /dev must hold the real default devices: refused before any
# mask is made.
expect_error "a bound /dev whose null is a symlink to core_pattern" \
  "brig: run: /dev is a bind mount without the device /dev/null" B run -b devbind d1
[ "$(cat /proc/sys/kernel/core_pattern)" = "$pattern_before" ]
ok $? "the host's core_pattern is unchanged"
nothing_left "bound /dev"

# No /dev mount: the rootfs's own dev/null is a symlink.
cp -a "$BASE_ROOTFS" evil
ln -s /proc/sys/kernel/core_pattern evil/dev/null
new_bundle nodev '.root.path = $evil | .mounts |= map(select(.destination | startswith("/dev") | not))' \
  --arg evil "$TEST_TMP/evil"
expect_error "a symlink where /dev/null goes is an error" \
  "brig: create: device /dev/null: a different file already exists there" B create -b nodev d2
[ -L evil/dev/null ]
ok $? "the symlink was left alone"
nothing_left "symlinked /dev/null"

rm evil/dev/null
mknod evil/dev/null c 1 3
new_bundle devok '.root.path = $evil | .mounts |= map(select(.destination | startswith("/dev") | not))
  | .process.args = ["sh", "-c", "echo x >/dev/null && echo ok"]' --arg evil "$TEST_TMP/evil"
B run -b devok d3 </dev/null >d3.out 2>&1 && [ "$(cat d3.out)" = ok ]
ok $? "an existing node that is the requested device is used"
nothing_left "existing device node"

new_bundle devclash '.linux.devices = [{"path":"/etc/passwd","type":"c","major":1,"minor":3}]'
expect_error "linux.devices on a file that is not the device" \
  "brig: create: device /etc/passwd: a different file already exists there" B create -b devclash d4
nothing_left "device path taken"
done_testing
