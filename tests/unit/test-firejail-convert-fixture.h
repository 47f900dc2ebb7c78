/* A fixed file tree for the converter tests, served through
 * brig_fj_oci_options.glob: paths ending in "/" are directories, parents
 * are implied, "@" marks a symlink to a directory.  Matching follows
 * glob(3): FNM_PATHNAME | FNM_PERIOD, sorted. */
#ifndef BRIG_TESTS_FIREJAIL_CONVERT_FIXTURE_H
#define BRIG_TESTS_FIREJAIL_CONVERT_FIXTURE_H

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "to-oci.h"

struct fixture_node {
  char *path;
  enum brig_fj_ftype type;
  bool link;
};

struct fixture {
  const char *const *paths;
  struct fixture_node *nodes; /* every entry and parent, sorted; built on first use */
  size_t n;
};

/* A small Debian-like tree for user alice (uid 1000). */
__attribute__((unused)) static const char *const fixture_default[] = {
  "/bin@",
  "/sbin@",
  "/boot/",
  "/dev/null",
  "/dev/dri/card0",
  "/dev/snd/controlC0",
  "/dev/video0",
  "/dev/hidraw0",
  "/dev/input/event0",
  "/dev/sr0",
  "/etc/passwd",
  "/etc/group",
  "/etc/hosts",
  "/etc/resolv.conf",
  "/etc/ssl/",
  "/etc/ca-certificates/",
  "/etc/fonts/",
  "/etc/mpv/",
  "/etc/ssh/ssh_config",
  "/etc/gitconfig",
  "/etc/machine-id",
  "/etc/shadow",
  "/etc/sudoers",
  "/home/alice/.bashrc",
  "/home/alice/.profile",
  "/home/alice/.ssh/",
  "/home/alice/.gnupg/",
  "/home/alice/.mozilla/",
  "/home/alice/.cache/mozilla/",
  "/home/alice/.config/chromium/",
  "/home/alice/.config/mpv/",
  "/home/alice/.config/vlc/",
  "/home/alice/.config/GIMP/",
  "/home/alice/.config/libreoffice/",
  "/home/alice/.thunderbird/",
  "/home/alice/.gitconfig",
  "/home/alice/.curlrc",
  "/home/alice/.wgetrc",
  "/home/alice/Downloads/",
  "/home/alice/Documents/",
  "/home/alice/Music/",
  "/home/alice/Videos/",
  "/home/alice/Pictures/",
  "/home/alice/.Xauthority",
  "/home/alice/.local/share/applications/",
  "/home/alice/.local/share/Trash/",
  "/home/bob/.bashrc",
  "/media/",
  "/mnt/",
  "/opt/",
  "/proc/",
  "/root/",
  "/run/user/1000/bus",
  "/run/user/1000/pulse/native",
  "/run/dbus/system_bus_socket",
  "/run/cups/cups.sock",
  "/srv/",
  "/sys/",
  "/tmp/.X11-unix/X0",
  "/usr/bin/curl",
  "/usr/bin/wget",
  "/usr/bin/ssh",
  "/usr/bin/git",
  "/usr/bin/python3",
  "/usr/bin/bash",
  "/usr/bin/sh",
  "/usr/sbin/",
  "/usr/lib/x86_64-linux-gnu/",
  "/usr/share/fonts/",
  "/usr/share/icons/",
  "/usr/share/mozilla/",
  "/usr/share/vlc/",
  "/usr/share/gimp/",
  "/usr/share/libreoffice/",
  "/usr/share/mpv/",
  "/var/lib/",
  "/var/log/",
  "/var/tmp/",
  "/var/cache/",
  NULL,
};

static int
fixture_node_cmp(const void *a, const void *b)
{
  return strcmp(((const struct fixture_node *)a)->path, ((const struct fixture_node *)b)->path);
}

static void
fixture_node_add(struct fixture *f, const char *path, size_t len, enum brig_fj_ftype type,
                 bool link)
{
  for (size_t i = 0; i < f->n; i++)
    if (strlen(f->nodes[i].path) == len && strncmp(f->nodes[i].path, path, len) == 0)
      return;
  f->nodes = realloc(f->nodes, (f->n + 1) * sizeof(*f->nodes));
  f->nodes[f->n].path = strndup(path, len);
  f->nodes[f->n].type = type;
  f->nodes[f->n].link = link;
  f->n++;
}

static void
fixture_build(struct fixture *f)
{
  if (f->nodes)
    return;
  fixture_node_add(f, "/", 1, BRIG_FJ_FT_DIR, false);
  for (size_t i = 0; f->paths[i]; i++) {
    const char *p = f->paths[i];
    size_t l = strlen(p);
    bool dir = p[l - 1] == '/', sym = p[l - 1] == '@';

    if (dir || sym)
      l--;
    fixture_node_add(f, p, l, dir || sym ? BRIG_FJ_FT_DIR : BRIG_FJ_FT_FILE, sym);
    for (size_t k = l; k-- > 1;)
      if (p[k] == '/')
        fixture_node_add(f, p, k, BRIG_FJ_FT_DIR, false);
  }
  qsort(f->nodes, f->n, sizeof(*f->nodes), fixture_node_cmp);
}

__attribute__((unused)) static void
fixture_free(struct fixture *f)
{
  for (size_t i = 0; i < f->n; i++)
    free(f->nodes[i].path);
  free(f->nodes);
  f->nodes = NULL;
  f->n = 0;
}

static void
fixture_add(struct brig_fj_match **m, size_t *n, const struct fixture_node *node)
{
  *m = realloc(*m, (*n + 1) * sizeof(**m));
  (*m)[*n].path = strdup(node->path);
  (*m)[*n].type = node->type;
  (*m)[*n].symlink = node->link;
  (*n)++;
}

__attribute__((unused)) static int
fixture_glob(void *opaque, const char *root, const char *pattern, struct brig_fj_match **m,
             size_t *n)
{
  struct fixture *f = opaque;
  size_t lit;

  (void)root;
  *m = NULL;
  *n = 0;
  fixture_build(f);
  lit = strcspn(pattern, "*?[");
  if (!pattern[lit]) {
    struct fixture_node key = { (char *)pattern, BRIG_FJ_FT_OTHER, false };
    const struct fixture_node *hit =
        bsearch(&key, f->nodes, f->n, sizeof(*f->nodes), fixture_node_cmp);

    if (hit)
      fixture_add(m, n, hit);
    return 0;
  }
  /* nodes are sorted: those sharing the literal prefix are contiguous,
   * from the first one not below it (binary search) */
  size_t lo = 0, hi = f->n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (strncmp(f->nodes[mid].path, pattern, lit) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < f->n; i++) {
    int c = strncmp(f->nodes[i].path, pattern, lit);

    if (c < 0)
      continue;
    if (c > 0)
      break;
    if (fnmatch(pattern, f->nodes[i].path, FNM_PATHNAME | FNM_PERIOD) == 0)
      fixture_add(m, n, &f->nodes[i]);
  }
  return 0;
}

#endif
