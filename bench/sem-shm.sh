#!/usr/bin/env bash
# Semaphores and shared memory against the tools people use today, in one
# run, inside a private IPC namespace:
#   300 x `ipctool sem-p S -- true`  vs  300 x `flock F true`   (goal <= 1.05x)
#   shm-read of a 1 GiB segment to /dev/null vs cat of a 1 GiB file (goal >= 0.9x of cat)
#   shm-write from a 1 GiB file        vs cat of the same file, and cp of it into /dev/shm
#                                      (goal >= 0.5x of cp's throughput)
# Usage: bench/sem-shm.sh [path/to/ipctool]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPCTOOL=${1:-$here/../ipctool}
IPCTOOL=$(cd "$(dirname "$IPCTOOL")" && pwd)/$(basename "$IPCTOOL")
if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	export IPCTOOL_BENCH_NS=1
	exec unshare --ipc -- "$0" "$IPCTOOL"
fi
RUNS=${RUNS:-5}
tmp=$(mktemp -d)
trap 'ipcrm --all >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

. "$here/common.sh"   # now, best_of
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

sem_loop() { for ((k = 0; k < 300; k++)); do "$IPCTOOL" sem-p "$S" -- true; done; }
flock_loop() { for ((k = 0; k < 300; k++)); do flock "$tmp/lock" true; done; }

S=$("$IPCTOOL" mksem --value 1)
: >"$tmp/lock"
t_sem=$(best_of "$RUNS" sem_loop)
t_flock=$(best_of "$RUNS" flock_loop)

GIB=$((1024 * 1024 * 1024))
head -c "$GIB" /dev/urandom >"$tmp/data"   # page-cached file for cat
M=$("$IPCTOOL" mkshm --size 1G)
"$IPCTOOL" shm-write "$M" <"$tmp/data"
shm_read() { "$IPCTOOL" shm-read "$M" >/dev/null; }
shm_write() { "$IPCTOOL" shm-write "$M" <"$tmp/data"; }
cat_file() { cat "$tmp/data" >/dev/null; }
t_cat=$(best_of "$RUNS" cat_file)
t_read=$(best_of "$RUNS" shm_read)
t_write=$(best_of "$RUNS" shm_write)
# cp of the same file into /dev/shm: the kernel putting the same bytes into
# shared memory pages.  The copy is removed between runs, untimed.
cp_shm() { cp "$tmp/data" "/dev/shm/ipctool-bench-cp.$$"; }
t_cp=
for ((i = 0; i < RUNS; i++)); do
	t=$(best_of 1 cp_shm)
	rm -f "/dev/shm/ipctool-bench-cp.$$"
	if [ -z "$t_cp" ] || awk -v d="$t" -v b="$t_cp" 'BEGIN { exit !(d < b) }'; then t_cp=$t; fi
done
rss_write=$( { /usr/bin/time -f %M "$IPCTOOL" shm-write "$M" <"$tmp/data"; } 2>&1 )

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)"
echo "best of $RUNS runs"
printf '%-44s %10s %10s %8s\n' "job" "ipctool s" "other s" "ratio"
printf '%-44s %10s %10s %8s\n' "300 x sem-p S -- true  vs  flock F true" "$t_sem" "$t_flock" "$(ratio "$t_sem" "$t_flock")x"
printf '%-44s %10s %10s %8s\n' "shm-read 1 GiB  vs  cat 1 GiB file" "$t_read" "$t_cat" "$(ratio "$t_cat" "$t_read")x thr"
printf '%-44s %10s %10s %8s\n' "shm-write 1 GiB from file  vs  cat" "$t_write" "$t_cat" "$(ratio "$t_cat" "$t_write")x thr"
printf '%-44s %10s %10s %8s\n' "shm-write 1 GiB from file  vs  cp to /dev/shm" "$t_write" "$t_cp" "$(ratio "$t_cp" "$t_write")x thr"
echo "shm-write peak RSS for 1 GiB from a file: ${rss_write} KiB (the segment's pages it touches)"
