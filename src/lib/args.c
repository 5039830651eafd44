/* The parsed command line a run function asks (see args.h). */
#include "lib/args.h"

#include <popt.h>
#include <stdio.h>
#include <string.h>

#include "lib/cli.h"
#include "lib/error.h"
#include "lib/nsenter.h"
#include "lib/parse.h"

bool args_has(const struct args *a, int val)
{
	return args_next(a, val, NULL) != NULL;
}

const char *args_value(const struct args *a, int val)
{
	const char *last = NULL;

	for (const struct arg *g = NULL; (g = args_next(a, val, g));)
		last = g->value;
	return last;
}

const struct arg *args_next(const struct args *a, int val, const struct arg *after)
{
	/* Indices, not pointers: with no option given, GIVEN is NULL. */
	for (size_t i = after ? (size_t)(after - a->given) + 1 : 0; i < a->ngiven; i++)
		if (val == 0 || a->given[i].val == val)
			return &a->given[i];
	return NULL;
}

static bool has_val(const struct poptOption *o, const void *val)
{
	return o->val == *(const int *)val;
}

const char *args_name(const struct args *a, int val)
{
	static char name[64];
	const struct poptOption *o = cli_find_option(a->table, has_val, &val);

	if (o && o->longName)
		snprintf(name, sizeof(name), "--%s", o->longName);
	else if (o)
		snprintf(name, sizeof(name), "-%c", o->shortName);
	else
		snprintf(name, sizeof(name), "option %d", val);
	return name;
}

/* Each value given to VAL through CALL (a parse.h call on g->value that
 * writes *out), so the last lands in *OUT; the first bad one is the usage
 * error, naming the option. */
#define EVERY_VALUE(a, val, call)                                                  \
	do {                                                                       \
		for (const struct arg *g = NULL; (g = args_next(a, val, g));) {    \
			const char *why = call;                                    \
			if (why)                                                   \
				return cli_bad_value(args_name(a, val), g->value, why); \
		}                                                                  \
		return 0;                                                          \
	} while (0)

int args_unsigned(const struct args *a, int val, unsigned long long low, unsigned long long high,
		  unsigned long long *out)
{
	EVERY_VALUE(a, val, parse_unsigned(g->value, low, high, out));
}

int args_signed(const struct args *a, int val, long long low, long long high, long long *out)
{
	EVERY_VALUE(a, val, parse_signed(g->value, low, high, out));
}

int args_size(const struct args *a, int val, unsigned long long low, unsigned long long high,
	      unsigned long long *out)
{
	EVERY_VALUE(a, val, parse_size(g->value, low, high, out));
}

int args_duration(const struct args *a, int val, struct timespec *out)
{
	EVERY_VALUE(a, val, parse_duration(g->value, out));
}

int args_positive_duration(const struct args *a, int val, struct timespec *out)
{
	for (const struct arg *g = NULL; (g = args_next(a, val, g));) {
		const char *why = parse_duration(g->value, out);
		/* Zero would mean no pause at all, or no time to wait. */
		if (!why && out->tv_sec == 0 && out->tv_nsec == 0)
			why = "expected seconds above 0";
		if (why)
			return cli_bad_value(args_name(a, val), g->value, why);
	}
	return 0;
}

int args_ns_pid(const struct args *a, int val, pid_t *pid)
{
	int rc = 0;

	for (const struct arg *g = NULL; rc == 0 && (g = args_next(a, val, g));)
		rc = ns_parse_pid(args_name(a, val), g->value, pid);
	return rc;
}

int args_mode(const struct args *a, int val, mode_t *out)
{
	EVERY_VALUE(a, val, parse_mode(g->value, out));
}

int args_no_more(const struct args *a, int first)
{
	if (first >= a->nwords)
		return 0;
	return usage_error("unexpected argument '%s'", quote_input(a->words[first]));
}

struct args args_dashes_end_options(const struct args *a)
{
	struct args plain = *a;

	plain.words = a->through;
	plain.nwords = a->nthrough;
	plain.command = NULL;
	return plain;
}

