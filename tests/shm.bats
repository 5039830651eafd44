#!/usr/bin/env bats
# System V shared memory: mkshm, shm-write, shm-read (ipctool-mkq(1), ipctool-shm-write(1), ipctool(1)).

load helpers

teardown() { common_teardown; }

# Fields of /proc/sysvipc/shm for a key (decimal): perms and size.
shm_perms() { awk -v k="$1" '$1 == k { print $3 }' /proc/sysvipc/shm; }
shm_size() { awk -v k="$1" '$1 == k { print $4 }' /proc/sysvipc/shm; }

# --- mkshm -----------------------------------------------------------------

@test "mkshm with a key prints the id alone and makes a 0600 segment of that size" {
	run_tool mkshm --key 0x4d2 --size 4096
	assert_success
	assert_output --regexp '^[0-9]+$'
	[ "$(shm_perms 1234)" = 600 ]
	[ "$(shm_size 1234)" = 4096 ]
	run awk -v id="$output" '$2 == id { print $1 }' /proc/sysvipc/shm
	assert_success
	assert_output 1234
}

@test "mkshm without a target makes a new private segment each time" {
	a=$(ipctool mkshm --size 100)
	b=$(ipctool mkshm --size 100)
	[ "$a" != "$b" ]
	[ "$(count_shm)" -eq 2 ]
	run_tool shm-read "$a" --length 3 --hex
	assert_success
}

@test "mkshm --size takes K, M and G suffixes" {
	ipctool mkshm --key 1 --size 2K
	ipctool mkshm --key 2 --size 3M
	ipctool mkshm --key 3 --size 1G
	[ "$(shm_size 1)" = 2048 ]
	[ "$(shm_size 2)" = 3145728 ]
	[ "$(shm_size 3)" = 1073741824 ]
}

@test "mkshm --mode sets the permissions exactly, whatever the umask" {
	umask 077
	ipctool mkshm --key 0x10 --size 64 --mode 644
	[ "$(shm_perms 16)" = 644 ]
	ipctool mkshm --key 0x11 --size 64 -p 0640
	[ "$(shm_perms 17)" = 640 ]
}

@test "mkshm on an existing key returns the same id, unchanged" {
	a=$(ipctool mkshm --key 0x4d2 --size 4096)
	run --separate-stderr ipctool mkshm --key 1234 --size 4096 --mode 666
	assert_success
	assert_output "$a"
	assert_equal "$stderr" "ipctool: mkshm: shared memory segment id $a (key 0x000004d2) exists and was left as it is; not applied: --mode 0666 (it has 0600)"
	run --separate-stderr ipctool mkshm 0x4d2 --size 1K
	assert_success
	assert_output "$a"
	assert_equal "$stderr" "ipctool: mkshm: shared memory segment id $a (key 0x000004d2) exists and was left as it is; not applied: --size 1024 (it has 4096 bytes)"
	[ "$(shm_perms 1234)" = 600 ]
	[ "$(count_shm)" -eq 1 ]
}

@test "mkshm with a --size larger than the existing segment fails naming both sizes" {
	ipctool mkshm --key 0x4d2 --size 4096
	run_tool mkshm --key 0x4d2 --size 8K
	assert_error 1 mkshm "$(re_quote "key 0x000004d2 is 4096 bytes, smaller than --size 8192")"
	[ "$(shm_size 1234)" = 4096 ]
}

@test "mkshm --exclusive fails on an existing key and creates a new one" {
	ipctool mkshm --key 0x4d2 --size 64
	run_tool mkshm --key 0x4d2 --size 64 --exclusive
	assert_error 1 mkshm "$(re_quote "shared memory segment key 0x000004d2 already exists")"
	run_tool mkshm --key 0x4d3 --size 64 -X
	assert_success
	[ "$(count_shm)" -eq 2 ]
}

@test "mkshm --ftok makes the key ftok(3) gives" {
	run_tool mkshm --ftok "$BATS_TEST_TMPDIR:7" --size 64
	assert_success
	[ "$(count_shm)" -eq 1 ]
	run_tool mkshm --ftok "$BATS_TEST_TMPDIR:7" --size 64 --exclusive
	assert_error 1 mkshm "$(re_quote "--ftok $BATS_TEST_TMPDIR:7")"
}

@test "mkshm never creates by id" {
	run_tool mkshm 5 --size 64
	assert_error 2 mkshm "$(re_quote "never by id")"
	[ "$(count_shm)" -eq 0 ]
}

