# Loaded by every test file: the binary under test first on PATH, C locale,
# bats-support and bats-assert, a guard that we run in a private IPC
# namespace, and a teardown that leaves nothing behind.

bats_load_library bats-support
bats_load_library bats-assert

export LC_ALL=C
IPCTOOL_DIR=$(cd "$(dirname "$IPCTOOL")" && pwd)
export PATH="$IPCTOOL_DIR:$PATH"

# Refuse to run against the host's IPC objects.
in_private_namespace() {
	[ -n "${IPCTOOL_TEST_INSIDE:-}" ] && [ -n "${IPCTOOL_TEST_HOST_IPC:-}" ] || return 1
	[ "$(readlink /proc/self/ns/ipc)" != "$IPCTOOL_TEST_HOST_IPC" ]
}
if ! in_private_namespace; then
	echo "tests must run through tests/run (private IPC namespace)" >&2
	exit 1
fi

# Remove every System V object in this private namespace, every POSIX
# object in its private /dev/shm and every POSIX queue in its mqueue mount.
ipc_cleanup() {
	ipcrm --all >/dev/null 2>&1 || true
	rm -f /dev/shm/* 2>/dev/null || true
	[ -z "${IPCTOOL_TEST_MQUEUE:-}" ] || rm -f "$IPCTOOL_TEST_MQUEUE"/* 2>/dev/null || true
}

# Background jobs started with `bg_start CMD...` are killed in teardown.
BG_PIDS=()
bg_start() {
	"$@" 3>&- &
	BG_PIDS+=("$!")
}
bg_cleanup() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	BG_PIDS=()
}

common_teardown() {
	bg_cleanup
	ipc_cleanup
}

# Run as an unprivileged user (nobody), for permission tests; needs root.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to an unprivileged user"
	# In a user namespace made by unshare -Uri, uid 65534 is not mapped.
	grep -q '^ *0 *0 ' /proc/self/uid_map || skip "needs the initial user namespace"
}

# Count System V objects of a kind in this namespace.
count_queues() { tail -n +2 /proc/sysvipc/msg | wc -l; }
count_shm() { tail -n +2 /proc/sysvipc/shm | wc -l; }
count_sems() { tail -n +2 /proc/sysvipc/sem | wc -l; }
