#!/usr/bin/env bash
# pipe-run against bash's own pipeline, in one run (goal <= 1.02x):
#   ipctool pipe-run -- head -c 2G /dev/zero '|' cat '|' wc -c
#   head -c 2G /dev/zero | cat | wc -c
# Usage: bench/pipeline.sh [path/to/ipctool]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPCTOOL=${1:-$here/../ipctool}
RUNS=${RUNS:-5}

. "$here/common.sh"   # now, best_of
with_ipctool() { "$IPCTOOL" pipe-run -- head -c 2G /dev/zero '|' cat '|' wc -c >/dev/null; }
with_bash() { head -c 2G /dev/zero | cat | wc -c >/dev/null; }

# Interleave so both see the same machine load.
t_ipc= t_bash=
for ((r = 0; r < RUNS; r++)); do
	a=$(best_of 1 with_ipctool); b=$(best_of 1 with_bash)
	if [ -z "$t_ipc" ] || awk -v d="$a" -v b="$t_ipc" 'BEGIN { exit !(d < b) }'; then t_ipc=$a; fi
	if [ -z "$t_bash" ] || awk -v d="$b" -v b="$t_bash" 'BEGIN { exit !(d < b) }'; then t_bash=$b; fi
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
printf 'pipe-run 2 GiB through 3 stages: %ss, bash pipeline: %ss, ratio %.3fx (best of %d)\n' \
	"$t_ipc" "$t_bash" "$(awk -v a="$t_ipc" -v b="$t_bash" 'BEGIN { print a / b }')" "$RUNS"
