#!/usr/bin/env bats
# The command line as a whole: help, version, usage errors, lost output,
# and the documentation (man page, completions) kept in step with the
# binary.  A subcommand or option missing from the man page or from any
# completion script fails here.

load helpers
bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
MAN=$ROOT/man/ipctool.1
MANDIR=$ROOT/man
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

# Every subcommand but help has its own page, man/ipctool-SUB.1; help is
# described in ipctool(1).
paged_subcommands() { subcommands | grep -vx help; }
sub_page() { echo "$MANDIR/ipctool-$1.1"; }

# The text of one .Sh section (by its exact title) of a page.
page_section() {
	awk -v title="$2" '/^\.Sh / { inside = ($0 == ".Sh " title); next } inside' "$1"
}

# The long options a page documents: the flags its OPTIONS section's .It
# lines name, one a line, without dashes.  Shared options are .It lines
# too, each referring to ipctool(1) for its meaning.
page_options() {
	page_section "$1" OPTIONS | grep -E '^\.It ' | grep -oE 'Fl -[a-z0-9][a-z0-9-]*' |
		sed 's/^Fl -//' | sort -u
}

# The long options named in SUB's Usage lines, and in its page's SYNOPSIS.
usage_options() {
	# to the first option line: "  -x, --long" or, without a letter, "      --long"
	ipctool "$1" --help | sed -n '/^Usage:/,/^ *-/p' | grep -v '^ *-' |
		grep -oE -- '--[a-z0-9][a-z0-9-]*' | sed 's/^--//' | sort -u
}
synopsis_options() {
	page_section "$1" SYNOPSIS | grep -oE 'Fl -[a-z0-9][a-z0-9-]*' | sed 's/^Fl -//' | sort -u
}

