#!/usr/bin/env bats
# Signals: signal-send, signal-wait (ipctool-signal-send(1), ipctool(1)).

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
}
teardown() { common_teardown; }


# Start `ipctool signal-wait ARGS...` in the background, stdout to out,
# stderr to err; WPID is its pid, set once it has printed it (and so
# blocked its signals).
start_waiter() {
	bg_start ipctool signal-wait "$@" >out 2>err
	WPID=$BG_PID
	wait_for '[ -s err ]'
}

# Wait for the waiter to end; WSTATUS is its exit status.
finish_waiter() {
	WSTATUS=0
	wait "$WPID" || WSTATUS=$?
}

# A process that ignores TERM, in the background; VPID is its pid.
start_stubborn() {
	bg_start bash -c 'trap "" TERM; echo ready > ready; while :; do sleep 0.05; done'
	VPID=$BG_PID
	wait_for '[ -s ready ]'
}

@test "signal-send --list prints number, name and description for every signal" {
	run_tool signal-send --list
	assert_success
	assert_line --regexp '^ 1 SIGHUP +Hangup$'
	assert_line --regexp '^ 9 SIGKILL +Killed$'
	assert_line --regexp '^15 SIGTERM +Terminated$'
	assert_line --regexp '^[0-9]+ SIGRTMIN +Real-time signal 0$'
	assert_line --regexp '^[0-9]+ SIGRTMIN\+1 '
	assert_line --regexp '^[0-9]+ SIGRTMAX-1 '
	assert_line --regexp '^[0-9]+ SIGRTMAX '
	refute_line --regexp '^32 '
	run_tool signal-send --list TERM
	assert_failure 2
}

@test "signal-wait prints its PID first, then who sent the signal" {
	start_waiter USR1 --timeout 20
	run head -n 1 err
	assert_success
	assert_output "$WPID"
	run_tool signal-send USR1 "$WPID"
	assert_success
	assert_output ""
	finish_waiter
	[ "$WSTATUS" -eq 0 ]
	run cat out
	assert_success
	assert_output --regexp "^SIGUSR1 pid=[0-9]+ uid=$(id -u)\$"
}

@test "sigqueue's value and the sender's pid reach signal-wait" {
	start_waiter usr2 --timeout 20
	run bash -c 'echo $$; exec ipctool signal-send USR2 '"$WPID"' --value 42'
	assert_success
	sender=$output
	finish_waiter
	run cat out
	assert_success
	assert_output "SIGUSR2 value=42 pid=$sender uid=$(id -u)"
	start_waiter RTMIN --timeout 20
	ipctool signal-send rtmin "$WPID" -v -7
	finish_waiter
	run cat out
	assert_success
	assert_output --regexp '^SIGRTMIN value=-7 pid='
}

@test "signal names in every form: with or without SIG, any case, RTMIN+N, RTMAX-N, numbers" {
	for form in usr1 USR1 SIGUSR1 sigusr1 SigUsr1 10; do
		start_waiter SIGUSR1 --timeout 20
		run_tool signal-send "$form" "$WPID"
		assert_success
		finish_waiter
		[ "$WSTATUS" -eq 0 ]
		run cat out
		assert_success
		assert_output --regexp '^SIGUSR1 pid='
	done
	rtmin=$(ipctool signal-send --list | awk '$2 == "SIGRTMIN" { print $1 }')
	for pair in "rtmin+3 SIGRTMIN+3" "SIGRTMIN+3 SIGRTMIN+3" "RTMAX-2 SIGRTMAX-2" \
		    "sigrtmax SIGRTMAX" "$rtmin SIGRTMIN" "rtmin+0 SIGRTMIN" "iot SIGABRT" "cld SIGCHLD"; do
		set -- $pair
		start_waiter "$1" --timeout 20
		ipctool signal-send "$1" "$WPID"
		finish_waiter
		run cut -d' ' -f1 out
		assert_success
		assert_output "$2"
	done
}

@test "signal-wait --count N prints N lines; standard signals in turn" {
	start_waiter USR1 USR2 TERM --count 3 --timeout 20
	ipctool signal-send USR1 "$WPID"
	wait_for '[ "$(wc -l < out)" -ge 1 ]'
	ipctool signal-send USR2 "$WPID"
	wait_for '[ "$(wc -l < out)" -ge 2 ]'
	ipctool signal-send TERM "$WPID"
	finish_waiter
	[ "$WSTATUS" -eq 0 ]
	run cut -d' ' -f1 out
	assert_success
	assert_output "$(printf 'SIGUSR1\nSIGUSR2\nSIGTERM')"
}

