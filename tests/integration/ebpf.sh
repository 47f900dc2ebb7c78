#!/bin/bash
# brig ebpf through the brig binary: asm, disasm, run and their errors.
. "$(dirname "$0")/lib.sh"

printf 'mov32 %%r0, 40\nadd32 %%r0, 2\nexit\n' >"$TEST_TMP/p.s"
[ "$("$BRIG" ebpf run "$TEST_TMP/p.s")" = "0x2a" ]
ok $? "ebpf run prints r0"
"$BRIG" ebpf asm "$TEST_TMP/p.s" >"$TEST_TMP/p.hex"
ok $? "ebpf asm"
[ "$(wc -l <"$TEST_TMP/p.hex")" -eq 3 ]
ok $? "ebpf asm: one word per instruction"
printf 'ldxb %%r0, [%%r1+2]\nexit\n' >"$TEST_TMP/m.s"
[ "$("$BRIG" ebpf run "$TEST_TMP/m.s" --mem '11 22 33')" = "0x33" ]
ok $? "ebpf run --mem gives the program memory"
printf 'ldxb %%r0, [%%r1+3]\nexit\n' >"$TEST_TMP/oob.s"
"$BRIG" ebpf run "$TEST_TMP/oob.s" --mem '11 22 33' >/dev/null 2>"$TEST_TMP/oob.err"
[ $? -ne 0 ] && [ "$(wc -l <"$TEST_TMP/oob.err")" -eq 1 ] && grep -q '^brig: ebpf run: ' "$TEST_TMP/oob.err"
ok $? "an out-of-bounds load is a fault with one error line: $(cat "$TEST_TMP/oob.err")"
printf 'movv %%r0, 1\nexit\n' >"$TEST_TMP/bad.s"
"$BRIG" ebpf asm "$TEST_TMP/bad.s" >/dev/null 2>"$TEST_TMP/bad.err"
[ $? -ne 0 ] && [ "$(wc -l <"$TEST_TMP/bad.err")" -eq 1 ] && grep -q 'line 1' "$TEST_TMP/bad.err"
ok $? "an unknown mnemonic names the line: $(cat "$TEST_TMP/bad.err")"
expect_error "missing file" "brig: ebpf run: $TEST_TMP/none.s: No such file or directory" \
  "$BRIG" ebpf run "$TEST_TMP/none.s"

done_testing
