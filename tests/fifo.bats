#!/usr/bin/env bats
# FIFOs: fifo PATH, --read, --write (ipctool-fifo(1), ipctool(1)).

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
}
teardown() { common_teardown; }


@test "fifo PATH makes a FIFO with mode 0600 and prints nothing" {
	run_tool fifo p
	assert_success
	assert_output ""
	[ -p p ]
	run stat -c %a p
	assert_success
	assert_output 600
}

@test "fifo --mode is applied exactly, whatever the umask" {
	umask 077
	run_tool fifo p --mode 0666
	assert_success
	run stat -c %a p
	assert_success
	assert_output 666
	umask 0
	run_tool fifo q -p 640
	assert_success
	run stat -c %a q
	assert_success
	assert_output 640
}

@test "fifo on an existing FIFO succeeds and leaves its mode alone" {
	mkfifo -m 644 p
	run_tool fifo p --mode 600
	assert_success
	run stat -c %a p
	assert_success
	assert_output 644
}

@test "fifo --exclusive fails on an existing FIFO" {
	mkfifo p
	run_tool fifo p --exclusive
	assert_error 1 fifo "$(re_quote "p already exists")"
	run_tool fifo new -X
	assert_success
	[ -p new ]
}

@test "fifo refuses a regular file and leaves it untouched" {
	printf 'keep me' > f
	chmod 644 f
	run_tool fifo f
	assert_error 1 fifo "$(re_quote "f exists and is a regular file, not a FIFO")"
	[ "$(cat f)" = "keep me" ]
	[ "$(stat -c %a f)" = 644 ]
}

@test "fifo refuses a directory" {
	mkdir d
	run_tool fifo d
	assert_error 1 fifo "$(re_quote "is a directory")"
	[ -d d ]
}

@test "fifo never follows a symlink, dangling or not" {
	ln -s target dangling
	run_tool fifo dangling
	assert_error 1 fifo "$(re_quote "dangling exists and is a symbolic link")"
	[ ! -e target ]
	[ -L dangling ]
	mkfifo real
	ln -s real link
	run_tool fifo link
	assert_failure 1
	run_tool fifo link --write data --nowait
	assert_error 1 fifo "$(re_quote "symbolic link")"
	run_tool fifo link --read --nowait
	assert_error 1 fifo "$(re_quote "symbolic link")"
}

@test "data goes through a FIFO from one job to another" {
	ipctool fifo p
	bg_start ipctool fifo p --write "hello there"
	run_tool fifo p --read --timeout 10
	assert_success
	assert_output "hello there"
}

@test "--write copies standard input byte for byte; --read waits for the writer" {
	ipctool fifo p
	head -c 300000 /dev/urandom > in
	bg_start ipctool fifo p --read --timeout 10 > out
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_FIFO_OPEN"
	run_tool fifo p --write --timeout 10 < in
	assert_success
	wait "$pid"
	cmp in out
}

@test "--read goes on until every writer has closed" {
	ipctool fifo p
	bg_start ipctool fifo p --read > out
	pid=$BG_PID
	# Two writers, one after the other, while the first still holds it open.
	exec 5>p
	printf 'one\n' >&5
	ipctool fifo p --write "two" --timeout 10
	printf 'three\n' >&5
	exec 5>&-
	wait "$pid"
	run cat out
	assert_success
	assert_output "$(printf 'one\ntwothree')"
}

@test "--write --nowait without a reader exits 3" {
	ipctool fifo p
	run_tool fifo p --write data --nowait
	assert_error 3 fifo "$(re_quote "no reader has p open")"
}

@test "--write --timeout without a reader exits 3 and does not hang" {
	ipctool fifo p
	start=$SECONDS
	run timeout 20 ipctool fifo p --write data --timeout 0.3
	assert_failure 3
	assert_output --partial "before the timeout"
	[ $((SECONDS - start)) -lt 10 ]
}

@test "--write --timeout 0 is --nowait" {
	ipctool fifo p
	run timeout 20 ipctool fifo p --write data --timeout 0
	assert_failure 3
}

@test "--read --timeout without a writer exits 3 and does not hang" {
	ipctool fifo p
	run timeout 20 ipctool fifo p --read --timeout 0.3
	assert_failure 3
	assert_output --partial "no writer opened p before the timeout"
}

@test "--read --nowait with nothing written exits 3" {
	ipctool fifo p
	run timeout 20 ipctool fifo p --read --nowait
	assert_failure 3
	assert_output --partial "no writer has data in p"
}

@test "--read --nowait takes data a writer left waiting" {
	ipctool fifo p
	exec 5<>p          # a writer (and reader) that never blocks
	printf 'waiting' >&5
	bg_start ipctool fifo p --read --nowait > out 5>&-
	pid=$BG_PID
	wait_for '[ -n "$(find /proc/$pid/fd -lname "$D/p" 2>/dev/null)" ]'
	exec 5>&-
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 0 ]
	run cat out
	assert_success
	assert_output waiting
}

@test "--write reports a reader that closed early" {
	ipctool fifo p
	bg_start sh -c 'ipctool fifo p --read | head -c 1 >/dev/null'
	run sh -c 'yes | ipctool fifo p --write --timeout 10'
	assert_failure 1
	assert_output --partial "p was closed before all data was written"
}

@test "--read and --write on a missing PATH fail with a hint" {
	run_tool fifo missing --read
	assert_failure 1
	assert_equal "$stderr" "ipctool: fifo: no FIFO missing (create it with 'ipctool fifo missing')"
	run_tool fifo missing --write x
	assert_failure 1
	[ ! -e missing ]
}

@test "--read and --write refuse a regular file and leave it untouched" {
	printf 'keep' > f
	run_tool fifo f --write data --nowait
	assert_error 1 fifo "$(re_quote "regular file")"
	run_tool fifo f --read --nowait
	assert_failure 1
	[ "$(cat f)" = keep ]
}

@test "fifo usage errors exit 2 and touch nothing" {
	for args in "" "p --read --write" "p --mode 644 --read" "p --exclusive --write" \
		    "p --timeout 1" "p --nowait" "p --write --nowait --timeout 1" \
		    "p --read extra" "p --write a b" "p q" "p --mode 999" "p --mode abc" \
		    "p --read --timeout -1" "p --read --timeout x" "p --bogus"; do
		run_tool fifo $args
		assert_error 2 fifo ""
	done
	run_tool fifo ""
	assert_failure 2
	[ ! -e p ]
	[ ! -e q ]
}

@test "fifo --help exits 0" {
	run_tool fifo --help
	assert_success
	assert_output --partial "--read"
}
