#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/copy-tree.h"
#include "linux/lsm.h"
#include "linux/mounts.h"
#include "linux/mounts-proc.h"
#include "linux/resolve.h"
#include "util/cleanup.h"
#include "util/log.h"

/* The superblock flag pairs (see sb_flag_options). */
enum { SB_SYNC, SB_DIRSYNC, SB_LAZYTIME, SB_MAND, SB_N };

typedef struct mount_flags {
  unsigned set, clr;   /* MOUNT_ATTR_* of the top mount */
  unsigned rset, rclr; /* recursive variants (rro, rnosuid, ...) */
  bool bind, rec;
  unsigned long propagation;
  bool rprop;
  bool sb_ro;                 /* "ro" also for the superblock of a new filesystem */
  const char *sb_flags[SB_N]; /* per pair, the last given (new filesystems) */
  const char **data;
  size_t n_data;
  bool tmpcopyup; /* a new tmpfs starts with the covered directory's contents */
} mount_flags;

static const struct {
  const char *name;
  unsigned attr;
  bool clear;
} attr_options[] = {
  { "ro", MOUNT_ATTR_RDONLY, false },
  { "rw", MOUNT_ATTR_RDONLY, true },
  { "nosuid", MOUNT_ATTR_NOSUID, false },
  { "suid", MOUNT_ATTR_NOSUID, true },
  { "nodev", MOUNT_ATTR_NODEV, false },
  { "dev", MOUNT_ATTR_NODEV, true },
  { "noexec", MOUNT_ATTR_NOEXEC, false },
  { "exec", MOUNT_ATTR_NOEXEC, true },
  { "nodiratime", MOUNT_ATTR_NODIRATIME, false },
  { "diratime", MOUNT_ATTR_NODIRATIME, true },
  { "nosymfollow", MOUNT_ATTR_NOSYMFOLLOW, false },
  { "symfollow", MOUNT_ATTR_NOSYMFOLLOW, true },
};

static const struct {
  const char *name;
  unsigned long flag;
  bool rec;
} propagation_options[] = {
  { "private", MS_PRIVATE, false },       { "rprivate", MS_PRIVATE, true },
  { "shared", MS_SHARED, false },         { "rshared", MS_SHARED, true },
  { "slave", MS_SLAVE, false },           { "rslave", MS_SLAVE, true },
  { "unbindable", MS_UNBINDABLE, false }, { "runbindable", MS_UNBINDABLE, true },
};

/* Options that need nothing from brig (or that runc accepts and ignores).
 * "remount": every mount here is made with its final attributes (a bind
 * gets them with mount_setattr before it is attached), so there is nothing
 * to remount.  "silent"/"loud" only change how much the kernel logs while
 * mounting.  "iversion"/"noiversion": the kernel decides i_version per
 * filesystem and ignores the flag of mount(2). */
static const char *const ignored_options[] = {
  "defaults", "auto", "noauto",   "_netdev",    "remount",
  "silent",   "loud", "iversion", "noiversion", NULL,
};

/* Superblock flags: set with fsconfig() on a new filesystem (the VFS parses
 * them for every type); a bind shares the source's superblock, and changing
 * them would change the source too, so they are ignored for binds.  The
 * last of a pair wins ("sync,async" is async), as with mount(8). */
static const struct {
  const char *name;
  unsigned pair;
} sb_flag_options[] = {
  { "sync", SB_SYNC },         { "async", SB_SYNC },          { "dirsync", SB_DIRSYNC },
  { "lazytime", SB_LAZYTIME }, { "nolazytime", SB_LAZYTIME }, { "mand", SB_MAND },
  { "nomand", SB_MAND },
};

/* The atime options, recursive with an "r" prefix.  norelatime and
 * nostrictatime as in mount(8): no relatime means strict atime updates, no
 * strictatime the kernel's default, relatime. */
