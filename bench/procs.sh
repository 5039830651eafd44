#!/usr/bin/env bash
# Who uses what: `ipctool list --processes` against plain `ipctool list`
# (the cost of knowing who) and against `lsfd` + `ipcs -p`, which together
# show what they can of the same (lsfd every process's descriptors and
# mappings, /SYSV segments among them; ipcs the recorded pids), with
# NPROCS sleeping processes and NOBJ System V objects, NATTACHED segments
# of them attached, one per process (bench/procs_helper.c).
#
# Runs itself in private IPC and PID namespaces (unshare --ipc --pid
# --mount-proc, or with -Uri when not root): /proc shows those processes
# alone, and the namespaces' end takes every process and object with it
# even if the helper is killed.  The runs of the three are interleaved;
# best and median of RUNS, wall-clock time.
#   bench/procs.sh [NPROCS] [NOBJ] [NATTACHED] [RUNS]   (default 2000 5000 1000 5)
set -euo pipefail

nprocs=${1:-2000}
nobj=${2:-5000}
nattached=${3:-1000}
runs=${4:-5}
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

coproc HELPER { exec "$here/procs_helper" "$nprocs" "$nattached" "$nq" "$nseg" "$nsem"; }
helper_pid=$HELPER_PID
finish() { exec {HELPER[1]}>&- ; wait "$helper_pid" || true; }
trap finish EXIT
read -r ready <&"${HELPER[0]}"
[ "$ready" = ready ] || { echo "bench/procs.sh: the helper did not start" >&2; exit 1; }

# Seconds one run of a command takes, its output to /dev/null.
once() {
	local t0=$EPOCHREALTIME
	"$@" >/dev/null
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }'
}
lsfd_and_ipcs() { lsfd && ipcs -p; }
stats() {   # best and median of the numbers on stdin
	sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "%.4f %.4f\n", v[1], m }'
}

plain=() processes=() json=() other=()
for ((i = 0; i < runs; i++)); do
	plain+=("$(once "$IPCTOOL" list --sysv)")
	processes+=("$(once "$IPCTOOL" list --sysv --processes)")
	json+=("$(once "$IPCTOOL" list --sysv --processes --json)")
	other+=("$(once lsfd_and_ipcs)")
done
# Check, once, that the listing found every attachment.
found=$("$IPCTOOL" list --sysv --processes --shm -o PROCESSES --noheadings | grep -c ':procs_helper')
[ "$found" -eq "$nattached" ] || { echo "bench/procs.sh: found $found attached, not $nattached" >&2; exit 1; }

read -r pb pm < <(printf '%s\n' "${plain[@]}" | stats)
echo "ipctool $("$IPCTOOL" --version | awk '{ print $2 }'), $(lsfd --version), $(nproc) CPUs, $(uname -r)"
echo "$nprocs processes, $nobj objects ($nq queues, $nseg segments, $nsem sets), $nattached attached;"
echo "wall-clock seconds, $runs interleaved runs"
echo
echo "| command                        | best    | median  | median vs list |"
echo "|--------------------------------|---------|---------|----------------|"
row() {
	local b m
	read -r b m < <(printf '%s\n' "${@:2}" | stats)
	awk -v n="$1" -v b="$b" -v m="$m" -v p="$pm" 'BEGIN { printf "| %-30s | %7.4f | %7.4f | %13.2fx |\n", n, b, m, m / p }'
}
row "ipctool list --sysv" "${plain[@]}"
row "ipctool list --sysv --processes" "${processes[@]}"
row "... --processes --json" "${json[@]}"
row "lsfd + ipcs -p" "${other[@]}"
