/* libocispec: round-trip over the corpus in tests/data and the error paths.
 *
 * For every document: it parses; emitting it gives a document equal to the
 * input (same keys and values, any order), so no field is lost or altered;
 * parsing the emitted text and emitting again gives the same bytes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "json-compare.h"
#include "libocispec/ocispec.h"
#include "tap.h"

static char *
read_text(const char *path)
{
  FILE *f = fopen(path, "re");
  char *buf = NULL;
  size_t size = 0;

  if (!f)
    return NULL;
  if (getdelim(&buf, &size, '\0', f) < 0) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  return buf;
}

static int
name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keys outside the runtime-spec that real runtimes write; brig does not
 * model them (crun records its systemd scope in its state output). */
static const char *const vendor_keys[] = { ".systemd-scope", NULL };

/* Unknown keys seen while parsing the corpus: the corpus must have none
 * but the vendor keys above, else oci-spec.def misses a field. */
static int unknown_seen;

static void
count_unknown(void *opaque, const char *doc, const char *path)
{
  char dotted[512];
  size_t i;

  (void)opaque;
  snprintf(dotted, sizeof(dotted), ".%s", path);
  for (i = 0; vendor_keys[i]; i++)
    if (strcmp(vendor_keys[i], dotted) == 0)
      return;
  unknown_seen++;
  tap_diag("%s: unknown key %s", doc, path);
}

