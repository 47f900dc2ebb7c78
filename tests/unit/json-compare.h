/* Semantic comparison of two JSON texts for the round-trip tests: object
 * key order does not matter, numbers compare by value. */
#ifndef BRIG_TESTS_JSON_COMPARE_H
#define BRIG_TESTS_JSON_COMPARE_H

#include <stddef.h>

/* Returns 1 if equal, 0 if not (with a description of the first difference
 * in why), -1 if either text is not JSON.  Keys of a whose path (".a.b")
 * is listed in ignore (NULL-terminated, may be NULL) are left out. */
int json_equal(const char *a, const char *b, const char *const *ignore, char *why, size_t why_size);

#endif
