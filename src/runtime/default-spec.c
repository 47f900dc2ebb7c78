#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "runtime/default-spec.h"

/* Kept as JSON rather than C initializers: it reads like the document it
 * produces, and it goes through the same parser as a user's config.json. */
static const char default_spec_json[] =
    "{"
    "\"ociVersion\": \"" OCI_RUNTIME_SPEC_VERSION "\","
    "\"process\": {"
    "  \"terminal\": true,"
    "  \"user\": {\"uid\": 0, \"gid\": 0},"
    "  \"args\": [\"sh\"],"
    "  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "            \"TERM=xterm\"],"
    "  \"cwd\": \"/\","
    "  \"capabilities\": {"
    "    \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
    "    \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]"
    "  },"
    "  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
    "  \"noNewPrivileges\": true"
    "},"
    "\"root\": {\"path\": \"rootfs\", \"readonly\": true},"
    "\"hostname\": \"brig\","
    "\"mounts\": ["
    "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
    "  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
    "   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
    "  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
    "   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\","
    "                 \"gid=5\"]},"
    "  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
    "  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
    "  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
    "  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
    "   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}"
    "],"
    "\"linux\": {"
    "  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
    "  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
    "                   {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}],"
    "  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/interrupts\", \"/proc/kcore\","
    "                    \"/proc/keys\", \"/proc/latency_stats\", \"/proc/timer_list\","
    "                    \"/proc/timer_stats\", \"/proc/sched_debug\", \"/proc/scsi\","
    "                    \"/sys/firmware\", \"/sys/devices/virtual/powercap\"],"
    "  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
    "                      \"/proc/sysrq-trigger\"]"
    "}"
    "}";

static int
make_rootless(oci_spec *spec, uid_t uid, gid_t gid, brig_error **err)
{
  oci_linux *linux_cfg = spec->linux;
  size_t i, kept = 0;

  /* No user namespace of its own to own a network namespace in: keep the
   * host's network, as runc does. */
  for (i = 0; i < linux_cfg->namespaces_len; i++) {
    oci_namespace *ns = &linux_cfg->namespaces[i];

    if (strcmp(ns->type, "network") == 0) {
      oci_clear(&oci_namespace_desc, ns);
      continue;
    }
    linux_cfg->namespaces[kept++] = *ns;
  }
  /* There is room for one more: the network entry was removed. */
  memset(&linux_cfg->namespaces[kept], 0, sizeof(oci_namespace));
  linux_cfg->namespaces[kept].type = strdup("user");
  linux_cfg->namespaces_len = kept + 1;

  linux_cfg->uid_mappings = calloc(2, sizeof(oci_id_mapping));
  linux_cfg->gid_mappings = calloc(2, sizeof(oci_id_mapping));
  if (!linux_cfg->namespaces[kept].type || !linux_cfg->uid_mappings || !linux_cfg->gid_mappings)
    return brig_fail(err, 0, "spec: out of memory");
  linux_cfg->uid_mappings[0] = (oci_id_mapping){ .container_id = 0,
                                                 .has_container_id = true,
                                                 .host_id = uid,
                                                 .has_host_id = true,
                                                 .size = 1,
                                                 .has_size = true };
  linux_cfg->gid_mappings[0] = (oci_id_mapping){ .container_id = 0,
                                                 .has_container_id = true,
                                                 .host_id = gid,
                                                 .has_host_id = true,
                                                 .size = 1,
                                                 .has_size = true };
  linux_cfg->uid_mappings_len = linux_cfg->gid_mappings_len = 1;
  linux_cfg->has_uid_mappings = linux_cfg->has_gid_mappings = true;

  /* An unprivileged user cannot manage the device cgroup. */
  oci_free(&oci_resources_desc, linux_cfg->resources);
  linux_cfg->resources = NULL;

  for (i = 0; i < spec->mounts_len; i++) {
    oci_mount *m = &spec->mounts[i];
    static const char *const sys_options[] = { "rbind", "nosuid", "noexec", "nodev", "ro" };
    size_t j;

    if (strcmp(m->destination, "/dev/pts") == 0) {
      /* gid=5 does not exist in a one-id user namespace. */
      for (j = 0; j < m->options_len; j++) {
        if (strcmp(m->options[j], "gid=5") == 0) {
          free(m->options[j]);
          memmove(&m->options[j], &m->options[j + 1], (m->options_len - j) * sizeof(char *));
          m->options_len--;
          break;
        }
      }
    } else if (strcmp(m->destination, "/sys") == 0) {
      oci_clear(&oci_mount_desc, m);
      m->destination = strdup("/sys");
      m->type = strdup("none");
      m->source = strdup("/sys");
      m->options = calloc(sizeof(sys_options) / sizeof(sys_options[0]) + 1, sizeof(char *));
      if (!m->destination || !m->type || !m->source || !m->options)
        return brig_fail(err, 0, "spec: out of memory");
      for (j = 0; j < sizeof(sys_options) / sizeof(sys_options[0]); j++) {
        m->options[j] = strdup(sys_options[j]);
        if (!m->options[j])
          return brig_fail(err, 0, "spec: out of memory");
        m->options_len = j + 1;
      }
      m->has_options = true;
    }
  }
  return 0;
}

oci_spec *
brig_default_spec(bool rootless, uid_t uid, gid_t gid, brig_error **err)
{
  char *perr = NULL;
  oci_spec *spec;

  spec = oci_parse_data(&oci_spec_desc, "default spec", default_spec_json,
                        sizeof(default_spec_json) - 1, NULL, &perr);
  if (!spec) {
    brig_fail(err, 0, "spec: %s", perr);
    free(perr);
    return NULL;
  }
  if (rootless && make_rootless(spec, uid, gid, err) < 0) {
    oci_spec_free(spec);
    return NULL;
  }
  return spec;
}
