#!/usr/bin/env bats
# sock: descriptors passed with the data (SCM_RIGHTS): --connect --send-fd
# FILE [--rw], and a listener's --pass-fds -- COMMAND (fds 3, 4, ... and
# IPCTOOL_FDS) or, without it, refusal; and the listener's --hex.  Peers:
# python3 (socket.send_fds / recv_fds), ipctool itself, socat.

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
	printf 'first file\n' >f1
	printf 'second file\n' >f2
}
teardown() {
	touch "$D/go"
	bg_cleanup
	[ -z "${PUBDIR:-}" ] || rm -rf "$PUBDIR"
	common_teardown
}


# A python3 server on ./s of type $1 (stream, seqpacket, dgram): takes one
# message with up to 253 descriptors and writes to ./got the data, how
# many descriptors came, and for each its access mode and first line.
py_server() {
	bg_start python3 -c '
import fcntl, os, socket, sys
kind = {"stream": socket.SOCK_STREAM, "seqpacket": socket.SOCK_SEQPACKET, "dgram": socket.SOCK_DGRAM}[sys.argv[1]]
srv = socket.socket(socket.AF_UNIX, kind)
srv.bind("s")
if kind != socket.SOCK_DGRAM:
    srv.listen(1)
open("ready", "w").close()
c = srv.accept()[0] if kind != socket.SOCK_DGRAM else srv
msg, fds, flags, _ = socket.recv_fds(c, 65536, 253)
out = ["data=%r" % msg, "fds=%d" % len(fds), "ctrunc=%d" % bool(flags & socket.MSG_CTRUNC)]
for fd in fds:
    mode = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE
    first = (os.read(fd, 100).decode().splitlines() or ["(empty)"])[0]
    out.append({os.O_RDONLY: "ro", os.O_RDWR: "rw", os.O_WRONLY: "wo"}[mode] + " " + first)
    if mode == os.O_RDWR:
        os.lseek(fd, 0, os.SEEK_END)
        os.write(fd, b"written by the peer\n")
open("got", "w").write("\n".join(out) + "\n")' "$1"
	wait_for '[ -e ready ]'
}

# A python3 client of type $1: sends $2 with descriptors of the files
# after it, then half-closes (stream, seqpacket) and writes the reply to
# ./reply.  With HOLD set it waits for ./go before half-closing.
py_client() {
	bg_start python3 -c '
import os, socket, sys
kind = {"stream": socket.SOCK_STREAM, "seqpacket": socket.SOCK_SEQPACKET}[sys.argv[1]]
s = socket.socket(socket.AF_UNIX, kind)
s.connect("s")
fds = [os.open(f, os.O_RDONLY) for f in sys.argv[3:]]
socket.send_fds(s, [sys.argv[2].encode()], fds)
for fd in fds:
    os.close(fd)
open("sent", "w").close()
while os.environ.get("HOLD") and not os.path.exists("go"):
    import time; time.sleep(0.05)
s.shutdown(socket.SHUT_WR)
out = b"".join(iter(lambda: s.recv(65536), b""))  # to the end
open("reply", "wb").write(out)' "$@"
}

