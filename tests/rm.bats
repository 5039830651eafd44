#!/usr/bin/env bats
# rm: remove by TARGET, or by selection with --all (ipctool-list(1), ipctool(1)).

load helpers

teardown() { common_teardown; }



@test "rm ID removes the one object with that id, silently" {
	ipcmk -M 10 >/dev/null
	echo 555 > /proc/sys/kernel/msg_next_id
	id=$(ipctool mkq)
	run_tool rm "$id"
	assert_success
	assert_output ""
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_shm)" -eq 1 ]
}

@test "rm 0xKEY, --key and repeated --key/--ftok remove each" {
	touch "$BATS_TEST_TMPDIR/f"
	ipctool mkq --key 0x10 >/dev/null
	ipctool mkq --key 0x11 >/dev/null
	ipctool mkq --key 0x12 >/dev/null
	ipctool mkq --ftok "$BATS_TEST_TMPDIR/f:z" >/dev/null
	perl -e 'defined shmget(0x13, 10, 01600) or die "shmget: $!"'
	run_tool rm 0x10
	assert_success
	run_tool rm --key 17 --key 0x12 --ftok "$BATS_TEST_TMPDIR/f:z" 0x13
	assert_success
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_shm)" -eq 0 ]
}

@test "an id in several kinds is refused, naming the kinds and options; nothing goes" {
	same_id msg shm sem
	run_tool rm 777
	assert_failure 1
	assert_equal "$stderr" "ipctool: rm: id 777 names a message queue, a shared memory segment and a semaphore set: add --queues or --shm or --sems to say which"
	[ "$(count_queues)" -eq 1 ]
	[ "$(count_shm)" -eq 1 ]
	[ "$(count_sems)" -eq 1 ]
}

@test "a kind option says which: --queue, --queues, --shm, --sem, --sems" {
	same_id msg shm sem
	run_tool rm 777 --shm
	assert_success
	[ "$(count_shm)" -eq 0 ]
	[ "$(count_queues)" -eq 1 ]
	[ "$(count_sems)" -eq 1 ]
	run_tool rm 777 --queues
	assert_success
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_sems)" -eq 1 ]
	run_tool rm 777 --sems
	assert_success
	[ "$(count_sems)" -eq 0 ]
	same_id msg sem
	run_tool rm 777 --queues
	assert_success
	run_tool rm 777 --sems
	assert_success
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_sems)" -eq 0 ]
}

@test "two kind options still refuse an id both use" {
	same_id msg shm
	run_tool rm 777 --queues --shm
	assert_error 1 rm "$(re_quote "add --queues or --shm")"
}

@test "a kind option that misses says what the id names" {
	id=$(ipctool mkq)
	run_tool rm "$id" --shm
	assert_failure 1
	assert_equal "$stderr" "ipctool: rm: no shared memory segment with id $id (it names a message queue)"
	[ "$(count_queues)" -eq 1 ]
}

@test "rm goes on after a failure, exits 1 and names each failure" {
	a=$(ipctool mkq --key 0x21)
	b=$(ipctool mkq --key 0x22)
	run_tool rm "$a" 99999 0x77 "$b"
	assert_failure 1
	assert_stderr_line "ipctool: rm: no System V object with id 99999"
	assert_stderr_line "ipctool: rm: no System V object with key 0x00000077"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "$(count_queues)" -eq 0 ]
}

@test "the same object named twice is removed once" {
	id=$(ipctool mkq --key 0x31)
	run_tool rm "$id" 0x31 --key 0x31
	assert_success
	[ "$(count_queues)" -eq 0 ]
}

@test "rm --all --queues removes 2000 queues and nothing else" {
	make_queues 2000
	ipcmk -M 10 >/dev/null; ipcmk -S 1 >/dev/null
	run_tool rm --all --queues
	assert_success
	[ "$(count_queues)" -eq 0 ]
	[ "$(ipcs -q | grep -c '^0x')" -eq 0 ]
	[ "$(count_shm)" -eq 1 ]
	[ "$(count_sems)" -eq 1 ]
}

