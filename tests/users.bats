#!/usr/bin/env bats
# Who uses an object, orphans, --older-than (ipctool-list(1) first half): list
# TARGET's Processes table, list --processes, --orphaned, --older-than,
# rm --all --orphaned.  The users are real processes: python3 with
# sysv_ipc (Debian's python3-sysv-ipc, so /usr/bin/python3) attached to a
# segment, a shell holding a POSIX queue open, python3 mapping /dev/shm.

load helpers

teardown() { common_teardown; }


# hold_queue NAME: a process (sleep) holding POSIX queue /NAME open.
hold_queue() {
	bg_start bash -c 'exec 4<"$1"; exec sleep 1000' _ "$IPCTOOL_TEST_MQUEUE/$1"
	wait_for "[ \"\$(readlink /proc/$BG_PID/fd/4 2>/dev/null)\" = '$IPCTOOL_TEST_MQUEUE/$1' ] && grep -q sleep /proc/$BG_PID/comm" ||
		fail "no process holds /$1"
}

# sysv_act KIND KEY: a python3 that sends to queue KEY (KIND queue) or
# releases semaphore set KEY (KIND sem), then sleeps: a live recorded pid.
sysv_act() {
	bg_start "$PY" -c 'import signal, sys, sysv_ipc
key = int(sys.argv[2], 0)
if sys.argv[1] == "queue":
    sysv_ipc.MessageQueue(key).send(b"hi")
else:
    sysv_ipc.Semaphore(key).release()
print("done", flush=True)
signal.pause()' "$1" "$2" >"$BATS_TEST_TMPDIR/act.out"
	wait_for "grep -q done '$BATS_TEST_TMPDIR/act.out'" || fail "python3 did not use $2"
}

@test "python3 with sysv_ipc is there (make deps: python3-sysv-ipc)" {
	run "$PY" -c 'import sysv_ipc'
	assert_success
}

# ---- list TARGET ------------------------------------------------------------

@test "list TARGET of a segment shows the attached process: PID, COMMAND, USER, HOW" {
	id=$(ipctool mkshm --key 0x51 --size 4096)
	attach 0x51
	pid=$BG_PID
	run_tool list "$id" --shm
	assert_success
	assert_line "ORPHANED   no"
	assert_line "Processes:"
	assert_line --regexp '^ *PID +COMMAND +USER +HOW$'
	assert_line --regexp "^ *$pid +python3 +root +attached$"
	assert_equal "$stderr" ""
}

@test "list TARGET of a segment nobody attaches says Processes: none" {
	ipctool mkshm --key 0x52 --size 4096 >/dev/null
	run_tool list 0x52
	assert_success
	assert_line "Processes: none"
	assert_line "ORPHANED   yes"
}

@test "list TARGET: a queue's live last sender is a user, a dead recorded pid is not" {
	ipctool mkq --key 0x53 >/dev/null
	ipctool mkq --key 0x54 >/dev/null
	sysv_act queue 0x53
	live=$BG_PID
	ipctool send 0x54 from-a-dead-process
	dead=$(awk '$1 == 84 { print $6 }' /proc/sysvipc/msg)
	[ -n "$dead" ]
	[ "$dead" -gt 0 ]
	run_tool list 0x53
	assert_success
	assert_line --regexp "^LSPID +$live$"
	assert_line --regexp "^ *$live +python3 +root +last-send$"
	assert_line "ORPHANED   no"
	run_tool list 0x54
	assert_success
	assert_line --regexp "^LSPID +$dead$"
	assert_line "Processes: none"
	assert_line "ORPHANED   yes"
}

