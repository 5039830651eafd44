/* The one runner every subcommand goes through (see command.h). */
#include "lib/command.h"

#include <stdlib.h>
#include <string.h>

#include "lib/error.h"

struct run {
	const struct command *command;
	char *opts;
};

static void *part(const struct run *r, size_t at)
{
	return r->opts + at - 1;
}

/* The shared parts' options first, then the command's own. */
static int claim_option(int val, const char *arg, void *data)
{
	const struct run *r = data;
	const struct command *c = r->command;
	int rc;

	if (c->target && (rc = target_option(part(r, c->target), val, arg)) != CLI_UNHANDLED)
		return rc;
	if (c->create && (rc = create_option(part(r, c->create), val, arg)) != CLI_UNHANDLED)
		return rc;
	if (c->wait && (rc = wait_option(part(r, c->wait), val, arg)) != CLI_UNHANDLED)
		return rc;
	if (c->select && (rc = select_option(part(r, c->select), val, arg)) != CLI_UNHANDLED)
		return rc;
	if (c->format && (rc = table_option(part(r, c->format), val)) != CLI_UNHANDLED)
		return rc;
	return c->option ? c->option(val, arg, r->opts) : CLI_UNHANDLED;
}

static void init_parts(const struct run *r)
{
	const struct command *c = r->command;

	if (c->target)
		target_init(part(r, c->target));
	if (c->create)
		create_options_init(part(r, c->create));
	if (c->init)
		c->init(r->opts);
}

/* After parsing: the positional TARGET, and the shared parts' own rules. */
static int finish_parts(const struct run *r, struct cli *cli)
{
	const struct command *c = r->command;
	int rc;

	if (c->target &&
	    (rc = cli_target_finish(cli, part(r, c->target), c->target_use == TARGET_REQUIRED, &cli->next)))
		return rc;
	if (c->wait && (rc = wait_options_check(part(r, c->wait))))
		return rc;
	if (c->format && (rc = table_options_check(part(r, c->format))))
		return rc;
	return 0;
}

/* Where the COMMAND after `--` starts, or ARGC when there is none. */
static int command_split(const struct command *c, int argc, const char **argv)
{
	if (!c->runs_command)
		return argc;
	int split = cli_command_start(argc, argv, c->table);
	if (!c->command_after)
		return split;
	for (int i = 1; i < split; i++)
		for (const char *const *w = c->command_after; *w; w++)
			if (strcmp(argv[i], *w) == 0)
				return split;
	return argc;
}

int command_run(const struct command *c, int argc, const char **argv)
{
	struct cli cli;
	int rc;

	if (c->check_words && (rc = c->check_words(argc, argv, c->table)))
		return rc;
	struct run r = { .command = c, .opts = calloc(1, c->size ? c->size : 1) };
	if (!r.opts)
		return fail("out of memory");
	init_parts(&r);
	/* What follows `--` is the COMMAND to run, which popt must not see. */
	int split = command_split(c, argc, argv);
	rc = cli_parse(&cli, split, argv, c->table, c->synopsis, c->summary, claim_option, &r);
	cli.command = split < argc ? argv + split + 1 : NULL;
	if (rc == 0)
		rc = finish_parts(&r, &cli);
	if (rc == 0)
		rc = c->run(r.opts, &cli);
	if (c->done)
		c->done(r.opts);
	cli_free(&cli);
	free(r.opts);
	return cli_status(rc);
}
