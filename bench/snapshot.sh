#!/usr/bin/env bash
# dump and restore, in one run, inside private IPC namespaces:
#   a 1 GiB segment of random bytes dumped and restored through a pipe into
#   an empty namespace: peak RSS of each side (goal < 32 MiB), and the
#   restored bytes checked;
#   100,000 messages: `dump Q | restore` against the copy people would make
#   today, `recv Q --peek --count 0 --json | send Q2 --json` (goal <= 2.5x).
# Both copies of a System V queue go through MSG_COPY, which finds message N
# by walking the queue from its head: n messages cost n^2/2 steps in the
# kernel, for the reference as for dump, so one run of each takes minutes.
# Usage: bench/snapshot.sh [path/to/ipctool]      Environment: RUNS (1), MESSAGES (100000)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPCTOOL=${1:-$here/../ipctool}
IPCTOOL=$(cd "$(dirname "$IPCTOOL")" && pwd)/$(basename "$IPCTOOL")
if [ -z "${IPCTOOL_BENCH_NS:-}" ]; then
	export IPCTOOL_BENCH_NS=1
	exec unshare --ipc -- "$0" "$IPCTOOL"
fi
RUNS=${RUNS:-1}
MESSAGES=${MESSAGES:-100000}
tmp=$(mktemp -d)
trap 'ipcrm --all >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

. "$here/common.sh"   # now, best_of
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 1 GiB segment --------------------------------------------------------
"$IPCTOOL" mkshm --key 0x5eed --size 1G >/dev/null
head -c 1G /dev/urandom | "$IPCTOOL" shm-write 0x5eed
sum=$("$IPCTOOL" shm-read 0x5eed | sha256sum)
t0=$(now)
/usr/bin/time -f %M -o "$tmp/dump.rss" "$IPCTOOL" dump 0x5eed |
	unshare --ipc -- sh -c '/usr/bin/time -f %M -o "$2/restore.rss" "$1" restore &&
		"$1" shm-read 0x5eed | sha256sum > "$2/restored.sum"' _ "$IPCTOOL" "$tmp"
t1=$(now)
[ "$(cat "$tmp/restored.sum")" = "$sum" ] || { echo "the restored segment differs" >&2; exit 1; }
echo "1 GiB segment (random bytes), dump | restore into a new namespace: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s;" \
	"peak RSS dump $(( $(cat "$tmp/dump.rss") / 1024 )) MiB, restore $(( $(cat "$tmp/restore.rss") / 1024 )) MiB (goal < 32 MiB); bytes equal"
ipcrm -M 0x5eed

# ---- 100,000 messages ------------------------------------------------------
# One private queue holds them all (msgmnb raised in this namespace);
# both copies make a new private queue from it, removed after each run.
echo $((64 * 1024 * 1024)) > /proc/sys/kernel/msgmnb
Q=$("$IPCTOOL" mkq)
seq -f 'message number %.0f of the benchmark' "$MESSAGES" | "$IPCTOOL" send "$Q" --lines
last_private() { ipcs -q | awk '$1 == "0x00000000" { id = $2 } END { print id }'; }
copy_json() {
	local q2
	q2=$("$IPCTOOL" mkq --max-bytes 64M)
	"$IPCTOOL" recv "$Q" --peek --count 0 --json | "$IPCTOOL" send "$q2" --json
	ipcrm -q "$q2"
}
dump_restore() {
	/usr/bin/time -f %M -o "$tmp/qdump.rss" "$IPCTOOL" dump "$Q" |
		/usr/bin/time -f %M -o "$tmp/qrestore.rss" "$IPCTOOL" restore
	ipcrm -q "$(last_private)"
}
t_json=$(best_of "$RUNS" copy_json)
echo "recv --peek --count 0 --json | send --json: $t_json s"
t_snap=$(best_of "$RUNS" dump_restore)
echo "dump | restore: $t_snap s"
echo "$MESSAGES messages, best of $RUNS: dump | restore $t_snap s, recv --peek --json | send --json $t_json s:" \
	"$(ratio "$t_snap" "$t_json")x (goal <= 2.5x); peak RSS dump $(cat "$tmp/qdump.rss") KiB, restore $(cat "$tmp/qrestore.rss") KiB"
