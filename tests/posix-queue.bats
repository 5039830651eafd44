#!/usr/bin/env bats
# POSIX message queues: mkq, send and recv on a /name (ipctool(1) TARGET, ipctool-recv(1), ipctool(1)).
#
# tests/run mounts this IPC namespace's own mqueue file system at
# $IPCTOOL_TEST_MQUEUE, so each queue shows there as a file: its mode is
# the queue's, and reading it gives QSIZE (the bytes queued).  Teardown
# removes every queue.

load helpers

bats_require_minimum_version 1.5.0

MQ_SYSCTL=/proc/sys/fs/mqueue

teardown() { common_teardown; }

# Facts about queue /NAME from the mqueue file system.
mq_file() { echo "$IPCTOOL_TEST_MQUEUE/${1#/}"; }
mq_exists() { [ -e "$(mq_file "$1")" ]; }
mq_perms() { stat -c %a "$(mq_file "$1")"; }
mq_qsize() { sed -n 's/^QSIZE:\([0-9]*\).*/\1/p' "$(mq_file "$1")"; }
mq_count() { find "$IPCTOOL_TEST_MQUEUE" -mindepth 1 | wc -l; }

# ---- names (ipctool(1) TARGET) -----------------------------------------------------

@test "the test namespace has its own, empty mqueue file system" {
	[ -n "$IPCTOOL_TEST_MQUEUE" ]
	assert_equal "$(stat -f -c %T "$IPCTOOL_TEST_MQUEUE")" mqueue
	assert_equal "$(mq_count)" 0
}

@test "a name without a leading slash, with a second slash, empty or too long is a usage error" {
	long=/$(printf 'a%.0s' $(seq 1 256))
	for cmd in mkq "send" recv; do
		run_tool $cmd jobs
		assert_only_error 2 $cmd "invalid target 'jobs'"
		run_tool $cmd /a/b
		assert_only_error 2 $cmd "invalid POSIX name '/a/b': no '/' may follow the first"
		run_tool $cmd /
		assert_only_error 2 $cmd "invalid POSIX name '/'"
		run_tool $cmd "$long"
		assert_only_error 2 $cmd "longer than 255 characters"
	done
	assert_equal "$(mq_count)" 0
	# 255 characters after the slash is the longest name, and works.
	name=/$(printf 'b%.0s' $(seq 1 255))
	run_tool mkq "$name"
	assert_success
	assert_output "$name"
	ipctool send "$name" fits
	run_tool recv "$name"
	assert_success
	assert_output fits
}

@test "a missing queue is status 1 naming it, and nothing is created" {
	run_tool send /nope x
	assert_only_error 1 send "no message queue /nope$"
	run_tool recv /nope
	assert_only_error 1 recv "no message queue /nope$"
	assert_equal "$(mq_count)" 0
}

# ---- mkq (ipctool-mkq(1), ipctool(1)) --------------------------------------------------

@test "mkq /name prints the name alone and makes a 0600 queue" {
	run_tool mkq /jobs
	assert_success
	assert_output /jobs
	assert_equal "$stderr" ""
	assert_equal "$(mq_perms /jobs)" 600
	assert_equal "$(mq_qsize /jobs)" 0
	assert_equal "$(count_queues)" 0
}

@test "mkq on an existing /name returns it unchanged; --exclusive fails" {
	ipctool mkq /jobs --mode 640 --max-messages 2
	ipctool send /jobs kept
	run_tool mkq /jobs --mode 666 --max-messages 5
	assert_success
	assert_output /jobs
	assert_equal "$(mq_perms /jobs)" 640
	assert_equal "$(mq_qsize /jobs)" 4
	# Still two messages at most: the new --max-messages was not applied.
	ipctool send /jobs two
	run_tool send /jobs --nowait three
	assert_only_error 3 send "message queue /jobs is full"
	run_tool mkq /jobs --exclusive
	assert_only_error 1 mkq "message queue /jobs already exists"
	run_tool mkq -X /fresh
	assert_success
	assert_output /fresh
}

