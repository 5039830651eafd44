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

int progress_option(enum progress_mode *mode, int val)
{
	switch (val) {
	case CLI_OPT_PROGRESS: *mode = PROGRESS_FORCE; return 0;
	case CLI_OPT_NO_PROGRESS: *mode = PROGRESS_OFF; return 0;
	default: return CLI_UNHANDLED;
	}
}

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

int cli_extra_args(const struct cli *cli, int first_extra)
{
	if (first_extra >= cli->nargs)
		return 0;
	return usage_error("unexpected argument '%s'", quote_input(cli->args[first_extra]));
}

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
	static const char *no_args[] = { NULL };
	const char *sub = argv[0];

	memset(cli, 0, sizeof(*cli));
	cli->args = no_args;
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

int cli_parse(struct cli *cli, int argc, const char **argv,
	      const struct poptOption *table, const char *synopsis, const char *summary,
	      cli_option_fn on_option, void *data)
{
	const char *sub = argv[0];
	int rc;

	if ((rc = cli_start(cli, argc, argv, table)))
		return rc;
	while ((rc = poptGetNextOpt(cli->ctx)) > 0) {
		if (rc == CLI_OPT_HELP)
			return cli_show_help(sub, synopsis, summary, table);
		char *arg = poptGetOptArg(cli->ctx);
		int status = on_option(rc, arg, data);
		free(arg);
		if (status == CLI_UNHANDLED)
			return fail("internal error: option %d has no handler", rc);
		if (status != 0)
			return status;
	}
	if (rc < -1)
		return cli_bad_option(cli->ctx, rc);

	const char **rest = poptGetArgs(cli->ctx);
	if (rest) {
		cli->args = rest;
		while (rest[cli->nargs])
			cli->nargs++;
	}
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

bool cli_value_follows(const struct poptOption *table, const char *word)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			if (cli_value_follows(o->arg, word))
				return true;
			continue;
		}
		if (!option_takes_value(o))
			continue;
		if (word[1] == '-' && o->longName && strcmp(word + 2, o->longName) == 0)
			return true;
		if (word[1] != '-' && o->shortName && word[1] == o->shortName && word[2] == '\0')
			return true;
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

int target_option(struct target *t, int val, const char *arg)
{
	switch (val) {
	case CLI_OPT_KEY:
		return target_set_key(t, arg);
	case CLI_OPT_FTOK:
		return target_set_ftok(t, arg);
	default:
		return CLI_UNHANDLED;
	}
}

int targets_option(struct target **v, size_t *n, int val, const char *arg)
{
	struct target *t;

	if (val != CLI_OPT_KEY && val != CLI_OPT_FTOK)
		return CLI_UNHANDLED;
	if (!(t = target_append(v, n)))
		return fail("out of memory");
	return target_option(t, val, arg);
}

int targets_from_args(struct target **v, size_t *n, const struct cli *cli)
{
	for (int i = 0; i < cli->nargs; i++) {
		struct target *t = target_append(v, n);
		if (!t)
			return fail("out of memory");
		int rc = target_parse(t, cli->args[i]);
		if (rc)
			return rc;
	}
	return 0;
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

int cli_target_finish(const struct cli *cli, struct target *t, bool required, int *next)
{
	return target_finish(t, cli->args, cli->nargs, required, next);
}

void create_options_init(struct create_options *o)
{
	o->mode = 0600;
	o->exclusive = false;
	o->given = false;
}

int create_option(struct create_options *o, int val, const char *arg)
{
	const char *why;

	if (val == CLI_OPT_MODE || val == CLI_OPT_EXCLUSIVE)
		o->given = true;
	switch (val) {
	case CLI_OPT_MODE:
		return (why = parse_mode(arg, &o->mode)) ? cli_bad_value("--mode", arg, why) : 0;
	case CLI_OPT_EXCLUSIVE: o->exclusive = true; return 0;
	default:
		return CLI_UNHANDLED;
	}
}

int wait_option(struct wait_options *o, int val, const char *arg)
{
	switch (val) {
	case CLI_OPT_NOWAIT: o->nowait = true; return 0;
	case CLI_OPT_TIMEOUT:
		o->has_timeout = true;
		return cli_duration("--timeout", arg, &o->timeout);
	default:
		return CLI_UNHANDLED;
	}
}

int select_option(struct select_options *o, int val, const char *arg)
{
	const char *why;

	switch (val) {
	case CLI_OPT_QUEUES: o->kinds |= 1u << IPC_KIND_QUEUE; return 0;
	case CLI_OPT_SHM: o->kinds |= 1u << IPC_KIND_SHM; return 0;
	case CLI_OPT_SEMS: o->kinds |= 1u << IPC_KIND_SEM; return 0;
	case CLI_OPT_SYSV: o->sysv = true; return 0;
	case CLI_OPT_POSIX: o->posix = true; return 0;
	case CLI_OPT_USER:
		o->has_user = true;
		return (why = parse_user(arg, &o->user)) ? cli_bad_value("--user", arg, why) : 0;
	default:
		return CLI_UNHANDLED;
	}
}

/* Counts the different modes asked for: --json twice is no contradiction. */
static int set_table_mode(struct table_format *f, enum table_mode mode)
{
	if (f->modes == 0 || f->mode != mode)
		f->modes++;
	f->mode = mode;
	return 0;
}

int table_option(struct table_format *f, int val)
{
	switch (val) {
	case CLI_OPT_JSON: return set_table_mode(f, TABLE_JSON);
	case CLI_OPT_RAW: return set_table_mode(f, TABLE_RAW);
	case CLI_OPT_EXPORT: return set_table_mode(f, TABLE_EXPORT);
	case CLI_OPT_NOHEADINGS: f->noheadings = true; return 0;
	default: return CLI_UNHANDLED;
	}
}

int table_options_check(const struct table_format *f)
{
	if (f->modes > 1)
		return usage_error("--json, --raw and --export contradict each other: choose one");
	return 0;
}

int wait_options_check(const struct wait_options *o)
{
	if (o->nowait && o->has_timeout)
		return usage_error("--nowait and --timeout contradict each other");
	return 0;
}

int cli_unsigned(const char *option, const char *arg, unsigned long long low, unsigned long long high,
		 unsigned long long *out)
{
	const char *why = parse_unsigned(arg, low, high, out);

	return why ? cli_bad_value(option, arg, why) : 0;
}

int cli_signed(const char *option, const char *arg, long long low, long long high, long long *out)
{
	const char *why = parse_signed(arg, low, high, out);

	return why ? cli_bad_value(option, arg, why) : 0;
}

int cli_size(const char *option, const char *arg, unsigned long long low, unsigned long long high,
	     unsigned long long *out)
{
	const char *why = parse_size(arg, low, high, out);

	return why ? cli_bad_value(option, arg, why) : 0;
}

int cli_duration(const char *option, const char *arg, struct timespec *out)
{
	const char *why = parse_duration(arg, out);

	return why ? cli_bad_value(option, arg, why) : 0;
}
