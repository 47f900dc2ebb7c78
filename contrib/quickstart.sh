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
# No terminal (the foreground run keeps brig's own stdio) and a command that
# shows where it runs.
sed -i 's/"terminal": true/"terminal": false/' "$bundle/config.json"
sed -i 's|^\([[:space:]]*\)"sh"$|\1"sh", "-c", "echo hello from brig: hostname $(hostname), pid $$, user $(id -un)"|' \
  "$bundle/config.json"
echo "quickstart: $bundle holds config.json and a busybox rootfs; running it:"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" ./brig run --bundle "$bundle" "quickstart-$$"
