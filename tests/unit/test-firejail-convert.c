/* Unit tests of the Firejail -> OCI mapping, directive by directive, on
 * profiles given as text (in-memory files) and the fixture tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert-base.h"
#include "tap.h"
#include "test-firejail-convert-fixture.h"
#include "test-firejail-util.h"
#include "to-oci.h"

/* The filter `firejail --seccomp` loads on x86_64 (Firejail 0.9.72,
 * `firejail --seccomp.print=NAME`), in its order. */
static const char *const firejail_default[] = {
  "adjtimex",
  "clock_adjtime",
  "clock_settime",
  "settimeofday",
  "modify_ldt",
  "lookup_dcookie",
  "perf_event_open",
  "pidfd_getfd",
  "process_vm_writev",
  "delete_module",
  "finit_module",
  "init_module",
  "chroot",
  "fsconfig",
  "fsmount",
  "fsopen",
  "fspick",
  "mount",
  "move_mount",
  "open_tree",
  "pivot_root",
  "umount2",
  "_sysctl",
  "afs_syscall",
  "create_module",
  "get_kernel_syms",
  "getpmsg",
  "putpmsg",
  "query_module",
  "security",
  "sysfs",
  "tuxcall",
  "uselib",
  "ustat",
  "vserver",
  "ioperm",
  "iopl",
  "kexec_load",
  "kexec_file_load",
  "reboot",
  "swapon",
  "swapoff",
  "open_by_handle_at",
  "name_to_handle_at",
  "ioprio_set",
  "syslog",
  "fanotify_init",
  "add_key",
  "request_key",
  "mbind",
  "migrate_pages",
  "move_pages",
  "keyctl",
  "io_setup",
  "io_destroy",
  "io_getevents",
  "io_submit",
  "io_cancel",
  "remap_file_pages",
  "set_mempolicy",
  "vmsplice",
  "userfaultfd",
  "acct",
  "bpf",
  "nfsservctl",
  "setdomainname",
  "sethostname",
  "vhangup",
  "ptrace",
  "personality",
  "process_vm_readv",
};

static struct fixture fx = { fixture_default, NULL, 0 };
static struct brig_fj_warnings warnings;

/* Converts TEXT (as /etc/firejail/test.profile, line numbers as written)
 * on the convert base for alice.  NULL with the error printed on failure. */
static oci_spec *
conv(const char *text)
{
  struct memfs fs = { 0 };
  struct brig_fj_context ctx;
  struct brig_fj_oci_options opts;
  struct brig_fj_profile *p;
  brig_error *berr = NULL;
  oci_spec *spec;
  char *err = NULL;

  test_context(&ctx, &fs);
  ctx.home = "/home/alice";
  brig_fj_warnings_free(&warnings);
  if (brig_fj_parse_buffer(&ctx, "/etc/firejail/test.profile", text, strlen(text), &p, &err) < 0) {
    tap_diag("parse: %s", err);
    free(err);
    return NULL;
  }
  brig_fj_oci_options_init(&opts);
  opts.root_dir = "/fixture";
  opts.glob = fixture_glob;
  opts.glob_opaque = &fx;
  opts.home = "/home/alice";
  opts.uid = opts.gid = 1000;
  spec = brig_fj_convert_base("alice", 1000, 1000, "/home/alice", "test", &berr);
  if (brig_fj_to_oci(spec, p, &opts, &warnings, &err) < 0) {
    tap_diag("convert: %s", err);
    free(err);
    oci_spec_free(spec);
    spec = NULL;
  }
  brig_fj_profile_free(p);
  return spec;
}

static ssize_t
mount_index(const oci_spec *s, const char *dest, const char *type)
{
  for (size_t i = 0; i < s->mounts_len; i++)
    if (strcmp(s->mounts[i].destination, dest) == 0 &&
        (!type || strcmp(s->mounts[i].type, type) == 0))
      return (ssize_t)i;
  return -1;
}

static bool
has_opt(const oci_mount *m, const char *o)
{
  for (size_t i = 0; i < m->options_len; i++)
    if (strcmp(m->options[i], o) == 0)
      return true;
  return false;
}

static const oci_seccomp_syscall *
rule_for(const oci_spec *s, const char *name, size_t nth)
{
  const oci_seccomp *sc = s->linux->seccomp;

  for (size_t i = 0; sc && i < sc->syscalls_len; i++)
    for (size_t k = 0; k < sc->syscalls[i].names_len; k++)
      if (strcmp(sc->syscalls[i].names[k], name) == 0 && nth-- == 0)
        return &sc->syscalls[i];
  return NULL;
}