# rm with a /proc/sysvipc/msg that still lists a queue someone removed
# since: the moment between rm's listing and its IPC_RMID, made certain.
rm_with_stale_listing() {
	run --separate-stderr unshare --mount --propagation private sh -c \
		'mount -t tmpfs none /proc/sysvipc && printf "%s\n" "$1" >/proc/sysvipc/msg && shift &&
		 exec ipctool rm "$@"' _ "$listing" "$@"
}

@test "rm --all: an object that vanished after it was listed is no failure" {
	ipctool mkq --key 0x61 >/dev/null
	gone=$(ipctool mkq --key 0x62)
	listing=$(cat /proc/sysvipc/msg)
	run ipcrm -q "$gone"
	assert_success
	rm_with_stale_listing --all --queues
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(count_queues)" 0
}

@test "rm TARGET that vanished after it was listed is still status 1" {
	ipctool mkq --key 0x61 >/dev/null
	gone=$(ipctool mkq --key 0x62)
	listing=$(cat /proc/sysvipc/msg)
	run ipcrm -q "$gone"
	assert_success
	rm_with_stale_listing "$gone" 0x61
	assert_error 1 rm "cannot remove message queue id $gone .*: it is gone"
	assert_equal "$(count_queues)" 0
}

@test "rm --all with no kind removes every System V kind" {
	ipcmk -Q >/dev/null; ipcmk -M 10 >/dev/null; ipcmk -S 1 >/dev/null
	run_tool rm --all
	assert_success
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_shm)" -eq 0 ]
	[ "$(count_sems)" -eq 0 ]
}

@test "rm --all --shm --sems keeps queues; --sysv is the same family" {
	ipcmk -Q >/dev/null; ipcmk -M 10 >/dev/null; ipcmk -S 1 >/dev/null
	run_tool rm --all --shm --sems --sysv
	assert_success
	[ "$(count_queues)" -eq 1 ]
	[ "$(count_shm)" -eq 0 ]
	[ "$(count_sems)" -eq 0 ]
}

@test "rm --all --user removes only that user's objects" {
	need_root
	ipcmk -Q >/dev/null; ipcmk -M 10 >/dev/null
	as_nobody ipcmk -Q >/dev/null; as_nobody ipcmk -M 10 >/dev/null
	run_tool rm --all --queues --user nobody
	assert_success
	run_tool list --sysv -r --noheadings -o OWNER --queues
	assert_success
	assert_output root
	run_tool list --sysv -r --noheadings -o OWNER --shm
	assert_success
	assert_output "root
nobody"
	run_tool rm --all --user 65534
	assert_success
	[ "$(count_shm)" -eq 1 ]
	[ "$(count_queues)" -eq 1 ]
}

@test "--dry-run prints one 'would remove' line per object and removes nothing" {
	make_queues 20
	ipcmk -M 10 >/dev/null
	run --separate-stderr ipctool rm --all --queues --dry-run
	assert_success
	[ "${#lines[@]}" -eq 20 ]
	for line in "${lines[@]}"; do
		assert_regex "$line" '^would remove message queue id [0-9]+ \((key 0x[0-9a-f]{8}|private)\)$'
	done
	assert_equal "$stderr" ""
	[ "$(count_queues)" -eq 20 ]
	[ "$(count_shm)" -eq 1 ]
	id=$(ipctool list --shm -r --noheadings -o ID)
	run_tool rm "$id" --dry-run
	assert_success
	assert_output --regexp "^would remove shared memory segment id $id \\(key 0x[0-9a-f]{8}\\)\$"
	[ "$(count_shm)" -eq 1 ]
}

@test "--dry-run of several kinds: a line for each object, nothing else" {
	q=$(ipctool mkq --key 0x51); s=$(ipctool mksem --key 0x52 --nsems 2)
	run_tool rm --all --dry-run
	assert_success
	assert_output "would remove message queue id $q (key 0x00000051)
would remove semaphore set id $s (key 0x00000052)"
	[ "$(count_queues)" -eq 1 ]
	[ "$(count_sems)" -eq 1 ]
}

