/* recv --exec (ipctool-recv(1)): each message taken off the queue goes to one
 * run of COMMAND, on its stdin, and counts as handled only once COMMAND
 * exited 0.  A message whose COMMAND failed goes back on the queue (or to
 * the --dead-letter queue), so none is lost and none handled twice.
 *
 * One process keeps up to --jobs workers: a worker is a slot holding the
 * message it was given and the child handling it.  Messages are taken one
 * at a time, only when a slot is free, so at most --jobs are ever out of
 * the queue. */
#include "cmd/recvexec.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "cmd/recvjobs.h"
#include "lib/signame.h"
#include "lib/spawn.h"

/* How long to sleep, at most, when a slot is free, the queue is empty and
 * children run: a child's end (SIGCHLD) or, for a POSIX queue, a message
 * wakes it sooner; a System V queue has no descriptor to watch. */
enum { IDLE_POLL_MS = 10 };

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
	unsigned long long put_back;     /* after a failure */
	struct failure first;
	unsigned long long failures;
	int error;                       /* a status that ends the run, once reported */
	char queue_env[64 + 4096];
	struct progress progress;        /* of the messages whose COMMAND ended */
};

static void on_child(int sig)
{
	(void)sig;   /* only here to interrupt poll(2) when a child ends */
}

static int catch_children(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;   /* no SA_RESTART: poll returns EINTR */
	return sigaction(SIGCHLD, &sa, NULL);
}

/* IPCTOOL_QUEUE: a TARGET that names this very queue, for a COMMAND that
 * wants to send to it or look at it: the POSIX name, or the System V id. */
static void describe_queue(struct exec_run *x)
{
	if (x->queue->target.kind == TARGET_POSIX)
		snprintf(x->queue_env, sizeof(x->queue_env), "IPCTOOL_QUEUE=%s", x->queue->target.path);
	else
		snprintf(x->queue_env, sizeof(x->queue_env), "IPCTOOL_QUEUE=%d", x->queue->id);
}

static int workers_init(struct exec_run *x)
{
	unsigned n = x->plan->jobs;

	x->workers = calloc(n, sizeof(*x->workers));
	x->set = calloc(n, sizeof(*x->set));
	if (!x->workers || !x->set)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &x->workers[i];
		spawn_init(&w->spawn, (char *const *)x->plan->command);
		if (argsub_init(&w->args, x->plan->command) != 0)
			return -1;
		if (w->args.any)
			w->spawn.argv = w->args.argv;
		w->env[0] = w->tag_env;
		w->env[1] = w->size_env;
		w->env[2] = x->queue_env;
		w->env[3] = w->attempt_env;
		w->env[4] = NULL;
		w->spawn.env = w->env;
		x->set[i] = &w->spawn;
	}
	return 0;
}

static void workers_free(struct exec_run *x)
{
	if (x->workers)
		for (unsigned i = 0; i < x->plan->jobs; i++) {
			free(x->workers[i].rec);
			argsub_free(&x->workers[i].args);
		}
	free(x->workers);
	free(x->set);
}

static struct worker *free_worker(struct exec_run *x)
{
	for (unsigned i = 0; i < x->plan->jobs; i++) {
		struct worker *w = &x->workers[i];
		if (!w->busy) {
			if (!w->rec)
				w->rec = malloc(queue_record_span(x->queue->max_message));
			return w->rec ? w : NULL;
		}
	}
	return NULL;
}

static struct worker *worker_of(struct spawn *s)
{
	return (struct worker *)(void *)((char *)s - offsetof(struct worker, spawn));
}

/* The message as COMMAND's stdin: a memory file holding its bytes, so
 * writing it never waits for COMMAND, which may read all of it, part or
 * none.  Returns the descriptor, or -1 with errno. */
