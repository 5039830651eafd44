#!/usr/bin/env bats
# recv, recv --exec and the commands that run a COMMAND, against what a
# hostile or unlucky environment does to them (each a way ipctool was once broken):
# signal dispositions inherited through exec, full dead-letter and source
# queues, readers that stop reading, and too few processes to fork.
# Every wait here is a condition with a deadline; nothing sleeps to decide.

load helpers

bats_require_minimum_version 1.5.0

# A safety net: a hang fails the test instead of blocking the suite.
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	bg_cleanup
	cd /
	[ -z "${PUBDIR:-}" ] || rm -rf "$PUBDIR"
	common_teardown
}

# ignoring CMD...: run CMD as a daemon or CI runner can leave a program:
# SIGCHLD and SIGPIPE ignored, inherited through exec.
ignoring() {
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

# ---- inherited signal dispositions ------------------------------------------

@test "SIGCHLD ignored by the parent: pipe-run still reports each stage's status" {
	run ignoring ipctool pipe-run -- sh -c 'exit 4'
	assert_equal "$status" 4
	run ignoring ipctool pipe-run --pipefail -- sh -c 'exit 5' '|' cat
	assert_equal "$status" 5
	run --separate-stderr ignoring ipctool pipe-run --status -- sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	assert_equal "$stderr" "ipctool: pipe-run: stage 1 (sh): killed by SIGTERM"
	# The stages themselves start with SIGPIPE at its default: yes dies of it.
	run ignoring ipctool pipe-run --pipefail -- yes '|' head -n 1
	assert_equal "$status" 141
	assert_equal "$output" y
}

@test "SIGCHLD ignored by the parent: recv --exec sees COMMAND fail and puts the message back" {
	local q
	q=$(ipctool mkq)
	ipctool send "$q" --type 3 job
	run --separate-stderr ignoring ipctool recv "$q" --exec -- sh -c 'exit 4'
	assert_equal "$status" 1
	assert_regex "$stderr" '^ipctool: recv: message 1 \(type 3, 3 bytes\): sh exited with status 4; put back on '
	assert_equal "$(qnum "$q")" 1
	run --separate-stderr ignoring ipctool recv "$q" --exec -- cat
	assert_equal "$status" 0
	assert_equal "$output" job
}

@test "SIGCHLD ignored by the parent: sem-p -- COMMAND exits with COMMAND's status" {
	local s
	s=$(ipctool mksem --value 1)
	run ignoring ipctool sem-p "$s" -- sh -c 'exit 6'
	assert_equal "$status" 6
	assert_equal "$(sem_value "$s")" 1
	run ignoring ipctool mksem /hostile --value 1
	assert_equal "$status" 0
	run --separate-stderr ignoring ipctool sem-p /hostile -- sh -c 'exit 7'
	assert_equal "$status" 7
	assert_equal "$(sem_value /hostile)" 1
	run --separate-stderr ignoring ipctool sem-p /hostile -- sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	assert_equal "$(sem_value /hostile)" 1
}

@test "SIGCHLD ignored by the parent: sock --listen --count 1 -- CMD ends once CMD has, without spinning" {
	bg_start ignoring ipctool sock s --listen --count 1 -- cat >out 2>err
	local listener=$BG_PID
	wait_for '[ -S s ]'
	run_tool sock s --connect hello
	assert_equal "$status" 0
	assert_equal "$output" hello
	wait_exit "$listener"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat err)" ""
}

# ---- resource exhaustion ------------------------------------------------------

@test "recv --exec --jobs 1024 under an nproc limit: a fork that fails dead-letters nothing, puts back, exits 1" {
	need_root
	local q d
	# Uid 65534's queues: root would not be held by RLIMIT_NPROC.
	q=$(as_nobody ipctool mkq)
	d=$(as_nobody ipctool mkq)
	seq 1 300 | ipctool send "$q" --lines
	# Each COMMAND notes its message, then waits for the test's lock
	# without starting a process of its own (flock on a descriptor).
	public_dir
	cd "$PUBDIR"
	touch lock done
	chmod 666 lock done
	exec 8>lock
	flock -x 8
	# setpriv and prlimit exec: $BG_PID is recv itself.  It must not
	# inherit fd 8, whose open file holds the lock.
	bg_start setpriv --reuid=65534 --regid=65534 --clear-groups -- prlimit --nproc=12 ipctool recv "$q" --count 300 --jobs 1024 --dead-letter "$d" \
		--exec -- sh -c 'read -r m; echo "$m" >>"$0"; exec flock -s 9 9<"$1"' "$PWD/done" "$PWD/lock" 2>err 8>&-
	local pid=$BG_PID
	wait_for '[ -s err ]'
	exec 8>&-
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 1
	assert_equal "$(wc -l <err)" 1
	assert_regex "$(cat err)" "^ipctool: recv: message [0-9]+ \(type 1, [0-9]+ bytes\): cannot start sh: Resource temporarily unavailable \(the limit on processes was reached\); it was put back on message queue id $q\$"
	# Nothing went to the dead-letter queue; every message ran once or is back.
	assert_equal "$(qnum "$d")" 0
	local ran
	ran=$(wc -l <done)
	assert_between 0 11 "$ran"
	assert_equal $((ran + $(qnum "$q"))) 300
	run bash -c "{ cat done; ipctool recv $q --count 0 --peek; } | sort -n"
	assert_equal "$output" "$(seq 1 300)"
}

