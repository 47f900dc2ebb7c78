#!/bin/bash
# brig firejail: the profile front-end through the brig binary.
. "$(dirname "$0")/lib.sh"

if [ ! -d /etc/firejail ]; then
  skip "firejail check" "Debian's firejail package (profiles in /etc/firejail) not installed"
  done_testing
  exit
fi

"$BRIG" firejail check curl >"$TEST_TMP/curl.out"
ok $? "firejail check curl exits 0"
head -n 1 "$TEST_TMP/curl.out" | grep -Eq '^/etc/firejail/curl\.profile:[0-9]+: '
ok $? "directives are printed as FILE:LINE: directive"
grep -q '^/etc/firejail/disable-common.inc:[0-9]*: blacklist ' "$TEST_TMP/curl.out"
ok $? "includes are followed (disable-common.inc)"
"$BRIG" firejail check --home /home/alice --user nobody curl | grep -q ' /home/alice/'
ok $? "--home expands \${HOME} for the target user"
printf 'include %s/missing.inc\n' "$TEST_TMP" >"$TEST_TMP/bad.profile"
expect_error "a missing include names the file and the line" \
  "brig: firejail check: $TEST_TMP/bad.profile:1: cannot find include '$TEST_TMP/missing.inc'" \
  "$BRIG" firejail check "$TEST_TMP/bad.profile"
printf 'blacklst /x\n' >"$TEST_TMP/typo.profile"
expect_error "an unknown directive names the file and the line" \
  "brig: firejail check: $TEST_TMP/typo.profile:1: unknown directive 'blacklst'" \
  "$BRIG" firejail check "$TEST_TMP/typo.profile"
"$BRIG" firejail convert --user nobody --home /home/alice curl >"$TEST_TMP/curl.json" \
  2>"$TEST_TMP/curl.err"
ok $? "firejail convert curl exits 0"
jq -e . "$TEST_TMP/curl.json" >/dev/null
ok $? "the output is JSON"
grep -q '"run.brig.firejail.converted": "/etc/firejail/curl.profile"' "$TEST_TMP/curl.json"
ok $? "the profile is recorded in run.brig.firejail.converted"
grep -q '"SCMP_ACT_ERRNO"' "$TEST_TMP/curl.json" && grep -q '"noNewPrivileges": true' "$TEST_TMP/curl.json"
ok $? "seccomp and nonewprivs are mapped"
grep -q '^brig: firejail convert: warning: /etc/firejail/curl.profile:[0-9]*: netfilter: ' \
  "$TEST_TMP/curl.err"
ok $? "unsupported directives are warned about with file and line"
grep -q 'run.brig.firejail.unsupported' "$TEST_TMP/curl.json"
ok $? "and listed in run.brig.firejail.unsupported"
printf '{"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "process": {"cwd": "/", "args": ["sh"]}}\n' \
  >"$TEST_TMP/base.json"
"$BRIG" firejail convert --base "$TEST_TMP/base.json" --home /home/alice curl 2>/dev/null |
  grep -q '"path": "rootfs"'
ok $? "--base is the spec that gets tightened"
printf 'blacklist /x\nrlimit-nofile lots\n' >"$TEST_TMP/rl.profile"
expect_error "a bad value names the file and the line" \
  "brig: firejail convert: $TEST_TMP/rl.profile:2: rlimit-nofile: invalid value 'lots'" \
  "$BRIG" firejail convert --home /home/alice "$TEST_TMP/rl.profile"
expect_error "a missing include fails like check" \
  "brig: firejail convert: $TEST_TMP/bad.profile:1: cannot find include '$TEST_TMP/missing.inc'" \
  "$BRIG" firejail convert --home /home/alice "$TEST_TMP/bad.profile"
expect_error "convert without a profile" "brig: firejail convert: missing PROFILE" \
  "$BRIG" firejail convert
expect_error "convert with an unknown option" "brig: firejail convert: unknown option '--frob'" \
  "$BRIG" firejail convert --frob curl
expect_error "firejail without a command" "brig: firejail: missing command (check or convert)" \
  "$BRIG" firejail
expect_error "firejail with an unknown command" \
  "brig: firejail: unknown command 'frob' (check or convert)" "$BRIG" firejail frob

done_testing
