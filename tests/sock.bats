#!/usr/bin/env bats
# Unix domain sockets: sock PATH --listen / --connect (ipctool-sock(1)).

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
	# The network namespace (and so the abstract namespace) is the host's:
	# names of our own.  ($$ is the same in another copy of the suite,
	# whose PID namespace numbers alike: the 32 random bits tell them apart.)
	A="@ipctool-test-$$-$BATS_TEST_NUMBER-$SRANDOM"
}
teardown() {
	touch "$D/go"   # ends the COMMANDs that wait for it, should a test fail first
	bg_cleanup
	[ -z "${PUBDIR:-}" ] || rm -rf "$PUBDIR"
	common_teardown
}

stale_socket() {
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).bind(sys.argv[1])' "$1"
}

# ---- usage errors: nothing is created ----------------------------------------

@test "usage errors exit 2 and create nothing" {
	local cases=(
		""
		"s"
		"s --listen --connect"
		"s --listen --dgram --seqpacket"
		"s --listen --stream --dgram"
		"s --listen --count 0"
		"s --listen --count x"
		"s --listen --count -1"
		"s --listen --timeout -1"
		"s --listen --timeout abc"
		"s --listen --mode 999"
		"s --listen --mode rw"
		"s --listen --allow-uid no-such-user-here"
		"s --listen DATA"
		"s --listen --lines"
		"s --listen --null"
		"s --listen --dgram -- cat"
		"s --listen --json -- cat"
		"s --listen --"
		"s --connect --count 1"
		"s --connect --mode 600"
		"s --connect --allow-uid 0"
		"s --connect --json"
		"s --connect -- cat"
		"s --connect one two"
		"s --connect --lines"
		"s --connect --null"
		"s --connect --dgram --lines --null"
		"s --connect --dgram --lines DATA"
		"s --connect --timeout 0"
		"s --connect --timeout 0.0 --dgram x"
		"s --listen --bogus"
	)
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		run_tool sock $c
		assert_error 2 sock '.'
		assert_equal "$output" ""
		[ ! -e s ]
	done
}

@test "sock: a bad value is named by its long option however it was written; an earlier bad one is not hidden by a later good one" {
	# Every value given is checked, not only the last (src/lib/args.h).
	local cases=(
		"-c 0|--count|0"
		"--count x --count 2|--count|x"
		"-t abc|--timeout|abc"
		"--timeout -1 --timeout 1|--timeout|-1"
		"-p 999|--mode|999"
		"--mode rw --mode 600|--mode|rw"
		"-u no-such-user-here|--allow-uid|no-such-user-here"
		"--allow-uid no-such-user-here --allow-uid any|--allow-uid|no-such-user-here"
		"--max-children 0 --max-children 2|--max-children|0"
		"--idle-timeout 0 --idle-timeout 1|--idle-timeout|0"
		"--idle-timeout x|--idle-timeout|x"
	)
	for c in "${cases[@]}"; do
		IFS='|' read -r opts name value <<<"$c"
		# shellcheck disable=SC2086
		run_tool sock s --listen $opts -- cat
		assert_error 2 sock "$(re_quote "invalid $name value '$value'")"
		[ ! -e s ]
	done
}

@test "a bad PATH is a usage error: empty, a bare @, too long" {
	run_tool sock "" --listen
	assert_error 2 sock "PATH is empty"
	run_tool sock @ --listen
	assert_error 2 sock "needs a NAME after '@'"
	long=$(printf 'x%.0s' $(seq 108))
	run_tool sock "$long" --listen
	assert_error 2 sock "at most 107 bytes"
	[ ! -e "$long" ]
	run_tool sock "@$long" --connect x
	assert_error 2 sock "at most 107 bytes"
}

@test "the usage error names each contradiction" {
	run_tool sock s --listen --connect
	assert_error 2 sock "--listen and --connect contradict each other"
	run_tool sock s
	assert_error 2 sock "choose --listen or --connect"
	run_tool sock s --connect --dgram --seqpacket
	assert_error 2 sock "choose one"
	run_tool sock s --connect --lines
	assert_error 2 sock "--lines applies to --dgram and --seqpacket"
	run_tool sock s --connect a b
	assert_error 2 sock "unexpected argument 'b': a stream takes one DATA at most"
	run_tool sock s --connect --count 2
	assert_error 2 sock "--count applies to --listen"
	run_tool sock s --listen --dgram -- cat
	assert_error 2 sock "-- COMMAND serves connections"
}

