#!/usr/bin/env bats
# Races and hostile files around semaphores and shared memory (ipctool-mkq(1), ipctool-shm-write(1)
# §12): a set used while mksem initialises it, files in /dev/shm that are
# not what their name says, and segments truncated under a copy.  Each test
# is bounded in time; a race is repeated so that a window hit 1 time in 100
# fails the test with near certainty, and the verdict of every run is exact.

load helpers
bats_require_minimum_version 1.5.0

teardown() { common_teardown; }

KEY=0x5e
# Semaphore 0 of the set with key $KEY (semctl GETVAL), then the set is
# removed (IPC_RMID): one process for both, as a race runs it many times.
take_value() {
	perl -e 'my $id = semget(hex($ARGV[0]), 0, 0); defined $id or die "semget: $!";
		 my $v = semctl($id, 0, 12, 0); defined $v or die "GETVAL: $!";
		 semctl($id, 0, 0, 0) or die "IPC_RMID: $!"; print $v + 0, "\n"' "$KEY"
}
# /proc/sysvipc/sem shows keys in decimal.
key_exists() { awk -v k="$((KEY))" '$1 == k { f = 1 } END { exit !f }' /proc/sysvipc/sem; }

# sem-v, retried until the set exists: once it succeeds, its 1 is in.
semv_client() {
	for _ in $(seq 2000); do
		ipctool sem-v --key "$KEY" 2>/dev/null && return 0
	done
	return 1
}

# Up to ROUNDS rounds, or until SECS seconds have passed: three sem-v
# clients retrying until the set exists, and at the same time mksem
# --value 5 with the options given; every round must end at 8.  Plain
# commands, not `run`, keep a round to a few milliseconds.
race_mksem() {
	local rounds=$1 secs=$2 v start round c pids
	shift 2
	start=$(now_ms)
	for ((round = 1; round <= rounds; round++)); do
		pids=()
		for c in 1 2 3; do
			semv_client &
			pids+=("$!")
		done
		ipctool mksem --key "$KEY" --value 5 "$@" >/dev/null || fail "round $round: mksem failed"
		for c in "${pids[@]}"; do
			wait "$c" || fail "round $round: a sem-v client never succeeded"
		done
		v=$(take_value)
		[ "$v" = 8 ] || fail "round $round: the value is $v, not 8 (5 plus three sem-v)"
		(( $(now_ms) - start < secs * 1000 )) || break
	done
	echo "# $(( round > rounds ? rounds : round )) rounds" >&3
}

# mksem --value 5 with every semop and semctl held up 300 ms at its entry
# (strace's fault injection): the window between creating the set and
# giving it its values, which is microseconds wide, is then 300 ms wide
# and a client is sure to fall into it.  Returns once the set exists.
slow_mksem() {
	command -v strace >/dev/null || skip "needs strace (fault injection)"
	# LeakSanitizer cannot run under ptrace: an ASan build must not try.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 bg_start strace -f -o /dev/null -e trace=semctl,semop,semtimedop \
		-e inject=semctl,semop,semtimedop:delay_enter=300000 ipctool mksem --key "$KEY" --value 5 "$@" >/dev/null
	MKSEM_PID=${BG_PIDS[-1]}
	wait_for key_exists
}

slow_mksem_done() {
	wait_exit "$MKSEM_PID"
	assert_equal "$EXIT_RC" 0
}

@test "mksem --value racing three sem-v: up to 300 rounds in 12 s, every sem-v is kept" {
	race_mksem 300 12
}

@test "mksem --nsems 30000 --value (more than semopm) racing three sem-v: up to 60 rounds in 10 s, every sem-v is kept" {
	[ "$(awk '{ print $3 }' /proc/sys/kernel/sem)" -lt 30000 ] || skip "semopm is at least 30000"
	race_mksem 60 10 --nsems 30000
}

@test "sem-v in the middle of mksem's initialisation waits for it and adds to the initial value" {
	slow_mksem
	run_tool sem-v --key "$KEY"
	assert_success
	slow_mksem_done
	assert_equal "$(take_value)" 6
}

