#!/bin/bash
# brig sandbox: a host command under a Firejail profile.  Each restriction
# is probed inside the sandbox (small profiles written here, and a few real
# ones from /etc/firejail); where Firejail itself runs, the same probe runs
# under `firejail --profile=...` and must give the same answer.
. "$(dirname "$0")/lib.sh"

if ! is_root; then
  skip "sandbox" "needs root"
  done_testing
  exit 0
fi
if [ ! -f /etc/firejail/default.profile ]; then
  skip "sandbox" "/etc/firejail not present (install firejail)"
  done_testing
  exit 0
fi
HELPERS=$(cd "$(dirname "$0")/helpers" && pwd)
ROOT=$TEST_TMP/root
cd "$TEST_TMP" || exit 1

S() {
  "$BRIG" --root "$ROOT" sandbox "$@"
}

mkdir -p bin profiles
if ! cc -O -o bin/fjprobe "$HELPERS/fjprobe.c" 2>cc.err; then
  skip "sandbox" "cannot build helpers/fjprobe.c: $(head -n 1 cc.err)"
  done_testing
  exit 0
fi
P=$TEST_TMP/bin/fjprobe

# prof NAME LINE...: a profile of its own in profiles/NAME.profile
prof() {
  name=$1
  shift
  printf '%s\n' "$@" >"profiles/$name.profile"
}

FIREJAIL=no
if command -v firejail >/dev/null 2>&1 &&
  timeout 20 firejail --quiet --noprofile /bin/true >/dev/null 2>&1 </dev/null; then
  FIREJAIL=yes
fi

# both DESCRIPTION PROFILE REGEX COMMAND...: the command's output under
# brig sandbox matches ^REGEX$, and under Firejail it is the same.
both() {
  desc=$1
  profile=$2
  want=$3
  shift 3
  got=$(S --profile "$profile" -- "$@" 2>s.err </dev/null)
  [[ $got =~ ^$want$ ]]
  ok $? "$desc (brig sandbox: ${got//$'\n'/ })"
  [[ $got =~ ^$want$ ]] || grep -v ': warning: ' s.err | sed 's/^/#   /' | head -n 5
  if [ "$FIREJAIL" = no ]; then
    skip "$desc: the same under Firejail" "firejail cannot run here"
    return
  fi
  fgot=$(timeout 30 firejail --quiet --profile="$profile" "$@" 2>/dev/null </dev/null)
  [ "$fgot" = "$got" ]
  ok $? "$desc: the same under Firejail (firejail: ${fgot//$'\n'/ })"
}

# ---- filesystem ----

mkdir -p secret wl/keep wl/other ro
echo s >secret/data
echo s >secret-file
prof bl "blacklist $TEST_TMP/secret" "blacklist $TEST_TMP/secret-file"
both "blacklist: a file in a blacklisted directory is unreadable" "$TEST_TMP/profiles/bl.profile" \
  'E[A-Z]+' "$P" read "$TEST_TMP/secret/data"
out=$(S --profile "$TEST_TMP/profiles/bl.profile" -- "$P" read "$TEST_TMP/secret-file" 2>/dev/null)
[ "$out" = EACCES ]
ok $? "blacklist: a blacklisted file cannot be opened (got: $out)"
out=$(S --profile "$TEST_TMP/profiles/bl.profile" -- "$P" read "$TEST_TMP/wl/../secret-file" 2>/dev/null)
[ "$out" = EACCES ]
ok $? "blacklist: not by another path either (got: $out)"

prof wl "whitelist $TEST_TMP/wl/keep"
both "whitelist: the siblings of a whitelisted path are hidden" "$TEST_TMP/profiles/wl.profile" \
  keep ls "$TEST_TMP/wl"

prof ro "read-only $TEST_TMP/ro"
both "read-only: writes are refused" "$TEST_TMP/profiles/ro.profile" EROFS "$P" write "$TEST_TMP/ro/f"
[ ! -e ro/f ]
ok $? "read-only: nothing was written on the host"

marker=/tmp/brig-sbx-$$.marker
echo m >"$marker"
prof pt "private-tmp"
both "private-tmp: the host's /tmp is not visible" "$TEST_TMP/profiles/pt.profile" hidden \
  sh -c "test -e $marker && echo visible || echo hidden"
