/* recv --exec (ipctool-recv(1)): what becomes of a message once its run of
 * COMMAND ended.  Exit 0: handled.  Otherwise a retry later (--retries), the
 * dead-letter queue (--dead-letter, counted by --halt), or back on its
 * queue; each run is a --joblog line; and the run's verdict at the end. */
#include "cmd/recvrun.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "lib/signame.h"
#include "lib/wait.h"

/* "message 7 (type 2, 12 bytes)" */
const char *exec_message_name(char *text, size_t cap, const struct exec_run *x,
			      unsigned long long number, long tag, size_t size)
{
	snprintf(text, cap, "message %llu (%s %ld, %zu bytes)", number, x->queue->tag_name, tag, size);
	return text;
}

/* "exited with status 3", "was killed by SIGKILL", "could not be run: ..." */
static const char *outcome(char *text, size_t cap, const struct failure *f, const char *cmd)
{
	char sig[SIGNAL_NAME_MAX];

	if (f->refused)
		snprintf(text, cap, "it cannot be an argument of %s: %s", cmd, f->refused);
	else if (f->start_errno == ENOENT && !strchr(cmd, '/'))
		snprintf(text, cap, "%s: command not found (status %d)", cmd, f->status);
	else if (f->start_errno)
		snprintf(text, cap, "%s could not be run: %s (status %d)", cmd, strerror(f->start_errno),
			 f->status);
	else if (f->signal)
		snprintf(text, cap, "%s was killed by %s (status %d)", cmd, signal_name(f->signal, sig),
			 f->status);
	else
		snprintf(text, cap, "%s exited with status %d", cmd, f->status);
	return text;
}

/* A message that could not go back is lost: its queue was removed, or
 * was still full when a termination signal came.  Say which one, with
 * its first bytes.  A signal ends the run with its own status. */
void exec_put_back_failed(struct exec_run *x, struct queue *q, const struct worker *w)
{
	char which[32];
	int err = errno;

	snprintf(which, sizeof(which), "message %llu", w->number);
	queue_tell_lost(q, w->rec, which);
	errno = err;
	if (!x->error && !(err == EAGAIN && termination_pending()))
		x->error = EXIT_FAIL;   /* the line above said why */
}

/* True when the message is back on its queue. */
bool exec_put_back(struct exec_run *x, const struct worker *w)
{
	if (queue_put_back(x->queue, w->rec) != 0) {
		exec_put_back_failed(x, x->queue, w);
		return false;
	}
	return true;
}

void exec_note_failure(struct exec_run *x, const struct worker *w, int start_errno)
{
	if (x->failures++ == 0)
		x->first = (struct failure){ w->number, w->rec->tag, w->rec->size, w->spawn.status,
					     w->spawn.signal, start_errno, w->refused };
}

/* How long a full dead-letter queue is waited for: as --timeout bounds
 * the run (with --follow: a silence), or for ever; a termination signal
 * ends the wait in any case. */
static struct wait dead_letter_wait(const struct exec_run *x)
{
	struct wait w = *x->plan->wait;

	if (x->plan->follow)
		wait_restart(&w);
	return w;
}

/* The dead-letter queue could not take the message: it goes back on its
 * own queue and the run stops, naming both queues. */
static void dead_letter_refused(struct exec_run *x, const struct worker *w, const char *name,
				const char *what, const char *why)
{
	char dead[4400];

	snprintf(dead, sizeof(dead), "%s", queue_name(&x->dead));
	if (exec_put_back(x, w) && !x->error && !termination_pending())
		x->error = fail("%s: %s; %s %s, so it was put back on %s", name, what, dead, why,
				queue_name(x->queue));
}

/* --dead-letter: the failed message goes there and the run goes on.  A
 * message the dead-letter queue cannot hold, or not before the wait for
 * room ends, goes back instead, and the run stops as without
 * --dead-letter. */
static void dead_letter(struct exec_run *x, const struct worker *w, int start_errno)
{
	char name[128], what[256], why[96];
	struct failure f = { w->number, w->rec->tag, w->rec->size, w->spawn.status, w->spawn.signal,
			     start_errno, w->refused };
	struct wait room = dead_letter_wait(x);

	exec_message_name(name, sizeof(name), x, w->number, w->rec->tag, w->rec->size);
	outcome(what, sizeof(what), &f, x->plan->command[0]);
	if (w->rec->size > x->dead.max_message) {
		snprintf(why, sizeof(why), "holds at most %zu bytes", x->dead.max_message);
		dead_letter_refused(x, w, name, what, why);
		return;
	}
	switch (queue_send(&x->dead, w->rec, &room)) {
	case QUEUE_OK:
		warn("%s: %s; sent to %s", name, what, queue_name(&x->dead));
		return;
	case QUEUE_NOTHING:
		dead_letter_refused(x, w, name, what, room.nowait ? "is full" : "stayed full until the timeout");
		return;
	case QUEUE_INTERRUPTED:
		dead_letter_refused(x, w, name, what, "");
		return;
	default: {
		int err = errno;
		exec_put_back(x, w);
		errno = err;
		if (!x->error)
			x->error = queue_report(&x->dead, "send a dead letter to");
		return;
	}
	}
}