static const struct {
  const char *name;
  unsigned attr; /* the MOUNT_ATTR__ATIME value */
} atime_options[] = {
  { "atime", MOUNT_ATTR_RELATIME },          { "noatime", MOUNT_ATTR_NOATIME },
  { "relatime", MOUNT_ATTR_RELATIME },       { "norelatime", MOUNT_ATTR_STRICTATIME },
  { "strictatime", MOUNT_ATTR_STRICTATIME }, { "nostrictatime", MOUNT_ATTR_RELATIME },
};

static bool
parse_atime(const char *o, mount_flags *f)
{
  size_t j;

  for (j = 0; j < sizeof(atime_options) / sizeof(atime_options[0]); j++) {
    bool rec = o[0] == 'r' && strcmp(o + 1, atime_options[j].name) == 0;
    unsigned *set, *clr;

    if (strcmp(o, atime_options[j].name) && !rec)
      continue;
    set = rec ? &f->rset : &f->set;
    clr = rec ? &f->rclr : &f->clr;
    *clr |= MOUNT_ATTR__ATIME;
    *set = (*set & ~MOUNT_ATTR__ATIME) | atime_options[j].attr;
    return true;
  }
  return false;
}

static int
parse_flags(const oci_mount *m, mount_flags *f, brig_error **err)
{
  size_t i, j;

  memset(f, 0, sizeof(*f));
  if (m->type && strcmp(m->type, "bind") == 0)
    f->bind = true;
  f->data = calloc(m->options_len + 1, sizeof(char *));
  if (!f->data)
    return brig_fail(err, ENOMEM, "mount options");
  for (i = 0; i < m->options_len; i++) {
    const char *o = m->options[i];
    bool done = false;

    if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0) {
      f->bind = true;
      f->rec = f->rec || o[0] == 'r';
      continue;
    }
    if (strcmp(o, "tmpcopyup") == 0) {
      f->tmpcopyup = true;
      continue;
    }
    if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0)
      return brig_fail(err, EOPNOTSUPP, "mount %s: option %s", m->destination, o);
    for (j = 0; !done && j < sizeof(attr_options) / sizeof(attr_options[0]); j++) {
      bool rec = o[0] == 'r' && strcmp(o + 1, attr_options[j].name) == 0;

      if (strcmp(o, attr_options[j].name) && !rec)
        continue;
      unsigned *set = rec ? &f->rset : &f->set, *clr = rec ? &f->rclr : &f->clr;
      if (attr_options[j].clear) {
        *clr |= attr_options[j].attr;
        *set &= ~attr_options[j].attr;
      } else {
        *set |= attr_options[j].attr;
        *clr &= ~attr_options[j].attr;
      }
      if (!rec && attr_options[j].attr == MOUNT_ATTR_RDONLY)
        f->sb_ro = !attr_options[j].clear;
      done = true;
    }
    if (!done)
      done = parse_atime(o, f);
    for (j = 0; !done && j < sizeof(sb_flag_options) / sizeof(sb_flag_options[0]); j++) {
      if (strcmp(o, sb_flag_options[j].name))
        continue;
      if (!f->bind)
        f->sb_flags[sb_flag_options[j].pair] = o;
      done = true;
    }
    for (j = 0; !done && j < sizeof(propagation_options) / sizeof(propagation_options[0]); j++) {
      if (strcmp(o, propagation_options[j].name))
        continue;
      f->propagation = propagation_options[j].flag;
      f->rprop = propagation_options[j].rec;
      done = true;
    }
    for (j = 0; !done && ignored_options[j]; j++)
      done = strcmp(o, ignored_options[j]) == 0;
    if (!done)
      f->data[f->n_data++] = o;
  }
  return 0;
}

