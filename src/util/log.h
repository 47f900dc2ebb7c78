/* Logging for brig: the --log FILE / --log-format text|json / --log-level
 * / --debug global options.
 *
 * Engines read the log file: podman and containerd pass
 * `--log FILE --log-format json` and show the "msg" of error lines to the
 * user, so the JSON shape {"level":...,"msg":...,"time":RFC3339} is part of
 * the CLI contract.  Errors additionally go to stderr as "brig: msg".
 */
#ifndef BRIG_UTIL_LOG_H
#define BRIG_UTIL_LOG_H

#include <stdbool.h>

#include "error.h"

enum brig_log_level {
  BRIG_LOG_ERROR,
  BRIG_LOG_WARNING,
  BRIG_LOG_INFO,
  BRIG_LOG_DEBUG,
};

enum brig_log_format {
  BRIG_LOG_TEXT,
  BRIG_LOG_JSON,
};

/* Opens path (append, created 0644, close-on-exec); NULL logs to stderr.
 * Returns -1 with *err set if the file cannot be opened. */
int brig_log_init(const char *path, enum brig_log_format format, enum brig_log_level level,
                  brig_error **err);

void brig_log_close(void);

/* Parses "text"/"json" and "error"/"warn"/"warning"/"info"/"debug". */
int brig_log_parse_format(const char *s, enum brig_log_format *out);
int brig_log_parse_level(const char *s, enum brig_log_level *out);

bool brig_log_enabled(enum brig_log_level level);

void brig_log(enum brig_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define brig_debug(...) brig_log(BRIG_LOG_DEBUG, __VA_ARGS__)
#define brig_warn(...) brig_log(BRIG_LOG_WARNING, __VA_ARGS__)

/* Reports a fatal error: "brig: msg" on stderr, and an error entry in the
 * log file when one is open. */
void brig_log_error(const brig_error *err);

#endif