# How many descriptors process $1 holds on ./f1 and ./f2.
held_files() {
	local f1 f2 fd n=0
	f1=$(realpath "$D/f1") f2=$(realpath "$D/f2")
	for fd in /proc/"$1"/fd/*; do
		case "$(readlink "$fd" 2>/dev/null)" in "$f1"|"$f2") n=$((n + 1)) ;; esac
	done
	echo "$n"
}

# ---- the client: --send-fd ---------------------------------------------------

@test "sock --connect --send-fd: a python3 server gets the descriptors with the first bytes, read-only" {
	for kind in stream seqpacket dgram; do
		rm -f s ready got
		py_server "$kind"
		run_tool sock s --connect "--$kind" --send-fd f1 --send-fd f2 hello
		assert_equal "$status" 0
		wait_for '[ -s got ]'
		assert_equal "$(cat got)" "data=b'hello'
fds=2
ctrunc=0
ro first file
ro second file"
	done
	bg_cleanup
}

@test "sock --connect --send-fd --rw: read-write descriptors; stdin carries them when there is no DATA" {
	py_server stream
	run bash -c 'printf "from stdin" | ipctool sock s --connect --send-fd f1 --rw'
	assert_equal "$status" 0
	wait_for '[ -s got ]'
	assert_equal "$(sed -n 2p got)" "fds=1"
	assert_equal "$(sed -n 4p got)" "rw first file"
	assert_equal "$(sed -n 1p got)" "data=b'from stdin'"
	assert_equal "$(cat f1)" "first file
written by the peer"
}

@test "sock --connect --send-fd: a FIFO with no writer is passed, not waited on; 253 descriptors at once" {
	mkfifo fifo
	py_server seqpacket
	run timeout 10 ipctool sock s --connect --seqpacket --send-fd fifo rec
	assert_equal "$status" 0
	wait_for '[ -s got ]'
	assert_equal "$(sed -n 2,4p got)" "fds=1
ctrunc=0
ro (empty)"
	rm -f s ready got
	py_server seqpacket
	local args=() i
	for i in $(seq 253); do args+=(--send-fd f1); done
	run_tool sock s --connect --seqpacket "${args[@]}" many
	assert_equal "$status" 0
	wait_for '[ -s got ]'
	assert_equal "$(sed -n 2,3p got)" "fds=253
ctrunc=0"
}

@test "sock --connect --send-fd: nothing to carry the descriptors is status 1, one line" {
	py_server stream
	run_tool sock s --connect --send-fd f1 </dev/null
	assert_error 1 sock "nothing was sent to s to carry the 1 --send-fd descriptor"
	bg_cleanup
	rm -f s ready got
	py_server seqpacket
	run_tool sock s --connect --seqpacket --lines --send-fd f1 </dev/null
	assert_error 1 sock "nothing was sent to s to carry the 1 --send-fd descriptor: .*first record"
}

@test "sock --send-fd, --rw, --pass-fds, --hex: bad input is a usage error, one line, nothing sent" {
	py_server stream
	mkdir dir
	ln -s f1 link
	run_tool sock s --connect --send-fd nonexistent x
	assert_error 2 sock "--send-fd cannot open nonexistent read-only: No such file"
	run_tool sock s --connect --send-fd dir x
	assert_error 2 sock "--send-fd dir is a directory"
	run_tool sock s --connect --send-fd link x
	assert_error 2 sock "--send-fd link is a symbolic link"
	# A file another user may only read.
	PUBDIR=$(mktemp -d /tmp/ipctool-fds.XXXXXX)
	chmod 755 "$PUBDIR"
	printf 'read only\n' >"$PUBDIR/ro"
	chmod 644 "$PUBDIR/ro"
	run --separate-stderr as_nobody ipctool sock "$D/s" --connect --send-fd "$PUBDIR/ro" --rw x
	assert_error 2 sock "--send-fd cannot open .*/ro read-write: Permission denied"
	local args=() i
	for i in $(seq 254); do args+=(--send-fd f1); done
	run_tool sock s --connect "${args[@]}" x
	assert_error 2 sock "too many --send-fd: one message carries at most 253 descriptors"
	run_tool sock s --connect --rw x
	assert_error 2 sock "--rw says how to open the --send-fd FILEs; there is none"
	run_tool sock s --connect --send-fd f1 ""
	assert_error 2 sock "--send-fd on a stream needs DATA of one byte or more"
	run_tool sock s2 --listen --send-fd f1
	assert_error 2 sock "--send-fd applies to --connect"
	run_tool sock s2 --listen --rw -- cat
	assert_error 2 sock "--rw applies to --connect"
	run_tool sock s2 --listen --pass-fds
	assert_error 2 sock "--pass-fds gives descriptors to COMMAND"
	run_tool sock s --connect --pass-fds x
	assert_error 2 sock "--pass-fds applies to --listen"
	run_tool sock s --connect --hex x
	assert_error 2 sock "--hex applies to --listen"
	run_tool sock s2 --listen --hex --json
	assert_error 2 sock "--hex and --json contradict each other"
	run_tool sock s2 --listen --hex -- cat
	assert_error 2 sock "--hex and -- COMMAND contradict each other"
	[ ! -e s2 ]
	# The python3 server is still waiting: nothing reached it.
	[ ! -e got ]
}

# ---- the listener: --pass-fds -- COMMAND ------------------------------------

@test "sock --listen --pass-fds -- COMMAND: a python3 client's descriptors are fds 3, 4 with IPCTOOL_FDS" {
	listen --count 1 --pass-fds -- sh -c 'echo "fds=$IPCTOOL_FDS"; cat <&3; cat <&4; cat; echo'
	py_client stream "the data" f1 f2
	finished
	wait_for '[ -e reply ]'
	assert_equal "$(cat reply)" "fds=2
first file
second file
the data"
	assert_equal "$(cat err)" ""
}

