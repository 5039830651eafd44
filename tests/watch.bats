#!/usr/bin/env bats
# watch: samples as JSON Lines, and the full-screen view driven in a real
# terminal (tmux) (ipctool-watch(1)).

load helpers

TMUX_SOCK=

teardown() {
	umount /proc/sysvipc/msg 2>/dev/null || true
	if [ -n "$TMUX_SOCK" ]; then
		tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	fi
	common_teardown
}

# ---- JSON Lines ------------------------------------------------------------

# lines_of FILE: how many complete lines FILE has.
lines_of() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

# watch_bg FILE ARGS...: watch --json in the background into FILE; waits
# for its first sample.
watch_bg() {
	local out=$1
	shift
	bg_start ipctool watch --json "$@" >"$out"
	wait_for "[ \$(lines_of '$out') -ge 1 ]" || fail "watch wrote no sample"
}

@test "--count N takes N samples, each one JSON document with an RFC 3339 time" {
	ipctool mkq --key 0x4101 >/dev/null
	run_tool watch --json --count 3 --interval 0.01
	assert_success
	assert_equal "${#lines[@]}" 3
	samples=("${lines[@]}")
	for line in "${samples[@]}"; do
		run jq -r .time <<<"$line"
		assert_success
		assert_regex "$output" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2}$'
	done
	run jq -r '.messages[0].key' <<<"${samples[0]}"
	assert_output 0x00004101
}

@test "each sample has the arrays list --json prints, with list's members" {
	ipctool mkq --key 0x4102 >/dev/null
	ipctool mksem --key 0x4103 >/dev/null
	run_tool watch --count 1
	assert_success
	run jq -r 'keys_unsorted | join(",")' <<<"$output"
	assert_output "time,messages,sharedmemory,semaphores,posixmessages,posixsharedmemory,posixsemaphores"
	list_members=$(ipctool list --json --sysv --queues | jq -r '.messages[0] | keys_unsorted | join(",")')
	run_tool watch --json --count 1 --sysv --queues
	assert_success
	run jq -r '.messages[0] | keys_unsorted | join(",")' <<<"$output"
	assert_output "$list_members,state,usedbytes_delta,msgs_delta,send_age,recv_age,waiting,qbytes,use_percent"
}

@test "objects there at the start are new on the first sample, then same" {
	ipctool mkq --key 0x4104 >/dev/null
	run_tool watch --json --count 2 --interval 0.01 --queues --sysv
	assert_success
	samples=("${lines[@]}")
	run jq -r '.messages[0].state' <<<"${samples[0]}"
	assert_output new
	run jq -r '.messages[0].state' <<<"${samples[1]}"
	assert_output same
}

@test "a send and a receive show as changes in messages and bytes" {
	id=$(ipctool mkq --key 0x4105)
	out=$BATS_TEST_TMPDIR/watch.jsonl
	watch_bg "$out" 0x4105 --interval 0.05
	ipctool send "$id" 'hello'
	wait_for "jq -e 'select(.messages[0].msgs == 1)' '$out' >/dev/null" || fail "no sample saw the message"
	ipctool recv "$id" >/dev/null
	wait_for "tail -n 1 '$out' | jq -e '.messages[0].msgs == 0 and .messages[0].recv_age != null' >/dev/null" ||
		fail "no sample saw the receive"
	kill "$BG_PID"
	# Complete lines only: the sample being written may be cut.
	run jq -rs '[.[] | .messages[0]] |
		(map(.msgs_delta // 0) | add), (map(.usedbytes_delta // 0) | add),
		(map(select(.msgs == 1))[0] | "\(.msgs_delta) \(.usedbytes_delta) \(.send_age <= 1)"),
		(map(select(.msgs == 0 and .recv_age != null))[0] | "\(.msgs_delta) \(.usedbytes_delta)")' \
		<(sed '$d' "$out"; tail -n 1 "$out" | jq -c . 2>/dev/null)
	assert_success
	assert_equal "${lines[0]}" 0
	assert_equal "${lines[1]}" 0
	# The kernel keeps whole seconds: a send at x.99 s seen at x+1.01 s is 1 s old.
	assert_equal "${lines[2]}" "1 5 true"
	assert_equal "${lines[3]}" "-1 -5"
}

@test "a queue made and removed while watching is new once, then gone once, then left out" {
	out=$BATS_TEST_TMPDIR/watch.jsonl
	ipctool mkq --key 0x4106 >/dev/null
	watch_bg "$out" --queues --sysv --interval 0.05
	id=$(ipctool mkq --key 0x4107)
	wait_for "grep -q '\"key\":\"0x00004107\"' '$out'" || fail "the new queue was not seen"
	ipctool rm "$id"
	wait_for "grep -q '\"state\":\"gone\"' '$out'" || fail "the queue was not seen gone"
	n=$(lines_of "$out")
	wait_for "[ \$(lines_of '$out') -ge $((n + 2)) ]" || fail "no samples after the gone one"
	kill "$BG_PID"
	run jq -r '.messages[] | select(.key == "0x00004107") | .state' <(head -n "$((n + 2))" "$out")
	assert_success
	assert_equal "${lines[0]}" new
	assert_equal "${lines[-1]}" gone
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c new)" 1
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c gone)" 1
	# The changes of a gone object are unknown: null, not an error.
	run jq -c '.messages[] | select(.state == "gone") | [.msgs_delta, .usedbytes_delta]' <(head -n "$((n + 2))" "$out")
	assert_output '[null,null]'
	# The queue that stayed is there in every sample.
	assert_equal "$(head -n "$((n + 2))" "$out" | grep -c '"key":"0x00004106"')" "$((n + 2))"
}

