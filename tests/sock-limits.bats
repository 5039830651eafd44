#!/usr/bin/env bats
# sock --listen --max-children N (COMMANDs at once; further connections
# wait in the backlog) and --idle-timeout SECS (a connection on which
# nothing was sent for SECS is closed, both ways, as socat -T), with
# python3 peers.

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
	# Its listeners' messages name the socket by its absolute path.
	LISTEN_AT=$D/s
}
teardown() {
	touch "$D/go"
	bg_cleanup
	common_teardown
}


# A python3 client in the background: connects, sends $1 (may be empty),
# keeps the connection open without sending more, and writes what it
# received, then "EOF" and the seconds it waited for it, to $2.
held_client() {
	bg_start python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode())
t = time.monotonic()
out = b"".join(iter(lambda: s.recv(65536), b""))  # to the end
open(sys.argv[3], "w").write(out.decode() + "EOF %.3f\n" % (time.monotonic() - t))' "$D/s" "$1" "$2"
}

@test "sock --listen --max-children 2: two COMMANDs at once, the other connections wait and are all served" {
	listen --count 4 --max-children 2 -- sh -c 'echo "$IPCTOOL_PEER_PID" >>"$0"; while [ ! -e "$1" ]; do sleep 0.05; done; echo served' "$D/started" "$D/go"
	local i
	for i in 1 2 3 4; do held_client "" "$D/c$i"; done
	wait_for '[ "$(wc -l <"$D/started" 2>/dev/null)" = 2 ]'
	# The other two are connected (in the backlog), and no third starts.
	settle
	assert_equal "$(wc -l <"$D/started")" 2
	touch "$D/go"
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(wc -l <"$D/started")" 4
	for i in 1 2 3 4; do
		wait_for "[ -s '$D/c$i' ]"
		assert_equal "$(head -n 1 "$D/c$i")" served
	done
}

@test "sock --listen --max-children 1: connections are served one after another, in order" {
	listen --count 3 --max-children 1 -- sh -c 'echo "start $(cat)" >>"$0"; sleep 0.1; echo "end" >>"$0"' "$D/log"
	local i
	for i in 1 2 3; do ipctool sock "$D/s" --connect "$i"; done
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$D/log")" "$(printf 'start 1\nend\nstart 2\nend\nstart 3\nend')"
}

@test "sock --listen --max-children: SIGTERM while every slot is taken ends the listener at once, COMMANDs get it" {
	listen --max-children 1 -- sh -c 'echo x >>"$0"; exec sleep 60' "$D/started"
	held_client "" "$D/c1"
	held_client "" "$D/c2"
	wait_for '[ -s "$D/started" ]'
	kill -TERM "$LISTENER"
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	[ ! -e "$D/s" ]
	assert_equal "$(wc -l <"$D/started")" 1
}

@test "sock --listen --idle-timeout without COMMAND: a silent connection is cut after SECS and the next one served" {
	listen --count 2 --idle-timeout 0.5
	held_client "first" "$D/c1"
	wait_for '[ -s "$D/c1" ]'
	run cat "$D/c1"
	assert_regex "$output" '^EOF [0-9.]+$'
	assert_between 450 10000 "$(awk '{ printf "%d", $2 * 1000 }' "$D/c1")"
	ipctool sock "$D/s" --connect second
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$D/out")" firstsecond
	run grep -c '^ipctool: sock: closed the connection from pid [0-9]* on .*/s: it sent nothing for 0.500 s (--idle-timeout)$' "$D/err"
	assert_output 1
}

@test "sock --listen --idle-timeout --json: what a connection sent before it went quiet is its chunk, then its end" {
	listen --count 1 --json --idle-timeout 0.3
	held_client "partial" "$D/c1"
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	run cat "$D/out"
	assert_equal "${#lines[@]}" 2
	assert_regex "${lines[0]}" '^\{"pid":[0-9]+,"uid":[0-9]+,"gid":[0-9]+,"offset":0,"data":"partial"\}$'
	assert_regex "${lines[1]}" '^\{"pid":[0-9]+,"uid":[0-9]+,"gid":[0-9]+,"end":true,"bytes":7\}$'
}

@test "sock --listen --idle-timeout with COMMAND: after SECS of silence both sides are closed and COMMAND ends" {
	listen --count 1 --idle-timeout 0.5 -- sh -c 'trap "echo TERM >>$0; exit 0" TERM; read -r x; echo "got $x"; sleep 60 & wait' "$D/cmd"
	held_client $'hello\n' "$D/c1"
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	wait_for '[ -s "$D/c1" ]'
	run cat "$D/c1"
	assert_line -n 0 "got hello"
	assert_regex "${lines[1]}" '^EOF [0-9.]+$'
	assert_equal "$(cat "$D/cmd")" TERM
	run grep '^ipctool:' "$D/err"
	assert_output --regexp '^ipctool: sock: closed the connection from pid [0-9]+: nothing was sent either way for 0.500 s \(--idle-timeout\)$'
}

