/* mkq: create a System V or POSIX message queue, or find one
 * (ipctool-mkq(1)). */
#include <limits.h>
#include <stdio.h>

#include "cmd/commands.h"
#include "cmd/made.h"
#include "cmd/unapplied.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/target.h"
#include "mech/queue.h"

enum { OPT_MAX_BYTES = 1, OPT_MAX_MESSAGES, OPT_MESSAGE_SIZE };

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
	unsigned long long v = 0;
	int rc = CLI_UNHANDLED;

	/* The limits' own types (queue.h), each range-checked to fit. */
	if (val == OPT_MAX_BYTES && !(rc = cli_size("--max-bytes", arg, 1, INT_MAX, &v)))
		o->limits.max_bytes = (unsigned long)v;
	if (val == OPT_MAX_MESSAGES && !(rc = cli_unsigned("--max-messages", arg, 1, LONG_MAX, &v)))
		o->limits.max_messages = (long)v;
	if (val == OPT_MESSAGE_SIZE && !(rc = cli_size("--message-size", arg, 1, LONG_MAX, &v)))
		o->limits.message_size = (long)v;
	return rc;
}

static int mkq_run(void *opts, const struct cli *cli)
{
	struct mkq_options *o = opts;
	int id, rc;

	if ((rc = cli_extra_args(cli, cli->next)))
		return rc;
	if ((rc = made_check_target(&o->target)))
		return rc;
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
