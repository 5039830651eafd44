#!/usr/bin/env bash
# One sample of `ipctool metrics --all-namespaces` against one `list
# --all-namespaces --processes` of the same objects (issue 25's goal: at
# most its CPU), over NS IPC namespaces of PER objects each (a third each
# queues, segments and semaphore sets, as bench/namespaces.sh makes them),
# plus PROCS idle processes in them (what the /proc pass of both reads).
#
# Runs itself as PID 1 of private PID, IPC and mount namespaces, so
# everything it makes ends with it: a PID namespace of its own holding NS
# processes, each in new IPC and mount namespaces (as containers are) with
# PER objects.  Each timed command runs there through nsenter (the same
# cost for both), RUNS times, interleaved; figures are CPU time (perf
# task-clock, children included) when perf is there, else user+system
# time from /usr/bin/time; best and median, and the ratio run by run.
#   bench/metrics.sh [NS] [PER] [RUNS]     (default 50 100 5; IPCTOOL)
set -euo pipefail

nss=${1:-50}
per=${2:-100}
runs=${3:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPCTOOL="${IPCTOOL:-$here/../ipctool}"

if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ]; then
	export IPCTOOL_BENCH_INSIDE=1
	user=()
	[ "$(id -u)" -eq 0 ] || user=(-Uri)
	exec unshare "${user[@]}" --ipc --mount --propagation private --pid --fork --mount-proc -- "$0" "$@"
fi

[ -x "$IPCTOOL" ] || { echo "bench/metrics.sh: no ipctool at $IPCTOOL (run make)" >&2; exit 2; }

tmp=$(mktemp -d)
world=
trap 'kill -KILL $world 2>/dev/null || true; rm -rf "$tmp"' EXIT
mount -t tmpfs -o mode=1777 tmpfs /dev/shm

. "$here/common.sh"   # make_objects

unshare --ipc --mount --propagation private --pid --fork --mount-proc -- bash -c '
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	for i in $(seq "$1"); do
		unshare --ipc --mount --propagation private -- \
			bash -c "mount -t tmpfs -o mode=1777 tmpfs /dev/shm && { ! [ -d /dev/mqueue ] || mount -t mqueue mqueue /dev/mqueue; } && make_objects $2 && touch $3/a.$i && exec sleep infinity" &
	done
	wait' _ "$nss" "$per" "$tmp" &
world=$!
disown

for ((i = 0; i < 600; i++)); do
	[ "$(find "$tmp" -name 'a.*' | wc -l)" -eq "$nss" ] && break
	sleep 0.1
done
[ "$(find "$tmp" -name 'a.*' | wc -l)" -eq "$nss" ] ||
	{ echo "bench/metrics.sh: the namespaces were not ready in 60 s" >&2; exit 1; }
pid=$(pgrep -P "$world" | head -n 1)
in_world="nsenter -t $pid --pid --mount --ipc --"

# Both must see what they should before they are timed.
listed=$($in_world "$IPCTOOL" list --all-namespaces --processes --sysv --raw --noheadings 2>/dev/null | wc -l)
counted=$($in_world "$IPCTOOL" metrics --all-namespaces |
	awk '/^ipc_objects\{/ && /family="sysv"/ { n += $NF } END { print n }')
[ "$listed" -eq $((nss * per)) ] && [ "$counted" -eq $((nss * per)) ] ||
	{ echo "bench/metrics.sh: listed $listed and counted $counted objects, not $((nss * per))" >&2; exit 1; }

if perf stat -x, -e task-clock true >/dev/null 2>&1; then
	measure="CPU time (perf task-clock, nsenter and its child)"
	once() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 / 1000 }'; }
else
	measure="CPU time (user + system, /usr/bin/time, nsenter and its child)"
	once() { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ print $1 + $2 }'; }
fi

names=(
	"ipctool metrics --all-namespaces"
	"ipctool list --all-namespaces --processes"
	"ipctool metrics --all-namespaces --objects 10"
)
cmds=(
	"$in_world $IPCTOOL metrics --all-namespaces"
	"$in_world $IPCTOOL list --all-namespaces --processes"
	"$in_world $IPCTOOL metrics --all-namespaces --objects 10"
)
declare -A t
for ((r = 0; r < runs; r++)); do
	for i in "${!cmds[@]}"; do
		# shellcheck disable=SC2086
		t[$i,$r]=$(once ${cmds[$i]})
	done
done

stats() { sort -g | awk '{ v[NR] = $1 } END { printf "%.4f / %.4f", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row_stats() { for ((r = 0; r < runs; r++)); do echo "${t[$1,$r]}"; done | stats; }
ratio_stats() {
	for ((r = 0; r < runs; r++)); do awk -v a="${t[$1,$r]}" -v b="${t[$2,$r]}" 'BEGIN { print (b > 0 ? a / b : 0) }'; done | stats
}

echo "ipctool $("$IPCTOOL" --version | awk '{ print $2 }'), $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$nss namespaces of $per objects; $measure, $runs interleaved runs"
echo
echo "| command | seconds, best / median |"
echo "|---|---|"
for i in "${!cmds[@]}"; do
	echo "| \`${names[$i]}\` | $(row_stats "$i") |"
done
echo
echo "| ratio, per run | best / median |"
echo "|---|---|"
echo "| metrics / list --processes | $(ratio_stats 0 1) |"
echo "| metrics --objects 10 / list --processes | $(ratio_stats 2 1) |"
