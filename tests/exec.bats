#!/usr/bin/env bats
# recv --exec: a queue as a job queue (ipctool-recv(1)).  Each message goes to one
# run of COMMAND on its stdin; it is handled once COMMAND exits 0, and put
# back (or dead-lettered) otherwise: the checks count every message in
# COMMAND's output and on the queue afterwards, so none is lost or doubled.

load helpers

bats_require_minimum_version 1.5.0

teardown() {
	common_teardown
}

# NUL-terminated records "N\n" for N in 1..COUNT, one message each, so
# that `cat` as COMMAND writes one line per message.
numbered() { seq 1 "$1" | tr '\n' '\0' | sed -z 's/$/\n/'; }

@test "recv --exec: the message on stdin, its type, size and queue in the environment, stdout COMMAND's alone" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 --type 7 'hello world'
	run_tool recv 0x4d2 --exec -- sh -c 'echo "$IPCTOOL_TYPE $IPCTOOL_SIZE $IPCTOOL_QUEUE [$(cat)]"'
	assert_equal "$status" 0
	assert_equal "$output" "7 11 $q [hello world]"
	assert_equal "$stderr" ""
	assert_equal "$(qnum "$q")" 0
}

@test "recv --exec: the variables replace ones of the same name in ipctool's environment, which COMMAND keeps" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 --type 3 job
	run --separate-stderr env IPCTOOL_TYPE=stale IPCTOOL_SIZE=stale KEEP_ME=yes \
		ipctool recv 0x4d2 --exec -- sh -c 'env | grep -E "^(IPCTOOL_TYPE|IPCTOOL_SIZE|KEEP_ME)=" | sort'
	assert_equal "$status" 0
	assert_equal "$output" "$(printf '%s\n' IPCTOOL_SIZE=3 IPCTOOL_TYPE=3 KEEP_ME=yes)"
}

@test "recv --exec on a POSIX queue: IPCTOOL_PRIORITY and the queue's name" {
	ipctool mkq /jobs >/dev/null
	ipctool send /jobs --priority 5 five
	ipctool send /jobs --priority 2 two
	run_tool recv /jobs --count 2 --exec -- sh -c 'echo "$IPCTOOL_PRIORITY $IPCTOOL_QUEUE $(cat)"; [ -z "${IPCTOOL_TYPE+set}" ]'
	assert_equal "$status" 0
	assert_equal "$output" "$(printf '5 /jobs five\n2 /jobs two')"
	run_tool recv /jobs --nowait
	assert_equal "$status" 3
}

@test "recv --exec: binary bytes and an empty message reach COMMAND exactly" {
	local q
	q=$(ipctool mkq 0x4d2)
	printf 'a\0b\377' | ipctool send 0x4d2
	ipctool send 0x4d2 ''
	run --separate-stderr bash -c 'ipctool recv 0x4d2 --count 2 --exec -- sh -c "od -An -tx1 | tr -d \" \\n\"; echo \":\$IPCTOOL_SIZE\""'
	assert_equal "$status" 0
	assert_equal "$output" "$(printf '610062ff:4\n:0')"
}

@test "recv --exec: a failing COMMAND puts its message back at the tail with its type and stops, status 1" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 --type 3 one
	ipctool send 0x4d2 --type 4 two
	ipctool send 0x4d2 --type 5 three
	run_tool recv 0x4d2 --count 3 --exec -- sh -c 'read -r m; echo "got $m"; [ "$m" != two ] || exit 9'
	assert_error 1 recv "message 2 \(type 4, 3 bytes\): sh exited with status 9; put back on message queue key 0x000004d2$"
	assert_equal "$output" "$(printf 'got one\ngot two')"
	# three was never taken; two went back behind it with its type.
	run_tool recv 0x4d2 --peek --count 0 --json
	assert_equal "$status" 0
	assert_equal "$output" "$(printf '%s\n' '{"type":5,"size":5,"data":"three"}' '{"type":4,"size":3,"data":"two"}')"
}

