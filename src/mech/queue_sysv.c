/* System V message queues: msgget, msgsnd, msgrcv, msgctl. */
#include "mech/queue.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "lib/error.h"

/* msgmax: the kernel's limit on one message.  IPC_INFO fills a struct
 * msginfo through the msqid_ds pointer, as msgctl(2) documents. */
static size_t kernel_msgmax(void)
{
	struct msginfo info;

	if (msgctl(0, IPC_INFO, (struct msqid_ds *)(void *)&info) >= 0 && info.msgmax > 0)
		return (size_t)info.msgmax;
	FILE *f = fopen("/proc/sys/kernel/msgmax", "r");
	unsigned long v = 8192;
	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 8192;
		fclose(f);
	}
	return v;
}

/* A write-only user may not IPC_STAT the queue, yet must know msg_qbytes:
 * a message larger than that would wait for room forever.  MSG_STAT_ANY
 * (Linux 4.17) reads the same data with no permission check, but takes
 * the kernel's slot index, the id's low bits (IPCMNI 32768, or 2^24 with
 * ipcmni_extend); the call returns the full id so a wrong slot is seen. */
static bool stat_any(int id, struct msqid_ds *ds)
{
	static const int masks[] = { 0x7fff, 0xffffff };

	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++)
		if (msgctl(id & masks[i], MSG_STAT_ANY, ds) == id)
			return true;
	return false;
}

static int sysv_open(struct queue *q)
{
	struct target *t = &q->target;
	struct msqid_ds ds;
	int rc;

	if ((rc = target_sysv_id(t, IPC_KIND_QUEUE, &q->id)))
		return rc;
	q->tag_name = "type";
	q->max_message = kernel_msgmax();
	q->limit_name = "msgmax";
	if (msgctl(q->id, IPC_STAT, &ds) == 0) {
		if (ds.msg_qbytes < q->max_message) {
			q->max_message = ds.msg_qbytes;
			q->limit_name = "msg_qbytes";
		}
	} else if (errno == EINVAL || errno == EIDRM) {
		return target_missing(t, IPC_KIND_QUEUE);
	} else if (errno != EACCES) {
		return fail_errno("cannot inspect %s", queue_name(q));
	} else if (stat_any(q->id, &ds) && ds.msg_qbytes < q->max_message) {
		q->max_message = ds.msg_qbytes;
		q->limit_name = "msg_qbytes";
	}
	return 0;
}

static int set_max_bytes(int id, unsigned long max_bytes)
{
	struct msqid_ds ds;

	if (msgctl(id, IPC_STAT, &ds) != 0)
		return -1;
	ds.msg_qbytes = max_bytes;
	return msgctl(id, IPC_SET, &ds);
}

static int max_bytes_failed(unsigned long max_bytes)
{
	if (errno == EPERM) {
		unsigned long msgmnb = 0;
		FILE *f = fopen("/proc/sys/kernel/msgmnb", "r");
		if (f) {
			if (fscanf(f, "%lu", &msgmnb) != 1)
				msgmnb = 0;
			fclose(f);
		}
		return fail("cannot set --max-bytes %lu: above msgmnb (%lu) it needs CAP_SYS_RESOURCE; "
			    "the queue was not created", max_bytes, msgmnb);
	}
	return fail_errno("cannot set --max-bytes %lu; the queue was not created", max_bytes);
}

static int create_failed(const struct target *t)
{
	if (errno == ENOSPC)
		return fail("cannot create message queue %s: the system limit on queues (msgmni) is reached",
			    target_describe(t));
	return fail_errno("cannot create message queue %s", target_describe(t));
}

static int sysv_create(struct target *t, const struct create_options *o,
		       const struct queue_limits *limits, int *id, bool *created)
{
	unsigned long max_bytes = limits->max_bytes;
	key_t key = IPC_PRIVATE;
	int rc;

	if (t->kind != TARGET_NONE && (rc = target_key(t, &key)))
		return rc;
	for (;;) {
		*id = msgget(key, IPC_CREAT | IPC_EXCL | (int)o->mode);
		if (*id >= 0)
			break;
		if (errno != EEXIST)
			return create_failed(t);
		if (o->exclusive)
			return fail("message queue %s already exists", target_describe(t));
		/* Idempotent: hand back the existing queue unchanged (ipctool(1)). */
		*id = msgget(key, 0);
		if (*id >= 0)
			return 0;
		if (errno != ENOENT)
			return fail_errno("cannot open message queue %s", target_describe(t));
		/* Removed between the two calls: try to create it again. */
	}
	if (max_bytes && set_max_bytes(*id, max_bytes) != 0) {
		int saved = errno;
		msgctl(*id, IPC_RMID, NULL);   /* all or nothing: no half-made queue */
		errno = saved;
		return max_bytes_failed(max_bytes);
	}
	*created = true;
	return 0;
}

/* One blocking System V call under a struct wait: returns 0 when done,
 * or a queue_result.  Bounded waits first try without blocking, so a
 * flowing stream never pays for arming the timer. */
