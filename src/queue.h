/* Message queues behind one small interface, so send/recv/mkq do not care
 * which flavour they talk to.  System V is implemented in queue_sysv.c.
 *
 * A message in memory is a queue_record: its size, its tag (the System V
 * type), then its bytes.  The tag and bytes sit exactly as msgsnd/msgrcv
 * want them, so nothing is copied on the way in or out. */
#ifndef IPCTOOL_QUEUE_H
#define IPCTOOL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "target.h"
#include "wait.h"

struct queue_record {
	size_t size;
	long tag;
	char data[];
};

/* Bytes a record of SIZE data bytes takes in an arena, padded so the next
 * record is aligned. */
size_t queue_record_span(size_t size);

struct queue {
	struct target target;
	int id;
	size_t max_message;      /* the largest message the queue can ever take */
	const char *limit_name;  /* which limit set max_message: msgmax, msg_qbytes */
};

struct queue_selector {
	long type;               /* msgrcv(2) msgtyp: 0 any, >0 that type, <0 lowest <= |type| */
	bool except;             /* with type > 0: the first message not of that type */
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
/* Create per mkq (SPEC §3); prints nothing, reports errors, stores the id. */
int queue_create(struct target *t, const struct create_options *o,
		 unsigned long max_bytes, int *id);
/* "message queue key 0x000004d2" for messages. */
const char *queue_name(const struct queue *q);

enum queue_result queue_send(struct queue *q, const struct queue_record *rec, struct wait *w);
enum queue_result queue_receive(struct queue *q, const struct queue_selector *sel,
				struct queue_record *rec, size_t room, struct wait *w);
/* Copy the message at INDEX (0 = head) without removing it (MSG_COPY). */
enum queue_result queue_copy(struct queue *q, size_t index, struct queue_record *rec, size_t room);
/* Send a taken message back, waiting as long as it takes; signals do not
 * stop it.  Returns 0, or -1 with errno if the queue is gone. */
int queue_put_back(struct queue *q, const struct queue_record *rec);
/* Report the errno of a failed operation ACTION ("send to", "receive from"),
 * naming the queue.  Returns EXIT_FAIL. */
int queue_report(const struct queue *q, const char *action);

#endif
