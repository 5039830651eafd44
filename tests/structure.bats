#!/usr/bin/env bats
# The shape of the source tree (doc/ARCHITECTURE.md): includes name their
# layer and go only downward, and the code and tests point to nothing
# outside the repository.
load helpers

top() { cd "$BATS_TEST_DIRNAME/.." && pwd; }

@test "every include in src/ names its layer and goes no higher than the includer's" {
	run --separate-stderr "$(top)/tools/check-includes" "$(top)/src"
	assert_success
	assert_equal "$stderr" ""
}

@test "an upward include is found: lib including a cmd header fails the check, naming both" {
	cp -r "$(top)/src" "$BATS_TEST_TMPDIR/src"
	printf '#include "cmd/commands.h"\n' >>"$BATS_TEST_TMPDIR/src/lib/io.c"
	run --separate-stderr "$(top)/tools/check-includes" "$BATS_TEST_TMPDIR/src"
	assert_equal "$status" 1
	assert_equal "$stderr" "$BATS_TEST_TMPDIR/src/lib/io.c:$(wc -l <"$BATS_TEST_TMPDIR/src/lib/io.c"): lib includes cmd/commands.h, a layer above it"
}

@test "view sits between cmd and mech: cmd may include it, mech may not, and view may not include cmd" {
	cp -r "$(top)/src" "$BATS_TEST_TMPDIR/src"
	printf '#include "view/cells.h"\n' >>"$BATS_TEST_TMPDIR/src/cmd/list.c"
	run --separate-stderr "$(top)/tools/check-includes" "$BATS_TEST_TMPDIR/src"
	assert_success
	printf '#include "view/cells.h"\n' >>"$BATS_TEST_TMPDIR/src/mech/segment.c"
	printf '#include "cmd/commands.h"\n' >>"$BATS_TEST_TMPDIR/src/view/cells.c"
	run --separate-stderr "$(top)/tools/check-includes" "$BATS_TEST_TMPDIR/src"
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 2
	[[ $stderr == *"/src/mech/segment.c:$(wc -l <"$BATS_TEST_TMPDIR/src/mech/segment.c"): mech includes view/cells.h, a layer above it"* ]] || fail "$stderr"
	[[ $stderr == *"/src/view/cells.c:$(wc -l <"$BATS_TEST_TMPDIR/src/view/cells.c"): view includes cmd/commands.h, a layer above it"* ]] || fail "$stderr"
}

@test "an include that names no layer, or no header there, fails the check" {
	cp -r "$(top)/src" "$BATS_TEST_TMPDIR/src"
	printf '#include "io.h"\n#include "lib/nothing.h"\n' >>"$BATS_TEST_TMPDIR/src/inv/users.c"
	run --separate-stderr "$(top)/tools/check-includes" "$BATS_TEST_TMPDIR/src"
	assert_equal "$status" 1
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[0]} == *': "io.h" names no layer (write "LAYER/io.h")' ]] || fail "${stderr_lines[0]}"
	[[ ${stderr_lines[1]} == *': "lib/nothing.h" is no header of src/' ]] || fail "${stderr_lines[1]}"
}

@test "the code and the tests cite no file outside the repository" {
	run grep -rlE '\bSPEC\b|\.\./shared' "$(top)/src" "$(top)/tests" --include='*.[ch]' --include='*.bats' --include='*.bash' --exclude=structure.bats
	assert_equal "$status" 1
	assert_output ""
}

@test "no test chains assertions with &&, which Bats does not fail on a line but the last" {
	run grep -nE '^[[:space:]]*\[ .* \] && \[ .* \][[:space:]]*$' "$(top)"/tests/*.bats "$(top)"/tests/*.bash
	assert_equal "$status" 1
	assert_output ""
}

@test "struct command is at most eight members, and every entry sets only those" {
	# The members: the lines of struct command's body that end a declaration.
	run awk '/^struct command \{/ { inside = 1; next } inside && /^\}/ { exit } inside && /;[[:space:]]*(\/\*.*)?$/ { n++ } END { print n }' "$(top)/src/lib/command.h"
	assert_success
	[ "$output" -ge 5 ] || fail "struct command not found: $output members"
	[ "$output" -le 8 ] || fail "struct command has $output members"
	# Each entry's designated members, all files together.
	run bash -c "awk '/^(static )?const struct command command_[a-z_]+ = \{/ { inside = 1; next } inside && /^\};/ { inside = 0 } inside && /^\t\.[a-z_]+ =/ { sub(/^\t\./, \"\"); sub(/ =.*/, \"\"); print }' '$(top)'/src/cmd/*.c | sort -u"
	assert_success
	assert_output "$(printf '%s\n' complete flags name run summary synopsis table)"
}

@test "every entry defined in src/cmd is in the one table of subcommands, and the table names no other" {
	run bash -c "sed -nE 's/^const struct command command_([a-z_]+) = \{/\1/p' '$(top)'/src/cmd/*.c | sort"
	assert_success
	defined=$output
	run bash -c "sed -n '/define IPCTOOL_COMMANDS/,/^\$/p' '$(top)/src/cmd/commands.h' | grep -oE 'X\([a-z_]+\)' | sed -E 's/X\((.*)\)/\1/' | sort"
	assert_success
	[ -n "$output" ] || fail "IPCTOOL_COMMANDS not found"
	assert_equal "$output" "$defined"
}