@test "sem-v in the middle of initialising a set larger than semopm waits and adds to it" {
	slow_mksem --nsems 30000
	run_tool sem-v --key "$KEY"
	assert_success
	slow_mksem_done
	assert_equal "$(take_value)" 6
}

@test "sem-p --nowait in the middle of mksem's initialisation waits for it and takes from the value" {
	slow_mksem
	run_tool sem-p --key "$KEY" --nowait
	assert_success
	slow_mksem_done
	assert_equal "$(take_value)" 4
}

@test "shm-write --lock in the middle of mksem's initialisation waits for it" {
	ipctool mkshm --key 0x77 --size 16 >/dev/null
	slow_mksem
	run_tool shm-write --key 0x77 --lock "$KEY" abc
	assert_success
	slow_mksem_done
	assert_equal "$(take_value)" 5
}

@test "a program that semops as soon as the set exists, without waiting, is not overwritten by mksem" {
	slow_mksem
	run perl -e 'my $id = semget(hex($ARGV[0]), 0, 0); defined $id or die "semget: $!";
		     semop($id, pack("s!3", 0, 1, 0)) or die "semop: $!"' "$KEY"
	assert_success
	slow_mksem_done
	assert_equal "$(take_value)" 6
}

@test "sem-p and sem-v wait up to 1 s for a set never operated on, then take it as it is" {
	# Made by another program without a semop, it is never marked ready.
	id=$(perl -e 'my $id = semget(0, 1, 01600); defined $id or die "semget: $!";
		      semctl($id, 0, 16, 1) or die "SETVAL: $!"; print $id')
	start=$(now_ms)
	run_tool sem-p "$id" --nowait
	assert_success
	assert_between 900 8000 $(( $(now_ms) - start ))
	assert_equal "$(ipcs -s -i "$id" | awk '$1 == "0" { print $2 }')" 0
	# The sem-p marked it: no wait any more.  A wait would make every
	# sem-v take 1 s; a loaded machine may hold up one or two, not all
	# three, so the quickest is what counts.
	best=
	for i in 1 2 3; do
		start=$(now_ms)
		run_tool sem-v "$id"
		assert_success
		took=$(( $(now_ms) - start ))
		[ -n "$best" ] && [ "$best" -le "$took" ] || best=$took
	done
	assert_between 0 800 "$best"
	assert_equal "$(ipcs -s -i "$id" | awk '$1 == "0" { print $2 }')" 3
}

# ---- files in /dev/shm that are not what their name says (ipctool(1)) -------

# Run ipctool ARGS with a 10 s limit: a command that blocks in open(2)
# ends with status 124 instead of hanging the suite.
run_bounded() {
	run --separate-stderr timeout 10 ipctool "$@"
}

@test "a FIFO in /dev/shm: shm-read, shm-write and mkshm refuse it at once, naming it" {
	mkfifo /dev/shm/f
	run_bounded shm-read /f
	assert_only_error 1 shm-read "/f in /dev/shm is a FIFO, not a shared memory segment$"
	run_bounded shm-write /f data
	assert_only_error 1 shm-write "/f in /dev/shm is a FIFO, not a shared memory segment$"
	run_bounded mkshm /f --size 10
	assert_only_error 1 mkshm "/f in /dev/shm is a FIFO, not a shared memory segment$"
	[ -p /dev/shm/f ]
}

@test "a symbolic link in /dev/shm is not followed: status 1 naming it" {
	echo secret > "$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" /dev/shm/l
	run_bounded shm-read /l
	assert_only_error 1 shm-read "/l in /dev/shm is a symbolic link, not a shared memory segment$"
	run_bounded shm-write /l x
	assert_only_error 1 shm-write "/l in /dev/shm is a symbolic link, not a shared memory segment$"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" secret
	ipctool mksem /real --value 2 >/dev/null
	ln -s sem.real /dev/shm/sem.link
	run_bounded sem-v /link
	assert_only_error 1 sem-v "/link in /dev/shm \(sem.link\) is a symbolic link, not a semaphore$"
}

@test "an empty sem.NAME: sem-v and sem-p --nowait give status 1, not SIGBUS" {
	: > /dev/shm/sem.e
	run_bounded sem-v /e
	assert_only_error 1 sem-v "/e in /dev/shm \(sem.e\) is 0 bytes, not a semaphore \(32 bytes\)$"
	run_bounded sem-p /e --nowait
	assert_only_error 1 sem-p "/e in /dev/shm \(sem.e\) is 0 bytes, not a semaphore \(32 bytes\)$"
	run_bounded mksem /e --value 1
	assert_only_error 1 mksem "is 0 bytes, not a semaphore"
	assert_equal "$(stat -c %s /dev/shm/sem.e)" 0
}

@test "100 random bytes in sem.NAME: sem-v gives status 1 naming it, glibc is not reached" {
	head -c 100 /dev/urandom > /dev/shm/sem.g
	run_bounded sem-v /g
	assert_only_error 1 sem-v "/g in /dev/shm \(sem.g\) is 100 bytes, not a semaphore \(32 bytes\)$"
}

@test "sem.NAME of the right size holding no semaphore: status 1 naming it" {
	head -c 32 /dev/zero | tr '\0' '\377' > /dev/shm/sem.ff
	run_bounded sem-v /ff
	assert_only_error 1 sem-v "/ff in /dev/shm \(sem.ff\) does not hold a semaphore: its value or flags are out of range$"
	run_bounded sem-p /ff --nowait
	assert_only_error 1 sem-p "does not hold a semaphore"
}

@test "a FIFO as sem.NAME: mksem and sem-p refuse it at once" {
	mkfifo /dev/shm/sem.q
	run_bounded mksem /q
	assert_only_error 1 mksem "/q in /dev/shm \(sem.q\) is a FIFO, not a semaphore$"
	run_bounded sem-p /q
	assert_only_error 1 sem-p "/q in /dev/shm \(sem.q\) is a FIFO, not a semaphore$"
}

# ---- segments truncated under a copy (ipctool-shm-write(1), ipctool(1)) ------------------------

# Someone waits on POSIX semaphore /$1: glibc counts its waiters in the
# high half of the semaphore's first word (64-bit targets).
posix_waiters() { od -An -t u4 -j 4 -N 4 "/dev/shm/sem.$1" | tr -d ' '; }
posix_value() { od -An -t u4 -N 4 "/dev/shm/sem.$1" | tr -d ' '; }

# Start ipctool ARGS in the background (stdin from $BATS_TEST_TMPDIR/in
# when there is one, stdout to .../out, stderr to .../err) and return once
# it waits for --lock /lk, which is made taken (value 0).
start_blocked_on_lock() {
	ipctool mksem /lk >/dev/null
	[ -e "$BATS_TEST_TMPDIR/in" ] || : >"$BATS_TEST_TMPDIR/in"
	bg_start bash -c 'exec ipctool "$@" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"' \
		_ "$@"
	LOCKED_PID=${BG_PIDS[-1]}
	wait_for '[ "$(posix_waiters lk)" -ge 1 ]'
}

@test "shm-read --hex --lock of a segment truncated before the copy: status 1, the lock given back" {
	ipctool mkshm /big --size 1M >/dev/null
	start_blocked_on_lock shm-read /big --hex --lock /lk
	truncate -s 4096 /dev/shm/big
	ipctool sem-v /lk
	wait_exit "$LOCKED_PID"
	assert_equal "$EXIT_RC" 1
	assert_equal "$(tail -n 1 "$BATS_TEST_TMPDIR/err")" \
		"ipctool: shm-read: shared memory segment /big shrank from 1048576 to 4096 bytes while it was read"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" ""
	assert_equal "$(posix_value lk)" 1
}

@test "shm-read --lock (raw) of a truncated segment: status 1, the lock given back" {
	ipctool mkshm /big --size 1M >/dev/null
	start_blocked_on_lock shm-read /big --lock /lk
	truncate -s 0 /dev/shm/big
	ipctool sem-v /lk
	wait_exit "$LOCKED_PID"
	assert_equal "$EXIT_RC" 1
	assert_equal "$(tail -n 1 "$BATS_TEST_TMPDIR/err")" \
		"ipctool: shm-read: shared memory segment /big shrank from 1048576 to 0 bytes while it was read"
	assert_equal "$(posix_value lk)" 1
}

@test "shm-write --lock into a segment truncated before the copy: status 1, the lock given back" {
	ipctool mkshm /big --size 1M >/dev/null
	head -c 1048576 /dev/zero | tr '\0' x > "$BATS_TEST_TMPDIR/in"
	start_blocked_on_lock shm-write /big --lock /lk
	truncate -s 4096 /dev/shm/big
	ipctool sem-v /lk
	wait_exit "$LOCKED_PID"
	assert_equal "$EXIT_RC" 1
	run tail -n 1 "$BATS_TEST_TMPDIR/err"
	assert_output --regexp "^ipctool: shm-write: shared memory segment /big shrank from 1048576 to 4096 bytes while it was written"
	assert_equal "$(posix_value lk)" 1
}

@test "shm-read --hex and --string while the segment is truncated again and again: status 0 or 1, never a signal" {
	head -c 4194304 /dev/urandom > "$BATS_TEST_TMPDIR/data"
	start=$(now_ms)
	for round in $(seq 20); do
		ipctool mkshm /big --size 4M >/dev/null
		ipctool shm-write /big <"$BATS_TEST_TMPDIR/data"
		for format in --hex --string; do
			bash -c 'exec ipctool shm-read /big '"$format"' >/dev/null 2>"$1"' _ "$BATS_TEST_TMPDIR/err" &
			pid=$!
			truncate -s $((RANDOM * 64)) /dev/shm/big
			wait_exit "$pid"
			case $EXIT_RC in
			0) ;;
			1) assert_regex "$(cat "$BATS_TEST_TMPDIR/err")" "^ipctool: shm-read: shared memory segment /big (shrank|lost pages)" ;;
			*) fail "round $round, $format: status $EXIT_RC ($(cat "$BATS_TEST_TMPDIR/err"))" ;;
			esac
			truncate -s 4M /dev/shm/big
			ipctool shm-write /big <"$BATS_TEST_TMPDIR/data"
		done
		rm /dev/shm/big
		(( $(now_ms) - start < 10000 )) || break
	done
}