@test "mkq --mode is applied exactly, whatever the umask" {
	umask 077
	ipctool mkq /a --mode 644
	ipctool mkq /b --mode 0777
	ipctool mkq /c -p 0
	umask 000
	ipctool mkq /d
	ipctool mkq /e --mode 0640
	umask 022
	ipctool mkq /f --mode 0602
	assert_equal "$(mq_perms /a)" 644
	assert_equal "$(mq_perms /b)" 777
	assert_equal "$(mq_perms /c)" 0
	assert_equal "$(mq_perms /d)" 600
	assert_equal "$(mq_perms /e)" 640
	assert_equal "$(mq_perms /f)" 602
}

@test "mkq --mode refuses a mode that is not octal up to 0777" {
	for bad in 8 1000 -1 '' 6a4; do
		run_tool mkq /q --mode="$bad"
		assert_only_error 2 mkq "invalid --mode value '$(re_quote "$bad")'"
	done
	assert_equal "$(mq_count)" 0
}

@test "mkq --max-messages sets how many messages the queue holds" {
	ipctool mkq /three --max-messages 3
	ipctool send /three 1 2 3
	run_tool send /three --nowait 4
	assert_only_error 3 send "message queue /three is full; message 1 was not sent"
	# The message size is the default then.
	big=$(head -c "$(cat $MQ_SYSCTL/msgsize_default)" /dev/zero | tr '\0' a)
	ipctool mkq /dflt --max-messages 1
	ipctool send /dflt "$big"
	run_tool send /dflt "${big}b"
	assert_only_error 1 send "more than message queue /dflt can hold \\($(cat $MQ_SYSCTL/msgsize_default) bytes, mq_msgsize\\)"
}

@test "mkq --message-size sets the largest message; K is allowed" {
	ipctool mkq /small --message-size 100
	ipctool send /small "$(head -c 100 /dev/zero | tr '\0' x)"
	run_tool send /small "$(head -c 101 /dev/zero | tr '\0' x)"
	assert_only_error 1 send "message 1 is 101 bytes, more than message queue /small can hold \\(100 bytes, mq_msgsize\\); nothing was sent"
	assert_equal "$(mq_qsize /small)" 100
	# The number of messages is the default then.
	n=$(cat $MQ_SYSCTL/msg_default)
	ipctool send /small $(seq 2 "$n")
	run_tool send /small --nowait more
	assert_only_error 3 send "is full"
	ipctool mkq /kilo --message-size 2K --max-messages 1
	ipctool send /kilo "$(head -c 2048 /dev/zero | tr '\0' k)"
	run_tool send /kilo --nowait x
	assert_only_error 3 send "is full"
}

@test "mkq limits above msg_max or msgsize_max are refused naming them, and nothing is created" {
	max=$(cat $MQ_SYSCTL/msg_max)
	run_tool mkq /big --max-messages $((max + 1))
	assert_only_error 1 mkq "--max-messages $((max + 1)) is above msg_max \\($max, /proc/sys/fs/mqueue/msg_max\\); the queue was not created"
	size=$(cat $MQ_SYSCTL/msgsize_max)
	run_tool mkq /big --message-size $((size + 1))
	assert_only_error 1 mkq "--message-size $((size + 1)) is above msgsize_max \\($size, /proc/sys/fs/mqueue/msgsize_max\\)"
	assert_equal "$(mq_count)" 0
	# At the limits themselves it works.
	run_tool mkq /big --max-messages "$max" --message-size 16
	assert_success
}

@test "mkq follows msg_max when it is lowered" {
	set_sysctl fs/mqueue/msg_max 4
	run_tool mkq /q --max-messages 5
	assert_only_error 1 mkq "above msg_max \\(4,"
	run_tool mkq /q --max-messages 4
	assert_success
}

@test "mkq: bad --max-messages and --message-size values are usage errors" {
	for bad in 0 -1 abc '' 1.5 0x10; do
		run_tool mkq /q --max-messages="$bad"
		assert_only_error 2 mkq "invalid --max-messages value '$(re_quote "$bad")'"
	done
	for bad in 0 -1 abc '' 1x; do
		run_tool mkq /q --message-size="$bad"
		assert_only_error 2 mkq "invalid --message-size value '$(re_quote "$bad")'"
	done
	assert_equal "$(mq_count)" 0
}