static int
roundtrip_dir(const char *dir, const oci_desc *desc)
{
  oci_parse_opts opts = { .unknown_key = count_unknown };
  char **names = NULL;
  size_t n = 0, i;
  struct dirent *de;
  DIR *d = opendir(dir);

  if (!d) {
    TAP_OK(false, "open corpus directory %s", dir);
    return 0;
  }
  while ((de = readdir(d))) {
    if (fnmatch("*.json", de->d_name, 0) != 0)
      continue;
    names = realloc(names, (n + 1) * sizeof(char *));
    names[n++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof(char *), name_cmp);

  for (i = 0; i < n; i++) {
    char *path = NULL, *text, *err = NULL, *out1 = NULL, *out2 = NULL, why[1200] = "";
    void *obj, *obj2 = NULL;
    int eq = 0;

    (void)!asprintf(&path, "%s/%s", dir, names[i]);
    text = read_text(path);
    unknown_seen = 0;
    obj = text ? oci_parse_data(desc, names[i], text, strlen(text), &opts, &err) : NULL;
    TAP_OK(obj != NULL && unknown_seen == 0, "%s: parses, no unknown keys%s%s", names[i],
           err ? ": " : "", err ? err : "");
    if (obj && oci_emit(desc, obj, true, &out1, NULL, &err) == 0) {
      eq = json_equal(text, out1, vendor_keys, why, sizeof(why));
      obj2 = oci_parse_data(desc, names[i], out1, strlen(out1), NULL, &err);
      if (obj2)
        oci_emit(desc, obj2, true, &out2, NULL, &err);
    }
    TAP_OK(eq == 1, "%s: emit gives the same document %s", names[i], why);
    TAP_OK(out1 && out2 && strcmp(out1, out2) == 0, "%s: parse(emit(x)) emits identically",
           names[i]);
    oci_free(desc, obj);
    oci_free(desc, obj2);
    free(out1);
    free(out2);
    free(err);
    free(text);
    free(path);
    free(names[i]);
  }
  free(names);
  return (int)n;
}

struct error_case {
  const char *json;
  const char *expected;
};

/* Each document is wrong in one way; the message must name the file and the
 * JSON path of the problem. */
static const struct error_case config_errors[] = {
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"memory\":{\"limit\":\"1G\"}}}}",
    "config.json: linux.resources.memory.limit: expected an integer, got a string" },
  { "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"args\":[]}}",
    "config.json: process.args: must not be empty" },
  { "{\"root\":{\"path\":\"rootfs\"}}", "config.json: ociVersion: required" },
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pidd\"}]}"
    "}",
    "config.json: linux.namespaces[1].type: invalid value \"pidd\"" },
  { "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"user\":{\"uid\":-1,\"gid\":0}}}",
    "config.json: process.user.uid: -1 out of range [0, 4294967295]" },
  { "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/"
    "\",\"user\":{\"uid\":4294967296,\"gid\":0}}}",
    "config.json: process.user.uid: 4294967296 out of range [0, 4294967295]" },
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"pids\":{\"limit\":1.5}}}}",
    "config.json: linux.resources.pids.limit: expected an integer, got 1.5" },
  { "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}",
    "config.json: root.readonly: expected a boolean, got a string" },
  { "{\"ociVersion\":\"1.2.0\",\"mounts\":[{\"type\":\"proc\"}]}",
    "config.json: mounts[0].destination: required" },
  { "{\"ociVersion\":\"1.2.0\",\"mounts\":{\"destination\":\"/proc\"}}",
    "config.json: mounts: expected an array, got an object" },
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":1}}}",
    "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got a number" },
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}}}",
    "config.json: linux.seccomp.defaultAction: invalid value \"SCMP_ACT_NOPE\"" },
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
    "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
    "\"value\":1,\"op\":\"SCMP_CMP_LIKE\"}]}]}}}",
    "config.json: linux.seccomp.syscalls[0].args[0].op: invalid value \"SCMP_CMP_LIKE\"" },
  { "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_FOO\","
    "\"soft\":1,\"hard\":1}]}}",
    "config.json: process.rlimits[0].type: invalid value \"RLIMIT_FOO\"" },
  { "{\"ociVersion\":\"1.2.0\",\"process\":{\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\","
    "\"soft\":18446744073709551616,\"hard\":1}]}}",
    "config.json: process.rlimits[0].soft: 18446744073709551616 out of range [0, "
    "18446744073709551615]" },
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"resources\":{\"blockIO\":{\"weight\":65536}}}}",
    "config.json: linux.resources.blockIO.weight: 65536 out of range [0, 65535]" },
  { "{\"ociVersion\":\"1.2.0\",\"process\":{\"args\":[\"sh\"]}}",
    "config.json: process.cwd: required" },
  { "{\"ociVersion\":\"1.2.0\",\"hooks\":{\"prestart\":[{\"path\":\"\"}]}}",
    "config.json: hooks.prestart[0].path: must not be empty" },
  { "{\"ociVersion\":\"1.2.0\",\"linux\":{\"timeOffsets\":{\"boottime\":{\"secs\":\"1\"}}}}",
    "config.json: linux.timeOffsets[\"boottime\"].secs: expected an integer, got a string" },
  { "{\"ociVersion\":\"1.2.0\",\"annotations\":[\"a\"]}",
    "config.json: annotations: expected an object, got an array" },
  { "[]", "config.json: expected an object, got an array" },
  { "{\"ociVersion\": \"1.2.0\",", "config.json: invalid JSON: parse error: premature EOF" },
  { "", "config.json: invalid JSON: parse error: premature EOF" },
  { "{\"ociVersion\":null}", "config.json: ociVersion: expected a string, got null" },
};

static void
test_config_errors(void)
{
  size_t i;

  for (i = 0; i < sizeof(config_errors) / sizeof(config_errors[0]); i++) {
    const struct error_case *c = &config_errors[i];
    char *err = NULL;
    void *obj = oci_parse_data(&oci_spec_desc, "config.json", c->json, strlen(c->json), NULL, &err);

    TAP_OK(obj == NULL && err && strcmp(err, c->expected) == 0, "error: %s (got: %s)", c->expected,
           err ? err : "(no error)");
    oci_spec_free(obj);
    free(err);
  }
}

static int unknown_count;
static char unknown_paths[512];