# mandoc checks every .Xr against the installed manuals; a man1 directory of
# links to this tree's pages, ahead of the system's, lets the pages' links
# to each other resolve.  Such a directory has no mandoc.db, hence the
# "outdated mandoc.db" notes, which are all that may remain.
lint_pages() {
	local mp=$BATS_TEST_TMPDIR/manpath
	mkdir -p "$mp/man1"
	ln -sf "$MANDIR"/*.1 "$mp/man1/"
	MANPATH=$mp:$(manpath 2>/dev/null) mandoc -Tlint -Wstyle "$@" 2>&1 |
		grep -v ': outdated mandoc.db lacks ' || true
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
		assert_line --index 0 "Usage:"
		assert_line --index 1 --partial " ipctool [--help]"
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
	assert_line --index 0 "Usage:"
	assert_line --index 1 --partial " ipctool [--help]"
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
		[ "$sub" = help ] || assert_line --index 1 --partial " ipctool $sub "
	done
}

# The columns in which SUB --help's option descriptions begin, one a line.
description_columns() {
	ipctool "$1" --help | awk 'match($0, /^  (-., |    )--[^ ]+ +/) { print RLENGTH }' | sort -u
}

@test "SUB --help is in util-linux's shape: Usage, one line a form, the summary, the options, See ipctool-SUB(1)" {
	local sub summary page
	for sub in $(subcommands); do
		run_tool "$sub" --help
		assert_success
		# Usage: alone, then each form starts with " ipctool SUB ".
		assert_equal "$sub: ${lines[0]}" "$sub: Usage:"
		[ "$sub" = help ] && continue  # the overview, checked below
		[[ ${lines[1]} == " ipctool $sub "* ]] || fail "$sub: first form: ${lines[1]}"
		# The summary of `ipctool --help`, as a sentence, after the forms.
		summary=$(ipctool --dump-options | awk -F'\t' -v s="$sub" '$1 == "command" && $2 == s { print $6 }')
		[ -n "$summary" ]
		assert_line "${summary^}."
		# Every option line of popt's kind, aligned: the descriptions begin in one column.
		run description_columns "$sub"
		[ "${#lines[@]}" -eq 1 ] || fail "$sub: descriptions start in columns: ${lines[*]}"
		run_tool "$sub" --help
		page="See ipctool-$sub(1)."
		[ "$sub" = help ] && page="See ipctool(1)."
		assert_equal "$sub: ${lines[-1]}" "$sub: $page"
		# No line is wider than 80 columns.
		run bash -c "ipctool $sub --help | awk 'length > 80'"
		assert_output ""
	done
	# Forms are wrapped, not run together: recv's takes several lines, sock's two forms each start a line.
	run_tool sock --help
	assert_line --regexp '^ ipctool sock \[PATH\] --listen '
	assert_line --regexp '^ ipctool sock PATH --connect '
	run_tool --help
	assert_line --index 0 "Usage:"
	assert_equal "${lines[-1]}" "See ipctool(1)."
	run bash -c "ipctool --help | awk 'length > 80'"
	assert_output ""
}

@test "each page's NAME line is its subcommand's summary in ipctool --help, from the one table" {
	local sub want
	for sub in $(paged_subcommands); do
		want=$(ipctool --help | sed -nE "s/^  $sub +//p")
		[ -n "$want" ]
		run sed -n 's/^\.Nd //p' "$(sub_page "$sub")"
		assert_equal "$sub: $output" "$sub: $want"
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
	[[ $stderr == *"Usage:"$'\n'" ipctool [--help]"* ]]
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

@test "a bad value is named by its long option however it was written; every value given is checked, not only the last" {
	# The runner keeps every option in order and the typed getters read
	# them all (src/lib/args.h): a getter that looked at the last value
	# only would let the first 'x' through.
	run_tool signal-wait USR1 -c x
	assert_error 2 signal-wait "invalid --count value 'x': expected a whole number from 1 to 2147483647$"
	run_tool signal-wait USR1 --count x --count 2 --timeout 0.1
	assert_error 2 signal-wait "invalid --count value 'x'"
	run_tool mkq -p 9 -p 600 --key 0x4d2
	assert_error 2 mkq "invalid --mode value '9': expected an octal mode"
	run_tool mkq --max-bytes 0 --max-bytes 100 --key 0x4d2
	assert_error 2 mkq "invalid --max-bytes value '0'"
	run_tool sem-v --num 70000 --key 0x4d2
	assert_error 2 sem-v "invalid --num value '70000': expected a whole number from 0 to 65535$"
	# The last good value is the one taken.
	run_tool mksem --key 0x4d2 --nsems 5 --nsems 2
	assert_success
	run ipcs -s -i "$output"
	assert_success
	assert_output --partial "nsems = 2"
	run_tool rm --key 0x4d2
	assert_success
}

@test "help SUB on a terminal shows ipctool-SUB(1) when man finds it, else SUB --help" {
	local pages=$BATS_TEST_TMPDIR/man
	mkdir -p "$pages/man1"
	cp "$ROOT/man/ipctool-recv.1" "$ROOT/man/ipctool.1" "$pages/man1/"
	# script(1) gives ipctool a terminal; MANPAGER=cat lets man print and end.
	run script -qec "env MANPATH='$pages' MANPAGER=cat PAGER=cat ipctool help recv" /dev/null
	assert_success
	assert_output --partial "IPCTOOL-RECV(1)"
	refute_output --partial " ipctool recv TARGET"
	run script -qec "env MANPATH='$pages' MANPAGER=cat PAGER=cat ipctool help help" /dev/null
	assert_success
	assert_output --partial "IPCTOOL(1)"
	# No page for it where man looks: the options, as for a script.
	run script -qec "env MANPATH='$pages' MANPAGER=cat PAGER=cat ipctool help send" /dev/null
	assert_success
	assert_output --partial " ipctool send TARGET"
	# Not a terminal: always the options.
	run --separate-stderr env MANPATH="$pages" MANPAGER=cat ipctool help recv
	assert_success
	assert_line --index 1 --partial " ipctool recv TARGET"
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

@test "every subcommand is in --help, has its page (named in ipctool(1) SUBCOMMANDS and SEE ALSO) and is in each completion" {
	local sub overview subcommand_list see_also page
	overview=$(ipctool --help)
	subcommand_list=$(page_section "$MAN" SUBCOMMANDS)
	see_also=$(page_section "$MAN" "SEE ALSO")
	[ -n "$(subcommands)" ]
	grep -qx '\.Ss help' "$MAN" || fail "help is not described in man/ipctool.1"
	for sub in $(subcommands); do
		grep -qE "^  $sub +[a-z]" <<<"$overview" || fail "'$sub' missing from ipctool --help"
		grep -qx "\.It Cm $sub" <<<"$subcommand_list" || fail "'$sub' missing from the SUBCOMMANDS of ipctool(1)"
		if [ "$sub" != help ]; then
			page=$(sub_page "$sub")
			[ -f "$page" ] || fail "'$sub' has no page man/ipctool-$sub.1"
			grep -qE "^\.Xr ipctool-$sub 1( ,)?$" <<<"$see_also" ||
				fail "ipctool-$sub(1) missing from the SEE ALSO of ipctool(1)"
			grep -qx "\.Nm ipctool-$sub" "$page" || fail "man/ipctool-$sub.1 has no NAME ipctool-$sub"
			grep -qx "\.Dt IPCTOOL-${sub^^} 1" "$page" || fail "man/ipctool-$sub.1 has a wrong .Dt"
			grep -qx "\.Cm $sub" <<<"$(page_section "$page" SYNOPSIS)" ||
				fail "man/ipctool-$sub.1 has no ipctool $sub in its SYNOPSIS"
			grep -qE '^\.Xr ipctool 1( ,)?$' <<<"$(page_section "$page" "SEE ALSO")" ||
				fail "man/ipctool-$sub.1 does not refer to ipctool(1) in its SEE ALSO"
		fi
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

@test "there is a page for every subcommand but help, and no other ipctool-SUB page" {
	local page name
	for page in "$MANDIR"/ipctool-*.1; do
		name=${page##*/ipctool-}
		name=${name%.1}
		paged_subcommands | grep -qx -- "$name" || fail "man/ipctool-$name.1: no such subcommand"
	done
	[ "$(ls "$MANDIR"/ipctool-*.1 | wc -l)" -eq "$(paged_subcommands | wc -l)" ]
}

