#!/usr/bin/env bats
# System V semaphores: mksem, sem-p, sem-v (ipctool-mkq(1), ipctool-sem-p(1), ipctool(1)).

load helpers
bats_require_minimum_version 1.5.0

teardown() { common_teardown; }

sem_perms() { awk -v k="$1" '$1 == k { print $3 }' /proc/sysvipc/sem; }
sem_nsems() { awk -v k="$1" '$1 == k { print $4 }' /proc/sysvipc/sem; }

# --- mksem -----------------------------------------------------------------

@test "mksem with a key prints the id alone and makes a 0600 set of one semaphore at 0" {
	run_tool mksem --key 0x4d2
	assert_success
	assert_output --regexp '^[0-9]+$'
	id=$output
	[ "$(sem_perms 1234)" = 600 ]
	[ "$(sem_nsems 1234)" = 1 ]
	[ "$(sem_value "$id")" = 0 ]
}

@test "mksem without a target makes a new private set each time" {
	a=$(ipctool mksem)
	b=$(ipctool mksem)
	[ "$a" != "$b" ]
	[ "$(count_sems)" -eq 2 ]
}

@test "mksem --nsems and --value initialise every semaphore" {
	id=$(ipctool mksem --key 0x4d2 --nsems 3 --value 2)
	[ "$(sem_nsems 1234)" = 3 ]
	for n in 0 1 2; do
		[ "$(sem_value "$id" "$n")" = 2 ]
	done
	id=$(ipctool mksem -N 2 -v 32767)
	[ "$(sem_value "$id" 1)" = 32767 ]
}

@test "mksem marks a new set ready (sem_otime set) so joiners do not wait" {
	id=$(ipctool mksem --key 0x4d2 --value 1)
	run ipcs -s -i "$id"
	assert_success
	refute_output --partial "otime = Not set"
	id=$(ipctool mksem --key 0x4d3)
	run ipcs -s -i "$id"
	assert_success
	refute_output --partial "otime = Not set"
}

@test "mksem --mode sets the permissions exactly, whatever the umask" {
	umask 077
	ipctool mksem --key 0x10 --mode 664
	[ "$(sem_perms 16)" = 664 ]
}

@test "mksem as an unprivileged user accepts any mode, even one that denies its owner, --value too" {
	need_root
	run --separate-stderr as_nobody ipctool mksem --key 0x21 --mode 200
	assert_success
	run --separate-stderr as_nobody ipctool mksem --key 0x22 --mode 0 --nsems 3 --value 2
	assert_success
	id0=$output
	run --separate-stderr as_nobody ipctool mksem --key 0x23 --mode 444 --value 3
	assert_success
	id444=$output
	assert_equal "$(sem_perms 33)" 200
	assert_equal "$(sem_perms 34)" 0
	assert_equal "$(sem_perms 35)" 444
	assert_equal "$(sem_value "$id0" 2)" 2
	assert_equal "$(sem_value "$id444")" 3
	# Made ready by the initialisation: sem-p does not wait for it.
	run_tool sem-p "$id444" --nowait
	assert_success
	assert_equal "$(sem_value "$id444")" 2
}

@test "a later mksem --value returns the set unchanged and does not reset it" {
	a=$(ipctool mksem --key 0x4d2 --value 1)
	ipctool sem-p "$a"
	run --separate-stderr ipctool mksem --key 0x4d2 --value 5 --mode 666
	assert_success
	assert_output "$a"
	assert_equal "$stderr" "ipctool: mksem: semaphore set id $a (key 0x000004d2) exists and was left as it is; not applied: --mode 0666 (it has 0600), --value 5 (its values were set already)"
	[ "$(sem_value "$a")" = 0 ]
	[ "$(sem_perms 1234)" = 600 ]
	[ "$(count_sems)" -eq 1 ]
}

@test "racing mksem --key K --value 1 leaves the value 1" {
	for i in 1 2 3 4 5 6 7 8; do
		bg_start sh -c "ipctool mksem --key 0x4d2 --value 1 >'$BATS_TEST_TMPDIR/id.$i'"
	done
	for pid in "${BG_PIDS[@]}"; do wait "$pid"; done
	BG_PIDS=()
	[ "$(cat "$BATS_TEST_TMPDIR"/id.* | sort -u | wc -l)" -eq 1 ]
	id=$(cat "$BATS_TEST_TMPDIR/id.1")
	[ "$(sem_value "$id")" = 1 ]
	[ "$(count_sems)" -eq 1 ]
}

