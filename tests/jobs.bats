#!/usr/bin/env bats
# recv --exec as a job runner with GNU parallel's vocabulary: --retries
# (IPCTOOL_ATTEMPT, a doubling --retry-delay), --joblog in parallel's
# format, --halt N after N dead letters, and {} putting the message in
# COMMAND's arguments.  Every check counts the messages left on each
# queue, so none is lost or handled twice.

load helpers

bats_require_minimum_version 1.5.0

teardown() {
	common_teardown
}

# The attempts file: one line "ATTEMPT MESSAGE" per run of COMMAND.
# fail_until N: a COMMAND that fails its first N-1 attempts on a message.
fail_until() {
	FAIL_UNTIL=(sh -c 'printf "%s %s\n" "$IPCTOOL_ATTEMPT" "$(cat)" >>"$0"; [ "$IPCTOOL_ATTEMPT" -ge "$1" ]'
		"$BATS_TEST_TMPDIR/attempts" "$1")
}

@test "recv --exec --retries: a failing COMMAND runs again on the same message, IPCTOOL_ATTEMPT counts the runs" {
	local q
	q=$(ipctool mkq 0x4d2)
	printf 'a\nb\n' | ipctool send 0x4d2 --lines
	fail_until 3
	run_tool recv 0x4d2 --count 2 --exec --retries 2 --retry-delay 0 -- "${FAIL_UNTIL[@]}"
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	assert_equal "$(cat "$BATS_TEST_TMPDIR/attempts")" "$(printf '1 a\n2 a\n3 a\n1 b\n2 b\n3 b')"
	assert_equal "$(qnum "$q")" 0
}

@test "recv --exec --retries: without it a COMMAND runs once, and IPCTOOL_ATTEMPT is 1" {
	ipctool mkq 0x4d2 >/dev/null
	ipctool send 0x4d2 job
	run_tool recv 0x4d2 --exec -- sh -c 'echo "$IPCTOOL_ATTEMPT"'
	assert_equal "$status" 0
	assert_equal "$output" 1
}

@test "recv --exec --retries: once the retries are spent the message is put back and recv fails naming it" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 a
	fail_until 99
	run_tool recv 0x4d2 --exec --retries 2 --retry-delay 0 -- "${FAIL_UNTIL[@]}"
	assert_error 1 recv 'message 1 \(type 1, 1 bytes\): sh exited with status 1; put back on message queue key 0x000004d2$'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/attempts")" "$(printf '1 a\n2 a\n3 a')"
	assert_equal "$(qnum "$q")" 1
}

@test "recv --exec --retries: spent retries go to --dead-letter, and the next message is taken" {
	local q d
	q=$(ipctool mkq 0x4d2)
	d=$(ipctool mkq 0x4d3)
	printf 'bad\ngood\n' | ipctool send 0x4d2 --lines
	run_tool recv 0x4d2 --count 2 --exec --retries 1 --retry-delay 0 --dead-letter 0x4d3 -- \
		sh -c 'printf "%s %s\n" "$IPCTOOL_ATTEMPT" "$(cat)" >>"$0"; [ "$(cat "$0" | tail -n 1 | cut -d" " -f2)" = good ]' "$BATS_TEST_TMPDIR/attempts"
	assert_equal "$status" 0
	assert_regex "$stderr" '^ipctool: recv: message 1 \(type 1, 3 bytes\): sh exited with status 1; sent to message queue key 0x000004d3$'
	assert_equal "$(cat "$BATS_TEST_TMPDIR/attempts")" "$(printf '1 bad\n2 bad\n1 good')"
	assert_equal "$(qnum "$q")" 0
	assert_equal "$(ipctool recv 0x4d3)" bad
}

