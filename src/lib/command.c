/* The one runner every subcommand goes through (see command.h). */
#include "lib/command.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/signame.h"

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
		} else if (w[0] != '-' || w[1] == '\0' || signal_dashed(w)) {
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

/* The positional words, and with them those after `--` (args.through),
 * in one array *STORE the caller frees. */
static int collect_words(struct cli *cli, const char **command, struct args *a, const char ***store)
{
	const char **rest = poptGetArgs(cli->ctx);
	int n = 0, ncommand = 0;

	while (rest && rest[n])
		n++;
	while (command && command[ncommand])
		ncommand++;
	if (!(*store = a->through = malloc(sizeof(*a->through) * (size_t)(2 * n + ncommand + 2))))
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

int command_run(const struct command *c, int argc, const char **argv)
{
	struct args a = { .table = c->table };
	struct cli cli;
	const char **order = NULL, **words = NULL;
	int rc;

	if ((c->flags & COMMAND_KILL_WORDS) && !(argv = order = kill_words_last(c, &argc, argv)))
		return fail("out of memory");
	int split = (c->flags & COMMAND_RUNS_COMMAND) ? cli_command_start(argc, argv, c->table) : argc;
	rc = cli_start(&cli, split, argv, c->table);
	if (rc == 0)
		rc = collect_options(c, &cli, &a);
	if (rc == 0)
		rc = collect_words(&cli, split < argc ? argv + split + 1 : NULL, &a, &words);
	if (rc == 0)
		rc = c->run(&a);
	args_free(&a);
	free(words);
	cli_free(&cli);
	free(order);
	return cli_status(rc);
}