@test "each page's OPTIONS are exactly the long options of 'ipctool SUB --help', no more, no fewer" {
	local sub page documented missing extra
	for sub in $(paged_subcommands); do
		page=$(sub_page "$sub")
		documented=$(page_options "$page")
		[ -n "$documented" ] || fail "no .It Fl entries under OPTIONS in man/ipctool-$sub.1"
		missing=$(comm -23 <(help_options "$sub") <(echo "$documented"))
		extra=$(comm -13 <(help_options "$sub") <(echo "$documented"))
		[ -z "$missing" ] || fail "not under OPTIONS in man/ipctool-$sub.1: $(echo $missing)"
		[ -z "$extra" ] || fail "under OPTIONS in man/ipctool-$sub.1 but not in --help: $(echo $extra)"
	done
}

@test "each page's SYNOPSIS names exactly the options of the subcommand's Usage lines" {
	local sub
	for sub in $(paged_subcommands); do
		[ -n "$(usage_options "$sub")" ] || fail "no options read from the Usage of 'ipctool $sub --help'"
		assert_equal "$sub: $(synopsis_options "$(sub_page "$sub")")" "$sub: $(usage_options "$sub")"
	done
}

@test "the options ipctool(1) describes as shared are referred to there by each page" {
	local sub opt page shared
	shared=$(page_section "$MAN" CONVENTIONS | sed -n '/^\.Ss Options shared/,/^\.El/p')
	for opt in key ftok mode exclusive nowait timeout help; do
		grep -qE "^\.It .*Fl -$opt( |$)" <<<"$shared" ||
			fail "--$opt not among the shared options of ipctool(1)"
	done
	for sub in $(paged_subcommands); do
		page=$(sub_page "$sub")
		# The entry of a shared option refers to ipctool(1) for its meaning.
		page_section "$page" OPTIONS | awk -v page="${page##*/}" '
			function check() { if (shared && !referred) { print page ": " item; bad = 1 } }
			/^\.It / { check(); item = $0; referred = 0
				shared = ($0 ~ /Fl -(key|ftok|mode|exclusive|nowait|timeout|help)( |$)/); next }
			/^\.El$/ { check(); shared = 0 }
			/^\.Xr ipctool 1( |$)/ { referred = 1 }
			END { check(); exit bad }' || fail "a shared option's entry does not refer to ipctool(1)"
	done
}

