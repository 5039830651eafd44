#!/usr/bin/env bats
# POSIX shared memory: mkshm, shm-write, shm-read with a /name TARGET
# (ipctool(1) TARGET, ipctool-mkq(1), ipctool-shm-write(1), ipctool(1)).  Objects live as files in the private /dev/shm
# that tests/run mounts.

load helpers
bats_require_minimum_version 1.5.0

teardown() { common_teardown; }

shm_mode() { stat -c %a "/dev/shm/$1"; }
shm_bytes() { stat -c %s "/dev/shm/$1"; }

# --- mkshm -----------------------------------------------------------------

@test "mkshm /name prints the name alone and makes a 0600 object of that size in /dev/shm" {
	run_tool mkshm /seg --size 4K
	assert_success
	assert_output /seg
	[ -f /dev/shm/seg ]
	[ "$(shm_mode seg)" = 600 ]
	[ "$(shm_bytes seg)" = 4096 ]
	[ "$(ipctool shm-read /seg | tr -d '\0' | wc -c)" -eq 0 ]
}

@test "mkshm /name --mode is exact whatever the umask" {
	umask 077
	ipctool mkshm /a --size 64 --mode 644
	[ "$(shm_mode a)" = 644 ]
	umask 000
	ipctool mkshm /b --size 64 -p 0640
	[ "$(shm_mode b)" = 640 ]
}

@test "mkshm on an existing /name returns it unchanged" {
	ipctool mkshm /seg --size 100
	ipctool shm-write /seg keep
	run --separate-stderr ipctool mkshm /seg --size 50 --mode 666
	assert_success
	assert_output /seg
	assert_equal "$stderr" "ipctool: mkshm: POSIX shared memory object /seg exists and was left as it is; not applied: --mode 0666 (it has 0600), --size 50 (it has 100 bytes)"
	[ "$(shm_bytes seg)" = 100 ]
	[ "$(shm_mode seg)" = 600 ]
	run_tool shm-read /seg --length 4
	assert_success
	assert_output keep
}

@test "mkshm /name with a larger --size than the existing object fails naming both" {
	ipctool mkshm /seg --size 100
	run_tool mkshm /seg --size 1K
	assert_failure 1
	assert_equal "$stderr" "ipctool: mkshm: shared memory segment /seg is 100 bytes, smaller than --size 1024"
	[ "$(shm_bytes seg)" = 100 ]
}

@test "mkshm /name --exclusive fails on an existing object" {
	ipctool mkshm /seg --size 10
	run_tool mkshm /seg --size 10 --exclusive
	assert_error 1 mkshm "$(re_quote "shared memory segment /seg already exists")"
	run_tool mkshm /other --size 10 -X
	assert_success
}

@test "mkshm waits up to a second for an object of 0 bytes to be sized by its creator" {
	: >/dev/shm/zero
	start=$(date +%s%N)
	run_tool mkshm /zero --size 10
	end=$(date +%s%N)
	assert_error 1 mkshm "$(re_quote "/zero is 0 bytes, smaller than --size 10")"
	ms=$(( (end - start) / 1000000 ))
	[ "$ms" -ge 800 ]
	[ "$ms" -lt 10000 ]
	: >/dev/shm/late
	bg_start ipctool mkshm /late --size 64 >"$BATS_TEST_TMPDIR/out"
	pid=$BG_PID
	# Asleep between looks: it found the object still 0 bytes.
	wait_blocked "$pid" "$WCHAN_NANOSLEEP"
	truncate -s 64 /dev/shm/late
	wait_exit "$pid"
	assert_equal "$EXIT_RC" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" /late
}

@test "mkshm /name needs a valid --size and refuses bad names and extra arguments" {
	run_tool mkshm /seg
	assert_error 2 mkshm "$(re_quote "missing --size")"
	run_tool mkshm /seg --size 0
	assert_failure 2
	run_tool mkshm /seg --size 10 extra
	assert_error 2 mkshm "$(re_quote "unexpected argument 'extra'")"
	run_tool mkshm / --size 10
	assert_error 2 mkshm "$(re_quote "invalid POSIX name '/'")"
	run_tool mkshm /a/b --size 10
	assert_error 2 mkshm "$(re_quote "no '/' may follow the first")"
	run_tool mkshm "/$(printf 'x%.0s' {1..256})" --size 10
	assert_error 2 mkshm "$(re_quote "longer than 255")"
	run_tool mkshm /seg --key 1 --size 10
	assert_error 2 mkshm "$(re_quote "unexpected argument '/seg'")"
	[ -z "$(ls /dev/shm)" ]
}

@test "a name of 255 characters is accepted" {
	name=$(printf 'n%.0s' {1..255})
	run_tool mkshm "/$name" --size 10
	assert_success
	assert_output "/$name"
	[ -f "/dev/shm/$name" ]
}