@test "semaphore values, their changes and the waiters" {
	id=$(ipctool mksem --key 0x4108 --nsems 2 --value 1)
	bg_start ipctool sem-p "$id" --count 3
	waiter=$BG_PID
	wait_blocked "$waiter" "$WCHAN_SEM"
	out=$BATS_TEST_TMPDIR/watch.jsonl
	watch_bg "$out" "$id" --interval 0.05
	ipctool sem-v "$id" --num 1
	wait_for "tail -n 2 '$out' | head -n 1 | jq -e '.semaphores[0].values == [1,2]' >/dev/null" ||
		fail "no sample saw the new value"
	kill "$BG_PID"
	run jq -c '.semaphores[0] | select(.values == [1,2]) | [.values_delta, .ncnt, .zcnt]' "$out"
	assert_equal "${lines[0]}" '[[0,1],1,0]'
	run jq -c '.semaphores[0] | [.ncnt_delta, .zcnt_delta]' <(head -n 1 "$out")
	assert_output '[null,null]'
}

@test "POSIX queues and semaphores: messages and values change" {
	ipctool mkq /wq >/dev/null
	ipctool mksem /ws >/dev/null
	out=$BATS_TEST_TMPDIR/watch.jsonl
	watch_bg "$out" /wq /ws --interval 0.05
	ipctool send /wq 'abc'
	ipctool sem-v /ws
	wait_for "tail -n 2 '$out' | head -n 1 | jq -e '.posixmessages[0].msgs == 1 and .posixsemaphores[0].sval == 1' >/dev/null" ||
		fail "no sample saw the changes"
	kill "$BG_PID"
	run jq -s -c '[(map(.posixmessages[0].msgs_delta // 0) | add), (map(.posixmessages[0].usedbytes_delta // 0) | add),
		(map(.posixsemaphores[0].sval_delta // 0) | add)]' <(sed '$d' "$out")
	assert_output '[1,3,1]'
	run jq -c 'keys_unsorted' <(head -n 1 "$out")
	assert_output '["time","posixmessages","posixsharedmemory","posixsemaphores"]'
}

@test "a queue's fullness: QBYTES and USE% of the bytes it holds, 100 only when full" {
	ipctool mkq --key 0x4110 --max-bytes 1000 >/dev/null
	ipctool mkq --key 0x4111 --max-bytes 1000 >/dev/null
	ipctool mkq /wfull --max-messages 4 --message-size 16 >/dev/null
	head -c 250 /dev/zero | ipctool send 0x4110
	head -c 999 /dev/zero | ipctool send 0x4111
	ipctool send /wfull a b c
	run_tool watch --json --count 1 0x4110 0x4111 /wfull
	assert_success
	run jq -c '[.messages[] | [.usedbytes, .qbytes, .use_percent]], [.posixmessages[] | [.msgs, .maxmsgs, .use_percent]]' <<<"$output"
	assert_line --index 0 '[[250,1000,25],[999,1000,99]]'
	assert_line --index 1 '[[3,4,75]]'
	head -c 1 /dev/zero | ipctool send 0x4111
	run_tool watch --json --count 1 0x4111
	run jq -c '.messages[0].use_percent' <<<"$output"
	assert_output 100
}

# set_qbytes ID OLD NEW: msgctl IPC_SET of queue ID's msg_qbytes from OLD to
# NEW (found in struct msqid_ds by its value: no layout written here).
set_qbytes() {
	python3 - "$@" <<'PY'
import ctypes, struct, sys
qid, old, new = (int(a) for a in sys.argv[1:])
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(512)
assert libc.msgctl(qid, 2, buf) == 0, "IPC_STAT"   # IPC_STAT
raw = bytearray(buf.raw)
at = [o for o in range(48, 256, 8) if struct.unpack_from("<Q", raw, o)[0] == old]
assert len(at) == 1, at
struct.pack_into("<Q", raw, at[0], new)
buf.raw = bytes(raw)
assert libc.msgctl(qid, 1, buf) == 0, "IPC_SET"    # IPC_SET
PY
}

@test "a capacity changed while watching (IPC_SET) is seen on the next samples" {
	id=$(ipctool mkq --key 0x4113 --max-bytes 1000)
	head -c 250 /dev/zero | ipctool send 0x4113
	out=$BATS_TEST_TMPDIR/watch.jsonl
	watch_bg "$out" 0x4113 --interval 0.05
	wait_for "[ \$(lines_of '$out') -ge 3 ]" || fail "too few samples"
	set_qbytes "$id" 1000 500
	wait_for "tail -n 2 '$out' | head -n 1 | jq -e '.messages[0] | .qbytes == 500 and .use_percent == 50' >/dev/null" ||
		fail "no sample saw the new capacity: $(tail -n 2 "$out" | head -n 1)"
	kill "$BG_PID"
}

@test "a queue this user may not read has no capacity and no fullness: null, not an error" {
	need_root
	ipctool mkq --key 0x4112 --mode 600 >/dev/null
	run --separate-stderr as_nobody ipctool watch --json --count 1 0x4112
	assert_success
	run jq -c '.messages[0] | [has("qbytes"), has("use_percent"), .qbytes, .use_percent, .usedbytes]' <<<"$output"
	assert_output '[true,true,null,null,0]'
}

@test "TARGETs limit the view to the objects they name" {
	ipctool mkq --key 0x4109 >/dev/null
	ipctool mkq --key 0x410a >/dev/null
	ipctool mkshm --key 0x410a --size 4096 >/dev/null
	ipctool mkq /only >/dev/null
	run_tool watch 0x4109 /only --count 1
	assert_success
	run jq -c '[.messages[].key, .posixmessages[].name]' <<<"$output"
	assert_output '["0x00004109","/only"]'
	# A key two kinds use names both, as in list.
	run_tool watch --key 0x410a --count 1
	assert_success
	run jq -c '[.messages[].key, .sharedmemory[].key]' <<<"$output"
	assert_output '["0x0000410a","0x0000410a"]'
	run_tool watch 0x410a --shm --count 1
	assert_success
	run jq -c '[(.messages | length), .sharedmemory[].key]' <<<"$output"
	assert_output '[0,"0x0000410a"]'
}

@test "a TARGET that names nothing at the start is status 1, naming it" {
	ipctool mkq --key 0x410b >/dev/null
	run_tool watch 0x410b 0x410c --count 1
	assert_only_error 1 watch "no IPC object with key 0x0000410c"
	run_tool watch /missing --count 1
	assert_only_error 1 watch "no POSIX object named /missing"
	run_tool watch 999999 --queues --count 1
	assert_only_error 1 watch "no message queues with id 999999"
}

@test "bad --interval values are usage errors" {
	for bad in 0 0.0 -1 abc 1e9 '' 1000000001 ' 1'; do
		run_tool watch --interval "$bad" --count 1
		assert_only_error 2 watch "invalid --interval value"
	done
}

@test "bad --count values are usage errors" {
	for bad in 0 -1 abc 1e3 '' 99999999999999999999999; do
		run_tool watch --count "$bad"
		assert_only_error 2 watch "invalid --count value"
	done
}

@test "bad TARGETs and contradicting families are usage errors" {
	run_tool watch 12abc --count 1
	assert_error 2 watch "12abc"
	run_tool watch /name --sysv --count 1
	assert_only_error 2 watch "/name is a POSIX object: --sysv contradicts it"
	run_tool watch 0x10 --posix --count 1
	assert_only_error 2 watch "0x0*10 is a System V object: --posix contradicts it"
	run_tool watch --bogus
	assert_error 2 watch "bogus"
}

@test "a reader that goes away ends watch quietly with status 0" {
	ipctool mkq >/dev/null
	run --separate-stderr bash -c 'ipctool watch --json --interval 0.01 | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_success
	assert_output 0
	assert_equal "$stderr" ""
}

@test "a lost write is status 1" {
	ipctool mkq >/dev/null
	run --separate-stderr bash -c 'ipctool watch --count 1 >/dev/full'
	assert_equal "$status" 1
	assert_regex "$stderr" "^ipctool: watch: cannot write to standard output: No space left on device"
}

@test "SIGTERM ends JSON Lines after whole lines" {
	ipctool mkq >/dev/null
	out=$BATS_TEST_TMPDIR/watch.jsonl
	watch_bg "$out" --interval 0.01
	kill -TERM "$BG_PID"
	wait_exit "$BG_PID"
	assert_equal "$EXIT_RC" 143
	run jq -c .time "$out"
	assert_success
}

@test "--json on a terminal writes JSON Lines and no escape sequence" {
	ipctool mkq --key 0x410d >/dev/null
	out=$BATS_TEST_TMPDIR/typescript
	run script -qec "ipctool watch --json --count 2 --interval 0.01" "$out"
	assert_success
	run grep -c $'\e' "$out"
	assert_output 0
	run grep -c '"key":"0x0000410d"' "$out"
	assert_output 2
}

# break_proc_msg: reading /proc/sysvipc/msg fails from now on (EIO): a
# process's mem file, read at address 0, is bound over it (teardown
# undoes it).
break_proc_msg() {
	bg_start sleep 1000
	mount --bind "/proc/$BG_PID/mem" /proc/sysvipc/msg
}

@test "a sample that fails is status 1, naming what failed" {
	ipctool mkq >/dev/null
	break_proc_msg
	run_tool watch --count 1
	assert_only_error 1 watch "cannot read /proc/sysvipc/msg: Input/output error"
}

# ---- the full-screen view, in tmux -----------------------------------------

# view_start [SHELL COMMAND]: a 120x40 terminal (VIEW_WIDTH columns when
# set) running it (default: the view of every object every 0.2 s); the
# pane stays after it ends.  The VIEW_NAME names a server of its own (a
# killed one may still be going when the next starts).
VIEW_NAME=
VIEW_WIDTH=
view_start() {
	TMUX_SOCK=$BATS_TEST_TMPDIR/tmux$VIEW_NAME.sock
	printf 'set -g remain-on-exit on\nset -g status off\n' >"$BATS_TEST_TMPDIR/tmux.conf"
	local cmd=${1:-"ipctool watch --interval 0.2"}
	tmux -S "$TMUX_SOCK" -f "$BATS_TEST_TMPDIR/tmux.conf" new-session -d -x "${VIEW_WIDTH:-120}" -y 40 \
		"PATH='$PATH'; echo before-the-view; $cmd; echo \"watch exited \$?\";
		 echo \"modes \$(stty -a | tr ' ;' '\\n\\n' | grep -Ex -- '-?(icanon|echo|icrnl)' | tr '\\n' ' ')\""
}
screen() { tmux -S "$TMUX_SOCK" capture-pane -p "$@"; }
pane() { tmux -S "$TMUX_SOCK" display-message -p "#{$1}"; }
keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
# wait_screen ERE: until the screen shows it.
wait_screen() {
	wait_for "screen | grep -Eq -- '$1'" || fail "the screen never showed /$1/:$(printf '\n'; screen)"
}
# assert_screen ERE: the screen shows it now.
assert_screen() {
	screen | grep -Eq -- "$1" || fail "the screen does not show /$1/:$(printf '\n'; screen)"
}
# wait_no_screen ERE: until the screen no longer shows it.
wait_no_screen() {
	wait_for "! screen | grep -Eq -- '$1'" || fail "the screen kept /$1/:$(printf '\n'; screen)"
}
# After the view: the shell's screen is back with what it showed before
# (the view's lines gone from it and from the history), the alternate
# screen is off and the terminal's modes are the shell's again.
assert_restored() {
	assert_equal "$(pane alternate_on)" 0
	wait_screen '^modes '
	run screen -S -
	assert_line before-the-view
	assert_line --regexp '^watch exited [0-9]+$'
	assert_line 'modes icrnl icanon echo'
	refute_line --partial 'ipctool watch - '
}
# The line number on the screen of the first line matching ERE.
line_of() { screen | grep -En -- "$1" | head -n 1 | cut -d: -f1; }
# The pid of the view: the pane's shell's child.
view_pid() { cat "/proc/$(pane pane_pid)/task/$(pane pane_pid)/children" | awk '{ print $1 }'; }

@test "the view shows every object, list's columns and the changes" {
	ipctool mkq --key 0x4201 >/dev/null
	ipctool mksem --key 0x4202 --nsems 2 --value 4 >/dev/null
	ipctool mkq /vq >/dev/null
	view_start "ipctool watch --interval 1"
	wait_screen '0x00004201'
	assert_screen '^ipctool watch - [0-9:]+ - every 1.000s - 3 objects'
	assert_screen '^Message queues: 1$'
	assert_screen '^ +STATE KEY\^ +ID +PERMS +OWNER USEDBYTES QBYTES USE% MSGS LSPID LRPID dBYTES dMSGS SENT RCVD WAITING$'
	assert_screen '^Semaphore sets: 1$'
	assert_screen '0x00004202 .* 2 4,4 '
	assert_screen '^POSIX message queues: 1$'
	assert_screen '^ .* /vq +rw'
	assert_equal "$(pane alternate_on)" 1
	ipctool send 0x4201 'twelve bytes'
	wait_screen '0x00004201 .* 12 +16384 +0% +1 .* \+12 +\+1 +[0-9]+s'
	keys q
	wait_screen 'watch exited 0'
}

# The number of the sample the screen shows (its top line ends with it).
sample_shown() { screen | head -n 1 | grep -Eo 'sample [0-9]+$' | cut -d' ' -f2; }
# The screen's line for ERE with its attributes as escape sequences.
line_with_attrs() { screen -e | grep -E -- "$1" | head -n 1; }
BOLD=$'\e[1m'

@test "the view shows a queue's fullness beside its bytes: QBYTES and USE%" {
	ipctool mkq --key 0x4210 --max-bytes 1000 >/dev/null
	ipctool mkq /vfull --max-messages 4 --message-size 16 >/dev/null
	head -c 250 /dev/zero | ipctool send 0x4210
	ipctool send /vfull a b c
	view_start "ipctool watch --queues"
	wait_screen '0x00004210 '
	assert_screen ' USEDBYTES QBYTES USE% MSGS '
	assert_screen '0x00004210 +[0-9]+ rw------- [a-z0-9]+ +250 +1000 +25% +1 '
	assert_screen ' USEDBYTES MSGS MAXMSGS USE% MSGSIZE '
	assert_screen '/vfull +rw------- [a-z0-9]+ +3 +3 +4 +75% +16 '
	keys q
	wait_screen 'watch exited 0'
}

@test "a change stays bold for three samples, then is plain again" {
	ipctool mkq --key 0x4211 >/dev/null   # the selected row, first
	ipctool mkq --key 0x4212 >/dev/null
	view_start "ipctool watch --queues --sysv --interval 1"
	wait_for '[ -n "$(sample_shown)" ]' || fail "no sample number:$(printf '\n'; screen)"
	local first n row seen=
	first=$(( $(sample_shown) + 1 ))   # the first sample taken after the send
	ipctool send 0x4212 hello
	# Every sample shown until the fourth with the change: bold on the
	# first three (USEDBYTES 5), plain on the fourth.
	for _ in $(seq 400); do
		n=$(sample_shown)
		row=$(line_with_attrs '0x00004212')
		if [ -n "$n" ] && [ "$n" -ge "$first" ] && [[ " $seen " != *" $n "* ]]; then
			seen="$seen $n"
			if [ "$n" -lt $((first + 3)) ]; then
				[[ $row == *"$BOLD"*5* ]] || fail "sample $n (change at $first) not bold: $row"
			else
				[[ $row != *"$BOLD"* ]] || fail "sample $n (change at $first) still bold: $row"
			fi
		fi
		[ -n "$n" ] && [ "$n" -ge $((first + 3)) ] && break
		sleep 0.05
	done
	[[ " $seen " == *" $((first + 2)) "* && " $seen " == *" $((first + 3)) "* ]] ||
		fail "samples seen:$seen, from $first"
	# The row that did not change was never bold.
	[[ $(line_with_attrs '0x00004211') != *"$BOLD"* ]] || fail "the unchanged row is bold"
	keys q
	wait_screen 'watch exited 0'
}

@test "the view shows a set's values beside NSEMS, bold when one changes" {
	ipctool mksem --key 0x4213 --nsems 3 --value 4 >/dev/null
	view_start "ipctool watch --sems --sysv"
	wait_screen '0x00004213 '
	assert_screen ' NSEMS VALUES dVALUES '
	assert_screen '0x00004213 .* 3 4,4,4 '
	[[ $(line_with_attrs '0x00004213') != *"$BOLD"* ]] || fail "bold before any change"
	ipctool sem-v 0x4213 --num 1
	wait_screen '0x00004213 .* 3 4,5,4 +0,\+1,0 '
	[[ $(line_with_attrs '0x00004213') == *"${BOLD}4,5,4"* ]] || fail "the values are not bold: $(line_with_attrs 0x00004213)"
	keys q
	wait_screen 'watch exited 0'
}

@test "a row wider than the terminal ends with '>' where it is cut; one that fits does not" {
	ipctool mkq --key 0x4214 >/dev/null
	ipctool mksem /vnarrow >/dev/null
	VIEW_WIDTH=60 view_start "ipctool watch --queues --sysv --sems --posix"
	wait_screen '0x00004214 '
	local row heading
	row=$(screen | grep -E '0x00004214')
	heading=$(screen | grep -E '^ +STATE KEY' | head -n 1)
	[ "${#row}" -eq 60 ] && [ "${row: -1}" = '>' ] || fail "the row is not cut with '>': [$row]"
	[ "${#heading}" -eq 60 ] && [ "${heading: -1}" = '>' ] || fail "the heading is not cut with '>': [$heading]"
	run screen
	assert_line --regexp ' /vnarrow +rw.* 0 +-?[0-9]*$'
	refute_line --regexp '/vnarrow.*>$'
	keys q
	wait_screen 'watch exited 0'
}

@test "times are compact: the time of day today, the date before" {
	ipctool mkshm --key 0x4215 --size 4096 >/dev/null
	ipctool mkshm /vold --size 1 >/dev/null
	touch -d '2020-01-02 12:00' /dev/shm/vold
	view_start "ipctool watch --shm"
	wait_screen '/vold '
	assert_screen ' /vold +rw------- +[a-z0-9]+ +1 2020-01-02 '
	assert_screen '0x00004215 .* 4096 +0 +- +[0-2][0-9]:[0-5][0-9]:[0-5][0-9] '
	refute_screen_iso() { ! screen | grep -Eq '[0-9]{4}-[0-9]{2}-[0-9]{2}T'; }
	refute_screen_iso || fail "a time in the long form:$(printf '\n'; screen)"
	keys q
	wait_screen 'watch exited 0'
}

@test "widths count display columns: a name of two-byte and wide characters takes its width" {
	ipctool mkshm /éééééééééé --size 1 >/dev/null
	ipctool mkshm /日本語 --size 1 >/dev/null
	view_start "LC_ALL=C.UTF-8 ipctool watch --posix --shm"
	wait_screen '/日本語'
	# NAME is as wide as the widest name's 11 columns, and no wider.
	assert_screen '/éééééééééé rw-------'
	assert_screen '/日本語     rw-------'
	keys q
	wait_screen 'watch exited 0'
}

@test "the view shows names from the system in the shown form, as list does" {
	ipctool mkq $'/tab\there' >/dev/null
	ipctool mkq $'/esc\e[31mred' >/dev/null
	view_start "ipctool watch --posix --queues"
	wait_screen '/tab\\x09here '
	assert_screen '/esc\\x1b\[31mred '
	keys q
	wait_screen 'watch exited 0'
}

@test "the view escapes a right-to-left override in a name, in a UTF-8 terminal, and the row stays aligned" {
	# U+202E would show what follows it reversed and move the columns.
	ipctool mkq $'/rlo\xe2\x80\xaetxt.exe' >/dev/null
	ipctool mkq /plain-name-12345 >/dev/null
	view_start "LC_ALL=C.UTF-8 ipctool watch --posix --queues"
	wait_screen '/rlo\\xe2\\x80\\xaetxt.exe +rw'
	local rlo plain
	rlo=$(screen | grep -F '/rlo' | grep -ob 'rw-' | head -n 1 | cut -d: -f1)
	plain=$(screen | grep -F '/plain' | grep -ob 'rw-' | head -n 1 | cut -d: -f1)
	[ -n "$rlo" ] && [ "$rlo" = "$plain" ] || fail "PERMS at $rlo and $plain:$(printf '\n'; screen)"
	screen | grep -q $'\xe2\x80\xae' && fail "U+202E reached the terminal:$(printf '\n'; screen)"
	keys q
	wait_screen 'watch exited 0'
}

# in_order ERE...: each matches a screen line below the one before.
in_order() {
	local last=0 at
	for re in "$@"; do
		at=$(line_of "$re")
		[ -n "$at" ] && [ "$at" -gt "$last" ] || fail "not in order: $*:$(printf '\n'; screen)"
		last=$at
	done
}

@test "sorting by a column changes the order; r reverses it" {
	# Made out of order, so that the ids' order is not the keys'.
	for key in 0x4304 0x4301 0x4303 0x4302; do ipctool mkq --key $key >/dev/null; done
	ipctool send 0x4301 a a a
	ipctool send 0x4302 b
	ipctool send 0x4303 c c
	ipctool send 0x4304 d d d d
	view_start "ipctool watch --queues --sysv"
	wait_screen '0x00004303'
	in_order 0x00004301 0x00004302 0x00004303 0x00004304
	keys r
	wait_screen ' KEYv '
	in_order 0x00004304 0x00004303 0x00004302 0x00004301
	keys r
	wait_screen ' KEY\^ '
	# STATE KEY ID PERMS OWNER USEDBYTES QBYTES USE% MSGS: seven to the right of KEY.
	keys '>' '>' '>' '>' '>' '>' '>'
	wait_screen ' MSGS\^ '
	in_order 0x00004302 0x00004303 0x00004301 0x00004304
	keys r
	wait_screen ' MSGSv '
	in_order 0x00004304 0x00004301 0x00004303 0x00004302
	keys '<'
	wait_screen ' USE%v '
	keys q
	wait_screen 'watch exited 0'
}

@test "the selection moves with arrows and j/k; peek shows its first messages and takes none" {
	ipctool mkq --key 0x4401 >/dev/null
	ipctool mkq --key 0x4402 >/dev/null
	ipctool send 0x4402 'first-message' 'second-one'
	view_start "ipctool watch --queues --sysv"
	wait_screen '0x00004402'
	wait_screen '^> .*0x00004401'
	keys Down
	wait_screen '^> .*0x00004402'
	keys k
	wait_screen '^> .*0x00004401'
	keys j p
	wait_screen '#0  type 1  13 bytes  first-message'
	wait_screen '#1  type 1  10 bytes  second-one'
	assert_screen 'copied \(nothing taken\)'
	run_tool list 0x4402
	assert_line --regexp '^MSGS +2$'
	# Any key closes it; the queue still has both.
	keys x
	wait_no_screen 'first-message'
	keys Up p
	wait_screen '\(empty\)'
	keys q
	wait_screen 'watch exited 0'
	run_tool recv 0x4402 --count 2
	assert_success
	assert_output $'first-message\nsecond-one'
}

@test "peek at a POSIX queue says it cannot be peeked" {
	ipctool mkq /pv >/dev/null
	ipctool send /pv 'kept'
	view_start "ipctool watch --posix --queues"
	wait_screen '/pv '
	keys p
	wait_screen 'POSIX message queues cannot be peeked'
	keys q
	wait_screen 'watch exited 0'
	run_tool recv /pv --nowait
	assert_output kept
}

@test "? shows the keys, any key closes them" {
	ipctool mkq >/dev/null
	view_start
	wait_screen '^Message queues: 1'
	keys '?'
	wait_screen 'q, Ctrl-C +quit'
	assert_screen 'p, Enter +peek at the selected queue'
	keys Space
	wait_no_screen 'q, Ctrl-C +quit'
	keys q
	wait_screen 'watch exited 0'
}

@test "q restores the screen: the view and the alternate screen are gone, status 0" {
	ipctool mkq >/dev/null
	view_start
	wait_screen '^ipctool watch - '
	assert_equal "$(pane alternate_on)" 1
	keys q
	wait_screen 'watch exited 0'
	assert_restored
}

@test "Ctrl-C quits the view with status 0, restored" {
	ipctool mkq >/dev/null
	view_start
	wait_screen '^ipctool watch - '
	keys C-c
	wait_screen 'watch exited 0'
	assert_restored
}

@test "SIGTERM to the view restores the terminal; it dies of the signal" {
	ipctool mkq >/dev/null
	view_start
	wait_screen '^ipctool watch - '
	pid=$(view_pid)
	[ -n "$pid" ]
	kill -TERM "$pid"
	wait_screen 'watch exited 143'
	assert_restored
}

@test "--count N ends the view after N samples, restored, status 0" {
	ipctool mkq >/dev/null
	view_start "ipctool watch --count 2 --interval 0.05"
	wait_screen 'watch exited 0'
	assert_restored
}

@test "an error ends the view: the terminal restored, then the error, status 1" {
	ipctool mkq >/dev/null
	view_start "ipctool watch --interval 0.1"
	wait_screen '^ipctool watch - '
	break_proc_msg
	wait_screen 'watch exited 1'
	assert_restored
	assert_screen '^ipctool: watch: cannot read /proc/sysvipc/msg: Input/output error$'
}

@test "a terminal type ncurses does not know is status 1 with a hint" {
	ipctool mkq >/dev/null
	# ncurses leaks what it allocated for a terminal it then refuses
	# (tests/lsan-ncurses.supp): an ASan build is told so, nothing else.
	run --separate-stderr env TERM=no-such-terminal LSAN_OPTIONS="suppressions=$BATS_TEST_DIRNAME/lsan-ncurses.supp:print_suppressions=0" \
		script -qec "ipctool watch --count 1" /dev/null
	assert_equal "$status" 1
	assert_output --partial "cannot start the full-screen view on this terminal (TERM=no-such-terminal): try --json"
}

@test "only the view loads ncurses: a short command does not map it, the view does" {
	run ldd "$(command -v ipctool)"
	assert_success
	refute_output --partial libncurses
	refute_output --partial libtinfo
	ipctool mkq --key 0x4502 >/dev/null
	view_start "ipctool watch --queues --sysv --interval 5"
	wait_screen ' SENT RCVD WAITING$'
	run grep -c 'libncursesw' "/proc/$(view_pid)/maps"
	assert_success
	keys q
	wait_screen 'watch exited 0'
}

@test "a libncursesw without a function the view calls is status 1, naming it" {
	ipctool mkq >/dev/null
	printf 'int not_curses;\n' >"$BATS_TEST_TMPDIR/fake.c"
	cc -shared -fPIC -o "$BATS_TEST_TMPDIR/libncursesw.so.6" "$BATS_TEST_TMPDIR/fake.c"
	run --separate-stderr env LD_LIBRARY_PATH="$BATS_TEST_TMPDIR" script -qec "ipctool watch --count 1" /dev/null
	assert_equal "$status" 1
	assert_output --partial "ipctool: watch: cannot find cbreak in libncursesw.so.6: "
}

@test "a resized terminal is drawn again at its new size" {
	ipctool mkq --key 0x4501 >/dev/null
	view_start "ipctool watch --queues --sysv --interval 5"
	wait_screen ' SENT RCVD WAITING$'
	tmux -S "$TMUX_SOCK" resize-window -x 60 -y 20
	wait_no_screen ' RCVD'
	assert_screen '^ipctool watch - '
	[ "$(screen | awk '{ if (length($0) > 60) n++ } END { print n + 0 }')" -eq 0 ]
	tmux -S "$TMUX_SOCK" resize-window -x 120 -y 40
	wait_screen ' SENT RCVD WAITING$'
	keys q
	wait_screen 'watch exited 0'
}

@test "a terminal narrower than any column: each row is its '>', and the view goes on" {
	ipctool mkq --key 0x4502 >/dev/null
	view_start "ipctool watch --queues --interval 0.2"
	wait_screen '0x00004502 '
	tmux -S "$TMUX_SOCK" resize-window -x 1 -y 1
	tmux -S "$TMUX_SOCK" resize-window -x 4 -y 12
	wait_for "[ \"\$(screen | grep -c '>$')\" -ge 3 ]" || fail "no cut rows at 4 columns:$(printf '\n'; screen)"
	[ "$(screen | awk '{ if (length($0) > 4) n++ } END { print n + 0 }')" -eq 0 ] || fail "a line wider than 4"
	# Each line cut, none wrapped onto the next: the top line, the title,
	# its heading, the row (run drops the empty line).
	run screen
	assert_line --index 0 'ipct'
	assert_line --index 1 'Mess'
	assert_line --index 2 '  S>'
	assert_line --index 3 --regexp '^>  >$'
	tmux -S "$TMUX_SOCK" resize-window -x 120 -y 40
	wait_screen '0x00004502 .* WAITING|0x00004502 '
	wait_screen ' SENT RCVD WAITING$'
	keys q
	wait_screen 'watch exited 0'
}

# ---- a terminal that goes away ---------------------------------------------

# child_times FILE: the CPU seconds (user + system) of the children of the
# shell that wrote FILE with `times`, in milliseconds.
child_times() {
	sed -n 2p "$1" | awk '{ n = 0; for (i = 1; i <= 2; i++) { split($i, t, "m"); n += t[1] * 60000 + t[2] * 1000 } print int(n) }'
}

@test "a terminal that goes away ends the view: status 1 at once, no spin, though watch leads no session" {
	ipctool mkq >/dev/null
	local dir=$BATS_TEST_TMPDIR
	# setsid: watch is in a session of its own, so the terminal is not its
	# controlling one and no SIGHUP comes when it goes; only the tty says so.
	view_start "setsid bash -c 'echo \$\$ >$dir/shell; ipctool watch --interval 0.2; echo \$? >$dir/status; times >$dir/times'"
	wait_screen '^ipctool watch - '
	local shell
	shell=$(cat "$dir/shell")
	BG_PIDS+=("$shell" $(cat "/proc/$shell/task/$shell/children"))
	tmux -S "$TMUX_SOCK" kill-server
	TMUX_SOCK=
	wait_for "[ -s '$dir/times' ]" || fail "watch did not exit when its terminal went away"
	assert_equal "$(cat "$dir/status")" 1
	# A spin would have used all the CPU it could since the kill.
	assert_between 0 500 "$(child_times "$dir/times")"
}

@test "a terminal that goes away ends the view of the session's leader with status 1, SIGHUP or not" {
	ipctool mkq >/dev/null
	local dir=$BATS_TEST_TMPDIR
	for hup in default ignored; do
		rm -f "$dir/watch" "$dir/trace"
		# exec: watch is the pane's process, the session leader, and gets
		# SIGHUP, unless it is ignored (nohup).  The tmux server, its parent,
		# is gone before it could tell the status: strace, detached into a
		# session of its own (-DDD: the pid stays watch's, the leader's),
		# tells it.  LeakSanitizer cannot run under ptrace.
		local trap=
		[ "$hup" = ignored ] && trap="trap '' HUP;"
		VIEW_NAME=$hup
		view_start "$trap echo \$\$ >$dir/watch; ASAN_OPTIONS=detect_leaks=0 exec strace -DDD -q -e trace=none -o $dir/trace ipctool watch --interval 0.2"
		wait_screen '^ipctool watch - '
		local pid
		pid=$(cat "$dir/watch")
		BG_PIDS+=("$pid")
		tmux -S "$TMUX_SOCK" kill-server
		TMUX_SOCK=
		wait_for "grep -q '+++ ' '$dir/trace'" || fail "watch (SIGHUP $hup) did not exit when its terminal went away"
		run grep -o '+++ .* +++' "$dir/trace"
		assert_output "+++ exited with 1 +++"
	done
}

@test "a terminal that cannot address the cursor (TERM=dumb) is status 1 saying so" {
	ipctool mkq >/dev/null
	run --separate-stderr env TERM=dumb LSAN_OPTIONS="suppressions=$BATS_TEST_DIRNAME/lsan-ncurses.supp:print_suppressions=0" \
		script -qec "ipctool watch --count 1" /dev/null
	assert_equal "$status" 1
	assert_output --partial "cannot start the full-screen view on this terminal (TERM=dumb): it cannot move the cursor; try --json"
	refute_output --partial 'ipctool watch - '
}