# strace makes a fork fail, as a full process table would; ASan's leak
# check does not run under ptrace.
@test "recv --exec --retries: a retry that cannot start (fork fails, EAGAIN) puts the message back, never to --dead-letter" {
	local q d
	q=$(ipctool mkq 0x4d2)
	d=$(ipctool mkq 0x4d3)
	ipctool send 0x4d2 a
	fail_until 2
	run --separate-stderr traced -e trace=vfork -e inject=vfork:error=EAGAIN:when=2 \
		ipctool recv 0x4d2 --exec --retries 3 --retry-delay 0 --dead-letter 0x4d3 -- "${FAIL_UNTIL[@]}"
	assert_equal "$status" 1
	assert_equal "$stderr" "ipctool: recv: message 1 (type 1, 1 bytes): cannot start sh: Resource temporarily unavailable (the limit on processes was reached); it was put back on message queue key 0x000004d2"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/attempts")" "1 a"
	assert_equal "$(qnum "$d")" 0
	assert_equal "$(ipctool recv 0x4d2)" a
}

@test "recv --exec --retry-delay: the waits double from SECS, and the other jobs go on meanwhile" {
	local q
	q=$(ipctool mkq 0x4d2)
	printf 'slow\nquick\n' | ipctool send 0x4d2 --lines
	# "slow" fails twice (waits 0.3 s, then 0.6 s); "quick" succeeds at
	# once in the other slot while "slow" waits.
	run_tool recv 0x4d2 --count 2 --jobs 2 --exec --retries 2 --retry-delay 0.3 -- \
		sh -c 'm=$(cat); echo "$m $IPCTOOL_ATTEMPT ${EPOCHREALTIME:-$(date +%s.%N)}" >>"$0"; [ "$m" = quick ] || [ "$IPCTOOL_ATTEMPT" = 3 ]' \
		"$BATS_TEST_TMPDIR/attempts"
	assert_equal "$status" 0
	assert_equal "$(grep -c quick "$BATS_TEST_TMPDIR/attempts")" 1
	run awk '$1 == "slow" { t[$2] = $3 } END { printf "%d %d\n", (t[2] - t[1]) * 1000, (t[3] - t[2]) * 1000 }' \
		"$BATS_TEST_TMPDIR/attempts"
	local first=${output% *} second=${output#* }
	assert_between 300 10300 "$first"
	assert_between 600 10600 "$second"
	run awk '$1 == "slow" && $2 == 2 { s = $3 } $1 == "quick" { q = $3 } END { print (q < s) }' "$BATS_TEST_TMPDIR/attempts"
	assert_equal "$output" 1
	assert_equal "$(qnum "$q")" 0
}

@test "recv --exec --retries: SIGTERM during a retry's wait puts the message back at once and dies of TERM" {
	local q pid t0
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 a
	fail_until 99
	bg_start ipctool recv 0x4d2 --exec --retries 3 --retry-delay 60 -- "${FAIL_UNTIL[@]}"
	pid=$BG_PID
	wait_for '[ -s "$BATS_TEST_TMPDIR/attempts" ]'
	wait_blocked "$pid" 'poll|do_sys_poll|schedule_hrtimeout'
	t0=$(now_ms)
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_between 0 10000 $(($(now_ms) - t0))
	assert_equal "$(qnum "$q")" 1
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/attempts")" 1
}

@test "recv --exec --retries: while one message waits for its retry, a free slot takes and runs new ones" {
	local q pid
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 bad
	bg_start ipctool recv 0x4d2 --count 2 --jobs 2 --exec --retries 1 --retry-delay 60 -- \
		sh -c 'm=$(cat); echo "$m" >>"$0"; [ "$m" = good ]' "$BATS_TEST_TMPDIR/ran"
	pid=$BG_PID
	wait_for '[ -s "$BATS_TEST_TMPDIR/ran" ]'
	ipctool send 0x4d2 good
	# Long before the retry, 60 s away.
	wait_for 'grep -q good "$BATS_TEST_TMPDIR/ran"'
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(cat "$BATS_TEST_TMPDIR/ran")" "$(printf 'bad\ngood')"
	assert_equal "$(ipctool recv 0x4d2 --nowait)" bad
}

@test "recv --exec --retries: works with SIGCHLD and the C library's signals ignored by the parent" {
	local q
	q=$(ipctool mkq 0x4d2)
	printf 'a\nb\nc\n' | ipctool send 0x4d2 --lines
	fail_until 2
	run --separate-stderr with_libc_signals_ignored python3 -c '
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
os.execvp(sys.argv[1], sys.argv[1:])' ipctool recv 0x4d2 --count 3 --jobs 2 --exec --retries 1 --retry-delay 0.05 -- "${FAIL_UNTIL[@]}"
	assert_equal "$status" 0
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/attempts")" 6
	assert_equal "$(qnum "$q")" 0
}

@test "recv --exec --joblog: parallel's header once, then one line per run with its fields, appended across runs" {
	local log=$BATS_TEST_TMPDIR/joblog before after
	ipctool mkq 0x4d2 >/dev/null
	ipctool send 0x4d2 one
	ipctool send 0x4d2 two
	before=$(date +%s)
	run_tool recv 0x4d2 --exec --joblog "$log" --retries 1 --retry-delay 0 -- sh -c '[ "$IPCTOOL_ATTEMPT" = 2 ]' job
	assert_equal "$status" 0
	run_tool recv 0x4d2 --exec --joblog "$log" -- sh -c 'kill -9 $$' job
	assert_equal "$status" 1
	after=$(date +%s)
	assert_equal "$(stat -c %a "$log")" 600
	# Read as parallel's users read it: tab-separated, a header row.
	run python3 - "$log" "$before" "$after" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), delimiter="\t"))
