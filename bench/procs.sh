#!/usr/bin/env bash
# Who uses what: `ipctool list --processes` against plain `ipctool list`
# (the cost of knowing who) and against `lsfd` + `ipcs -p`, which together
# show what they can of the same (lsfd every process's descriptors and
# mappings, /SYSV segments among them; ipcs the recorded pids), with
# NPROCS sleeping processes and NOBJ System V objects, NATTACHED segments
# of them attached, one per process, and NWAITING objects (half queues,
# half sets) with a process blocked on each, in msgrcv or semop, that
# list --processes finds in /proc/PID/syscall (bench/procs_helper.c).
#
# Runs itself in private IPC and PID namespaces (unshare --ipc --pid
# --mount-proc, or with -Uri when not root): /proc shows those processes
# alone, and the namespaces' end takes every process and object with it
# even if the helper is killed.  The runs of the three are interleaved;
# best and median of RUNS, wall-clock and CPU time.
#   bench/procs.sh [NPROCS] [NOBJ] [NATTACHED] [RUNS] [NWAITING]   (default 2000 5000 1000 5 200)
set -euo pipefail

nprocs=${1:-2000}
nobj=${2:-5000}
nattached=${3:-1000}
runs=${4:-5}
nwaiting=${5:-200}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPCTOOL="${IPCTOOL:-$here/../ipctool}"

if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ]; then
	export IPCTOOL_BENCH_INSIDE=1
	make -s -C "$here" procs_helper
	if [ "$(id -u)" -eq 0 ]; then
		exec unshare --ipc --pid --fork --mount-proc -- "$0" "$@"
	else
		exec unshare -Uri --ipc --pid --fork --mount-proc -- "$0" "$@"
	fi
fi
[ -x "$IPCTOOL" ] || { echo "bench/procs.sh: no ipctool at $IPCTOOL (run make)" >&2; exit 2; }

# The objects: two fifths queues, two fifths segments, a fifth sets.
nseg=$(( nobj * 2 / 5 ))
nq=$(( nobj * 2 / 5 ))
nsem=$(( nobj - nseg - nq ))
[ "$(cat /proc/sys/kernel/shmmni)" -ge "$nseg" ] || echo "$nseg" > /proc/sys/kernel/shmmni

coproc HELPER { exec "$here/procs_helper" "$nprocs" "$nattached" "$nq" "$nseg" "$nsem" "$nwaiting"; }
helper_pid=$HELPER_PID
finish() { exec {HELPER[1]}>&- ; wait "$helper_pid" || true; }
trap finish EXIT
read -r ready <&"${HELPER[0]}"
[ "$ready" = ready ] || { echo "bench/procs.sh: the helper did not start" >&2; exit 1; }

# One run of a command, its output to /dev/null: wall-clock seconds and
# CPU seconds (perf's task-clock, children included; "-" without perf).
# The machine is shared: CPU time is what the command itself cost.
if perf stat -x, -e task-clock true >/dev/null 2>&1; then
	cpu_of() { perf stat -x, -e task-clock -o "$1" -- "${@:2}" >/dev/null; }
else
	cpu_of() { : >"$1"; "${@:2}" >/dev/null; }
fi
once() {
	local t0=$EPOCHREALTIME out=$BENCH_TMP/perf
	cpu_of "$out" "$@"
	awk -F, -v a="$t0" -v b="$EPOCHREALTIME" '/task-clock/ { cpu = $1 / 1000 }
		END { if (cpu == "") cpu = "-"; printf "%.4f %s\n", b - a, cpu }' "$out"
}
BENCH_TMP=$(mktemp -d)
stats() {   # best and median of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "%.4f %.4f\n", v[1], m }'
}

plain=() processes=() json=() other=()
for ((i = 0; i < runs; i++)); do
	plain+=("$(once "$IPCTOOL" list --sysv)")
	processes+=("$(once "$IPCTOOL" list --sysv --processes)")
	json+=("$(once "$IPCTOOL" list --sysv --processes --json)")
	other+=("$(once bash -c 'lsfd && ipcs -p')")
done
rm -rf "$BENCH_TMP"
# Check, once, that the listing found every attachment.
found=$("$IPCTOOL" list --sysv --processes --shm -o PROCESSES --noheadings | grep -c ':procs_helper')
[ "$found" -eq "$nattached" ] || { echo "bench/procs.sh: found $found attached, not $nattached" >&2; exit 1; }
waiters=$("$IPCTOOL" list --sysv --processes --json | jq '[.messages[], .semaphores[] | .processes[] | select(.how | startswith("waiting-"))] | length')
[ "$waiters" -eq "$nwaiting" ] || { echo "bench/procs.sh: found $waiters waiting, not $nwaiting" >&2; exit 1; }

# Field F (1 wall, 2 CPU) of each run.
field() { local f=$1; shift; printf '%s\n' "$@" | awk -v f="$f" '{ print $f }'; }
read -r _ pwm < <(field 1 "${plain[@]}" | stats)
read -r _ pcm < <(field 2 "${plain[@]}" | stats)
echo "ipctool $("$IPCTOOL" --version | awk '{ print $2 }'), $(lsfd --version), $(nproc) CPUs, $(uname -r)"
echo "$nprocs processes, $nobj objects ($nq queues, $nseg segments, $nsem sets), $nattached attached, $nwaiting with a waiter;"
echo "seconds, best and median of $runs interleaved runs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command                          | wall best | wall median | CPU best | CPU median | CPU median vs list |"
echo "|----------------------------------|-----------|-------------|----------|------------|--------------------|"
row() {
	local wb wm cb cm
	read -r wb wm < <(field 1 "${@:2}" | stats)
	read -r cb cm < <(field 2 "${@:2}" | stats)
	awk -v n="$1" -v wb="$wb" -v wm="$wm" -v cb="$cb" -v cm="$cm" -v p="$pcm" 'BEGIN {
		printf "| %-32s | %9.4f | %11.4f | %8.4f | %10.4f | %17.2fx |\n", n, wb, wm, cb, cm, (p > 0 ? cm / p : 0) }'
}
row "ipctool list --sysv" "${plain[@]}"
row "ipctool list --sysv --processes" "${processes[@]}"
row "... --processes --json" "${json[@]}"
row "lsfd + ipcs -p" "${other[@]}"