@test "mkq: --max-bytes on a POSIX queue, --max-messages or --message-size on a System V one, are usage errors" {
	run_tool mkq /q --max-bytes 100
	assert_only_error 2 mkq "--max-bytes sets a System V queue's msg_qbytes; a POSIX queue holds --max-messages"
	run_tool mkq --key 0x51 --max-messages 2
	assert_only_error 2 mkq "--max-messages applies to POSIX queues \\(/name\\); a System V queue's capacity is --max-bytes"
	run_tool mkq --message-size 64
	assert_only_error 2 mkq "--message-size applies to POSIX queues"
	assert_equal "$(mq_count)" 0
	assert_equal "$(count_queues)" 0
}

@test "mkq past the per-user queue memory limit is status 1 saying so" {
	run --separate-stderr bash -c 'ulimit -q 1000 && exec ipctool mkq /huge --max-messages 10 --message-size 1000'
	assert_only_error 1 mkq "cannot create message queue /huge: Too many open files \\(the per-user limit on queue memory, ulimit -q"
	assert_equal "$(mq_count)" 0
}

@test "mkq beyond queues_max is status 1 saying so" {
	need_root
	# Root may pass queues_max (CAP_SYS_RESOURCE); nobody may not.
	set_sysctl fs/mqueue/queues_max 1
	ipctool mkq /first
	run --separate-stderr as_nobody ipctool mkq /second
	assert_only_error 1 mkq "cannot create message queue /second: the system limit on queues \\(/proc/sys/fs/mqueue/queues_max\\) is reached"
	assert_equal "$(mq_count)" 1
}

@test "mkq --help lists the POSIX options" {
	run_tool mkq --help
	assert_success
	assert_output --partial "--max-messages"
	assert_output --partial "--message-size"
	assert_output --partial "--max-bytes N | --max-messages N --message-size N"
}

# ---- send ------------------------------------------------------------------

@test "send and recv round-trip: arguments in order, stdin whole and binary-safe, empty messages" {
	ipctool mkq /q
	ipctool send /q one "" three
	run_tool recv /q --count 3
	assert_success
	assert_output "$(printf 'one\n\nthree')"
	head -c 3000 /dev/urandom >"$BATS_TEST_TMPDIR/bin"
	ipctool send /q <"$BATS_TEST_TMPDIR/bin"
	ipctool recv /q --raw >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/out"
	ipctool send /q </dev/null
	assert_equal "$(mq_qsize /q)" 0
	run_tool recv /q --json --nowait
	assert_success
	assert_output '{"priority":0,"size":0,"data":""}'
}

@test "send --lines and --null send one message per record" {
	ipctool mkq /q
	printf 'a\n\nc' | ipctool send /q --lines
	run_tool recv /q --count 3 --json
	assert_success
	assert_output "$(printf '%s\n' '{"priority":0,"size":1,"data":"a"}' '{"priority":0,"size":0,"data":""}' \
		'{"priority":0,"size":1,"data":"c"}')"
	printf 'x\ny\0z\0' | ipctool send /q --null
	run_tool recv /q --count 2 --null
	assert_success
	assert_output "$(printf 'x\ny\0z\0')"
}

@test "a stream longer than the queue flows through a concurrent reader in order" {
	ipctool mkq /q --max-messages 4
	bg_start ipctool recv /q --count 2000 >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	seq 1 2000 | ipctool send /q --lines
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cksum <"$BATS_TEST_TMPDIR/out")" "$(seq 1 2000 | cksum)"
}

@test "send --priority sets the priority: 0 to 32767" {
	ipctool mkq /q
	ipctool send /q --priority 32767 top
	ipctool send /q -P 0 bottom
	run_tool recv /q --count 2 --json
	assert_success
	assert_output "$(printf '%s\n' '{"priority":32767,"size":3,"data":"top"}' '{"priority":0,"size":6,"data":"bottom"}')"
	for bad in 32768 -1 abc '' 1.0 0x1 +1; do
		run_tool send /q --priority="$bad" x
		assert_only_error 2 send "invalid --priority value '$(re_quote "$bad")': expected a whole number from 0 to 32767"
	done
	assert_equal "$(mq_qsize /q)" 0
}