@test "every long option of every subcommand is in each completion script, and no others" {
	local sub opt block have want
	for sub in $(subcommands); do
		want=$(help_options "$sub")
		block=$(case_branch "$sub" "$BASH_COMP")
		have=$(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$block" | sed 's/^--//' | sort -u)
		assert_equal "bash $sub: $have" "bash $sub: $want"
		# Each spec's option names, not its [help text] (which may name others).
		block=$(case_branch "$sub" "$ZSH_COMP" | sed 's/\[.*//')
		have=$(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$block" | sed 's/^--//' | sort -u)
		assert_equal "zsh $sub: $have" "zsh $sub: $want"
		block=$(fish_lines "$sub")
		have=$(grep -oE -- ' -l [a-z0-9][a-z0-9-]*' <<<"$block" | sed 's/^ -l //' | sort -u)
		assert_equal "fish $sub: $have" "fish $sub: $want"
	done
}

# ---- the man page and completions themselves ---------------------------

@test "every man page is clean under mandoc -Tlint -Wstyle" {
	local page
	[ "$(ls "$MANDIR"/*.1 | wc -l)" -ge 2 ]
	for page in "$MANDIR"/*.1; do
		run lint_pages "$page"
		assert_success
		assert_equal "${page##*/}: $output" "${page##*/}: "
	done
}

@test "the lint check is not vacuous: a broken page and a dangling cross-reference show" {
	local bad=$BATS_TEST_TMPDIR/ipctool-bad.1
	sed 's/^\.Sh OPTIONS$/.Sh OPTIONS\n.Bl/' "$(sub_page mkq)" >"$bad"
	run lint_pages "$bad"
	[ -n "$output" ]
	sed 's/^\.Xr ipctool 1 ,$/.Xr ipctool-nosuch 1 ,/' "$(sub_page sem-v)" >"$bad"
	run lint_pages "$bad"
	assert_output --partial "referenced manual not found: Xr ipctool-nosuch 1"
}

@test "ipctool(1) renders with man(1) and has the expected sections" {
	run bash -c "MANWIDTH=80 man -l '$MAN' 2>&1 | col -b"
	assert_success
	local s
	for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		assert_line "$s"
	done
}

@test "every ipctool-SUB page renders with man(1), each SYNOPSIS form on its own line" {
	local sub s page forms
	for sub in $(paged_subcommands); do
		page=$(sub_page "$sub")
		run bash -c "MANWIDTH=80 man -l '$page' 2>&1 | col -b"
		assert_success
		assert_line --index 0 --regexp "^IPCTOOL-${sub^^}\(1\)[[:space:]]"
		assert_line --regexp "^     ipctool-$sub -+ [a-z]"
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES "SEE ALSO"; do
			assert_line "$s"
		done
		# As many lines begin with "ipctool SUB" as the source has forms.
		forms=$(page_section "$page" SYNOPSIS | grep -cx '\.Nm ipctool')
		[ "$forms" -ge 1 ]
		assert_equal "$sub: $(sed -n '/^SYNOPSIS$/,/^DESCRIPTION$/p' <<<"$output" |
			grep -c "^     ipctool $sub ")" "$sub: $forms"
	done
}

@test "ipctool(1) opens with a short DESCRIPTION, then SUBCOMMANDS, then the details" {
	run bash -c "grep '^\.Sh ' '$MAN' | head -5"
	assert_output "$(printf '.Sh NAME\n.Sh SYNOPSIS\n.Sh DESCRIPTION\n.Sh SUBCOMMANDS\n.Sh CONVENTIONS')"
	# An overview: a screenful, not the escaping rules.
	run bash -c "MANWIDTH=80 man -l '$MAN' 2>/dev/null | col -b | sed -n '/^DESCRIPTION/,/^SUBCOMMANDS/p'"
	[ "${#lines[@]}" -le 40 ] || fail "DESCRIPTION has ${#lines[@]} lines"
	refute_output --partial "Unicode format character"
}

@test "every page renders with man(1) without doubled or nested quotes" {
	local page
	for page in "$MANDIR"/*.1; do
		# mdoc's quoting macros nest when given several arguments on one
		# line: "a, "b"" or (‘0.25, ‘3’’).
		run bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man -l '$page' 2>/dev/null | grep -nE '\"\"|’’|‘‘|‘[^’]*‘|\"[A-Za-z0-9_.]+, \"'"
		assert_equal "${page##*/}: $output" "${page##*/}: "
	done
	# Not vacuous: the defects it looks for show.
	printf '.Dd x\n.Dt T 1\n.Os\n.Sh NAME\n.Nm t\n.Nd t\n.Sh DESCRIPTION\n.Pq Ql 0.25 , Ql 3 ,\n.It Qq a , Qq b\n' >"$BATS_TEST_TMPDIR/bad.1"
	run bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man -l '$BATS_TEST_TMPDIR/bad.1' 2>/dev/null | grep -cE '\"\"|’’|‘‘|‘[^’]*‘|\"[A-Za-z0-9_.]+, \"'"
	[ "$output" -ge 1 ]
}

@test "the bash completion loads and completes subcommands, options and queue targets" {
	run bash -c "source '$BASH_COMP' && complete -p ipctool"
	assert_success
	assert_output --partial "-F _ipctool"
	run bash_complete ipctool rec
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
	# recv runs a COMMAND (--exec -- COMMAND): after its TARGET only -- is left.
	run bash_complete ipctool recv "$id" ""
	assert_success
	assert_output -- "--"
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
		_ipctool_candidates queues' _ "$ZSH_COMP"
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

# ---- the completions' sources: --dump-options, __complete ---------------

# --dump-options' records of one type (command, option), fields TAB-separated.
dump_records() { ipctool --dump-options | awk -F'\t' -v type="$1" '$1 == type'; }

@test "the committed completions are what make completions writes from the tables" {
	cd "$ROOT"
	run tools/gen-completions "$IPCTOOL" "$BATS_TEST_TMPDIR"
	assert_success
	assert_output ""
	local f
	for f in ipctool.bash _ipctool ipctool.fish; do
		run diff -u "$ROOT/completions/$f" "$BATS_TEST_TMPDIR/$f"
		assert_success "completions/$f differs from what the tables make: run make completions"
	done
}

@test "bash-completion's loader finds and runs the bash completion" {
	[ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/bc/completions"
	cp "$BASH_COMP" "$BATS_TEST_TMPDIR/bc/completions/ipctool"
	run env BASH_COMPLETION_USER_DIR="$BATS_TEST_TMPDIR/bc" bash -c '
		source /usr/share/bash-completion/bash_completion && __load_completion ipctool || exit 1
		COMP_WORDS=(ipctool rec); COMP_CWORD=1; _ipctool; printf "%s\n" "${COMPREPLY[@]}"'
	assert_success
	assert_output recv
}

@test "--dump-options lists each subcommand's options as --help shows them, and is hidden" {
	local sub want have
	for sub in $(subcommands); do
		want=$(help_options "$sub")
		have=$(dump_records option | awk -F'\t' -v s="$sub" '$2 == s { print substr($3, 3) }' | sort -u)
		assert_equal "$sub: $have" "$sub: $want"
		# The ones --help shows as --long=ARG take a value, and only those.
		want=$(ipctool "$sub" --help | sed -nE 's/^ {2,6}(-[^ -], )?--([a-z0-9-]+)=.*/\2/p' | sort -u)
		have=$(dump_records option | awk -F'\t' -v s="$sub" '$2 == s && $5 == 1 { print substr($3, 3) }' | sort -u)
		assert_equal "$sub takes values: $have" "$sub takes values: $want"
	done
	run dump_records command
	assert_equal "$(cut -f2 <<<"$output")" "$(subcommands)"
	# Every record has all its fields.
	run bash -c "ipctool --dump-options | awk -F'\t' '!(\$1 == \"top\" && NF == 4 || \$1 == \"command\" && NF == 6 || \$1 == \"option\" && NF == 9)'"
	assert_success
	assert_output ""
	# ipctool's own options: the ones --help names, not the hidden ones.
	run dump_records top
	assert_success
	assert_output "$(printf 'top\t--help\t-h\tshow help and exit\ntop\t--version\t-V\tshow the version and exit')"
	run_tool --help
	refute_output --partial dump-options
	refute_output --partial __complete
}

@test "--dump-options: value kinds from argDescrip, groups from the included tables, positionals from the entry" {
	run dump_records option
	assert_line --regexp $'^option\tshm-write\t--lock\t-L\t1\tsemaphores\t0\t\thold semaphore 0 of this set .* around the write$'
	assert_line --regexp $'^option\tmkq\t--key\t-k\t1\t\t1\tNaming the object:\t'
	assert_line --regexp $'^option\tmkq\t--ftok\t-f\t1\tfiles\t1\tNaming the object:\t'
	assert_line --regexp $'^option\tmkq\t--exclusive\t-X\t0\t\t0\tCreating:\t'
	assert_line --regexp $'^option\tsend\t--timeout\t-t\t1\t\t0\tWaiting:\t'
	assert_line --regexp $'^option\trecv\t--help\t-h\t0\t\t0\tHelp options:\t'
	assert_line --regexp $'^option\tlist\t--output\t-o\t1\tcolumns\t0\t'
	assert_line --regexp $'^option\trm\t--user\t\t1\tusers\t0\t'
	assert_line --regexp $'^option\tpipe-run\t--sep\t\t1\tseparator\t0\t'
	# Hidden aliases are not offered.
	refute_line --regexp $'^option\tlist\t--shmems\t'
	refute_line --regexp $'^option\thelp\t'
	run dump_records command
	assert_line --regexp $'^command\trecv\tqueues\t\t1\treceive '
	assert_line --regexp $'^command\tshm-read\tsegments\t\t0\t'
	assert_line --regexp $'^command\tsem-p\tsemaphores\t\t1\t'
	assert_line --regexp $'^command\tpipe-run\t\t\t1\t'
	assert_line --regexp $'^command\tfifo\tfiles\t\t0\t'
	assert_line --regexp $'^command\tsignal-send\tsignals\tpids\t0\t'
	assert_line --regexp $'^command\tsignal-wait\tsignals\tsignals\t0\t'
	assert_line --regexp $'^command\tlist\tobjects\t\t0\t'
	assert_line --regexp $'^command\trm\tobjects\tobjects\t0\t'
	assert_line --regexp $'^command\thelp\tcommands\t\t0\t'
}

# "-L --lock" for every letter of every subcommand, once each (top's -h, -V too).
letter_pairs() {
	ipctool --dump-options | awk -F'\t' '$1 == "option" && $4 != "" { print $4, $3 } $1 == "top" { print $3, $2 }' | sort -u
}

@test "a short letter means one long option in every subcommand, and -J is --json wherever --json is" {
	run letter_pairs
	assert_success
	# Not vacuous: the shared letters are there.
	assert_line -- "-J --json"
	assert_line -- "-k --key"
	# Each letter once: a second long option for a letter shows here.
	run bash -c "ipctool --dump-options | awk -F'\t' '\$1 == \"option\" && \$4 != \"\" { print \$4, \$3 }' | sort -u | cut -d' ' -f1 | uniq -d"
	assert_success
	assert_output ""
	# Every subcommand with a --json gives it -J.
	run bash -c "ipctool --dump-options | awk -F'\t' '\$1 == \"option\" && \$3 == \"--json\" && \$4 != \"-J\" { print \$2 }'"
	assert_success
	assert_output ""
	# And the check above does fail on two meanings for one letter.
	run bash -c "printf 'option\tx\t--one\t-z\noption\ty\t--two\t-z\n' | awk -F'\t' '{ print \$4, \$3 }' | sort -u | cut -d' ' -f1 | uniq -d"
	assert_output -- "-z"
}

@test "the letters table of ipctool(1) and of the README is exactly the letters of the tables" {
	local want
	want=$(letter_pairs | LC_ALL=C sort)
	run bash -c "sed -nE 's/^\.It Fl ([^ ]) Ta Fl -([a-z-]+) Ta .*/-\1 --\2/p' '$MAN' | LC_ALL=C sort"
	assert_equal "$output" "$want"
	run bash -c "sed -nE 's/^\| \`-(.)\` \| \`--([a-z-]+)\` \|.*/-\1 --\2/p' '$ROOT/README.md' | LC_ALL=C sort"
	assert_equal "$output" "$want"
}

@test "__complete lists ids, keys and POSIX /names of one kind, or of all, by PREFIX" {
	local q p m s
	q=$(ipctool mkq --key 0x4d2)
	p=$(ipctool mkq)
	m=$(ipctool mkshm --key 0x4d3 --size 16)
	s=$(ipctool mksem --key 0x4d4)
	ipctool mkq /pq >/dev/null
	ipctool mkshm /pm --size 16 >/dev/null
	ipctool mksem /ps >/dev/null
	run --separate-stderr ipctool __complete queues
	assert_success
	assert_output "$q
0x000004d2
$p
/pq"
	run_tool __complete segments
	assert_output "$m
0x000004d3
/pm"
	run_tool __complete semaphores
	assert_output "$s
0x000004d4
/ps"
	run_tool __complete objects
	assert_output "$q
0x000004d2
$p
$m
0x000004d3
$s
0x000004d4
/pq
/pm
/ps"
	run_tool __complete objects 0x
	assert_output "0x000004d2
0x000004d3
0x000004d4"
	run_tool __complete semaphores /p
	assert_output /ps
	run_tool __complete queues /nothing
	assert_success
	assert_output ""
}

@test "__complete queues reads this IPC namespace's mqueue mount: stacked on another, or elsewhere" {
	ipctool mkq /outer >/dev/null
	run_tool __complete queues /
	assert_output /outer
	# A new IPC namespace sees the old mount still, at its place; its own
	# is the later one, stacked on it or in another directory.
	local dir=$BATS_TEST_TMPDIR/mq
	mkdir "$dir"
	for at in "$IPCTOOL_TEST_MQUEUE" "$dir"; do
		run unshare --ipc --mount --propagation private sh -c '
			mount -t mqueue none "$1" && ipctool mkq /inner >/dev/null && exec ipctool __complete queues /' _ "$at"
		assert_success
		assert_output /inner
	done
}

@test "__complete lists signals, pids, users, list's columns and subcommands, by PREFIX" {
	run_tool __complete signals SIGUS
	assert_output "SIGUSR1
SIGUSR2"
	run_tool __complete signals TER
	assert_output TERM
	run_tool __complete signals RTMAX-1
	assert_line RTMAX-1
	run_tool __complete signals
	assert_equal "$(grep -c '^SIG' <<<"$output")" "$(ipctool signal-send --list | wc -l)"
	run_tool __complete pids
	assert_line 1
	assert_line "$$"
	run_tool __complete pids "$$"
	assert_line "$$"
	refute_line 1
	run_tool __complete users ro
	assert_line root
	run_tool __complete users
	assert_equal "$output" "$(getent passwd | cut -d: -f1)"
	# Objects' columns, then those only --sockets --connected has.
	run_tool __complete columns
	assert_equal "$output" "$({ ipctool list --output help; ipctool list --sockets --connected --output help; } |
		awk '!seen[$1]++ { print $1 }')"
	run_tool __complete columns END
	assert_output ENDPOINTS
	run_tool __complete columns CU
	assert_output "CUID
CUSER"
	run_tool __complete commands
	assert_equal "$output" "$(subcommands)"
	run_tool __complete commands mk
	assert_output "mkq
mkshm
mksem"
}

@test "__complete is silent and exits 0 on a kind it does not know and on what it cannot read" {
	for args in "nosuch" "" "nosuch prefix"; do
		run --separate-stderr ipctool __complete $args
		assert_success
		assert_output ""
		[ -z "$stderr" ]
	done
	need_root
	# An mqueue mount nobody may read (in a directory nobody may reach, so
	# outside the test's own): list would say so on stderr.
	local dir
	dir=$(mktemp -d /tmp/ipctool-mq.XXXXXX)
	chmod 755 "$dir"
	run --separate-stderr unshare --ipc --mount --propagation private sh -c '
		mount -t mqueue none "$1" && ipctool mkq /hidden >/dev/null && chmod 700 "$1" &&
		cd / && exec setpriv --reuid=65534 --regid=65534 --clear-groups -- "$2" __complete queues' _ "$dir" "$IPCTOOL"
	rmdir "$dir"
	assert_success
	assert_output ""
	[ -z "$stderr" ]
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

@test "make install puts binary, every man page and three completions under DESTDIR; uninstall removes exactly those" {
	local tree dest=$BATS_TEST_TMPDIR/dest pages want page line
	tree=$(install_tree)
	run make -s -C "$tree" install DESTDIR="$dest" PREFIX=/usr
	assert_success
	# ipctool.1 and one ipctool-SUB.1 for every subcommand but help.
	pages=$( { echo ipctool.1; paged_subcommands | sed 's/^/ipctool-/; s/$/.1/'; } | sort)
	want=$( { printf '%s\n' ./usr/bin/ipctool ./usr/share/bash-completion/completions/ipctool \
		./usr/share/fish/vendor_completions.d/ipctool.fish ./usr/share/zsh/site-functions/_ipctool
		sed 's|^|./usr/share/man/man1/|' <<<"$pages"; } | sort)
	run bash -c "cd '$dest' && find . -type f | sort"
	assert_success
	assert_output "$want"
	[ "$(wc -l <<<"$pages")" -ge 16 ]
	[ -x "$dest/usr/bin/ipctool" ]
	# Each installed page is its source with the version in its footer.
	for page in $pages; do
		line=$(grep -nx '\.Os' "$ROOT/man/$page" | cut -d: -f1)
		run diff "$ROOT/man/$page" "$dest/usr/share/man/man1/$page"
		assert_failure 1
		assert_output "${line}c${line}
< .Os
---
> .Os ipctool $(cat "$ROOT/VERSION")"
		run stat -c %a "$dest/usr/share/man/man1/$page"
		assert_success
		assert_output 644
	done
	cmp "$BASH_COMP" "$dest/usr/share/bash-completion/completions/ipctool"
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
	run_tool recv --ftok "$demo:D" --nowait
	assert_success
	assert_output "not the demo's"
}