S --profile "$TEST_TMP/profiles/pt.profile" -- sh -c "echo x >/tmp/brig-sbx-$$.inner" </dev/null 2>/dev/null
[ ! -e "/tmp/brig-sbx-$$.inner" ]
ok $? "private-tmp: a file written to /tmp stays in the sandbox"
rm -f "$marker" "/tmp/brig-sbx-$$.inner"

# ---- network, capabilities, seccomp ----

prof net "net none"
both "net none: only the loopback interface" "$TEST_TMP/profiles/net.profile" lo \
  sh -c "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"

prof caps "caps.drop all"
both "caps.drop all: CapEff is 0" "$TEST_TMP/profiles/caps.profile" 0000000000000000 \
  sh -c "grep CapEff /proc/self/status | cut -f2"

prof empty "# nothing"
both "no seccomp: personality() works" "$TEST_TMP/profiles/empty.profile" ok "$P" personality
prof sc "seccomp"
both "seccomp: a syscall of Firejail's default list fails with EPERM" \
  "$TEST_TMP/profiles/sc.profile" EPERM "$P" personality
prof scdrop "seccomp.drop getpriority"
both "seccomp.drop: a listed syscall fails with EPERM" "$TEST_TMP/profiles/scdrop.profile" EPERM \
  "$P" getpriority

prof proto "protocol unix"
both "protocol unix: AF_INET sockets are refused" "$TEST_TMP/profiles/proto.profile" 'E[A-Z]+' \
  "$P" socket inet
both "protocol unix: AF_UNIX sockets work" "$TEST_TMP/profiles/proto.profile" ok "$P" socket unix

prof mdwe "memory-deny-write-execute"
both "memory-deny-write-execute: a W+X mapping is refused" "$TEST_TMP/profiles/mdwe.profile" EPERM \
  "$P" wx
both "without it, a W+X mapping works" "$TEST_TMP/profiles/empty.profile" ok "$P" wx

prof nnp "nonewprivs"
both "nonewprivs: no_new_privs is set" "$TEST_TMP/profiles/nnp.profile" 1 "$P" nnp
both "without nonewprivs, no_new_privs is not set" "$TEST_TMP/profiles/empty.profile" 0 "$P" nnp

# ---- the process ----

for code in 0 42; do
  S --profile "$TEST_TMP/profiles/empty.profile" -- sh -c "exit $code" </dev/null 2>/dev/null
  st=$?
  [ "$st" -eq "$code" ]
  ok $? "exit status $code is brig's (got $st)"
done
# The command is pid 1 of its pid namespace, which ignores its own
# SIGKILL: the signal comes from outside.
S --profile "$TEST_TMP/profiles/empty.profile" -- sleep 31.25 </dev/null 2>/dev/null &
spid=$!
for _ in $(seq 100); do
  victim=$(pgrep -f '^sleep 31.25$' | head -n 1)
  [ -n "$victim" ] && break
  sleep 0.05
done
[ -n "$victim" ] && kill -9 "$victim"
wait "$spid"
st=$?
[ "$st" -eq 137 ]
ok $? "killed by SIGKILL: 137 (got $st)"

out=$(echo piped | S --profile "$TEST_TMP/profiles/empty.profile" -- cat 2>/dev/null)
[ "$out" = piped ]
ok $? "stdin and stdout are passed through (got: $out)"
out=$(FOO=bar S --profile "$TEST_TMP/profiles/empty.profile" -- sh -c 'echo $FOO; pwd' 2>/dev/null </dev/null | tr '\n' ' ')
[ "$out" = "bar $TEST_TMP " ]
ok $? "the caller's environment and working directory (got: $out)"
out=$(S --profile "$TEST_TMP/profiles/wl.profile" -- pwd 2>/dev/null </dev/null)
[ "$out" = "$HOME" ]
ok $? "a working directory the profile hides becomes the home (got: $out)"
if command -v script >/dev/null 2>&1; then
  out=$(script -qec "$BRIG --root $ROOT sandbox --profile $TEST_TMP/profiles/empty.profile -- sh -c 'test -t 0 && test -t 1 && echo tty'" /dev/null </dev/null 2>/dev/null | tr -d '\r')
  [ "$out" = tty ]
  ok $? "a terminal is passed through (got: $out)"
