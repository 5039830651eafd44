#!/usr/bin/env bats
# list: tables, JSON, one object in detail, limits and usage (ipctool-list(1)).

load helpers

teardown() { common_teardown; }

@test "list with no option shows every kind under a title" {
	ipcmk -Q >/dev/null; ipcmk -M 4096 >/dev/null; ipcmk -S 2 >/dev/null
	run_tool list
	assert_success
	assert_line "Message queues:"
	assert_line "Shared memory segments:"
	assert_line "Semaphore sets:"
	assert_line --regexp '^KEY +ID PERMS +OWNER USEDBYTES MSGS LSPID LRPID$'
	assert_line --regexp '^KEY +ID PERMS +OWNER SIZE NATTCH STATUS CTIME +CPID +LPID$'
	assert_line --regexp '^KEY +ID PERMS +OWNER NSEMS$'
}

@test "an empty kind under a title says none" {
	ipcmk -Q >/dev/null
	run_tool list
	assert_success
	assert_line "Shared memory segments: none"
	assert_line "POSIX shared memory: none"
	run_tool list --sysv --shm
	assert_success
	assert_output ""
}

@test "2000 queues: list counts and ids match ipcs and lsipc" {
	make_queues 2000
	run_tool list --queues --noheadings
	assert_success
	[ "${#lines[@]}" -eq 2000 ]
	[ "$(ipcs -q | grep -c '^0x')" -eq 2000 ]
	diff <(ipctool list -q -r --noheadings -o ID) <(lsipc -q -r --noheadings -o ID)
	diff <(ipctool list -q -r --noheadings -o ID | sort -n) <(ipcs -q | awk '/^0x/ { print $2 }' | sort -n)
}

@test "a table into a pipe is what libsmartcols prints on a terminal, 2000 queues over two chunks" {
	make_queues 2000
	ipcmk -M 4096 >/dev/null; ipcmk -M 100000 >/dev/null; ipcmk -S 3 >/dev/null
	ipctool send "$(ipcs -q | awk '/^0x/ { print $2; exit }')" "a message"
	# On a terminal libsmartcols prints the table (as wide as the
	# terminal allows); into a pipe ipctool prints it itself.
	for args in "--sysv" "--sysv --shm --noheadings" "--sysv --queues -o ID,MSGS,OWNER"; do
		script -qec "stty cols 2000; ipctool list $args" /dev/null | tr -d '\r' >"$BATS_TEST_TMPDIR/tty"
		ipctool list $args >"$BATS_TEST_TMPDIR/pipe"
		[ -s "$BATS_TEST_TMPDIR/pipe" ] || fail "list $args printed nothing"
		diff "$BATS_TEST_TMPDIR/tty" "$BATS_TEST_TMPDIR/pipe" || fail "list $args differs"
	done
}

@test "queue fields match lsipc's" {
	make_queues 300
	ipcmk -Q -p 0640 >/dev/null
	id=$(ipctool mkq --key 0x1234)
	ipctool send "$id" hello there
	cols=KEY,ID,PERMS,OWNER,USEDBYTES,MSGS,LSPID,LRPID,CUID,CGID,UID,GID,USER,GROUP,CUSER,CGROUP
	diff <(ipctool list -q -r -o $cols) <(lsipc -q -r -b -o $cols)
}

@test "shared memory fields match lsipc's, 1000 segments" {
	make_shms 1000
	cols=KEY,ID,PERMS,OWNER,SIZE,NATTCH,CPID,LPID
	diff <(ipctool list -m -r -o $cols) <(lsipc -m -r -b -o $cols)
	[ "$(ipctool list --shm --noheadings | wc -l)" -eq "$(ipcs -m | grep -c '^0x')" ]
}

@test "semaphore fields match lsipc's, 500 sets" {
	make_sems 500
	cols=KEY,ID,PERMS,OWNER,NSEMS
	diff <(ipctool list -s -r -o $cols) <(lsipc -s -r -o $cols)
	[ "$(ipctool list --sems --noheadings | wc -l)" -eq 500 ]
}

@test "--json is one document with numbers as numbers and times twice" {
	make_queues 50
	ipcmk -M 4096 >/dev/null; ipcmk -S 2 >/dev/null
	run_tool list --json
	assert_success
	echo "$output" | jq -e '.messages | length == 50'
	echo "$output" | jq -e '.messages[0].id | type == "number"'
	echo "$output" | jq -e '.messages[0].key | type == "string"'
	echo "$output" | jq -e '.sharedmemory[0].size == 4096'
	echo "$output" | jq -e '.sharedmemory[0].ctime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$")'
	echo "$output" | jq -e '.sharedmemory[0].ctime_epoch | type == "number"'
	echo "$output" | jq -e '.semaphores[0].nsems == 2'
}