static void
record_unknown(void *opaque, const char *doc, const char *path)
{
  (void)opaque;
  (void)doc;
  unknown_count++;
  strncat(unknown_paths, path, sizeof(unknown_paths) - strlen(unknown_paths) - 2);
  strcat(unknown_paths, ";");
}

static void
test_unknown_keys_and_values(void)
{
  static const char doc[] =
      "{\"ociVersion\":\"1.2.0\",\"fooBar\":1,\"process\":{\"cwd\":\"/\",\"weird\":[1],"
      "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":18446744073709551615,\"hard\":0}]},"
      "\"linux\":{\"resources\":{\"memory\":{\"limit\":-9223372036854775808}},"
      "\"vendorThing\":{}},\"hostname\":\"a\",\"hostname\":\"b\"}";
  oci_parse_opts opts = { .unknown_key = record_unknown };
  char *err = NULL;
  oci_spec *spec;

  spec = oci_parse_data(&oci_spec_desc, "config.json", doc, strlen(doc), &opts, &err);
  TAP_OK(spec != NULL, "unknown keys are accepted %s", err ? err : "");
  TAP_OK(unknown_count == 3, "three unknown keys reported (%d)", unknown_count);
  TAP_OK(strcmp(unknown_paths, "fooBar;process.weird;linux.vendorThing;") == 0,
         "unknown keys reported with their paths: %s", unknown_paths);
  if (!spec)
    return;
  TAP_OK(spec->process->rlimits[0].soft == UINT64_MAX, "uint64 max survives");
  TAP_OK(spec->linux->resources->memory->limit == INT64_MIN, "int64 min survives");
  TAP_OK(spec->linux->resources->memory->has_limit && !spec->linux->resources->memory->has_swap,
         "present and absent scalars are told apart");
  TAP_OK(strcmp(spec->hostname, "b") == 0, "a repeated key keeps the last value");
  TAP_OK(spec->process->args == NULL && !spec->process->has_args, "absent array is NULL");
  oci_spec_free(spec);
}

static void
test_strmap_and_dup(void)
{
  static const char doc[] = "{\"ociVersion\":\"1.2.0\",\"annotations\":{\"a\":\"1\",\"b\":\"2\"},"
                            "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\",\"-c\",\"true\"]}}";
  char *err = NULL, *o1 = NULL, *o2 = NULL;
  oci_spec *spec, *copy;

  spec = oci_parse_data(&oci_spec_desc, "config.json", doc, strlen(doc), NULL, &err);
  TAP_OK(spec && strcmp(oci_strmap_get(&spec->annotations, "b"), "2") == 0, "strmap get");
  TAP_OK(spec && oci_strmap_get(&spec->annotations, "c") == NULL, "strmap get of a missing key");
  TAP_OK(spec && oci_strmap_set(&spec->annotations, "a", "x") == 0 &&
             oci_strmap_set(&spec->annotations, "run.brig.new", "y") == 0 &&
             spec->annotations.len == 3 &&
             strcmp(oci_strmap_get(&spec->annotations, "a"), "x") == 0,
         "strmap set replaces and appends");
  TAP_OK(spec && spec->process->args[3] == NULL, "string arrays are NULL-terminated (execve)");
  copy = spec ? oci_dup(&oci_spec_desc, spec) : NULL;
  TAP_OK(copy && oci_emit(&oci_spec_desc, spec, false, &o1, NULL, &err) == 0 &&
             oci_emit(&oci_spec_desc, copy, false, &o2, NULL, &err) == 0 && strcmp(o1, o2) == 0,
         "dup gives an equal document");
  free(o1);
  free(o2);
  oci_spec_free(copy);
  oci_spec_free(spec);
}

