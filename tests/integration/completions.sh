#!/bin/bash
# Shell completions: bash completes commands, options and values; the zsh
# and fish files at least parse (when those shells are installed).
. "$(dirname "$0")/lib.sh"

src=${BRIG_SRCDIR:-$(pwd)}/contrib/completions
bc=/usr/share/bash-completion/bash_completion

complete_words() { # complete_words WORD... (last word is the one being completed)
  PATH="$(dirname "$BRIG"):$PATH" bash -c '
    . "$1"; . "$2"; shift 2
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _brig; printf "%s\n" "${COMPREPLY[@]}"' _ "$bc" "$src/bash/brig" "$@" 2>/dev/null | sort | tr '\n' ' '
}

if [ ! -f "$bc" ]; then
  skip "bash completion" "bash-completion not installed"
else
  [ "$(complete_words brig sta)" = "start state " ]
  ok $? "bash: command names (sta -> start state)"
  [ "$(complete_words brig --root /tmp --log-f)" = "--log-format " ]
  ok $? "bash: global options after a global option with a value"
  [ "$(complete_words brig --log-format '')" = "json text " ]
  ok $? "bash: --log-format values"
  [ "$(complete_words brig spec --r)" = "--rootless " ]
  ok $? "bash: spec options"
  [ "$(complete_words brig run --de)" = "--detach " ]
  ok $? "bash: run options"
  [ "$(complete_words brig list --format '')" = "json table " ]
  ok $? "bash: list --format values"
  [ "$(complete_words brig firejail convert --ba)" = "--base " ]
  ok $? "bash: firejail convert options"
  [ "$(complete_words brig ebpf dis)" = "disasm " ]
  ok $? "bash: ebpf subcommands"
  [ "$(complete_words brig kill x SIGK)" = "SIGKILL " ]
  ok $? "bash: kill signal names"
  [ "$(complete_words brig update --memory-s)" = "--memory-swap " ]
  ok $? "bash: update options"
  [ "$(complete_words brig ps --format '')" = "json table " ]
  ok $? "bash: ps --format values"
  [ "$(complete_words brig events --st)" = "--stats " ]
  ok $? "bash: events options"
  [ "$(complete_words brig sandbox --pro)" = "--profile " ]
  ok $? "bash: sandbox options"
  if [ -f /etc/firejail/gzip.profile ]; then
    [ "$(complete_words brig sandbox --profile gzi)" = "gzip " ]
    ok $? "bash: sandbox --profile names the profiles of /etc/firejail"
  else
    skip "bash: sandbox --profile names the profiles of /etc/firejail" "no gzip.profile"
  fi
  case " $(complete_words brig sandbox -- gzi) " in *" gzip "*) ok 0 "bash: sandbox completes the command" ;;
  *) ok 1 "bash: sandbox completes the command" ;; esac
  case " $(complete_words brig sandbox -- gzip --stdo) " in *" --stdout "*) ok 0 "bash: sandbox completes the command's arguments as its own" ;;
  *) ok 1 "bash: sandbox completes the command's arguments as its own" ;; esac
  if is_root; then
    root=$TEST_TMP/root
    mkdir -p "$root"
    make_busybox_rootfs "$TEST_TMP/b/rootfs"
    (cd "$TEST_TMP/b" && "$BRIG" spec && sed -i 's/"terminal": true/"terminal": false/' config.json)
    "$BRIG" --root "$root" create --bundle "$TEST_TMP/b" comp-one >/dev/null 2>&1
    [ "$(complete_words brig --root "$root" delete comp)" = "comp-one " ]
    ok $? "bash: container ids from brig list -q under --root"
    "$BRIG" --root "$root" delete --force comp-one >/dev/null 2>&1
  else
    skip "bash: container ids" "needs root"
  fi
fi

if command -v zsh >/dev/null; then
  zsh -n "$src/zsh/_brig"
  ok $? "zsh completion parses"
else
  skip "zsh completion parses" "zsh not installed"
fi
if command -v fish >/dev/null; then
  fish -n "$src/fish/brig.fish"
  ok $? "fish completion parses"
else
  skip "fish completion parses" "fish not installed"
fi

done_testing
