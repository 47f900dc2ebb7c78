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
	src/policy/firejail/macros.c

# The "check" subcommand, linked into the brig binary by the top-level file.
BRIG_FIREJAIL_CLI_SOURCES = src/policy/firejail/firejail-check.c

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
	$(BRIG_FIREJAIL_CLI_SOURCES) tests/unit/tap.h
tests_unit_test_firejail_check_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_check_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

tests_unit_test_firejail_corpus_SOURCES = tests/unit/test-firejail-corpus.c \
	tests/unit/test-firejail-util.h tests/unit/tap.h
tests_unit_test_firejail_corpus_CPPFLAGS = $(AM_CPPFLAGS) $(BRIG_FIREJAIL_TEST_CPPFLAGS)
tests_unit_test_firejail_corpus_LDADD = $(BRIG_FIREJAIL_TEST_LDADD)

EXTRA_DIST += tests/fuzz/fuzz-firejail.c

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
	src/policy/firejail/macros.c
