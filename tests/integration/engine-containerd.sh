#!/bin/bash
# containerd 1.6 (shim v2, containerd-shim-runc-v2) driving the runtime
# under test through ctr: run/exec with and without a terminal, exit codes,
# ps, pause/resume, kill, delete, metrics and the spec options ctr offers.
#
# containerd is private to this script: its config, root, state, sockets,
# the runtime's state root (--runc-root) and the IO fifos all live under
# $ENGINE_DIR, and the containerd namespace (brigtest-PID) is unique per
# run, so the cgroups it creates (/<namespace>/<id>) never collide with a
# concurrent run.  ENGINE_RUNTIME=/usr/sbin/runc runs the same checks
# against runc.
#
# The container-side scripts are single-quoted on purpose (they expand
# inside the container): SC2016 does not apply.
# shellcheck source-path=SCRIPTDIR disable=SC2016
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"
engine_setup "containerd engine" containerd ctr containerd-shim-runc-v2 podman jq timeout
if ! command -v script >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1; then
  skip "containerd engine" "needs script or python3 for a terminal"
  done_testing
  exit 0
fi

NS=brigtest-$$
RR=$ENGINE_DIR/runc-root
FIFO=$ENGINE_DIR/fifo
# The shim passes --root <runc-root>/<namespace> to the runtime.
RSTATE=$RR/$NS
# ctr mounts the rootfs in $TMPDIR to look users up: keep that here too.
mkdir -p "$RR" "$FIFO" "$ENGINE_DIR/tmp"

# ---- helpers ----

# C ARGS...: ctr against the private containerd, in our namespace, bounded
# in time so that a hang fails a check instead of blocking CI.
C() {
  TMPDIR=$ENGINE_DIR/tmp timeout 30 ctr -a "$SOCK" -n "$NS" "$@" </dev/null
}

# RUN [FLAGS] IMAGE ID [CMD...]: `ctr run` with the runtime under test (ctr
# takes its flags before the image reference).
RUN() {
  C run --runc-binary "$ENGINE_RUNTIME" --runc-root "$RR" --fifo-dir "$FIFO" "$@"
}

# EXEC ARGS...: `ctr task exec`, its fifos in the test dir too (ctr's
# default is /run/containerd/fifo).
EXEC() {
  C task exec --fifo-dir "$FIFO" "$@"
}

# RT ARGS...: the runtime itself on the state root the shim uses.
RT() {
  "$ENGINE_RUNTIME" --root "$RSTATE" "$@"
}

# TTY CMD...: runs CMD with a pty as its controlling terminal (the test
# itself has none; util-linux's script makes one, python3's pty module if
# script is missing), sized 30x100 so that ctr has a size to pass on.
# Prints CMD's output without the pty's CRs; the exit status is CMD's.
TTY() {
  set -- sh -c 'stty rows 30 cols 100 && exec "$@"' sh "$@"
  if command -v script >/dev/null 2>&1; then
    # %q quotes for bash (a newline becomes $'\n'), and script(1) runs the
    # command with $SHELL, which CI may leave unset or set to dash.
    cmd=$(printf '%q ' "$@")
    SHELL=/bin/bash timeout 30 script -qec "$cmd" /dev/null </dev/null >"$TEST_TMP/tty.raw" 2>&1
  else
    timeout 30 python3 -c 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))' \
      "$@" </dev/null >"$TEST_TMP/tty.raw" 2>&1
  fi
  st=$?
  # `ctr run -t` output starts with an echoed NUL ("^@") with runc as
  # with brig (terminal echo, not the container's output): drop it with
  # the CRs.
  tr -d '\r\000' <"$TEST_TMP/tty.raw" | sed 's/\^@//g'
  return $st
}

task_field() { # task_field ID COLUMN: PID (2) or STATUS (3) from `ctr task ls`
  C task ls 2>/dev/null | awk -v id="$1" -v c="$2" '$1 == id { print $c }'
}

