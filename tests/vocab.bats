#!/usr/bin/env bats
# One vocabulary across subcommands, and help that helps: the hints an
# error gives, sizes and counts as lsipc writes them, recv --hex, exact JSON
# strings, sock --connect --timeout and the progress line.
#
# The letters and the --help shape are checked over every subcommand in
# cli.bats; this file has the rest.

load helpers

bats_require_minimum_version 1.5.0


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
	run_tool list --limits --queues
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

# ---- recv --hex, recv --json --string -------------------------------------

@test "recv --hex writes each message as shm-read --hex writes a segment" {
	id=$(ipctool mkq)
	# A C program's 48-byte struct: a string and the zeros after it.
	{ printf 'a C struct'; head -c 38 /dev/zero; } >"$BATS_TEST_TMPDIR/first"
	ipctool send "$id" <"$BATS_TEST_TMPDIR/first"
	ipctool send "$id" hello
	ipctool send "$id" ""
	run_tool recv "$id" --peek --count 0 --hex
	assert_success
	expected=$(hexdump -C "$BATS_TEST_TMPDIR/first"; printf hello | hexdump -C; echo 00000000)
	assert_output "$expected"
	# A segment with the same bytes reads the same.
	seg=$(ipctool mkshm --size 48)
	ipctool shm-write "$seg" <"$BATS_TEST_TMPDIR/first"
	assert_equal "$(ipctool shm-read "$seg" --hex)" "$(hexdump -C "$BATS_TEST_TMPDIR/first")"
	# -x is --hex; it takes the messages like any other mode.
	run_tool recv "$id" -x
	assert_success
	assert_line --index 0 --regexp '^00000000  61 20 43 20'
	assert_equal "$(qnum "$id")" 2
	run_tool recv "$id" --hex --exec -- cat
	assert_only_error 2 recv "it takes no --null, --raw, --json, --string or --hex"
}

@test "recv --json --string writes each message up to its first NUL as JSON" {
	id=$(ipctool mkq)
	printf 'a C struct\0\0\0\0\0\0\0\0\0\0\0\0\0\0junk' | ipctool send "$id"
	ipctool send "$id" --string hello
	ipctool send "$id" "no nul"
	run_tool recv "$id" --peek --count 0 --json --string
	assert_success
	assert_output "$(printf '%s\n' '{"type":1,"size":10,"data":"a C struct"}' '{"type":1,"size":5,"data":"hello"}' \
		'{"type":1,"size":6,"data":"no nul"}')"
	# In either order, and short: the same.
	run_tool recv "$id" --peek --count 0 -S -J
	assert_line --index 0 '{"type":1,"size":10,"data":"a C struct"}'
	# What it writes is what send --json takes.
	copy=$(ipctool mkq)
	ipctool recv "$id" --count 3 --json --string | ipctool send "$copy" --json
	run_tool recv "$copy" --count 3
	assert_output "$(printf 'a C struct\nhello\nno nul')"
	# With a third mode it is still a contradiction.
	run_tool recv "$copy" --json --string --null
	assert_only_error 2 recv "contradict each other"
}

# ---- JSON strings exact, TARGETs literal ------------------------------------

@test "JSON names are exact: a tab is \\t, a name that is not UTF-8 has name_base64 beside a printable name" {
	touch $'/dev/shm/a\tb' $'/dev/shm/x\xffy'
	run_tool list --shm --posix --json
	assert_success
	assert_output --partial '"name": "/a\tb"'
	# What a JSON reader gets is the name, byte for byte.
	run python3 -c '
import json, sys, base64, os
doc = json.load(sys.stdin)
for o in doc["posixsharedmemory"]:
    name = base64.b64decode(o["name_base64"]) if "name_base64" in o else o["name"].encode()
    print(repr(o["name"]), os.path.exists(b"/dev/shm" + name))
' <<<"$output"
	assert_success
	assert_line "'/a\\tb' True"
	assert_line "'/x\\\\xffy' True"
	# Only the name that needs it has name_base64.
	run bash -c "ipctool list --shm --posix --json | jq -c '.posixsharedmemory[] | [.name, .name_base64]'"
	assert_line '["/a\tb",null]'
	assert_line '["/x\\xffy","L3j/eQ=="]'
	# watch --json the same.
	run bash -c "ipctool watch --shm --posix --json --count 1 | jq -c '[.. | objects | select(has(\"name\")) | [.name, .name_base64]] | sort'"
	assert_success
	assert_output '[["/a\tb",null],["/x\\xffy","L3j/eQ=="]]'
}

