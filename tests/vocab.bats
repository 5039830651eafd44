#!/usr/bin/env bats
# One vocabulary across subcommands, and help that helps: the hints an
# error gives, sizes and counts as lsipc writes them, recv --hex, exact JSON
# strings, sock --connect --timeout and the progress line.
#
# The letters and the --help shape are checked over every subcommand in
# cli.bats; this file has the rest.

load helpers

bats_require_minimum_version 1.5.0

teardown() { common_teardown; }

# ---- hints on the error path --------------------------------------------

@test "an id that is no id but a key: status 1, and the error names the key's object and --key" {
	q=$(ipctool mkq --key 1234)
	run_tool recv 1234 --nowait
	assert_only_error 1 recv "no message queue with id 1234; key 1234 \(0x000004d2\) is message queue id $q: use --key 1234$"
	run_tool send 1234 x
	assert_only_error 1 send "no message queue with id 1234; key 1234 \(0x000004d2\) is message queue id $q: use --key 1234$"
	run_tool list 1234
	assert_only_error 1 list "no IPC object with id 1234; key 1234 \(0x000004d2\) is message queue id $q: use --key 1234$"
	run_tool rm 1234
	assert_only_error 1 rm "no System V object with id 1234; key 1234 \(0x000004d2\) is message queue id $q: use --key 1234$"
	# The kind the subcommand uses is named first when the key has several.
	m=$(ipctool mkshm --key 1234 --size 8)
	run_tool shm-read 1234
	assert_only_error 1 shm-read "key 1234 \(0x000004d2\) is shared memory segment id $m: use --key 1234$"
	# Nothing was taken or removed, and --key does what the hint says.
	run_tool send --key 1234 hello
	assert_success
	run_tool recv --key 1234 --nowait
	assert_output hello
	# No such key: no hint.
	run_tool recv 4321 --nowait
	assert_only_error 1 recv "no message queue with id 4321$"
}

@test "an unknown subcommand suggests the nearest, only when one is near" {
	local word want
	for word in lst:list lsit:list rcev:recv sned:send mkqq:mkq wacth:watch sem_p:sem-p; do
		want=${word#*:}
		run --separate-stderr ipctool "${word%%:*}"
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "ipctool: unknown subcommand '${word%%:*}'; did you mean '$want'?"
		assert_equal "${stderr_lines[1]}" "Try 'ipctool --help' for more information."
		assert_equal "$output" ""
	done
	for word in xyzzy q frobnicate; do
		run --separate-stderr ipctool "$word"
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "ipctool: unknown subcommand '$word'"
	done
}

# ---- sizes and counts -----------------------------------------------------

# RESOURCE and LIMIT of `list --limits` and of `lsipc --global`, one pair a line.
limits_pairs() { ipctool list --limits --raw --noheadings "$@" | awk '{ print $1, $NF }'; }
lsipc_pairs() { lsipc --global --raw --noheadings -o RESOURCE,LIMIT "$@"; }

@test "list --limits writes sizes as lsipc does (16E, 8K, 1.5K, 1B), exact with --bytes" {
	set_sysctl kernel/msgmnb 1536
	run limits_pairs
	assert_success
	assert_line "MSGMNB 1.5K"
	assert_line "SHMMIN 1B"
	assert_line --regexp '^SHMMAX [0-9.]+[KMGTPE]$'
	# Counts stay numbers.
	assert_line --regexp '^MSGMNI [0-9]+$'
	assert_equal "$output" "$(lsipc_pairs)"
	run limits_pairs --bytes
	assert_line "MSGMNB 1536"
	assert_line "SHMMIN 1"
	assert_line "SHMMAX $(cat /proc/sys/kernel/shmmax)"
	assert_equal "$output" "$(lsipc_pairs --bytes)"
	run limits_pairs -b
	assert_line "MSGMNB 1536"
	# JSON has numbers, exact, whatever --bytes says.
	run bash -c "ipctool list --limits --json | jq -r '.limits[] | select(.resource == \"MSGMNB\") | .limit | type, .'"
	assert_output "$(printf 'number\n1536')"
	# The default table too.
	run ipctool list --limits --queues
	assert_line --regexp '^MSGMNB +Default max size of queue \(bytes\) +1.5K$'
}

@test "a count of one is singular: 1 byte, 2 bytes" {
	id=$(ipctool mkshm --size 1)
	run_tool shm-read "$id" --offset 2
	assert_only_error 1 shm-read "past the end of shared memory segment id $id \(1 byte\)$"
	run_tool shm-write "$id" ab
	assert_only_error 1 shm-write "DATA \(2 bytes\) does not fit in shared memory segment id $id \(1 byte\) from offset 0; nothing was written$"
	run_tool shm-read "$id" --offset 0 --length 2
	assert_only_error 1 shm-read "--length of 2 bytes from offset 0 passes the end of shared memory segment id $id \(1 byte\)$"
}