@test "--json of one kind holds that kind alone; empty is an empty array" {
	run_tool list --sysv --queues --json
	assert_success
	echo "$output" | jq -e '. == {"messages": []}'
	run_tool list --queues --json
	assert_success
	echo "$output" | jq -e '. == {"messages": [], "posixmessages": []}'
}

@test "--json times: unset is null, set matches ctime_epoch" {
	id=$(ipctool mkq)
	run_tool list -q --json -o ID,SEND,CTIME
	assert_success
	echo "$output" | jq -e '.messages[0].send == null and .messages[0].send_epoch == null'
	epoch=$(awk -v id="$id" '$2 == id { print $14 }' /proc/sysvipc/msg)
	echo "$output" | jq -e --argjson e "$epoch" '.messages[0].ctime_epoch == $e'
}

@test "--raw: space-separated, TYPE first when several kinds" {
	ipcmk -Q >/dev/null; ipcmk -S 1 >/dev/null
	run_tool list --raw
	assert_success
	assert_line "TYPE KEY ID PERMS OWNER USEDBYTES MSGS LSPID LRPID"
	assert_line --regexp '^queue 0x[0-9a-f]{8} [0-9]+ rw-r--r-- root 0 0 0 0$'
	assert_line --regexp '^sem 0x[0-9a-f]{8} [0-9]+ rw-r--r-- root 1$'
	run_tool list --sysv --queues --raw
	assert_success
	refute_line --partial TYPE
}

@test "--export prints NAME=\"value\" pairs" {
	id=$(ipctool mkq --key 0x77)
	run_tool list -q --export -o KEY,ID,MSGS
	assert_success
	assert_output "KEY=\"0x00000077\" ID=\"$id\" MSGS=\"0\""
}

@test "--noheadings drops headers and titles" {
	ipcmk -Q >/dev/null; ipcmk -M 10 >/dev/null
	run_tool list --noheadings
	assert_success
	refute_line --partial KEY
	refute_line --partial "Message queues"
	[ "${#lines[@]}" -eq 2 ]
}

@test "--output picks columns, case-insensitive, in order" {
	id=$(ipctool mkq --key 0x55)
	run_tool list -q -r -o id,key
	assert_success
	assert_output "ID KEY
$id 0x00000055"
}

@test "--output +COLS adds to the default columns" {
	ipctool mkq >/dev/null
	run_tool list --sysv -q -o +CTIME,QBYTES
	assert_success
	assert_line --index 0 --regexp '^KEY +ID PERMS +OWNER USEDBYTES MSGS LSPID LRPID CTIME +QBYTES$'
}

@test "--output of kind columns alone picks that kind" {
	ipcmk -Q >/dev/null; ipcmk -M 8192 >/dev/null
	run_tool list -r -o ID,SIZE
	assert_success
	assert_output --regexp '^ID SIZE
[0-9]+ 8192$'
}

@test "--output with a column of another kind is a usage error" {
	run_tool list --queues -o SIZE
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "ipctool: list: column SIZE is not shown for message queues (it belongs to shared memory segments)"
	assert_regex "${stderr_lines[1]}" "$(re_quote "Try 'ipctool list --help'")"
}

@test "an unknown column is a usage error listing the valid ones" {
	run_tool list -o KEY,NOPE
	assert_failure 2
	assert_regex "${stderr_lines[0]}" "$(re_quote "unknown column 'NOPE'")"
	assert_regex "${stderr_lines[0]}" "$(re_quote "KEY,ID,OWNER,PERMS")"
	assert_regex "${stderr_lines[0]}" "$(re_quote "USEDBYTES,MSGS,SEND,RECV,LSPID,LRPID")"
	run_tool list -o ""
	assert_failure 2
	run_tool list -o ,
	assert_failure 2
}

@test "--output help lists the columns and exits 0" {
	run_tool list --output help
	assert_success
	assert_line --regexp '^NATTCH +number of attached processes \(shared memory segments\)$'
	assert_line --regexp '^KEY +resource key \(System V\)$'
	assert_line --regexp '^OWNER +owner.s user name or uid$'
	assert_line --regexp '^SVAL +semaphore value .*\(POSIX semaphores\)$'
	assert_line --regexp '^CTIME +time of the last change \(all but POSIX message queues\)$'
}