@test "rm --verbose: one 'removed' line per object on stdout; without it nothing" {
	q=$(ipctool mkq --key 0x53); m=$(ipctool mkshm --key 0x54 --size 8)
	ipctool mkshm /vshm --size 8 >/dev/null
	run --separate-stderr ipctool rm --verbose 0x53 /vshm
	assert_success
	assert_output "removed message queue id $q (key 0x00000053)
removed POSIX shared memory object /vshm"
	assert_equal "$stderr" ""
	run --separate-stderr ipctool rm --all --verbose
	assert_success
	assert_output "removed shared memory segment id $m (key 0x00000054)"
	q=$(ipctool mkq)
	run --separate-stderr ipctool rm "$q"
	assert_success
	assert_output ""
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_shm)" -eq 0 ]
}

@test "--dry-run still reports a missing TARGET" {
	run_tool rm 4242 --dry-run
	assert_failure 1
	assert_equal "$stderr" "ipctool: rm: no System V object with id 4242"
}

@test "permission denied as another user: status 1, object intact" {
	need_root
	id=$(ipctool mkq)
	run as_nobody ipctool rm "$id"
	assert_failure 1
	assert_output "ipctool: rm: cannot remove message queue id $id (private): Operation not permitted"
	[ "$(count_queues)" -eq 1 ]
	run as_nobody ipctool rm --all
	assert_failure 1
	[ "$(count_queues)" -eq 1 ]
}

@test "nobody's rm --all --user nobody removes only nobody's" {
	need_root
	ipcmk -Q >/dev/null
	as_nobody ipcmk -Q >/dev/null
	run as_nobody ipctool rm --all --user nobody
	assert_success
	run_tool list --sysv -q -r --noheadings -o OWNER
	assert_success
	assert_output root
}

@test "usage errors change nothing" {
	id=$(ipctool mkq)
	run_tool rm
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "ipctool: rm: missing TARGET (an id, 0xKEY, /name, --key or --ftok), or --all"
	assert_equal "${stderr_lines[1]}" "Try 'ipctool rm --help' for more information."
	run_tool rm --all "$id"
	assert_failure 2
	run_tool rm "$id" --user root
	assert_failure 2
	run_tool rm --all --user no-such-user-here
	assert_failure 2
	run_tool rm "$id" 12abc
	assert_failure 2
	assert_regex "${stderr_lines[0]}" "$(re_quote "'12abc'")"
	run_tool rm --key 0
	assert_failure 2
	run_tool rm --key zz
	assert_failure 2
	run_tool rm --ftok /etc:0
	assert_failure 2
	run_tool rm "$id" --bogus
	assert_failure 2
	[ "$(count_queues)" -eq 1 ]
}

@test "a missing --ftok path is status 1" {
	run_tool rm --ftok /no/such/file
	assert_error 1 rm "$(re_quote "/no/such/file")"
}

@test "rm --help shows the options" {
	run_tool rm --help
	assert_success
	for opt in --queues --shm --sems --all --user --sysv --posix --dry-run --key --ftok; do
		assert_output --partial -- "$opt"
	done
}

@test "bash completion offers the ids and keys of every kind for rm and list" {
	perl -e 'defined shmget(0x4d2, 10, 01600) or die; defined semget(0x4d3, 1, 01600) or die'
	q=$(ipctool mkq)
	run bash_complete ipctool rm "$q" 0x
	assert_success
	assert_line 0x000004d2
	assert_line 0x000004d3
	run bash_complete ipctool list ""
	assert_success
	assert_line "$q"
	run bash_complete ipctool list --output N
	assert_success
	assert_line NATTCH
	assert_line NSEMS
}

@test "rm: --ns and --older-than are named however written; every value given is checked, not only the last" {
	run_tool rm --ns x --ns 1 --key 0x4d2
	assert_error 2 rm "invalid --ns value 'x': expected a process id, a whole number from 1 to 2147483647$"
	run_tool rm --all --older-than 5x --older-than 1d
	assert_error 2 rm "invalid --older-than value '5x': expected a whole number and a unit"
	run_tool rm -k zz
	assert_error 2 rm "invalid --key value 'zz'"
	# --older-than's last value is the one taken: the queue is idle 0s
	# or more, not a day.
	q=$(ipctool mkq)
	run_tool rm --all --older-than 1d --older-than 0s --dry-run
	assert_success
	assert_output "would remove message queue id $q (private)"
	run_tool rm --all --older-than 0s --older-than 1d --dry-run
	assert_success
	assert_output ""
	run_tool rm "$q"
	assert_success
}
