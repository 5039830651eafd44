#!/bin/bash
# Fault stress, the long form of tests/fault-queue.bats: 4 senders and 4
# receivers on one queue (System V, then POSIX) while one receiver is
# stopped and continued, one after another is sent SIGTERM, and one writes
# to /dev/full.  Every message is a unique number; at the end what the
# receivers wrote plus what is left on the queue must be exactly the set
# sent.  Prints the counts; exits 1 if anything was lost, doubled, torn
# or foreign.  Runs in private IPC and mount namespaces.
# Usage: bench/stress.sh   (after `make` at the top)
#
# Environment: IPCTOOL, STRESS_ROUNDS (default 50), STRESS_PER_ROUND
# (messages per sender per round, default 1000): 4 * 50 * 1000 = 200,000
# messages per queue.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
IPCTOOL=${IPCTOOL:-$here/../ipctool}
ROUNDS=${STRESS_ROUNDS:-50}
PER_ROUND=${STRESS_PER_ROUND:-1000}
SENDERS=4

if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	if [ "$(id -u)" -eq 0 ]; then ns=(unshare --ipc --mount --propagation private); else ns=(unshare -Ur --ipc --mount --propagation private); fi
	exec "${ns[@]}" env IPCTOOL_BENCH_NS=1 "$0" "$@"
fi
[ -x "$IPCTOOL" ] || { echo "stress: no ipctool at $IPCTOOL; run make first" >&2; exit 1; }
PATH=$(cd "$(dirname "$IPCTOOL")" && pwd):$PATH

top=$(mktemp -d "${TMPDIR:-/tmp}/ipctool-stress.XXXXXX")
pids=()
cleanup() {
	exec 5>&- 6>&- 7>&- 8>&-
	local p
	for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill -KILL "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	umount "$top/mq" 2>/dev/null || true
	rm -rf "$top"
}
trap cleanup EXIT
mkdir "$top/mq"
mount -t mqueue mqueue "$top/mq"

die() { echo "stress: $*" >&2; exit 1; }
proc_state() { awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null; }
# until SECONDS CONDITION: poll CONDITION, fail after SECONDS.
until_true() {
	local end=$((SECONDS + $1))
	until eval "$2"; do
		[ "$SECONDS" -lt "$end" ] || die "timed out waiting for: $2"
		sleep 0.02
	done
}
queue_depth() {
	if [ "${Q#/}" != "$Q" ]; then
		sed -n 's/^QSIZE:\([0-9]*\).*/\1/p' "$top/mq/${Q#/}"
	else
		awk -v id="$Q" '$2 == id { print $5 }' /proc/sysvipc/msg
	fi
}
queue_empty() { [ "$(queue_depth)" = 0 ]; }
bg() { "$@" 5>&- 6>&- 7>&- 8>&- & pids+=("$!"); }
# Wait for PID; its status in RC.
reap() { RC=0; wait "$1" || RC=$?; }

feed() {
	local s
	for ((s = 0; s < SENDERS; s++)); do
		seq $((FED + 1)) $((FED + $1)) >&$((5 + s))
		FED=$((FED + $1))
	done
}

