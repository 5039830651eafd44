/* The one runner every subcommand goes through (see command.h). */
#include "lib/command.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/parse.h"
#include "lib/signame.h"

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

/* ---- the new shape: every option into the bag (args.h) ---------------- */

/* Is WORD written as kill(1) writes a signal or a process group: a dash,
 * then digits or a signal's name (-9, -TERM, -123)? */
static bool kill_word(const char *word)
{
	int sig;

	if (word[0] != '-' || word[1] == '-' || word[1] == '\0')
		return false;
	return is_all_digits(word + 1) || signal_parse(word + 1, true, &sig) == NULL;
}

/* For COMMAND_KILL_WORDS: ARGV with its options first, then `--` and the
 * positional words in their order, kill's words among them, so popt takes
 * -9 for a word.  *ARGC grows by the `--`. */
static const char **kill_words_last(const struct command *c, int *argc, const char **argv)
{
	const char **out = malloc(sizeof(*out) * ((size_t)*argc + 2));
	const char **words = malloc(sizeof(*words) * ((size_t)*argc + 1));
	int n = 0, nwords = 0;

	if (!out || !words) {
		free(out);
		free(words);
		return NULL;
	}
	out[n++] = argv[0];
	for (int i = 1; i < *argc; i++) {
		const char *w = argv[i];
		if (strcmp(w, "--") == 0) {
			while (++i < *argc)
				words[nwords++] = argv[i];
		} else if (w[0] != '-' || w[1] == '\0' || kill_word(w)) {
			words[nwords++] = w;
		} else {
			out[n++] = w;
			if (cli_value_follows(c->table, w) && i + 1 < *argc)
				out[n++] = argv[++i];
		}
	}
	out[n++] = "--";
	for (int i = 0; i < nwords; i++)
		out[n++] = words[i];
	out[n] = NULL;
	free(words);
	*argc = n;
	return out;
}

static void args_free(struct args *a)
{
	for (size_t i = 0; i < a->ngiven; i++)
		free(a->given[i].value);
	free(a->given);
	free(a->through);
}

/* Each option popt meets into A->given; --help shows the help. */
static int collect_options(const struct command *c, struct cli *cli, struct args *a)
{
	size_t cap = 0;
	int rc;

	while ((rc = poptGetNextOpt(cli->ctx)) > 0) {
		if (rc == CLI_OPT_HELP)
			return cli_show_help(c->name, c->synopsis, c->summary, c->table);
		struct arg *grown = array_grow(a->given, &cap, a->ngiven, sizeof(*a->given), 16);
		if (!grown)
			return fail("out of memory");
		a->given = grown;
		a->given[a->ngiven++] = (struct arg){ rc, poptGetOptArg(cli->ctx) };
	}
	return rc < -1 ? cli_bad_option(cli->ctx, rc) : 0;
}

/* The positional words, and with them those after `--` (args.through). */
static int collect_words(struct cli *cli, const char **command, struct args *a)
{
	const char **rest = poptGetArgs(cli->ctx);
	int n = 0, ncommand = 0;

	while (rest && rest[n])
		n++;
	while (command && command[ncommand])
		ncommand++;
	if (!(a->through = malloc(sizeof(*a->through) * (size_t)(2 * n + ncommand + 2))))
		return fail("out of memory");
	/* words, NULL, then words again with the COMMAND after them, NULL */
	for (int i = 0; i < n; i++)
		a->through[i] = a->through[n + 1 + i] = rest[i];
	a->through[n] = NULL;
	for (int i = 0; i < ncommand; i++)
		a->through[2 * n + 1 + i] = command[i];
	a->through[2 * n + 1 + ncommand] = NULL;
	a->words = a->through;
	a->nwords = n;
	a->command = command;
	a->through += n + 1;
	a->nthrough = n + ncommand;
	return 0;
}

static int run_args(const struct command *c, int argc, const char **argv)
{
	struct args a = { .table = c->table };
	struct cli cli;
	const char **order = NULL;
	int rc;

	if ((c->flags & COMMAND_KILL_WORDS) && !(argv = order = kill_words_last(c, &argc, argv)))
		return fail("out of memory");
	int split = (c->flags & COMMAND_RUNS_COMMAND) ? cli_command_start(argc, argv, c->table) : argc;
	rc = cli_start(&cli, split, argv, c->table);
	if (rc == 0)
		rc = collect_options(c, &cli, &a);
	if (rc == 0)
		rc = collect_words(&cli, split < argc ? argv + split + 1 : NULL, &a);
	if (rc == 0)
		rc = c->run(&a);
	if (a.through)
		a.through -= a.nwords + 1;
	args_free(&a);
	cli_free(&cli);
	free(order);
	return cli_status(rc);
}

int command_run(const struct command *c, int argc, const char **argv)
{
	if (c->run)
		return run_args(c, argc, argv);

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
		rc = c->old_run(r.opts, &cli);
	if (c->done)
		c->done(r.opts);
	cli_free(&cli);
	free(r.opts);
	return cli_status(rc);
}
