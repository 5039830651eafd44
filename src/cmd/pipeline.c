/* pipe-run: a shell pipeline without the shell (ipctool-pipe-run(1), ipctool(1)).
 *
 * Each stage is started by the spawn helper (PATH lookup, no shell, the
 * start a fresh shell gives), its stdin and stdout the ends of pipes made
 * with O_CLOEXEC, so the stages talk to each other directly and no pipe end
 * of ours leaks into them; ipctool only passes signals on and waits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/signame.h"
#include "lib/spawn.h"

enum { OPT_PIPEFAIL = 1, OPT_STATUS, OPT_SEP };

struct pipe_options {
	bool pipefail;
	bool status;
	const char *sep;          /* the bag's, or "|" */
};

static struct poptOption pipe_table[] = {
	{ "pipefail", '\0', POPT_ARG_NONE, NULL, OPT_PIPEFAIL,
	  "exit with the status of the rightmost stage that failed", NULL },
	{ "status", '\0', POPT_ARG_NONE, NULL, OPT_STATUS, "print each stage's status to stderr", NULL },
	{ "sep", '\0', POPT_ARG_STRING, NULL, OPT_SEP, "the separator between stages (default '|')", "TOKEN" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* The options into O; every --sep given must be a TOKEN, the last one counts. */
static int read_options(const struct args *a, struct pipe_options *o)
{
	*o = (struct pipe_options){ .pipefail = args_has(a, OPT_PIPEFAIL), .status = args_has(a, OPT_STATUS),
				    .sep = "|" };
	for (const struct arg *g = NULL; (g = args_next(a, OPT_SEP, g));) {
		if (!*g->value)
			return cli_bad_value(args_name(a, OPT_SEP), g->value, "expected a non-empty TOKEN");
		o->sep = g->value;
	}
	return 0;
}

/* ---- parsing ----------------------------------------------------------- */

/* Split WORDS at the separator into stages; the separators become the
 * NULLs ending each stage's argv. */
static int split_stages(char **words, int nwords, const char *sep, struct spawn **out, int *nout)
{
	int n = 1;

	if (nwords == 0)
		return usage_error("missing COMMAND after --");
	for (int i = 0; i < nwords; i++)
		if (strcmp(words[i], sep) == 0)
			n++;
	struct spawn *st = calloc((size_t)n, sizeof(*st));
	if (!st)
		return fail("out of memory");
	int k = 0;
	spawn_init(&st[0], words);
	for (int i = 0; i <= nwords; i++) {
		if (i < nwords && strcmp(words[i], sep) != 0)
			continue;
		if (words + i == (char **)st[k].argv) {
			free(st);
			return usage_error("stage %d is empty: a '%s' %s", k + 1, sep,
					   i == 0 ? "cannot come first" : i == nwords ? "cannot come last"
					   : "must have a command on each side");
		}
		words[i] = NULL;
		if (++k < n)
			spawn_init(&st[k], words + i + 1);
	}
	*out = st;
	*nout = n;
	return 0;
}

/* ---- running ----------------------------------------------------------- */

/* Spawn every stage, each reading the previous one's pipe.  Returns 0, or
 * -1 (after reporting) if a pipe could not be made; the stages already
 * started are then left to the reaping. */
static int spawn_all(struct spawn *st, int n)
{
	int in = -1;

	for (int i = 0; i < n; i++) {
		int fds[2] = { -1, -1 };
		if (i < n - 1 && pipe2(fds, O_CLOEXEC) != 0) {
			fail_errno("cannot make a pipe for stage %d", i + 2);
			if (in >= 0)
				close(in);
			return -1;
		}
		st[i].in = in;
		st[i].out = fds[1];
		int err = spawn_start(&st[i]);
		if (err)
			spawn_report(&st[i], err);
		if (in >= 0)
			close(in);
		if (fds[1] >= 0)
			close(fds[1]);
		in = fds[0];
	}
	return 0;
}

static void print_status(const struct spawn *s, int index)
{
	char name[SIGNAL_NAME_MAX];

	if (s->signal)
		warn("stage %d (%s): killed by %s", index + 1, s->argv[0], signal_name(s->signal, name));
	else
		warn("stage %d (%s): exit %d", index + 1, s->argv[0], s->status);
}

static int run_pipeline(struct spawn *st, int n, const struct pipe_options *o)
{
	sigset_t old;
	int rc = 0, status = 0;

	/* A signal that comes while the stages start is held until all have
	 * started, then passed on to every one of them. */
	spawn_hold(&old);
	spawn_forward_signals();
	if (spawn_all(st, n) != 0)
		rc = EXIT_FAIL;
	spawn_release(&old);
	for (int i = 0; i < n; i++)
		spawn_wait(&st[i]);
	for (int i = 0; i < n; i++) {
		if (o->status)
			print_status(&st[i], i);
		if (!o->pipefail || st[i].status != 0)
			status = st[i].status;
	}
	return rc ? rc : status;
}

static int pipe_run(const struct pipe_options *o, char **words, int nwords)
{
	struct spawn *st = NULL;
	int n = 0, rc;

	if ((rc = split_stages(words, nwords, o->sep, &st, &n)))
		return rc;
	rc = run_pipeline(st, n, o);
	free(st);
	return rc;
}

static int pipe_run_command(const struct args *a)
{
	struct pipe_options o;
	const char **command = a->command;
	int rc;

	if ((rc = read_options(a, &o)))
		return rc;
	if (!command)
		return usage_error("needs -- before the first COMMAND (pipe-run [OPTIONS] -- COMMAND ...)");
	if ((rc = args_no_more(a, 0)))
		return rc;
	/* The stages' words, copied so separators can become NULLs. */
	int nwords = 0;
	while (command[nwords])
		nwords++;
	char **words = calloc((size_t)nwords + 1, sizeof(*words));
	if (!words)
		return fail("out of memory");
	memcpy(words, command, sizeof(*words) * (size_t)nwords);
	rc = pipe_run(&o, words, nwords);
	free(words);
	return rc;
}

const struct command command_pipe_run = {
	.name = "pipe-run",
	.summary = "run commands connected by pipes, without a shell",
	.synopsis = "[--pipefail] [--status] [--sep TOKEN] -- COMMAND [ARGS...] '|' COMMAND [ARGS...] ...",
	.table = pipe_table,
	.complete = COMPLETE_NOTHING,
	.flags = COMMAND_RUNS_COMMAND,
	.run = pipe_run_command,
};
