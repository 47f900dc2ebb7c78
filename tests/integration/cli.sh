#!/bin/bash
# The command frame: --version, --help, global options, dispatch, errors
# and the JSON log that podman and containerd read.
. "$(dirname "$0")/lib.sh"

out=$("$BRIG" --version)
ok $? "--version exits 0"
first=$(echo "$out" | head -n 1)
echo "$first" | grep -Eq '^brig version [0-9]+\.[0-9]+\.[0-9]+$'
ok $? "--version first line: $first"
echo "$out" | grep -Eq '^commit: [0-9a-f]{7,}(-dirty)?$|^commit: unknown$'
ok $? "--version names the commit"
echo "$out" | grep -qx 'spec: 1.2.0'
ok $? "--version names the OCI spec version"
echo "$out" | tail -n 1 | grep -Eq '^(\+[A-Z0-9]+ ?)+$'
ok $? "--version ends with the +FEATURE tags: $(echo "$out" | tail -n 1)"
[ "$("$BRIG" -v)" = "$out" ]
ok $? "-v is --version"

help=$("$BRIG" --help)
ok $? "--help exits 0"
missing=
for c in checkpoint create delete events exec features kill list pause ps restore resume run spec \
         start state update; do
  echo "$help" | grep -Eq "^  $c " || missing="$missing $c"
done
[ -z "$missing" ]
ok $? "--help lists every runc command${missing:+ (missing:$missing)}"
"$BRIG" help spec | grep -q -- '--rootless'
ok $? "help COMMAND shows the command's options"
"$BRIG" spec --help | grep -q '^Usage: brig spec'
ok $? "spec --help"
"$BRIG" features -h | grep -q '^Usage: brig features'
ok $? "features -h"

# Commands of later milestones must say so, and must not pretend (podman
# probes `checkpoint --help` and may only see success if it works).
for c in checkpoint restore; do
  expect_error "$c is reported as not implemented" "brig: $c: not implemented yet" "$BRIG" "$c" x
done
expect_error "checkpoint --help fails while checkpoint is not implemented" \
  "brig: checkpoint: not implemented yet" "$BRIG" checkpoint --help
"$BRIG" checkpoint --help 2>/dev/null | grep -q '^Usage: brig checkpoint'
ok $? "--help of a command not implemented yet still shows its usage"

expect_error "unknown command" "brig: unknown command 'frobnicate' (see 'brig --help')" \
  "$BRIG" frobnicate
expect_error "unknown global option" "brig: unknown option --bogus" "$BRIG" --bogus spec
expect_error "global option without its value" "brig: option --root requires a value" "$BRIG" --root
expect_error "unknown command option" "brig: spec: unknown option --frob" "$BRIG" spec --frob
expect_error "command option without its value" "brig: spec: option --bundle requires a value" \
  "$BRIG" spec --bundle
expect_error "bad --log-format" "brig: --log-format: expected text or json, got 'xml'" \
  "$BRIG" --log-format xml features
expect_error "bad --log-level" \
  "brig: --log-level: expected error, warning, info or debug, got 'loud'" \
  "$BRIG" --log-level loud features
expect_error "bad --cgroup-manager" \
  "brig: --cgroup-manager: expected cgroupfs, systemd or disabled, got 'x'" \
  "$BRIG" --cgroup-manager x features
expect_error "bad --rootless" "brig: --rootless: expected true, false or auto, got 'maybe'" \
  "$BRIG" --rootless=maybe features
expect_error "no command" "brig: no command given" "$BRIG" --root /tmp
expect_error "unwritable --log" \
  "brig: open log file /nonexistent/x.log: No such file or directory" \
  "$BRIG" --log /nonexistent/x.log features

# Every global option, in both spellings, before a working command.
check "global options with separate values" \
  "$BRIG" --root "$TEST_TMP/root" --log "$TEST_TMP/a.log" --log-format text --log-level info \
  --systemd-cgroup --cgroup-manager disabled --rootless false features
check "global options with = values" \
  "$BRIG" --root="$TEST_TMP/root" --log="$TEST_TMP/b.log" --log-format=json --log-level=error \
  --cgroup-manager=cgroupfs --rootless=auto --debug features
check "bare --rootless before the command" "$BRIG" --rootless features
check "runc's --criu is accepted" "$BRIG" --criu /usr/sbin/criu features

# The JSON log: podman calls `--log-format=json --log FILE create ...` and
# containerd `--log FILE --log-format json create ...`; both read "msg".
for spelling in eq sep; do
  log="$TEST_TMP/$spelling.json"
  if [ $spelling = eq ]; then
    "$BRIG" --root "$TEST_TMP/root" --log-format=json --log="$log" create --bundle /nonexistent c1 \
      2>"$TEST_TMP/stderr"
  else
    "$BRIG" --root "$TEST_TMP/root" --log "$log" --log-format json create --bundle /nonexistent c1 \
      2>"$TEST_TMP/stderr"
  fi
  status=$?
  [ $status -ne 0 ] &&
    [ "$(cat "$TEST_TMP/stderr")" = "brig: create: bundle /nonexistent: No such file or directory" ]
  ok $? "json log ($spelling): error on stderr, exit $status"
  jq -e 'select(.level == "error") | .msg == "create: bundle /nonexistent: No such file or directory" and
         (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z$"))' "$log" >/dev/null
  ok $? "json log ($spelling): {level, msg, time RFC 3339} line"
done
"$BRIG" --log "$TEST_TMP/text.log" checkpoint x 2>/dev/null
grep -Eq '^time="[^"]+" level=error msg="checkpoint: not implemented yet"$' "$TEST_TMP/text.log"
ok $? "text log: logfmt line"
"$BRIG" --debug features 2>&1 >/dev/null | grep -q '^brig: debug: command features'
ok $? "--debug without --log writes debug lines to stderr"

done_testing
