#!/usr/bin/env bats
# The command line as a whole: help, version, usage errors, lost output,
# and the documentation (man page, completions) kept in step with the
# binary.  A subcommand or option missing from the man page or from any
# completion script fails here.

load helpers
bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
MAN=$ROOT/man/ipctool.1
BASH_COMP=$ROOT/completions/ipctool.bash
ZSH_COMP=$ROOT/completions/_ipctool
FISH_COMP=$ROOT/completions/ipctool.fish

teardown() { common_teardown; }

subcommands() { ipctool --list-commands; }

# The long options `ipctool SUB --help' lists, one a line, without dashes.
# Option lines are indented 2 to 6 spaces; wrapped descriptions are deeper.
help_options() {
	ipctool "$1" --help | sed -nE 's/^ {2,6}(-[^ -], )?--([a-z0-9][a-z0-9-]*).*/\2/p' | sort -u
}

# The text of SUB's own .Ss in the man page.
man_section() {
	awk -v name="$1" '/^\.S[hs] / { inside = ($0 == ".Ss " name || $0 == ".Ss Cm " name); next }
		inside' "$MAN"
}

# The case branch `SUB)' of a shell completion script, up to its `;;'.
case_branch() {
	awk -v name="$1" '!inside && $0 ~ "^[ \t]*" name "\\)" { inside = 1 }
		inside { print } inside && /;;/ { exit }' "$2"
}

# The fish `complete' lines conditioned on SUB alone.
fish_lines() {
	grep -E "__fish_seen_subcommand_from $1[\";]" "$FISH_COMP" || true
}

# Subcommand lists kept in each completion script, one name a line, sorted.
bash_commands() { sed -n 's/^_ipctool_commands="\(.*\)"$/\1/p' "$BASH_COMP" | tr ' ' '\n' | sort; }
zsh_commands() {
	sed -n '/^[[:space:]]*commands=(/,/^[[:space:]]*)/p' "$ZSH_COMP" |
		sed -nE "s/^[[:space:]]*'([a-z0-9-]+):.*/\1/p" | sort
}
fish_commands() { sed -n 's/^set -l ipctool_commands //p' "$FISH_COMP" | tr ' ' '\n' | sort; }

fish_complete() {
	XDG_CONFIG_HOME=$BATS_TEST_TMPDIR XDG_DATA_HOME=$BATS_TEST_TMPDIR \
		fish --no-config -c "source $FISH_COMP; complete -C'$1'" | cut -f1
}

# ---- help, version, usage errors ----------------------------------------

@test "--help and -h print the overview on stdout and exit 0" {
	for flag in --help -h; do
		run --separate-stderr ipctool "$flag"
		assert_success
		assert_line --index 0 --partial "Usage: ipctool"
		assert_line --partial "Subcommands:"
		[ -z "$stderr" ]
	done
}

@test "--version and -V print the version and exit 0" {
	for flag in --version -V; do
		run --separate-stderr ipctool "$flag"
		assert_success
		assert_output --regexp '^ipctool [0-9]+\.[0-9]+\.[0-9]+$'
		[ -z "$stderr" ]
	done
}