static size_t
rules_for(const oci_spec *s, const char *name)
{
  size_t n = 0;

  while (rule_for(s, name, n))
    n++;
  return n;
}

static bool
strv_has(char *const *v, size_t n, const char *x)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], x) == 0)
      return true;
  return false;
}

static bool
env_has(const oci_spec *s, const char *e)
{
  return strv_has(s->process->env, s->process->env_len, e);
}

static void
test_seccomp(void)
{
  oci_spec *s = conv("seccomp\n");
  const oci_seccomp_syscall *r;
  bool same = true;

  r = s ? rule_for(s, "mount", 0) : NULL;
  TAP_OK(r && r->names_len == 71, "seccomp: the default list has 71 names on x86_64 (%zu)",
         r ? r->names_len : 0);
  for (size_t i = 0; r && i < 71; i++)
    same = same && strcmp(r->names[i], firejail_default[i]) == 0;
  TAP_OK(r && same, "seccomp: it is Firejail's own list, in its order");
  TAP_OK(r && strcmp(r->action, "SCMP_ACT_ERRNO") == 0 && r->has_errno_ret && r->errno_ret == 1,
         "seccomp: SCMP_ACT_ERRNO with EPERM");
  TAP_OK(s && strcmp(s->linux->seccomp->default_action, "SCMP_ACT_ALLOW") == 0 &&
             s->linux->seccomp->architectures_len == 3,
         "seccomp: default ALLOW, x86_64 with its 32-bit ABIs");
  oci_spec_free(s);

  s = conv("allow-debuggers\nseccomp !chroot,@keyring,unshare:ENOSYS\nseccomp.block-secondary\n");
  r = s ? rule_for(s, "mount", 0) : NULL;
  TAP_OK(r && !rule_for(s, "chroot", 0) && !rule_for(s, "ptrace", 0) && rule_for(s, "keyctl", 0),
         "seccomp: !exception, allow-debuggers (@default) and @group");
  r = s ? rule_for(s, "unshare", 0) : NULL;
  TAP_OK(r && r->names_len == 1 && r->errno_ret == ENOSYS, "seccomp: name:ERRNO has its own rule");
  TAP_OK(s && s->linux->seccomp->architectures_len == 1 &&
             strcmp(s->linux->seccomp->architectures[0], "SCMP_ARCH_X86_64") == 0,
         "seccomp.block-secondary: native architecture only");
  oci_spec_free(s);

  s = conv("seccomp.drop @swap,mount\nseccomp-error-action kill\n");
  r = s ? rule_for(s, "swapon", 0) : NULL;
  TAP_OK(r && r->names_len == 3 && strcmp(r->action, "SCMP_ACT_KILL_PROCESS") == 0,
         "seccomp.drop: only the list; seccomp-error-action kill");
  oci_spec_free(s);

  s = conv("seccomp.keep read,write\nseccomp-error-action log\n");
  r = s ? rule_for(s, "read", 0) : NULL;
  TAP_OK(r && strcmp(r->action, "SCMP_ACT_ALLOW") == 0 && rule_for(s, "execve", 0) &&
             strcmp(s->linux->seccomp->default_action, "SCMP_ACT_LOG") == 0,
         "seccomp.keep: allowlist plus @default-keep, the rest gets the error action");
  oci_spec_free(s);
}

static void
test_protocol(void)
{
  oci_spec *s = conv("protocol unix,inet,inet6\n");
  const oci_seccomp_syscall *r;
  bool one_arg = true;
  size_t n = s ? rules_for(s, "socket") : 0;

  for (size_t i = 0; i < n; i++) {
    r = rule_for(s, "socket", i);
    one_arg = one_arg && r->args_len == 1 && r->args[0].index == 0 && r->errno_ret == 95;
  }
  /* unix=1 inet=2 inet6=10: <1, 3..9, >10 */
  TAP_OK(n == 9, "protocol: one rule per blocked range or family (%zu)", n);
  TAP_OK(one_arg, "protocol: each rule compares socket() arg0 once, EOPNOTSUPP");
  r = s ? rule_for(s, "socket", 0) : NULL;
  TAP_OK(r && strcmp(r->args[0].op, "SCMP_CMP_LT") == 0 && r->args[0].value == 1,
         "protocol: families below unix are blocked");
  r = s ? rule_for(s, "socket", n - 1) : NULL;
  TAP_OK(r && strcmp(r->args[0].op, "SCMP_CMP_GT") == 0 && r->args[0].value == 10,
         "protocol: families above inet6 are blocked");
  oci_spec_free(s);
}

