/* libocispec: parse, emit and free the OCI runtime-spec documents.
 *
 * The types come from oci-spec.def (see ocispec-types.h); every document
 * has a descriptor (oci_spec_desc, oci_state_desc, oci_process_desc,
 * oci_features_desc, and one per nested struct) that drives the generic
 * functions below.  Errors are one line naming the document and the JSON
 * path: "config.json: linux.resources.memory.limit: expected an integer".
 */
#ifndef BRIG_OCISPEC_H
#define BRIG_OCISPEC_H

#include <stdio.h>

#include "ocispec-types.h"

#define OCI_RUNTIME_SPEC_VERSION "1.2.0"

enum oci_kind {
  OCI_K_STR,
  OCI_K_ENUM,
  OCI_K_BOOL,
  OCI_K_I32,
  OCI_K_U32,
  OCI_K_I64,
  OCI_K_U64,
  OCI_K_U16,
  OCI_K_OBJ,
  OCI_K_STRV,
  OCI_K_ENUMV,
  OCI_K_U32V,
  OCI_K_OBJV,
  OCI_K_STRMAP,
  OCI_K_OBJMAP,
};

enum oci_field_flags {
  OCI_REQ = 1 << 0,      /* must be present */
  OCI_NONEMPTY = 1 << 1, /* string or array must not be empty */
};

struct oci_desc;

typedef struct oci_field {
  const char *json;
  enum oci_kind kind;
  unsigned flags;
  size_t offset;      /* the value (or the array pointer) */
  size_t has_offset;  /* bool has_<field>, or OCI_NO_OFFSET */
  size_t len_offset;  /* size_t <field>_len, or OCI_NO_OFFSET */
  size_t keys_offset; /* char **<field>_keys for OBJMAP, or OCI_NO_OFFSET */
  const struct oci_desc *sub;
  const char *const *values; /* allowed strings for ENUM / ENUMV */
} oci_field;

#define OCI_NO_OFFSET ((size_t)-1)

typedef struct oci_desc {
  const char *name;
  size_t size;
  const oci_field *fields;
} oci_desc;

#define OCI_STRUCT(T) extern const oci_desc T##_desc;
#define OCI_END(T)
#include "ocispec-fields-empty.h"
#include "oci-spec.def"
#include "ocispec-undef.h"

/* Called once per key the descriptors do not know (runc ignores them too);
 * path is the JSON path of the key, e.g. "linux.foo". */
typedef void (*oci_unknown_key_fn)(void *opaque, const char *doc, const char *path);

typedef struct oci_parse_opts {
  oci_unknown_key_fn unknown_key;
  void *opaque;
} oci_parse_opts;

/* Parse a document.  doc names it in errors ("config.json").  Returns a
 * newly allocated object to release with oci_free(), or NULL with *err set
 * to a malloc'd one-line message. */
void *oci_parse_data(const oci_desc *desc, const char *doc, const char *data, size_t len,
                     const oci_parse_opts *opts, char **err);

/* Same, reading the file at path (opened O_CLOEXEC, size-capped). */
void *oci_parse_file(const oci_desc *desc, const char *doc, const char *path,
                     const oci_parse_opts *opts, char **err);

/* Serialize obj.  *out is malloc'd and NUL-terminated.  Returns 0, or -1
 * with *err set. */
int oci_emit(const oci_desc *desc, const void *obj, bool pretty, char **out, size_t *len,
             char **err);

/* Free obj and everything it owns. */
void oci_free(const oci_desc *desc, void *obj);

/* Free only what obj owns (for structs embedded elsewhere). */
void oci_clear(const oci_desc *desc, void *obj);

/* Deep copy: emit + parse would do it too, this keeps no text around. */
void *oci_dup(const oci_desc *desc, const void *obj);

/* Maps. */
const char *oci_strmap_get(const oci_strmap *map, const char *key);
/* Insert or replace; returns 0 or -1 (ENOMEM). */
int oci_strmap_set(oci_strmap *map, const char *key, const char *value);

/* Replaces the string array *v (*len entries, *has) with a copy of the
 * NULL-terminated src (NULL: empty); -1 (ENOMEM) with *v unchanged. */
int oci_strv_set(char ***v, size_t *len, bool *has, const char *const *src);

/* process.env: the value of the first NAME=, or NULL. */
const char *oci_process_getenv(const oci_process *p, const char *name);
/* Removes every NAME= entry. */
void oci_process_unsetenv(oci_process *p, const char *name);
/* Removes every NAME= entry and appends NAME=VALUE; -1 (ENOMEM) on
 * failure, with p unchanged. */
int oci_process_setenv(oci_process *p, const char *name, const char *value);
void oci_strmap_clear(oci_strmap *map);

/* Typed shorthands for the four documents. */
oci_spec *oci_spec_parse_file(const char *path, const oci_parse_opts *opts, char **err);
oci_process *oci_process_parse_file(const char *path, const oci_parse_opts *opts, char **err);
oci_state *oci_state_parse_file(const char *path, const oci_parse_opts *opts, char **err);
void oci_spec_free(oci_spec *spec);
void oci_process_free(oci_process *process);
void oci_state_free(oci_state *state);
void oci_features_free(oci_features *features);

#endif
