/* SCMP_ACT_NOTIFY and linux.seccomp.listenerPath: a small agent receives
 * the listener fd and the container process state over its unix socket,
 * checks the JSON and answers the notifications; WAIT_KILLABLE_RECV; the
 * listener's failure paths and fd hygiene. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>
#include <yajl/yajl_tree.h>

#include "seccomp/filter.h"
#include "seccomp/listener.h"
#include "seccomp/load.h"
#include "tap.h"
#include "test-seccomp-util.h"

static char tmpdir[] = "/tmp/brig-seccomp-notify-XXXXXX";

static void
make_state(oci_state *st, const char *status)
{
  memset(st, 0, sizeof(*st));
  st->oci_version = (char *)"1.2.0";
  st->id = (char *)"c1";
  st->status = (char *)status;
  st->pid = (int32_t)getpid();
  st->has_pid = true;
  st->bundle = (char *)"/var/lib/bundle";
  oci_strmap_set(&st->annotations, "org.example.key", "value");
}

static int
listen_at(const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
  unlink(path);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 4) < 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  return fd;
}

/* Receives one message: the data until EOF (or one read when until_eof is
 * false) and the SCM_RIGHTS fd. */
static ssize_t
recv_state(int conn, char *buf, size_t size, int *fd, bool until_eof)
{
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
  struct msghdr msg = { .msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = control.buf,
                        .msg_controllen = sizeof(control.buf) };
  struct cmsghdr *c;
  ssize_t n, total;

  *fd = -1;
  n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0)
    return -1;
  for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(fd, CMSG_DATA(c), sizeof(int));
  total = n;
  while (until_eof && (size_t)total < size - 1 &&
         (n = read(conn, buf + total, size - 1 - (size_t)total)) > 0)
    total += n;
  buf[total] = '\0';
  return total;
}

static int
notif_recv(int fd, struct seccomp_notif *req)
{
  memset(req, 0, sizeof(*req));
  return ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req);
}