@test "send: --type on a POSIX queue and --priority on a System V one are usage errors that say why" {
	ipctool mkq /q
	run_tool send /q --type 2 x
	assert_only_error 2 send "--type is for System V queues; a POSIX queue orders messages by --priority"
	id=$(ipctool mkq)
	run_tool send "$id" --priority 2 x
	assert_only_error 2 send "--priority is for POSIX queues \\(/name\\); a System V message has a --type"
	assert_equal "$(mq_qsize /q)" 0
	assert_equal "$(tail -n +2 /proc/sysvipc/msg | awk '{ print $5 }')" 0
}

@test "send: an oversized message is refused naming mq_msgsize; in a stream earlier records stay sent" {
	ipctool mkq /q --message-size 8
	run_tool send /q ok 123456789
	assert_only_error 1 send "message 2 is 9 bytes, more than message queue /q can hold \\(8 bytes, mq_msgsize\\); nothing was sent"
	assert_equal "$(mq_qsize /q)" 0
	run_tool send /q < <(printf '1234567890')
	assert_only_error 1 send "standard input is more than 8 bytes, the most message queue /q can hold \\(mq_msgsize\\); nothing was sent"
	run_tool send /q --lines < <(printf 'a\nb\n0123456789abc\nd\n')
	assert_only_error 1 send "record 3 is 13 bytes, more than message queue /q can hold \\(8 bytes, mq_msgsize\\); the ones before it were sent"
	assert_equal "$(mq_qsize /q)" 2
}

@test "send to a full queue: --nowait exits 3 at once, --timeout after about that long" {
	ipctool mkq /q --max-messages 1
	ipctool send /q first
	run_tool send /q --nowait more
	assert_only_error 3 send "message queue /q is full; message 1 was not sent"
	run_tool send /q --timeout 0 more
	assert_only_error 3 send "is full"
	t0=$(now_ms)
	run_tool send /q --timeout 0.3 more
	t1=$(now_ms)
	assert_only_error 3 send "message queue /q stayed full until the timeout; message 1 was not sent"
	assert_elapsed 280 "$t0" "$t1"
	assert_equal "$(mq_qsize /q)" 5
}

@test "send blocks while the queue is full and goes on when room appears" {
	ipctool mkq /q --max-messages 1
	ipctool send /q first
	bg_start ipctool send /q --timeout 5 later
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MQ"
	run_tool recv /q
	assert_success
	assert_output first
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	run_tool recv /q
	assert_success
	assert_output later
}

@test "send --timeout bounds the wait for room, not the wait for input" {
	ipctool mkq /q --max-messages 1
	# Input slower than the timeout (its sleep is the scenario, not a wait).
	run --separate-stderr bash -c "(sleep 1; echo hello) | ipctool send /q --timeout 0.3"
	assert_success
	assert_equal "$(mq_qsize /q)" 6
	t0=$(now_ms)
	run --separate-stderr bash -c "(sleep 1; echo late) | ipctool send /q --lines --timeout 0.3"
	t1=$(now_ms)
	assert_error 3 send "message queue /q stayed full until the timeout; record 1 was not sent"
	assert_elapsed 1000 "$t0" "$t1"
	assert_equal "$(mq_qsize /q)" 6
}

@test "send of an endless input stops one byte past mq_msgsize" {
	ipctool mkq /q --message-size 100
	for opts in "" "--timeout 1" "--nowait"; do
		run --separate-stderr timeout 10 bash -c "ipctool send /q $opts </dev/zero"
		assert_only_error 1 send "standard input is more than 100 bytes, the most message queue /q can hold \\(mq_msgsize\\); nothing was sent"
		run --separate-stderr timeout 10 bash -c "yes 2>/dev/null | ipctool send /q --null $opts"
		assert_only_error 1 send "record 1 is more than 100 bytes"
	done
	assert_equal "$(mq_qsize /q)" 0
}

