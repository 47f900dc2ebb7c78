/* The cgroup as saved in the state dir, so that later commands (pause,
 * kill --all, ps, update, delete) find it without the spec or the mounts
 * of the moment.  Text, one line each, tab separated:
 *
 *   brig-cgroup 1
 *   layout hybrid
 *   path /brig/c1
 *   v1 <controllers> <mountpoint> <path below it>
 *   made <length>     (of the hierarchy above: see brig_cgroup_hierarchy)
 *   v2 - <mountpoint> <path below it>
 *   made <length>
 *
 * A state without "made" lines (older brig) means the leaf was made. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup-internal.h"
#include "util/cleanup.h"

#define MAGIC "brig-cgroup\t1\n"
#define STATE_MAX (64 * 1024)

static bool
clean(const char *s)
{
  return s && !strpbrk(s, "\t\n");
}

char *
brig_cgroup_serialize(const brig_cgroup *cg)
{
  char *buf = NULL;
  size_t len = 0, i;
  FILE *f;

  if (!clean(cg->path))
    return NULL;
  f = open_memstream(&buf, &len);
  if (!f)
    return NULL;
  fprintf(f, MAGIC "layout\t%s\npath\t%s\n", brig_cgroup_layout_name(cg->layout), cg->path);
  for (i = 0; i < cg->n; i++) {
    const brig_cgroup_hierarchy *h = &cg->h[i];

    if (!clean(h->controllers) || !clean(h->mountpoint) || !clean(h->rel)) {
      fclose(f);
      free(buf);
      return NULL;
    }
    fprintf(f, "%s\t%s\t%s\t%s\nmade\t%zu\n", h->v2 ? "v2" : "v1", h->v2 ? "-" : h->controllers,
            h->mountpoint, h->rel, h->made);
  }
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static int
parse_layout(const char *s, brig_cgroup_layout *out)
{
  brig_cgroup_layout l;

  for (l = BRIG_CGROUP_LAYOUT_NONE; l <= BRIG_CGROUP_LAYOUT_UNIFIED; l++)
    if (strcmp(s, brig_cgroup_layout_name(l)) == 0) {
      *out = l;
      return 0;
    }
  return -1;
}

static int
bad(brig_error **err, int line, const char *why)
{
  return brig_fail(err, 0, "cgroup state: line %d: %s", line, why);
}

int
brig_cgroup_deserialize(const char *text, brig_cgroup **out, brig_error **err)
{
  _cleanup_free_ char *copy = NULL;
  brig_cgroup *cg;
  char *line, *next;
  int lineno = 0;

  *out = NULL;
  if (strncmp(text, MAGIC, strlen(MAGIC)) != 0)
    return brig_fail(err, 0, "cgroup state: not a brig cgroup state");
  copy = strdup(text + strlen(MAGIC));
  cg = calloc(1, sizeof(*cg));
  if (!copy || !cg) {
    free(cg);
    return brig_fail(err, ENOMEM, "cgroup state");
  }
  cg->unified = -1;
  cg->layout = BRIG_CGROUP_LAYOUT_NONE;
  lineno = 1;
  for (line = copy; line && *line; line = next) {
    char *f[4] = { NULL };
    char *p = line;
    int nf = 0;

    lineno++;
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    while (nf < 4 && (f[nf] = strsep(&p, "\t")))
      nf++;
    if (nf == 2 && strcmp(f[0], "layout") == 0) {
      if (parse_layout(f[1], &cg->layout) < 0)
        goto bad_layout;
    } else if (nf == 2 && strcmp(f[0], "made") == 0 && cg->n > 0) {
      char *end;
      unsigned long long v = strtoull(f[1], &end, 10);

      if (!f[1][0] || *end || v > strlen(cg->h[cg->n - 1].rel)) {
        brig_cgroup_free(cg);
        return bad(err, lineno, "bad made length");
      }
      cg->h[cg->n - 1].made = (size_t)v;
    } else if (nf == 2 && strcmp(f[0], "path") == 0) {
      free(cg->path);
      cg->path = strdup(f[1]);
    } else if (nf == 4 && !p && (strcmp(f[0], "v1") == 0 || strcmp(f[0], "v2") == 0)) {
      brig_cgroup_hierarchy *nh, *h;

      if (f[2][0] != '/' || f[3][0] != '/' || strstr(f[3], "/../") || strstr(f[2], "/../")) {
        brig_cgroup_free(cg);
        return bad(err, lineno, "paths must be absolute");
      }
      nh = realloc(cg->h, (cg->n + 1) * sizeof(*nh));
      if (!nh)
        goto nomem;
      cg->h = nh;
      h = &cg->h[cg->n++];
      memset(h, 0, sizeof(*h));
      h->v2 = f[0][1] == '2';
      h->controllers = strdup(h->v2 ? "" : f[1]);
      h->mountpoint = strdup(f[2]);
      h->rel = strdup(f[3]);
      h->made = h->rel ? strlen(h->rel) : 0;
      if (!h->controllers || !h->mountpoint || !h->rel ||
          asprintf(&h->dir, "%s%s", h->mountpoint, h->rel) < 0) {
        h->dir = NULL;
        goto nomem;
      }
      if (h->v2)
        cg->unified = (int)(cg->n - 1);
    } else if (line[0]) {
      brig_cgroup_free(cg);
      return bad(err, lineno, "unknown entry");
    }
  }
  if (!cg->path || cg->layout == BRIG_CGROUP_LAYOUT_NONE || cg->n == 0) {
    brig_cgroup_free(cg);
    return brig_fail(err, 0, "cgroup state: incomplete");
  }
  *out = cg;
  return 0;

bad_layout:
  brig_cgroup_free(cg);
  return bad(err, lineno, "unknown layout");
nomem:
  brig_cgroup_free(cg);
  return brig_fail(err, ENOMEM, "cgroup state");
}

int
brig_cgroup_load(const char *path, brig_cgroup **out, brig_error **err)
{
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  _cleanup_free_ char *buf = NULL;
  size_t len;

  *out = NULL;
  if (!f)
    return brig_fail(err, errno, "cgroup state: open %s", path);
  buf = malloc(STATE_MAX + 1);
  if (!buf)
    return brig_fail(err, ENOMEM, "cgroup state");
  len = fread(buf, 1, STATE_MAX + 1, f);
  if (ferror(f))
    return brig_fail(err, EIO, "cgroup state: read %s", path);
  if (len > STATE_MAX)
    return brig_fail(err, EFBIG, "cgroup state: %s", path);
  buf[len] = '\0';
  if (brig_cgroup_deserialize(buf, out, err) < 0)
    return brig_error_wrap(err, "%s", path);
  return 0;
}
