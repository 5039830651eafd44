#!/usr/bin/env bats
# Pipelines without a shell: pipe-run (ipctool-pipe-run(1), ipctool(1)).

load helpers
bats_require_minimum_version 1.5.0

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
}
teardown() { common_teardown; }


@test "pipe-run connects stages and passes shell metacharacters literally" {
	run_tool pipe-run -- echo 'a|b' '$HOME' '*' ';' '&&' '>x' '`id`' '|' tr a-z A-Z
	assert_success
	assert_output 'A|B $HOME * ; && >X `ID`'
	[ ! -e x ]
	[ ! -e X ]
}

@test "pipe-run runs one stage, with PATH lookup" {
	run_tool pipe-run -- printf '%s-' one two
	assert_success
	assert_output "one-two-"
}

@test "pipe-run passes its stdin to the first stage and stdout from the last" {
	run sh -c 'printf "b\na\n" | ipctool pipe-run -- sort "|" head -n 1'
	assert_success
	assert_output "a"
}

@test "pipe-run exits with the last stage's status: 0, 4, 5" {
	run_tool pipe-run -- sh -c 'exit 4' '|' true
	assert_success
	run_tool pipe-run -- true '|' sh -c 'exit 4'
	assert_failure 4
	run_tool pipe-run -- sh -c 'exit 4' '|' sh -c 'exit 5'
	assert_failure 5
}

@test "--pipefail gives the rightmost failed stage's status" {
	run_tool pipe-run --pipefail -- sh -c 'exit 4' '|' sh -c 'exit 5' '|' true
	assert_failure 5
	run_tool pipe-run --pipefail -- sh -c 'exit 4' '|' true '|' true
	assert_failure 4
	run_tool pipe-run --pipefail -- true '|' true
	assert_success
}

@test "a command not found is 127 with a one-line error naming it" {
	run -127 --separate-stderr ipctool pipe-run -- no-such-command-xyz arg
	assert_failure 127
	assert_equal "$stderr" "ipctool: pipe-run: no-such-command-xyz: command not found"
	run -127 --separate-stderr ipctool pipe-run -- ./no-such-file
	assert_failure 127
	assert_equal "$stderr" "ipctool: pipe-run: cannot run ./no-such-file: No such file or directory"
}

@test "a command that cannot be executed is 126" {
	printf 'x\n' > notexec
	chmod 644 notexec
	run_tool pipe-run -- echo hi '|' ./notexec
	assert_failure 126
	assert_equal "$stderr" "ipctool: pipe-run: cannot run ./notexec: Permission denied"
	mkdir dir
	run_tool pipe-run -- ./dir
	assert_failure 126
}

@test "a stage killed by a signal gives 128+N" {
	run_tool pipe-run -- sh -c 'kill -TERM $$'
	assert_failure 143
	run_tool pipe-run -- true '|' sh -c 'kill -KILL $$'
	assert_failure 137
}

@test "--status prints each stage's status to stderr, in order" {
	run -127 --separate-stderr ipctool pipe-run --status -- yes '|' head -n 1 '|' sh -c 'cat; exit 3' '|' no-such-command-xyz
	assert_failure 127
	assert_equal "${stderr_lines[0]}" "ipctool: pipe-run: no-such-command-xyz: command not found"
	assert_equal "${stderr_lines[1]}" "ipctool: pipe-run: stage 1 (yes): killed by SIGPIPE"
	assert_equal "${stderr_lines[2]}" "ipctool: pipe-run: stage 2 (head): exit 0"
	assert_equal "${stderr_lines[3]}" "ipctool: pipe-run: stage 3 (sh): exit 3"
	assert_equal "${stderr_lines[4]}" "ipctool: pipe-run: stage 4 (no-such-command-xyz): exit 127"
	# Nothing on stdout but the stages' own output.
	run sh -c 'ipctool pipe-run --status -- echo hi 2>/dev/null'
	assert_success
	assert_output "hi"
}

@test "--sep picks another separator; '|' is then an ordinary word" {
	run_tool pipe-run --sep ,, -- echo 'a|b' ,, tr a-z A-Z
	assert_success
	assert_output "A|B"
	run_tool pipe-run --sep=@ -- echo x @ cat
	assert_success
	assert_output "x"
}

