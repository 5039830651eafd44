#!/usr/bin/env bats
# Cleanup that never removes what is in use (ipctool-rm(1), ipctool-list(1)):
# processes blocked on an object are its users (waiting-receive,
# waiting-send, waiting-P, waiting-zero), --older-than means idle for,
# rm --all with --orphaned or --older-than keeps what is in use at the
# moment of its removal and says so, --verbose and --dry-run lines, the POSIX
# hint, and POSIX objects of a namespace that shares our /dev/shm.
# The waiters are real processes: ipctool itself blocked in recv, send and
# sem-p, and python3 with sysv_ipc (Debian's python3-sysv-ipc).

load helpers

teardown() { common_teardown; }

# block WCHAN CMD...: CMD in the background, once blocked in WCHAN; its
# pid in $BG_PID.
block() {
	local wchan=$1
	shift
	bg_start "$@"
	wait_blocked "$BG_PID" "$wchan"
}

# idle_for SECS: let SECS seconds pass, so that what was made before is
# that idle (the kernel's times are in whole seconds).
idle_for() { hold_until $(( $(now_ms) + $1 * 1000 + 1000 )); }

# ---- waiters are users --------------------------------------------------------

@test "waiting-P: a set whose recorded pid is dead, with sem-p blocked on it, is in use and kept" {
	ipctool mksem --key 0x101 >/dev/null                      # recorded pid: mksem, dead
	block "$WCHAN_SEM" ipctool sem-p 0x101
	waiter=$BG_PID
	run_tool list 0x101
	assert_success
	assert_line --regexp "^ *$waiter ipctool +root +waiting-P$"
	run_tool list --orphaned --sysv --sems -o KEY --noheadings
	assert_success
	assert_output ""
	run_tool rm --all --orphaned
	assert_success
	assert_equal "$stderr" ""
	[ "$(count_sems)" -eq 1 ]
	in_kernel_wait "$waiter" "$WCHAN_SEM"
}

@test "waiting-zero: python3 blocked waiting for zero; --processes and JSON say so" {
	ipctool mksem --key 0x102 --value 1 >/dev/null
	block "$WCHAN_SEM" "$PY" -c 'import sysv_ipc; sysv_ipc.Semaphore(0x102).Z()'
	waiter=$BG_PID
	run_tool list --sysv --sems --processes -o KEY,PROCESSES --noheadings
	assert_success
	assert_output "0x00000102 $waiter:python3"
	run_tool list --sysv --sems --processes --json
	assert_success
	assert_equal "$(jq -c '.semaphores[0] | [.processes[].how, .orphaned]' <<<"$output")" '["waiting-zero",false]'
	run_tool list 0x102
	assert_line --regexp "^ *$waiter python3 +root +waiting-zero$"
}

@test "waiting-receive: a queue whose last pids are dead, with recv blocked on it, is not orphaned" {
	ipctool mkq --key 0x103 >/dev/null
	ipctool send 0x103 x
	ipctool recv 0x103 >/dev/null                             # LSPID, LRPID: both dead now
	run_tool list --orphaned --sysv --queues -o KEY --noheadings
	assert_output "0x00000103"
	block "$WCHAN_MSGRCV" ipctool recv 0x103
	waiter=$BG_PID
	run_tool list 0x103
	assert_success
	assert_line --regexp "^ *$waiter ipctool +root +waiting-receive$"
	run_tool list --orphaned --sysv --queues -o KEY --noheadings
	assert_output ""
	run_tool list --sysv --queues --processes --json
	assert_equal "$(jq -c '.messages[0] | [.processes[].pid, .processes[].how, .orphaned]' <<<"$output")" \
		"[$waiter,\"waiting-receive\",false]"
	run_tool rm --all --orphaned
	assert_success
	[ "$(count_queues)" -eq 1 ]
	in_kernel_wait "$waiter" "$WCHAN_MSGRCV"
}

@test "waiting-send: a full queue with send blocked on it is not orphaned" {
	ipctool mkq --key 0x104 --max-bytes 8 >/dev/null
	ipctool send 0x104 12345678                                # full; the sender is dead
	block "$WCHAN_MSGSND" ipctool send 0x104 more
	waiter=$BG_PID
	run_tool list 0x104
	assert_line --regexp "^ *$waiter ipctool +root +waiting-send$"
	run_tool rm --all --orphaned --dry-run
	assert_success
	assert_output ""
	run_tool rm --all --orphaned
	assert_success
	[ "$(count_queues)" -eq 1 ]
}

