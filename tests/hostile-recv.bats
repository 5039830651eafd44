#!/usr/bin/env bats
# recv, recv --exec and the commands that run a COMMAND, against what a
# hostile or unlucky environment does to them (../shared/HOSTILE.md):
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

# A directory uid 65534 can reach, removed in teardown; the test's own
# may not be.
public_dir() {
	PUBDIR=$(mktemp -d /tmp/ipctool-hostile.XXXXXX)
	chmod 755 "$PUBDIR"
}

qnum() { awk -v id="$1" '$2 == id { print $5 }' /proc/sysvipc/msg; }

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

@test "SIGCHLD ignored by the parent: sock --listen --count 1 -- CMD ends once CMD has" {
	bg_start ignoring ipctool sock s --listen --count 1 -- true >out 2>err
	local listener=$BG_PID
	wait_for '[ -S s ]'
	run_tool sock s --connect hello
	assert_equal "$status" 0
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