wait_status() { # wait_status ID STATUS: polls `ctr task ls` for up to 10 s
  for _ in $(seq 100); do
    [ "$(task_field "$1" 3)" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

wait_gone() { # wait_gone PID...: every pid has disappeared within 5 s
  for _ in $(seq 50); do
    alive=0
    for p in "$@"; do [ -e "/proc/$p" ] && alive=1; done
    [ "$alive" -eq 0 ] && return 0
    sleep 0.1
  done
  return 1
}

# WAIT_SIZE: container-side shell that prints the terminal size once ctr
# has set it (ctr resizes the pty right after the process starts; until
# then busybox's `stty size` prints nothing on the 0x0 size).
WAIT_SIZE='i=0; until s=$(stty size 2>/dev/null); [ -n "$s" ] && [ "$s" != "0 0" ] || [ $i -ge 50 ]; do
  sleep 0.1; i=$((i+1)); done; echo "$s"'

# cg_file PID CONTROLLER FILE: the path of FILE in PID's cgroup of that v1
# hierarchy, found through /proc/PID/cgroup (not assumed from the id).
cg_file() {
  rel=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
    "/proc/$1/cgroup" 2>/dev/null)
  [ -n "$rel" ] || return 1
  for h in /sys/fs/cgroup/*; do
    case ",$(basename "$h")," in
      *",$2,"*) [ -e "$h$rel/$3" ] && { echo "$h$rel/$3"; return 0; } ;;
    esac
  done
  return 1
}

# has_cap HEXMASK BIT: the capability bit is set in a /proc status mask.
has_cap() {
  [ $(((16#$1 >> $2) & 1)) -eq 1 ]
}

# exit_code_of_delete ID: `ctr task delete` reports a non-zero exit status
# as a warning on stderr ("... exit with non-zero exit code N"); prints N
# (0 when there is no warning) and fails if the delete fails.
exit_code_of_delete() {
  out=$(C task delete "$1" 2>&1) || { printf '# %s\n' "$out" >&2; return 1; }
  n=$(echo "$out" | sed -n 's/.*non-zero exit code \([0-9]*\).*/\1/p')
  echo "${n:-0}"
}

# Leftovers of this run: container cgroups under /<namespace>/ (the
# runtime removes each container's own), then the namespace parents.
ns_cgroups() {
  for d in /sys/fs/cgroup/*/"$NS"; do [ -d "$d" ] && echo "$d"; done
}
remove_ns_cgroups() {
  for d in $(ns_cgroups); do
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
}

trap 'engine_containerd_teardown; remove_ns_cgroups; tap_cleanup' EXIT

# ---- a private containerd ----
engine_containerd_start
up=$?
ok $up "private containerd answers on $SOCK"
if [ "$up" -ne 0 ]; then
  tail -n 20 "$ENGINE_CD/containerd.log" | sed 's/^/#   /'
  done_testing
  exit 1
fi

# ---- the image: podman import, oci-archive, ctr import ----
engine_containerd_import "$NS" >"$TEST_TMP/import.out" 2>&1
C images ls -q 2>/dev/null | grep -qx "$ENGINE_IMAGE"
ok $? "ctr images import of podman's oci-archive gives $ENGINE_IMAGE"
if ! C images ls -q 2>/dev/null | grep -qx "$ENGINE_IMAGE"; then
  sed 's/^/#   /' "$TEST_TMP/import.out" 2>/dev/null
  done_testing
  exit 1
fi
IMG=$ENGINE_IMAGE

# ---- ctr run (foreground, --rm): output, exit codes, defaults ----
out=$(RUN --rm "$IMG" defaults sh -c 'echo out-$$; echo err-line >&2; grep -E "^(CapEff|Seccomp):" /proc/self/status;
  touch /rw-test && echo rootfs-writable' 2>"$TEST_TMP/defaults.err")
st=$?
defaults_out=$out
[ "$st" -eq 0 ]
ok $? "run --rm: exit status 0 (got $st)"
echo "$out" | grep -qx 'out-1'
ok $? "the process's stdout reaches ctr's stdout (the init is pid 1)"
grep -qx err-line "$TEST_TMP/defaults.err" && ! echo "$out" | grep -q err-line
ok $? "the process's stderr reaches ctr's stderr, not its stdout"
echo "$out" | grep -qx rootfs-writable
ok $? "the rootfs is writable without --read-only"
default_caps=$(echo "$out" | awk '/^CapEff/ { print $2 }')
[ -n "$default_caps" ] && ! has_cap "$default_caps" 21 && has_cap "$default_caps" 0
ok $? "default capabilities: CAP_CHOWN but not CAP_SYS_ADMIN ($default_caps)"

# What containerd's default spec asks for: its mounts, maskedPaths,
# readonlyPaths, rlimits, noNewPrivileges and the device cgroup.
out=$(RUN --rm "$IMG" specdef sh -c '
  awk "\$2 ~ /^\/(dev\/pts|dev\/shm|dev\/mqueue|sys|run|proc\/sys)\$/ { print \$2, \$3, \$4 }" /proc/mounts
  echo "masked $(wc -c </proc/timer_list) $(ls /sys/firmware | wc -l)"
  echo "nofile $(ulimit -Sn) $(ulimit -Hn)"; grep NoNewPrivs /proc/self/status
  mknod /tmp/sda b 8 0 && head -c1 /tmp/sda 2>&1 | grep -q "not permitted" && echo blockdev-denied
  mknod /tmp/null2 c 1 3 && echo x >/tmp/null2 && echo null-allowed' 2>&1)
mnt_ok=0
for want in '/dev/pts devpts .*ptmxmode=666' '/dev/shm tmpfs .*size=65536k' '/dev/mqueue mqueue ' '/sys sysfs ro,' \
  '/run tmpfs .*size=65536k' '/proc/sys proc ro,'; do
  echo "$out" | grep -q "^$want" || { mnt_ok=1; diag "missing mount: $want"; }
done
ok $mnt_ok "default spec mounts: devpts, /dev/shm, mqueue, ro sysfs, /run tmpfs, ro /proc/sys"
[ "$(wc -c </proc/timer_list)" -gt 0 ] && [ -n "$(ls /sys/firmware)" ] && echo "$out" | grep -qx 'masked 0 0'
ok $? "maskedPaths: /proc/timer_list reads empty and /sys/firmware is empty ($(echo "$out" | grep '^masked'))"
echo "$out" | grep -qx 'nofile 1024 1024' && echo "$out" | grep -qx 'NoNewPrivs:[[:space:]]*1'
ok $? "rlimits (RLIMIT_NOFILE 1024) and noNewPrivileges applied"
echo "$out" | grep -qx blockdev-denied && echo "$out" | grep -qx null-allowed
ok $? "device cgroup: a new node for block 8:0 cannot be opened, one for /dev/null can"
[ "$(RUN --rm --allow-new-privs "$IMG" nnp sh -c 'grep NoNewPrivs /proc/self/status' 2>&1 | awk '{ print $2 }')" = 0 ]
ok $? "--allow-new-privs: NoNewPrivs 0"

for code in 7 42; do
  RUN --rm "$IMG" "exit$code" sh -c "exit $code" >/dev/null 2>&1
  st=$?
  [ "$st" -eq "$code" ]
  ok $? "run: exit status $code passes through (got $st)"
done
# The init is pid 1 of its pid namespace: it cannot SIGKILL itself (the
# kernel drops the signal), so the kill comes from outside.
RUN --rm "$IMG" sigkill sleep 100 >/dev/null 2>&1 &
runpid=$!
wait_status sigkill RUNNING && C task kill -s SIGKILL sigkill >/dev/null 2>&1
wait "$runpid"
st=$?
[ "$st" -eq 137 ]
ok $? "run: an init killed by SIGKILL makes ctr run exit 137 (got $st)"

out=$(RUN --rm --env "FOO=bar-$$" --env "EMPTY=" "$IMG" env sh -c 'echo "FOO=$FOO"; env | grep -c "^EMPTY=$"' 2>&1)
[ "$out" = "FOO=bar-$$
1" ]
ok $? "--env sets the variables: $(echo "$out" | tr '\n' ' ')"

out=$(RUN --rm --seccomp "$IMG" seccomp grep -E '^Seccomp(_filters)?:' /proc/self/status 2>&1)
[ "$(echo "$out" | awk '$1 == "Seccomp:" { print $2 }')" = 2 ] &&
  echo "$defaults_out" | grep -qx 'Seccomp:[[:space:]]*0'
ok $? "--seccomp: containerd's default profile is loaded (Seccomp 2; 0 without it)"

[ "$(RUN --rm --net-host "$IMG" nethost readlink /proc/self/ns/net 2>&1)" = "$(readlink /proc/self/ns/net)" ]
ok $? "--net-host: the container is in the host's network namespace"

mkdir -p "$ENGINE_DIR/share"
echo "shared-$$" >"$ENGINE_DIR/share/file"
out=$(RUN --rm --mount "type=bind,src=$ENGINE_DIR/share,dst=/share,options=rbind:ro" "$IMG" bind \
  sh -c 'cat /share/file; touch /share/new 2>/dev/null && echo wrote' 2>&1)
[ "$out" = "shared-$$" ] && [ ! -e "$ENGINE_DIR/share/new" ]
ok $? "--mount rbind:ro: the host file is visible and read-only ($(echo "$out" | tr '\n' ' '))"

out=$(RUN --rm --cwd /etc "$IMG" cwd pwd 2>&1)
[ "$out" = /etc ]
ok $? "--cwd /etc: pwd is $out"

out=$(RUN --rm --read-only "$IMG" ro sh -c 'touch /ro-test 2>/dev/null && echo wrote;
  awk "\$2 == \"/\" { split(\$4, o, \",\"); print o[1] }" /proc/mounts' 2>&1)
! echo "$out" | grep -qx wrote && echo "$out" | grep -qx ro
ok $? "--read-only: / is mounted ro and cannot be written ($(echo "$out" | tr '\n' ' '))"

out=$(RUN --rm --cap-add CAP_SYS_ADMIN --cap-drop CAP_CHOWN "$IMG" caps sh -c 'grep CapEff /proc/self/status;
  touch /f; chown 1000 /f 2>/dev/null && echo chown-ok' 2>&1)
caps=$(echo "$out" | awk '/^CapEff/ { print $2 }')
[ -n "$caps" ] && has_cap "$caps" 21 && ! has_cap "$caps" 0 && ! echo "$out" | grep -q chown-ok
ok $? "--cap-add CAP_SYS_ADMIN --cap-drop CAP_CHOWN: CapEff $caps, chown refused"
[ -n "$caps" ] || echo "$out" | sed 's/^/#   /' | head -n 5

host_bnd=$(awk '/^CapBnd/ { print $2 }' /proc/self/status)
out=$(RUN --rm --privileged "$IMG" priv sh -c 'grep CapEff /proc/self/status;
  awk "\$2 == \"/sys\" { split(\$4, o, \",\"); print o[1] }" /proc/mounts' 2>&1)
caps=$(echo "$out" | awk '/^CapEff/ { print $2 }')
[ -n "$caps" ] && [ "$caps" = "$host_bnd" ] && echo "$out" | grep -qx rw
ok $? "--privileged: every capability of the host's bounding set ($host_bnd) and a writable /sys"
[ -n "$caps" ] || echo "$out" | sed 's/^/#   /' | head -n 5

out=$(TTY ctr -a "$SOCK" -n "$NS" run --rm -t --runc-binary "$ENGINE_RUNTIME" --runc-root "$RR" \
  --fifo-dir "$FIFO" "$IMG" tty sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo stdio-is-tty; '"$WAIT_SIZE"'; exit 3')
st=$?
echo "$out" | grep -qx '/dev/pts/[0-9]*' && echo "$out" | grep -qx stdio-is-tty && [ "$st" -eq 3 ]
ok $? "run -t: stdio is a pty in the container's devpts, exit status 3 passes ($st: $(echo "$out" | tr '\n' ' '))"
echo "$out" | grep -qx '30 100'
ok $? "run -t: the pty takes ctr's terminal size (30 100)"

# ctr 1.6 `run` has no --hostname or --user: a spec file (--config) sets
# them; with --config the rootfs is the spec's root.path (no snapshot), and
# ctr's options and image config are not applied (so no PATH unless set).
C oci spec 2>/dev/null | jq --arg root "$ENGINE_DIR/image-rootfs" --arg h "box-$$" --arg cg "/$NS/cfg" \
  '.root = {path: $root, readonly: true} | .hostname = $h | .process.user = {uid: 1000, gid: 1000}
   | .process.env = ["PATH=/usr/bin:/bin"] | .process.args = ["sh", "-c", "hostname; id -u; id -g; id -un"]
   | .linux.cgroupsPath = $cg' \
  >"$ENGINE_DIR/cfg.json"
out=$(RUN --rm --config "$ENGINE_DIR/cfg.json" cfg 2>&1)
[ "$out" = "box-$$
1000
1000
appuser" ]
ok $? "--config spec: hostname box-$$ and user 1000:1000 ($(echo "$out" | tr '\n' ' '))"

# --no-pivot reaches the runtime as `create --no-pivot`; --device adds the
# node and allows it in the device cgroup; --cgroup picks the cgroup path.
out=$(RUN --rm --no-pivot --device /dev/fuse --cgroup "/$NS/custom" "$IMG" opts sh -c '
  grep -E "^[0-9]+:memory:" /proc/self/cgroup | cut -d: -f3; stat -c %t:%T /dev/fuse; : </dev/fuse && echo fuse-opened' 2>&1)
[ "$out" = "/$NS/custom
a:e5
fuse-opened" ]
ok $? "--no-pivot --device /dev/fuse --cgroup /$NS/custom ($(echo "$out" | tr '\n' ' '))"

# A user namespace: ctr chowns a copy of the snapshot to the mapped ids;
# a file the container's root creates on a bind mount is owned by the
# mapped host uid.  (The test dir is 0700: let the mapped root through.)
chmod 711 "$TEST_TMP" "$ENGINE_DIR"
mkdir -p "$ENGINE_DIR/userns"
chmod 777 "$ENGINE_DIR/userns"
out=$(RUN --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
  --mount "type=bind,src=$ENGINE_DIR/userns,dst=/out,options=rbind:rw" "$IMG" userns \
  sh -c 'cat /proc/self/uid_map; id -u; touch /out/f' 2>&1)
st=$?
owner=$(stat -c %u:%g "$ENGINE_DIR/userns/f" 2>/dev/null)
[ "$st" -eq 0 ] && [ "$(echo "$out" | head -n 1 | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ] &&
  [ "$(echo "$out" | sed -n 2p)" = 0 ] && [ "$owner" = 100000:100000 ]
ok $? "--uidmap/--gidmap: root in the container is host uid 100000 (file owner $owner)"
[ "$st" -eq 0 ] || echo "$out" | sed 's/^/#   /' | head -n 5

# run --rm leaves nothing: container, snapshot, runtime state, cgroup.
RUN --rm "$IMG" gone true >/dev/null 2>&1
left=
C container ls -q | grep -qx gone && left="$left container"
C snapshots ls 2>/dev/null | awk '{ print $1 }' | grep -qx gone && left="$left snapshot"
[ -e "$RSTATE/gone" ] && left="$left runtime-state"
for d in /sys/fs/cgroup/*/"$NS"/gone; do [ -e "$d" ] && left="$left $d"; done
[ -z "$left" ]
ok $? "run --rm removes the container, its snapshot, runtime state and cgroups${left:+ (left:$left)}"

# A failing create: the runtime's error (from its --log JSON) reaches the
# user and the failed container leaves no state or cgroup behind.
out=$(RUN --rm "$IMG" nobin /no/such-binary 2>&1)
st=$?
left=
[ -e "$RSTATE/nobin" ] && left="$left runtime-state"
for d in /sys/fs/cgroup/*/"$NS"/nobin; do [ -e "$d" ] && left="$left $d"; done
[ "$st" -ne 0 ] && echo "$out" | grep -q '/no/such-binary' && [ -z "$left" ]
ok $? "run of a missing binary fails with the runtime's error, leaving nothing${left:+ (left:$left)}"
echo "$out" | grep -q '/no/such-binary' || echo "$out" | sed 's/^/#   /' | head -n 5

# ---- a detached task: state, ps, exec, pause/resume, metrics ----
# The init traps SIGTERM (pid 1 of a pid namespace ignores signals it has
# no handler for) and waits on a child, so the task has a fixed set of two
# processes.  Its runtime calls go through a logging wrapper so that the
# shim's exact calls and their exit statuses can be checked at the end.
cat >"$ENGINE_DIR/runtime-log" <<EOF
#!/bin/bash
"$ENGINE_RUNTIME" "\$@"
rc=\$?
printf '%s => %d\n' "\$*" "\$rc" >>"$ENGINE_DIR/runtime-calls.log"
exit \$rc
EOF
chmod +x "$ENGINE_DIR/runtime-log"
SVC_CMD='trap "exit 99" TERM; sleep 1000 & wait'
C run -d --runc-binary "$ENGINE_DIR/runtime-log" --runc-root "$RR" --fifo-dir "$FIFO" \
  --memory-limit 67108864 --cpu-shares 512 --cpus 0.5 "$IMG" svc sh -c "$SVC_CMD" >"$TEST_TMP/svc.out" 2>&1
st=$?
pid=$(task_field svc 2)
[ "$st" -eq 0 ] && [ "$(task_field svc 3)" = RUNNING ] && [ -n "$pid" ] && [ -e "/proc/$pid" ]
ok $? "run -d: the task is RUNNING with host pid ${pid:-?}"
[ "$st" -eq 0 ] || sed 's/^/#   /' "$TEST_TMP/svc.out"
pid=${pid:-0}

state=$(RT state svc 2>&1)
[ "$(echo "$state" | jq -r .status 2>/dev/null)" = running ] && [ "$(echo "$state" | jq -r .pid 2>/dev/null)" = "$pid" ]
ok $? "the runtime's state (--root $RSTATE) says running with the same pid"

ps_pids=$(C task ps svc 2>/dev/null | awk 'NR > 1 { print $1 }' | sort -n | tr '\n' ' ')
procs_file=$(cg_file "$pid" memory cgroup.procs)
cg_pids=$(sort -n "${procs_file:-/dev/null}" | tr '\n' ' ')
[ -n "$cg_pids" ] && [ "$ps_pids" = "$cg_pids" ] && [ "$(echo "$ps_pids" | wc -w)" -eq 2 ]
ok $? "task ps lists the host pids of the cgroup: $ps_pids(cgroup.procs: $cg_pids)"
echo " $ps_pids" | grep -q " $pid "
ok $? "task ps includes the init pid of task ls ($pid)"

out=$(EXEC --exec-id e1 svc sh -c 'echo exec-out; exit 5' 2>&1)
st=$?
[ "$st" -eq 5 ] && [ "$out" = exec-out ]
ok $? "task exec: output and exit status 5 pass through (got $st, '$out')"

want=$(for n in pid mnt uts ipc net; do readlink "/proc/$pid/ns/$n"; done)
got=$(EXEC --exec-id e2 svc sh -c 'for n in pid mnt uts ipc net; do readlink /proc/self/ns/$n; done' 2>&1)
[ -n "$got" ] && [ "$got" = "$want" ]
ok $? "task exec joins the init's pid, mnt, uts, ipc and net namespaces"
[ "$got" = "$want" ] || diag "exec: $(echo "$got" | tr '\n' ' ') init: $(echo "$want" | tr '\n' ' ')"

out=$(EXEC --exec-id e3 svc sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo "self=$$"' 2>&1)
echo "$out" | head -n 1 | grep -qF "$SVC_CMD" && ! echo "$out" | grep -qx 'self=1'
ok $? "task exec sees the init as pid 1 ($(echo "$out" | tr '\n' ' '))"

out=$(TTY ctr -a "$SOCK" -n "$NS" task exec --fifo-dir "$FIFO" -t --exec-id e4 svc \
  sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo stdio-is-tty; '"$WAIT_SIZE"'; exit 4')
st=$?
echo "$out" | grep -qx '/dev/pts/[0-9]*' && echo "$out" | grep -qx stdio-is-tty && echo "$out" | grep -qx '30 100' &&
  [ "$st" -eq 4 ]
ok $? "task exec -t: stdio is a 30x100 pty, exit status 4 passes ($st: $(echo "$out" | grep -v 'resize pty' | tr '\n' ' '))"

out=$(EXEC --exec-id e5 --user 1000 svc sh -c 'id -u; id -un' 2>&1)
st=$?
[ "$out" = "1000
appuser" ]
ok $? "task exec --user 1000 ($(echo "$out" | tr '\n' ' ')exit status $st)"

out=$(EXEC --exec-id e6 --cwd /etc svc pwd 2>&1)
st=$?
[ "$out" = /etc ]
ok $? "task exec --cwd /etc: '$out' (exit status $st)"

# A second container joining svc's network and pid namespaces (setns by
# path) sees svc's init as its pid 1.
out=$(RUN --rm --with-ns "network:/proc/$pid/ns/net" --with-ns "pid:/proc/$pid/ns/pid" "$IMG" joiner \
  sh -c 'readlink /proc/self/ns/net; tr "\0" " " </proc/1/cmdline; echo' 2>&1)
[ "$(echo "$out" | head -n 1)" = "$(readlink "/proc/$pid/ns/net")" ] && echo "$out" | sed -n 2p | grep -qF "$SVC_CMD"
ok $? "run --with-ns network:,pid: of the task: same net namespace, the task's init is pid 1"
[ "$(echo "$out" | head -n 1)" = "$(readlink "/proc/$pid/ns/net")" ] || echo "$out" | sed 's/^/#   /' | head -n 5

out=$(EXEC --exec-id e7 svc /no/such-exec 2>&1)
st=$?
[ "$st" -ne 0 ] && echo "$out" | grep -q '/no/such-exec' && [ "$(task_field svc 3)" = RUNNING ]
ok $? "task exec of a missing binary fails with the runtime's error; the task keeps running"
echo "$out" | grep -q '/no/such-exec' || echo "$out" | sed 's/^/#   /' | head -n 5

freezer=$(cg_file "$pid" freezer freezer.state)
C task pause svc >/dev/null 2>&1
st=$?
[ "$st" -eq 0 ] && [ "$(task_field svc 3)" = PAUSED ] && [ "$(cat "${freezer:-/dev/null}")" = FROZEN ] &&
  [ "$(RT state svc 2>/dev/null | jq -r .status)" = paused ]
ok $? "task pause: PAUSED, freezer.state FROZEN, runtime state paused"

# Frozen, the counters hold still: metrics must equal the cgroup files.
C task metrics --format json svc >"$TEST_TMP/metrics.json" 2>&1
limit_file=$(cat "$(cg_file "$pid" memory memory.limit_in_bytes)" 2>/dev/null)
[ "$limit_file" = 67108864 ] && [ "$(jq -r .memory.usage.limit "$TEST_TMP/metrics.json" 2>/dev/null)" = 67108864 ]
ok $? "--memory-limit: memory.limit_in_bytes and task metrics both say 67108864 ($limit_file)"
pids_file=$(cat "$(cg_file "$pid" pids pids.current)" 2>/dev/null)
cpu_file=$(cat "$(cg_file "$pid" cpuacct cpuacct.usage)" 2>/dev/null)
m_pids=$(jq -r .pids.current "$TEST_TMP/metrics.json" 2>/dev/null)
m_cpu=$(jq -r .cpu.usage.total "$TEST_TMP/metrics.json" 2>/dev/null)
[ -n "$pids_file" ] && [ "$m_pids" = "$pids_file" ] && [ -n "$cpu_file" ] && [ "$m_cpu" = "$cpu_file" ] && [ "$m_cpu" -gt 0 ]
ok $? "task metrics: pids.current $m_pids and cpu usage $m_cpu match the cgroup files ($pids_file, $cpu_file)"
[ "$(cat "$(cg_file "$pid" cpu cpu.shares)" 2>/dev/null)" = 512 ] &&
  [ "$(cat "$(cg_file "$pid" cpu cpu.cfs_quota_us)" 2>/dev/null)" = 50000 ] &&
  [ "$(cat "$(cg_file "$pid" cpu cpu.cfs_period_us)" 2>/dev/null)" = 100000 ]
ok $? "--cpu-shares 512 and --cpus 0.5 reach cpu.shares and cpu.cfs_quota_us/cfs_period_us"

C task resume svc >/dev/null 2>&1
st=$?
[ "$st" -eq 0 ] && [ "$(task_field svc 3)" = RUNNING ] && [ "$(cat "${freezer:-/dev/null}")" = THAWED ] &&
  [ "$(RT state svc 2>/dev/null | jq -r .status)" = running ]
ok $? "task resume: RUNNING, freezer.state THAWED, runtime state running"

# ---- kill, delete, task start ----
C task kill svc >/dev/null 2>&1 && wait_status svc STOPPED
st=$?
code=$(exit_code_of_delete svc)
[ "$st" -eq 0 ] && [ "$code" = 99 ]
ok $? "task kill (default SIGTERM): the init's trap runs, exit status 99 (got ${code:-?})"
! RT state svc >/dev/null 2>&1 && ! RT list 2>/dev/null | awk '{ print $1 }' | grep -qx svc &&
  [ ! -e "$RSTATE/svc" ]
ok $? "task delete: the container is gone from the runtime's state and list"
RT delete --force svc >"$TEST_TMP/del.out" 2>&1
ok $? "runtime delete --force of the deleted container exits 0 (as the shim calls it)"
left=
for d in /sys/fs/cgroup/*/"$NS"/svc; do [ -e "$d" ] && left="$left $d"; done
[ -z "$left" ]
ok $? "task delete removed the task's cgroups${left:+ (left:$left)}"

C task start --fifo-dir "$FIFO" -d svc >/dev/null 2>&1
st=$?
pid2=$(task_field svc 2)
[ "$st" -eq 0 ] && [ "$(task_field svc 3)" = RUNNING ] && [ -n "$pid2" ] && [ "$pid2" != "$pid" ] &&
  [ "$(RT state svc 2>/dev/null | jq -r .pid)" = "$pid2" ]
ok $? "task start -d of the container: a new task (pid ${pid2:-?}) run by the same runtime"
pid2=${pid2:-0}

EXEC -d --exec-id bg svc sleep 500 >/dev/null 2>&1
bgpid=$(C task ps svc 2>/dev/null | awk '/ExecID:bg/ { print $1 }')
C task kill --all -s SIGKILL svc >/dev/null 2>&1 && wait_status svc STOPPED && [ -n "$bgpid" ] && wait_gone "$pid2" "$bgpid"
st=$?
code=$(exit_code_of_delete svc)
[ "$st" -eq 0 ] && [ "$code" = 137 ]
ok $? "task kill --all -s SIGKILL: the init and the exec'd process ($bgpid) die, exit status 137 (got ${code:-?})"

# Attached `ctr task start` waits for the task and exits with its status.
C task start --fifo-dir "$FIFO" svc >/dev/null 2>&1 &
startpid=$!
wait_status svc RUNNING && C task kill -s SIGKILL svc >/dev/null 2>&1
wait "$startpid"
st=$?
[ "$st" -eq 137 ]
ok $? "task start (attached) + task kill -s SIGKILL: ctr exits 137 (got $st)"
C task delete svc >/dev/null 2>&1 # normally already deleted by ctr task start
C container delete svc >/dev/null 2>&1
! C container ls -q | grep -qx svc && ! C snapshots ls 2>/dev/null | awk '{ print $1 }' | grep -qx svc
ok $? "container delete removes the container and its snapshot"

# Every call the shim made to the runtime for svc, from the wrapper's log.
calls=$ENGINE_DIR/runtime-calls.log
missing=
for verb in create start exec ps pause resume kill 'kill --all' delete 'delete --force'; do
  grep -q " --log-format json $verb " "$calls" 2>/dev/null || missing="$missing [$verb]"
done
[ -z "$missing" ]
ok $? "the shim called create, start, exec, ps, pause, resume, kill, kill --all, delete, delete --force${missing:+ (missing:$missing)}"
failed=$(grep -v ' => 0$' "$calls" 2>/dev/null | grep -v '/e7\.pid ')
[ -s "$calls" ] && [ -z "$failed" ]
ok $? "every runtime call of the shim exited 0 (but the exec of a missing binary)"
[ -z "$failed" ] || echo "$failed" | sed "s|$ENGINE_DIR|\$ENGINE_DIR|g; s/^/#   /" | head -n 10

# ---- teardown: nothing may be left behind ----
# Every container above was run with --rm or deleted explicitly.
left=$(C container ls -q 2>&1; C task ls -q 2>&1)
[ -z "$left" ]
ok $? "no containers or tasks left in namespace $NS${left:+: $(echo "$left" | tr '\n' ' ')}"
for id in $(C container ls -q 2>/dev/null); do
  C task delete -f "$id" >/dev/null 2>&1
  C container delete "$id" >/dev/null 2>&1
done
left=$(RT list -q 2>/dev/null; find "$RR" -mindepth 2 2>/dev/null)
[ -z "$left" ]
ok $? "no runtime state left under --runc-root${left:+: $(echo "$left" | tr '\n' ' ')}"
shims=
for _ in $(seq 50); do
  shims=$(engine_containerd_shims)
  [ -z "$shims" ] && break
  sleep 0.1
done
[ -z "$shims" ]
ok $? "no shim process left${shims:+: $shims}"
kill "$CTRD_PID"
stopped=1
for _ in $(seq 100); do
  kill -0 "$CTRD_PID" 2>/dev/null || { stopped=0; break; }
  sleep 0.1
done
wait "$CTRD_PID" 2>/dev/null
ok $stopped "containerd ($CTRD_PID) stops on SIGTERM"
CTRD_PID=
mounts=$(awk -v d="$ENGINE_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo)
[ -z "$mounts" ]
ok $? "no mounts left under the test dir${mounts:+: $(echo "$mounts" | tr '\n' ' ')}"
left=$(for d in $(ns_cgroups); do find "$d" -mindepth 1 -type d; done)
[ -z "$left" ]
ok $? "no container cgroups left under /sys/fs/cgroup/*/$NS${left:+: $(echo "$left" | tr '\n' ' ')}"
remove_ns_cgroups
left=$(ns_cgroups)
[ -z "$left" ]
ok $? "the namespace's parent cgroups can be removed${left:+ (left: $(echo "$left" | tr '\n' ' '))}"

done_testing
