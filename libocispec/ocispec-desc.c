/* Field tables for every type of oci-spec.def, and the value lists of its
 * enumerations.  The lists follow runtime-spec 1.2 (config-linux.md and
 * config.md); a value outside them is an error at parse time, so a typo in
 * a seccomp action or a namespace type is reported with its JSON path
 * instead of surfacing later as an obscure kernel error. */
#include <stddef.h>

#include "ocispec.h"

static const char *const oci_enum_namespace[] = {
  "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL,
};

/* runtime-spec lists the first four; runc also takes the recursive forms. */
static const char *const oci_enum_propagation[] = {
  "private", "shared", "slave",       "unbindable", "rprivate",
  "rshared", "rslave", "runbindable", "",           NULL,
};

static const char *const oci_enum_device_type[] = { "c", "b", "u", "p", NULL };

static const char *const oci_enum_device_cgroup_type[] = { "a", "c", "b", NULL };

static const char *const oci_enum_rlimit[] = {
  "RLIMIT_AS",
  "RLIMIT_CORE",
  "RLIMIT_CPU",
  "RLIMIT_DATA",
  "RLIMIT_FSIZE",
  "RLIMIT_LOCKS",
  "RLIMIT_MEMLOCK",
  "RLIMIT_MSGQUEUE",
  "RLIMIT_NICE",
  "RLIMIT_NOFILE",
  "RLIMIT_NPROC",
  "RLIMIT_RSS",
  "RLIMIT_RTPRIO",
  "RLIMIT_RTTIME",
  "RLIMIT_SIGPENDING",
  "RLIMIT_STACK",
  NULL,
};

static const char *const oci_enum_sched_policy[] = {
  "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",       "SCHED_BATCH",
  "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

static const char *const oci_enum_sched_flag[] = {
  "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
  "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
  "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
  "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

static const char *const oci_enum_ioprio_class[] = {
  "IOPRIO_CLASS_RT",
  "IOPRIO_CLASS_BE",
  "IOPRIO_CLASS_IDLE",
  NULL,
};

static const char *const oci_enum_seccomp_action[] = {
  "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
  "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
  "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
  "SCMP_ACT_NOTIFY",      NULL,
};

static const char *const oci_enum_seccomp_op[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

static const char *const oci_enum_seccomp_arch[] = {
  "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
  "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",        NULL,
};

static const char *const oci_enum_seccomp_flag[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  NULL,
};

static const char *const oci_enum_personality_domain[] = { "LINUX", "LINUX32", NULL };

static const char *const oci_enum_mpol_mode[] = {
  "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
  "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL,
};

static const char *const oci_enum_mpol_flag[] = {
  "MPOL_F_NUMA_BALANCING",
  "MPOL_F_RELATIVE_NODES",
  "MPOL_F_STATIC_NODES",
  NULL,
};

/* "paused" is not in runtime-spec's list but runc and crun report it. */
static const char *const oci_enum_state_status[] = {
  "creating", "created", "running", "stopped", "paused", NULL,
};

#define N OCI_NO_OFFSET
#define OCI_STRUCT(T) static const oci_field T##_fields[] = {
#define OCI_END(T)                     \
  {                                    \
    NULL, 0, 0, 0, 0, 0, 0, NULL, NULL \
  }                                    \
  }                                    \
  ;                                    \
  const oci_desc T##_desc = { #T, sizeof(T), T##_fields };
#define OCI_PLAIN_(T, f, j, fl, kind, v) { j, kind, fl, offsetof(T, f), N, N, N, NULL, v },
#define OCI_SCALAR_(T, f, j, fl, kind) \
  { j, kind, fl, offsetof(T, f), offsetof(T, has_##f), N, N, NULL, NULL },
#define OCI_ARRAY_(T, f, j, fl, kind, S, v) \
  { j, kind, fl, offsetof(T, f), offsetof(T, has_##f), offsetof(T, f##_len), N, S, v },
#define OCI_STR(T, f, j, fl) OCI_PLAIN_(T, f, j, fl, OCI_K_STR, NULL)
#define OCI_ENUM(T, f, j, fl, v) OCI_PLAIN_(T, f, j, fl, OCI_K_ENUM, v)
#define OCI_BOOL(T, f, j, fl) OCI_SCALAR_(T, f, j, fl, OCI_K_BOOL)
#define OCI_I32(T, f, j, fl) OCI_SCALAR_(T, f, j, fl, OCI_K_I32)
#define OCI_U32(T, f, j, fl) OCI_SCALAR_(T, f, j, fl, OCI_K_U32)
#define OCI_I64(T, f, j, fl) OCI_SCALAR_(T, f, j, fl, OCI_K_I64)
#define OCI_U64(T, f, j, fl) OCI_SCALAR_(T, f, j, fl, OCI_K_U64)
#define OCI_U16(T, f, j, fl) OCI_SCALAR_(T, f, j, fl, OCI_K_U16)
#define OCI_OBJ(T, f, j, fl, S) { j, OCI_K_OBJ, fl, offsetof(T, f), N, N, N, &S##_desc, NULL },
#define OCI_STRV(T, f, j, fl) OCI_ARRAY_(T, f, j, fl, OCI_K_STRV, NULL, NULL)
#define OCI_ENUMV(T, f, j, fl, v) OCI_ARRAY_(T, f, j, fl, OCI_K_ENUMV, NULL, v)
#define OCI_U32V(T, f, j, fl) OCI_ARRAY_(T, f, j, fl, OCI_K_U32V, NULL, NULL)
#define OCI_OBJV(T, f, j, fl, S) OCI_ARRAY_(T, f, j, fl, OCI_K_OBJV, &S##_desc, NULL)
#define OCI_STRMAP(T, f, j, fl) OCI_PLAIN_(T, f, j, fl, OCI_K_STRMAP, NULL)
#define OCI_OBJMAP(T, f, j, fl, S) \
  { j,                             \
    OCI_K_OBJMAP,                  \
    fl,                            \
    offsetof(T, f),                \
    offsetof(T, has_##f),          \
    offsetof(T, f##_len),          \
    offsetof(T, f##_keys),         \
    &S##_desc,                     \
    NULL },
#include "oci-spec.def"
#include "ocispec-undef.h"