# ---- round trips -------------------------------------------------------------

@test "stream: a connection's bytes reach the listener's stdout; the socket file is 0600 and gone after" {
	umask 0
	listen --count 1
	run stat -c %a s
	assert_output 600
	run_tool sock s --connect "hello there"
	assert_success
	assert_output ""
	finished
	run cat out
	assert_output "hello there"
	[ ! -e s ]
	[ ! -s err ]
}

@test "stream: 1 MiB of binary through the socket arrives byte for byte" {
	head -c 1048576 /dev/urandom > in
	listen --count 1
	run_tool sock s --connect < in
	assert_success
	finished
	cmp in out
}

@test "stream: the reply comes back after the half-close, 1 MiB both ways (no deadlock)" {
	head -c 1048576 /dev/urandom > in
	listen --count 1 -- cat
	run bash -c 'ipctool sock s --connect < in > back'
	assert_success
	cmp in back
	finished
}

@test "stream: DATA is sent exactly, nothing added; the empty DATA too" {
	listen --count 2 --json
	run_tool sock s --connect $'a\nb '
	assert_success
	run_tool sock s --connect ""
	assert_success
	finished
	run cat out
	assert_line -n 0 --regexp '^\{"pid":[0-9]+,"uid":0,"gid":0,"offset":0,"data":"a\\nb "\}$'
	assert_line -n 1 --regexp '^\{"pid":[0-9]+,"uid":0,"gid":0,"end":true,"bytes":4\}$'
	# The empty connection: no chunk, only its end.
	assert_line -n 2 --regexp '^\{"pid":[0-9]+,"uid":0,"gid":0,"end":true,"bytes":0\}$'
	assert_equal "${#lines[@]}" 3
}

