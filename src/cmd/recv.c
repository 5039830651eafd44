/* recv: receive (or peek at) messages from a queue (ipctool-recv(1)).
 * This file reads the command line and drives the loop; recvbatch.c holds
 * the taken messages until they are written, recvexec.c runs --exec. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/recvbatch.h"
#include "cmd/recvexec.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/target.h"

enum { OPT_TYPE = 1, OPT_EXCEPT, OPT_COUNT, OPT_FOLLOW, OPT_NULL, OPT_RAW, OPT_JSON, OPT_STRING,
       OPT_HEX, OPT_PEEK, OPT_BATCH, OPT_LOCKSTEP, OPT_EXEC, OPT_JOBS, OPT_DEAD_LETTER,
       OPT_RETRIES, OPT_RETRY_DELAY, OPT_JOBLOG, OPT_HALT };

struct recv_options {
	struct target target;
	struct wait_options wait;
	struct queue_selector sel;
	bool type_given;
	bool count_given;
	unsigned long long count;
	bool follow;
	bool peek;
	bool lockstep;
	bool batch_given;
	unsigned long long batch;  /* --batch: messages taken but unwritten, at most */
	enum output_mode output;
	int output_options;        /* how many different ones of --null/--raw/--json */
	bool exec;                 /* --exec: each message to a run of COMMAND */
	bool jobs_given;
	unsigned long long jobs;
	bool dead_letter_given;
	struct target dead_letter;
	bool retries_given, retry_delay_given, halt_given;
	unsigned long long retries;
	struct timespec retry_delay;
	char joblog[PATH_MAX];     /* --joblog, copied: popt frees its argument */
	unsigned long long halt;
	enum progress_mode progress;
};

static struct poptOption recv_table[] = {
	TARGET_TABLE,
	{ "type", 'T', POPT_ARG_STRING, NULL, OPT_TYPE,
	  "0 any (default), N the first of type N, -N the lowest type <= N", "N" },
	{ "except", '\0', POPT_ARG_NONE, NULL, OPT_EXCEPT, "with --type N > 0: the first message not of type N", NULL },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT, "receive N messages (default 1; with --peek 0 is all)", "N" },
	{ "follow", 'F', POPT_ARG_NONE, NULL, OPT_FOLLOW, "keep receiving; with --timeout, stop after SECS of silence", NULL },
	{ "null", '0', POPT_ARG_NONE, NULL, OPT_NULL, "end each message with NUL instead of newline", NULL },
	{ "raw", 'r', POPT_ARG_NONE, NULL, OPT_RAW, "write the bytes alone, nothing between messages", NULL },
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON,
	  "one JSON object per line: type (POSIX: priority), size, data or data_base64", NULL },
	{ "string", 'S', POPT_ARG_NONE, NULL, OPT_STRING,
	  "write each message up to its first NUL, then a newline (C strings)", NULL },
	{ "hex", 'x', POPT_ARG_NONE, NULL, OPT_HEX, "each message as a hex and ASCII dump, as shm-read --hex", NULL },
	{ "peek", '\0', POPT_ARG_NONE, NULL, OPT_PEEK, "show messages without removing them (System V only: MSG_COPY)", NULL },
	{ "batch", 'B', POPT_ARG_STRING, NULL, OPT_BATCH,
	  "hold at most N taken messages not yet written (1 to 65536, default 256)", "N" },
	{ "lockstep", '\0', POPT_ARG_NONE, NULL, OPT_LOCKSTEP,
	  "take a message only once the reader of a pipe or socket has read the last one", NULL },
	{ "exec", '\0', POPT_ARG_NONE, NULL, OPT_EXEC,
	  "run COMMAND (after --) once per message, the message on its stdin", NULL },
	{ "jobs", 'j', POPT_ARG_STRING, NULL, OPT_JOBS,
	  "with --exec: run up to N COMMANDs at once (1 to 1024, default 1)", "N" },
	{ "dead-letter", 'D', POPT_ARG_STRING, NULL, OPT_DEAD_LETTER,
	  "with --exec: send a message whose COMMAND failed to queue TARGET2 and go on", "TARGET2" },
	{ "retries", 'R', POPT_ARG_STRING, NULL, OPT_RETRIES,
	  "with --exec: run a failed COMMAND again up to N more times (0 to 100, default 0)", "N" },
	{ "retry-delay", '\0', POPT_ARG_STRING, NULL, OPT_RETRY_DELAY,
	  "with --retries: wait SECS before the first retry, doubling each time (default 1)", "SECS" },
	{ "joblog", '\0', POPT_ARG_STRING, NULL, OPT_JOBLOG,
	  "with --exec: append a line per run of COMMAND to FILE, in GNU parallel's joblog format", "FILE" },
	{ "halt", '\0', POPT_ARG_STRING, NULL, OPT_HALT,
	  "with --dead-letter: stop taking messages after N failed, and exit 1", "N" },
	CLI_INCLUDE(cli_wait_options, "Waiting:"),
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* Counts the different modes asked for: --json twice is no contradiction. */
static void set_output(struct recv_options *o, enum output_mode mode)
{
	/* --json with --string is one mode: C strings as JSON. */
	if (o->output_options == 1 && (o->output == OUTPUT_JSON || o->output == OUTPUT_STRING ||
				       o->output == OUTPUT_JSON_STRING) &&
	    (mode == OUTPUT_JSON || mode == OUTPUT_STRING) && o->output != mode) {
		o->output = OUTPUT_JSON_STRING;
		return;
	}
	if (o->output_options == 0 || o->output != mode)
		o->output_options++;
	o->output = mode;
}