@test "mkshm with key 0 is a usage error" {
	run_tool mkshm --key 0 --size 64
	assert_error 2 mkshm "$(re_quote "IPC_PRIVATE")"
	run_tool mkshm 0x0 --size 64
	assert_failure 2
	[ "$(count_shm)" -eq 0 ]
}

@test "mkshm needs a valid --size" {
	run_tool mkshm --key 0x4d2
	assert_error 2 mkshm "$(re_quote "missing --size")"
	for bad in 0 -1 12abc 1.5K 1T "" " 5" +5 1e3 99999999999999999999; do
		run_tool mkshm --key 0x4d2 --size "$bad"
		assert_error 2 mkshm "$(re_quote "invalid --size value")"
	done
	[ "$(count_shm)" -eq 0 ]
}

@test "mkshm above shmmax fails naming the limit" {
	run_tool mkshm --key 0x4d2 --size 18446744073709551615
	assert_error 1 mkshm "$(re_quote "shmmax")"
}

@test "mkshm refuses a bad mode, extra arguments and two targets" {
	run_tool mkshm --key 1 --size 64 --mode 1777
	assert_failure 2
	run_tool mkshm --key 1 --size 64 --mode 9
	assert_failure 2
	run_tool mkshm --key 1 --size 64 extra
	assert_error 2 mkshm "$(re_quote "unexpected argument 'extra'")"
	run_tool mkshm --key 1 --ftok /tmp --size 64
	assert_error 2 mkshm "$(re_quote "two targets")"
	run_tool mkshm 0x1 --key 2 --size 64
	assert_error 2 mkshm "$(re_quote "unexpected argument '0x1'")"
	run_tool mkshm --size 64 --bogus
	assert_failure 2
	[ "$(count_shm)" -eq 0 ]
}

@test "mkshm --help shows its options" {
	run_tool mkshm --help
	assert_success
	assert_output --partial "--size"
	assert_output --partial "--exclusive"
}

# --- shm-write / shm-read ----------------------------------------------------

@test "shm-write DATA then shm-read gives the bytes back" {
	id=$(ipctool mkshm --size 16)
	run_tool shm-write "$id" hello
	assert_success
	assert_output ""
	run_tool shm-read "$id" --length 5
	assert_success
	assert_output hello
	[ "$(ipctool shm-read "$id" | wc -c)" -eq 16 ]
}

@test "shm-write --key takes the first argument as DATA" {
	ipctool mkshm --key 0x4d2 --size 16 >/dev/null
	ipctool shm-write --key 0x4d2 abc
	run_tool shm-read 0x4d2 --length 3
	assert_success
	assert_output abc
	run_tool shm-write --key 0x4d2 abc def
	assert_error 2 shm-write "$(re_quote "unexpected argument 'def'")"
}

@test "shm-write reads standard input from a pipe and from a file" {
	id=$(ipctool mkshm --size 32)
	printf 'from a pipe' | ipctool shm-write "$id"
	run_tool shm-read "$id" --length 11
	assert_success
	assert_output "from a pipe"
	printf 'from a file' >"$BATS_TEST_TMPDIR/in"
	ipctool shm-write "$id" --offset 16 <"$BATS_TEST_TMPDIR/in"
	run_tool shm-read "$id" --offset 16 --length 11
	assert_success
	assert_output "from a file"
}

@test "shm-write from a file starts at the file's current position" {
	id=$(ipctool mkshm --size 32)
	printf '0123456789' >"$BATS_TEST_TMPDIR/in"
	{ head -c 4 >/dev/null; ipctool shm-write "$id"; } <"$BATS_TEST_TMPDIR/in"
	run_tool shm-read "$id" --string
	assert_success
	assert_output 456789
}

@test "shm-write --offset writes there and nowhere else" {
	id=$(ipctool mkshm --size 8)
	ipctool shm-write "$id" AAAAAAAA
	ipctool shm-write "$id" --offset 2 bb
	run_tool shm-read "$id"
	assert_success
	assert_output AAbbAAAA
	ipctool shm-write "$id" -O 1K 2>/dev/null || true
	run_tool shm-read "$id"
	assert_success
	assert_output AAbbAAAA
}

