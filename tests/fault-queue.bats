#!/usr/bin/env bats
# Faults under load (ipctool-recv(1) "Nothing is lost"): 4 senders and 4 receivers
# on one queue, System V and POSIX, while the receivers are stopped and
# continued (SIGSTOP/SIGCONT), terminated (SIGTERM) or write to /dev/full.
# Every message carries a unique sequence number; at the end what the
# receivers wrote plus what is left on the queue must be exactly the set
# sent: none lost, none doubled, nothing else.
#
# SIGKILL is not used: a killed receiver loses what it took and had not
# written (at most its batch), which the manual allows.
#
# The traffic is fed in rounds through FIFOs the test holds open, so every
# fault meets messages in flight whatever the machine's speed, and no
# sleep decides a verdict: each step waits for a condition with a deadline.
# Then SIGTERM while recv waits to write to a full pipe, and faults
# injected (strace) on the dead-letter, fork and stalled-reader paths.

load helpers

bats_require_minimum_version 1.5.0

# A safety net only: each test takes a few seconds; a hang fails, not blocks CI.
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-50}

SENDERS=4
# Messages per sender per round, and rounds: with round 0 (2 each) and the
# last (one more round), 4 * (2 + 7 * 800) = 22408 messages per queue.
PER_ROUND=${FAULT_PER_ROUND:-800}
ROUNDS=${FAULT_ROUNDS:-6}

setup() {
	D=$BATS_TEST_TMPDIR
	FED=0
}

teardown() {
	close_senders
	[ -z "${STOPPED_PID:-}" ] || kill -CONT "$STOPPED_PID" 2>/dev/null || true
	common_teardown
}

# ---- helpers ----------------------------------------------------------------

proc_state() { awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null; }

# Bytes (POSIX) or messages (System V) on queue $Q.
queue_depth() {
	if [ "${Q#/}" != "$Q" ]; then
		sed -n 's/^QSIZE:\([0-9]*\).*/\1/p' "$IPCTOOL_TEST_MQUEUE/${Q#/}"
	else
		awk -v id="$Q" '$2 == id { print $5 }' /proc/sysvipc/msg
	fi
}
queue_empty() { [ "$(queue_depth)" = 0 ]; }

# Start a background job that does not hold the senders' FIFOs open (or
# the senders would never see end of input).
bg_job() {
	bg_start "$@" 5>&- 6>&- 7>&- 8>&-
}

# Four `send --lines` processes, each reading a FIFO on fd 5-8 of the test.
start_senders() {
	local s
	for ((s = 0; s < SENDERS; s++)); do
		mkfifo "$D/in.$s"
		# The FIFO is opened in the child: opening it here would block.
		bg_job bash -c 'exec ipctool send "$1" --lines <"$2" 2>"$3"' _ "$Q" "$D/in.$s" "$D/send.$s.err"
		SENDER_PIDS+=("$!")
	done
	exec 5>"$D/in.0" 6>"$D/in.1" 7>"$D/in.2" 8>"$D/in.3"
}

close_senders() { exec 5>&- 6>&- 7>&- 8>&-; }

# feed N: N more messages to every sender, numbered on from the last.
feed() {
	local s fd
	for ((s = 0; s < SENDERS; s++)); do
		fd=$((5 + s))
		seq $((FED + 1)) $((FED + $1)) >&"$fd"
		FED=$((FED + $1))
	done
}

# The /dev/full receiver: one `recv --follow` after another until told to
# stop; each takes what it can, fails to write it and must put it all back.
# Its short --timeout only ends a run on an idle queue.
start_full_receiver() {
	bg_job bash -c 'while [ ! -e "$1/full.stop" ]; do
			ipctool recv "$2" --follow --timeout 0.2 >/dev/full 2>>"$1/full.err"
			echo $? >>"$1/full.status"
		done' _ "$D" "$Q"
	FULL_PID=$!
}
full_failures() { if [ -f "$D/full.status" ]; then grep -cx 1 "$D/full.status" || true; else echo 0; fi; }

stop_receiver() {
	kill -STOP "$1"
	STOPPED_PID=$1
	wait_for "[ \"\$(proc_state $1)\" = T ]"
}
continue_receiver() {
	kill -CONT "$1"
	STOPPED_PID=
	wait_for "[ \"\$(proc_state $1)\" != T ]"
}