# --- shm-write / shm-read ----------------------------------------------------

@test "shm-write /name DATA then shm-read gives the bytes back, with offsets" {
	ipctool mkshm /seg --size 10
	run_tool shm-write /seg 0123456789
	assert_success
	assert_output ""
	run_tool shm-read /seg
	assert_success
	assert_output 0123456789
	ipctool shm-write /seg --offset 2 ab
	run_tool shm-read /seg --offset 1 --length 4
	assert_success
	assert_output 1ab4
	run_tool shm-read /seg --offset 10
	assert_success
	assert_output ""
}

@test "shm-write /name --string and shm-read --string" {
	ipctool mkshm /seg --size 8
	ipctool shm-write /seg xxxxxxxx
	printf abc | ipctool shm-write /seg --string
	run bash -c "ipctool shm-read /seg | od -An -c | tr -s ' '"
	assert_success
	assert_output " a b c \\0 x x x x"
	run_tool shm-read /seg --string
	assert_success
	assert_output abc
}

@test "shm-read /name --hex matches hexdump -C, with absolute offsets" {
	ipctool mkshm /seg --size 100
	head -c 100 /dev/urandom | ipctool shm-write /seg
	ipctool shm-read /seg >"$BATS_TEST_TMPDIR/raw"
	cmp "$BATS_TEST_TMPDIR/raw" /dev/shm/seg
	run_tool shm-read /seg --hex --offset 5 --length 40
	assert_success
	assert_output "$(hexdump -C -s 5 -n 40 "$BATS_TEST_TMPDIR/raw")"
}

@test "a 1 MiB random round trip through /name is byte for byte, from a file and from a pipe" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	ipctool mkshm /big --size 1M
	ipctool shm-write /big <"$BATS_TEST_TMPDIR/in"
	ipctool shm-read /big >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" /dev/shm/big
	ipctool shm-write /big "$(printf 'x%.0s' {1..100})"
	cat "$BATS_TEST_TMPDIR/in" | ipctool shm-write /big
	ipctool shm-read /big | cmp - "$BATS_TEST_TMPDIR/in"
}

@test "shm-write /name refuses what does not fit and leaves the object unchanged" {
	ipctool mkshm /seg --size 8
	ipctool shm-write /seg 12345678
	cp /dev/shm/seg "$BATS_TEST_TMPDIR/before"
	run_tool shm-write /seg --offset 4 abcde
	assert_failure 1
	assert_equal "$stderr" "ipctool: shm-write: DATA (5 bytes) does not fit in shared memory segment /seg (8 bytes) from offset 4; nothing was written"
	run bash -c "printf abcdefghi | ipctool shm-write /seg"
	assert_failure 1
	assert_output --partial "standard input (more than 8 bytes) does not fit"
	printf abcdefg >"$BATS_TEST_TMPDIR/in"
	run_tool shm-write /seg --offset 2 <"$BATS_TEST_TMPDIR/in"
	assert_error 1 shm-write "$(re_quote "standard input (7 bytes) does not fit")"
	run_tool shm-write /seg --string 12345678
	assert_error 1 shm-write "$(re_quote "(8 bytes and a NUL) does not fit")"
	cmp "$BATS_TEST_TMPDIR/before" /dev/shm/seg
	[ "$(shm_bytes seg)" = 8 ]
}

@test "an --offset or --length outside /name fails naming its size" {
	ipctool mkshm /seg --size 100
	run_tool shm-write /seg --offset 101 x
	assert_error 1 shm-write "$(re_quote "--offset 101 is past the end of shared memory segment /seg (100 bytes)")"
	run_tool shm-read /seg --offset 98 --length 3
	assert_error 1 shm-read "$(re_quote "passes the end of shared memory segment /seg (100 bytes)")"
}

@test "an object of 0 bytes reads as nothing" {
	: >/dev/shm/empty
	run_tool shm-read /empty
	assert_success
	assert_output ""
	run_tool shm-write /empty ""
	assert_success
	run_tool shm-write /empty x
	assert_error 1 shm-write "$(re_quote "(0 bytes)")"
}

@test "a missing /name, or one of another kind, is named in the error" {
	run_tool shm-read /nope
	assert_failure 1
	assert_equal "$stderr" "ipctool: shm-read: no shared memory segment /nope"
	run_tool shm-write /nope x
	assert_failure 1
	assert_equal "$stderr" "ipctool: shm-write: no shared memory segment /nope"
	ipctool mksem /lock
	run_tool shm-read /lock
	assert_failure 1
	assert_equal "$stderr" "ipctool: shm-read: no shared memory segment /lock (it names a semaphore)"
	mkdir /dev/shm/dir
	run_tool shm-read /dir
	assert_failure 1
	assert_equal "$stderr" "ipctool: shm-read: /dir in /dev/shm is a directory, not a shared memory segment"
}