else
  skip "a terminal is passed through" "no script(1)"
fi
out=$(SUDO_UID=65534 SUDO_GID=65534 S --profile "$TEST_TMP/profiles/empty.profile" -- sh -c 'id -u; id -g; echo $HOME' 2>/dev/null </dev/null | tr '\n' ' ')
[ "$out" = "65534 65534 $(getent passwd 65534 | cut -d: -f6) " ]
ok $? "under sudo, the command runs as the user who ran sudo (got: $out)"

# ---- private-lib ----

# The library names ldd lists for a program (basenames).
needed_libs() {
  ldd "$1" 2>/dev/null | sed -n 's/^[[:space:]]*\([^[:space:]]*\.so[^[:space:]]*\) => .*/\1/p'
}
MA=/usr/lib/x86_64-linux-gnu
if [ -d "$MA" ] && [ "$(uname -m)" = x86_64 ]; then
  prof plib "private-lib"
  prof plibz "private-lib libz.so.*"
  brig_ls=$(S --profile "$TEST_TMP/profiles/plib.profile" -- ls "$MA" 2>s.err </dev/null)
  st=$?
  [ $st -eq 0 ] && echo "$brig_ls" | grep -qx libc.so.6
  ok $? "private-lib: ls runs and sees libc.so.6 ($(echo "$brig_ls" | wc -l) entries in $MA)"
  missing=
  for l in $(needed_libs /bin/ls); do
    echo "$brig_ls" | grep -qx "$l" || missing="$missing $l"
  done
  [ -z "$missing" ]
  ok $? "private-lib: every library ls needs is there (missing:${missing:- none})"
  # a library that neither ls nor the probe needs, and not one of glibc's
  absent=
  for l in libz.so.1 libbz2.so.1.0 liblzma.so.5 libexpat.so.1 libffi.so.8; do
    if [ -e "$MA/$l" ] && ! needed_libs /bin/ls | grep -qx "$l" &&
      ! needed_libs "$P" | grep -qx "$l"; then
      absent=$l
      break
    fi
  done
  if [ -n "$absent" ]; then
    ! echo "$brig_ls" | grep -qx "$absent"
    ok $? "private-lib: $absent (not needed by ls) is not listed"
    out=$(S --profile "$TEST_TMP/profiles/plib.profile" -- "$P" read "$MA/$absent" 2>/dev/null </dev/null)
    [ "$out" = ENOENT ]
    ok $? "private-lib: $absent cannot be opened (got: $out)"
    out=$(S --profile "$TEST_TMP/profiles/plibz.profile" -- ls "$MA" 2>/dev/null </dev/null | grep -c '^libz\.so')
    [ "$out" -ge 1 ]
    ok $? "private-lib libz.so.*: the listed library is there ($out entries)"
  else
    skip "private-lib: an unneeded library is absent" "none of the candidate libraries exists"
  fi
  out=$(S --profile "$TEST_TMP/profiles/plib.profile" -- "$P" write "$MA/brig-new" 2>/dev/null </dev/null)
  [ "$out" = EROFS ]
  ok $? "private-lib: the new library directory is read-only (got: $out)"
  out=$(S --profile "$TEST_TMP/profiles/plib.profile" -- ls /lib64/ld-linux-x86-64.so.2 2>/dev/null </dev/null)
  [ "$out" = /lib64/ld-linux-x86-64.so.2 ]
  ok $? "private-lib: the loader at its PT_INTERP path (got: $out)"
  if command -v curl >/dev/null 2>&1; then
    out=$(S --profile "$TEST_TMP/profiles/plib.profile" -- curl --version 2>/dev/null </dev/null | head -n 1)
    [ "${out#curl }" != "$out" ]
    ok $? "private-lib: curl (libcurl, TLS, ... resolved recursively) runs (got: ${out%% (*})"
  fi
  if command -v patch >/dev/null 2>&1 && [ -f /etc/firejail/patch.profile ]; then
    out=$(S -- patch --version 2>/dev/null </dev/null | head -n 1)
    [ "${out#GNU patch}" != "$out" ]
    ok $? "patch.profile (private-lib libdl.so.*,libfakeroot): patch runs (got: $out)"
  fi
  # Firejail ships with private-lib disabled (firejail.config): run it with
  # a copy of the configuration that enables it, bound in a mount
  # namespace of its own, and compare the directory listing.
  if [ "$FIREJAIL" = yes ] && command -v unshare >/dev/null 2>&1; then
    sed 's/^#* *private-lib .*/private-lib yes/' /etc/firejail/firejail.config >fj.config
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    fj_ls=$(unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" /etc/firejail/firejail.config &&
      exec timeout 60 firejail --quiet --noprofile --private-lib ls "$2"' sh "$TEST_TMP/fj.config" "$MA" \
      2>/dev/null </dev/null)
    if [ -n "$fj_ls" ]; then
      # Firejail also installs its own helpers and libraries (not brig's job)
      own=$( (echo firejail; needed_libs /usr/bin/firejail
        for f in $(ldd /usr/bin/firejail 2>/dev/null | sed -n 's/.* => \(\/[^ ]*\) .*/\1/p'); do
          basename "$(readlink -f "$f")"
        done) | sort -u)
      extra=$(comm -13 <(echo "$brig_ls" | sort) <(echo "$fj_ls" | sort) | comm -23 - <(echo "$own"))
      more=$(comm -23 <(echo "$brig_ls" | sort) <(echo "$fj_ls" | sort) | tr '\n' ' ')
      [ -z "$extra" ] && [ -z "$more" ]
      ok $? "private-lib: the same $MA as Firejail's but its own files (brig: $(echo "$brig_ls" | wc -l) entries, firejail: $(echo "$fj_ls" | wc -l); only in firejail: ${extra//$'\n'/ } only in brig: $more)"
    else
      skip "private-lib: the same as Firejail" "firejail --private-lib did not run"
    fi
  else
    skip "private-lib: the same as Firejail" "firejail cannot run here"
  fi
else
  skip "private-lib" "not an x86_64 multiarch host"
fi

# ---- real profiles, and Firejail's lookup ----

out=$(S -- gzip -c /proc/sys/kernel/hostname 2>/dev/null </dev/null | gunzip)
[ "$out" = archiver ]
ok $? "without --profile, the command's name: gzip.profile (hostname archiver, got: $out)"
out=$(S -- sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | cut -f2' 2>/dev/null </dev/null | tr '\n' ' ')
[ "$out" = "1 2 " ]
ok $? "no profile of that name: default.profile (nonewprivs, seccomp; got: $out)"
both "curl.profile: caps.drop all" curl 0000000000000000 sh -c "grep CapEff /proc/self/status | cut -f2"
both "curl.profile: private-tmp" curl hidden sh -c "test -e $TEST_TMP && echo visible || echo hidden"
# gzip.profile blacklists the shells: cut alone
both "gzip.profile: net none" gzip '.* +lo' cut -d: -f1 /proc/net/dev

# ---- errors and cleanup ----

expect_error "an unknown profile: one line" \
  "brig: sandbox: --profile: profile 'nosuch' not found in $HOME/.config/firejail or /etc/firejail" \
  S --profile nosuch -- true
expect_error "no command: one line" "brig: sandbox: missing COMMAND" S --profile curl
expect_error "a command that does not exist: one line" \
  'brig: sandbox: exec /nonexistent/cmd: No such file or directory' \
  S --profile "$TEST_TMP/profiles/empty.profile" -- /nonexistent/cmd

# ---- a real profile's noroot, and rootless ----

NOBODY_HOME_BEFORE=$(h=$(getent passwd nobody | cut -d: -f6); [ -e "${h:-/nonexistent-home}" ] && echo yes || echo no)
if id nobody >/dev/null 2>&1; then
  NU=$(id -u nobody)
  NG=$(id -g nobody)
  # curl.profile has noroot: a user namespace that maps only the user,
  # entered by the init once the container is set up.
  out=$(SUDO_UID=$NU SUDO_GID=$NG S --profile curl -- sh -c 'id -u; id -g; cat /proc/self/uid_map' \
    2>s.err </dev/null)
  [ "$(echo "$out" | tr -s ' \n' ' ')" = "$NU $NG $NU $NU 1 " ]
  ok $? "the real curl profile (noroot) as root for nobody: a user namespace mapping only $NU ($(echo "$out" | tr -s ' \n' ' '))"

  # Rootless: nobody runs brig sandbox directly, without sudo or SUID.  The
  # binary and the state root must be reachable by nobody.
  RL=$(mktemp -d /tmp/brig-rootless.XXXXXX)
  chmod 755 "$RL"
  cp "$BRIG" "$RL/brig"
  cp "$P" "$RL/fjprobe"
  cp "$TEST_TMP/profiles/empty.profile" "$RL/empty.profile"
  mkdir "$RL/xdg"
  chown "$NU:$NG" "$RL/xdg"
  chmod 700 "$RL/xdg"
  prof rlnet "net none" "caps.drop all" "blacklist /etc/hostname"
  cp "$TEST_TMP/profiles/rlnet.profile" "$RL/rlnet.profile"
  chmod 644 "$RL"/*.profile
  N() { # N ARGS...: brig sandbox as nobody, rootless
    su -s /bin/sh nobody -c "cd / && XDG_RUNTIME_DIR=$RL/xdg $RL/brig sandbox $*" </dev/null
  }
  out=$(N --profile curl -- sh -c "'id -u; grep ^CapEff /proc/self/status; cat /proc/self/uid_map'" 2>rl.err)
  st=$?
  [ $st -eq 0 ] && [ "$(echo "$out" | tr -s ' \t\n' ' ')" = "$NU CapEff: 0000000000000000 $NU $NU 1 " ]
  ok $? "rootless: nobody runs the curl profile without root: uid $NU, no capability (status $st: $(echo "$out" | tr -s ' \t\n' ' '))"
  [ $st -eq 0 ] || grep -v ': warning: ' rl.err | sed 's/^/#   /' | head -n 5
  N --profile "$RL/empty.profile" -- sh -c "'exit 7'" 2>/dev/null
  st=$?
  [ $st -eq 7 ]
  ok $? "rootless: the exit status passes through (7, got $st)"
  printf '#!/bin/sh\ntail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "\n' >"$RL/netdev.sh"
  chmod 755 "$RL/netdev.sh"
  out=$(N --profile "$RL/rlnet.profile" -- "$RL/netdev.sh" 2>/dev/null)
  [ "$out" = lo ]
  ok $? "rootless: net none leaves only lo (got: $out)"
  out=$(N --profile "$RL/rlnet.profile" -- "$RL/fjprobe" read /etc/hostname 2>/dev/null)
  [ "$out" = EACCES ] || [ "$out" = ENOENT ]
  ok $? "rootless: a blacklisted file cannot be read (got: $out)"
  out=$(N --profile "$RL/rlnet.profile" -- grep ^CapBnd /proc/self/status 2>/dev/null)
  [ "$out" = "CapBnd:	0000000000000000" ]
  ok $? "rootless: caps.drop all empties the bounding set (got: $out)"
  left=$(ls -A "$RL/xdg/brig" 2>/dev/null)
  [ -z "$left" ] && ! pgrep -u "$NU" -f "$RL/" >/dev/null
  ok $? "rootless: nothing left in \$XDG_RUNTIME_DIR/brig, no process (${left:-empty})"
  rm -rf "$RL"
else
  for t in "noroot as root" "rootless curl" "rootless exit status" "rootless net none" \
    "rootless blacklist" "rootless caps" "rootless cleanup"; do
    skip "$t" "no user nobody"
  done
fi

left=$(ls -A "$ROOT" 2>/dev/null)
[ -z "$left" ]
ok $? "nothing left in the state root (${left:-empty})"
home=$(getent passwd nobody | cut -d: -f6)
[ "$NOBODY_HOME_BEFORE" = "$([ -e "${home:-/nonexistent-home}" ] && echo yes || echo no)" ]
ok $? "nobody's missing home ($home) was not created on the host"
mnt=$(grep -c 'brig-sandbox\.' /proc/self/mountinfo)
[ "$mnt" -eq 0 ]
ok $? "no mount left behind ($mnt)"
cg=$(find /sys/fs/cgroup -maxdepth 4 -name 'sandbox-*' 2>/dev/null | head -n 3)
[ -z "$cg" ]
ok $? "no cgroup left behind (${cg:-none})"
done_testing