# A receiver that is sent SIGTERM once it wrote something (or once the
# queue is empty, if others took everything): it must die of the signal
# and put back what it took and did not write.  It is started before the
# round's messages are fed, so it meets them in flight.
start_term_victim() {
	bg_job ipctool recv "$Q" --follow >"$D/out.term.$1" 2>"$D/term.$1.err"
	VICTIM=$!
}
term_victim() {
	local out=$D/out.term.$1
	wait_for "[ -s '$out' ] || queue_empty"
	kill -TERM "$VICTIM"
	wait_exit "$VICTIM"
	assert_equal "$EXIT_RC" 143
	[ -s "$out" ] && TERM_WITH_OUTPUT=$((TERM_WITH_OUTPUT + 1))
	return 0
}

# Every line of FILE..., a last line without its newline (a torn record)
# included, as a line of its own.
all_lines() {
	local f
	for f in "$@"; do
		awk 1 "$f"
	done
}
# How many of FILE... end in the middle of a line.
torn_files() {
	local f n=0
	for f in "$@"; do
		[ ! -s "$f" ] || [ -z "$(tail -c 1 "$f")" ] || n=$((n + 1))
	done
	echo "$n"
}

# What came out (every receiver's file and what is left on the queue)
# against what went in: counts of lost, doubled and foreign lines.
check_accounting() {
	run_tool_to "$D/out.rest" recv "$Q" --follow --nowait
	# 0: some were left; 3: the queue was empty.
	[ "$status" -eq 0 ] || assert_equal "$status" 3
	seq 1 "$FED" | sort >"$D/sent"
	all_lines "$D"/out.* | sort >"$D/got"
	local lost doubled foreign torn
	lost=$(comm -23 "$D/sent" <(sort -u "$D/got") | wc -l)
	doubled=$(uniq -d "$D/got" | wc -l)
	foreign=$(comm -13 "$D/sent" <(sort -u "$D/got") | wc -l)
	torn=$(torn_files "$D"/out.*)
	echo "# sent $FED, received $(wc -l <"$D/got") ($(wc -l <"$D/out.rest") left on the queue):" \
		"lost $lost, doubled $doubled, foreign $foreign, torn $torn; /dev/full runs that put back:" \
		"$(full_failures); TERM victims holding output: ${TERM_WITH_OUTPUT:-0}" >&3
	assert_equal "lost=$lost doubled=$doubled foreign=$foreign torn=$torn" \
		"lost=0 doubled=0 foreign=0 torn=0"
	assert_equal "$(wc -l <"$D/got")" "$FED"
}

# Every /dev/full run ended with status 1 and said how many it put back,
# or found the queue idle (3).
check_full_receiver() {
	local line
	run grep -cvx '[13]' "$D/full.status"
	assert_equal "$output" 0
	while IFS= read -r line; do
		assert_regex "$line" '^ipctool: recv: cannot write to standard output: No space left on device; [0-9]+ message\(s\) put back on |^ipctool: recv: no message on '
	done <"$D/full.err"
}

# The whole stress on queue $Q.
stress() {
	SENDER_PIDS=()
	TERM_WITH_OUTPUT=0
	start_senders

	# Round 0: the /dev/full receiver alone with a few messages (fewer than
	# any queue holds, so its put-backs never wait for room): it must put
	# them back again and again.
	start_full_receiver
	feed 2
	wait_for '[ "$(full_failures)" -ge 2 ]'

	# The plain receiver, and the one that is stopped and continued.
	bg_job ipctool recv "$Q" --follow >"$D/out.plain" 2>"$D/plain.err"
	local plain=$!
	bg_job ipctool recv "$Q" --follow >"$D/out.stopped" 2>"$D/stopped.err"
	local stopped=$!

	local r
	for ((r = 1; r <= ROUNDS; r++)); do
		start_term_victim "$r"
		feed "$PER_ROUND"
		# Stopped while messages flow, so it is likely to hold some.
		stop_receiver "$stopped"
		term_victim "$r"
		continue_receiver "$stopped"
	done

	# Last: SIGTERM while stopped, then SIGCONT; it dies of the TERM.
	feed "$PER_ROUND"
	stop_receiver "$stopped"
	kill -TERM "$stopped"
	continue_receiver "$stopped" || true   # it may be gone already
	wait_exit "$stopped"
	assert_equal "$EXIT_RC" 143

	close_senders
	local pid
	for pid in "${SENDER_PIDS[@]}"; do
		wait_exit "$pid"
		assert_equal "$EXIT_RC" 0
	done
	# The plain receiver drains the rest; then nobody holds anything.
	wait_for queue_empty
	touch "$D/full.stop"
	wait_exit "$FULL_PID"
	kill -TERM "$plain"
	wait_exit "$plain"
	assert_equal "$EXIT_RC" 143

	check_full_receiver
	check_accounting
}

