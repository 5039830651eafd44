/* recv --exec: a queue as a job queue, each message handed to a COMMAND
 * (ipctool-recv(1)).  recv.c parses and checks the command line; recvexec.c runs it, with
 * recvsettle.c (recvrun.h). */
#ifndef IPCTOOL_RECVEXEC_H
#define IPCTOOL_RECVEXEC_H

#include <stdbool.h>
#include <time.h>

#include "lib/progress.h"
#include "mech/queue.h"
#include "lib/target.h"
#include "lib/wait.h"

enum { EXEC_JOBS_MAX = 1024, EXEC_RETRIES_MAX = 100 };

struct exec_plan {
	const char *const *command;      /* argv after `--` */
	unsigned jobs;                   /* COMMANDs at once, 1 to EXEC_JOBS_MAX */
	struct target *dead_letter;      /* --dead-letter, or NULL */
	const struct queue_selector *sel;
	struct wait *wait;
	unsigned long long want;         /* messages to take; 0 with follow */
	bool follow;
	unsigned retries;                /* --retries: runs after the first */
	struct timespec retry_delay;     /* before the first retry; doubles */
	const char *joblog;              /* --joblog FILE, or NULL */
	unsigned long long halt;         /* --halt N: stop after N failed; 0 never */
	enum progress_mode progress;     /* --progress, --no-progress */
};

/* Take messages from Q (open) and run COMMAND on each as PLAN says.
 * Returns the exit status; dies of a termination signal once the running
 * COMMANDs were waited for and the messages they failed put back. */
int recv_exec(struct queue *q, const struct exec_plan *plan);

/* Fewer messages came from Q than WANT (0: any at all, as with --follow)
 * before the wait ended: say so, as recv does with or without --exec.
 * Returns EXIT_NOTHING. */
int recv_shortfall(const struct queue *q, bool nowait, unsigned long long taken, unsigned long long want);

#endif
