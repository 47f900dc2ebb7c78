/* listenerPath hand-off (see listener.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "seccomp/listener.h"
#include "util/fdpass.h"
#include "util/cleanup.h"
#include "util/log.h"

static yajl_gen_status
gen_str(yajl_gen g, const char *s)
{
  return yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static yajl_gen_status
gen_key_str(yajl_gen g, const char *key, const char *value)
{
  yajl_gen_status st = gen_str(g, key);

  return st == yajl_gen_status_ok ? gen_str(g, value) : st;
}

static yajl_gen_status
gen_state(yajl_gen g, const oci_state *state)
{
  yajl_gen_status st = yajl_gen_map_open(g);
  size_t i;

  if (st == yajl_gen_status_ok)
    st = gen_key_str(g, "ociVersion",
                     state->oci_version ? state->oci_version : OCI_RUNTIME_SPEC_VERSION);
  if (st == yajl_gen_status_ok)
    st = gen_key_str(g, "id", state->id ? state->id : "");
  if (st == yajl_gen_status_ok)
    st = gen_key_str(g, "status", state->status ? state->status : "creating");
  if (st == yajl_gen_status_ok && state->pid > 0) {
    st = gen_str(g, "pid");
    if (st == yajl_gen_status_ok)
      st = yajl_gen_integer(g, state->pid);
  }
  if (st == yajl_gen_status_ok)
    st = gen_key_str(g, "bundle", state->bundle ? state->bundle : "");
  if (st == yajl_gen_status_ok && state->annotations.len) {
    st = gen_str(g, "annotations");
    if (st == yajl_gen_status_ok)
      st = yajl_gen_map_open(g);
    for (i = 0; st == yajl_gen_status_ok && i < state->annotations.len; i++)
      st = gen_key_str(g, state->annotations.keys[i], state->annotations.values[i]);
    if (st == yajl_gen_status_ok)
      st = yajl_gen_map_close(g);
  }
  if (st == yajl_gen_status_ok)
    st = yajl_gen_map_close(g);
  return st;
}

static yajl_gen_status
gen_message(yajl_gen g, const oci_seccomp *sc, const oci_state *state, pid_t pid)
{
  yajl_gen_status st = yajl_gen_map_open(g);

  if (st == yajl_gen_status_ok)
    st = gen_key_str(g, "ociVersion", OCI_RUNTIME_SPEC_VERSION);
  if (st == yajl_gen_status_ok)
    st = gen_str(g, "fds");
  if (st == yajl_gen_status_ok)
    st = yajl_gen_array_open(g);
  if (st == yajl_gen_status_ok)
    st = gen_str(g, "seccompFd");
  if (st == yajl_gen_status_ok)
    st = yajl_gen_array_close(g);
  if (st == yajl_gen_status_ok)
    st = gen_str(g, "pid");
  if (st == yajl_gen_status_ok)
    st = yajl_gen_integer(g, pid);
  if (st == yajl_gen_status_ok && sc->listener_metadata)
    st = gen_key_str(g, "metadata", sc->listener_metadata);
  if (st == yajl_gen_status_ok)
    st = gen_str(g, "state");
  if (st == yajl_gen_status_ok)
    st = gen_state(g, state);
  if (st == yajl_gen_status_ok)
    st = yajl_gen_map_close(g);
  return st;
}

int
brig_seccomp_listener_message(const oci_seccomp *sc, const oci_state *state, pid_t pid, char **json,
                              size_t *len, brig_error **err)
{
  const unsigned char *buf = NULL;
  yajl_gen g = yajl_gen_alloc(NULL);
  yajl_gen_status st;
  size_t n = 0;

  *json = NULL;
  *len = 0;
  if (!g)
    return brig_fail(err, ENOMEM, "seccomp: listener state");
  yajl_gen_config(g, yajl_gen_validate_utf8, 1);
  st = gen_message(g, sc, state, pid);
  if (st == yajl_gen_status_ok)
    st = yajl_gen_get_buf(g, &buf, &n);
  if (st != yajl_gen_status_ok) {
    yajl_gen_free(g);
    if (st == yajl_gen_invalid_string)
      return brig_fail(err, 0, "seccomp: listener state: a string is not valid UTF-8");
    return brig_fail(err, ENOMEM, "seccomp: listener state");
  }
  *json = strndup((const char *)buf, n);
  yajl_gen_free(g);
  if (!*json)
    return brig_fail(err, ENOMEM, "seccomp: listener state");
  *len = n;
  return 0;
}

int
brig_seccomp_listener_connect(const oci_seccomp *sc, int *sock, brig_error **err)
{
  const char *path = sc->listener_path;
  struct sockaddr_un addr;
  int fd;

  *sock = -1;
  if (!path || !path[0])
    return brig_fail(err, 0, "linux.seccomp.listenerPath: must be set");
  if (strlen(path) >= sizeof(addr.sun_path))
    return brig_fail(err, 0, "seccomp: listener %s: path too long (at most %zu bytes)", path,
                     sizeof(addr.sun_path) - 1);
  fd = brig_unix_connect(path);
  if (fd < 0)
    return brig_fail(err, errno, "seccomp: listener %s: connect", path);
  *sock = fd;
  return 0;
}

int
brig_seccomp_listener_send(int sock, const oci_seccomp *sc, const oci_state *state, pid_t pid,
                           int notify_fd, brig_error **err)
{
  const char *path = sc->listener_path ? sc->listener_path : "";
  _cleanup_free_ char *json = NULL;
  size_t len, off;
  ssize_t n;

  if (notify_fd < 0)
    return brig_fail(err, EBADF, "seccomp: listener %s: no listener fd to send", path);
  if (brig_seccomp_listener_message(sc, state, pid, &json, &len, err) < 0)
    return -1;
  n = brig_send_with_fd(sock, json, len, notify_fd);
  if (n < 0)
    return brig_fail(err, errno, "seccomp: listener %s: send", path);
  for (off = (size_t)n; off < len; off += (size_t)n) {
    n = send(sock, json + off, len - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      n = 0;
      continue;
    }
    if (n <= 0)
      return brig_fail(err, n < 0 ? errno : EIO, "seccomp: listener %s: send", path);
  }
  brig_debug("seccomp: listener %s: sent the listener fd and %zu bytes of state", path, len);
  return 0;
}

int
brig_seccomp_send_listener(const oci_seccomp *sc, const oci_state *state, pid_t pid, int notify_fd,
                           brig_error **err)
{
  _cleanup_close_ int sock = -1;

  if (!sc || !sc->listener_path || notify_fd < 0)
    return 0;
  if (brig_seccomp_listener_connect(sc, &sock, err) < 0)
    return -1;
  return brig_seccomp_listener_send(sock, sc, state, pid, notify_fd, err);
}
