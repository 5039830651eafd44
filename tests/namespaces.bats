#!/usr/bin/env bats
# list --ns, rm --ns, list --all-namespaces and list --namespaces: another
# process's IPC and mount namespaces (ipctool-list(1)).  Each child namespace is
# made with unshare inside this file's own private ones (tests/run), holds
# objects ipctool made there, and ends with its process in teardown, which
# takes its objects with it.

load helpers

teardown() { common_teardown; }

# Objects with the same names and keys in this namespace and in a child.
make_both() {
	ipctool mkq --key 0x2222 >/dev/null
	ipctool mkq --key 0x1111 >/dev/null
	ipctool mkshm /parent-shm --size 64 >/dev/null
	start_child 'ipctool mkq --key 0x2222 >/dev/null
		ipctool mksem --key 0x3333 --nsems 2 >/dev/null
		ipctool mkshm /child-shm --size 128 >/dev/null
		ipctool mkq /child-q >/dev/null
		ipctool mksem /child-sem >/dev/null'
}

@test "list --ns PID shows the child's objects, both families, and none of ours" {
	make_both
	run_tool list --ns "$CHILD" -r --noheadings -o KEY --sysv
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' 'queue 0x00002222' 'sem 0x00003333')"
	run_tool list --ns "$CHILD" --posix -r --noheadings -o NAME
	assert_success
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' 'posix-queue /child-q' 'posix-sem /child-sem' 'posix-shm /child-shm')"
	# Our own listing is unchanged: the child's objects are not here.
	run_tool list --posix -r --noheadings -o NAME
	assert_success
	assert_output "posix-shm /parent-shm"
}

@test "list --ns PID --json -o +IPCNS: every object carries the child's ipcns" {
	make_both
	run_tool list --ns "$CHILD" --json -o +IPCNS
	assert_success
	want=$(ns_inode "$CHILD")
	assert_equal "$(jq -r '[.[][] | .ipcns] | unique | .[]' <<<"$output")" "$want"
	assert_equal "$(jq -r '.messages[].key' <<<"$output")" 0x00002222
	assert_equal "$(jq -r '.posixmessages[].name' <<<"$output")" /child-q
}

@test "list --ns PID TARGET shows the child's object in detail; ours by that key is another" {
	make_both
	run_tool list --ns "$CHILD" 0x3333 --json
	assert_success
	assert_equal "$(jq -r '.semaphores[0].nsems' <<<"$output")" 2
	run_tool list 0x3333
	assert_error 1 list "key 0x00003333"
	run_tool list --ns "$CHILD" /child-shm --json
	assert_success
	assert_equal "$(jq -r '.posixsharedmemory[0].size' <<<"$output")" 128
}

@test "list --ns PID --limits shows the child namespace's limits" {
	start_child 'echo 1234 >/proc/sys/kernel/msgmni'
	run_tool list --ns "$CHILD" --limits -r --noheadings
	assert_success
	assert_regex "$output" $'(^|\n)MSGMNI [^ ]+ 1234(\n|$)'
	run_tool list --limits -r --noheadings
	assert_success
	refute_regex "$output" $'(^|\n)MSGMNI [^ ]+ 1234(\n|$)'
}

@test "list --ns PID --ftok PATH: the path is the one PID sees" {
	dir=$BATS_TEST_TMPDIR/private
	mkdir "$dir"
	start_child "mount -t tmpfs tmpfs '$dir' && touch '$dir/key' && ipctool mkq --ftok '$dir/key' >/dev/null"
	run_tool list --ns "$CHILD" --ftok "$dir/key" --json
	assert_success
	assert_equal "$(jq -r '.messages | length' <<<"$output")" 1
	# Here the file does not exist: the child's mount is its own.
	run_tool list --ftok "$dir/key"
	assert_error 1 list "$(re_quote "$dir/key")"
}

