/* Checks at create of the process attributes the init applies after
 * start (scheduler, ioPriority, execCPUAffinity, personality,
 * memoryPolicy), so that bad values are create errors, and refusal of the
 * fields brig does not implement (netDevices, intelRdt). */
#ifndef BRIG_RUNTIME_VALIDATE_PROCESS_H
#define BRIG_RUNTIME_VALIDATE_PROCESS_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* A process (config.json's, or exec's): args, cwd, consoleSize, rlimits,
 * scheduler, ioPriority, execCPUAffinity.  DOC prefixes the field in
 * errors: "config.json: process." gives "config.json: process.cwd: ...",
 * "process.json: " gives "process.json: cwd: ...". */
int brig_process_validate(const oci_process *p, const char *doc, brig_error **err);

/* The rest of the spec's (personality, memoryPolicy, netDevices,
 * intelRdt).  Errors name the field: "config.json: linux.personality: ...". */
int brig_process_attrs_validate(const oci_spec *spec, brig_error **err);

#endif
