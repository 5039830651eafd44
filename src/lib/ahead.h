/* Working ahead in a second thread: a producer fills batches of bytes
 * while the calling thread (the consumer) uses the ones before, in order,
 * through a ring of a few batches, so a stream of any length uses constant
 * memory.  send --json parses lines this way while it sends the ones
 * before: jansson's parse and msgsnd then run on two CPUs.
 *
 * The producer thread blocks every signal, so termination signals and the
 * deadline timer (wait.h) reach the consumer exactly as they would without
 * it.  The producer reads its input through ahead_read, which gives up as
 * soon as the consumer stops, so ahead_finish never waits on an input. */
#ifndef IPCTOOL_AHEAD_H
#define IPCTOOL_AHEAD_H

#include <stddef.h>
#include <sys/types.h>

struct ahead;

struct ahead_batch {
	unsigned char *data;
	size_t used, cap;
};

/* The producer: fills batches (ahead_batch, ahead_pass) until its input
 * ends or it is stopped; its status is what ahead_finish returns. */
typedef int (*ahead_producer)(struct ahead *a, void *ctx);

/* Start PRODUCE(A, CTX) in a thread, with batches of CAP bytes each.
 * Returns NULL after reporting why (memory, threads). */
struct ahead *ahead_start(size_t cap, ahead_producer produce, void *ctx);

/* Producer: the batch being filled (ahead_pass and ahead_read change
 * which one it is: ask again after them). */
struct ahead_batch *ahead_batch(struct ahead *a);
/* Producer: hand the batch being filled on and wait for an empty one;
 * NULL once the consumer has stopped (give up then). */
struct ahead_batch *ahead_pass(struct ahead *a);
/* Producer: read(2) from FD; -1 with errno ECANCELED once the consumer
 * has stopped.  When FD has nothing to read yet, the batch being filled
 * is passed on first if it holds anything, so a slow input is not held
 * back until a batch fills. */
ssize_t ahead_read(struct ahead *a, int fd, void *buf, size_t n);

/* Consumer: the next batch in order (the one before is given back).
 * 1 with *B set, 0 when the producer has ended and every batch was taken,
 * -1 with errno EINTR when a signal came while waiting. */
int ahead_next(struct ahead *a, struct ahead_batch **b);
/* Consumer: stop the producer if it still runs, wait for its thread, free
 * everything; returns the producer's status. */
int ahead_finish(struct ahead *a);

#endif
