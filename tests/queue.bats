#!/usr/bin/env bats
# System V message queues: mkq, send, recv (ipctool(1) TARGET, ipctool-recv(1), ipctool(1)).
#
# Every check looks at stdout, at the one-line error on stderr (which must
# name the object), at the exit status, and at the kernel object afterwards
# through /proc/sysvipc/msg or ipcs.

load helpers

bats_require_minimum_version 1.5.0

teardown() { common_teardown; }

# Facts about queue ID from the kernel.
qfield() { awk -v id="$1" -v col="$2" '$2 == id { print $col }' /proc/sysvipc/msg; }
qperms() { qfield "$1" 3; }
qbytes_used() { qfield "$1" 4; }
qexists() { [ -n "$(qfield "$1" 2)" ]; }
# msg_qbytes, the capacity (not in /proc/sysvipc/msg).
qcapacity() { ipcs -q -i "$1" | sed -n 's/.*qbytes=\([0-9]*\).*/\1/p'; }
# The key as ipcs prints it (0x%08x).
qkey() { ipcs -q | awk -v id="$1" '$2 == id { print $1 }'; }
# The id of the queue with key KEY (0x%08x form), if any.
qid_of_key() { ipcs -q | awk -v k="$1" '$1 == k { print $2 }'; }

# ftok(3) as glibc computes it: PROJ (a number) in the top byte.
ftok_key() {
	local dev ino
	read -r dev ino < <(stat -c '%d %i' "$1")
	printf '0x%08x\n' $(( (($2 & 0xff) << 24) | ((dev & 0xff) << 16) | (ino & 0xffff) ))
}

# ---- TARGET forms (ipctool(1) TARGET, ipctool(1)) -----------------------------------------

@test "mkq with a key prints the id alone and makes a 0600 queue" {
	run_tool mkq --key 0x4d2
	assert_success
	assert_output --regexp '^[0-9]+$'
	assert_equal "$stderr" ""
	run awk '$1 == 1234 { print $3 }' /proc/sysvipc/msg
	assert_success
	assert_output 600
}

@test "send then recv round-trips a message" {
	id=$(ipctool mkq)
	run_tool send "$id" hello
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(qnum "$id")" 1
	run_tool recv "$id"
	assert_success
	assert_output hello
	assert_equal "$(qnum "$id")" 0
}

@test "a queue is named by id, 0xKEY, --key decimal and --key hex alike" {
	id=$(ipctool mkq --key 1234)
	assert_equal "$(qkey "$id")" 0x000004d2
	ipctool send "$id" by-id
	ipctool send 0x4d2 by-0x
	ipctool send 0X4D2 by-0X
	ipctool send --key 1234 by-decimal
	ipctool send --key 0x4d2 by-hex
	assert_equal "$(qnum "$id")" 5
	run_tool recv --key 0x4D2 --count 5
	assert_success
	assert_output "$(printf '%s\n' by-id by-0x by-0X by-decimal by-hex)"
}

@test "--ftok PATH uses PROJ 1; PATH:PROJ takes digits or one character" {
	f=$BATS_TEST_TMPDIR/anchor
	touch "$f"
	id1=$(ipctool mkq --ftok "$f")
	assert_equal "$(qkey "$id1")" "$(ftok_key "$f" 1)"
	id7=$(ipctool mkq --ftok "$f:7")
	assert_equal "$(qkey "$id7")" "$(ftok_key "$f" 7)"
	ida=$(ipctool mkq --ftok "$f:a")
	assert_equal "$(qkey "$ida")" "$(ftok_key "$f" 97)"
	id255=$(ipctool mkq --ftok "$f:255")
	assert_equal "$(qkey "$id255")" "$(ftok_key "$f" 255)"
	assert_equal "$(count_queues)" 4
	# The same key through another spelling reaches the same queue.
	ipctool send --ftok "$f:1" one
	ipctool send --ftok "$f:007" seven
	assert_equal "$(qnum "$id1")" 1
	assert_equal "$(qnum "$id7")" 1
	run_tool recv --ftok "$f:a" --nowait
	assert_error 3 recv "no message on message queue key $(ftok_key "$f" 97)"
}

@test "--ftok: a colon followed by more than one non-digit is part of PATH" {
	d=$BATS_TEST_TMPDIR
	touch "$d/a:bc"
	id=$(ipctool mkq --ftok "$d/a:bc")
	assert_equal "$(qkey "$id")" "$(ftok_key "$d/a:bc" 1)"
	# Not split: a missing "a:bc" is reported with the whole path.
	run_tool mkq --ftok "$d/x:bc"
	assert_only_error 1 mkq "$d/x:bc"
	assert_equal "$(count_queues)" 1
}

@test "--ftok: nothing after the colon, PROJ 0 or 256, or an empty PATH is a usage error" {
	f=$BATS_TEST_TMPDIR/anchor
	touch "$f"
	for bad in "$f:" "$f:0" "$f:256" "$f:1000" ":5" ""; do
		run_tool mkq --ftok "$bad"
		assert_only_error 2 mkq "invalid --ftok value '$(re_quote "$bad")'"
	done
	run_tool send --ftok "$f:" x
	assert_only_error 2 send "invalid --ftok value '$(re_quote "$f"):': nothing after ':'"
	run_tool recv --ftok "$f:0"
	assert_only_error 2 recv "invalid --ftok value '$(re_quote "$f"):0': PROJ must be a number from 1 to 255"
	assert_equal "$(count_queues)" 0
}

@test "--ftok of a missing PATH is status 1 naming it" {
	run_tool send --ftok /nonexistent/where x
	assert_only_error 1 send "/nonexistent/where.*No such file"
	run_tool mkq --ftok /nonexistent/where:3
	assert_only_error 1 mkq "/nonexistent/where"
	assert_equal "$(count_queues)" 0
}

@test "two targets, in any forms, are a usage error" {
	id=$(ipctool mkq --key 5)
	run_tool mkq --key 1 --key 2
	assert_only_error 2 mkq "two targets"
	run_tool mkq --key 1 --ftok /etc
	assert_only_error 2 mkq "two targets"
	run_tool mkq 0x1 0x2
	assert_only_error 2 mkq "unexpected argument '0x2'"
	run_tool mkq --key 1 0x2
	assert_only_error 2 mkq "unexpected argument '0x2'"
	run_tool recv "$id" 0x5
	assert_only_error 2 recv "unexpected argument '0x5'"
	run_tool recv --key 5 "$id"
	assert_only_error 2 recv "unexpected argument '$id'"
	run_tool send --key 5 --ftok /etc x
	assert_only_error 2 send "two targets"
	assert_equal "$(count_queues)" 1
	assert_equal "$(qnum "$id")" 0
}

@test "with --key, send takes every argument as a message" {
	id=$(ipctool mkq --key 5)
	run_tool send --key 5 0x5 "$id"
	assert_success
	run_tool recv "$id" --count 2
	assert_success
	assert_output "$(printf '0x5\n%s' "$id")"
}

@test "a malformed target is a usage error that names it" {
	id=$(ipctool mkq)
	ipctool send "$id" keep
	for bad in abc 12abc 0x 0xZZ 0x100000000 -1 ' 1' 2147483648 / /a/b; do
		run_tool send -- "$bad" x
		assert_only_error 2 send "'$(re_quote "$bad")'"
	done
	for bad in 12abc 0xZZ 99999999999 //; do
		run_tool recv -- "$bad"
		assert_only_error 2 recv "'$(re_quote "$bad")'"
	done
	for bad in abc 0x1g 4294967296 -5 ''; do
		run_tool send --key="$bad" x
		assert_only_error 2 send "invalid --key value '$(re_quote "$bad")'"
	done
	run_tool recv
	assert_only_error 2 recv "missing TARGET"
	run_tool send
	assert_only_error 2 send "missing TARGET"
	assert_equal "$(qnum "$id")" 1
}