@test "bad names are usage errors for shm-read and shm-write" {
	for name in / /a/b "/$(printf 'x%.0s' {1..256})"; do
		run_tool shm-read "$name"
		assert_failure 2
		run_tool shm-write "$name" x
		assert_failure 2
	done
}

@test "with read permission only (0644), shm-read /name works as nobody and shm-write fails" {
	need_root
	ipctool mkshm /seg --size 16 --mode 644
	ipctool shm-write /seg secret
	run as_nobody ipctool shm-read /seg --string
	assert_success
	assert_output secret
	run as_nobody ipctool shm-write /seg other
	assert_failure 1
	assert_output "ipctool: shm-write: cannot open shared memory segment /seg for writing: Permission denied"
	run_tool shm-read /seg --string
	assert_success
	assert_output secret
	ipctool mkshm /private --size 16
	run as_nobody ipctool shm-read /private
	assert_failure 1
	assert_output "ipctool: shm-read: cannot open shared memory segment /private: Permission denied"
}

@test "a write that finds /dev/shm full fails cleanly instead of dying of SIGBUS" {
	need_root
	run unshare --mount --propagation private sh -c '
		mount -t tmpfs -o size=1m tmpfs /dev/shm &&
		ipctool mkshm /big --size 4M &&
		head -c 2M /dev/zero | ipctool shm-write /big'
	assert_failure 1
	assert_output --partial "cannot find memory for 2097152 bytes of shared memory segment /big; nothing was written"
}

# --- --lock --------------------------------------------------------------------

@test "--lock /name takes the POSIX semaphore around the access, gives it back and warns" {
	ipctool mkshm /seg --size 16
	ipctool mksem /lock --value 1
	run_tool shm-write /seg --lock /lock locked
	assert_success
	assert_equal "$stderr" "ipctool: shm-write: warning: --lock /lock: a POSIX semaphore has no undo: if ipctool is killed (SIGKILL) while holding it, it stays taken"
	run --separate-stderr ipctool shm-read /seg --lock /lock --string
	assert_success
	assert_output locked
	[[ $stderr == *"no undo"* ]]
	run_tool sem-p /lock --nowait
	assert_success
	run_tool sem-p /lock --nowait
	assert_failure 3
}

@test "--lock /name waits while another holds it" {
	ipctool mkshm /seg --size 16
	ipctool mksem /lock --value 1
	ipctool shm-write /seg before
	ipctool sem-p /lock
	run timeout 0.5 ipctool shm-write /seg --lock /lock after
	assert_failure 124
	run_tool shm-read /seg --length 6
	assert_success
	assert_output before
	bg_start ipctool shm-write /seg --lock /lock after
	ipctool sem-v /lock
	wait_for '[ "$(ipctool shm-read /seg --length 5)" = after ]'
	run_tool shm-read /seg --lock /lock --length 5
	assert_success
	assert_output --partial after
	run_tool sem-p /lock --nowait
	assert_success
}

@test "--lock on a missing /name fails before standard input is read; a System V set still works with /name" {
	ipctool mkshm /seg --size 16
	run timeout 5 ipctool shm-write /seg --lock /nope
	assert_failure 1
	assert_output "ipctool: shm-write: no semaphore /nope"
	sem=$(ipctool mksem --value 1)
	run_tool shm-write /seg --lock "$sem" sysv
	assert_success
	assert_output ""
	run_tool shm-read /seg --lock "$sem" --string
	assert_success
	assert_output sysv
}

@test "shm-write and shm-read --help mention /name for --lock" {
	run_tool shm-write --help
	assert_success
	assert_output --partial "/name"
	run_tool shm-read --help
	assert_success
	assert_output --partial "/name"
}

# --- completions -----------------------------------------------------------------

@test "the completions offer POSIX /names from /dev/shm: segments for shm-*, semaphores for sem-* and --lock" {
	comp=$(cd "$(dirname "$BATS_TEST_FILENAME")/../completions" && pwd)
	ipctool mkshm /seg --size 10
	ipctool mksem /lock
	run bash_complete ipctool shm-read /
	assert_success
	assert_output /seg
	run bash_complete ipctool sem-p ""
	assert_success
	assert_output /lock
	run bash_complete ipctool shm-write /seg --lock /
	assert_success
	assert_output /lock
	run env XDG_CONFIG_HOME="$BATS_TEST_TMPDIR" XDG_DATA_HOME="$BATS_TEST_TMPDIR" \
		fish --no-config -c "source $comp/ipctool.fish; complete -C'ipctool sem-v /'"
	assert_success
	assert_output --partial /lock
	refute_output --partial /seg
	run zsh -n "$comp/_ipctool"
	assert_success
}