/* The output options in the command line's order: --json then --string
 * is one mode, --json then --raw a contradiction (set_output). */
static void read_output(const struct args *a, struct recv_options *o)
{
	static const struct { int val; enum output_mode mode; } modes[] = {
		{ OPT_NULL, OUTPUT_NULL }, { OPT_RAW, OUTPUT_RAW }, { OPT_JSON, OUTPUT_JSON },
		{ OPT_STRING, OUTPUT_STRING }, { OPT_HEX, OUTPUT_HEX },
	};

	for (const struct arg *g = NULL; (g = args_next(a, 0, g));)
		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			if (g->val == modes[i].val)
				set_output(o, modes[i].mode);
}

/* --dead-letter names one queue: a second one is a usage error. */
static int read_dead_letter(const struct args *a, struct recv_options *o)
{
	int rc;

	for (const struct arg *g = NULL; (g = args_next(a, OPT_DEAD_LETTER, g));) {
		if (o->dead_letter_given)
			return usage_error("--dead-letter names one queue; it was given twice");
		o->dead_letter_given = true;
		if ((rc = target_parse(&o->dead_letter, g->value)))
			return rc;
	}
	return 0;
}

/* --joblog, copied (the bag is freed after the run); each one given must
 * be a file name that fits. */
static int read_joblog(const struct args *a, struct recv_options *o)
{
	for (const struct arg *g = NULL; (g = args_next(a, OPT_JOBLOG, g));) {
		if (!*g->value || strlen(g->value) >= sizeof(o->joblog))
			return cli_bad_value(args_name(a, OPT_JOBLOG), g->value,
					     *g->value ? "the path is too long" : "expected a file name");
		strcpy(o->joblog, g->value);
	}
	return 0;
}

/* The options that go with --exec (recvexec.h). */
static int read_exec_options(const struct args *a, struct recv_options *o)
{
	int rc;

	o->jobs_given = args_has(a, OPT_JOBS);
	o->retries_given = args_has(a, OPT_RETRIES);
	o->retry_delay_given = args_has(a, OPT_RETRY_DELAY);
	o->halt_given = args_has(a, OPT_HALT);
	if ((rc = args_unsigned(a, OPT_JOBS, 1, EXEC_JOBS_MAX, &o->jobs)) || (rc = read_dead_letter(a, o)) ||
	    (rc = args_unsigned(a, OPT_RETRIES, 0, EXEC_RETRIES_MAX, &o->retries)) ||
	    (rc = args_duration(a, OPT_RETRY_DELAY, &o->retry_delay)) || (rc = read_joblog(a, o)) ||
	    (rc = args_unsigned(a, OPT_HALT, 1, LLONG_MAX, &o->halt)))
		return rc;
	return 0;
}

/* Every option, with its default when not given; the TARGET comes after. */
static int read_options(const struct args *a, struct recv_options *o)
{
	long long type = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	o->output = OUTPUT_LINES;
	o->batch = BATCH_DEFAULT;
	o->jobs = 1;
	o->retry_delay.tv_sec = 1;
	target_init(&o->dead_letter);
	o->type_given = args_has(a, OPT_TYPE);
	o->sel.except = args_has(a, OPT_EXCEPT);
	o->count_given = args_has(a, OPT_COUNT);
	o->follow = args_has(a, OPT_FOLLOW);
	o->peek = args_has(a, OPT_PEEK);
	o->batch_given = args_has(a, OPT_BATCH);
	o->lockstep = args_has(a, OPT_LOCKSTEP);
	o->exec = args_has(a, OPT_EXEC);
	o->progress = args_progress(a);
	read_output(a, o);
	if ((rc = args_signed(a, OPT_TYPE, -LONG_MAX, LONG_MAX, &type)) ||
	    (rc = args_unsigned(a, OPT_COUNT, 0, LLONG_MAX, &o->count)) ||
	    (rc = args_unsigned(a, OPT_BATCH, 1, BATCH_MAX, &o->batch)) || (rc = read_exec_options(a, o)) ||
	    /* the value now; --nowait against it once the TARGET is known */
	    (rc = args_duration(a, CLI_OPT_TIMEOUT, &o->wait.timeout)))
		return rc;
	o->sel.type = (long)type;
	return 0;
}

