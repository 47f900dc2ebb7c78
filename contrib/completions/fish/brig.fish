# fish completion for brig(1)

set -l brig_commands checkpoint create delete events exec features help kill list pause ps restore resume run spec start state update ebpf firejail privileges sandbox seccomp

complete -c brig -f

# global options
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l root -r -F -d 'State directory'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l log -r -F -d 'Log file'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l log-format -x -a 'text json' -d 'Log format'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l log-level -x -a 'error warning info debug' -d 'Log level'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l debug -d 'Debug logging'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l systemd-cgroup -d 'Use systemd for cgroups'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l cgroup-manager -x -a 'cgroupfs systemd disabled' -d 'Cgroup manager'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l rootless -x -a 'true false auto' -d 'Rootless mode'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -l criu -r -F -d 'Path to criu (ignored)'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -s h -l help -d 'Show help'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -s v -l version -d 'Show version'

# commands
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a checkpoint -d 'Checkpoint a running container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a create -d 'Create a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a delete -d 'Delete a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a events -d 'Container events and statistics'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a exec -d 'Run a process in a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a features -d 'Features of this build (JSON)'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a help -d 'Show help for a command'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a kill -d 'Signal a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a list -d 'List containers'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a pause -d 'Freeze a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a ps -d 'Processes of a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a restore -d 'Restore from a checkpoint'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a resume -d 'Thaw a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a run -d 'Create and start a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a spec -d 'Write a default config.json'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a start -d 'Start a created container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a state -d 'State of a container'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a update -d 'Change resource limits'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a ebpf -d 'eBPF assembler, disassembler and VM'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a firejail -d 'Convert and check Firejail profiles'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a privileges -d 'Solaris-style privilege sets'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a sandbox -d 'Run a host command under a profile'
complete -c brig -n "not __fish_seen_subcommand_from $brig_commands" -a seccomp -d 'Inspect and test seccomp filters'

# container ids (honouring a --root given before the command)
function __brig_ids
    set -l tokens (commandline -opc)
    set -l root_args
    set -l i (contains -i -- --root $tokens)
    and set root_args --root $tokens[(math $i + 1)]
    brig $root_args list -q 2>/dev/null
end

# create, run
complete -c brig -n "__fish_seen_subcommand_from create run" -s b -l bundle -r -a '(__fish_complete_directories)' -d 'Bundle directory'
complete -c brig -n "__fish_seen_subcommand_from create run" -l console-socket -r -F -d 'Send the pty master over this socket'
complete -c brig -n "__fish_seen_subcommand_from create run" -l pid-file -r -F -d 'Write the init pid here'
complete -c brig -n "__fish_seen_subcommand_from create run" -l no-pivot -d 'MS_MOVE + chroot instead of pivot_root'
complete -c brig -n "__fish_seen_subcommand_from create run" -l no-new-keyring -d 'Keep the session keyring'
complete -c brig -n "__fish_seen_subcommand_from create run" -l preserve-fds -x -d 'Pass N extra fds'
complete -c brig -n "__fish_seen_subcommand_from create run" -l pidfd-socket -r -F -d 'Send a pidfd of the init over this socket'
complete -c brig -n "__fish_seen_subcommand_from run" -s d -l detach -d 'Return once the container runs'
complete -c brig -n "__fish_seen_subcommand_from run" -l keep -d 'Keep the container after it exits'

# start, state, kill, delete: container ids
complete -c brig -n "__fish_seen_subcommand_from start state kill delete" -a '(__brig_ids)' -d 'Container'
complete -c brig -n "__fish_seen_subcommand_from kill" -s a -l all -d 'Signal every process'
complete -c brig -n "__fish_seen_subcommand_from kill" -a 'KILL TERM INT HUP QUIT USR1 USR2 STOP CONT WINCH' -d 'Signal'
# exec: container ids, options
complete -c brig -n "__fish_seen_subcommand_from exec" -a '(__brig_ids)' -d 'Container'
complete -c brig -n "__fish_seen_subcommand_from exec" -s p -l process -r -F -d 'The process spec to run'
complete -c brig -n "__fish_seen_subcommand_from exec" -l console-socket -r -F -d 'Send the pty master over this socket'
complete -c brig -n "__fish_seen_subcommand_from exec" -s t -l tty -d 'Give the process a pty'
complete -c brig -n "__fish_seen_subcommand_from exec" -s d -l detach -d 'Return once the process runs'
complete -c brig -n "__fish_seen_subcommand_from exec" -l pid-file -r -F -d 'Write the process pid here'
complete -c brig -n "__fish_seen_subcommand_from exec" -l pidfd-socket -r -F -d 'Send a pidfd of the process over this socket'
complete -c brig -n "__fish_seen_subcommand_from exec" -l cwd -x -d 'Working directory in the container'
complete -c brig -n "__fish_seen_subcommand_from exec" -s e -l env -x -d 'Set an environment variable K=V'
complete -c brig -n "__fish_seen_subcommand_from exec" -s u -l user -x -d 'Run as UID[:GID]'
complete -c brig -n "__fish_seen_subcommand_from exec" -s g -l additional-gids -x -d 'Add a supplementary group'
complete -c brig -n "__fish_seen_subcommand_from exec" -s c -l cap -x -d 'Add a capability'
complete -c brig -n "__fish_seen_subcommand_from exec" -l no-new-privs -d 'Set no_new_privs'
complete -c brig -n "__fish_seen_subcommand_from exec" -l preserve-fds -x -d 'Pass N extra fds'
complete -c brig -n "__fish_seen_subcommand_from exec" -l process-label -x -d 'SELinux label of the process'
complete -c brig -n "__fish_seen_subcommand_from exec" -l apparmor -x -d 'AppArmor profile of the process'
complete -c brig -n "__fish_seen_subcommand_from exec" -l cgroup -x -d 'The container cgroup'
complete -c brig -n "__fish_seen_subcommand_from delete" -s f -l force -d 'Kill a running container; missing is not an error'