@test "shm-write --string adds a terminating NUL" {
	id=$(ipctool mkshm --size 8)
	ipctool shm-write "$id" xxxxxxxx
	ipctool shm-write "$id" --string abc
	run bash -c "ipctool shm-read $id | od -An -c | tr -s ' '"
	assert_success
	assert_output " a b c \\0 x x x x"
	printf 'de' | ipctool shm-write "$id" --string --offset 5
	run bash -c "ipctool shm-read $id | od -An -c | tr -s ' '"
	assert_success
	assert_output " a b c \\0 x d e \\0"
}

@test "shm-write --string needs room for the NUL" {
	id=$(ipctool mkshm --size 4)
	run_tool shm-write "$id" abcd --string
	assert_error 1 shm-write "$(re_quote "(4 bytes and a NUL) does not fit")"
	run_tool shm-write "$id" --string --offset 4 ""
	assert_failure 1
	run_tool shm-write "$id" abcd
	assert_success
	run_tool shm-write "$id" --offset 4 ""
	assert_success
}

@test "shm-write refuses DATA that does not fit and leaves the segment unchanged" {
	id=$(ipctool mkshm --size 8)
	ipctool shm-write "$id" 12345678
	run_tool shm-write "$id" --offset 4 abcde
	assert_error 1 shm-write "$(re_quote "DATA (5 bytes) does not fit in shared memory segment id $id (8 bytes) from offset 4; nothing was written")"
	run_tool shm-read "$id"
	assert_success
	assert_output 12345678
}

@test "shm-write refuses standard input that does not fit, from a pipe or a file, changing nothing" {
	id=$(ipctool mkshm --size 8)
	ipctool shm-write "$id" 12345678
	run bash -c "printf abcdefghi | ipctool shm-write $id"
	assert_failure 1
	assert_output --partial "standard input (more than 8 bytes) does not fit"
	printf abcdefg >"$BATS_TEST_TMPDIR/in"
	run_tool shm-write "$id" --offset 2 <"$BATS_TEST_TMPDIR/in"
	assert_error 1 shm-write "$(re_quote "standard input (7 bytes) does not fit in shared memory segment id $id (8 bytes) from offset 2")"
	run_tool shm-read "$id"
	assert_success
	assert_output 12345678
}

@test "shm-write reads an endless stdin only as far as the room left" {
	id=$(ipctool mkshm --size 4K)
	run timeout 20 bash -c "yes | ipctool shm-write $id"
	assert_failure 1
	assert_output --partial "more than 4096 bytes"
	[ "$(ipctool shm-read "$id" | tr -d '\0' | wc -c)" -eq 0 ]
}

@test "shm-write of nothing from an empty stdin succeeds" {
	id=$(ipctool mkshm --size 4)
	ipctool shm-write "$id" abcd
	run_tool shm-write "$id" </dev/null
	assert_success
	run_tool shm-read "$id"
	assert_success
	assert_output abcd
}

@test "an --offset past the end fails naming the segment's size" {
	id=$(ipctool mkshm --size 100)
	run_tool shm-write "$id" --offset 101 x
	assert_error 1 shm-write "$(re_quote "--offset 101 is past the end of shared memory segment id $id (100 bytes)")"
	run_tool shm-read "$id" --offset 101
	assert_error 1 shm-read "$(re_quote "(100 bytes)")"
}

@test "shm-read --offset and --length pick the bytes" {
	id=$(ipctool mkshm --size 10)
	ipctool shm-write "$id" 0123456789
	run_tool shm-read "$id" --offset 3 --length 4
	assert_success
	assert_output 3456
	run_tool shm-read "$id" -O 7
	assert_success
	assert_output 789
	run_tool shm-read "$id" --length 2
	assert_success
	assert_output 01
	run_tool shm-read "$id" --offset 10
	assert_success
	assert_output ""
	run_tool shm-read "$id" --length 0
	assert_success
	assert_output ""
}

@test "shm-read past the end is an error naming the size, not a short read" {
	id=$(ipctool mkshm --size 10)
	run_tool shm-read "$id" --offset 8 --length 3
	assert_error 1 shm-read "$(re_quote "--length of 3 bytes from offset 8 passes the end of shared memory segment id $id (10 bytes)")"
	run_tool shm-read "$id" --length 11
	assert_error 1 shm-read "$(re_quote "(10 bytes)")"
}