@test "a zombie last sender is no user, however the process is looked at: its queue is orphaned" {
	ipctool mkq --key 0x5a >/dev/null
	# python3 forks the sender and never reaps it.
	bg_start "$PY" -c 'import os, signal, sys
if os.fork() == 0:
    os.execv(sys.argv[1], [sys.argv[1], "send", "0x5a", "from-a-zombie"])
signal.pause()' "$IPCTOOL"
	zombie=
	wait_for 'zombie=$(awk '"'"'$1 == 90 && $6 > 0 { print $6 }'"'"' /proc/sysvipc/msg) && [ -n "$zombie" ] &&
		[ "$(awk '"'"'{ print $3 }'"'"' "/proc/$zombie/stat" 2>/dev/null)" = Z ]' || fail "no zombie sender"
	run_tool list 0x5a
	assert_success
	assert_line --regexp "^LSPID +$zombie$"
	assert_line "Processes: none"
	assert_line "ORPHANED   yes"
	run_tool list --sysv --processes --json
	assert_success
	echo "$output" | jq -e '.messages[] | select(.key == "0x0000005a") | .processes == [] and .orphaned == true'
	run_tool list --orphaned --sysv -o KEY --noheadings
	assert_success
	assert_output "0x0000005a"
}

@test "list TARGET: a semaphore set's live last operator is a user (last-operation)" {
	ipctool mksem --key 0x55 >/dev/null
	sysv_act sem 0x55
	run_tool list 0x55 --json
	assert_success
	echo "$output" | jq -e --argjson p "$BG_PID" \
		'.processes == [{"pid": $p, "command": "python3", "user": "root", "how": "last-operation"}]'
	echo "$output" | jq -e '.semaphores[0].orphaned == false'
}

@test "list /name: a queue held open, a file mapped, a file mapped and open" {
	ipctool mkq /uq >/dev/null
	ipctool mkshm /um --size 4096 >/dev/null
	hold_queue uq
	holder=$BG_PID
	map_shm um
	mapper=$BG_PID
	bg_start "$PY" -c 'import mmap, os, signal
fd = os.open("/dev/shm/um", os.O_RDWR)
m = mmap.mmap(fd, 0)
print("ready", flush=True)
signal.pause()' >"$BATS_TEST_TMPDIR/both.out"
	both=$BG_PID
	wait_for "grep -q ready '$BATS_TEST_TMPDIR/both.out'"
	run_tool list /uq
	assert_success
	assert_line --regexp "^ *$holder +sleep +root +open$"
	run_tool list /um --shm --json
	assert_success
	echo "$output" | jq -e --argjson m "$mapper" --argjson b "$both" \
		'.processes == [{"pid": $m, "command": "python3", "user": "root", "how": "mapped"},
				{"pid": $b, "command": "python3", "user": "root", "how": "mapped,open"}]
		 or .processes == [{"pid": $b, "command": "python3", "user": "root", "how": "mapped,open"},
				   {"pid": $m, "command": "python3", "user": "root", "how": "mapped"}]'
	echo "$output" | jq -e '.posixsharedmemory[0].orphaned == false'
}

@test "list TARGET does not list ipctool itself, whatever it inherited" {
	ipctool mkq /self >/dev/null
	run bash -c 'exec 4<"$1"; ipctool list /self' _ "$IPCTOOL_TEST_MQUEUE/self"
	assert_success
	assert_line "Processes: none"
}

# ---- list --processes -------------------------------------------------------

@test "list --processes adds PROCESSES, PID:COMMAND, on every kind" {
	ipctool mkshm --key 0x61 --size 4096 >/dev/null
	attach 0x61
	seg_user=$BG_PID
	ipctool mkq /pq >/dev/null
	hold_queue pq
	q_user=$BG_PID
	ipctool mkq --key 0x62 >/dev/null
	run_tool list --processes
	assert_success
	assert_line --regexp '^KEY +ID PERMS +OWNER SIZE NATTCH STATUS CTIME +CPID +LPID PROCESSES$'
	assert_line --regexp "^0x00000061 .* $seg_user:python3\$"
	assert_line --regexp "^/pq .* $q_user:sleep\$"
	assert_line --regexp '^0x00000062 +[0-9]+ rw------- root +0 +0 +0 +0 *$'
	assert_equal "$stderr" ""
}

