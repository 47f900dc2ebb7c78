#define _GNU_SOURCE
#include "config.h" /* HAVE_SYSTEMD */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_SYSTEMD
#include <dlfcn.h>
#include <systemd/sd-bus.h>
#endif

#include "linux/systemd-scope.h"
#include "util/cleanup.h"
#include "util/file-util.h"

#define SCOPE_WAIT_MS 5000

bool
brig_systemd_running(void)
{
  return access("/run/systemd/system", F_OK) == 0;
}

static bool
valid_unit_part(const char *s)
{
  return !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* "a-b-c.slice" lives at /a.slice/a-b.slice/a-b-c.slice ("-.slice" is the
 * root), the path systemd gives nested slices. */
static int
expand_slice(const char *slice, char **out, brig_error **err)
{
  size_t len = strlen(slice), base, i, o = 0;
  char *p;

  if (len < 7 || strcmp(slice + len - 6, ".slice") || !valid_unit_part(slice))
    return brig_fail(err, 0, "linux.cgroupsPath: \"%s\": not a slice name (NAME.slice)", slice);
  if (strcmp(slice, "-.slice") == 0) {
    *out = strdup("");
    return *out ? 0 : brig_fail(err, ENOMEM, "linux.cgroupsPath");
  }
  base = len - 6;
  if (slice[0] == '-' || slice[base - 1] == '-' || strstr(slice, "--"))
    return brig_fail(err, 0, "linux.cgroupsPath: \"%s\": not a valid slice name", slice);
  /* At most one "/PREFIX.slice" per dash plus the whole name. */
  p = malloc(len * (len + 8) + 1);
  if (!p)
    return brig_fail(err, ENOMEM, "linux.cgroupsPath");
  for (i = 0; i <= base; i++)
    if (i == base || slice[i] == '-')
      o += (size_t)sprintf(p + o, "/%.*s.slice", (int)i, slice);
  *out = p;
  return 0;
}

int
brig_systemd_scope_names(const char *id, const char *cgroups_path, char **unit, char **path,
                         brig_error **err)
{
  _cleanup_free_ char *copy = NULL, *slice_path = NULL;
  const char *slice, *prefix, *name;
  char *c1, *c2;

  *unit = *path = NULL;
  if (cgroups_path && *cgroups_path) {
    copy = strdup(cgroups_path);
    if (!copy)
      return brig_fail(err, ENOMEM, "linux.cgroupsPath");
    c1 = strchr(copy, ':');
    c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || strchr(c2 + 1, ':'))
      return brig_fail(err, 0,
                       "linux.cgroupsPath: \"%s\": --systemd-cgroup needs slice:prefix:name",
                       cgroups_path);
    *c1 = *c2 = '\0';
    slice = copy;
    prefix = c1 + 1;
    name = c2 + 1;
  } else {
    slice = "";
    prefix = "brig";
    name = id;
  }
  if (!*slice)
    slice = "system.slice";
  if (!*name || !valid_unit_part(name) || !valid_unit_part(prefix))
    return brig_fail(err, 0, "linux.cgroupsPath: \"%s\": not a valid unit name",
                     cgroups_path ? cgroups_path : id);
  if (expand_slice(slice, &slice_path, err) < 0)
    return -1;
  if (*prefix ? asprintf(unit, "%s-%s.scope", prefix, name) < 0
              : asprintf(unit, "%s.scope", name) < 0) {
    *unit = NULL;
    return brig_fail(err, ENOMEM, "linux.cgroupsPath");
  }
  if (asprintf(path, "%s/%s", slice_path, *unit) < 0) {
    free(*unit);
    *unit = *path = NULL;
    return brig_fail(err, ENOMEM, "linux.cgroupsPath");
  }
  return 0;
}

#ifdef HAVE_SYSTEMD

/* libsystemd is opened only when --systemd-cgroup is used: linked in, it
 * and what it pulls (libgcrypt, liblzma, libzstd, liblz4) cost every brig
 * process about 1 MB of memory and its relocations, in each of the execs
 * of a create.  The names below stand for pointers into the library. */