int
brig_mount_set_attr(int dirfd, const char *path, bool rec, unsigned set, unsigned clr,
                    unsigned long propagation)
{
  struct mount_attr attr = { .attr_set = set, .attr_clr = clr, .propagation = propagation };

  /* Changing the atime mode needs the whole field in attr_clr. */
  if (set & MOUNT_ATTR__ATIME)
    attr.attr_clr |= MOUNT_ATTR__ATIME;
  if (!set && !clr && !propagation)
    return 0;
  return (int)syscall(SYS_mount_setattr, dirfd, path,
                      AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | (rec ? AT_RECURSIVE : 0), &attr,
                      sizeof(attr));
}

static int
attach(int mntfd, int dst)
{
  return (int)syscall(SYS_move_mount, mntfd, "", dst, "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int
brig_bind_onto(int srcdir, const char *src, int dst, bool rec, unsigned attr)
{
  int tree, saved;

  tree = (int)syscall(SYS_open_tree, srcdir >= 0 ? srcdir : AT_FDCWD, src,
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0) |
                          (src[0] ? 0 : AT_EMPTY_PATH));
  if (tree < 0)
    return -1;
  if (brig_mount_set_attr(tree, "", rec, attr, 0, 0) < 0 || attach(tree, dst) < 0) {
    saved = errno;
    close(tree);
    errno = saved;
    return -1;
  }
  close(tree);
  return 0;
}

static bool
has_data_option(const mount_flags *f, const char *key)
{
  size_t i, len = strlen(key);

  for (i = 0; i < f->n_data; i++)
    if (strncmp(f->data[i], key, len) == 0 && f->data[i][len] == '=')
      return true;
  return false;
}

/* File systems that take linux.mountLabel as their context= option, as
 * runc gives it: not proc and sysfs (labelled by the kernel's genfs rules)
 * nor mqueue. */
static bool
takes_mount_label(const char *type)
{
  return strcmp(type, "proc") && strcmp(type, "sysfs") && strcmp(type, "mqueue");
}

/* A new filesystem instance: fsopen + fsconfig per option + fsmount.
 * label: linux.mountLabel when SELinux can apply it, else NULL. */
static int
mount_new_fs(const oci_mount *m, const mount_flags *f, const char *type, const char *label, int dst,
             brig_error **err)
{
  _cleanup_close_ int fs = -1, mnt = -1;
  size_t i;

  fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
  if (fs < 0)
    return brig_fail(err, errno, "mount %s on %s", type, m->destination);
  if (m->source && *m->source &&
      syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", m->source, 0) < 0)
    return brig_fail(err, errno, "mount %s on %s: source %s", type, m->destination, m->source);
  for (i = 0; i < f->n_data; i++) {
    _cleanup_free_ char *key = strdup(f->data[i]);
    char *eq;
    long r;

    if (!key)
      return brig_fail(err, ENOMEM, "mount %s on %s", type, m->destination);
    eq = strchr(key, '=');
    if (eq) {
      *eq = '\0';
      r = syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, eq + 1, 0);
    } else {
      r = syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, key, NULL, 0);
    }
    if (r < 0)
      return brig_fail(err, errno, "mount %s on %s: option %s", type, m->destination, f->data[i]);
  }
  for (i = 0; i < SB_N; i++)
    if (f->sb_flags[i] && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, f->sb_flags[i], NULL, 0) < 0)
      return brig_fail(err, errno, "mount %s on %s: option %s", type, m->destination,
                       f->sb_flags[i]);
  if (f->sb_ro && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0)
    return brig_fail(err, errno, "mount %s on %s: option ro", type, m->destination);
  if (label && takes_mount_label(type) &&
      syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "context", label, 0) < 0)
    return brig_fail(err, errno, "mount %s on %s: linux.mountLabel %s", type, m->destination,
                     label);
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return brig_fail(err, errno, "mount %s on %s", type, m->destination);
  /* A new filesystem has no submounts: the recursive variants apply to
   * its one mount. */
  mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                     (f->rclr & MOUNT_ATTR__ATIME) && !(f->clr & MOUNT_ATTR__ATIME)
                         ? f->set | f->rset
                         : f->set | (f->rset & ~MOUNT_ATTR__ATIME));
  if (mnt < 0)
    return brig_fail(err, errno, "mount %s on %s", type, m->destination);
  /* Filled while still detached: nothing in the container sees it half
   * copied.  The tmpfs keeps its own mode= when the options give one. */
  if (f->tmpcopyup && strcmp(type, "tmpfs") == 0 &&
      brig_copy_tree(dst, mnt, !has_data_option(f, "mode")) < 0)
    return brig_fail(err, errno, "mount %s on %s: tmpcopyup", type, m->destination);
  if (attach(mnt, dst) < 0)
    return brig_fail(err, errno, "mount %s on %s", type, m->destination);
  if (f->propagation && brig_mount_set_attr(mnt, "", f->rprop, 0, 0, f->propagation) < 0)
    return brig_fail(err, errno, "mount %s on %s: propagation", type, m->destination);
  return 0;
}