@test "list --ns PID of a process in a chroot sees the files its root shows, as nsenter --root" {
	local root=$BATS_TEST_TMPDIR/newroot
	mkdir "$root"
	# The child's root is a bind of / whose /dev/shm is a tmpfs of its own:
	# what it sees under /dev/shm is not what the namespace's root mount has.
	start_child "mount --rbind / '$root'
		mount -t tmpfs -o mode=1777 tmpfs '$root/dev/shm'
		chroot '$root' ipctool mkshm /in-chroot --size 64 >/dev/null
		chroot '$root' sleep 1000 &
		echo \$! >'$BATS_TEST_TMPDIR/chrooted'"
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/chrooted")
	BG_PIDS+=("$pid")
	# chroot(1) execs sleep once it has changed the root.
	wait_for "[ \"\$(cat /proc/$pid/comm 2>/dev/null)\" = sleep ]" || fail "the child did not chroot"
	run_tool list --ns "$pid" --posix --shm -r --noheadings -o NAME
	assert_success
	assert_output "/in-chroot"
	run_tool list --ns "$pid" /in-chroot --json
	assert_success
	# Back home, our own /dev/shm has no such object.
	run_tool list /in-chroot
	assert_equal "$status" 1
}

@test "rm --ns PID removes in the child only, though our queue has the same key" {
	make_both
	run_tool rm --ns "$CHILD" 0x2222 /child-shm /child-q
	assert_success
	assert_output ""
	run in_child ipcs -q
	assert_success
	refute_output --partial 0x00002222
	run in_child ls /dev/shm "$IPCTOOL_TEST_MQUEUE"
	assert_success
	refute_output --partial child-shm
	refute_output --partial child-q
	assert_output --partial sem.child-sem
	# Ours are all still there.
	assert_equal "$(count_queues)" 2
	assert_equal "$(ls /dev/shm)" parent-shm
}

@test "rm --all --ns PID --sysv --posix empties the child and leaves ours" {
	make_both
	run_tool rm --all --ns "$CHILD" --dry-run
	assert_success
	assert_output --partial 0x00002222
	assert_output --partial 0x00003333
	refute_output --partial 0x00001111
	assert_equal "$(in_child sh -c 'tail -n +2 /proc/sysvipc/msg | wc -l')" 1
	run_tool rm --all --ns "$CHILD" --sysv --posix
	assert_success
	assert_equal "$(in_child sh -c 'cat /proc/sysvipc/msg /proc/sysvipc/sem | grep -vc perms')" 0
	assert_equal "$(in_child ls -A /dev/shm "$IPCTOOL_TEST_MQUEUE" | grep -vc ':$\|^$')" 0
	assert_equal "$(count_queues)" 2
	assert_equal "$(ls /dev/shm)" parent-shm
}

@test "list --all-namespaces shows every namespace's objects with its IPCNS" {
	make_both
	ours=$(ns_inode $$)
	theirs=$(ns_inode "$CHILD")
	run_tool list --all-namespaces --sysv --queues -r --noheadings -o KEY
	assert_success
	assert_equal "$(sort <<<"$output")" "$(sort <<<"$ours 0x00001111
$ours 0x00002222
$theirs 0x00002222")"
	run_tool list --all-namespaces --json
	assert_success
	assert_equal "$(jq -r '.posixsharedmemory[] | "\(.ipcns) \(.name)"' <<<"$output" | sort)" \
		"$(sort <<<"$ours /parent-shm
$theirs /child-shm")"
	assert_equal "$(jq -r '.posixmessages[] | "\(.ipcns) \(.name)"' <<<"$output")" "$theirs /child-q"
	assert_equal "$(jq -r '.semaphores[] | "\(.ipcns) \(.key)"' <<<"$output")" "$theirs 0x00003333"
	# The table has IPCNS first.
	run_tool list --all-namespaces --queues --sysv
	assert_success
	assert_regex "${lines[0]}" '^ *IPCNS +KEY '
}