@test "racing mksem --value 1 then sem-p --nowait: exactly one of eight takes it" {
	for i in 1 2 3 4 5 6 7 8; do
		bg_start sh -c "id=\$(ipctool mksem --key 0x4d2 --value 1) && ipctool sem-p \"\$id\" --nowait 2>/dev/null && echo took >'$BATS_TEST_TMPDIR/took.$i'"
	done
	for pid in "${BG_PIDS[@]}"; do wait "$pid" || true; done
	BG_PIDS=()
	[ "$(cat "$BATS_TEST_TMPDIR"/took.* | wc -l)" -eq 1 ]
	[ "$(sem_value "$(ipctool mksem --key 0x4d2)")" = 0 ]
}

@test "mksem --value on a set never operated on returns it as it is" {
	# A set its creator has not operated on yet: semget alone (perl's
	# builtin), never semop.  01600 is IPC_CREAT | 0600.
	id=$(perl -e 'my $id = semget(0x4d2, 2, 01600); defined $id or die "semget: $!"; print $id')
	key=0x4d2
	start=$(date +%s%N)
	run --separate-stderr ipctool mksem --key "$key" --value 3
	end=$(date +%s%N)
	assert_success
	assert_output "$id"
	assert_regex "$stderr" 'not applied: --value 3 \(its creator never initialised it\)$'
	[ "$(sem_value "$id")" = 0 ]
	[ "$(sem_value "$id" 1)" = 0 ]
	# It waited for the creator (up to 1 s), within wide bounds.
	ms=$(( (end - start) / 1000000 ))
	[ "$ms" -ge 800 ]
	[ "$ms" -lt 10000 ]
}

@test "mksem --value waits for a creator still initialising the set" {
	# A slow creator: semget, 0.3 s, then SETALL to 1 and a semop that
	# sets sem_otime.  A joiner must not hand the set out before that.
	bg_start perl -MIO::Handle -MIPC::SysV=IPC_CREAT,SETALL -e '
		my $id = semget(0x4d2, 1, IPC_CREAT | 0600) // die "semget: $!";
		open(my $f, ">", $ARGV[0]) or die; print $f "$id\n"; close $f;
		select(undef, undef, undef, 0.3);
		semctl($id, 0, SETALL, pack("s!", 1)) or die "setall: $!";
		semop($id, pack("s!*", 0, -1, 0, 0, 1, 0)) or die "semop: $!";' "$BATS_TEST_TMPDIR/creator"
	wait_for '[ -s "$BATS_TEST_TMPDIR/creator" ]'
	run --separate-stderr ipctool mksem --key 0x4d2 --value 5
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/creator")"
	assert_regex "$stderr" 'not applied: --value 5 \(its values were set already\)$'
	run_tool sem-p 0x4d2 --nowait
	assert_success
}

@test "mksem with more --nsems than the existing set fails naming both" {
	ipctool mksem --key 0x4d2 --nsems 2
	run_tool mksem --key 0x4d2 --nsems 3
	assert_error 1 mksem "$(re_quote "semaphore set key 0x000004d2 has 2 semaphores, fewer than --nsems 3")"
	run_tool mksem --key 0x4d2 --nsems 1
	assert_success
}

@test "mksem --exclusive fails on an existing key" {
	ipctool mksem --key 0x4d2
	run_tool mksem --key 0x4d2 --exclusive
	assert_error 1 mksem "$(re_quote "semaphore set key 0x000004d2 already exists")"
	run_tool mksem --key 0x4d3 -X
	assert_success
}

@test "mksem --ftok makes the key ftok(3) gives" {
	run_tool mksem --ftok "$BATS_TEST_TMPDIR:s" --value 1
	assert_success
	id=$output
	run_tool sem-p --ftok "$BATS_TEST_TMPDIR:s" --nowait
	assert_success
	[ "$(sem_value "$id")" = 0 ]
}

@test "mksem never creates by id, nor with key 0" {
	run_tool mksem 5
	assert_error 2 mksem "$(re_quote "never by id")"
	run_tool mksem --key 0
	assert_error 2 mksem "$(re_quote "IPC_PRIVATE")"
	[ "$(count_sems)" -eq 0 ]
}