/* Whether the run is ending: then no message waits for a retry, and a
 * message whose COMMAND fails goes back on the queue. */
bool exec_stopping(const struct exec_run *x)
{
	return termination_pending() || x->error || x->halted || x->failures;
}

/* --joblog: one line for the run that just ended (or could not start). */
static void log_run(struct exec_run *x, struct worker *w)
{
	if (x->log.fd < 0 || w->refused)
		return;
	struct timespec ran = timespec_sub(monotonic_now(), w->started);
	/* parallel splits a wait status: a killed COMMAND is exit value 0
	 * and the signal's number. */
	if (joblog_write(&x->log, w->number, w->started_real, ran, w->spawn.signal ? 0 : w->spawn.status,
			 w->spawn.signal, w->spawn.argv) != 0 && !x->error)
		x->error = fail_errno("--joblog %s: cannot write", quote_input(x->log.path));
}

/* --retries: keep the message and run COMMAND on it again once the
 * delay (doubling each time) has passed. */
static bool retry_later(struct exec_run *x, struct worker *w)
{
	if (w->attempt > x->plan->retries || w->refused || exec_stopping(x))
		return false;
	w->due = timespec_add(monotonic_now(), retry_delay(x->plan->retry_delay, w->attempt));
	w->waiting = true;
	x->waiting++;
	return true;
}

/* A message failed for good: --halt counts it. */
static void given_up(struct exec_run *x)
{
	if (++x->given_up == x->plan->halt && x->plan->halt)
		x->halted = true;
}

/* What became of one message once its COMMAND ended (or could not start). */
void exec_settle(struct exec_run *x, struct worker *w, int start_errno)
{
	log_run(x, w);
	if (w->spawn.status != 0 && retry_later(x, w))
		return;
	w->busy = false;
	x->busy--;
	if (w->spawn.status == 0)
		return;
	if (exec_stopping(x) || !x->dead_open) {
		exec_put_back(x, w);
		exec_note_failure(x, w, start_errno);
		return;
	}
	dead_letter(x, w, start_errno);
	given_up(x);
}

int exec_verdict(const struct exec_run *x)
{
	char name[128], what[256], more[96] = "";

	if (x->error)
		return x->error;
	if (x->halted)
		return fail("stopped taking messages from %s after %llu failed (--halt %llu)%s", queue_name(x->queue),
			    x->given_up, x->plan->halt, x->failures ? "; messages failed since were put back" : "");
	if (x->failures) {
		if (x->failures > 1)
			snprintf(more, sizeof(more), " (and %llu other failed message(s))", x->failures - 1);
		return fail("%s: %s; put back on %s%s",
			    exec_message_name(name, sizeof(name), x, x->first.number, x->first.tag, x->first.size),
			    outcome(what, sizeof(what), &x->first, x->plan->command[0]), queue_name(x->queue), more);
	}
	if (x->plan->follow)
		return x->taken > 0 ? EXIT_OK : recv_shortfall(x->queue, x->plan->wait->nowait, x->taken, 0);
	return x->taken < x->plan->want ? recv_shortfall(x->queue, x->plan->wait->nowait, x->taken, x->plan->want)
					 : EXIT_OK;
}

static bool same_queue(const struct queue *a, const struct queue *b)
{
	if (a->target.kind == TARGET_POSIX)
		return strcmp(a->target.path, b->target.path) == 0;
	return a->id == b->id;
}

int exec_open_dead_letter(struct exec_run *x)
{
	int rc;

	if (!x->plan->dead_letter)
		return 0;
	if ((rc = queue_open(&x->dead, x->plan->dead_letter)))
		return rc;
	x->dead_open = true;
	/* A failed message sent back where it came from would be taken again
	 * and again. */
	if (same_queue(x->queue, &x->dead))
		return fail("--dead-letter %s is the queue messages are taken from", x->plan->dead_letter->text);
	return 0;
}