# run_stress Q: one whole stress on queue Q in directory $D.
run_stress() {
	Q=$1 FED=0
	local s r start=$SECONDS senders=() victims_with_output=0 stops=0
	for ((s = 0; s < SENDERS; s++)); do
		mkfifo "$D/in.$s"
		bg bash -c 'exec ipctool send "$1" --lines <"$2"' _ "$Q" "$D/in.$s"
		senders+=("$!")
	done
	exec 5>"$D/in.0" 6>"$D/in.1" 7>"$D/in.2" 8>"$D/in.3"

	bg bash -c 'while [ ! -e "$1/full.stop" ]; do
			ipctool recv "$2" --follow --timeout 0.2 >/dev/full 2>>"$1/full.err"
			echo $? >>"$1/full.status"
		done' _ "$D" "$Q"
	local full=$!
	feed 2
	until_true 10 '[ -f "$D/full.status" ] && [ "$(grep -cx 1 "$D/full.status")" -ge 2 ]'

	bg ipctool recv "$Q" --follow >"$D/out.plain"
	local plain=$!
	bg ipctool recv "$Q" --follow >"$D/out.stopped"
	local stopped=$!

	for ((r = 1; r <= ROUNDS; r++)); do
		bg ipctool recv "$Q" --follow >"$D/out.term.$r"
		local victim=$!
		feed "$PER_ROUND"
		kill -STOP "$stopped"
		until_true 10 '[ "$(proc_state $stopped)" = T ]'
		stops=$((stops + 1))
		until_true 10 '[ -s "$D/out.term.$r" ] || queue_empty'
		[ ! -s "$D/out.term.$r" ] || victims_with_output=$((victims_with_output + 1))
		kill -TERM "$victim"
		reap "$victim"
		[ "$RC" -eq 143 ] || die "receiver $r ended with status $RC, not 143 (SIGTERM)"
		kill -CONT "$stopped"
		until_true 10 '[ "$(proc_state $stopped)" != T ]'
	done
	feed "$PER_ROUND"
	kill -STOP "$stopped"
	until_true 10 '[ "$(proc_state $stopped)" = T ]'
	kill -TERM "$stopped"
	kill -CONT "$stopped"
	reap "$stopped"
	[ "$RC" -eq 143 ] || die "the stopped receiver ended with status $RC, not 143"

	exec 5>&- 6>&- 7>&- 8>&-
	for s in "${senders[@]}"; do
		reap "$s"
		[ "$RC" -eq 0 ] || die "a sender ended with status $RC"
	done
	until_true 60 queue_empty
	touch "$D/full.stop"
	reap "$full"
	kill -TERM "$plain"
	reap "$plain"
	[ "$RC" -eq 143 ] || die "the plain receiver ended with status $RC, not 143"

	local rc=0
	ipctool recv "$Q" --follow --nowait >"$D/out.rest" 2>/dev/null || rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || die "draining the queue ended with status $rc"
	local secs=$((SECONDS - start))

	seq 1 "$FED" | sort >"$D/sent"
	local f torn=0
	for f in "$D"/out.*; do
		[ ! -s "$f" ] || [ -z "$(tail -c 1 "$f")" ] || torn=$((torn + 1))
		awk 1 "$f"
	done | sort >"$D/got"
	local lost doubled foreign full_runs bad_full
	lost=$(comm -23 "$D/sent" <(sort -u "$D/got") | wc -l)
	doubled=$(uniq -d "$D/got" | wc -l)
	foreign=$(comm -13 "$D/sent" <(sort -u "$D/got") | wc -l)
	full_runs=$(grep -cx 1 "$D/full.status" || true)
	bad_full=$(grep -cvx '[13]' "$D/full.status" || true)
	printf '%-8s sent %d, received %d (%d left on the queue), %ds: lost %d, doubled %d, foreign %d, torn %d;\n' \
		"$2" "$FED" "$(wc -l <"$D/got")" "$(wc -l <"$D/out.rest")" "$secs" "$lost" "$doubled" "$foreign" "$torn"
	printf '         %d STOP/CONT cycles, %d SIGTERM victims (%d had written), %d /dev/full runs put back (%d other statuses)\n' \
		"$stops" "$ROUNDS" "$victims_with_output" "$full_runs" "$bad_full"
	[ "$lost$doubled$foreign$torn$bad_full" = 00000 ]
}

status=0
D=$top/sysv; mkdir "$D"
run_stress "$(ipctool mkq)" "System V" || status=1
D=$top/posix; mkdir "$D"
ipctool mkq /stress >/dev/null
run_stress /stress POSIX || status=1
ipctool rm /stress
exit "$status"
