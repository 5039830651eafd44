# fish completion for ipctool(1).
#
# Adding a subcommand: its name in ipctool_commands, a line with its
# summary, and one `complete' line per option of `ipctool SUB --help' under
# `-n "__fish_seen_subcommand_from SUB"'.  tests/cli.bats checks both
# against the binary.

set -l ipctool_commands mkq send recv mkshm shm-write shm-read mksem sem-p sem-v fifo pipe-run signal-send signal-wait list rm help

# Existing System V objects of a kind: ids, then keys as ipcs prints them.
function __ipctool_sysv
    awk 'NR > 1 {
        print $2
        k = $1 + 0
        if (k != 0) { if (k < 0) k += 4294967296; printf "0x%08x\n", k }
    }' /proc/sysvipc/$argv[1] 2>/dev/null
end
# Message queues: System V ids and keys, then POSIX /names from the mqueue
# file system (usually /dev/mqueue).
function __ipctool_queues
    __ipctool_sysv msg
    set -l dir (awk '$3 == "mqueue" { print $2; exit }' /proc/self/mounts 2>/dev/null)
    test -n "$dir"; and ls -A $dir 2>/dev/null | sed 's|^|/|'
end
# POSIX objects in /dev/shm as /names: segments, or semaphores (sem.NAME).
function __ipctool_posix
    for f in /dev/shm/*
        test -f $f; or continue
        set -l name (string replace -r '^/dev/shm/' '' -- $f)
        if test "$argv[1]" = sem
            string match -q 'sem.*' -- $name; and echo /(string replace -r '^sem\.' '' -- $name)
        else
            string match -q 'sem.*' -- $name; or echo /$name
        end
    end
end
function __ipctool_segments
    __ipctool_sysv shm
    __ipctool_posix shm
end
function __ipctool_sems
    __ipctool_sysv sem
    __ipctool_posix sem
end

# Every existing System V object: ids, then keys.
function __ipctool_objects
    awk 'FNR > 1 {
        print $2
        k = $1 + 0
        if (k != 0) { if (k < 0) k += 4294967296; printf "0x%08x\n", k }
    }' /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem 2>/dev/null
end

# Every existing POSIX object as a /name: files in /dev/shm (sem.NAME is
# /NAME) and in the mqueue mount.
function __ipctool_posix_names
    sh -c 'mq=$(awk "/ - mqueue / { d = \$5 } END { print d }" /proc/self/mountinfo 2>/dev/null)
		for f in /dev/shm/* ${mq:+"$mq"/*}; do [ -f "$f" ] || continue; f=${f##*/}; printf "/%s\n" "${f#sem.}"; done' 2>/dev/null
end

# Signal names as `ipctool signal-send --list' prints them, and without SIG.
function __ipctool_signals
    ipctool signal-send --list 2>/dev/null | awk '{ print $2; sub(/^SIG/, "", $2); print $2 }'
end

# True when no positional argument follows signal-send yet (its SIGNAL).
function __ipctool_needs_signal
    set -l words (commandline -opc)
    set -e words[1..2]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
        else if contains -- $w --value --wait --kill-after -v -w -k
            set skip 1
        else if not string match -q -- '-*' $w
            return 1
        end
    end
    return 0
end

# True after pipe-run's `--'.
function __ipctool_after_double_dash
    contains -- -- (commandline -opc)
end

# True when no positional argument (the TARGET) follows the subcommand yet.
function __ipctool_needs_target
    set -l words (commandline -opc)
    set -l takes_value --key --ftok -k -f
    switch "$words[2]"
        case mkq
            set -a takes_value --mode --max-bytes --max-messages --message-size -m -b -M -s
        case send
            set -a takes_value --type --priority --timeout -T -P -t
        case recv
            set -a takes_value --type --count --timeout --batch -T -c -t -B
        case mkshm
            set -a takes_value --size --mode -s -m
        case shm-write
            set -a takes_value --offset --lock -o -L
        case shm-read
            set -a takes_value --offset --length --lock -o -l -L
        case mksem
            set -a takes_value --nsems --value --mode -N -v -m
        case sem-p
            set -a takes_value --num --count --timeout -i -c -t
        case sem-v
            set -a takes_value --num --count -i -c
        case list
            set -a takes_value --user --output -o
        case rm
            set -a takes_value --user
    end
    set -e words[1..2]
    set -l skip 0
    for w in $words
        if test $skip -eq 1
            set skip 0
        else if contains -- $w --key --ftok -k -f
            return 1
        else if string match -q -- '--key=*' $w; or string match -q -- '--ftok=*' $w
            return 1
        else if contains -- $w $takes_value
            set skip 1
        else if not string match -q -- '-*' $w
            return 1
        end
    end
    return 0
