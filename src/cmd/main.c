/* ipctool: every Linux IPC mechanism from the shell (doc/ARCHITECTURE.md
 * has the whole picture: the layers, the life of one command, where to add
 * what).
 *
 * The layers, a folder each, each calling only the ones below it:
 *   src/cmd    one file per subcommand or family (mkq.c, send.c, recv.c,
 *              shm.c, sem.c, fifo.c, pipeline.c, signals.c, list.c, rm.c),
 *              each exporting one `const struct command` per subcommand
 *              (command.h), and the files a large one is split into by job
 *              (recvbatch.c, recvexec.c, ...: doc/ARCHITECTURE.md);
 *   src/view   how objects are shown: list's columns and cells;
 *   src/mech   one interface per mechanism with its System V and POSIX
 *              implementations: queue.h, segment.h, sem.h, socket.h;
 *   src/inv    what objects exist: sysvobj.c, posixobj.c, users.c, ...;
 *   src/lib    helpers: cli.c (the only user of popt), command.c (the
 *              runner) and args.c (the bag of options it hands a command's
 *              run), parse, target, error, io, wait, buf, json, guard,
 *              signame, table (libsmartcols), spawn (every COMMAND ipctool
 *              starts).
 *
 * Adding a subcommand, in one pass:
 *   1. write its file: an enum of its options' vals, one popt table
 *      (shared tables included with TARGET_TABLE / CLI_INCLUDE), a run
 *      function that asks the bag of options for what it takes (args.h:
 *      args_target, args_unsigned, ...), and its `const struct command`
 *      (command.h: name, summary, synopsis, table, complete, flags, run);
 *      a COMMAND it starts goes through spawn.h;
 *   2. add its name to IPCTOOL_COMMANDS (commands.h), which declares it
 *      and makes `commands` below: dispatch, --help, `ipctool help`,
 *      --list-commands read that table;
 *   3. its manual page, man/ipctool-NAME.1, and its line in ipctool(1);
 *   4. run `make completions`: the bash, zsh and fish scripts are written
 *      from the tables and the entry's .complete (tools/gen-completions
 *      reads --dump-options);
 *   5. tests/SUBCOMMAND.bats covering every option and bad input.
 * tests/cli.bats fails until 3 and 4 are done for every name in the table.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/command.h"
#include "cmd/commands.h"
#include "cmd/complete.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/spawn.h"
#include "lib/suggest.h"

/* `ipctool help [SUB]`: the overview, or SUB's own --help.  `help --help`
 * is the overview too, so its --help is its own (hidden) option. */
enum { OPT_OVERVIEW = 1 };

static struct poptOption help_table[] = {
	{ "help", 'h', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_OVERVIEW, NULL, NULL },
	POPT_TABLEEND
};

static int help_run(const struct args *a);

static const struct command command_help = {
	.name = "help",
	.summary = "show help for ipctool or for one subcommand",
	.synopsis = "[SUBCOMMAND]",
	.table = help_table,
	.complete = COMPLETE_SUBCOMMAND,
	.run = help_run,
};

/* Every subcommand, in the order --help lists them.  Dispatch, --help,
 * `ipctool help`, --list-commands and --dump-options all read this. */
#define COMMAND_ADDRESS(name) &command_##name,
static const struct command *const commands[] = {
	IPCTOOL_COMMANDS(COMMAND_ADDRESS)
	&command_help,
};

static const size_t ncommands = sizeof(commands) / sizeof(commands[0]);

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void print_overview(FILE *out)
{
	fputs("Usage:\n"
	      " ipctool [--help] [--version] SUBCOMMAND [OPTIONS] [ARGS]\n"
	      " ipctool help [SUBCOMMAND]\n"
	      "\n"
	      "Create, use, inspect and remove Linux IPC objects from the shell.\n"
	      "\n"
	      "Subcommands:\n", out);
	for (size_t i = 0; i < ncommands; i++)
		fprintf(out, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n"
	      "TARGET names an object: an id (123), a key (0x4d2), --key N,\n"
	      "--ftok PATH[:PROJ], or a POSIX /name.\n"
	      "Exit status: 0 done, 1 failed, 2 usage error, 3 nothing in time.\n"
	      "Run 'ipctool SUBCOMMAND --help' for its options.\n"
	      "\n"
	      "See ipctool(1).\n", out);
}

static int unknown_subcommand(const char *name)
{
	const char *names[sizeof(commands) / sizeof(commands[0])];

	for (size_t i = 0; i < ncommands; i++)
		names[i] = commands[i]->name;
	const char *near = suggest_nearest(name, names, ncommands);
	if (near)
		return usage_error("unknown subcommand '%s'; did you mean '%s'?", quote_input(name), near);
	return usage_error("unknown subcommand '%s'", quote_input(name));
}