@test "mksem --nsems 0 and bad numbers are usage errors" {
	run_tool mksem --nsems 0
	assert_error 2 mksem "$(re_quote "--nsems must be at least 1")"
	for bad in -1 abc 1.5 "" 2147483648; do
		run_tool mksem --nsems "$bad"
		assert_error 2 mksem "$(re_quote "invalid --nsems value")"
	done
	for bad in -1 32768 x 1e2; do
		run_tool mksem --value "$bad"
		assert_error 2 mksem "$(re_quote "invalid --value value")"
	done
	run_tool mksem --mode 800
	assert_failure 2
	run_tool mksem --key 1 extra
	assert_failure 2
	[ "$(count_sems)" -eq 0 ]
}

@test "mksem --nsems above semmsl fails naming the limit" {
	run_tool mksem --nsems 2000000
	assert_error 1 mksem "$(re_quote "semmsl")"
}

# --- sem-p / sem-v -------------------------------------------------------------

@test "sem-p decrements and the decrement stays after exit" {
	id=$(ipctool mksem --value 2)
	run_tool sem-p "$id"
	assert_success
	assert_output ""
	[ "$(sem_value "$id")" = 1 ]
	ipctool sem-p "$id"
	[ "$(sem_value "$id")" = 0 ]
}

@test "sem-v increments" {
	id=$(ipctool mksem)
	run_tool sem-v "$id"
	assert_success
	assert_output ""
	[ "$(sem_value "$id")" = 1 ]
}

@test "--num and --count pick the semaphore and the amount" {
	id=$(ipctool mksem --nsems 3)
	ipctool sem-v "$id" --num 2 --count 5
	[ "$(sem_value "$id" 2)" = 5 ]
	[ "$(sem_value "$id" 0)" = 0 ]
	ipctool sem-p "$id" --num 2 -c 3
	[ "$(sem_value "$id" 2)" = 2 ]
	run_tool sem-p "$id" --num 2 --count 3 --nowait
	assert_failure 3
	[ "$(sem_value "$id" 2)" = 2 ]
}

@test "sem-p --nowait exits 3 when it would block" {
	id=$(ipctool mksem)
	run_tool sem-p "$id" --nowait
	assert_error 3 sem-p "$(re_quote "semaphore 0 of semaphore set id $id could not be taken without waiting")"
	run_tool sem-p "$id" --timeout 0
	assert_failure 3
}

@test "sem-p --timeout waits, then exits 3" {
	id=$(ipctool mksem)
	start=$(date +%s%N)
	run_tool sem-p "$id" --timeout 0.3
	end=$(date +%s%N)
	assert_error 3 sem-p "$(re_quote "before the timeout")"
	ms=$(( (end - start) / 1000000 ))
	[ "$ms" -ge 250 ]
	[ "$ms" -lt 10000 ]
}

@test "a waiting sem-p is woken by sem-v" {
	id=$(ipctool mksem)
	bg_start ipctool sem-p "$id" --timeout 30
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_SEM"
	ipctool sem-v "$id"
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	[ "$(sem_value "$id")" = 0 ]
}

@test "sem-p --nowait with --timeout is a usage error" {
	id=$(ipctool mksem --value 1)
	run_tool sem-p "$id" --nowait --timeout 1
	assert_error 2 sem-p "$(re_quote "contradict")"
	[ "$(sem_value "$id")" = 1 ]
}

@test "--count 0 and bad numbers are usage errors that change nothing" {
	id=$(ipctool mksem --value 1)
	for sub in sem-p sem-v; do
		run_tool "$sub" "$id" --count 0
		assert_error 2 "$sub" "$(re_quote "--count must be at least 1")"
		for bad in -1 32768 x ""; do
			run_tool "$sub" "$id" --count "$bad"
			assert_error 2 "$sub" "$(re_quote "invalid --count value")"
		done
		for bad in -1 65536 x; do
			run_tool "$sub" "$id" --num "$bad"
			assert_error 2 "$sub" "$(re_quote "invalid --num value")"
		done
	done
	for bad in -1 x 1e2; do
		run_tool sem-p "$id" --timeout "$bad"
		assert_failure 2
	done
	[ "$(sem_value "$id")" = 1 ]
}

