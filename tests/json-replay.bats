#!/usr/bin/env bats
# send --json (ipctool-recv(1)): JSON Lines as recv --json writes them, sent back
# with their types or priorities, parsed by jansson.  The round trips
# compare recv --json of the copy against the original's.

load helpers

bats_require_minimum_version 1.5.0

teardown() {
	common_teardown
}

@test "send --json: recv A --peek --count 0 --json | send B --json copies binary, empty and typed messages exactly" {
	local a b
	a=$(ipctool mkq 0x4d2)
	b=$(ipctool mkq 0x4d3)
	printf 'bin\0\377\376\001' | ipctool send 0x4d2 --type 9
	ipctool send 0x4d2 --type 3 ''
	ipctool send 0x4d2 --type 12345678 'tab	"quote" \back caf'$'\xc3\xa9'
	printf 'nul\0inside' | ipctool send 0x4d2 --type 2
	head -c 3000 /dev/urandom >"$BATS_TEST_TMPDIR/random"
	ipctool send 0x4d2 --type 7 <"$BATS_TEST_TMPDIR/random"
	run --separate-stderr bash -c 'ipctool recv 0x4d2 --peek --count 0 --json | ipctool send 0x4d3 --json'
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	assert_equal "$(ipctool recv 0x4d3 --peek --count 0 --json)" "$(ipctool recv 0x4d2 --peek --count 0 --json)"
	assert_equal "$(qnum "$b")" 5
	# And the bytes themselves, not only their JSON.
	ipctool recv 0x4d3 --count 4 >/dev/null
	ipctool recv 0x4d3 --raw >"$BATS_TEST_TMPDIR/copy"
	cmp "$BATS_TEST_TMPDIR/random" "$BATS_TEST_TMPDIR/copy"
}

@test "send --json on POSIX queues: the priorities are kept" {
	ipctool mkq /a >/dev/null
	ipctool mkq /b >/dev/null
	ipctool send /a --priority 4 four
	ipctool send /a --priority 0 zero
	printf '\377' | ipctool send /a --priority 31
	run --separate-stderr bash -c 'ipctool recv /a --count 3 --json | ipctool send /b --json'
	assert_equal "$status" 0
	run_tool recv /b --count 3 --json
	assert_equal "$output" "$(printf '%s\n' '{"priority":31,"size":1,"data_base64":"/w=="}' \
		'{"priority":4,"size":4,"data":"four"}' '{"priority":0,"size":4,"data":"zero"}')"
}

@test "send --json: type 1 and priority 0 when absent, size optional, other members ignored, blank lines skipped" {
	local q
	q=$(ipctool mkq 0x4d2)
	ipctool mkq /p >/dev/null
	printf '%s\n' '{"data":"plain"}' '' '  ' '{"type":5,"data_base64":"/wA=","note":"ignored","size":2}' |
		ipctool send 0x4d2 --json
	run_tool recv 0x4d2 --count 2 --json
	assert_equal "$output" "$(printf '%s\n' '{"type":1,"size":5,"data":"plain"}' '{"type":5,"size":2,"data_base64":"/wA="}')"
	echo '{"data":"p","type":9}' | ipctool send /p --json
	run_tool recv /p --json
	assert_equal "$output" '{"priority":0,"size":1,"data":"p"}'
}

