#!/usr/bin/env bats
# System V message queues: mkq, send, recv (SPEC §3, §4).

load helpers

teardown() { common_teardown; }

@test "mkq with a key prints the id alone and makes a 0600 queue" {
	run ipctool mkq --key 0x4d2
	assert_success
	assert_output --regexp '^[0-9]+$'
	run awk '$1 == 1234 { print $3 }' /proc/sysvipc/msg
	assert_output 600
}

@test "send then recv round-trips a message" {
	id=$(ipctool mkq)
	run ipctool send "$id" hello
	assert_success
	assert_output ""
	run ipctool recv "$id"
	assert_success
	assert_output hello
}
