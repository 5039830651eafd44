/* A command's command line, parsed: the bag its run function asks.
 *
 * The runner (command.c) hands popt the command's table and keeps every
 * option it meets, in command-line order, with its value; the positional
 * words; and the COMMAND after `--` for a command that runs one.  A run
 * function asks for what it takes by the option's val (its enum in the
 * command's file), as tmux's commands ask args_get(args, 't'):
 *
 *	unsigned long long count = 1;
 *	if ((rc = args_unsigned(a, OPT_COUNT, 1, INT_MAX, &count)))
 *		return rc;
 *
 * Typed getters range-check every value given (not only the last, which is
 * the one kept) and name the option from the table in their usage error, so
 * no command spells an option's name twice.  The parts several commands
 * share (a TARGET, --mode/--exclusive, --nowait/--timeout, the kinds and
 * families, the table formats, --progress) have one getter each. */
#ifndef IPCTOOL_ARGS_H
#define IPCTOOL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "lib/options.h"
#include "lib/progress.h"
#include "lib/table.h"
#include "lib/target.h"

struct poptOption;

/* One option as given: its val, and its value (NULL for a flag). */
struct arg {
	int val;
	char *value;
};

struct args {
	const struct poptOption *table; /* the command's, shared tables included */
	struct arg *given;              /* every option, in command-line order */
	size_t ngiven;
	const char **words;             /* positional words, NULL-terminated */
	int nwords;
	const char **command;           /* after `--`, NULL-terminated; NULL: none */
	/* The words with those after `--` appended: for a command whose `--`
	 * starts a COMMAND only with some option (args_dashes_end_options). */
	const char **through;
	int nthrough;
};

/* Was the option VAL given (at least once)? */
bool args_has(const struct args *a, int val);
/* The last value given to VAL, or NULL when it was not given. */
const char *args_value(const struct args *a, int val);
/* The next option given after AFTER (NULL: from the start) whose val is
 * VAL, or any when VAL is 0; NULL at the end.  For repeatable options:
 *	for (const struct arg *g = NULL; (g = args_next(a, OPT_X, g));) */
const struct arg *args_next(const struct args *a, int val, const struct arg *after);
/* How the table spells VAL: "--count" (or "-c" when it has no long name). */
const char *args_name(const struct args *a, int val);

/* VAL's values as numbers from LOW to HIGH into *OUT (the last given); 0
 * with *OUT untouched when it was not given, or a usage error naming the
 * option and why (parse.h). */
int args_unsigned(const struct args *a, int val, unsigned long long low, unsigned long long high,
		  unsigned long long *out);
int args_signed(const struct args *a, int val, long long low, long long high, long long *out);
/* Bytes, with K, M or G. */
int args_size(const struct args *a, int val, unsigned long long low, unsigned long long high,
	      unsigned long long *out);
/* Seconds, decimals allowed, as --timeout takes them. */
int args_duration(const struct args *a, int val, struct timespec *out);
/* The same, above 0: an interval between samples, an idle timeout. */
int args_positive_duration(const struct args *a, int val, struct timespec *out);
/* --ns PID (CLI_NS_ENTRY with the command's VAL), as ns_parse_pid takes it. */
int args_ns_pid(const struct args *a, int val, pid_t *pid);
/* Permissions in octal, 0 to 0777. */
int args_mode(const struct args *a, int val, mode_t *out);

/* A usage error for positional words from FIRST on, when there are any. */
int args_no_more(const struct args *a, int first);
/* A as a command sees it whose `--` ended the options rather than started
 * a COMMAND (recv without --exec): the words after it are positional. */
struct args args_dashes_end_options(const struct args *a);

/* The shared parts (their tables are in cli.h). */
/* --key/--ftok, else the first word (REQUIRED: one of them must be there);
 * *NEXT becomes the index of the first word after it. */
int args_target(const struct args *a, struct target *t, bool required, int *next);
/* Every --key/--ftok in order, then every word, each one more TARGET
 * appended to the array *V of *N (rm, watch, dump). */
int args_targets(const struct args *a, struct target **v, size_t *n);
/* --mode/--exclusive, with the default mode 0600. */
int args_create(const struct args *a, struct create_options *o);
/* --nowait/--timeout, which contradict each other. */
int args_wait(const struct args *a, struct wait_options *o);
/* --queues/--shm/--sems, --sysv/--posix, --user. */
int args_select(const struct args *a, struct select_options *o);
/* --json/--raw/--export (one of them) and --noheadings. */
int args_format(const struct args *a, struct table_format *f);
/* --progress/--no-progress: the last given wins; PROGRESS_AUTO without. */
enum progress_mode args_progress(const struct args *a);

#endif
