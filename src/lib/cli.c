#include "lib/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/parse.h"
#include "lib/usage.h"

struct poptOption cli_help_options[] = {
	{ "help", 'h', POPT_ARG_NONE, NULL, CLI_OPT_HELP, "show this help and exit", NULL },
	POPT_TABLEEND
};

struct poptOption cli_target_options[] = {
	{ "key", 'k', POPT_ARG_STRING, NULL, CLI_OPT_KEY,
	  "System V key, decimal or 0x hex", "KEY" },
	{ "ftok", 'f', POPT_ARG_STRING, NULL, CLI_OPT_FTOK,
	  "System V key from ftok(3) of PATH; PROJ 1-255 or a character (default 1)", "PATH[:PROJ]" },
	POPT_TABLEEND
};

struct poptOption cli_table_options[] = {
	{ "json", 'J', POPT_ARG_NONE, NULL, CLI_OPT_JSON, "one JSON document", NULL },
	{ "raw", 'r', POPT_ARG_NONE, NULL, CLI_OPT_RAW, "raw output, as lsipc --raw", NULL },
	{ "export", 'e', POPT_ARG_NONE, NULL, CLI_OPT_EXPORT, "NAME=\"value\" pairs, as lsipc --export", NULL },
	{ "noheadings", '\0', POPT_ARG_NONE, NULL, CLI_OPT_NOHEADINGS, "no header line", NULL },
	POPT_TABLEEND
};

struct poptOption cli_progress_options[] = {
	{ "progress", '\0', POPT_ARG_NONE, NULL, CLI_OPT_PROGRESS,
	  "a status line on stderr even when it is no terminal, or with JSON", NULL },
	{ "no-progress", '\0', POPT_ARG_NONE, NULL, CLI_OPT_NO_PROGRESS,
	  "no status line (by default one shows on a terminal after a second)", NULL },
	POPT_TABLEEND
};

struct poptOption cli_create_options[] = {
	{ "mode", 'p', POPT_ARG_STRING, NULL, CLI_OPT_MODE,
	  "permissions in octal (default 0600)", "MODE" },
	{ "exclusive", 'X', POPT_ARG_NONE, NULL, CLI_OPT_EXCLUSIVE,
	  "fail if the object already exists", NULL },
	POPT_TABLEEND
};

struct poptOption cli_wait_options[] = {
	{ "nowait", 'n', POPT_ARG_NONE, NULL, CLI_OPT_NOWAIT,
	  "do not wait: exit 3 at once if it would block", NULL },
	{ "timeout", 't', POPT_ARG_STRING, NULL, CLI_OPT_TIMEOUT,
	  "wait at most SECS (decimals allowed), then exit 3", "SECS" },
	POPT_TABLEEND
};

int cli_bad_option(poptContext ctx, int rc)
{
	return usage_error("%s: %s", quote_input(poptBadOption(ctx, POPT_BADOPTION_NOALIAS)), poptStrerror(rc));
}

int cli_show_help(const char *sub, const char *synopsis, const char *summary,
		     const struct poptOption *table)
{
	usage_print(stdout, sub, synopsis, summary, table);
	return CLI_HELP_SHOWN;
}

int cli_start(struct cli *cli, int argc, const char **argv, const struct poptOption *table)
{
	const char *sub = argv[0];

	memset(cli, 0, sizeof(*cli));
	/* popt names the program after argv[0] in --help; make it the whole
	 * "ipctool SUB" a user types. */
	size_t len = strlen("ipctool ") + strlen(sub) + 1;
	cli->prog = malloc(len);
	cli->argv = malloc(sizeof(*cli->argv) * ((size_t)argc + 1));
	if (!cli->prog || !cli->argv)
		return fail("out of memory");
	snprintf(cli->prog, len, "ipctool %s", sub);
	cli->argv[0] = cli->prog;
	for (int i = 1; i < argc; i++)
		cli->argv[i] = argv[i];
	cli->argv[argc] = NULL;

	cli->ctx = poptGetContext(cli->prog, argc, cli->argv, table, 0);
	if (!cli->ctx)
		return fail("cannot parse the command line");
	return 0;
}

void cli_free(struct cli *cli)
{
	if (cli->ctx)
		poptFreeContext(cli->ctx);
	free(cli->argv);
	free(cli->prog);
	memset(cli, 0, sizeof(*cli));
}

static bool option_takes_value(const struct poptOption *o)
{
	return (o->argInfo & POPT_ARG_MASK) != POPT_ARG_NONE;
}

const struct poptOption *cli_find_option(const struct poptOption *table,
					 bool (*is)(const struct poptOption *o, const void *key), const void *key)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			const struct poptOption *found = cli_find_option(o->arg, is, key);
			if (found)
				return found;
		} else if (is(o, key)) {
			return o;
		}
	}
	return NULL;
}

static bool has_short_name(const struct poptOption *o, const void *c)
{
	return o->shortName && o->shortName == *(const char *)c;
}

static bool has_long_name(const struct poptOption *o, const void *name)
{
	return o->longName && strcmp(o->longName, name) == 0;
}

bool cli_value_follows(const struct poptOption *table, const char *word)
{
	if (word[1] == '-') {
		const struct poptOption *o = cli_find_option(table, has_long_name, word + 2);
		return o && option_takes_value(o);
	}
	/* Short options cluster (-gv): the first that takes a value takes the
	 * rest of the word, or the next word when it ends the cluster. */
	for (const char *c = word + 1; *c; c++) {
		const struct poptOption *o = cli_find_option(table, has_short_name, c);
		if (!o)
			return false;
		if (option_takes_value(o))
			return c[1] == '\0';
	}
	return false;
}

int cli_command_start(int argc, const char **argv, const struct poptOption *table)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i;
		if (argv[i][0] == '-' && cli_value_follows(table, argv[i]))
			i++;
	}
	return argc;
}

int cli_status(int rc)
{
	return rc == CLI_HELP_SHOWN ? 0 : rc;
}

int targets_or_all_check(const struct target *v, size_t n, bool all, const struct select_options *s,
			 const char *verb)
{
	if (all && n)
		return usage_error("--all %s by selection; it takes no TARGET ('%s')", verb, quote_input(v[0].text));
	if (!all && !n)
		return usage_error("missing TARGET (an id, 0xKEY, /name, --key or --ftok), or --all");
	if (s->has_user && !all)
		return usage_error("--user selects objects for --all; a TARGET names its object already");
	if ((s->sysv || s->posix) && !all)
		return usage_error("--%s selects a family for --all; a TARGET names its family already",
				   s->sysv ? "sysv" : "posix");
	return 0;
}

