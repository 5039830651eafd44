#!/bin/bash
# recv --exec and send --json benchmarks (ipctool-recv(1); figures in README.md):
#   1. N messages through `recv --exec --jobs 1 -- true` against
#      `xargs -n1 true` fed the same lines (goal <= 1.1x);
#   2. the same with --jobs 4 against `xargs -P4 -n1 true` (goal <= 1.1x);
#   3. M messages through `recv --json | send --json` (the replay) against
#      `recv --json >/dev/null` alone: the cost of the replay side (goal <= 2x);
#   4. N messages through `recv --exec -- true` plain, with `--retries 0`
#      (goal: no cost when unused) and with `--joblog FILE` (goal: at most
#      5% more), the three interleaved.
# Each job's runs are interleaved with its comparison's.  Runs in a private
# IPC namespace and removes every queue it makes.
#
# Environment: IPCTOOL, BENCH_RUNS (default 1), BENCH_EXEC_MESSAGES (default
# 10000), BENCH_JSON_MESSAGES (default 1000000), BENCH_EXEC_PARTS (default
# "1 2 3 4": which of the above to run).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
IPCTOOL=${IPCTOOL:-$here/../ipctool}
RUNS=${BENCH_RUNS:-1}
N=${BENCH_EXEC_MESSAGES:-10000}
M=${BENCH_JSON_MESSAGES:-1000000}
PARTS=" ${BENCH_EXEC_PARTS:-1 2 3 4} "

if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	if [ "$(id -u)" -eq 0 ]; then ns=(unshare --ipc); else ns=(unshare -Ur --ipc); fi
	exec "${ns[@]}" env IPCTOOL_BENCH_NS=1 "$0" "$@"
fi

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$IPCTOOL" ] || die "$IPCTOOL is missing; run 'make' from the top directory"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipctool-bench.XXXXXX")
trap 'ipcrm --all=msg 2>/dev/null || true; rm -rf "$tmp"' EXIT

# Room for M small messages in one queue (msg_qbytes also caps the number
# of messages): this namespace's root may raise msgmnb.
echo 67108864 > /proc/sys/kernel/msgmnb || die "cannot raise msgmnb"

seq 1 "$N" > "$tmp/lines"
seq 1 "$M" > "$tmp/many"

# seconds START_US: wall seconds since START_US.
seconds() { awk -v a="$1" -v b="${EPOCHREALTIME/./}" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'; }

# exec_run JOBS [OPTION...]: wall seconds for N messages through recv
# --exec (with the OPTIONs), the queue filled beforehand (not timed).
exec_run() {
	local q t0 jobs=$1
	shift
	q=$("$IPCTOOL" mkq)
	"$IPCTOOL" send "$q" --lines < "$tmp/lines"
	t0=${EPOCHREALTIME/./}
	"$IPCTOOL" recv "$q" --count "$N" --exec --jobs "$jobs" "$@" -- true
	seconds "$t0"
	ipcrm -q "$q"
}

# exec_cpu JOBS [OPTION...]: as exec_run, printing wall seconds and the
# CPU seconds of recv itself, without its COMMANDs': read from
# /proc/PID/stat while it is a zombie (waitid WNOWAIT), before it is reaped.
exec_cpu() {
	local q jobs=$1
	shift
	q=$("$IPCTOOL" mkq)
	"$IPCTOOL" send "$q" --lines < "$tmp/lines"
	python3 -c '
import os, sys, time
t = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
wall = time.monotonic() - t
f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
cpu = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
_, status = os.waitpid(pid, 0)
if status:
    sys.exit("recv failed")
print("%.3f %.3f" % (wall, cpu))' "$IPCTOOL" recv "$q" --count "$N" --exec --jobs "$jobs" "$@" -- true
	ipcrm -q "$q"
}

xargs_run() {
	local t0=${EPOCHREALTIME/./}
	xargs -P "$1" -n1 true < "$tmp/lines"
	seconds "$t0"
}

# json_run replay|alone: wall seconds to take M messages as JSON, sent on
# to a second queue (replay) or to /dev/null (alone).
json_run() {
	local a b t0
	a=$("$IPCTOOL" mkq)
	"$IPCTOOL" send "$a" --lines < "$tmp/many"
	if [ "$1" = replay ]; then
		b=$("$IPCTOOL" mkq)
		t0=${EPOCHREALTIME/./}
		"$IPCTOOL" recv "$a" --count "$M" --json | "$IPCTOOL" send "$b" --json
		seconds "$t0"
		[ "$(awk -v id="$b" '$2 == id { print $5 }' /proc/sysvipc/msg)" = "$M" ] || die "the copy is not whole"
		ipcrm -q "$b"
	else
		t0=${EPOCHREALTIME/./}
		"$IPCTOOL" recv "$a" --count "$M" --json > /dev/null
		seconds "$t0"
	fi
	ipcrm -q "$a"
}

echo "machine: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$RUNS"); do
	case $PARTS in *" 1 "*) echo "run $run: $N messages, --jobs 1: ipctool $(exec_run 1) s, xargs -n1 $(xargs_run 1) s" ;; esac
	case $PARTS in *" 2 "*) echo "run $run: $N messages, --jobs 4: ipctool $(exec_run 4) s, xargs -P4 $(xargs_run 4) s" ;; esac
	case $PARTS in *" 3 "*) echo "run $run: $M messages as JSON: alone $(json_run alone) s, replayed into a queue $(json_run replay) s" ;; esac
	case $PARTS in *" 4 "*)
		rm -f "$tmp/joblog"
		echo "run $run: $N messages, --jobs 1, wall and recv's own CPU seconds: plain $(exec_cpu 1), --retries 0 $(exec_cpu 1 --retries 0), --joblog $(exec_cpu 1 --joblog "$tmp/joblog")"
		[ "$(wc -l < "$tmp/joblog")" = $((N + 1)) ] || die "the joblog does not have a line per job"
		;;
	esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
