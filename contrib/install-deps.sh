#!/bin/bash
# Installs what building and testing brig needs, from Debian's archive.
# Idempotent and non-interactive; run as root (or with sudo available).
set -euo pipefail

packages=(
  # build
  build-essential autoconf automake libtool pkg-config git
  libyajl-dev libseccomp-dev libcap-dev libselinux1-dev libapparmor-dev libsystemd-dev
  go-md2man
  # tests: busybox rootfs, JSON checks, runc as a reference runtime,
  # clang + compiler-rt for the libFuzzer targets
  busybox-static jq runc clang libclang-rt-14-dev procps
  # podman's default seccomp profile, for the classic-BPF fidelity test
  golang-github-containers-common
  # the engine suites: podman (with conmon) and containerd (with ctr and
  # the runc shim) drive brig; script gives `-it` a terminal
  podman conmon containerd bsdutils
  # the Firejail profiles (/etc/firejail) the profile tests parse
  firejail
  # completion tests
  bash-completion zsh fish
  # style checks (make lint)
  clang-format cppcheck
  # the VM lane (make check-vm): a Debian 12 image made by debootstrap,
  # booted by qemu (mkfs.ext4 -d from e2fsprogs fills its disk)
  qemu-system-x86 qemu-utils debootstrap e2fsprogs
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
