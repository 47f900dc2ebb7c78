# Helpers for the engine suites (podman, containerd), sourced after lib.sh.
#
# Both engines are isolated in the test's own directory: their config,
# storage, state and sockets live under $ENGINE_DIR, so a test run never
# touches (or depends on) a podman or containerd set up on the machine.
#
# ENGINE_RUNTIME is the OCI runtime under test: the built brig by default;
# ENGINE_RUNTIME=/usr/sbin/runc runs the same checks against runc, which is
# how the suites prove they test the engines' contract and not brig's
# quirks.

ENGINE_RUNTIME=${ENGINE_RUNTIME:-$BRIG}
ENGINE_DIR=$TEST_TMP/engine
ENGINE_IMAGE=localhost/bbox:latest

# engine_busybox_tar OUT: a busybox-static rootfs as a tarball, the only
# image these tests use (no registry is reachable).
engine_busybox_tar() {
  out=$1
  rootfs=$ENGINE_DIR/image-rootfs
  rm -rf "$rootfs"
  make_busybox_rootfs "$rootfs" || return 1
  mkdir -p "$rootfs/var/tmp" "$rootfs/run" "$rootfs/home"
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  printf 'daemon:x:1:1:daemon:/:/bin/false\nbin:x:2:2:bin:/:/bin/false\nappuser:x:1000:1000::/home:/bin/sh\n' \
    >>"$rootfs/etc/passwd"
  printf 'daemon:x:1:\nbin:x:2:\nappgroup:x:1000:\n' >>"$rootfs/etc/group"
  tar -C "$rootfs" -cf "$out" .
}

# engine_podman_setup [DIR]: writes containers.conf and storage.conf for a
# private podman (in DIR, default $ENGINE_DIR/podman) and exports the
# variables that make podman use them.
# CLI-CONTRACT.md explains each setting; default_ulimits is what this
# machine needs (no CAP_SYS_RESOURCE, hard nofile limit 20000).
engine_podman_setup() {
  pd=${1:-$ENGINE_DIR/podman}
  mkdir -p "$pd/graph" "$pd/run" "$pd/tmp"
  rt_name=$(basename "$ENGINE_RUNTIME")
  cat >"$pd/containers.conf" <<EOF
[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile=20000:20000", "nproc=16384:16384"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$pd/events.log"
lock_type = "file"
tmp_dir = "$pd/tmp"
runtime = "$rt_name"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "brig"]
runtime_supports_nocgroups = ["crun", "krun"]

[engine.runtimes]
$rt_name = ["$ENGINE_RUNTIME"]
EOF
  cat >"$pd/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$pd/graph"
runroot = "$pd/run"
EOF
  export CONTAINERS_CONF=$pd/containers.conf
  export CONTAINERS_STORAGE_CONF=$pd/storage.conf
  export TMPDIR=$pd/tmp
}

# P ARGS...: podman with the private configuration and the runtime under
# test.
P() {
  podman --runtime "$ENGINE_RUNTIME" "$@"
}

# engine_podman_import: imports the busybox image as $ENGINE_IMAGE.
engine_podman_import() {
  engine_busybox_tar "$ENGINE_DIR/bbox.tar" || return 1
  podman import -q --change 'CMD ["/bin/sh"]' "$ENGINE_DIR/bbox.tar" "$ENGINE_IMAGE" >/dev/null
}

# engine_unmount_all: unmounts whatever the engines left mounted under
# $ENGINE_DIR (overlay roots, shm), deepest first.
engine_unmount_all() {
  [ -n "$ENGINE_DIR" ] || return 0
  awk -v d="$ENGINE_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount -l "$m"; done
}

# engine_podman_teardown: removes every container and the storage so the
# test dir can be deleted.
engine_podman_teardown() {
  [ -n "${CONTAINERS_CONF:-}" ] || return 0
  P rm -a -f -t 0 >/dev/null 2>&1
  podman system reset -f >/dev/null 2>&1
  engine_unmount_all
  return 0
}