@test "one version: --version, every man page's footer and debian/changelog say what VERSION says" {
	local version page
	version=$(cat "$ROOT/VERSION")
	assert_regex "$version" '^[0-9]+\.[0-9]+\.[0-9]+$'
	run --separate-stderr ipctool --version
	assert_success
	assert_output "ipctool $version"
	# The build writes the version into each page's bare .Os line.
	for page in "$ROOT"/man/*.1; do
		run grep -cx '\.Os' "$page"
		assert_success
		assert_output 1
	done
	run dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version
	assert_success
	assert_output "$version"
}

@test "uid 65534 can run the binary under test, wherever the checkout lives" {
	need_root
	run --separate-stderr as_nobody ipctool --version
	assert_success
	assert_output "ipctool $(cat "$ROOT/VERSION")"
	run --separate-stderr as_nobody bash -c 'exec ipctool --version'
	assert_success
}

@test "help alone prints the overview" {
	run --separate-stderr ipctool help
	assert_success
	assert_line --index 0 --partial "Usage: ipctool"
	[ -z "$stderr" ]
}

@test "help SUB and SUB --help print the subcommand's help and exit 0" {
	local sub
	for sub in $(subcommands); do
		run --separate-stderr ipctool help "$sub"
		assert_success
		[ -n "$output" ]
		[ -z "$stderr" ]
		local via_help=$output
		run --separate-stderr ipctool "$sub" --help
		assert_success
		[ -z "$stderr" ]
		assert_equal "$output" "$via_help"
		[ "$sub" = help ] || assert_line --index 0 --partial "Usage: ipctool $sub "
	done
}

@test "-h after a subcommand is --help" {
	local sub
	for sub in $(subcommands); do
		run --separate-stderr ipctool "$sub" -h
		assert_success
		[ -n "$output" ]
	done
}

@test "an unknown subcommand is status 2 with the Try hint, nothing on stdout" {
	run --separate-stderr ipctool nosuch
	assert_failure 2
	assert_output ""
	[ "${stderr_lines[0]}" = "ipctool: unknown subcommand 'nosuch'" ]
	[ "${stderr_lines[1]}" = "Try 'ipctool --help' for more information." ]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "no subcommand is status 2, with the overview on stderr only" {
	run --separate-stderr ipctool
	assert_failure 2
	assert_output ""
	[[ $stderr == *"Usage: ipctool"* ]]
}

@test "an unknown option is status 2: one error line naming it, then the Try hint" {
	local sub
	for sub in $(subcommands); do
		[ "$sub" != help ] || continue
		run --separate-stderr ipctool "$sub" --no-such-option
		assert_failure 2
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 2 ]
		[[ ${stderr_lines[0]} == "ipctool: $sub: "*"--no-such-option"* ]]
		[ "${stderr_lines[1]}" = "Try 'ipctool $sub --help' for more information." ]
	done
}

@test "help with an unknown subcommand or two arguments is status 2" {
	run --separate-stderr ipctool help nosuch
	assert_failure 2
	assert_output ""
	[[ ${stderr_lines[0]} == *"unknown subcommand 'nosuch'"* ]]
	[[ ${stderr_lines[1]} == "Try 'ipctool "* ]]
	run --separate-stderr ipctool help mkq send
	assert_failure 2
	assert_output ""
}

@test "a lost write to stdout is status 1 with an error on stderr" {
	run --separate-stderr bash -c 'ipctool --help >/dev/full'
	assert_failure 1
	[[ $stderr == "ipctool: "*"No space left on device"* ]]
	run --separate-stderr bash -c 'ipctool --version >/dev/full'
	assert_failure 1
	[ -n "$stderr" ]
	run --separate-stderr bash -c 'ipctool recv --help >/dev/full'
	assert_failure 1
	[ -n "$stderr" ]
}

@test "a value with a newline or control characters is echoed escaped, on one line" {
	# Control characters are shown as \xHH, and so is a backslash before x,
	# so the text can be read back; a backslash otherwise stays.
	run_tool mkq --mode $'12\n3'
	assert_only_error 2 mkq "invalid --mode value '12\\\\x0a3': expected an octal mode"
	run_tool send 1 --type $'\e[31mred\t'
	assert_only_error 2 send "invalid --type value '\\\\x1b\\[31mred\\\\x09':"
	run_tool recv $'1\r2'
	assert_only_error 2 recv "invalid target '1\\\\x0d2':"
	run_tool $'mk\nq'
	assert_equal "$status" 2
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" "ipctool: unknown subcommand 'mk\\x0aq'"
	run_tool mkq $'--bo\ngus'
	assert_only_error 2 mkq "--bo\\\\x0agus: unknown option"
	run_tool signal-send TERM $'1\n'
	assert_only_error 2 signal-send "invalid PID '1\\\\x0a':"
	run_tool list -o $'KEY,\nX'
	assert_only_error 2 list "unknown column '\\\\x0aX' in --output"
	run_tool list -o 'a\x41,b\c'
	assert_only_error 2 list "unknown column 'a\\\\x5cx41' in --output"
	run_tool list -o 'b\c'
	assert_only_error 2 list "unknown column 'b\\\\c' in --output"
}

@test "a value thousands of characters long is cut after 64 with '...'" {
	long=$(printf '7%.0s' {1..5000})
	run_tool mkq --mode "$long"
	assert_only_error 2 mkq "invalid --mode value '7{64}\\.\\.\\.': expected an octal mode from 0 to 0777$"
	run_tool list --output "$long"
	assert_only_error 2 list "unknown column '7{64}\\.\\.\\.' in --output"
	run_tool mkq "/$long"
	assert_only_error 2 mkq "invalid POSIX name '/7{63}\\.\\.\\.': longer than 255 characters \\(it has 5000\\)$"
	run_tool signal-send "$long" 1
	assert_only_error 2 signal-send "invalid signal '7{64}\\.\\.\\.':"
	# 64 characters are not cut.
	run_tool mkq --mode "${long:0:64}"
	assert_only_error 2 mkq "invalid --mode value '7{64}':"
}

@test "names that are not UTF-8 or hold a newline stay one line in every error" {
	run_tool list $'/\xff\xfe'
	assert_only_error 1 list "no POSIX object named /\\\\xff\\\\xfe$"
	run_tool rm $'/a\nb'
	assert_only_error 1 rm "no POSIX object named /a\\\\x0ab$"
	run_tool fifo "$BATS_TEST_TMPDIR/"$'a\nb' --read
	assert_only_error 1 fifo "no FIFO .*/a\\\\x0ab \\(create it with"
	run -127 --separate-stderr ipctool pipe-run -- $'no\nsuch'
	assert_error 127 pipe-run "no\\\\x0asuch: command not found$"
	# UTF-8 text is shown as it is; a C1 control (U+0085) is not.
	run_tool list --user $'\xc3\xa9t\xc3\xa9\xc2\x85'
	assert_only_error 2 list $'invalid --user value \'\xc3\xa9t\xc3\xa9\\\\xc2\\\\x85\':'
}

# Every System V object and POSIX file of this namespace, one a line.
all_objects() {
	tail -q -n +2 /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem | awk '{ print $1, $2 }'
	find /dev/shm "$IPCTOOL_TEST_MQUEUE" -mindepth 1
}

@test "mk* whose new object's id or name cannot be written removes it again, one error line" {
	for cmd in "mkq" "mkq --key 0x71" "mkshm --size 10" "mkshm --key 0x72 --size 10" \
		"mksem" "mksem --key 0x73 --nsems 2" "mkq /q" "mkshm /s --size 10" "mksem /s --value 1"; do
		run_tool_to /dev/full $cmd
		assert_error 1 "${cmd%% *}" "cannot write the (id|name) of .* to standard output: No space left on device; it was new, so it is removed again$"
		assert_equal "$(all_objects)" ""
	done
	run_tool_to /dev/full mkq --key 0x71
	assert_failure 1
	assert_regex "${stderr_lines[0]}" "message queue id [0-9]+ \\(key 0x00000071\\)"
}

@test "mk* that found an existing object it cannot tell of leaves it, naming its id" {
	for cmd in "mkq --key 0x71" "mkshm --key 0x72 --size 10" "mksem --key 0x73" \
		"mkq /q" "mkshm /s --size 10" "mksem /s"; do
		handle=$(ipctool $cmd)
		before=$(all_objects)
		run_tool_to /dev/full $cmd
		assert_error 1 "${cmd%% *}" "cannot write the (id|name) of .*$(re_quote "$handle").* to standard output: No space left on device; it existed already, so it stays as it was$"
		assert_equal "$(all_objects)" "$before"
	done
}

# ---- every subcommand and option documented and completed ---------------

@test "every subcommand is in --help, the man page (SYNOPSIS and a .Ss) and each completion" {
	local sub overview
	overview=$(ipctool --help)
	[ -n "$(subcommands)" ]
	for sub in $(subcommands); do
		grep -qE "^  $sub +[a-z]" <<<"$overview" || fail "'$sub' missing from ipctool --help"
		grep -qxE "\.Ss (Cm )?$sub" "$MAN" || fail "'$sub' has no .Ss in man/ipctool.1"
		sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$MAN" | grep -qx "\.Cm $sub" ||
			fail "'$sub' missing from the man page's SYNOPSIS"
		grep -qE "^[[:space:]]*'$sub:" "$ZSH_COMP" || fail "'$sub' has no description in _ipctool"
		grep -qE -- "-a $sub -d " "$FISH_COMP" || fail "'$sub' has no description in ipctool.fish"
	done
}

@test "each completion script's subcommand list is exactly --list-commands" {
	local want
	want=$(subcommands | sort)
	[ -n "$want" ]
	assert_equal "$(bash_commands)" "$want"
	assert_equal "$(zsh_commands)" "$want"
	assert_equal "$(fish_commands)" "$want"
}

@test "option lists are read from --help (the checks below are not vacuous)" {
	local sub
	for sub in $(subcommands); do
		[ "$sub" != help ] || continue
		help_options "$sub" | grep -qx help || fail "no options read from 'ipctool $sub --help'"
	done
	run help_options recv
	assert_success
	assert_line peek
	[ "${#lines[@]}" -ge 10 ]
}

@test "every long option of every subcommand has an .It entry in its man page section" {
	local sub section documented missing
	for sub in $(subcommands); do
		section=$(man_section "$sub")
		[ -n "$section" ] || fail "no .Ss $sub in man/ipctool.1"
		documented=$(grep -E '^\.It ' <<<"$section" | grep -oE 'Fl -[a-z0-9][a-z0-9-]*' |
			sed 's/^Fl -//' | sort -u)
		missing=$(comm -23 <(help_options "$sub") <(echo "$documented"))
		[ -z "$missing" ] ||
			fail "not documented in the .Ss $sub of man/ipctool.1: $(echo $missing)"
	done
}

@test "every long option of every subcommand is in each completion script, and no others" {
	local sub opt block have want
	for sub in $(subcommands); do
		want=$(help_options "$sub")
		block=$(case_branch "$sub" "$BASH_COMP")
		have=$(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$block" | sed 's/^--//' | sort -u)
		assert_equal "bash $sub: $have" "bash $sub: $want"
		block=$(case_branch "$sub" "$ZSH_COMP")
		have=$(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$block" | sed 's/^--//' | sort -u)
		assert_equal "zsh $sub: $have" "zsh $sub: $want"
		block=$(fish_lines "$sub")
		have=$(grep -oE -- ' -l [a-z0-9][a-z0-9-]*' <<<"$block" | sed 's/^ -l //' | sort -u)
		assert_equal "fish $sub: $have" "fish $sub: $want"
	done
}

# ---- the man page and completions themselves ---------------------------

@test "man/ipctool.1 is clean under mandoc -Tlint -Wwarning" {
	run mandoc -Tlint -Wwarning "$MAN"
	assert_success
	assert_output ""
}

@test "man/ipctool.1 renders with man(1) and has the expected sections" {
	run bash -c "MANWIDTH=80 man -l '$MAN' 2>&1 | col -b"
	assert_success
	local s
	for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		assert_line "$s"
	done
}

@test "the bash completion loads and completes subcommands, options and queue targets" {
	run bash -c "source '$BASH_COMP' && complete -p ipctool"
	assert_success
	assert_output --partial "-F _ipctool"
	run bash_complete ipctool re
	assert_success
	assert_output recv
	run bash_complete ipctool recv --pe
	assert_success
	assert_output -- --peek
	run bash_complete ipctool help mkq
	assert_success
	assert_output mkq
	run bash_complete ipctool help mks
	assert_success
	assert_line mkshm
	assert_line mksem
	[ "${#lines[@]}" -eq 2 ]
	id=$(ipctool mkq --key 0x4d2)
	run bash_complete ipctool recv ""
	assert_success
	assert_line "$id"
	assert_line 0x000004d2
	run bash_complete ipctool recv "$id" ""
	assert_success
	assert_output ""
}

@test "bash, zsh and fish complete POSIX queue /names from the mqueue file system" {
	ipctool mkq /jobs-done >/dev/null
	run bash_complete ipctool recv /jobs
	assert_success
	assert_output /jobs-done
	run bash_complete ipctool send ""
	assert_success
	assert_line /jobs-done
	run fish_complete "ipctool send /jo"
	assert_success
	assert_output /jobs-done
	run zsh -c 'source "$1"; _wanted() { shift 3; "$@"; }; compadd() { shift; print -l -- "${(@P)1}"; }
		_ipctool_queues' _ "$ZSH_COMP"
	assert_success
	assert_line /jobs-done
	run bash_complete ipctool mkq --max-m
	assert_success
	assert_output -- --max-messages=
	run bash_complete ipctool send --pri
	assert_success
	assert_output -- --priority=
}

@test "bash completes signal names, pids, FIFO paths and pipe-run's commands" {
	run bash_complete ipctool signal-send TE
	assert_success
	assert_output TERM
	run bash_complete ipctool signal-send SIGUS
	assert_success
	assert_line SIGUSR1
	assert_line SIGUSR2
	run bash_complete ipctool signal-send --kill-after 1 RTMAX-1
	assert_success
	assert_line RTMAX-1
	run bash_complete ipctool signal-send TERM 1
	assert_success
	assert_line 1
	run bash_complete ipctool signal-wait USR1 HU
	assert_success
	assert_output HUP
	cd "$BATS_TEST_TMPDIR"
	mkfifo work.fifo
	run bash_complete ipctool fifo work
	assert_success
	assert_output work.fifo
	run bash_complete ipctool pipe-run -- ipct
	assert_success
	assert_line ipctool
	run bash_complete ipctool pipe-run -- cat "'|'" ipct
	assert_success
	assert_line ipctool
}

@test "fish completes signal names for signal-send and signal-wait" {
	run fish_complete "ipctool signal-send SIGTE"
	assert_success
	assert_output SIGTERM
	run fish_complete "ipctool signal-wait -t 1 USR"
	assert_success
	assert_line USR1
	assert_line USR2
}

@test "the bash completion offers segments, semaphore sets, --lock sets and sem-p's COMMAND" {
	shm=$(ipctool mkshm --key 0x4d2 --size 16)
	sem=$(ipctool mksem --key 0x4d3)
	run bash_complete ipctool shm-read ""
	assert_success
	assert_output "$shm
0x000004d2"
	run bash_complete ipctool shm-write --key 0x4d2 --lock ""
	assert_success
	assert_output "$sem
0x000004d3"
	run bash_complete ipctool sem-p ""
	assert_success
	assert_output "$sem
0x000004d3"
	run bash_complete ipctool mksem --nsems 3 ""
	assert_success
	assert_line 0x000004d3
	run bash_complete ipctool sem-p "$sem" --num 1 -- ipctoo
	assert_success
	assert_line ipctool
	run bash_complete ipctool sem-v --co
	assert_success
	assert_output -- --count=
	run bash_complete ipctool shm-read --h
	assert_success
	assert_line -- --hex
	assert_line -- --help
}

@test "the zsh completion parses" {
	run zsh -n "$ZSH_COMP"
	assert_success
	assert_output ""
	run head -n 1 "$ZSH_COMP"
	assert_success
	assert_output "#compdef ipctool"
}

@test "the fish completion parses and completes subcommands, options and queue targets" {
	run fish -n "$FISH_COMP"
	assert_success
	assert_output ""
	run fish_complete "ipctool sen"
	assert_success
	assert_output send
	run fish_complete "ipctool se"
	assert_success
	assert_output "sem-p
sem-v
send"
	run fish_complete "ipctool mkq --max-b"
	assert_success
	assert_output -- --max-bytes
	id=$(ipctool mkq --key 0x4d2)
	run fish_complete "ipctool send "
	assert_success
	assert_line "$id"
	assert_line 0x000004d2
}

@test "the fish completion offers segments and semaphore sets" {
	shm=$(ipctool mkshm --key 0x4d2 --size 16)
	sem=$(ipctool mksem --key 0x4d3)
	run fish_complete "ipctool shm-read "
	assert_success
	assert_line "$shm"
	assert_line 0x000004d2
	run fish_complete "ipctool sem-v "
	assert_success
	assert_line "$sem"
	assert_line 0x000004d3
	run fish_complete "ipctool shm-read --lock "
	assert_success
	assert_line 0x000004d3
	run fish_complete "ipctool mksem --nsem"
	assert_success
	assert_output -- --nsems
}

# ---- install and uninstall ----------------------------------------------

# A copy of what `make install' needs, with the binary under test in place
# of a build, so the test never builds or writes in the source tree.
install_tree() {
	local tree=$BATS_TEST_TMPDIR/tree
	mkdir -p "$tree"
	cp -r "$ROOT/Makefile" "$ROOT/VERSION" "$ROOT/man" "$ROOT/completions" "$tree/"
	cp "$IPCTOOL" "$tree/ipctool"
	echo "$tree"
}

@test "make install puts binary, man page and three completions under DESTDIR; uninstall removes exactly those" {
	local tree dest=$BATS_TEST_TMPDIR/dest
	tree=$(install_tree)
	run make -s -C "$tree" install DESTDIR="$dest" PREFIX=/usr
	assert_success
	run bash -c "cd '$dest' && find . -type f | sort"
	assert_success
	assert_output "./usr/bin/ipctool
./usr/share/bash-completion/completions/ipctool
./usr/share/fish/vendor_completions.d/ipctool.fish
./usr/share/man/man1/ipctool.1
./usr/share/zsh/site-functions/_ipctool"
	[ -x "$dest/usr/bin/ipctool" ]
	# The installed page is the source with the version in its footer.
	run diff "$ROOT/man/ipctool.1" "$dest/usr/share/man/man1/ipctool.1"
	assert_failure 1
	assert_output "7c7
< .Os
---
> .Os ipctool $(cat "$ROOT/VERSION")"
	cmp "$BASH_COMP" "$dest/usr/share/bash-completion/completions/ipctool"
	run stat -c %a "$dest/usr/share/man/man1/ipctool.1"
	assert_success
	assert_output 644
	run "$dest/usr/bin/ipctool" --version
	assert_success

	# Neighbours in the same directories must survive uninstall.
	touch "$dest/usr/bin/other" "$dest/usr/share/man/man1/other.1"
	run make -s -C "$tree" uninstall DESTDIR="$dest" PREFIX=/usr
	assert_success
	run bash -c "cd '$dest' && find . -type f | sort"
	assert_success
	assert_output "./usr/bin/other
./usr/share/man/man1/other.1"
}

# ---- the demo -------------------------------------------------------------

@test "examples/demo.sh passes every line between the jobs and leaves no queue behind" {
	run --separate-stderr env IPCTOOL_DEMO_NAMESPACE=current DEMO_LINES=300 "$ROOT/examples/demo.sh"
	assert_line --index 0 --partial "in current IPC namespace"
	assert_success
	assert_line "received 300 lines, first 'line 1', last 'line 300'"
	assert_line "all of them, in order, none lost or doubled"
	assert_line --regexp '^0x[0-9a-f]{8} +[0-9]+ .* 600 +35 +2 *$'
	assert_line '{"type":2,"size":16,"data":"disk almost full"}'
	assert_line --partial "exit status 3"
	[ "$(count_queues)" -eq 0 ]
	# By default (root: in a private namespace of its own) it works too.
	run env DEMO_LINES=50 "$ROOT/examples/demo.sh"
	assert_success
	assert_line "all of them, in order, none lost or doubled"
	[ "$(count_queues)" -eq 0 ]
}

@test "examples/demo.sh refuses to run when its key is in use and leaves that queue alone" {
	local demo
	demo=$(realpath "$ROOT/examples/demo.sh")
	ipctool mkq --ftok "$demo:D" >/dev/null
	ipctool send --ftok "$demo:D" "not the demo's"
	run --separate-stderr env IPCTOOL_DEMO_NAMESPACE=current "$demo"
	assert_failure 1
	[[ $stderr == *"already in use"* ]]
	run ipctool recv --ftok "$demo:D" --nowait
	assert_success
	assert_output "not the demo's"
}
