#!/usr/bin/env bash
# Listing N System V objects: ipctool list against ipcs, lsipc and the
# floor, `cat /proc/sysvipc/*`.  Runs itself inside a private IPC namespace
# (unshare --ipc, or -Uri --ipc when not root), makes N queues and N
# segments there, and prints the best of RUNS times per tool
# with its ratio to ipcs and to the floor.
#   bench/list.sh [N] [RUNS]      (IPCTOOL=path/to/ipctool; default 20000 5)
set -euo pipefail

n=${1:-20000}
runs=${2:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPCTOOL="${IPCTOOL:-$here/../ipctool}"

if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ]; then
	export IPCTOOL_BENCH_INSIDE=1
	if [ "$(id -u)" -eq 0 ]; then
		exec unshare --ipc -- "$0" "$@"
	else
		exec unshare -Uri --ipc -- "$0" "$@"
	fi
fi

[ -x "$IPCTOOL" ] || { echo "bench/list.sh: no ipctool at $IPCTOOL (run make)" >&2; exit 2; }
for limit in msgmni shmmni; do
	if [ "$(cat /proc/sys/kernel/$limit)" -lt "$n" ]; then
		echo "$n" > /proc/sys/kernel/$limit
	fi
done
perl -e 'for (1..$ARGV[0]) { defined msgget(0, 01600) or die "msgget: $!" }' "$n"
perl -e 'for (1..$ARGV[0]) { defined shmget(0, 4096, 01600) or die "shmget: $!" }' "$n"

# Best of RUNS runs of a command, output to /dev/null, in seconds: CPU time
# (perf's task-clock) when perf is there, as the machine may be shared and
# wall-clock time then measures the neighbours; else wall-clock time.
if perf stat -x, -e task-clock true >/dev/null 2>&1; then
	measure="CPU time (task-clock)"
	once() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ { print $1 / 1000 }'; }
else
	measure="wall-clock time"
	once() { local TIMEFORMAT=%R; { time "$@" >/dev/null; } 2>&1; }
fi
best() {
	local best=999 t i
	for ((i = 0; i < runs; i++)); do
		t=$(once "$@")
		best=$(awk -v a="$t" -v b="$best" 'BEGIN { print (a < b) ? a : b }')
	done
	echo "$best"
}

row() {   # NAME SECONDS IPCS FLOOR
	awk -v name="$1" -v t="$2" -v ipcs="$3" -v floor="$4" \
		'BEGIN { printf "| %-36s | %7.4f | %5.2fx | %6.1fx |\n", name, t, t / ipcs, t / floor }'
}

report() {   # KIND-OPTION-FOR-IPCS PROC-FILE LIST-OPTION LSIPC-OPTION TITLE
	local floor ipcs
	floor=$(best cat "/proc/sysvipc/$2")
	ipcs=$(best ipcs "$1")
	echo
	echo "$5 ($n objects, $measure, best of $runs runs)"
	echo
	echo "| command                              | seconds | vs ipcs | vs /proc |"
	echo "|--------------------------------------|---------|---------|----------|"
	row "cat /proc/sysvipc/$2 (floor)" "$floor" "$ipcs" "$floor"
	row "ipcs $1" "$ipcs" "$ipcs" "$floor"
	row "lsipc $4" "$(best lsipc "$4")" "$ipcs" "$floor"
	row "ipctool list --sysv $3" "$(best "$IPCTOOL" list --sysv "$3")" "$ipcs" "$floor"
	row "ipctool list --sysv $3 --raw" "$(best "$IPCTOOL" list --sysv "$3" --raw)" "$ipcs" "$floor"
	row "ipctool list --sysv $3 --json" "$(best "$IPCTOOL" list --sysv "$3" --json)" "$ipcs" "$floor"
}

echo "ipctool $("$IPCTOOL" --version | awk '{ print $2 }'), $(ipcs --version), $(nproc) CPUs, $(uname -r)"
report -q msg --queues -q "Message queues"
report -m shm --shm -m "Shared memory segments"
