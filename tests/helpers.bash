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
	rm -rf /dev/shm/* 2>/dev/null || true
	[ -z "${IPCTOOL_TEST_MQUEUE:-}" ] || rm -f "$IPCTOOL_TEST_MQUEUE"/* 2>/dev/null || true
}

# Background jobs started with `bg_start CMD...` are killed in teardown.
# Its fd 3 (Bats' own) is closed, or Bats would wait for the job to end;
# its stdin is the caller's (`bg_start CMD <file`): without `<&0` an
# asynchronous command's stdin is /dev/null.  The job's pid is in
# $BG_PID, and every one in BG_PIDS.
BG_PIDS=()
bg_start() {
	"$@" 3>&- <&0 &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}
bg_cleanup() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	BG_PIDS=()
}

# Kernel limits a test changed with set_sysctl, restored in teardown.
SAVED_SYSCTLS=()
# set_sysctl NAME VALUE: change /proc/sys/NAME (kernel/msgmnb,
# fs/mqueue/msg_max...) of this namespace for one test.
set_sysctl() {
	SAVED_SYSCTLS+=("$1=$(cat "/proc/sys/$1")")
	echo "$2" >"/proc/sys/$1"
}
# Last changed first, so a limit changed twice gets its first value back.
restore_sysctls() {
	local i entry
	for ((i = ${#SAVED_SYSCTLS[@]} - 1; i >= 0; i--)); do
		entry=${SAVED_SYSCTLS[i]}
		echo "${entry#*=}" >"/proc/sys/${entry%%=*}"
	done
	SAVED_SYSCTLS=()
}

common_teardown() {
	bg_cleanup
	ipc_cleanup
	restore_sysctls
}

# Run as an unprivileged user (nobody), for permission tests; needs root.
# From / : the test's own directory may be one that user cannot reach.
as_nobody() {
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@")
}
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to an unprivileged user"
	# In a user namespace made by unshare -Uri, uid 65534 is not mapped.
	grep -q '^ *0 *0 ' /proc/self/uid_map || skip "needs the initial user namespace"
}

# need_mq_budget BYTES: the test makes POSIX queues of about BYTES in all
# (messages times message size, plus the kernel's bookkeeping), more than
# it can count on sharing.  RLIMIT_MSGQUEUE (ulimit -q) counts the queues
# of a user in every namespace on the machine together, so root's queues
# elsewhere (another suite, a service) eat a test's share.  tests/run
# lifts the limit where it may (CAP_SYS_RESOURCE); where it stays, root
# makes the queue as a uid of its own, nothing else's (MQ_MAKER, a
# command prefix: "${MQ_MAKER[@]}" ipctool mkq ...; root still opens it).
# Another user, whose limit cannot hold BYTES at all, skips the test.
MQ_MAKER=()
need_mq_budget() {
	local limit uid
	limit=$(ulimit -q)
	[ "$limit" != unlimited ] || return 0
	[ "$limit" -ge "$1" ] || skip "needs $1 bytes of POSIX queue memory; ulimit -q is $limit"
	if [ "$(id -u)" -eq 0 ] && grep -q '^ *0 *0 ' /proc/self/uid_map; then
		# A uid in [10^9, 2 * 10^9): no account, no other user of it.
		uid=$(( 1000000000 + SRANDOM % 1000000000 ))
		MQ_MAKER=(setpriv --reuid="$uid" --regid="$uid" --clear-groups --)
	fi
}

# Count System V objects of a kind in this namespace.
# qnum ID: how many messages System V queue ID holds.
qnum() { awk -v id="$1" '$2 == id { print $5 }' /proc/sysvipc/msg; }
# traced CMD...: CMD under strace, whose fault injection the caller asks
# for (-e inject=...); the leak checker is off, as it cannot run under
# ptrace.
traced() {
	command -v strace >/dev/null || fail "strace is missing (make deps)"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -qq -o /dev/null "$@"
}
count_queues() { tail -n +2 /proc/sysvipc/msg | wc -l; }
count_shm() { tail -n +2 /proc/sysvipc/shm | wc -l; }
count_sems() { tail -n +2 /proc/sysvipc/sem | wc -l; }

# ---- shared by several test files ------------------------------------------

bats_require_minimum_version 1.5.0

# Run CONDITION (a shell string) until it holds, for at most 10 s.
wait_for() {
	local i
	for i in $(seq 200); do
		eval "$1" && return 0
		sleep 0.05
	done
	return 1
}

# alive_or_past PID DEADLINE: process PID still runs, unless DEADLINE
# (from now_ms) has already passed.  The check that a wait did not end
# early: on a machine too slow to look before DEADLINE it proves nothing,
# but it never fails for slowness alone.
alive_or_past() {
	local now
	now=$(now_ms)
	kill -0 "$1" 2>/dev/null || [ "$now" -ge "$2" ] ||
		fail "process $1 ended $(( $2 - now )) ms or more before its deadline"
}

# settle: the pause of a negative check, "nothing happens meanwhile" (a
# process stays blocked, a value stays put).  Nothing can be waited for
# there; it only gives a wrong outcome the time to show, so it is short.
settle() { sleep 0.2; }

# Process PID sleeps (state S) in a kernel function matching WCHAN, a
# regex: do_msgrcv, do_msgsnd, wq_sleep (POSIX queues), semtimedop,
# futex (POSIX semaphores), wait_for_partner (opening a fifo),
# sigtimedwait, pipe_write...  So it is blocked in that very call, not just started.
in_kernel_wait() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = S ] &&
		grep -Eq -- "$2" "/proc/$1/wchan" 2>/dev/null
}
# wait_blocked PID WCHAN: wait (10 s at most) until in_kernel_wait holds.
wait_blocked() {
	wait_for "in_kernel_wait $1 '$2'" ||
		fail "process $1 did not block in $2 (state $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null), in $(cat "/proc/$1/wchan" 2>/dev/null))"
}
# listen ARGS...: `ipctool sock ${LISTEN_AT:-s} --listen ARGS` in the
# background, in the current directory (stdout to out, stderr to err), its
# pid in LISTENER, returned once it waits for peers: the socket file exists
# and it sleeps in poll (the file appears at bind, before listen(2), so a
# peer that came then would be refused).  listen_abstract: the same on the
# abstract name $A.
listen() {
	bg_start ipctool sock "${LISTEN_AT:-s}" --listen "$@" >out 2>err
	LISTENER=$BG_PID
	wait_for '[ -S "${LISTEN_AT:-s}" ]'
	wait_blocked "$LISTENER" poll
}
listen_abstract() {
	bg_start ipctool sock "$A" --listen "$@" >out 2>err
	LISTENER=$BG_PID
	wait_for "grep -q ' ${A}\$' /proc/net/unix"
	wait_blocked "$LISTENER" poll
}
# public_dir: a directory uid 65534 can reach, in PUBDIR (the teardown of
# a file that uses it removes it).
public_dir() {
	PUBDIR=$(mktemp -d /tmp/ipctool-test.XXXXXX)
	chmod 755 "$PUBDIR"
}
# finished: the listener ended by itself with status 0.
finished() {
	wait_exit "$LISTENER"
	assert_equal "$EXIT_RC" 0
}

# Where a job blocks to wait for a message, for room, for a semaphore.
WCHAN_MSGRCV=do_msgrcv
WCHAN_MSGSND=do_msgsnd
WCHAN_MQ=wq_sleep
WCHAN_SEM=semtimedop
WCHAN_PSEM=futex
WCHAN_FIFO_OPEN=wait_for_partner
WCHAN_SIGWAIT=sigtimedwait
WCHAN_NANOSLEEP=nanosleep

# sem_value TARGET [NUM]: the value of POSIX semaphore /NAME (the first
# word of glibc's sem_t in /dev/shm/sem.NAME), or of semaphore NUM (0)
# of System V set TARGET.
sem_value() {
	case $1 in
	/*) od -An -t u4 -N 4 "/dev/shm/sem.${1#/}" | tr -d ' ' ;;
	*) ipcs -s -i "$1" | awk -v n="${2:-0}" '$1 ~ /^[0-9]+$/ && $1 == n { print $2 }' ;;
	esac
}
# wait_sem_value TARGET VALUE [NUM]: wait (10 s at most) until it is VALUE.
wait_sem_value() {
	local cond
	printf -v cond '[ "$(sem_value %q %q)" = %q ]' "$1" "${3:-0}" "$2"
	wait_for "$cond" ||
		fail "semaphore ${3:-0} of $1 is $(sem_value "$1" "${3:-0}"), not $2"
}

# Objects with id 777 in several kinds (the kernel's *_next_id).
same_id() {
	local kind
	for kind in "$@"; do
		echo 777 > /proc/sys/kernel/${kind}_next_id
		case $kind in msg) ipcmk -Q ;; shm) ipcmk -M 10 ;; sem) ipcmk -S 1 ;; esac >/dev/null
	done
}

# N private queues / segments / semaphore sets, made in one process.
make_queues() { perl -e 'for (1..$ARGV[0]) { defined msgget(0, 01600) or die "msgget: $!" }' "$1"; }
make_shms() { perl -e 'for (1..$ARGV[0]) { defined shmget(0, 4096, 01600) or die "shmget: $!" }' "$1"; }
make_sems() { perl -e 'for (1..$ARGV[0]) { defined semget(0, 3, 01600) or die "semget: $!" }' "$1"; }

# Run bash completion for a command line given as words (last one: the
# word being completed); prints the candidates one a line.
bash_complete() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ipctool
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BATS_TEST_DIRNAME/../completions/ipctool.bash" "$@"
}

# Run ipctool with stdout in $output and stderr in $stderr / $stderr_lines.
run_tool() {
	run --separate-stderr ipctool "$@"
}

# run_tool_to FILE ARGS...: the same with stdout sent to FILE.
run_tool_to() {
	run --separate-stderr bash -c 'out=$1; shift; exec ipctool "$@" >"$out"' _ "$@"
}

# assert_error STATUS SUB REGEX: the last run exited STATUS with one error
# line "ipctool: SUB: ..." matching REGEX, then the Try hint for status 2.
assert_error() {
	local want=$1 sub=$2 re=$3
	assert_equal "$status" "$want"
	if [ "$want" -eq 2 ]; then
		assert_equal "${#stderr_lines[@]}" 2
		assert_equal "${stderr_lines[1]}" "Try 'ipctool $sub --help' for more information."
	else
		assert_equal "${#stderr_lines[@]}" 1
	fi
	assert_regex "${stderr_lines[0]}" "^ipctool: $sub: .*$re"
}

assert_only_error() {
	assert_error "$@"
	assert_equal "$output" ""
}

re_quote() {
	printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

assert_between() {
	if [ "$3" -lt "$1" ] || [ "$3" -gt "$2" ]; then
		fail "expected between $1 and $2, got $3"
	fi
}

# wait_exit PID: wait (10 s at most) for the background job PID to end;
# its status is in EXIT_RC.  One that is still there then is killed and
# fails the test.  The bound is a deadline, not a count of polls: a job on
# a loaded machine gets the whole of it.
wait_exit() {
	local deadline=$(( $(now_ms) + 10000 ))
	while kill -0 "$1" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
		sleep 0.05
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1" || true
		fail "process $1 did not exit"
	fi
	EXIT_RC=0
	wait "$1" || EXIT_RC=$?
}

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }

# with_libc_signals_ignored CMD...: run CMD with signals 32 and 33 ignored,
# as a parent using glibc's posix_spawn can leave them.  glibc's sigaction
# refuses those two, so a small C program asks the kernel directly.
with_libc_signals_ignored() {
	local launcher=$BATS_FILE_TMPDIR/ignore-libc-signals
	if [ ! -x "$launcher" ]; then
		cat >"$launcher.c" <<'C'
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	/* The kernel's sigaction: the handler comes first on every Linux target. */
	unsigned long ignore[8] = { (unsigned long)SIG_IGN };

	if (argc < 2)
		return 2;
	for (int sig = 32; sig <= 33; sig++)
		if (syscall(SYS_rt_sigaction, sig, ignore, NULL, (size_t)8) != 0) {
			perror("rt_sigaction");
			return 125;
		}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
