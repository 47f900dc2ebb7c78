#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* Conditionals: the names accepted after '?', the condition bits that
 * directives switch on as they are read, and the three firejail.config
 * keys that feed ?ALLOW_TRAY, ?BROWSER_ALLOW_DRM and ?BROWSER_DISABLE_U2F. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct {
  const char *name;
  unsigned bit;
  const char *config_key; /* firejail.config key, NULL for option-driven ones */
} conditions[] = {
  { "HAS_APPIMAGE", BRIG_FJ_COND_HAS_APPIMAGE, NULL },
  { "HAS_NET", BRIG_FJ_COND_HAS_NET, NULL },
  { "HAS_NODBUS", BRIG_FJ_COND_HAS_NODBUS, NULL },
  { "HAS_NOSOUND", BRIG_FJ_COND_HAS_NOSOUND, NULL },
  { "HAS_PRIVATE", BRIG_FJ_COND_HAS_PRIVATE, NULL },
  { "HAS_X11", BRIG_FJ_COND_HAS_X11, NULL },
  { "BROWSER_DISABLE_U2F", BRIG_FJ_COND_BROWSER_DISABLE_U2F, "browser-disable-u2f" },
  { "BROWSER_ALLOW_DRM", BRIG_FJ_COND_BROWSER_ALLOW_DRM, "browser-allow-drm" },
  { "ALLOW_TRAY", BRIG_FJ_COND_ALLOW_TRAY, "allow-tray" },
};

#define N_CONDITIONS (sizeof(conditions) / sizeof(conditions[0]))

unsigned
brig_fj_condition_lookup(const char *name, size_t len)
{
  for (size_t i = 0; i < N_CONDITIONS; i++)
    if (strlen(conditions[i].name) == len && memcmp(conditions[i].name, name, len) == 0)
      return conditions[i].bit;
  return 0;
}

const char *
brig_fj_condition_name(unsigned bit)
{
  for (size_t i = 0; i < N_CONDITIONS; i++)
    if (conditions[i].bit == bit)
      return conditions[i].name;
  return NULL;
}

/* What Firejail 0.9.72 does while reading a profile: "net ..." makes
 * ?HAS_NET true for the lines after it, "nodbus", "dbus-user none" or
 * "dbus-system none" make ?HAS_NODBUS true, and so on. */
unsigned
fj_condition_effect(const struct brig_fj_directive *d)
{
  switch (d->kind) {
  case BRIG_FJ_NET:
    return BRIG_FJ_COND_HAS_NET;
  case BRIG_FJ_NODBUS:
    return BRIG_FJ_COND_HAS_NODBUS;
  case BRIG_FJ_DBUS_USER:
  case BRIG_FJ_DBUS_SYSTEM:
    return d->arg && strcmp(d->arg, "none") == 0 ? BRIG_FJ_COND_HAS_NODBUS : 0;
  case BRIG_FJ_NOSOUND:
    return BRIG_FJ_COND_HAS_NOSOUND;
  case BRIG_FJ_PRIVATE:
    return BRIG_FJ_COND_HAS_PRIVATE;
  case BRIG_FJ_X11:
    return BRIG_FJ_COND_HAS_X11;
  default:
    return 0;
  }
}

int
brig_fj_condition_set(unsigned *mask, const char *spec, size_t len, char **err)
{
  const char *eq = memchr(spec, '=', len);
  size_t name_len = eq ? (size_t)(eq - spec) : len;
  unsigned bit = brig_fj_condition_lookup(spec, name_len);
  size_t value_len = eq ? len - name_len - 1 : 0;

  if (!bit)
    return fj_error(err, NULL, 0, "unknown condition '%.*s'", (int)name_len, spec);
  if (!eq || (value_len == 3 && memcmp(eq + 1, "yes", 3) == 0))
    *mask |= bit;
  else if (value_len == 2 && memcmp(eq + 1, "no", 2) == 0)
    *mask &= ~bit;
  else
    return fj_error(err, NULL, 0, "invalid value for condition '%.*s': expected yes or no",
                    (int)name_len, spec);
  return 0;
}

int
brig_fj_context_load_config(struct brig_fj_context *ctx, char **err)
{
  brig_fj_read_fn read_file = ctx->read_file ? ctx->read_file : brig_fj_read_file_default;
  char *path = NULL, *text = NULL;
  size_t len;
  int r = 0;

  if (asprintf(&path, "%s/firejail.config", ctx->cfg_dir) < 0)
    return fj_error(err, NULL, 0, "out of memory");
  if (read_file(ctx->read_opaque, path, &text, &len) == 0)
    r = brig_fj_context_apply_config(ctx, path, text, len, err);
  free(text);
  free(path);
  return r;
}

/* firejail.config: "key value" lines, '#' comments, values yes/no. */
int
brig_fj_context_apply_config(struct brig_fj_context *ctx, const char *name, const char *text,
                             size_t len, char **err)
{
  struct fj_line_iter it = { .data = text, .len = len };
  struct fj_buf scratch = { 0 };
  const char *raw;
  size_t raw_len;
  int r = 0;

  while (r == 0 && fj_next_line(&it, &raw, &raw_len)) {
    struct fj_lexed lx;
    const char *why;

    /* The profile lexer gives the same comment and blank handling. */
    if (fj_lex_line(raw, raw_len, &scratch, &lx, &why) < 0) {
      r = fj_error(err, name, it.lineno, "%s", why);
      break;
    }
    if (lx.text_len == 0)
      continue;
    for (size_t i = 0; i < N_CONDITIONS; i++) {
      const char *key = conditions[i].config_key;

      if (!key || strlen(key) != lx.name.len || memcmp(key, lx.name.s, lx.name.len) != 0)
        continue;
      if (lx.args && strcmp(lx.args, "yes") == 0)
        ctx->conditions |= conditions[i].bit;
      else if (lx.args && strcmp(lx.args, "no") == 0)
        ctx->conditions &= ~conditions[i].bit;
      else
        r = fj_error(err, name, it.lineno, "invalid value for '%s': expected yes or no", key);
      break;
    }
  }
  fj_buf_free(&scratch);
  return r;
}
