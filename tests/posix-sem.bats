#!/usr/bin/env bats
# POSIX named semaphores: mksem, sem-p, sem-v with a /name TARGET (ipctool(1) TARGET
# §3, §6, §12).  A semaphore /NAME lives in the private /dev/shm as
# sem.NAME.

load helpers
bats_require_minimum_version 1.5.0

teardown() { common_teardown; }

sem_mode() { stat -c %a "/dev/shm/sem.$1"; }

# --- mksem -----------------------------------------------------------------

@test "mksem /name prints the name alone and makes sem.NAME in /dev/shm, 0600, value 0" {
	run_tool mksem /s
	assert_success
	assert_output /s
	[ -f /dev/shm/sem.s ]
	[ "$(sem_mode s)" = 600 ]
	[ "$(sem_value /s)" = 0 ]
}

@test "mksem /name --value sets the initial value, beyond the System V limit too" {
	ipctool mksem /s --value 3
	[ "$(sem_value /s)" = 3 ]
	ipctool mksem /big -v 100000
	[ "$(sem_value /big)" = 100000 ]
	run_tool mksem --value 100000
	assert_error 2 mksem "$(re_quote "invalid --value value '100000'")"
	run_tool mksem /x --value 2147483648
	assert_error 2 mksem "$(re_quote "invalid --value value")"
	[ ! -e /dev/shm/sem.x ]
}

@test "mksem /name --mode is exact whatever the umask" {
	umask 077
	ipctool mksem /s --mode 664
	[ "$(sem_mode s)" = 664 ]
}

@test "a later mksem /name --value returns it unchanged and does not reset it" {
	ipctool mksem /s --value 1
	ipctool sem-p /s
	run --separate-stderr ipctool mksem /s --value 5 --mode 666
	assert_success
	assert_output /s
	assert_equal "$stderr" "ipctool: mksem: POSIX semaphore /s exists and was left as it is; not applied: --mode 0666 (it has 0600), --value 5 (its value was set when it was made)"
	[ "$(sem_value /s)" = 0 ]
	[ "$(sem_mode s)" = 600 ]
}

@test "mksem /name --exclusive fails on an existing semaphore" {
	ipctool mksem /s
	run_tool mksem /s --exclusive
	assert_failure 1
	assert_equal "$stderr" "ipctool: mksem: semaphore /s already exists"
	run_tool mksem /t -X
	assert_success
}

@test "racing mksem /name --value 1 leaves the value 1" {
	for i in 1 2 3 4 5 6 7 8; do
		bg_start sh -c "ipctool mksem /race --value 1 >'$BATS_TEST_TMPDIR/out.$i'"
	done
	for pid in "${BG_PIDS[@]}"; do wait "$pid"; done
	BG_PIDS=()
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | sort -u)" = /race ]
	[ "$(sem_value /race)" = 1 ]
}

@test "racing mksem /name --value 1 then sem-p --nowait: exactly one of eight takes it" {
	for i in 1 2 3 4 5 6 7 8; do
		bg_start sh -c "ipctool mksem /race --value 1 >/dev/null && ipctool sem-p /race --nowait 2>/dev/null && echo took >'$BATS_TEST_TMPDIR/took.$i'"
	done
	for pid in "${BG_PIDS[@]}"; do wait "$pid" || true; done
	BG_PIDS=()
	[ "$(cat "$BATS_TEST_TMPDIR"/took.* | wc -l)" -eq 1 ]
	[ "$(sem_value /race)" = 0 ]
}

@test "mksem /name --nsems other than 1 is a usage error that says why" {
	run_tool mksem /s --nsems 2
	assert_error 2 mksem "$(re_quote "--nsems 2: POSIX semaphore /s is a single semaphore")"
	[ ! -e /dev/shm/sem.s ]
	run_tool mksem /s --nsems 1
	assert_success
}