C
		cc -o "$launcher" "$launcher.c" || return 125
	fi
	"$launcher" "$@"
}

# assert_elapsed MIN_MS T0 [T1]: at least MIN_MS went by from T0 to T1
# (now), both from now_ms: a timeout never ends early.  The upper bound,
# 10 s more, only catches a wait that did not end by itself; a loaded
# machine is never that slow, and speed is not what tests check.
assert_elapsed() {
	local t1=${3:-$(now_ms)}
	assert_between "$1" $(($1 + 10000)) $((t1 - $2))
}

# hold_until T: let wall time run until now_ms reaches T, for a scenario
# that needs time to pass (a process kept stopped past its deadline).
# Not a wait for anything: nothing else can tell when that time is up.
hold_until() {
	while [ "$(now_ms)" -lt "$1" ]; do sleep 0.05; done
}

# run_tool_to_closed_pipe ARGS...: run_tool with stdout a pipe whose
# reader has already gone, so the first write fails with EPIPE.  (A
# fifo opened read-write, then for writing, then its reader closed.)
run_tool_to_closed_pipe() {
	local fifo=$BATS_TEST_TMPDIR/closed-pipe
	rm -f "$fifo"
	mkfifo "$fifo"
	run --separate-stderr bash -c 'exec 4<>"$1" 5>"$1" 4<&-; shift; exec ipctool "$@" >&5 5>&-' _ "$fifo" "$@"
}