/* tree: the source, cloned with open_tree (see mount_one). */
static int
mount_bind(const oci_mount *m, const mount_flags *f, const char *src, int tree, int dst,
           brig_error **err)
{
  if (f->n_data > 0)
    return brig_fail(err, EINVAL, "bind mount %s on %s: option %s", src, m->destination,
                     f->data[0]);
  if (brig_mount_set_attr(tree, "", f->rec, f->rset, f->rclr, 0) < 0 ||
      brig_mount_set_attr(tree, "", false, f->set, f->clr, 0) < 0)
    return brig_fail(err, errno, "bind mount %s on %s: set attributes", src, m->destination);
  if (attach(tree, dst) < 0)
    return brig_fail(err, errno, "bind mount %s on %s", src, m->destination);
  if (f->propagation && brig_mount_set_attr(tree, "", f->rprop, 0, 0, f->propagation) < 0)
    return brig_fail(err, errno, "bind mount %s on %s: propagation", src, m->destination);
  return 0;
}

/* The spec's `cgroup` mount: the container's own cgroups (cgroup-mount.c),
 * with the mount's attributes (podman asks for ro, nosuid, nodev, noexec). */
static int
mount_cgroup(const oci_mount *m, const mount_flags *f, const brig_cgroup_view *cgroups, int dst,
             brig_error **err)
{
  if (!cgroups)
    return brig_fail(err, EINVAL, "mount cgroup on %s", m->destination);
  return brig_cgroup_mount(cgroups, dst, f->set | f->rset, m->destination, err);
}

int
brig_mounts_validate(const oci_spec *spec, brig_error **err)
{
  size_t i;

  for (i = 0; i < spec->mounts_len; i++) {
    const oci_mount *m = &spec->mounts[i];

    if (m->uid_mappings_len || m->gid_mappings_len)
      return brig_fail(err, 0,
                       "config.json: mounts[%zu]: uidMappings/gidMappings: idmapped mounts are not "
                       "supported",
                       i);
  }
  return 0;
}

bool
brig_mounts_have_cgroup(const oci_spec *spec)
{
  size_t i;

  for (i = 0; i < spec->mounts_len; i++) {
    const char *t = spec->mounts[i].type;

    if (t && (strcmp(t, "cgroup") == 0 || strcmp(t, "cgroup2") == 0))
      return true;
  }
  return false;
}

/* Where the host's instance of a file system type that a user namespace
 * may not mount anew is (see mount_one), or NULL. */
static const char *
host_instance(const char *type)
{
  if (!type)
    return NULL;
  if (strcmp(type, "sysfs") == 0)
    return "/sys";
  if (strcmp(type, "mqueue") == 0)
    return "/dev/mqueue";
  return NULL;
}

