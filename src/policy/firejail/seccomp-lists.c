/* Firejail 0.9.72's system call groups as compiled for x86_64 (names that
 * do not exist on x86_64, like chown32 or _llseek, are left out, as
 * Firejail's own build does), the errno names accepted in "syscall:ERRNO"
 * and seccomp-error-action, and the "protocol" families.
 *
 * The group contents follow /usr/share/doc/firejail/syscalls.txt; the
 * default list (@default-nodebuggers, 71 names on x86_64) was checked
 * against the filter Firejail loads (`firejail --seccomp.print`). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "to-oci.h"

static const struct {
  const char *name, *list;
} groups[] = {
  { "@aio", "io_cancel,io_destroy,io_getevents,io_pgetevents,io_setup,io_submit,io_uring_enter,"
            "io_uring_register,io_uring_setup" },
  { "@basic-io", "close,close_range,dup,dup2,dup3,lseek,pread64,preadv,preadv2,pwrite64,pwritev,"
                 "pwritev2,read,readv,write,writev" },
  { "@chown", "chown,fchown,fchownat,lchown" },
  { "@clock", "adjtimex,clock_adjtime,clock_settime,settimeofday" },
  { "@cpu-emulation", "modify_ldt" },
  { "@debug", "lookup_dcookie,perf_event_open,pidfd_getfd,process_vm_writev" },
  { "@default",
    "@clock,@cpu-emulation,@debug,@module,@mount,@obsolete,@raw-io,@reboot,@swap,"
    "open_by_handle_at,name_to_handle_at,ioprio_set,syslog,fanotify_init,add_key,request_key,"
    "mbind,migrate_pages,move_pages,keyctl,io_setup,io_destroy,io_getevents,io_submit,io_cancel,"
    "remap_file_pages,set_mempolicy,vmsplice,userfaultfd,acct,bpf,nfsservctl,setdomainname,"
    "sethostname,vhangup" },
  { "@default-keep", "execveat,execve,prctl" },
  { "@default-nodebuggers", "@default,ptrace,personality,process_vm_readv" },
  { "@file-system",
    "access,chdir,chmod,close,close_range,creat,faccessat,faccessat2,fallocate,fchdir,fchmod,"
    "fchmodat,fcntl,fgetxattr,flistxattr,fremovexattr,fsetxattr,fstat,fstatfs,ftruncate,"
    "futimesat,getcwd,getdents,getdents64,getxattr,inotify_add_watch,inotify_init,inotify_init1,"
    "inotify_rm_watch,lgetxattr,link,linkat,listxattr,llistxattr,lremovexattr,lsetxattr,lstat,"
    "mkdir,mkdirat,mknod,mknodat,mmap,munmap,newfstatat,open,openat,openat2,readlink,readlinkat,"
    "removexattr,rename,renameat,renameat2,rmdir,setxattr,stat,statfs,statx,symlink,symlinkat,"
    "truncate,unlink,unlinkat,utime,utimensat,utimes" },
  { "@io-event", "epoll_create,epoll_create1,epoll_ctl,epoll_ctl_old,epoll_pwait,epoll_wait,"
                 "epoll_wait_old,eventfd,eventfd2,poll,ppoll,pselect6,select" },
  { "@ipc", "memfd_create,mq_getsetattr,mq_notify,mq_open,mq_timedreceive,mq_timedsend,mq_unlink,"
            "msgctl,msgget,msgrcv,msgsnd,pipe,pipe2,process_madvise,process_vm_readv,"
            "process_vm_writev,semctl,semget,semop,semtimedop,shmat,shmctl,shmdt,shmget" },
  { "@keyring", "add_key,keyctl,request_key" },
  { "@memlock", "mlock,mlock2,mlockall,munlock,munlockall" },
  { "@module", "delete_module,finit_module,init_module" },
  { "@mount", "chroot,fsconfig,fsmount,fsopen,fspick,mount,move_mount,open_tree,pivot_root,"
              "umount2" },
  { "@network-io", "accept,accept4,bind,connect,getpeername,getsockname,getsockopt,listen,"
                   "recvfrom,recvmmsg,recvmsg,sendmmsg,sendmsg,sendto,setsockopt,shutdown,socket,"
                   "socketpair" },
  { "@obsolete", "_sysctl,afs_syscall,create_module,get_kernel_syms,getpmsg,putpmsg,query_module,"
                 "security,sysfs,tuxcall,uselib,ustat,vserver" },
  { "@privileged", "@chown,@clock,@module,@raw-io,@reboot,@swap,_sysctl,acct,bpf,capset,chroot,"
                   "fanotify_init,mount,nfsservctl,open_by_handle_at,pivot_root,quotactl,"
                   "setdomainname,setfsuid,setgroups,sethostname,setresuid,setreuid,setuid,"
                   "umount2,vhangup" },
  { "@process", "arch_prctl,capget,clone,clone3,execveat,fork,getrusage,kill,pidfd_open,"
                "pidfd_send_signal,prctl,rt_sigqueueinfo,rt_tgsigqueueinfo,setns,tgkill,times,"
                "tkill,unshare,vfork,wait4,waitid" },
  { "@raw-io", "ioperm,iopl" },
  { "@reboot", "kexec_load,kexec_file_load,reboot" },
  { "@resources", "ioprio_set,mbind,migrate_pages,move_pages,sched_setaffinity,sched_setattr,"
                  "sched_setparam,sched_setscheduler,set_mempolicy" },
  { "@setuid", "setgid,setgroups,setregid,setresgid,setresuid,setreuid,setuid" },
  { "@signal", "rt_sigaction,rt_sigpending,rt_sigprocmask,rt_sigsuspend,rt_sigtimedwait,"
               "sigaltstack,signalfd,signalfd4" },
  { "@swap", "swapon,swapoff" },
  { "@sync", "fdatasync,fsync,msync,sync,sync_file_range,syncfs" },
  { "@system-service",
    "@aio,@basic-io,@chown,@default,@file-system,@io-event,@ipc,@keyring,@memlock,@network-io,"
    "@process,@resources,@setuid,@signal,@sync,@timer,brk,capget,capset,copy_file_range,"
    "fadvise64,flock,get_mempolicy,getcpu,getpriority,getrandom,ioctl,ioprio_get,kcmp,madvise,"
    "mprotect,mremap,name_to_handle_at,personality,readahead,remap_file_pages,"
    "sched_get_priority_max,sched_get_priority_min,sched_getaffinity,sched_getattr,"
    "sched_getparam,sched_getscheduler,sched_rr_get_interval,sched_yield,sendfile,setfsgid,"
    "setfsuid,setpgid,setsid,splice,sysinfo,tee,umask,uname,userfaultfd,vmsplice" },
  { "@timer", "alarm,getitimer,setitimer,timer_create,timer_delete,timer_getoverrun,"
              "timer_gettime,timer_settime,timerfd_create,timerfd_gettime,timerfd_settime,times" },
};

const char *
brig_fj_syscall_group(const char *name)
{
  for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
    if (strcmp(groups[i].name, name) == 0)
      return groups[i].list;
  return NULL;
}

#define E(x) \
  {          \
#x, x    \
  }
static const struct {
  const char *name;
  int value;
} errnos[] = {
  E(EPERM),         E(ENOENT),          E(ESRCH),           E(EINTR),
  E(EIO),           E(ENXIO),           E(E2BIG),           E(ENOEXEC),
  E(EBADF),         E(ECHILD),          E(EAGAIN),          E(ENOMEM),
  E(EACCES),        E(EFAULT),          E(ENOTBLK),         E(EBUSY),
  E(EEXIST),        E(EXDEV),           E(ENODEV),          E(ENOTDIR),
  E(EISDIR),        E(EINVAL),          E(ENFILE),          E(EMFILE),
  E(ENOTTY),        E(ETXTBSY),         E(EFBIG),           E(ENOSPC),
  E(ESPIPE),        E(EROFS),           E(EMLINK),          E(EPIPE),
  E(EDOM),          E(ERANGE),          E(EDEADLK),         E(ENAMETOOLONG),
  E(ENOLCK),        E(ENOSYS),          E(ENOTEMPTY),       E(ELOOP),
  E(ENOMSG),        E(EIDRM),           E(ENOSTR),          E(ENODATA),
  E(ETIME),         E(ENOSR),           E(ENOLINK),         E(EPROTO),
  E(EBADMSG),       E(EOVERFLOW),       E(EILSEQ),          E(EUSERS),
  E(ENOTSOCK),      E(EDESTADDRREQ),    E(EMSGSIZE),        E(EPROTOTYPE),
  E(ENOPROTOOPT),   E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP),
  E(ENOTSUP),       E(EPFNOSUPPORT),    E(EAFNOSUPPORT),    E(EADDRINUSE),
  E(EADDRNOTAVAIL), E(ENETDOWN),        E(ENETUNREACH),     E(ENETRESET),
  E(ECONNABORTED),  E(ECONNRESET),      E(ENOBUFS),         E(EISCONN),
  E(ENOTCONN),      E(ESHUTDOWN),       E(ETOOMANYREFS),    E(ETIMEDOUT),
  E(ECONNREFUSED),  E(EHOSTDOWN),       E(EHOSTUNREACH),    E(EALREADY),
  E(EINPROGRESS),   E(ESTALE),          E(EDQUOT),          E(ECANCELED),
  E(ENOKEY),        E(EKEYEXPIRED),     E(EKEYREVOKED),     E(EKEYREJECTED),
  E(EOWNERDEAD),    E(ENOTRECOVERABLE), E(ERFKILL),         E(EHWPOISON),
};
#undef E

int
brig_fj_errno_lookup(const char *name)
{
  for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
    if (strcmp(errnos[i].name, name) == 0)
      return errnos[i].value;
  return -1;
}

static const struct {
  const char *name;
  int family;
} protocols[] = {
  { "unix", AF_UNIX },       { "inet", AF_INET },     { "inet6", AF_INET6 },
  { "netlink", AF_NETLINK }, { "packet", AF_PACKET }, { "bluetooth", AF_BLUETOOTH },
};

int
brig_fj_protocol_lookup(const char *name)
{
  for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
    if (strcmp(protocols[i].name, name) == 0)
      return protocols[i].family;
  return -1;
}