@test "stages see the same descriptors as in a shell pipeline" {
	run bash -c 'ls /proc/self/fd | cat'
	assert_success
	expected=$output
	run_tool pipe-run -- ls /proc/self/fd '|' cat
	assert_success
	assert_output "$expected"
	run bash -c 'true | ls /proc/self/fd | cat'
	assert_success
	expected=$output
	run_tool pipe-run -- true '|' ls /proc/self/fd '|' cat
	assert_success
	assert_output "$expected"
}

@test "stages start with default dispositions and an empty mask" {
	run with_libc_signals_ignored bash -c "trap '' PIPE USR1 HUP; ipctool pipe-run -- grep -E '^Sig(Ign|Blk)' /proc/self/status"
	assert_success
	assert_line "SigIgn:	0000000000000000"
	assert_line "SigBlk:	0000000000000000"
	# So yes still dies of SIGPIPE even when ipctool was started ignoring it.
	run bash -c "trap '' PIPE; ipctool pipe-run --status -- yes '|' head -n 1"
	assert_success
	assert_line --partial "stage 1 (yes): killed by SIGPIPE"
}

@test "64 MiB go through three stages with the right byte count" {
	run_tool pipe-run -- head -c 64M /dev/zero '|' cat '|' wc -c
	assert_success
	assert_output 67108864
}

@test "INT, TERM, HUP and QUIT reaching ipctool are passed to every stage" {
	for sig in INT TERM HUP QUIT; do
		# env --default-signal: a background job would start ignoring INT and QUIT.
		bg_start env --default-signal ipctool pipe-run --status -- sleep 60 '|' sleep 60 2>err
		pid=$BG_PID
		# Both stages are sleep already (exec done), not ipctool forks.
		wait_for '[ "$(pgrep -c -x -P "$pid" sleep)" = 2 ]' || fail "the two stages did not start"
		kill -"$sig" "$pid"
		st=0
		wait "$pid" || st=$?
		num=$(kill -l "$sig")
		[ "$st" -eq $((128 + num)) ]
		run cat err
		assert_success
		assert_line "ipctool: pipe-run: stage 1 (sleep): killed by SIG$sig"
		assert_line "ipctool: pipe-run: stage 2 (sleep): killed by SIG$sig"
	done
}

@test "every stage is reaped: no child is left when pipe-run exits" {
	run_tool pipe-run --status -- sh -c 'exit 0' '|' sleep 0.3
	assert_success
	assert_equal "${stderr_lines[0]}" "ipctool: pipe-run: stage 1 (sh): exit 0"
	assert_equal "${stderr_lines[1]}" "ipctool: pipe-run: stage 2 (sleep): exit 0"
}

@test "pipe-run usage errors exit 2 and run nothing" {
	run_tool pipe-run touch x
	assert_error 2 pipe-run "$(re_quote "needs -- before the first COMMAND")"
	run_tool pipe-run --
	assert_error 2 pipe-run "$(re_quote "missing COMMAND")"
	run_tool pipe-run -- '|' touch x
	assert_error 2 pipe-run "$(re_quote "stage 1 is empty")"
	run_tool pipe-run -- touch x '|'
	assert_error 2 pipe-run "$(re_quote "stage 2 is empty")"
	run_tool pipe-run -- touch x '|' '|' touch y
	assert_failure 2
	run_tool pipe-run --sep , -- touch x , , touch y
	assert_failure 2
	run_tool pipe-run extra -- touch x
	assert_error 2 pipe-run "$(re_quote "unexpected argument 'extra'")"
	run_tool pipe-run --sep '' -- touch x
	assert_error 2 pipe-run "invalid --sep value '': expected a non-empty TOKEN"
	# Every --sep given is checked, not only the last one.
	run_tool pipe-run --sep '' --sep , -- touch x
	assert_error 2 pipe-run "invalid --sep value ''"
	run_tool pipe-run --sep
	assert_failure 2
	run_tool pipe-run --bogus -- touch x
	assert_error 2 pipe-run ""
	[ ! -e x ]
	[ ! -e y ]
}

@test "pipe-run --help exits 0" {
	run_tool pipe-run --help
	assert_success
	assert_output --partial "--pipefail"
}
