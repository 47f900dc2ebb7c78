/* libFuzzer target: any bytes as config.json, process.json and state.json.
 * Whatever parses must emit, and the emitted text must parse again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libocispec/ocispec.h"

static void
one(const oci_desc *desc, const uint8_t *data, size_t size)
{
  char *err = NULL, *out = NULL;
  void *obj, *again;

  obj = oci_parse_data(desc, "fuzz.json", (const char *)data, size, NULL, &err);
  free(err);
  err = NULL;
  if (!obj)
    return;
  if (oci_emit(desc, obj, false, &out, NULL, &err) != 0)
    abort();
  again = oci_parse_data(desc, "emitted.json", out, strlen(out), NULL, &err);
  if (!again)
    abort(); /* what we emit we must be able to read */
  oci_free(desc, again);
  oci_free(desc, obj);
  free(out);
  free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  one(&oci_spec_desc, data, size);
  one(&oci_process_desc, data, size);
  one(&oci_state_desc, data, size);
  return 0;
}