@test "a waiter that is not the main thread is seen: python3 receiving in a thread" {
	ipctool mkq --key 0x105 >/dev/null
	ipctool send 0x105 x; ipctool recv 0x105 >/dev/null
	bg_start "$PY" -c 'import signal, sysv_ipc, threading
threading.Thread(target=lambda: sysv_ipc.MessageQueue(0x105).receive(), daemon=True).start()
signal.pause()'
	waiter=$BG_PID
	wait_for "grep -q do_msgrcv /proc/$waiter/task/*/wchan" || fail "no thread of $waiter blocked in msgrcv"
	run_tool list 0x105
	assert_line --regexp "^ *$waiter python3 +root +waiting-receive$"
	run_tool list --orphaned --sysv --queues -o KEY --noheadings
	assert_output ""
}

@test "POSIX: recv blocked on a queue, send on a full one, sem-p on a semaphore" {
	ipctool mkq /pq >/dev/null
	ipctool mkq /full --max-messages 1 --message-size 16 >/dev/null
	ipctool send /full x
	ipctool mksem /ps >/dev/null
	block "$WCHAN_MQ" ipctool recv /pq
	receiver=$BG_PID
	block "$WCHAN_MQ" ipctool send /full y
	sender=$BG_PID
	block "$WCHAN_PSEM" ipctool sem-p /ps
	taker=$BG_PID
	run_tool list /pq
	assert_line --regexp "^ *$receiver ipctool +root +open,waiting-receive$"
	run_tool list /full
	assert_line --regexp "^ *$sender ipctool +root +open,waiting-send$"
	run_tool list /ps
	assert_line --regexp "^ *$taker ipctool +root +mapped,waiting-P$"
	run_tool list --posix --processes --json
	assert_equal "$(jq -c '[.posixsemaphores[0].processes[].how, .posixsemaphores[0].orphaned]' <<<"$output")" \
		'["mapped,waiting-P",false]'
}

# ---- idle means idle ------------------------------------------------------------

@test "--older-than is idle time: a queue sent to, a segment attached, a set operated on since are not old" {
	ipctool mkq --key 0x111 >/dev/null; ipctool mkq --key 0x112 >/dev/null
	ipctool mkshm --key 0x113 --size 8 >/dev/null; ipctool mkshm --key 0x114 --size 8 >/dev/null
	ipctool mksem --key 0x115 >/dev/null; ipctool mksem --key 0x116 >/dev/null
	# What is used after the pause must be listed within 5 s of its use,
	# which a loaded machine still does.
	idle_for 5
	ipctool send 0x111 x                                       # last send: now
	"$PY" -c 'import sysv_ipc; sysv_ipc.SharedMemory(0x113).detach()'   # attach, detach: now
	ipctool sem-v 0x115                                        # last semop: now
	run_tool list --sysv --older-than 5s -o KEY --noheadings
	assert_success
	assert_output "0x00000112

0x00000114

0x00000116"
	run_tool rm --all --older-than 5s --dry-run
	assert_success
	assert_output --regexp "^would remove message queue id [0-9]+ \(key 0x00000112\)
would remove shared memory segment id [0-9]+ \(key 0x00000114\)
would remove semaphore set id [0-9]+ \(key 0x00000116\)$"
}

@test "--older-than on POSIX objects is the file's mtime: a queue sent to is not old" {
	ipctool mkq /busy >/dev/null; ipctool mkq /idle >/dev/null
	idle_for 5
	ipctool send /busy x
	run_tool list --posix --queues --older-than 5s -o NAME --noheadings
	assert_success
	assert_output "/idle"
}

# ---- rm keeps what is in use ------------------------------------------------------