@test "sock --listen --idle-timeout with COMMAND: traffic either way keeps a connection open; it ends normally" {
	# COMMAND talks (every 0.1 s for about 1.5 s) while the peer is silent.
	listen --count 2 --idle-timeout 0.6 -- sh -c 'if [ "$(head -c 4)" = talk ]; then for i in $(seq 15); do echo "$i"; sleep 0.1; done; else cat; fi'
	held_client "talk" "$D/c1"
	# The peer talks (a byte every 0.1 s) while COMMAND is silent.
	run python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"echo")
for i in range(15):
    s.sendall(b"%d" % (i % 10))
    time.sleep(0.1)
s.shutdown(socket.SHUT_WR)
out = b"".join(iter(lambda: s.recv(65536), b""))  # to the end
print(out.decode())' "$D/s"
	assert_equal "$status" 0
	assert_equal "$output" 012345678901234
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(head -n 15 "$D/c1" | tr '\n' ' ')" "$(seq 15 | tr '\n' ' ')"
	assert_regex "$(tail -n 1 "$D/c1")" '^EOF'
	assert_equal "$(grep -c '^ipctool:' "$D/err")" 0
}

@test "sock --listen --idle-timeout with COMMAND: a COMMAND that ends closes the connection at once, as without the option" {
	# echo reads nothing; the peer keeps its side open, waiting for the end.
	listen --count 1 --idle-timeout 60 -- echo hello
	# After the end it still holds the connection open for a minute.
	bg_start python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
out = b"".join(iter(lambda: s.recv(65536), b""))  # to the end
open(sys.argv[2], "w").write(out.decode())
time.sleep(60)' "$D/s" "$D/c1"
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
	wait_for '[ -s "$D/c1" ]'
	assert_equal "$(cat "$D/c1")" hello
}

@test "sock --listen --idle-timeout with COMMAND: what the peer sees is what socat -T gives it" {
	local who
	for who in socat ipctool; do
		rm -f "$D/s" "$D/c-$who"
		if [ "$who" = socat ]; then
			bg_start socat -T 0.5 UNIX-LISTEN:"$D/s" SYSTEM:'read x; echo got $x; sleep 60' 2>/dev/null
			LISTENER=$BG_PID
			wait_for '[ -S "$D/s" ]'
		else
			listen --count 1 --idle-timeout 0.5 -- sh -c 'read x; echo "got $x"; sleep 60'
		fi
		held_client $'hi\n' "$D/c-$who"
		wait_for "[ -s '$D/c-$who' ]"
		wait_exit "$LISTENER"
		assert_equal "$(head -n 1 "$D/c-$who")" "got hi"
		assert_regex "$(tail -n 1 "$D/c-$who")" '^EOF '
		assert_between 450 10000 "$(awk '/^EOF/ { printf "%d", $2 * 1000 }' "$D/c-$who")"
	done
}

@test "sock --idle-timeout and --max-children: usage errors" {
	run_tool sock "$D/s" --listen --idle-timeout 0
	assert_only_error 2 sock "--idle-timeout"
	run_tool sock "$D/s" --listen --idle-timeout x
	assert_only_error 2 sock "--idle-timeout"
	run_tool sock "$D/s" --listen --dgram --idle-timeout 1
	assert_only_error 2 sock "--idle-timeout closes connections; --dgram has none"
	run_tool sock "$D/s" --listen --seqpacket --idle-timeout 1 -- cat
	assert_only_error 2 sock "--idle-timeout with -- COMMAND serves --stream connections"
	run_tool sock "$D/s" --connect --idle-timeout 1 x
	assert_only_error 2 sock "--idle-timeout applies to --listen"
	run_tool sock "$D/s" --listen --max-children 2
	assert_only_error 2 sock "--max-children bounds COMMANDs"
	run_tool sock "$D/s" --listen --max-children 0 -- cat
	assert_only_error 2 sock "--max-children"
	run_tool sock "$D/s" --listen --max-children 65537 -- cat
	assert_only_error 2 sock "--max-children"
	run_tool sock "$D/s" --connect --max-children 2 x
	assert_only_error 2 sock "--max-children applies to --listen"
	[ ! -e "$D/s" ]
}
