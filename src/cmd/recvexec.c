/* recv --exec (ipctool-recv(1)): each message taken off the queue goes to one
 * run of COMMAND, on its stdin, and counts as handled only once COMMAND
 * exited 0.  A message whose COMMAND failed goes back on the queue (or to
 * the --dead-letter queue), so none is lost and none handled twice.
 *
 * One process keeps up to --jobs workers: a worker is a slot holding the
 * message it was given and the child handling it.  Messages are taken one
 * at a time, only when a slot is free, so at most --jobs are ever out of
 * the queue.  This file is the pool: taking, starting and reaping;
 * recvsettle.c decides what becomes of a message once its COMMAND ended. */
#include "cmd/recvexec.h"
#include "cmd/recvrun.h"

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
#include "lib/spawn.h"
#include "lib/wait.h"

/* How long to sleep, at most, when a slot is free, the queue is empty and
 * children run: a child's end (SIGCHLD) or, for a POSIX queue, a message
 * wakes it sooner; a System V queue has no descriptor to watch. */
enum { IDLE_POLL_MS = 10 };

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

	bool back = exec_put_back(x, w);
	w->busy = false;
	x->busy--;
	if (back && !x->error)
		x->error = fail("%s: cannot start %s: %s%s; it was put back on %s", exec_message_name(name, sizeof(name), x,
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
			exec_settle(x, w, 0);
			return;
		}
		fd = x->empty_fd;
	} else if ((fd = message_file(w->rec)) < 0) {
		/* Holding the message failed, never COMMAND. */
		not_started(x, w, errno);
		return;
	}
	w->spawn.in = fd;
	if (x->log.fd >= 0) {   /* --joblog's Starttime and JobRuntime */
		w->started = monotonic_now();
		clock_gettime(CLOCK_REALTIME, &w->started_real);
	}
	int err = spawn_start(&w->spawn);
	if (fd != x->empty_fd)
		close(fd);
	if (err && lacks_resources(err)) {
		not_started(x, w, err);
	} else if (err) {
		/* Not found, not executable: COMMAND's own failure. */
		w->spawn.status = spawn_start_status(err);
		w->spawn.signal = 0;
		exec_settle(x, w, err);
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

/* Run again the messages whose retry is due; once the run is ending,
 * put back those still waiting instead. */
static void retry_due(struct exec_run *x)
{
	if (!x->waiting)
		return;
	struct timespec now = monotonic_now();

	for (unsigned i = 0; x->waiting && i < x->plan->jobs; i++) {
		struct worker *w = &x->workers[i];
		if (!w->waiting || (!exec_stopping(x) && timespec_cmp(now, w->due) < 0))
			continue;
		w->waiting = false;
		x->waiting--;
		if (exec_stopping(x)) {
			w->busy = false;
			x->busy--;
			exec_put_back(x, w);
			exec_note_failure(x, w, 0);
		} else {
			launch(x, w);
		}
	}
}

/* Milliseconds until the first retry is due (0 if one is), or -1 when
 * none waits. */
static int next_retry_ms(const struct exec_run *x)
{
	long long best = -1;

	for (unsigned i = 0; x->waiting && i < x->plan->jobs; i++) {
		const struct worker *w = &x->workers[i];
		if (!w->waiting)
			continue;
		long long ms = ms_until(w->due);
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
	if (exec_stopping(x))
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
	exec_settle(x, worker_of(s), 0);
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
				exec_put_back_failed(x, x->queue, w);
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

	if ((rc = exec_open_dead_letter(&x))) {
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
	rc = termination_pending() ? EXIT_FAIL : exec_verdict(&x);
	wait_disarm();
	close_job_files(&x);
	workers_free(&x);
	if (x.dead_open)
		queue_close(&x.dead);
	termination_honour();
	return rc;
}
