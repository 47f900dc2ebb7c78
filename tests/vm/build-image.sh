#!/bin/bash
# Builds the Debian 12 image of brig's VM lane and prints its directory.
#
# The image is a debootstrapped bookworm with Debian's own kernel, systemd
# as PID 1 (pure cgroup v2, systemd 252's default), AppArmor, and
# brig-vm-test.service, which runs the command tests/vm/run.sh hands it.
# The directory holds root.qcow2 (ext4, no partition table), vmlinuz and
# initrd.img.  It is cached under $BRIG_VM_CACHE (default
# /var/cache/brig-vm), keyed by a hash of this script and of the guest
# files, so that a change to either builds a new image and an unchanged
# tree reuses the old one.  No loop device and no mount of the image:
# mkfs.ext4 -d fills the file system from a directory.
#
# Usage: build-image.sh [--force]   (needs root, debootstrap, qemu-utils)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${BRIG_VM_CACHE:-/var/cache/brig-vm}
mirror=${BRIG_VM_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
disk_size=6G
force=0
[ "${1:-}" = --force ] && force=1

# What the image holds beyond minbase.  The libraries are brig's runtime
# dependencies (the host's binary runs unchanged: same Debian release);
# the tools are what the integration tests call (gcc and libc6-dev build
# their small helpers, busybox-static makes the container rootfs).
packages=(
  systemd systemd-sysv dbus udev kmod linux-image-amd64 initramfs-tools
  apparmor
  libyajl2 libseccomp2 libcap2 libselinux1 libapparmor1 libsystemd0
  bash coreutils util-linux procps iproute2 findutils grep sed mawk
  busybox-static jq gcc libc6-dev strace
)

guest_files=("$here/guest/brig-vm-test" "$here/guest/brig-vm-test.service")
key=$(cat "$0" "${guest_files[@]}" | sha256sum | cut -c1-16)
out=$cache/$key

log() { echo "build-image: $*" >&2; }

if [ "$force" -eq 0 ] && [ -f "$out/root.qcow2" ]; then
  echo "$out"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || { log "needs root (debootstrap, chroot)"; exit 1; }
for tool in debootstrap mkfs.ext4 qemu-img; do
  command -v "$tool" >/dev/null || { log "$tool is missing (contrib/install-deps.sh installs it)"; exit 1; }
done

mkdir -p "$cache"
# One build at a time: two check-vm runs started together share the result.
exec 9>"$cache/.lock"
flock 9
if [ "$force" -eq 0 ] && [ -f "$out/root.qcow2" ]; then
  echo "$out"
  exit 0
fi

# Under the lock a build directory left behind is one whose build was
# killed outright (no trap ran): unmount what it had mounted, then drop it.
for stale in "$cache"/build.*; do
  [ -d "$stale" ] || continue
  awk -v d="$stale/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$stale"
done
work=$(mktemp -d "$cache/build.XXXXXX")
rootfs=$work/rootfs
cleanup() {
  # debootstrap mounts proc and sys in the target and a failed run can
  # leave them; so can our own chroot steps.  Unmount before rm -rf.
  for m in "$rootfs/proc" "$rootfs/sys" "$rootfs/dev/pts" "$rootfs/dev"; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m"
  done
  rm -rf "$work"
}
trap cleanup EXIT

start=$(date +%s)
log "debootstrap $suite into $rootfs (log: $work/debootstrap.log)"
mkdir -p "$cache/debs"
include=$(IFS=,; echo "${packages[*]}")
if ! debootstrap --variant=minbase --cache-dir="$cache/debs" --include="$include" \
  "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 30 "$work/debootstrap.log" >&2
  [ -f "$rootfs/debootstrap/debootstrap.log" ] && tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2
  log "debootstrap failed"
  exit 1
fi
log "debootstrap done in $(($(date +%s) - start)) s"

# ---- configuration ----
echo brig-vm >"$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 brig-vm\n::1 localhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
# fsck pass 0: every run boots a throw-away snapshot of a clean image.
echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' >"$rootfs/etc/fstab"
# A fixed machine id: an empty one would make every boot a "first boot"
# (presets, firstboot units), which is slower and varies.
echo "$key$key" >"$rootfs/etc/machine-id"

# A small initramfs of exactly what finding the root disk takes: booting
# is faster than with Debian's "most".  (9p is loaded by brig-vm-test.)
cat >"$rootfs/etc/initramfs-tools/conf.d/brig-vm" <<'EOF'
MODULES=list
COMPRESS=zstd
EOF
printf '%s\n' virtio_pci virtio_blk ext4 >"$rootfs/etc/initramfs-tools/modules"

install -m 0755 "$here/guest/brig-vm-test" "$rootfs/usr/local/sbin/brig-vm-test"
install -m 0644 "$here/guest/brig-vm-test.service" "$rootfs/etc/systemd/system/brig-vm-test.service"

# Units that only slow the boot down or talk on the console the lane owns:
# logins (nobody logs in), periodic maintenance, time sync.
mask=(serial-getty@ttyS0.service getty@tty1.service getty.target
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service
  fstrim.timer systemd-timesyncd.service)
for unit in "${mask[@]}"; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
ln -sf /lib/systemd/system/multi-user.target "$rootfs/etc/systemd/system/default.target"
mkdir -p "$rootfs/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/brig-vm-test.service \
  "$rootfs/etc/systemd/system/multi-user.target.wants/brig-vm-test.service"

# ---- initramfs ----
log "update-initramfs"
mount -t proc proc "$rootfs/proc"
kver=$(basename "$(find "$rootfs/lib/modules" -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)")
rm -f "$rootfs/boot/initrd.img-$kver"
chroot "$rootfs" update-initramfs -c -k "$kver" >"$work/initramfs.log" 2>&1 ||
  { cat "$work/initramfs.log" >&2; log "update-initramfs failed"; exit 1; }
umount "$rootfs/proc"

mkdir -p "$work/out"
cp "$rootfs/boot/vmlinuz-$kver" "$work/out/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$work/out/initrd.img"
chmod 0644 "$work/out/vmlinuz" "$work/out/initrd.img"
chroot "$rootfs" dpkg-query -W -f='${Package} ${Version}\n' >"$work/out/packages.txt"
echo "$kver" >"$work/out/kernel-version"

# Nothing of the build needs to stay in the image.
rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"* "$rootfs/debootstrap"

# ---- disk ----
log "mkfs.ext4 -d ($disk_size, sparse)"
# A fixed UUID and hash seed, derived from the key: the same inputs give
# the same file system layout.
uuid=$(echo "$key" | sha256sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')
truncate -s "$disk_size" "$work/root.raw"
E2FSPROGS_FAKE_TIME=$(stat -c %Y "$rootfs/etc/hostname") \
  mkfs.ext4 -q -F -L brig-root -U "$uuid" -E "hash_seed=$uuid" -d "$rootfs" "$work/root.raw"
qemu-img convert -O qcow2 "$work/root.raw" "$work/out/root.qcow2"
rm -f "$work/root.raw"

# Publish atomically: run.sh only ever sees a complete directory.
rm -rf "$out"
mv "$work/out" "$out"
# Keep the two newest images: another checkout may still use the previous.
find "$cache" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | grep -E ' .*/[0-9a-f]{16}$' |
  sort -rn | tail -n +3 | cut -d' ' -f2- | xargs -r rm -rf
log "image $out built in $(($(date +%s) - start)) s"
echo "$out"