@test "list --processes finds every attachment: read-only, twice in one process, once in another" {
	ipctool mkshm --key 0x63 --size 4096 >/dev/null
	ipctool mkshm --key 0x64 --size 4096 >/dev/null
	bg_start "$PY" -c 'import signal, sysv_ipc
m = sysv_ipc.SharedMemory(0x63)
m.detach()
m.attach(None, sysv_ipc.SHM_RDONLY)
signal.pause()'
	ro=$BG_PID
	wait_for "grep -q '^[0-9a-f-]* r--s .*/SYSV00000063' /proc/$ro/maps" || fail "python3 did not attach 0x63 read-only"
	bg_start "$PY" -c 'import signal, sysv_ipc
a = sysv_ipc.SharedMemory(0x64)
b = sysv_ipc.SharedMemory(0x64)
signal.pause()'
	twice=$BG_PID
	wait_for "[ \$(grep -c /SYSV00000064 /proc/$twice/maps) -eq 2 ]" || fail "python3 did not attach 0x64 twice"
	attach 0x64
	once=$BG_PID
	# The kernel counts mappings: 0x64's NATTCH is 3 for two processes,
	# and the scan must not stop reading maps before the second.
	run_tool list --processes --shm -o KEY,NATTCH,PROCESSES --noheadings
	assert_success
	assert_line --regexp "^0x00000063 +1 +$ro:python3\$"
	assert_line --regexp "^0x00000064 +3 +$twice:python3,$once:python3\$"
	assert_equal "$stderr" ""
}

@test "list --processes: a segment's only attacher from the kernel's record, a fork's child from the maps" {
	ipctool mkshm --key 0x65 --size 4096 >/dev/null
	ipctool mkshm --key 0x66 --size 4096 >/dev/null
	attach 0x65
	only=$BG_PID
	# 0x66: attached, then the attacher forks and detaches.  NATTCH is 1
	# and LPID names the parent, which is alive but holds nothing: the
	# child, which the kernel's record does not name, holds it.
	bg_start "$PY" -c 'import ctypes, os, signal, sys, sysv_ipc
m = sysv_ipc.SharedMemory(0x66)
child = os.fork()
if child == 0:
    ctypes.CDLL(None).prctl(1, 9)   # PR_SET_PDEATHSIG: SIGKILL with the parent
    signal.pause()
m.detach()
print(child, flush=True)
signal.pause()' >"$BATS_TEST_TMPDIR/fork.out"
	parent=$BG_PID
	wait_for "[ -s '$BATS_TEST_TMPDIR/fork.out' ] && [ \"\$(awk '\$1 == 102 { print \$7 }' /proc/sysvipc/shm)\" = 1 ]" ||
		fail "python3 did not fork and detach 0x66"
	child=$(cat "$BATS_TEST_TMPDIR/fork.out")
	[ "$(awk '$1 == 102 { print $6 }' /proc/sysvipc/shm)" = "$parent" ]   # the record names the parent
	run_tool list --processes --sysv --shm -o KEY,NATTCH,PROCESSES --noheadings
	assert_success
	assert_line --regexp "^0x00000065 +1 +$only:python3\$"
	assert_line --regexp "^0x00000066 +1 +$child:python3\$"
	assert_equal "$stderr" ""
	run_tool list 0x66 --json
	assert_success
	echo "$output" | jq -e --argjson p "$child" '[.processes[].pid] == [$p]'
}

@test "list --processes --json: a processes array on every object, empty when none, and orphaned" {
	ipctool mkshm --key 0x63 --size 4096 >/dev/null
	ipctool mkshm --key 0x64 --size 4096 >/dev/null
	attach 0x63
	run_tool list --processes --json --shm --sysv
	assert_success
	echo "$output" | jq -e --argjson p "$BG_PID" '.sharedmemory | map(select(.key == "0x00000063"))[0] |
		.processes == [{"pid": $p, "command": "python3", "user": "root", "how": "attached"}] and .orphaned == false'
	echo "$output" | jq -e '.sharedmemory | map(select(.key == "0x00000064"))[0] |
		.processes == [] and .orphaned == true'
	echo "$output" | jq -e '.sharedmemory[0].processes[0].pid | type == "number"'
}

@test "JSON has orphaned with --processes or --orphaned only" {
	ipctool mkq --key 0x65 >/dev/null
	run_tool list --json --sysv --queues
	assert_success
	echo "$output" | jq -e '.messages[0] | has("orphaned") or has("processes") | not'
	run_tool list --json --sysv --queues --orphaned
	assert_success
	assert_equal "$(echo "$output" | jq -c '.messages')" "[]"
	ipctool send 0x65 x
	run_tool list --json --sysv --queues --orphaned
	assert_success
	echo "$output" | jq -e '.messages[0].orphaned == true and (has("processes") | not)'
}