@test "every column can be shown in every mode" {
	ipcmk -Q >/dev/null; ipcmk -M 10 >/dev/null; ipcmk -S 1 >/dev/null
	all=$(ipctool list --output help | awk '{ print $1 }' | paste -sd,)
	run_tool list -o "$all"
	assert_success
	run_tool list -o "$all" --json
	assert_success
	echo "$output" | jq -e '.messages[0] | has("qbytes") and has("lrpid") and has("cgroup")'
	echo "$output" | jq -e '.sharedmemory[0] | has("rss") and has("command") and has("attach_epoch")'
	echo "$output" | jq -e '.semaphores[0] | has("otime")'
}

@test "COMMAND shows the creator's command line while it runs" {
	bg_start perl -e '$id = shmget(0, 4096, 01600); sleep 30'
	wait_for '[ "$(count_shm)" -gt 0 ]'
	run_tool list --shm --json -o ID,COMMAND
	assert_success
	echo "$output" | jq -e '.sharedmemory[0].command | test("^perl -e .*sleep 30$")'
}

@test "STATUS shows a locked segment" {
	need_root
	perl -e '$id = shmget(0, 4096, 01600); shmctl($id, 11, 0) or die "SHM_LOCK: $!"'   # SHM_LOCK
	ipcmk -M 10 >/dev/null
	run_tool list --shm -r --noheadings -o STATUS,SIZE
	assert_success
	assert_line "locked 4096"
	assert_line " 10"
}

@test "--user filters by owner name or uid" {
	need_root
	ipcmk -Q >/dev/null
	as_nobody ipcmk -Q >/dev/null
	run_tool list --sysv -q -r --noheadings -o OWNER --user nobody
	assert_success
	assert_output nobody
	run_tool list --sysv -q -r --noheadings -o OWNER --user 0
	assert_success
	assert_output root
	run_tool list --sysv -q -r --noheadings -o UID --user 65534
	assert_success
	assert_output 65534
}

@test "--user with an unknown name or a bad uid is a usage error" {
	run_tool list --user no-such-user-here
	assert_failure 2
	assert_regex "${stderr_lines[0]}" "$(re_quote "invalid --user value 'no-such-user-here': no such user")"
	run_tool list --user -1
	assert_failure 2
}

@test "list TARGET shows every detail of a queue" {
	id=$(ipctool mkq --key 0x4d2)
	ipctool send "$id" abc
	run_tool list "$id"
	assert_success
	assert_line "message queue id $id (key 0x000004d2):"
	assert_line --regexp '^MSGS +1$'
	assert_line --regexp '^USEDBYTES +3$'
	assert_line --regexp '^QBYTES +16384$'
	assert_line --regexp '^RECV +not set$'
	assert_line --regexp "^LSPID +[0-9]+$"
	for target in 0x4d2 "--key 1234"; do
		run_tool list $target
		assert_success
		assert_line --regexp "^ID +$id$"
	done
}

@test "list --ftok TARGET finds the object" {
	touch "$BATS_TEST_TMPDIR/f"
	ipcmk -S 2 -p 600 >/dev/null
	id=$(ipctool mkq --ftok "$BATS_TEST_TMPDIR/f:7")
	run_tool list --ftok "$BATS_TEST_TMPDIR/f:7"
	assert_success
	assert_line --regexp "^ID +$id$"
}

@test "list TARGET of a semaphore set shows each value, pid, ncnt and zcnt" {
	id=$(perl -e '$id = semget(0, 3, 01600); semop($id, pack("s!3", 1, 5, 0)) or die; print $id')
	bg_start perl -e 'semop($ARGV[0], pack("s!3", 2, -1, 0))' "$id"
	wait_blocked "$BG_PID" "$WCHAN_SEM"
	run_tool list "$id" --sems
	assert_success
	assert_line --regexp '^SEMNUM VALUE NCNT ZCNT +PID$'
	assert_line --regexp '^ +1 +5 +0 +0 +[1-9][0-9]*$'
	assert_line --regexp '^ +2 +0 +1 +0 +0$'
	run_tool list "$id" --sems --json
	assert_success
	echo "$output" | jq -e '.values | length == 3'
	echo "$output" | jq -e '.values[1].value == 5 and .values[2].ncnt == 1'
	echo "$output" | jq -e '.semaphores[0].nsems == 3'
}

