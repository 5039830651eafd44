#!/usr/bin/env bats
# send --string / recv --string (ipctool-recv(1)): C's NUL convention, as a C
# program written the way the tutorials write theirs (key 1234, a
# struct msgbuf with a 128-byte text, strlen+1 bytes, mode 0666) expects.

load helpers

bats_require_minimum_version 1.5.0

teardown() {
	common_teardown
}

# The tutorial-style peer, compiled by the test: `peer send TEXT` sends
# TEXT as strlen+1 bytes of type 1; `peer recv` receives one message of
# any type and prints it with printf("%s").
build_peer() {
	cat >"$BATS_TEST_TMPDIR/peer.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

struct msgbuf_text {
	long mtype;
	char mtext[128];
};

int main(int argc, char **argv)
{
	struct msgbuf_text buf;
	int msqid = msgget((key_t)1234, IPC_CREAT | 0666);

	if (msqid < 0 || argc < 2)
		return 1;
	if (strcmp(argv[1], "send") == 0 && argc == 3) {
		buf.mtype = 1;
		strncpy(buf.mtext, argv[2], sizeof(buf.mtext) - 1);
		buf.mtext[sizeof(buf.mtext) - 1] = '\0';
		return msgsnd(msqid, &buf, strlen(buf.mtext) + 1, 0) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "recv") == 0) {
		memset(&buf, 'X', sizeof(buf));
		if (msgrcv(msqid, &buf, sizeof(buf.mtext), 0, 0) < 0)
			return 1;
		printf("%s|\n", buf.mtext);
		return 0;
	}
	return 2;
}
C
	cc -o "$BATS_TEST_TMPDIR/peer" "$BATS_TEST_TMPDIR/peer.c"
}

@test "send --string to a C program: it prints the text, NUL-terminated as strlen+1 bytes" {
	build_peer
	local q
	q=$(ipctool mkq --key 1234 --mode 666)
	run_tool send --key 1234 --string 'hello, C'
	assert_equal "$status" 0
	assert_equal "$(awk -v id="$q" '$2 == id { print $4 }' /proc/sysvipc/msg)" 9
	run "$BATS_TEST_TMPDIR/peer" recv
	assert_equal "$status" 0
	assert_equal "$output" 'hello, C|'
}

@test "recv --string from a C program: the text up to its NUL, then a newline" {
	build_peer
	run "$BATS_TEST_TMPDIR/peer" send 'from C'
	assert_equal "$status" 0
	run "$BATS_TEST_TMPDIR/peer" send 'again'
	assert_equal "$status" 0
	run --separate-stderr bash -c 'ipctool recv --key 1234 --count 2 --string | od -An -c | tr -s " "'
	assert_equal "$status" 0
	assert_equal "$output" "$(printf 'from C\nagain\n' | od -An -c | tr -s ' ')"
	# Without --string the NUL is part of the message.
	"$BATS_TEST_TMPDIR/peer" send 'raw'
	run --separate-stderr bash -c 'ipctool recv --key 1234 --raw | od -An -tx1'
	assert_equal "$output" " 72 61 77 00"
}

@test "send --string with --lines: each line gains a NUL; recv --string stops at the first NUL and without one takes all" {
	local q
	q=$(ipctool mkq 0x4d2)
	printf 'one\ntwo\n' | ipctool send 0x4d2 --lines --string
	printf 'a\0b' | ipctool send 0x4d2
	ipctool send 0x4d2 'no nul'
	run --separate-stderr bash -c 'ipctool recv 0x4d2 --peek --count 0 --raw | od -An -tx1 | tr -d "\n"'
	assert_equal "$output" " 6f 6e 65 00 74 77 6f 00 61 00 62 6e 6f 20 6e 75 6c"
	run_tool recv 0x4d2 --count 4 --string
	assert_equal "$status" 0
	assert_equal "$output" "$(printf 'one\ntwo\na\nno nul')"
}

@test "send --string on a POSIX queue, read back by recv --string" {
	ipctool mkq /s --message-size 4 >/dev/null
	run_tool send /s --string abc
	assert_equal "$status" 0
	run_tool recv /s --string
	assert_equal "$output" abc
	# Its NUL counts against the limit: three bytes and a NUL fit, four do not.
	run_tool send /s --string abcd
	assert_only_error 1 send "message 1 is 5 bytes with its NUL, more than message queue /s can hold \(4 bytes, mq_msgsize\); nothing was sent"
	run --separate-stderr bash -c 'printf abcd | ipctool send /s --string'
	assert_only_error 1 send "standard input is more than 4 bytes with its NUL"
	run_tool recv /s --nowait
	assert_equal "$status" 3
}