@test "a TARGET is literal: /new\\x41 names a file with a backslash in it" {
	run_tool mkshm '/new\x41' --size 1
	assert_success
	assert_output '/new\x41'
	[ -e '/dev/shm/new\x41' ]
	[ ! -e /dev/shm/newA ]
	run_tool mkq '/q\x09'
	assert_success
	run_tool list --posix --queues --json
	assert_equal "$(jq -r '.posixmessages[0].name' <<<"$output")" '/q\x09'
	run_tool rm '/new\x41' '/q\x09'
	assert_success
	run find /dev/shm -mindepth 1
	assert_output ""
}

# ---- sock --connect --timeout ----------------------------------------------

@test "sock --connect --timeout waits for a listener to appear: no socket yet, or a stale one" {
	cd "$BATS_TEST_TMPDIR"
	# The client first: it finds no socket, and waits (a nap between tries).
	bg_start ipctool sock s --connect --timeout 30 hello >reply 2>err
	client=$BG_PID
	wait_blocked "$client" "$WCHAN_NANOSLEEP"
	[ ! -e s ]
	bg_start ipctool sock s --listen --count 1 -- sh -c 'cat; echo " reply"'
	wait_exit "$client"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat reply)" "hello reply"
	assert_equal "$(cat err)" ""
	# A stale socket file (connection refused) is waited past the same way.
	python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.bind("stale")'
	bg_start ipctool sock stale --connect --timeout 30 again >reply 2>err
	client=$BG_PID
	wait_blocked "$client" "$WCHAN_NANOSLEEP"
	bg_start ipctool sock stale --listen --count 1 -- cat
	wait_exit "$client"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat reply)" again
}

@test "sock --connect --timeout with no listener in time is status 3; without --timeout it fails at once" {
	cd "$BATS_TEST_TMPDIR"
	start=$(now_ms)
	run_tool sock s --connect --timeout 0.3 hello
	assert_only_error 3 sock "no listener at s before the timeout$"
	[ $(($(now_ms) - start)) -ge 300 ]
	run_tool sock s --connect hello
	assert_only_error 1 sock "no listener at s: No such file or directory$"
	# Another failure is not waited on: a file that is no socket.
	touch f
	run_tool sock f --connect --timeout 30 hello
	assert_only_error 1 sock "no listener at f: it is not a socket$"
}

# ---- the progress line ------------------------------------------------------

# A tmux terminal running SHELL COMMAND; the pane stays after it ends.
# TERM_COLS columns wide (default 100).
TMUX_SOCK=
term_start() {
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	printf 'set -g remain-on-exit on\nset -g status off\n' >"$BATS_TEST_TMPDIR/tmux.conf"
	tmux -S "$TMUX_SOCK" -f "$BATS_TEST_TMPDIR/tmux.conf" new-session -d -x "${TERM_COLS:-100}" -y 10 "PATH='$PATH'; $1"
}
screen() { tmux -S "$TMUX_SOCK" capture-pane -p; }
wait_screen() {
	wait_for "screen | grep -Eq -- '$1'" || fail "the screen never showed /$1/:$(printf '\n'; screen)"
}
# until_ms_since START MS: wait until MS milliseconds have passed since START.
until_ms_since() { wait_for "[ \$((\$(now_ms) - $1)) -ge $2 ]"; }
# slow_input SCRIPT ARGS...: `sh -c SCRIPT ARGS` in the background, reading
# the FIFO $BATS_TEST_TMPDIR/in, fed "ab", then 1.2 s later "cd" and its
# end; returns once the job exited 0.
slow_input() {
	local start job
	rm -f "$BATS_TEST_TMPDIR/in"
	mkfifo "$BATS_TEST_TMPDIR/in"
	start=$(now_ms)
	bg_start sh -c "$@"
	job=$BG_PID
	exec 5>"$BATS_TEST_TMPDIR/in"
	printf ab >&5
	until_ms_since "$start" 1200
	printf cd >&5
	exec 5>&-
	wait_exit "$job"
	assert_equal "$EXIT_RC" 0
}
teardown() {
	[ -z "$TMUX_SOCK" ] || tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	common_teardown
}

