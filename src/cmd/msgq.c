/* mkq, send and recv: message queues from the shell (ipctool-mkq(1), ipctool-recv(1)). */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ahead.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/json.h"
#include "lib/jsonline.h"
#include "cmd/made.h"
#include "lib/parse.h"
#include "mech/queue.h"
#include "lib/records.h"
#include "lib/hexdump.h"
#include "cmd/recvexec.h"
#include "lib/room.h"
#include "cmd/sendjson.h"
#include "lib/target.h"
#include "cmd/unapplied.h"
#include "lib/wait.h"

/* ---- mkq --------------------------------------------------------------- */

enum { OPT_MAX_BYTES = 1, OPT_TYPE, OPT_LINES, OPT_NULL, OPT_EXCEPT, OPT_COUNT,
       OPT_FOLLOW, OPT_RAW, OPT_JSON, OPT_PEEK, OPT_MAX_MESSAGES, OPT_MESSAGE_SIZE,
       OPT_PRIORITY, OPT_BATCH, OPT_LOCKSTEP, OPT_EXEC, OPT_JOBS, OPT_DEAD_LETTER,
       OPT_STRING, OPT_SEND_JSON, OPT_HEX, OPT_RETRIES, OPT_RETRY_DELAY, OPT_JOBLOG, OPT_HALT };

struct mkq_options {
	struct target target;
	struct create_options create;
	struct queue_limits limits;
};

