#!/usr/bin/env bats
# list and rm of POSIX objects: queues through the namespace's mqueue mount,
# shared memory and named semaphores in /dev/shm (ipctool(1) TARGET, ipctool-list(1), ipctool(1)).
# Objects are made here with python3's ctypes, not with ipctool.

load helpers

# common_teardown leaves dot files and directories in /dev/shm.
teardown() {
	rm -rf /dev/shm/.[!.]* /dev/shm/* 2>/dev/null || true
	common_teardown
}

# mkpq NAME [MESSAGE...]: a queue of 4 messages of 64 bytes, 0600.
mkpq() {
	python3 - "$@" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
class Attr(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long), ("msgsize", ctypes.c_long),
                ("curmsgs", ctypes.c_long), ("pad", ctypes.c_long * 4)]
attr = Attr(0, 4, 64, 0)
os.umask(0)
fd = libc.mq_open(os.fsencode(sys.argv[1]), os.O_CREAT | os.O_RDWR, 0o600, ctypes.byref(attr))
if fd < 0:
    sys.exit("mq_open: " + os.strerror(ctypes.get_errno()))
for m in sys.argv[2:]:
    if libc.mq_send(fd, m.encode(), len(m), 0) != 0:
        sys.exit("mq_send: " + os.strerror(ctypes.get_errno()))
PY
}
# mkpsem NAME [VALUE]: a named semaphore, 0600.
mkpsem() {
	python3 - "$@" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.sem_open.restype = ctypes.c_void_p
os.umask(0)
value = int(sys.argv[2]) if len(sys.argv) > 2 else 0
p = libc.sem_open(os.fsencode(sys.argv[1]), os.O_CREAT, 0o600, value)
if p is None or p == ctypes.c_void_p(-1).value:
    sys.exit("sem_open: " + os.strerror(ctypes.get_errno()))
PY
}
# mkpshm NAME SIZE: a shared memory object, 0600.
mkpshm() { head -c "$2" /dev/zero > "/dev/shm/${1#/}"; chmod 600 "/dev/shm/${1#/}"; }

mq_dir() { echo "$IPCTOOL_TEST_MQUEUE"; }

@test "list shows POSIX queues, shared memory and semaphores beside System V, under titles" {
	ipcmk -Q >/dev/null
	mkpq /jobs hello world
	mkpshm /seg 100
	mkpsem /lock 3
	run_tool list
	assert_success
	assert_line "Message queues:"
	assert_line "POSIX message queues:"
	assert_line "POSIX shared memory:"
	assert_line "POSIX semaphores:"
	assert_line --regexp '^NAME +PERMS +OWNER USEDBYTES MSGS MAXMSGS MSGSIZE NOTIFYPID$'
	assert_line --regexp '^/jobs rw------- root +10 +2 +4 +64 +0$'
	assert_line --regexp '^NAME PERMS +OWNER SIZE MTIME +$|^NAME PERMS +OWNER SIZE MTIME$'
	assert_line --regexp '^/seg +rw------- root +100 [0-9]{4}-[0-9]{2}-[0-9]{2}T'
	assert_line --regexp '^NAME +PERMS +OWNER SVAL$'
	assert_line --regexp '^/lock rw------- root +3$'
}

@test "--posix lists POSIX objects only, --sysv System V only, both together both" {
	ipcmk -Q >/dev/null
	mkpq /q1
	run_tool list --posix --queues -r --noheadings
	assert_success
	assert_output --regexp '^/q1 rw------- root 0 0 4 64 0$'
	run_tool list --sysv --queues -r --noheadings -o ID
	assert_success
	assert_output --regexp '^[0-9]+$'
	run_tool list --sysv --posix --queues -r --noheadings -o OWNER
	assert_success
	assert_output "queue root
posix-queue root"
}

@test "objects are sorted by name; directories, symlinks and sem.* files are not shared memory" {
	mkpshm /b 1; mkpshm /a 2; mkpshm /.hidden 3
	mkdir /dev/shm/adir
	ln -s /dev/shm/a /dev/shm/alink
	mkpsem /s
	run_tool list --posix --shm -r --noheadings -o NAME,SIZE
	assert_success
	assert_output "/.hidden 3
/a 2
/b 1"
	run_tool list --posix --sems -r --noheadings -o NAME
	assert_success
	assert_output "/s"
}

@test "a queue's notify pid, bytes and messages; every queue column" {
	mkpq /n abc
	bg_start python3 -c '
import ctypes, sys, time
libc = ctypes.CDLL(None)
fd = libc.mq_open(b"/n", 0)
ev = ctypes.create_string_buffer(64)
ctypes.c_int.from_buffer(ev, 12).value = 1        # sigev_notify = SIGEV_NONE
assert libc.mq_notify(fd, ev) == 0
print("ready", flush=True)
time.sleep(30)' > "$BATS_TEST_TMPDIR/ready"
	pid=$BG_PID
	wait_for 'grep -q ready "$BATS_TEST_TMPDIR/ready"'
	run_tool list --posix -q -r --noheadings -o NAME,USEDBYTES,MSGS,MAXMSGS,MSGSIZE,NOTIFYPID
	assert_success
	assert_output "/n 3 1 4 64 $pid"
	# Listing takes nothing.
	[ "$(grep -o 'QSIZE:[0-9]*' "$(mq_dir)/n")" = QSIZE:3 ]
}

@test "--json: one document, numbers as numbers, times twice, POSIX arrays by kind" {
	mkpq /q x
	mkpshm /m 4096
	mkpsem /s 7
	run_tool list --posix --json -o +MTIME,UID,GID,USER,GROUP
	assert_success
	echo "$output" | jq -e '.posixmessages[0] | .name == "/q" and .msgs == 1 and .usedbytes == 1 and .maxmsgs == 4 and .notifypid == 0'
	echo "$output" | jq -e '.posixmessages[0].mtime_epoch | type == "number"'
	echo "$output" | jq -e '.posixsharedmemory[0] | .size == 4096 and .uid == 0 and .user == "root" and .group == "root"'
	echo "$output" | jq -e '.posixsharedmemory[0].mtime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$")'
	echo "$output" | jq -e '.posixsemaphores[0].sval == 7'
	run_tool list --json
	assert_success
	echo "$output" | jq -e 'keys == ["messages","posixmessages","posixsemaphores","posixsharedmemory","semaphores","sharedmemory"]'
}

@test "--raw and --export carry a TYPE; --noheadings drops headers and titles" {
	mkpq /q; mkpshm /m 1; mkpsem /s
	run_tool list --posix --raw -o NAME
	assert_success
	assert_line "TYPE NAME"
	assert_line "posix-queue /q"
	assert_line "posix-shm /m"
	assert_line "posix-sem /s"
	run_tool list --posix --shm --export -o NAME,SIZE
	assert_success
	assert_output 'NAME="/m" SIZE="1"'
	run_tool list --posix --noheadings
	assert_success
	refute_line --partial NAME
	refute_line --partial POSIX
	[ "${#lines[@]}" -eq 3 ]
}

@test "--output: POSIX columns pick the POSIX family; columns of another family are refused" {
	ipcmk -M 10 >/dev/null
	mkpshm /m 5
	run_tool list -r -o NAME,SIZE
	assert_success
	assert_output "NAME SIZE
/m 5"
	run_tool list -r -o ID,SIZE
	assert_success
	assert_output --regexp '^ID SIZE
[0-9]+ 10$'
	run_tool list --posix -o KEY
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "ipctool: list: column KEY is not shown for POSIX message queues, POSIX shared memory objects, POSIX semaphores (it belongs to message queues, shared memory segments, semaphore sets)"
	run_tool list --queues -o SVAL
	assert_failure 2
	assert_regex "${stderr_lines[0]}" "$(re_quote "column SVAL is not shown for POSIX message queues (it belongs to POSIX semaphores)")"
	run_tool list --posix -q -o CTIME
	assert_failure 2
}

@test "every POSIX column in every mode" {
	mkpq /q a; mkpshm /m 3; mkpsem /s 1
	all=$(ipctool list --output help | awk '{ print $1 }' | paste -sd,)
	posix=$(ipctool list --output help | grep -v -e '(System V' -e '(message queues' -e '(shared memory segments' \
		-e '(semaphore sets' | awk '{ print $1 }' | paste -sd,)
	for mode in "" --json --raw --export; do
		run_tool list --posix -o "$posix" $mode
		assert_success
		run_tool list -o "$all" $mode
		assert_success
	done
	run_tool list -o "$all" --json
	assert_success
	echo "$output" | jq -e '.posixmessages[0] | has("notifypid") and has("mtime_epoch") and (has("ctime") | not)'
	echo "$output" | jq -e '.posixsemaphores[0] | has("sval") and has("ctime_epoch")'
}

@test "--user filters POSIX objects by owner" {
	need_root
	mkpshm /mine 1
	mkpshm /theirs 1
	chown nobody /dev/shm/theirs
	run_tool list --posix --shm -r --noheadings -o NAME --user nobody
	assert_success
	assert_output /theirs
	run_tool list --posix --shm -r --noheadings -o NAME --user 0
	assert_success
	assert_output /mine
}

@test "values nobody may read are empty, null in JSON; the rows are listed all the same" {
	need_root
	mkpq /q abc
	mkpsem /s 2
	run as_nobody ipctool list --posix --json
	assert_success
	echo "$output" | jq -e '.posixmessages[0] | .name == "/q" and .msgs == null and .usedbytes == null and .owner == "root"'
	echo "$output" | jq -e '.posixsemaphores[0] | .name == "/s" and .sval == null'
}

@test "list /name shows every detail of a queue, a segment, a semaphore" {
	mkpq /q hello
	mkpshm /m 10
	mkpsem /s 4
	run_tool list /q
	assert_success
	assert_line --index 0 "POSIX message queue /q:"
	assert_line --index 1 --regexp '^NAME +/q$'
	assert_line --regexp '^MSGS +1$'
	assert_line --regexp '^USEDBYTES +5$'
	assert_line --regexp '^MSGSIZE +64$'
	run_tool list /m
	assert_success
	assert_line --index 0 "POSIX shared memory object /m:"
	assert_line --regexp '^SIZE +10$'
	run_tool list /s --json
	assert_success
	echo "$output" | jq -e '.posixsemaphores == [.posixsemaphores[0]] and .posixsemaphores[0].sval == 4 and .posixsemaphores[0].name == "/s"'
}

@test "list /name used by two kinds shows both, each with its kind; a kind option picks one" {
	mkpq /x
	mkpsem /x 1
	run --separate-stderr ipctool list /x
	assert_success
	assert_equal "$stderr" ""
	assert_line --regexp '^POSIX message queue /x:$'
	assert_line --regexp '^POSIX semaphore /x:$'
	run_tool list /x --sems -r --noheadings
	assert_success
	assert_output --partial "/x"
	run_tool list /x --shm
	assert_failure 1
	assert_equal "$stderr" "ipctool: list: no POSIX shared memory objects named /x"
}

@test "list /missing is status 1" {
	run_tool list /missing
	assert_failure 1
	assert_equal "$stderr" "ipctool: list: no POSIX object named /missing"
}

@test "bad names are usage errors, for list and rm" {
	long=/$(printf 'a%.0s' $(seq 256))
	for sub in list rm; do
		for name in thing / //x /a/b /. /.. "$long"; do
			run_tool $sub "$name"
			assert_failure 2
			assert_equal "${stderr_lines[1]}" "Try 'ipctool $sub --help' for more information."
		done
	done
	run_tool list /a/b
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "ipctool: list: invalid POSIX name '/a/b': no '/' may follow the first"
	run_tool rm "$long"
	assert_failure 2
	assert_regex "${stderr_lines[0]}" "$(re_quote "longer than 255 characters")"
	ok=/$(printf 'a%.0s' $(seq 255))
	run_tool list "$ok"
	assert_failure 1
}

@test "contradictions: family options against the TARGET, --peek, --limits --posix" {
	mkpq /q
	run_tool list /q --sysv
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "ipctool: list: /q is a POSIX object: --sysv contradicts it"
	run_tool list 0 --posix
	assert_failure 2
	run_tool list /q --peek
	assert_failure 2
	assert_regex "${stderr_lines[0]}" "$(re_quote "not supported for POSIX queues")"
	run_tool list --limits --posix
	assert_failure 2
	run_tool rm /q --posix
	assert_failure 2
	run_tool rm /q --sysv
	assert_failure 2
	[ -e "$(mq_dir)/q" ]
}

@test "without an mqueue mount: list warns once and lists the rest; queues alone fail" {
	mkpq /q
	mkpshm /m 1
	ipcmk -Q >/dev/null
	# Every mqueue mount goes, not only the test's own: on a machine that
	# mounts /dev/mqueue itself, the test's mount is stacked on top of it.
	nomq() {
		unshare --mount --propagation private sh -c '
			while m=$(awk "/ - mqueue /{print \$5; exit}" /proc/self/mountinfo) && [ -n "$m" ]; do
				umount "$m" || exit 1
			done
			exec "$@"' _ "$@"
	}
	run nomq ipctool list --posix -r --noheadings -o NAME
	assert_success
	assert_line --index 0 "ipctool: list: POSIX message queues are not listed: no mqueue file system is mounted (mount -t mqueue none /dev/mqueue)"
	assert_line --index 1 "posix-shm /m"
	[ "${#lines[@]}" -eq 2 ]
	run nomq ipctool list --posix --queues
	assert_failure 1
	assert_output --partial "cannot list POSIX message queues: no mqueue file system is mounted"
	run nomq ipctool list --queues --noheadings -r -o OWNER
	assert_success
	assert_line "root"
	# A named queue is still found, and removed.
	run nomq ipctool list /q
	assert_success
	assert_line --regexp '^MAXMSGS +4$'
	run nomq ipctool rm --all --posix
	assert_failure 1
	assert_output --partial "cannot find the POSIX message queues: no mqueue file system is mounted"
	[ ! -e /dev/shm/m ]
	[ -e "$(mq_dir)/q" ]
	run nomq ipctool rm /q
	assert_success
	[ ! -e "$(mq_dir)/q" ]
}

@test "rm /name removes a queue, a segment, a semaphore, kind inferred" {
	mkpq /q; mkpshm /m 1; mkpsem /s
	run_tool rm /q /m /s
	assert_success
	assert_output ""
	[ ! -e "$(mq_dir)/q" ]
	[ ! -e /dev/shm/m ]
	[ ! -e /dev/shm/sem.s ]
}

@test "rm /name used by two kinds is refused; --queues, --shm, --sems say which" {
	mkpq /x; mkpshm /x 1; mkpsem /x
	run_tool rm /x
	assert_failure 1
	assert_equal "$stderr" "ipctool: rm: /x names a POSIX message queue, a POSIX shared memory object and a POSIX semaphore: add --queues or --shm or --sems to say which"
	[ -e "$(mq_dir)/x" ]
	[ -e /dev/shm/x ]
	[ -e /dev/shm/sem.x ]
	run_tool rm /x --sems
	assert_success
	[ ! -e /dev/shm/sem.x ]
	[ -e /dev/shm/x ]
	run_tool rm /x --shm
	assert_success
	run_tool rm /x --queues
	assert_success
	[ ! -e "$(mq_dir)/x" ]
	[ ! -e /dev/shm/x ]
}

@test "rm of a missing /name goes on with the others and exits 1" {
	mkpshm /m 1
	id=$(ipctool mkq)
	run_tool rm /nope /m "$id"
	assert_failure 1
	assert_equal "$stderr" "ipctool: rm: no POSIX object named /nope"
	run_tool rm /gone --sems
	assert_failure 1
	assert_equal "$stderr" "ipctool: rm: no POSIX semaphore named /gone"
	[ ! -e /dev/shm/m ]
	[ "$(count_queues)" -eq 0 ]
}

@test "rm --all is System V only; --posix POSIX only; --sysv --posix both" {
	mkpq /q; mkpshm /m 1; mkpsem /s
	ipcmk -Q >/dev/null; ipcmk -M 10 >/dev/null
	run_tool rm --all
	assert_success
	[ "$(count_queues)" -eq 0 ]
	[ "$(count_shm)" -eq 0 ]
	[ -e "$(mq_dir)/q" ]
	[ -e /dev/shm/m ]
	[ -e /dev/shm/sem.s ]
	ipcmk -Q >/dev/null
	run_tool rm --all --posix
	assert_success
	[ "$(count_queues)" -eq 1 ]
	[ -z "$(ls -A "$(mq_dir)")" ]
	[ -z "$(ls -A /dev/shm)" ]
	mkpq /q; mkpsem /s
	run_tool rm --all --sysv --posix
	assert_success
	[ "$(count_queues)" -eq 0 ]
	[ -z "$(ls -A "$(mq_dir)")" ]
	[ -z "$(ls -A /dev/shm)" ]
}

@test "rm --all --posix with kind options removes those kinds only" {
	mkpq /q; mkpshm /m 1; mkpsem /s
	run_tool rm --all --posix --shm --sems
	assert_success
	[ -e "$(mq_dir)/q" ]
	[ ! -e /dev/shm/m ]
	[ ! -e /dev/shm/sem.s ]
}

@test "rm --dry-run says which POSIX objects would go and removes nothing" {
	mkpq /q; mkpshm /m 1; mkpsem /s 2
	run_tool rm --all --posix --dry-run
	assert_success
	assert_output "would remove POSIX message queue /q
would remove POSIX shared memory object /m
would remove POSIX semaphore /s"
	run_tool rm /m --dry-run
	assert_success
	assert_output "would remove POSIX shared memory object /m"
	[ -e "$(mq_dir)/q" ]
	[ -e /dev/shm/m ]
	[ -e /dev/shm/sem.s ]
}

@test "rm --all --posix --user removes only that user's" {
	need_root
	mkpshm /mine 1; mkpshm /theirs 1
	chown nobody /dev/shm/theirs
	run_tool rm --all --posix --user nobody
	assert_success
	[ -e /dev/shm/mine ]
	[ ! -e /dev/shm/theirs ]
}

@test "permission denied as nobody: status 1 naming the object, object intact" {
	need_root
	mkpq /q; mkpshm /m 1; mkpsem /s
	run as_nobody ipctool rm /q /m /s
	assert_failure 1
	assert_line "ipctool: rm: cannot remove POSIX message queue /q: Permission denied"
	assert_line "ipctool: rm: cannot remove POSIX shared memory object /m: Permission denied"
	assert_line "ipctool: rm: cannot remove POSIX semaphore /s: Permission denied"
	run as_nobody ipctool rm --all --posix
	assert_failure 1
	[ -e "$(mq_dir)/q" ]
	[ -e /dev/shm/m ]
	[ -e /dev/shm/sem.s ]
}

@test "bash completion offers /names from /dev/shm and the mqueue mount" {
	mkpq /queue1; mkpshm /seg1 1; mkpsem /sem1
	run bash_complete ipctool rm /
	assert_success
	assert_line /queue1
	assert_line /seg1
	assert_line /sem1
	run bash_complete ipctool list /se
	assert_success
	assert_line /seg1
	assert_line /sem1
	refute_line /queue1
}

# ---- names that are not plain text --------------------------------------

# Objects whose names hold what a JSON string or a table line cannot carry
# as it is: bytes that are not UTF-8, control characters (C0, DEL, C1), a
# backslash before x, quotes; and UTF-8 text, shown as it is.
make_nasty_names() {
	for name in $'\xff\xfe' $'a\nb\x01c"\\d' 'x y' 'a\x41' 'b\' $'del\x7f' 'q"' $'\xc3\xa9t\xc3\xa9\xc2\x85'; do
		touch "/dev/shm/$name"
	done
	mkpsem $'/s\xff\n'
	mkpq $'/q\xfe\t'
}

# Strict UTF-8 (jq would replace bad bytes silently) and JSON both.
assert_valid_json() {
	run iconv -f UTF-8 -t UTF-8 <<<"$1"
	assert_success
	run jq -e . <<<"$1"
	assert_success
}

@test "list --posix --json is valid JSON whatever the names; UTF-8 names exact, others shown with name_base64" {
	make_nasty_names
	run_tool list --posix --json
	assert_success
	assert_valid_json "$output"
	json=$output
	# JSON's own escapes, read back by Python: the names themselves.
	run python3 -c '
import json, sys
for o in json.load(sys.stdin)["posixsharedmemory"]:
    print(ascii(o["name"]), o.get("name_base64", "-"))
' <<<"$json"
	assert_success
	assert_line "'/\\\\xff\\\\xfe' L//+"
	assert_line "'/a\\nb\\x01c\"\\\\d' -"
	assert_line "'/a\\\\x41' -"
	assert_line "'/b\\\\' -"
	assert_line "'/del\\x7f' -"
	assert_line "'/\\xe9t\\xe9\\x85' -"
	run jq -r '.posixsemaphores[].name, .posixmessages[].name' <<<"$json"
	assert_success
	assert_output $'/s\\xff\\x0a\n/q\\xfe\\x09'
	# The table shows every name printable, one line each.
	run_tool list --posix --shm -o NAME --noheadings
	assert_success
	assert_line '/\xc3\xa9t\xc3\xa9\xc2\x85'
	assert_line '/a\x0ab\x01c"\d'
	assert_equal "${#lines[@]}" 8
}

@test "every name list --json prints (name_base64 where it has one), given back to rm, removes its object" {
	make_nasty_names
	run_tool list --posix --json
	assert_success
	run python3 -c '
import base64, json, subprocess, sys
bad = 0
for objs in json.load(sys.stdin).values():
    for o in objs:
        name = base64.b64decode(o["name_base64"]) if "name_base64" in o else o["name"].encode()
        r = subprocess.run([b"ipctool", b"rm", name], capture_output=True)
        if r.returncode or r.stderr:
            bad += 1
            print(o, r.returncode, r.stderr)
print(bad, "failed")
' <<<"$output"
	assert_success
	assert_output "0 failed"
	run find /dev/shm "$(mq_dir)" -mindepth 1
	assert_success
	assert_output ""
}

@test "the table, --raw and --export show every name printable, each on one line" {
	make_nasty_names
	for mode in "" --raw --export; do
		for kind in --queues --shm --sems; do
			run_tool list --posix $kind $mode -o NAME --noheadings
			assert_success
			[ "$kind" != --shm ] || assert_equal "${#lines[@]}" 8
			[ "$kind" = --shm ] || assert_equal "${#lines[@]}" 1
			run bash -c 'LC_ALL=C grep -c "[[:cntrl:]]" <<<"$1"' _ "$output"
			assert_output 0
		done
	done
}

@test "a TARGET is the name as given: \\xHH in it is a backslash and three characters" {
	touch $'/dev/shm/\xff\n'
	run_tool list '/\xff\x0a'
	assert_only_error 1 list 'no POSIX object named /\\x5cxff\\x5cx0a$'
	# A backslash is a backslash, and \x2f no slash.
	touch '/dev/shm/a\x2fb'
	run_tool rm '/a\x2fb'
	assert_success
	touch '/dev/shm/c\d'
	run_tool rm '/c\d'
	assert_success
	# The name from the shell names it.
	run_tool rm $'/\xff\n'
	assert_success
	run find /dev/shm -mindepth 1
	assert_success
	assert_output ""
}

# utf8_of HEX: the UTF-8 bytes of code point U+HEX; shown_of HEX: those
# bytes in the shown form, \xHH each.
utf8_of() { python3 -c 'import sys; sys.stdout.write(chr(int(sys.argv[1], 16)))' "$1"; }
shown_of() { python3 -c 'import sys; print("".join("\\x%02x" % b for b in chr(int(sys.argv[1], 16)).encode()), end="")' "$1"; }

@test "Unicode format characters (U+202E...) are escaped in errors, in detail and in JSON, as in tables" {
	local name shown
	name="/rlo$(utf8_of 202e)txt.exe"
	shown='/rlo\xe2\x80\xaetxt.exe'
	ipctool mkq "$name" >/dev/null
	run_tool mkq "$name" --exclusive
	assert_only_error 1 mkq "$(re_quote "$shown") already exists"
	# In a UTF-8 locale too: libsmartcols would think U+202E printable.
	for locale in C C.UTF-8; do
		run --separate-stderr env LC_ALL=$locale ipctool list --posix --queues -r --noheadings -o NAME
		assert_success
		assert_output "$shown"
		run --separate-stderr env LC_ALL=$locale ipctool list "$name"
		assert_success
		assert_line --index 0 "POSIX message queue $shown:"
	done
	# JSON has the name itself: it is UTF-8.
	run_tool list --posix --queues --json
	assert_success
	assert_equal "$(jq -r '.posixmessages[0].name' <<<"$output")" "$name"
	run_tool rm "$name"
	assert_success
	# Every class: marks, embeddings, isolates, BOM, Arabic letter mark,
	# soft hyphen, separators, tags; U+00E9 (é) is no format character.
	for cp in 200b 200e 200f 202a 202c 2028 2029 2066 2069 feff 061c 00ad e0041; do
		run_tool rm "/f$(utf8_of "$cp")"
		assert_only_error 1 rm "no POSIX object named $(re_quote "/f$(shown_of "$cp")")\$"
	done
	run_tool rm "/f$(utf8_of e9)"
	assert_only_error 1 rm "no POSIX object named /f$(utf8_of e9)\$"
}

@test "every format character Python's unicodedata knows (category Cf) is escaped in an error" {
	# Python's own Unicode tables are the reference; names of 40 of them
	# each (an error quotes a name whole), with a letter between.
	run python3 - <<'PY'
import subprocess, unicodedata
chars = [chr(c) for c in range(0x80, 0x110000) if unicodedata.category(chr(c)) == "Cf"]
chars += ["\u2028", "\u2029"]
bad = 0
for at in range(0, len(chars), 40):
    group = chars[at:at + 40]
    name = "/" + "a".join(group)
    shown = "/" + "a".join("".join("\\x%02x" % b for b in c.encode()) for c in group)
    got = subprocess.run(["ipctool", "rm", name], capture_output=True).stderr.decode("utf-8", "replace")
    want = "ipctool: rm: no POSIX object named %s\n" % shown
    if got != want:
        bad += 1
        print("got  %r\nwant %r" % (got, want))
print("%d characters, %d groups wrong" % (len(chars), bad))
PY
	assert_success
	assert_output --regexp '^1[0-9]{2} characters, 0 groups wrong$'
}