@test "list TARGET --peek shows each message's type and size and takes nothing" {
	id=$(ipctool mkq)
	ipctool send "$id" a
	ipctool send -T 9 "$id" hello
	run_tool list "$id" --peek
	assert_success
	assert_line --regexp '^INDEX TYPE SIZE$'
	assert_line --regexp '^ +0 +1 +1$'
	assert_line --regexp '^ +1 +9 +5$'
	run_tool list "$id" --peek --json
	assert_success
	echo "$output" | jq -e '.contents == [{"index":0,"type":1,"size":1},{"index":1,"type":9,"size":5}]'
	[ "$(awk -v id="$id" '$2 == id { print $5 }' /proc/sysvipc/msg)" -eq 2 ]
}


@test "an id several kinds use shows each of them, each with its kind; a kind option picks one" {
	same_id msg shm sem
	run --separate-stderr ipctool list 777
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 --regexp '^message queue id 777 \(key 0x[0-9a-f]{8}\):$'
	assert_line --regexp '^shared memory segment id 777 \(key 0x[0-9a-f]{8}\):$'
	assert_line --regexp '^semaphore set id 777 \(key 0x[0-9a-f]{8}\):$'
	# A blank line before each object after the first.
	assert_equal "$(printf '%s\n' "$output" | grep -B1 '^shared memory segment id 777' | head -1)" ""
	# --json: one document per object, which jq reads as a stream.
	run --separate-stderr bash -c 'ipctool list 777 --json | jq -s length'
	assert_equal "$output" 3
	# --peek is about the queue alone.
	run --separate-stderr ipctool list 777 --peek
	assert_success
	refute_line --regexp '^shared memory segment'
	assert_line --index 0 --regexp '^message queue id 777'
	# rm still refuses.
	run_tool rm 777
	assert_failure 1
	assert_equal "$(count_queues)$(count_shm)$(count_sems)" 111
	run_tool list 777 --shm
	assert_success
	assert_line --regexp '^shared memory segment id 777 \(key 0x[0-9a-f]{8}\):$'
}

@test "a TARGET that does not exist is status 1 (ipcs -i says 0)" {
	run_tool list 12345
	assert_failure 1
	assert_equal "$stderr" "ipctool: list: no IPC object with id 12345"
	run_tool list 0x999 --queues
	assert_failure 1
	assert_equal "$stderr" "ipctool: list: no message queues with key 0x00000999"
}

@test "--peek needs a queue TARGET" {
	run_tool list --peek
	assert_failure 2
	run_tool list 0 --peek --shm
	assert_failure 2
	same_id sem
	run_tool list 777 --peek
	assert_error 1 list "$(re_quote "is a semaphore set")"
}

@test "a semaphore set nobody may read is status 1 in detail, listed all the same" {
	need_root
	id=$(perl -e 'print semget(0, 2, 01600)')
	run as_nobody ipctool list --sems -r --noheadings -o ID
	assert_success
	assert_output "$id"
	run as_nobody ipctool list "$id"
	assert_failure 1
	assert_output --partial "cannot read semaphore 0 of semaphore set id $id (private): Permission denied"
}

@test "--limits agrees with ipcs -l" {
	run_tool list --limits
	assert_success
	msgmni=$(ipcs -l | awk -F' = ' '/max queues system wide/ { print $2 }')
	semvmx=$(ipcs -l | awk -F' = ' '/semaphore max value/ { print $2 }')
	assert_line --regexp "^MSGMNI +Number of message queues +$msgmni$"
	assert_line --regexp "^SEMVMX +Semaphore max value +$semvmx$"
	run_tool list --limits --json
	assert_success
	echo "$output" | jq -e --argjson m "$msgmni" '.limits[] | select(.resource == "MSGMNI") | .limit == $m'
	run_tool list --limits --queues -r --noheadings
	assert_success
	[ "${#lines[@]}" -eq 3 ]
}

@test "--summary agrees with ipcs -u" {
	make_queues 40
	ipcmk -S 4 >/dev/null
	id=$(ipctool mkq); ipctool send "$id" abcde
	run_tool list --summary
	assert_success
	queues=$(ipcs -u | awk -F' = ' '/allocated queues/ { print $2 }')
	assert_line --regexp "^MSGQUEUES +Allocated queues +$queues$"
	assert_line --regexp '^MSGBYTES +Bytes in all queues +5$'
	assert_line --regexp '^SEMS +Semaphores in all sets +4$'
	run_tool list --summary --json
	assert_success
	echo "$output" | jq -e '.summary[] | select(.resource == "MSGQUEUES") | .used == 41'
}

