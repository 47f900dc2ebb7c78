#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "runtime/features.h"
#include "version-commit.h"

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

/* The lists below are what the runtime honours today.  The container
 * lifecycle, cgroups and seccomp are not implemented yet, so they are empty
 * and every "enabled" is false; each later change fills in its part. */
static const char *const supported_hooks[] = { NULL };
static const char *const supported_mount_options[] = { NULL };
static const char *const supported_namespaces[] = { NULL };
static const char *const supported_capabilities[] = { NULL };

static int
strv_set(char ***dst, size_t *len, bool *has, const char *const *src)
{
  size_t n = 0, i;

  while (src[n])
    n++;
  *dst = calloc(n + 1, sizeof(char *));
  if (!*dst)
    return -1;
  for (i = 0; i < n; i++) {
    (*dst)[i] = strdup(src[i]);
    if (!(*dst)[i])
      return -1;
    *len = i + 1;
  }
  *has = true;
  return 0;
}

static oci_features_enabled *
enabled(bool on)
{
  oci_features_enabled *e = calloc(1, sizeof(*e));

  if (e) {
    e->enabled = on;
    e->has_enabled = true;
  }
  return e;
}

oci_features *
brig_features(brig_error **err)
{
  oci_features *f = calloc(1, sizeof(*f));
  oci_features_linux *l;
  bool ok;

  if (!f)
    goto oom;
  f->oci_version_min = strdup("1.0.0");
  f->oci_version_max = strdup(OCI_RUNTIME_SPEC_VERSION);
  f->linux = l = calloc(1, sizeof(*l));
  if (!f->oci_version_min || !f->oci_version_max || !l)
    goto oom;
  ok =
      strv_set(&f->hooks, &f->hooks_len, &f->has_hooks, supported_hooks) == 0 &&
      strv_set(&f->mount_options, &f->mount_options_len, &f->has_mount_options,
               supported_mount_options) == 0 &&
      strv_set(&l->namespaces, &l->namespaces_len, &l->has_namespaces, supported_namespaces) == 0 &&
      strv_set(&l->capabilities, &l->capabilities_len, &l->has_capabilities,
               supported_capabilities) == 0;
  if (!ok)
    goto oom;
  l->cgroup = calloc(1, sizeof(*l->cgroup));
  l->seccomp = calloc(1, sizeof(*l->seccomp));
  l->apparmor = enabled(false);
  l->selinux = enabled(false);
  l->mount_extensions = calloc(1, sizeof(*l->mount_extensions));
  if (!l->cgroup || !l->seccomp || !l->apparmor || !l->selinux || !l->mount_extensions)
    goto oom;
  l->cgroup->has_v1 = l->cgroup->has_v2 = l->cgroup->has_systemd = true;
  l->cgroup->has_systemd_user = l->cgroup->has_rdma = true;
  l->seccomp->has_enabled = true;
  l->mount_extensions->idmap = enabled(false);
  if (!l->mount_extensions->idmap)
    goto oom;

  if (oci_strmap_set(&f->annotations, "run.brig.version", PACKAGE_VERSION) < 0 ||
      oci_strmap_set(&f->annotations, "run.brig.commit", BRIG_COMMIT) < 0)
    goto oom;
#ifdef HAVE_SECCOMP
  {
    const struct scmp_version *v = seccomp_version();
    char buf[64];

    snprintf(buf, sizeof(buf), "%u.%u.%u", v->major, v->minor, v->micro);
    if (oci_strmap_set(&f->annotations, "io.github.seccomp.libseccomp.version", buf) < 0)
      goto oom;
  }
#endif
  return f;

oom:
  oci_features_free(f);
  brig_fail(err, 0, "features: out of memory");
  return NULL;
}
