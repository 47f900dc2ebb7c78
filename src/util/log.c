#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct {
  int fd; /* -1: no log file, lines go to stderr */
  enum brig_log_format format;
  enum brig_log_level level;
} brig_logger = { -1, BRIG_LOG_TEXT, BRIG_LOG_WARNING };

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
brig_log_init(const char *path, enum brig_log_format format, enum brig_log_level level,
              brig_error **err)
{
  brig_logger.format = format;
  brig_logger.level = level;
  if (!path || !*path)
    return 0;
  brig_logger.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (brig_logger.fd < 0)
    return brig_fail(err, errno, "open log file %s", path);
  return 0;
}

void
brig_log_close(void)
{
  if (brig_logger.fd >= 0)
    close(brig_logger.fd);
  brig_logger.fd = -1;
}

int
brig_log_parse_format(const char *s, enum brig_log_format *out)
{
  if (strcmp(s, "text") == 0)
    *out = BRIG_LOG_TEXT;
  else if (strcmp(s, "json") == 0)
    *out = BRIG_LOG_JSON;
  else
    return -1;
  return 0;
}

int
brig_log_parse_level(const char *s, enum brig_log_level *out)
{
  if (strcmp(s, "error") == 0 || strcmp(s, "fatal") == 0 || strcmp(s, "panic") == 0)
    *out = BRIG_LOG_ERROR;
  else if (strcmp(s, "warn") == 0 || strcmp(s, "warning") == 0)
    *out = BRIG_LOG_WARNING;
  else if (strcmp(s, "info") == 0)
    *out = BRIG_LOG_INFO;
  else if (strcmp(s, "debug") == 0 || strcmp(s, "trace") == 0)
    *out = BRIG_LOG_DEBUG;
  else
    return -1;
  return 0;
}

bool
brig_log_enabled(enum brig_log_level level)
{
  return level <= brig_logger.level;
}

/* Appends s to buf as the body of a JSON string (quotes not included). */
static size_t
json_escape(char *buf, size_t size, const char *s)
{
  size_t n = 0;

  for (; *s && n + 7 < size; s++) {
    unsigned char c = (unsigned char)*s;

    if (c == '"' || c == '\\') {
      buf[n++] = '\\';
      buf[n++] = (char)c;
    } else if (c == '\n') {
      buf[n++] = '\\';
      buf[n++] = 'n';
    } else if (c == '\t') {
      buf[n++] = '\\';
      buf[n++] = 't';
    } else if (c < 0x20) {
      n += (size_t)snprintf(buf + n, size - n, "\\u%04x", c);
    } else {
      buf[n++] = (char)c;
    }
  }
  buf[n] = '\0';
  return n;
}

static void
rfc3339_now(char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  size_t n;

  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

static void
write_all(int fd, const char *buf, size_t len)
{
  while (len > 0) {
    ssize_t w = write(fd, buf, len);

    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return;
    buf += w;
    len -= (size_t)w;
  }
}

static void
log_line(enum brig_log_level level, const char *msg)
{
  char line[8192], when[64], esc[6144];
  int n;

  if (brig_logger.fd < 0) {
    /* No log file: warnings and debug lines go to stderr, plainly. */
    n = snprintf(line, sizeof(line), "brig: %s: %s\n", level_names[level], msg);
    if (n > 0)
      write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
    return;
  }
  rfc3339_now(when, sizeof(when));
  json_escape(esc, sizeof(esc), msg);
  if (brig_logger.format == BRIG_LOG_JSON)
    n = snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
                 level_names[level], esc, when);
  else
    n = snprintf(line, sizeof(line), "time=\"%s\" level=%s msg=\"%s\"\n", when, level_names[level],
                 esc);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof(line)) {
    n = sizeof(line) - 1;
    line[n - 1] = '\n';
  }
  write_all(brig_logger.fd, line, (size_t)n);
}

void
brig_log(enum brig_log_level level, const char *fmt, ...)
{
  char msg[4096];
  va_list ap;

  if (!brig_log_enabled(level))
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  log_line(level, msg);
}

void
brig_log_error(const brig_error *err)
{
  char line[4096];
  int n;

  n = snprintf(line, sizeof(line), "brig: %s\n", err->msg);
  if (n > 0)
    write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
  if (brig_logger.fd >= 0)
    log_line(BRIG_LOG_ERROR, err->msg);
}
