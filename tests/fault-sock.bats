#!/usr/bin/env bats
# Faults in sock --connect (ipctool-sock(1)) made with strace's fault
# injection where a real one is hard to time: the peer's socket refusing
# more (EPIPE, as when the listener closed) partway through the input.
# Exit 0 must mean every byte went; a loss is status 1 saying exactly how
# many bytes (or records) were sent, which the listener's output confirms.

load helpers

bats_require_minimum_version 1.5.0

# A safety net only: a hang fails, not blocks CI.
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
	command -v strace >/dev/null || skip "needs strace"
}
teardown() {
	bg_cleanup
	common_teardown
}


# faulty N ARGS...: ipctool ARGS with its Nth sendto failing with EPIPE.
# (LeakSanitizer cannot run under ptrace: off for an ASan build.)
faulty() {
	local n=$1
	shift
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 run --separate-stderr strace -f -qq -o /dev/null -e trace=sendto -e inject=sendto:error=EPIPE:when="$n" \
		ipctool "$@"
}

@test "stream --connect: a send refused partway (EPIPE) is status 1 naming the bytes sent, exactly what the listener got" {
	head -c 4194304 /dev/urandom > in
	listen --count 1
	faulty 3 sock s --connect --timeout 30 < in
	assert_equal "$status" 1
	assert_regex "$stderr" '^ipctool: sock: s closed the connection after [0-9]+ bytes were sent; the rest was not sent$'
	sent=$(sed -E 's/.* after ([0-9]+) bytes .*/\1/' <<<"$stderr")
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(stat -c %s out)" "$sent"
	cmp -n "$sent" in out
}

@test "stream --connect: DATA refused at its first send is status 1 with 0 bytes sent" {
	listen --count 1
	faulty 1 sock s --connect hello
	assert_equal "$status" 1
	assert_equal "$stderr" "ipctool: sock: s closed the connection after 0 bytes were sent; the rest was not sent"
	wait_exit "$LISTENER"
	[ ! -s out ]
}

@test "seqpacket --connect: a record refused (EPIPE) is status 1 naming it; the ones before it arrived" {
	listen --seqpacket --count 1
	faulty 3 sock s --connect --seqpacket one two three four
	assert_equal "$status" 1
	assert_equal "$stderr" "ipctool: sock: s went away before record 3 was sent"
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	run cat out
	assert_output $'one\ntwo'
}
