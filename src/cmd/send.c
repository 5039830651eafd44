/* send: messages from arguments or standard input to a queue
 * (ipctool-send(1)): the arguments, the whole input as one message, a
 * record stream (--lines, --null), or JSON Lines as recv --json writes
 * them (--json, parsed ahead by sendjson.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/sendjson.h"
#include "lib/ahead.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/jsonline.h"
#include "lib/progress.h"
#include "lib/records.h"
#include "lib/target.h"
#include "lib/wait.h"
#include "mech/queue.h"

enum { OPT_TYPE = 1, OPT_PRIORITY, OPT_LINES, OPT_NULL, OPT_STRING, OPT_SEND_JSON };

struct send_options {
	struct target target;
	struct wait_options wait;
	long long type;
	unsigned long long priority;
	bool type_given, priority_given;
	bool lines, null;
	bool string;               /* --string: a NUL after each message */
	bool json;                 /* --json: JSON Lines as recv --json writes them */
	enum progress_mode progress;
};

static struct poptOption send_table[] = {
	TARGET_TABLE,
	{ "type", 'T', POPT_ARG_STRING, NULL, OPT_TYPE, "message type, 1 or more (default 1)", "N" },
	{ "priority", 'P', POPT_ARG_STRING, NULL, OPT_PRIORITY,
	  "POSIX queue: message priority, 0 (default) to 32767; higher is received first", "N" },
	{ "lines", '\0', POPT_ARG_NONE, NULL, OPT_LINES, "send each line of standard input as one message", NULL },
	{ "null", '0', POPT_ARG_NONE, NULL, OPT_NULL, "send each NUL-terminated record of standard input", NULL },
	{ "string", 'S', POPT_ARG_NONE, NULL, OPT_STRING,
	  "end each message with a NUL, as C's strings (strlen+1 bytes)", NULL },
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_SEND_JSON,
	  "send each line of standard input as recv --json wrote it, with its type or priority", NULL },
	CLI_INCLUDE(cli_wait_options, "Waiting:"),
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* Every option, with its default when not given; the TARGET comes after. */
static int read_options(const struct args *a, struct send_options *o)
{
	int rc;

	*o = (struct send_options){
		.type = 1,
		.type_given = args_has(a, OPT_TYPE), .priority_given = args_has(a, OPT_PRIORITY),
		.lines = args_has(a, OPT_LINES), .null = args_has(a, OPT_NULL),
		.string = args_has(a, OPT_STRING), .json = args_has(a, OPT_SEND_JSON),
		.progress = args_progress(a),
	};
	if ((rc = args_signed(a, OPT_TYPE, 1, LONG_MAX, &o->type)) ||
	    (rc = args_unsigned(a, OPT_PRIORITY, 0, (unsigned long long)sysconf(_SC_MQ_PRIO_MAX) - 1,
				&o->priority)) ||
	    /* the value now; --nowait against it once the TARGET is known */
	    (rc = args_duration(a, CLI_OPT_TIMEOUT, &o->wait.timeout)))
		return rc;
	return 0;
}

struct sender {
	struct queue queue;
	struct wait wait;
	struct queue_record *rec;   /* room for the largest message */
	long tag;                   /* the System V type or the POSIX priority */
	unsigned long long sent;    /* records sent so far */
	size_t nul;                 /* 1 with --string: the NUL each message gains */
	bool posix;
	struct progress progress;   /* of the bytes of standard input read */
	unsigned long long bytes_in;
};

/* The most data bytes one message can carry, its NUL (--string) aside. */
static size_t data_limit(const struct sender *s)
{
	return s->queue.max_message - s->nul;
}

/* " with its NUL" after a size that counts it. */
static const char *nul_note(const struct sender *s)
{
	return s->nul ? " with its NUL" : "";
}

/* "record 7", "message 2", or NOUN alone when NUMBER is 0.  Formatted
 * only when a message needs it: a stream sends millions of records, and
 * formatting each one's name cost about 5% of the sender's time. */
static const char *record_name(char *text, size_t cap, const char *noun, unsigned long long number)
{
	if (number == 0)
		return noun;
	snprintf(text, cap, "%s %llu", noun, number);
	return text;
}

/* The outcome of one send, worded for the record it concerns
 * (NOUN NUMBER, see record_name). */