# start_stopped_reader FIFO OUT: a reader that opens FIFO and stops itself
# (SIGSTOP) before reading, so what a writer puts in stays in the pipe
# until `kill -CONT "$READER"` lets it copy everything to OUT.
start_stopped_reader() {
	bg_start bash -c 'exec <"$1"; kill -STOP $$; exec cat' _ "$1" >"$2"
	READER=$BG_PID
}
# Process PID is stopped (state T).
is_stopped() { [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" = T ]; }
# Process PID sleeps in a write to a full pipe.
in_pipe_write() { grep -q pipe_write "/proc/$1/wchan" 2>/dev/null; }

# ---- child IPC namespaces -------------------------------------------------

# start_child SCRIPT: a process in new IPC and mount namespaces, with a
# /dev/shm and an mqueue mount of its own, that runs SCRIPT (bash) there
# and then sleeps; its pid in $CHILD.  SHARE_SHM=1: it keeps our /dev/shm
# (as `unshare --ipc --mount` does).  NO_MQUEUE=1: every mqueue mount is
# taken away instead, so the child sees no POSIX queues at all;
# KEEP_MQUEUE=1: the child keeps the mqueue mount it inherits (ours).
start_child() {
	local ready=$BATS_TEST_TMPDIR/ready.$RANDOM
	bg_start unshare --ipc --mount --propagation private -- bash -c '
		set -e
		[ -n "${SHARE_SHM:-}" ] || mount -t tmpfs -o mode=1777 tmpfs /dev/shm
		if [ -n "${KEEP_MQUEUE:-}" ]; then
			:
		elif [ -n "${NO_MQUEUE:-}" ]; then
			while dir=$(findmnt -rn -t mqueue -o TARGET | tail -n 1) && [ -n "$dir" ]; do
				umount "$dir"
			done
		else
			mount -t mqueue mqueue "$IPCTOOL_TEST_MQUEUE"
		fi
		eval "$1"
		touch "$2"
		exec sleep 1000' _ "$1" "$ready"
	CHILD=$BG_PID
	wait_for "[ -e '$ready' ] || ! kill -0 $CHILD 2>/dev/null" || fail "the child did not start"
	[ -e "$ready" ] || fail "the child's script failed"
	# Its script done, it execs sleep: what list shows as its COMMAND.
	wait_for "[ \"\$(cat /proc/$CHILD/comm 2>/dev/null)\" = sleep ]" || fail "the child did not go to sleep"
}

# The inode number of PID's IPC namespace, as readlink shows it.
ns_inode() {
	local link
	link=$(readlink "/proc/$1/ns/ipc")
	link=${link#ipc:[}
	echo "${link%]}"
}

# in_child CMD...: CMD in the child's IPC and mount namespaces.
in_child() { nsenter --ipc --mount --root --wd -t "$CHILD" -- "$@"; }

# assert_stderr_line TEXT: one of the last run's stderr lines is TEXT.
assert_stderr_line() {
	local line
	for line in "${stderr_lines[@]}"; do
		[ "$line" = "$1" ] && return 0
	done
	fail "no stderr line is: $1 (stderr: $stderr)"
}

# ---- real users of objects: python3 with sysv_ipc (python3-sysv-ipc) -------

# The Debian python3, which has sysv_ipc (a pyenv shim may come first on PATH).
PY=/usr/bin/python3

# attach KEY: a python3 that attaches System V segment KEY and sleeps; its
# pid in $BG_PID once the segment is in its maps.
attach() {
	bg_start "$PY" -c 'import signal, sys, sysv_ipc
m = sysv_ipc.SharedMemory(int(sys.argv[1], 0))
signal.pause()' "$1"
	wait_for "grep -q '/SYSV' /proc/$BG_PID/maps" || fail "python3 did not attach $1"
}

# map_shm NAME: a python3 that maps /dev/shm/NAME, closes the descriptor
# and sleeps.  (Through libc: Python's mmap module keeps a descriptor of
# its own.)
map_shm() {
	bg_start "$PY" -c 'import ctypes, mmap, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
fd = os.open("/dev/shm/" + sys.argv[1], os.O_RDWR)
if libc.mmap(None, 4096, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_SHARED, fd, 0) in (None, ctypes.c_void_p(-1).value):
    sys.exit("mmap failed")
os.close(fd)
print("mapped", flush=True)
signal.pause()' "$1" >"$BATS_TEST_TMPDIR/map-$1.out"
	wait_for "grep -q mapped '$BATS_TEST_TMPDIR/map-$1.out'" || fail "python3 did not map /dev/shm/$1"
}

# check_timeout_survives_stop Q WCHAN: `recv Q --timeout 4`, stopped once
# blocked (in WCHAN) and continued 2.5 s later, ends with status 3 at its
# first deadline: neither at the SIGCONT nor 4 s after it.  Its stderr in
# $BATS_TEST_TMPDIR/err.
check_timeout_survives_stop() {
	local t0 tb tcont t1 pid
	t0=$(now_ms)
	bg_start ipctool recv "$1" --timeout 4 2>"$BATS_TEST_TMPDIR/err"
	pid=$BG_PID
	wait_blocked "$pid" "$2"
	kill -STOP "$pid"
	# It started before tb: at most 4 - 2.5 s of its wait are left when
	# it goes on, however long a loaded machine took to get here.
	tb=$(now_ms)
	hold_until $((tb + 2500))
	kill -CONT "$pid"
	tcont=$(now_ms)
	wait_exit "$pid"
	t1=$(now_ms)
	assert_equal "$EXIT_RC" 3
	# Not ended by the CONT (before 4 s), and not a wait started afresh
	# (4 s after the CONT): what is left is at most 1.5 s.
	assert_elapsed 3950 "$t0" "$t1"
	[ $((t1 - tcont)) -lt 3900 ] || fail "it waited $((t1 - tcont)) ms more after SIGCONT: the wait started afresh"
}

# check_waits_survive_cont_and_alrm RQ RWCHAN SQ SWCHAN [RECV ARGS...]: a
# `recv RQ --timeout 5` with nothing for it and a `send SQ --timeout 5` to
# a queue that is full once SQ got one message, each blocked (in RWCHAN,
# SWCHAN), get SIGCONT and a handled SIGALRM; neither ends before its 5 s,
# both end with status 3 then.
check_waits_survive_cont_and_alrm() {
	local rq=$1 rwchan=$2 sq=$3 swchan=$4 t0 rpid spid
	shift 4
	# Both started after t0: neither may end before t0 + 5 s.  The 5 s
	# leave a loaded machine time to start them and signal them first.
	t0=$(now_ms)
	bg_start ipctool recv "$rq" "$@" --timeout 5 2>/dev/null
	rpid=$BG_PID
	ipctool send "$sq" x
	bg_start ipctool send "$sq" y --timeout 5 2>/dev/null
	spid=$BG_PID
	wait_blocked "$rpid" "$rwchan"
	wait_blocked "$spid" "$swchan"
	kill -CONT "$rpid" "$spid"
	kill -ALRM "$rpid" "$spid"
	settle
	alive_or_past "$rpid" $((t0 + 5000))
	alive_or_past "$spid" $((t0 + 5000))
	wait_exit "$rpid"
	assert_equal "$EXIT_RC" 3
	wait_exit "$spid"
	assert_equal "$EXIT_RC" 3
	assert_elapsed 4950 "$t0"
}