@test "recv --count and send --lines at a terminal show a progress line after a second, erased at the end" {
	q=$(ipctool mkq)
	ipctool send "$q" one two
	start=$(now_ms)
	term_start "ipctool recv $q --count 4 >/dev/null; echo recv-exited-\$?; sleep 60"
	# Past its first second, the next message it takes draws the line.
	until_ms_since "$start" 1200
	ipctool send "$q" three
	wait_screen '^recv: 3 of 4 messages \(75%\), [0-9]+/s, [0-9hms]+ left$'
	# The last one ends it, and the line is gone.
	ipctool send "$q" four
	wait_screen '^recv-exited-0$'
	run screen
	refute_output --partial "recv:"
	tmux -S "$TMUX_SOCK" kill-server
	# send from a pipe: bytes, with no total.
	mkfifo "$BATS_TEST_TMPDIR/in"
	start=$(now_ms)
	term_start "ipctool send $q --lines <'$BATS_TEST_TMPDIR/in'; echo send-exited-\$?; sleep 60"
	exec 5>"$BATS_TEST_TMPDIR/in"
	echo first >&5
	until_ms_since "$start" 1200
	echo second >&5
	wait_screen '^send: 13B, [0-9.]+[BKMG]/s$'
	exec 5>&-
	wait_screen '^send-exited-0$'
	run screen
	refute_output --partial "send:"
}

@test "a progress line wider than the terminal is cut one column short of it: it never wraps" {
	q=$(ipctool mkq)
	ipctool send "$q" one two
	start=$(now_ms)
	TERM_COLS=20 term_start "ipctool recv $q --count 4 >/dev/null; echo exited-\$?; sleep 60"
	until_ms_since "$start" 1200
	ipctool send "$q" three
	# "recv: 3 of 4 messages (75%), ..." in 19 columns, and nothing of
	# its rest on a line below.
	wait_screen '^recv: 3 of 4 messag$'
	run screen
	assert_success
	refute_output --partial "(75%)"
	ipctool send "$q" four
	wait_screen '^exited-0$'
}

@test "send of one message from a slow pipe at a terminal shows the bytes read, erased at the end" {
	q=$(ipctool mkq)
	mkfifo "$BATS_TEST_TMPDIR/in"
	start=$(now_ms)
	term_start "ipctool send $q <'$BATS_TEST_TMPDIR/in'; echo send-exited-\$?; sleep 60"
	exec 5>"$BATS_TEST_TMPDIR/in"
	printf first >&5
	until_ms_since "$start" 1200
	printf second >&5
	wait_screen '^send: 11B, [0-9.]+[BKMG]/s$'
	exec 5>&-
	wait_screen '^send-exited-0$'
	run screen
	refute_output --partial "send:"
	assert_equal "$(ipctool recv "$q")" firstsecond
}

@test "send of one message from a pipe draws the line only when forced, stderr being no terminal" {
	q=$(ipctool mkq)
	for mode in --progress ""; do
		slow_input 'exec ipctool send "$1" $2 <"$3/in" 2>"$3/err"' _ "$q" "$mode" "$BATS_TEST_TMPDIR"
		run cat -v "$BATS_TEST_TMPDIR/err"
		if [ -n "$mode" ]; then
			assert_output --regexp '^\^Msend: 4B, [0-9.]+[BKMG]/s\^\[\[K\^M\^\[\[K$'
		else
			assert_output ""
		fi
		assert_equal "$(ipctool recv "$q")" abcd
	done
}

@test "recv --exec at a terminal shows a progress line of the messages done, erased at the end" {
	q=$(ipctool mkq)
	ipctool send "$q" one two
	start=$(now_ms)
	term_start "ipctool recv $q --count 4 --exec -- true; echo exec-exited-\$?; sleep 60"
	until_ms_since "$start" 1200
	ipctool send "$q" three
	wait_screen '^recv --exec: [23] of 4 messages \((50|75)%\), [0-9]+/s, [0-9hms]+ left$'
	ipctool send "$q" four
	wait_screen '^exec-exited-0$'
	run screen
	refute_output --partial "recv --exec:"
}

@test "shm-write from a pipe and shm-read to a slow reader draw the line when forced, none by default" {
	id=$(ipctool mkshm --size 4M)
	for mode in --progress ""; do
		rm -f "$BATS_TEST_TMPDIR/out"
		mkfifo "$BATS_TEST_TMPDIR/out"
		slow_input 'exec ipctool shm-write "$1" $2 <"$3/in" 2>"$3/err"' _ "$id" "$mode" "$BATS_TEST_TMPDIR"
		run cat -v "$BATS_TEST_TMPDIR/err"
		if [ -n "$mode" ]; then
			assert_output --regexp '\^Mshm-write: 4B, [0-9.]+[BKMG]/s\^\[\[K\^M\^\[\[K$'
		else
			assert_output ""
		fi
		# shm-read into a pipe nobody reads for a second.
		start=$(now_ms)
		bg_start sh -c 'exec ipctool shm-read "$1" $2 >"$3/out" 2>"$3/err"' _ "$id" "$mode" "$BATS_TEST_TMPDIR"
		reader=$BG_PID
		exec 6<"$BATS_TEST_TMPDIR/out"
		until_ms_since "$start" 1200
		assert_equal "$(head -c 4 <&6)" abcd
		cat <&6 >/dev/null
		exec 6<&-
		wait_exit "$reader"
		assert_equal "$EXIT_RC" 0
		run cat -v "$BATS_TEST_TMPDIR/err"
		if [ -n "$mode" ]; then
			assert_output --regexp '\^Mshm-read: [0-9.]+[KM] of 4M \([0-9]+%\), '
		else
			assert_output ""
		fi
	done
}

