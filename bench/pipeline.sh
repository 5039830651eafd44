#!/usr/bin/env bash
# pipe-run against bash's own pipeline, in one run (goal <= 1.02x):
#   ipctool pipe-run -- head -c 2G /dev/zero '|' cat '|' wc -c
#   head -c 2G /dev/zero | cat | wc -c
# Usage: bench/pipeline.sh [path/to/ipctool]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPCTOOL=${1:-$here/../ipctool}
RUNS=${RUNS:-5}

now() { date +%s.%N; }
best_of() {
	local n=$1 best= t0 t1 d; shift
	for ((i = 0; i < n; i++)); do
		t0=$(now); "$@" >/dev/null; t1=$(now)
		d=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$d < $best" | bc -l)" = 1 ]; then best=$d; fi
	done
	printf '%.4f\n' "$best"
}
with_ipctool() { "$IPCTOOL" pipe-run -- head -c 2G /dev/zero '|' cat '|' wc -c; }
with_bash() { head -c 2G /dev/zero | cat | wc -c; }

# Interleave so both see the same machine load.
t_ipc= t_bash=
for ((r = 0; r < RUNS; r++)); do
	a=$(best_of 1 with_ipctool); b=$(best_of 1 with_bash)
	if [ -z "$t_ipc" ] || [ "$(echo "$a < $t_ipc" | bc -l)" = 1 ]; then t_ipc=$a; fi
	if [ -z "$t_bash" ] || [ "$(echo "$b < $t_bash" | bc -l)" = 1 ]; then t_bash=$b; fi
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
printf 'pipe-run 2 GiB through 3 stages: %ss, bash pipeline: %ss, ratio %.3fx (best of %d)\n' \
	"$t_ipc" "$t_bash" "$(echo "$t_ipc / $t_bash" | bc -l)" "$RUNS"
