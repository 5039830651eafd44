#!/usr/bin/env bash
# list --all-namespaces over NS IPC namespaces of PER System V objects each
# against plain `list` of the same NS*PER objects in one namespace (issue
# 14's goal: at most 2x), with bench/ns_ref (the raw calls: setns into each
# namespace and read /proc/sysvipc, or a child per namespace doing it) as
# the floor.
#
# Runs itself as PID 1 of private PID, IPC and mount namespaces, so
# everything it makes ends with it: world A, a PID namespace of its own
# holding NS processes, each in new IPC and mount namespaces (as
# containers are) with PER objects; world B, another PID namespace whose
# one IPC namespace holds NS*PER objects.  Each timed command runs in its
# world through nsenter (the same cost for both), RUNS times, A and B
# interleaved; figures are CPU time (perf task-clock, children included)
# when perf is there, else wall-clock time; best and median.
#   bench/namespaces.sh [NS] [PER] [RUNS]     (default 50 100 5; IPCTOOL, REF)
set -euo pipefail

nss=${1:-50}
per=${2:-100}
runs=${3:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPCTOOL="${IPCTOOL:-$here/../ipctool}"
export REF="${REF:-$here/ns_ref}"

if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ]; then
	export IPCTOOL_BENCH_INSIDE=1
	user=()
	[ "$(id -u)" -eq 0 ] || user=(-Uri)
	exec unshare "${user[@]}" --ipc --mount --propagation private --pid --fork --mount-proc -- "$0" "$@"
fi

[ -x "$IPCTOOL" ] || { echo "bench/namespaces.sh: no ipctool at $IPCTOOL (run make)" >&2; exit 2; }
[ -x "$REF" ] || { echo "bench/namespaces.sh: no $REF (run make -C bench ns_ref)" >&2; exit 2; }

tmp=$(mktemp -d)
# PID 1 of this namespace: when it ends, the kernel ends every process
# below it, and their namespaces and objects with them.  The trap is for
# the temporary directory, and for an early exit.
world_a= world_b=
trap 'kill -KILL $world_a $world_b 2>/dev/null || true; rm -rf "$tmp"' EXIT
mount -t tmpfs -o mode=1777 tmpfs /dev/shm

. "$here/common.sh"   # make_objects

# world A: NS namespaces in a PID namespace of their own.
unshare --ipc --mount --propagation private --pid --fork --mount-proc -- bash -c '
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	for i in $(seq "$1"); do
		unshare --ipc --mount --propagation private -- \
			bash -c "make_objects $2 && touch $3/a.$i && exec sleep infinity" &
	done
	wait' _ "$nss" "$per" "$tmp" &
world_a=$!
disown
# world B: NS*PER objects in one namespace.
unshare --ipc --mount --propagation private --pid --fork --mount-proc -- bash -c '
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	make_objects "$1" && touch "$2/b" && exec sleep infinity' _ "$((nss * per))" "$tmp" &
world_b=$!
disown

for ((i = 0; i < 600; i++)); do
	[ "$(find "$tmp" -name 'a.*' | wc -l)" -eq "$nss" ] && [ -e "$tmp/b" ] && break
	sleep 0.1
done
[ "$(find "$tmp" -name 'a.*' | wc -l)" -eq "$nss" ] && [ -e "$tmp/b" ] ||
	{ echo "bench/namespaces.sh: the namespaces were not ready in 60 s" >&2; exit 1; }
pid_a=$(pgrep -P "$world_a" | head -n 1)
pid_b=$(pgrep -P "$world_b" | head -n 1)
in_a="nsenter -t $pid_a --pid --mount --ipc --"
in_b="nsenter -t $pid_b --pid --mount --ipc --"

# The listings must hold what they should before they are timed.
got_a=$($in_a "$IPCTOOL" list --all-namespaces --sysv --raw --noheadings | wc -l)
got_b=$($in_b "$IPCTOOL" list --sysv --raw --noheadings | wc -l)
[ "$got_a" -eq $((nss * per)) ] && [ "$got_b" -eq $((nss * per)) ] ||
	{ echo "bench/namespaces.sh: listed $got_a and $got_b objects, not $((nss * per))" >&2; exit 1; }

if perf stat -x, -e task-clock true >/dev/null 2>&1; then
	measure="CPU time (perf task-clock, nsenter and its child)"
	once() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 / 1000 }'; }
else
	measure="wall-clock time"
	once() { local TIMEFORMAT=%R; { time "$@" >/dev/null 2>&1; } 2>&1; }
fi

# The rows: a name, then the command; A rows run in world A, B rows in B.
names=(
	"A: ipctool list --all-namespaces --sysv"
	"B: ipctool list --sysv"
	"A: ipctool list --all-namespaces --sysv --json"
	"B: ipctool list --sysv --json"
	"A: ns_ref setns (floor)"
	"A: ns_ref fork (a child per namespace)"
	"B: ns_ref one (floor)"
)
cmds=(
	"$in_a $IPCTOOL list --all-namespaces --sysv"
	"$in_b $IPCTOOL list --sysv"
	"$in_a $IPCTOOL list --all-namespaces --sysv --json"
	"$in_b $IPCTOOL list --sysv --json"
	"$in_a $REF setns"
	"$in_a $REF fork"
	"$in_b $REF one"
)
declare -A t
for ((r = 0; r < runs; r++)); do
	for i in "${!cmds[@]}"; do
		# shellcheck disable=SC2086
		t[$i,$r]=$(once ${cmds[$i]})
	done
done

# best and median of a row's runs; of A/B ratios of the same run
stats() { sort -g | awk '{ v[NR] = $1 } END { printf "%.4f / %.4f", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row_stats() { for ((r = 0; r < runs; r++)); do echo "${t[$1,$r]}"; done | stats; }
ratio_stats() {
	for ((r = 0; r < runs; r++)); do awk -v a="${t[$1,$r]}" -v b="${t[$2,$r]}" 'BEGIN { print a / b }'; done | stats
}

echo "ipctool $("$IPCTOOL" --version | awk '{ print $2 }'), $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$nss namespaces of $per objects (A) against $((nss * per)) objects in one (B); $measure, $runs interleaved runs"
echo
echo "| command | seconds, best / median |"
echo "|---|---|"
for i in "${!cmds[@]}"; do
	echo "| ${names[$i]} | $(row_stats "$i") |"
done
echo
echo "| ratio, per run | best / median |"
echo "|---|---|"
echo "| --all-namespaces (A) / list (B), table | $(ratio_stats 0 1) |"
echo "| --all-namespaces (A) / list (B), --json | $(ratio_stats 2 3) |"
echo "| ns_ref setns (A) / ns_ref one (B) | $(ratio_stats 4 6) |"
echo "| ns_ref fork / ns_ref setns | $(ratio_stats 5 4) |"