static int
mount_one(const oci_mount *m, int rootfd, const char *bundle, const brig_cgroup_view *cgroups,
          const char *label, brig_error **err)
{
  mount_flags f;
  _cleanup_free_ char *src = NULL;
  _cleanup_close_ int dst = -1, tree = -1;
  enum brig_create_kind kind = BRIG_CREATE_DIR;
  const char *type = m->type && *m->type ? m->type : NULL, *host;
  int r;

  if (parse_flags(m, &f, err) < 0) {
    free(f.data);
    return -1;
  }
  if (f.bind) {
    struct stat st;

    if (!m->source || !*m->source) {
      free(f.data);
      return brig_fail(err, 0, "config.json: mounts: %s: bind mount without source",
                       m->destination);
    }
    if (m->source[0] == '/')
      src = strdup(m->source);
    else if (asprintf(&src, "%s/%s", bundle, m->source) < 0)
      src = NULL;
    if (!src) {
      free(f.data);
      return brig_fail(err, ENOMEM, "mount");
    }
    /* The source is resolved once: the clone is what gets attached, and
     * its type is the one that picks a file or directory destination (a
     * stat() by path could see another file than a second lookup). */
    tree = (int)syscall(SYS_open_tree, AT_FDCWD, src,
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (f.rec ? AT_RECURSIVE : 0));
    if (tree < 0 || fstat(tree, &st) < 0) {
      free(f.data);
      return brig_fail(err, errno, "bind mount %s on %s", src, m->destination);
    }
    if (!S_ISDIR(st.st_mode))
      kind = BRIG_CREATE_FILE;
  } else if (!type) {
    free(f.data);
    return brig_fail(err, 0, "config.json: mounts: %s: type is required", m->destination);
  }
  dst = brig_open_in_root(rootfd, m->destination, kind);
  if (dst < 0) {
    free(f.data);
    return brig_fail(err, errno, "mount %s on %s: destination", f.bind ? "bind" : type,
                     m->destination);
  }
  if (brig_mount_check_proc(m, type, f.bind ? tree : -1, rootfd, dst, err) < 0) {
    free(f.data);
    return -1;
  }
  if (f.bind)
    r = mount_bind(m, &f, src, tree, dst, err);
  else if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0)
    r = mount_cgroup(m, &f, cgroups, dst, err);
  else
    r = mount_new_fs(m, &f, type, label, dst, err);
  if (r < 0 && (*err)->errnum == EPERM && (host = host_instance(type))) {
    /* In a user namespace, sysfs needs a network namespace of its own
     * and mqueue an IPC one (rootless brig may share the host's): as runc
     * does, bind the host's instance instead, with the mount's
     * attributes. */
    brig_debug("%s; binding %s instead", (*err)->msg, host);
    brig_error_clear(err);
    r = brig_bind_onto(-1, host, dst, true, f.set | f.rset);
    if (r < 0)
      brig_fail(err, errno, "bind mount %s on %s", host, m->destination);
  }
  free(f.data);
  return r;
}

int
brig_mounts_apply(const oci_spec *spec, int rootfd, const char *bundle,
                  const brig_cgroup_view *cgroups, brig_error **err)
{
  _cleanup_free_ char *option = NULL;
  const char *label = NULL;
  size_t i;

  /* Warns once and gives no option when SELinux is not enabled. */
  if (brig_lsm_mount_label_option(spec->linux, &option, err) < 0)
    return -1;
  if (option)
    label = spec->linux->mount_label;

  for (i = 0; i < spec->mounts_len; i++)
    if (mount_one(&spec->mounts[i], rootfd, bundle, cgroups, label, err) < 0)
      return -1;
  return 0;
}

int
brig_trusted_devnull(brig_error **err)
{
  struct stat st;
  int fd;

  /* The host's node (this mount namespace still sees the host's /dev),
   * opened before pivot_root: a rootfs or a /dev bind cannot swap in a
   * symlink (CVE-2025-31133). */
  fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return brig_fail(err, errno, "open /dev/null");
  if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
    close(fd);
    return brig_fail(err, 0, "/dev/null is not the null device");
  }
  return fd;
}

