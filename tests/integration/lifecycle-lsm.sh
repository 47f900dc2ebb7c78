#!/bin/bash
# process.apparmorProfile, process.selinuxLabel and linux.mountLabel.
# Where the LSM is not enabled (this development machine) each label is
# ignored with one warning and the container runs, as with runc.  Where
# AppArmor is enabled (the VM lane, Debian's kernel) a profile loaded with
# apparmor_parser confines the process for real: /proc/self/attr/current
# names it and a denied read fails.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "LSM labels"
cd "$TEST_TMP" || exit 1

apparmor_on() {
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] &&
    command -v apparmor_parser >/dev/null
}
selinux_on() {
  [ -e /sys/fs/selinux/enforce ]
}

echo secret >"$BASE_ROOTFS/etc/brig-secret"

new_bundle lbl '.process.args = ["sh", "-c", "cat /etc/brig-secret; cat /proc/self/attr/current 2>/dev/null || echo none"]
  | .process.apparmorProfile = "brig-test-profile"
  | .process.selinuxLabel = "system_u:system_r:container_t:s0"
  | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'

if ! apparmor_on && ! selinux_on; then
  B run --bundle lbl l1 >out 2>err
  ok $? "labels on a host without AppArmor or SELinux: the container runs"
  [ "$(head -n 1 out)" = secret ]
  ok $? "and is not confined ($(tr '\n' ' ' <out))"
  # One warning per missing LSM, naming the first label it ignores.
  [ "$(sort err)" = "$(printf '%s\n' \
    "brig: warning: linux.mountLabel: ignored, SELinux is not enabled on this host" \
    "brig: warning: process.apparmorProfile: ignored, AppArmor is not enabled on this host" | sort)" ]
  ok $? "one warning per missing LSM ($(tr '\n' '|' <err))"
  nothing_left "LSM labels ignored"
  done_testing
  exit 0
fi

if apparmor_on; then
  cat >profile <<'PROFILE'
profile brig-test-profile flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  unix,
  mount,
  umount,
  pivot_root,
  ptrace,
  deny /etc/brig-secret r,
}
PROFILE
  apparmor_parser -r -W profile
  ok $? "apparmor_parser loads the test profile"
  new_bundle aa '.process.args = ["sh", "-c", "cat /proc/self/attr/current; cat /etc/brig-secret || echo denied"]
    | .process.apparmorProfile = "brig-test-profile"'
  out=$(B run --bundle aa a1 2>&1)
  echo "$out" | grep -qx "brig-test-profile (enforce)"
  ok $? "the process runs under the profile ($(echo $out))"
  echo "$out" | grep -q "Permission denied" && echo "$out" | grep -qx denied
  ok $? "the profile denies the read"
  new_bundle aa2 '.process.args = ["sleep", "100"]'
  B run -d --bundle aa2 a2 </dev/null
  out=$(B exec --apparmor brig-test-profile a2 cat /proc/self/attr/current 2>&1)
  [ "$out" = "brig-test-profile (enforce)" ]
  ok $? "exec --apparmor confines the new process ($out)"
  out=$(B exec a2 cat /proc/self/attr/current 2>&1)
  [ "$out" = unconfined ]
  ok $? "without it the container's own profile (none) applies ($out)"
  B delete --force a2
  new_bundle aa3 '.process.apparmorProfile = "brig-no-such-profile"'
  B run --bundle aa3 a3 >err3 2>&1
  [ $? -ne 0 ] && grep -q "brig-no-such-profile" err3 && [ ! -d "$ROOT/a3" ]
  ok $? "an unknown profile is a clear error ($(cat err3))"
  # The profile is written through the container's /proc: one that is not
  # procfs (here no proc mounted, and the image's own self/attr
  # directories) would take the write and leave the process unconfined.
  cp -a "$BASE_ROOTFS" procfake
  mkdir -p procfake/proc/self/attr procfake/proc/thread-self/attr
  new_bundle aa4 '.root.path = $root | .mounts |= map(select(.destination != "/proc"))
    | .process.apparmorProfile = "brig-test-profile"' --arg root "$TEST_TMP/procfake"
  expect_error "a /proc that is not procfs is refused before the profile is written" \
    "brig: run: apparmor: /proc/self/attr is not procfs" B run --bundle aa4 a4
  apparmor_parser -R profile
fi
nothing_left "LSM labels"
done_testing
