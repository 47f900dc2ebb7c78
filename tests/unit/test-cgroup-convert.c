/* Cgroup module parts that need no privileges: the v1 -> v2 conversions,
 * cgroupsPath resolution and its errors, the state round trip, and the
 * device rule list and its BPF program (built, not loaded). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "linux/cgroup-convert.h"
#include "linux/cgroup-devices.h"
#include "linux/cgroup.h"
#include "linux/systemd-scope.h"
#include "tap.h"

static oci_linux *
parse_linux(const char *json)
{
  char *msg = NULL;
  oci_linux *l = oci_parse_data(&oci_linux_desc, "config.json", json, strlen(json), NULL, &msg);

  if (!l)
    tap_diag("parse: %s", msg ? msg : "?");
  free(msg);
  return l;
}

static void
test_conversions(void)
{
  brig_error *err = NULL;
  int64_t swap = 0;
  char buf[64];
  int r;

  TAP_OK(brig_cgroup_shares_to_weight(0) == 0, "shares 0 stays unset");
  TAP_OK(brig_cgroup_shares_to_weight(2) == 1, "shares 2 -> weight 1");
  TAP_OK(brig_cgroup_shares_to_weight(1024) == 39, "shares 1024 -> weight 39 (%llu)",
         (unsigned long long)brig_cgroup_shares_to_weight(1024));
  TAP_OK(brig_cgroup_shares_to_weight(512) == 20, "shares 512 -> weight 20");
  TAP_OK(brig_cgroup_shares_to_weight(262144) == 10000, "shares 262144 -> weight 10000");
  TAP_OK(brig_cgroup_shares_to_weight(1000000) == 10000, "shares above range clamp to 10000");
  TAP_OK(brig_cgroup_blkio_to_io_weight(10) == 1, "blkio 10 -> io 1");
  TAP_OK(brig_cgroup_blkio_to_io_weight(1000) == 10000, "blkio 1000 -> io 10000");
  TAP_OK(brig_cgroup_blkio_to_io_weight(500) == 4950, "blkio 500 -> io 4950 (%llu)",
         (unsigned long long)brig_cgroup_blkio_to_io_weight(500));

  TAP_OK(brig_cgroup_swap_to_v2(134217728, 67108864, &swap, &err) == 1 && swap == 67108864,
         "swap 128M with memory 64M -> swap.max 64M");
  TAP_OK(brig_cgroup_swap_to_v2(67108864, 67108864, &swap, &err) == 1 && swap == 0,
         "swap == memory -> swap.max 0");
  TAP_OK(brig_cgroup_swap_to_v2(-1, 67108864, &swap, &err) == 1 && swap == -1, "swap -1 -> max");
  TAP_OK(brig_cgroup_swap_to_v2(0, -1, &swap, &err) == 1 && swap == -1,
         "memory -1 without swap -> swap max");
  TAP_OK(brig_cgroup_swap_to_v2(0, 67108864, &swap, &err) == 0, "no swap value -> nothing");
  r = brig_cgroup_swap_to_v2(1000, 2000, &swap, &err);
  TAP_OK(r < 0 && err &&
             strcmp(err->msg, "linux.resources.memory.swap: 1000 is below memory.limit 2000 "
                              "(swap is memory+swap)") == 0,
         "swap below memory: %s", err ? err->msg : "no error");
  brig_error_clear(&err);
  r = brig_cgroup_swap_to_v2(1000, 0, &swap, &err);
  TAP_OK(r < 0 && err && strstr(err->msg, "needs a memory limit"), "swap without memory limit: %s",
         err ? err->msg : "no error");
  brig_error_clear(&err);

  brig_cgroup_limit_str(-1, buf, sizeof(buf));
  TAP_OK(strcmp(buf, "max") == 0, "limit -1 -> max");
  brig_cgroup_limit_str(4096, buf, sizeof(buf));
  TAP_OK(strcmp(buf, "4096") == 0, "limit 4096 -> 4096");
  TAP_OK(brig_cgroup_cpu_max(50000, 100000, buf, sizeof(buf)) == 1 &&
             strcmp(buf, "50000 100000") == 0,
         "cpu.max quota+period: %s", buf);
  TAP_OK(brig_cgroup_cpu_max(-1, 100000, buf, sizeof(buf)) == 1 && strcmp(buf, "max 100000") == 0,
         "cpu.max unlimited: %s", buf);
  TAP_OK(brig_cgroup_cpu_max(20000, 0, buf, sizeof(buf)) == 1 && strcmp(buf, "20000") == 0,
         "cpu.max quota only: %s", buf);
  TAP_OK(brig_cgroup_cpu_max(0, 0, buf, sizeof(buf)) == 0, "cpu.max unset");
}

static void
expect_resolve_error(const char *json, const char *want)
{
  oci_linux *l = parse_linux(json);
  brig_cgroup *cg = NULL;
  brig_error *err = NULL;
  int r = brig_cgroup_resolve("c1", l, &cg, &err);

  TAP_OK(r < 0 && err && strcmp(err->msg, want) == 0, "error for %s: %s", json,
         err ? err->msg : "none");
  brig_error_clear(&err);
  brig_cgroup_free(cg);
  oci_free(&oci_linux_desc, l);
}

static void
test_resolve(void)
{
  brig_cgroup *cg = NULL, *back = NULL;
  brig_error *err = NULL;
  oci_linux *l;
  char *text, *text2;
  int r;

  if (brig_cgroup_detect() == BRIG_CGROUP_LAYOUT_NONE) {
    TAP_SKIP("no cgroup file system mounted");
    return;
  }
  expect_resolve_error("{\"cgroupsPath\":\"/a/../b\"}",
                       "linux.cgroupsPath: \"/a/../b\": must not contain \"..\"");
  expect_resolve_error("{\"cgroupsPath\":\"..\"}",
                       "linux.cgroupsPath: \"..\": must not contain \"..\"");
  expect_resolve_error("{\"cgroupsPath\":\"//\"}",
                       "linux.cgroupsPath: \"//\": names no cgroup below the root");
  expect_resolve_error("{\"cgroupsPath\":\"system.slice:brig:c1\"}",
                       "linux.cgroupsPath: \"system.slice:brig:c1\": a systemd "
                       "slice:prefix:name path needs --systemd-cgroup");
  expect_resolve_error("{\"cgroupsPath\":\"/a/b\\nc\"}",
                       "linux.cgroupsPath: \"/a/b\nc\": control character");

  TAP_OK(brig_cgroup_resolve("c9", NULL, &cg, &err) == 0 && cg &&
             strcmp(brig_cgroup_path(cg), "/brig/c9") == 0,
         "no cgroupsPath: default /brig/<id>");
  brig_cgroup_free(cg);
  cg = NULL;
  TAP_OK(brig_cgroup_resolve("../x", NULL, &cg, &err) < 0, "default path refuses a bad id");
  brig_error_clear(&err);

  l = parse_linux("{\"cgroupsPath\":\"//libpod_parent/./libpod-abc/\"}");
  brig_cgroup_resolve("abc", l, &cg, &err);
  TAP_OK(cg && strcmp(brig_cgroup_path(cg), "/libpod_parent/libpod-abc") == 0,
         "absolute path normalised: %s", cg ? brig_cgroup_path(cg) : err->msg);
  oci_free(&oci_linux_desc, l);
  if (!cg)
    return;

  text = brig_cgroup_serialize(cg);
  TAP_OK(text != NULL, "serialize");
  TAP_OK(text && brig_cgroup_deserialize(text, &back, &err) == 0, "deserialize");
  text2 = back ? brig_cgroup_serialize(back) : NULL;
  TAP_OK(text && text2 && strcmp(text, text2) == 0, "round trip is stable");
  TAP_OK(back && brig_cgroup_get_layout(back) == brig_cgroup_get_layout(cg) &&
             strcmp(brig_cgroup_path(back), "/libpod_parent/libpod-abc") == 0,
         "round trip keeps layout and path");
  {
    const char *d1 = brig_cgroup_dir(cg, ""), *d2 = back ? brig_cgroup_dir(back, "") : NULL;

    TAP_OK((!d1 && !d2) || (d1 && d2 && strcmp(d1, d2) == 0), "round trip keeps directories");
  }
  if (text)
    tap_diag("state:\n%s", text);
  free(text);
  free(text2);
  brig_cgroup_free(back);
  back = NULL;
  r = brig_cgroup_deserialize("garbage", &back, &err);
  TAP_OK(r < 0 && err && strcmp(err->msg, "cgroup state: not a brig cgroup state") == 0,
         "deserialize garbage: %s", err ? err->msg : "no error");
  brig_error_clear(&err);
  r = brig_cgroup_deserialize("brig-cgroup\t1\nlayout\thybrid\npath\t/x\nv1\tcpu\trel\t/x\n", &back,
                              &err);
  TAP_OK(r < 0 && err && strstr(err->msg, "line 4: paths must be absolute"),
         "deserialize relative mount point: %s", err ? err->msg : "no error");
  brig_error_clear(&err);
  brig_cgroup_free(cg);
}

static void
test_device_rules(void)
{
  oci_linux *l = parse_linux(
      "{\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}],"
      "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
      "{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"r\"}]}}");
  brig_cgroup_dev_rule *rules = NULL;
  struct bpf_insn *prog = NULL;
  brig_error *err = NULL;
  size_t n = 0, len = 0;
  char s[64];
  int r;

  TAP_OK(l && brig_cgroup_device_rules(l, &rules, &n, &err) == 0, "device rules");
  if (!rules) {
    oci_free(&oci_linux_desc, l);
    return;
  }
  TAP_OK(n == 2 + 11 + 1, "2 spec rules + 11 defaults + 1 linux.devices (%zu)", n);
  brig_cgroup_dev_rule_str(&rules[0], s, sizeof(s));
  TAP_OK(strcmp(s, "a *:* rwm") == 0 && !rules[0].allow, "first rule: deny %s", s);
  brig_cgroup_dev_rule_str(&rules[1], s, sizeof(s));
  TAP_OK(strcmp(s, "b 8:* r") == 0 && rules[1].allow, "second rule: allow %s", s);
  brig_cgroup_dev_rule_str(&rules[4], s, sizeof(s));
  TAP_OK(strcmp(s, "c 1:3 rwm") == 0, "defaults include /dev/null: %s", s);
  brig_cgroup_dev_rule_str(&rules[n - 1], s, sizeof(s));
  TAP_OK(strcmp(s, "c 10:229 rwm") == 0, "linux.devices node allowed last: %s", s);
  r = brig_cgroup_bpf_build(rules, n, &prog, &len, &err);
  TAP_OK(r == 0 && len > 20 && prog[len - 1].code == (BPF_JMP | BPF_EXIT),
         "BPF program built (%zu instructions)", len);
  free(prog);
  free(rules);
  oci_free(&oci_linux_desc, l);

  /* An explicit deny of a device brig would allow by default stays a deny. */
  l = parse_linux(
      "{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
      "{\"allow\":false,\"type\":\"c\",\"major\":10,\"minor\":200,\"access\":\"rwm\"}]}}");
  r = l ? brig_cgroup_device_rules(l, &rules, &n, &err) : -1;
  {
    size_t i, tun_allowed = 0;

    for (i = 0; r == 0 && i < n; i++)
      if (rules[i].allow && rules[i].type == 'c' && rules[i].major == 10 && rules[i].minor == 200)
        tun_allowed++;
    TAP_OK(r == 0 && n == 2 + 10 && tun_allowed == 0,
           "an explicit deny of c 10:200 drops the default tun rule (%zu rules)", n);
  }
  free(rules);
  rules = NULL;
  oci_free(&oci_linux_desc, l);

  l = parse_linux("{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}}");
  r = l ? brig_cgroup_device_rules(l, &rules, &n, &err) : 0;
  TAP_OK(r < 0 && err &&
             strcmp(err->msg, "linux.resources.devices[0].access: \"rwx\": expected letters "
                              "of rwm") == 0,
         "bad access: %s", err ? err->msg : "no error");
  brig_error_clear(&err);
  oci_free(&oci_linux_desc, l);
}