static int peek_check(const struct recv_options *o)
{
	if (o->type_given || o->sel.except)
		return usage_error("--peek shows messages in queue order; it takes no --type or --except");
	if (o->follow)
		return usage_error("--peek never waits; it takes no --follow");
	if (o->wait.has_timeout)
		return usage_error("--peek never waits; it takes no --timeout");
	return 0;
}

/* --exec hands each message to COMMAND: nothing of recv's own output
 * or pacing applies. */
static int exec_check(const struct recv_options *o, const char *const *command)
{
	bool has_command = command && command[0];

	if (!o->exec) {
		const char *job_option = o->jobs_given ? "jobs" : o->dead_letter_given ? "dead-letter"
					 : o->retries_given ? "retries" : o->retry_delay_given ? "retry-delay"
					 : o->joblog[0] ? "joblog" : o->halt_given ? "halt" : NULL;
		if (job_option)
			return usage_error("--%s goes with --exec", job_option);
		return 0;
	}
	if (o->retry_delay_given && !o->retries_given)
		return usage_error("--retry-delay goes with --retries");
	/* Without --dead-letter the first failed message already stops. */
	if (o->halt_given && !o->dead_letter_given)
		return usage_error("--halt counts messages sent to --dead-letter; without it the first failure "
				   "stops taking");
	if (!has_command)
		return usage_error("--exec needs a COMMAND after --");
	if (o->peek)
		return usage_error("--exec takes messages to run COMMAND on; --peek takes none");
	if (o->output_options)
		return usage_error("--exec gives each message to COMMAND; it takes no --null, --raw, --json, "
				   "--string or --hex");
	if (o->lockstep || o->batch_given)
		return usage_error("--exec takes a message only when a COMMAND is free; it takes no --%s",
				   o->lockstep ? "lockstep" : "batch");
	if (o->dead_letter_given && (o->dead_letter.kind == TARGET_POSIX) != (o->target.kind == TARGET_POSIX))
		return usage_error("--dead-letter %s must be a %s queue like %s, to keep the message's %s",
				   o->dead_letter.text, o->target.kind == TARGET_POSIX ? "POSIX" : "System V",
				   o->target.text, o->target.kind == TARGET_POSIX ? "priority" : "type");
	return 0;
}

static int recv_check(const struct recv_options *o)
{
	/* Options that contradict each other, whatever the queue. */
	if (o->lockstep && o->peek)
		return usage_error("--lockstep paces taking messages; --peek takes none");
	if (o->lockstep && o->batch_given)
		return usage_error("--lockstep holds one message at a time; it takes no --batch");
	if (o->target.kind == TARGET_POSIX && (o->type_given || o->sel.except))
		return usage_error("--%s is for System V queues; a POSIX queue gives its highest priority first",
				   o->type_given ? "type" : "except");
	if (o->target.kind == TARGET_POSIX && o->peek)
		return usage_error("--peek is not supported for POSIX queues: the kernel cannot read a "
				   "message without taking it");
	if (o->output_options > 1)
		return usage_error("--null, --raw, --json, --string and --hex contradict each other: choose one");
	if (o->count_given && o->follow)
		return usage_error("--count and --follow contradict each other");
	if (o->sel.except && o->sel.type <= 0)
		return usage_error("--except needs --type N with N > 0");
	if (o->peek)
		return peek_check(o);
	if (o->count_given && o->count == 0)
		return usage_error("--count must be at least 1 (0 means all only with --peek)");
	return 0;
}

int recv_shortfall(const struct queue *q, bool nowait, unsigned long long taken, unsigned long long want)
{
	if (taken == 0)
		warn("no message on %s%s", queue_name(q), nowait ? "" : " before the timeout");
	else
		warn("only %llu of %llu messages arrived from %s", taken, want, queue_name(q));
	return EXIT_NOTHING;
}

static int report_shortfall(const struct receiver *r, unsigned long long want)
{
	if (r->peek && want == 0) {
		warn("%s is empty", queue_name(&r->queue));
		return EXIT_NOTHING;
	}
	return recv_shortfall(&r->queue, r->wait.nowait, r->taken, want);
}

