#!/bin/bash
# process.terminal with --console-socket: the pty master goes to the
# socket, the slave is the container's stdio and controlling terminal.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lifecycle-lib.sh"
lifecycle_setup "lifecycle terminal"
HELPERS=$(cd "$(dirname "$0")/helpers" && pwd)
cd "$TEST_TMP" || exit 1
if ! cc -o recvtty "$HELPERS/recvtty.c" 2>cc.err; then
  skip "terminal" "cannot build helpers/recvtty.c"
  done_testing
  exit 0
fi

new_bundle tty '.process.terminal = true | .process.consoleSize = {"height":30,"width":100}
  | .process.args = ["sh", "-c", "tty; stty size; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo stdio-is-tty; ps -o pid,tty | grep -c pts/0 >/dev/null && echo ctty;
    [ \"$(stat -c %t:%T /dev/console)\" = \"$(stat -L -c %t:%T /proc/self/fd/0)\" ] && echo console-is-the-pty"]'
./recvtty "$TEST_TMP/console.sock" >tty.out 2>tty.err &
rpid=$!
for _ in $(seq 50); do [ -S "$TEST_TMP/console.sock" ] && break; sleep 0.05; done
B run -d --console-socket "$TEST_TMP/console.sock" --bundle tty t1 </dev/null >run.out 2>&1
ok $? "run -d with --console-socket"
timeout 10 tail --pid=$rpid -f /dev/null
out=$(tr -d '\r' <tty.out)
echo "$out" | grep -qx /dev/pts/0
ok $? "the process's stdin is /dev/pts/0 in the container's devpts"
echo "$out" | grep -qx "30 100"
ok $? "consoleSize applied"
echo "$out" | grep -qx stdio-is-tty
ok $? "stdin, stdout, stderr are the terminal"
echo "$out" | grep -qx console-is-the-pty
ok $? "/dev/console is the pty (runtime-spec: MUST also supply /dev/console)"
wait_stopped t1
B delete t1
nothing_left "terminal"
done_testing
