#!/usr/bin/env bats
# sock --listen under systemd socket activation (sd_listen_fds(3)): the
# socket comes bound and listening on fd 3 with LISTEN_PID and LISTEN_FDS,
# here from systemd-socket-activate, the tool systemd ships for this.
# ipctool serves it, never binds PATH, never removes a file it did not
# make, and keeps the descriptors and variables from COMMAND.

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
	A="@ipctool-test-$$-$BATS_TEST_NUMBER-$RANDOM"
}
teardown() {
	bg_cleanup
	common_teardown
}

# activate ADDR... -- ARGS: ipctool ARGS under systemd-socket-activate
# listening at each ADDR, in the background (stdout out, stderr err).
activate() {
	local l=()
	# Paths made absolute: systemd-socket-activate takes no relative one.
	while [ "$1" != -- ]; do
		case $1 in @*) l+=(-l "$1") ;; *) l+=(-l "$D/$1") ;; esac
		shift
	done
	shift
	bg_start systemd-socket-activate "${ACTIVATE_OPTS[@]}" "${l[@]}" "$IPCTOOL" "$@" >"$D/out" 2>"$D/err"
	ACTIVATOR=$BG_PID
}
ACTIVATE_OPTS=()

# A python3 client: sends $2 on the stream socket $1, half-closes, prints
# the reply.
client() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
addr = sys.argv[1]
s.connect("\0" + addr[1:] if addr.startswith("@") else addr)
s.sendall(sys.argv[2].encode())
s.shutdown(socket.SHUT_WR)
out = b"".join(iter(lambda: s.recv(65536), b""))  # to the end
sys.stdout.write(out.decode())' "$@"
}

@test "sock --listen under socket activation: serves fd 3 without PATH; COMMAND sees no LISTEN_* and no fd 3" {
	activate s -- sock --listen --count 2 -- python3 -c '
import os, sys
data = sys.stdin.read()
fds = sorted(int(f) for f in os.listdir("/proc/self/fd"))
# listdir itself holds one descriptor while it reads: the highest.
print(data, os.environ.get("LISTEN_PID", "-"), os.environ.get("LISTEN_FDS", "-"), fds[:-1])'
	wait_for '[ -S s ]'
	run client s one
	assert_equal "$status" 0
	assert_equal "$output" "one - - [0, 1, 2]"
	run client s two
	assert_equal "$output" "two - - [0, 1, 2]"
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(grep -c "^ipctool:" "$D/err")" 0
	# Not ipctool's socket: its file stays, as systemd made it.
	[ -S s ]
}

@test "sock --listen under socket activation: PATH names the passed socket, never binds it again" {
	# Without activation support this was "s: a live listener is there".
	activate s -- sock s --listen --count 1 -- cat
	wait_for '[ -S s ]'
	run client s echoed
	assert_equal "$output" echoed
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 0
	[ -S s ]
	# The same socket named by an absolute path.
	rm -f s
	activate s -- sock "$D/s" --listen --count 1 -- cat
	wait_for '[ -S s ]'
	run client s again
	assert_equal "$output" again
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 0
}

@test "sock --listen under socket activation: a PATH that names none of the passed sockets is status 1" {
	activate s -- sock other --listen --count 1 -- cat
	wait_for '[ -S s ]'
	run client s x
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 1
	run grep '^ipctool:' "$D/err"
	assert_output "ipctool: sock: socket activation passed 1 socket, none of them bound to other"
	[ ! -e other ]
}

@test "sock --listen under socket activation: of several, PATH picks one; without PATH it is status 1 naming them" {
	ACTIVATE_OPTS=(--fdname first:second)
	activate s1 s2 -- sock s2 --listen --count 1 -- sh -c 'echo "s2 got $(cat)"'
	wait_for '[ -S s2 ]'
	run client s2 x
	assert_equal "$output" "s2 got x"
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 0
	rm -f s1 s2
	activate s1 s2 -- sock --listen --count 1 -- cat
	wait_for '[ -S s1 ]'
	client s1 x || true
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 1
	run grep '^ipctool:' "$D/err"
	assert_output "ipctool: sock: socket activation passed 2 sockets (the first named first); give the PATH of the one to serve"
}