@test "shm-read --string stops at the first NUL and adds a newline" {
	id=$(ipctool mkshm --size 16)
	ipctool shm-write "$id" --string "Linux programming"  2>/dev/null || ipctool shm-write "$id" --string "Linux prog"
	run bash -c "ipctool shm-read $id --string | od -An -c | tr -s ' '"
	assert_success
	assert_output " L i n u x p r o g \\n"
	ipctool shm-write "$id" 0123456789abcdef
	run bash -c "ipctool shm-read $id --string --offset 12 | od -An -c | tr -s ' '"
	assert_success
	assert_output " c d e f \\n"
}

@test "shm-read --hex matches hexdump -C" {
	id=$(ipctool mkshm --size 100)
	ipctool shm-write "$id" --offset 3 "Hello, shared memory!"
	ipctool shm-read "$id" >"$BATS_TEST_TMPDIR/raw"
	run_tool shm-read "$id" --hex
	assert_success
	assert_output "$(hexdump -C "$BATS_TEST_TMPDIR/raw")"
	assert_output --partial "*"
}

@test "shm-read --hex prints absolute offsets" {
	id=$(ipctool mkshm --size 100)
	head -c 100 /dev/urandom | ipctool shm-write "$id"
	ipctool shm-read "$id" >"$BATS_TEST_TMPDIR/raw"
	run_tool shm-read "$id" --hex --offset 5 --length 40
	assert_success
	assert_output "$(hexdump -C -s 5 -n 40 "$BATS_TEST_TMPDIR/raw")"
	[ "${lines[0]:0:8}" = 00000005 ]
	[ "${lines[-1]}" = 0000002d ]
}

@test "shm-read --string with --hex is a usage error" {
	id=$(ipctool mkshm --size 10)
	run_tool shm-read "$id" --string --hex
	assert_error 2 shm-read "$(re_quote "contradict")"
}

@test "shm-read: the same format twice is no contradiction" {
	id=$(ipctool mkshm --size 4)
	ipctool shm-write "$id" --string abc
	run_tool shm-read "$id" --hex --hex
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 0 --partial "61 62 63 00"
	run_tool shm-read "$id" --string -S
	assert_success
	assert_output abc
	run_tool shm-read "$id" --hex --string --hex
	assert_only_error 2 shm-read "--string and --hex contradict each other"
}

@test "a 1 MiB random round trip is byte for byte, from a file and from a pipe" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	id=$(ipctool mkshm --size 1M)
	ipctool shm-write "$id" <"$BATS_TEST_TMPDIR/in"
	ipctool shm-read "$id" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	ipctool shm-write "$id" "$(printf 'x%.0s' {1..100})"
	cat "$BATS_TEST_TMPDIR/in" | ipctool shm-write "$id"
	ipctool shm-read "$id" | cmp - "$BATS_TEST_TMPDIR/in"
}

@test "shm-read and shm-write bad numbers are usage errors" {
	id=$(ipctool mkshm --size 10)
	for opt in --offset --length; do
		for bad in -1 12abc "" 1.5 0x; do
			run_tool shm-read "$id" "$opt" "$bad"
			assert_error 2 shm-read "$(re_quote "invalid $opt value")"
		done
	done
	run_tool shm-write "$id" --offset x y
	assert_error 2 shm-write ""
}

@test "shm-read and shm-write need a target and take no extra argument" {
	run_tool shm-read
	assert_error 2 shm-read "$(re_quote "missing TARGET")"
	run_tool shm-write
	assert_failure 2
	id=$(ipctool mkshm --size 10)
	run_tool shm-read "$id" extra
	assert_failure 2
	run_tool shm-write "$id" a b
	assert_failure 2
	run_tool shm-read "$id" --bogus
	assert_failure 2
}

@test "a missing segment or one of another kind is named in the error" {
	run_tool shm-read 0x4d2
	assert_error 1 shm-read "$(re_quote "no shared memory segment with key 0x000004d2")"
	run_tool shm-write 999 x
	assert_error 1 shm-write "$(re_quote "no shared memory segment with id 999")"
	ipctool mksem --key 0x77 >/dev/null
	run_tool shm-read --key 0x77
	assert_error 1 shm-read "$(re_quote "(it names a semaphore set)")"
}

@test "with read permission only, shm-read works and shm-write fails" {
	need_root
	id=$(ipctool mkshm --size 16 --mode 644)
	ipctool shm-write "$id" secret
	run as_nobody ipctool shm-read "$id" --string
	assert_success
	assert_output secret
	run as_nobody ipctool shm-write "$id" other
	assert_failure 1
	assert_output --partial "cannot attach shared memory segment id $id for writing: Permission denied"
	run_tool shm-read "$id" --string
	assert_success
	assert_output secret
	id2=$(ipctool mkshm --size 16 --mode 600)
	run as_nobody ipctool shm-read "$id2"
	assert_failure 1
	assert_output --partial "Permission denied"
}

