#!/bin/bash
# recv --batch N: throughput against the loss window (see README.md).  For
# each run, for each N in turn (interleaved, so every N sees the same load),
# a queue is filled with BATCH_LINES lines and `recv --count BATCH_LINES
# --batch N | cat >/dev/null` is timed; a pipe, since a pipe is where the
# batch is what a closed reader or SIGKILL can lose.  Prints the best and
# the median of the runs for each N, in messages/s.  Runs in a private IPC
# namespace and removes every queue it makes.
#
# Environment: IPCTOOL, BENCH_RUNS (default 5), BENCH_LINES (default
# 1000000), BATCH_SIZES (default "1 4 16 64 256 512"), LOCKSTEP_LINES
# (default 100000; 0 skips the --lockstep row).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
IPCTOOL=${IPCTOOL:-$here/../ipctool}
RUNS=${BENCH_RUNS:-5}
LINES=${BENCH_LINES:-1000000}
SIZES=${BATCH_SIZES:-1 4 16 64 256 512}
LOCKSTEP_LINES=${LOCKSTEP_LINES:-100000}

if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	if [ "$(id -u)" -eq 0 ]; then ns=(unshare --ipc); else ns=(unshare -Ur --ipc); fi
	exec "${ns[@]}" env IPCTOOL_BENCH_NS=1 "$0" "$@"
fi
[ -x "$IPCTOOL" ] || { echo "bench: $IPCTOOL is missing; run make first" >&2; exit 1; }

# Room for every line at once: msgmnb belongs to this namespace.
echo $((LINES * 16)) > /proc/sys/kernel/msgmnb

# time_recv COUNT OPTION...: microseconds for recv to take COUNT lines
# from a full queue into a pipe.
time_recv() {
	local count=$1 q t0 t1
	shift
	q=$("$IPCTOOL" mkq)
	seq 1 "$count" | "$IPCTOOL" send "$q" --lines
	t0=${EPOCHREALTIME/./}
	"$IPCTOOL" recv "$q" --count "$count" "$@" | cat >/dev/null
	t1=${EPOCHREALTIME/./}
	"$IPCTOOL" rm "$q" >/dev/null 2>&1 || ipcrm -q "$q"
	echo $((t1 - t0))
}

# best and median of the numbers on stdin
best_median() { sort -n | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)] }'; }
rate() { echo $(($1 * 1000000 / $2)); }

declare -A times
for ((r = 0; r < RUNS; r++)); do
	for n in $SIZES; do
		times[$n]+="$(time_recv "$LINES" --batch "$n") "
	done
	if [ "$LOCKSTEP_LINES" -gt 0 ]; then
		times[lockstep]+="$(time_recv "$LOCKSTEP_LINES" --lockstep) "
	fi
done

echo "recv --batch N | cat, $LINES lines, best and median of $RUNS interleaved runs," \
	"$(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1 /proc/loadavg)"
printf '| %-10s | %12s | %14s |\n' "batch" "best msg/s" "median msg/s"
for n in $SIZES lockstep; do
	[ -n "${times[$n]:-}" ] || continue
	count=$LINES
	[ "$n" = lockstep ] && count=$LOCKSTEP_LINES
	read -r best median < <(printf '%s\n' ${times[$n]} | best_median)
	printf '| %-10s | %12s | %14s |\n' "$n" "$(rate "$count" "$best")" "$(rate "$count" "$median")"
done