@test "no progress line when stderr is no terminal, with JSON, or with --no-progress; --progress forces it" {
	q=$(ipctool mkq)
	for args in "" "--json" "--progress" "--no-progress --progress" "--progress --no-progress"; do
		ipctool send "$q" a b
		start=$(now_ms)
		bg_start ipctool recv "$q" --count 3 $args >/dev/null 2>"$BATS_TEST_TMPDIR/err"
		recv=$BG_PID
		until_ms_since "$start" 1200
		ipctool send "$q" c
		wait_exit "$recv"
		assert_equal "$EXIT_RC" 0
		run cat -v "$BATS_TEST_TMPDIR/err"
		case $args in
		*--no-progress) assert_output "" ;;
		*--progress) assert_output --regexp '^\^Mrecv: 3 of 3 messages \(100%\), [0-9]+/s\^\[\[K\^M\^\[\[K$' ;;
		*) assert_output "" ;;
		esac
	done
	# In a terminal too: --json, or the messages on that terminal, draw none.
	ipctool send "$q" a b
	start=$(now_ms)
	term_start "ipctool recv $q --count 4 --json >/dev/null; echo exited; sleep 60"
	until_ms_since "$start" 1200
	ipctool send "$q" c
	wait_for "[ -z \"\$(ipctool recv $q --peek --count 0)\" ]"
	settle
	run screen
	refute_output --partial "recv"
	ipctool send "$q" d
	wait_screen '^exited$'
}

# ---- the progress line of dump and restore ---------------------------------

# A System V segment of SIZE full of random bytes (a dump of it is about
# 4/3 SIZE of base64, more than a pipe holds); its id.
random_segment() {
	local id
	id=$(ipctool mkshm --size "$1")
	head -c "$1" /dev/urandom | ipctool shm-write "$id"
	echo "$id"
}

# A dump of N System V semaphore sets, keys 1..N, written by hand (a
# --dry-run restore of it says N lines and creates nothing).
many_sets_dump() {
	awk -v n="$1" 'BEGIN {
		print "{\"ipctool_dump\":1,\"time\":0,\"host\":\"h\"}"
		for (i = 1; i <= n; i++) {
			printf "{\"kind\":\"sem\",\"family\":\"sysv\",\"key\":\"0x%08x\",\"id\":%d,", i, i
			print "\"mode\":\"0600\",\"uid\":0,\"gid\":0,\"nsems\":1,\"values\":[1]}"
			print "{\"end\":\"sem\"}"
		}
	}'
}

@test "dump at a terminal shows the objects of the total and the bytes, erased at the end; stdout is the dump alone" {
	q1=$(ipctool mkq)
	ipctool mkq >/dev/null
	ipctool send "$q1" one
	random_segment 2M >/dev/null
	mkfifo "$BATS_TEST_TMPDIR/out"
	start=$(now_ms)
	term_start "ipctool dump --all --sysv >'$BATS_TEST_TMPDIR/out'; echo dump-exited-\$?; sleep 60"
	exec 6<"$BATS_TEST_TMPDIR/out"
	# The two queues are out; the segment's bytes fill the pipe and wait.
	head -c 100000 <&6 >"$BATS_TEST_TMPDIR/dump"
	until_ms_since "$start" 1200
	head -c 500000 <&6 >>"$BATS_TEST_TMPDIR/dump"
	wait_screen '^dump: 2 of 3 objects \(66%\), [0-9.]+[KM], [0-9]+/s, [0-9hms]+ left$'
	cat <&6 >>"$BATS_TEST_TMPDIR/dump"
	exec 6<&-
	wait_screen '^dump-exited-0$'
	run screen
	refute_output --partial "dump:"
	# Not a byte of the line in the dump: it is what a dump without one is.
	ipctool dump --all --sysv --no-progress >"$BATS_TEST_TMPDIR/plain"
	assert_equal "$(jq -c 'del(.time)' "$BATS_TEST_TMPDIR/dump" | md5sum)" \
		"$(jq -c 'del(.time)' "$BATS_TEST_TMPDIR/plain" | md5sum)"
	run grep -c $'[\r\e]' "$BATS_TEST_TMPDIR/dump"
	assert_output 0
}