int
brig_mounts_mask_prepare(const oci_linux *l, brig_mask_prep *p, brig_error **err)
{
  _cleanup_close_ int devnull = -1;

  p->null_mnt = p->attached = -1;
  if (!l || l->masked_paths_len == 0)
    return 0;
  devnull = brig_trusted_devnull(err);
  if (devnull < 0)
    return brig_error_wrap(err, "maskedPaths");
  p->null_mnt =
      (int)syscall(SYS_open_tree, devnull, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (p->null_mnt < 0)
    return brig_fail(err, errno, "maskedPaths: clone /dev/null");
  return 0;
}

void
brig_mask_prep_close(brig_mask_prep *p)
{
  if (p->null_mnt >= 0)
    close(p->null_mnt);
  if (p->attached >= 0)
    close(p->attached);
  p->null_mnt = p->attached = -1;
}

/* Covers dst with the trusted /dev/null: the detached copy the first
 * time, then clones of that copy's mount (the container runs nothing yet,
 * so that mount is still the trusted node). */
static int
mask_file(brig_mask_prep *prep, int dst)
{
  int mnt;

  if (prep->attached < 0) {
    if (prep->null_mnt < 0 || attach(prep->null_mnt, dst) < 0)
      return -1;
    prep->attached = prep->null_mnt;
    prep->null_mnt = -1;
    return 0;
  }
  mnt = (int)syscall(SYS_open_tree, prep->attached, "",
                     AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (mnt < 0)
    return -1;
  if (attach(mnt, dst) < 0) {
    int saved = errno;

    close(mnt);
    errno = saved;
    return -1;
  }
  close(mnt);
  return 0;
}

int
brig_mounts_mask(const oci_linux *l, brig_mask_prep *prep, brig_error **err)
{
  _cleanup_close_ int root = -1;
  size_t i;

  if (!l || l->masked_paths_len == 0)
    return 0;
  root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return brig_fail(err, errno, "open /");
  for (i = 0; i < l->masked_paths_len; i++) {
    const char *p = l->masked_paths[i];
    _cleanup_close_ int dst = brig_openat_in_root(root, p, O_PATH | O_NOFOLLOW);
    struct stat st;

    if (dst < 0 && (errno == ENOENT || errno == ELOOP))
      continue;
    if (dst < 0 || fstat(dst, &st) < 0)
      return brig_fail(err, errno, "mask %s", p);
    if (S_ISDIR(st.st_mode)) {
      _cleanup_close_ int fs = -1, mnt = -1;

      fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
      if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
          syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return brig_fail(err, errno, "mask %s", p);
      mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
      if (mnt < 0 || attach(mnt, dst) < 0)
        return brig_fail(err, errno, "mask %s", p);
    } else if (mask_file(prep, dst) < 0) {
      return brig_fail(err, errno, "mask %s", p);
    }
  }
  return 0;
}

int
brig_mounts_readonly(const oci_linux *l, brig_error **err)
{
  _cleanup_close_ int root = -1;
  size_t i;

  if (!l || l->readonly_paths_len == 0)
    return 0;
  root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return brig_fail(err, errno, "open /");
  for (i = 0; i < l->readonly_paths_len; i++) {
    const char *p = l->readonly_paths[i];
    /* A symlink is followed, inside the container's root (we are past
     * pivot_root, and the lookup stays in root anyway): the path's target
     * is what must turn read-only, not the link. */
    _cleanup_close_ int dst = brig_openat_in_root(root, p, O_PATH);

    if (dst < 0 && errno == ENOENT)
      continue;
    if (dst < 0 || brig_bind_onto(dst, "", dst, true,
                                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                      MOUNT_ATTR_NOEXEC) < 0)
      return brig_fail(err, errno, "readonly %s", p);
  }
  return 0;
}
