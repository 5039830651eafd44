#!/usr/bin/env bats
# list --sockets --connected: connected Unix sockets and the processes at
# both ends, checked against ss -xap (ipctool-list(1)).

load helpers

setup() {
	D=$BATS_TEST_TMPDIR
	cd "$D"
	# The network namespace (and the abstract one) is the host's: a name of
	# our own, as in sock.bats.
	A="@ipctool-conn-$$-$BATS_TEST_NUMBER-$SRANDOM"
	write_peers
}
teardown() {
	touch "$D/go"   # the peers end when it appears
	bg_cleanup
	common_teardown
}

# peers.py server|client DIR ABSTRACT NSTREAM NSEQPACKET NDGRAM: the server
# listens on DIR/s (stream), ABSTRACT (seqpacket) and binds DIR/d (dgram),
# accepts what the client connects, and writes its pid and its sockets'
# inodes; the client connects NSTREAM, NSEQPACKET and NDGRAM (datagram
# sockets connected to DIR/d) and writes the same.  Both hold everything
# until DIR/go appears (at most 120 s).
write_peers() {
	cat >"$D/peers.py" <<'EOF'
import os, socket, sys, time
role, d, abstract = sys.argv[1], sys.argv[2], sys.argv[3]
nstream, nseq, ndgram = (int(x) for x in sys.argv[4:7])
name = os.environ.get("PEER_COMM")
if name:
    with open("/proc/self/comm", "wb") as f:
        f.write(os.fsencode(name))
abstract_addr = "\0" + abstract[1:]
def inode(s):
    return os.fstat(s.fileno()).st_ino
kept = []
def note(kind, s):
    kept.append(s)
    out.write("%s %d\n" % (kind, inode(s)))
out = open(os.path.join(d, role + ".inodes.tmp"), "w")
out.write("pid %d\n" % os.getpid())
if role == "server":
    st = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); st.bind(os.path.join(d, "s")); st.listen(nstream + 1)
    sq = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); sq.bind(abstract_addr); sq.listen(nseq + 1)
    dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind(os.path.join(d, "d"))
    note("dgram-server", dg)
    open(os.path.join(d, "server.ready"), "w").close()
    for i in range(nstream):
        note("stream", st.accept()[0])
    for i in range(nseq):
        note("seqpacket", sq.accept()[0])
else:
    for kind, n, family, addr in (("stream", nstream, socket.SOCK_STREAM, os.path.join(d, "s")),
                                  ("seqpacket", nseq, socket.SOCK_SEQPACKET, abstract_addr),
                                  ("dgram", ndgram, socket.SOCK_DGRAM, os.path.join(d, "d"))):
        for i in range(n):
            s = socket.socket(socket.AF_UNIX, family); s.connect(addr); note(kind, s)
out.close()
os.rename(os.path.join(d, role + ".inodes.tmp"), os.path.join(d, role + ".inodes"))
deadline = time.monotonic() + 120
while not os.path.exists(os.path.join(d, "go")) and time.monotonic() < deadline:
    time.sleep(0.05)
EOF
}

# peers NSTREAM NSEQPACKET NDGRAM: a server and a client, each a python3
# process of its own, connected; their pids in SERVER and CLIENT.
peers() {
	bg_start python3 "$D/peers.py" server "$D" "$A" "$1" "$2" "$3"
	wait_for '[ -e server.ready ]'
	bg_start python3 "$D/peers.py" client "$D" "$A" "$1" "$2" "$3"
	wait_for '[ -e server.inodes ] && [ -e client.inodes ]'
	SERVER=$(awk '$1 == "pid" { print $2 }' server.inodes)
	CLIENT=$(awk '$1 == "pid" { print $2 }' client.inodes)
}

# compare.py CLIENT_INODES LIST_JSON SS_OUTPUT: for each socket the client
# holds, ipctool's PEER, the pids holding it and the pids holding its peer,
# against ss -xap's; prints "agree N", or each disagreement.
write_compare() {
	cat >"$D/compare.py" <<'EOF'
import json, re, sys
client = [l.split() for l in open(sys.argv[1])]
rows = {r["inode"]: r for r in json.load(open(sys.argv[2]))["sockets"]}
ss = {}
for line in open(sys.argv[3]):
    f = line.split()
    if len(f) >= 8 and f[5].isdigit():
        ss[int(f[5])] = (int(f[7]) if f[7].isdigit() else 0, set(int(p) for p in re.findall(r"pid=(\d+)", line)))
bad = 0
n = 0
for kind, ino in client:
    if kind == "pid":
        continue
    ino = int(ino)
    n += 1
    r = rows.get(ino)
    if r is None or ino not in ss:
        print("missing", kind, ino, r is None, ino not in ss); bad += 1; continue
    peer = r["peer"] or 0
    mine = set(p["pid"] for p in r["processes"])
    theirs = set(p["pid"] for p in r["endpoints"])
    ss_peer, ss_mine = ss[ino]
    ss_theirs = ss.get(ss_peer, (0, set()))[1]
    if (peer, mine, theirs) != (ss_peer, ss_mine, ss_theirs) or not mine or not theirs or mine == theirs:
        print("differ", kind, ino, (peer, mine, theirs), (ss_peer, ss_mine, ss_theirs)); bad += 1
    if kind != "dgram":
        back = rows.get(peer)
        if back is None or back["peer"] != ino or set(p["pid"] for p in back["processes"]) != theirs:
            print("no way back", kind, ino, peer); bad += 1
print("agree %d" % n if bad == 0 else "%d of %d differ" % (bad, n))
EOF
}