# ---- shm-write: all or nothing for every input (ipctool-shm-write(1)) -------------------

# shm-write ARGS with stdin from $BATS_TEST_TMPDIR/grow, held up 2 s
# after it has measured that file (its lseek, strace's fault injection),
# which grows meanwhile by the bytes in $BATS_TEST_TMPDIR/more.  The test
# looks and appends with shell builtins only, so even a loaded machine
# does both well inside the 2 s.
write_while_stdin_grows() {
	local more
	IFS= read -r -d '' more <"$BATS_TEST_TMPDIR/more" || true
	write_while_stdin_changes 'printf "%s" "$more" >>"$BATS_TEST_TMPDIR/grow"' "$@"
}

# The same, changing the file meanwhile with the shell command CHANGE.
write_while_stdin_changes() {
	local change=$1 pid child lseek nr i
	shift
	command -v strace >/dev/null || skip "needs strace (fault injection)"
	case $(uname -m) in
	x86_64) lseek=8 ;;
	aarch64) lseek=62 ;;
	*) skip "lseek's system call number is not known here" ;;
	esac
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 bg_start bash -c 'exec strace -o /dev/null -e trace=lseek -e inject=lseek:delay_exit=2000000 \
		ipctool "$@" <"$BATS_TEST_TMPDIR/grow" 2>"$BATS_TEST_TMPDIR/err"' _ "$@"
	pid=${BG_PIDS[-1]}
	# (strace forks short-lived children of its own first.)
	wait_for "child=\$(pgrep -x -P $pid ipctool)" || fail "strace started no ipctool"
	# ipctool (strace's child) is held in its lseek: /proc/PID/syscall
	# names the call a stopped task is in.
	for ((i = 0; i < 400; i++)); do
		read -r nr _ 2>/dev/null <"/proc/$child/syscall" && [ "$nr" = "$lseek" ] && break
		sleep 0.025
	done
	[ "$nr" = "$lseek" ] || fail "ipctool was not seen held in its lseek"
	eval "$change"
	wait_exit "$pid"
}