@test "recv --exec: a COMMAND not found, or killed, has not handled its message" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 job
	run_tool recv 0x4d2 --exec -- no-such-command-ipctool
	assert_error 1 recv "message 1 \(type 1, 3 bytes\): no-such-command-ipctool: command not found \(status 127\); put back on"
	assert_equal "$(qnum "$q")" 1
	run_tool recv 0x4d2 --exec -- sh -c 'kill -KILL $$'
	assert_error 1 recv "message 1 \(type 1, 3 bytes\): sh was killed by SIGKILL \(status 137\); put back on"
	assert_equal "$(qnum "$q")" 1
	run_tool recv 0x4d2 --exec -- /no/such/path
	assert_error 1 recv "/no/such/path could not be run: No such file or directory \(status 127\); put back"
	assert_equal "$(qnum "$q")" 1
}

@test "recv --exec --jobs 4: 10,000 messages each handled exactly once (under ~20 s loaded)" {
	local q
	q=$(ipctool mkq 0x4d2)
	# The queue holds 16 KiB: the sender blocks while recv works through it.
	numbered 10000 | bg_start ipctool send 0x4d2 --null
	run --separate-stderr bash -c 'ipctool recv 0x4d2 --count 10000 --exec --jobs 4 -- cat | sort -n'
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	assert_equal "$output" "$(seq 1 10000)"
	assert_equal "$(qnum "$q")" 0
}

@test "recv --exec --jobs 3: the runs overlap" {
	ipctool mkq 0x4d2 >/dev/null
	ipctool send 0x4d2 a b c
	# Each run waits until all three have started: only concurrent runs finish.
	run_tool recv 0x4d2 --count 3 --exec --jobs 3 -- sh -c \
		'touch "$0/$(cat)"; for i in $(seq 200); do [ "$(ls "$0" | wc -l)" -ge 3 ] && exit 0; sleep 0.05; done; exit 1' \
		"$BATS_TEST_TMPDIR"
	assert_equal "$status" 0
}

@test "recv --exec --dead-letter: every third message fails, goes there with its type, and the run goes on" {
	local q d
	q=$(ipctool mkq 0x4d2)
	d=$(ipctool mkq 0x4d3)
	numbered 30 | ipctool send 0x4d2 --null --type 6
	run --separate-stderr bash -c 'ipctool recv 0x4d2 --count 30 --jobs 2 --exec --dead-letter 0x4d3 -- sh -c "read -r n; [ \$((n % 3)) != 0 ] && echo \$n" | sort -n'
	assert_equal "$status" 0
	assert_equal "$output" "$(seq 1 30 | awk '$1 % 3')"
	assert_equal "${#stderr_lines[@]}" 10
	assert_regex "${stderr_lines[0]}" '^ipctool: recv: message [0-9]+ \(type 6, 2 bytes\): sh exited with status 1; sent to message queue key 0x000004d3$'
	assert_equal "$(qnum "$q")" 0
	run --separate-stderr bash -c 'ipctool recv 0x4d3 --peek --count 0 --json | sort'
	assert_equal "$output" "$(for n in 3 6 9 12 15 18 21 24 27 30; do printf '{"type":6,"size":%d,"data":"%s\\n"}\n' $(( ${#n} + 1 )) $n; done | sort)"
}

@test "recv --exec --dead-letter: a dead-letter queue that is gone stops the run with the message put back" {
	local q d
	q=$(ipctool mkq 0x4d2)
	d=$(ipctool mkq 0x4d3)
	ipctool send 0x4d2 a
	ipctool rm 0x4d3
	run_tool recv 0x4d2 --exec --dead-letter "$d" -- false
	assert_error 1 recv "$d"
	assert_equal "$(qnum "$q")" 1
}

