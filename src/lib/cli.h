/* Option tables and the popt context, the same way for every subcommand.
 *
 * Each subcommand has one poptOption table.  Every option in it carries a
 * val and no arg pointer, so the runner (command.c) keeps each (val, text)
 * in the bag a command's run asks (args.h).  Options shared by several
 * subcommands are tables of their own here, included with
 * POPT_ARG_INCLUDE_TABLE, each read by its getter in args.h. */
#ifndef IPCTOOL_CLI_H
#define IPCTOOL_CLI_H

#include <popt.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "lib/options.h"
#include "lib/progress.h"
#include "lib/table.h"
#include "lib/target.h"

/* Option vals: subcommands use 1..999; shared tables claim ranges here. */
enum {
	CLI_OPT_HELP = 1000,
	CLI_OPT_KEY = 1010, CLI_OPT_FTOK,
	CLI_OPT_MODE = 1020, CLI_OPT_EXCLUSIVE,
	CLI_OPT_NOWAIT = 1030, CLI_OPT_TIMEOUT,
	/* list's and rm's tables spell these each their own way */
	CLI_OPT_QUEUES = 1040, CLI_OPT_SHM, CLI_OPT_SEMS, CLI_OPT_SYSV, CLI_OPT_POSIX, CLI_OPT_USER,
	CLI_OPT_JSON = 1050, CLI_OPT_RAW, CLI_OPT_EXPORT, CLI_OPT_NOHEADINGS,
	CLI_OPT_PROGRESS = 1060, CLI_OPT_NO_PROGRESS,
};

/* Returned by the runner when --help was shown: exit 0. */
#define CLI_HELP_SHOWN (-2)

extern struct poptOption cli_help_options[];
extern struct poptOption cli_target_options[];
extern struct poptOption cli_create_options[];
extern struct poptOption cli_wait_options[];
/* How a table is printed: --json, --raw, --export, --noheadings. */
extern struct poptOption cli_table_options[];
/* --progress, --no-progress (progress.h), read by args_progress. */
extern struct poptOption cli_progress_options[];

#define CLI_INCLUDE(table, title) \
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, (table), 0, (title), NULL }
#define CLI_HELP_TABLE CLI_INCLUDE(cli_help_options, "Help options:")
#define TARGET_TABLE CLI_INCLUDE(cli_target_options, "Naming the object:")
/* --key and --ftok for the commands that take several TARGETs (rm,
 * watch, dump): each names one more (args_targets); TARGET_TABLE's
 * name one. */
#define CLI_TARGETS_ENTRIES \
	{ "key", 'k', POPT_ARG_STRING, NULL, CLI_OPT_KEY, "System V key, decimal or 0x hex (repeatable)", "KEY" }, \
	{ "ftok", 'f', POPT_ARG_STRING, NULL, CLI_OPT_FTOK, \
	  "key from ftok(3) of PATH; PROJ 1-255 or a character, default 1 (repeatable)", "PATH[:PROJ]" }
/* --ns PID (nsenter.h, ns_parse_pid) with the command's own VAL. */
#define CLI_NS_ENTRY(val) \
	{ "ns", '\0', POPT_ARG_STRING, NULL, (val), \
	  "in the IPC and mount namespaces of process PID (as nsenter --ipc --mount)", "PID" }
/* --queues, --shm, --sems as list, watch and dump spell them. */
#define CLI_KIND_ENTRIES \
	{ "queues", 'q', POPT_ARG_NONE, NULL, CLI_OPT_QUEUES, "message queues", NULL }, \
	{ "shm", 'm', POPT_ARG_NONE, NULL, CLI_OPT_SHM, "shared memory segments", NULL }, \
	{ "sems", 's', POPT_ARG_NONE, NULL, CLI_OPT_SEMS, "semaphore sets", NULL }

/* The popt context of one command line (the runner's). */
struct cli {
	poptContext ctx;
	char *prog;           /* "ipctool SUB", shown in --help */
	const char **argv;    /* argv as handed to popt */
};

void cli_free(struct cli *cli);
/* The popt context for ARGV and TABLE, in CLI (the runner's first step);
 * cli_free must be called in every case. */
int cli_start(struct cli *cli, int argc, const char **argv, const struct poptOption *table);
/* --help: SYNOPSIS, SUMMARY and TABLE on stdout (usage.h); CLI_HELP_SHOWN. */
int cli_show_help(const char *sub, const char *synopsis, const char *summary,
		  const struct poptOption *table);
/* The usage error for what popt refused (RC < -1). */
int cli_bad_option(poptContext ctx, int rc);
/* Where a COMMAND follows `--` (sem-p ... -- COMMAND ARGS): the index of
 * the first "--" in ARGV after ARGV[0] that is not the value of one of
 * TABLE's options (`--sep --`), or ARGC when there is none.  popt drops the
 * "--" from its leftovers, so a command that runs one splits ARGV here and
 * hands popt only the part before it. */
int cli_command_start(int argc, const char **argv, const struct poptOption *table);
/* The first option of TABLE (its included tables too) that IS says is the
 * one KEY names, or NULL. */
const struct poptOption *cli_find_option(const struct poptOption *table,
					 bool (*is)(const struct poptOption *o, const void *key), const void *key);
/* Does WORD name an option of TABLE (its included tables too) that takes
 * its value from the next word: --name, -x, or a cluster -abx that -x
 * ends?  "--name=VALUE", "-xVALUE" and "-xab" do not. */
bool cli_value_follows(const struct poptOption *table, const char *word);
/* The exit status of a run (help shown is 0). */
int cli_status(int rc);

/* TARGETs or --all, one of the two (rm, dump: --all VERB by selection);
 * --user and --sysv/--posix select for --all only. */
int targets_or_all_check(const struct target *v, size_t n, bool all, const struct select_options *s,
			 const char *verb);

#endif
