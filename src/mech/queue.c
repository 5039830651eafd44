/* The one place that picks a queue's flavour: a /name is a POSIX queue,
 * every other TARGET a System V one.  Everything else goes through the
 * flavour's table of operations. */
#include "mech/queue.h"

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/error.h"
#include "lib/signame.h"

static const struct queue_ops *flavour(const struct target *t)
{
	return t->kind == TARGET_POSIX ? &queue_posix_ops : &queue_sysv_ops;
}

size_t queue_record_span(size_t size)
{
	const size_t align = alignof(struct queue_record);
	size_t span = sizeof(struct queue_record) + size;

	return (span + align - 1) / align * align;
}

const char *queue_name(const struct queue *q)
{
	static char name[4300];

	snprintf(name, sizeof(name), "message queue %s", target_describe(&q->target));
	return name;
}

_Static_assert(offsetof(struct queue, target) == 0, "target_embed needs the target first");

int queue_open(struct queue *q, struct target *t)
{
	target_embed(q, sizeof(*q), t);
	q->ops = flavour(t);
	q->mqd = (mqd_t)-1;
	q->mqd_nowait = (mqd_t)-1;
	return q->ops->open(q);
}

void queue_close(struct queue *q)
{
	if (q->ops && q->ops->close)
		q->ops->close(q);
}

int queue_create(struct target *t, const struct create_options *o,
		 const struct queue_limits *limits, int *id, bool *created)
{
	*created = false;
	return flavour(t)->create(t, o, limits, id, created);
}

enum queue_result queue_send(struct queue *q, const struct queue_record *rec, struct wait *w)
{
	return q->ops->send(q, rec, w);
}

enum queue_result queue_receive(struct queue *q, const struct queue_selector *sel,
				struct queue_record *rec, size_t room, struct wait *w)
{
	return q->ops->receive(q, sel, rec, room, w);
}

enum queue_result queue_copy(struct queue *q, size_t index, struct queue_record *rec, size_t room)
{
	if (!q->ops->copy) {
		errno = EOPNOTSUPP;
		return QUEUE_ERROR;
	}
	return q->ops->copy(q, index, rec, room);
}

/* After a termination signal: try again now and then for what is left of
 * the grace, which starts with the first put-back that needs it. */
static int put_back_in_grace(struct queue *q, const struct queue_record *rec)
{
	static bool started;
	static struct timespec end;
	const struct timespec pause = { 0, 10 * 1000000L };

	if (!started) {
		struct timespec grace = { 0, QUEUE_PUT_BACK_GRACE_MS * 1000000L };
		end = timespec_add(monotonic_now(), grace);
		started = true;
	}
	for (;;) {
		if (q->ops->put_back(q, rec) == 0)
			return 0;
		if (errno != EAGAIN)
			return -1;
		if (timespec_cmp(monotonic_now(), end) >= 0) {
			errno = EAGAIN;
			return -1;
		}
		nanosleep(&pause, NULL);   /* EINTR (the timer of wait.h): look again */
	}
}

int queue_put_back(struct queue *q, const struct queue_record *rec)
{
	struct wait forever;

	if (!termination_pending()) {
		wait_init(&forever, false, NULL);
		switch (q->ops->send(q, rec, &forever)) {
		case QUEUE_OK:
			return 0;
		case QUEUE_INTERRUPTED:
			break;
		default:
			return -1;
		}
	}
	return put_back_in_grace(q, rec);
}

/* "type 3, 1001 bytes, beginning \"abc\"..." */
static const char *record_shown(const struct queue *q, const struct queue_record *rec)
{
	enum { FIRST = 40 };
	static char text[160];
	char first[FIRST + 1];
	size_t n = rec->size < FIRST ? rec->size : FIRST;

	/* Shown as text: error.c escapes what a terminal must not see.  A
	 * NUL ends what a C string can carry, so it is named instead. */
	memcpy(first, rec->data, n);
	first[n] = '\0';
	size_t shown = strlen(first);
	snprintf(text, sizeof(text), "%s %ld, %zu bytes, beginning \"%s\"%s", q->tag_name, rec->tag,
		 rec->size, first, shown < n ? " then a NUL" : shown < rec->size ? "..." : "");
	return text;
}

int queue_poll_fd(const struct queue *q)
{
	return q->ops->poll_fd ? q->ops->poll_fd(q) : -1;
}

int queue_report(const struct queue *q, const char *action)
{
	return q->ops->report(q, action);
}

void queue_tell_lost(const struct queue *q, const struct queue_record *rec, const char *which)
{
	char sig[SIGNAL_NAME_MAX];
	int err = errno;

	if (err == EAGAIN && termination_pending())
		warn("%s (%s) is lost: %s had no room for it within %d ms of %s", which, record_shown(q, rec),
		     queue_name(q), QUEUE_PUT_BACK_GRACE_MS, signal_name(termination_pending(), sig));
	else
		warn("%s (%s) could not go back on %s: %s; it is lost", which, record_shown(q, rec),
		     queue_name(q), err == EIDRM || err == EINVAL ? "it was removed" : strerror(err));
	errno = err;
}