@test "list --all-namespaces --processes and --orphaned: users matched in each object's own namespace" {
	local quiet busy attacher
	# Two fresh namespaces, so the same key has the same shmid 0 in both:
	# in the first nobody attaches it, in the second a python3 has.
	start_child 'ipctool mkshm --key 0x4444 --size 64 >/dev/null'
	quiet=$CHILD
	start_child 'ipctool mkshm --key 0x4444 --size 64 >/dev/null
		/usr/bin/python3 -c "import sysv_ipc, time
m = sysv_ipc.SharedMemory(0x4444)
m.attach()
time.sleep(1000)" &
		for i in $(seq 400); do grep -q /SYSV /proc/$!/maps 2>/dev/null && break; sleep 0.05; done
		grep -q /SYSV /proc/$!/maps
		echo $! >"$BATS_TEST_TMPDIR/attacher"
		ipctool mksem --key 0x5555 >/dev/null'
	busy=$CHILD
	attacher=$(cat "$BATS_TEST_TMPDIR/attacher")
	BG_PIDS+=("$attacher")
	assert_equal "$(nsenter --ipc -t "$quiet" ipctool list --sysv --shm -r --noheadings -o ID)" \
		"$(nsenter --ipc -t "$busy" ipctool list --sysv --shm -r --noheadings -o ID)"
	quiet=$(ns_inode "$quiet")
	busy=$(ns_inode "$busy")
	run_tool list --all-namespaces --sysv --processes --json
	assert_success
	assert_equal "$(jq -c --argjson n "$busy" '.sharedmemory[] | select(.ipcns == $n) | [.processes[].pid, .processes[].how, .orphaned]' <<<"$output")" \
		"[$attacher,\"attached\",false]"
	assert_equal "$(jq -c --argjson n "$quiet" '.sharedmemory[] | select(.ipcns == $n) | [.processes, .orphaned]' <<<"$output")" '[[],true]'
	# The set's last pid (mksem's, read in its own namespace) is dead.
	assert_equal "$(jq -c --argjson n "$busy" '.semaphores[] | select(.ipcns == $n) | [.key, .processes, .orphaned]' <<<"$output")" \
		'["0x00005555",[],true]'
	run_tool list --all-namespaces --sysv --orphaned -r --noheadings -o KEY
	assert_success
	assert_equal "$(grep -E " ($quiet|$busy) " <<<"$output" | sort)" "$(sort <<<"shm $quiet 0x00004444
sem $busy 0x00005555")"
}

@test "list --all-namespaces: IPCNS is our namespace's in a plain list with -o +IPCNS" {
	ipctool mkq --key 0x44 >/dev/null
	run_tool list --queues --sysv -r --noheadings -o IPCNS,KEY
	assert_success
	assert_output "$(ns_inode $$) 0x00000044"
}

@test "list --namespaces: one row per namespace with its processes and objects" {
	make_both
	run_tool list --namespaces --json
	assert_success
	theirs=$(ns_inode "$CHILD")
	assert_equal "$(jq -c --argjson ns "$theirs" '.namespaces[] | select(.ipcns == $ns) |
		[.processes, .pid, .command, .queues, .segments, .sems]' <<<"$output")" \
		"[1,$CHILD,\"sleep\",2,1,2]"
	ours=$(ns_inode $$)
	assert_equal "$(jq -c --argjson ns "$ours" '.namespaces[] | select(.ipcns == $ns) |
		[.pid, .queues, .segments, .sems]' <<<"$output")" "[1,2,1,0]"
	assert_equal "$(jq '.namespaces | length' <<<"$output")" 2
	# Ordered by first PID; ours starts with tests/run, PID 1.
	assert_equal "$(jq '.namespaces[0].pid' <<<"$output")" 1
	run_tool list --namespaces
	assert_success
	assert_regex "${lines[0]}" '^ *IPCNS +PROCESSES +PID +COMMAND +QUEUES +SEGMENTS +SEMS$'
}