@test "shm-write from a regular file that grows past the room while read: status 1, segment unchanged" {
	ipctool mkshm /s --size 100 >/dev/null
	ipctool shm-write /s "$(printf 'o%.0s' {1..100})"
	printf 'n%.0s' {1..60} >"$BATS_TEST_TMPDIR/grow"
	printf 'n%.0s' {1..60} >"$BATS_TEST_TMPDIR/more"
	write_while_stdin_grows shm-write /s
	assert_equal "$EXIT_RC" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" \
		"ipctool: shm-write: standard input (more than 100 bytes) does not fit in shared memory segment /s (100 bytes) from offset 0; nothing was written"
	assert_equal "$(ipctool shm-read /s)" "$(printf 'o%.0s' {1..100})"
}

@test "shm-write from a regular file that grows within the room while read: all of it is written" {
	ipctool mkshm /s --size 100 >/dev/null
	printf 'a%.0s' {1..10} >"$BATS_TEST_TMPDIR/grow"
	printf 'b%.0s' {1..20} >"$BATS_TEST_TMPDIR/more"
	write_while_stdin_grows shm-write /s --string
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	assert_equal "$(ipctool shm-read /s --string)" "$(printf 'a%.0s' {1..10})$(printf 'b%.0s' {1..20})"
}