static int
notif_send(int fd, __u64 id, __s64 val, __s32 error)
{
  struct seccomp_notif_resp resp = { .id = id, .val = val, .error = error };

  return ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

static const char *
json_string(yajl_val tree, const char *a, const char *b)
{
  const char *path[] = { a, b, NULL };
  yajl_val v = yajl_tree_get(tree, path, yajl_t_string);

  return v ? YAJL_GET_STRING(v) : NULL;
}

static long long
json_int(yajl_val tree, const char *a, const char *b)
{
  const char *path[] = { a, b, NULL };
  yajl_val v = yajl_tree_get(tree, path, yajl_t_number);

  return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}

static bool
streq(const char *a, const char *b)
{
  return a && b && strcmp(a, b) == 0;
}

/* The container side: load, hand the fd to the agent, then make two
 * notified syscalls whose results the agent decides. */
static int
container_child(void *arg)
{
  const oci_seccomp *sc = arg;
  brig_error *err = NULL;
  oci_state st;
  int fd = child_load(sc), flags;
  long r;

  flags = fcntl(fd, F_GETFD);
  if (fd < 0 || flags < 0 || !(flags & FD_CLOEXEC))
    return OUT_CHECK_FAILED + 1;
  make_state(&st, "creating");
  if (brig_seccomp_send_listener(sc, &st, st.pid, fd, &err) < 0) {
    fprintf(stderr, "# child: %s\n", err->msg);
    return OUT_CHECK_FAILED + 2;
  }
  close(fd);
  r = syscall(SYS_getpriority, 0, 0);
  if (r != 7)
    return OUT_CHECK_FAILED + 3;
  r = syscall(SYS_mkdir, "/nonexistent/brig", 0700);
  if (r != -1 || errno != EROFS)
    return OUT_CHECK_FAILED;
  return OUT_OK;
}

static void
test_agent(void)
{
  char sock[256], json[4096], buf[16384];
  struct seccomp_notif req;
  yajl_val tree = NULL;
  oci_seccomp *sc;
  int lfd, conn = -1, fd = -1, r, fds_before = count_fds();
  ssize_t n;
  pid_t pid;
  const char *fds0;

  snprintf(sock, sizeof(sock), "%s/agent.sock", tmpdir);
  snprintf(json, sizeof(json),
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
           "\"listenerMetadata\":\"MKNOD=/dev/null;profile=x\",\"syscalls\":["
           "{\"names\":[\"getpriority\",\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
           sock);
  sc = seccomp_from_json(json);
  lfd = listen_at(sock);
  TAP_OK(lfd >= 0, "the agent listens on %s", sock);
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    close(lfd);
    child_prepare();
    _exit(container_child(sc));
  }
  conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  n = conn >= 0 ? recv_state(conn, buf, sizeof(buf), &fd, true) : -1;
  TAP_OK(n > 0 && fd >= 0, "the agent receives the state and an fd (%zd bytes, fd %d)", n, fd);
  tree = n > 0 ? yajl_tree_parse(buf, NULL, 0) : NULL;
  TAP_OK(tree != NULL, "the state is JSON: %s", buf);
  {
    const char *fds_path[] = { "fds", NULL };
    yajl_val fds = tree ? yajl_tree_get(tree, fds_path, yajl_t_array) : NULL;

    fds0 = fds && YAJL_GET_ARRAY(fds)->len == 1 && YAJL_IS_STRING(YAJL_GET_ARRAY(fds)->values[0])
               ? YAJL_GET_STRING(YAJL_GET_ARRAY(fds)->values[0])
               : NULL;
  }
  TAP_OK(streq(json_string(tree, "ociVersion", NULL), OCI_RUNTIME_SPEC_VERSION) &&
             streq(fds0, "seccompFd") && json_int(tree, "pid", NULL) == pid &&
             streq(json_string(tree, "metadata", NULL), "MKNOD=/dev/null;profile=x"),
         "containerProcessState: ociVersion, fds [\"seccompFd\"], pid, metadata");
  TAP_OK(streq(json_string(tree, "state", "ociVersion"), "1.2.0") &&
             streq(json_string(tree, "state", "id"), "c1") &&
             streq(json_string(tree, "state", "status"), "creating") &&
             json_int(tree, "state", "pid") == pid &&
             streq(json_string(tree, "state", "bundle"), "/var/lib/bundle"),
         "state: ociVersion, id, status creating, pid, bundle");
  {
    const char *path[] = { "state", "annotations", "org.example.key", NULL };
    yajl_val v = tree ? yajl_tree_get(tree, path, yajl_t_string) : NULL;

    TAP_OK(v && streq(YAJL_GET_STRING(v), "value"), "state: annotations");
  }
  yajl_tree_free(tree);

  r = fd >= 0 ? notif_recv(fd, &req) : -1;
  TAP_OK(r == 0 && req.pid == (__u32)pid && req.data.nr == SYS_getpriority,
         "the agent receives the getpriority notification of pid %d", (int)pid);
  TAP_OK(r == 0 && notif_send(fd, req.id, 7, 0) == 0, "and answers it with 7");
  r = fd >= 0 ? notif_recv(fd, &req) : -1;
  TAP_OK(r == 0 && req.data.nr == SYS_mkdir, "then the mkdir notification");
  TAP_OK(r == 0 && notif_send(fd, req.id, 0, -EROFS) == 0, "and answers it with EROFS");
  r = wait_outcome(pid);
  TAP_OK(r == OUT_OK, "the container saw both answers (%d)", r);
  if (fd >= 0)
    close(fd);
  if (conn >= 0)
    close(conn);
  if (lfd >= 0)
    close(lfd);
  unlink(sock);
  TAP_OK(count_fds() == fds_before, "the agent side leaks no fd");
  oci_free(&oci_seccomp_desc, sc);
}

static volatile sig_atomic_t got_usr1;

static void
on_usr1(int sig)
{
  got_usr1 = 1;
}

/* Sends the listener fd over the socketpair, then makes one notified
 * syscall; exit status: its result. */
