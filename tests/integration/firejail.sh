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
expect_error "firejail convert is not there yet" "brig: firejail convert: not implemented yet" \
  "$BRIG" firejail convert curl
expect_error "firejail without a command" "brig: firejail: missing command (check or convert)" \
  "$BRIG" firejail
expect_error "firejail with an unknown command" \
  "brig: firejail: unknown command 'frob' (check or convert)" "$BRIG" firejail frob

done_testing
