# brig's embedded eBPF VM (src/ebpf/): library, CLI sources, unit tests.
# Included by the top-level (non-recursive, subdir-objects) Makefile.am,
# which initialises the variables appended to here.

EBPF_LIB_C = \
	src/ebpf/common.c \
	src/ebpf/verifier.c \
	src/ebpf/load.c \
	src/ebpf/vm.c \
	src/ebpf/asm.c \
	src/ebpf/disasm.c \
	src/ebpf/testfile.c \
	src/ebpf/cbpf.c \
	src/ebpf/elf.c

noinst_LIBRARIES += src/ebpf/libbrigebpf.a
src_ebpf_libbrigebpf_a_SOURCES = \
	$(EBPF_LIB_C) \
	src/ebpf/ebpf.h \
	src/ebpf/insn.h \
	src/ebpf/ebpf-internal.h

# `brig ebpf ...` (brig_ebpf_main); the brig binary adds it to its sources
# and links src/ebpf/libbrigebpf.a.
BRIG_EBPF_CLI_SOURCES = src/ebpf/ebpf-cli.c src/ebpf/ebpf-cli.h

# The libFuzzer target is not built by `make check`; `make fuzz` (rule in the
# top-level Makefile.am) builds it with:
#   $(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
#     -I$(top_srcdir)/src/ebpf $(EBPF_FUZZ_FILES:%=$(top_srcdir)/%) -o tests/fuzz/fuzz-ebpf
EBPF_FUZZ_FILES = tests/fuzz/fuzz-ebpf.c $(EBPF_LIB_C)

# Unit tests (TAP).  test-ebpf-conformance reads the vectors from
# $BRIG_BPF_CONFORMANCE_DIR, default $(top_srcdir)/../shared/bpf-conformance.
EBPF_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/ebpf -I$(top_srcdir)/tests/unit \
	-DBRIG_TOP_SRCDIR='"$(abs_top_srcdir)"'

EBPF_TESTS = \
	tests/unit/test-ebpf-vm \
	tests/unit/test-ebpf-conformance \
	tests/unit/test-ebpf-cbpf \
	tests/unit/test-ebpf-elf
check_PROGRAMS += $(EBPF_TESTS)
TESTS += $(EBPF_TESTS)

tests_unit_test_ebpf_vm_SOURCES = tests/unit/test-ebpf-vm.c tests/unit/tap.h
tests_unit_test_ebpf_vm_CPPFLAGS = $(EBPF_TEST_CPPFLAGS)
tests_unit_test_ebpf_vm_LDADD = src/ebpf/libbrigebpf.a

tests_unit_test_ebpf_conformance_SOURCES = tests/unit/test-ebpf-conformance.c tests/unit/tap.h
tests_unit_test_ebpf_conformance_CPPFLAGS = $(EBPF_TEST_CPPFLAGS)
tests_unit_test_ebpf_conformance_LDADD = src/ebpf/libbrigebpf.a

tests_unit_test_ebpf_cbpf_SOURCES = tests/unit/test-ebpf-cbpf.c tests/unit/tap.h
tests_unit_test_ebpf_cbpf_CPPFLAGS = $(EBPF_TEST_CPPFLAGS)
tests_unit_test_ebpf_cbpf_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(YAJL_CFLAGS)
tests_unit_test_ebpf_cbpf_LDADD = src/ebpf/libbrigebpf.a $(SECCOMP_LIBS) $(YAJL_LIBS)

# Compiles C with clang -target bpf at test time ($CLANG; TAP SKIP without).
tests_unit_test_ebpf_elf_SOURCES = tests/unit/test-ebpf-elf.c tests/unit/tap.h
tests_unit_test_ebpf_elf_CPPFLAGS = $(EBPF_TEST_CPPFLAGS)
tests_unit_test_ebpf_elf_LDADD = src/ebpf/libbrigebpf.a

EXTRA_DIST += \
	bench/ebpf.sh \
	bench/ebpf-bench.c \
	tests/fuzz/fuzz-ebpf.c \
	docs/brig-ebpf.1.md