@test "rm --all --older-than keeps an attached segment, names the process, exits 0; --force removes it" {
	id=$(ipctool mkshm --key 0x121 --size 4096)
	attach 0x121
	attacher=$BG_PID
	idle_for 2
	run_tool rm --all --older-than 2s
	assert_success
	assert_output ""
	assert_equal "$stderr" "ipctool: rm: kept shared memory segment id $id (key 0x00000121): in use by $attacher python3"
	[ "$(count_shm)" -eq 1 ]
	run_tool rm --all --older-than 2s --dry-run
	assert_success
	assert_output "would keep shared memory segment id $id (key 0x00000121): in use by $attacher python3"
	assert_equal "$stderr" ""
	run_tool rm --all --older-than 2s --force --verbose
	assert_success
	assert_output "removed shared memory segment id $id (key 0x00000121)"
	# Removed: it goes with its last detach (the kernel's IPC_RMID).
	run_tool list --shm --sysv -r --noheadings -o KEY,STATUS
	assert_output "0x00000000 dest"
}

@test "rm --all --older-than keeps queues and sets waited on and POSIX files mapped or open; the idle rest goes" {
	q=$(ipctool mkq --key 0x122)
	s=$(ipctool mksem --key 0x123)
	ipctool mkq --key 0x124 >/dev/null                        # idle, unused: goes
	ipctool mkshm /mapped --size 4096 >/dev/null
	ipctool mkq /held >/dev/null
	ipctool mkshm /loose --size 8 >/dev/null                 # idle, unused: goes
	block "$WCHAN_MSGRCV" ipctool recv 0x122
	receiver=$BG_PID
	block "$WCHAN_SEM" ipctool sem-p 0x123
	taker=$BG_PID
	map_shm mapped
	mapper=$BG_PID
	block "$WCHAN_MQ" ipctool recv /held
	holder=$BG_PID
	touch -d "@$(( $(date +%s) - 600 ))" /dev/shm/mapped /dev/shm/loose "$IPCTOOL_TEST_MQUEUE/held"
	idle_for 2
	run_tool rm --all --sysv --posix --older-than 2s --verbose
	assert_success
	assert_output --regexp "^removed message queue id [0-9]+ \(key 0x00000124\)
removed POSIX shared memory object /loose$"
	assert_equal "$(sort <<<"$stderr")" "$(sort <<<"ipctool: rm: kept message queue id $q (key 0x00000122): in use by $receiver ipctool
ipctool: rm: kept semaphore set id $s (key 0x00000123): in use by $taker ipctool
ipctool: rm: kept POSIX shared memory object /mapped: in use by $mapper python3
ipctool: rm: kept POSIX message queue /held: in use by $holder ipctool")"
	[ "$(count_queues)" -eq 1 ]
	[ "$(count_sems)" -eq 1 ]
	[ -e /dev/shm/mapped ]
	[ -e "$IPCTOOL_TEST_MQUEUE/held" ]
	[ ! -e /dev/shm/loose ]
}

# The second look, made deterministic as in users.bats: strace stops rm
# (SIGSTOP injected on the exit of its second msgctl, the IPC_RMID of the
# first queue) after the first of two orphaned queues went; the test
# starts a recv blocked on the second, lets more than a second pass (the
# look's /proc scan is then stale), and lets rm go on: it scans again and
# keeps the queue now waited on.
@test "rm --all --orphaned keeps, and names, a queue that gained a waiter during the removals" {
	command -v strace >/dev/null || fail "strace is missing (make deps)"
	ipctool mkq --key 0x126 >/dev/null; ipctool send 0x126 x; ipctool recv 0x126 >/dev/null
	second=$(ipctool mkq --key 0x127); ipctool send 0x127 x; ipctool recv 0x127 >/dev/null
	bg_start env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -qq -o /dev/null -e trace=msgctl -e inject=msgctl:signal=SIGSTOP:when=2 \
		ipctool rm --all --orphaned --queues 2>"$BATS_TEST_TMPDIR/rm.err"
	tracer=$BG_PID
	wait_for "[ \$(count_queues) -eq 1 ] && child=\$(pgrep -P $tracer) && awk '/^State:/ { exit \$2 != \"t\" && \$2 != \"T\" }' /proc/\$child/status" ||
		fail "rm did not stop after its first removal"
	child=$(pgrep -P "$tracer")
	stopped=$(now_ms)
	block "$WCHAN_MSGRCV" ipctool recv 0x127
	waiter=$BG_PID
	hold_until $((stopped + 1200))
	kill -CONT "$child"
	wait_exit "$tracer"
	run cat "$BATS_TEST_TMPDIR/rm.err"
	assert_equal "$EXIT_RC" 0
	assert_output "ipctool: rm: kept message queue id $second (key 0x00000127): in use by $waiter ipctool"
	[ "$(count_queues)" -eq 1 ]
}

