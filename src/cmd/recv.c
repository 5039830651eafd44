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
static int set_output(struct recv_options *o, enum output_mode mode)
{
	/* --json with --string is one mode: C strings as JSON. */
	if (o->output_options == 1 && (o->output == OUTPUT_JSON || o->output == OUTPUT_STRING ||
				       o->output == OUTPUT_JSON_STRING) &&
	    (mode == OUTPUT_JSON || mode == OUTPUT_STRING) && o->output != mode) {
		o->output = OUTPUT_JSON_STRING;
		return 0;
	}
	if (o->output_options == 0 || o->output != mode)
		o->output_options++;
	o->output = mode;
	return 0;
}

/* The options that go with --exec (recvexec.h). */
static int exec_option(struct recv_options *o, int val, const char *arg)
{
	switch (val) {
	case OPT_JOBS:
		o->jobs_given = true;
		return cli_unsigned("--jobs", arg, 1, EXEC_JOBS_MAX, &o->jobs);
	case OPT_DEAD_LETTER:
		if (o->dead_letter_given)
			return usage_error("--dead-letter names one queue; it was given twice");
		o->dead_letter_given = true;
		return target_parse(&o->dead_letter, arg);
	case OPT_RETRIES:
		o->retries_given = true;
		return cli_unsigned("--retries", arg, 0, EXEC_RETRIES_MAX, &o->retries);
	case OPT_RETRY_DELAY:
		o->retry_delay_given = true;
		return cli_duration("--retry-delay", arg, &o->retry_delay);
	case OPT_JOBLOG:
		if (!*arg || strlen(arg) >= sizeof(o->joblog))
			return cli_bad_value("--joblog", arg, *arg ? "the path is too long" : "expected a file name");
		strcpy(o->joblog, arg);
		return 0;
	case OPT_HALT:
		o->halt_given = true;
		return cli_unsigned("--halt", arg, 1, LLONG_MAX, &o->halt);
	}
	return CLI_UNHANDLED;
}

static int recv_option(int val, const char *arg, void *data)
{
	struct recv_options *o = data;
	long long type = 0;
	int rc;

	switch (val) {
	case CLI_OPT_PROGRESS:
	case CLI_OPT_NO_PROGRESS:
		return progress_option(&o->progress, val);
	case OPT_TYPE:
		o->type_given = true;
		rc = cli_signed("--type", arg, -LONG_MAX, LONG_MAX, &type);
		o->sel.type = (long)type;
		return rc;
	case OPT_EXCEPT: o->sel.except = true; return 0;
	case OPT_COUNT:
		o->count_given = true;
		return cli_unsigned("--count", arg, 0, LLONG_MAX, &o->count);
	case OPT_FOLLOW: o->follow = true; return 0;
	case OPT_NULL: return set_output(o, OUTPUT_NULL);
	case OPT_RAW: return set_output(o, OUTPUT_RAW);
	case OPT_JSON: return set_output(o, OUTPUT_JSON);
	case OPT_STRING: return set_output(o, OUTPUT_STRING);
	case OPT_HEX: return set_output(o, OUTPUT_HEX);
	case OPT_PEEK: o->peek = true; return 0;
	case OPT_BATCH:
		o->batch_given = true;
		return cli_unsigned("--batch", arg, 1, BATCH_MAX, &o->batch);
	case OPT_LOCKSTEP: o->lockstep = true; return 0;
	case OPT_EXEC: o->exec = true; return 0;
	}
	return exec_option(o, val, arg);
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
static int exec_check(const struct recv_options *o, const struct cli *cli)
{
	bool has_command = cli->command && cli->command[0];

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

static int recv_run(void *opts, const struct cli *cli)
{
	struct recv_options *o = opts;
	struct receiver r = { .output = o->output, .peek = o->peek, .lockstep = o->lockstep };
	unsigned long long want = o->count_given ? o->count : 1;
	int rc;

	if ((rc = cli_extra_args(cli, cli->next)) || (rc = exec_check(o, cli)) || (rc = recv_check(o)))
		return rc;
	if ((rc = queue_open(&r.queue, &o->target))) {
		queue_close(&r.queue);
		return rc;
	}
	if (o->exec) {
		struct exec_plan plan = {
			.command = cli->command, .jobs = (unsigned)o->jobs,
			.dead_letter = o->dead_letter_given ? &o->dead_letter : NULL,
			.sel = &o->sel, .wait = &r.wait, .want = o->follow ? 0 : want, .follow = o->follow,
			.retries = (unsigned)o->retries, .retry_delay = o->retry_delay, .joblog = o->joblog[0] ? o->joblog : NULL, .halt = o->halt,
			.progress = o->progress,
		};
		wait_init(&r.wait, o->wait.nowait, o->wait.has_timeout ? &o->wait.timeout : NULL);
		rc = recv_exec(&r.queue, &plan);
		queue_close(&r.queue);
		return rc;
	}
	if (batch_init(&r.batch, r.queue.max_message, o->lockstep ? 1 : (size_t)o->batch) != 0) {
		queue_close(&r.queue);
		return fail("out of memory");
	}
	wait_init(&r.wait, o->wait.nowait || o->peek, o->wait.has_timeout ? &o->wait.timeout : NULL);
	/* A closed pipe must show up as EPIPE while we still hold the message. */
	signal(SIGPIPE, SIG_IGN);
	room_init(&r.out, STDOUT_FILENO);
	termination_catch();
	/* With --count or --follow: not over JSON, nor over the messages on a terminal. */
	progress_start(&r.progress, o->count_given || o->follow ? o->progress : PROGRESS_OFF,
		       r.output == OUTPUT_JSON || r.output == OUTPUT_JSON_STRING || isatty(STDOUT_FILENO), "recv",
		       "message", o->follow ? 0 : want);
	rc = receive_loop(&r, &o->sel, o->follow ? 0 : want, o->follow);
	progress_end(&r.progress);
	wait_disarm();
	batch_free(&r.batch);
	queue_close(&r.queue);
	return rc;
}

static void recv_init(void *opts)
{
	struct recv_options *o = opts;

	o->output = OUTPUT_LINES;
	o->batch = BATCH_DEFAULT;
	o->jobs = 1;
	o->retry_delay.tv_sec = 1;
	target_init(&o->dead_letter);
}

const struct command command_recv = {
	.name = "recv",
	.complete = COMPLETE_QUEUES,
	.summary = "receive (or peek at) messages from a queue",
	.synopsis = "TARGET [--type N] [--except] [--count N | --follow] [--nowait] [--timeout SECS] "
		    "[--null | --raw | --json | --string | --hex] [--peek] [--batch N | --lockstep] "
		    "[--exec [--jobs N] [--dead-letter TARGET2 [--halt N]] [--retries N [--retry-delay SECS]] "
		    "[--joblog FILE] -- COMMAND [ARGS...]]",
	.table = recv_table,
	.size = sizeof(struct recv_options),
	.target = PART(struct recv_options, target),
	.wait = PART(struct recv_options, wait),
	.runs_command = true,
	.command_after = (const char *const[]){ "--exec", NULL },
	.init = recv_init,
	.option = recv_option,
	.old_run = recv_run,
};
