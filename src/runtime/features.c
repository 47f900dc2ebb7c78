#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "runtime/features.h"
#include "version-commit.h"
#include "linux/lsm.h"
#include "seccomp/load.h"

#include <sys/capability.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

/* The lists below are what the runtime honours today; each change that
 * makes the runtime do more adds its part.  Cgroups are managed through
 * cgroupfs (v1, v2 and hybrid); the systemd driver does not exist yet. */
static const char *const supported_hooks[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

/* The options linux/mounts.c turns into mount flags or attributes; any
 * other option is passed to the filesystem as data, as runc does. */
static const char *const supported_mount_options[] = {
  "async",
  "atime",
  "bind",
  "defaults",
  "dev",
  "diratime",
  "dirsync",
  "exec",
  "iversion",
  "lazytime",
  "loud",
  "mand",
  "noatime",
  "nodev",
  "nodiratime",
  "noexec",
  "noiversion",
  "nolazytime",
  "nomand",
  "norelatime",
  "nostrictatime",
  "nosuid",
  "nosymfollow",
  "private",
  "ratime",
  "rbind",
  "rdev",
  "rdiratime",
  "relatime",
  "remount",
  "rexec",
  "rnoatime",
  "rnodev",
  "rnodiratime",
  "rnoexec",
  "rnorelatime",
  "rnostrictatime",
  "rnosuid",
  "rnosymfollow",
  "ro",
  "rprivate",
  "rrelatime",
  "rro",
  "rrw",
  "rshared",
  "rslave",
  "rstrictatime",
  "rsuid",
  "rsymfollow",
  "runbindable",
  "rw",
  "shared",
  "silent",
  "slave",
  "strictatime",
  "suid",
  "symfollow",
  "sync",
  "tmpcopyup",
  "unbindable",
  NULL,
};

static const char *const supported_namespaces[] = {
  "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

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

#ifdef HAVE_SECCOMP
static const char *const seccomp_actions[] = {
  "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
  "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
  "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
  "SCMP_ACT_TRAP",        NULL,
};

static const char *const seccomp_operators[] = {
  "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
  "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

static const char *const seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  NULL,
};

/* The OCI names whose libseccomp name ("x86_64" for SCMP_ARCH_X86_64) this
 * libseccomp resolves; filter.c accepts exactly these. */
static const char *const seccomp_arch_names[] = {
  "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",        NULL,
};

static int
seccomp_features(oci_features_seccomp *sc)
{
  const char *archs[sizeof(seccomp_arch_names) / sizeof(seccomp_arch_names[0])];
  const char *supported[sizeof(seccomp_flags) / sizeof(seccomp_flags[0])];
  size_t i, n = 0, m = 0;

  for (i = 0; seccomp_arch_names[i]; i++) {
    char name[32];
    size_t j;

    snprintf(name, sizeof(name), "%s", seccomp_arch_names[i] + strlen("SCMP_ARCH_"));
    for (j = 0; name[j]; j++)
      name[j] = (char)tolower((unsigned char)name[j]);
    if (seccomp_arch_resolve_name(name) != 0)
      archs[n++] = seccomp_arch_names[i];
  }
  archs[n] = NULL;
  for (i = 0; seccomp_flags[i]; i++)
    if (brig_seccomp_flag_supported(seccomp_flags[i]))
      supported[m++] = seccomp_flags[i];
  supported[m] = NULL;
  sc->enabled = true;
  sc->has_enabled = true;
  return oci_strv_set(&sc->actions, &sc->actions_len, &sc->has_actions, seccomp_actions) < 0 ||
                 oci_strv_set(&sc->operators, &sc->operators_len, &sc->has_operators,
                              seccomp_operators) < 0 ||
                 oci_strv_set(&sc->archs, &sc->archs_len, &sc->has_archs, archs) < 0 ||
                 oci_strv_set(&sc->known_flags, &sc->known_flags_len, &sc->has_known_flags,
                              seccomp_flags) < 0 ||
                 oci_strv_set(&sc->supported_flags, &sc->supported_flags_len,
                              &sc->has_supported_flags, supported) < 0
             ? -1
             : 0;
}
#endif

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
  ok = oci_strv_set(&f->hooks, &f->hooks_len, &f->has_hooks, supported_hooks) == 0 &&
       oci_strv_set(&f->mount_options, &f->mount_options_len, &f->has_mount_options,
                    supported_mount_options) == 0 &&
       oci_strv_set(&l->namespaces, &l->namespaces_len, &l->has_namespaces, supported_namespaces) ==
           0 &&
       capabilities_set(l) == 0;
  if (!ok)
    goto oom;
  l->cgroup = calloc(1, sizeof(*l->cgroup));
  l->seccomp = calloc(1, sizeof(*l->seccomp));
  /* Labels are applied when built in (with a warning on a host whose
   * kernel has the LSM off), as runc does. */
  l->apparmor = enabled(brig_lsm_apparmor_built());
  l->selinux = enabled(brig_lsm_selinux_built());
  l->mount_extensions = calloc(1, sizeof(*l->mount_extensions));
  /* Said, not left out: create refuses both (validate-process.c). */
  l->intel_rdt = calloc(1, sizeof(*l->intel_rdt));
  l->net_devices = enabled(false);
  if (!l->cgroup || !l->seccomp || !l->apparmor || !l->selinux || !l->mount_extensions ||
      !l->intel_rdt || !l->net_devices)
    goto oom;
  l->intel_rdt->has_enabled = true;
  l->cgroup->has_v1 = l->cgroup->has_v2 = l->cgroup->has_systemd = true;
  l->cgroup->has_systemd_user = l->cgroup->has_rdma = true;
  l->cgroup->v1 = l->cgroup->v2 = l->cgroup->rdma = true;
  l->seccomp->has_enabled = true;
#ifdef HAVE_SECCOMP
  if (seccomp_features(l->seccomp) < 0)
    goto oom;
#endif
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