@test "--output PROCESSES and ORPHANED work without --processes" {
	ipctool mkshm --key 0x66 --size 4096 >/dev/null
	attach 0x66
	run_tool list --shm -o KEY,PROCESSES,ORPHANED --noheadings
	assert_success
	assert_output --regexp "^0x00000066 +$BG_PID:python3 +no$"
}

# ---- --orphaned -------------------------------------------------------------

@test "--orphaned: a segment is orphaned when nobody attaches it and its creator and last attacher are dead" {
	ipctool mkshm --key 0x71 --size 4096 >/dev/null          # creator (ipctool) dead
	ipctool mkshm --key 0x72 --size 4096 >/dev/null
	attach 0x72                                               # attached
	ipctool mkshm --key 0x73 --size 4096 >/dev/null
	bg_start "$PY" -c 'import signal, sysv_ipc
m = sysv_ipc.SharedMemory(0x73)
m.detach()
print("detached", flush=True)
signal.pause()' >"$BATS_TEST_TMPDIR/det.out"                # last attacher alive, detached
	wait_for "grep -q detached '$BATS_TEST_TMPDIR/det.out'"
	run_tool list --orphaned --shm --sysv -o KEY --noheadings
	assert_success
	assert_output "0x00000071"
}

@test "--orphaned: a queue or set nobody ever used is not orphaned; one whose recorded pids are dead is" {
	ipctool mkq --key 0x74 >/dev/null                         # never used
	ipctool mkq --key 0x75 >/dev/null; ipctool send 0x75 x    # dead sender
	ipctool mkq --key 0x76 >/dev/null; sysv_act queue 0x76    # live sender
	ipcmk -S 1 >/dev/null                                     # never used
	ipctool mksem --key 0x78 --nsems 2 >/dev/null; ipctool sem-v 0x78   # dead operator
	ipctool mksem --key 0x79 >/dev/null; sysv_act sem 0x79    # live operator
	run_tool list --orphaned --sysv -o KEY --noheadings
	assert_success
	assert_output "0x00000075

0x00000078"
}

@test "--orphaned: a set made by mksem records mksem's pid (its marking semop), so it counts as used" {
	ipctool mksem --key 0x7a >/dev/null
	run_tool list --orphaned --sysv --sems -o KEY --noheadings
	assert_success
	assert_output "0x0000007a"
}

@test "--orphaned: a POSIX object nobody maps or holds open" {
	ipctool mkq /free >/dev/null
	ipctool mkq /held >/dev/null
	ipctool mkshm /mapped --size 4096 >/dev/null
	ipctool mkshm /loose --size 4096 >/dev/null
	ipctool mksem /s >/dev/null
	hold_queue held
	map_shm mapped
	run_tool list --orphaned --posix -o NAME --noheadings
	assert_success
	assert_output "/free

/loose

/s"
}

# ---- --older-than -----------------------------------------------------------

@test "--older-than keeps objects changed at least that long ago, in each unit" {
	ipctool mkshm /old --size 4096 >/dev/null
	ipctool mkshm /new --size 4096 >/dev/null
	ipctool mkq --key 0x81 >/dev/null
	touch -d "@$(( $(date +%s) - 7200 ))" /dev/shm/old
	for age in 7200s 120m 2h 0d; do
		run_tool list --posix --shm --older-than "$age" -o NAME --noheadings
		assert_success
		[ "$age" = 0d ] || assert_output "/old"
	done
	run_tool list --posix --shm --older-than 0d -o NAME --noheadings
	assert_output "/new
/old"
	run_tool list --posix --shm --older-than 121m -o NAME --noheadings
	assert_success
	assert_output ""
	run_tool list --sysv --older-than 0s -o KEY --noheadings
	assert_success
	assert_output "0x00000081"
	run_tool list --sysv --older-than 1d -o KEY --noheadings
	assert_success
	assert_output ""
}

