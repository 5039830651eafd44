#!/bin/bash
# POSIX message queue benchmark: ipctool send/recv on a /name against
# mq_ref, the same job in raw mq_send/mq_receive (see POSIX.md).  The same
# shape as part (a) of run.sh: seq 1 N | send --lines while recv --count N
# runs, best of BENCH_RUNS interleaved runs, ratio printed.  Runs in a
# private IPC namespace, so it neither sees nor touches the host's queues;
# it removes every queue it makes.
# Usage: bench/posix.sh   (after `make bench` has built both programs)
#
# Environment: IPCTOOL, MQ_REF (programs), BENCH_RUNS (best of, default 5),
# BENCH_LINES (default 1000000), MQ_MAXMSG (queue depth, default 1000),
# MQ_MSGSIZE (default 256).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
IPCTOOL=${IPCTOOL:-$here/../ipctool}
REF=${MQ_REF:-$here/mq_ref}
RUNS=${BENCH_RUNS:-5}
LINES=${BENCH_LINES:-1000000}
MAXMSG=${MQ_MAXMSG:-1000}
MSGSIZE=${MQ_MSGSIZE:-256}

if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	if [ "$(id -u)" -eq 0 ]; then ns=(unshare --ipc); else ns=(unshare -Ur --ipc); fi
	exec "${ns[@]}" env IPCTOOL_BENCH_NS=1 "$0" "$@"
fi

die() { echo "bench: $*" >&2; exit 1; }
for p in "$IPCTOOL" "$REF" /usr/bin/time; do
	[ -x "$p" ] || die "$p is missing; run 'make bench' from the top directory"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipctool-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The mqueue limits belong to the IPC namespace: its root may raise
# msg_max here, and the queue's memory must fit RLIMIT_MSGQUEUE.
mq=/proc/sys/fs/mqueue
if [ "$(cat $mq/msg_max)" -lt "$MAXMSG" ]; then
	echo "$MAXMSG" > $mq/msg_max 2>/dev/null || {
		echo "bench: cannot raise msg_max; queues hold $(cat $mq/msg_max) messages" >&2
		MAXMSG=$(cat $mq/msg_max)
	}
fi
ulimit -q unlimited 2>/dev/null || true   # without CAP_SYS_RESOURCE: 800 KiB a user

serial=0
newq() {
	serial=$((serial + 1))
	"$IPCTOOL" mkq "/ipctool-bench-$serial" --max-messages "$MAXMSG" --message-size "$MSGSIZE"
}

commands() {
	if [ "$1" = ipctool ]; then
		scmd=("$IPCTOOL" send "$2" --lines) rcmd=("$IPCTOOL" recv "$2" --count "$3")
	else
		scmd=("$REF" send "$2") rcmd=("$REF" recv "$2" "$3")
	fi
}

cpu_cs() { local u s; read -r u s < <(tail -n1 "$1"); echo $((10#${u/./} + 10#${s/./})); }

# time_pair KIND COUNT: "WALL CPU" as in run.sh (microseconds, centiseconds).
time_pair() {
	local kind=$1 count=$2 q t0 t1 rp
	q=$(newq) || die "cannot create a queue"
	commands "$kind" "$q" "$count"
	t0=${EPOCHREALTIME/./}
	/usr/bin/time -f '%U %S' -o "$tmp/cpu_r" "${rcmd[@]}" >/dev/null &
	rp=$!
	seq 1 "$count" | /usr/bin/time -f '%U %S' -o "$tmp/cpu_s" "${scmd[@]}" || die "$kind sender failed"
	wait "$rp" || die "$kind receiver failed"
	t1=${EPOCHREALTIME/./}
	"$REF" unlink "$q"
	echo $((t1 - t0)) $(($(cpu_cs "$tmp/cpu_s") + $(cpu_cs "$tmp/cpu_r")))
}

secs() { printf '%d.%03d' $(($1 / 1000000)) $(($1 / 1000 % 1000)); }
ratio() { local x=$(($1 * 100 / $2)); printf '%d.%02d' $((x / 100)) $((x % 100)); }

best_i=0 best_r=0 all_i="" all_r="" cpu_i=0 cpu_r=0
for ((r = 0; r < RUNS; r++)); do
	read -r t c < <(time_pair ipctool "$LINES")
	all_i+=" $(secs "$t")"
	if ((best_i == 0 || t < best_i)); then best_i=$t; fi
	if ((cpu_i == 0 || c < cpu_i)); then cpu_i=$c; fi
	read -r t c < <(time_pair ref "$LINES")
	all_r+=" $(secs "$t")"
	if ((best_r == 0 || t < best_r)); then best_r=$t; fi
	if ((cpu_r == 0 || c < cpu_r)); then cpu_r=$c; fi
done

# A check that every line arrived once, in order, through ipctool.
q=$(newq)
"$IPCTOOL" recv "$q" --count "$LINES" | cksum > "$tmp/sum" &
rp=$!
seq 1 "$LINES" | "$IPCTOOL" send "$q" --lines || die "ipctool sender failed"
wait "$rp" || die "ipctool receiver failed"
"$REF" unlink "$q"
[ "$(cat "$tmp/sum")" = "$(seq 1 "$LINES" | cksum)" ] || die "$LINES lines did not arrive intact"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo "ipctool POSIX message queue benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r) $(uname -m), load $(cut -d' ' -f1 /proc/loadavg)"
echo "queues: mq_maxmsg $MAXMSG, mq_msgsize $MSGSIZE B; best of $RUNS interleaved runs"
echo
echo "(a) seq 1 $LINES | send /Q --lines  &  recv /Q --count $LINES >/dev/null"
printf '    %-9s %7s s   runs:%s\n' ipctool "$(secs "$best_i")" "$all_i" reference "$(secs "$best_r")" "$all_r"
echo "    ratio ipctool/reference: $(ratio "$best_i" "$best_r")x   (goal: at most 1.25x)"
echo "    least CPU, both ends (user+sys): ipctool $(secs $((cpu_i * 10000))) s," \
	"reference $(secs $((cpu_r * 10000))) s, ratio $(ratio "$cpu_i" "$cpu_r")x"
echo "    output intact (cksum matches seq)"