@test "a child that sees no mqueue mount: its POSIX queues are left out, with a warning" {
	NO_MQUEUE=1 start_child 'ipctool mkshm /s --size 8 >/dev/null'
	run_tool list --ns "$CHILD" --posix --json
	assert_success
	assert_equal "$(jq -r '.posixsharedmemory[].name' <<<"$output")" /s
	assert_equal "$(jq -c 'keys' <<<"$output")" '["posixsemaphores","posixsharedmemory"]'
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "${stderr_lines[0]}" '^ipctool: list: POSIX message queues are not listed: no mqueue'
	run_tool list --ns "$CHILD" --posix --queues
	assert_error 1 list "cannot list POSIX message queues"
	run_tool list --all-namespaces --posix --shm -r --noheadings -o NAME
	assert_success
	assert_output "$(ns_inode "$CHILD") /s"
	assert_equal "${#stderr_lines[@]}" 0
	run_tool list --all-namespaces --posix --json
	assert_success
	assert_equal "$(jq -r '.posixsharedmemory[].name' <<<"$output")" /s
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "ipctool: list: POSIX message queues of IPC namespace $(ns_inode "$CHILD") are not listed: no mqueue file system is mounted where PID $CHILD sees it"
}

@test "a child that kept our mqueue mount lists our POSIX queues, as ls there does" {
	ipctool mkq /ours >/dev/null
	KEEP_MQUEUE=1 start_child 'ipctool mkshm /s --size 8 >/dev/null'
	run_tool list --ns "$CHILD" --posix --queues -r --noheadings -o NAME
	assert_success
	assert_output /ours
	assert_equal "$(in_child ls "$IPCTOOL_TEST_MQUEUE")" ours
}

@test "user names are ours, not from the namespace's /etc/passwd" {
	echo "impostor:x:0:0::/:/bin/sh" >"$BATS_TEST_TMPDIR/passwd"
	start_child "mount --bind '$BATS_TEST_TMPDIR/passwd' /etc/passwd && ipctool mkq --key 0x77 >/dev/null"
	# There, uid 0 is called impostor.
	assert_equal "$(in_child id -un)" impostor
	run_tool list --ns "$CHILD" --sysv --queues -r --noheadings -o KEY,OWNER,CUSER
	assert_success
	assert_output "0x00000077 root root"
	run_tool list --ns "$CHILD" 0x77 --json
	assert_success
	assert_equal "$(jq -r '.messages[0] | "\(.user) \(.cuser)"' <<<"$output")" "root root"
	run_tool list --all-namespaces --sysv --queues -r --noheadings -o OWNER
	assert_success
	assert_output "$(ns_inode "$CHILD") root"
}

@test "--ns takes a PID from 1 to 2^31-1, else a usage error; none there is status 1" {
	for bad in abc 0 -1 +5 12x 2147483648 99999999999999999999 ''; do
		run_tool list --ns "$bad"
		assert_error 2 list "invalid --ns value"
		run_tool rm --ns "$bad" --all
		assert_error 2 rm "invalid --ns value"
	done
	run_tool list --ns 99999999
	assert_only_error 1 list "no process with PID 99999999$"
	ipctool mkq --key 0x55 >/dev/null
	run_tool rm --ns 99999999 0x55
	assert_only_error 1 rm "no process with PID 99999999$"
	assert_equal "$(count_queues)" 1
}

@test "--ns with --all-namespaces, and --namespaces or --all-namespaces with what they do not take, are usage errors" {
	run_tool list --ns 1 --all-namespaces
	assert_error 2 list "--ns and --all-namespaces contradict"
	for extra in --queues --sysv "-o KEY" "--user root" --limits --sockets "--ns 1" --all-namespaces 0x1; do
		# shellcheck disable=SC2086
		run_tool list --namespaces $extra
		assert_error 2 list "--namespaces is a table of its own"
	done
	for extra in 0x1 --limits --summary --sockets; do
		run_tool list --all-namespaces $extra
		assert_error 2 list "--all-namespaces lists objects"
	done
	run_tool list --ns 1 --sockets
	assert_error 2 list "it takes no --ns"
}

