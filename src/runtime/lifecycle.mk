# The container lifecycle (issue 8): spliced into Makefile.am.
BRIG_LIFECYCLE_LIB_SOURCES = \
	src/runtime/container.c src/runtime/container.h \
	src/runtime/annotations.c src/runtime/annotations.h \
	src/runtime/status.c src/runtime/status.h \
	src/runtime/spawn.c src/runtime/spawn.h \
	src/runtime/init.c src/runtime/init.h \
	src/runtime/hooks.c src/runtime/hooks.h \
	src/runtime/terminal.c src/runtime/terminal.h \
	src/runtime/pidfd-socket.c src/runtime/pidfd-socket.h \
	src/runtime/pty-proxy.c src/runtime/pty-proxy.h \
	src/runtime/sealed-exe.c src/runtime/sealed-exe.h \
	src/runtime/preserved-fds.c src/runtime/preserved-fds.h \
	src/runtime/container-cgroup.c src/runtime/container-cgroup.h \
	src/runtime/container-ops.c src/runtime/container-ops.h \
	src/linux/namespaces.c src/linux/namespaces.h src/linux/userns-maps.c src/linux/userns-self.c \
	src/linux/resolve.c src/linux/resolve.h \
	src/linux/rootfs.c src/linux/rootfs.h \
	src/linux/mounts.c src/linux/mounts.h src/linux/copy-tree.c src/linux/copy-tree.h \
	src/linux/mounts-proc.c src/linux/mounts-proc.h \
	src/linux/cgroup-mount.c src/linux/cgroup-mount.h \
	src/linux/devices.c src/linux/devices.h \
	src/linux/caps.c src/linux/caps.h \
	src/linux/rlimits.c src/linux/rlimits.h \
	src/linux/sysctl.c src/linux/sysctl.h \
	src/linux/sched.c src/linux/sched.h \
	src/linux/personality.c src/linux/personality.h \
	src/runtime/validate-process.c src/runtime/validate-process.h \
	src/util/file-util.c src/util/file-util.h \
	src/runtime/exec.c src/runtime/exec-process.c src/runtime/exec.h

BRIG_LIFECYCLE_CMD_SOURCES = \
	src/cmd/lifecycle-commands.h \
	src/cmd/create.c src/cmd/start.c src/cmd/run.c src/cmd/state.c \
	src/cmd/kill.c src/cmd/delete.c src/cmd/list.c src/cmd/sandbox.c \
	src/cmd/cgroup-commands.h \
	src/cmd/pause.c src/cmd/resume.c src/cmd/ps.c src/cmd/update.c src/cmd/events.c \
	src/cmd/exec.c

# lifecycle-lib.sh and helpers/recvtty.c are sourced/built by these and
# belong in EXTRA_DIST.
BRIG_LIFECYCLE_TESTS = \
	tests/integration/lifecycle-basic.sh \
	tests/integration/lifecycle-config.sh \
	tests/integration/lifecycle-errors.sh \
	tests/integration/lifecycle-hooks.sh \
	tests/integration/lifecycle-terminal.sh \
	tests/integration/lifecycle-concurrency.sh \
	tests/integration/lifecycle-security.sh \
	tests/integration/lifecycle-rootless.sh \
	tests/integration/lifecycle-seccomp.sh \
	tests/integration/lifecycle-cgroup.sh \
	tests/integration/lifecycle-devnull.sh \
	tests/integration/lifecycle-joinns.sh \
	tests/integration/lifecycle-spec.sh \
	tests/integration/lifecycle-cgroup-commands.sh \
	tests/integration/lifecycle-process-attrs.sh \
	tests/integration/exec.sh \
	tests/integration/pidfd-socket.sh \
	tests/integration/lifecycle-lsm.sh