@test "list --sockets --connected agrees with ss -xap on each of 50 connections: both inodes, both ends' pids" {
	write_compare
	peers 40 5 5
	run_tool_to list.json list --sockets --connected --json
	assert_success
	ss -xapH >ss.txt
	run python3 compare.py client.inodes list.json ss.txt
	assert_output "agree 50"
	# The client's unnamed ends carry the name of what they connected to.
	run jq -r --argjson i "$(awk '$1 == "stream" { print $2; exit }' client.inodes)" \
		'.sockets[] | select(.inode == $i) | [.path, .type] | @tsv' list.json
	assert_output "$D/s	stream"
	run jq -r --argjson i "$(awk '$1 == "seqpacket" { print $2; exit }' client.inodes)" \
		'.sockets[] | select(.inode == $i) | [.path, .type] | @tsv' list.json
	assert_output "$A	seqpacket"
	run jq -r --argjson i "$(awk '$1 == "dgram" { print $2; exit }' client.inodes)" \
		'.sockets[] | select(.inode == $i) | [.path, .type, .processes[0].command, .endpoints[0].pid] | @tsv' list.json
	assert_output "$D/d	dgram	python3	$SERVER"
	# Also what list --sockets shows: a bound datagram socket that connected
	# to nothing is UNCONN, with no peer; the listening one is LISTEN.
	run jq -c --argjson i "$(awk '$1 == "dgram-server" { print $2 }' server.inodes)" \
		'[.sockets[] | select(.inode == $i) | [.path, .state, .peer, .processes[0].pid, .endpoints]]' list.json
	assert_output "[[\"$D/d\",\"UNCONN\",null,$SERVER,null]]"
	run jq -c --arg p "$D/s" '[.sockets[] | select(.path == $p and .state == "LISTEN") | [.type, .peer, .processes[0].pid]]' list.json
	assert_output "[[\"stream\",null,$SERVER]]"
	# Every connected end is ESTAB.
	run jq -r '[.sockets[] | select(.peer != null) | .state] | unique | join(",")' list.json
	assert_output ESTAB
}

@test "list --sockets --connected: table, --raw and --output" {
	peers 1 0 0
	c=$(awk '$1 == "stream" { print $2 }' client.inodes)
	s=$(awk '$1 == "stream" { print $2 }' server.inodes)
	run_tool list --sockets --connected
	assert_success
	assert_line -n 0 --regexp '^PATH +TYPE +STATE +INODE +PEER +PROCESSES +ENDPOINTS$'
	assert_line --regexp "^$(re_quote "$D/s") +stream +ESTAB +$c +$s +$CLIENT:python3 +$SERVER:python3 *$"
	assert_line --regexp "^$(re_quote "$D/s") +stream +LISTEN +[0-9]+ +$SERVER:python3 *$"
	run_tool list --sockets --connected --raw --noheadings -o INODE,PEER,PROCESSES
	assert_success
	assert_line "$s $c $SERVER:python3"
	run_tool list --sockets --connected --output +TYPE --raw
	assert_success
	assert_line -n 0 "PATH TYPE STATE INODE PEER PROCESSES ENDPOINTS TYPE"
	run_tool list --sockets --connected -o help
	assert_success
	assert_line --regexp '^ENDPOINTS +'
	refute_output --partial KEY
	# A lost write is status 1, one line.
	run_tool_to /dev/full list --sockets --connected
	assert_error 1 list "write error on standard output"
}