# ---- containerd ----
#
# A private containerd: config, root, state and sockets under
# $ENGINE_DIR/containerd, the CRI plugin disabled; started in the
# background, stopped by its pid.  SOCK is its socket, CTRD_PID its pid.

ENGINE_CD=$ENGINE_DIR/containerd
SOCK=$ENGINE_CD/containerd.sock
CTRD_PID=

# engine_containerd_start: starts it and waits (10 s at most) until it
# answers; non-zero if it does not.
engine_containerd_start() {
  mkdir -p "$ENGINE_CD" "$ENGINE_DIR/tmp"
  cat >"$ENGINE_CD/config.toml" <<CONFIG
version = 2
root = "$ENGINE_CD/root"
state = "$ENGINE_CD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[debug]
  address = "$ENGINE_CD/debug.sock"
  level = "info"

# The opt plugin would otherwise create /opt/containerd.
[plugins."io.containerd.internal.v1.opt"]
  path = "$ENGINE_CD/opt"
CONFIG
  # Its TMPDIR is inherited by the shims (process.json files for exec).
  TMPDIR=$ENGINE_DIR/tmp containerd --config "$ENGINE_CD/config.toml" >"$ENGINE_CD/containerd.log" 2>&1 &
  CTRD_PID=$!
  for _ in $(seq 100); do
    [ -S "$SOCK" ] && ctr -a "$SOCK" version >/dev/null 2>&1 && return 0
    kill -0 "$CTRD_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# engine_containerd_import NAMESPACE: the busybox image, through a private
# podman's oci-archive (ctr 1.6 imports its index with no extra flag).
engine_containerd_import() {
  (
    engine_podman_setup "$ENGINE_DIR/podman-export"
    engine_podman_import &&
      podman save -q --format oci-archive -o "$ENGINE_DIR/bbox-oci.tar" "$ENGINE_IMAGE"
    st=$?
    engine_podman_teardown
    exit $st
  ) && ctr -a "$SOCK" -n "$1" images import "$ENGINE_DIR/bbox-oci.tar"
}

# engine_containerd_shims: our containerd-shim-runc-v2 processes, found by
# our socket in their -address (they outlive containerd).
engine_containerd_shims() {
  [ -n "$SOCK" ] || return 0
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = containerd-shim ] || continue
    tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$SOCK " && echo "${p#/proc/}"
  done
}

# engine_containerd_teardown: removes every task and container of every
# namespace while containerd is up (shims exit with their last task),
# stops containerd by its pid, then clears what is left by pid and path.
engine_containerd_teardown() {
  if [ -n "$CTRD_PID" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
    for ns in $(ctr -a "$SOCK" namespaces ls -q 2>/dev/null); do
      for id in $(ctr -a "$SOCK" -n "$ns" container ls -q 2>/dev/null); do
        ctr -a "$SOCK" -n "$ns" task kill -a -s SIGKILL "$id" >/dev/null 2>&1
        ctr -a "$SOCK" -n "$ns" task delete -f "$id" >/dev/null 2>&1
        ctr -a "$SOCK" -n "$ns" container delete "$id" >/dev/null 2>&1
      done
    done
    kill "$CTRD_PID" 2>/dev/null
    wait "$CTRD_PID" 2>/dev/null
  fi
  for p in $(engine_containerd_shims); do kill -9 "$p" 2>/dev/null; done
  engine_unmount_all
  return 0
}

# engine_setup NAME COMMAND...: skips the whole script unless root and all
# the commands exist.
engine_setup() {
  name=$1
  shift
  if ! is_root; then
    skip "$name" "needs root"
    done_testing
    exit 0
  fi
  for cmd in "$@"; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
      skip "$name" "needs $cmd"
      done_testing
      exit 0
    fi
  done
  mkdir -p "$ENGINE_DIR"
}
