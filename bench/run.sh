#!/bin/bash
# Message queue benchmark: ipctool send/recv against msgq_ref, the same job
# in raw msgsnd/msgrcv (see README.md).  Runs in a private IPC namespace, so
# it neither sees nor touches the host's queues, and removes every queue it
# makes.  Usage: bench/run.sh   (after `make bench` has built both programs)
#
# Environment: IPCTOOL, REF (programs), BENCH_RUNS (best of, default 5),
# BENCH_LINES (lines for the main comparison, default 1000000).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
IPCTOOL=${IPCTOOL:-$here/../ipctool}
REF=${REF:-$here/msgq_ref}
RUNS=${BENCH_RUNS:-5}
LINES=${BENCH_LINES:-1000000}
N64=500000      # 64-byte messages in the throughput test
N4K=50000       # 4 KiB messages in the throughput test
QBYTES=1048576  # queue capacity: msgmnb raised inside the namespace

if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	if [ "$(id -u)" -eq 0 ]; then ns=(unshare --ipc); else ns=(unshare -Ur --ipc); fi
	exec "${ns[@]}" env IPCTOOL_BENCH_NS=1 "$0" "$@"
fi

die() { echo "bench: $*" >&2; exit 1; }
for p in "$IPCTOOL" "$REF" /usr/bin/time; do
	[ -x "$p" ] || die "$p is missing; run 'make bench' from the top directory"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipctool-bench.XXXXXX")
