#!/bin/bash
# podman driving brig through its runtime interface (conmon + the runc CLI),
# as CLI-CONTRACT.md records it.  Every check goes through `podman
# --runtime $ENGINE_RUNTIME`; ENGINE_RUNTIME=/usr/sbin/runc runs the same
# script against runc, which must pass it too.
. "${BRIG_SRCDIR:-.}/tests/integration/lib.sh"
. "${BRIG_SRCDIR:-.}/tests/integration/engine-lib.sh"

engine_setup "podman suite" podman jq script
trap 'engine_podman_teardown; tap_cleanup' EXIT
engine_podman_setup
if ! engine_podman_import; then
  ok 1 "podman imports the busybox image"
  done_testing
  exit 1
fi
diag "runtime: $ENGINE_RUNTIME"

IMG=$ENGINE_IMAGE
NAME=brigtest-$$

# libpod_cgroups: podman's container cgroups, to compare before and after.
libpod_cgroups() {
  ls -d /sys/fs/cgroup/*/libpod_parent/libpod-* 2>/dev/null | sort
}
libpod_cgroups >"$TEST_TMP/cgroups.before"
"$ENGINE_RUNTIME" list -q 2>/dev/null | sort >"$TEST_TMP/state.before"

# run_status ARGS...: the exit status of `podman run --rm ARGS...`.
run_status() {
  timeout 60 podman --runtime "$ENGINE_RUNTIME" run --rm "$@" >/dev/null 2>&1
  echo $?
}

# in_tty COMMAND: runs COMMAND with a pty as its terminal (the test has
# none), so `-it` really allocates one.  script's stdin stays open but
# silent: an EOF would reach the container's stdin through the pty and race
# with its output.  Prints the output without CR and NUL.  The commands run
# under it sleep a little after printing: podman (with runc too) loses the
# output of a pty process that exits before its attach is complete.
in_tty() {
  exec {silent}< <(exec sleep 60 >/dev/null)
  timeout 60 script -qec "$1" /dev/null <&$silent | tr -d '\r\0'
  kill $! 2>/dev/null
  exec {silent}<&-
}

# cg CONTROLLER FILE: a v1 cgroup file of the container $NAME.
cg() {
  id=$(P inspect -f '{{.ID}}' "$NAME")
  cat "/sys/fs/cgroup/$1/libpod_parent/libpod-$id/$2"
}

# --- exit codes (conmon reaps the init: nothing may sit in between) ---
[ "$(run_status "$IMG" true)" = 0 ]
ok $? "run --rm: exit code 0"
[ "$(run_status "$IMG" sh -c 'exit 7')" = 7 ]
ok $? "run --rm: exit code 7"
[ "$(run_status "$IMG" sh -c 'exit 42')" = 42 ]
ok $? "run --rm: exit code 42"
out=$(P run --rm "$IMG" echo hello-from-podman 2>&1)
[ "$out" = hello-from-podman ]
ok $? "run --rm: stdout reaches podman"

# --- pty ---
out=$(in_tty "podman --runtime $ENGINE_RUNTIME run --rm -it $IMG sh -c 'tty; sleep 0.5'" | grep -o '/dev/pts/[0-9]*')
case $out in /dev/pts/*) true ;; *) false ;; esac
ok $? "run -it: the process has a pty ($out)"

# --- detached container, exec ---
P run -d --name "$NAME" --hostname brighost "$IMG" sleep 1000 >/dev/null
ok $? "run -d starts a container"
[ "$(P inspect -f '{{.State.Status}}' "$NAME")" = running ]
ok $? "inspect: the container is running"
out=$(P exec "$NAME" hostname 2>&1)
[ "$out" = brighost ]
ok $? "exec: joins the container's uts namespace ($out)"
P exec "$NAME" sh -c 'exit 3' >/dev/null 2>&1
[ $? -eq 3 ]
ok $? "exec: exit code 3 passes through"
out=$(P exec "$NAME" sh -c 'cat /proc/1/cmdline | tr "\0" " "' 2>&1)
[ "$out" = "sleep 1000 " ]
ok $? "exec: sees the container init as pid 1"
out=$(in_tty "podman --runtime $ENGINE_RUNTIME exec -it $NAME sh -c 'tty; sleep 0.5'" | grep -o '/dev/pts/[0-9]*')
case $out in /dev/pts/*) true ;; *) false ;; esac
ok $? "exec -it: the process has a pty ($out)"
out=$(P exec --user 1000:1000 --workdir /tmp -e PROBE=x "$NAME" sh -c 'echo $(id -u):$(id -g):$PWD:$PROBE' 2>&1)
[ "$out" = "1000:1000:/tmp:x" ]
ok $? "exec --user --workdir --env ($out)"
P exec -d "$NAME" sleep 999 >/dev/null 2>&1
out=$(P exec "$NAME" sh -c 'pidof sleep | wc -w' 2>&1)
[ "$out" = 2 ]
ok $? "exec -d: the detached process runs in the container"

# --- ps, top, stats, logs ---
out=$(P ps --format '{{.Names}} {{.Status}}' | grep "^$NAME ")
case $out in *Up*) true ;; *) false ;; esac
ok $? "ps lists the running container"
P top "$NAME" pid args >"$TEST_TMP/top.out" 2>&1
grep -q 'sleep 1000' "$TEST_TMP/top.out"
ok $? "top shows the container's processes"
P stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' "$NAME" >"$TEST_TMP/stats.out" 2>&1
grep -Eq "^$NAME .*B / .* [1-9]" "$TEST_TMP/stats.out"
ok $? "stats reads the cgroup counters ($(cat "$TEST_TMP/stats.out"))"

# --- pause / unpause: the v1 freezer ---
P pause "$NAME" >/dev/null
ok $? "pause"
[ "$(cg freezer freezer.state)" = FROZEN ] && [ "$(P inspect -f '{{.State.Status}}' "$NAME")" = paused ]
ok $? "pause: freezer.state is FROZEN, podman says paused"
P exec "$NAME" true >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "exec into a paused container fails"
P unpause "$NAME" >/dev/null
[ "$(cg freezer freezer.state)" = THAWED ] && [ "$(P inspect -f '{{.State.Status}}' "$NAME")" = running ]
ok $? "unpause: freezer.state is THAWED, podman says running"

# --- update ---
P update --memory 64m --cpu-shares 512 "$NAME" >/dev/null
ok $? "update --memory --cpu-shares"
[ "$(cg memory memory.limit_in_bytes)" = 67108864 ] && [ "$(cg cpu cpu.shares)" = 512 ]
ok $? "update: memory.limit_in_bytes and cpu.shares changed"

# --- signals, stop, rm ---
P kill -s KILL "$NAME" >/dev/null
[ "$(timeout 30 podman wait "$NAME")" = 137 ]
ok $? "kill -s KILL: wait reports 137"
P rm -f -t 0 "$NAME" >/dev/null
! P container exists "$NAME"
ok $? "rm -f removes the container"

# An init gets only the signals it handles (pid namespace rule).
trap_ready() { P logs "$NAME" 2>/dev/null | grep -q ready; }
P run -d --name "$NAME" "$IMG" sh -c 'trap "exit 9" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null
wait_until trap_ready
P kill -s USR1 "$NAME" >/dev/null
[ "$(timeout 30 podman wait "$NAME")" = 9 ]
ok $? "kill -s USR1 reaches the init's trap (exit 9)"
P rm -f -t 0 "$NAME" >/dev/null

P run -d --name "$NAME" "$IMG" sh -c 'trap "exit 5" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
wait_until trap_ready
P stop -t 10 "$NAME" >/dev/null
[ "$(P inspect -f '{{.State.ExitCode}}' "$NAME")" = 5 ]
ok $? "stop -t: SIGTERM reaches the init's trap (exit 5)"
P rm -f -t 0 "$NAME" >/dev/null

P run -d --name "$NAME" "$IMG" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
wait_until trap_ready
P stop -t 1 "$NAME" >/dev/null 2>&1
[ "$(P inspect -f '{{.State.ExitCode}}' "$NAME")" = 137 ]
ok $? "stop -t 1: SIGKILL after the timeout (exit 137)"
P rm -f -t 0 "$NAME" >/dev/null

# --- spec options ---
P run --rm --read-only "$IMG" touch /probe >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "--read-only: the root refuses writes"
[ "$(run_status --read-only "$IMG" touch /tmp/probe)" = 0 ]
ok $? "--read-only: /tmp stays writable"

status_caps() { # status_caps ARGS...: the CapEff line inside the container
  P run --rm "$@" "$IMG" sh -c 'grep CapEff /proc/self/status' 2>&1 | awk '{print $2}'
}
default_caps=$(status_caps)
[ -n "$default_caps" ] && [ "$default_caps" != 0000000000000000 ]
ok $? "default capabilities are set ($default_caps)"
[ "$(status_caps --cap-drop all)" = 0000000000000000 ]
ok $? "--cap-drop all: CapEff is 0"
net_admin=$(( 1 << 12 ))
caps=$(status_caps --cap-add NET_ADMIN)
[ $(( 0x$caps & net_admin )) -ne 0 ] && [ $(( 0x$default_caps & net_admin )) -eq 0 ]
ok $? "--cap-add NET_ADMIN shows in CapEff ($caps)"
chown_cap=1
caps=$(status_caps --cap-drop CHOWN)
[ $(( 0x$caps & chown_cap )) -eq 0 ] && [ $(( 0x$default_caps & chown_cap )) -ne 0 ]
ok $? "--cap-drop CHOWN removes it from CapEff ($caps)"

# The default profile denies sethostname without CAP_SYS_ADMIN, even in a
# new uts namespace the process owns; unconfined, the kernel allows it.
probe='unshare -r -u hostname probe'
[ "$(run_status "$IMG" sh -c "$probe")" != 0 ]
ok $? "default seccomp profile denies sethostname"
[ "$(run_status --security-opt seccomp=unconfined "$IMG" sh -c "$probe")" = 0 ]
ok $? "seccomp=unconfined allows it"

P run -d --name "$NAME" --pids-limit 64 --memory 32m "$IMG" sleep 1000 >/dev/null
[ "$(cg pids pids.max)" = 64 ]
ok $? "--pids-limit: pids.max is 64"
[ "$(cg memory memory.limit_in_bytes)" = 33554432 ]
ok $? "--memory: memory.limit_in_bytes is 32 MiB"
P rm -f -t 0 "$NAME" >/dev/null

out=$(P run --rm --user 1000:1000 "$IMG" id 2>&1)
case $out in "uid=1000(appuser) gid=1000(appgroup)"*) true ;; *) false ;; esac
ok $? "--user 1000:1000 ($out)"
out=$(P run --rm --user appuser "$IMG" id -u 2>&1)
[ "$out" = 1000 ]
ok $? "--user NAME resolves in the image's passwd ($out)"
out=$(P run --rm --workdir /tmp "$IMG" pwd 2>&1)
[ "$out" = /tmp ]
ok $? "--workdir"
out=$(P run --rm --env PROBE=brig-env "$IMG" sh -c 'echo $PROBE' 2>&1)
[ "$out" = brig-env ]
ok $? "--env"

# --- logs ---
P run --name "$NAME" "$IMG" sh -c 'echo line-one; echo line-two >&2' >/dev/null 2>&1
out=$(P logs "$NAME" 2>&1 | sort | tr '\n' ' ')
[ "$out" = "line-one line-two " ]
ok $? "logs: stdout and stderr were captured ($out)"
P rm -f -t 0 "$NAME" >/dev/null

# --- annotations reach the runtime (its own state, not podman's) ---
P run -d --name "$NAME" --annotation run.brig.test=probe-value "$IMG" sleep 1000 >/dev/null
id=$(P inspect -f '{{.ID}}' "$NAME")
out=$("$ENGINE_RUNTIME" state "$id" 2>/dev/null | jq -r '.annotations["run.brig.test"]')
[ "$out" = probe-value ]
ok $? "--annotation reaches the runtime ($out)"
P rm -f -t 0 "$NAME" >/dev/null

# --- nothing left behind ---
[ -z "$(P ps -aq)" ]
ok $? "no container left"
libpod_cgroups >"$TEST_TMP/cgroups.after"
left=$(comm -13 "$TEST_TMP/cgroups.before" "$TEST_TMP/cgroups.after")
[ -z "$left" ]
ok $? "no container cgroup left ($left)"
"$ENGINE_RUNTIME" list -q 2>/dev/null | sort >"$TEST_TMP/state.after"
left=$(comm -13 "$TEST_TMP/state.before" "$TEST_TMP/state.after")
[ -z "$left" ]
ok $? "no runtime state left ($left)"

done_testing
