#!/usr/bin/env bash
# ipctool sock against the raw system calls (sock_ref.c) and the tools
# people use, in one run, interleaved:
#   1 GiB through a stream socket: `ipctool sock P --connect < file` into
#     `ipctool sock P --listen >/dev/null`; sock_ref (the floor); socat
#     UNIX-LISTEN / UNIX-CONNECT; nc -lU / nc -U -N.  Goal: >= 0.9x the
#     floor's throughput, ahead of socat.
#   1M datagrams of 64 B: `--connect --dgram --lines` into `--listen --dgram`
#     against sock_ref's sendto/recvfrom.  Goal: <= 1.25x wall, constant
#     memory (peak RSS at 100k and 1M).
#   The datagram floor twice: sendto(2) naming the path each time (the
#   "raw sendto/recvfrom pair"), and connect(2) once then send(2), as
#   ipctool's client does.
#   1,000 short connections (a python3 client, 16 at a time, each sends a
#     line and reads it back) to `--listen -- cat`, unlimited against
#     `--max-children 4`.  Goal: the bound is no slower.
# Usage: bench/sock.sh [path/to/ipctool]   (RUNS, default 3; BYTES, LINES;
#   CONNS; STREAM=0 runs the datagram jobs only; CHILDREN_ONLY=1 the
#   connections only)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPCTOOL=${1:-$here/../ipctool}
REF=$here/sock_ref
RUNS=${RUNS:-3}
BYTES=${BYTES:-1G}
LINES=${LINES:-1000000}
CONNS=${CONNS:-1000}
work=$(mktemp -d /dev/shm/ipctool-bench-sock.XXXXXX)
trap 'rm -rf "$work"' EXIT
P=$work/s

if [ "${CHILDREN_ONLY:-0}" = 0 ]; then
	head -c "$BYTES" /dev/zero > "$work/file"
	# 1M lines of 64 bytes (and a newline each).
	awk -v n="$LINES" 'BEGIN { l = sprintf("%064d", 0); for (i = 0; i < n; i++) print l }' > "$work/lines"
	awk -v n=$((LINES / 10)) 'BEGIN { l = sprintf("%064d", 0); for (i = 0; i < n; i++) print l }' > "$work/lines.10"
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
wait_socket() { for _ in $(seq 400); do [ -S "$P" ] && return; sleep 0.01; done; echo "no socket" >&2; exit 1; }

# pair LISTENER... -- CLIENT...: the time from the client's start until
# both ended (the listener is up first).
pair() {
	local l=() c=() t0 t1
	while [ "$1" != -- ]; do l+=("$1"); shift; done
	shift
	c=("$@")
	rm -f "$P"
	"${l[@]}" >/dev/null &
	local lp=$!
	wait_socket
	t0=$(now)
	"${c[@]}"
	wait "$lp"
	t1=$(now)
	elapsed "$t0" "$t1"
}
stream_ipctool() { pair "$IPCTOOL" sock "$P" --listen --count 1 -- "$IPCTOOL" sock "$P" --connect < "$work/file"; }
stream_ref() { pair "$REF" stream-listen "$P" -- "$REF" stream-connect "$P" < "$work/file"; }
stream_socat() { pair socat -u UNIX-LISTEN:"$P" - -- socat -u - UNIX-CONNECT:"$P" < "$work/file"; }
stream_nc() { pair nc -lU "$P" -- nc -N -U "$P" < "$work/file"; }
dgram_ipctool() { pair "$IPCTOOL" sock "$P" --listen --dgram --count "$2" -- "$IPCTOOL" sock "$P" --connect --dgram --lines < "$1"; }
dgram_ref() { pair "$REF" dgram-listen "$P" "$2" -- "$REF" dgram-connect "$P" < "$1"; }
dgram_ref_send() { pair "$REF" dgram-listen "$P" "$2" -- "$REF" dgram-send "$P" < "$1"; }
# CONNS connections, 16 at a time, each a line out and back.
conns_client() {
	python3 -c '
import socket, sys
from concurrent.futures import ThreadPoolExecutor
def one(i):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(b"%d\n" % i)
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        got += b
    s.close()
    assert got == b"%d\n" % i, got
with ThreadPoolExecutor(16) as ex:
    list(ex.map(one, range(int(sys.argv[2]))))' "$P" "$CONNS"
}
# children OPTION...: the time for CONNS connections to a listener with
# the OPTIONs running `cat` for each (pair cannot take its `--`).
children() {
	local t0 t1
	rm -f "$P"
	"$IPCTOOL" sock "$P" --listen --count "$CONNS" "$@" -- cat >/dev/null &
	local lp=$!
	wait_socket
	t0=$(now)
	conns_client
	wait "$lp"
	t1=$(now)
	elapsed "$t0" "$t1"
}
children_unlimited() { children; }
children_max4() { children --max-children 4; }