@test "recv --batch N on a POSIX queue: a SIGKILL loses at most N messages" {
	ipctool mkq /q --max-messages 10 --message-size 8192
	for i in $(seq 10); do printf '%08000d\n' "$i"; done | ipctool send /q --lines
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	start_stopped_reader "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/out"
	bg_start ipctool recv /q --count 10 --batch 1 >"$BATS_TEST_TMPDIR/fifo"
	pid=$BG_PID
	# A record over PIPE_BUF waits (in poll) until the pipe can take it whole.
	wait_for "is_stopped $READER && in_kernel_wait $pid 'pipe_write|poll'"
	kill -KILL "$pid"
	kill -CONT "$READER"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 137
	wait_exit "$READER"
	# A record larger than PIPE_BUF is written only into an empty pipe,
	# whole: the pipe holds the first; the one the batch held is gone.
	whole=$(grep -cx '[0-9]\{8000\}' "$BATS_TEST_TMPDIR/out")
	[ "$whole" -ge 1 ]
	assert_equal "$(grep -cvx '[0-9]\{8000\}' "$BATS_TEST_TMPDIR/out")" 0
	assert_between 9 10 $((whole + $(mq_qsize /q) / 8000))
}

@test "recv --lockstep on a POSIX queue: what the reader did not read stays queued" {
	ipctool mkq /q
	printf '%s\n' 1 2 3 4 5 | ipctool send /q --lines
	run --separate-stderr bash -c "ipctool recv /q --count 5 --lockstep | head -n 1"
	assert_success
	assert_output 1
	run_tool recv /q --nowait --count 5
	assert_equal "$status" 3
	assert_output "$(printf '3\n4\n5\n2')"
	# A reader that leaves while recv waits for a message is seen at once.
	ipctool send /q one
	run --separate-stderr timeout 10 bash -c "ipctool recv /q --lockstep --follow | head -n 1; exit \${PIPESTATUS[0]}"
	assert_output one
	assert_error 1 recv "the reader of standard output went away; 1 message\\(s\\) written, no more taken from message queue /q"
	run_tool recv /q --lockstep --peek
	assert_only_error 2 recv "--lockstep paces taking messages; --peek takes none"
}

@test "send blocked on a full queue and killed by SIGTERM exits 143" {
	ipctool mkq /q --max-messages 1
	ipctool send /q first
	bg_start ipctool send /q more 2>"$BATS_TEST_TMPDIR/err"
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MQ"
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(mq_qsize /q)" 5
	run cat "$BATS_TEST_TMPDIR/err"
	assert_success
	assert_output "ipctool: send: interrupted; message 1 was not sent"
}

# ---- recv ------------------------------------------------------------------

@test "recv takes the highest priority first, in order of arrival within a priority" {
	ipctool mkq /q
	ipctool send /q -P 1 low1
	ipctool send /q -P 5 high1
	ipctool send /q low2 -P 1
	ipctool send /q zero
	ipctool send /q -P 5 high2
	run_tool recv /q --count 5
	assert_success
	assert_output "$(printf '%s\n' high1 high2 low1 low2 zero)"
}

@test "recv --json carries priority in place of type; non-UTF-8 goes in data_base64" {
	ipctool mkq /q
	ipctool send /q -P 7 'say "hi"'
	printf '\377\376' | ipctool send /q -P 3
	run_tool recv /q --count 2 --json
	assert_success
	assert_output "$(printf '%s\n' '{"priority":7,"size":8,"data":"say \"hi\""}' \
		'{"priority":3,"size":2,"data_base64":"//4="}')"
	while read -r line; do jq -e .priority <<<"$line" >/dev/null; done <<<"$output"
	refute_output --partial '"type"'
}

@test "recv: --type and --except on a POSIX queue are usage errors that say why" {
	ipctool mkq /q
	ipctool send /q x
	run_tool recv /q --type 1
	assert_only_error 2 recv "--type is for System V queues; a POSIX queue gives its highest priority first"
	run_tool recv /q --type 0
	assert_only_error 2 recv "--type is for System V queues"
	run_tool recv /q --except
	assert_only_error 2 recv "--except is for System V queues"
	assert_equal "$(mq_qsize /q)" 1
}