@test "key 0 (IPC_PRIVATE) never names a queue: usage error" {
	ipctool mkq >/dev/null
	for cmd in send recv mkq; do
		run_tool "$cmd" 0x0
		assert_only_error 2 "$cmd" "IPC_PRIVATE"
		run_tool "$cmd" --key 0
		assert_only_error 2 "$cmd" "IPC_PRIVATE"
		run_tool "$cmd" --key 0x00000000
		assert_only_error 2 "$cmd" "IPC_PRIVATE"
	done
	assert_equal "$(count_queues)" 1
}

@test "a key or id with no queue is status 1 naming it" {
	run_tool send 0x1234 x
	assert_only_error 1 send "no message queue with key 0x00001234"
	run_tool recv --key 4660
	assert_only_error 1 recv "no message queue with key 0x00001234"
	run_tool recv 4242
	assert_only_error 1 recv "no message queue with id 4242"
	run_tool send 4242 x
	assert_only_error 1 send "no message queue with id 4242"
	assert_equal "$(count_queues)" 0
}

@test "an id or key of a shared memory segment or semaphore set says what it names" {
	shmid=$(ipcmk -M 4096 | awk '{ print $NF }')
	shmkey=$(ipcs -m | awk -v id="$shmid" '$2 == id { print $1 }')
	run_tool send "$shmid" x
	assert_only_error 1 send "no message queue with id $shmid \\(it names a shared memory segment\\)"
	run_tool recv "$shmkey"
	assert_only_error 1 recv "no message queue with key $shmkey \\(it names a shared memory segment\\)"
	ipcrm -m "$shmid"
	semid=$(ipcmk -S 2 | awk '{ print $NF }')
	semkey=$(ipcs -s | awk -v id="$semid" '$2 == id { print $1 }')
	run_tool recv "$semid"
	assert_only_error 1 recv "no message queue with id $semid \\(it names a semaphore set\\)"
	run_tool send "$semkey" x
	assert_only_error 1 send "no message queue with key $semkey \\(it names a semaphore set\\)"
	assert_equal "$(count_queues)" 0
}

# ---- mkq (ipctool-mkq(1), ipctool(1)) --------------------------------------------------

@test "mkq with no target makes a new private 0600 queue each time" {
	run_tool mkq
	assert_success
	assert_output --regexp '^[0-9]+$'
	a=$output
	run_tool mkq
	assert_success
	b=$output
	assert_not_equal "$a" "$b"
	assert_equal "$(qkey "$a")" 0x00000000
	assert_equal "$(qperms "$a")" 600
	assert_equal "$(qperms "$b")" 600
	assert_equal "$(count_queues)" 2
}

@test "mkq on an existing key returns the same queue unchanged" {
	id=$(ipctool mkq --key 0x99 --mode 640 --max-bytes 4096)
	ipctool send "$id" kept
	run_tool mkq --key 0x99 --mode 666 --max-bytes 1000
	assert_success
	assert_output "$id"
	run_tool mkq 0x99
	assert_success
	assert_output "$id"
	assert_equal "$(qperms "$id")" 640
	assert_equal "$(qcapacity "$id")" 4096
	assert_equal "$(qnum "$id")" 1
	assert_equal "$(count_queues)" 1
}

@test "mkq --exclusive fails on an existing key and creates a new one" {
	run_tool mkq --key 0x99 --exclusive
	assert_success
	id=$output
	run_tool mkq --key 0x99 --exclusive
	assert_only_error 1 mkq "message queue key 0x00000099 already exists"
	run_tool mkq -X 0x99
	assert_only_error 1 mkq "key 0x00000099 already exists"
	assert_equal "$(count_queues)" 1
	assert_equal "$(qid_of_key 0x00000099)" "$id"
}

@test "mkq --mode is applied exactly, whatever the umask" {
	umask 077
	a=$(ipctool mkq --mode 640)
	b=$(ipctool mkq --mode 0640)
	c=$(ipctool mkq --key 7 --mode 0777)
	d=$(ipctool mkq -p 0)
	umask 022
	e=$(ipctool mkq --mode 602)
	assert_equal "$(qperms "$a")" 640
	assert_equal "$(qperms "$b")" 640
	assert_equal "$(qperms "$c")" 777
	assert_equal "$(qperms "$d")" 0
	assert_equal "$(qperms "$e")" 602
}

@test "mkq --mode refuses a mode that is not octal up to 0777" {
	for bad in 8 09 1000 01000 0x1 -1 '' 6a4 ' 644' +644; do
		run_tool mkq --mode="$bad"
		assert_only_error 2 mkq "invalid --mode value '$(re_quote "$bad")'"
	done
	run_tool mkq --mode
	assert_only_error 2 mkq "--mode"
	assert_equal "$(count_queues)" 0
}

@test "mkq beyond msgmni fails with status 1 saying so" {
	set_sysctl kernel/msgmni 1
	ipctool mkq >/dev/null
	run_tool mkq --key 0x42
	assert_only_error 1 mkq "cannot create message queue key 0x00000042: the system limit on queues \\(msgmni\\) is reached"
	assert_equal "$(count_queues)" 1
}

@test "mkq refuses to create by id" {
	run_tool mkq 123
	assert_only_error 2 mkq "never by id \\('123'\\)"
	run_tool mkq 0
	assert_only_error 2 mkq "never by id"
	assert_equal "$(count_queues)" 0
}

@test "mkq --max-bytes within msgmnb sets msg_qbytes" {
	a=$(ipctool mkq --max-bytes 4096)
	b=$(ipctool mkq --key 8 --max-bytes 2K)
	c=$(ipctool mkq --max-bytes 1)
	d=$(ipctool mkq)
	assert_equal "$(qcapacity "$a")" 4096
	assert_equal "$(qcapacity "$b")" 2048
	assert_equal "$(qcapacity "$c")" 1
	assert_equal "$(qcapacity "$d")" "$(cat /proc/sys/kernel/msgmnb)"
	# The capacity is real: a 2049-byte message no longer fits.
	run_tool send "$b" "$(head -c 2049 /dev/zero | tr '\0' x)"
	assert_only_error 1 send "message 1 is 2049 bytes, more than message queue id $b can hold \\(2048 bytes, msg_qbytes\\)"
}

@test "mkq --max-bytes above msgmnb without CAP_SYS_RESOURCE is status 1 and leaves no queue" {
	over=$(( $(cat /proc/sys/kernel/msgmnb) + 1 ))
	for target in "" "--key 0x77"; do
		run --separate-stderr setpriv --inh-caps=-sys_resource --bounding-set=-sys_resource \
			ipctool mkq $target --max-bytes "$over"
		assert_only_error 1 mkq "--max-bytes $over: above msgmnb \\([0-9]+\\) it needs CAP_SYS_RESOURCE; the queue was not created"
		assert_equal "$(count_queues)" 0
	done
}

@test "mkq --max-bytes above the default msgmnb works once msgmnb allows it" {
	set_sysctl kernel/msgmnb 100000
	id=$(setpriv --inh-caps=-sys_resource --bounding-set=-sys_resource ipctool mkq --max-bytes 100000)
	assert_equal "$(qcapacity "$id")" 100000
}

@test "mkq --max-bytes refuses malformed and out-of-range sizes" {
	for bad in 12abc -1 0 3X '' 1.5K 0x10 2G 99999999999999999999 K; do
		run_tool mkq --max-bytes="$bad"
		assert_only_error 2 mkq "invalid --max-bytes value '$(re_quote "$bad")'"
	done
	assert_equal "$(count_queues)" 0
}

