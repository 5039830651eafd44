/* The state of one recv --exec run, shared by the runner (recvexec.c:
 * the workers, taking messages and starting COMMANDs) and the part that
 * settles what each run of COMMAND left (recvsettle.c: retries, the
 * dead-letter queue, --halt, the joblog line and the final verdict). */
#ifndef IPCTOOL_RECVRUN_H
#define IPCTOOL_RECVRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cmd/recvexec.h"
#include "cmd/recvjobs.h"
#include "lib/progress.h"
#include "lib/spawn.h"
#include "mech/queue.h"

struct worker {
	struct spawn spawn;
	struct queue_record *rec;        /* room for the largest message */
	unsigned long long number;       /* which message this is, from 1 */
	bool busy;
	bool waiting;                    /* for --retries: until due, no child */
	unsigned attempt;                /* runs of COMMAND on this message so far */
	struct timespec due;             /* CLOCK_MONOTONIC, while waiting */
	struct timespec started, started_real;   /* for --joblog */
	struct argsub args;              /* {} in COMMAND's arguments */
	const char *refused;             /* why the message cannot be an argument */
	char tag_env[48], size_env[48], attempt_env[40];
	char *env[5];
};

/* The first message whose COMMAND failed, for the final report. */
struct failure {
	unsigned long long number;
	long tag;
	size_t size;
	int status;
	int signal;
	int start_errno;                 /* COMMAND could not be started */
	const char *refused;             /* not run: the message cannot be an argument */
};

struct exec_run {
	struct queue *queue;
	const struct exec_plan *plan;
	struct queue dead;               /* --dead-letter, when dead_open */
	bool dead_open;
	struct worker *workers;
	struct spawn **set;              /* each worker's spawn, for spawn_wait_any */
	unsigned busy;                   /* workers holding a message, waiting ones too */
	unsigned waiting;                /* of those, waiting to retry */
	struct joblog log;
	int empty_fd;                    /* stdin when {} gives COMMAND the message */
	unsigned long long given_up;     /* messages failed for good, for --halt */
	bool halted;
	unsigned long long taken;
	struct failure first;
	unsigned long long failures;
	int error;                       /* a status that ends the run, once reported */
	char queue_env[64 + 4096];
	struct progress progress;        /* of the messages whose COMMAND ended */
};

/* "message 7 (type 2, 12 bytes)" into TEXT. */
const char *exec_message_name(char *text, size_t cap, const struct exec_run *x,
			      unsigned long long number, long tag, size_t size);
/* Put the worker's message back on its queue: true when it is back; else
 * it is named as lost (exec_put_back_failed) and the run's error set. */
bool exec_put_back(struct exec_run *x, const struct worker *w);
/* Name the worker's message, which could not go back on Q, as lost. */
void exec_put_back_failed(struct exec_run *x, struct queue *q, const struct worker *w);
/* Count a message put back after a failure; the first one is reported. */
void exec_note_failure(struct exec_run *x, const struct worker *w, int start_errno);
/* Whether the run is ending. */
bool exec_stopping(const struct exec_run *x);
/* What becomes of one message once its COMMAND ended (or could not start
 * for a reason of its own, START_ERRNO). */
void exec_settle(struct exec_run *x, struct worker *w, int start_errno);
/* The run's exit status once no COMMAND runs, after reporting. */
int exec_verdict(const struct exec_run *x);
/* Open --dead-letter, if given.  Returns 0 or the exit status. */
int exec_open_dead_letter(struct exec_run *x);

#endif