@test "recv --peek on a POSIX queue is a usage error, as list's; nothing is taken" {
	ipctool mkq /q
	ipctool send /q keep
	run_tool recv /q --peek
	assert_only_error 2 recv "--peek is not supported for POSIX queues: the kernel cannot read a message without taking it$"
	run_tool recv /q --peek --count 0
	assert_only_error 2 recv "not supported for POSIX queues"
	run_tool list /q --peek
	assert_only_error 2 list "--peek is not supported for POSIX queues: the kernel cannot read a message without taking it$"
	assert_equal "$(mq_qsize /q)" 4
	# Found before the queue is touched: one that does not exist says the same.
	run_tool recv /nosuch --peek
	assert_only_error 2 recv "not supported for POSIX queues"
}

@test "recv on an empty queue: --nowait exits 3 at once, --timeout after about that long" {
	ipctool mkq /q
	run_tool recv /q --nowait
	assert_only_error 3 recv "no message on message queue /q$"
	run_tool recv /q --timeout 0
	assert_only_error 3 recv "no message on message queue /q$"
	t0=$(now_ms)
	run_tool recv /q --timeout 0.3
	t1=$(now_ms)
	assert_only_error 3 recv "no message on message queue /q before the timeout"
	assert_elapsed 280 "$t0" "$t1"
	run_tool recv /q --nowait --timeout 1
	assert_only_error 2 recv "--nowait and --timeout contradict each other"
}

@test "recv --nowait or --timeout with fewer than --count writes what came, then exits 3" {
	ipctool mkq /q
	ipctool send /q a b
	run_tool recv /q --count 3 --nowait
	assert_equal "$status" 3
	assert_output "$(printf 'a\nb')"
	assert_equal "${stderr_lines[0]}" "ipctool: recv: only 2 of 3 messages arrived from message queue /q"
	ipctool send /q c
	run_tool recv /q --count 2 --timeout 0.2
	assert_equal "$status" 3
	assert_output c
}

@test "recv waits for a message, and --follow --timeout takes all then exits 0 after the silence" {
	ipctool mkq /q
	bg_start ipctool recv /q --timeout 5 >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MQ"
	ipctool send /q late
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" late
	# 4 comes while --follow waits after taking 1 2 3; the silence after
	# it ends the recv.  (5 s of it: 4 comes in time on a loaded machine.)
	ipctool send /q 1 2 3
	bg_start ipctool recv /q --follow --timeout 5 >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	wait_for '[ "$(mq_qsize /q)" = 0 ] && in_kernel_wait $pid $WCHAN_MQ'
	ipctool send /q 4
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "$(printf '1\n2\n3\n4')"
	run_tool recv /q --follow --timeout 0.2
	assert_only_error 3 recv "no message on message queue /q before the timeout"
}

@test "recv receives the largest message the queue allows whole (buffer from mq_msgsize)" {
	need_mq_budget $((2 * 262144 + 4096))
	set_sysctl fs/mqueue/msgsize_max 262144
	"${MQ_MAKER[@]}" ipctool mkq /big --max-messages 2 --message-size 256K
	head -c 262144 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	ipctool send /big <"$BATS_TEST_TMPDIR/big"
	ipctool send /big after
	ipctool recv /big --raw >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/out"
	run_tool recv /big
	assert_success
	assert_output after
}

@test "recv to /dev/full puts messages back with their priority" {
	ipctool mkq /q
	ipctool send /q -P 7 keep
	run_tool_to /dev/full recv /q
	assert_error 1 recv "cannot write to standard output: No space left on device; 1 message\\(s\\) put back on message queue /q$"
	run_tool recv /q --json
	assert_success
	assert_output '{"priority":7,"size":4,"data":"keep"}'
	# Several at once go back, each with its own priority.
	ipctool send /q -P 2 a
	ipctool send /q -P 9 b
	ipctool send /q -P 4 c
	run_tool_to /dev/full recv /q --count 3
	assert_error 1 recv "3 message\\(s\\) put back"
	run_tool recv /q --count 3 --json
	assert_success
	assert_output "$(printf '%s\n' '{"priority":9,"size":1,"data":"b"}' '{"priority":4,"size":1,"data":"c"}' \
		'{"priority":2,"size":1,"data":"a"}')"
}

