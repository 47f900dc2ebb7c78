# brig's seccomp and LSM modules (src/seccomp/, src/linux/lsm.c) and their
# unit tests.  Included by the top-level (non-recursive, subdir-objects)
# Makefile.am, which initialises the variables appended to here and puts
# $(BRIG_SECCOMP_LIB_SOURCES) into src/libbrig.a (compiled with
# $(YAJL_CFLAGS) $(SECCOMP_CFLAGS) $(SELINUX_CFLAGS) $(APPARMOR_CFLAGS) $(SYSTEMD_CFLAGS)).
#
# Without libseccomp (--disable-seccomp) the sources still build: a spec
# with linux.seccomp is then an error, and only the LSM test runs.

BRIG_SECCOMP_LIB_SOURCES = \
	src/seccomp/filter.h src/seccomp/filter.c \
	src/seccomp/load.h src/seccomp/load.c \
	src/seccomp/listener.h src/seccomp/listener.c \
	src/linux/lsm.h src/linux/lsm.c

BRIG_SECCOMP_TEST_CC_FLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) $(SECCOMP_CFLAGS)
BRIG_SECCOMP_TEST_LIBS = src/libbrig.a libocispec/libocispec.a $(YAJL_LIBS) $(SECCOMP_LIBS) \
	$(SELINUX_LIBS) $(APPARMOR_LIBS) $(SYSTEMD_LIBS) $(CAP_LIBS)
BRIG_SECCOMP_TEST_HDRS = tests/unit/tap.h tests/unit/test-seccomp-util.h

# Needs no libseccomp and no privileges.
check_PROGRAMS += tests/unit/test-seccomp-lsm
TESTS += tests/unit/test-seccomp-lsm
tests_unit_test_seccomp_lsm_SOURCES = tests/unit/test-seccomp-lsm.c tests/unit/tap.h
tests_unit_test_seccomp_lsm_CFLAGS = $(BRIG_SECCOMP_TEST_CC_FLAGS)
tests_unit_test_seccomp_lsm_LDADD = $(BRIG_SECCOMP_TEST_LIBS)

# Filters are loaded in forked children: as root, and without root through
# no_new_privs; a kernel without seccomp makes them skip.
BRIG_SECCOMP_TESTS = \
	tests/unit/test-seccomp-build \
	tests/unit/test-seccomp-actions \
	tests/unit/test-seccomp-notify \
	tests/unit/test-seccomp-podman
if HAVE_SECCOMP
check_PROGRAMS += $(BRIG_SECCOMP_TESTS)
TESTS += $(BRIG_SECCOMP_TESTS)
endif

tests_unit_test_seccomp_build_SOURCES = tests/unit/test-seccomp-build.c $(BRIG_SECCOMP_TEST_HDRS)
tests_unit_test_seccomp_build_CFLAGS = $(BRIG_SECCOMP_TEST_CC_FLAGS)
tests_unit_test_seccomp_build_LDADD = $(BRIG_SECCOMP_TEST_LIBS)

tests_unit_test_seccomp_actions_SOURCES = tests/unit/test-seccomp-actions.c \
	$(BRIG_SECCOMP_TEST_HDRS)
tests_unit_test_seccomp_actions_CFLAGS = $(BRIG_SECCOMP_TEST_CC_FLAGS) -pthread
tests_unit_test_seccomp_actions_LDADD = $(BRIG_SECCOMP_TEST_LIBS) -lpthread

tests_unit_test_seccomp_notify_SOURCES = tests/unit/test-seccomp-notify.c \
	$(BRIG_SECCOMP_TEST_HDRS)
tests_unit_test_seccomp_notify_CFLAGS = $(BRIG_SECCOMP_TEST_CC_FLAGS)
tests_unit_test_seccomp_notify_LDADD = $(BRIG_SECCOMP_TEST_LIBS)

tests_unit_test_seccomp_podman_SOURCES = tests/unit/test-seccomp-podman.c \
	$(BRIG_SECCOMP_TEST_HDRS)
tests_unit_test_seccomp_podman_CFLAGS = $(BRIG_SECCOMP_TEST_CC_FLAGS)
tests_unit_test_seccomp_podman_LDADD = $(BRIG_SECCOMP_TEST_LIBS)
