#!/usr/bin/env bats
# ipctool metrics: the Prometheus exposition text, the textfile it writes
# atomically, and the real components that read it (promtool, node_exporter
# with its textfile collector, a Prometheus server scraping that), all
# started here on 127.0.0.1 and ended in teardown.

load helpers

teardown() {
	common_teardown
	[ -z "${PUBLIC_DIR:-}" ] || rm -rf "$PUBLIC_DIR"
	if [ -n "${CGROUP_DIR:-}" ]; then
		rmdir "$CGROUP_DIR" 2>/dev/null || true
		umount "$CGROUP_MNT" 2>/dev/null || true
		CGROUP_DIR=
	fi
}

# value NAME{LABELS}: the value of that series in $output ("" if absent).
value() {
	# through the environment: awk -v would take the backslashes as escapes
	want=$1 awk 'index($0, ENVIRON["want"] " ") == 1 { print substr($0, length(ENVIRON["want"]) + 2) }' <<<"$output"
}

# assert_value SERIES VALUE
assert_value() {
	local got
	got=$(value "$1")
	[ "$got" = "$2" ] || fail "$1 is '$got', not '$2'"
}

# promtool's lint of $output: silent and successful.
assert_promtool_clean() {
	local lint
	lint=$(promtool check metrics <<<"$output" 2>&1) || fail "promtool check metrics failed: $lint"
	[ -z "$lint" ] || fail "promtool check metrics says: $lint"
}

