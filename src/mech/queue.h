/* Message queues behind one small interface, so send/recv/mkq do not care
 * which flavour they talk to: System V (queue_sysv.c) or POSIX
 * (queue_posix.c).  queue.c picks the flavour from the TARGET (a /name is
 * POSIX) and dispatches through its table of operations.
 *
 * A message in memory is a queue_record: its size, its tag (the System V
 * type or the POSIX priority), then its bytes.  The tag and bytes sit
 * exactly as msgsnd/msgrcv want them, so nothing is copied on the way in or
 * out; mq_send/mq_receive take the bytes and the tag apart. */
#ifndef IPCTOOL_QUEUE_H
#define IPCTOOL_QUEUE_H

#include <mqueue.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/options.h"
#include "lib/target.h"
#include "lib/wait.h"

struct queue_record {
	size_t size;
	long tag;
	char data[];
};

/* Bytes a record of SIZE data bytes takes in an arena, padded so the next
 * record is aligned. */
size_t queue_record_span(size_t size);

struct queue_ops;

struct queue {
	struct target target;
	const struct queue_ops *ops;
	int id;                  /* System V msqid */
	mqd_t mqd;               /* POSIX descriptor, blocking */
	mqd_t mqd_nowait;        /* the same queue with O_NONBLOCK */
	int access;              /* POSIX: O_RDWR, O_WRONLY or O_RDONLY, as permission allowed */
	size_t max_message;      /* the largest message the queue can ever take */
	const char *limit_name;  /* which limit set max_message: msgmax, msg_qbytes, mq_msgsize */
	const char *tag_name;    /* what the tag is called: "type" or "priority" */
};

struct queue_selector {
	long type;               /* msgrcv(2) msgtyp: 0 any, >0 that type, <0 lowest <= |type| */
	bool except;             /* with type > 0: the first message not of that type */
};

/* mkq's sizes; 0 leaves the kernel's default.  max_bytes is System V
 * (msg_qbytes), the others POSIX (mq_maxmsg, mq_msgsize). */
struct queue_limits {
	unsigned long max_bytes;
	long max_messages;
	long message_size;
};

enum queue_result {
	QUEUE_OK,
	QUEUE_NOTHING,       /* empty (receive), full (send), or the wait ran out */
	QUEUE_INTERRUPTED,   /* a termination signal came */
	QUEUE_TOO_BIG,       /* the message is larger than the room given; it stays queued */
	QUEUE_ERROR,         /* errno says why; queue_report() words it */
};

/* Find an existing queue; reports and returns a status when there is none. */
int queue_open(struct queue *q, struct target *t);
/* Give back what queue_open took (the POSIX descriptor). */
void queue_close(struct queue *q);
/* Create per mkq (ipctool-mkq(1)); prints nothing, reports errors, stores the
 * System V id (POSIX queues are known by their name) and whether this call
 * made the queue (false: it existed). */
int queue_create(struct target *t, const struct create_options *o,
		 const struct queue_limits *limits, int *id, bool *created);
/* "message queue key 0x000004d2", "message queue /name" for messages. */
const char *queue_name(const struct queue *q);

enum queue_result queue_send(struct queue *q, const struct queue_record *rec, struct wait *w);
enum queue_result queue_receive(struct queue *q, const struct queue_selector *sel,
				struct queue_record *rec, size_t room, struct wait *w);
/* Copy the message at INDEX (0 = head) without removing it (MSG_COPY).
 * POSIX queues cannot: QUEUE_ERROR with errno EOPNOTSUPP. */
enum queue_result queue_copy(struct queue *q, size_t index, struct queue_record *rec, size_t room);
/* Send a taken message back with its tag, waiting for room as long as it
 * takes, unless a termination signal came (wait.h): then it is tried for
 * a short grace (QUEUE_PUT_BACK_GRACE_MS, once for the whole process, so
 * a batch of messages does not multiply it) and given up.  Returns 0, or
 * -1 with errno: EAGAIN when the queue still had no room after the
 * signal, another errno when the queue is gone or refused it. */
int queue_put_back(struct queue *q, const struct queue_record *rec);
enum { QUEUE_PUT_BACK_GRACE_MS = 500 };
/* After queue_put_back failed (errno as it left it): say on stderr which
 * message is lost, WHICH ("message 7") with its type or priority, size and
 * first bytes, and why, so that a user can send it again by hand. */
void queue_tell_lost(const struct queue *q, const struct queue_record *rec, const char *which);
/* A descriptor poll(2) sees readable when a message arrives (POSIX), or
 * -1 when the kernel offers none (System V): the caller polls for time. */
int queue_poll_fd(const struct queue *q);
/* Report the errno of a failed operation ACTION ("send to", "receive from"),
 * naming the queue.  Returns EXIT_FAIL. */
int queue_report(const struct queue *q, const char *action);

/* What each flavour implements; queue.c is the only caller. */
struct queue_ops {
	int (*open)(struct queue *q);
	void (*close)(struct queue *q);
	int (*create)(struct target *t, const struct create_options *o,
		      const struct queue_limits *limits, int *id, bool *created);
	enum queue_result (*send)(struct queue *q, const struct queue_record *rec, struct wait *w);
	enum queue_result (*receive)(struct queue *q, const struct queue_selector *sel,
				     struct queue_record *rec, size_t room, struct wait *w);
	enum queue_result (*copy)(struct queue *q, size_t index, struct queue_record *rec,
				  size_t room);   /* NULL: the kernel cannot peek */
	/* One try without waiting: 0, or -1 with errno (EAGAIN: full). */
	int (*put_back)(struct queue *q, const struct queue_record *rec);
	int (*poll_fd)(const struct queue *q);   /* NULL: none */
	int (*report)(const struct queue *q, const char *action);
};

/* The table of an implementation that names its functions PREFIX_open,
 * PREFIX_create, ... as queue_sysv.c and queue_posix.c do; the members
 * one of them has not are given (or NULL). */
#define QUEUE_OPS(prefix, copy_fn, poll_fd_fn, close_fn)                           \
	{ .open = prefix##_open, .create = prefix##_create, .send = prefix##_send,  \
	  .receive = prefix##_receive, .put_back = prefix##_put_back,               \
	  .report = prefix##_report, .copy = (copy_fn), .poll_fd = (poll_fd_fn),     \
	  .close = (close_fn) }

extern const struct queue_ops queue_sysv_ops;
extern const struct queue_ops queue_posix_ops;

#endif
