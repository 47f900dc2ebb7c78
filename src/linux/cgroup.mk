# brig's cgroup module (src/linux/cgroup*.c) and its unit tests.  Included
# by the top-level (non-recursive, subdir-objects) Makefile.am, which puts
# $(BRIG_CGROUP_LIB_SOURCES) into src/libbrig.a and initialises the
# variables appended to here.
#
# The kernel tests need root (cgroupfs writes, mknod, bpf(2)); without it
# they print a TAP SKIP.  test-cgroup-convert needs no privileges.

BRIG_CGROUP_LIB_SOURCES = \
	src/linux/cgroup.h src/linux/cgroup.c \
	src/linux/cgroup-internal.h src/linux/cgroup-util.c \
	src/linux/cgroup-lifecycle.c \
	src/linux/cgroup-join.c \
	src/linux/cgroup-state.c \
	src/linux/cgroup-stats.c \
	src/linux/cgroup-v1.c \
	src/linux/cgroup-rt.c \
	src/linux/cgroup-v2.c \
	src/linux/cgroup-convert.h src/linux/cgroup-convert.c \
	src/linux/cgroup-devices.h src/linux/cgroup-devices.c \
	src/linux/cgroup-bpf.c \
	src/linux/systemd-scope.h src/linux/systemd-scope.c

BRIG_CGROUP_TEST_CC_FLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)
BRIG_CGROUP_TEST_LIBS = src/libbrig.a libocispec/libocispec.a $(YAJL_LIBS) $(SECCOMP_LIBS) \
	$(CAP_LIBS) $(SELINUX_LIBS) $(APPARMOR_LIBS) $(SYSTEMD_LIBS)
BRIG_CGROUP_TESTS = \
	tests/unit/test-cgroup-convert \
	tests/unit/test-cgroup-v1 \
	tests/unit/test-cgroup-devices

check_PROGRAMS += $(BRIG_CGROUP_TESTS)
TESTS += $(BRIG_CGROUP_TESTS)

tests_unit_test_cgroup_convert_SOURCES = tests/unit/test-cgroup-convert.c tests/unit/tap.h
tests_unit_test_cgroup_convert_CFLAGS = $(BRIG_CGROUP_TEST_CC_FLAGS)
tests_unit_test_cgroup_convert_LDADD = $(BRIG_CGROUP_TEST_LIBS)

tests_unit_test_cgroup_v1_SOURCES = tests/unit/test-cgroup-v1.c tests/unit/tap.h
tests_unit_test_cgroup_v1_CFLAGS = $(BRIG_CGROUP_TEST_CC_FLAGS)
tests_unit_test_cgroup_v1_LDADD = $(BRIG_CGROUP_TEST_LIBS)

tests_unit_test_cgroup_devices_SOURCES = tests/unit/test-cgroup-devices.c tests/unit/tap.h
tests_unit_test_cgroup_devices_CFLAGS = $(BRIG_CGROUP_TEST_CC_FLAGS)
tests_unit_test_cgroup_devices_LDADD = $(BRIG_CGROUP_TEST_LIBS)