@test "a waiter whose comm name holds a newline is named on one line, in the shown form" {
	q=$(ipctool mkq --key 0x125)
	bg_start "$PY" -c 'import ctypes, sysv_ipc
ctypes.CDLL(None).prctl(15, b"ev\nil", 0, 0, 0)
sysv_ipc.MessageQueue(0x125).receive()'
	waiter=$BG_PID
	# (/proc/PID/stat is split by its newline: wchan alone says it.)
	wait_for "grep -q '$WCHAN_MSGRCV' /proc/$waiter/wchan" || fail "python3 did not block in msgrcv"
	idle_for 2
	run_tool rm --all --older-than 2s --dry-run
	assert_success
	assert_output "would keep message queue id $q (key 0x00000125): in use by $waiter ev\\x0ail"
	run_tool rm --all --older-than 2s
	assert_success
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "ipctool: rm: kept message queue id $q (key 0x00000125): in use by $waiter ev\\x0ail"
	[ "$(count_queues)" -eq 1 ]
}

@test "as nobody: a set someone waits on is in use though the waiter cannot be seen (NCNT)" {
	need_root
	s=$(ipctool mksem --key 0x131 --mode 0666)
	block "$WCHAN_SEM" ipctool sem-p 0x131                    # root's: nobody cannot read its syscall
	run --separate-stderr as_nobody ipctool list --orphaned --sysv --sems -o KEY --noheadings
	assert_success
	assert_output ""
	# Said once: the waiters of root's processes are not shown.
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "^ipctool: list: what [0-9]+ processes wait on could not be read \(another user's: that needs root\)"
	idle_for 2
	run --separate-stderr as_nobody ipctool rm --all --sems --older-than 2s
	assert_success
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[1]}" "ipctool: rm: kept semaphore set id $s (key 0x00000131): in use (by a process ipctool cannot name: another user's or namespace's)"
	[ "$(count_sems)" -eq 1 ]
}

@test "--force needs --orphaned, --older-than or --ns" {
	ipctool mkq --key 0x141 >/dev/null
	run_tool rm --all --force
	assert_error 2 rm "--force overrides what --orphaned, --older-than or --ns keep"
	run_tool rm 0x141 --force
	assert_error 2 rm "--force overrides"
	[ "$(count_queues)" -eq 1 ]
}

# ---- the POSIX hint --------------------------------------------------------------

@test "rm --all --orphaned without --posix ends with one stderr line counting the POSIX orphans it left" {
	ipctool mkq --key 0x151 >/dev/null; ipctool send 0x151 x   # orphaned
	ipctool mkshm --key 0x152 --size 8 >/dev/null             # orphaned
	ipctool mkshm /a --size 8 >/dev/null; ipctool mkshm /b --size 8 >/dev/null
	ipctool mkq /c >/dev/null
	run_tool list --orphaned -o +ORPHANED --noheadings
	assert_equal "$(grep -c ' yes$' <<<"$output")" 5
	run_tool rm --all --orphaned --dry-run
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" "ipctool: rm: 3 POSIX objects also match; --posix would include them"
	run_tool rm --all --orphaned --sysv --posix --dry-run
	assert_success
	assert_equal "${#lines[@]}" 5
	assert_equal "$stderr" ""
	ipctool rm /b /c
	run_tool rm --all --orphaned
	assert_success
	assert_equal "$stderr" "ipctool: rm: 1 POSIX object also matches; --posix would include it"
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_shm)" -eq 0 ]
	[ -e /dev/shm/a ]
}

# ---- namespaces that share /dev/shm ----------------------------------------------