static void
test_mdwe_restrict(void)
{
  oci_spec *s = conv("memory-deny-write-execute\nrestrict-namespaces user,net\n");
  const oci_seccomp_syscall *r = s ? rule_for(s, "mprotect", 0) : NULL;

  TAP_OK(r && r->args_len == 1 && r->args[0].index == 2 &&
             strcmp(r->args[0].op, "SCMP_CMP_MASKED_EQ") == 0 && r->args[0].value == 6 &&
             r->args[0].value_two == 6 && rule_for(s, "mmap", 0) == r &&
             rule_for(s, "pkey_mprotect", 0) == r,
         "memory-deny-write-execute: mmap/mprotect/pkey_mprotect with PROT_WRITE|PROT_EXEC");
  r = s ? rule_for(s, "memfd_create", 0) : NULL;
  TAP_OK(r && r->args_len == 0, "memory-deny-write-execute: memfd_create");
  TAP_OK(s && rules_for(s, "unshare") == 2 && rules_for(s, "setns") == 3,
         "restrict-namespaces user,net: unshare x2, setns x2 + nstype 0");
  r = s ? rule_for(s, "unshare", 0) : NULL;
  TAP_OK(r && r->args[0].value == 0x40000000 && r->args[0].value_two == 0x40000000,
         "restrict-namespaces: CLONE_NEWNET masked");
  r = s ? rule_for(s, "clone3", 0) : NULL;
  TAP_OK(r && r->errno_ret == ENOSYS, "restrict-namespaces: clone3 gets ENOSYS");
  oci_spec_free(s);
}

static void
test_process(void)
{
  oci_spec *s = conv("caps.drop all\nnonewprivs\nnet none\nhostname box\nrlimit-nofile 100\n"
                     "rlimit-as 1g\nenv FOO=bar baz\nrmenv TERM\nnoroot\nnice 5\n");
  oci_capabilities *c = s ? s->process->capabilities : NULL;
  const oci_namespace *ns = NULL;
  bool user = false, uts = false;

  TAP_OK(c && c->has_bounding && !c->bounding_len && c->has_effective && !c->effective_len &&
             c->has_permitted && !c->permitted_len && c->has_ambient && !c->ambient_len &&
             c->has_inheritable && !c->inheritable_len,
         "caps.drop all: every capability set is present and empty");
  TAP_OK(s && s->process->no_new_privileges, "nonewprivs: noNewPrivileges");
  for (size_t i = 0; s && i < s->linux->namespaces_len; i++) {
    if (!strcmp(s->linux->namespaces[i].type, "network"))
      ns = &s->linux->namespaces[i];
    user |= !strcmp(s->linux->namespaces[i].type, "user");
    uts |= !strcmp(s->linux->namespaces[i].type, "uts");
  }
  TAP_OK(ns && !ns->path, "net none: a new network namespace (no interfaces but lo)");
  TAP_OK(uts && s->hostname && !strcmp(s->hostname, "box"), "hostname: uts namespace + hostname");
  TAP_OK(s && s->process->rlimits_len == 2 &&
             !strcmp(s->process->rlimits[0].type, "RLIMIT_NOFILE") &&
             s->process->rlimits[0].soft == 100 && s->process->rlimits[0].hard == 100 &&
             s->process->rlimits[1].hard == 1024ull * 1024 * 1024,
         "rlimit-nofile, rlimit-as with a size suffix");
  TAP_OK(s && env_has(s, "FOO=bar baz") && !env_has(s, "TERM=xterm"), "env, rmenv");
  TAP_OK(user && s->linux->uid_mappings_len == 1 && s->linux->uid_mappings[0].host_id == 1000 &&
             s->linux->uid_mappings[0].container_id == 1000,
         "noroot: user namespace mapping only the user");
  TAP_OK(s && s->process->scheduler && s->process->scheduler->nice == 5, "nice: scheduler");
  oci_spec_free(s);

  s = conv("netns vpn\n");
  ns = NULL;
  for (size_t i = 0; s && i < s->linux->namespaces_len; i++)
    if (!strcmp(s->linux->namespaces[i].type, "network"))
      ns = &s->linux->namespaces[i];
  TAP_OK(ns && ns->path && !strcmp(ns->path, "/run/netns/vpn"), "netns: joins the named netns");
  oci_spec_free(s);
}

