#!/bin/bash
# brig features: valid features.json that claims only what is implemented.
. "$(dirname "$0")/lib.sh"

"$BRIG" features >"$TEST_TMP/f.json"
ok $? "features exits 0"
jq -e . "$TEST_TMP/f.json" >/dev/null
ok $? "features prints JSON"
jq -e '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.2.0"' "$TEST_TMP/f.json" >/dev/null
ok $? "ociVersionMin and ociVersionMax"
version=$("$BRIG" --version | head -n 1 | cut -d' ' -f3)
jq -e --arg v "$version" '.annotations["run.brig.version"] == $v' "$TEST_TMP/f.json" >/dev/null
ok $? "run.brig.version annotation matches --version"
if "$BRIG" --version | tail -n 1 | grep -q SECCOMP; then
  jq -e '.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+\\.[0-9]+\\.[0-9]+$")' \
    "$TEST_TMP/f.json" >/dev/null
  ok $? "libseccomp version annotation"
else
  skip "libseccomp version annotation" "built without seccomp"
fi
# Truthful: nothing that the runtime does not do yet is claimed.
jq -e '.linux.cgroup.v1 == true and .linux.cgroup.v2 == true and .linux.cgroup.systemd == false
       and .linux.cgroup.systemdUser == false and .linux.mountExtensions.idmap.enabled == false' \
  "$TEST_TMP/f.json" >/dev/null
ok $? "cgroupfs v1/v2 claimed; no systemd driver or idmap mounts claimed"
if "$BRIG" --version | tail -n 1 | grep -q SECCOMP; then
  jq -e '.linux.seccomp.enabled == true and (.linux.seccomp.actions | length) == 9
         and (.linux.seccomp.operators | length) == 7
         and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64")) != null
         and (.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) == []' \
    "$TEST_TMP/f.json" >/dev/null
  ok $? "seccomp: enabled, 9 actions, 7 operators, archs, flags"
else
  jq -e '.linux.seccomp.enabled == false' "$TEST_TMP/f.json" >/dev/null
  ok $? "seccomp not enabled in a build without it"
fi
jq -e '.hooks == ["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]
       and (.linux.namespaces | sort) == ["cgroup","ipc","mount","network","pid","time","user","uts"]
       and (.linux.capabilities | index("CAP_SYS_ADMIN")) != null
       and (.mountOptions | index("rbind")) != null' "$TEST_TMP/f.json" >/dev/null
ok $? "hooks, namespaces, capabilities and mount options the lifecycle implements"
jq -e '.linux.intelRdt == {"enabled": false} and .linux.netDevices == {"enabled": false}' \
  "$TEST_TMP/f.json" >/dev/null
ok $? "intelRdt and netDevices: said not enabled (create refuses them)"
expect_error "features takes no arguments" "brig: features: unexpected argument 'x'" \
  "$BRIG" features x

done_testing