# ---- tests --------------------------------------------------------------------

@test "4x4 stress on a System V queue: STOP/CONT, TERM and /dev/full lose and double nothing" {
	Q=$(ipctool mkq)
	stress
}

@test "4x4 stress on a POSIX queue: STOP/CONT, TERM and /dev/full lose and double nothing" {
	Q=/fault
	run_tool mkq "$Q"
	assert_equal "$status" 0
	stress
}

# SIGTERM while recv waits to write to a full pipe.  recv writes only
# whole records the pipe can take whole, so it puts back every record it
# had not written, and none is both in the pipe in part and put back
# (ipctool-recv(1): "in the output whole or on the queue whole").  One attempt, in directory $D:
# whether a record is cut depends on where the pipe's last page ends, so
# the test makes several.
pipe_term_attempt() {
	mkdir -p "$D"
	Q=$(ipctool mkq)
	mkfifo "$D/pipe"
	# The reader stops at once, so the pipe (64 KiB) fills.
	bg_start bash -c 'exec cat <"$1" >"$2"' _ "$D/pipe" "$D/out.pipe"
	local reader=$!
	bg_start bash -c 'exec ipctool recv "$1" --follow >"$2" 2>"$3"' _ "$Q" "$D/pipe" "$D/recv.err"
	local victim=$!
	# Both ends open (a FIFO's open waits for the other end) before the
	# reader stops, and the reader stops before anything is sent.
	wait_for "[ \"\$(readlink /proc/$reader/fd/0)\" = '$D/pipe' ] && [ \"\$(readlink /proc/$victim/fd/1)\" = '$D/pipe' ]"
	stop_receiver "$reader"
	# 36 records of 2000 bytes: more than the pipe holds (64 KiB, about
	# 32), and what it cannot hold fits on the queue (16 KiB, 8) even when
	# all of it is put back, so the put-back never waits for room.
	for ((i = 1; i <= 36; i++)); do printf '%05d%01995d\n' "$i" 0; done >"$D/sent.raw"
	run_tool_to /dev/null send "$Q" --lines <"$D/sent.raw"
	assert_equal "$status" 0
	# Blocked in write(2) (syscall 1 on x86_64; others: the state alone).
	wait_for "[ \"\$(proc_state $victim)\" = S ] && { [ \"\$(uname -m)\" != x86_64 ] || [ \"\$(cut -d' ' -f1 /proc/$victim/syscall)\" = 1 ]; }"
	kill -TERM "$victim"
	# recv finishes the record it started once the reader reads again.
	continue_receiver "$reader"
	wait_exit "$victim"
	assert_equal "$EXIT_RC" 143
	wait_exit "$reader"
	assert_equal "$EXIT_RC" 0
	# What recv put back; nothing at all (status 3) when it delivered all.
	run_tool_to "$D/out.rest" recv "$Q" --follow --nowait
	[ "$status" -eq 0 ] || { assert_equal "$status" 3; assert_equal "$(wc -c <"$D/out.rest")" 0; }
	sort "$D/sent.raw" >"$D/sent"
	all_lines "$D/out.pipe" "$D/out.rest" | sort >"$D/got"
	local torn foreign doubled lost
	torn=$(torn_files "$D/out.pipe")
	foreign=$(comm -13 "$D/sent" <(sort -u "$D/got") | wc -l)
	doubled=$(uniq -d "$D/got" | wc -l)
	lost=$(comm -23 "$D/sent" <(sort -u "$D/got") | wc -l)
	echo "# pipe reader got $(wc -c <"$D/out.pipe") bytes; $(wc -l <"$D/out.rest") records left on the queue;" \
		"lost $lost, doubled $doubled, foreign $foreign, torn $torn" >&3
	assert_equal "lost=$lost doubled=$doubled foreign=$foreign torn=$torn" \
		"lost=0 doubled=0 foreign=0 torn=0"
	ipctool rm "$Q"
}

