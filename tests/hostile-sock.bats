#!/usr/bin/env bats
# sock against hostile and unlucky peers (ipctool-sock(1)): peers
# that close early or send empty records, a peer that sends without end,
# other users on an abstract name, forged socket names, refusal floods.

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
	# The network namespace (and so the abstract namespace) is the host's:
	# names of our own.
	A="@ipctool-hostile-$$-$BATS_TEST_NUMBER-$RANDOM"
}
teardown() {
	exec 7>&- 2>/dev/null || true
	bg_cleanup
	[ -z "${PUBDIR:-}" ] || rm -rf "$PUBDIR"
	common_teardown
}

# client_in_background ARGS...: sock ARGS with stdin the FIFO ./in, which
# this shell holds open on fd 7 (write to it with >&7); stdout to reply,
# stderr to cerr, its status to rc once it ends.
client_in_background() {
	mkfifo in
	bg_start bash -c 'ipctool sock "$@" <in >reply 2>cerr; echo $? >rc' _ "$@"
	exec 7>in
}
# client_done: wait for it to end; its status in $status, stderr in $stderr.
client_done() {
	exec 7>&-
	wait_for '[ -s rc ]' || fail "the client did not end"
	status=$(cat rc)
	stderr=$(cat cerr)
}

# ---- a peer that closes before all was sent (item: exit 0 means all went) ------

@test "stream --connect: a peer that closed before the rest of stdin came is status 1 saying how many bytes were sent" {
	listen --count 1 -- head -c 4
	client_in_background s --connect
	printf AAAA >&7
	# The listener ends once head has read its 4 bytes and exited: the
	# connection is closed before the rest is written.
	finished
	printf BBBB >&7
	client_done
	assert_equal "$status" 1
	assert_equal "$stderr" "ipctool: sock: s closed the connection after 4 bytes were sent; the rest was not sent"
	run cat reply
	assert_output AAAA
}

@test "stream --connect: the same peer, stdin ending after what it read, is status 0" {
	listen --count 1 -- head -c 4
	client_in_background s --connect
	printf AAAA >&7
	finished
	client_done
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	run cat reply
	assert_output AAAA
}

@test "stream --connect: a peer that shuts down its side first still gets all the input: status 0" {
	bg_start /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind("s"); s.listen()
c, _ = s.accept()
c.sendall(b"hello\n"); c.shutdown(socket.SHUT_WR)
n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
open("got.tmp", "w").write(str(n)); os.rename("got.tmp", "got")
' 
	wait_for '[ -S s ]'
	run --separate-stderr bash -c 'head -c 1000000 /dev/zero | ipctool sock s --connect --timeout 20'
	assert_success
	assert_output hello
	wait_for '[ -e got ]'
	assert_equal "$(cat got)" 1000000
}

@test "stream --connect: a listener SIGTERM'd while a peer sends without end: the peer exits 1 saying how many bytes went" {
	listen
	bg_start bash -c 'ipctool sock s --connect </dev/zero >reply 2>cerr; echo $? >rc'
	wait_for '[ -s out ]'
	kill -TERM "$LISTENER"
	finished
	wait_for '[ -s rc ]'
	assert_equal "$(cat rc)" 1
	run cat cerr
	assert_output --regexp '^ipctool: sock: s closed the connection after [1-9][0-9]* bytes were sent; the rest was not sent$'
}

# ---- empty records --------------------------------------------------------------

@test "seqpacket: an empty record is a record, not the end: the records after it arrive" {
	listen_abstract --seqpacket --count 1
	run_tool sock "$A" --seqpacket --connect one "" three four
	assert_success
	finished
	run cat out
	assert_output $'one\n\nthree\nfour'
	listen_abstract --seqpacket --count 1 --json
	run_tool sock "$A" --seqpacket --connect --lines <<<$'x\n\ny'
	assert_success
	finished
	run jq -c .data out
	assert_output $'"x"\n""\n"y"'
}