@test "mkq --help shows its options and exits 0" {
	run_tool mkq --help
	assert_success
	assert_output --partial --max-bytes
	assert_output --partial --exclusive
	run_tool mkq --bogus
	assert_only_error 2 mkq "--bogus"
}

# ---- send (ipctool-recv(1)) ------------------------------------------------------

@test "send sends each MESSAGE argument as one message, in order" {
	id=$(ipctool mkq)
	run_tool send "$id" one "two words" "" three
	assert_success
	assert_output ""
	assert_equal "$(qnum "$id")" 4
	assert_equal "$(qbytes_used "$id")" 17
	run_tool recv "$id" --json --count 4
	assert_success
	assert_output "$(printf '%s\n' '{"type":1,"size":3,"data":"one"}' \
		'{"type":1,"size":9,"data":"two words"}' '{"type":1,"size":0,"data":""}' \
		'{"type":1,"size":5,"data":"three"}')"
}

@test "send: after --, arguments that look like options are messages" {
	id=$(ipctool mkq)
	ipctool send "$id" -- -n --lines -
	run_tool recv "$id" --count 3
	assert_success
	assert_output "$(printf '%s\n' -n --lines -)"
}

@test "send --type sets the message type" {
	id=$(ipctool mkq)
	ipctool send "$id" --type 5 five
	ipctool send "$id" -T 9223372036854775807 max
	run_tool recv "$id" --json --count 2
	assert_success
	assert_output "$(printf '%s\n' '{"type":5,"size":4,"data":"five"}' \
		'{"type":9223372036854775807,"size":3,"data":"max"}')"
}

@test "send --type must be 1 or more" {
	id=$(ipctool mkq)
	for bad in 0 -1 abc '' 1.5 9223372036854775808 +3; do
		run_tool send "$id" --type="$bad" x
		assert_only_error 2 send "invalid --type value '$(re_quote "$bad")'"
	done
	assert_equal "$(qnum "$id")" 0
}