end

complete -c ipctool -f
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -s h -l help -d 'show help and exit'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -s V -l version -d 'show the version and exit'

complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a mkq -d 'create a System V or POSIX message queue, or find one'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a send -d 'send messages to a queue'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a recv -d 'receive (or peek at) messages from a queue'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a mkshm -d 'create a shared memory segment (System V or POSIX /name), or find it'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a shm-write -d 'write an argument or standard input into a segment'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a shm-read -d 'write a segment\'s bytes to standard output'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a mksem -d 'create a semaphore set or POSIX /name semaphore, or find it'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a sem-p -d 'take a semaphore, or hold it around a COMMAND'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a sem-v -d 'give a semaphore back (increment)'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a list -d 'list System V objects, one in detail, or the limits'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a rm -d 'remove System V objects by id or key, or by selection'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a fifo -d 'create a named pipe, or read or write one with a timeout'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a pipe-run -d 'run commands connected by pipes, without a shell'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a signal-send -d 'send a signal (or a queued value) to processes'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a signal-wait -d 'wait for signals and print who sent them'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a help -d 'show help for ipctool or for one subcommand'

complete -c ipctool -n "__fish_seen_subcommand_from help" -a "$ipctool_commands"

# mkq
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s m -l mode -x -d 'permissions in octal (default 0600)'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s x -l exclusive -d 'fail if the queue already exists'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s b -l max-bytes -x -d 'capacity in bytes (msg_qbytes)'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s M -l max-messages -x -d 'POSIX queue: how many messages it holds'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s s -l message-size -x -d 'POSIX queue: the largest message in bytes'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from mkq; and __ipctool_needs_target" -a "(__ipctool_queues)"

# send
complete -c ipctool -n "__fish_seen_subcommand_from send" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s T -l type -x -d 'message type, 1 or more'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s P -l priority -x -d 'POSIX queue: priority, 0 to 32767'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s l -l lines -d 'one message per line of standard input'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s S -l string -d 'end each message with a NUL, as C strings'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s j -l json -d 'send each line as recv --json wrote it'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s 0 -l null -d 'one message per NUL-terminated record'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s n -l nowait -d 'exit 3 at once if the queue is full'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s t -l timeout -x -d 'wait at most SECS, then exit 3'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from send; and __ipctool_needs_target" -a "(__ipctool_queues)"

# recv
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s T -l type -x -d '0 any, N type N, -N lowest type <= N'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s e -l except -d 'the first message not of type N'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s c -l count -x -d 'receive N messages'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s F -l follow -d 'keep receiving'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s 0 -l null -d 'end each message with NUL'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s r -l raw -d 'the bytes alone'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s j -l json -d 'one JSON object per line'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s S -l string -d 'each message up to its first NUL, then a newline'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s p -l peek -d 'show messages without removing them'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s B -l batch -x -d 'hold at most N taken messages not yet written'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s L -l lockstep -d 'take a message only once the reader has read the last one'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s x -l exec -d 'run COMMAND (after --) once per message'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s J -l jobs -x -d 'with --exec: run up to N COMMANDs at once'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s D -l dead-letter -x -d 'with --exec: send a failed message to queue TARGET2'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s n -l nowait -d 'take what is there without waiting'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s t -l timeout -x -d 'bound the whole call to SECS'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from recv; and __ipctool_needs_target" -a "(__ipctool_queues)"

