/* The error type, the JSON log format, the default spec and features. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "runtime/default-spec.h"
#include "runtime/features.h"
#include "tap.h"
#include "util/error.h"
#include "util/log.h"

static void
test_errors(void)
{
  brig_error *err = NULL;

  TAP_OK(brig_fail(&err, ENOENT, "open %s", "/x") == -1, "brig_fail returns -1");
  TAP_OK(strcmp(err->msg, "open /x: No such file or directory") == 0 && err->errnum == ENOENT,
         "message carries strerror: %s", err->msg);
  brig_error_wrap(&err, "create %s", "c1");
  TAP_OK(strcmp(err->msg, "create c1: open /x: No such file or directory") == 0,
         "wrap prefixes the step: %s", err->msg);
  brig_fail(&err, 0, "replaced");
  TAP_OK(strcmp(err->msg, "replaced") == 0, "a new failure replaces the old one");
  brig_error_clear(&err);
  TAP_OK(err == NULL, "clear resets the pointer");
}

/* Reads the lines of path into lines[]; returns how many (at most max). */
static int
read_lines(const char *path, char lines[][2048], int max)
{
  FILE *f = fopen(path, "re");
  int n = 0;

  if (!f)
    return 0;
  while (n < max + 1 && fgets(lines[n < max ? n : max - 1], 2048, f))
    n++;
  fclose(f);
  return n;
}

/* The string at path in tree, or "" when absent. */
static const char *
json_str(yajl_val tree, const char **path)
{
  yajl_val v = tree ? yajl_tree_get(tree, path, yajl_t_string) : NULL;
  const char *s = v ? YAJL_GET_STRING(v) : NULL;

  return s ? s : "";
}

static void
test_json_log(void)
{
  char path[] = "/tmp/brig-test-log-XXXXXX";
  const char *level_path[] = { "level", NULL }, *msg_path[] = { "msg", NULL },
             *time_path[] = { "time", NULL };
  brig_error *err = NULL, *fatal = NULL;
  static char lines[3][2048];
  char errbuf[128];
  const char *t;
  yajl_val tree;
  int fd = mkstemp(path), n;

  close(fd);
  TAP_OK(brig_log_init(path, BRIG_LOG_JSON, BRIG_LOG_WARNING, &err) == 0, "log file opens");
  brig_log(BRIG_LOG_DEBUG, "not logged at warning level");
  brig_warn("a \"quoted\"\tword");
  brig_fail(&fatal, 0, "create c1: not implemented yet");
  brig_log_error(fatal);
  brig_error_free(fatal);
  brig_log_close();
  n = read_lines(path, lines, 3);
  unlink(path);
  TAP_OK(n == 2, "two lines written, debug filtered out (%d)", n);
  tree = yajl_tree_parse(lines[0], errbuf, sizeof(errbuf));
  TAP_OK(strcmp(json_str(tree, msg_path), "a \"quoted\"\tword") == 0,
         "warning line is JSON, msg escaped");
  yajl_tree_free(tree);
  tree = yajl_tree_parse(lines[1], errbuf, sizeof(errbuf));
  TAP_OK(strcmp(json_str(tree, level_path), "error") == 0, "error line has level error");
  TAP_OK(strcmp(json_str(tree, msg_path), "create c1: not implemented yet") == 0,
         "error line has the message without the brig: prefix");
  t = json_str(tree, time_path);
  TAP_OK(strlen(t) == 30 && t[10] == 'T' && t[29] == 'Z',
         "time is RFC 3339 UTC with nanoseconds: %s", t);
  yajl_tree_free(tree);
  TAP_OK(brig_log_init("/nonexistent/dir/log", BRIG_LOG_JSON, BRIG_LOG_WARNING, &err) < 0 && err &&
             strcmp(err->msg, "open log file /nonexistent/dir/log: No such file or directory") == 0,
         "unwritable log file is an error");
  brig_error_clear(&err);
}

static bool
has_namespace(const oci_spec *spec, const char *type)
{
  size_t i;

  for (i = 0; i < spec->linux->namespaces_len; i++)
    if (strcmp(spec->linux->namespaces[i].type, type) == 0)
      return true;
  return false;
}

static void
test_default_spec(void)
{
  brig_error *err = NULL;
  oci_spec *spec = brig_default_spec(false, 1000, 1001, &err);
  oci_spec *rootless = brig_default_spec(true, 1000, 1001, &err);
  size_t i;
  bool sys_bind = false, pts_gid = false;

  TAP_OK(spec && has_namespace(spec, "network") && !has_namespace(spec, "user") &&
             spec->linux->resources,
         "default spec: network namespace, no user namespace, device cgroup");
  TAP_OK(rootless && !has_namespace(rootless, "network") && has_namespace(rootless, "user") &&
             !rootless->linux->resources,
         "rootless spec: user namespace instead of network, no device cgroup");
  TAP_OK(rootless && rootless->linux->uid_mappings_len == 1 &&
             rootless->linux->uid_mappings[0].host_id == 1000 &&
             rootless->linux->gid_mappings[0].host_id == 1001 &&
             rootless->linux->uid_mappings[0].container_id == 0,
         "rootless spec maps the caller to root");
  for (i = 0; rootless && i < rootless->mounts_len; i++) {
    oci_mount *m = &rootless->mounts[i];
    size_t j;

    if (strcmp(m->destination, "/sys") == 0)
      sys_bind = strcmp(m->type, "none") == 0 && strcmp(m->options[0], "rbind") == 0;
    for (j = 0; j < m->options_len; j++)
      pts_gid |= strcmp(m->options[j], "gid=5") == 0;
  }
  TAP_OK(sys_bind && !pts_gid, "rootless spec binds /sys and drops gid=5 from devpts");
  oci_spec_free(spec);
  oci_spec_free(rootless);
}

static void
test_features(void)
{
  brig_error *err = NULL;
  oci_features *f = brig_features(&err);
  char *json = NULL, *perr = NULL;

  TAP_OK(f && strcmp(f->oci_version_max, OCI_RUNTIME_SPEC_VERSION) == 0, "features: ociVersionMax");
  TAP_OK(f && oci_strmap_get(&f->annotations, "run.brig.version") != NULL,
         "features: run.brig.version annotation");
  TAP_OK(f && f->linux->cgroup->v1 && f->linux->cgroup->v2 && f->linux->cgroup->has_systemd &&
             !f->linux->cgroup->systemd,
         "features: cgroupfs v1 and v2, no systemd driver yet");
  TAP_OK(f && oci_emit(&oci_features_desc, f, true, &json, NULL, &perr) == 0, "features: emits");
  free(json);
  free(perr);
  oci_features_free(f);
}

int
main(void)
{
  test_errors();
  test_json_log();
  test_default_spec();
  test_features();
  return tap_done();
}