static void
test_process_env(void)
{
  static const char doc[] = "{\"cwd\":\"/\",\"args\":[\"sh\"],"
                            "\"env\":[\"A=1\",\"PATH=/bin\",\"A=2\",\"AB=3\"]}";
  char *err = NULL;
  oci_process *p = oci_parse_data(&oci_process_desc, "process.json", doc, strlen(doc), NULL, &err);

  TAP_OK(p && strcmp(oci_process_getenv(p, "A"), "1") == 0 &&
             strcmp(oci_process_getenv(p, "AB"), "3") == 0 && !oci_process_getenv(p, "B") &&
             !oci_process_getenv(NULL, "A"),
         "getenv: the first NAME=, not a longer name");
  oci_process_unsetenv(p, "A");
  TAP_OK(p->env_len == 2 && strcmp(p->env[0], "PATH=/bin") == 0 && strcmp(p->env[1], "AB=3") == 0 &&
             p->env[2] == NULL,
         "unsetenv removes every A= and keeps the NULL end");
  TAP_OK(oci_process_setenv(p, "PATH", "/usr/bin") == 0 &&
             oci_process_setenv(p, "HOME", "/r") == 0 && p->env_len == 3 &&
             strcmp(p->env[0], "AB=3") == 0 && strcmp(p->env[1], "PATH=/usr/bin") == 0 &&
             strcmp(p->env[2], "HOME=/r") == 0 && p->env[3] == NULL,
         "setenv replaces (moved to the end) and appends");
  oci_process_free(p);
}

static void
test_other_documents(void)
{
  static const char state[] = "{\"ociVersion\":\"1.2.0\",\"id\":\"x\",\"status\":\"flying\","
                              "\"bundle\":\"/b\"}";
  static const char process[] = "{\"cwd\":\"/\",\"args\":[\"true\"],\"terminal\":1}";
  char *err = NULL;
  void *obj;

  obj = oci_parse_data(&oci_state_desc, "state.json", state, strlen(state), NULL, &err);
  TAP_OK(!obj && err && strcmp(err, "state.json: status: invalid value \"flying\"") == 0,
         "state.json: bad status (%s)", err ? err : "");
  free(err);
  obj = oci_parse_data(&oci_process_desc, "process.json", process, strlen(process), NULL, &err);
  TAP_OK(!obj && err &&
             strcmp(err, "process.json: terminal: expected a boolean, got a number") == 0,
         "process.json: bad terminal (%s)", err ? err : "");
  free(err);
  obj = oci_parse_file(&oci_spec_desc, "config.json", "/nonexistent/config.json", NULL, &err);
  TAP_OK(!obj && err &&
             strcmp(err, "config.json: open /nonexistent/config.json: No such file or directory") ==
                 0,
         "missing file (%s)", err ? err : "");
  free(err);
  obj = oci_parse_file(&oci_spec_desc, "config.json", "/", NULL, &err);
  TAP_OK(!obj && err && strstr(err, "not a regular file"), "directory instead of a file (%s)",
         err ? err : "");
  free(err);
}

int
main(void)
{
  const char *data = getenv("BRIG_TEST_DATA");
  char dir[4096];
  int n;

  if (!data)
    data = "tests/data";
  snprintf(dir, sizeof(dir), "%s/specs", data);
  n = roundtrip_dir(dir, &oci_spec_desc);
  TAP_OK(n >= 20, "config.json corpus has %d documents (at least 20)", n);
  snprintf(dir, sizeof(dir), "%s/process", data);
  n = roundtrip_dir(dir, &oci_process_desc);
  TAP_OK(n >= 3, "process.json corpus has %d documents", n);
  snprintf(dir, sizeof(dir), "%s/state", data);
  n = roundtrip_dir(dir, &oci_state_desc);
  TAP_OK(n >= 2, "state.json corpus has %d documents", n);
  snprintf(dir, sizeof(dir), "%s/features", data);
  n = roundtrip_dir(dir, &oci_features_desc);
  TAP_OK(n >= 2, "features.json corpus has %d documents", n);

  test_config_errors();
  test_unknown_keys_and_values();
  test_strmap_and_dup();
  test_process_env();
  test_other_documents();
  return tap_done();
}