@test "without privilege: status 1 naming the PID and CAP_SYS_ADMIN; nothing removed" {
	need_root
	make_both
	run --separate-stderr as_nobody ipctool list --ns "$CHILD"
	assert_only_error 1 list "cannot enter the IPC namespace of PID $CHILD: needs CAP_SYS_ADMIN$"
	run --separate-stderr as_nobody ipctool rm --ns "$CHILD" --all
	assert_only_error 1 rm "cannot enter the IPC namespace of PID $CHILD: needs CAP_SYS_ADMIN$"
	assert_equal "$(in_child sh -c 'tail -n +2 /proc/sysvipc/msg | wc -l')" 1
	run --separate-stderr as_nobody ipctool list --all-namespaces
	assert_only_error 1 list "the IPC namespace of PID [0-9]+: needs CAP_SYS_ADMIN$"
	run --separate-stderr as_nobody ipctool list --namespaces
	assert_only_error 1 list "the IPC namespace of PID [0-9]+: needs CAP_SYS_ADMIN$"
}

@test "--ns of a process in our own namespaces needs no privilege" {
	need_root
	ipctool mkq --key 0x66 --mode 644 >/dev/null
	run --separate-stderr as_nobody bash -c 'exec ipctool list --ns $$ --sysv --queues -r --noheadings -o KEY'
	assert_success
	assert_output 0x00000066
}

# start_hostile_root: a child whose process runs chrooted in a root where
# /etc/localtime, /etc/passwd, /etc/group and /etc/nsswitch.conf are FIFOs
# (nobody writes them: opening one waits for ever); its pid in $HOSTILE.
# The child has a queue 0x4545 and a POSIX segment /hostile.
start_hostile_root() {
	local root=$BATS_TEST_TMPDIR/hostile
	mkdir "$root"
	start_child "mount --rbind / '$root'
		ipctool mkq --key 0x4545 >/dev/null
		ipctool mkshm /hostile --size 64 >/dev/null
		mount -t tmpfs -o mode=755 tmpfs '$root/etc'
		for f in localtime passwd group nsswitch.conf; do mkfifo '$root/etc/'\$f; done
		chroot '$root' sleep 1000 &
		echo \$! >'$BATS_TEST_TMPDIR/hostile.pid'"
	HOSTILE=$(cat "$BATS_TEST_TMPDIR/hostile.pid")
	BG_PIDS+=("$HOSTILE")
	wait_for "[ \"\$(cat /proc/$HOSTILE/comm 2>/dev/null)\" = sleep ]" || fail "the child did not chroot"
	[ -p "/proc/$HOSTILE/root/etc/localtime" ] || fail "no FIFO at the child's /etc/localtime"
}

# run_in_time ARGS...: run_tool, killed after 10 s (status 124): a hang
# fails the test instead of the suite.
run_in_time() { run --separate-stderr timeout 10 ipctool "$@"; }

@test "--ns PID opens nothing of PID's root but /dev/shm and /dev/mqueue: FIFOs in its /etc hang nothing" {
	start_hostile_root
	run_in_time list --ns "$HOSTILE"
	assert_success
	assert_output --partial 0x00004545
	assert_output --partial /hostile
	run_in_time list --ns "$HOSTILE" --json
	assert_success
	assert_equal "$(jq -r '.messages[0].key, .posixsharedmemory[0].name, .messages[0].owner' <<<"$output")" \
		"0x00004545
/hostile
root"
	run_in_time list --ns "$HOSTILE" 0x4545
	assert_success
	run_in_time rm --all --ns "$HOSTILE" --sysv --posix --dry-run
	assert_success
	assert_output --partial 0x00004545
	assert_output --partial /hostile
	run_in_time list --all-namespaces --processes
	assert_success
	assert_output --partial 0x00004545
	run_in_time list --all-namespaces --json
	assert_success
	assert_equal "$(jq -r '.posixsharedmemory[].name' <<<"$output")" /hostile
}