@test "recv --exec: SIGTERM stops taking, lets running COMMANDs finish, every message handled or queued" {
	local q pid handled left
	q=$(ipctool mkq 0x4d2)
	numbered 300 | ipctool send 0x4d2 --null
	# COMMAND ignores TERM, so each run it started completes and counts.
	bg_start ipctool recv 0x4d2 --count 300 --jobs 4 --exec -- sh -c 'trap "" TERM; cat >>"$0"' "$BATS_TEST_TMPDIR/done"
	pid=${BG_PIDS[-1]}
	wait_for '[ "$(wc -l <"$BATS_TEST_TMPDIR/done" 2>/dev/null || echo 0)" -ge 20 ]'
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	handled=$(wc -l <"$BATS_TEST_TMPDIR/done")
	left=$(qnum "$q")
	assert_between 20 299 "$handled"
	assert_equal $((handled + left)) 300
	run --separate-stderr bash -c "{ cat '$BATS_TEST_TMPDIR/done'; ipctool recv 0x4d2 --peek --count 0 --null | tr -d '\0'; } | sort -n"
	assert_equal "$output" "$(seq 1 300)"
}

@test "recv --exec: SIGTERM is passed on to a running COMMAND, whose message goes back" {
	local q pid
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 --type 2 slow
	bg_start ipctool recv 0x4d2 --exec -- sh -c 'echo $$ >"$0"; exec sleep 30' "$BATS_TEST_TMPDIR/pid"
	pid=${BG_PIDS[-1]}
	wait_for '[ -s "$BATS_TEST_TMPDIR/pid" ]'
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	run kill -0 "$(cat "$BATS_TEST_TMPDIR/pid")"
	assert_equal "$status" 1
	run_tool recv 0x4d2 --peek --json
	assert_equal "$output" '{"type":2,"size":4,"data":"slow"}'
}

@test "recv --exec --follow --timeout: goes on until the queue is silent, then exits 0" {
	ipctool mkq 0x4d2 >/dev/null
	ipctool send 0x4d2 a b
	run_tool recv 0x4d2 --follow --timeout 0.3 --exec -- cat
	assert_equal "$status" 0
	assert_equal "$output" "ab"
	run_tool recv 0x4d2 --follow --timeout 0.2 --exec -- cat
	assert_only_error 3 recv "no message on message queue key 0x000004d2 before the timeout"

}

@test "recv --exec --count with --nowait: what was there, then status 3" {
	ipctool mkq 0x4d2 >/dev/null
	ipctool send 0x4d2 a b
	run_tool recv 0x4d2 --count 5 --nowait --jobs 2 --exec -- cat
	assert_error 3 recv "only 2 of 5 messages arrived from message queue key 0x000004d2"
	assert_equal "${#output}" 2
}

@test "recv --exec --type: only the messages of that type go to COMMAND" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 --type 1 a
	ipctool send 0x4d2 --type 2 b
	ipctool send 0x4d2 --type 2 c
	run_tool recv 0x4d2 --type 2 --count 2 --exec -- sh -c 'echo "$IPCTOOL_TYPE$(cat)"'
	assert_equal "$status" 0
	assert_equal "$output" "$(printf '2b\n2c')"
	assert_equal "$(qnum "$q")" 1
}

@test "recv --exec: bad command lines are usage errors, nothing taken" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool mkq /p >/dev/null
	ipctool send 0x4d2 keep
	run_tool recv 0x4d2 --exec
	assert_only_error 2 recv "--exec needs a COMMAND after --"
	run_tool recv 0x4d2 --exec --
	assert_only_error 2 recv "--exec needs a COMMAND after --"
	# Without --exec, -- only ends the options.
	run_tool recv 0x4d2 -- cat
	assert_only_error 2 recv "unexpected argument 'cat'"
	run_tool recv 0x4d2 --jobs 2
	assert_only_error 2 recv "--jobs goes with --exec"
	run_tool recv 0x4d2 --dead-letter 0x4d3
	assert_only_error 2 recv "--dead-letter goes with --exec"
	for bad in 0 1025 x -1; do
		run_tool recv 0x4d2 --exec --jobs "$bad" -- cat
		assert_only_error 2 recv "--jobs"
	done
	run_tool recv 0x4d2 --exec --peek -- cat
	assert_only_error 2 recv "--peek takes none"
	run_tool recv 0x4d2 --exec --json -- cat
	assert_only_error 2 recv "no --null, --raw, --json, --string or --hex"
	run_tool recv 0x4d2 --exec --lockstep -- cat
	assert_only_error 2 recv "no --lockstep"
	run_tool recv 0x4d2 --exec --batch 4 -- cat
	assert_only_error 2 recv "no --batch"
	run_tool recv 0x4d2 --exec --dead-letter nonsense -- cat
	assert_only_error 2 recv "invalid target 'nonsense'"
	run_tool recv 0x4d2 --exec --dead-letter /p -- cat
	assert_only_error 2 recv "--dead-letter /p must be a System V queue"
	run_tool recv 0x4d2 --exec --dead-letter 0x4d3 --dead-letter 0x4d4 -- cat
	assert_only_error 2 recv "given twice"
	assert_equal "$(qnum "$q")" 1
}

