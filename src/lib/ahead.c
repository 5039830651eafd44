/* Working ahead in a second thread (see ahead.h). */
#include "lib/ahead.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/error.h"

/* Four batches: one filling, one being used, two ready to even out the
 * two sides' speeds. */
enum { AHEAD_DEPTH = 4 };

struct ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t room;              /* a batch was given back, or stop */
	struct ahead_batch batches[AHEAD_DEPTH];
	unsigned long long passed;        /* batches the producer handed on */
	unsigned long long taken;         /* batches the consumer took */
	bool holding;                     /* the consumer still uses batch taken - 1 */
	bool ended, stopping;
	int status;                       /* the producer's, once ended */
	int ready_fd;                     /* eventfd: a batch passed, or the end */
	int stop_fd;                      /* eventfd: the consumer stopped */
	ahead_producer produce;
	void *ctx;
};

static void wake(int fd)
{
	uint64_t one = 1;
	/* An eventfd's counter cannot overflow here (one per batch), and a
	 * failed wake-up could only come from a closed descriptor. */
	ssize_t done = write(fd, &one, sizeof(one));
	(void)done;
}

/* The batches the consumer has not given back yet. */
static unsigned long long in_use(const struct ahead *a)
{
	return a->passed - (a->taken - a->holding);
}

struct ahead_batch *ahead_batch(struct ahead *a)
{
	return &a->batches[a->passed % AHEAD_DEPTH];
}

struct ahead_batch *ahead_pass(struct ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->passed++;
	pthread_mutex_unlock(&a->lock);
	wake(a->ready_fd);
	pthread_mutex_lock(&a->lock);
	while (!a->stopping && in_use(a) >= AHEAD_DEPTH)
		pthread_cond_wait(&a->room, &a->lock);
	bool stopped = a->stopping;
	pthread_mutex_unlock(&a->lock);
	if (stopped)
		return NULL;
	struct ahead_batch *b = ahead_batch(a);
	b->used = 0;
	return b;
}

/* Nothing to read yet: FDS[0] is not ready this instant. */
static bool input_idle(struct pollfd fds[2])
{
	return poll(fds, 2, 0) == 0;
}

ssize_t ahead_read(struct ahead *a, int fd, void *buf, size_t n)
{
	struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = a->stop_fd, .events = POLLIN } };

	/* Before waiting for a slow input, what was made of the input so far
	 * goes on: a line typed or piped now is sent now, not when a batch
	 * fills. */
	if (ahead_batch(a)->used > 0 && input_idle(fds) && !ahead_pass(a)) {
		errno = ECANCELED;
		return -1;
	}
	/* Signals are blocked in this thread: poll is never interrupted. */
	if (poll(fds, 2, -1) < 0)
		return -1;
	if (fds[1].revents) {
		errno = ECANCELED;
		return -1;
	}
	return read(fd, buf, n);
}

static void *producer_main(void *arg)
{
	struct ahead *a = arg;
	int status = a->produce(a, a->ctx);

	pthread_mutex_lock(&a->lock);
	if (!a->stopping && ahead_batch(a)->used > 0)
		a->passed++;
	a->ended = true;
	a->status = status;
	pthread_mutex_unlock(&a->lock);
	wake(a->ready_fd);
	return NULL;
}

int ahead_next(struct ahead *a, struct ahead_batch **b)
{
	for (;;) {
		pthread_mutex_lock(&a->lock);
		if (a->holding) {
			a->holding = false;
			pthread_cond_signal(&a->room);
		}
		if (a->taken < a->passed) {
			*b = &a->batches[a->taken++ % AHEAD_DEPTH];
			a->holding = true;
			pthread_mutex_unlock(&a->lock);
			return 1;
		}
		bool ended = a->ended;
		pthread_mutex_unlock(&a->lock);
		if (ended)
			return 0;
		/* The producer wakes this after every pass and at its end, after
		 * its change is made: a wake-up is never missed. */
		uint64_t count;
		if (read(a->ready_fd, &count, sizeof(count)) < 0 && errno == EINTR)
			return -1;
	}
}

static void free_ahead(struct ahead *a)
{
	for (int i = 0; i < AHEAD_DEPTH; i++)
		free(a->batches[i].data);
	if (a->ready_fd >= 0)
		close(a->ready_fd);
	if (a->stop_fd >= 0)
		close(a->stop_fd);
	pthread_cond_destroy(&a->room);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

int ahead_finish(struct ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->stopping = true;
	pthread_cond_signal(&a->room);
	pthread_mutex_unlock(&a->lock);
	wake(a->stop_fd);
	pthread_join(a->thread, NULL);
	int status = a->status;
	free_ahead(a);
	return status;
}

static bool allocate(struct ahead *a, size_t cap)
{
	for (int i = 0; i < AHEAD_DEPTH; i++) {
		if (!(a->batches[i].data = malloc(cap)))
			return false;
		a->batches[i].cap = cap;
	}
	return true;
}

/* The thread starts with every signal blocked (it inherits this thread's
 * mask, which is put back at once). */
static int start_thread(struct ahead *a)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&a->thread, NULL, producer_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

struct ahead *ahead_start(size_t cap, ahead_producer produce, void *ctx)
{
	struct ahead *a = calloc(1, sizeof(*a));
	int err;

	if (!a) {
		fail("out of memory");
		return NULL;
	}
	a->ready_fd = a->stop_fd = -1;
	a->produce = produce;
	a->ctx = ctx;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->room, NULL);
	if (!allocate(a, cap)) {
		fail("out of memory for %d batches of %zu bytes", AHEAD_DEPTH, cap);
		free_ahead(a);
		return NULL;
	}
	if ((a->ready_fd = eventfd(0, EFD_CLOEXEC)) < 0 || (a->stop_fd = eventfd(0, EFD_CLOEXEC)) < 0) {
		fail_errno("cannot make an eventfd");
		free_ahead(a);
		return NULL;
	}
	if ((err = start_thread(a)) != 0) {
		errno = err;
		fail_errno("cannot start a thread");
		free_ahead(a);
		return NULL;
	}
	return a;
}
