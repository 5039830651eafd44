#!/usr/bin/env bash
# ipctool demo (run by `make demo`): two jobs pass lines through a keyed
# System V message queue, then we look at the queue with ipcs, peek into
# it, and remove it with ipcrm.  Every command shown is really run.
#
# As root, with unshare(1) available, it re-runs itself in a private IPC
# namespace so it cannot see or touch anyone's objects.  Otherwise it runs
# in the current namespace (as it does when IPCTOOL_DEMO_NAMESPACE is set),
# and refuses to start if its key is already in use, so it only ever
# removes the queue it made itself.  DEMO_LINES sets how many lines flow.
set -euo pipefail

self=$(realpath "${BASH_SOURCE[0]}")
if [ -z "${IPCTOOL_DEMO_NAMESPACE:-}" ] && [ "$(id -u)" -eq 0 ] &&
	command -v unshare >/dev/null && unshare --ipc true 2>/dev/null; then
	export IPCTOOL_DEMO_NAMESPACE=private
	exec unshare --ipc -- bash "$self" "$@"
fi

lines=${DEMO_LINES:-2000}
tmp=$(mktemp -d)
queue=
pids=()

cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	if [ -n "$queue" ]; then
		ipcrm -q "$queue" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }

echo "ipctool demo: $(ipctool --version)," \
	"in ${IPCTOOL_DEMO_NAMESPACE:-the current} IPC namespace"

say "1. Create a queue keyed by ftok(3) of this script; --exclusive refuses a key already in use"
show "ipctool mkq --ftok $self:D --exclusive"
if ! queue=$(ipctool mkq --ftok "$self:D" --exclusive); then
	queue=
	echo "demo: that key is already in use; leaving the existing queue alone" >&2
	exit 1
fi
key=$(awk -v id="$queue" '$2 == id { printf "0x%08x", ($1 < 0 ? $1 + 4294967296 : $1) }' /proc/sysvipc/msg)
echo "queue id $queue, key $key"

say "2. A producer job streams $lines lines into it, a consumer job receives them"
show "seq 1 $lines | sed 's/^/line /' | ipctool send $queue --lines &"
seq 1 "$lines" | sed 's/^/line /' | ipctool send "$queue" --lines &
pids+=("$!")
producer=$!
show "ipctool recv $queue --count $lines > received &"
ipctool recv "$queue" --count "$lines" >"$tmp/received" &
pids+=("$!")
consumer=$!
wait "$producer"
wait "$consumer"
pids=()
echo "received $(wc -l <"$tmp/received") lines, first '$(head -n 1 "$tmp/received")'," \
	"last '$(tail -n 1 "$tmp/received")'"
if seq 1 "$lines" | sed 's/^/line /' | cmp -s - "$tmp/received"; then
	echo "all of them, in order, none lost or doubled"
else
	echo "demo: the lines received differ from the lines sent" >&2
	exit 1
fi

say "3. Leave two messages of different types on the queue and look at it"
show "ipctool send $queue --type 2 'disk almost full'"
ipctool send "$queue" --type 2 'disk almost full'
show "ipctool send $queue --type 1 'nightly backup done'"
ipctool send "$queue" --type 1 'nightly backup done'
show "ipcs -q    (this queue's line)"
ipcs -q | awk -v id="$queue" 'NR <= 3 || $2 == id'

say "4. A developer peeks into the queue without taking anything"
show "ipctool recv $queue --peek --count 0 --json"
ipctool recv "$queue" --peek --count 0 --json

say "5. Take the type 2 message first, then whatever is left without waiting"
show "ipctool recv $queue --type 2"
ipctool recv "$queue" --type 2
show "ipctool recv $queue --nowait --count 5"
status=0
ipctool recv "$queue" --nowait --count 5 2>&1 || status=$?
echo "exit status $status (3: fewer messages than asked for were there)"

say "6. Remove the queue with ipcrm"
show "ipcrm -q $queue"
ipcrm -q "$queue"
queue=
if awk -v key="$key" 'NR > 1 && sprintf("0x%08x", ($1 < 0 ? $1 + 4294967296 : $1)) == key { found = 1 }
	END { exit !found }' /proc/sysvipc/msg; then
	echo "demo: the queue is still there" >&2
	exit 1
fi
echo "key $key is gone from ipcs -q"
