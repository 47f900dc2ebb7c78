#!/bin/bash
# brig spec: the default and rootless config.json, checked field by field
# against runc's defaults, and run by runc itself on a busybox rootfs to
# prove it is a valid spec.
. "$(dirname "$0")/lib.sh"

cd "$TEST_TMP" || exit 1
mkdir default rootless
(cd default && "$BRIG" spec)
ok $? "spec writes config.json in the current directory"
cfg=default/config.json

jq -e '.ociVersion == "1.2.0"' $cfg >/dev/null
ok $? "ociVersion is 1.2.0"
jq -e '[.linux.namespaces[].type] | sort == ["cgroup","ipc","mount","network","pid","uts"]' \
  $cfg >/dev/null
ok $? "namespaces: pid network ipc uts mount cgroup"
jq -e '[.mounts[].destination] == ["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]' \
  $cfg >/dev/null
ok $? "mounts as runc's"
jq -e '.process.capabilities.bounding == ["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]
       and .process.capabilities.effective == .process.capabilities.bounding
       and .process.capabilities.permitted == .process.capabilities.bounding
       and .process.noNewPrivileges == true' $cfg >/dev/null
ok $? "capabilities and noNewPrivileges as runc's"
jq -e '(.linux.maskedPaths | index("/proc/kcore")) != null
       and (.linux.readonlyPaths | index("/proc/sys")) != null
       and .root == {"path":"rootfs","readonly":true}' $cfg >/dev/null
ok $? "masked and read-only paths, read-only root"
if command -v runc >/dev/null; then
  runc spec --bundle "$TEST_TMP" >/dev/null 2>&1 && mv "$TEST_TMP/config.json" runc.json
  jq -e --slurpfile r runc.json '
      ([.linux.maskedPaths[]] | contains($r[0].linux.maskedPaths))
      and ([.linux.readonlyPaths[]] | contains($r[0].linux.readonlyPaths))
      and .process.rlimits == $r[0].process.rlimits
      and .mounts == $r[0].mounts' $cfg >/dev/null
  ok $? "covers runc spec's masked/read-only paths, rlimits and mounts"
else
  skip "compare with runc spec" "runc not installed"
fi

before=$(md5sum $cfg)
expect_error "an existing config.json is not overwritten" \
  "brig: spec: ./config.json exists: remove it first" sh -c "cd default && '$BRIG' spec"
[ "$(md5sum $cfg)" = "$before" ]
ok $? "existing config.json unchanged"
expect_error "missing bundle directory" \
  "brig: spec: bundle /nonexistent/b: No such file or directory" "$BRIG" spec --bundle /nonexistent/b
expect_error "extra argument" "brig: spec: unexpected argument 'x'" "$BRIG" spec x

"$BRIG" spec --rootless -b rootless
ok $? "spec --rootless -b DIR"
rcfg=rootless/config.json
jq -e '([.linux.namespaces[].type] | index("user")) != null
       and ([.linux.namespaces[].type] | index("network")) == null' $rcfg >/dev/null
ok $? "rootless: user namespace, no network namespace"
jq -e --argjson u "$(id -u)" --argjson g "$(id -g)" \
  '.linux.uidMappings == [{"containerID":0,"hostID":$u,"size":1}]
   and .linux.gidMappings == [{"containerID":0,"hostID":$g,"size":1}]' $rcfg >/dev/null
ok $? "rootless: caller mapped to root"
jq -e '(.mounts[] | select(.destination == "/sys")) ==
         {"destination":"/sys","source":"/sys","type":"none","options":["rbind","nosuid","noexec","nodev","ro"]}
       and ((.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5")) == null)
       and .linux.resources == null' $rcfg >/dev/null
ok $? "rootless: /sys bound, devpts without gid=5, no device cgroup"

# runc runs what brig spec writes.
if ! is_root || ! command -v runc >/dev/null; then
  skip "runc runs the default spec" "needs root and runc"
  skip "runc runs the rootless spec" "needs root and runc"
else
  for kind in default rootless; do
    make_busybox_rootfs "$kind/rootfs" || { ok 1 "busybox rootfs for $kind"; continue; }
    jq '.process.terminal = false | .process.args = ["sh", "-c", "echo brig-spec-ok; hostname"]' \
      $kind/config.json >$kind/c.json && mv $kind/c.json $kind/config.json
    out=$(timeout 60 runc --root "$TEST_TMP/runc-root" run --bundle "$kind" "brig-spec-$kind-$$" 2>&1)
    status=$?
    [ $status -eq 0 ] && [ "$out" = "$(printf 'brig-spec-ok\nbrig')" ]
    ok $? "runc runs the $kind spec (exit $status)"
    [ $status -eq 0 ] || diag "$out"
    runc --root "$TEST_TMP/runc-root" delete --force "brig-spec-$kind-$$" >/dev/null 2>&1
  done
fi

done_testing