@test "listing works without /proc/sysvipc, through the ctl calls" {
	make_queues 30
	ipcmk -M 4096 >/dev/null; ipcmk -S 2 >/dev/null
	expected=$(ipctool list -r -o KEY,ID,PERMS,OWNER,CTIME,CUID,UID)
	run unshare --mount --propagation private sh -c \
		'mount -t tmpfs none /proc/sysvipc && [ ! -e /proc/sysvipc/msg ] && ipctool list -r -o KEY,ID,PERMS,OWNER,CTIME,CUID,UID'
	assert_success
	assert_output "$expected"
}

@test "usage errors: contradictions, extra arguments, bad options" {
	run_tool list --json --raw
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "ipctool: list: --json, --raw and --export contradict each other: choose one"
	run_tool list --export --raw
	assert_failure 2
	run_tool list --limits --summary
	assert_failure 2
	run_tool list --limits 0
	assert_failure 2
	run_tool list --summary -o KEY
	assert_failure 2
	run_tool list 1 2
	assert_failure 2
	assert_regex "${stderr_lines[0]}" "$(re_quote "unexpected argument '2'")"
	run_tool list 0 --user root
	assert_failure 2
	run_tool list 0 -o KEY
	assert_failure 2
	run_tool list 12abc
	assert_failure 2
	run_tool list --key 0
	assert_failure 2
	run_tool list --bogus
	assert_failure 2
	assert_equal "${stderr_lines[1]}" "Try 'ipctool list --help' for more information."
}

@test "list: the same output mode twice is no contradiction, two different ones are" {
	ipctool mkq --key 0x51 >/dev/null
	for flag in --json --raw --export; do
		run_tool list --queues --sysv $flag $flag
		assert_success
		assert_equal "$stderr" ""
		assert_output --partial 0x00000051
	done
	run_tool list --queues --sysv --json -J
	assert_success
	run_tool list --json --raw --json
	assert_only_error 2 list "--json, --raw and --export contradict each other"
	run_tool list --limits --limits
	assert_success
}

@test "list --help shows the options" {
	run_tool list --help
	assert_success
	for opt in --queues --shm --sems --sysv --posix --json --raw --export --noheadings --output \
		--limits --summary --user --peek --key --ftok; do
		assert_output --partial -- "$opt"
	done
}

@test "--json stays valid JSON when a creator's command line is not UTF-8 or holds control characters" {
	bg_start perl -e 'defined shmget(0x5a, 10, 01600) or die; sleep 30' $'\xff\xfe' $'a\nb'
	wait_for "ipctool list --shm -o KEY --noheadings --raw | grep -q 0x0000005a"
	run_tool list --shm -o KEY,COMMAND --json
	assert_success
	run iconv -f UTF-8 -t UTF-8 <<<"$output"
	assert_success
	run jq -r '.sharedmemory[0].command' <<<"$output"
	assert_success
	assert_output --regexp '^perl -e .* \\xff\\xfe a\\x0ab$'
}

@test "a /proc/sysvipc file that cannot be read is status 1, not an empty list" {
	ipcmk -Q >/dev/null
	bg_start sleep 1000
	# Its mem file, read at address 0, fails with EIO.
	mount --bind "/proc/$BG_PID/mem" /proc/sysvipc/msg
	run --separate-stderr ipctool list --queues --sysv
	umount /proc/sysvipc/msg
	assert_equal "$status" 1
	assert_equal "$output" ""
	assert_equal "$stderr" "ipctool: list: cannot read /proc/sysvipc/msg: Input/output error"
}

@test "only a table loads libsmartcols: a short command does not map it" {
	run ldd "$(command -v ipctool)"
	assert_success
	refute_output --partial libsmartcols
	ipcmk -Q >/dev/null
	run_tool list --sysv --queues --noheadings
	assert_success
	assert_line --regexp '^0x'
}

@test "a libsmartcols without a function the table writer calls is status 1, naming it" {
	ipcmk -Q >/dev/null
	printf 'int not_smartcols;\n' >"$BATS_TEST_TMPDIR/fake.c"
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/libsmartcols.so.1" "$BATS_TEST_TMPDIR/fake.c"
	run --separate-stderr env LD_LIBRARY_PATH="$BATS_TEST_TMPDIR" ipctool list --sysv --queues
	assert_equal "$status" 1
	assert_output ""
	assert_equal "$stderr" "$(printf 'ipctool: list: cannot find scols_cell_get_data in libsmartcols.so.1: %s' \
		"$BATS_TEST_TMPDIR/libsmartcols.so.1: undefined symbol: scols_cell_get_data")"
}