queues=()   # time_pair removes its own; a killed run's go with the namespace
cleanup() {
	for q in "${queues[@]}"; do ipcrm -q "$q" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# Message queue defaults are per IPC namespace: raising msgmnb here is
# allowed to this namespace's root even without CAP_SYS_RESOURCE (which
# `mkq --max-bytes` above msgmnb needs), and new queues get it as msg_qbytes.
echo "$QBYTES" > /proc/sys/kernel/msgmnb 2>/dev/null ||
	echo "bench: cannot raise msgmnb; queues hold $(cat /proc/sys/kernel/msgmnb) bytes" >&2

newq() { "$IPCTOOL" mkq; }

# commands KIND QUEUE COUNT: the sender and receiver command lines.
commands() {
	if [ "$1" = ipctool ]; then
		scmd=("$IPCTOOL" send "$2" --lines) rcmd=("$IPCTOOL" recv "$2" --count "$3")
	else
		scmd=("$REF" send "$2") rcmd=("$REF" recv "$2" "$3")
	fi
}

# CPU centiseconds (user + system) from a `/usr/bin/time -f '%U %S'` file.
cpu_cs() { local u s; read -r u s < <(tail -n1 "$1"); echo $((10#${u/./} + 10#${s/./})); }

# time_pair KIND COUNT INPUT: "WALL CPU": wall microseconds from starting
# the receiver to both ends finishing, and the CPU centiseconds both ends
# used.  INPUT is "seq" (seq 1 COUNT piped in) or a file.
time_pair() {
	local kind=$1 count=$2 input=$3 q t0 t1 rp
	q=$(newq) || die "cannot create a queue"
	commands "$kind" "$q" "$count"
	t0=${EPOCHREALTIME/./}
	/usr/bin/time -f '%U %S' -o "$tmp/cpu_r" "${rcmd[@]}" >/dev/null &
	rp=$!
	if [ "$input" = seq ]; then
		seq 1 "$count" | /usr/bin/time -f '%U %S' -o "$tmp/cpu_s" "${scmd[@]}" ||
			die "$kind sender failed"
	else
		/usr/bin/time -f '%U %S' -o "$tmp/cpu_s" "${scmd[@]}" < "$input" || die "$kind sender failed"
	fi
	wait "$rp" || die "$kind receiver failed"
	t1=${EPOCHREALTIME/./}
	ipcrm -q "$q"
	echo $((t1 - t0)) $(($(cpu_cs "$tmp/cpu_s") + $(cpu_cs "$tmp/cpu_r")))
}

secs() { printf '%d.%03d' $(($1 / 1000000)) $(($1 / 1000 % 1000)); }
rate() { echo $(($1 * 1000000 / $2)); }   # COUNT MICROSECONDS -> per second
ratio() { local x=$(($1 * 100 / $2)); printf '%d.%02d' $((x / 100)) $((x % 100)); }

# best_of RESULT_I RESULT_R COUNT INPUT: interleaved runs, the least wall
# time of each; every run's wall time kept in all_i/all_r for the spread,
# and the least CPU time of each in cpu_i/cpu_r (centiseconds).
best_of() {
	local -n best_i=$1 best_r=$2
	local count=$3 input=$4 t c
	best_i=0 best_r=0 all_i="" all_r="" cpu_i=0 cpu_r=0
	for ((r = 0; r < RUNS; r++)); do
		read -r t c < <(time_pair ipctool "$count" "$input")
		all_i+=" $(secs "$t")"
		if ((best_i == 0 || t < best_i)); then best_i=$t; fi
		if ((cpu_i == 0 || c < cpu_i)); then cpu_i=$c; fi
		read -r t c < <(time_pair ref "$count" "$input")
		all_r+=" $(secs "$t")"
		if ((best_r == 0 || t < best_r)); then best_r=$t; fi
		if ((cpu_r == 0 || c < cpu_r)); then cpu_r=$c; fi
	done
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo "ipctool message queue benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r) $(uname -m)"
echo "queues: msgmnb $(cat /proc/sys/kernel/msgmnb) B, msgmax $(cat /proc/sys/kernel/msgmax) B;" \
	"best of $RUNS interleaved runs"
echo

# (a) The main job.
best_of ti tr "$LINES" seq
echo "(a) seq 1 $LINES | send Q --lines  &  recv Q --count $LINES >/dev/null"
printf '    %-9s %7s s   runs:%s\n' ipctool "$(secs "$ti")" "$all_i" reference "$(secs "$tr")" "$all_r"
echo "    ratio ipctool/reference: $(ratio "$ti" "$tr")x   (goal: at most 1.25x)"
echo "    least CPU, both ends (user+sys): ipctool $(secs $((cpu_i * 10000))) s," \
	"reference $(secs $((cpu_r * 10000))) s, ratio $(ratio "$cpu_i" "$cpu_r")x"
echo

# (b) Throughput by message size, from files so the input costs nothing.
{ yes "$(printf '%064d' 0)" || true; } | head -n "$N64" > "$tmp/m64"
{ yes "$(printf '%04096d' 0)" || true; } | head -n "$N4K" > "$tmp/m4k"
printf '%-20s %14s %17s   %s\n' "(b) throughput" "ipctool msg/s" "reference msg/s" "time ratio"
for size in 64 4k; do
	if [ $size = 64 ]; then n=$N64 label="64 B x $N64"; else n=$N4K label="4 KiB x $N4K"; fi
	best_of bi br "$n" "$tmp/m$size"
	printf '    %-16s %14s %17s   %sx\n' "$label" "$(rate "$n" "$bi")" "$(rate "$n" "$br")" "$(ratio "$bi" "$br")"
done
echo

# (c) Peak RSS, and a check that every line arrived once, in order.
printf '%-20s %14s %14s %14s %14s   %s\n' "(c) peak RSS, KiB" "ipctool send" "ipctool recv" \
	"reference send" "reference recv" output
for n in 100000 "$LINES"; do
	want=$(seq 1 "$n" | cksum)
	row=""
	for kind in ipctool ref; do
		q=$(newq); queues+=("$q")
		commands "$kind" "$q" "$n"
		/usr/bin/time -f %M -o "$tmp/recv" "${rcmd[@]}" | cksum > "$tmp/sum" &
		rp=$!
		seq 1 "$n" | /usr/bin/time -f %M -o "$tmp/send" "${scmd[@]}" || die "$kind sender failed"
		wait "$rp" || die "$kind receiver failed"
		ipcrm -q "$q"
		[ "$(cat "$tmp/sum")" = "$want" ] || die "$kind: $n lines did not arrive intact"
		row+=$(printf ' %14s %14s' "$(tail -n1 "$tmp/send")" "$(tail -n1 "$tmp/recv")")
	done
	printf '    %-16s%s   intact\n' "$n lines" "$row"
done
queues=()