@test "restore of a file at a terminal shows its bytes of the file's size and the objects made, erased at the end" {
	many_sets_dump 3000 >"$BATS_TEST_TMPDIR/sets.dump"
	mkfifo "$BATS_TEST_TMPDIR/out"
	start=$(now_ms)
	# --dry-run's lines go to a pipe read slowly: the restore waits on it.
	term_start "ipctool restore --dry-run '$BATS_TEST_TMPDIR/sets.dump' >'$BATS_TEST_TMPDIR/out'; echo restore-exited-\$?; sleep 60"
	exec 6<"$BATS_TEST_TMPDIR/out"
	head -c 1000 <&6 >/dev/null
	until_ms_since "$start" 1200
	head -c 20000 <&6 >/dev/null
	wait_screen '^restore: [0-9.]+[KM] of [0-9.]+K \([0-9]+%\), [0-9]+ objects, [0-9.]+[BKMG]/s, [0-9hms]+ left$'
	cat <&6 >/dev/null
	exec 6<&-
	wait_screen '^restore-exited-0$'
	run screen
	refute_output --partial "restore:"
	# --no-progress: none, however long it takes.
	tmux -S "$TMUX_SOCK" kill-server
	start=$(now_ms)
	term_start "ipctool restore --dry-run --no-progress '$BATS_TEST_TMPDIR/sets.dump' >'$BATS_TEST_TMPDIR/out'; echo restore-exited-\$?; sleep 60"
	exec 6<"$BATS_TEST_TMPDIR/out"
	head -c 1000 <&6 >/dev/null
	until_ms_since "$start" 1200
	head -c 20000 <&6 >/dev/null
	settle
	run screen
	refute_output --partial "restore:"
	cat <&6 >/dev/null
	exec 6<&-
	wait_screen '^restore-exited-0$'
}

# read_slowly FIRST SCRIPT ARG1 ARG2: sh -c SCRIPT with $1 $2 and $3 the
# test's directory, in the background, writing to the FIFO $3/out: FIRST
# bytes of it are read at once, the rest once it has run 1.2 s (long
# enough for a progress line); its status in EXIT_RC.
read_slowly() {
	local first=$1 script=$2 start pid
	rm -f "$BATS_TEST_TMPDIR/out"
	mkfifo "$BATS_TEST_TMPDIR/out"
	start=$(now_ms)
	bg_start sh -c "$script" _ "$3" "$4" "$BATS_TEST_TMPDIR"
	pid=$BG_PID
	exec 6<"$BATS_TEST_TMPDIR/out"
	head -c "$first" <&6 >/dev/null
	until_ms_since "$start" 1200
	cat <&6 >/dev/null
	exec 6<&-
	wait_exit "$pid"
}

@test "dump and restore draw no line into a pipe unless --progress, which also erases it before an error" {
	seg=$(random_segment 2M)
	many_sets_dump 3000 >"$BATS_TEST_TMPDIR/sets.dump"
	for mode in "" "--progress" "--progress --no-progress"; do
		# 999999 names nothing: its error comes after the segment.
		read_slowly 100000 'exec ipctool dump "$1" 999999 $2 >"$3/out" 2>"$3/err"' "$seg" "$mode"
		assert_equal "$EXIT_RC" 1
		run cat -v "$BATS_TEST_TMPDIR/err"
		if [ "$mode" = --progress ]; then
			assert_output --regexp '^(\^Mdump: 0 of 1 object \(0%\), [0-9.]+[KM], 0/s\^\[\[K)+\^M\^\[\[Kipctool: dump: no object of the chosen kinds is id 999999$'
		else
			assert_output "ipctool: dump: no object of the chosen kinds is id 999999"
		fi
		# restore: the same, from a regular file.
		read_slowly 1000 'exec ipctool restore --dry-run "$3/sets.dump" $2 >"$3/out" 2>"$3/err"' "" "$mode"
		assert_equal "$EXIT_RC" 0
		run cat -v "$BATS_TEST_TMPDIR/err"
		if [ "$mode" = --progress ]; then
			assert_output --regexp '^(\^Mrestore: [0-9.]+[KM] of [0-9.]+K \([0-9]+%\), [0-9]+ objects?, [0-9.]+[BKMG]/s(, [0-9hms]+ left)?\^\[\[K)+\^M\^\[\[K$'
		else
			assert_output ""
		fi
	done
}