@test "signal-wait --timeout with no signal exits 3" {
	run timeout 20 ipctool signal-wait USR1 --timeout 0.3
	assert_failure 3
	assert_line --index 0 --regexp '^[0-9]+$'
	assert_line --index 1 "ipctool: signal-wait: no signal arrived before the timeout"
	run timeout 20 ipctool signal-wait USR1 -t 0
	assert_failure 3
}

@test "signal-wait --count N with fewer in time prints those and exits 3" {
	# 5 s: the one signal comes in time however slowly a loaded machine
	# starts signal-send.
	start_waiter USR1 --count 2 --timeout 5
	ipctool signal-send USR1 "$WPID"
	finish_waiter
	[ "$WSTATUS" -eq 3 ]
	run cat out
	assert_success
	assert_output --regexp '^SIGUSR1 pid=[0-9]+ uid=[0-9]+$'
	run tail -n 1 err
	assert_success
	assert_output "ipctool: signal-wait: only 1 of 2 signals arrived before the timeout"
}

@test "signal-wait refuses KILL, STOP, 0 and bad input with status 2" {
	for args in KILL SIGSTOP 9 19 0 "" nosuch "USR1 --count 0" "USR1 --count x" \
		    "USR1 --timeout -1" "USR1 --bogus" "USR1 --nowait"; do
		run_tool signal-wait $args
		assert_error 2 signal-wait ""
	done
	run_tool signal-wait KILL
	assert_error 2 signal-wait "$(re_quote "SIGKILL cannot be caught or blocked")"
}

@test "signal-send refuses PID 0, -1 and negative PIDs, saying why" {
	run_tool signal-send TERM 0
	assert_error 2 signal-send "$(re_quote "PID 0 would signal ipctool's own process group")"
	run_tool signal-send TERM -1
	assert_error 2 signal-send "$(re_quote "PID -1 would signal every process")"
	run_tool signal-send TERM -- -1
	assert_error 2 signal-send "$(re_quote "PID -1 would signal every process")"
	run_tool signal-send TERM -42
	assert_error 2 signal-send "$(re_quote "use --group 42")"
	run_tool signal-send --group TERM 1
	assert_error 2 signal-send "$(re_quote "process group 1 cannot be named")"
}