@test "shm-write from a regular file that shrinks while read: what it then holds is written, the rest unchanged" {
	ipctool mkshm /s --size 100 >/dev/null
	ipctool shm-write /s "$(printf 'o%.0s' {1..100})"
	printf 'n%.0s' {1..60} >"$BATS_TEST_TMPDIR/grow"
	write_while_stdin_changes 'truncate -s 20 "$BATS_TEST_TMPDIR/grow"' shm-write /s
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	assert_equal "$(ipctool shm-read /s)" "$(printf 'n%.0s' {1..20})$(printf 'o%.0s' {1..80})"
}

# strace's number, among all read(2) calls of `ipctool ARGS <FILE` (the
# loader's too), of its Nth read of standard input, from a run that
# injects nothing.
stdin_read_number() {
	local n=$1 file=$2
	shift 2
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -o "$BATS_TEST_TMPDIR/reads" -e trace=read ipctool "$@" <"$file" 2>/dev/null
	awk -v n="$n" '/^read\(/ { k++ } /^read\(0,/ && ++m == n { print k; exit }' "$BATS_TEST_TMPDIR/reads"
}

@test "shm-write from a regular file whose read fails after the data went in: status 1, segment unchanged" {
	command -v strace >/dev/null || skip "needs strace (fault injection)"
	head -c 1048576 /dev/urandom >"$BATS_TEST_TMPDIR/old"
	head -c 1000000 /dev/urandom >"$BATS_TEST_TMPDIR/new"
	ipctool mkshm /s --size 1M >/dev/null
	ipctool mkshm --key 0x5301 --size 1M >/dev/null
	for seg in /s 0x5301; do
		# The first read of stdin takes all of the file into the segment;
		# the second, which looks for more, fails.
		k=$(stdin_read_number 2 "$BATS_TEST_TMPDIR/new" shm-write "$seg" --string)
		[ -n "$k" ] || fail "$seg: no second read of standard input"
		ipctool shm-write "$seg" <"$BATS_TEST_TMPDIR/old"
		# LeakSanitizer cannot run under strace (ptrace).
		run --separate-stderr env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -o /dev/null -e trace=read -e inject=read:error=EIO:when="$k" \
			ipctool shm-write "$seg" --string <"$BATS_TEST_TMPDIR/new"
		assert_equal "$status" 1
		assert_equal "$stderr" "ipctool: shm-write: cannot read standard input; nothing was written: Input/output error"
		ipctool shm-read "$seg" | cmp - "$BATS_TEST_TMPDIR/old"
	done
}