@test "mksem refuses bad names and extra arguments" {
	for name in / /a/b "/$(printf 'x%.0s' {1..256})"; do
		run_tool mksem "$name"
		assert_failure 2
	done
	run_tool mksem /s extra
	assert_failure 2
	[ -z "$(ls /dev/shm)" ]
}

@test "a semaphore name is at most 251 characters, as sem.NAME must fit NAME_MAX" {
	ok=/$(printf 'k%.0s' {1..251})
	run_tool mksem "$ok" --value 1
	assert_success
	assert_output "$ok"
	[ -e "/dev/shm/sem.${ok#/}" ]
	run_tool sem-p "$ok" --nowait
	assert_success
	run_tool sem-v "$ok"
	assert_success
	long=/$(printf 'l%.0s' {1..252})
	for sub in mksem sem-p sem-v; do
		run_tool $sub "$long"
		assert_only_error 2 $sub "invalid semaphore name '/l{63}\\.\\.\\.': longer than 251 characters \\(it has 252; glibc keeps it as the file /dev/shm/sem.NAME\\)$"
	done
	id=$(ipctool mkshm --size 4)
	run_tool shm-read "$id" --lock "/$(printf 'l%.0s' {1..255})"
	assert_only_error 2 shm-read "longer than 251 characters \\(it has 255;"
	run find /dev/shm -name 'sem.l*'
	assert_success
	assert_output ""
}

@test "queue and shared memory names may have 255 characters" {
	name=/$(printf 'n%.0s' {1..255})
	run_tool mkq "$name"
	assert_success
	assert_output "$name"
	run_tool mkshm "$name" --size 4
	assert_success
	assert_output "$name"
}

# --- sem-p / sem-v -------------------------------------------------------------

@test "sem-p /name decrements, sem-v increments, --count K is K steps" {
	ipctool mksem /s --value 2
	run_tool sem-p /s
	assert_success
	assert_output ""
	[ "$(sem_value /s)" = 1 ]
	run_tool sem-v /s --count 5
	assert_success
	[ "$(sem_value /s)" = 6 ]
	ipctool sem-p /s -c 4
	[ "$(sem_value /s)" = 2 ]
	ipctool sem-p /s --num 0
	[ "$(sem_value /s)" = 1 ]
}

@test "sem-p /name --nowait and --timeout 0 exit 3" {
	ipctool mksem /s
	run_tool sem-p /s --nowait
	assert_failure 3
	assert_equal "$stderr" "ipctool: sem-p: semaphore /s could not be taken without waiting"
	run_tool sem-p /s --timeout 0
	assert_failure 3
	[ "$(sem_value /s)" = 0 ]
}

@test "sem-p /name --timeout waits, then exits 3" {
	ipctool mksem /s
	start=$(date +%s%N)
	run_tool sem-p /s --timeout 0.3
	end=$(date +%s%N)
	assert_error 3 sem-p "$(re_quote "could not be taken before the timeout")"
	ms=$(( (end - start) / 1000000 ))
	[ "$ms" -ge 250 ]
	[ "$ms" -lt 10000 ]
}

@test "sem-p /name --count K that cannot all be taken in time gives back what it took" {
	ipctool mksem /s --value 2
	run_tool sem-p /s --count 3 --timeout 0.2
	assert_failure 3
	[ "$(sem_value /s)" = 2 ]
	run_tool sem-p /s --count 3 --nowait
	assert_failure 3
	[ "$(sem_value /s)" = 2 ]
}

@test "a sem-p /name --count K stopped by SIGTERM gives back what it took and dies of it" {
	ipctool mksem /s --value 2
	bg_start ipctool sem-p /s --count 3
	pid=$BG_PID
	wait_sem_value /s 0
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	[ "$(sem_value /s)" = 2 ]
}

@test "a waiting sem-p /name is woken by sem-v" {
	ipctool mksem /s
	bg_start ipctool sem-p /s --timeout 30
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_PSEM"
	ipctool sem-v /s
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	[ "$(sem_value /s)" = 0 ]
}