static int receive_loop(struct receiver *r, const struct queue_selector *sel,
			unsigned long long want, bool follow)
{
	for (;;) {
		if (!follow && want && r->taken >= want)
			return EXIT_OK;
		enum queue_result res = fetch_batch(r, sel, want);
		int rc = batch_flush(r);
		if (rc)
			return rc;
		progress_update(&r->progress, r->written);
		if (r->reader_gone)
			return fail("the reader of standard output went away; %llu message(s) written, "
				    "no more taken from %s", r->written, queue_name(&r->queue));
		switch (res) {
		case QUEUE_OK:
			if (follow)
				wait_restart(&r->wait);
			continue;
		case QUEUE_NOTHING:
			if (follow && r->taken > 0)
				return EXIT_OK;
			if (r->peek && want == 0 && r->taken > 0)
				return EXIT_OK;
			return report_shortfall(r, want);
		case QUEUE_INTERRUPTED:
			termination_honour();
			return EXIT_FAIL;
		default:
			return queue_report(&r->queue, r->peek ? "peek at" : "receive from");
		}
	}
}

/* --exec: each message to a run of COMMAND (recvexec.c). */
static int run_exec(struct recv_options *o, struct receiver *r, const char *const *command)
{
	unsigned long long want = o->count_given ? o->count : 1;
	struct exec_plan plan = {
		.command = command, .jobs = (unsigned)o->jobs,
		.dead_letter = o->dead_letter_given ? &o->dead_letter : NULL,
		.sel = &o->sel, .wait = &r->wait, .want = o->follow ? 0 : want, .follow = o->follow,
		.retries = (unsigned)o->retries, .retry_delay = o->retry_delay, .joblog = o->joblog[0] ? o->joblog : NULL, .halt = o->halt,
		.progress = o->progress,
	};

	wait_init(&r->wait, o->wait.nowait, o->wait.has_timeout ? &o->wait.timeout : NULL);
	return recv_exec(&r->queue, &plan);
}

/* The messages to standard output, through the batch (recvbatch.c). */
static int run_receive(const struct recv_options *o, struct receiver *r)
{
	unsigned long long want = o->count_given ? o->count : 1;
	int rc;

	if (batch_init(&r->batch, r->queue.max_message, o->lockstep ? 1 : (size_t)o->batch) != 0)
		return fail("out of memory");
	wait_init(&r->wait, o->wait.nowait || o->peek, o->wait.has_timeout ? &o->wait.timeout : NULL);
	/* A closed pipe must show up as EPIPE while we still hold the message. */
	signal(SIGPIPE, SIG_IGN);
	room_init(&r->out, STDOUT_FILENO);
	termination_catch();
	/* With --count or --follow: not over JSON, nor over the messages on a terminal. */
	progress_start(&r->progress, o->count_given || o->follow ? o->progress : PROGRESS_OFF,
		       r->output == OUTPUT_JSON || r->output == OUTPUT_JSON_STRING || isatty(STDOUT_FILENO), "recv",
		       "message", o->follow ? 0 : want);
	rc = receive_loop(r, &o->sel, o->follow ? 0 : want, o->follow);
	progress_end(&r->progress);
	wait_disarm();
	batch_free(&r->batch);
	return rc;
}

/* The queue opened, the messages taken. */
static int receive(struct recv_options *o, const char *const *command)
{
	struct receiver r = { .output = o->output, .peek = o->peek, .lockstep = o->lockstep };
	int rc;

	if ((rc = queue_open(&r.queue, &o->target)) == 0)
		rc = o->exec ? run_exec(o, &r, command) : run_receive(o, &r);
	queue_close(&r.queue);
	return rc;
}

static int recv_run(const struct args *a)
{
	/* Two TARGETs (some 8 KiB each) and a path: on the heap, not the stack. */
	struct recv_options *o = malloc(sizeof(*o));
	int next, rc;

	if (!o)
		return fail("out of memory");
	/* Without --exec, `--` only ended the options (recv -- TARGET): the
	 * words after it are positional, as they always were. */
	struct args plain = args_dashes_end_options(a);
	const struct args *w = args_has(a, OPT_EXEC) ? a : &plain;
	/* --nowait with --timeout is told after a missing TARGET, as ever. */
	if (!(rc = read_options(a, o)) && !(rc = args_target(w, &o->target, true, &next)) &&
	    !(rc = args_wait(a, &o->wait)) && !(rc = args_no_more(w, next)) &&
	    !(rc = exec_check(o, w->command)) && !(rc = recv_check(o)))
		rc = receive(o, w->command);
	free(o);
	return rc;
}

const struct command command_recv = {
	.name = "recv",
	.summary = "receive (or peek at) messages from a queue",
	.synopsis = "TARGET [--type N] [--except] [--count N | --follow] [--nowait] [--timeout SECS] "
		    "[--null | --raw | --json | --string | --hex] [--peek] [--batch N | --lockstep] "
		    "[--exec [--jobs N] [--dead-letter TARGET2 [--halt N]] [--retries N [--retry-delay SECS]] "
		    "[--joblog FILE] -- COMMAND [ARGS...]]",
	.table = recv_table,
	.complete = COMPLETE_QUEUES,
	.flags = COMMAND_RUNS_COMMAND,
	.run = recv_run,
};
