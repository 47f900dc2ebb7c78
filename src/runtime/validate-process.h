/* Checks at create of the process attributes the init applies after
 * start (scheduler, ioPriority, execCPUAffinity, personality,
 * memoryPolicy), so that bad values are create errors, and refusal of the
 * fields brig does not implement (netDevices, intelRdt). */
#ifndef BRIG_RUNTIME_VALIDATE_PROCESS_H
#define BRIG_RUNTIME_VALIDATE_PROCESS_H

#include "libocispec/ocispec.h"
#include "util/error.h"

/* Errors name the field: "config.json: process.scheduler.priority: ...". */
int brig_process_attrs_validate(const oci_spec *spec, brig_error **err);

#endif