@test "signal-send -9 and -TERM, kill(1)'s way, say to write the signal without '-'" {
	run_tool signal-send -9 1
	assert_only_error 2 signal-send "invalid signal '-9': write it without '-' \\(9 or its name\\)$"
	# -KILL though -K is --kill-after's letter, -VTALRM though -v is --value's.
	for sig in -TERM -term -SIGUSR1 -RTMIN+1 -KILL -VTALRM; do
		run_tool signal-send "$sig" 1
		assert_only_error 2 signal-send "invalid signal '$(re_quote "$sig")': write it without '-' \\($(re_quote "${sig#-}")\\)$"
	done
	# Not a signal name: popt's word for it stands.
	run_tool signal-send -X 1
	assert_only_error 2 signal-send "unknown option"
}

@test "signal-send's short letters clustered (-gK 5) take their value as popt reads them, kill(1)'s words aside" {
	# -K, the last of the cluster, takes the next word: 5 is no SIGNAL.
	run_tool signal-send -gK 5 TERM 1
	assert_error 2 signal-send "$(re_quote "process group 1 cannot be named")"
	run_tool signal-send -gK5 -9 1
	assert_only_error 2 signal-send "invalid signal '-9': write it without '-'"
}

@test "signal-send usage errors exit 2 and send nothing" {
	# The waiter takes the first USR1 or USR2: the USR2 sent last is the
	# one it reports only if no usage error sent it a USR1 before.
	start_waiter USR1 USR2 --timeout 20
	for args in "" "USR1" "nosuch $WPID" "65 $WPID" "32 $WPID" "RTMIN+99 $WPID" "SIG $WPID" \
		    "-10 $WPID" "USR1 abc" "USR1 2147483648" "USR1 $WPID 1x" "USR1 $WPID --value x" \
		    "USR1 $WPID --value 2147483648" "USR1 $WPID --value 1 --group" \
		    "USR1 $WPID --wait -1" "USR1 $WPID --kill-after x" "USR1 $WPID --bogus" \
		    "--list USR1"; do
		run_tool signal-send $args
		assert_error 2 signal-send ""
	done
	ipctool signal-send USR2 "$WPID"
	finish_waiter
	[ "$WSTATUS" -eq 0 ]
	run cat out
	assert_output --regexp '^SIGUSR2 pid=[0-9]+ uid=[0-9]+$'
}

@test "signal-send tries every target and names each failure" {
	start_waiter USR1 --timeout 20
	run_tool signal-send USR1 2147483647 "$WPID" 2147483646
	assert_failure 1
	assert_stderr_line "ipctool: signal-send: no process 2147483647"
	assert_stderr_line "ipctool: signal-send: no process 2147483646"
	finish_waiter
	[ "$WSTATUS" -eq 0 ]
}

@test "signal 0 checks that each process exists" {
	run_tool signal-send 0 $$
	assert_success
	run_tool signal-send 0 $$ 2147483647
	assert_failure 1
	assert_equal "$stderr" "ipctool: signal-send: no process 2147483647"
}

@test "signal-send without permission fails with status 1" {
	need_root
	start_stubborn
	run as_nobody ipctool signal-send TERM "$VPID"
	assert_failure 1
	assert_output "ipctool: signal-send: cannot signal process $VPID: Operation not permitted"
}

@test "--wait returns once the target exited (a zombie counts as gone)" {
	# The inner sleep's parent becomes a sleep that never reaps it, so it
	# stays a zombie once killed.
	bg_start bash -c 'sleep 60 & echo $! > pid; exec sleep 60'
	wait_for '[ -s pid ]'
	pid=$(cat pid)
	run timeout 20 ipctool signal-send TERM "$pid" --wait 15
	assert_success
	run awk '{ print $3 }' "/proc/$pid/stat"
	assert_success
	assert_output Z
	# A process that simply exits is gone too.  Signalled only once it is
	# sleep: before its exec it is a copy of Bats, whose traps would take
	# the TERM and report this test failed (seen under load).
	bg_start sleep 60
	wait_for "[ \"\$(cat /proc/$BG_PID/comm 2>/dev/null)\" = sleep ]" || fail "sleep did not start"
	run timeout 20 ipctool signal-send TERM "$BG_PID" --wait 15
	assert_success
}

@test "--wait against a process that ignores TERM exits 3 and leaves it alive" {
	start_stubborn
	run timeout 20 ipctool signal-send TERM "$VPID" --wait 0.3
	assert_failure 3
	assert_output "ipctool: signal-send: process $VPID is still alive after 0.3 s"
	run_tool signal-send 0 "$VPID"
	assert_success
}

@test "--kill-after sends SIGKILL to a process that ignores TERM" {
	start_stubborn
	run timeout 20 ipctool signal-send TERM "$VPID" --kill-after 0.3 --wait 15
	assert_success
	assert_output "ipctool: signal-send: process $VPID still alive 0.3 s after the signal; sending SIGKILL"
	st=0
	wait "$VPID" || st=$?
	[ "$st" -eq 137 ]
}

@test "--kill-after alone does not wait for the KILL to land" {
	start_stubborn
	run timeout 20 ipctool signal-send TERM "$VPID" -K 0.2
	assert_success
	st=0
	wait "$VPID" || st=$?
	[ "$st" -eq 137 ]
}

@test "--group signals every process of a group, --wait and --kill-after included" {
	# setsid makes the job a group leader: its pid is the group id.
	bg_start setsid bash -c 'trap "" TERM; sleep 60 & echo ready > ready; wait'
	pgid=$BG_PID
	wait_for '[ -s ready ]'
	run timeout 20 ipctool signal-send --group TERM "$pgid" --wait 0.3
	assert_failure 3
	assert_output "ipctool: signal-send: process group $pgid is still alive after 0.3 s"
	run timeout 20 ipctool signal-send -g TERM "$pgid" --kill-after 0.2 --wait 15
	assert_success
	run_tool signal-send --group 0 2147483647
	assert_failure 1
	assert_equal "$stderr" "ipctool: signal-send: no process group 2147483647"
}

@test "signal-send and signal-wait --help exit 0" {
	run_tool signal-send --help
	assert_success
	assert_output --partial "--kill-after"
	run_tool signal-wait --help
	assert_success
	assert_output --partial "--count"
}