static void
test_mounts(void)
{
  oci_spec *s = conv("blacklist ${HOME}/.ssh\n"
                     "whitelist ${HOME}/.mozilla\n"
                     "whitelist-ro ${HOME}/Documents\n"
                     "whitelist ${HOME}/nonexistent\n"
                     "read-only ${HOME}/.bashrc\n"
                     "blacklist /nonexistent\n"
                     "private-tmp\n"
                     "no3d\n");
  ssize_t tmp = s ? mount_index(s, "/tmp", "tmpfs") : -1;
  ssize_t home = s ? mount_index(s, "/home/alice", "tmpfs") : -1;
  ssize_t moz = s ? mount_index(s, "/home/alice/.mozilla", "bind") : -1;
  ssize_t doc = s ? mount_index(s, "/home/alice/Documents", "bind") : -1;
  ssize_t ssh = s ? mount_index(s, "/home/alice/.ssh", NULL) : -1;
  ssize_t etc = s ? mount_index(s, "/etc", "bind") : -1;
  ssize_t dri = s ? mount_index(s, "/dev/dri", NULL) : -1;

  TAP_OK(etc >= 0 && has_opt(&s->mounts[etc], "ro") &&
             !strcmp(s->mounts[etc].source, "/fixture/etc"),
         "baseline: /etc read-only, bound from the root directory");
  TAP_OK(s && strv_has(s->linux->masked_paths, s->linux->masked_paths_len, "/boot") &&
             strv_has(s->linux->masked_paths, s->linux->masked_paths_len, "/sys/firmware"),
         "baseline: Firejail's masked /sys, /proc and /boot entries");
  TAP_OK(tmp >= 0 && home > tmp, "order: private-tmp before the whitelists");
  TAP_OK(home >= 0 && has_opt(&s->mounts[home], "uid=1000"),
         "whitelist: tmpfs over the home, owned by the user");
  TAP_OK(moz > home && doc > moz && has_opt(&s->mounts[doc], "ro") &&
             !has_opt(&s->mounts[moz], "ro"),
         "whitelist: binds after the tmpfs; whitelist-ro read-only");
  TAP_OK(s && mount_index(s, "/home/alice/nonexistent", NULL) < 0,
         "whitelist: a missing path is skipped");
  TAP_OK(s && ssh < 0, "blacklist of a path hidden by the whitelist tmpfs is skipped");
  TAP_OK(s && mount_index(s, "/home/alice/.bashrc", NULL) < 0,
         "read-only of a hidden path does not bind it back");
  TAP_OK(s && mount_index(s, "/nonexistent", NULL) < 0, "blacklist of a missing path is skipped");
  {
    const oci_resources *r = s ? s->linux->resources : NULL;
    bool deny = false;

    for (size_t i = 0; r && i < r->devices_len; i++)
      deny |= !r->devices[i].allow && r->devices[i].has_major && r->devices[i].major == 226;
    TAP_OK(s && dri < 0 && deny,
           "no3d with the spec's private /dev: nothing to mask, major 226 denied");
  }
  oci_spec_free(s);

  s = conv("blacklist ${HOME}/.ssh\nread-only ${HOME}/.bashrc\nblacklist ${HOME}/.gnupg\n"
           "noexec ${HOME}\n");
  ssh = s ? mount_index(s, "/home/alice/.ssh", "tmpfs") : -1;
  {
    ssize_t bashrc = s ? mount_index(s, "/home/alice/.bashrc", "bind") : -1;
    ssize_t gpg = s ? mount_index(s, "/home/alice/.gnupg", "tmpfs") : -1;
    ssize_t noexec = -1;

    for (size_t i = 0; s && i < s->mounts_len; i++)
      if (!strcmp(s->mounts[i].destination, "/home/alice") && has_opt(&s->mounts[i], "rnoexec"))
        noexec = (ssize_t)i;
    TAP_OK(ssh >= 0 && bashrc > ssh && gpg > bashrc && has_opt(&s->mounts[bashrc], "rro") &&
               has_opt(&s->mounts[ssh], "mode=000"),
           "blacklist/read-only are ordered mounts in profile order");
    TAP_OK(noexec > gpg && !strcmp(s->mounts[noexec].source, "/fixture/home/alice") &&
               has_opt(&s->mounts[noexec], "rbind"),
           "noexec over existing mounts: a recursive bind of the path onto itself, after them");
  }
  oci_spec_free(s);

  /* whitelist: the entries are staged before the tmpfs over the home */
  s = conv("whitelist ${HOME}/.mozilla\n");
  {
    ssize_t htmp = s ? mount_index(s, "/home/alice", "tmpfs") : -1;
    ssize_t mbind = s ? mount_index(s, "/home/alice/.mozilla", "bind") : -1;
    ssize_t st = -1;

    for (size_t i = 0; s && i < s->mounts_len; i++)
      if (!strncmp(s->mounts[i].destination, BRIG_FJ_STAGE_DIR "/", sizeof(BRIG_FJ_STAGE_DIR)) &&
          !strcmp(s->mounts[i].source, "/fixture/home/alice/.mozilla"))
        st = (ssize_t)i;
    TAP_OK(st >= 0 && htmp > st && mbind > htmp &&
               !strcmp(s->mounts[mbind].source, "/fixture" BRIG_FJ_STAGE_DIR "/1"),
           "whitelist: staged before the tmpfs, bound from the staging directory (%s)",
           mbind >= 0 ? s->mounts[mbind].source : "-");
    TAP_OK(s && strv_has(s->linux->masked_paths, s->linux->masked_paths_len, BRIG_FJ_STAGE_DIR),
           "whitelist: the staging directory is masked");
  }
  oci_spec_free(s);
}