# --- --lock --------------------------------------------------------------------

@test "--lock takes semaphore 0 around the access and gives it back" {
	id=$(ipctool mkshm --size 16)
	sem=$(ipctool mksem --value 1)
	run_tool shm-write "$id" --lock "$sem" locked
	assert_success
	[ "$(sem_value "$sem")" = 1 ]
	run_tool shm-read "$id" --lock "$sem" --string
	assert_success
	assert_output locked
	[ "$(sem_value "$sem")" = 1 ]
}

@test "--lock waits while another holds the semaphore" {
	id=$(ipctool mkshm --size 16)
	sem=$(ipctool mksem --value 1)
	ipctool shm-write "$id" before
	ipctool sem-p "$sem"
	run timeout 0.5 ipctool shm-write "$id" --lock "$sem" after
	assert_failure 124
	run timeout 0.5 ipctool shm-read "$id" --lock "$sem"
	assert_failure 124
	run_tool shm-read "$id" --length 6
	assert_success
	assert_output before
	bg_start ipctool shm-write "$id" --lock "$sem" after
	ipctool sem-v "$sem"
	wait_for '[ "$(ipctool shm-read "$id" --length 5)" = after ]'
	run_tool shm-read "$id" --lock "$sem" --length 5
	assert_success
	assert_output after
	[ "$(sem_value "$sem")" = 1 ]
}

@test "--lock on a missing set fails before standard input is read" {
	id=$(ipctool mkshm --size 16)
	run timeout 5 ipctool shm-write "$id" --lock 0x99
	assert_failure 1
	assert_output --partial "no semaphore set with key 0x00000099"
	run_tool shm-read "$id" --lock 4242
	assert_error 1 shm-read "$(re_quote "no semaphore set with id 4242")"
}

@test "--lock with a bad value is a usage error" {
	id=$(ipctool mkshm --size 16)
	run_tool shm-read "$id" --lock nonsense
	assert_failure 2
	run_tool shm-read "$id" --lock -5
	assert_failure 2
	sem=$(ipctool mksem --value 1)
	run_tool shm-read "$id" --lock "$sem" --lock "$sem"
	assert_failure 2
	run_tool shm-write "$id" x --lock /lock
	assert_error 1 shm-write "$(re_quote "no semaphore /lock")"
}

# --- interop -------------------------------------------------------------------

@test "works with segments from ipcmk -M and shows in ipcs -m -i" {
	id=$(ipcmk -M 4096 | awk '{ print $NF }')
	run_tool shm-write "$id" --string "from ipctool"
	assert_success
	run_tool shm-read "$id" --string
	assert_success
	assert_output "from ipctool"
	id2=$(ipctool mkshm --key 0x4d2 --size 2K --mode 640)
	run ipcs -m -i "$id2"
	assert_success
	assert_output --partial "shmid=$id2"
	assert_output --partial "mode=0640"
	assert_output --partial "bytes=2048"
}

@test "shm-read, shm-write and mkshm: a bad value is named by its long option however written; every value is checked" {
	# The options come from the args bag (src/lib/args.h): a getter that
	# looked at the last value only would let the first bad one through.
	run_tool mkshm --size x --size 16 --key 0x4d2
	assert_error 2 mkshm "invalid --size value 'x': expected a size in bytes"
	id=$(ipctool mkshm --size 16)
	run_tool shm-read "$id" -O x
	assert_error 2 shm-read "invalid --offset value 'x': expected a size in bytes"
	run_tool shm-read "$id" --length x --length 4
	assert_error 2 shm-read "invalid --length value 'x'"
	run_tool shm-write "$id" data --offset x --offset 0
	assert_error 2 shm-write "invalid --offset value 'x'"
	run_tool shm-write "$id" data -L -5
	assert_error 2 shm-write "invalid --lock value '-5': expected a semaphore set id, 0xKEY or /name$"
	# The last good value is the one taken.
	run_tool shm-write "$id" abc --offset 9 --offset 2
	assert_success
	run_tool shm-read "$id" --offset 8 --offset 2 --length 9 --length 3
	assert_success
	assert_output abc
	run_tool rm "$id"
	assert_success
}
