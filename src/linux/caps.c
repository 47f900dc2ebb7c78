#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "linux/caps.h"
#include "util/log.h"

/* runtime-spec config.md (process.capabilities): "Any value which cannot
 * be mapped to a relevant kernel interface, or cannot be granted otherwise
 * MUST be logged as a warning by the runtime. Runtimes SHOULD NOT fail if
 * the container configuration requests capabilities that cannot be
 * granted".  Unknown names are skipped. */
static void
parse_set(char **names, size_t n, const char *field, uint64_t *out, bool warn)
{
  cap_value_t max = (cap_value_t)cap_max_bits();
  size_t i;

  *out = 0;
  for (i = 0; i < n; i++) {
    cap_value_t v;

    if (cap_from_name(names[i], &v) < 0 || v < 0 || v >= 64 || v >= max) {
      if (warn)
        brig_warn("config.json: process.capabilities.%s: unknown capability %s, ignored", field,
                  names[i]);
      continue;
    }
    *out |= UINT64_C(1) << v;
  }
}

int
brig_caps_parse(const oci_capabilities *c, brig_caps *out, bool warn, brig_error **err)
{
  uint64_t lost;
  cap_value_t v;

  (void)err;
  memset(out, 0, sizeof(*out));
  if (!c)
    return 0;
  out->present = true;
  parse_set(c->effective, c->effective_len, "effective", &out->effective, warn);
  parse_set(c->permitted, c->permitted_len, "permitted", &out->permitted, warn);
  parse_set(c->inheritable, c->inheritable_len, "inheritable", &out->inheritable, warn);
  parse_set(c->bounding, c->bounding_len, "bounding", &out->bounding, warn);
  parse_set(c->ambient, c->ambient_len, "ambient", &out->ambient, warn);
  /* The kernel raises an ambient capability only if it is permitted and
   * inheritable.  Not permitted: a warning.  Not inheritable: only a debug
   * message, since the default spec (runc's too) lists ambient
   * capabilities without an inheritable set, and they have always been
   * skipped silently there. */
  lost = out->ambient & ~(out->permitted & out->inheritable);
  for (v = 0; warn && v < 64; v++) {
    char *name;

    if (!(lost & (UINT64_C(1) << v)))
      continue;
    name = cap_to_name(v);
    if (!(out->permitted & (UINT64_C(1) << v)))
      brig_warn("config.json: process.capabilities.ambient: %s is not permitted, not raised",
                name ? name : "?");
    else
      brig_debug("config.json: process.capabilities.ambient: %s is not inheritable, not raised",
                 name ? name : "?");
    cap_free(name);
  }
  return 0;
}

uint64_t
brig_caps_grantable(bool user_namespace)
{
  cap_value_t v, max = (cap_value_t)cap_max_bits();
  cap_t own = user_namespace ? NULL : cap_get_proc();
  uint64_t can = 0;

  if (!user_namespace && !own)
    return ~UINT64_C(0); /* cannot tell: limit nothing, capset() will say */

  for (v = 0; v < max && v < 64; v++) {
    cap_flag_value_t on = CAP_CLEAR;

    if (user_namespace ? prctl(PR_CAPBSET_READ, v, 0, 0, 0) == 1
                       : own && cap_get_flag(own, v, CAP_PERMITTED, &on) == 0 && on == CAP_SET)
      can |= UINT64_C(1) << v;
  }
  if (own)
    cap_free(own);
  return can;
}

void
brig_caps_limit(brig_caps *caps, uint64_t grantable, bool warn)
{
  uint64_t asked = caps->effective | caps->permitted | caps->inheritable | caps->bounding |
                   caps->ambient,
           lost = asked & ~grantable;
  cap_value_t v;

  if (!caps->present || !lost)
    return;
  for (v = 0; warn && v < 64; v++) {
    char *name;

    if (!(lost & (UINT64_C(1) << v)))
      continue;
    name = cap_to_name(v);
    for (char *p = name; p && *p; p++) /* "cap_chown": as config.json spells it */
      *p = (char)toupper((unsigned char)*p);
    brig_warn("config.json: process.capabilities: %s cannot be granted (brig does not hold it), "
              "left out",
              name ? name : "?");
    cap_free(name);
  }
  caps->effective &= grantable;
  caps->permitted &= grantable;
  caps->inheritable &= grantable;
  caps->bounding &= grantable;
  caps->ambient &= grantable;
}

int
brig_caps_drop_bounding(const brig_caps *caps, brig_error **err)
{
  cap_value_t v, max = (cap_value_t)cap_max_bits();

  if (!caps->present)
    return 0;
  for (v = 0; v < max && v < 64; v++) {
    if (caps->bounding & (UINT64_C(1) << v))
      continue;
    if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL)
      return brig_fail(err, errno, "drop capability %s from the bounding set", cap_to_name(v));
  }
  return 0;
}

static int
set_flags(cap_t c, cap_flag_t flag, uint64_t set)
{
  cap_value_t v, max = (cap_value_t)cap_max_bits();

  for (v = 0; v < max && v < 64; v++)
    if ((set & (UINT64_C(1) << v)) && cap_set_flag(c, flag, 1, &v, CAP_SET) < 0)
      return -1;
  return 0;
}

int
brig_caps_apply(const brig_caps *caps, brig_error **err)
{
  cap_value_t v, max = (cap_value_t)cap_max_bits();
  cap_t c;
  bool bad;

  /* Without process.capabilities the sets stay as the caller's, except
   * the inheritable and ambient ones, which are emptied: only what the
   * spec lists may be inherited (CVE-2022-29162 class). */
  c = caps->present ? cap_init() : cap_get_proc();
  if (!c)
    return brig_fail(err, errno, "capabilities");
  bad = caps->present ? set_flags(c, CAP_EFFECTIVE, caps->effective) < 0 ||
                            set_flags(c, CAP_PERMITTED, caps->permitted) < 0 ||
                            set_flags(c, CAP_INHERITABLE, caps->inheritable) < 0
                      : cap_clear_flag(c, CAP_INHERITABLE) < 0;
  if (bad || cap_set_proc(c) < 0) {
    int saved = errno;

    cap_free(c);
    return brig_fail(err, saved, "set capabilities");
  }
  cap_free(c);
  if (cap_reset_ambient() < 0 && errno != EINVAL)
    return brig_fail(err, errno, "reset ambient capabilities");
  if (!caps->present)
    return 0;
  /* The kernel raises an ambient capability only if it is permitted and
   * inheritable; like runc, others are skipped rather than failing. */
  for (v = 0; v < max && v < 64; v++) {
    uint64_t bit = UINT64_C(1) << v;

    if (!(caps->ambient & bit) || !(caps->permitted & bit) || !(caps->inheritable & bit))
      continue;
    /* Cannot be granted (the bounding set, securebits): not an error, see
     * parse_set(); brig warned at create where it could tell. */
    if (cap_set_ambient(v, CAP_SET) < 0 && errno != EPERM && errno != EINVAL)
      return brig_fail(err, errno, "raise ambient capability %s", cap_to_name(v));
  }
  return 0;
}