@test "list --connected without --sockets, and a column of another view, are usage errors" {
	run_tool list --connected
	assert_error 2 list "--connected lists connected sockets: it needs --sockets"
	run_tool list --connected --queues
	assert_error 2 list "--connected lists connected sockets: it needs --sockets"
	run_tool list --sockets --connected -o KEY
	assert_error 2 list "unknown column 'KEY' in --output; valid columns with --connected: PATH,TYPE,STATE,INODE,PEER,PROCESSES,ENDPOINTS"
	run_tool list --sockets --connected -o ''
	assert_error 2 list "at least one column"
	# A '+' that adds nothing names no column either, as for list's own.
	run_tool list --sockets --connected -o +
	assert_error 2 list "--output needs at least one column; valid columns with --connected: PATH,"
	run_tool list -o +
	assert_error 2 list "--output needs at least one column; valid columns: KEY,"
	run_tool list --sockets --connected --namespaces
	assert_error 2 list "--namespaces is a table of its own"
	run_tool list --sockets --connected --ns 1
	assert_error 2 list "it takes no --ns"
	# --output keeps its meaning for the other views.
	q=$(ipctool mkq --key 0x4d2)
	run_tool list -o ID,KEY --sysv --queues --raw
	assert_success
	assert_output "ID KEY
$q 0x000004d2"
}

@test "list --sockets --connected: a command or name that is not UTF-8 goes to JSON as base64, to a table escaped" {
	PEER_COMM=$'bad\xff\nname' peers 1 0 0
	run_tool_to list.json list --sockets --connected --json
	assert_success
	jq . list.json >/dev/null
	c=$(awk '$1 == "stream" { print $2 }' client.inodes)
	run jq -r --argjson i "$c" '.sockets[] | select(.inode == $i) | .processes[0].command_base64' list.json
	assert_output "$(printf 'bad\xff\nname' | base64)"
	run_tool list --sockets --connected
	assert_success
	refute_output --partial $'\xff'
	assert_output --partial 'bad\xff\x0aname'
}

@test "list --sockets --connected: a path that is not UTF-8 has PATH_BASE64 in JSON; a newline in it is escaped in a table" {
	P=$'\xfe\xff\n-s'
	bg_start python3 -c '
import os, socket, sys, time
d, p = sys.argv[1], os.fsencode(sys.argv[2])
l = socket.socket(socket.AF_UNIX); l.bind(p); l.listen(1)
c = socket.socket(socket.AF_UNIX); c.connect(p); a = l.accept()[0]
open("ready", "w").write(str(os.fstat(c.fileno()).st_ino))
while not os.path.exists("go"): time.sleep(0.05)
 ' "$D" "$D/$P"
	wait_for '[ -s ready ]'
	run_tool_to list.json list --sockets --connected --json
	assert_success
	run jq -r --argjson i "$(cat ready)" '.sockets[] | select(.inode == $i) | .path_base64' list.json
	assert_output "$(printf '%s' "$D/$P" | base64 -w0)"
	run jq -r --argjson i "$(cat ready)" '.sockets[] | select(.inode == $i) | .path' list.json
	assert_output "$D/\\xfe\\xff\\x0a-s"
	run_tool list --sockets --connected
	assert_success
	assert_line --regexp "^$(re_quote "$D/\\xfe\\xff\\x0a-s") +stream +ESTAB +$(cat ready) "
	refute_line --regexp '^-s( |$)'
}

@test "list --sockets --connected: an end whose peer closed has no PEER and no ENDPOINTS, as ss shows it" {
	bg_start python3 -c '
import os, socket, time
a, b = socket.socketpair(); b.close()
print(os.fstat(a.fileno()).st_ino, flush=True)
time.sleep(120)
' >alone
	wait_for '[ -s alone ]'
	run_tool list --sockets --connected --json
	assert_success
	run jq -c --argjson i "$(cat alone)" '.sockets[] | select(.inode == $i) | [.peer, (.processes | length), .endpoints]' <<<"$output"
	assert_output "[null,1,null]"
	run ss -xaH
	assert_line --regexp "ESTAB .* $(cat alone) +\\* 0 *$"
}

@test "list --sockets --connected as another user: what it cannot see is left out, not an error" {
	need_root
	peers 2 0 0
	# Its stdout is a file of ours: it needs no way into this directory.
	bg_start setpriv --reuid=65534 --regid=65534 --clear-groups -- /usr/bin/python3 -c '
import socket, os, time
a, b = socket.socketpair()
print(os.fstat(a.fileno()).st_ino, os.getpid(), flush=True)
time.sleep(120)
' >mine
	wait_for '[ -s mine ]'
	read -r mine pid <mine
	run --separate-stderr as_nobody "$IPCTOOL" list --sockets --connected --json
	assert_success
	assert_equal "$stderr" ""
	run jq -c --argjson i "$mine" '.sockets[] | select(.inode == $i) | [.type, [.processes[].pid], [.endpoints[].pid]]' <<<"$output"
	assert_output "[\"stream\",[$pid],[$pid]]"
	c=$(awk '$1 == "stream" { print $2; exit }' client.inodes)
	run --separate-stderr as_nobody "$IPCTOOL" list --sockets --connected --json
	run jq -c --argjson i "$c" '.sockets[] | select(.inode == $i) | [.processes, .endpoints]' <<<"$output"
	assert_output "[[],[]]"
}