@test "sem-p and sem-v /name --num other than 0 are usage errors that say why" {
	ipctool mksem /s --value 1
	for sub in sem-p sem-v; do
		run_tool "$sub" /s --num 1
		assert_error 2 "$sub" "$(re_quote "--num 1: POSIX semaphore /s is a single semaphore (only --num 0 names it)")"
	done
	[ "$(sem_value /s)" = 1 ]
}

@test "sem-v /name past SEM_VALUE_MAX fails and changes nothing" {
	ipctool mksem /s --value 2147483647
	run_tool sem-v /s
	assert_failure 1
	assert_equal "$stderr" "ipctool: sem-v: cannot release semaphore /s: its value 2147483647 plus 1 would pass SEM_VALUE_MAX (2147483647)"
	[ "$(sem_value /s)" = 2147483647 ]
	ipctool mksem /t --value 2147483640
	run_tool sem-v /t --count 8
	assert_error 1 sem-v "$(re_quote "SEM_VALUE_MAX")"
	[ "$(sem_value /t)" = 2147483640 ]
	run_tool sem-v /t --count 7
	assert_success
}

@test "a missing /name, or one of another kind, is named in the error" {
	for sub in sem-p sem-v; do
		run_tool "$sub" /nope
		assert_failure 1
		assert_equal "$stderr" "ipctool: $sub: no semaphore /nope"
	done
	ipctool mkshm /seg --size 10
	run_tool sem-p /seg
	assert_failure 1
	assert_equal "$stderr" "ipctool: sem-p: no semaphore /seg (it names a shared memory segment)"
}

@test "bad names are usage errors for sem-p and sem-v" {
	for sub in sem-p sem-v; do
		for name in / /a/b "/$(printf 'x%.0s' {1..256})"; do
			run_tool "$sub" "$name"
			assert_failure 2
		done
	done
}

@test "mksem /name and mkshm /name as an unprivileged user accept a mode that denies the owner" {
	need_root
	chmod 1777 /dev/shm
	run --separate-stderr as_nobody ipctool mksem /z --mode 0 --value 3
	assert_success
	run --separate-stderr as_nobody ipctool mksem /w --mode 200
	assert_success
	run --separate-stderr as_nobody ipctool mkshm /y --mode 0 --size 10
	assert_success
	assert_equal "$(sem_mode z)" 0
	assert_equal "$(sem_value /z)" 3
	assert_equal "$(sem_mode w)" 200
	assert_equal "$(stat -c '%a %s' /dev/shm/y)" "0 10"
}

@test "without permission sem-p and sem-v /name fail 1 naming it" {
	need_root
	ipctool mksem /s --value 1
	run as_nobody ipctool sem-p /s
	assert_failure 1
	assert_output "ipctool: sem-p: cannot open semaphore /s: Permission denied"
	run as_nobody ipctool sem-v /s
	assert_failure 1
	assert_output --partial "Permission denied"
	[ "$(sem_value /s)" = 1 ]
	ipctool mksem /open --value 1 --mode 666
	run --separate-stderr as_nobody ipctool sem-p /open -- true
	assert_success
}

# --- sem-p /name -- COMMAND ----------------------------------------------------

@test "sem-p /name -- COMMAND holds it while the command runs, releases after, and warns" {
	ipctool mksem /s --value 1
	run --separate-stderr ipctool sem-p /s -- od -An -t u4 -N 4 /dev/shm/sem.s
	assert_success
	assert_output --regexp '^ *0$'
	[ "$stderr" = "ipctool: sem-p: warning: semaphore /s has no undo: if ipctool is killed (SIGKILL) while 'od' runs, the semaphore stays taken" ]
	[ "$(sem_value /s)" = 1 ]
}