@test "seqpacket --connect: empty records in the reply do not end it" {
	bg_start /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind("\0" + sys.argv[1][1:]); s.listen()
c, _ = s.accept()
c.recv(100)
for r in (b"a", b"", b"", b"b", b"", b"c"):
    c.send(r)
c.close()
' "$A"
	wait_for 'ss -xlH | grep -q -- " ${A} "'
	run_tool sock "$A" --seqpacket --connect request
	assert_success
	assert_output abc
}

@test "dgram: an empty datagram is delivered as an empty line, or \"data\":\"\"" {
	listen_abstract --dgram --count 3
	run_tool sock "$A" --dgram --connect a "" b
	assert_success
	finished
	run cat out
	assert_output $'a\n\nb'
	listen_abstract --dgram --count 1 --json
	run_tool sock "$A" --dgram --connect ""
	assert_success
	finished
	run jq -c .data out
	assert_output '""'
}

# ---- abstract names: no file mode, so only our own uid by default -----------

@test "--mode with an abstract @NAME is a usage error: it has no file" {
	run_tool sock "$A" --listen --mode 0600 --count 1 --timeout 1
	assert_error 2 sock "--mode does not apply to the abstract name $A: it has no file; --allow-uid says who may connect"
	assert_output ""
	run_tool sock "$A" --connect x
	assert_only_error 1 sock "no listener at $A"
}

@test "a listener on @NAME serves only its own uid without --allow-uid: uid 65534 never reaches COMMAND" {
	need_root
	listen_abstract --count 1 -- sh -c 'cat >>got'
	run --separate-stderr as_nobody ipctool sock "$A" --connect secret
	[ "$status" -le 1 ]
	run_tool sock "$A" --connect mine
	assert_success
	finished
	run cat got
	assert_output mine
	run cat err
	assert_output --regexp "^ipctool: sock: refused a connection from pid [0-9]+, uid 65534 on $A: an abstract socket serves only its own user without --allow-uid$"
	# Datagrams alike.
	listen_abstract --dgram --count 1
	run as_nobody ipctool sock "$A" --connect --dgram secret
	assert_success
	run_tool sock "$A" --connect --dgram mine
	assert_success
	finished
	run cat out
	assert_output mine
	run cat err
	assert_output --regexp "refused a datagram from pid [0-9]+, uid 65534 on $A"
}

@test "--allow-uid any serves every user on @NAME; other --allow-uid users are served too" {
	need_root
	listen_abstract --count 1 --allow-uid any -- sh -c 'cat >/dev/null; echo "uid $IPCTOOL_PEER_UID"'
	run as_nobody ipctool sock "$A" --connect x
	assert_success
	assert_output "uid 65534"
	finished
	listen_abstract --count 1 --allow-uid nobody -- sh -c 'cat >/dev/null; echo "uid $IPCTOOL_PEER_UID"'
	run as_nobody ipctool sock "$A" --connect x
	assert_success
	assert_output "uid 65534"
	finished
	run_tool sock s --connect --allow-uid any
	assert_error 2 sock "--allow-uid applies to --listen"
}

# ---- a refused peer that repeats itself ---------------------------------------------

@test "refusals are reported at most once a second per uid, with a count: 3000 datagrams, a few lines" {
	need_root
	listen_abstract --dgram --count 1 --allow-uid 0
	start=$(now_ms)
	run as_nobody /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"x", "\0" + sys.argv[1][1:])
' "$A"
	assert_success
	run_tool sock "$A" --connect --dgram mine
	assert_success
	finished
	seconds=$(( ($(now_ms) - start) / 1000 ))
	run cat out
	assert_output mine
	# One line at once, then at most one a second, and the last count at exit.
	lines=$(wc -l <err)
	assert_between 1 $((seconds + 3)) "$lines"
	run grep -Evc "^ipctool: sock: refused (a datagram from pid [0-9]+, uid 65534|[0-9]+ datagrams from uid 65534 on $A since the last report, the last from pid [0-9]+)" err
	assert_output 0
	# Every refusal is counted once.
	run awk '{ print ($4 == "a") ? 1 : $4 }' err
	total=$(awk '{ n += ($4 == "a") ? 1 : $4 } END { print n }' err)
	assert_equal "$total" 3000
}

# ---- a peer that sends without end -------------------------------------------------