@test "send --json: a line that is not such a message is status 1 naming it, the lines before it sent" {
	local q line
	q=$(ipctool mkq 0x4d2)
	while IFS='|' read -r line why; do
		run --separate-stderr bash -c 'printf "%s\n" "{\"data\":\"ok\"}" "" "$1" "{\"data\":\"never\"}" | ipctool send 0x4d2 --json' _ "$line"
		assert_error 1 send "line 3 is not a message as recv --json writes it: $why; the lines before it were sent$"
	done <<'CASES'
{"data":|it is not JSON \(.*\)
[1,2]|it is not a JSON object
"text"|it is not a JSON object
{"type":1}|it has neither "data" nor "data_base64"
{"data":"a","data_base64":"YQ=="}|it has both "data" and "data_base64"
{"data":5}|"data" is not a string
{"data_base64":"YQ="}|"data_base64" is not padded standard base64
{"data_base64":"YR=="}|"data_base64" is not padded standard base64
{"data_base64":"Y!=="}|"data_base64" is not padded standard base64
{"data":"abc","size":4}|"size" does not match the 3 bytes of its data
{"data":"abc","size":"3"}|"size" does not match the 3 bytes of its data
{"data":"a","type":0}|"type" 0 is out of range \(1 to [0-9]+\)
{"data":"a","type":-4}|"type" -4 is out of range \(1 to [0-9]+\)
{"data":"a","type":1.5}|"type" is not an integer
{"data":"a","type":"2"}|"type" is not an integer
{"data":"a","data":"b"}|it is not JSON \(duplicate object key.*\)
CASES
	# Each run sent its first line and stopped at the third.
	assert_equal "$(qnum "$q")" 16
	run_tool send 0x4d2 --json </dev/null
	assert_equal "$status" 0
	assert_equal "$(qnum "$q")" 16
}

@test "send --json: a POSIX priority out of range, and a message too large for the queue, name their line" {
	ipctool mkq /p --message-size 4 >/dev/null
	run --separate-stderr bash -c 'echo "{\"data\":\"a\",\"priority\":40000}" | ipctool send /p --json'
	assert_error 1 send "line 1 is not a message as recv --json writes it: \"priority\" 40000 is out of range \(0 to [0-9]+\); nothing was sent"
	run --separate-stderr bash -c 'printf "%s\n" "{\"data\":\"abcd\"}" "{\"data\":\"abcde\"}" | ipctool send /p --json'
	assert_error 1 send "line 2 is 5 bytes, more than message queue /p can hold \(4 bytes, mq_msgsize\); the ones before it were sent"
	run_tool recv /p --json
	assert_equal "$output" '{"priority":0,"size":4,"data":"abcd"}'
	# A line longer than any message of the queue could need is refused unread to its end.
	run --separate-stderr bash -c 'head -c 100000 /dev/zero | tr "\0" " " | ipctool send /p --json'
	assert_error 1 send "line 1 is not a message as recv --json writes it: it is longer than 280 bytes"
}

@test "send --json: with MESSAGE arguments, --lines, --null, --string, --type or --priority it is a usage error" {
	local q
	q=$(ipctool mkq 0x4d2)
	for extra in "message" "--lines" "--null" "--string" "--type 2"; do
		run_tool send 0x4d2 --json $extra </dev/null
		assert_only_error 2 send "--json reads each message, its type or priority from standard input; it takes no"
	done
	ipctool mkq /p >/dev/null
	run_tool send /p --json --priority 3 </dev/null
	assert_only_error 2 send "it takes no --priority"
	assert_equal "$(qnum "$q")" 0
}

# send --json parses lines in a second thread while it sends the ones
# before (sendjson.h): batches of about 64 KiB, so these streams cross
# hundreds of batch boundaries.

# json_lines N [BAD]: N lines as recv --json writes them, types 1 to 7,
# line BAD replaced by one that is not JSON.
json_lines() {
	awk -v n="$1" -v bad="${2:-0}" 'BEGIN {
		for (i = 1; i <= n; i++)
			if (i == bad) print "{\"data\":"
			else printf "{\"type\":%d,\"size\":%d,\"data\":\"line %d\"}\n", i % 7 + 1, length("line " i), i
	}'
}