# ---- full dead-letter and source queues ---------------------------------------

# dead_letter_setup KIND: queue $Q with messages 1..5 and a dead-letter
# queue $D that is full, System V or POSIX; $WCHAN is where a sender
# waits for room on D.
dead_letter_setup() {
	if [ "$1" = posix ]; then
		Q=/jobs D=/dead WCHAN=$WCHAN_MQ
		ipctool mkq "$Q" >/dev/null
		ipctool mkq "$D" --max-messages 1 --message-size 16 >/dev/null
	else
		Q=$(ipctool mkq) D=$(ipctool mkq --max-bytes 8) WCHAN=$WCHAN_MSGSND
	fi
	ipctool send "$D" 12345678
	seq 5 | ipctool send "$Q" --lines
}
# Messages on queue $1, one a line, without taking them.
on_queue() {
	if [ "${1#/}" != "$1" ]; then
		# POSIX queues cannot be peeked at: take them all, then put them back.
		local all
		all=$(ipctool recv "$1" --follow --nowait --json 2>/dev/null || true)
		[ -z "$all" ] || printf '%s\n' "$all" | ipctool send "$1" --json
		printf '%s\n' "$all" | sed -n 's/.*"data":"\(.*\)"}$/\1/p'
	else
		ipctool recv "$1" --peek --count 0 2>/dev/null || true
	fi
}
# How an error names queue $1.
qdesc() { case $1 in /*) echo "$1" ;; *) echo "id $1" ;; esac; }
FAIL_ON_3='m=$(cat); [ "$m" != 3 ]'

dead_letter_term() {
	dead_letter_setup "$1"
	bg_start ipctool recv "$Q" --exec --dead-letter "$D" --count 5 -- sh -c "$FAIL_ON_3" 2>err
	local pid=$BG_PID
	wait_blocked "$pid" "$WCHAN"
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(cat err)" ""
	# 1 and 2 were handled; 3 is back behind 4 and 5, which were never taken.
	assert_equal "$(on_queue "$Q" | tr '\n' ' ')" "4 5 3 "
	assert_equal "$(on_queue "$D")" 12345678
}

@test "recv --exec --dead-letter to a full System V queue: SIGTERM ends the wait, the message back on its own queue" {
	dead_letter_term sysv
}

@test "recv --exec --dead-letter to a full POSIX queue: SIGTERM ends the wait, the message back on its own queue" {
	dead_letter_term posix
}

dead_letter_timeout() {
	dead_letter_setup "$1"
	local t0
	t0=$(now_ms)
	run_tool recv "$Q" --exec --dead-letter "$D" --count 5 --timeout 1 -- sh -c "$FAIL_ON_3"
	assert_elapsed 1000 "$t0"
	assert_error 1 recv "message 3 \(\w+ [01], 1 bytes\): sh exited with status 1; message queue $(re_quote "$(qdesc "$D")")\
 stayed full until the timeout, so it was put back on message queue $(re_quote "$(qdesc "$Q")")\$"
	assert_equal "$(on_queue "$Q" | tr '\n' ' ')" "4 5 3 "
	assert_equal "$(on_queue "$D")" 12345678
}

@test "recv --exec --dead-letter to a full System V queue: --timeout bounds the wait; status 1 names both queues" {
	dead_letter_timeout sysv
}

@test "recv --exec --dead-letter to a full POSIX queue: --timeout bounds the wait; status 1 names both queues" {
	dead_letter_timeout posix
}

@test "recv --exec: dead-letter and source queue both full at SIGTERM: the message is named with its first bytes, status 143" {
	dead_letter_setup sysv
	# Room for 8 bytes: 1 to 5 fill 5 of them.
	Q2=$(ipctool mkq --max-bytes 8)
	ipctool recv "$Q" --count 5 --nowait | ipctool send "$Q2" --lines
	bg_start ipctool recv "$Q2" --exec --dead-letter "$D" --count 5 -- sh -c "$FAIL_ON_3" 2>err
	local pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MSGSND"
	# Someone fills the source queue meanwhile: 4, 5 and 6 bytes more.
	ipctool send "$Q2" --nowait 123456
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(cat err)" "ipctool: recv: message 3 (type 1, 1 bytes, beginning \"3\") is lost: message queue id $Q2 had no room for it within 500 ms of SIGTERM"
	assert_equal "$(on_queue "$Q2" | tr '\n' ' ')" "4 5 123456 "
}

# ---- stalled readers ------------------------------------------------------------

# stalled_reader KIND: recv --count 1000 of 1001-byte records into a pipe
# (or a Unix stream socket) whose reader waits for recv to exit before it
# reads, as subprocess users do; SIGTERM once recv waits for room.  The
# reader prints recv's status, the records it got whole, and the bytes of
# a last, torn one.
stalled_reader() {
	python3 - "$1" "$Q" <<'PY'
import os, socket, subprocess, sys, time
kind, q = sys.argv[1], sys.argv[2]
if kind == "socket":
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    p = subprocess.Popen(["ipctool", "recv", q, "--count", "1000"], stdout=theirs.fileno())
    theirs.close()
    reader = ours.makefile("rb")
else:
    p = subprocess.Popen(["ipctool", "recv", q, "--count", "1000"], stdout=subprocess.PIPE)
    reader = p.stdout
deadline = time.monotonic() + 10
def waiting():
    try:
        with open("/proc/%d/wchan" % p.pid) as f:
            w = f.read()
        with open("/proc/%d/stat" % p.pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state == "S" and any(k in w for k in ("pipe_write", "poll", "sock_alloc_send", "wait_for_space", "unix_stream"))
while not waiting() and time.monotonic() < deadline:
    time.sleep(0.05)
p.terminate()
try:
    status = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    status = "hung"
out = reader.read()
print(status, out.count(b"\n"), len(out.rsplit(b"\n", 1)[-1]))
PY
}

stalled_reader_term() {
	set_sysctl kernel/msgmnb 2000000
	Q=$(ipctool mkq)
	local i
	for ((i = 1; i <= 1000; i++)); do printf '%04d%0996d\n' "$i" 0; done >in
	ipctool send "$Q" --lines <in
	run stalled_reader "$1"
	assert_equal "$status" 0
	local got whole torn
	read -r got whole torn <<<"$output"
	assert_equal "$got $torn" "-15 0"
	assert_between 1 999 "$whole"
	# Every record once: the whole ones written, the rest back on the queue.
	assert_equal $((whole + $(qnum "$Q"))) 1000
}

@test "SIGTERM with a stalled pipe reader: recv exits at once, no record torn, the rest back on the queue" {
	stalled_reader_term pipe
}

@test "SIGTERM with a stalled socket reader: recv exits at once, no record torn, the rest back on the queue" {
	stalled_reader_term socket
}

@test "SIGTERM with a stalled reader and the source queue full: each message that cannot go back is named, status 143" {
	Q=$(ipctool mkq)
	local i
	for ((i = 1; i <= 16; i++)); do printf '%04d%0996d\n' "$i" 0; done | ipctool send "$Q" --lines
	mkfifo fifo
	start_stopped_reader fifo out
	# The pipe is full before recv starts: nothing it takes fits.
	head -c 65536 /dev/zero >fifo
	bg_start ipctool recv "$Q" --count 16 --batch 16 >fifo 2>err
	local pid=$BG_PID
	wait_for "[ \"\$(qnum $Q)\" = 0 ] && in_kernel_wait $pid 'pipe_write|poll'"
	# Another sender fills the queue meanwhile.
	head -c 8192 /dev/zero | ipctool send "$Q"
	head -c 8192 /dev/zero | ipctool send "$Q"
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(wc -l <err)" 16
	assert_equal "$(head -n 1 err)" "ipctool: recv: message 1 (type 1, 1000 bytes, beginning \"0001000000000000000000000000000000000000\"...) is lost: message queue id $Q had no room for it within 500 ms of SIGTERM"
	kill -CONT "$READER"
	wait_exit "$READER"
	assert_equal "$(wc -c <out)" 65536
}