@test "--json streams a connection in chunks of at most 64 KiB with offsets, then its end" {
	listen --count 1 --json
	# 200,000 bytes of text with 3-byte characters: no chunk splits one.
	python3 -c 'import sys; sys.stdout.write("a€" * 50000)' > in
	run_tool sock s --connect < in
	assert_success
	finished
	run jq -e -s '
		(.[:-1] | all(has("data") and (.data | utf8bytelength) <= 65536)) and
		([.[:-1][] | .offset] == ([.[:-1][] | .data | utf8bytelength] | [foreach .[] as $n (0; . + $n; . - $n)])) and
		(.[-1] | .end == true and .bytes == 200000 and (has("data") | not)) and
		(all(.pid > 0 and .uid == 0 and .gid == 0))' out
	assert_success
	jq -j 'select(has("data")) | .data' out > back
	cmp in back
}

@test "--json holds no connection whole: 256 MiB from a peer, the listener's peak memory grows by less than 16 MiB" {
	# The baseline: the same listener given one byte.
	peak_rss() {
		bg_start /usr/bin/time -f %M -o rss ipctool sock s --listen --count 1 --json >/dev/null 2>err
		LISTENER=${BG_PIDS[-1]}
		wait_for '[ -S s ]'
		head -c "$1" /dev/zero | ipctool sock s --connect --timeout 600
		finished
		cat rss
	}
	small=$(peak_rss 1)
	big=$(peak_rss 268435456)
	echo "peak RSS: $small KiB for 1 byte, $big KiB for 256 MiB" >&3
	assert_between 0 16384 $((big - small))
}

# ---- forged kernel text: a socket name with a newline -----------------------------

# forge_row DIR: uid 65534 binds and listens on a socket in DIR whose name
# holds a newline and then a line of /proc/net/unix naming DIR/victim.sock
# as a listening socket (the directories its slashes need made first);
# $FORGED is that name (relative to DIR).
forge_row() {
	FORGED=$'x\n0000000000000000: 00000002 00000000 00010000 0001 01 99999 '"$1/victim.sock"
	# setpriv execs python: $BG_PID is the peer itself, for teardown to kill.
	bg_start setpriv --reuid=65534 --regid=65534 --clear-groups -- /usr/bin/python3 -c '
import os, socket, sys, time
os.chdir(sys.argv[1])
os.makedirs(os.path.dirname(sys.argv[2]))
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[2])
s.listen()
time.sleep(600)
' "$1" "$FORGED"
	FORGE_DIR=$1
	wait_for '[ -S "$FORGE_DIR/$FORGED" ]'
}

@test "a socket name holding a forged /proc/net/unix row does not make a stale socket look live" {
	need_root
	public_dir
	chmod 1777 "$PUBDIR"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$PUBDIR/victim.sock"
	forge_row "$PUBDIR"
	bg_start ipctool sock "$PUBDIR/victim.sock" --listen --count 1 >out 2>err
	LISTENER=${BG_PIDS[-1]}
	wait_for 'ss -xlH | grep -q -- " $PUBDIR/victim.sock "' || { cat err; fail "the listener did not replace the stale socket"; }
	run_tool sock "$PUBDIR/victim.sock" --connect fresh
	assert_success
	finished
	run cat out
	assert_output fresh
	[ ! -s err ]
}

@test "list --sockets shows a name with a newline whole and escaped, never the row it forges" {
	need_root
	public_dir
	chmod 1777 "$PUBDIR"
	forge_row "$PUBDIR"
	run_tool list --sockets --json
	assert_success
	run jq --arg f "$FORGED" '[.sockets[] | select(.path == $f)] | length' <<<"$output"
	assert_output 1
	run_tool list --sockets --json
	run jq --arg v "$PUBDIR/victim.sock" '[.sockets[] | select(.path == $v)] | length' <<<"$output"
	assert_output 0
	run_tool list --sockets
	assert_success
	refute_output --regexp "^$(re_quote "$PUBDIR/victim.sock") "
	assert_line --regexp '^x\\x0a0000000000000000: 00000002 .* stream +LISTEN +[0-9]+ +[0-9]+ +python3$'
}