static enum queue_result wait_result(struct wait *w, bool *armed)
{
	if (errno == EINTR) {
		if (termination_pending())
			return QUEUE_INTERRUPTED;
		return wait_expired(w) ? QUEUE_NOTHING : QUEUE_OK;   /* QUEUE_OK: try again */
	}
	if (errno == EAGAIN || errno == ENOMSG) {
		if (w->nowait || !w->bounded || *armed)
			return QUEUE_NOTHING;
		if (wait_expired(w))
			return QUEUE_NOTHING;
		if (wait_arm(w) != 0)
			return QUEUE_ERROR;
		*armed = true;
		return QUEUE_OK;
	}
	if (errno == E2BIG)
		return QUEUE_TOO_BIG;
	return QUEUE_ERROR;
}

static int wait_flags(const struct wait *w, bool armed)
{
	if (w->nowait || (w->bounded && !armed))
		return IPC_NOWAIT;
	return 0;
}

static enum queue_result sysv_send(struct queue *q, const struct queue_record *rec, struct wait *w)
{
	bool armed = false;

	for (;;) {
		/* --timeout bounds only the wait for room: a message the queue
		 * has room for is sent even past the deadline (its input may
		 * have come late), and the first try never waits, so only a
		 * full queue ends in QUEUE_NOTHING.  A termination that landed
		 * outside a blocking call must not be missed by the next one
		 * (see wait_result). */
		if (termination_pending())
			return QUEUE_INTERRUPTED;
		if (msgsnd(q->id, &rec->tag, rec->size, wait_flags(w, armed)) == 0)
			return QUEUE_OK;
		enum queue_result r = wait_result(w, &armed);
		if (r != QUEUE_OK)
			return r;
	}
}

static enum queue_result sysv_receive(struct queue *q, const struct queue_selector *sel,
					  struct queue_record *rec, size_t room, struct wait *w)
{
	bool armed = false;
	int sel_flags = sel->except ? MSG_EXCEPT : 0;

	for (;;) {
		/* --timeout bounds the whole call, even while messages flow. */
		if (w->bounded && !w->nowait && wait_expired(w))
			return QUEUE_NOTHING;
		if (termination_pending())
			return QUEUE_INTERRUPTED;
		ssize_t n = msgrcv(q->id, &rec->tag, room, sel->type, sel_flags | wait_flags(w, armed));
		if (n >= 0) {
			rec->size = (size_t)n;
			return QUEUE_OK;
		}
		enum queue_result r = wait_result(w, &armed);
		if (r != QUEUE_OK)
			return r;
	}
}

static enum queue_result sysv_copy(struct queue *q, size_t index, struct queue_record *rec,
				   size_t room)
{
	if (index > (size_t)LONG_MAX) {
		errno = ENOMSG;
		return QUEUE_NOTHING;
	}
	/* MSG_COPY takes the message's position in msgtyp and needs IPC_NOWAIT. */
	ssize_t n = msgrcv(q->id, &rec->tag, room, (long)index, MSG_COPY | IPC_NOWAIT);
	if (n >= 0) {
		rec->size = (size_t)n;
		return QUEUE_OK;
	}
	if (errno == ENOMSG)
		return QUEUE_NOTHING;
	if (errno == E2BIG)
		return QUEUE_TOO_BIG;
	return QUEUE_ERROR;
}

static int sysv_put_back(struct queue *q, const struct queue_record *rec)
{
	int rc;

	while ((rc = msgsnd(q->id, &rec->tag, rec->size, IPC_NOWAIT)) != 0 && errno == EINTR)
		;
	return rc;
}

/* After EINVAL: is the queue really gone, or was the call refused? */
static bool queue_gone(const struct queue *q)
{
	struct msqid_ds ds;

	return msgctl(q->id, IPC_STAT, &ds) != 0 && (errno == EINVAL || errno == EIDRM);
}

static int sysv_report(const struct queue *q, const char *action)
{
	switch (errno) {
	case EINVAL:
		if (!queue_gone(q))
			/* MSG_COPY refuses a message larger than the current
			 * msgmax (lowered since it was sent). */
			return fail("cannot %s %s: %s%s", action, queue_name(q), strerror(EINVAL),
				    strcmp(action, "peek at") == 0
				    ? " (a message larger than msgmax cannot be copied)" : "");
		return fail("cannot %s %s: it was removed", action, queue_name(q));
	case EIDRM:
		return fail("cannot %s %s: it was removed", action, queue_name(q));
	case ENOSYS:
		return fail("cannot %s %s: this kernel has no MSG_COPY (it needs CONFIG_CHECKPOINT_RESTORE)",
			    action, queue_name(q));
	default:
		return fail_errno("cannot %s %s", action, queue_name(q));
	}
}

/* msgrcv can copy a message without taking it (MSG_COPY); an id holds
 * nothing open and no descriptor to poll. */
const struct queue_ops queue_sysv_ops = QUEUE_OPS(sysv, sysv_copy, NULL, NULL);