static int
killable_child(void *arg)
{
  void **a = arg;
  const oci_seccomp *sc = a[0];
  int sock = *(int *)a[1], fd;
  struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
  brig_error *err = NULL;
  oci_state st;
  long r;

  sigaction(SIGUSR1, &sa, NULL);
  fd = child_load(sc);
  make_state(&st, "creating");
  if (brig_seccomp_listener_send(sock, sc, &st, st.pid, fd, &err) < 0)
    return OUT_CHECK_FAILED;
  close(fd);
  r = syscall(SYS_getpriority, 0, 0);
  return r == 5 ? OUT_OK : OUT_CHECK_FAILED;
}

/* A signal arrives while the agent holds the notification.  Without
 * WAIT_KILLABLE_RECV the syscall is interrupted and restarted: the first
 * notification is gone and a second one comes.  With it, the wait is
 * killable only: the first notification stays valid. */
static void
run_killable(bool killable)
{
  char json[1024], buf[4096];
  struct seccomp_notif req;
  int sp[2], fd = -1, r, first;
  void *args[2];
  oci_seccomp *sc;
  pid_t pid;
  ssize_t n;

  snprintf(json, sizeof(json),
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s/unused.sock\","
           "\"flags\":[%s],\"syscalls\":["
           "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
           tmpdir, killable ? "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"" : "");
  sc = seccomp_from_json(json);
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
    TAP_OK(false, "socketpair: %s", strerror(errno));
    return;
  }
  args[0] = sc;
  args[1] = &sp[1];
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    close(sp[0]);
    child_prepare();
    _exit(killable_child(args));
  }
  close(sp[1]);
  n = recv_state(sp[0], buf, sizeof(buf), &fd, false);
  r = n > 0 && fd >= 0 ? notif_recv(fd, &req) : -1;
  if (r == 0) {
    kill(pid, SIGUSR1);
    usleep(200 * 1000);
  }
  first = r == 0 ? notif_send(fd, req.id, 5, 0) : -1;
  if (killable) {
    TAP_OK(first == 0, "WAIT_KILLABLE_RECV: the notification survives a signal (%s)",
           first == 0 ? "answered" : strerror(errno));
  } else {
    TAP_OK(first < 0 && errno == ENOENT,
           "without WAIT_KILLABLE_RECV a signal cancels the notification (%s)",
           first == 0 ? "answered" : strerror(errno));
    r = notif_recv(fd, &req);
    TAP_OK(r == 0 && notif_send(fd, req.id, 5, 0) == 0, "the restarted syscall notifies again");
  }
  r = wait_outcome(pid);
  TAP_OK(r == OUT_OK, "the container's getpriority returned the agent's 5 (%d)", r);
  if (fd >= 0)
    close(fd);
  close(sp[0]);
  oci_free(&oci_seccomp_desc, sc);
}

