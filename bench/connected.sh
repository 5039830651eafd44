#!/usr/bin/env bash
# list --sockets --connected against ss -xap, the tool people use for the
# same view, with CONNS stream connections between two python3 processes
# (a server that accepted them, a client that made them) besides whatever
# else the machine holds.  Interleaved runs; best and median wall and CPU
# seconds of each, both writing to /dev/null.
# Usage: bench/connected.sh [path/to/ipctool]   (RUNS, default 7; CONNS,
#   default 1000)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IPCTOOL=${1:-$here/../ipctool}
RUNS=${RUNS:-7}
CONNS=${CONNS:-1000}
work=$(mktemp -d /dev/shm/ipctool-bench-conn.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# role DIR N: server (listens on DIR/s, accepts N) or client (connects N);
# each says "up" in DIR/ROLE when it holds all of them, then sleeps.
cat >"$work/peer.py" <<'EOF'
import os, resource, socket, sys, time
role, d, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, n + 64)), hard))
kept = []
if role == "server":
    l = socket.socket(socket.AF_UNIX); l.bind(os.path.join(d, "s")); l.listen(128)
    open(os.path.join(d, "listening"), "w").close()
    for i in range(n):
        kept.append(l.accept()[0])
else:
    for i in range(n):
        c = socket.socket(socket.AF_UNIX); c.connect(os.path.join(d, "s")); kept.append(c)
open(os.path.join(d, role), "w").write("up\n")
time.sleep(3600)
EOF

wait_file() { for _ in $(seq 2000); do [ -e "$1" ] && return; sleep 0.01; done; echo "no $1" >&2; exit 1; }
python3 "$work/peer.py" server "$work" "$CONNS" & pids+=($!)
wait_file "$work/listening"
python3 "$work/peer.py" client "$work" "$CONNS" & pids+=($!)
wait_file "$work/server"
wait_file "$work/client"

rows=$("$IPCTOOL" list --sockets --connected --raw --noheadings -o PATH,STATE | grep -c "^$work/s ESTAB$" || true)
echo "connections: $CONNS; rows naming them: $rows (expected $((2 * CONNS))); sockets in the namespace: $(ss -xaH | wc -l)"

# one CMD...: "wall user+sys" seconds of one run, output to /dev/null.
one() {
	local TIMEFORMAT='%R %U %S' t
	t=$( { time "$@" >/dev/null; } 2>&1 )
	awk '{ printf "%.4f %.4f\n", $1, $2 + $3 }' <<<"$t"
}
stats() {   # stdin: one number a line; prints "best median"
	sort -g | awk '{ v[NR] = $1 } END { printf "%.4f %.4f\n", v[1], (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

: >"$work/ipctool.t"
: >"$work/ss.t"
for _ in $(seq "$RUNS"); do
	one "$IPCTOOL" list --sockets --connected >>"$work/ipctool.t"
	one ss -xap >>"$work/ss.t"
done
echo "runs: $RUNS, interleaved; best and median seconds"
read -r iw_best iw_med < <(cut -d' ' -f1 "$work/ipctool.t" | stats)
read -r ic_best ic_med < <(cut -d' ' -f2 "$work/ipctool.t" | stats)
read -r sw_best sw_med < <(cut -d' ' -f1 "$work/ss.t" | stats)
read -r sc_best sc_med < <(cut -d' ' -f2 "$work/ss.t" | stats)
printf 'list --sockets --connected: wall best %s median %s; CPU best %s median %s\n' "$iw_best" "$iw_med" "$ic_best" "$ic_med"
printf 'ss -xap:                    wall best %s median %s; CPU best %s median %s\n' "$sw_best" "$sw_med" "$sc_best" "$sc_med"
awk -v a="$iw_best" -v b="$sw_best" -v c="$iw_med" -v d="$sw_med" -v e="$ic_best" -v f="$sc_best" -v g="$ic_med" -v h="$sc_med" \
	'BEGIN { printf "ipctool vs ss: wall %.2fx best, %.2fx median; CPU %.2fx best, %.2fx median\n", a / b, c / d, e / f, g / h }'