assert rows[0] == ["Seq", "Host", "Starttime", "JobRuntime", "Send", "Receive", "Exitval", "Signal", "Command"], rows[0]
assert len(rows) == 4, rows
for r in rows[1:]:
    assert len(r) == 9, r
    assert r[1] == ":" and r[4] == "0" and r[5] == "0", r
    assert int(sys.argv[2]) <= float(r[2]) <= int(sys.argv[3]) + 1, r
    assert len(r[2].split(".")[1]) == 3 and len(r[3]) >= 10 and 0 <= float(r[3]) < 30, r
    assert r[8] == "sh -c " + ("[ \"$IPCTOOL_ATTEMPT\" = 2 ]" if r is not rows[3] else "kill -9 $$") + " job", r
print(" ".join(r[0] + ":" + r[6] + ":" + r[7] for r in rows[1:]))
PY
	assert_equal "$status" 0
	assert_equal "$output" "1:1:0 1:0:0 1:0:9"
}

@test "recv --exec --joblog: a COMMAND not found is logged with 127, and {} shows the message in Command" {
	local log=$BATS_TEST_TMPDIR/joblog
	ipctool mkq 0x4d2 >/dev/null
	ipctool mkq 0x4d3 >/dev/null
	ipctool send 0x4d2 'a b'
	ipctool send 0x4d2 'x'
	run_tool recv 0x4d2 --count 2 --exec --joblog "$log" --dead-letter 0x4d3 -- ipctool-no-such-command --item={}
	assert_equal "$status" 0
	run cut -f 1,7,8,9 "$log"
	assert_equal "$output" "$(printf 'Seq\tExitval\tSignal\tCommand\n1\t127\t0\tipctool-no-such-command --item=a b\n2\t127\t0\tipctool-no-such-command --item=x')"
	assert_equal "$(ipctool recv 0x4d3 --count 2)" "$(printf 'a b\nx')"
}

@test "recv --exec --joblog: lines of jobs ending together never mix" {
	local log=$BATS_TEST_TMPDIR/joblog
	ipctool mkq 0x4d2 >/dev/null
	seq 1 200 | ipctool send 0x4d2 --lines
	run_tool recv 0x4d2 --count 200 --jobs 8 --exec --joblog "$log" -- true {}
	assert_equal "$status" 0
	run awk -F '\t' 'NR > 1 && (NF != 9 || $7 != 0 || $9 != "true " $1) { bad++ } END { print NR - 1, bad + 0 }' "$log"
	assert_equal "$output" "200 0"
	assert_equal "$(cut -f1 "$log" | tail -n +2 | sort -n | uniq | wc -l)" 200
}