@test "sock --pass-fds, ipctool against itself: stream and seqpacket, --rw, and with --idle-timeout" {
	listen --count 1 --pass-fds -- sh -c 'echo "fds=$IPCTOOL_FDS"; cat <&3; cat <&4 >/dev/null; echo appended >&4; cat'
	run_tool sock s --connect --send-fd f1 --send-fd f2 --rw "stream data"
	assert_equal "$status" 0
	assert_equal "$output" "fds=2
first file
stream data"
	assert_equal "$(tail -n 1 f2)" appended
	finished
	rm -f s
	# COMMAND reads the records (closing with them unread would reset the connection).
	listen --seqpacket --count 1 --pass-fds -- sh -c 'echo "fds=$IPCTOOL_FDS"; cat <&3; cat >/dev/null'
	run_tool sock s --connect --seqpacket --send-fd f2 rec1 rec2
	assert_equal "$status" 0
	assert_equal "$output" "fds=1
second file
appended"
	finished
	rm -f s
	listen --count 1 --pass-fds --idle-timeout 30 -- sh -c 'echo "fds=$IPCTOOL_FDS"; cat <&3; cat'
	run_tool sock s --connect --send-fd f1 "relayed"
	assert_equal "$status" 0
	assert_equal "$output" "fds=1
first file
relayed"
	finished
	assert_equal "$(cat err)" ""
}

@test "sock --pass-fds: a peer that sends no descriptors, or only an end, runs COMMAND with IPCTOOL_FDS=0" {
	listen --count 2 --pass-fds -- sh -c 'echo "fds=$IPCTOOL_FDS"; cat'
	run_tool sock s --connect plain
	assert_equal "$output" "fds=0
plain"
	run_tool sock s --connect </dev/null
	assert_equal "$output" "fds=0"
	finished
}

@test "sock --pass-fds: COMMAND starts on the first bytes; a silent peer holds up only its own connection" {
	listen --count 2 --pass-fds -- sh -c 'echo "fds=$IPCTOOL_FDS"; cat <&3; cat >/dev/null'
	# This one connects and sends nothing until ./go.
	bg_start python3 -c '
import os, socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("s")
while not os.path.exists("go"):
    time.sleep(0.05)
fd = os.open("f2", os.O_RDONLY)
socket.send_fds(s, [b"late"], [fd])
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = s.recv(100)
    if not b:
        break
    out += b
open("late", "wb").write(out)'
	run_tool sock s --connect --timeout 10 --send-fd f1 first
	assert_equal "$status" 0
	assert_equal "$output" "fds=1
first file"
	touch go
	wait_for '[ -s late ]'
	assert_equal "$(cat late)" "fds=1
second file"
	finished
}

@test "sock --pass-fds: the descriptors cut by the open-file limit (MSG_CTRUNC) are reported; COMMAND does not run" {
	bg_start prlimit --nofile=24 ipctool sock s --listen --count 2 --pass-fds -- sh -c 'echo ran >>ran; echo "fds=$IPCTOOL_FDS"' >out 2>err
	LISTENER=${BG_PIDS[-1]}
	wait_for '[ -S s ]'
	local args=() i
	for i in $(seq 40); do args+=(--send-fd f1); done
	run_tool sock s --connect "${args[@]}" x
	assert_equal "$output" ""
	wait_for 'grep -q MSG_CTRUNC err'
	assert_regex "$(grep MSG_CTRUNC err)" "^ipctool: sock: the descriptors from pid [0-9]+ on s did not all arrive \(MSG_CTRUNC"
	[ ! -e ran ]
	# The listener serves on.
	run_tool sock s --connect --send-fd f1 y
	assert_equal "$output" "fds=1"
	finished
}

@test "sock --listen: the listener holds no passed descriptor, with --pass-fds or refusing them" {
	listen --count 1 --pass-fds -- sh -c 'while [ ! -e go ]; do sleep 0.05; done'
	py_client stream data f1 f2
	# COMMAND (the listener's child) holds both files at 3 and 4.
	wait_for '[ "$(held_files "$(pgrep -P "$LISTENER" | head -n 1)")" = 2 ]'
	assert_equal "$(held_files "$LISTENER")" 0
	touch go
	finished
	rm -f s go sent
	listen --count 1
	HOLD=1 py_client stream data f1 f2
	wait_for '[ -e sent ] && grep -q "refused a set of descriptors" err'
	# The connection is still being served: the listener reads it.
	assert_equal "$(held_files "$LISTENER")" 0
	touch go
	finished
}

# ---- the listener without COMMAND: refused ----------------------------------

