/* POSIX message queues: mq_open, mq_send, mq_receive and their timed
 * forms, mq_getattr, mq_unlink. */
#include "mech/queue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/error.h"

/* The kernel's own defaults, for when /proc/sys/fs/mqueue cannot be read. */
enum { DEFAULT_MAXMSG = 10, DEFAULT_MSGSIZE = 8192 };

static const char MQUEUE_SYSCTL[] = "/proc/sys/fs/mqueue/";

/* One number from /proc/sys/fs/mqueue; false if it cannot be read. */
static bool read_sysctl(const char *name, long *value)
{
	char path[64];

	snprintf(path, sizeof(path), "%s%s", MQUEUE_SYSCTL, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fscanf(f, "%ld", value) == 1;
	fclose(f);
	return ok;
}

static int no_such_queue(const struct target *t)
{
	return fail("no message queue %s", target_describe(t));
}

static int posix_open(struct queue *q)
{
	/* recv needs write permission only to put a message back, send needs
	 * no read permission at all: open with what is allowed, and let a
	 * call the access does not cover fail with EACCES. */
	static const int accesses[] = { O_RDWR, O_WRONLY, O_RDONLY };
	struct mq_attr attr;

	for (size_t i = 0; i < sizeof(accesses) / sizeof(accesses[0]); i++) {
		q->access = accesses[i];
		q->mqd = mq_open(q->target.path, accesses[i]);
		if (q->mqd != (mqd_t)-1 || errno != EACCES)
			break;
	}
	if (q->mqd != (mqd_t)-1)
		q->mqd_nowait = mq_open(q->target.path, q->access | O_NONBLOCK);
	if (q->mqd == (mqd_t)-1 || q->mqd_nowait == (mqd_t)-1) {
		if (errno == ENOENT)
			return no_such_queue(&q->target);
		if (errno == ENOSYS)
			return fail("cannot open %s: this kernel has no POSIX message queues "
				    "(CONFIG_POSIX_MQUEUE)", queue_name(q));
		return fail_errno("cannot open %s", queue_name(q));
	}
	if (mq_getattr(q->mqd, &attr) != 0)
		return fail_errno("cannot inspect %s", queue_name(q));
	q->max_message = (size_t)attr.mq_msgsize;
	q->limit_name = "mq_msgsize";
	q->tag_name = "priority";
	return 0;
}

static void posix_close(struct queue *q)
{
	if (q->mqd != (mqd_t)-1)
		mq_close(q->mqd);
	if (q->mqd_nowait != (mqd_t)-1)
		mq_close(q->mqd_nowait);
	q->mqd = (mqd_t)-1;
	q->mqd_nowait = (mqd_t)-1;
}

/* --max-messages and --message-size against msg_max and msgsize_max,
 * before anything is created.  The kernel lets CAP_SYS_RESOURCE go past
 * them (up to its hard limits); we do not: the sysctls are what the
 * administrator set, and root can raise them. */
static int check_limit(const char *option, long value, const char *sysctl)
{
	long max;

	if (value && read_sysctl(sysctl, &max) && value > max)
		return fail("%s %ld is above %s (%ld, %s%s); the queue was not created",
			    option, value, sysctl, max, MQUEUE_SYSCTL, sysctl);
	return 0;
}

/* mq_open wants both sizes or neither: the one not given is the default
 * a queue made without attributes would get. */
static long default_size(long given, const char *default_name, const char *max_name, long fallback)
{
	long value = fallback, max;

	if (given)
		return given;
	read_sysctl(default_name, &value);
	if (read_sysctl(max_name, &max) && max < value)
		value = max;    /* the kernel clamps its default the same way */
	return value;
}

static int create_failed(const struct target *t)
{
	switch (errno) {
	case ENOSPC:
		return fail("cannot create message queue %s: the system limit on queues (%squeues_max) is reached",
			    target_describe(t), MQUEUE_SYSCTL);
	case EMFILE:
		return fail("cannot create message queue %s: %s (the per-user limit on queue memory, "
			    "ulimit -q, or on open files)", target_describe(t), strerror(EMFILE));
	case ENOSYS:
		return fail("cannot create message queue %s: this kernel has no POSIX message queues "
			    "(CONFIG_POSIX_MQUEUE)", target_describe(t));
	default:
		return fail_errno("cannot create message queue %s", target_describe(t));
	}
}

static int posix_create(struct target *t, const struct create_options *o,
			const struct queue_limits *limits, int *id, bool *created)
{
	struct mq_attr attr = { .mq_maxmsg = 0 };
	bool sized = limits->max_messages || limits->message_size;
	int rc;

	*id = -1;
	if ((rc = check_limit("--max-messages", limits->max_messages, "msg_max")) ||
	    (rc = check_limit("--message-size", limits->message_size, "msgsize_max")))
		return rc;
	if (sized) {
		attr.mq_maxmsg = default_size(limits->max_messages, "msg_default", "msg_max", DEFAULT_MAXMSG);
		attr.mq_msgsize = default_size(limits->message_size, "msgsize_default", "msgsize_max",
					       DEFAULT_MSGSIZE);
	}
	mqd_t mqd = mq_open(t->path, O_RDONLY | O_CREAT | O_EXCL, o->mode, sized ? &attr : NULL);
	if (mqd == (mqd_t)-1) {
		if (errno != EEXIST)
			return create_failed(t);
		if (o->exclusive)
			return fail("message queue %s already exists", target_describe(t));
		return 0;   /* idempotent: the existing queue, unchanged (ipctool(1)) */
	}
	/* mq_open applied the umask; the mode is to be exactly as given.  On
	 * Linux a queue descriptor is a file descriptor. */
	if (fchmod(mqd, o->mode) != 0) {
		int saved = errno;
		mq_close(mqd);
		mq_unlink(t->path);   /* all or nothing: no queue with the wrong mode */
		errno = saved;
		return fail_errno("cannot set the mode of message queue %s; it was not created",
				  target_describe(t));
	}
	mq_close(mqd);
	*created = true;
	return 0;
}

/* How the next call waits: not at all (on the O_NONBLOCK descriptor), for
 * ever, or until a deadline.  Not waiting is --nowait, and a bounded wait's
 * first try, so a flowing stream never pays for arming the timer.  (A
 * timed call with a time already past would not do: the kernel then sleeps
 * until the timer interrupt even to say ETIMEDOUT.) */
enum call_wait { CALL_NOWAIT, CALL_FOREVER, CALL_UNTIL };

static enum call_wait call_wait(const struct wait *w, bool armed)
{
	if (w->nowait || (w->bounded && !armed))
		return CALL_NOWAIT;
	return w->bounded ? CALL_UNTIL : CALL_FOREVER;
}

/* mq_timedsend and mq_timedreceive take an absolute CLOCK_REALTIME time,
 * while our deadline is on CLOCK_MONOTONIC.  Convert what is left of it
 * afresh before every call, so a clock change costs at most one call's
 * worth; the armed wait.h timer interrupts the call at the monotonic
 * deadline whatever the realtime clock does. */
static const struct timespec *realtime_deadline(const struct wait *w, struct timespec *abs)
{
	static const long NSEC = 1000000000L;
	struct timespec mono = monotonic_now();
	clock_gettime(CLOCK_REALTIME, abs);
	long long left = (long long)(w->deadline.tv_sec - mono.tv_sec) * NSEC +
			 (w->deadline.tv_nsec - mono.tv_nsec);
	if (left < 0)
		left = 0;
	abs->tv_sec += (time_t)(left / NSEC);
	abs->tv_nsec += (long)(left % NSEC);
	if (abs->tv_nsec >= NSEC) {
		abs->tv_sec++;
		abs->tv_nsec -= NSEC;
	}
	return abs;
}

/* After a failed call: QUEUE_OK to try again, or the result. */
static enum queue_result wait_result(struct wait *w, bool *armed)
{
	if (errno == EINTR) {
		if (termination_pending())
			return QUEUE_INTERRUPTED;
		return wait_expired(w) ? QUEUE_NOTHING : QUEUE_OK;
	}
	if (errno == ETIMEDOUT || errno == EAGAIN) {
		if (w->nowait || !w->bounded || wait_expired(w))
			return QUEUE_NOTHING;
		/* The first try, or the realtime clock jumped ahead: wait for
		 * the monotonic time still left. */
		if (!*armed) {
			if (wait_arm(w) != 0)
				return QUEUE_ERROR;
			*armed = true;
		}
		return QUEUE_OK;
	}
	if (errno == EMSGSIZE)
		return QUEUE_TOO_BIG;
	return QUEUE_ERROR;
}

static enum queue_result posix_send(struct queue *q, const struct queue_record *rec, struct wait *w)
{
	bool armed = false;
	struct timespec abs;

	if (q->access == O_RDONLY) {
		errno = EACCES;
		return QUEUE_ERROR;
	}
	for (;;) {
		/* --timeout bounds only the wait for room (as sysv_send): the
		 * first try never waits, whatever the clock says. */
		if (termination_pending())
			return QUEUE_INTERRUPTED;
		unsigned priority = (unsigned)rec->tag;
		int rc;
		switch (call_wait(w, armed)) {
		case CALL_NOWAIT:
			rc = mq_send(q->mqd_nowait, rec->data, rec->size, priority);
			break;
		case CALL_FOREVER:
			rc = mq_send(q->mqd, rec->data, rec->size, priority);
			break;
		default:
			rc = mq_timedsend(q->mqd, rec->data, rec->size, priority, realtime_deadline(w, &abs));
			break;
		}
		if (rc == 0)
			return QUEUE_OK;
		enum queue_result r = wait_result(w, &armed);
		if (r == QUEUE_TOO_BIG)
			return QUEUE_ERROR;   /* errno EMSGSIZE: the caller checks sizes first */
		if (r != QUEUE_OK)
			return r;
	}
}

static enum queue_result posix_receive(struct queue *q, const struct queue_selector *sel,
				       struct queue_record *rec, size_t room, struct wait *w)
{
	bool armed = false;
	struct timespec abs;
	unsigned priority;

	(void)sel;   /* a POSIX queue has no selection: highest priority first */
	if (q->access == O_WRONLY) {
		errno = EACCES;
		return QUEUE_ERROR;
	}
	/* mq_receive refuses (EMSGSIZE) any buffer smaller than mq_msgsize,
	 * whatever the size of the message waiting. */
	if (room < q->max_message)
		return QUEUE_TOO_BIG;
	for (;;) {
		if (w->bounded && !w->nowait && wait_expired(w))
			return QUEUE_NOTHING;
		if (termination_pending())
			return QUEUE_INTERRUPTED;
		ssize_t n;
		switch (call_wait(w, armed)) {
		case CALL_NOWAIT:
			n = mq_receive(q->mqd_nowait, rec->data, room, &priority);
			break;
		case CALL_FOREVER:
			n = mq_receive(q->mqd, rec->data, room, &priority);
			break;
		default:
			n = mq_timedreceive(q->mqd, rec->data, room, &priority, realtime_deadline(w, &abs));
			break;
		}
		if (n >= 0) {
			rec->size = (size_t)n;
			rec->tag = (long)priority;
			return QUEUE_OK;
		}
		enum queue_result r = wait_result(w, &armed);
		if (r != QUEUE_OK)
			return r;
	}
}

/* The kernel cannot put a message at the head: it goes to the back of
 * its priority class, ahead of every lower priority. */
static int posix_put_back(struct queue *q, const struct queue_record *rec)
{
	int rc;

	if (q->access == O_RDONLY) {
		errno = EACCES;
		return -1;
	}
	while ((rc = mq_send(q->mqd_nowait, rec->data, rec->size, (unsigned)rec->tag)) != 0 &&
	       errno == EINTR)
		;
	return rc;
}

/* On Linux a queue descriptor is a file descriptor: poll sees it
 * readable when a message is there. */
static int posix_poll_fd(const struct queue *q)
{
	return (int)q->mqd;
}

static int posix_report(const struct queue *q, const char *action)
{
	switch (errno) {
	case EOPNOTSUPP:
		return fail("cannot %s %s: not supported by the kernel (a POSIX message queue "
			    "cannot be read without taking the message)", action, queue_name(q));
	case EACCES:
		return fail("cannot %s %s: %s (no %s permission)", action, queue_name(q), strerror(EACCES),
			    q->access == O_RDONLY ? "write" : "read");
	default:
		return fail_errno("cannot %s %s", action, queue_name(q));
	}
}

/* mq_receive cannot peek; a queue descriptor is open and pollable. */
const struct queue_ops queue_posix_ops = QUEUE_OPS(posix, NULL, posix_poll_fd, posix_close);
