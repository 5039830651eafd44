/* What the shell completions are made of: two hidden entry points.
 *
 * `ipctool --dump-options` prints, for ipctool and every subcommand of the table, what
 * tools/gen-completions needs to write the bash, zsh and fish scripts, one
 * record a line, fields separated by one TAB:
 *
 *   top --LONG -S HELP
 *       an option of ipctool itself, before the SUBCOMMAND (--help,
 *       --version); -S is empty when it has no short name.
 *   command SUB FIRST REST RUNS SUMMARY
 *       FIRST: what SUB's first positional argument is, REST: what the
 *       ones after it are (a value kind, below); RUNS: 1 when SUB takes
 *       `-- COMMAND [ARGS...]` after its options, else 0.
 *   option SUB --LONG -S VALUE KIND NAMES GROUP HELP
 *       one of SUB's options, as its popt table says (included tables
 *       walked, hidden options left out): -S is empty when it has no short
 *       name; VALUE 1 when it takes a value, else 0; KIND what its value
 *       is; NAMES 1 when it names the TARGET (--key, --ftok: no positional
 *       TARGET follows); GROUP the title of the included table it comes
 *       from, empty for the command's own; HELP its help text.
 *
 * A value kind is empty (nothing to offer), "files", "separator" (the word
 * between pipe-run's stages), or a KIND of `ipctool __complete`.
 *
 * `ipctool __complete KIND [PREFIX]` prints the candidates of KIND that
 * start with PREFIX, one a line: queues, segments, semaphores, objects
 * (System V ids, keys as 0x%08x, then POSIX /names), signals, pids,
 * users, columns (list --output's) or commands (ipctool's subcommands).
 * It is silent and exits 0 whatever it cannot read: its output lands in
 * a shell's completion. */
#ifndef IPCTOOL_COMPLETE_H
#define IPCTOOL_COMPLETE_H

#include <stddef.h>

#include "lib/command.h"

int complete_dump_options(const struct command *const *commands, size_t n,
			  const struct poptOption *top);
int complete_candidates(const struct command *const *commands, size_t n, int argc, const char **argv);

#endif