@test "SIGTERM while recv is blocked on a full pipe: no record is both written in part and put back" {
	local top=$D attempt
	for attempt in 1 2 3 4 5; do
		D=$top/$attempt
		pipe_term_attempt
		bg_cleanup
	done
}

# ---- fault injection on the dead-letter, fork and stalled-reader paths -------
# strace makes the fault a real system would make rarely: a fork refused,
# a dead-letter send refused, a pipe that cannot say how full it is.
# ASan's leak check does not run under ptrace.

@test "fault: the third fork of recv --exec --dead-letter fails (EAGAIN): that message goes back, none is dead-lettered" {
	Q=$(ipctool mkq)
	local d
	d=$(ipctool mkq)
	seq 1 5 | ipctool send "$Q" --lines
	run --separate-stderr traced -e trace=vfork -e inject=vfork:error=EAGAIN:when=3 \
		ipctool recv "$Q" --count 5 --dead-letter "$d" --exec -- sh -c 'cat >>"$0"; echo >>"$0"' "$D/done"
	assert_equal "$status" 1
	assert_equal "$stderr" "ipctool: recv: message 3 (type 1, 1 bytes): cannot start sh: Resource temporarily unavailable (the limit on processes was reached); it was put back on message queue id $Q"
	assert_equal "$(qnum "$d")" 0
	assert_equal "$(cat "$D/done")" "$(printf '1\n2')"
	assert_equal "$(ipctool recv "$Q" --peek --count 0 | tr '\n' ' ')" "4 5 3 "
}

@test "fault: the dead-letter send fails (ENOMEM): the message goes back on its own queue, status 1" {
	Q=$(ipctool mkq)
	local d
	d=$(ipctool mkq)
	seq 1 3 | ipctool send "$Q" --lines
	run --separate-stderr traced -e trace=msgsnd -e inject=msgsnd:error=ENOMEM:when=1 \
		ipctool recv "$Q" --count 3 --dead-letter "$d" --exec -- sh -c '[ "$(cat)" != 2 ]'
	assert_equal "$status" 1
	assert_equal "$stderr" "ipctool: recv: cannot send a dead letter to message queue id $d: Cannot allocate memory"
	assert_equal "$(qnum "$d")" 0
	# 3 was never taken: the run stopped at the failure.
	assert_equal "$(ipctool recv "$Q" --peek --count 0 | tr '\n' ' ')" "3 2 "
}

@test "fault: a pipe that cannot say how full it is (FIONREAD fails), a stopped reader and SIGTERM: no record torn" {
	set_sysctl kernel/msgmnb 200000
	Q=$(ipctool mkq)
	for i in $(seq 100); do printf '%04d%0996d\n' "$i" 0; done >"$D/in"
	ipctool send "$Q" --lines <"$D/in"
	mkfifo "$D/fifo"
	start_stopped_reader "$D/fifo" "$D/out"
	bg_start bash -c 'exec strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=EIO \
		ipctool recv "$1" --count 100 --batch 100 >"$2" 2>"$3"' _ "$Q" "$D/fifo" "$D/err"
	local tracer=$BG_PID victim=
	wait_for "victim=\$(cat /proc/$tracer/task/$tracer/children 2>/dev/null) && [ -n \"\$victim\" ] && in_kernel_wait \$victim 'pipe_write|poll'"
	# The reader reads only once recv has gone, as one that waits for it.
	kill -TERM "$victim"
	wait_exit "$tracer"
	assert_equal "$EXIT_RC" 143
	kill -CONT "$READER"
	wait_exit "$READER"
	assert_equal "$(cat "$D/err")" ""
	run grep -cvx '[0-9]\{1000\}' "$D/out"
	assert_output 0
	assert_equal $(($(wc -l <"$D/out") + $(qnum "$Q"))) 100
}