@test "recv --exec --dead-letter: a queue that is missing, or the source itself, is an error before anything is taken" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 keep
	run_tool recv 0x4d2 --exec --dead-letter 0x4d9 -- cat
	assert_only_error 1 recv "no message queue with key 0x000004d9"
	run_tool recv 0x4d2 --exec --dead-letter "$q" -- cat
	assert_only_error 1 recv "--dead-letter $q is the queue messages are taken from"
	assert_equal "$(qnum "$q")" 1
}

@test "recv --exec on a POSIX queue: a failed message goes back with its priority, or to a POSIX dead-letter queue" {
	ipctool mkq /jobs >/dev/null
	ipctool mkq /dead >/dev/null
	ipctool send /jobs --priority 7 bad
	ipctool send /jobs --priority 3 good
	run_tool recv /jobs --count 2 --exec -- sh -c '[ "$(cat)" = good ]'
	assert_error 1 recv "message 1 \(priority 7, 3 bytes\): sh exited with status 1; put back on message queue /jobs$"
	run_tool recv /jobs --count 2 --dead-letter /dead --exec -- sh -c '[ "$(cat)" = good ]'
	assert_equal "$status" 0
	assert_regex "$stderr" 'message 1 \(priority 7, 3 bytes\): sh exited with status 1; sent to message queue /dead$'
	run_tool recv /dead --json
	assert_equal "$output" '{"priority":7,"size":3,"data":"bad"}'
	run_tool recv /jobs --nowait
	assert_equal "$status" 3
}

@test "recv --exec: a COMMAND that never reads a large message still handles it" {
	local q
	q=$(ipctool mkq 0x4d2)
	head -c 8000 /dev/zero | tr '\0' x | ipctool send 0x4d2
	run_tool recv 0x4d2 --exec -- sh -c 'echo "$IPCTOOL_SIZE"'
	assert_equal "$status" 0
	assert_equal "$output" 8000
	assert_equal "$(qnum "$q")" 0
}

@test "recv --exec --jobs 3: every message whose run failed goes back; the line counts the others" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 a b c
	run_tool recv 0x4d2 --count 3 --jobs 3 --exec -- false
	assert_error 1 recv "message [123] \(type 1, 1 bytes\): false exited with status 1; put back on message queue key 0x000004d2 \(and 2 other failed message\(s\)\)$"
	assert_equal "$(qnum "$q")" 3
	run --separate-stderr bash -c 'ipctool recv 0x4d2 --count 3 | sort | tr -d "\n"'
	assert_equal "$output" abc
}

@test "recv --exec --jobs 2 --follow: a message that comes while a run goes on starts at once" {
	local q pid
	q=$(ipctool mkq 0x4d2)
	ipctool send 0x4d2 a
	# a's run succeeds only once b's run has started beside it (within
	# 10 s).  5 s of silence end the recv: b, sent once a's run has
	# started, comes in time on a loaded machine.
	bg_start ipctool recv 0x4d2 --follow --timeout 5 --jobs 2 --exec -- sh -c \
		'm=$(cat); touch "$0/$m"; [ "$m" = b ] && exit 0; for i in $(seq 200); do [ -e "$0/b" ] && exit 0; sleep 0.05; done; exit 1' \
		"$BATS_TEST_TMPDIR"
	pid=${BG_PIDS[-1]}
	wait_for '[ -e "$BATS_TEST_TMPDIR/a" ]'
	ipctool send 0x4d2 b
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(qnum "$q")" 0
}