@test "--num out of range fails naming the set's size" {
	id=$(ipctool mksem --nsems 2 --value 1)
	run_tool sem-p "$id" --num 2
	assert_error 1 sem-p "$(re_quote "--num 2 is out of range: semaphore set id $id has 2 semaphores (0 to 1)")"
	run_tool sem-v "$id" --num 7
	assert_error 1 sem-v "$(re_quote "has 2 semaphores")"
}

@test "sem-v past the largest value fails" {
	id=$(ipctool mksem --value 32767)
	run_tool sem-v "$id"
	assert_error 1 sem-v "$(re_quote "32767")"
	[ "$(sem_value "$id")" = 32767 ]
}

@test "sem-p and sem-v need one target" {
	for sub in sem-p sem-v; do
		run_tool "$sub"
		assert_error 2 "$sub" "$(re_quote "missing TARGET")"
		run_tool "$sub" 1 2
		assert_failure 2
		run_tool "$sub" --bogus
		assert_failure 2
	done
}

@test "a missing set or one of another kind is named in the error" {
	run_tool sem-p 0x4d2
	assert_error 1 sem-p "$(re_quote "no semaphore set with key 0x000004d2")"
	run_tool sem-v 999
	assert_error 1 sem-v "$(re_quote "no semaphore set with id 999")"
	ipctool mkshm --key 0x77 --size 10 >/dev/null
	run_tool sem-p --key 0x77
	assert_error 1 sem-p "$(re_quote "(it names a shared memory segment)")"
}

@test "without alter permission sem-p fails 1" {
	need_root
	id=$(ipctool mksem --value 1 --mode 644)
	run as_nobody ipctool sem-p "$id"
	assert_failure 1
	assert_output --partial "Permission denied"
	[ "$(sem_value "$id")" = 1 ]
	id2=$(ipctool mksem --value 1 --mode 666)
	run as_nobody ipctool sem-p "$id2" -- true
	assert_success
}

# --- sem-p -- COMMAND ----------------------------------------------------------

@test "sem-p -- COMMAND holds the semaphore while it runs and releases after" {
	id=$(ipctool mksem --value 1)
	run_tool sem-p "$id" -- sh -c "ipcs -s -i $id | awk '\$1 == \"0\" { print \$2 }'"
	assert_success
	assert_output 0
	[ "$(sem_value "$id")" = 1 ]
}

@test "sem-p -- COMMAND exits with the command's status" {
	id=$(ipctool mksem --value 1)
	run_tool sem-p "$id" -- sh -c 'exit 7'
	assert_failure 7
	[ "$(sem_value "$id")" = 1 ]
	run_tool sem-p "$id" -- sh -c 'kill -TERM $$'
	assert_failure 143
	[ "$(sem_value "$id")" = 1 ]
}

@test "sem-p -- COMMAND: 127 for a missing command, 126 for one not executable" {
	id=$(ipctool mksem --value 1)
	run -127 --separate-stderr ipctool sem-p "$id" -- no-such-command-here
	assert_failure 127
	assert_equal "$stderr" "ipctool: sem-p: no-such-command-here: command not found"
	[ "$(sem_value "$id")" = 1 ]
	printf 'echo hi\n' >"$BATS_TEST_TMPDIR/noexec"
	run_tool sem-p "$id" -- "$BATS_TEST_TMPDIR/noexec"
	assert_failure 126
	assert_equal "$stderr" "ipctool: sem-p: cannot run $BATS_TEST_TMPDIR/noexec: Permission denied"
	[ "$(sem_value "$id")" = 1 ]
}

@test "sem-p -- COMMAND runs it without a shell, arguments verbatim" {
	id=$(ipctool mksem --value 1)
	run_tool sem-p "$id" -- printf '[%s]' '$HOME' --num '*' --
	assert_success
	assert_output '[$HOME][--num][*][--]'
	run_tool sem-p --key 0x1 -- true
	assert_failure 1
	ipctool mksem --key 0x1 --value 1
	run_tool sem-p --key 0x1 --count 1 -- echo keyed
	assert_success
	assert_output keyed
}

@test "sem-p -- with no COMMAND or extra arguments before -- are usage errors" {
	id=$(ipctool mksem --value 1)
	run_tool sem-p "$id" --
	assert_error 2 sem-p "$(re_quote "COMMAND")"
	run_tool sem-p "$id" extra -- true
	assert_error 2 sem-p "$(re_quote "unexpected argument 'extra'")"
	[ "$(sem_value "$id")" = 1 ]
}

