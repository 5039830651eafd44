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

/* The limits' own types (queue.h), each range-checked to fit. */
static int read_limits(const struct args *a, struct queue_limits *limits)
{
	unsigned long long bytes = 0, messages = 0, size = 0;
	int rc;

	if ((rc = args_size(a, OPT_MAX_BYTES, 1, INT_MAX, &bytes)) ||
	    (rc = args_unsigned(a, OPT_MAX_MESSAGES, 1, LONG_MAX, &messages)) ||
	    (rc = args_size(a, OPT_MESSAGE_SIZE, 1, LONG_MAX, &size)))
		return rc;
	*limits = (struct queue_limits){ .max_bytes = (unsigned long)bytes, .max_messages = (long)messages,
					 .message_size = (long)size };
	return 0;
}

static int mkq_run(const struct args *a)
{
	struct target target;
	struct create_options create;
	struct queue_limits limits;
	int id, next, rc;

	if ((rc = read_limits(a, &limits)) || (rc = args_create(a, &create)) ||
	    (rc = args_target(a, &target, false, &next)) || (rc = args_no_more(a, next)))
		return rc;
	if ((rc = made_check_target(&target)))
		return rc;
	bool posix = target.kind == TARGET_POSIX;
	if (posix && limits.max_bytes)
		return usage_error("--max-bytes sets a System V queue's msg_qbytes; a POSIX queue holds "
				   "--max-messages messages of at most --message-size bytes");
	if (!posix && (limits.max_messages || limits.message_size))
		return usage_error("--%s applies to POSIX queues (/name); a System V queue's capacity "
				   "is --max-bytes", limits.max_messages ? "max-messages" : "message-size");
	bool created;
	if ((rc = queue_create(&target, &create, &limits, &id, &created)))
		return rc;
	return made_report(&(struct asked){ .kind = IPC_KIND_QUEUE, .target = &target, .id = id, .create = &create },
			   created);
}

const struct command command_mkq = {
	.name = "mkq",
	.summary = "create a System V or POSIX message queue, or find one",
	.synopsis = "[TARGET] [--mode MODE] [--exclusive] [--max-bytes N | --max-messages N --message-size N]",
	.table = mkq_table,
	.complete = COMPLETE_QUEUES,
	.run = mkq_run,
};