@test "--ns of a child sharing our /dev/shm: our POSIX files are SHARED and rm --ns refuses them without --force" {
	ipctool mkshm /live_shm --size 64 >/dev/null
	map_shm live_shm
	SHARE_SHM=1 start_child 'ipctool mkq /child-q >/dev/null'
	run_tool list --ns "$CHILD" --posix
	assert_success
	assert_line --regexp '^NAME +PERMS +OWNER +SIZE +MTIME +SHARED$'
	assert_line --regexp '^/live_shm .* yes$'
	run_tool list --ns "$CHILD" --posix --json
	assert_equal "$(jq -c '[.posixsharedmemory[] | [.name, .shared]], [.posixmessages[] | [.name, .shared]]' <<<"$output")" \
		'[["/live_shm",true]]
[["/child-q",false]]'
	run_tool list --ns "$CHILD" /live_shm
	assert_success
	assert_line --regexp '^SHARED +yes$'
	run_tool list /live_shm
	refute_line --regexp '^SHARED'
	run_tool rm --ns "$CHILD" /live_shm
	assert_error 1 rm "will not remove POSIX shared memory object /live_shm: PID $CHILD's /dev/shm is ipctool's own, a shared mount"
	[ -e /dev/shm/live_shm ]
	run_tool rm --all --ns "$CHILD" --posix
	assert_error 1 rm "will not remove POSIX shared memory object /live_shm"
	[ -e /dev/shm/live_shm ]
	run nsenter --ipc --mount --root -t "$CHILD" ls "$IPCTOOL_TEST_MQUEUE"
	assert_success
	assert_output ""                                          # its own queue went
	run_tool rm --ns "$CHILD" --force --verbose /live_shm
	assert_success
	assert_output "removed POSIX shared memory object /live_shm"
	[ ! -e /dev/shm/live_shm ]
}

@test "--ns of a child with its own /dev/shm: its files are its own, shared false, and go" {
	ipctool mkshm /ours --size 8 >/dev/null
	start_child 'ipctool mkshm /theirs --size 8 >/dev/null'
	run_tool list --ns "$CHILD" --posix --shm --json
	assert_equal "$(jq -c '[.posixsharedmemory[] | [.name, .shared]]' <<<"$output")" '[["/theirs",false]]'
	run_tool rm --all --ns "$CHILD" --posix --shm
	assert_success
	[ -e /dev/shm/ours ]
	assert_equal "$(nsenter --mount --root -t "$CHILD" ls /dev/shm)" ""
}

@test "--all-namespaces lists a shared /dev/shm's files once, ours, marked shared; --namespaces counts them once" {
	ipctool mkshm /host_shm --size 8 >/dev/null
	SHARE_SHM=1 start_child 'ipctool mkq --key 0x161 >/dev/null'
	sharing=$CHILD
	start_child 'ipctool mkshm /own_shm --size 8 >/dev/null'
	own=$CHILD
	ours=$(ns_inode $$)
	run_tool list --all-namespaces --posix --shm --json
	assert_success
	assert_equal "$(jq -c '[.posixsharedmemory[] | [.ipcns, .name, .shared]] | sort' <<<"$output")" \
		"$(jq -cn --argjson a "$ours" --argjson b "$(ns_inode "$own")" '[[$a, "/host_shm", true], [$b, "/own_shm", false]] | sort')"
	run_tool list --all-namespaces --posix --shm -r --noheadings -o NAME
	assert_equal "$(grep -c host_shm <<<"$output")" 1
	run_tool list --namespaces --json
	assert_success
	assert_equal "$(jq -c --argjson n "$(ns_inode "$sharing")" '.namespaces[] | select(.ipcns == $n) | [.queues, .segments]' <<<"$output")" '[1,0]'
	assert_equal "$(jq -c --argjson n "$ours" '.namespaces[] | select(.ipcns == $n) | .segments' <<<"$output")" 1
	assert_equal "$(jq -c --argjson n "$(ns_inode "$own")" '.namespaces[] | select(.ipcns == $n) | .segments' <<<"$output")" 1
}

# ---- watch --------------------------------------------------------------------------

@test "watch --json: waiting lists the pids blocked on each queue, [] when none" {
	ipctool mkq --key 0x171 >/dev/null
	ipctool mkq --key 0x172 >/dev/null
	ipctool mkq /wq >/dev/null
	block "$WCHAN_MSGRCV" ipctool recv 0x171
	sysv=$BG_PID
	block "$WCHAN_MQ" ipctool recv /wq
	posix=$BG_PID
	run_tool watch --json --count 1 --queues
	assert_success
	assert_equal "$(jq -c '[.messages[] | [.key, .waiting]], [.posixmessages[] | [.name, .waiting]]' <<<"$output")" \
		"[[\"0x00000171\",[$sysv]],[\"0x00000172\",[]]]
[[\"/wq\",[$posix]]]"
}