static int send_one(struct sender *s, const char *data, size_t size,
		    const char *noun, unsigned long long number)
{
	char text[64];
	const char *what;

	if (size > data_limit(s))
		return fail("%s is %zu bytes%s, more than %s can hold (%zu bytes, %s)%s",
			    record_name(text, sizeof(text), noun, number), size + s->nul, nul_note(s),
			    queue_name(&s->queue), s->queue.max_message,
			    s->queue.limit_name, s->sent ? "; the ones before it were sent" : "");
	s->rec->size = size + s->nul;
	s->rec->tag = s->tag;
	if (size)
		memcpy(s->rec->data, data, size);
	if (s->nul)
		s->rec->data[size] = '\0';
	switch (queue_send(&s->queue, s->rec, &s->wait)) {
	case QUEUE_OK:
		s->sent++;
		return EXIT_OK;
	case QUEUE_NOTHING:
		what = record_name(text, sizeof(text), noun, number);
		if (s->wait.nowait)
			warn("%s is full; %s was not sent", queue_name(&s->queue), what);
		else
			warn("%s stayed full until the timeout; %s was not sent", queue_name(&s->queue), what);
		return EXIT_NOTHING;
	case QUEUE_INTERRUPTED:
		warn("interrupted; %s was not sent", record_name(text, sizeof(text), noun, number));
		termination_honour();
		return EXIT_FAIL;
	default:
		return queue_report(&s->queue, "send to");
	}
}

static int send_arguments(struct sender *s, const char **args, int nargs)
{
	/* All or nothing for arguments: check every size before sending any. */
	for (int i = 0; i < nargs; i++) {
		size_t size = strlen(args[i]);
		if (size > data_limit(s))
			return fail("message %d is %zu bytes%s, more than %s can hold (%zu bytes, %s); nothing was sent",
				    i + 1, size + s->nul, nul_note(s), queue_name(&s->queue), s->queue.max_message,
				    s->queue.limit_name);
	}
	for (int i = 0; i < nargs; i++) {
		int rc = send_one(s, args[i], strlen(args[i]), "message", (unsigned long long)i + 1);
		if (rc)
			return rc;
	}
	return EXIT_OK;
}

/* A record that outgrew the queue's limit is reported as soon as it is
 * known to be larger: its input may never end (/dev/zero, yes), so it is
 * not read on to measure it. */
static int oversize_record(struct sender *s, const char *what)
{
	return fail("%s is more than %zu bytes%s, the most %s can hold (%s)%s",
		    what, s->queue.max_message, nul_note(s), queue_name(&s->queue), s->queue.limit_name,
		    s->sent ? "; the records before it were sent" : "; nothing was sent");
}

static int read_error(void)
{
	if (errno == EINTR) {
		termination_honour();
	}
	return fail_errno("cannot read standard input");
}

/* The whole of stdin as one message: read at most max+1 bytes, enough to
 * know an input is too large without reading it to its end.  A pipe that
 * is slow to end shows the bytes read so far. */
static int send_whole_input(struct sender *s)
{
	size_t cap = data_limit(s) + 1;
	char *buf = malloc(cap);
	int rc;

	if (!buf)
		return fail("out of memory for a %zu-byte message", cap);
	ssize_t got = read_full_progress(STDIN_FILENO, buf, cap, &s->progress);
	if (got < 0) {
		rc = read_error();
	} else if ((size_t)got > data_limit(s)) {
		rc = oversize_record(s, "standard input");
	} else {
		rc = send_one(s, buf, (size_t)got, "standard input", 0);
	}
	free(buf);
	return rc;
}

/* A stream of records, one message each, in constant memory (records.h). */
static int send_record(void *ctx, const char *data, size_t size, unsigned long long number)
{
	struct sender *s = ctx;

	s->bytes_in += size + 1;
	progress_update(&s->progress, s->bytes_in);
	return send_one(ctx, data, size, "record", number);
}

static ssize_t read_input(void *ctx, char *buf, size_t n, int *rc)
{
	(void)ctx;
	ssize_t got = read_some(STDIN_FILENO, buf, n);
	if (got < 0)
		*rc = read_error();
	return got;
}

static int oversize_numbered(void *ctx, unsigned long long number)
{
	char what[64];

	return oversize_record(ctx, record_name(what, sizeof(what), "record", number));
}

static int send_records(struct sender *s, int delim)
{
	struct record_reader r = { .delim = delim, .max = data_limit(s), .read = read_input,
				   .record = send_record, .oversize = oversize_numbered, .ctx = s };

	return read_records(&r);
}

static int json_line_error(struct sender *s, unsigned long long line, const char *why)
{
	return fail("line %llu is not a message as recv --json writes it: %s; %s", line, why,
		    s->sent ? "the lines before it were sent" : "nothing was sent");
}

/* One entry the reading side made of a line (sendjson.h). */
static int send_json_entry(struct sender *s, const struct json_entry *e, const unsigned char *payload)
{
	char why[JSON_WHY_MAX + 160];

	switch (e->kind) {
	case ENTRY_MESSAGE:
		s->tag = e->has_tag ? (long)e->tag : s->posix ? 0 : 1;
		/* A message larger than the queue takes came without its data:
		 * send_one refuses it by its size before it reads any. */
		return send_one(s, (const char *)payload, e->size, "line", e->line);
	case ENTRY_BAD_LINE:
		snprintf(why, sizeof(why), "%.*s", (int)e->size, (const char *)payload);
		return json_line_error(s, e->line, why);
	default:
		errno = e->err;
		return read_error();
	}
}

