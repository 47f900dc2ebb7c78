#!/bin/bash
# Runs a command as root inside brig's Debian 12 VM (pure cgroup v2,
# systemd as PID 1, AppArmor on) and exits with its status.
#
# Usage: tests/vm/run.sh COMMAND [ARG...]
#
# The command runs with cwd = the source tree and the environment make
# check gives the integration tests (BRIG, BRIG_SRCDIR, BRIG_TEST_DATA,
# BRIG_BUILDDIR), plus BRIG_VM=1; BRIG is a copy of the build tree's brig
# taken at start, in /usr/local/bin.  The source tree (and the build tree
# when it is elsewhere) is shared read-write over 9p at the same path as
# on the host, so the host's brig binary runs there unchanged (same Debian
# release, same libraries).  The image's disk is a throw-away snapshot.
#
# Environment:
#   BRIG_SRCDIR, BRIG_BUILDDIR  the trees (default: this script's checkout)
#   BRIG_VM_TIMEOUT   seconds before qemu is killed (default 900)
#   BRIG_VM_APPEND    extra kernel command line (e.g. cgroup_no_v1=all)
#   BRIG_VM_SHARE     extra host directories to share, space separated
#   BRIG_VM_CPUS, BRIG_VM_MEM   (default 2 and 2048 MiB)
#   BRIG_VM_ACCEL     kvm or tcg (default: kvm when hardware KVM is there)
#   BRIG_VM_CACHE     the image cache of build-image.sh
#   BRIG_VM_KEEP      non-empty: keep the run directory (console log) for a look
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }

srcdir=$(cd "${BRIG_SRCDIR:-$here/../..}" && pwd)
builddir=$(cd "${BRIG_BUILDDIR:-$srcdir}" && pwd)
timeout_s=${BRIG_VM_TIMEOUT:-900}
log() { echo "vm: $*" >&2; }

image=$("$here/build-image.sh")

