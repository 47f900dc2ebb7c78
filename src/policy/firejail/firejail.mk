# Firejail profile front-end (src/policy/firejail), included from the
# top-level Makefile.am (non-recursive, subdir-objects).

noinst_LIBRARIES += src/policy/firejail/libbrigfirejail.a
src_policy_firejail_libbrigfirejail_a_SOURCES = \
	src/policy/firejail/firejail.h \
	src/policy/firejail/internal.h \
	src/policy/firejail/lexer.c \
	src/policy/firejail/directives.c \
	src/policy/firejail/parser.c \
	src/policy/firejail/include.c \
	src/policy/firejail/conditions.c \
	src/policy/firejail/macros.c \
	src/policy/firejail/cache.c

# The converter (profile + base spec -> spec).  It needs libocispec and
# src/runtime/default-spec.c, so it is a library of its own for the tests,
# and compiled into brig through BRIG_FIREJAIL_CLI_SOURCES (the top-level
# brig_LDADD lists libocispec before the Firejail library).
BRIG_FIREJAIL_OCI_SOURCES = \
	src/policy/firejail/to-oci.h \
	src/policy/firejail/to-oci-internal.h \
	src/policy/firejail/to-oci.c \
	src/policy/firejail/to-oci-util.c \
	src/policy/firejail/to-oci-mounts.c \
	src/policy/firejail/to-oci-lib.c \
	src/policy/firejail/elf-needed.h \
	src/policy/firejail/elf-needed.c \
	src/policy/firejail/to-oci-seccomp.c \
	src/policy/firejail/seccomp-lists.c \
	src/policy/firejail/convert-base.h \
	src/policy/firejail/convert-base.c
noinst_LIBRARIES += src/policy/firejail/libbrigfirejailoci.a
src_policy_firejail_libbrigfirejailoci_a_SOURCES = $(BRIG_FIREJAIL_OCI_SOURCES)
src_policy_firejail_libbrigfirejailoci_a_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)

# The "check" and "convert" subcommands, linked into the brig binary by the
# top-level file.
BRIG_FIREJAIL_CLI_SOURCES = src/policy/firejail/firejail-check.c \
	src/policy/firejail/convert-cli.c \
	$(BRIG_FIREJAIL_OCI_SOURCES)

BRIG_FIREJAIL_TEST_CPPFLAGS = \
	-I$(top_srcdir)/src/policy/firejail \
	-I$(top_srcdir)/tests/unit
BRIG_FIREJAIL_TEST_LDADD = src/policy/firejail/libbrigfirejail.a

check_PROGRAMS += \
	tests/unit/test-firejail-lexer \
	tests/unit/test-firejail-directives \
	tests/unit/test-firejail-include \
	tests/unit/test-firejail-conditions \
	tests/unit/test-firejail-macros \
	tests/unit/test-firejail-check \
	tests/unit/test-firejail-corpus

TESTS += \
	tests/unit/test-firejail-lexer \
	tests/unit/test-firejail-directives \
	tests/unit/test-firejail-include \
	tests/unit/test-firejail-conditions \
	tests/unit/test-firejail-macros \
	tests/unit/test-firejail-check \
	tests/unit/test-firejail-corpus

tests_unit_test_firejail_lexer_SOURCES = tests/unit/test-firejail-lexer.c tests/unit/tap.h
tests_unit_test_firejail_lexer_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_lexer_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

tests_unit_test_firejail_directives_SOURCES = tests/unit/test-firejail-directives.c \
	tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_directives_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_directives_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

tests_unit_test_firejail_include_SOURCES = tests/unit/test-firejail-include.c \
	tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_include_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_include_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

tests_unit_test_firejail_conditions_SOURCES = tests/unit/test-firejail-conditions.c \
	tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_conditions_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_conditions_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

tests_unit_test_firejail_macros_SOURCES = tests/unit/test-firejail-macros.c \
	tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_macros_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_macros_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

tests_unit_test_firejail_check_SOURCES = tests/unit/test-firejail-check.c \
	src/policy/firejail/firejail-check.c tests/unit/tap.h
tests_unit_test_firejail_check_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_check_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

tests_unit_test_firejail_corpus_SOURCES = tests/unit/test-firejail-corpus.c \
	tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_corpus_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_corpus_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

BRIG_FIREJAIL_OCI_TEST_LDADD = src/policy/firejail/libbrigfirejailoci.a \
	src/policy/firejail/libbrigfirejail.a src/libbrig.a libocispec/libocispec.a $(YAJL_LIBS)