@test "--older-than needs a whole number and a unit: anything else is status 2" {
	for bad in 5 5x -1s +1s 1.5h "" " 5s" 5S s 99999999999999999999s 1000000001s 11575d 16666667m; do
		run_tool list --older-than "$bad"
		assert_error 2 list "invalid --older-than value .*expected a whole number and a unit"
		run_tool rm --all --older-than "$bad"
		assert_error 2 rm "invalid --older-than value"
	done
	run_tool list --older-than 1000000000s
	assert_success
	run_tool list --older-than 11574d
	assert_success
}

@test "--orphaned and --older-than with a TARGET, --limits or --sockets are usage errors" {
	id=$(ipctool mkq)
	run_tool list "$id" --orphaned
	assert_error 2 list "a TARGET is shown in full: it takes no --orphaned"
	run_tool list "$id" --older-than 1s
	assert_error 2 list "takes no --older-than"
	run_tool list --limits --processes
	assert_error 2 list "--processes lists objects; it takes no --sockets, --limits or --summary"
	run_tool list --sockets --orphaned
	assert_error 2 list "--orphaned lists objects"
	run_tool rm "$id" --orphaned
	assert_error 2 rm "--orphaned selects objects for --all"
	run_tool rm "$id" --older-than 1d
	assert_error 2 rm "--older-than selects objects for --all"
	[ "$(count_queues)" -eq 1 ]
}

# ---- rm --all --orphaned ----------------------------------------------------

@test "rm --all --orphaned removes the orphaned System V objects only, and --dry-run shows them first" {
	ipctool mkshm --key 0x91 --size 4096 >/dev/null          # orphaned
	ipctool mkshm --key 0x92 --size 4096 >/dev/null; attach 0x92
	ipctool mkq --key 0x93 >/dev/null                         # never used
	ipctool mkq --key 0x94 >/dev/null; ipctool send 0x94 x    # orphaned
	ipctool mkshm /orphan --size 10 >/dev/null                # POSIX: not without --posix
	run_tool rm --all --orphaned --dry-run
	assert_success
	assert_line --regexp '^would remove shared memory segment id [0-9]+ \(key 0x00000091\)$'
	assert_line --regexp '^would remove message queue id [0-9]+ \(key 0x00000094\)$'
	assert_equal "${#lines[@]}" 2
	[ "$(count_shm)" -eq 2 ]
	[ "$(count_queues)" -eq 2 ]
	run_tool rm --all --orphaned
	assert_success
	assert_output ""
	assert_equal "$stderr" "ipctool: rm: 1 POSIX object also matches; --posix would include it"
	run_tool list --sysv -o KEY --noheadings
	assert_success
	assert_output "0x00000093

0x00000092"
	[ -e /dev/shm/orphan ]
}

@test "rm --all --orphaned --posix removes POSIX orphans and keeps what is held" {
	ipctool mkq /gone >/dev/null
	ipctool mkq /kept >/dev/null
	ipctool mkshm /mapped --size 4096 >/dev/null
	ipctool mkshm --key 0x95 --size 4096 >/dev/null
	hold_queue kept
	map_shm mapped
	run_tool rm --all --orphaned --posix
	assert_success
	[ ! -e "$IPCTOOL_TEST_MQUEUE/gone" ]
	[ -e "$IPCTOOL_TEST_MQUEUE/kept" ]
	[ -e /dev/shm/mapped ]
	[ "$(count_shm)" -eq 1 ]
}

@test "rm --all --older-than removes only the old ones" {
	ipctool mkshm /old --size 10 >/dev/null
	ipctool mkshm /new --size 10 >/dev/null
	touch -d "@$(( $(date +%s) - 90000 ))" /dev/shm/old
	run_tool rm --all --posix --older-than 1d
	assert_success
	[ ! -e /dev/shm/old ]
	[ -e /dev/shm/new ]
}

