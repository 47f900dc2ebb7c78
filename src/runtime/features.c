#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "runtime/features.h"
#include "version-commit.h"

#include <sys/capability.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

/* The lists below are what the runtime honours today; each change that
 * makes the runtime do more adds its part.  Cgroups, seccomp and the LSMs
 * are not applied yet, so they are reported as not enabled. */
static const char *const supported_hooks[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

/* The options linux/mounts.c turns into mount flags or attributes; any
 * other option is passed to the filesystem as data, as runc does. */
static const char *const supported_mount_options[] = {
  "async",       "atime",      "bind",        "defaults",   "dev",        "diratime",
  "exec",        "noatime",    "nodev",       "nodiratime", "noexec",     "nosuid",
  "nosymfollow", "private",    "rbind",       "rdev",       "rdiratime",  "relatime",
  "rexec",       "rnodev",     "rnodiratime", "rnoexec",    "rnosuid",    "rnosymfollow",
  "ro",          "rprivate",   "rro",         "rrw",        "rshared",    "rslave",
  "rsuid",       "rsymfollow", "runbindable", "rw",         "shared",     "slave",
  "strictatime", "suid",       "symfollow",   "tmpcopyup",  "unbindable", NULL,
};

static const char *const supported_namespaces[] = {
  "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

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

/* Every capability libcap and the kernel know, by their OCI names. */
static int
capabilities_set(oci_features_linux *l)
{
  unsigned n = cap_max_bits(), i;

  l->capabilities = calloc(n + 1, sizeof(char *));
  if (!l->capabilities)
    return -1;
  l->has_capabilities = true;
  for (i = 0; i < n; i++) {
    char *name = cap_to_name((cap_value_t)i), *p;

    if (!name)
      return -1;
    /* libcap says "cap_chown", the spec "CAP_CHOWN". */
    if (asprintf(&l->capabilities[i], "%s", name) < 0) {
      cap_free(name);
      return -1;
    }
    cap_free(name);
    for (p = l->capabilities[i]; *p; p++)
      *p = (char)toupper((unsigned char)*p);
    l->capabilities_len = i + 1;
  }
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
      capabilities_set(l) == 0;
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