# wait_for_secs N CONDITION: as wait_for, for at most N seconds.
wait_for_secs() {
	local deadline=$((SECONDS + $1))
	while [ "$SECONDS" -lt "$deadline" ]; do
		eval "$2" && return 0
		sleep 0.1
	done
	return 1
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# http_get URL: the body, or status 1 (python3: curl is not in make deps).
http_get() {
	python3 -c 'import sys, urllib.request
try:
    sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
except Exception as e:
    sys.exit(1)' "$1"
}

# One object of every kind and family, with something in each queue.
make_every_kind() {
	q=$(ipctool mkq)
	ipctool send "$q" hello world >/dev/null    # 2 messages, 10 bytes
	ipctool mkshm --size 4096 >/dev/null
	ipctool mksem --nsems 3 >/dev/null
	ipctool mkq /pq >/dev/null
	ipctool send /pq abc >/dev/null
	ipctool mkshm /ps --size 100 >/dev/null
	ipctool mksem /pm >/dev/null
}

@test "metrics: every kind and family counted, and promtool check metrics finds nothing" {
	make_every_kind
	run_tool metrics
	assert_success
	assert_promtool_clean
	for series in 'kind="queue",family="sysv"' 'kind="shm",family="sysv"' 'kind="sem",family="sysv"' \
		'kind="queue",family="posix"' 'kind="shm",family="posix"' 'kind="sem",family="posix"'; do
		assert_value "ipc_objects{$series}" 1
	done
	assert_value 'ipc_queue_messages{family="sysv"}' 2
	assert_value 'ipc_queue_bytes{family="sysv"}' 10
	assert_value 'ipc_queue_messages{family="posix"}' 1
	assert_value 'ipc_queue_bytes{family="posix"}' 3
	assert_value 'ipc_shm_bytes{family="sysv"}' 4096
	assert_value 'ipc_shm_bytes{family="posix"}' 100
	assert_value 'ipc_semaphores{family="sysv"}' 3
	assert_value 'ipc_semaphores{family="posix"}' 1
	# every series has HELP and TYPE gauge, names in the ipc_ namespace
	run bash -c "grep -v '^#' <<<\"\$1\" | grep -vc '^ipc_'" _ "$output"
	assert_output 0
	[ "$(grep -c '^# TYPE ipc_[a-z_]* gauge$' <<<"$output")" -eq "$(grep -c '^# HELP ipc_' <<<"$output")" ]
}

@test "metrics: the kernel's limits of this namespace, in base units" {
	set_sysctl kernel/msgmni 123
	set_sysctl kernel/shmmni 456
	set_sysctl kernel/shmall 1000
	set_sysctl kernel/shmmax 65536
	set_sysctl kernel/msgmnb 4321
	set_sysctl kernel/sem "250 789 32 77"
	set_sysctl fs/mqueue/queues_max 99
	set_sysctl fs/mqueue/msg_max 17
	set_sysctl fs/mqueue/msgsize_max 2048
	run_tool metrics
	assert_success
	assert_value 'ipc_objects_limit{kind="queue",family="sysv"}' 123
	assert_value 'ipc_objects_limit{kind="shm",family="sysv"}' 456
	assert_value 'ipc_objects_limit{kind="sem",family="sysv"}' 77
	assert_value 'ipc_objects_limit{kind="queue",family="posix"}' 99
	assert_value 'ipc_semaphores_limit{family="sysv"}' 789
	assert_value 'ipc_shm_bytes_limit{family="sysv"}' $((1000 * $(getconf PAGESIZE)))
	assert_value 'ipc_shm_segment_max_bytes{family="sysv"}' 65536
	assert_value 'ipc_queue_default_capacity_bytes{family="sysv"}' 4321
	assert_value 'ipc_message_max_bytes{family="posix"}' 2048
	assert_value 'ipc_queue_max_messages{family="posix"}' 17
	assert_promtool_clean
}

@test "metrics: orphans (and the oldest's age), a live user's object is none" {
	# a segment whose creator is gone, one a live process holds attached
	perl -e 'defined shmget(0, 4096, 01600) or die "shmget: $!"'
	bg_start /usr/bin/python3 -c 'import sysv_ipc, time
m = sysv_ipc.SharedMemory(None, sysv_ipc.IPC_CREX, size=4096)
print(m.id, flush=True)
time.sleep(1000)' >"$BATS_TEST_TMPDIR/live"
	wait_for "[ -s '$BATS_TEST_TMPDIR/live' ]" || fail "the attaching process did not start"
	# a queue whose last sender is gone
	q=$(ipctool mkq)
	ipctool send "$q" x
	hold_until $(($(now_ms) + 1100))
	run_tool metrics
	assert_success
	assert_value 'ipc_objects{kind="shm",family="sysv"}' 2
	assert_value 'ipc_orphaned_objects{kind="shm",family="sysv"}' 1
	assert_value 'ipc_orphaned_objects{kind="queue",family="sysv"}' 1
	assert_value 'ipc_orphaned_objects{kind="sem",family="sysv"}' 0
	[ "$(value 'ipc_orphaned_oldest_age_seconds{kind="shm",family="sysv"}')" -ge 1 ]
	assert_value 'ipc_orphaned_oldest_age_seconds{kind="sem",family="sysv"}' 0
}

@test "metrics: processes waiting on a set are counted, and make it no orphan" {
	s=$(ipctool mksem --nsems 2)
	ipctool sem-v "$s" --num 1 >/dev/null    # a last pid recorded, that process gone
	bg_start ipctool sem-p "$s" --num 0
	wait_blocked "$BG_PID" "$WCHAN_SEM"
	run_tool metrics --objects 5
	assert_success
	assert_value 'ipc_waiting_processes{kind="sem",family="sysv",how="waiting-P"}' 1
	assert_value 'ipc_waiting_processes{kind="sem",family="sysv",how="waiting-zero"}' 0
	assert_value 'ipc_orphaned_objects{kind="sem",family="sysv"}' 0
	assert_value "ipc_object_waiting_processes{kind=\"sem\",family=\"sysv\",key=\"0x00000000\",id=\"$s\"}" 1
	assert_promtool_clean
}

@test "metrics: processes blocked on queues and POSIX semaphores are counted from /proc, and make a queue no orphan" {
	q=$(ipctool mkq --key 0x301)
	ipctool send 0x301 x; ipctool recv 0x301 >/dev/null       # LSPID, LRPID: both dead now
	ipctool mkq --key 0x302 --max-bytes 8 >/dev/null
	ipctool send 0x302 12345678                                # full; the sender is dead
	ipctool mkq /pq >/dev/null
	ipctool mkq /pfull --max-messages 1 --message-size 16 >/dev/null
	ipctool send /pfull x
	ipctool mksem /ps >/dev/null
	run_tool metrics
	assert_value 'ipc_waiting_processes{kind="queue",family="sysv",how="waiting-receive"}' 0
	assert_value 'ipc_orphaned_objects{kind="queue",family="sysv"}' 2
	bg_start ipctool recv 0x301
	wait_blocked "$BG_PID" "$WCHAN_MSGRCV"
	bg_start ipctool send 0x302 more
	wait_blocked "$BG_PID" "$WCHAN_MSGSND"
	bg_start ipctool recv /pq
	wait_blocked "$BG_PID" "$WCHAN_MQ"
	bg_start ipctool send /pfull y
	wait_blocked "$BG_PID" "$WCHAN_MQ"
	bg_start ipctool sem-p /ps
	wait_blocked "$BG_PID" "$WCHAN_PSEM"
	run_tool metrics --objects 5
	assert_success
	assert_promtool_clean
	assert_value 'ipc_waiting_processes{kind="queue",family="sysv",how="waiting-receive"}' 1
	assert_value 'ipc_waiting_processes{kind="queue",family="sysv",how="waiting-send"}' 1
	assert_value 'ipc_waiting_processes{kind="queue",family="posix",how="waiting-receive"}' 1
	assert_value 'ipc_waiting_processes{kind="queue",family="posix",how="waiting-send"}' 1
	assert_value 'ipc_waiting_processes{kind="sem",family="posix",how="waiting-P"}' 1
	assert_value 'ipc_waiting_processes{kind="sem",family="sysv",how="waiting-P"}' 0
	assert_value 'ipc_orphaned_objects{kind="queue",family="sysv"}' 0
	assert_value 'ipc_object_waiting_processes{kind="queue",family="sysv",key="0x00000301",id="'"$q"'"}' 1
	assert_value 'ipc_object_waiting_processes{kind="queue",family="posix",name="/pq"}' 1
	assert_value 'ipc_object_waiting_processes{kind="sem",family="posix",name="/ps"}' 1
	refute_output --partial 'ipc_object_waiting_processes{kind="shm"'
}

@test "metrics: a full queue is counted, and its fullness is 1 with --objects" {
	q=$(ipctool mkq --max-bytes 8)
	ipctool send "$q" 12345678
	ipctool mkq /pfull --max-messages 1 >/dev/null
	ipctool send /pfull x
	run_tool metrics --objects 1
	assert_success
	assert_value 'ipc_queues_full{family="sysv"}' 1
	assert_value 'ipc_queues_full{family="posix"}' 1
	assert_value "ipc_object_fullness_ratio{kind=\"queue\",family=\"sysv\",key=\"0x00000000\",id=\"$q\"}" 1
	assert_value 'ipc_object_fullness_ratio{kind="queue",family="posix",name="/pfull"}' 1
}

@test "metrics: objects idle for more than a day (POSIX: by mtime)" {
	ipctool mkshm /old --size 10 >/dev/null
	ipctool mkshm /new --size 10 >/dev/null
	touch -d '2 days ago' /dev/shm/old
	run_tool metrics
	assert_success
	assert_value 'ipc_idle_objects{kind="shm",family="posix"}' 1
	assert_value 'ipc_idle_objects{kind="shm",family="sysv"}' 0
}

@test "metrics --objects N: series for the N largest of each kind only" {
	for size in 100 5000 300 7000 20; do ipctool mkshm --size "$size" >/dev/null; done
	for size in 10 30 20; do ipctool mkshm "/s$size" --size "$size" >/dev/null; done
	run_tool metrics --objects 2
	assert_success
	assert_promtool_clean
	run bash -c "grep '^ipc_object_bytes{kind=\"shm\"' <<<\"\$1\" | sed 's/.*,id=\"[0-9]*\"} //; s/.*name=\"\\(.*\\)\"} /\\1 /'" _ "$output"
	assert_output "$(printf '%s\n' 7000 5000 '/s30 30' '/s20 20')"
	run_tool metrics
	assert_success
	refute_output --partial ipc_object_
}

@test "metrics: POSIX names that need escaping stay one valid label each" {
	touch "/dev/shm/quo\"te" "/dev/shm/back\\slash" "$(printf '/dev/shm/new\nline')" "$(printf '/dev/shm/bad\xff')"
	run_tool metrics --objects 10
	assert_success
	assert_promtool_clean
	assert_value 'ipc_object_bytes{kind="shm",family="posix",name="/quo\"te"}' 0
	assert_value 'ipc_object_bytes{kind="shm",family="posix",name="/back\\slash"}' 0
	assert_value 'ipc_object_bytes{kind="shm",family="posix",name="/new\\x0aline"}' 0
	assert_value 'ipc_object_bytes{kind="shm",family="posix",name="/bad\\xff"}' 0
}

@test "metrics --all-namespaces: every series labelled ipcns, each namespace its own" {
	ipctool mkq >/dev/null
	start_child 'ipctool mkq >/dev/null; ipctool mkq >/dev/null; ipctool mkq /cq >/dev/null'
	run_tool metrics --all-namespaces --objects 3
	assert_success
	assert_promtool_clean
	mine=$(ns_inode $$) child=$(ns_inode "$CHILD")
	assert_value "ipc_objects{ipcns=\"$mine\",kind=\"queue\",family=\"sysv\"}" 1
	assert_value "ipc_objects{ipcns=\"$child\",kind=\"queue\",family=\"sysv\"}" 2
	assert_value "ipc_objects{ipcns=\"$child\",kind=\"queue\",family=\"posix\"}" 1
	assert_value "ipc_namespace_processes{ipcns=\"$child\"}" 1
	# no series without its namespace but the one of the whole /proc scan
	run bash -c "grep -v '^#' <<<\"\$1\" | grep -v 'ipcns=\"'" _ "$output"
	assert_output "ipc_unreadable_processes 0"
}

@test "metrics --all-namespaces: a /dev/shm shared with our namespace is counted once, as ours" {
	ipctool mkshm /host_shm --size 8 >/dev/null
	ipctool mksem /host_sem >/dev/null
	SHARE_SHM=1 start_child 'ipctool mkq /cq >/dev/null'
	run_tool metrics --all-namespaces
	assert_success
	assert_promtool_clean
	mine=$(ns_inode $$) child=$(ns_inode "$CHILD")
	assert_value "ipc_objects{ipcns=\"$mine\",kind=\"shm\",family=\"posix\"}" 1
	assert_value "ipc_objects{ipcns=\"$mine\",kind=\"sem\",family=\"posix\"}" 1
	# the child's own mqueue mount is its own; its /dev/shm is ours, left out
	assert_value "ipc_objects{ipcns=\"$child\",kind=\"queue\",family=\"posix\"}" 1
	assert_value "ipc_objects{ipcns=\"$child\",kind=\"shm\",family=\"posix\"}" ""
	assert_value "ipc_objects{ipcns=\"$child\",kind=\"sem\",family=\"posix\"}" ""
	run bash -c "grep -c '^ipc_objects{.*kind=\"shm\",family=\"posix\"} 1' <<<\"\$1\"" _ "$output"
	assert_output 1
}

# child_in_cgroup NAME: a child namespace with a System V queue (start_child),
# moved into a new cgroup NAME below ours, on a cgroup2 mount of the test's.
child_in_cgroup() {
	CGROUP_MNT=$BATS_TEST_TMPDIR/cgroup
	mkdir "$CGROUP_MNT"
	mount -t cgroup2 none "$CGROUP_MNT" || fail "cannot mount cgroup2"
	CGROUP_DIR=$CGROUP_MNT$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)/$1
	CGROUP_DIR=${CGROUP_DIR/\/\//\/}
	mkdir "$CGROUP_DIR"
	start_child 'ipctool mkq >/dev/null'
	echo "$CHILD" >"$CGROUP_DIR/cgroup.procs"
}

@test "metrics --all-namespaces: container label from a docker-ID.scope cgroup" {
	need_root
	id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	child_in_cgroup "docker-$id.scope"
	run_tool metrics --all-namespaces
	assert_success
	assert_promtool_clean
	assert_value "ipc_objects{ipcns=\"$(ns_inode "$CHILD")\",container=\"$id\",kind=\"queue\",family=\"sysv\"}" 1
	# our own namespace's series name no container
	assert_value "ipc_objects{ipcns=\"$(ns_inode $$)\",kind=\"queue\",family=\"sysv\"}" 0
	bg_cleanup
}

@test "metrics --all-namespaces: a cgroup name that is no container ID gives no container label" {
	need_root
	child_in_cgroup 'docker-x"} 1'$'\t''.scope'
	run_tool metrics --all-namespaces
	assert_success
	assert_promtool_clean
	assert_value "ipc_objects{ipcns=\"$(ns_inode "$CHILD")\",kind=\"queue\",family=\"sysv\"}" 1
	refute_output --partial container=
	bg_cleanup
}

@test "metrics as another user: its own namespace works, every namespace needs privilege, DIR must be writable" {
	need_root
	ipctool mkq >/dev/null
	run --separate-stderr as_nobody ipctool metrics
	assert_success
	assert_value 'ipc_objects{kind="queue",family="sysv"}' 1
	assert_promtool_clean
	run --separate-stderr as_nobody ipctool metrics --all-namespaces
	assert_error 1 metrics "CAP_SYS_ADMIN"
	# a directory nobody can reach but not write (the test's own is 0700)
	PUBLIC_DIR=$(mktemp -d /tmp/ipctool-metrics-test.XXXXXX)
	chmod 755 "$PUBLIC_DIR"
	run --separate-stderr as_nobody ipctool metrics --textfile "$PUBLIC_DIR"
	assert_error 1 metrics "cannot create a temporary file in .*: Permission denied"
	assert_equal "$(ls -A "$PUBLIC_DIR")" ""
}

@test "metrics --textfile: a directory at DIR/ipctool.prom is status 1, and no temporary file stays" {
	mkdir -p "$BATS_TEST_TMPDIR/tf/ipctool.prom"
	run_tool metrics --textfile "$BATS_TEST_TMPDIR/tf"
	assert_only_error 1 metrics "cannot rename .*tf/ipctool.prom"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/tf")" ipctool.prom
}

@test "metrics --ns PID: that namespace's objects, no ipcns label" {
	start_child 'ipctool mkshm --size 777 >/dev/null; echo 55 >/proc/sys/kernel/msgmni'
	run_tool metrics --ns "$CHILD"
	assert_success
	assert_value 'ipc_shm_bytes{family="sysv"}' 777
	# its limits, not ours
	assert_value 'ipc_objects_limit{kind="queue",family="sysv"}' 55
	[ "$(cat /proc/sys/kernel/msgmni)" != 55 ]
	refute_output --partial 'ipcns='
}

@test "metrics: bad command lines are usage errors, bad places failures" {
	run_tool metrics --ns 1 --all-namespaces
	assert_only_error 2 metrics "--ns and --all-namespaces contradict"
	run_tool metrics --interval 1
	assert_only_error 2 metrics "--interval rewrites a --textfile"
	run_tool metrics --objects 0
	assert_only_error 2 metrics "--objects"
	run_tool metrics --objects 12abc
	assert_only_error 2 metrics "--objects"
	run_tool metrics --textfile "$BATS_TEST_TMPDIR" --interval 0
	assert_only_error 2 metrics "--interval.*above 0"
	run_tool metrics extra
	assert_only_error 2 metrics "unexpected argument 'extra'"
	run_tool metrics --textfile "$BATS_TEST_TMPDIR/missing"
	assert_only_error 1 metrics "cannot open the directory .*missing"
	touch "$BATS_TEST_TMPDIR/plain"
	run_tool metrics --textfile "$BATS_TEST_TMPDIR/plain"
	assert_only_error 1 metrics "plain"
	run_tool metrics --ns 2147483647
	assert_only_error 1 metrics "2147483647"
	run --separate-stderr bash -c 'ipctool metrics >/dev/full'
	assert_equal "$status" 1
}

@test "metrics --textfile DIR: DIR/ipctool.prom, 0644, nothing else left, a symlink there replaced" {
	dir=$BATS_TEST_TMPDIR/tf
	mkdir "$dir"
	echo precious >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" "$dir/ipctool.prom"
	ipctool mkq >/dev/null
	run_tool metrics --textfile "$dir"
	assert_success
	assert_output ""
	[ ! -L "$dir/ipctool.prom" ]
	[ -f "$dir/ipctool.prom" ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" precious
	assert_equal "$(stat -c %a "$dir/ipctool.prom")" 644
	assert_equal "$(ls -A "$dir")" ipctool.prom
	output=$(cat "$dir/ipctool.prom")
	assert_value 'ipc_objects{kind="queue",family="sysv"}' 1
	assert_promtool_clean
}

# the file is whole when it starts with the first HELP and ends with the
# last series and a newline
whole_file() {
	[ "$(head -c 21 "$1")" = "# HELP ipc_objects IP" ] && [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] &&
		tail -n 1 "$1" | grep -q '^ipc_unreadable_processes [0-9]*$'
}

@test "metrics --interval 0.1: a reader looping on the file never sees it half-written; TERM ends it cleanly" {
	dir=$BATS_TEST_TMPDIR/tf
	mkdir "$dir"
	make_queues 300    # a file of some size
	bg_start ipctool metrics --textfile "$dir" --interval 0.1
	writer=$BG_PID
	wait_for "[ -e '$dir/ipctool.prom' ]" || fail "no file written"
	first=$(stat -c %i "$dir/ipctool.prom")
	reads=0 rewrites=0 last=$first deadline=$((SECONDS + 60))
	while [ "$rewrites" -lt 20 ]; do
		cp "$dir/ipctool.prom" "$BATS_TEST_TMPDIR/seen" 2>/dev/null || fail "the file vanished"
		whole_file "$BATS_TEST_TMPDIR/seen" || fail "a reader saw a torn file: $(tail -c 100 "$BATS_TEST_TMPDIR/seen")"
		reads=$((reads + 1))
		ino=$(stat -c %i "$dir/ipctool.prom")
		[ "$ino" = "$last" ] || rewrites=$((rewrites + 1))
		last=$ino
		[ "$SECONDS" -lt "$deadline" ] || fail "the file was rewritten $rewrites times in $reads reads in 60 s"
	done
	kill -TERM "$writer"
	wait_exit "$writer"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(ls -A "$dir")" ipctool.prom
	whole_file "$dir/ipctool.prom"
}

@test "metrics --textfile: TERM while samples are written leaves no temporary file" {
	dir=$BATS_TEST_TMPDIR/tf
	mkdir "$dir"
	make_queues 2000
	for i in 1 2 3 4 5; do
		rm -f "$dir/ipctool.prom"
		bg_start ipctool metrics --textfile "$dir" --interval 0.01
		wait_for "[ -e '$dir/ipctool.prom' ]" || fail "no file written"
		kill -TERM "$BG_PID"
		wait_exit "$BG_PID"
		assert_equal "$EXIT_RC" 0
		assert_equal "$(ls -A "$dir")" ipctool.prom
	done
}

@test "alert rules: promtool check rules and their unit tests pass" {
	run promtool check rules "$BATS_TEST_DIRNAME/../examples/prometheus/ipc-alerts.yml"
	assert_success
	assert_output --partial "SUCCESS: 4 rules found"
	run promtool test rules "$BATS_TEST_DIRNAME/metrics-alerts.test.yml"
	assert_success
}

@test "node_exporter's textfile collector serves the series, and Prometheus scrapes them" {
	dir=$BATS_TEST_TMPDIR/tf
	mkdir "$dir" "$BATS_TEST_TMPDIR/data"
	ipctool mkq >/dev/null
	ipctool mkq >/dev/null
	bg_start ipctool metrics --textfile "$dir" --interval 0.5
	wait_for "[ -e '$dir/ipctool.prom' ]" || fail "no file written"
	ne_port=$(free_port)
	bg_start prometheus-node-exporter --web.listen-address="127.0.0.1:$ne_port" \
		--collector.disable-defaults --collector.textfile --collector.textfile.directory="$dir" \
		>"$BATS_TEST_TMPDIR/ne.log" 2>&1
	ne=$BG_PID
	wait_for_secs 30 "http_get http://127.0.0.1:$ne_port/metrics >'$BATS_TEST_TMPDIR/scrape' || ! kill -0 $ne" ||
		fail "node_exporter did not answer in 30 s: $(tail -3 "$BATS_TEST_TMPDIR/ne.log")"
	kill -0 "$ne" || fail "node_exporter ended: $(tail -3 "$BATS_TEST_TMPDIR/ne.log")"
	output=$(cat "$BATS_TEST_TMPDIR/scrape")
	# node_exporter sorts labels by name
	assert_value 'ipc_objects{family="sysv",kind="queue"}' 2
	assert_value 'node_textfile_scrape_error' 0

	prom_port=$(free_port)
	cat >"$BATS_TEST_TMPDIR/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	scrape_configs:
	  - job_name: node
	    static_configs:
	      - targets: ['127.0.0.1:$ne_port']
	EOF
	bg_start prometheus --config.file="$BATS_TEST_TMPDIR/prometheus.yml" \
		--storage.tsdb.path="$BATS_TEST_TMPDIR/data" --web.listen-address="127.0.0.1:$prom_port" \
		>"$BATS_TEST_TMPDIR/prom.log" 2>&1
	prom=$BG_PID
	query="http://127.0.0.1:$prom_port/api/v1/query?query=ipc_objects%7Bkind%3D%22queue%22%2Cfamily%3D%22sysv%22%7D"
	wait_for_secs 90 "http_get '$query' >'$BATS_TEST_TMPDIR/answer' && grep -q '\"result\":\\[{' '$BATS_TEST_TMPDIR/answer' || ! kill -0 $prom" ||
		fail "Prometheus had no ipc_objects in 90 s: $(tail -3 "$BATS_TEST_TMPDIR/prom.log")"
	kill -0 "$prom" || fail "Prometheus ended: $(tail -3 "$BATS_TEST_TMPDIR/prom.log")"
	run jq -r '.data.result[0].value[1]' "$BATS_TEST_TMPDIR/answer"
	assert_output 2
}

@test "the Debian service's command writes a textfile promtool accepts; the timer runs it every 30 s, shipped disabled" {
	local debian=$BATS_TEST_DIRNAME/../debian
	exec_start=$(sed -n 's/^ExecStart=//p' "$debian/ipctool.ipctool-metrics.service")
	dir=$(sed -n 's/^ReadWritePaths=//p' "$debian/ipctool.ipctool-metrics.service")
	assert_equal "$dir" /var/lib/prometheus/node-exporter
	[[ $exec_start == "/usr/bin/ipctool metrics "*" --textfile $dir" ]] || fail "ExecStart is '$exec_start'"
	mkdir "$BATS_TEST_TMPDIR/tf"
	ipctool mkq >/dev/null
	# the same words, with the binary under test and a directory of ours
	read -ra words <<<"${exec_start/#\/usr\/bin\/ipctool/ipctool}"
	words[-1]=$BATS_TEST_TMPDIR/tf
	run_tool "${words[@]:1}"
	assert_success
	output=$(cat "$BATS_TEST_TMPDIR/tf/ipctool.prom")
	assert_promtool_clean
	assert_value "ipc_objects{ipcns=\"$(ns_inode $$)\",kind=\"queue\",family=\"sysv\"}" 1
	grep -qx 'OnUnitActiveSec=30s' "$debian/ipctool.ipctool-metrics.timer"
	grep -q 'dh_installsystemd --name=ipctool-metrics --no-enable --no-start' "$debian/rules"
}