run=$(mktemp -d /tmp/brig-vm-run.XXXXXX)
qemu_pid=
cleanup() {
  if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
    kill "$qemu_pid" 2>/dev/null
    sleep 1
    kill -KILL "$qemu_pid" 2>/dev/null || true
  fi
  if [ -n "${BRIG_VM_KEEP:-}" ]; then
    log "kept $run (console.log, output, status)"
  else
    rm -rf "$run"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Shares: one virtfs device per directory, mounted by the guest at the
# same path (guest/brig-vm-test reads "TAG PATH" lines from mounts).
shares=("$srcdir")
case $builddir/ in "$srcdir"/*) ;; *) shares+=("$builddir") ;; esac
for d in ${BRIG_VM_SHARE:-}; do shares+=("$(cd "$d" && pwd)"); done
virtfs=(-virtfs "local,path=$run,mount_tag=brigrun,security_model=none,id=brigrun")
: >"$run/mounts"
i=0
for d in "${shares[@]}"; do
  virtfs+=(-virtfs "local,path=$d,mount_tag=brig$i,security_model=none,id=brig$i")
  echo "brig$i $d" >>"$run/mounts"
  i=$((i + 1))
done

# A private copy of brig: others may relink the build tree's binary while
# the VM runs, and over 9p a running brig would then read the new, half
# written file when it copies /proc/self/exe into its sealed memfd.  cp
# can race a link too: retry until the copy runs.
brig=$builddir/brig
if [ -x "$brig" ]; then
  for try in 1 2 3 4 5; do
    cp "$brig" "$run/brig" && "$run/brig" --version >/dev/null 2>&1 && break
    [ "$try" -lt 5 ] || { log "cannot take a working copy of $brig"; exit 1; }
    sleep 2
  done
  brig=/usr/local/bin/brig
fi

# The command, as a script: printf %q keeps every argument as it was given.
{
  [ "$brig" != /usr/local/bin/brig ] || echo "install -m 0755 /run/brig-vm/brig /usr/local/bin/brig || exit 125"
  echo "export BRIG=$(printf %q "$brig") BRIG_SRCDIR=$(printf %q "$srcdir")"
  echo "export BRIG_TEST_DATA=$(printf %q "$srcdir/tests/data") BRIG_BUILDDIR=$(printf %q "$builddir")"
  echo "export BRIG_VM=1 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8"
  echo "cd $(printf %q "$srcdir") || exit 125"
  printf '%q ' "$@"
  echo
} >"$run/command"

# KVM needs hardware virtualisation (kvm_intel or kvm_amd).  A /dev/kvm
# backed by something else, such as kvm_pvm (which runs only kernels built
# as PVM guests, not Debian's), hangs a stock kernel before its first
# message, so that counts as no KVM.  BRIG_VM_ACCEL=kvm|tcg overrides.
accel_name=${BRIG_VM_ACCEL:-}
if [ -z "$accel_name" ]; then
  accel_name=tcg
  if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
    accel_name=kvm
  fi
fi
case $accel_name in
kvm) accel=(-accel kvm -cpu host) ;;
tcg)
  accel=(-accel tcg,thread=multi -cpu max)
  log "no hardware KVM (kvm_intel/kvm_amd): using TCG, which is several times slower"
  ;;
*) log "BRIG_VM_ACCEL: expected kvm or tcg, got '$accel_name'"; exit 2 ;;
esac

# Pure cgroup v2 is systemd 252's default; say so anyway, so a change of
# default cannot silently move the lane to a hybrid layout.  panic=-1 with
# -no-reboot: a kernel panic ends qemu at once instead of hanging.
# mitigations=off: a throw-away test guest, and under TCG the speculation
# mitigations cost every syscall a lot.  -nodefaults, q35 and no
# display: no floppy, IDE, CD-ROM or VGA for udev to probe at boot.
append="console=ttyS0 root=/dev/vda rw quiet systemd.unified_cgroup_hierarchy=1"
append+=" apparmor=1 security=apparmor panic=-1 mitigations=off systemd.show_status=0 ${BRIG_VM_APPEND:-}"

start=$(date +%s.%N)
timeout -k 10 "$timeout_s" qemu-system-x86_64 "${accel[@]}" \
  -smp "${BRIG_VM_CPUS:-2}" -m "${BRIG_VM_MEM:-2048}" \
  -machine q35 -nodefaults -nographic -monitor none -serial "file:$run/console.log" -no-reboot \
  -device virtio-rng-pci \
  -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$append" \
  -drive "file=$image/root.qcow2,if=virtio,format=qcow2,snapshot=on" \
  -nic none "${virtfs[@]}" </dev/null >"$run/qemu.log" 2>&1 &
qemu_pid=$!

# Follow the command's output while it runs: print what was appended to
# the shared file since the last look.
printed=0
follow() {
  [ -f "$run/output" ] || return 0
  size=$(stat -c %s "$run/output")
  if [ "$size" -gt "$printed" ]; then
    tail -c +"$((printed + 1))" "$run/output" | head -c "$((size - printed))"
    printed=$size
  fi
}
# sleep in the background and wait: a signal's trap runs at once then, not
# after a foreground child that the signal did not reach.
while kill -0 "$qemu_pid" 2>/dev/null; do
  follow
  sleep 0.5 &
  wait $!
done
qemu_status=0
wait "$qemu_pid" || qemu_status=$?
qemu_pid=
follow
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

if [ -f "$run/status" ]; then
  status=$(cat "$run/status")
  log "boot $(cat "$run/boot-seconds" 2>/dev/null || echo ?) s (guest uptime at command start), total ${elapsed} s, exit status $status"
  exit "$status"
fi
if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
  log "timed out after $timeout_s s (BRIG_VM_TIMEOUT); last console lines:"
else
  log "the VM stopped without an exit status (qemu: $qemu_status); last console lines:"
fi
tail -n 40 "$run/console.log" >&2 || true
cat "$run/qemu.log" >&2 || true
exit 125