@test "a put-back message goes to the back of its priority class (the kernel cannot insert at the head)" {
	ipctool mkq /q
	ipctool send /q -P 3 first second
	ipctool send /q -P 1 lower
	run_tool_to /dev/full recv /q
	assert_error 1 recv "1 message\\(s\\) put back"
	run_tool recv /q --count 3
	assert_success
	assert_output "$(printf '%s\n' second first lower)"
}

@test "recv into a closed pipe puts back what it could not deliver" {
	ipctool mkq /q
	ipctool send /q -P 1 one two three
	run_tool_to_closed_pipe recv /q --count 3
	assert_only_error 1 recv "cannot write to standard output: Broken pipe; 3 message\\(s\\) put back on message queue /q$"
	run_tool recv /q --count 3 --json
	assert_success
	assert_line --index 0 '{"priority":1,"size":3,"data":"one"}'
	assert_line --index 2 '{"priority":1,"size":5,"data":"three"}'
}

@test "recv blocked in mq_receive and killed by SIGTERM exits 143 and takes nothing" {
	ipctool mkq /q
	bg_start ipctool recv /q --count 2 >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MQ"
	ipctool send /q first
	# It wrote the first and waits again for the second.
	wait_for '[ "$(cat "$BATS_TEST_TMPDIR/out")" = first ] && in_kernel_wait $pid $WCHAN_MQ'
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" first
	ipctool send /q second
	assert_equal "$(mq_qsize /q)" 6
	# The same while waiting with a timeout (mq_timedreceive).
	bg_start ipctool recv /q --count 2 --timeout 10 >/dev/null
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MQ"
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(mq_qsize /q)" 0
}

@test "a recv --timeout stopped and continued still ends on time" {
	ipctool mkq /q
	check_timeout_survives_stop /q "$WCHAN_MQ"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_success
	assert_output "ipctool: recv: no message on message queue /q before the timeout"
}

@test "SIGCONT and a handled SIGALRM do not end a recv --timeout or a send --timeout early" {
	ipctool mkq /q --max-messages 1
	ipctool mkq /empty
	check_waits_survive_cont_and_alrm /empty "$WCHAN_MQ" /q "$WCHAN_MQ"
	assert_equal "$(mq_qsize /q)" 1
}

# ---- permissions (ipctool(1) SECURITY) -----------------------------------------------

@test "a 0600 queue is refused to another user, naming it; nothing is taken or sent" {
	need_root
	ipctool mkq /secret
	ipctool send /secret hidden
	run --separate-stderr as_nobody ipctool send /secret x
	assert_only_error 1 send "cannot open message queue /secret: Permission denied"
	run --separate-stderr as_nobody ipctool recv /secret
	assert_only_error 1 recv "cannot open message queue /secret: Permission denied"
	assert_equal "$(mq_qsize /secret)" 6
}

@test "write-only and read-only permission allow exactly send and recv" {
	need_root
	ipctool mkq /wo --mode 0622
	run --separate-stderr as_nobody ipctool send /wo hello
	assert_success
	run --separate-stderr as_nobody ipctool recv /wo
	assert_only_error 1 recv "cannot receive from message queue /wo: Permission denied \\(no read permission\\)"
	assert_equal "$(mq_qsize /wo)" 5
	ipctool mkq /ro --mode 0644
	ipctool send /ro news
	run --separate-stderr as_nobody ipctool send /ro x
	assert_only_error 1 send "cannot send to message queue /ro: Permission denied \\(no write permission\\)"
	run --separate-stderr as_nobody ipctool recv /ro
	assert_success
	assert_output news
	# A reader that cannot write cannot put back: it says so.
	ipctool send /ro again
	run --separate-stderr as_nobody bash -c 'exec ipctool recv /ro >/dev/full'
	assert_only_error 1 recv "message 1 \\(priority 0, 5 bytes, beginning \"again\"\\) could not go back on message queue /ro: Permission denied; it is lost"
}