@test "sem-p -- COMMAND honours --nowait and --timeout before running it" {
	id=$(ipctool mksem)
	run_tool sem-p "$id" --nowait -- touch "$BATS_TEST_TMPDIR/ran"
	assert_failure 3
	run_tool sem-p "$id" --timeout 0.2 -- touch "$BATS_TEST_TMPDIR/ran"
	assert_failure 3
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
	[ "$(sem_value "$id")" = 0 ]
}

@test "sem-p -- COMMAND starts with default signal dispositions and an empty mask" {
	id=$(ipctool mksem --value 1)
	# The launcher really leaves 32 and 33 ignored (bits 31 and 32).  Only
	# those bits: a suite started in the background (`make check &`)
	# inherits SIGINT and SIGQUIT ignored too.
	run with_libc_signals_ignored awk '/^SigIgn:/ { print $2 }' /proc/self/status
	assert_success
	assert_equal "$(( 0x$output & 0x180000000 ))" "$(( 0x180000000 ))"
	run with_libc_signals_ignored bash -c "trap '' PIPE INT HUP TERM; exec ipctool sem-p $id -- grep -E '^Sig(Ign|Blk):' /proc/self/status"
	assert_success
	assert_line "SigBlk:	0000000000000000"
	assert_line "SigIgn:	0000000000000000"
}

@test "SIGKILL of the holder releases the semaphore" {
	id=$(ipctool mksem --value 1)
	bg_start ipctool sem-p "$id" -- sleep 100
	pid=$BG_PID
	wait_sem_value "$id" 0
	run_tool sem-p "$id" --nowait
	assert_failure 3
	kill -KILL "$pid"
	wait_sem_value "$id" 1
	run_tool sem-p "$id" --nowait
	assert_success
}

@test "SIGKILL of a sem-p still waiting takes nothing" {
	id=$(ipctool mksem)
	bg_start ipctool sem-p "$id" -- true
	pid=$BG_PID
	wait_blocked "$pid" "$WCHAN_SEM"
	kill -KILL "$pid"
	wait_exit "$pid"
	ipctool sem-v "$id"
	[ "$(sem_value "$id")" = 1 ]
}

@test "four jobs incrementing a counter 200 times each under sem-p lose nothing" {
	id=$(ipctool mksem --value 1)
	counter=$BATS_TEST_TMPDIR/counter
	echo 0 >"$counter"
	printf 'read n <"$1"; echo $((n + 1)) >"$1"\n' >"$BATS_TEST_TMPDIR/inc"
	printf 'i=0; while [ $i -lt 200 ]; do ipctool sem-p "$1" -- sh "$2" "$3" || exit 1; i=$((i + 1)); done\n' \
		>"$BATS_TEST_TMPDIR/job"
	for _ in 1 2 3 4; do
		bg_start sh "$BATS_TEST_TMPDIR/job" "$id" "$BATS_TEST_TMPDIR/inc" "$counter"
	done
	for pid in "${BG_PIDS[@]}"; do wait "$pid"; done
	BG_PIDS=()
	[ "$(cat "$counter")" = 800 ]
	[ "$(sem_value "$id")" = 1 ]
}

@test "sem-p --help shows its options and the COMMAND form" {
	run_tool sem-p --help
	assert_success
	assert_output --partial "--timeout"
	assert_output --partial "-- COMMAND"
	run_tool sem-v --help
	assert_success
	assert_output --partial "--count"
}

# --- interop -------------------------------------------------------------------

@test "works with sets from ipcmk -S and shows in ipcs -s -i" {
	id=$(ipcmk -S 2 | awk '{ print $NF }')
	run_tool sem-v "$id" --num 1 --count 4
	assert_success
	[ "$(sem_value "$id" 1)" = 4 ]
	ipctool sem-p "$id" --num 1
	[ "$(sem_value "$id" 1)" = 3 ]
	id2=$(ipctool mksem --key 0x4d2 --nsems 3 --value 7 --mode 640)
	run ipcs -s -i "$id2"
	assert_success
	assert_output --partial "semid=$id2"
	assert_output --partial "mode=0640"
	assert_output --partial "nsems = 3"
}