static int message_file(const struct queue_record *rec)
{
	int fd = memfd_create("ipctool-message", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -1;
	if ((rec->size && write_all(fd, rec->data, rec->size, &done) != 0) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* "message 7 (type 2, 12 bytes)" */
static const char *message_name(char *text, size_t cap, const struct exec_run *x,
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
static void put_back_failed(struct exec_run *x, struct queue *q, const struct worker *w)
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
static bool put_back(struct exec_run *x, const struct worker *w)
{
	if (queue_put_back(x->queue, w->rec) != 0) {
		put_back_failed(x, x->queue, w);
		return false;
	}
	x->put_back++;
	return true;
}

static void note_failure(struct exec_run *x, const struct worker *w, int start_errno)
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
	if (put_back(x, w) && !x->error && !termination_pending())
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

	message_name(name, sizeof(name), x, w->number, w->rec->tag, w->rec->size);
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
		put_back(x, w);
		errno = err;
		if (!x->error)
			x->error = queue_report(&x->dead, "send a dead letter to");
		return;
	}
	}
}

/* Whether the run is ending: then no message waits for a retry, and a
 * message whose COMMAND fails goes back on the queue. */
static bool stopping(const struct exec_run *x)
{
	return termination_pending() || x->error || x->halted || x->failures;
}

/* --joblog: one line for the run that just ended (or could not start). */
static void log_run(struct exec_run *x, struct worker *w)
{
	struct timespec now = monotonic_now(), ran;

	if (x->log.fd < 0 || w->refused)
		return;
	ran.tv_sec = now.tv_sec - w->started.tv_sec;
	ran.tv_nsec = now.tv_nsec - w->started.tv_nsec;
	if (ran.tv_nsec < 0) {
		ran.tv_sec--;
		ran.tv_nsec += 1000000000L;
	}
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
	if (w->attempt > x->plan->retries || w->refused || stopping(x))
		return false;
	struct timespec d = retry_delay(x->plan->retry_delay, w->attempt), now = monotonic_now();
	w->due.tv_sec = now.tv_sec + d.tv_sec;
	w->due.tv_nsec = now.tv_nsec + d.tv_nsec;
	if (w->due.tv_nsec >= 1000000000L) {
		w->due.tv_sec++;
		w->due.tv_nsec -= 1000000000L;
	}
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
static void settle(struct exec_run *x, struct worker *w, int start_errno)
{
	log_run(x, w);
	if (w->spawn.status != 0 && retry_later(x, w))
		return;
	w->busy = false;
	x->busy--;
	if (w->spawn.status == 0)
		return;
	if (stopping(x) || !x->dead_open) {
		put_back(x, w);
		note_failure(x, w, start_errno);
		return;
	}
	dead_letter(x, w, start_errno);
	given_up(x);
}

/* A start that failed for want of processes, memory or descriptors says
 * nothing about COMMAND or its message: the message goes back (never to
 * the dead-letter queue, never to a retry) and the run stops, saying why. */
static bool lacks_resources(int err)
{
	return err == EAGAIN || err == ENOMEM || err == EMFILE || err == ENFILE;
}

static void not_started(struct exec_run *x, struct worker *w, int err)
{
	char name[128];

	bool back = put_back(x, w);
	w->busy = false;
	x->busy--;
	if (back && !x->error)
		x->error = fail("%s: cannot start %s: %s%s; it was put back on %s", message_name(name, sizeof(name), x,
				w->number, w->rec->tag, w->rec->size), x->plan->command[0], strerror(err),
				err == EAGAIN ? " (the limit on processes was reached)" : "", queue_name(x->queue));
}

/* Run COMMAND on the worker's message (again, for a retry). */
static void launch(struct exec_run *x, struct worker *w)
{
	int fd;

	w->attempt++;
	snprintf(w->attempt_env, sizeof(w->attempt_env), "IPCTOOL_ATTEMPT=%u", w->attempt);
	if (w->args.any) {
		/* The message is in the arguments; stdin is empty. */
		if ((w->refused = argsub_fill(&w->args, w->rec->data, w->rec->size))) {
			w->spawn.status = 1;
			w->spawn.signal = 0;
			settle(x, w, 0);
			return;
		}
		fd = x->empty_fd;
	} else if ((fd = message_file(w->rec)) < 0) {
		/* Holding the message failed, never COMMAND. */
		not_started(x, w, errno);
		return;
	}
	w->spawn.in = fd;
	w->started = monotonic_now();
	clock_gettime(CLOCK_REALTIME, &w->started_real);
	int err = spawn_start(&w->spawn);
	if (fd != x->empty_fd)
		close(fd);
	if (err && lacks_resources(err)) {
		not_started(x, w, err);
	} else if (err) {
		/* Not found, not executable: COMMAND's own failure. */
		w->spawn.status = spawn_start_status(err);
		w->spawn.signal = 0;
		settle(x, w, err);
	}
}

/* Give the worker's newly taken message to a run of COMMAND. */
static void start_worker(struct exec_run *x, struct worker *w)
{
	snprintf(w->tag_env, sizeof(w->tag_env), "IPCTOOL_%s=%ld",
		 x->queue->target.kind == TARGET_POSIX ? "PRIORITY" : "TYPE", w->rec->tag);
	snprintf(w->size_env, sizeof(w->size_env), "IPCTOOL_SIZE=%zu", w->rec->size);
	w->number = ++x->taken;
	w->attempt = 0;
	w->refused = NULL;
	w->busy = true;
	x->busy++;
	launch(x, w);
}

static bool due(const struct timespec *t, const struct timespec *now)
{
	return now->tv_sec > t->tv_sec || (now->tv_sec == t->tv_sec && now->tv_nsec >= t->tv_nsec);
}

/* Run again the messages whose retry is due; once the run is ending,
 * put back those still waiting instead. */
static void retry_due(struct exec_run *x)
{
	struct timespec now = monotonic_now();

	for (unsigned i = 0; x->waiting && i < x->plan->jobs; i++) {
		struct worker *w = &x->workers[i];
		if (!w->waiting || (!stopping(x) && !due(&w->due, &now)))
			continue;
		w->waiting = false;
		x->waiting--;
		if (stopping(x)) {
			w->busy = false;
			x->busy--;
			put_back(x, w);
			note_failure(x, w, 0);
		} else {
			launch(x, w);
		}
	}
}

/* Milliseconds until the first retry is due (0 if one is), or -1 when
 * none waits. */
static int next_retry_ms(const struct exec_run *x)
{
	struct timespec now = monotonic_now();
	long long best = -1;

	for (unsigned i = 0; x->waiting && i < x->plan->jobs; i++) {
		const struct worker *w = &x->workers[i];
		if (!w->waiting)
			continue;
		long long ms = (long long)(w->due.tv_sec - now.tv_sec) * 1000 + (w->due.tv_nsec - now.tv_nsec) / 1000000 + 1;
		if (ms < 0)
			ms = 0;
		if (best < 0 || ms < best)
			best = ms;
	}
	return best > INT_MAX ? INT_MAX : (int)best;
}

/* Only messages waiting for a retry are held, no child runs: sleep until
 * the first is due (a termination signal interrupts). */
static void wait_for_retry(const struct exec_run *x)
{
	int ms = next_retry_ms(x);

	if (ms > 0)
		poll(NULL, 0, ms);
}

/* Whether to take another message at all. */
static bool keep_taking(const struct exec_run *x)
{
	if (stopping(x))
		return false;
	return x->plan->follow || x->taken < x->plan->want;
}

/* Reap one ended child (waiting for one when BLOCK) and settle its
 * message.  False when none had ended. */
static bool reap_one(struct exec_run *x, bool block)
{
	struct spawn *s = spawn_wait_any(x->set, x->plan->jobs, block);

	if (!s)
		return false;
	settle(x, worker_of(s), 0);
	return true;
}

/* A slot is free but the queue is empty while children run: sleep until
 * a child ends, a message may have come, or the wait runs out. */
static void idle(struct exec_run *x)
{
	int fd = queue_poll_fd(x->queue);
	int ms = wait_remaining_ms(x->plan->wait);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (ms < 0 || ms > IDLE_POLL_MS)
		ms = IDLE_POLL_MS;
	int retry = next_retry_ms(x);
	if (retry >= 0 && retry < ms)
		ms = retry;
	poll(&p, fd >= 0 ? 1 : 0, ms);   /* EINTR: a child ended, or a signal to look at */
}

enum take { TAKE_STARTED, TAKE_IDLE, TAKE_STOP };

/* Take one message into a free worker and start it.  The wait the options
 * asked for applies only when no child runs; otherwise the queue is only
 * looked at, so that ending children are reaped in time. */
static enum take take_and_start(struct exec_run *x, struct worker *w)
{
	struct wait nowait;
	struct wait *wait = x->plan->wait;

	if (x->busy > 0) {
		wait_init(&nowait, true, NULL);
		wait = &nowait;
	}
	switch (queue_receive(x->queue, x->plan->sel, w->rec, x->queue->max_message, wait)) {
	case QUEUE_OK:
		if (termination_pending()) {
			/* Asked to stop just as it was taken. */
			w->number = x->taken + 1;
			if (queue_put_back(x->queue, w->rec) != 0)
				put_back_failed(x, x->queue, w);
			return TAKE_STOP;
		}
		start_worker(x, w);
		if (x->plan->follow)
			wait_restart(x->plan->wait);
		return TAKE_STARTED;
	case QUEUE_NOTHING:
		return x->busy > 0 && !wait_expired(x->plan->wait) ? TAKE_IDLE : TAKE_STOP;
	case QUEUE_INTERRUPTED:
		return TAKE_STOP;
	default:
		if (!x->error)
			x->error = queue_report(x->queue, "receive from");
		return TAKE_STOP;
	}
}

static void exec_loop(struct exec_run *x)
{
	bool taking = true;

	for (;;) {
		retry_due(x);
		enum take last = TAKE_STARTED;
		progress_update(&x->progress, x->taken - x->busy);
		while ((taking = taking && keep_taking(x)) && x->busy < x->plan->jobs) {
			struct worker *w = free_worker(x);
			if (!w) {
				if (!x->error)
					x->error = fail("out of memory for a %zu-byte message", x->queue->max_message);
				taking = false;
				break;
			}
			last = take_and_start(x, w);
			if (last == TAKE_STOP)
				taking = false;
			if (last != TAKE_STARTED)
				break;
		}
		if (x->busy == 0) {
			if (!taking)
				return;
			continue;   /* a start failed at once; take the next */
		}
		if (x->busy == x->waiting) {
			/* No child runs.  A free slot keeps looking at the queue
			 * meanwhile; otherwise only the first retry can be next. */
			if (taking && last == TAKE_IDLE)
				idle(x);
			else
				wait_for_retry(x);
			continue;
		}
		if ((taking && last == TAKE_IDLE) || x->waiting) {
			if (!reap_one(x, false))
				idle(x);
		} else {
			reap_one(x, true);
		}
	}
}

static int shortfall(const struct exec_run *x)
{
	if (x->taken == 0)
		warn("no message on %s%s", queue_name(x->queue), x->plan->wait->nowait ? "" : " before the timeout");
	else
		warn("only %llu of %llu messages arrived from %s", x->taken, x->plan->want, queue_name(x->queue));
	return EXIT_NOTHING;
}

static int verdict(const struct exec_run *x)
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
			    message_name(name, sizeof(name), x, x->first.number, x->first.tag, x->first.size),
			    outcome(what, sizeof(what), &x->first, x->plan->command[0]), queue_name(x->queue), more);
	}
	if (x->plan->follow)
		return x->taken > 0 ? EXIT_OK : shortfall(x);
	return x->taken < x->plan->want ? shortfall(x) : EXIT_OK;
}