# mkshm
complete -c ipctool -n "__fish_seen_subcommand_from mkshm" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from mkshm" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from mkshm" -s s -l size -x -d 'size in bytes (K, M, G allowed)'
complete -c ipctool -n "__fish_seen_subcommand_from mkshm" -s m -l mode -x -d 'permissions in octal (default 0600)'
complete -c ipctool -n "__fish_seen_subcommand_from mkshm" -s x -l exclusive -d 'fail if the segment already exists'
complete -c ipctool -n "__fish_seen_subcommand_from mkshm" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from mkshm; and __ipctool_needs_target" -a "(__ipctool_segments)"

# shm-write
complete -c ipctool -n "__fish_seen_subcommand_from shm-write" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from shm-write" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from shm-write" -s o -l offset -x -d 'write at byte N'
complete -c ipctool -n "__fish_seen_subcommand_from shm-write" -s S -l string -d 'write a terminating NUL after the data'
complete -c ipctool -n "__fish_seen_subcommand_from shm-write" -s L -l lock -x -a '(__ipctool_sems)' -d 'hold semaphore 0 of this set around the write'
complete -c ipctool -n "__fish_seen_subcommand_from shm-write" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from shm-write; and __ipctool_needs_target" -a "(__ipctool_segments)"

# shm-read
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s o -l offset -x -d 'start at byte N'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s l -l length -x -d 'read N bytes'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s S -l string -d 'stop at the first NUL and add a newline'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s x -l hex -d 'hex and ASCII dump, as hexdump -C'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s L -l lock -x -a '(__ipctool_sems)' -d 'hold semaphore 0 of this set around the read'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from shm-read; and __ipctool_needs_target" -a "(__ipctool_segments)"

# mksem
complete -c ipctool -n "__fish_seen_subcommand_from mksem" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from mksem" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from mksem" -s N -l nsems -x -d 'semaphores in the set (default 1)'
complete -c ipctool -n "__fish_seen_subcommand_from mksem" -s v -l value -x -d 'initial value, only when created here'
complete -c ipctool -n "__fish_seen_subcommand_from mksem" -s m -l mode -x -d 'permissions in octal (default 0600)'
complete -c ipctool -n "__fish_seen_subcommand_from mksem" -s x -l exclusive -d 'fail if the set already exists'
complete -c ipctool -n "__fish_seen_subcommand_from mksem" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from mksem; and __ipctool_needs_target" -a "(__ipctool_sems)"

# sem-p
complete -c ipctool -n "__fish_seen_subcommand_from sem-p" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from sem-p" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from sem-p" -s i -l num -x -d 'which semaphore of the set (default 0)'
complete -c ipctool -n "__fish_seen_subcommand_from sem-p" -s c -l count -x -d 'how much to take (default 1)'
complete -c ipctool -n "__fish_seen_subcommand_from sem-p" -s n -l nowait -d 'exit 3 at once if it would block'
complete -c ipctool -n "__fish_seen_subcommand_from sem-p" -s t -l timeout -x -d 'wait at most SECS, then exit 3'
complete -c ipctool -n "__fish_seen_subcommand_from sem-p" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from sem-p; and __ipctool_needs_target" -a "(__ipctool_sems)"

# sem-v
complete -c ipctool -n "__fish_seen_subcommand_from sem-v" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from sem-v" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from sem-v" -s i -l num -x -d 'which semaphore of the set (default 0)'
complete -c ipctool -n "__fish_seen_subcommand_from sem-v" -s c -l count -x -d 'how much to add (default 1)'
complete -c ipctool -n "__fish_seen_subcommand_from sem-v" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from sem-v; and __ipctool_needs_target" -a "(__ipctool_sems)"