@test "--json: objects with the peer's pid, a chunk and the end; data_base64 when not UTF-8" {
	listen --count 1 --json
	printf 'a\xffb' > bin
	ipctool sock s --connect < bin &
	cpid=$!
	wait "$cpid"
	finished
	run jq -c . out
	assert_success
	assert_output "{\"pid\":$cpid,\"uid\":0,\"gid\":0,\"offset\":0,\"data_base64\":\"Yf9i\"}
{\"pid\":$cpid,\"uid\":0,\"gid\":0,\"end\":true,\"bytes\":3}"
}

@test "dgram: each line with --lines is one datagram, written as bytes and a newline" {
	listen --dgram --count 3
	run_tool sock s --connect --dgram --lines <<<$'one\ntwo\nthree'
	assert_success
	finished
	run cat out
	assert_output $'one\ntwo\nthree'
}

@test "dgram: DATA arguments, --null records, all of stdin; --json with the sender's credentials" {
	listen --dgram --count 5 --json
	run_tool sock s --connect --dgram a b
	assert_success
	run_tool sock s --connect --dgram --null < <(printf 'x\0y')
	assert_success
	printf 'whole\nstdin' > in
	run_tool sock s --connect --dgram < in
	assert_success
	finished
	run jq -r '[.uid, .gid, .data] | @tsv' out
	assert_output $'0\t0\ta\n0\t0\tb\n0\t0\tx\n0\t0\ty\n0\t0\twhole\\nstdin'
	run jq -r '.pid > 0' out
	refute_output --partial false
}

@test "seqpacket: records keep their bounds; COMMAND's reply comes back" {
	listen_abstract --seqpacket --count 1 --json
	run_tool sock "$A" --connect --seqpacket r1 "r 2"
	assert_success
	finished
	run jq -r 'select(has("data")) | .data' out
	assert_output $'r1\nr 2'
	listen_abstract --seqpacket --count 1 -- tr a-z A-Z
	run_tool sock "$A" --connect --seqpacket --lines <<<$'ab\ncd'
	assert_success
	assert_output "ABCD"
	finished
}

@test "seqpacket: a peer that echoes while the client still sends does not deadlock it" {
	# 20,000 records are many times what both directions' socket buffers
	# hold (a few hundred small records each), so a client that only sends
	# would block for good.  The --timeout only ends such a deadlock: the
	# exchange takes well under a second on an idle machine, far longer on
	# a loaded one.
	seq -w 1 20000 > in
	listen_abstract --seqpacket --count 1 -- cat
	run bash -c 'ipctool sock "$1" --connect --seqpacket --lines --timeout 60 < in > back' _ "$A"
	assert_success
	finished
	tr -d '\n' < in > want
	cmp want back
}

@test "abstract @name: no file is made; a second listener on it is refused" {
	listen_abstract --count 1
	run_tool sock "$A" --listen --timeout 1
	assert_only_error 1 sock "is in use: a live socket is bound to it"
	run_tool sock "$A" --connect abc
	assert_success
	finished
	run cat out
	assert_output abc
	run find . -type s
	assert_output ""
}

@test "a record larger than the socket can take is status 1 naming its size" {
	max=$(cat /proc/sys/net/core/wmem_default)
	listen_abstract --dgram --count 1
	# More than the send buffer: found before it is all read.
	run_tool sock "$A" --connect --dgram < <(head -c $((max + 10)) /dev/zero)
	assert_only_error 1 sock "record 1 is more than $max bytes, more than $A can take .*nothing was sent"
	# Within the buffer but over the datagram limit: its exact size.
	run_tool sock "$A" --connect --dgram < <(head -c $((max - 8)) /dev/zero)
	assert_only_error 1 sock "record 1 is $((max - 8)) bytes, more than"
	run_tool sock "$A" --connect --dgram --lines < <(echo ok; head -c $((max + 10)) /dev/zero)
	assert_only_error 1 sock "record 2 is more than .*the records before it were sent"
	finished
	run cat out
	assert_output ok
}

# ---- what is at PATH -----------------------------------------------------------

@test "a stale socket file is replaced" {
	stale_socket s
	[ -S s ]
	listen --count 1
	run_tool sock s --connect fresh
	assert_success
	finished
	run cat out
	assert_output fresh
	[ ! -e s ]
}

@test "a socket whose listener died is stale even while a connection it accepted lives on" {
	listen -- sh -c 'echo > serving; while [ ! -e go ]; do sleep 0.05; done; echo done'
	bg_start ipctool sock s --connect x
	client=${BG_PIDS[-1]}
	wait_for '[ -e serving ]'
	# The accepted connection, held by COMMAND, still shows s in
	# /proc/net/unix; the dead listener's file is stale all the same.
	kill -KILL "$LISTENER"
	wait "$LISTENER" || true
	[ -S s ]
	listen --count 1
	run_tool sock s --connect again
	assert_success
	finished
	run cat out
	assert_output again
	touch go
	wait "$client"
}

@test "a live listener is refused, left intact, and never sees a probe" {
	listen --count 1 --json
	run_tool sock s --listen --timeout 1
	assert_only_error 1 sock "s is in use: a live socket is bound to it; it was left untouched"
	run_tool sock "$D/s" --listen --dgram --timeout 1
	assert_only_error 1 sock "is in use"
	[ -S s ]
	run_tool sock s --connect real
	assert_success
	finished
	# Only the real connection came: the refusals did not connect.
	run jq -r 'select(has("data")) | .data' out
	assert_output real
}

@test "a listener started by a relative path is found by its absolute name: no probe" {
	mkdir sub
	bg_start bash -c 'cd sub && exec ipctool sock s --listen --count 1 --json' >out 2>err
	LISTENER=${BG_PIDS[-1]}
	wait_for '[ -S sub/s ]'
	wait_blocked "$LISTENER" poll
	run grep -c " $(re_quote "$D/sub/s")\$" /proc/net/unix
	assert_output 1
	run_tool sock sub/s --listen --timeout 1
	assert_only_error 1 sock "is in use"
	run_tool sock sub/s --connect real
	assert_success
	finished
	run jq -r 'select(has("data")) | .data' out
	assert_output real
}

@test "a listener of another program bound by a relative name is found by its file: no probe" {
	mkdir sub
	bg_start bash -c 'cd sub && exec python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(\"s\")
s.listen()
print(\"listening\", file=sys.stderr, flush=True)
c, _ = s.accept()
print(repr(c.recv(10)), flush=True)
"' >probe 2>listening
	# Listening, not just bound: a probe before listen(2) finds it stale.
	wait_for '[ -s listening ]'
	run_tool sock sub/s --listen --timeout 1
	assert_only_error 1 sock "sub/s is in use"
	[ -S sub/s ]
	# The first connection it sees is ours, with data: no probe came first.
	run_tool sock sub/s --connect real
	assert_success
	wait_for '[ -s probe ]'
	run cat probe
	assert_output "b'real'"
}

@test "a regular file, a directory, a symlink at PATH are refused and left alone" {
	printf 'keep' > s
	run_tool sock s --listen --timeout 1
	assert_only_error 1 sock "s exists and is a regular file, not a socket; it was left untouched"
	assert_equal "$(cat s)" keep
	rm s
	mkdir s
	run_tool sock s --listen --timeout 1
	assert_only_error 1 sock "s exists and is a directory, not a socket"
	[ -d s ]
	rmdir s
	stale_socket target
	ln -s target s
	run_tool sock s --listen --timeout 1
	assert_only_error 1 sock "s exists and is a symbolic link, not a socket"
	[ -L s ]
	[ -S target ]
	ln -sf nowhere s
	run_tool sock s --listen --timeout 1
	assert_only_error 1 sock "symbolic link"
	[ ! -e nowhere ]
}

@test "a missing directory is status 1 naming PATH" {
	run_tool sock no/such/s --listen --timeout 1
	assert_only_error 1 sock "cannot bind no/such/s: No such file or directory"
}

@test "--mode sets the socket file's mode exactly, whatever the umask" {
	umask 077
	listen --count 1 --mode 0660
	run stat -c %a s
	assert_output 660
	run_tool sock s --connect x
	assert_success
	finished
	umask 0
	listen --count 1
	run stat -c %a s
	assert_output 600
	run_tool sock s --connect y
	assert_success
	finished
}

@test "on exit the listener removes its socket file, but not one that replaced it" {
	listen
	mv s mine
	stale_socket s
	kill -TERM "$LISTENER"
	finished
	[ -S s ]
	[ -S mine ]
}

@test "SIGTERM: the listener stops, removes its file and exits 0; COMMANDs get the signal and are reaped" {
	listen
	kill -TERM "$LISTENER"
	finished
	[ ! -e s ]
	listen -- sh -c 'echo started > started; exec sleep 30'
	bg_start ipctool sock s --connect x
	wait_for '[ -e started ]'
	kill -TERM "$LISTENER"
	finished
	[ ! -e s ]
	run pgrep -f 'sleep 30'
	assert_failure 1
}

@test "Ctrl-C at the listener's terminal reaches a running COMMAND once, not again from the listener" {
	printf 'set -g remain-on-exit on\nset -g status off\n' >tmux.conf
	TMUX_SOCK=$PWD/tmux.sock
	# COMMAND counts the SIGINTs it gets, then goes on until told to stop.
	tmux -S "$TMUX_SOCK" -f tmux.conf new-session -d -x 100 -y 10 \
		"PATH='$PATH'; ipctool sock s --listen -- sh -c 'trap \"echo int >> ints\" INT; touch started; while [ ! -e stop ]; do sleep 0.05; done'; echo exited-\$?; sleep 60"
	wait_for '[ -S s ]'
	bg_start ipctool sock s --connect x
	wait_for '[ -e started ]'
	tmux -S "$TMUX_SOCK" send-keys C-c
	wait_for '[ -e ints ]'
	touch stop
	wait_for "tmux -S '$TMUX_SOCK' capture-pane -p | grep -q 'exited-'"
	tmux -S "$TMUX_SOCK" kill-server
	run cat ints
	assert_success
	assert_output int
}

# ---- COMMAND ---------------------------------------------------------------------

@test "-- COMMAND gets the connection and the peer's credentials in its environment" {
	listen --count 1 -- sh -c 'read -r line; echo "$line:$IPCTOOL_PEER_PID:$IPCTOOL_PEER_UID:$IPCTOOL_PEER_GID"'
	ipctool sock s --connect hi > reply &
	cpid=$!
	wait "$cpid"
	run cat reply
	assert_output "hi:$cpid:0:0"
	finished
}

@test "-- COMMAND serves connections concurrently" {
	listen --count 2 -- sh -c 'read -r x; if [ "$x" = first ]; then while [ ! -e go ]; do sleep 0.05; done; fi; echo "$x done"'
	bg_start ipctool sock s --connect first
	first=${BG_PIDS[-1]}
	# The second is served while the first still waits.
	run_tool sock s --connect second --timeout 10
	assert_success
	assert_output "second done"
	touch go
	wait "$first"
	finished
}

@test "many clients at once are all served" {
	listen --count 20 -- sh -c 'read -r x; echo "got $x"'
	for i in $(seq 20); do
		ipctool sock s --connect "$i" > "reply.$i" &
	done
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	for i in $(seq 20); do
		run cat "reply.$i"
		assert_output "got $i"
	done
}

@test "a COMMAND that fails is reported, one line, and serving goes on with status 0" {
	listen --count 2 -- sh -c 'cat >/dev/null; exit 5'
	run_tool sock s --connect a
	assert_success
	run_tool sock s --connect b
	assert_success
	finished
	run cat err
	assert_line -n 0 --regexp "^ipctool: sock: sh for the connection from pid [0-9]+ exited with status 5$"
	assert_equal "${#lines[@]}" 2
}

@test "a COMMAND not found is reported and serving goes on" {
	listen --count 2 -- no-such-command-here
	# The listener closes a connection it has no COMMAND for: a client
	# whose request was sent by then reads the end (0), one still writing
	# finds the socket closed (1, a broken pipe).  Either way the listener
	# serves the next one.
	for i in 1 2; do
		run_tool sock s --connect a
		assert [ "$status" -eq 0 -o "$status" -eq 1 ]
	done
	finished
	run cat err
	assert_success
	assert_equal "$(grep -c '^ipctool: sock: no-such-command-here: command not found$' <<<"$output")" 2
}

# ---- credentials -----------------------------------------------------------------

@test "a peer of another user is refused by --allow-uid before any byte is delivered, and not counted" {
	need_root
	listen_abstract --count 1 --json --allow-uid root
	# Whether the refusal reaches the client before or after its send
	# is a race: status 0 (its data was dropped) or 1 (it saw the close).
	run --separate-stderr as_nobody ipctool sock "$A" --connect secret
	assert_output ""
	[ "$status" -le 1 ]
	run_tool sock "$A" --connect mine
	assert_success
	finished
	run jq -r 'select(has("data")) | .data' out
	assert_output mine
	run cat err
	assert_output --regexp "^ipctool: sock: refused a connection from pid [0-9]+, uid 65534 on $A: not an --allow-uid user$"
}

@test "--allow-uid lets the named users in, by name or number; COMMAND sees uid 65534" {
	need_root
	listen_abstract --count 2 --allow-uid 0 --allow-uid nobody -- sh -c 'cat >/dev/null; echo "$IPCTOOL_PEER_UID:$IPCTOOL_PEER_GID"'
	run as_nobody ipctool sock "$A" --connect x
	assert_success
	assert_output "65534:65534"
	run_tool sock "$A" --connect y
	assert_output "0:0"
	finished
}

@test "--allow-uid refuses a datagram of another user; --json shows the sender's credentials" {
	need_root
	listen_abstract --dgram --count 2 --json --allow-uid 65534
	run_tool sock "$A" --connect --dgram refused
	assert_success
	run as_nobody ipctool sock "$A" --connect --dgram a b
	assert_success
	finished
	run jq -r '[.uid, .gid, .data] | @tsv' out
	assert_output $'65534\t65534\ta\n65534\t65534\tb'
	run cat err
	assert_output --regexp "refused a datagram from pid [0-9]+, uid 0 on"
}

@test "the default mode 0600 keeps other users out of a path socket" {
	need_root
	public_dir
	bg_start ipctool sock "$PUBDIR/s" --listen --count 1 >out 2>err
	LISTENER=${BG_PIDS[-1]}
	wait_for '[ -S "$PUBDIR/s" ]'
	wait_blocked "$LISTENER" poll
	run --separate-stderr as_nobody ipctool sock "$PUBDIR/s" --connect x
	assert_equal "$status" 1
	assert_regex "$stderr" "cannot connect to $PUBDIR/s: Permission denied"
	run_tool sock "$PUBDIR/s" --connect y
	assert_success
	finished
}

# ---- --count, --timeout ------------------------------------------------------------

@test "--timeout on a listener: 3 if nothing came, 0 after the silence otherwise" {
	run_tool sock s --listen --timeout 0.3
	assert_only_error 3 sock "no connection came to s within the timeout"
	[ ! -e s ]
	# 5 s: the connection comes in time on a loaded machine; the silence
	# after it ends the listener.
	listen --timeout 5
	run_tool sock s --connect one
	assert_success
	finished
	run cat out
	assert_output one
	[ ! -e s ]
}

@test "--timeout with --count N: 3 when the silence came first" {
	# 5 s: the first connection comes in time on a loaded machine.
	listen --count 2 --timeout 5
	run_tool sock s --connect one
	assert_success
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 3
	run cat err
	assert_output --partial "within the timeout"
	run_tool sock s --listen --dgram --timeout 0
	assert_only_error 3 sock "no datagram came"
}

@test "--connect: no listener is status 1 naming PATH; a stale socket too; --timeout bounds the exchange" {
	run_tool sock s --connect x
	assert_only_error 1 sock "no listener at s: No such file or directory"
	stale_socket s
	run_tool sock s --connect x
	assert_only_error 1 sock "no listener at s: connection refused"
	rm s
	run_tool sock "$A" --connect --dgram x
	assert_only_error 1 sock "no listener at $A"
	listen --count 1 -- sh -c 'echo ready > ready; exec sleep 30'
	start=$(now_ms)
	run_tool sock s --connect x --timeout 0.3
	assert_only_error 3 sock "did not end before the timeout"
	assert_between 250 8000 $(( $(now_ms) - start ))
	kill -TERM "$LISTENER"
	finished
}

@test "--connect of the wrong type names it" {
	listen --dgram --count 1
	run_tool sock s --connect x
	assert_only_error 1 sock "no stream listener at s: the socket there is of another type"
	run_tool sock s --connect --dgram ok
	assert_success
	finished
}

# ---- list --sockets ----------------------------------------------------------------

@test "list --sockets shows listening sockets with the processes that hold them, table and JSON" {
	# The kernel shows the path a socket was bound by: an absolute one.
	bg_start ipctool sock "$D/s" --listen >/dev/null 2>&1
	LISTENER=${BG_PIDS[-1]}
	wait_for '[ -S s ]'
	wait_blocked "$LISTENER" poll
	bg_start ipctool sock "$A" --listen --dgram >/dev/null 2>&1
	dgram=${BG_PIDS[-1]}
	wait_for 'grep -q " ${A}$" /proc/net/unix'
	wait_blocked "$dgram" poll
	run_tool list --sockets --json
	assert_success
	run jq -c --arg p "$D/s" '.sockets[] | select(.path == $p) | [.type, .state, .pid, .command]' <<<"$output"
	assert_output "[\"stream\",\"LISTEN\",$LISTENER,\"ipctool\"]"
	run_tool list --sockets --json
	run jq -c --arg p "$A" '.sockets[] | select(.path == $p) | [.type, .state, .pid, (.inode > 0)]' <<<"$output"
	assert_output "[\"dgram\",\"UNCONN\",$dgram,true]"
	run_tool list --sockets
	assert_success
	assert_line -n 0 --regexp '^PATH +TYPE +STATE +INODE +PID +COMMAND$'
	assert_line --regexp "^$(re_quote "$D/s") +stream +LISTEN +[0-9]+ +$LISTENER +ipctool$"
	# Not part of the default listing.
	run_tool list --json
	assert_success
	refute_output --partial sockets
}

@test "list --sockets takes no TARGET, kind, --output, --user, --limits" {
	for c in "--sockets 5" "--sockets --queues" "--sockets --posix" "--sockets -o ID" \
		 "--sockets --user 0" "--sockets --limits" "--sockets --summary" "--sockets --json --raw"; do
		# shellcheck disable=SC2086
		run_tool list $c
		assert_error 2 list "."
	done
}

# ---- short options, a failing stdout ------------------------------------------------

@test "short options and --stream given explicitly" {
	bg_start ipctool sock s -l --stream -c 1 -J -p 0640 >out 2>err
	LISTENER=${BG_PIDS[-1]}
	wait_for '[ -S s ]'
	wait_blocked "$LISTENER" poll
	run stat -c %a s
	assert_output 640
	run_tool sock s -C --stream -t 5 short
	assert_success
	finished
	run jq -r 'select(has("data")) | .data' out
	assert_output short
	listen_abstract --dgram -c 2 -u 0
	run_tool sock "$A" -C --dgram -0 < <(printf 'a\0b\0')
	assert_success
	finished
	run cat out
	assert_output $'a\nb'
}

@test "a listener whose stdout fails is status 1 naming it, and removes its socket" {
	bg_start ipctool sock s --listen --count 1 >/dev/full 2>err
	LISTENER=${BG_PIDS[-1]}
	wait_for '[ -S s ]'
	wait_blocked "$LISTENER" poll
	run_tool sock s --connect data
	assert_success
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 1
	run cat err
	assert_output "ipctool: sock: cannot write standard output: No space left on device"
	[ ! -e s ]
}
