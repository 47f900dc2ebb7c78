/* The device allow list: spec rules + runtime defaults, written to the v1
 * devices controller or handed to the BPF compiler for cgroup v2. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup-devices.h"
#include "linux/cgroup-internal.h"
#include "util/cleanup.h"
#include "util/log.h"

/* runc 1.1's default allow list (what podman and containerd expect). */
static const brig_cgroup_dev_rule default_rules[] = {
  { true, 'c', -1, -1, BRIG_DEV_MKNOD }, /* mknod of any char device */
  { true, 'b', -1, -1, BRIG_DEV_MKNOD }, /* mknod of any block device */
  { true, 'c', 1, 3, BRIG_DEV_ALL },     /* /dev/null */
  { true, 'c', 1, 8, BRIG_DEV_ALL },     /* /dev/random */
  { true, 'c', 1, 7, BRIG_DEV_ALL },     /* /dev/full */
  { true, 'c', 5, 0, BRIG_DEV_ALL },     /* /dev/tty */
  { true, 'c', 1, 5, BRIG_DEV_ALL },     /* /dev/zero */
  { true, 'c', 1, 9, BRIG_DEV_ALL },     /* /dev/urandom */
  { true, 'c', 136, -1, BRIG_DEV_ALL },  /* /dev/pts/N */
  { true, 'c', 5, 2, BRIG_DEV_ALL },     /* /dev/ptmx */
  { true, 'c', 10, 200, BRIG_DEV_ALL },  /* /dev/net/tun */
};

#define N_DEFAULT (sizeof(default_rules) / sizeof(default_rules[0]))

static int
parse_access(const char *s, unsigned *out)
{
  *out = 0;
  if (!s || !*s) {
    *out = BRIG_DEV_ALL;
    return 0;
  }
  for (; *s; s++) {
    switch (*s) {
    case 'r':
      *out |= BRIG_DEV_READ;
      break;
    case 'w':
      *out |= BRIG_DEV_WRITE;
      break;
    case 'm':
      *out |= BRIG_DEV_MKNOD;
      break;
    default:
      return -1;
    }
  }
  return 0;
}

static bool
spec_names(const brig_cgroup_dev_rule *spec, size_t n, const brig_cgroup_dev_rule *d)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (spec[i].type == d->type && spec[i].major == d->major && spec[i].minor == d->minor)
      return true;
  return false;
}

int
brig_cgroup_device_rules(const oci_linux *linux_cfg, brig_cgroup_dev_rule **rules, size_t *n,
                         brig_error **err)
{
  const oci_resources *r = linux_cfg ? linux_cfg->resources : NULL;
  size_t nspec = r ? r->devices_len : 0, ndev = linux_cfg ? linux_cfg->devices_len : 0;
  brig_cgroup_dev_rule *v;
  size_t i, o = 0;

  v = calloc(nspec + N_DEFAULT + ndev + 1, sizeof(*v));
  if (!v)
    return brig_fail(err, ENOMEM, "linux.resources.devices");
  for (i = 0; i < nspec; i++) {
    const oci_device_cgroup *d = &r->devices[i];
    brig_cgroup_dev_rule *x = &v[o++];

    x->allow = d->allow;
    x->type = d->type && d->type[0] ? d->type[0] : 'a';
    x->major = d->has_major ? d->major : -1;
    x->minor = d->has_minor ? d->minor : -1;
    if (x->major < -1 || x->minor < -1 || x->major > 0xfff || x->minor > 0xfffff) {
      free(v);
      return brig_fail(err, 0, "linux.resources.devices[%zu]: invalid major:minor", i);
    }
    if (parse_access(d->access, &x->access) < 0) {
      free(v);
      return brig_fail(err, 0,
                       "linux.resources.devices[%zu].access: \"%s\": expected letters of rwm", i,
                       d->access);
    }
  }
  /* The defaults come after the spec's rules, so that a leading "deny
   * all" (what engines send) does not take /dev/null away.  A default the
   * spec names itself (same type, major and minor) is left out: the spec's
   * own rule about that device is the one that counts (an explicit deny of
   * /dev/net/tun stays a deny). */
  for (i = 0; i < N_DEFAULT; i++)
    if (!spec_names(v, nspec, &default_rules[i]))
      v[o++] = default_rules[i];
  for (i = 0; i < ndev; i++) {
    const oci_device *d = &linux_cfg->devices[i];
    brig_cgroup_dev_rule *x = &v[o];

    /* u (unbuffered char) is a char device; p (fifo) needs no rule. */
    if (!d->type || d->type[0] == 'p')
      continue;
    x->allow = true;
    x->type = d->type[0] == 'b' ? 'b' : 'c';
    x->major = d->major;
    x->minor = d->minor;
    x->access = BRIG_DEV_ALL;
    o++;
  }
  *rules = v;
  *n = o;
  return 0;
}

void
brig_cgroup_dev_rule_str(const brig_cgroup_dev_rule *r, char *buf, size_t len)
{
  char maj[24] = "*", min[24] = "*", acc[4];
  size_t a = 0;

  if (r->major >= 0)
    snprintf(maj, sizeof(maj), "%" PRId64, r->major);
  if (r->minor >= 0)
    snprintf(min, sizeof(min), "%" PRId64, r->minor);
  if (r->access & BRIG_DEV_READ)
    acc[a++] = 'r';
  if (r->access & BRIG_DEV_WRITE)
    acc[a++] = 'w';
  if (r->access & BRIG_DEV_MKNOD)
    acc[a++] = 'm';
  acc[a] = '\0';
  snprintf(buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}

static int
v1_devices(const char *dir, const brig_cgroup_dev_rule *rules, size_t n, brig_error **err)
{
  size_t i;

  /* Deny everything (this also drops the inherited exceptions), then
   * replay the list: the kernel applies the writes in order, so the last
   * rule touching a device wins, as the spec says. */
  if (brig_cg_write(dir, "devices.deny", "a", "linux.resources.devices", err) < 0)
    return -1;
  for (i = 0; i < n; i++) {
    char line[96];

    if (rules[i].access == 0)
      continue;
    brig_cgroup_dev_rule_str(&rules[i], line, sizeof(line));
    if (brig_cg_write(dir, rules[i].allow ? "devices.allow" : "devices.deny", line,
                      "linux.resources.devices", err) < 0)
      return -1;
  }
  return 0;
}

int
brig_cgroup_apply_devices(brig_cgroup *cg, const oci_linux *linux_cfg, brig_error **err)
{
  const brig_cgroup_hierarchy *h = brig_cg_v1(cg, "devices");
  _cleanup_free_ brig_cgroup_dev_rule *rules = NULL;
  size_t n = 0;

  if (brig_cgroup_device_rules(linux_cfg, &rules, &n, err) < 0)
    return -1;
  if (h)
    return v1_devices(h->dir, rules, n, err);
  if (brig_cg_v2(cg))
    return brig_cgroup_bpf_devices(brig_cg_v2(cg)->dir, rules, n, err);
  if (linux_cfg && linux_cfg->resources && linux_cfg->resources->devices_len)
    return brig_fail(err, 0,
                     "linux.resources.devices: the devices cgroup controller is not available");
  brig_debug("cgroup: no devices controller, device access is not restricted");
  return 0;
}