# pause, resume, ps, update, events: container ids
complete -c brig -n "__fish_seen_subcommand_from pause resume ps update events" -a '(__brig_ids)' -d 'Container'
complete -c brig -n "__fish_seen_subcommand_from ps" -s f -l format -x -a 'table json' -d 'Output format'
complete -c brig -n "__fish_seen_subcommand_from update" -s r -l resources -r -F -d 'linux.resources JSON (- for stdin)'
complete -c brig -n "__fish_seen_subcommand_from update" -l memory -x -d 'Memory limit'
complete -c brig -n "__fish_seen_subcommand_from update" -l memory-reservation -x -d 'Memory soft limit'
complete -c brig -n "__fish_seen_subcommand_from update" -l memory-swap -x -d 'Memory plus swap limit'
complete -c brig -n "__fish_seen_subcommand_from update" -l cpu-shares -x -d 'CPU shares'
complete -c brig -n "__fish_seen_subcommand_from update" -l cpu-quota -x -d 'CFS quota (microseconds)'
complete -c brig -n "__fish_seen_subcommand_from update" -l cpu-period -x -d 'CFS period (microseconds)'
complete -c brig -n "__fish_seen_subcommand_from update" -l cpu-rt-runtime -x -d 'Realtime runtime (microseconds)'
complete -c brig -n "__fish_seen_subcommand_from update" -l cpu-rt-period -x -d 'Realtime period (microseconds)'
complete -c brig -n "__fish_seen_subcommand_from update" -l cpuset-cpus -x -d 'CPUs allowed'
complete -c brig -n "__fish_seen_subcommand_from update" -l cpuset-mems -x -d 'Memory nodes allowed'
complete -c brig -n "__fish_seen_subcommand_from update" -l pids-limit -x -d 'Maximum number of processes'
complete -c brig -n "__fish_seen_subcommand_from update" -l blkio-weight -x -d 'Block IO weight'
complete -c brig -n "__fish_seen_subcommand_from events" -l stats -d 'Print statistics once'
complete -c brig -n "__fish_seen_subcommand_from events" -l interval -x -a '1s 5s 10s 1m' -d 'Statistics interval'

# list
complete -c brig -n "__fish_seen_subcommand_from list" -s f -l format -x -a 'table json' -d 'Output format'
complete -c brig -n "__fish_seen_subcommand_from list" -s q -l quiet -d 'Only ids'

# spec
complete -c brig -n "__fish_seen_subcommand_from spec" -s b -l bundle -r -a '(__fish_complete_directories)' -d 'Bundle directory'
complete -c brig -n "__fish_seen_subcommand_from spec" -l rootless -d 'Spec for an unprivileged user'
complete -c brig -n "__fish_seen_subcommand_from $brig_commands" -s h -l help -d 'Show help'

# ebpf
complete -c brig -n "__fish_seen_subcommand_from ebpf; and not __fish_seen_subcommand_from asm disasm run" -a asm -d 'Assemble text to hex words'
complete -c brig -n "__fish_seen_subcommand_from ebpf; and not __fish_seen_subcommand_from asm disasm run" -a disasm -d 'Disassemble bytecode'
complete -c brig -n "__fish_seen_subcommand_from ebpf; and not __fish_seen_subcommand_from asm disasm run" -a run -d 'Verify and run, print r0'
complete -c brig -n "__fish_seen_subcommand_from asm disasm run" -F
complete -c brig -n "__fish_seen_subcommand_from run; and __fish_seen_subcommand_from ebpf" -l mem -x -d 'Initial memory (hex bytes)'

# firejail
complete -c brig -n "__fish_seen_subcommand_from firejail; and not __fish_seen_subcommand_from check convert" -a check -d 'Parse a profile, print its directives'
complete -c brig -n "__fish_seen_subcommand_from firejail; and not __fish_seen_subcommand_from check convert" -a convert -d 'Convert a profile to config.json'
complete -c brig -n "__fish_seen_subcommand_from convert" -l base -r -F -d 'Spec to tighten'
complete -c brig -n "__fish_seen_subcommand_from convert" -l root -r -a '(__fish_complete_directories)' -d 'Tree globs expand on'
complete -c brig -n "__fish_seen_subcommand_from check convert" -l user -x -a '(__fish_complete_users)' -d 'Target user'
complete -c brig -n "__fish_seen_subcommand_from check convert" -l home -r -a '(__fish_complete_directories)' -d 'Target home'
complete -c brig -n "__fish_seen_subcommand_from check convert" -l condition -x -a 'HAS_APPIMAGE HAS_NET HAS_NODBUS HAS_NOSOUND HAS_PRIVATE HAS_X11 BROWSER_DISABLE_U2F BROWSER_ALLOW_DRM ALLOW_TRAY' -d 'Set a conditional'
complete -c brig -n "__fish_seen_subcommand_from check convert" -a '(path basename -E .profile /etc/firejail/*.profile)' -d 'Firejail profile'

# sandbox [--profile NAME] [--] COMMAND ARGS...
complete -c brig -n "__fish_seen_subcommand_from sandbox" -s p -l profile -x -a '(path basename -E .profile /etc/firejail/*.profile)' -d 'Firejail profile'
complete -c brig -n "__fish_seen_subcommand_from sandbox" -a '(__fish_complete_subcommand --fcs-skip=2)' -d 'Command'

# help COMMAND
complete -c brig -n "__fish_seen_subcommand_from help" -a "$brig_commands"
