#!/bin/bash
# Every profile of /etc/firejail is accepted by `brig create`: each one is
# applied at create through the run.brig.firejail.profile annotation onto
# a busybox bundle, the container is created (the init waits for start),
# then deleted.  All must be created; the counts are TAP diagnostics.  The
# profiles run in batches, FJC_JOBS (default 4) at a time: a create mostly
# waits for its init, so more jobs than CPUs pay off.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "firejail-create"
if [ ! -d /etc/firejail ] || ! ls /etc/firejail/*.profile >/dev/null 2>&1; then
  skip "firejail-create" "/etc/firejail not present (install firejail)"
  done_testing
  exit 0
fi
cd "$TEST_TMP" || exit 1

# The program lives outside the directories profiles hide (private-bin
# hides /bin, disable-common.inc blacklists /bin/busybox): a top-level
# directory of its own.
mkdir -p "$BASE_ROOTFS/brig-test"
cp "$BASE_ROOTFS/bin/busybox" "$BASE_ROOTFS/brig-test/busybox"
new_bundle base '.process.args = ["/brig-test/busybox", "true"]'
ok $? "a base bundle"

# ---- the annotation on one bundle ----

new_bundle curl '.process.args = ["/brig-test/busybox", "sh", "-c", $s]
  | .annotations["run.brig.firejail.profile"] = "curl"' \
  --arg s 'B=/brig-test/busybox; $B grep -E "^(CapEff|NoNewPrivs)" /proc/self/status | $B cut -f2 | $B tr "\n" " "'
out=$(B run -b curl fj-curl 2>curl.err </dev/null)
st=$?
[ "$st" -eq 0 ] && [ "$out" = "0000000000000000 1 " ]
ok $? "run with run.brig.firejail.profile=curl: caps dropped, nonewprivs (got: $out, status $st)"
[ "$st" -eq 0 ] || grep -v ': warning: ' curl.err | sed 's/^/#   /'
grep -q '^brig: warning: config.json: annotations: run.brig.firejail.profile: /etc/firejail/curl.profile:[0-9]*: netfilter: ' curl.err
ok $? "unsupported directives are warnings naming file and line"

new_bundle created '.process.args = ["/brig-test/busybox", "true"]
  | .annotations["run.brig.firejail.profile"] = "curl"'
B create -b created fj-created 2>/dev/null </dev/null
ok $? "create with the curl profile"
jq -e '.annotations["run.brig.firejail.converted"] == "/etc/firejail/curl.profile" and
  (.linux.seccomp.syscalls | length > 0) and .process.noNewPrivileges' \
  "$ROOT/fj-created/config.json" >/dev/null
ok $? "the state directory keeps the effective (converted) spec"
B start fj-created && wait_stopped fj-created
ok $? "start: the container runs to its end"
B delete fj-created
ok $? "delete"

new_bundle bad '.annotations["run.brig.firejail.profile"] = "nosuch"'
expect_error "an unknown profile: one line" \
  "brig: create: config.json: annotations: run.brig.firejail.profile: profile 'nosuch' not found in $HOME/.config/firejail or /etc/firejail" \
  B create -b bad fj-bad
new_bundle badhome '.annotations["run.brig.firejail.profile"] = "curl" | .annotations["run.brig.firejail.home"] = "home"'
expect_error "a relative run.brig.firejail.home: one line" \
  "brig: create: config.json: annotations: run.brig.firejail.home: must be an absolute path, got 'home'" \
  B create -b badhome fj-bad
new_bundle badcond '.annotations["run.brig.firejail.profile"] = "curl" | .annotations["run.brig.firejail.condition"] = "HAS_X11,NOPE"'
expect_error "an unknown run.brig.firejail.condition: one line" \
  "brig: create: config.json: annotations: run.brig.firejail.condition: unknown condition 'NOPE'" \
  B create -b badcond fj-bad
new_bundle badval '.annotations["run.brig.firejail.profile"] = "curl" | .annotations["run.brig.firejail.condition"] = "HAS_NET=no HAS_X11=maybe"'
expect_error "a run.brig.firejail.condition value other than yes or no: one line" \
  "brig: create: config.json: annotations: run.brig.firejail.condition: invalid value for condition 'HAS_X11': expected yes or no" \
  B create -b badval fj-bad
mkdir -p profiles
printf 'blacklist /etc\nfrobnicate\n' >profiles/broken.profile
new_bundle broken '.annotations["run.brig.firejail.profile"] = $p' --arg p "$TEST_TMP/profiles/broken.profile"
expect_error "an invalid profile: one line with file and line" \
  "brig: create: config.json: annotations: run.brig.firejail.profile: $TEST_TMP/profiles/broken.profile:2: unknown directive 'frobnicate'" \
  B create -b broken fj-bad
nothing_left "failed creates"

# The profile's paths are the rootfs': a symlink of the image is resolved
# inside it, never on the host.  /root/.mozilla -> /etc names the rootfs'
# /etc, whitelisted: the host's /etc (with debian_version) stays out.
ln -s /etc "$BASE_ROOTFS/root/.mozilla"
printf 'whitelist ${HOME}/.mozilla\ndns 192.0.2.53\nmachine-id\nmkdir ${HOME}/.cache/fjtest\nwhitelist ${HOME}/.cache/fjtest\n' >profiles/paths.profile
new_bundle paths '.process.args = ["/brig-test/busybox", "sh", "-c", $s]
  | .annotations["run.brig.firejail.profile"] = $p' --arg p "$TEST_TMP/profiles/paths.profile" \
  --arg s 'B=/brig-test/busybox; $B ls /root/.mozilla; $B cat /etc/resolv.conf /etc/machine-id; $B ls -d /root/.cache/fjtest'
out=$(B run -b paths fj-paths 2>paths.err </dev/null | tr '\n' ' ')
case "$out" in
*group*passwd*) ! echo "$out" | grep -q debian_version ;;
*) false ;;
esac
ok $? "a whitelisted symlink of the rootfs is resolved inside it (got: $out)"
echo "$out" | grep -q 'nameserver 192.0.2.53'
ok $? "dns: a generated resolv.conf"
echo "$out" | grep -Eq ' [0-9a-f]{32} '
ok $? "machine-id: a random /etc/machine-id"
[ -d "$BASE_ROOTFS/root/.cache/fjtest" ] && echo "$out" | grep -q '/root/.cache/fjtest'
ok $? "mkdir: created in the rootfs and whitelisted"
rm "$BASE_ROOTFS/root/.mozilla"
# Many short addresses: each line grows by "nameserver " (a buffer sized
# from the annotation's length alone overflowed).
new_bundle dns '.process.args = ["/brig-test/busybox", "grep", "-c", "^nameserver 1$", "/etc/resolv.conf"]
  | .annotations["run.brig.firejail.converted"] = "test"
  | .annotations["run.brig.firejail.dns"] = "1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1\n1"'
out=$(B run -b dns fj-dns 2>dns.err </dev/null)
[ "$out" = 12 ]
ok $? "dns: twelve one-character addresses give twelve nameserver lines (got: $out $(head -c 200 dns.err))"
nothing_left "runs with profiles"

# ---- every profile ----

# The bundle of each profile: the base with the annotation (a template,
# so that no jq runs per profile).
jq '.annotations["run.brig.firejail.profile"] = "@PROFILE@" | .linux.cgroupsPath = "@CGROUP@"' \
  base/config.json >template.json

# A worker takes a batch of profiles: for each, create then delete; prints
# "ok NAME" or "fail NAME: the error line".
cat >worker.sh <<'EOF'
#!/bin/bash
for profile in "$@"; do
  name=$(basename "$profile" .profile)
  b="$TEST_TMP/b/$name"
  id="fjc-$name"
  mkdir -p "$b"
  sed -e "s|@PROFILE@|$profile|" -e "s|@CGROUP@|/brig/fjc-$$-$name|" "$TEST_TMP/template.json" >"$b/config.json"
  if "$BRIG" --root "$ROOT" create --bundle "$b" "$id" >"$b/out" 2>&1 </dev/null; then
    if "$BRIG" --root "$ROOT" delete --force "$id" >>"$b/out" 2>&1; then
      echo "ok $name"
    else
      echo "fail $name: delete: $(grep -v ': warning: ' "$b/out" | tail -n 1)"
    fi
  else
    echo "fail $name: $(grep -v ': warning: ' "$b/out" | tail -n 1)"
    "$BRIG" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
  fi
  rm -rf "$b"
done
EOF
chmod +x worker.sh
export BRIG ROOT TEST_TMP

start=$(date +%s%N)
ls /etc/firejail/*.profile | xargs -P"${FJC_JOBS:-4}" -n 20 ./worker.sh >results.txt 2>&1
end=$(date +%s%N)

total=$(ls /etc/firejail/*.profile | wc -l)
created=$(grep -c '^ok ' results.txt)
# A profile that the front-end rejects (a missing include in the shipped
# file) cannot be created; Firejail must reject it too.
rejected=0
firejail_too=0
: >rejected.txt
for name in $(sed -n 's/^fail \([^:]*\):.*/\1/p' results.txt); do
  p=/etc/firejail/$name.profile
  if ! "$BRIG" firejail check "$p" >/dev/null 2>check.err; then
    rejected=$((rejected + 1))
    echo "$name: $(head -n 1 check.err)" >>rejected.txt
    if command -v firejail >/dev/null &&
      ! timeout 20 firejail --quiet --profile="$p" /bin/true >/dev/null 2>&1; then
      firejail_too=$((firejail_too + 1))
    fi
  fi
done
failed=$(($(grep -c '^fail ' results.txt) - rejected))
diag "profiles: $total, created and deleted: $created, rejected by the front-end: $rejected," \
  "failed: $failed, in $(((end - start) / 1000000)) ms"
while read -r line; do diag "rejected: $line"; done <rejected.txt
grep '^fail ' results.txt | head -n 20 | while read -r line; do diag "$line"; done
[ "$((created + rejected))" -eq "$total" ] && [ "$failed" -eq 0 ]
ok $? "every profile the front-end accepts is created ($created of $((total - rejected)))"
if command -v firejail >/dev/null && timeout 20 firejail --quiet --noprofile /bin/true >/dev/null 2>&1; then
  [ "$firejail_too" -eq "$rejected" ]
  ok $? "the profiles brig rejects, Firejail rejects too ($firejail_too of $rejected)"
else
  skip "the profiles brig rejects, Firejail rejects too" "firejail cannot run here"
fi

nothing_left "create/delete of every profile"
done_testing