BRIG_FIREJAIL_OCI_TEST_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS)

check_PROGRAMS += \
	tests/unit/test-firejail-convert \
	tests/unit/test-firejail-convert-golden \
	tests/unit/test-firejail-convert-corpus \
	tests/unit/test-firejail-elf-needed \
	tests/unit/test-firejail-private-lib
TESTS += \
	tests/unit/test-firejail-convert \
	tests/unit/test-firejail-convert-golden \
	tests/unit/test-firejail-convert-corpus \
	tests/unit/test-firejail-elf-needed \
	tests/unit/test-firejail-private-lib

tests_unit_test_firejail_elf_needed_SOURCES = tests/unit/test-firejail-elf-needed.c \
	tests/unit/test-firejail-elf-needed.h tests/unit/tap.h
tests_unit_test_firejail_elf_needed_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_elf_needed_CFLAGS = $(BRIG_FIREJAIL_OCI_TEST_CFLAGS)
tests_unit_test_firejail_elf_needed_LDADD = $(BRIG_FIREJAIL_OCI_TEST_LDADD)

tests_unit_test_firejail_private_lib_SOURCES = tests/unit/test-firejail-private-lib.c \
	tests/unit/test-firejail-elf-needed.h tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_private_lib_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_private_lib_CFLAGS = $(BRIG_FIREJAIL_OCI_TEST_CFLAGS)
tests_unit_test_firejail_private_lib_LDADD = $(BRIG_FIREJAIL_OCI_TEST_LDADD)

tests_unit_test_firejail_convert_SOURCES = tests/unit/test-firejail-convert.c \
	tests/unit/test-firejail-convert-fixture.h tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_convert_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_convert_CFLAGS = $(BRIG_FIREJAIL_OCI_TEST_CFLAGS)
tests_unit_test_firejail_convert_LDADD = $(BRIG_FIREJAIL_OCI_TEST_LDADD)

tests_unit_test_firejail_convert_golden_SOURCES = tests/unit/test-firejail-convert-golden.c \
	tests/unit/test-firejail-convert-fixture.h tests/unit/json-compare.h \
	tests/unit/json-compare.c tests/unit/tap.h
tests_unit_test_firejail_convert_golden_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_convert_golden_CFLAGS = $(BRIG_FIREJAIL_OCI_TEST_CFLAGS)
tests_unit_test_firejail_convert_golden_LDADD = $(BRIG_FIREJAIL_OCI_TEST_LDADD)

tests_unit_test_firejail_convert_corpus_SOURCES = tests/unit/test-firejail-convert-corpus.c \
	tests/unit/test-firejail-convert-fixture.h tests/unit/tap.h
tests_unit_test_firejail_convert_corpus_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_convert_corpus_CFLAGS = $(BRIG_FIREJAIL_OCI_TEST_CFLAGS)
tests_unit_test_firejail_convert_corpus_LDADD = $(BRIG_FIREJAIL_OCI_TEST_LDADD)

EXTRA_DIST += tests/fuzz/fuzz-firejail.c tests/fuzz/fuzz-elf-needed.c bench/firejail.sh tests/integration/helpers/fjprobe.c

# libFuzzer target (tests/fuzz/fuzz-firejail.c), for the top-level "make fuzz":
#   clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
#     -fno-sanitize-recover=undefined -I$(top_srcdir)/src/policy/firejail \
#     -o tests/fuzz/fuzz-firejail tests/fuzz/fuzz-firejail.c $(BRIG_FIREJAIL_FUZZ_SRC)
BRIG_FIREJAIL_FUZZ_SRC = \
	src/policy/firejail/lexer.c \
	src/policy/firejail/directives.c \
	src/policy/firejail/parser.c \
	src/policy/firejail/include.c \
	src/policy/firejail/conditions.c \
	src/policy/firejail/macros.c \
	src/policy/firejail/cache.c

# libFuzzer target of private-lib's ELF reader (FUZZ_TARGETS in Makefile.am).
tests/fuzz/fuzz-elf-needed: $(srcdir)/tests/fuzz/fuzz-elf-needed.c \
		$(srcdir)/src/policy/firejail/elf-needed.c $(srcdir)/src/policy/firejail/elf-needed.h
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(srcdir)/src/policy/firejail $(srcdir)/tests/fuzz/fuzz-elf-needed.c \
	  $(srcdir)/src/policy/firejail/elf-needed.c -o $@
