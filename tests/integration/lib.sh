# Shared helpers for brig's integration tests (sourced, POSIX sh + bash).
#
# Each test script prints TAP, one line per check, so the automake TAP
# driver counts checks.  $BRIG is the binary under test (set by make check;
# defaults to ./brig).  Scratch files live in a per-script temp dir that is
# removed on exit.

set -u

BRIG=${BRIG:-$(pwd)/brig}
BRIG_TEST_DATA=${BRIG_TEST_DATA:-$(pwd)/tests/data}
TAP_N=0
TAP_FAILED=0
TEST_TMP=$(mktemp -d /tmp/brig-it.XXXXXX)

tap_cleanup() {
  rm -rf "$TEST_TMP"
}
trap tap_cleanup EXIT

ok() { # ok CONDITION_EXIT_STATUS DESCRIPTION
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TAP_N - $2"
  else
    TAP_FAILED=$((TAP_FAILED + 1))
    echo "not ok $TAP_N - $2"
  fi
}

skip() { # skip DESCRIPTION REASON
  TAP_N=$((TAP_N + 1))
  echo "ok $TAP_N - $1 # SKIP $2"
}

diag() {
  printf '# %s\n' "$*"
}

done_testing() {
  echo "1..$TAP_N"
  [ "$TAP_FAILED" -eq 0 ]
}

# check DESCRIPTION COMMAND...: one TAP line for a command's success.
check() {
  desc=$1
  shift
  if "$@" >"$TEST_TMP/check.out" 2>&1; then
    ok 0 "$desc"
  else
    ok 1 "$desc"
    sed 's/^/#   /' "$TEST_TMP/check.out" | head -n 20
  fi
}

# expect_error DESCRIPTION EXPECTED_STDERR_LINE COMMAND...: the command must
# exit non-zero and print exactly that one line on stderr.
expect_error() {
  desc=$1
  expected=$2
  shift 2
  "$@" >"$TEST_TMP/err.out" 2>"$TEST_TMP/err.err"
  status=$?
  got=$(cat "$TEST_TMP/err.err")
  lines=$(wc -l <"$TEST_TMP/err.err")
  if [ "$status" -ne 0 ] && [ "$got" = "$expected" ] && [ "$lines" -eq 1 ]; then
    ok 0 "$desc"
  else
    ok 1 "$desc"
    diag "exit status $status, stderr ($lines lines):"
    sed 's/^/#   /' "$TEST_TMP/err.err" | head -n 10
    diag "expected: $expected"
  fi
}

# wait_until COMMAND...: polls the command until it succeeds (max ~10 s).
# Tests wait for a condition, never for a fixed time: CI machines are
# loaded, and a sleep long enough here is too short there.
wait_until() {
  _w=0
  while [ $_w -lt 200 ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
    _w=$((_w + 1))
  done
  return 1
}

is_root() {
  [ "$(id -u)" -eq 0 ]
}

# make_busybox_rootfs DIR: a minimal rootfs from Debian's busybox-static:
# the binary, one symlink per applet, /etc/passwd and /etc/group.
make_busybox_rootfs() {
  dir=$1
  busybox=$(command -v busybox || echo /bin/busybox)
  [ -x "$busybox" ] || return 1
  mkdir -p "$dir/bin" "$dir/etc" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/root"
  cp "$busybox" "$dir/bin/busybox"
  for applet in $("$dir/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$dir/etc/group"
}