@test "recv --exec --joblog: a symlink, a FIFO, a directory are refused before any message is taken" {
	local q target=$BATS_TEST_TMPDIR/real
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 job
	: >"$target"
	ln -s "$target" "$BATS_TEST_TMPDIR/link"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	mkdir "$BATS_TEST_TMPDIR/dir"
	run_tool recv 0x4d2 --exec --joblog "$BATS_TEST_TMPDIR/link" -- cat
	assert_only_error 1 recv "--joblog .*/link: it is a symbolic link"
	run_tool recv 0x4d2 --exec --joblog "$BATS_TEST_TMPDIR/fifo" -- cat
	assert_only_error 1 recv "--joblog .*/fifo: it is a FIFO"
	run_tool recv 0x4d2 --exec --joblog "$BATS_TEST_TMPDIR/dir" -- cat
	assert_only_error 1 recv "--joblog .*/dir: "
	assert_equal "$(qnum "$q")" 1
	assert_equal "$(stat -c %s "$target")" 0
}

@test "recv --exec --halt: stops taking after N dead letters, leaves the rest queued, exits 1" {
	local q d
	q=$(ipctool mkq 0x4d2)
	d=$(ipctool mkq 0x4d3)
	seq 1 5 | ipctool send 0x4d2 --lines
	run_tool recv 0x4d2 --count 5 --exec --dead-letter 0x4d3 --halt 2 -- false
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 3
	assert_regex "${stderr_lines[2]}" '^ipctool: recv: stopped taking messages from message queue key 0x000004d2 after 2 failed \(--halt 2\)$'
	assert_equal "$(ipctool recv 0x4d3 --count 2)" "$(printf '1\n2')"
	assert_equal "$(ipctool recv 0x4d2 --count 3)" "$(printf '3\n4\n5')"
}

@test "recv --exec --halt: COMMANDs still running finish; one that then fails is put back, not dead-lettered" {
	local q d
	q=$(ipctool mkq 0x4d2)
	d=$(ipctool mkq 0x4d3)
	printf 'slow\nfast\nlater\n' | ipctool send 0x4d2 --lines
	# "fast" fails at once and halts; "slow" fails after it, once halted:
	# once "fast" is on the dead-letter queue (key 0x4d3 = 1235), which
	# recv does in the same step as it halts.  (A file "fast" made before
	# exiting let "slow" end first under load.)
	run_tool recv 0x4d2 --count 3 --jobs 2 --exec --dead-letter 0x4d3 --halt 1 -- \
		sh -c 'm=$(cat); if [ "$m" = slow ]; then until awk '\''$1 == 1235 && $5 > 0 { f = 1 } END { exit !f }'\'' /proc/sysvipc/msg; do sleep 0.05; done; fi; exit 1'
	assert_equal "$status" 1
	assert_regex "${stderr_lines[-1]}" 'after 1 failed \(--halt 1\); messages failed since were put back$'
	assert_equal "$(ipctool recv 0x4d3 --count 1 --nowait)" fast
	assert_equal "$(ipctool recv 0x4d2 --count 2 --nowait | sort)" "$(printf 'later\nslow')"
}

@test "recv --exec {}: the message becomes part of COMMAND's arguments, wherever {} is, and stdin is empty" {
	local q
	q=$(ipctool mkq 0x4d2)
	printf 'x y\n*\n' | ipctool send 0x4d2 --lines
	run_tool recv 0x4d2 --count 2 --exec -- sh -c 'printf "<%s>" "$@"; printf "[%s]\n" "$(cat)"' _ {} 'a{}b{}' '{'
	assert_equal "$status" 0
	assert_equal "$output" "$(printf '<x y><ax ybx y><{>[]\n<*><a*b*><{>[]')"
	assert_equal "$(qnum "$q")" 0
}