static bool same_queue(const struct queue *a, const struct queue *b)
{
	if (a->target.kind == TARGET_POSIX)
		return strcmp(a->target.path, b->target.path) == 0;
	return a->id == b->id;
}

static int open_dead_letter(struct exec_run *x)
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

/* What --joblog and {} need before the first message: the log open, and
 * an empty stdin. */
static int open_job_files(struct exec_run *x)
{
	int rc;

	if (x->plan->joblog && (rc = joblog_open(&x->log, x->plan->joblog)))
		return rc;
	if (x->workers[0].args.any && (x->empty_fd = memfd_create("ipctool-empty", MFD_CLOEXEC)) < 0)
		return fail_errno("cannot make an empty stdin for %s", x->plan->command[0]);
	return 0;
}

static void close_job_files(struct exec_run *x)
{
	joblog_close(&x->log);
	if (x->empty_fd >= 0)
		close(x->empty_fd);
}

int recv_exec(struct queue *q, const struct exec_plan *plan)
{
	struct exec_run x = { .queue = q, .plan = plan, .log = { .fd = -1 }, .empty_fd = -1 };
	sigset_t old;
	int rc;

	if ((rc = open_dead_letter(&x))) {
		if (x.dead_open)
			queue_close(&x.dead);
		return rc;
	}
	describe_queue(&x);
	if (workers_init(&x) != 0 || catch_children() != 0) {
		workers_free(&x);
		if (x.dead_open)
			queue_close(&x.dead);
		return fail("out of memory");
	}
	if ((rc = open_job_files(&x))) {
		close_job_files(&x);
		workers_free(&x);
		if (x.dead_open)
			queue_close(&x.dead);
		return rc;
	}
	termination_catch();
	spawn_hold(&old);
	spawn_forward_signals_terminating();
	spawn_release(&old);
	progress_start(&x.progress, plan->progress, false, "recv --exec", "message", plan->want);
	exec_loop(&x);
	progress_end(&x.progress);
	/* Stopped by a signal: every message is handled or back on the
	 * queue; die of the signal as the shell expects. */
	rc = termination_pending() ? EXIT_FAIL : verdict(&x);
	wait_disarm();
	close_job_files(&x);
	workers_free(&x);
	if (x.dead_open)
		queue_close(&x.dead);
	termination_honour();
	return rc;
}