# socat and nc (netcat-openbsd) are compared with when installed; `make
# deps` does not install them (no test uses them): apt-get install socat
# netcat-openbsd.
stream_jobs=(stream_ref stream_ipctool)
command -v socat >/dev/null && stream_jobs+=(stream_socat) || echo "socat not installed: not compared" >&2
nc -h 2>&1 | grep -q OpenBSD && stream_jobs+=(stream_nc) || echo "nc (netcat-openbsd) not installed: not compared" >&2

declare -A all
record() { all[$1]="${all[$1]:-} $2"; }
for ((r = 0; r < RUNS; r++)); do
	if [ "${CHILDREN_ONLY:-0}" = 0 ]; then
		[ "${STREAM:-1}" = 0 ] || for job in "${stream_jobs[@]}"; do record "$job" "$($job)"; done
		record dgram_ref "$(dgram_ref "$work/lines" "$LINES")"
		record dgram_ref_send "$(dgram_ref_send "$work/lines" "$LINES")"
		record dgram_ipctool "$(dgram_ipctool "$work/lines" "$LINES")"
	fi
	record children_unlimited "$(children_unlimited)"
	record children_max4 "$(children_max4)"
done
stat_of() { tr ' ' '\n' <<<"${all[$1]}" | sed '/^$/d' | sort -n | awk '{ v[NR] = $1 } END { printf "%.3f %.3f", v[1], v[int((NR + 1) / 2)] }'; }

# Peak RSS of the ipctool listener and client, 100k and 1M datagrams.
rss() {
	local lines=$1 n=$2
	rm -f "$P"
	/usr/bin/time -f %M -o "$work/rss.l" "$IPCTOOL" sock "$P" --listen --dgram --count "$n" >/dev/null &
	local lp=$!
	wait_socket
	/usr/bin/time -f %M -o "$work/rss.c" "$IPCTOOL" sock "$P" --connect --dgram --lines < "$lines"
	wait "$lp"
	echo "$(cat "$work/rss.l") KiB listener, $(cat "$work/rss.c") KiB client"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: $RUNS, interleaved; best and median wall seconds"
read -r ub um <<<"$(stat_of children_unlimited)"
for job in children_unlimited children_max4; do
	read -r b m <<<"$(stat_of "$job")"
	printf '%-18s %s connections: best %ss median %ss  wall vs unlimited (best, median): %.2fx %.2fx\n' \
		"$job" "$CONNS" "$b" "$m" "$(awk -v a="$ub" -v b="$b" 'BEGIN { print b / a }')" \
		"$(awk -v a="$um" -v b="$m" 'BEGIN { print b / a }')"
done
[ "${CHILDREN_ONLY:-0}" = 0 ] || exit 0
[ "${STREAM:-1}" = 0 ] && stream_jobs=()
[ ${#stream_jobs[@]} -eq 0 ] || read -r rb rm_ <<<"$(stat_of stream_ref)"
for job in "${stream_jobs[@]}"; do
	read -r b m <<<"$(stat_of "$job")"
	printf '%-15s %s of %s: best %ss median %ss  throughput vs ref (best, median): %.2fx %.2fx\n' \
		"$job" "$BYTES" stream "$b" "$m" "$(awk -v a="$rb" -v b="$b" 'BEGIN { print a / b }')" \
		"$(awk -v a="$rm_" -v b="$m" 'BEGIN { print a / b }')"
done
read -r db dm <<<"$(stat_of dgram_ref)"
for job in dgram_ref dgram_ref_send dgram_ipctool; do
	read -r b m <<<"$(stat_of "$job")"
	printf '%-15s %s datagrams of 64 B: best %ss median %ss  wall vs ref (best, median): %.2fx %.2fx\n' \
		"$job" "$LINES" "$b" "$m" "$(awk -v a="$db" -v b="$b" 'BEGIN { print b / a }')" \
		"$(awk -v a="$dm" -v b="$m" 'BEGIN { print b / a }')"
done
echo "peak RSS, $((LINES / 10)) datagrams: $(rss "$work/lines.10" $((LINES / 10)))"
echo "peak RSS, $LINES datagrams: $(rss "$work/lines" "$LINES")"
