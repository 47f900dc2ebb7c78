#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* The base spec of `brig firejail convert`: `brig spec`'s default, made
 * to look like what Firejail starts from, since the conversion itself only
 * ever tightens a spec:
 *   - root is the host's "/" (writable; the profile makes /etc /usr /var
 *     read-only), as a Firejail sandbox sees the host file system
 *   - no network and no UTS namespace (Firejail shares both unless the
 *     profile says "net none" / "hostname"), no hostname
 *   - the process runs as the target user in their home, with HOME, USER
 *     and LOGNAME set, args = the program the profile is named after,
 *     terminal false (a GUI program needs none; set it for a shell)
 *   - a non-root user has no effective, permitted, inheritable or ambient
 *     capabilities (the bounding set is kept for the profile to narrow)
 *   - no rlimits (Firejail inherits the caller's)
 *   - no no_new_privs (Firejail sets it only for "nonewprivs")
 * /dev stays the spec's own tmpfs with the OCI default devices. */
#include <stdlib.h>
#include <string.h>

#include "convert-base.h"
#include "to-oci-internal.h"

oci_spec *
brig_fj_convert_base(const char *user, uid_t uid, gid_t gid, const char *home, const char *program,
                     brig_error **err)
{
  oci_spec *spec = brig_default_spec(false, uid, gid, err);
  oci_process *p;
  oci_linux *l;
  size_t k = 0;

  if (!spec)
    return NULL;
  free(spec->root->path);
  spec->root->path = fj_xstrdup("/");
  spec->root->readonly = false;
  spec->root->has_readonly = false;
  free(spec->hostname);
  spec->hostname = NULL;

  l = spec->linux;
  for (size_t i = 0; i < l->namespaces_len; i++) {
    if (strcmp(l->namespaces[i].type, "network") == 0 || strcmp(l->namespaces[i].type, "uts") == 0)
      oci_clear(&oci_namespace_desc, &l->namespaces[i]);
    else
      l->namespaces[k++] = l->namespaces[i];
  }
  l->namespaces_len = k;

  p = spec->process;
  p->terminal = false;
  p->has_terminal = true;
  p->no_new_privileges = false;
  p->has_no_new_privileges = true;
  p->user->uid = uid;
  p->user->gid = gid;
  free(p->cwd);
  p->cwd = fj_xstrdup(home);
  fj_setenv(p, "HOME", home);
  if (user) {
    fj_setenv(p, "USER", user);
    fj_setenv(p, "LOGNAME", user);
  }
  if (program && program[0]) {
    for (size_t i = 0; i < p->args_len; i++)
      free(p->args[i]);
    p->args_len = 0;
    fj_ocistrv_push(&p->args, &p->args_len, &p->has_args, program);
  }
  if (uid != 0 && p->capabilities) {
    oci_capabilities *c = p->capabilities;

    fj_ocistrv_clear(&c->effective, &c->effective_len, &c->has_effective);
    fj_ocistrv_clear(&c->permitted, &c->permitted_len, &c->has_permitted);
    fj_ocistrv_clear(&c->inheritable, &c->inheritable_len, &c->has_inheritable);
    fj_ocistrv_clear(&c->ambient, &c->ambient_len, &c->has_ambient);
  }
  for (size_t i = 0; i < p->rlimits_len; i++)
    oci_clear(&oci_rlimit_desc, &p->rlimits[i]);
  free(p->rlimits);
  p->rlimits = NULL;
  p->rlimits_len = 0;
  p->has_rlimits = false;
  return spec;
}

char *
brig_fj_program_name(const char *profile)
{
  const char *b = strrchr(profile, '/');
  size_t l;

  b = b ? b + 1 : profile;
  l = strlen(b);
  if (l > 8 && strcmp(b + l - 8, ".profile") == 0)
    l -= 8;
  return fj_xasprintf("%.*s", (int)l, b);
}