static int run_command(const struct command *cmd, int argc, const char **argv)
{
	error_set_subcommand(cmd->name);
	return command_run(cmd, argc, argv);
}

/* Whether man(1) finds PAGE, asked quietly. */
static bool manual_exists(const char *page)
{
	char *argv[] = { "man", "-w", (char *)page, NULL };
	struct spawn probe;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null < 0)
		return false;
	spawn_init(&probe, argv);
	probe.out = probe.err = null;
	bool found = spawn_start(&probe) == 0 && spawn_wait(&probe) == 0;
	close(null);
	return found;
}

/* On a terminal, `help SUB` is SUB's manual page when man(1) has it (as
 * `git help log` is git-log(1)); otherwise, and for scripts, SUB --help.
 * Returns -1 when the page is not shown. */
static int show_manual(const struct command *cmd)
{
	char page[64];

	if (!isatty(STDOUT_FILENO))
		return -1;
	if (strcmp(cmd->name, "help") == 0)
		snprintf(page, sizeof(page), "ipctool");
	else
		snprintf(page, sizeof(page), "ipctool-%s", cmd->name);
	if (!manual_exists(page))
		return -1;
	char *argv[] = { "man", page, NULL };
	return spawn_exec(argv);
}

static int help_run(const struct args *a)
{
	if (a->nwords > 1)
		return usage_error("takes at most one SUBCOMMAND");
	if (a->nwords == 0 || args_has(a, OPT_OVERVIEW)) {
		print_overview(stdout);
		return EXIT_OK;
	}
	const struct command *cmd = find_command(a->words[0]);
	if (!cmd) {
		error_set_subcommand(NULL);
		return unknown_subcommand(a->words[0]);
	}
	int shown = show_manual(cmd);
	if (shown >= 0)
		return shown;
	const char *help_argv[] = { cmd->name, "--help", NULL };
	return run_command(cmd, 2, help_argv);
}

/* The options of ipctool itself, before any SUBCOMMAND; the hidden ones
 * are for the completions and the tests (complete.h). */
enum { TOP_HELP = 1, TOP_VERSION, TOP_LIST_COMMANDS, TOP_DUMP_OPTIONS };

static const struct poptOption top_table[] = {
	{ "help", 'h', POPT_ARG_NONE, NULL, TOP_HELP, "show help and exit", NULL },
	{ "version", 'V', POPT_ARG_NONE, NULL, TOP_VERSION, "show the version and exit", NULL },
	{ "list-commands", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, TOP_LIST_COMMANDS, NULL, NULL },
	{ "dump-options", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, TOP_DUMP_OPTIONS, NULL, NULL },
	POPT_TABLEEND
};

/* WORD as one of top_table's options (--long or -s), or 0. */
static int top_option(const char *word)
{
	for (const struct poptOption *o = top_table; o->longName; o++)
		if ((word[0] == '-' && word[1] == '-' && strcmp(word + 2, o->longName) == 0) ||
		    (o->shortName && word[0] == '-' && word[1] == o->shortName && word[2] == '\0'))
			return o->val;
	return 0;
}

static int run_top_option(int val)
{
	switch (val) {
	case TOP_HELP:
		print_overview(stdout);
		return EXIT_OK;
	case TOP_VERSION:
		printf("ipctool %s\n", IPCTOOL_VERSION);
		return EXIT_OK;
	case TOP_LIST_COMMANDS:
		for (size_t i = 0; i < ncommands; i++)
			puts(commands[i]->name);
		return EXIT_OK;
	default:
		return complete_dump_options(commands, ncommands, top_table);
	}
}

static int dispatch(int argc, const char **argv)
{
	const char *word = argv[1];
	int top;

	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	if ((top = top_option(word)))
		return run_top_option(top);
	if (strcmp(word, "__complete") == 0)
		return complete_candidates(commands, ncommands, argc - 1, argv + 1);
	const struct command *cmd = find_command(word);
	if (!cmd)
		return unknown_subcommand(word);
	return run_command(cmd, argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	/* Before any subcommand: an ignored SIGCHLD inherited through exec
	 * would make every COMMAND's status read as 0 (see ipctool(1)). */
	spawn_reset_inherited_signals();
	int status = dispatch(argc, (const char **)argv);
	int flushed = finish_stdout();

	return status != EXIT_OK ? status : flushed;
}
