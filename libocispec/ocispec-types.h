/* C structs for the OCI documents, generated from oci-spec.def.
 *
 * Scalars, arrays and maps carry a has_<field> flag so that "absent" and
 * "zero" stay different (memory.limit absent is not memory.limit 0) and a
 * document survives parse -> emit unchanged.  Strings and objects are NULL
 * when absent.
 */
#ifndef BRIG_OCISPEC_TYPES_H
#define BRIG_OCISPEC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GNU C predefines `linux` as 1; the spec's field is called linux and the
 * code reads better as spec->linux than with a renamed member. */
#undef linux

/* string -> string map that keeps the document's order */
typedef struct oci_strmap {
  char **keys;
  char **values;
  size_t len;
  bool present;
} oci_strmap;

#include "ocispec-fields-empty.h"
#define OCI_STRUCT(T) typedef struct T T;
#define OCI_END(T)
#include "oci-spec.def"
#include "ocispec-undef.h"

#define OCI_STRUCT(T) struct T {
#define OCI_END(T) \
  }                \
  ;
#define OCI_STR(T, f, j, fl) char *f;
#define OCI_ENUM(T, f, j, fl, v) char *f;
#define OCI_SCALAR_(ctype, f) \
  ctype f;                    \
  bool has_##f;
#define OCI_BOOL(T, f, j, fl) OCI_SCALAR_(bool, f)
#define OCI_I32(T, f, j, fl) OCI_SCALAR_(int32_t, f)
#define OCI_U32(T, f, j, fl) OCI_SCALAR_(uint32_t, f)
#define OCI_I64(T, f, j, fl) OCI_SCALAR_(int64_t, f)
#define OCI_U64(T, f, j, fl) OCI_SCALAR_(uint64_t, f)
#define OCI_U16(T, f, j, fl) OCI_SCALAR_(uint16_t, f)
#define OCI_OBJ(T, f, j, fl, S) S *f;
#define OCI_ARRAY_(ctype, f) \
  ctype *f;                  \
  size_t f##_len;            \
  bool has_##f;
#define OCI_STRV(T, f, j, fl) OCI_ARRAY_(char *, f)
#define OCI_ENUMV(T, f, j, fl, v) OCI_ARRAY_(char *, f)
#define OCI_U32V(T, f, j, fl) OCI_ARRAY_(uint32_t, f)
#define OCI_OBJV(T, f, j, fl, S) OCI_ARRAY_(S, f)
#define OCI_STRMAP(T, f, j, fl) oci_strmap f;
#define OCI_OBJMAP(T, f, j, fl, S) \
  char **f##_keys;                 \
  OCI_ARRAY_(S, f)
#include "oci-spec.def"
#include "ocispec-undef.h"
#undef OCI_SCALAR_
#undef OCI_ARRAY_

#endif