static __typeof__(sd_bus_new) *p_sd_bus_new;
static __typeof__(sd_bus_set_address) *p_sd_bus_set_address;
static __typeof__(sd_bus_start) *p_sd_bus_start;
static __typeof__(sd_bus_unref) *p_sd_bus_unref;
static __typeof__(sd_bus_open_system) *p_sd_bus_open_system;
static __typeof__(sd_bus_message_new_method_call) *p_sd_bus_message_new_method_call;
static __typeof__(sd_bus_message_append) *p_sd_bus_message_append;
static __typeof__(sd_bus_message_open_container) *p_sd_bus_message_open_container;
static __typeof__(sd_bus_message_close_container) *p_sd_bus_message_close_container;
static __typeof__(sd_bus_message_unref) *p_sd_bus_message_unref;
static __typeof__(sd_bus_flush_close_unref) *p_sd_bus_flush_close_unref;
static __typeof__(sd_bus_call) *p_sd_bus_call;
static __typeof__(sd_bus_error_free) *p_sd_bus_error_free;
static __typeof__(sd_bus_call_method) *p_sd_bus_call_method;
static __typeof__(sd_bus_error_has_name) *p_sd_bus_error_has_name;
#define sd_bus_new p_sd_bus_new
#define sd_bus_set_address p_sd_bus_set_address
#define sd_bus_start p_sd_bus_start
#define sd_bus_unref p_sd_bus_unref
#define sd_bus_open_system p_sd_bus_open_system
#define sd_bus_message_new_method_call p_sd_bus_message_new_method_call
#define sd_bus_message_append p_sd_bus_message_append
#define sd_bus_message_open_container p_sd_bus_message_open_container
#define sd_bus_message_close_container p_sd_bus_message_close_container
#define sd_bus_message_unref p_sd_bus_message_unref
#define sd_bus_flush_close_unref p_sd_bus_flush_close_unref
#define sd_bus_call p_sd_bus_call
#define sd_bus_error_free p_sd_bus_error_free
#define sd_bus_call_method p_sd_bus_call_method
#define sd_bus_error_has_name p_sd_bus_error_has_name

static int
load_libsystemd(brig_error **err)
{
  static void *lib;

  if (lib)
    return 0;
  lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return brig_fail(err, 0, "--systemd-cgroup: cannot load libsystemd: %s", dlerror());
  *(void **)&p_sd_bus_new = dlsym(lib, "sd_bus_new");
  *(void **)&p_sd_bus_set_address = dlsym(lib, "sd_bus_set_address");
  *(void **)&p_sd_bus_start = dlsym(lib, "sd_bus_start");
  *(void **)&p_sd_bus_unref = dlsym(lib, "sd_bus_unref");
  *(void **)&p_sd_bus_open_system = dlsym(lib, "sd_bus_open_system");
  *(void **)&p_sd_bus_message_new_method_call = dlsym(lib, "sd_bus_message_new_method_call");
  *(void **)&p_sd_bus_message_append = dlsym(lib, "sd_bus_message_append");
  *(void **)&p_sd_bus_message_open_container = dlsym(lib, "sd_bus_message_open_container");
  *(void **)&p_sd_bus_message_close_container = dlsym(lib, "sd_bus_message_close_container");
  *(void **)&p_sd_bus_message_unref = dlsym(lib, "sd_bus_message_unref");
  *(void **)&p_sd_bus_flush_close_unref = dlsym(lib, "sd_bus_flush_close_unref");
  *(void **)&p_sd_bus_call = dlsym(lib, "sd_bus_call");
  *(void **)&p_sd_bus_error_free = dlsym(lib, "sd_bus_error_free");
  *(void **)&p_sd_bus_call_method = dlsym(lib, "sd_bus_call_method");
  *(void **)&p_sd_bus_error_has_name = dlsym(lib, "sd_bus_error_has_name");
  if (!p_sd_bus_new || !p_sd_bus_set_address || !p_sd_bus_start || !p_sd_bus_unref ||
      !p_sd_bus_open_system || !p_sd_bus_message_new_method_call || !p_sd_bus_message_append ||
      !p_sd_bus_message_open_container || !p_sd_bus_message_close_container ||
      !p_sd_bus_message_unref || !p_sd_bus_flush_close_unref || !p_sd_bus_call ||
      !p_sd_bus_error_free || !p_sd_bus_call_method || !p_sd_bus_error_has_name) {
    dlclose(lib);
    lib = NULL;
    return brig_fail(err, 0, "--systemd-cgroup: libsystemd lacks the sd-bus calls brig needs");
  }
  return 0;
}

/* systemd's private socket needs no dbus-daemon (root only); the system
 * bus is the fallback. */
static int
bus_open(sd_bus **bus, brig_error **err)
{
  int r;

  if (load_libsystemd(err) < 0)
    return -1;
  r = sd_bus_new(bus);

  if (r >= 0)
    r = sd_bus_set_address(*bus, "unix:path=/run/systemd/private");
  if (r >= 0)
    r = sd_bus_start(*bus);
  if (r >= 0)
    return 0;
  sd_bus_unref(*bus);
  *bus = NULL;
  r = sd_bus_open_system(bus);
  if (r < 0)
    return brig_fail(err, -r, "--systemd-cgroup: connect to systemd");
  return 0;
}

static int
append_u64(sd_bus_message *m, const char *name, uint64_t v)
{
  return sd_bus_message_append(m, "(sv)", name, "t", v);
}

/* The limits systemd must know about so that a daemon-reload keeps them
 * (brig writes every field to the cgroup files anyway). */
