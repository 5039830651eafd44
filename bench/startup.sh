#!/usr/bin/env bash
# Start-up cost: `ipctool --version` against `flock --version`, each above
# the floor of `/bin/true`, and 300 x `ipctool sem-p S -- true` against
# 300 x `flock F true`.  Rounds interleave every command so all see the same
# load; a CPU figure is perf stat -r REPS's mean task-clock, a wall figure
# the time of a bash loop of REPS runs over REPS; the script prints the best
# and the median over the rounds, and instruction counts from callgrind.
# Runs in a private IPC namespace.
#   bench/startup.sh [ROUNDS] [REPS]      (IPCTOOL=path; OTHER=second ipctool to compare)
set -euo pipefail
rounds=${1:-7}
reps=${2:-300}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IPCTOOL="${IPCTOOL:-$here/../ipctool}"
export OTHER="${OTHER:-}"
if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	export IPCTOOL_BENCH_NS=1
	if [ "$(id -u)" -eq 0 ]; then exec unshare --ipc -- "$0" "$@"; fi
	exec unshare -Uri --ipc -- "$0" "$@"
fi
export LC_ALL=C
tmp=$(mktemp -d)
trap 'ipcrm --all >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
: >"$tmp/lock"
S=$("$IPCTOOL" mksem --value 1)
"$IPCTOOL" sem-v "$S" && "$IPCTOOL" sem-p "$S"   # operated on once: sem-p does not wait for sem_otime

# stat NAME CMD...: one perf stat -r REPS; appends "NAME cpu_ms wall_ms".
stat1() {
	local name=$1; shift
	perf stat -x, -r "$reps" -e task-clock "$@" 2>"$tmp/out" >/dev/null
	awk -F, -v n="$name" '/task-clock/ { cpu = $5 / 1e6 } END { printf "%s %.4f\n", n, cpu }' "$tmp/out" >>"$tmp/cpu"
}
# loop NAME CMD...: 300 runs of CMD from one bash; appends "NAME cpu_s wall_s".
loop() {
	local name=$1; shift
	local TIMEFORMAT='%R %U %S'
	local t
	t=$( { time for ((k = 0; k < 300; k++)); do "$@"; done; } 2>&1 )
	awk -v n="$name" -v t="$t" 'BEGIN { split(t, a, " "); printf "%s %s %s\n", n, a[2] + a[3], a[1] }' >>"$tmp/loops"
}
wall1() {   # NAME CMD...: mean wall ms of REPS runs
	local name=$1; shift
	local TIMEFORMAT='%R'
	local t
	t=$( { time for ((k = 0; k < reps; k++)); do "$@"; done >/dev/null; } 2>&1 )
	awk -v n="$name" -v t="$t" -v r="$reps" 'BEGIN { printf "%s %.4f\n", n, t * 1000 / r }' >>"$tmp/wall"
}
: >"$tmp/cpu"; : >"$tmp/loops"; : >"$tmp/wall"
for ((r = 0; r < rounds; r++)); do
	stat1 true /bin/true
	stat1 flock flock --version
	stat1 ipctool "$IPCTOOL" --version
	[ -z "$OTHER" ] || stat1 other "$OTHER" --version
	wall1 true /bin/true
	wall1 flock flock --version
	wall1 ipctool "$IPCTOOL" --version
	[ -z "$OTHER" ] || wall1 other "$OTHER" --version
	loop flock flock "$tmp/lock" true
	loop sem-p "$IPCTOOL" sem-p "$S" -- true
	[ -z "$OTHER" ] || loop other-sem-p "$OTHER" sem-p "$S" -- true
done

# Instructions (callgrind, deterministic: the load does not change them).
if command -v valgrind >/dev/null; then
	for c in "/bin/true" "flock --version" "$IPCTOOL --version" ${OTHER:+"$OTHER --version"}; do
		n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $c 2>&1 >/dev/null |
			awk '/Collected/ { print $NF }')
		printf 'instructions, LC_ALL=C: %-40s %10s\n' "$c" "$n"
	done
fi
echo "machine: $(nproc) CPUs, kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "$rounds rounds, interleaved; --version: mean of $reps runs per round (ms); loops: 300 runs (s)"
# Best and median over the rounds of a column for a name.
stats() {   # FILE NAME COLUMN
	awk -v n="$2" -v c="$3" '$1 == n { print $c }' "$1" | sort -g |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.4f %.4f", v[1], m }'
}
# Above the floor: NAME's best less true's best, NAME's median less
# true's median (round by round the difference is within the noise).
above() {   # FILE NAME
	local n t
	n=$(stats "$1" "$2" 2); t=$(stats "$1" true 2)
	awk -v n="$n" -v t="$t" 'BEGIN { split(n, x, " "); split(t, y, " "); printf "%.4f %.4f", x[1] - y[1], x[2] - y[2] }'
}
# Per round A/B of column COLUMN, best and median: for the loops, whose
# figures are far above the noise.
ratio_rounds() {   # FILE A B COLUMN
	paste <(awk -v n="$2" -v c="$4" '$1 == n { print $c }' "$1") \
		<(awk -v n="$3" -v c="$4" '$1 == n { print $c }' "$1") |
		awk '{ print $1 / $2 }' | sort -g |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3fx %.3fx", v[1], m }'
}
# A's best and median above the floor over B's: round by round the
# differences are within the noise, so the best and the medians are compared.
ratio_above() {   # FILE A B
	local a b
	a=$(above "$1" "$2"); b=$(above "$1" "$3")
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ");
		printf "%.2fx %.2fx", x[1] / y[1], x[2] / y[2] }'
}
printf '%-34s %18s %18s\n' "job" "best" "median"
for n in true flock ipctool ${OTHER:+other}; do
	printf '%-34s %18s %18s\n' "--version CPU ms: $n" $(stats "$tmp/cpu" $n 2)
done
for n in flock ipctool ${OTHER:+other}; do
	printf '%-34s %18s %18s\n' "  above true: $n" $(above "$tmp/cpu" $n)
done
for n in true flock ipctool ${OTHER:+other}; do
	printf '%-34s %18s %18s\n' "--version wall ms: $n" $(stats "$tmp/wall" $n 2)
done
for n in flock ipctool ${OTHER:+other}; do
	printf '%-34s %18s %18s\n' "  above true: $n" $(above "$tmp/wall" $n)
done
printf '%-34s %18s %18s\n' "ipctool/flock above true, CPU" $(ratio_above "$tmp/cpu" ipctool flock)
printf '%-34s %18s %18s\n' "ipctool/flock above true, wall" $(ratio_above "$tmp/wall" ipctool flock)
for n in flock sem-p ${OTHER:+other-sem-p}; do
	printf '%-34s %18s %18s\n' "300 x, CPU s: $n" $(stats "$tmp/loops" $n 2)
	printf '%-34s %18s %18s\n' "300 x, wall s: $n" $(stats "$tmp/loops" $n 3)
done
printf '%-34s %18s %18s\n' "sem-p/flock, wall, round by round" $(ratio_rounds "$tmp/loops" sem-p flock 3)
printf '%-34s %18s %18s\n' "sem-p/flock, CPU, round by round" $(ratio_rounds "$tmp/loops" sem-p flock 2)