@test "sem-p /name -- COMMAND exits with the command's status" {
	ipctool mksem /s --value 1
	run_tool sem-p /s -- sh -c 'exit 7'
	assert_failure 7
	[ "$(sem_value /s)" = 1 ]
	run_tool sem-p /s -- sh -c 'kill -TERM $$'
	assert_failure 143
	[ "$(sem_value /s)" = 1 ]
	run -127 --separate-stderr ipctool sem-p /s -- no-such-command-here
	assert_failure 127
	assert_stderr_line "ipctool: sem-p: no-such-command-here: command not found"
	printf 'echo hi\n' >"$BATS_TEST_TMPDIR/noexec"
	run_tool sem-p /s -- "$BATS_TEST_TMPDIR/noexec"
	assert_failure 126
	[ "$(sem_value /s)" = 1 ]
}

@test "sem-p /name -- COMMAND honours --nowait and --timeout before running it" {
	ipctool mksem /s
	run_tool sem-p /s --nowait -- touch "$BATS_TEST_TMPDIR/ran"
	assert_failure 3
	run_tool sem-p /s --timeout 0.2 -- touch "$BATS_TEST_TMPDIR/ran"
	assert_failure 3
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	[ "$(sem_value /s)" = 0 ]
}

@test "sem-p /name -- COMMAND starts it with default signal dispositions and an empty mask" {
	ipctool mksem /s --value 1
	run --separate-stderr with_libc_signals_ignored bash -c "trap '' PIPE INT HUP TERM; exec ipctool sem-p /s -- grep -E '^Sig(Ign|Blk):' /proc/self/status"
	assert_success
	assert_line "SigBlk:	0000000000000000"
	assert_line "SigIgn:	0000000000000000"
}

@test "SIGTERM to sem-p /name -- COMMAND is passed to the command, and the semaphore is given back" {
	ipctool mksem /s --value 1
	bg_start ipctool sem-p /s -- sleep 100 2>/dev/null
	pid=$BG_PID
	wait_sem_value /s 0
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	[ "$(sem_value /s)" = 1 ]
	run pgrep -x -f 'sleep 100'
	assert_failure 1
}

@test "SIGKILL of sem-p /name -- COMMAND leaves the semaphore taken, as the warning says" {
	ipctool mksem /s --value 1
	bg_start ipctool sem-p /s -- sleep 100
	pid=$BG_PID
	wait_sem_value /s 0
	wait_for "child=\$(pgrep -P $pid -x sleep)"
	kill -KILL "$pid"
	wait_exit "$pid"
	# The command ends too, and nobody is left who could give it back.
	kill -TERM "$child"
	wait_for "! [ -e /proc/$child ] || [ \"\$(awk '{ print \$3 }' /proc/$child/stat)\" = Z ]"
	[ "$(sem_value /s)" = 0 ]
}

@test "four jobs incrementing a counter 100 times each under sem-p /name lose nothing" {
	ipctool mksem /s --value 1
	counter=$BATS_TEST_TMPDIR/counter
	echo 0 >"$counter"
	printf 'i=0; while [ $i -lt 100 ]; do ipctool sem-p /s -- sh -c '"'"'read n <"$1"; echo $((n + 1)) >"$1"'"'"' sh "$1" 2>/dev/null || exit 1; i=$((i + 1)); done\n' \
		>"$BATS_TEST_TMPDIR/job"
	for _ in 1 2 3 4; do
		bg_start sh "$BATS_TEST_TMPDIR/job" "$counter"
	done
	for pid in "${BG_PIDS[@]}"; do wait "$pid"; done
	BG_PIDS=()
	[ "$(cat "$counter")" = 400 ]
	[ "$(sem_value /s)" = 1 ]
}

@test "sem-p -- COMMAND sees the same descriptors as from a shell, System V and POSIX" {
	run bash -c 'ls /proc/self/fd'
	assert_success
	expected=$output
	id=$(ipctool mksem --value 1)
	run --separate-stderr ipctool sem-p "$id" -- ls /proc/self/fd
	assert_success
	assert_output "$expected"
	ipctool mksem /s --value 1
	run --separate-stderr ipctool sem-p /s -- ls /proc/self/fd
	assert_success
	assert_output "$expected"
}