/* --systemd-cgroup's slice:prefix:name -> unit and cgroup path. */
static void
expect_scope(const char *cgroups_path, const char *unit, const char *path)
{
  char *u = NULL, *p = NULL;
  brig_error *err = NULL;
  int r = brig_systemd_scope_names("c1", cgroups_path, &u, &p, &err);

  TAP_OK(r == 0 && strcmp(u, unit) == 0 && strcmp(p, path) == 0, "scope of \"%s\": %s %s",
         cgroups_path ? cgroups_path : "(none)", r == 0 ? u : err->msg, r == 0 ? p : "");
  brig_error_clear(&err);
  free(u);
  free(p);
}

static void
expect_scope_error(const char *cgroups_path, const char *msg)
{
  char *u = NULL, *p = NULL;
  brig_error *err = NULL;
  int r = brig_systemd_scope_names("c1", cgroups_path, &u, &p, &err);

  TAP_OK(r < 0 && !u && !p && strcmp(err->msg, msg) == 0, "scope error for \"%s\": %s",
         cgroups_path, r < 0 ? err->msg : "accepted");
  brig_error_clear(&err);
  free(u);
  free(p);
}

static void
test_systemd_scope_names(void)
{
  expect_scope("system.slice:brig:c1", "brig-c1.scope", "/system.slice/brig-c1.scope");
  expect_scope(":libpod:abc", "libpod-abc.scope", "/system.slice/libpod-abc.scope");
  expect_scope("machine-foo.slice::c1", "c1.scope", "/machine.slice/machine-foo.slice/c1.scope");
  expect_scope("-.slice:p:n", "p-n.scope", "/p-n.scope");
  expect_scope(NULL, "brig-c1.scope", "/system.slice/brig-c1.scope");
  expect_scope_error("a:b", "linux.cgroupsPath: \"a:b\": --systemd-cgroup needs slice:prefix:name");
  expect_scope_error("user:p:n", "linux.cgroupsPath: \"user\": not a slice name (NAME.slice)");
  expect_scope_error("a--b.slice:p:n", "linux.cgroupsPath: \"a--b.slice\": not a valid slice name");
  expect_scope_error("system.slice:p:a/b", "linux.cgroupsPath: \"system.slice:p:a/b\": not a valid "
                                           "unit name");
}

int
main(void)
{
  test_conversions();
  test_resolve();
  test_device_rules();
  test_systemd_scope_names();
  return tap_done();
}
