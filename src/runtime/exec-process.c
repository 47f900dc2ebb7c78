/* The process spec of brig exec: --process FILE, or the container's own
 * process with the command line's args, then the flags on top. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/validate-process.h"
#include "runtime/exec.h"
#include "util/cleanup.h"

static int
strv_append(char ***v, size_t *len, const char *s)
{
  char **n = realloc(*v, (*len + 2) * sizeof(char *));

  if (!n)
    return -1;
  *v = n;
  n[*len] = strdup(s);
  if (!n[*len])
    return -1;
  (*len)++;
  n[*len] = NULL;
  return 0;
}

static bool
strv_contains(char **v, size_t len, const char *s)
{
  size_t i;

  for (i = 0; i < len; i++)
    if (strcmp(v[i], s) == 0)
      return true;
  return false;
}

static int
process_from_file(const char *path, oci_process **out, brig_error **err)
{
  char *perr = NULL;

  *out = oci_process_parse_file(path, NULL, &perr);
  if (!*out) {
    brig_fail(err, 0, "%s", perr ? perr : "process.json: cannot parse");
    free(perr);
    return -1;
  }
  return 0;
}

static int
process_from_config(const brig_exec_opts *o, const oci_spec *config, oci_process **out,
                    brig_error **err)
{
  oci_process *p;
  size_t i;

  if (!o->args_len)
    return brig_fail(err, 0, "missing command (or --process FILE)");
  p = config->process ? oci_dup(&oci_process_desc, config->process)
                      : calloc(1, sizeof(oci_process));
  if (!p)
    return brig_fail(err, ENOMEM, "process");
  *out = p;
  for (i = 0; i < p->args_len; i++)
    free(p->args[i]);
  free(p->args);
  p->args = NULL;
  p->args_len = 0;
  for (i = 0; i < o->args_len; i++)
    if (strv_append(&p->args, &p->args_len, o->args[i]) < 0)
      return brig_fail(err, ENOMEM, "process");
  p->has_args = true;
  /* The container's terminal belongs to its init: exec gets one with -t. */
  p->terminal = false;
  free(p->command_line);
  p->command_line = NULL;
  return 0;
}

/* K=V replaces an entry with the same key, else is appended. */
static int
apply_env(oci_process *p, const brig_exec_opts *o)
{
  size_t i, j;

  for (i = 0; i < o->env_len; i++) {
    const char *kv = o->env[i];
    size_t klen = strcspn(kv, "=");
    bool replaced = false;

    for (j = 0; j < p->env_len && !replaced; j++) {
      if (strncmp(p->env[j], kv, klen) == 0 && p->env[j][klen] == '=') {
        char *n = strdup(kv);

        if (!n)
          return -1;
        free(p->env[j]);
        p->env[j] = n;
        replaced = true;
      }
    }
    if (!replaced && strv_append(&p->env, &p->env_len, kv) < 0)
      return -1;
  }
  p->has_env = p->has_env || o->env_len;
  return 0;
}

static int
apply_user(oci_process *p, const brig_exec_opts *o, brig_error **err)
{
  size_t i;

  if ((o->user || o->additional_gids_len) && !p->user) {
    p->user = calloc(1, sizeof(oci_user));
    if (!p->user)
      return brig_fail(err, ENOMEM, "process.user");
  }
  if (o->user) {
    char *end;
    unsigned long uid, gid = 0;

    errno = 0;
    uid = strtoul(o->user, &end, 10);
    if (*end == ':')
      gid = strtoul(end + 1, &end, 10);
    if (errno || end == o->user || *end || uid > UINT32_MAX - 1 || gid > UINT32_MAX - 1 ||
        o->user[0] == '-' || strstr(o->user, ":-"))
      return brig_fail(err, 0, "--user: expected UID[:GID], got '%s'", o->user);
    p->user->uid = (uint32_t)uid;
    p->user->gid = (uint32_t)gid;
    p->user->has_uid = p->user->has_gid = true;
  }
  if (o->additional_gids_len) {
    uint32_t *g = realloc(p->user->additional_gids,
                          (p->user->additional_gids_len + o->additional_gids_len) * sizeof(*g));

    if (!g)
      return brig_fail(err, ENOMEM, "process.user");
    for (i = 0; i < o->additional_gids_len; i++)
      g[p->user->additional_gids_len++] = o->additional_gids[i];
    p->user->additional_gids = g;
    p->user->has_additional_gids = true;
  }
  return 0;
}

/* --cap adds to the effective, permitted, bounding and ambient sets, never
 * to the inheritable one (CVE-2022-29162: runc < 1.1.2 added it there, so
 * an exec'd program could pass capabilities on through file caps). */
static int
apply_caps(oci_process *p, const brig_exec_opts *o, brig_error **err)
{
  oci_capabilities *c;
  size_t i;

  if (!o->caps_len)
    return 0;
  if (!p->capabilities) {
    p->capabilities = calloc(1, sizeof(oci_capabilities));
    if (!p->capabilities)
      return brig_fail(err, ENOMEM, "process.capabilities");
  }
  c = p->capabilities;
  for (i = 0; i < o->caps_len; i++) {
    const char *cap = o->caps[i];

    if ((!strv_contains(c->effective, c->effective_len, cap) &&
         strv_append(&c->effective, &c->effective_len, cap) < 0) ||
        (!strv_contains(c->permitted, c->permitted_len, cap) &&
         strv_append(&c->permitted, &c->permitted_len, cap) < 0) ||
        (!strv_contains(c->bounding, c->bounding_len, cap) &&
         strv_append(&c->bounding, &c->bounding_len, cap) < 0) ||
        (!strv_contains(c->ambient, c->ambient_len, cap) &&
         strv_append(&c->ambient, &c->ambient_len, cap) < 0))
      return brig_fail(err, ENOMEM, "process.capabilities");
  }
  c->has_effective = c->has_permitted = c->has_bounding = c->has_ambient = true;
  return 0;
}

static int
replace_str(char **field, const char *value)
{
  char *n;

  if (!value)
    return 0;
  n = strdup(value);
  if (!n)
    return -1;
  free(*field);
  *field = n;
  return 0;
}

static int
apply_flags(oci_process *p, const brig_exec_opts *o, brig_error **err)
{
  if (apply_env(p, o) < 0)
    return brig_fail(err, ENOMEM, "process.env");
  if (replace_str(&p->cwd, o->cwd) < 0 || replace_str(&p->selinux_label, o->process_label) < 0 ||
      replace_str(&p->apparmor_profile, o->apparmor) < 0)
    return brig_fail(err, ENOMEM, "process");
  if (o->tty)
    p->terminal = true;
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (apply_user(p, o, err) < 0 || apply_caps(p, o, err) < 0)
    return -1;
  return 0;
}

int
brig_exec_process_build(const brig_exec_opts *o, const oci_spec *config, oci_process **out,
                        brig_error **err)
{
  oci_process *p = NULL;

  *out = NULL;
  if (o->process_file && o->args_len)
    return brig_fail(err, 0, "unexpected argument '%s' with --process", o->args[0]);
  if ((o->process_file ? process_from_file(o->process_file, &p, err)
                       : process_from_config(o, config, &p, err)) < 0 ||
      apply_flags(p, o, err) < 0 ||
      brig_process_validate(p, o->process_file ? "process.json: " : "process: ", err) < 0) {
    if (p)
      oci_process_free(p);
    return -1;
  }
  *out = p;
  return 0;
}