static void
test_wait_killable_recv(void)
{
  if (!brig_seccomp_flag_supported("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) {
    brig_seccomp_filter f = { .flags = SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, .notify = true };
    brig_error *err = NULL;

    TAP_OK(brig_seccomp_check_kernel(&f, &err) < 0 &&
               strcmp(err->msg, "seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not "
                                "supported by this kernel") == 0,
           "an old kernel is reported: %s", err ? err->msg : "");
    brig_error_clear(&err);
    return;
  }
  run_killable(false);
  run_killable(true);
}

static int
tsync_notify_child(void *arg)
{
  int fd = child_load(arg);

  return fd >= 0 ? OUT_OK : OUT_CHECK_FAILED;
}

static void
test_tsync_with_listener(void)
{
  char json[512];
  oci_seccomp *sc;
  int r;

  snprintf(json, sizeof(json),
           "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s/a.sock\","
           "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\"],\"syscalls\":["
           "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
           tmpdir);
  sc = seccomp_from_json(json);
  r = run_child(tsync_notify_child, sc);
  TAP_OK(r == OUT_OK, "TSYNC with a listener loads (TSYNC_ESRCH) and returns the fd (%d)", r);
  oci_free(&oci_seccomp_desc, sc);
}

static void
expect_send_error(const oci_seccomp *sc, int notify_fd, const char *want, const char *what)
{
  brig_error *err = NULL;
  oci_state st;
  int before = count_fds();
  int r;

  make_state(&st, "creating");
  r = brig_seccomp_send_listener(sc, &st, st.pid, notify_fd, &err);
  TAP_OK(r == -1 && err && strcmp(err->msg, want) == 0, "%s: \"%s\"", what,
         err ? err->msg : "(no error)");
  if (err && strcmp(err->msg, want) != 0)
    tap_diag("expected \"%s\"", want);
  TAP_OK(count_fds() == before, "%s: no fd leaked", what);
  brig_error_clear(&err);
  oci_strmap_clear(&st.annotations);
}

static void
test_listener_errors(void)
{
  char path[512], want[700], longpath[200];
  oci_seccomp sc = { .default_action = "SCMP_ACT_ALLOW" };
  brig_error *err = NULL;
  char *json = NULL;
  size_t len;
  oci_state st;
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), lfd, r;

  snprintf(path, sizeof(path), "%s/missing/agent.sock", tmpdir);
  sc.listener_path = path;
  snprintf(want, sizeof(want), "seccomp: listener %s: connect: No such file or directory", path);
  expect_send_error(&sc, devnull, want, "unreachable listener");

  snprintf(path, sizeof(path), "%s/refused.sock", tmpdir);
  lfd = listen_at(path);
  close(lfd); /* the socket file stays, nobody listens */
  snprintf(want, sizeof(want), "seccomp: listener %s: connect: Connection refused", path);
  expect_send_error(&sc, devnull, want, "listener not accepting");
  unlink(path);

  memset(longpath, 'a', sizeof(longpath) - 1);
  longpath[0] = '/';
  longpath[sizeof(longpath) - 1] = '\0';
  sc.listener_path = longpath;
  snprintf(want, sizeof(want), "seccomp: listener %s: path too long (at most 107 bytes)", longpath);
  expect_send_error(&sc, devnull, want, "listener path too long");

  sc.listener_path = path;
  make_state(&st, "creating");
  TAP_OK(brig_seccomp_send_listener(&sc, &st, st.pid, -1, &err) == 0,
         "no listener fd (no NOTIFY rule added): nothing is sent");
  snprintf(want, sizeof(want), "seccomp: listener %s: no listener fd to send: Bad file descriptor",
           path);
  r = brig_seccomp_listener_send(devnull, &sc, &st, st.pid, -1, &err);
  TAP_OK(r == -1 && err && strcmp(err->msg, want) == 0, "sending without an fd is an error: %s",
         err ? err->msg : "");
  brig_error_clear(&err);

  TAP_OK(brig_seccomp_listener_message(&sc, &st, st.pid, &json, &len, &err) == 0 &&
             strstr(json, "\"metadata\"") == NULL && strlen(json) == len,
         "without listenerMetadata the state has no metadata key");
  free(json);
  sc.listener_metadata = (char *)"bad \xff utf-8";
  r = brig_seccomp_listener_message(&sc, &st, st.pid, &json, &len, &err);
  TAP_OK(r == -1 && strcmp(err->msg, "seccomp: listener state: a string is not valid UTF-8") == 0,
         "invalid UTF-8 is an error: %s", err ? err->msg : "");
  brig_error_clear(&err);
  oci_strmap_clear(&st.annotations);
  close(devnull);
}

int
main(void)
{
  if (!seccomp_available() || !brig_seccomp_flag_supported("SECCOMP_FILTER_FLAG_NEW_LISTENER")) {
    TAP_SKIP("the kernel has no seccomp user notification");
    return tap_done();
  }
  if (!mkdtemp(tmpdir)) {
    printf("Bail out! mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  test_agent();
  test_wait_killable_recv();
  test_tsync_with_listener();
  test_listener_errors();
  rmdir(tmpdir);
  return tap_done();
}