/* Send each batch's entries in order while the next lines are parsed. */
static int send_json_batches(struct sender *s, struct ahead *a)
{
	struct ahead_batch *b;
	int got;

	while ((got = ahead_next(a, &b)) != 0) {
		if (got < 0) {
			termination_honour();
			continue;
		}
		size_t at = 0;
		struct json_entry e;
		const unsigned char *payload;
		while (json_entry_next(b, &at, &e, &payload)) {
			int rc = send_json_entry(s, &e, payload);
			if (rc)
				return rc;
		}
	}
	return EXIT_OK;
}

static int send_json_lines(struct sender *s)
{
	/* The range is looked up once, not for each of a million lines. */
	struct json_reading r = { .tag_name = s->queue.tag_name,
				  .data_limit = data_limit(s), .queue_name = queue_name(&s->queue),
				  .tag_low = s->posix ? 0 : 1,
				  .tag_high = s->posix ? sysconf(_SC_MQ_PRIO_MAX) - 1 : LONG_MAX };
	struct ahead *a = ahead_start(json_batch_size(&r), json_read_ahead, &r);

	if (!a)
		return EXIT_FAIL;
	int rc = send_json_batches(s, a);
	int reading = ahead_finish(a);
	return rc ? rc : reading;
}

static int send_check(const struct send_options *o, const struct args *a, int next)
{
	if (o->json && (o->lines || o->null || o->string || o->type_given || o->priority_given ||
			next < a->nwords))
		return usage_error("--json reads each message, its type or priority from standard input; "
				   "it takes no %s",
				   next < a->nwords ? "MESSAGE arguments"
				   : o->lines ? "--lines" : o->null ? "--null" : o->string ? "--string"
				   : o->type_given ? "--type" : "--priority");
	if (o->lines && o->null)
		return usage_error("--lines and --null contradict each other");
	if ((o->lines || o->null) && next < a->nwords)
		return usage_error("--%s reads standard input; it takes no MESSAGE arguments",
				   o->lines ? "lines" : "null");
	if (o->target.kind == TARGET_POSIX && o->type_given)
		return usage_error("--type is for System V queues; a POSIX queue orders messages by --priority");
	if (o->target.kind != TARGET_POSIX && o->priority_given)
		return usage_error("--priority is for POSIX queues (/name); a System V message has a --type");
	return 0;
}

/* Standard input as records or as one message, with the progress line
 * of the bytes read. */
static int send_input(struct sender *s, const struct send_options *o)
{
	int rc;

	progress_start(&s->progress, o->progress, false, "send", "byte", progress_input_size(STDIN_FILENO));
	if (o->lines || o->null)
		rc = send_records(s, o->lines ? '\n' : '\0');
	else
		rc = send_whole_input(s);
	progress_end(&s->progress);
	return rc;
}

/* The queue opened: the messages from the words from NEXT on, or from
 * standard input. */
static int send_to_queue(struct send_options *o, const struct args *a, int next)
{
	struct sender s = { .tag = (long)o->type, .nul = o->string, .posix = o->target.kind == TARGET_POSIX };
	int rc;

	if (o->target.kind == TARGET_POSIX)
		s.tag = (long)o->priority;
	if ((rc = queue_open(&s.queue, &o->target))) {
		queue_close(&s.queue);
		return rc;
	}
	if (s.queue.max_message < s.nul) {
		queue_close(&s.queue);
		return fail("--string needs room for a NUL; %s holds no byte", queue_name(&s.queue));
	}
	wait_init(&s.wait, o->wait.nowait, o->wait.has_timeout ? &o->wait.timeout : NULL);
	s.rec = malloc(queue_record_span(s.queue.max_message));
	if (!s.rec) {
		queue_close(&s.queue);
		return fail("out of memory");
	}
	termination_catch();
	if (next < a->nwords)
		rc = send_arguments(&s, a->words + next, a->nwords - next);
	else if (o->json)
		rc = send_json_lines(&s);
	else
		rc = send_input(&s, o);
	wait_disarm();
	free(s.rec);
	queue_close(&s.queue);
	return rc;
}

static int send_run(const struct args *a)
{
	/* A TARGET is some 8 KiB: the options go on the heap, not the stack. */
	struct send_options *o = malloc(sizeof(*o));
	int next, rc;

	if (!o)
		return fail("out of memory");
	/* --nowait with --timeout is told after a missing TARGET, as ever. */
	if (!(rc = read_options(a, o)) && !(rc = args_target(a, &o->target, true, &next)) &&
	    !(rc = args_wait(a, &o->wait)) &&
	    !(rc = send_check(o, a, next)))
		rc = send_to_queue(o, a, next);
	free(o);
	return rc;
}

const struct command command_send = {
	.name = "send",
	.summary = "send messages from arguments or standard input to a queue",
	.synopsis = "TARGET [MESSAGE...] [--type N | --priority N] [--lines | --null] [--string] "
		    "[--json] [--nowait] [--timeout SECS]",
	.table = send_table,
	.complete = COMPLETE_QUEUES,
	.run = send_run,
};