@test "sock --listen under socket activation: datagrams; one queued before ipctool ran has no credentials" {
	ACTIVATE_OPTS=(--datagram)
	activate d -- sock --listen --json --count 2
	wait_for '[ -S "$D/d" ]'
	# The first datagram starts ipctool: it was queued before ipctool
	# asked for credentials, so the kernel has none for it (it would give
	# pid 0 and the overflow uid, 65534, nobody's).
	send_dgram() {
		python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(sys.argv[2].encode(), sys.argv[1])' "$D/d" "$1"
	}
	send_dgram first
	wait_for '[ -s "$D/out" ]'
	send_dgram second
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 0
	run cat "$D/out"
	assert_line -n 0 '{"pid":null,"uid":null,"gid":null,"data":"first"}'
	assert_regex "${lines[1]}" "^\{\"pid\":[0-9]+,\"uid\":$(id -u),\"gid\":$(id -g),\"data\":\"second\"\}$"
}

# check_early_datagram_refused: the activated listener on $A refuses a
# datagram sent before it asked for credentials (one line on stderr) and
# takes the next one, then ends (--count 1) with status 0.
check_early_datagram_refused() {
	local msg
	wait_for 'grep -q " ${A}$" /proc/net/unix'
	for msg in early late; do
		python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(sys.argv[2].encode(), "\0" + sys.argv[1][1:])' "$A" "$msg"
		[ "$msg" = late ] || wait_for 'grep -q "no credentials" "$D/err"'
	done
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$D/out")" late
	run grep '^ipctool:' "$D/err"
	assert_output "ipctool: sock: refused a datagram with no credentials (sent before the socket asked for them) on $A"
}

@test "sock --listen --allow-uid under socket activation: a datagram with no credentials is refused, never let in as nobody" {
	ACTIVATE_OPTS=(--datagram)
	activate "$A" -- sock --listen --count 1 --allow-uid 65534 --allow-uid "$(id -u)"
	check_early_datagram_refused
}

@test "sock --listen @NAME under socket activation: the own-uid rule refuses a datagram with no credentials too" {
	ACTIVATE_OPTS=(--datagram)
	activate "$A" -- sock --listen --count 1
	check_early_datagram_refused
}

@test "sock --listen under socket activation: --mode is a usage error, a type other than the passed one status 1" {
	activate s -- sock --listen --mode 0666 -- cat
	wait_for '[ -S s ]'
	client s x || true
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 2
	run grep '^ipctool:' "$D/err"
	assert_output --partial "--mode applies to a socket ipctool makes; this one was passed by socket activation"
	rm -f s
	activate s -- sock --listen --seqpacket -- cat
	wait_for '[ -S s ]'
	client s x || true
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 1
	run grep '^ipctool:' "$D/err"
	assert_output "ipctool: sock: socket activation passed a stream socket (${D}/s); --seqpacket was asked for"
}

@test "sock --listen: LISTEN_PID of another process is not activation; malformed LISTEN_FDS for this one is status 1" {
	run --separate-stderr env LISTEN_PID=1 LISTEN_FDS=1 ipctool sock --listen
	assert_error 2 sock "missing PATH"
	run --separate-stderr bash -c 'export LISTEN_PID=$$ LISTEN_FDS=many; exec ipctool sock --listen'
	assert_error 1 sock 'LISTEN_FDS=many is not a number of descriptors'
	# fd 3 passed but not a socket: refused, and closed.
	run --separate-stderr bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec 3</dev/null; exec ipctool sock --listen'
	assert_error 1 sock 'descriptor 3 is not a Unix domain socket'
}

@test "examples/ipctool-hello.socket and .service: the service's command serves the socket's address under systemd-socket-activate" {
	local ex=$BATS_TEST_DIRNAME/../examples listen cmd
	listen=$(sed -n 's/^ListenStream=//p' "$ex/ipctool-hello.socket")
	assert_equal "$listen" /run/ipctool-hello.sock
	cmd=$(sed -n 's|^ExecStart=/usr/bin/ipctool ||p' "$ex/ipctool-hello.service")
	assert_equal "$cmd" "sock --listen -- ./handler"
	grep -q '^Requires=ipctool-hello.socket$' "$ex/ipctool-hello.service"
	# The same command, from the directory holding ./handler, on a socket
	# of our own in place of /run's.
	cp "$ex/handler" "$D/handler"
	# shellcheck disable=SC2086
	activate hello.sock -- $cmd
	wait_for '[ -S hello.sock ]'
	run client hello.sock world
	assert_equal "$output" "hello world (uid $(id -u))"
	run client hello.sock ''
	assert_equal "$output" "hello stranger (uid $(id -u))"
	kill -TERM "$ACTIVATOR"
	wait_exit "$ACTIVATOR"
	assert_equal "$EXIT_RC" 0
	[ -S hello.sock ]
}