# The second look, made deterministic: strace stops rm (SIGSTOP injected
# on the exit of its second shmctl, the IPC_RMID of the first segment)
# after the first of two orphaned segments went and before it looks at the
# second again; the test attaches a process to the second, then lets rm go
# on.  rm's first look at both came before (from /proc), so only the
# second look can see the new user.
@test "rm --all --orphaned keeps, and names, a segment that gained a user after it was selected" {
	command -v strace >/dev/null || fail "strace is missing (make deps)"
	ipctool mkshm --key 0xa1 --size 4096 >/dev/null
	second=$(ipctool mkshm --key 0xa2 --size 4096)
	# LeakSanitizer cannot run under ptrace: an ASan build checks leaks
	# everywhere else, not in this run.
	bg_start env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -qq -o /dev/null -e trace=shmctl -e inject=shmctl:signal=SIGSTOP:when=2 \
		ipctool rm --all --orphaned --shm 2>"$BATS_TEST_TMPDIR/rm.err"
	tracer=$BG_PID
	# Stopped under the tracer (state t or T) after the first removal: a
	# tracee also shows t for a moment at each of its system calls, so the
	# first segment being gone is what says the injected stop came.
	wait_for "[ \$(count_shm) -eq 1 ] && child=\$(pgrep -P $tracer) && awk '/^State:/ { exit \$2 != \"t\" && \$2 != \"T\" }' /proc/\$child/status" ||
		fail "rm did not stop after its first removal"
	child=$(pgrep -P "$tracer")
	attach 0xa2
	kill -CONT "$child"
	wait_exit "$tracer"
	run cat "$BATS_TEST_TMPDIR/rm.err"
	assert_equal "$EXIT_RC" 0
	assert_output "ipctool: rm: kept shared memory segment id $second (key 0x000000a2): in use by $BG_PID python3"
	run_tool list --shm -o KEY --noheadings
	assert_output "0x000000a2"
}

# ---- another user -----------------------------------------------------------

@test "as nobody: other users' processes are not read; it says so once; POSIX objects are then not orphaned" {
	need_root
	ipctool mkshm --key 0xb1 --size 4096 >/dev/null
	attach 0xb1                                               # root's process
	# One nobody may read: the kernel's record names root's process as
	# its only attacher, but nobody may not read that process's maps.
	ipctool mkshm --key 0xb2 --size 4096 --mode 0644 >/dev/null
	attach 0xb2
	ipctool mkshm /nobodys --size 10 --mode 0666 >/dev/null
	chown 65534:65534 /dev/shm/nobodys
	run --separate-stderr as_nobody ipctool list --processes --sysv --shm -o KEY,NATTCH,PROCESSES --noheadings
	assert_success
	assert_line --regexp '^0x000000b1 +1 *$'
	assert_line --regexp '^0x000000b2 +1 *$'
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^ipctool: list: [0-9]+ processes could not be read \(another user.s: that needs root\)'
	# The kernel's NATTCH still says it is attached: not orphaned.
	run --separate-stderr as_nobody ipctool list --orphaned --sysv --shm -o KEY --noheadings
	assert_success
	assert_output ""
	run --separate-stderr as_nobody ipctool rm --all --orphaned --posix
	assert_success
	[ -e /dev/shm/nobodys ]
}

@test "as nobody: nobody's own process is shown" {
	need_root
	ipctool mkshm --key 0xb2 --size 4096 --mode 0666 >/dev/null
	bg_start setpriv --reuid=65534 --regid=65534 --clear-groups -- "$PY" -c 'import signal, sysv_ipc
m = sysv_ipc.SharedMemory(0xb2)
signal.pause()'
	wait_for "grep -q /SYSV /proc/$BG_PID/maps"
	run --separate-stderr as_nobody ipctool list 0xb2
	assert_success
	assert_line --regexp "^ *$BG_PID +python3 +nobody +attached$"
}

@test "without an mqueue mount a named POSIX queue is found but never called orphaned" {
	ipctool mkq /nomount >/dev/null
	run --separate-stderr unshare --mount --propagation private sh -c '
		while m=$(awk "/ - mqueue /{print \$5; exit}" /proc/self/mountinfo) && [ -n "$m" ]; do
			umount "$m" || exit 1
		done
		exec ipctool list /nomount'
	assert_success
	assert_line "ORPHANED   no"
	assert_line "Processes: none"
	run_tool list /nomount
	assert_success
	assert_line "ORPHANED   yes"
}
