/* The one place that picks a queue's flavour: a /name is a POSIX queue,
 * every other TARGET a System V one.  Everything else goes through the
 * flavour's table of operations. */
#include "queue.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

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

int queue_open(struct queue *q, struct target *t)
{
	memset(q, 0, sizeof(*q));
	q->target = *t;
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

int queue_put_back(struct queue *q, const struct queue_record *rec)
{
	return q->ops->put_back(q, rec);
}

int queue_poll_fd(const struct queue *q)
{
	return q->ops->poll_fd ? q->ops->poll_fd(q) : -1;
}

int queue_report(const struct queue *q, const char *action)
{
	return q->ops->report(q, action);
}