static struct poptOption mkq_table[] = {
	TARGET_TABLE,
	CLI_INCLUDE(cli_create_options, "Creating:"),
	{ "max-bytes", '\0', POPT_ARG_STRING, NULL, OPT_MAX_BYTES,
	  "the queue's capacity in bytes (msg_qbytes; K, M, G allowed)", "N" },
	{ "max-messages", 'M', POPT_ARG_STRING, NULL, OPT_MAX_MESSAGES,
	  "POSIX queue: how many messages it holds (mq_maxmsg)", "N" },
	{ "message-size", '\0', POPT_ARG_STRING, NULL, OPT_MESSAGE_SIZE,
	  "POSIX queue: the largest message in bytes (mq_msgsize; K, M allowed)", "N" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int mkq_option(int val, const char *arg, void *data)
{
	struct mkq_options *o = data;
	unsigned long long v;
	const char *why;

	if (val == OPT_MAX_BYTES) {
		if ((why = parse_size(arg, 1, INT_MAX, &v)))
			return cli_bad_value("--max-bytes", arg, why);
		o->limits.max_bytes = (unsigned long)v;
		return 0;
	}
	if (val == OPT_MAX_MESSAGES) {
		if ((why = parse_unsigned(arg, 1, LONG_MAX, &v)))
			return cli_bad_value("--max-messages", arg, why);
		o->limits.max_messages = (long)v;
		return 0;
	}
	if (val == OPT_MESSAGE_SIZE) {
		if ((why = parse_size(arg, 1, LONG_MAX, &v)))
			return cli_bad_value("--message-size", arg, why);
		o->limits.message_size = (long)v;
		return 0;
	}
	return CLI_UNHANDLED;
}

static int mkq_run(void *opts, const struct cli *cli)
{
	struct mkq_options *o = opts;
	int id, rc;

	if ((rc = cli_extra_args(cli, cli->next)))
		return rc;
	if (o->target.kind == TARGET_ID)
		return usage_error("objects are created by key, --ftok, /name or as private, never by id ('%s')",
				   o->target.text);
	bool posix = o->target.kind == TARGET_POSIX;
	if (posix && o->limits.max_bytes)
		return usage_error("--max-bytes sets a System V queue's msg_qbytes; a POSIX queue holds "
				   "--max-messages messages of at most --message-size bytes");
	if (!posix && (o->limits.max_messages || o->limits.message_size))
		return usage_error("--%s applies to POSIX queues (/name); a System V queue's capacity "
				   "is --max-bytes", o->limits.max_messages ? "max-messages" : "message-size");
	bool created;
	if ((rc = queue_create(&o->target, &o->create, &o->limits, &id, &created)))
		return rc;
	if (posix)
		printf("%s\n", o->target.path);
	else
		printf("%d\n", id);
	if ((rc = made_told(&(struct made){ IPC_KIND_QUEUE, &o->target, id, created })))
		return rc;
	if (!created)
		unapplied_tell(&(struct asked){ .kind = IPC_KIND_QUEUE, .target = &o->target, .id = id,
						.create = &o->create });
	return EXIT_OK;
}

const struct command command_mkq = {
	.name = "mkq",
	.complete = COMPLETE_QUEUES,
	.summary = "create a System V or POSIX message queue, or find one",
	.synopsis = "[TARGET] [--mode MODE] [--exclusive] [--max-bytes N | --max-messages N --message-size N]",
	.table = mkq_table,
	.size = sizeof(struct mkq_options),
	.target = PART(struct mkq_options, target),
	.target_use = TARGET_OPTIONAL,
	.create = PART(struct mkq_options, create),
	.option = mkq_option,
	.run = mkq_run,
};

/* ---- send -------------------------------------------------------------- */

enum input_mode { INPUT_WHOLE, INPUT_LINES, INPUT_NULL };

struct send_options {
	struct target target;
	struct wait_options wait;
	long type;
	long priority;
	bool type_given, priority_given;
	enum input_mode input;
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

static int send_option(int val, const char *arg, void *data)
{
	struct send_options *o = data;
	unsigned long long u;
	long long v;
	const char *why;

	switch (val) {
	case CLI_OPT_PROGRESS:
	case CLI_OPT_NO_PROGRESS:
		return progress_option(&o->progress, val);
	case OPT_TYPE:
		if ((why = parse_signed(arg, 1, LONG_MAX, &v)))
			return cli_bad_value("--type", arg, why);
		o->type = (long)v;
		o->type_given = true;
		return 0;
	case OPT_PRIORITY:
		if ((why = parse_unsigned(arg, 0, (unsigned long long)sysconf(_SC_MQ_PRIO_MAX) - 1, &u)))
			return cli_bad_value("--priority", arg, why);
		o->priority = (long)u;
		o->priority_given = true;
		return 0;
	case OPT_LINES:
		o->lines = true;
		return 0;
	case OPT_NULL:
		o->null = true;
		return 0;
	case OPT_STRING:
		o->string = true;
		return 0;
	case OPT_SEND_JSON:
		o->json = true;
		return 0;
	}
	return CLI_UNHANDLED;
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
 * know an input is too large without reading it to its end. */
static int send_whole_input(struct sender *s)
{
	size_t cap = data_limit(s) + 1;
	char *buf = malloc(cap);
	int rc;

	if (!buf)
		return fail("out of memory for a %zu-byte message", cap);
	ssize_t got = read_full(STDIN_FILENO, buf, cap);
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

static int send_check(const struct send_options *o, const struct cli *cli, int next)
{
	if (o->json && (o->lines || o->null || o->string || o->type_given || o->priority_given ||
			next < cli->nargs))
		return usage_error("--json reads each message, its type or priority from standard input; "
				   "it takes no %s",
				   next < cli->nargs ? "MESSAGE arguments"
				   : o->lines ? "--lines" : o->null ? "--null" : o->string ? "--string"
				   : o->type_given ? "--type" : "--priority");
	if (o->lines && o->null)
		return usage_error("--lines and --null contradict each other");
	if ((o->lines || o->null) && next < cli->nargs)
		return usage_error("--%s reads standard input; it takes no MESSAGE arguments",
				   o->lines ? "lines" : "null");
	if (o->target.kind == TARGET_POSIX && o->type_given)
		return usage_error("--type is for System V queues; a POSIX queue orders messages by --priority");
	if (o->target.kind != TARGET_POSIX && o->priority_given)
		return usage_error("--priority is for POSIX queues (/name); a System V message has a --type");
	return 0;
}

static int send_run(void *opts, const struct cli *cli)
{
	struct send_options *o = opts;
	struct sender s = { .tag = o->type, .nul = o->string, .posix = o->target.kind == TARGET_POSIX };
	int next = cli->next, rc;

	if ((rc = send_check(o, cli, next)))
		return rc;
	if (o->target.kind == TARGET_POSIX)
		s.tag = o->priority;
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
	if (next < cli->nargs)
		rc = send_arguments(&s, cli->args + next, cli->nargs - next);
	else if (o->json)
		rc = send_json_lines(&s);
	else if (o->lines || o->null) {
		progress_start(&s.progress, o->progress, false, "send", "byte", progress_input_size(STDIN_FILENO));
		rc = send_records(&s, o->lines ? '\n' : '\0');
		progress_end(&s.progress);
	}
	else
		rc = send_whole_input(&s);
	wait_disarm();
	free(s.rec);
	queue_close(&s.queue);
	return rc;
}

static void send_init(void *opts)
{
	struct send_options *o = opts;

	o->type = 1;
}

const struct command command_send = {
	.name = "send",
	.complete = COMPLETE_QUEUES,
	.summary = "send messages from arguments or standard input to a queue",
	.synopsis = "TARGET [MESSAGE...] [--type N | --priority N] [--lines | --null] [--string] "
		    "[--json] [--nowait] [--timeout SECS]",
	.table = send_table,
	.size = sizeof(struct send_options),
	.target = PART(struct send_options, target),
	.wait = PART(struct send_options, wait),
	.init = send_init,
	.option = send_option,
	.run = send_run,
};

/* ---- recv -------------------------------------------------------------- */

/* OUTPUT_JSON_STRING: --json --string, data up to the first NUL. */
enum output_mode { OUTPUT_LINES, OUTPUT_NULL, OUTPUT_RAW, OUTPUT_JSON, OUTPUT_STRING, OUTPUT_HEX,
		   OUTPUT_JSON_STRING };

/* A batch's arena holds BATCH_BYTES of records (or one message, however
 * large) and --batch messages at most, BATCH_DEFAULT unless told: the
 * measurement behind it is in bench/README.md. */
enum { BATCH_BYTES = 64 * 1024, BATCH_DEFAULT = 256, BATCH_MAX = 65536 };

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
	size_t batch;              /* --batch: messages taken but unwritten, at most */
	enum output_mode output;
	int output_options;        /* how many different ones of --null/--raw/--json */
	bool exec;                 /* --exec: each message to a run of COMMAND */
	bool jobs_given;
	unsigned jobs;
	bool dead_letter_given;
	struct target dead_letter;
	bool retries_given, retry_delay_given, halt_given;
	unsigned retries;
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

static int recv_option(int val, const char *arg, void *data)
{
	struct recv_options *o = data;
	long long v;
	unsigned long long u;
	const char *why;

	switch (val) {
	case CLI_OPT_PROGRESS:
	case CLI_OPT_NO_PROGRESS:
		return progress_option(&o->progress, val);
	case OPT_TYPE:
		if ((why = parse_signed(arg, -LONG_MAX, LONG_MAX, &v)))
			return cli_bad_value("--type", arg, why);
		o->sel.type = (long)v;
		o->type_given = true;
		return 0;
	case OPT_EXCEPT:
		o->sel.except = true;
		return 0;
	case OPT_COUNT:
		if ((why = parse_unsigned(arg, 0, LLONG_MAX, &u)))
			return cli_bad_value("--count", arg, why);
		o->count = u;
		o->count_given = true;
		return 0;
	case OPT_FOLLOW:
		o->follow = true;
		return 0;
	case OPT_NULL:
		return set_output(o, OUTPUT_NULL);
	case OPT_RAW:
		return set_output(o, OUTPUT_RAW);
	case OPT_JSON:
		return set_output(o, OUTPUT_JSON);
	case OPT_STRING:
		return set_output(o, OUTPUT_STRING);
	case OPT_HEX:
		return set_output(o, OUTPUT_HEX);
	case OPT_PEEK:
		o->peek = true;
		return 0;
	case OPT_BATCH:
		if ((why = parse_unsigned(arg, 1, BATCH_MAX, &u)))
			return cli_bad_value("--batch", arg, why);
		o->batch = (size_t)u;
		o->batch_given = true;
		return 0;
	case OPT_LOCKSTEP:
		o->lockstep = true;
		return 0;
	case OPT_EXEC:
		o->exec = true;
		return 0;
	case OPT_JOBS:
		if ((why = parse_unsigned(arg, 1, EXEC_JOBS_MAX, &u)))
			return cli_bad_value("--jobs", arg, why);
		o->jobs = (unsigned)u;
		o->jobs_given = true;
		return 0;
	case OPT_DEAD_LETTER:
		if (o->dead_letter_given)
			return usage_error("--dead-letter names one queue; it was given twice");
		o->dead_letter_given = true;
		return target_parse(&o->dead_letter, arg);
	case OPT_RETRIES:
		if ((why = parse_unsigned(arg, 0, EXEC_RETRIES_MAX, &u)))
			return cli_bad_value("--retries", arg, why);
		o->retries = (unsigned)u;
		o->retries_given = true;
		return 0;
	case OPT_RETRY_DELAY:
		if ((why = parse_duration(arg, &o->retry_delay)))
			return cli_bad_value("--retry-delay", arg, why);
		o->retry_delay_given = true;
		return 0;
	case OPT_JOBLOG:
		if (!*arg || strlen(arg) >= sizeof(o->joblog))
			return cli_bad_value("--joblog", arg, *arg ? "the path is too long" : "expected a file name");
		strcpy(o->joblog, arg);
		return 0;
	case OPT_HALT:
		if ((why = parse_unsigned(arg, 1, LLONG_MAX, &u)))
			return cli_bad_value("--halt", arg, why);
		o->halt = u;
		o->halt_given = true;
		return 0;
	}
	return CLI_UNHANDLED;
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

/* Messages taken but not yet written: their records back to back in an
 * arena, their formatted text in OUT, and where each one's text ends, so a
 * failed write tells exactly which messages to put back.  At most MAX
 * messages (--batch): all that a SIGKILL can lose. */
struct batch {
	char *arena;
	size_t used, cap;
	size_t count, max;
	struct buf out;
	size_t *ends;              /* MAX entries */
};

struct receiver {
	struct queue queue;
	struct wait wait;
	struct batch batch;
	enum output_mode output;
	bool peek;
	bool lockstep;
	bool reader_gone;          /* --lockstep saw stdout's last reader go */
	struct room out;           /* what stdout can take whole (room.h) */
	unsigned long long taken;  /* messages taken off the queue (or copied) */
	unsigned long long written;
	struct progress progress;
};

static struct queue_record *batch_record(struct batch *b, size_t offset)
{
	return (struct queue_record *)(void *)(b->arena + offset);
}

/* Room left for one more record's data. */
static size_t batch_room(const struct batch *b)
{
	size_t header = sizeof(struct queue_record);

	if (b->count >= b->max || b->used + header >= b->cap)
		return 0;
	return b->cap - b->used - header;
}

static int batch_init(struct batch *b, size_t max_message, size_t max_count)
{
	memset(b, 0, sizeof(*b));
	b->max = max_count;
	b->cap = BATCH_BYTES + queue_record_span(max_message);
	b->arena = malloc(b->cap);
	b->ends = calloc(max_count, sizeof(*b->ends));
	return b->arena && b->ends ? 0 : -1;
}

/* An empty batch whose arena cannot hold the next message grows. */
static int batch_grow(struct batch *b)
{
	if (b->cap > ((size_t)INT_MAX) * 2)
		return -1;
	char *p = realloc(b->arena, b->cap * 2);
	if (!p)
		return -1;
	b->arena = p;
	b->cap *= 2;
	return 0;
}

static void batch_free(struct batch *b)
{
	free(b->arena);
	free(b->ends);
	buf_free(&b->out);
}

/* The bytes up to the first NUL (all when there is none). */
static size_t c_string_length(const struct queue_record *rec)
{
	const char *nul = memchr(rec->data, '\0', rec->size);

	return nul ? (size_t)(nul - rec->data) : rec->size;
}

/* TAG_NAME: "type" (System V) or "priority" (POSIX).  With STRING, the
 * message up to its first NUL, and size that of what is written. */
static int format_json(struct buf *out, const struct queue_record *rec, const char *tag_name, bool string)
{
	size_t size = string ? c_string_length(rec) : rec->size;

	if (json_append_message(out, tag_name, rec->tag, rec->data, size) != 0)
		return -1;
	return buf_append(out, "\n", 1);
}

static int format_record(struct buf *out, const struct queue_record *rec, enum output_mode mode,
			 const char *tag_name)
{
	switch (mode) {
	case OUTPUT_JSON:
		return format_json(out, rec, tag_name, false);
	case OUTPUT_JSON_STRING:
		return format_json(out, rec, tag_name, true);
	case OUTPUT_HEX: {
		struct hexdump h;
		hexdump_start(&h, 0);
		return hexdump_lines(&h, out, (const unsigned char *)rec->data, rec->size) ||
		       hexdump_end(&h, out);
	}
	case OUTPUT_RAW:
		return buf_append(out, rec->data, rec->size);
	case OUTPUT_NULL:
		return buf_append(out, rec->data, rec->size) || buf_append(out, "", 1);
	case OUTPUT_STRING:
		return buf_append(out, rec->data, c_string_length(rec)) || buf_append(out, "\n", 1);
	default:
		return buf_append(out, rec->data, rec->size) || buf_append(out, "\n", 1);
	}
}

/* Put back, in order, every message of the batch from index FIRST on.
 * One that cannot go back (the queue was removed, or was still full when
 * a termination signal came) is named with its first bytes, so that a
 * user can send it again by hand, and the others are still tried. */
static int put_back_from(struct receiver *r, size_t first, unsigned long long *returned)
{
	size_t offset = 0;
	int rc = 0;

	*returned = 0;
	for (size_t i = 0; i < r->batch.count; i++) {
		struct queue_record *rec = batch_record(&r->batch, offset);
		offset += queue_record_span(rec->size);
		if (i < first)
			continue;
		if (queue_put_back(&r->queue, rec) == 0) {
			(*returned)++;
			continue;
		}
		char which[48];
		rc = EXIT_FAIL;
		snprintf(which, sizeof(which), "message %llu", r->taken - r->batch.count + i + 1);
		queue_tell_lost(&r->queue, rec, which);
	}
	if (rc)
		termination_honour();   /* still full after a signal: die of it */
	return rc;
}

static void batch_clear(struct batch *b)
{
	b->used = 0;
	b->count = 0;
	b->out.len = 0;
}

/* How far the text of the batch got: the messages wholly written.  A
 * termination signal that cut a message part way (one larger than a pipe
 * can take whole) finishes writing it while the reader drains: it is
 * partly delivered already, so putting it back would deliver it twice.
 * A reader that stopped leaves it cut, and the user is told.  Only
 * messages not started go back, and one cut by a write error. */
static size_t written_whole(struct receiver *r, size_t done, int write_errno)
{
	struct batch *b = &r->batch;
	size_t first = 0;

	while (first < b->count && b->ends[first] <= done)
		first++;
	size_t start = first ? b->ends[first - 1] : 0;
	if (first == b->count || done == start || write_errno != EINTR || !termination_pending())
		return first;
	if (room_finish(&r->out, b->out.data + done, b->ends[first] - done) == 0)
		return first + 1;
	if (errno != EAGAIN)
		return first;   /* a write error: put back whole, as after any */
	warn("message %llu was cut after %zu of its %zu bytes: the reader of standard output stopped "
	     "reading", r->taken - b->count + first + 1, done - start, b->ends[first] - start);
	return first + 1;
}

/* How often --lockstep looks whether the reader has read (no event says
 * "empty again"), and how often it retries a System V queue (which no
 * descriptor can watch) while waiting for a message.  A reader that keeps
 * up reads within microseconds, so the first looks only yield the CPU;
 * sleeping 1 ms each time would cap lockstep at 1000 messages/s. */
enum { READ_YIELDS = 200, READ_POLL_MS = 1, SYSV_POLL_MS = 10 };

/* --lockstep, after a write: wait until the reader has read it all or has
 * gone.  Returns the bytes it left unread, or -1 if a termination signal
 * came first (what was written counts as delivered, ipctool-recv(1)). */
static long await_reader(const struct receiver *r)
{
	for (int tries = 0;; tries++) {
		long unread = room_unread(&r->out);
		if (unread == 0)
			return 0;
		if (room_reader_left(&r->out, -1, tries < READ_YIELDS ? 0 : READ_POLL_MS))
			return room_unread(&r->out);
		if (termination_pending())
			return -1;
		if (tries < READ_YIELDS)
			sched_yield();
	}
}

/* --lockstep: the message just written is delivered once its reader reads
 * it; if the reader went away leaving all of it unread it goes back on the
 * queue.  One the reader began to read counts as delivered. */
static int await_delivery(struct receiver *r)
{
	unsigned long long returned = 0;
	long unread = await_reader(r);

	if (unread <= 0)
		return 0;
	r->reader_gone = true;
	if ((size_t)unread < r->batch.out.len)
		return 0;
	int rc = put_back_from(r, 0, &returned);
	batch_clear(&r->batch);
	if (rc)
		return rc;
	return fail("the reader of standard output went away without reading message %llu; "
		    "it was put back on %s", r->taken, queue_name(&r->queue));
}

/* Where the records of the formatted batch that one write can take whole
 * now, from byte AT on, end: AT when not even the first fits in ROOM.
 * *NEXT gets the size of the first. */
static size_t records_fitting(const struct batch *b, size_t at, size_t room, size_t *next)
{
	size_t end = at;

	*next = 0;
	for (size_t i = 0; i < b->count; i++) {
		if (b->ends[i] <= at)
			continue;
		if (!*next)
			*next = b->ends[i] - at;
		if (b->ends[i] - at > room)
			break;
		end = b->ends[i];
	}
	return end;
}

/* Write the formatted batch to stdout, each write(2) only whole records
 * that stdout can take whole (room.h), so that a reader that stalls and a
 * termination signal never leave one half written.  A record that can
 * never be taken whole (larger than the pipe) is written as it goes.
 * Returns 0, or -1 with errno; *DONE holds how many bytes went. */
static int write_records(struct receiver *r, size_t *done)
{
	struct batch *b = &r->batch;
	size_t at = 0, next;

	while (at < b->out.len) {
		size_t end = records_fitting(b, at, room_now(&r->out), &next);
		if (end == at && next <= r->out.whole) {
			if (room_await(&r->out, next) != 0)
				break;
			continue;
		}
		if (end == at)
			end = at + next;
		size_t put = 0;
		int rc = write_all(STDOUT_FILENO, b->out.data + at, end - at, &put);
		at += put;
		if (rc != 0)
			break;
	}
	*done = at;
	return at == b->out.len ? 0 : -1;
}

/* Write the batch.  On failure the messages not wholly written go back to
 * the queue (copies from --peek were never taken) before the error. */
static int batch_flush(struct receiver *r)
{
	struct batch *b = &r->batch;
	size_t offset = 0, done = 0;
	int format_failed = 0, write_errno = 0;

	if (b->count == 0)
		return 0;
	b->out.len = 0;
	for (size_t i = 0; i < b->count && !format_failed; i++) {
		struct queue_record *rec = batch_record(b, offset);
		offset += queue_record_span(rec->size);
		format_failed = format_record(&b->out, rec, r->output, r->queue.tag_name) != 0;
		b->ends[i] = b->out.len;
	}
	if (!format_failed && write_records(r, &done) == 0) {
		int rc = r->lockstep ? await_delivery(r) : 0;
		if (rc)
			return rc;
		r->written += b->count;
		batch_clear(b);
		return 0;
	}
	write_errno = format_failed ? ENOMEM : errno;
	size_t first = format_failed ? 0 : written_whole(r, done, write_errno);
	r->written += first;
	unsigned long long returned = 0;
	int rc = r->peek ? 0 : put_back_from(r, first, &returned);
	batch_clear(b);
	if (rc)
		return rc;
	if (write_errno == EINTR && termination_pending())
		termination_honour();
	errno = write_errno;
	if (r->peek)
		return fail_errno("cannot write to standard output");
	return fail("cannot write to standard output: %s; %llu message(s) put back on %s",
		    strerror(write_errno), returned, queue_name(&r->queue));
}

/* Take (or copy) one message into the batch, growing an empty batch for a
 * message larger than its room. */
static enum queue_result take_one(struct receiver *r, const struct queue_selector *sel,
				  size_t index, struct wait *w)
{
	struct batch *b = &r->batch;

	for (;;) {
		size_t room = batch_room(b);
		struct queue_record *rec = batch_record(b, b->used);
		enum queue_result res = room == 0 ? QUEUE_TOO_BIG
			: r->peek ? queue_copy(&r->queue, index, rec, room)
				  : queue_receive(&r->queue, sel, rec, room, w);
		if (res == QUEUE_OK) {
			b->used += queue_record_span(rec->size);
			b->count++;
			r->taken++;
			return res;
		}
		if (res != QUEUE_TOO_BIG || b->count > 0)
			return res;
		if (batch_grow(b) != 0) {
			errno = ENOMEM;
			return QUEUE_ERROR;
		}
	}
}

/* --lockstep: wait for a message as the options say, but in poll(2), so
 * that a reader going away meanwhile is seen before anything is taken. */
static enum queue_result take_watching(struct receiver *r, const struct queue_selector *sel)
{
	int queue_fd = queue_poll_fd(&r->queue);
	struct wait nowait;

	wait_init(&nowait, true, NULL);
	for (;;) {
		enum queue_result res = take_one(r, sel, r->taken, &nowait);
		if (res != QUEUE_NOTHING || wait_expired(&r->wait))
			return res;
		int ms = wait_remaining_ms(&r->wait);
		if (queue_fd < 0 && (ms < 0 || ms > SYSV_POLL_MS))
			ms = SYSV_POLL_MS;
		if (room_reader_left(&r->out, queue_fd, ms)) {
			r->reader_gone = true;
			return QUEUE_ERROR;
		}
	}
}

/* Fetch one message, waiting as the options say, then whatever else is
 * ready without waiting, up to WANT in all (0: no limit). */
static enum queue_result fetch_batch(struct receiver *r, const struct queue_selector *sel,
				     unsigned long long want)
{
	struct wait nowait;
	enum queue_result res = r->lockstep ? take_watching(r, sel) : take_one(r, sel, r->taken, &r->wait);

	if (res != QUEUE_OK)
		return res;
	wait_init(&nowait, true, NULL);
	while ((want == 0 || r->taken < want) && batch_room(&r->batch) > 0)
		if (take_one(r, sel, r->taken, &nowait) != QUEUE_OK)
			break;   /* the next fetch meets any error again, after this flush */
	return QUEUE_OK;
}

static int report_shortfall(const struct receiver *r, unsigned long long want)
{
	if (r->peek && want == 0)
		warn("%s is empty", queue_name(&r->queue));
	else if (r->taken == 0)
		warn("no message on %s%s", queue_name(&r->queue),
		     r->wait.nowait ? "" : " before the timeout");
	else
		warn("only %llu of %llu messages arrived from %s", r->taken, want, queue_name(&r->queue));
	return EXIT_NOTHING;
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
			.command = cli->command, .jobs = o->jobs,
			.dead_letter = o->dead_letter_given ? &o->dead_letter : NULL,
			.sel = &o->sel, .wait = &r.wait, .want = o->follow ? 0 : want, .follow = o->follow,
			.retries = o->retries, .retry_delay = o->retry_delay, .joblog = o->joblog[0] ? o->joblog : NULL, .halt = o->halt,
			.progress = o->progress,
		};
		wait_init(&r.wait, o->wait.nowait, o->wait.has_timeout ? &o->wait.timeout : NULL);
		rc = recv_exec(&r.queue, &plan);
		queue_close(&r.queue);
		return rc;
	}
	if (batch_init(&r.batch, r.queue.max_message, o->lockstep ? 1 : o->batch) != 0) {
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
	.run = recv_run,
};
