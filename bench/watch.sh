#!/usr/bin/env bash
# ipctool watch: CPU time per sample with N System V queues, against one
# `ipcs -q` and the floor, `cat /proc/sysvipc/msg`; then the full-screen
# view's own CPU use at the default interval (1 s) with 100 objects.
#
# Runs itself inside a private IPC namespace (unshare --ipc, or -Uri --ipc
# when not root), where kernel.msgmni is raised to N; the queues go with the
# namespace (and are removed before it ends).  The runs are interleaved
# (ipcs, cat, watch, ipcs, cat, watch, ...) so a busy neighbour hurts every
# tool alike; each figure is the best and the median of RUNS.
#   bench/watch.sh [N] [RUNS] [SAMPLES] [VIEW_SECONDS]
#   (IPCTOOL=path/to/ipctool; defaults 20000 5 20 30)
set -euo pipefail

n=${1:-20000}
runs=${2:-5}
samples=${3:-20}
view_seconds=${4:-30}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPCTOOL="${IPCTOOL:-$here/../ipctool}"

if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ]; then
	export IPCTOOL_BENCH_INSIDE=1
	if [ "$(id -u)" -eq 0 ]; then
		exec unshare --ipc --mount --propagation private -- "$0" "$@"
	else
		exec unshare -Uri --ipc --mount --propagation private -- "$0" "$@"
	fi
fi

[ -x "$IPCTOOL" ] || { echo "bench/watch.sh: no ipctool at $IPCTOOL (run make)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "bench/watch.sh: the view's part needs tmux" >&2; exit 2; }
# A private /dev/shm and mqueue mount: the POSIX families are empty here,
# as the host's objects are none of this benchmark's business.
mount -t tmpfs -o size=1m tmpfs /dev/shm
work=$(mktemp -d /tmp/ipctool-bench-watch.XXXXXX)
mkdir "$work/mqueue"
mount -t mqueue mqueue "$work/mqueue" 2>/dev/null || true
tmux_sock=$work/tmux.sock
cleanup() {
	tmux -S "$tmux_sock" kill-server 2>/dev/null || true
	ipcrm --all >/dev/null 2>&1 || true
	umount "$work/mqueue" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$(cat /proc/sys/kernel/msgmni)" -lt "$n" ]; then
	echo "$n" >/proc/sys/kernel/msgmni
fi
perl -e 'for (1..$ARGV[0]) { defined msgget(0, 01600) or die "msgget: $!" }' "$n"

# User plus system CPU seconds of one run of a command, output to /dev/null.
cpu() {
	/usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>&1
	awk '{ printf "%.4f\n", $1 + $2 }' "$work/time"
}
best_median() {   # one figure a line on stdin -> "best median"
	sort -g | awk '{ v[NR] = $1 } END { printf "%.4f %.4f\n", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "watch, $n System V queues: CPU seconds (user + sys, GNU time), $runs interleaved runs"
echo "machine: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/ipcs"; : >"$work/cat"; : >"$work/watch"
for ((i = 0; i < runs; i++)); do
	cpu ipcs -q >>"$work/ipcs"
	cpu cat /proc/sysvipc/msg >>"$work/cat"
	t=$(cpu "$IPCTOOL" watch --json --sysv --queues --count "$samples" --interval 0.001)
	awk -v t="$t" -v s="$samples" 'BEGIN { printf "%.4f\n", t / s }' >>"$work/watch"
done
read -r ipcs_best ipcs_median < <(best_median <"$work/ipcs")
read -r cat_best cat_median < <(best_median <"$work/cat")
read -r watch_best watch_median < <(best_median <"$work/watch")
echo
echo "| job | best | median | ratio to ipcs -q (best, median) |"
echo "|---|---|---|---|"
printf '| `ipcs -q` once | %s s | %s s | 1x |\n' "$ipcs_best" "$ipcs_median"
awk -v b="$cat_best" -v m="$cat_median" -v ib="$ipcs_best" -v im="$ipcs_median" \
	'BEGIN { printf "| `cat /proc/sysvipc/msg` (the floor) | %s s | %s s | %.2fx, %.2fx |\n", b, m, b / ib, m / im }'
awk -v b="$watch_best" -v m="$watch_median" -v ib="$ipcs_best" -v im="$ipcs_median" -v s="$samples" \
	'BEGIN { printf "| `watch --json` per sample (run of %d / %d) | %s s | %s s | %.2fx, %.2fx |\n", s, s, b, m, b / ib, m / im }'

# The view, 100 queues (the rest removed), at the default interval in a
# 120x40 terminal: utime + stime from /proc/PID/stat over VIEW_SECONDS.
ipcrm --all=msg >/dev/null
perl -e 'for (1..100) { defined msgget(0, 01600) or die "msgget: $!" }'
tmux -S "$tmux_sock" -f /dev/null new-session -d -x 120 -y 40 "exec $IPCTOOL watch"
pane_pid=$(tmux -S "$tmux_sock" display-message -p '#{pane_pid}')
ticks() { awk '{ print $14 + $15 }' "/proc/$pane_pid/stat"; }
sleep 2   # past the start: the first draw, the libraries loaded
t0=$(ticks); s0=$(date +%s.%N)
sleep "$view_seconds"
t1=$(ticks); s1=$(date +%s.%N)
tmux -S "$tmux_sock" send-keys q
hz=$(getconf CLK_TCK)
echo
awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v hz="$hz" 'BEGIN {
	cpu = (t1 - t0) / hz; wall = s1 - s0
	printf "the view, 100 queues, default interval, %.1f s: %.3f s CPU = %.3f%% of one core\n", wall, cpu, 100 * cpu / wall }'