static void
test_unsupported(void)
{
  oci_spec *s = conv("caps\nnetfilter\ndbus-user filter\nx11 xvfb\n");
  const char *u = s ? oci_strmap_get(&s->annotations, BRIG_FJ_ANN_UNSUPPORTED) : NULL;

  TAP_OK(u && !strcmp(u, "netfilter (/etc/firejail/test.profile:2)\n"
                         "dbus-user filter (/etc/firejail/test.profile:3)\n"
                         "x11 xvfb (/etc/firejail/test.profile:4)"),
         "unsupported: listed in run.brig.firejail.unsupported with file and line");
  TAP_OK(warnings.n == 3 &&
             !strncmp(warnings.items[0], "/etc/firejail/test.profile:2: netfilter: ", 41),
         "unsupported: one warning each naming file and line");
  oci_spec_free(s);
  s = conv("seccomp-error-action frobnicate\n");
  TAP_OK(!s, "an invalid seccomp-error-action is an error");
  s = conv("protocol unix,ax25\n");
  TAP_OK(!s, "an unknown protocol is an error");
}

static void
test_default_glob(void)
{
  char dir[] = "/tmp/brig-fj-glob-XXXXXX", path[256];
  struct brig_fj_match *m = NULL;
  size_t n = 0;
  int rc;

  if (!mkdtemp(dir)) {
    TAP_SKIP("mkdtemp failed");
    return;
  }
  snprintf(path, sizeof(path), "%s/etc", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof(path), "%s/etc/a.conf", dir);
  fclose(fopen(path, "w"));
  snprintf(path, sizeof(path), "%s/etc/b.conf", dir);
  fclose(fopen(path, "w"));
  rc = brig_fj_glob_default(NULL, dir, "/etc/*.conf", &m, &n);
  TAP_OK(rc == 0 && n == 2 && !strcmp(m[0].path, "/etc/a.conf") && m[0].type == BRIG_FJ_FT_FILE,
         "default glob: matches under the root, paths as the sandbox sees them");
  brig_fj_matches_free(m, n);
  rc = brig_fj_glob_default(NULL, dir, "/etc", &m, &n);
  TAP_OK(rc == 0 && n == 1 && m[0].type == BRIG_FJ_FT_DIR, "default glob: a plain path");
  brig_fj_matches_free(m, n);
  rc = brig_fj_glob_default(NULL, dir, "/nope/*", &m, &n);
  TAP_OK(rc == 0 && n == 0, "default glob: no match is not an error");
  snprintf(path, sizeof(path), "%s/etc/a.conf", dir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/etc/b.conf", dir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/etc", dir);
  rmdir(path);
  rmdir(dir);
}

int
main(void)
{
  test_seccomp();
  test_protocol();
  test_mdwe_restrict();
  test_process();
  test_mounts();
  test_unsupported();
  test_default_glob();
  brig_fj_warnings_free(&warnings);
  fixture_free(&fx);
  return tap_done();
}