# list
complete -c ipctool -n "__fish_seen_subcommand_from list" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s q -l queues -d 'message queues'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s m -l shm -d 'shared memory segments'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s s -l sems -d 'semaphore sets'
complete -c ipctool -n "__fish_seen_subcommand_from list" -l sysv -d 'System V objects (the default)'
complete -c ipctool -n "__fish_seen_subcommand_from list" -l posix -d 'POSIX objects (not supported yet)'
complete -c ipctool -n "__fish_seen_subcommand_from list" -l user -x -a '(__fish_complete_users)' -d 'only objects owned by USER'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s J -l json -d 'one JSON document'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s r -l raw -d 'raw output'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s e -l export -d 'NAME="value" pairs'
complete -c ipctool -n "__fish_seen_subcommand_from list" -l noheadings -d 'no header line'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s o -l output -x -a '(ipctool list --output help 2>/dev/null | string replace -r " .*" "")' -d 'columns to show'
complete -c ipctool -n "__fish_seen_subcommand_from list" -l limits -d "the kernel's limits"
complete -c ipctool -n "__fish_seen_subcommand_from list" -l summary -d 'what is in use'
complete -c ipctool -n "__fish_seen_subcommand_from list" -s p -l peek -d "with a queue TARGET: each message's type and size"
complete -c ipctool -n "__fish_seen_subcommand_from list" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from list; and __ipctool_needs_target" -a "(__ipctool_objects; __ipctool_posix_names)"

# rm
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s k -l key -x -d 'System V key (repeatable)'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s f -l ftok -r -F -d 'key from ftok(3) of PATH[:PROJ] (repeatable)'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s q -l queue -d 'message queues only'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s m -l shm -d 'shared memory segments only'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s s -l sem -d 'semaphore sets only'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s a -l all -d 'every object of the chosen kinds'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -l user -x -a '(__fish_complete_users)' -d 'with --all: only objects owned by USER'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -l sysv -d 'System V objects (the default)'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -l posix -d 'POSIX objects (not supported yet)'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s n -l dry-run -d 'show what would go; remove nothing'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from rm" -a "(__ipctool_objects; __ipctool_posix_names)"

# fifo
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -s m -l mode -x -d 'permissions of a new FIFO in octal'
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -s x -l exclusive -d 'fail if the FIFO already exists'
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -s r -l read -d 'copy from the FIFO to standard output'
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -s w -l write -d 'copy DATA or standard input into the FIFO'
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -s n -l nowait -d 'do not wait for the other end'
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -s t -l timeout -x -d 'wait at most SECS for the other end'
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from fifo" -F

# pipe-run
complete -c ipctool -n "__fish_seen_subcommand_from pipe-run; and not __ipctool_after_double_dash" -s p -l pipefail -d 'exit with the rightmost failed status'
complete -c ipctool -n "__fish_seen_subcommand_from pipe-run; and not __ipctool_after_double_dash" -s s -l status -d 'print each stage status to stderr'
complete -c ipctool -n "__fish_seen_subcommand_from pipe-run; and not __ipctool_after_double_dash" -s S -l sep -x -d 'the separator between stages'
complete -c ipctool -n "__fish_seen_subcommand_from pipe-run; and not __ipctool_after_double_dash" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from pipe-run; and __ipctool_after_double_dash" -F -a "(__fish_complete_command)"

# signal-send
complete -c ipctool -n "__fish_seen_subcommand_from signal-send" -s v -l value -x -d 'send with sigqueue(3) carrying this value'
complete -c ipctool -n "__fish_seen_subcommand_from signal-send" -s g -l group -d 'each PID is a process group id'
complete -c ipctool -n "__fish_seen_subcommand_from signal-send" -s w -l wait -x -d 'wait up to SECS for the targets to exit'
complete -c ipctool -n "__fish_seen_subcommand_from signal-send" -s k -l kill-after -x -d 'SIGKILL the targets alive after SECS'
complete -c ipctool -n "__fish_seen_subcommand_from signal-send" -s l -l list -d 'list every signal'
complete -c ipctool -n "__fish_seen_subcommand_from signal-send" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from signal-send; and __ipctool_needs_signal" -a "(__ipctool_signals)"
complete -c ipctool -n "__fish_seen_subcommand_from signal-send; and not __ipctool_needs_signal" -a "(__fish_complete_pids)"

# signal-wait
complete -c ipctool -n "__fish_seen_subcommand_from signal-wait" -s t -l timeout -x -d 'wait at most SECS in all'
complete -c ipctool -n "__fish_seen_subcommand_from signal-wait" -s c -l count -x -d 'wait for N signals'
complete -c ipctool -n "__fish_seen_subcommand_from signal-wait" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from signal-wait" -a "(__ipctool_signals)"