@test "send with no MESSAGE sends all of stdin as one message, binary-safe" {
	id=$(ipctool mkq)
	{ printf 'a\0b\n\0'; head -c 3000 /dev/urandom; printf '\0\0'; } >"$BATS_TEST_TMPDIR/in"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/in")
	run_tool send "$id" <"$BATS_TEST_TMPDIR/in"
	assert_success
	assert_equal "$(qnum "$id")" 1
	assert_equal "$(qbytes_used "$id")" "$size"
	ipctool recv "$id" --raw >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "send of an empty stdin sends one empty message" {
	id=$(ipctool mkq)
	run_tool send "$id" </dev/null
	assert_success
	assert_equal "$(qnum "$id")" 1
	assert_equal "$(qbytes_used "$id")" 0
	run_tool recv "$id" --json
	assert_success
	assert_output '{"type":1,"size":0,"data":""}'
}

@test "send --lines sends each line, empty ones too, and a last line without newline" {
	id=$(ipctool mkq)
	printf 'first\n\nthird line\n\n\nlast' | ipctool send "$id" --lines --type 3
	assert_equal "$(qnum "$id")" 6
	run_tool recv "$id" --count 6 --json
	assert_success
	assert_output "$(printf '%s\n' '{"type":3,"size":5,"data":"first"}' '{"type":3,"size":0,"data":""}' \
		'{"type":3,"size":10,"data":"third line"}' '{"type":3,"size":0,"data":""}' \
		'{"type":3,"size":0,"data":""}' '{"type":3,"size":4,"data":"last"}')"
	# A final newline ends the last line; it does not start an empty one.
	printf 'x\ny\n' | ipctool send "$id" --lines
	assert_equal "$(qnum "$id")" 2
	# No input, no message.
	ipctool send "$id" --lines </dev/null
	assert_equal "$(qnum "$id")" 2
}

@test "send --null sends each NUL-terminated record, newlines included" {
	id=$(ipctool mkq)
	printf 'a\0\0b\nc\0last' | ipctool send "$id" --null
	assert_equal "$(qnum "$id")" 4
	run_tool recv "$id" --count 4 --json
	assert_success
	assert_output "$(printf '%s\n' '{"type":1,"size":1,"data":"a"}' '{"type":1,"size":0,"data":""}' \
		'{"type":1,"size":3,"data":"b\nc"}' '{"type":1,"size":4,"data":"last"}')"
}

@test "send: --lines with --null, and either with MESSAGE arguments, are usage errors" {
	id=$(ipctool mkq)
	run_tool send "$id" --lines --null </dev/null
	assert_only_error 2 send "--lines and --null contradict each other"
	run_tool send "$id" --lines x </dev/null
	assert_only_error 2 send "--lines reads standard input; it takes no MESSAGE arguments"
	run_tool send "$id" x --null </dev/null
	assert_only_error 2 send "--null reads standard input"
	run_tool send --key 1 --lines x </dev/null
	assert_only_error 2 send "--lines reads standard input"
	assert_equal "$(qnum "$id")" 0
}

@test "send: an oversized argument is refused and nothing is sent" {
	id=$(ipctool mkq)
	big=$(head -c 8193 /dev/zero | tr '\0' x)
	run_tool send "$id" ok "$big" after
	assert_only_error 1 send "message 2 is 8193 bytes, more than message queue id $id can hold \\(8192 bytes, msgmax\\); nothing was sent"
	assert_equal "$(qnum "$id")" 0
}

@test "send: an oversized stdin is refused naming its size" {
	id=$(ipctool mkq --max-bytes 100)
	head -c 100 /dev/zero | ipctool send "$id"
	ipctool recv "$id" --raw >/dev/null
	run_tool send "$id" < <(head -c 20000 /dev/zero)
	assert_only_error 1 send "standard input is more than 100 bytes, the most message queue id $id can hold \\(msg_qbytes\\); nothing was sent"
	assert_equal "$(qnum "$id")" 0
}

@test "send: an oversized record in a stream is refused by number, earlier ones stay sent" {
	id=$(ipctool mkq)
	big=$(head -c 9000 /dev/zero | tr '\0' x)
	run_tool send "$id" --lines < <(printf 'one\ntwo\n%s\nfour\n' "$big")
	assert_only_error 1 send "record 3 is 9000 bytes, more than message queue id $id can hold \\(8192 bytes, msgmax\\)"
	assert_equal "$(qnum "$id")" 2
	run_tool recv "$id" --count 2
	assert_success
	assert_output "$(printf 'one\ntwo')"
	# A record is not read on to its end once it is known to be too
	# large (the input may never end), so the error says "more than".
	run_tool send "$id" --null < <(printf 'a\0%s' "$big$big$big$big$big$big$big$big$big")
	assert_only_error 1 send "record 2 is more than 8192 bytes, the most message queue id $id can hold \\(msgmax\\); the records before it were sent"
	assert_equal "$(qnum "$id")" 1
	# A first record too big: nothing was sent.
	run_tool send "$id" --lines < <(printf '%s\nsmall\n' "$big")
	assert_only_error 1 send "record 1 is 9000 bytes"
	assert_equal "$(qnum "$id")" 1
}

@test "the largest message the kernel allows round-trips byte for byte" {
	set_sysctl kernel/msgmax 65536
	set_sysctl kernel/msgmnb 65536
	id=$(ipctool mkq)
	head -c 65536 /dev/urandom >"$BATS_TEST_TMPDIR/max"
	run_tool send "$id" <"$BATS_TEST_TMPDIR/max"
	assert_success
	assert_equal "$(qbytes_used "$id")" 65536
	ipctool recv "$id" --raw >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/max" "$BATS_TEST_TMPDIR/out"
	# Through --lines too, as one full-size record among small ones.
	{ echo small; head -c 65536 /dev/zero | tr '\0' y; echo; echo tail; } >"$BATS_TEST_TMPDIR/lines"
	bg_start ipctool send "$id" --lines <"$BATS_TEST_TMPDIR/lines"
	pid=$BG_PID
	ipctool recv "$id" --count 3 >"$BATS_TEST_TMPDIR/out"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	cmp "$BATS_TEST_TMPDIR/lines" "$BATS_TEST_TMPDIR/out"
	# One byte more is refused.
	run_tool send "$id" < <(head -c 65537 /dev/zero)
	assert_only_error 1 send "standard input is more than 65536 bytes, the most message queue id $id can hold \\(msgmax\\)"
}

@test "recv receives a message whole even if msgmax was lowered since it was sent" {
	set_sysctl kernel/msgmax 300000
	set_sysctl kernel/msgmnb 400000
	id=$(ipctool mkq)
	head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/big"
	ipctool send "$id" <"$BATS_TEST_TMPDIR/big"
	ipctool send "$id" after
	echo 8192 >/proc/sys/kernel/msgmax
	# MSG_COPY cannot copy it any more; the queue is not "removed".
	run_tool recv "$id" --peek
	assert_only_error 1 recv "cannot peek at message queue id $id: Invalid argument \\(a message larger than msgmax cannot be copied\\)"
	assert_equal "$(qnum "$id")" 2
	ipctool recv "$id" --raw >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/out"
	run_tool recv "$id"
	assert_success
	assert_output after
}

@test "send to a full queue: --nowait exits 3 at once, nothing sent" {
	id=$(ipctool mkq --max-bytes 10)
	ipctool send "$id" 0123456789
	run_tool send "$id" --nowait more
	assert_only_error 3 send "message queue id $id is full; message 1 was not sent"
	run_tool send "$id" -n < <(printf 'x')
	assert_only_error 3 send "is full; standard input was not sent"
	assert_equal "$(qnum "$id")" 1
	# In a stream, the records that fit stay sent.
	ipctool recv "$id" >/dev/null
	run_tool send "$id" --lines --nowait < <(printf '1234\n5678\nabcd\n')
	assert_only_error 3 send "is full; record 3 was not sent"
	assert_equal "$(qnum "$id")" 2
}

@test "send to a full queue: --timeout exits 3 after about that long" {
	id=$(ipctool mkq --max-bytes 10)
	ipctool send "$id" 0123456789
	t0=$(now_ms)
	run_tool send "$id" --timeout 0.3 more
	t1=$(now_ms)
	assert_only_error 3 send "message queue id $id stayed full until the timeout; message 1 was not sent"
	assert_elapsed 280 "$t0" "$t1"
	assert_equal "$(qnum "$id")" 1
	# --timeout 0 is --nowait.
	run_tool send "$id" --timeout 0 more
	assert_only_error 3 send "is full"
}

@test "send blocks while the queue is full and goes on when room appears" {
	id=$(ipctool mkq --max-bytes 10)
	ipctool send "$id" 0123456789
	bg_start ipctool send "$id" --timeout 5 later
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MSGSND"
	run_tool recv "$id"
	assert_success
	assert_output 0123456789
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	run_tool recv "$id"
	assert_success
	assert_output later
}

@test "send --timeout bounds the wait for room, not the wait for input" {
	id=$(ipctool mkq --max-bytes 10)
	# The input comes after the timeout, to a queue with room: it is sent.
	# (The input's sleep is the scenario, not a wait for something.)
	run --separate-stderr bash -c "(sleep 1; echo hello) | ipctool send $id --timeout 0.3"
	assert_success
	assert_equal "$(qnum "$id")" 1
	# A late record to a full queue: the deadline is past, no more waiting.
	t0=$(now_ms)
	run --separate-stderr bash -c "(echo 123; sleep 1; echo late) | ipctool send $id --lines --timeout 0.3"
	t1=$(now_ms)
	assert_error 3 send "message queue id $id stayed full until the timeout; record 2 was not sent"
	assert_elapsed 280 "$t0" "$t1"
	assert_equal "$(qnum "$id")" 2
}

@test "send of an endless input stops one byte past the queue's limit" {
	id=$(ipctool mkq --max-bytes 100)
	for opts in "" "--timeout 1" "--nowait"; do
		run --separate-stderr timeout 10 bash -c "ipctool send $id $opts </dev/zero"
		assert_only_error 1 send "standard input is more than 100 bytes, the most message queue id $id can hold \\(msg_qbytes\\); nothing was sent"
		run --separate-stderr timeout 10 bash -c "yes 2>/dev/null | ipctool send $id $opts"
		assert_only_error 1 send "standard input is more than 100 bytes"
		run --separate-stderr timeout 10 bash -c "ipctool send $id --lines $opts </dev/zero"
		assert_only_error 1 send "record 1 is more than 100 bytes, the most message queue id $id can hold \\(msg_qbytes\\); nothing was sent"
		run --separate-stderr timeout 10 bash -c "yes 2>/dev/null | ipctool send $id --null $opts"
		assert_only_error 1 send "record 1 is more than 100 bytes"
	done
	assert_equal "$(qnum "$id")" 0
}

@test "send: --nowait with --timeout, and bad --timeout values, are usage errors" {
	id=$(ipctool mkq)
	run_tool send "$id" --nowait --timeout 1 x
	assert_only_error 2 send "--nowait and --timeout contradict each other"
	for bad in -1 abc '' 1e3 0x10 1.2.3 . 1000000001; do
		run_tool send "$id" --timeout="$bad" x
		assert_only_error 2 send "invalid --timeout value '$(re_quote "$bad")'"
	done
	assert_equal "$(qnum "$id")" 0
}

@test "send and recv without permission fail with status 1" {
	need_root
	id=$(ipctool mkq --key 0x31)
	ipctool send "$id" secret
	run --separate-stderr as_nobody ipctool send "$id" x
	assert_only_error 1 send "cannot send to message queue id $id: Permission denied"
	run --separate-stderr as_nobody ipctool recv 0x31
	assert_only_error 1 recv "message queue key 0x00000031: Permission denied"
	run --separate-stderr as_nobody ipctool recv 0x31 --peek
	assert_only_error 1 recv "message queue key 0x00000031: Permission denied"
	assert_equal "$(qnum "$id")" 1
	# With write permission only, sending works; receiving still does not.
	wo=$(ipctool mkq --mode 0622)
	run --separate-stderr as_nobody ipctool send "$wo" hello
	assert_success
	run --separate-stderr as_nobody ipctool recv "$wo"
	assert_only_error 1 recv "Permission denied"
	assert_equal "$(qnum "$wo")" 1
}

@test "a write-only sender still knows the queue's capacity and refuses a message above it" {
	need_root
	id=$(ipctool mkq --mode 0622 --max-bytes 1000)
	big=$(head -c 1500 /dev/zero | tr '\0' a)
	# Without read permission IPC_STAT fails; the capacity must still be
	# known, or the message would wait for room that never comes.
	run --separate-stderr as_nobody ipctool send "$id" --nowait "$big"
	assert_only_error 1 send "message 1 is 1500 bytes, more than message queue id $id can hold \\(1000 bytes, msg_qbytes\\)"
	assert_equal "$(qnum "$id")" 0
}

# ---- recv (ipctool-recv(1), ipctool(1)) -------------------------------------------------

@test "recv --type follows msgrcv: 0 the first, N the first of N, -N the lowest <= N" {
	id=$(ipctool mkq)
	ipctool send "$id" --type 3 c1
	ipctool send "$id" --type 1 a1
	ipctool send "$id" --type 2 b1
	ipctool send "$id" --type 1 a2
	ipctool send "$id" --type 5 e1
	run_tool recv "$id" --type 2
	assert_success
	assert_output b1
	run_tool recv "$id" --type -3
	assert_success
	assert_output a1
	run_tool recv "$id" --type 0
	assert_success
	assert_output c1
	run_tool recv "$id" --type 7 --nowait
	assert_only_error 3 recv "no message on message queue id $id"
	run_tool recv "$id" --type -4 --nowait --json
	assert_success
	assert_output '{"type":1,"size":2,"data":"a2"}'
	run_tool recv "$id" -T 5
	assert_success
	assert_output e1
	assert_equal "$(qnum "$id")" 0
}

@test "recv --except takes the first message not of the type" {
	id=$(ipctool mkq)
	ipctool send "$id" --type 1 a1
	ipctool send "$id" --type 1 a2
	ipctool send "$id" --type 4 d1
	ipctool send "$id" --type 2 b1
	run_tool recv "$id" --type 1 --except --count 2
	assert_success
	assert_output "$(printf 'd1\nb1')"
	run_tool recv "$id" --type 1 --except --nowait
	assert_only_error 3 recv "no message"
	assert_equal "$(qnum "$id")" 2
}

@test "recv --except needs a positive --type; bad --type values are usage errors" {
	id=$(ipctool mkq)
	ipctool send "$id" x
	for args in "--except" "--except --type 0" "--except --type -2"; do
		run_tool recv "$id" $args
		assert_only_error 2 recv "--except needs --type N with N > 0"
	done
	for bad in abc '' 1.5 9223372036854775808 -9223372036854775809 +1 ' 1'; do
		run_tool recv "$id" --type="$bad"
		assert_only_error 2 recv "invalid --type value '$(re_quote "$bad")'"
	done
	assert_equal "$(qnum "$id")" 1
}

@test "recv --count N receives N messages" {
	id=$(ipctool mkq)
	ipctool send "$id" 1 2 3 4 5
	run_tool recv "$id" --count 3
	assert_success
	assert_output "$(printf '1\n2\n3')"
	assert_equal "$(qnum "$id")" 2
	run_tool recv "$id" -c 1
	assert_success
	assert_output 4
	assert_equal "$(qnum "$id")" 1
}

@test "recv --count waits for messages still to come" {
	id=$(ipctool mkq)
	ipctool send "$id" first
	bg_start ipctool recv "$id" --count 2 --timeout 5 >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	wait_for '[ "$(qnum "$id")" = 0 ] && in_kernel_wait $pid $WCHAN_MSGRCV'
	ipctool send "$id" second
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "$(printf 'first\nsecond')"
}

@test "recv --count: malformed counts, and 0 without --peek, are usage errors" {
	id=$(ipctool mkq)
	ipctool send "$id" x
	for bad in abc -1 '' 1.5 0x2 18446744073709551616 +2; do
		run_tool recv "$id" --count="$bad"
		assert_only_error 2 recv "invalid --count value '$(re_quote "$bad")'"
	done
	run_tool recv "$id" --count 0
	assert_only_error 2 recv "--count must be at least 1"
	assert_equal "$(qnum "$id")" 1
}

@test "recv --nowait or --timeout with fewer than --count writes what came, then exits 3" {
	id=$(ipctool mkq)
	ipctool send "$id" a b
	run_tool recv "$id" --count 3 --nowait
	assert_error 3 recv "only 2 of 3 messages arrived from message queue id $id"
	assert_output "$(printf 'a\nb')"
	ipctool send "$id" c
	t0=$(now_ms)
	run_tool recv "$id" --count 2 --timeout 0.3
	t1=$(now_ms)
	assert_error 3 recv "only 1 of 2 messages arrived"
	assert_output c
	assert_elapsed 280 "$t0" "$t1"
	assert_equal "$(qnum "$id")" 0
}

@test "recv --timeout bounds the whole call even while messages are there to take" {
	set_sysctl kernel/msgmnb 4000000
	id=$(ipctool mkq)
	seq 200000 | ipctool send "$id" --lines
	# 200,000 receives take far longer than 0.01 s, so a call bounded as a
	# whole stops with most of them still queued.
	run --separate-stderr ipctool recv "$id" --count 300000 --timeout 0.01 --raw
	assert_equal "$status" 3
	assert_regex "${stderr_lines[0]}" "^ipctool: recv: only [0-9]+ of 300000 messages arrived"
	[ "$(qnum "$id")" -gt 0 ] || fail "the whole queue was drained past the timeout"
}

@test "recv on an empty queue: --nowait exits 3 at once, --timeout after about that long" {
	id=$(ipctool mkq)
	run_tool recv "$id" --nowait
	assert_only_error 3 recv "no message on message queue id $id$"
	t0=$(now_ms)
	run_tool recv "$id" --timeout 0.3
	t1=$(now_ms)
	assert_only_error 3 recv "no message on message queue id $id before the timeout"
	assert_elapsed 280 "$t0" "$t1"
	run_tool recv "$id" --timeout 0
	assert_only_error 3 recv "no message"
	run_tool recv "$id" --timeout=.2
	assert_only_error 3 recv "no message"
}

@test "recv: --nowait with --timeout, and bad --timeout values, are usage errors" {
	id=$(ipctool mkq)
	ipctool send "$id" x
	run_tool recv "$id" --nowait --timeout 1
	assert_only_error 2 recv "--nowait and --timeout contradict each other"
	for bad in -1 '' inf 5s; do
		run_tool recv "$id" --timeout="$bad"
		assert_only_error 2 recv "invalid --timeout value '$(re_quote "$bad")'"
	done
	assert_equal "$(qnum "$id")" 1
}

@test "recv --follow --timeout takes everything, then exits 0 after the silence" {
	id=$(ipctool mkq)
	ipctool send "$id" a b
	# 5 s of silence: c and d, sent after it is seen waiting, come in time
	# however slowly a loaded machine gets to send them.
	bg_start ipctool recv "$id" --follow --timeout 5 >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	pid=$BG_PID
	# c and d each come while it waits, having taken all before them.
	wait_for '[ "$(qnum "$id")" = 0 ] && in_kernel_wait $pid $WCHAN_MSGRCV'
	ipctool send "$id" c
	wait_for '[ "$(qnum "$id")" = 0 ] && in_kernel_wait $pid $WCHAN_MSGRCV'
	td=$(now_ms)
	ipctool send "$id" d
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "$(printf 'a\nb\nc\nd')"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	# The silence counts from the last message.
	assert_elapsed 4950 "$td"
	assert_equal "$(qnum "$id")" 0
}

@test "recv --follow exits 3 when nothing came" {
	id=$(ipctool mkq)
	run_tool recv "$id" --follow --timeout 0.2
	assert_only_error 3 recv "no message on message queue id $id before the timeout"
	run_tool recv "$id" -F --nowait
	assert_only_error 3 recv "no message"
	ipctool send "$id" only
	run_tool recv "$id" --follow --nowait
	assert_success
	assert_output only
}

@test "recv --count with --follow is a usage error" {
	id=$(ipctool mkq)
	ipctool send "$id" x
	run_tool recv "$id" --count 2 --follow
	assert_only_error 2 recv "--count and --follow contradict each other"
	assert_equal "$(qnum "$id")" 1
}

@test "recv output: newline after each message by default, NUL with --null, nothing with --raw" {
	id=$(ipctool mkq)
	ipctool send "$id" one "two
lines" ""
	ipctool recv "$id" --count 3 >"$BATS_TEST_TMPDIR/plain"
	printf 'one\ntwo\nlines\n\n' | cmp - "$BATS_TEST_TMPDIR/plain"
	ipctool send "$id" one "" two
	ipctool recv "$id" --count 3 --null >"$BATS_TEST_TMPDIR/null"
	printf 'one\0\0two\0' | cmp - "$BATS_TEST_TMPDIR/null"
	ipctool send "$id" one "" two
	ipctool recv "$id" --count 3 --raw >"$BATS_TEST_TMPDIR/raw"
	printf 'onetwo' | cmp - "$BATS_TEST_TMPDIR/raw"
}

@test "recv --json writes one valid object per line; non-UTF-8 goes in data_base64" {
	id=$(ipctool mkq)
	ipctool send "$id" --type 7 "quote \" back \\ tab	é"
	printf 'ctl\001\n' | ipctool send "$id"
	head -c 2000 /dev/urandom >"$BATS_TEST_TMPDIR/bin"
	printf '\377' >>"$BATS_TEST_TMPDIR/bin"
	ipctool send "$id" --type 2 <"$BATS_TEST_TMPDIR/bin"
	run_tool recv "$id" --count 3 --json
	assert_success
	assert_equal "${#lines[@]}" 3
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/json"
	run jq -c '[.type, .size, .data]' <(sed -n 1p "$BATS_TEST_TMPDIR/json")
	assert_success
	assert_output '[7,21,"quote \" back \\ tab\té"]'
	run jq -c '[.type, .size, .data]' <(sed -n 2p "$BATS_TEST_TMPDIR/json")
	assert_success
	assert_output '[1,5,"ctl\u0001\n"]'
	run jq -r '[.type, .size, has("data")] | @tsv' <(sed -n 3p "$BATS_TEST_TMPDIR/json")
	assert_success
	assert_output "$(printf '2\t2001\tfalse')"
	sed -n 3p "$BATS_TEST_TMPDIR/json" | jq -r .data_base64 | base64 -d >"$BATS_TEST_TMPDIR/decoded"
	cmp "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/decoded"
}

@test "recv: two output modes together are a usage error" {
	id=$(ipctool mkq)
	ipctool send "$id" x
	for pair in "--null --raw" "--null --json" "--raw --json" "--json --json --raw" "--string --raw" \
		"--json --string --raw" "--hex --raw" "--hex --json" "--string --hex"; do
		run_tool recv "$id" $pair
		assert_only_error 2 recv "--null, --raw, --json, --string and --hex contradict each other"
	done
	assert_equal "$(qnum "$id")" 1
	# The same mode twice is no contradiction.
	run_tool recv "$id" --json -J
	assert_success
	assert_output '{"type":1,"size":1,"data":"x"}'
}

@test "recv --peek shows messages without removing them" {
	id=$(ipctool mkq)
	ipctool send "$id" --type 4 one
	ipctool send "$id" two three
	run_tool recv "$id" --peek
	assert_success
	assert_output one
	run_tool recv "$id" --peek --count 2 --json
	assert_success
	assert_output "$(printf '%s\n' '{"type":4,"size":3,"data":"one"}' '{"type":1,"size":3,"data":"two"}')"
	run_tool recv "$id" --peek --count 0
	assert_success
	assert_output "$(printf 'one\ntwo\nthree')"
	assert_equal "$(qnum "$id")" 3
	run_tool recv "$id" --peek --count 5
	assert_error 3 recv "only 3 of 5 messages arrived"
	assert_output "$(printf 'one\ntwo\nthree')"
	assert_equal "$(qnum "$id")" 3
	run_tool recv "$id" --count 3
	assert_success
	assert_output "$(printf 'one\ntwo\nthree')"
}

@test "recv --peek --count 0 shows more messages than one batch holds" {
	id=$(ipctool mkq --max-bytes 16384)
	seq 1 1500 | ipctool send "$id" --lines
	run_tool recv "$id" --peek --count 0
	assert_success
	assert_equal "${#lines[@]}" 1500
	assert_equal "$output" "$(seq 1 1500)"
	assert_equal "$(qnum "$id")" 1500
}

@test "recv --peek on an empty queue exits 3" {
	id=$(ipctool mkq)
	run_tool recv "$id" --peek
	assert_only_error 3 recv "no message on message queue id $id"
	run_tool recv "$id" --peek --count 0
	assert_only_error 3 recv "message queue id $id is empty"
}

@test "recv --peek with --type, --except, --follow or --timeout is a usage error" {
	id=$(ipctool mkq)
	ipctool send "$id" x
	for args in "--type 1" "--type 0" "--type 2 --except" "--follow" "--timeout 1" "--timeout 0"; do
		run_tool recv "$id" --peek $args
		assert_only_error 2 recv "--peek"
	done
	assert_equal "$(qnum "$id")" 1
}

# ---- nothing lost (ipctool-recv(1), ipctool(1)) -----------------------------------------

@test "recv to /dev/full puts the message back with its type" {
	id=$(ipctool mkq)
	ipctool send "$id" --type 7 keep
	run_tool_to /dev/full recv "$id" --type 7
	assert_error 1 recv "cannot write to standard output: No space left on device; 1 message\\(s\\) put back on message queue id $id"
	assert_equal "$(qnum "$id")" 1
	run_tool recv "$id" --json
	assert_success
	assert_output '{"type":7,"size":4,"data":"keep"}'
	# Several at once go back in order.
	ipctool send "$id" --type 2 a
	ipctool send "$id" --type 3 b
	ipctool send "$id" --type 4 c
	run_tool_to /dev/full recv "$id" --count 3
	assert_error 1 recv "3 message\\(s\\) put back"
	run_tool recv "$id" --count 3 --json
	assert_success
	assert_output "$(printf '%s\n' '{"type":2,"size":1,"data":"a"}' '{"type":3,"size":1,"data":"b"}' \
		'{"type":4,"size":1,"data":"c"}')"
	# A closed stdout too.
	ipctool send "$id" --type 4 closed
	run --separate-stderr bash -c "ipctool recv $id >&-"
	assert_error 1 recv "cannot write to standard output: Bad file descriptor; 1 message\\(s\\) put back"
	run_tool recv "$id" --json
	assert_success
	assert_output '{"type":4,"size":6,"data":"closed"}'
	# A copy made by --peek was never taken: nothing to put back.
	ipctool send "$id" peeked
	run_tool_to /dev/full recv "$id" --peek
	assert_error 1 recv "cannot write to standard output: No space left on device"
	assert_equal "$(qnum "$id")" 1
}

@test "recv into a closed pipe puts back what it could not deliver" {
	id=$(ipctool mkq)
	ipctool send "$id" one two three four five
	run_tool_to_closed_pipe recv "$id" --count 5
	assert_only_error 1 recv "cannot write to standard output: Broken pipe; 5 message\\(s\\) put back on message queue id $id$"
	assert_equal "$(qnum "$id")" 5
	run_tool recv "$id" --count 5
	assert_success
	assert_output "$(printf '%s\n' one two three four five)"
	# Same with a reader that reads nothing.
	ipctool send "$id" six
	run_tool_to_closed_pipe recv "$id" --follow --timeout 0.2
	assert_only_error 1 recv "Broken pipe; 1 message\\(s\\) put back"
	assert_equal "$(qnum "$id")" 1
}

@test "recv blocked in msgrcv and killed by SIGTERM exits 143 and takes nothing" {
	id=$(ipctool mkq)
	bg_start ipctool recv "$id" --count 2 >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MSGRCV"
	ipctool send "$id" first
	# It wrote the first and waits again for the second.
	wait_for '[ "$(cat "$BATS_TEST_TMPDIR/out")" = first ] && in_kernel_wait $pid $WCHAN_MSGRCV'
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" first
	ipctool send "$id" second
	assert_equal "$(qnum "$id")" 1
	# --follow runs until a termination signal, and took what it wrote.
	bg_start ipctool recv "$id" --follow >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	ipctool send "$id" third
	wait_for '[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf "second\nthird")" ] && in_kernel_wait $pid $WCHAN_MSGRCV'
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" "$(printf 'second\nthird')"
	assert_equal "$(qnum "$id")" 0
}

@test "recv blocked writing to a full pipe and killed by SIGTERM puts back what it did not write" {
	set_sysctl kernel/msgmnb 200000
	id=$(ipctool mkq)
	msg=$(head -c 8000 /dev/zero | tr '\0' m)
	for i in $(seq 1 20); do
		ipctool send "$id" "$msg"
	done
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# A reader that leaves the pipe full until recv is killed, then reads it all.
	start_stopped_reader "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/out"
	bg_start ipctool recv "$id" --count 20 >"$BATS_TEST_TMPDIR/fifo" 2>"$BATS_TEST_TMPDIR/err"
	pid=$BG_PID
	# An 8000-byte record waits (in poll) until the pipe can take it whole.
	wait_for "is_stopped $READER && in_kernel_wait $pid 'pipe_write|poll'"
	kill -TERM "$pid"
	kill -CONT "$READER"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	wait_exit "$READER"
	assert_equal "$EXIT_RC" 0
	# Every message is either wholly in the pipe or back on the queue;
	# one cut in the middle by the signal went back too.
	written=$(tr -cd '\n' <"$BATS_TEST_TMPDIR/out" | wc -c)
	[ "$written" -ge 1 ]
	assert_equal $((written + $(qnum "$id"))) 20
	# It dies of the signal, quietly, as a killed command does.
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
}

@test "SIGTERM while the reader is stopped: every message once, whole, in the output or on the queue" {
	set_sysctl kernel/msgmnb 200000
	id=$(ipctool mkq)
	# 1001-byte records, taken as many at a time as 64 KiB holds (72):
	# 65 of them fill a 64 KiB pipe.
	for i in $(seq 100); do printf '%04d%0996d\n' "$i" 0; done >"$BATS_TEST_TMPDIR/in"
	ipctool send "$id" --lines <"$BATS_TEST_TMPDIR/in"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	start_stopped_reader "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/out"
	bg_start ipctool recv "$id" --count 100 --batch 100 >"$BATS_TEST_TMPDIR/fifo" 2>"$BATS_TEST_TMPDIR/err"
	pid=$BG_PID
	wait_for "is_stopped $READER && in_pipe_write $pid"
	kill -TERM "$pid"
	kill -CONT "$READER"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	wait_exit "$READER"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	# No torn record: every line of the output is a whole one.
	run grep -cvx '[0-9]\{1000\}' "$BATS_TEST_TMPDIR/out"
	assert_failure 1
	assert_output 0
	written=$(wc -l <"$BATS_TEST_TMPDIR/out")
	# The first write fills the pipe with 65 whole records; nothing of
	# the 66th is written until the pipe can take it whole.
	[ "$written" -ge 65 ]
	assert_equal $((written + $(qnum "$id"))) 100
	run_tool recv "$id" --nowait --count 100
	# Fewer than asked are left (the reader took at least 66): status 3.
	assert_equal "$status" 3
	{ cat "$BATS_TEST_TMPDIR/out"; printf '%s\n' "$output"; } | sort >"$BATS_TEST_TMPDIR/all"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/all"
}

@test "recv --batch N: a SIGKILL loses at most N messages" {
	set_sysctl kernel/msgmnb 400000
	id=$(ipctool mkq)
	seq -f '%099g' 1000 | ipctool send "$id" --lines
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	start_stopped_reader "$BATS_TEST_TMPDIR/fifo" "$BATS_TEST_TMPDIR/out"
	bg_start ipctool recv "$id" --count 1000 --batch 3 >"$BATS_TEST_TMPDIR/fifo"
	pid=$BG_PID
	wait_for "is_stopped $READER && in_pipe_write $pid"
	kill -KILL "$pid"
	kill -CONT "$READER"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 137
	wait_exit "$READER"
	# What the pipe holds is delivered; of the three the batch held, a part
	# may be in the pipe too, and the rest is gone.
	whole=$(grep -cx '[0-9]\{99\}' "$BATS_TEST_TMPDIR/out")
	[ "$whole" -ge 600 ]
	assert_between 997 1000 $((whole + $(qnum "$id")))
}

@test "recv --batch takes 1 to 65536; --lockstep takes no --batch and no --peek" {
	id=$(ipctool mkq)
	ipctool send "$id" a b c
	for bad in 0 65537 -1 abc '' 1.5; do
		run_tool recv "$id" --batch="$bad"
		assert_only_error 2 recv "invalid --batch value '$(re_quote "$bad")'"
	done
	run_tool recv "$id" --lockstep --batch 1
	assert_only_error 2 recv "--lockstep holds one message at a time; it takes no --batch"
	run_tool recv "$id" --lockstep --peek
	assert_only_error 2 recv "--lockstep paces taking messages; --peek takes none"
	assert_equal "$(qnum "$id")" 3
	run_tool recv "$id" --batch 1 --count 2
	assert_success
	assert_output "$(printf 'a\nb')"
	run_tool recv "$id" --batch 65536 --peek
	assert_success
	assert_output c
}

@test "recv --lockstep: a pipe reader that stops early leaves every message it did not read" {
	set_sysctl kernel/msgmnb 200000
	id=$(ipctool mkq)
	seq 1000 | ipctool send "$id" --lines
	run --separate-stderr bash -c "ipctool recv $id --count 1000 --lockstep | head -n 1"
	assert_success
	assert_output 1
	assert_equal "$(qnum "$id")" 999
	# A reader that never reads: the message written goes back.
	# (The sleep is that reader: it holds the pipe a while, reading nothing.)
	run --separate-stderr bash -c "ipctool recv $id --count 1000 --lockstep | sleep 0.3; exit \${PIPESTATUS[0]}"
	# (A reader gone before the write makes it EPIPE: put back too.)
	assert_error 1 recv "(the reader of standard output went away without reading message 1; it was put back|Broken pipe; 1 message\\(s\\) put back) on message queue id $id"
	assert_equal "$(qnum "$id")" 999
	# A shell loop that breaks out: what it did not read stays.  (Each
	# message put back went to the tail: 2, 3, then 7 are last now.)
	run --separate-stderr bash -c "ipctool recv $id --lockstep --follow | while read -r l; do echo \$l; [ \$l = 6 ] && break; done"
	assert_success
	assert_output "$(printf '4\n5\n6')"
	assert_equal "$(qnum "$id")" 996
	ipctool recv "$id" --count 996 >"$BATS_TEST_TMPDIR/rest"
	{ seq 8 1000; printf '2\n3\n7\n'; } | cmp - "$BATS_TEST_TMPDIR/rest"
}

@test "recv --lockstep on a socket takes the next message only once the peer has read the last" {
	id=$(ipctool mkq)
	ipctool send "$id" one two three
	# The peer reads one message, pauses, looks at the queue, reads the rest.
	run --separate-stderr perl -MSocket -e '
		socketpair(my $w, my $r, AF_UNIX, SOCK_STREAM, 0) or die "socketpair: $!";
		my $pid = fork // die "fork: $!";
		if ($pid == 0) { close $r; open(STDOUT, ">&", $w) or die; exec @ARGV or die "exec: $!" }
		close $w;
		my $first = <$r>;
		select(undef, undef, undef, 0.3);
		open(my $q, "<", "/proc/sysvipc/msg") or die;
		my ($qnum) = map { (split " ")[4] } grep { (split " ")[1] eq $ARGV[2] } <$q>;
		print "read $first", "queued $qnum\n", <$r>;
		waitpid($pid, 0); exit($? >> 8);' ipctool recv "$id" --count 3 --lockstep
	assert_success
	assert_output "$(printf 'read one\nqueued 1\ntwo\nthree')"
}

@test "recv --lockstep notices a reader that went away while it waits for a message" {
	id=$(ipctool mkq)
	ipctool send "$id" one
	run --separate-stderr timeout 10 bash -c "ipctool recv $id --lockstep --follow | head -n 1; exit \${PIPESTATUS[0]}"
	assert_output one
	assert_error 1 recv "the reader of standard output went away; 1 message\\(s\\) written, no more taken from message queue id $id"
	ipctool send "$id" two
	assert_equal "$(qnum "$id")" 1
	# Not a pipe or socket: every write counts as read at once.
	run_tool_to "$BATS_TEST_TMPDIR/out" recv "$id" --lockstep --follow --timeout 0.2
	assert_success
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" two
}

@test "send blocked on a full queue and killed by SIGTERM exits 143" {
	id=$(ipctool mkq --max-bytes 10)
	ipctool send "$id" 0123456789
	bg_start ipctool send "$id" more 2>"$BATS_TEST_TMPDIR/err"
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MSGSND"
	kill -TERM "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 143
	assert_equal "$(qnum "$id")" 1
	run cat "$BATS_TEST_TMPDIR/err"
	assert_success
	assert_output "ipctool: send: interrupted; message 1 was not sent"
}

# ---- timeouts and signals (ipctool-recv(1)) --------------------------------------

@test "a recv --timeout stopped and continued still ends on time" {
	id=$(ipctool mkq)
	check_timeout_survives_stop "$id" "$WCHAN_MSGRCV"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_success
	assert_output "ipctool: recv: no message on message queue id $id before the timeout"
}

@test "a recv --timeout stopped past its deadline ends when continued" {
	id=$(ipctool mkq)
	# 2 s: time enough for a loaded machine to see it wait and stop it.
	bg_start ipctool recv "$id" --timeout 2 2>/dev/null
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MSGRCV"
	kill -STOP "$pid"
	# It started before tb, so its deadline is before tb + 2 s.
	tb=$(now_ms)
	wait_for "is_stopped $pid" || fail "the recv was not stopped before its deadline"
	hold_until $((tb + 2500))
	kill -CONT "$pid"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 3
}

@test "SIGCONT and a handled SIGALRM do not end a recv --timeout or a send --timeout early" {
	id=$(ipctool mkq --max-bytes 1)
	check_waits_survive_cont_and_alrm "$id" "$WCHAN_MSGRCV" "$id" "$WCHAN_MSGSND" --type 9
	assert_equal "$(qnum "$id")" 1
}

# ---- several processes at once -------------------------------------------

@test "four writers and two readers at once: nothing lost, nothing doubled" {
	id=$(ipctool mkq)
	for w in 1 2 3 4; do
		seq -f "w$w-%g" 1 500 >"$BATS_TEST_TMPDIR/in$w"
	done
	# The readers end after 5 s of silence: long enough for a loaded
	# machine to start the writers, so no line comes after both are gone.
	bg_start ipctool recv "$id" --follow --timeout 5 >"$BATS_TEST_TMPDIR/out1"
	r1=$BG_PID
	bg_start ipctool recv "$id" --follow --timeout 5 >"$BATS_TEST_TMPDIR/out2"
	r2=$BG_PID
	writers=()
	for w in 1 2 3 4; do
		bg_start ipctool send "$id" --lines <"$BATS_TEST_TMPDIR/in$w"
		writers+=("$BG_PID")
	done
	for pid in "${writers[@]}"; do
		wait_exit "$pid"
		assert_equal "$EXIT_RC" 0
	done
	# A reader that got nothing (the other took all) exits 3.
	for pid in "$r1" "$r2"; do
		wait_exit "$pid"
		[ "$EXIT_RC" -eq 0 ] || [ "$EXIT_RC" -eq 3 ]
	done
	cat "$BATS_TEST_TMPDIR"/in? | sort >"$BATS_TEST_TMPDIR/want"
	cat "$BATS_TEST_TMPDIR"/out? | sort >"$BATS_TEST_TMPDIR/got"
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/got")" 2000
	assert_equal "$(uniq -d "$BATS_TEST_TMPDIR/got")" ""
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# Each writer's lines arrive in the order it sent them.
	for w in 1 2 3 4; do
		for r in 1 2; do
			{ grep "^w$w-" "$BATS_TEST_TMPDIR/out$r" || true; } | sort -t- -k2 -n -c
		done
	done
	assert_equal "$(qnum "$id")" 0
}

# ---- interop with util-linux ---------------------------------------------

@test "a queue made by ipcmk -Q works with send and recv" {
	id=$(ipcmk -Q | awk '{ print $NF }')
	key=$(qkey "$id")
	run_tool send "$id" from-id
	assert_success
	run_tool send "$key" from-key
	assert_success
	assert_equal "$(qnum "$id")" 2
	run_tool recv "$key" --count 2
	assert_success
	assert_output "$(printf 'from-id\nfrom-key')"
	run_tool mkq "$key"
	assert_success
	assert_output "$id"
}

@test "ipcs -q shows our queue with its key, perms and message count" {
	id=$(ipctool mkq --key 0x5eed --mode 640)
	ipctool send "$id" a bb ccc
	run bash -c "ipcs -q | awk '\$2 == $id { print \$1, \$4, \$5, \$6 }'"
	assert_success
	assert_output "0x00005eed 640 6 3"
}

@test "after ipcrm, send and recv report the queue missing" {
	id=$(ipctool mkq --key 0x66)
	ipcrm -q "$id"
	run_tool send "$id" x
	assert_only_error 1 send "no message queue with id $id"
	run_tool recv "$id"
	assert_only_error 1 recv "no message queue with id $id"
	run_tool send 0x66 x
	assert_only_error 1 send "no message queue with key 0x00000066"
}

@test "a recv blocked on a queue that is removed reports it, status 1" {
	id=$(ipctool mkq)
	bg_start ipctool recv "$id" 2>"$BATS_TEST_TMPDIR/err"
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_MSGRCV"
	ipcrm -q "$id"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 1
	run cat "$BATS_TEST_TMPDIR/err"
	assert_success
	assert_output "ipctool: recv: cannot receive from message queue id $id: it was removed"
}

# ---- constant memory -----------------------------------------------------

@test "send --lines streams in constant memory" {
	# Room for every message, so the sender never waits for a reader.
	set_sysctl kernel/msgmnb 33554432
	seq 1 200000 >"$BATS_TEST_TMPDIR/small"
	seq 1 2000000 >"$BATS_TEST_TMPDIR/large"
	a=$(ipctool mkq)
	b=$(ipctool mkq)
	small=$(/usr/bin/time -f %M ipctool send "$a" --lines <"$BATS_TEST_TMPDIR/small" 2>&1)
	large=$(/usr/bin/time -f %M ipctool send "$b" --lines <"$BATS_TEST_TMPDIR/large" 2>&1)
	assert_equal "$(qnum "$a")" 200000
	assert_equal "$(qnum "$b")" 2000000
	# Ten times the input, at most 1 MiB more resident memory.
	if [ "$large" -gt $((small + 1024)) ]; then
		fail "max RSS grew from $small KiB to $large KiB"
	fi
}
