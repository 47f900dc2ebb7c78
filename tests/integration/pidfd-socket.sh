#!/bin/bash
# --pidfd-socket on create, run and exec: the process's pidfd arrives over
# the socket (checked through the receiver's /proc/self/fdinfo), and a
# socket nobody listens on is a clean error.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "pidfd socket"
HELPERS=$(cd "$(dirname "$0")/helpers" && pwd)
cd "$TEST_TMP" || exit 1
if ! cc -o recvpidfd "$HELPERS/recvpidfd.c" 2>cc.err; then
  skip "--pidfd-socket" "cannot build helpers/recvpidfd.c"
  done_testing
  exit 0
fi

# receive NAME: a receiver on $TEST_TMP/NAME.sock, its output in NAME.out.
receive() {
  rm -f "$TEST_TMP/$1.sock"
  ./recvpidfd "$TEST_TMP/$1.sock" >"$1.out" 2>&1 &
  wait_until test -S "$TEST_TMP/$1.sock"
}
# received NAME PID: the receiver got a pidfd of PID.
received() {
  wait "$2" 2>/dev/null
  [ "$(head -n 1 "$1.out")" = "anon_inode:[pidfd]" ] && grep -qx "Pid:[[:space:]]*$3" "$1.out"
}

new_bundle b '.process.args = ["sleep", "100"]'
receive create
B create --bundle b --pidfd-socket "$TEST_TMP/create.sock" c1 </dev/null >create.err 2>&1
st=$?
ok $st "create --pidfd-socket ($(head -c 300 create.err))"
[ $st -eq 0 ] || kill $! 2>/dev/null
ipid=$(B state c1 | jq -r .pid)
received create $! "$ipid"
ok $? "create: the socket got a pidfd of the init ($(tr '\n' ' ' <create.out))"
B start c1

receive exec
B exec -d --pid-file exec.pid --pidfd-socket "$TEST_TMP/exec.sock" c1 sleep 50 >exec.err 2>&1
st=$?
ok $st "exec -d --pidfd-socket ($(head -c 300 exec.err))"
[ $st -eq 0 ] || kill $! 2>/dev/null # the receiver would wait forever
received exec $! "$(cat exec.pid 2>/dev/null)"
ok $? "exec: the socket got a pidfd of the new process ($(tr '\n' ' ' <exec.out))"
B delete --force c1

receive run
B run -d --bundle b --pidfd-socket "$TEST_TMP/run.sock" c2 </dev/null >run.err 2>&1
st=$?
ok $st "run -d --pidfd-socket ($(head -c 300 run.err))"
[ $st -eq 0 ] || kill $! 2>/dev/null
received run $! "$(B state c2 | jq -r .pid)"
ok $? "run: the socket got a pidfd of the init ($(tr '\n' ' ' <run.out))"
B delete --force c2

expect_error "create: nobody listens on the socket" \
  "brig: create: pidfd socket $TEST_TMP/none.sock: No such file or directory" \
  B create --bundle b --pidfd-socket "$TEST_TMP/none.sock" c3
B run -d --bundle b c4 </dev/null >/dev/null 2>&1
expect_error "exec: nobody listens on the socket" \
  "brig: exec: pidfd socket $TEST_TMP/none.sock: No such file or directory" \
  B exec --pidfd-socket "$TEST_TMP/none.sock" c4 true
B delete --force c4
nothing_left "pidfd socket"

done_testing
