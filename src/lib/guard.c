#include "lib/guard.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

static sigjmp_buf on_sigbus;

static void leave_copy(int sig)
{
	(void)sig;
	siglongjmp(on_sigbus, 1);
}

/* The copies, each with the guard's own view of the arguments. */
struct guarded_op {
	void *dst;
	const void *src;
	size_t n;
	int c;
	const void *found;
};

static void do_copy(struct guarded_op *op)
{
	memcpy(op->dst, op->src, op->n);
}

static void do_find(struct guarded_op *op)
{
	op->found = memchr(op->src, op->c, op->n);
}

/* Run FN(OP) with SIGBUS leading back here; the old action is restored
 * either way, and the signal mask with it (sigsetjmp saves it). */
static int guarded(void (*fn)(struct guarded_op *), struct guarded_op *op)
{
	struct sigaction sa, old;
	volatile int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = leave_copy;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old) != 0)
		return -1;
	if (sigsetjmp(on_sigbus, 1) == 0)
		fn(op);
	else
		rc = -1;
	sigaction(SIGBUS, &old, NULL);
	return rc;
}

int guarded_copy(void *dst, const void *src, size_t n)
{
	struct guarded_op op = { .dst = dst, .src = src, .n = n };

	return n ? guarded(do_copy, &op) : 0;
}

int guarded_find(const void *p, int c, size_t n, const void **found)
{
	struct guarded_op op = { .src = p, .n = n, .c = c };
	int rc = guarded(do_find, &op);

	*found = op.found;
	return rc;
}
