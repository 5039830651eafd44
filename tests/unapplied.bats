#!/usr/bin/env bats
# mk* on an existing object (ipctool(1), ipctool-recv(1)): it is returned unchanged, and
# one line on stderr says what the command line asked for that it does not
# have.  Only what was asked is compared: no option, no line; the same
# value, no line.

load helpers

bats_require_minimum_version 1.5.0

teardown() {
	common_teardown
}

@test "mkq on an existing queue: a different --mode is named, the same or none says nothing" {
	local q
	q=$(ipctool mkq 0x4d2 --mode 600)
	run_tool mkq 0x4d2 --mode 640
	assert_equal "$status" 0
	assert_equal "$output" "$q"
	assert_error 0 mkq "message queue id $q \(key 0x000004d2\) exists and was left as it is; not applied: --mode 0640 \(it has 0600\)$"
	assert_equal "$(awk -v id="$q" '$2 == id { print $3 }' /proc/sysvipc/msg)" 600
	run_tool mkq 0x4d2 --mode 600
	assert_equal "$stderr" ""
	run_tool mkq 0x4d2
	assert_equal "$stderr" ""
	ipctool mkq /q --mode 600 >/dev/null
	run_tool mkq /q --mode 0644
	assert_equal "$output" /q
	assert_error 0 mkq "POSIX message queue /q exists and was left as it is; not applied: --mode 0644 \(it has 0600\)$"
}

@test "mkshm on an existing segment: --size and --mode that differ are named in one line" {
	local id
	id=$(ipctool mkshm 0x4d2 --size 8K)
	run_tool mkshm 0x4d2 --size 4096 --mode 644
	assert_equal "$output" "$id"
	assert_error 0 mkshm "exists and was left as it is; not applied: --mode 0644 \(it has 0600\), --size 4096 \(it has 8192 bytes\)$"
	run_tool mkshm 0x4d2 --size 8192
	assert_equal "$stderr" ""
	ipctool mkshm /seg --size 100 >/dev/null
	run_tool mkshm /seg --size 50
	assert_error 0 mkshm "POSIX shared memory object /seg exists and was left as it is; not applied: --size 50 \(it has 100 bytes\)$"
	run_tool mkshm /seg --size 100 --mode 600
	assert_equal "$stderr" ""
}

@test "mksem on an existing set: --nsems and --value are named; a set never initialised says so" {
	local id
	id=$(ipctool mksem 0x4d2 --nsems 3 --value 2)
	run_tool mksem 0x4d2 --nsems 2 --value 5
	assert_equal "$output" "$id"
	assert_error 0 mksem "semaphore set id $id \(key 0x000004d2\) exists and was left as it is; not applied: --nsems 2 \(it has 3\), --value 5 \(its values were set already\)$"
	run_tool mksem 0x4d2 --nsems 3
	assert_equal "$stderr" ""
	run_tool mksem 0x4d2
	assert_equal "$stderr" ""
	# A set whose creator never set it up (no semop: sem_otime 0).
	perl -e 'defined semget(0x4d3, 1, 01666) or die "semget: $!"'
	run_tool mksem 0x4d3 --value 1
	assert_error 0 mksem "not applied: --value 1 \(its creator never initialised it\)$"
	ipctool mksem /s --value 1 >/dev/null
	run_tool mksem /s --value 1
	assert_error 0 mksem "POSIX semaphore /s exists and was left as it is; not applied: --value 1 \(its value was set when it was made\)$"
	run_tool mksem /s
	assert_equal "$stderr" ""
}