/* --key/--ftok into T; the last one given is the TARGET. */
static int target_from_options(const struct args *a, struct target *t)
{
	int rc = 0;

	for (const struct arg *g = NULL; rc == 0 && (g = args_next(a, 0, g));) {
		if (g->val == CLI_OPT_KEY)
			rc = target_set_key(t, g->value);
		else if (g->val == CLI_OPT_FTOK)
			rc = target_set_ftok(t, g->value);
	}
	return rc;
}

int args_target(const struct args *a, struct target *t, bool required, int *next)
{
	int rc;

	target_init(t);
	if ((rc = target_from_options(a, t)))
		return rc;
	return target_finish(t, a->words, a->nwords, required, next);
}

int args_targets(const struct args *a, struct target **v, size_t *n)
{
	struct target *t;
	int rc = 0;

	for (const struct arg *g = NULL; rc == 0 && (g = args_next(a, 0, g));) {
		if (g->val != CLI_OPT_KEY && g->val != CLI_OPT_FTOK)
			continue;
		if (!(t = target_append(v, n)))
			return fail("out of memory");
		rc = g->val == CLI_OPT_KEY ? target_set_key(t, g->value) : target_set_ftok(t, g->value);
	}
	for (int i = 0; rc == 0 && i < a->nwords; i++) {
		if (!(t = target_append(v, n)))
			return fail("out of memory");
		rc = target_parse(t, a->words[i]);
	}
	return rc;
}

int args_create(const struct args *a, struct create_options *o)
{
	o->mode = 0600;
	o->exclusive = args_has(a, CLI_OPT_EXCLUSIVE);
	o->given = o->exclusive || args_has(a, CLI_OPT_MODE);
	return args_mode(a, CLI_OPT_MODE, &o->mode);
}

int args_wait(const struct args *a, struct wait_options *o)
{
	int rc;

	o->nowait = args_has(a, CLI_OPT_NOWAIT);
	o->has_timeout = args_has(a, CLI_OPT_TIMEOUT);
	if ((rc = args_duration(a, CLI_OPT_TIMEOUT, &o->timeout)))
		return rc;
	if (o->nowait && o->has_timeout)
		return usage_error("--nowait and --timeout contradict each other");
	return 0;
}

int args_select(const struct args *a, struct select_options *o)
{
	const char *why;

	o->kinds = (args_has(a, CLI_OPT_QUEUES) ? 1u << IPC_KIND_QUEUE : 0) |
		   (args_has(a, CLI_OPT_SHM) ? 1u << IPC_KIND_SHM : 0) |
		   (args_has(a, CLI_OPT_SEMS) ? 1u << IPC_KIND_SEM : 0);
	o->sysv = args_has(a, CLI_OPT_SYSV);
	o->posix = args_has(a, CLI_OPT_POSIX);
	o->has_user = args_has(a, CLI_OPT_USER);
	for (const struct arg *g = NULL; (g = args_next(a, CLI_OPT_USER, g));)
		if ((why = parse_user(g->value, &o->user)))
			return cli_bad_value(args_name(a, CLI_OPT_USER), g->value, why);
	return 0;
}

static enum table_mode mode_of(int val)
{
	return val == CLI_OPT_JSON ? TABLE_JSON : val == CLI_OPT_RAW ? TABLE_RAW : TABLE_EXPORT;
}

int args_format(const struct args *a, struct table_format *f)
{
	bool asked = false;

	f->noheadings = args_has(a, CLI_OPT_NOHEADINGS);
	for (const struct arg *g = NULL; (g = args_next(a, 0, g));) {
		if (g->val != CLI_OPT_JSON && g->val != CLI_OPT_RAW && g->val != CLI_OPT_EXPORT)
			continue;
		/* --json twice is no contradiction; --json with --raw is. */
		if (asked && f->mode != mode_of(g->val))
			return usage_error("--json, --raw and --export contradict each other: choose one");
		f->mode = mode_of(g->val);
		asked = true;
	}
	return 0;
}

enum progress_mode args_progress(const struct args *a)
{
	enum progress_mode mode = PROGRESS_AUTO;

	for (const struct arg *g = NULL; (g = args_next(a, 0, g));) {
		if (g->val == CLI_OPT_PROGRESS)
			mode = PROGRESS_FORCE;
		else if (g->val == CLI_OPT_NO_PROGRESS)
			mode = PROGRESS_OFF;
	}
	return mode;
}