@test "recv --exec {}: a C string's final NUL ends it; a NUL before the end is a failure of that message" {
	local q d
	q=$(ipctool mkq 0x4d2)
	d=$(ipctool mkq 0x4d3)
	ipctool send 0x4d2 --string 'c string'
	printf 'a\0b' | ipctool send 0x4d2
	ipctool send 0x4d2 last
	run_tool recv 0x4d2 --count 3 --exec --retries 2 --retry-delay 0 --dead-letter 0x4d3 -- echo {}
	assert_equal "$status" 0
	assert_equal "$output" "$(printf 'c string\nlast')"
	assert_equal "$stderr" 'ipctool: recv: message 2 (type 1, 3 bytes): it cannot be an argument of echo: it holds a NUL before its end; sent to message queue key 0x000004d3'
	assert_equal "$(ipctool recv 0x4d3 --raw | od -An -c | tr -s ' ')" ' a \0 b'
}

@test "recv --exec {}: an argument up to 128 KiB is passed whole; longer is a failure of that message, put back" {
	local q
	set_sysctl kernel/msgmax 262144
	set_sysctl kernel/msgmnb 1048576
	q=$(ipctool mkq 0x4d2)
	head -c 131071 /dev/zero | tr '\0' a | ipctool send 0x4d2
	head -c 131072 /dev/zero | tr '\0' b | ipctool send 0x4d2
	run_tool recv 0x4d2 --count 2 --exec -- sh -c 'echo "${#1} $(printf %.3s "$1")"' _ {}
	assert_equal "$status" 1
	assert_equal "$output" "131071 aaa"
	assert_regex "$stderr" '^ipctool: recv: message 2 \(type 1, 131072 bytes\): it cannot be an argument of sh: the argument would be longer than 128 KiB, the kernel.s limit; put back on message queue key 0x000004d2$'
	assert_equal "$(qnum "$q")" 1
	# Two {} in one argument count twice.
	run_tool recv 0x4d2 --exec -- echo '{}{}'
	assert_equal "$status" 1
	assert_equal "$(qnum "$q")" 1
}

@test "recv --exec {} on a POSIX queue" {
	ipctool mkq /jobs >/dev/null
	ipctool send /jobs --priority 3 item
	run_tool recv /jobs --exec -- sh -c 'echo "$1 $IPCTOOL_PRIORITY"' _ {}
	assert_equal "$status" 0
	assert_equal "$output" "item 3"
}

@test "recv --exec: the job options are usage errors without --exec, out of range, or without what they need" {
	ipctool mkq 0x4d2 >/dev/null
	run_tool recv 0x4d2 --retries 1
	assert_only_error 2 recv '--retries goes with --exec'
	run_tool recv 0x4d2 --joblog x
	assert_only_error 2 recv '--joblog goes with --exec'
	run_tool recv 0x4d2 --halt 1
	assert_only_error 2 recv '--halt goes with --exec'
	run_tool recv 0x4d2 --retry-delay 1
	assert_only_error 2 recv '--retry-delay goes with --exec'
	run_tool recv 0x4d2 --exec --retries 101 -- true
	assert_only_error 2 recv "--retries"
	run_tool recv 0x4d2 --exec --retries -1 -- true
	assert_only_error 2 recv "--retries"
	run_tool recv 0x4d2 --exec --retries 1 --retry-delay 1e3 -- true
	assert_only_error 2 recv "--retry-delay"
	run_tool recv 0x4d2 --exec --retry-delay 1 -- true
	assert_only_error 2 recv '--retry-delay goes with --retries'
	run_tool recv 0x4d2 --exec --halt 1 -- true
	assert_only_error 2 recv '--halt counts messages sent to --dead-letter'
	run_tool recv 0x4d2 --exec --dead-letter 0x4d3 --halt 0 -- true
	assert_only_error 2 recv "--halt"
	run_tool recv 0x4d2 --exec --joblog '' -- true
	assert_only_error 2 recv "--joblog"
}
