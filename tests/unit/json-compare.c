#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "json-compare.h"

static bool
number_equal(yajl_val a, yajl_val b)
{
  if (YAJL_IS_INTEGER(a) && YAJL_IS_INTEGER(b))
    return YAJL_GET_INTEGER(a) == YAJL_GET_INTEGER(b);
  /* Beyond long long (uint64 values): compare the digits. */
  return strcmp(a->u.number.r, b->u.number.r) == 0;
}

static const char *const *ignored_paths;

static bool
is_ignored(const char *path)
{
  const char *const *p;

  for (p = ignored_paths; p && *p; p++)
    if (strcmp(*p, path) == 0)
      return true;
  return false;
}

static bool
node_equal(yajl_val a, yajl_val b, char *path, size_t path_size)
{
  size_t i, j, len = strlen(path);

  if (a->type != b->type) {
    /* yajl marks big integers as doubles on one side only if their texts
     * differ, which is a real difference; types must match otherwise. */
    if (!(YAJL_IS_NUMBER(a) && YAJL_IS_NUMBER(b) && number_equal(a, b)))
      return false;
    return true;
  }
  if (YAJL_IS_STRING(a))
    return strcmp(a->u.string, b->u.string) == 0;
  if (YAJL_IS_NUMBER(a))
    return number_equal(a, b);
  if (YAJL_IS_ARRAY(a)) {
    if (a->u.array.len != b->u.array.len)
      return false;
    for (i = 0; i < a->u.array.len; i++) {
      snprintf(path + len, path_size - len, "[%zu]", i);
      if (!node_equal(a->u.array.values[i], b->u.array.values[i], path, path_size))
        return false;
      path[len] = '\0';
    }
    return true;
  }
  if (YAJL_IS_OBJECT(a)) {
    size_t kept = 0;

    for (i = 0; i < a->u.object.len; i++) {
      snprintf(path + len, path_size - len, ".%s", a->u.object.keys[i]);
      if (is_ignored(path))
        continue;
      kept++;
      for (j = 0; j < b->u.object.len; j++)
        if (strcmp(a->u.object.keys[i], b->u.object.keys[j]) == 0)
          break;
      if (j == b->u.object.len)
        return false;
      if (!node_equal(a->u.object.values[i], b->u.object.values[j], path, path_size))
        return false;
      path[len] = '\0';
    }
    path[len] = '\0';
    if (kept != b->u.object.len) {
      snprintf(path + len, path_size - len, " (%zu keys vs %zu)", kept, b->u.object.len);
      return false;
    }
    return true;
  }
  return true; /* true, false, null */
}

int
json_equal(const char *a, const char *b, const char *const *ignore, char *why, size_t why_size)
{
  char errbuf[256], path[1024] = "";
  yajl_val ta, tb;
  int r;

  ta = yajl_tree_parse(a, errbuf, sizeof(errbuf));
  tb = yajl_tree_parse(b, errbuf, sizeof(errbuf));
  if (!ta || !tb) {
    snprintf(why, why_size, "not JSON: %s", errbuf);
    yajl_tree_free(ta);
    yajl_tree_free(tb);
    return -1;
  }
  ignored_paths = ignore;
  r = node_equal(ta, tb, path, sizeof(path)) ? 1 : 0;
  ignored_paths = NULL;
  if (!r)
    snprintf(why, why_size, "differs at %s", path[0] ? path : "(top)");
  yajl_tree_free(ta);
  yajl_tree_free(tb);
  return r;
}