static int
append_limits(sd_bus_message *m, const oci_resources *r)
{
  int rc = 0;

  if (!r)
    return 0;
  if (r->memory && r->memory->has_limit && r->memory->limit > 0)
    rc = append_u64(m, "MemoryMax", (uint64_t)r->memory->limit);
  if (rc >= 0 && r->pids && r->pids->has_limit && r->pids->limit > 0)
    rc = append_u64(m, "TasksMax", (uint64_t)r->pids->limit);
  if (rc >= 0 && r->cpu && r->cpu->has_shares && r->cpu->shares >= 2) {
    /* runc's conversion of shares (2..262144) to a weight (1..10000). */
    uint64_t weight = 1 + ((r->cpu->shares - 2) * 9999) / 262142;

    rc = append_u64(m, "CPUWeight", weight > 10000 ? 10000 : weight);
  }
  if (rc >= 0 && r->cpu && r->cpu->has_quota && r->cpu->quota > 0) {
    uint64_t period = r->cpu->has_period && r->cpu->period ? r->cpu->period : 100000;

    rc = append_u64(m, "CPUQuotaPerSecUSec", (uint64_t)r->cpu->quota * 1000000 / period);
  }
  return rc;
}

static int
bus_error(brig_error **err, int r, const sd_bus_error *e, const char *what, const char *unit)
{
  if (e && e->message)
    return brig_fail(err, 0, "--systemd-cgroup: %s %s: %s", what, unit, e->message);
  return brig_fail(err, -r, "--systemd-cgroup: %s %s", what, unit);
}

/* True once pid's cgroup (v2 line, or the name=systemd one on v1) ends
 * with the unit's name. */
static bool
pid_in_unit(pid_t pid, const char *unit)
{
  char file[64], suffix[512];
  _cleanup_free_ char *text = NULL;

  snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
  snprintf(suffix, sizeof(suffix), "/%s\n", unit);
  text = brig_read_file_at(AT_FDCWD, file, 65536, NULL);
  return text && strstr(text, suffix);
}

int
brig_systemd_scope_start(const char *unit, const char *id, pid_t pid, const oci_resources *r,
                         brig_error **err)
{
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus *bus = NULL;
  sd_bus_message *m = NULL, *reply = NULL;
  _cleanup_free_ char *desc = NULL;
  int rc, i;

  if (!brig_systemd_running())
    return brig_fail(err, 0, "--systemd-cgroup: systemd is not running");
  if (asprintf(&desc, "brig container %s", id) < 0) {
    desc = NULL;
    return brig_fail(err, ENOMEM, "--systemd-cgroup");
  }
  if (bus_open(&bus, err) < 0)
    return -1;
  rc = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
                                      "/org/freedesktop/systemd1",
                                      "org.freedesktop.systemd1.Manager", "StartTransientUnit");
  if (rc >= 0)
    rc = sd_bus_message_append(m, "ss", unit, "fail");
  if (rc >= 0)
    rc = sd_bus_message_open_container(m, 'a', "(sv)");
  if (rc >= 0)
    rc = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", desc, "PIDs",
                               "au", 1, (uint32_t)pid, "Delegate", "b", 1, "DefaultDependencies",
                               "b", 0, "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1,
                               "TasksAccounting", "b", 1);
  if (rc >= 0)
    rc = append_limits(m, r);
  if (rc >= 0)
    rc = sd_bus_message_close_container(m);
  if (rc >= 0)
    rc = sd_bus_message_append(m, "a(sa(sv))", 0);
  if (rc < 0) {
    sd_bus_message_unref(m);
    sd_bus_flush_close_unref(bus);
    return brig_fail(err, -rc, "--systemd-cgroup: start %s", unit);
  }
  rc = sd_bus_call(bus, m, 0, &e, &reply);
  sd_bus_message_unref(m);
  sd_bus_message_unref(reply);
  sd_bus_flush_close_unref(bus);
  if (rc < 0) {
    bus_error(err, rc, &e, "start", unit);
    sd_bus_error_free(&e);
    return -1;
  }
  /* The call returns with a job queued; the pid is in the scope once the
   * job ran. */
  for (i = 0; i < SCOPE_WAIT_MS / 10; i++) {
    struct timespec ts = { 0, 10 * 1000 * 1000 };

    if (pid_in_unit(pid, unit))
      return 0;
    nanosleep(&ts, NULL);
  }
  return brig_fail(err, ETIMEDOUT, "--systemd-cgroup: %s did not take pid %d", unit, (int)pid);
}

int
brig_systemd_scope_stop(const char *unit, brig_error **err)
{
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus *bus = NULL;
  int rc;

  if (!brig_systemd_running())
    return 0; /* nothing to stop: its units went with it */
  if (bus_open(&bus, err) < 0)
    return -1;
  rc = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                          "org.freedesktop.systemd1.Manager", "StopUnit", &e, NULL, "ss", unit,
                          "replace");
  sd_bus_flush_close_unref(bus);
  if (rc < 0 && !sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
    bus_error(err, rc, &e, "stop", unit);
    sd_bus_error_free(&e);
    return -1;
  }
  sd_bus_error_free(&e);
  return 0;
}

#else /* !HAVE_SYSTEMD */

int
brig_systemd_scope_start(const char *unit, const char *id, pid_t pid, const oci_resources *r,
                         brig_error **err)
{
  (void)unit, (void)id, (void)pid, (void)r;
  return brig_fail(err, 0, "--systemd-cgroup: brig was built without libsystemd");
}

int
brig_systemd_scope_stop(const char *unit, brig_error **err)
{
  (void)unit;
  return brig_fail(err, 0, "--systemd-cgroup: brig was built without libsystemd");
}

#endif
