# fish completion for ipctool(1).
#
# Adding a subcommand: its name in ipctool_commands, a line with its
# summary, and one `complete' line per option of `ipctool SUB --help' under
# `-n "__fish_seen_subcommand_from SUB"'.  tests/cli.bats checks both
# against the binary.

set -l ipctool_commands mkq send recv help

# Existing System V message queues: ids, then keys as ipcs prints them.
function __ipctool_queues
    awk 'NR > 1 {
        print $2
        k = $1 + 0
        if (k != 0) { if (k < 0) k += 4294967296; printf "0x%08x\n", k }
    }' /proc/sysvipc/msg 2>/dev/null
end

# True when no positional argument (the TARGET) follows the subcommand yet.
function __ipctool_needs_target
    set -l words (commandline -opc)
    set -e words[1..2]
    set -l takes_value --key --ftok --mode --max-bytes --type --count --timeout -k -f -m -b -T -c -t
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

complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a mkq -d 'create a System V message queue, or find one by key'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a send -d 'send messages to a queue'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a recv -d 'receive (or peek at) messages from a queue'
complete -c ipctool -n "not __fish_seen_subcommand_from $ipctool_commands" -a help -d 'show help for ipctool or for one subcommand'

complete -c ipctool -n "__fish_seen_subcommand_from help" -a "$ipctool_commands"

# mkq
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s m -l mode -x -d 'permissions in octal (default 0600)'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s x -l exclusive -d 'fail if the queue already exists'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s b -l max-bytes -x -d 'capacity in bytes (msg_qbytes)'
complete -c ipctool -n "__fish_seen_subcommand_from mkq" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from mkq; and __ipctool_needs_target" -a "(__ipctool_queues)"

# send
complete -c ipctool -n "__fish_seen_subcommand_from send" -s k -l key -x -d 'System V key, decimal or 0x hex'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s f -l ftok -r -F -d 'System V key from ftok(3) of PATH[:PROJ]'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s T -l type -x -d 'message type, 1 or more'
complete -c ipctool -n "__fish_seen_subcommand_from send" -s l -l lines -d 'one message per line of standard input'
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
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s p -l peek -d 'show messages without removing them'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s n -l nowait -d 'take what is there without waiting'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s t -l timeout -x -d 'bound the whole call to SECS'
complete -c ipctool -n "__fish_seen_subcommand_from recv" -s h -l help -d 'show the options and exit'
complete -c ipctool -n "__fish_seen_subcommand_from recv; and __ipctool_needs_target" -a "(__ipctool_queues)"