@test "sock --listen without COMMAND: descriptors are closed and reported, one line naming the socket; data served as before" {
	listen --count 1
	py_client stream "stream data" f1
	finished
	assert_equal "$(cat out)" "stream data"
	assert_regex "$(cat err)" "^ipctool: sock: refused a set of descriptors from pid [0-9]+, uid [0-9]+ on s: only -- COMMAND with --pass-fds takes descriptors; they were closed$"
	rm -f s
	listen --seqpacket --count 1 --json
	py_client seqpacket "record" f1 f2
	finished
	assert_regex "$(cat out)" '"data":"record"'
	assert_equal "$(grep -c 'refused a set of descriptors' err)" 1
	rm -f s
	listen --dgram --count 2
	run_tool sock s --connect --dgram --send-fd f1 dgram1
	run_tool sock s --connect --dgram dgram2
	finished
	assert_equal "$(cat out)" "dgram1
dgram2"
	assert_equal "$(grep -c 'refused a set of descriptors' err)" 1
	assert_equal "$(wc -l <err)" 1
}

@test "sock --listen: a peer that sends descriptors again and again cannot flood stderr" {
	listen --count 1
	python3 -c '
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("s")
fd = os.open("f1", os.O_RDONLY)
for i in range(2000):
    socket.send_fds(s, [b"x"], [fd])
s.close()'
	finished
	assert_equal "$(wc -c <out)" 2000
	assert_between 1 3 "$(wc -l <err)"
}

@test "sock --listen without COMMAND under the open-file limit: the cut descriptors are reported too" {
	bg_start prlimit --nofile=16 ipctool sock s --listen --count 1 >out 2>err
	LISTENER=${BG_PIDS[-1]}
	wait_for '[ -S s ]'
	local args=() i
	for i in $(seq 40); do args+=(--send-fd f1); done
	run_tool sock s --connect "${args[@]}" data
	assert_equal "$status" 0
	finished
	assert_equal "$(cat out)" data
	assert_regex "$(cat err)" "refused a set of descriptors .* on s: "
}

# ---- --hex ---------------------------------------------------------------------

@test "sock --listen --hex: a connection is one dump as hexdump -C writes it (socat and ipctool clients)" {
	{ head -c 100003 /dev/urandom; head -c 70000 /dev/zero; printf 'tail'; } >data
	hexdump -C data >want
	listen --count 2 --hex
	run_tool sock s --connect <data
	assert_equal "$status" 0
	socat -u - UNIX-CONNECT:s <data
	finished
	cat want want >want2
	cmp out want2
}

@test "sock --listen --hex: each seqpacket or datagram record as recv --hex writes a message" {
	listen --seqpacket --count 1 --hex
	run_tool sock s --connect --seqpacket "abc" "" "0123456789abcdefXYZ"
	finished
	# An empty record is its end offset alone, as recv --hex writes an empty message.
	assert_equal "$(cat out)" "$(printf abc | hexdump -C; echo 00000000; printf 0123456789abcdefXYZ | hexdump -C)"
	rm -f s
	listen --dgram --count 1 --hex
	run_tool sock s --connect --dgram "datagram"
	finished
	assert_equal "$(cat out)" "$(printf datagram | hexdump -C)"
}

@test "completion: --send-fd offers files, and the new options are offered" {
	run bash_complete ipctool sock s --connect --send-fd f
	assert_equal "$status" 0
	assert_equal "$output" "f1
f2"
	run bash_complete ipctool sock s --listen --pa
	assert_equal "$output" "--pass-fds"
}

@test "sock --pass-fds: an empty seqpacket record carries descriptors; a peer gone at once still hands them over" {
	# The empty record reads as an end to read(2): the first cat ends there.
	listen --seqpacket --count 1 --pass-fds -- sh -c 'echo "fds=$IPCTOOL_FDS" >result; cat <&3 >>result; cat >>result; cat >>result'
	python3 -c '
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect("s")
socket.send_fds(s, [b""], [os.open("f1", os.O_RDONLY)])
s.send(b"after")
s.close()'
	finished
	assert_equal "$(cat result)" "fds=1
first file
after"
	rm -f s result
	listen --count 1 --pass-fds -- sh -c 'echo "fds=$IPCTOOL_FDS" >result; cat <&3 >>result; cat >>result'
	python3 -c '
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("s")
socket.send_fds(s, [b"gone"], [os.open("f2", os.O_RDONLY)])
s.close()'
	finished
	assert_equal "$(cat result)" "fds=1
second file
gone"
}

@test "sock --listen -- COMMAND: an IPCTOOL_FDS the listener inherited never reaches COMMAND" {
	IPCTOOL_FDS=5 listen --count 1 -- sh -c 'echo "${IPCTOOL_FDS-unset}"'
	run_tool sock s --connect x
	assert_equal "$output" unset
	finished
	rm -f s
	IPCTOOL_FDS=5 listen --count 1 --pass-fds -- sh -c 'echo "${IPCTOOL_FDS-unset}"'
	run_tool sock s --connect x
	assert_equal "$output" 0
	finished
}