@test "send --json: 30,000 lines, hundreds of batches, arrive whole, in order, with their types" {
	local q
	set_sysctl kernel/msgmnb 1000000
	q=$(ipctool mkq 0x4d2)
	json_lines 30000 >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr ipctool send 0x4d2 --json <"$BATS_TEST_TMPDIR/in"
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	assert_equal "$(qnum "$q")" 30000
	ipctool recv 0x4d2 --count 30000 --json >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "send --json: a bad line far into the stream is named, every line before it sent, none after" {
	local q
	set_sysctl kernel/msgmnb 1000000
	q=$(ipctool mkq 0x4d2)
	json_lines 30000 25000 >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr ipctool send 0x4d2 --json <"$BATS_TEST_TMPDIR/in"
	assert_error 1 send "line 25000 is not a message as recv --json writes it: it is not JSON .*; the lines before it were sent$"
	assert_equal "$(qnum "$q")" 24999
	ipctool recv 0x4d2 --count 24999 --json >"$BATS_TEST_TMPDIR/out"
	assert_equal "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" "$(sed -n 24999p "$BATS_TEST_TMPDIR/in")"
}

@test "send --json waiting for input dies of SIGTERM at once (143), and sends what came before" {
	local q
	q=$(ipctool mkq 0x4d2)
	mkfifo "$BATS_TEST_TMPDIR/in"
	bg_start bash -c 'exec ipctool send 0x4d2 --json <"$1"' _ "$BATS_TEST_TMPDIR/in"
	exec 4>"$BATS_TEST_TMPDIR/in"
	echo '{"data":"first"}' >&4
	wait_for '[ "$(qnum "$q")" = 1 ]'
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID"
	exec 4>&-
	assert_equal "$EXIT_RC" 143
	assert_equal "$(qnum "$q")" 1
}

@test "send --json blocked on a full queue: SIGTERM is 143 naming the line, --timeout is 3" {
	local q
	q=$(ipctool mkq 0x4d2 --max-bytes 10)
	printf '%s\n' '{"data":"0123456789"}' '{"data":"more"}' >"$BATS_TEST_TMPDIR/in"
	bg_start bash -c 'exec ipctool send 0x4d2 --json <"$1" 2>"$2"' _ "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/err"
	wait_blocked "$BG_PID" "$WCHAN_MSGSND"
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "ipctool: send: interrupted; line 2 was not sent"
	run --separate-stderr ipctool send 0x4d2 --json --timeout 0.2 <"$BATS_TEST_TMPDIR/in"
	assert_error 3 send "stayed full until the timeout; line 1 was not sent$"
	assert_equal "$(qnum "$q")" 1
}

@test "send --json whose queue is removed stops at once although its input stays open" {
	local q
	q=$(ipctool mkq 0x4d2)
	mkfifo "$BATS_TEST_TMPDIR/in"
	bg_start bash -c 'exec ipctool send 0x4d2 --json <"$1" 2>"$2"' _ "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/err"
	exec 4>"$BATS_TEST_TMPDIR/in"
	echo '{"data":"first"}' >&4
	wait_for '[ "$(qnum "$q")" = 1 ]'
	ipcrm -q "$q"
	echo '{"data":"second"}' >&4
	wait_exit "$BG_PID"
	exec 4>&-
	assert_equal "$EXIT_RC" 1
	run cat "$BATS_TEST_TMPDIR/err"
	assert_success
	assert_equal "$output" "ipctool: send: cannot send to message queue key 0x000004d2: it was removed"
}

@test "only send --json loads jansson: a short command does not map it" {
	run ldd "$(command -v ipctool)"
	assert_success
	refute_output --partial libjansson
	q=$(ipctool mkq)
	echo '{"data":"x"}' | ipctool send "$q" --json
	assert_equal "$(ipctool recv "$q")" x
}

@test "a libjansson without a function send --json calls is status 1, naming it, nothing sent" {
	q=$(ipctool mkq)
	printf 'int not_jansson;\n' >"$BATS_TEST_TMPDIR/fake.c"
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/libjansson.so.4" "$BATS_TEST_TMPDIR/fake.c"
	run --separate-stderr env LD_LIBRARY_PATH="$BATS_TEST_TMPDIR" ipctool send "$q" --json <<<'{"data":"x"}'
	assert_equal "$status" 1
	assert_equal "$stderr" "ipctool: send: line 1 is not a message as recv --json writes it: cannot find json_delete in libjansson.so.4; nothing was sent"
	run_tool recv "$q" --nowait
	assert_equal "$status" 3
}
