#!/bin/bash
# From a fresh clone on Debian 12: install dependencies, build brig, make a
# busybox bundle from Debian's busybox-static and run a container in it.
set -euo pipefail
cd "$(dirname "$0")/.."

./contrib/install-deps.sh
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure >/dev/null
make -j"$(nproc)" >/dev/null
./brig --version

bundle=${BUNDLE:-$PWD/bundle}
rm -rf "$bundle"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/etc"
cp /bin/busybox "$bundle/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$bundle/rootfs/etc/passwd"
printf 'root:x:0:\n' >"$bundle/rootfs/etc/group"
./brig spec --bundle "$bundle"
echo "quickstart: wrote $bundle/config.json with a busybox rootfs"

if ./brig run --help >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" ./brig run --bundle "$bundle" quickstart
else
  echo "quickstart: brig cannot run containers yet (the lifecycle commands are not" \
       "implemented in this version); stopping after 'brig spec'."
fi
