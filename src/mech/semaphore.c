/* The semaphore interface (sem.h): which implementation serves a TARGET,
 * System V or POSIX, what they share, and --lock. */
#include "mech/sem.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "lib/target.h"
#include "lib/wait.h"

static const struct semaphore_ops *ops_for(const struct target *t)
{
	return t->kind == TARGET_POSIX ? &sem_posix_ops : &sem_sysv_ops;
}

_Static_assert(offsetof(struct semaphore, target) == 0, "target_embed needs the target first");

static void semaphore_init(struct semaphore *s, const struct target *t)
{
	target_embed(s, sizeof(*s), t);
	s->ops = ops_for(t);
	s->handle = SEM_FAILED;
}

int semaphore_check_name(const struct target *t)
{
	size_t len = strlen(t->path);

	if (t->kind == TARGET_POSIX && len - 1 > SEM_NAME_MAX)
		return usage_error("invalid semaphore name '%s': longer than %d characters (it has %zu; "
				   "glibc keeps it as the file /dev/shm/sem.NAME)",
				   quote_input(t->path), SEM_NAME_MAX, len - 1);
	return 0;
}

int semaphore_open(struct semaphore *s, const struct target *t)
{
	semaphore_init(s, t);
	return s->ops->open(s);
}

int semaphore_create(struct semaphore *s, const struct target *t, const struct create_options *o,
		     unsigned long nsems, bool value_given, unsigned value)
{
	semaphore_init(s, t);
	return s->ops->create(s, o, nsems, value_given, value);
}

void semaphore_close(struct semaphore *s)
{
	if (s->ops)
		s->ops->close(s);
}

bool semaphore_is_posix(const struct semaphore *s)
{
	return s->ops == &sem_posix_ops;
}

const char *semaphore_name(const struct semaphore *s)
{
	static char name[4300];

	snprintf(name, sizeof(name), "%s %s", semaphore_is_posix(s) ? "semaphore" : "semaphore set",
		 target_describe(&s->target));
	return name;
}

const char *semaphore_which(const struct semaphore *s, unsigned num)
{
	static char which[4400];

	if (semaphore_is_posix(s))
		return semaphore_name(s);
	snprintf(which, sizeof(which), "semaphore %u of %s", num, semaphore_name(s));
	return which;
}

int semaphore_check_num(const struct semaphore *s, unsigned num)
{
	if (s->nsems && num >= s->nsems)
		return fail("--num %u is out of range: %s has %lu semaphore%s (0 to %lu)", num,
			    semaphore_name(s), s->nsems, s->nsems == 1 ? "" : "s", s->nsems - 1);
	return 0;
}

enum sem_result semaphore_change(struct semaphore *s, unsigned num, int delta, bool undo,
				 struct wait *w)
{
	return s->ops->change(s, num, delta, undo, w);
}

int semaphore_value(const struct semaphore *s, unsigned num, int *value)
{
	return s->ops->value(s, num, value);
}

int semaphore_report(const struct semaphore *s, unsigned num, int delta, const char *action)
{
	return s->ops->report(s, num, delta, action);
}

/* The signals that end a process politely; a lock without undo holds
 * them off while it is taken. */
static void termination_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
}

static sigset_t mask_before_lock;

int semaphore_lock(struct semaphore *s)
{
	struct wait forever;
	sigset_t set;

	wait_init(&forever, false, NULL);
	if (semaphore_change(s, 0, -1, true, &forever) != SEM_DONE)
		return semaphore_report(s, 0, -1, "take the --lock");
	if (!s->ops->has_undo) {
		termination_set(&set);
		sigprocmask(SIG_BLOCK, &set, &mask_before_lock);
	}
	return 0;
}

int semaphore_unlock(struct semaphore *s)
{
	struct wait forever;
	int rc = 0;

	wait_init(&forever, false, NULL);
	/* With undo too (System V), so the undo of the P is cancelled and the
	 * value ends where it was. */
	if (semaphore_change(s, 0, 1, true, &forever) != SEM_DONE)
		rc = semaphore_report(s, 0, 1, "release the --lock");
	if (!s->ops->has_undo)
		sigprocmask(SIG_SETMASK, &mask_before_lock, NULL);   /* a signal held off lands now */
	return rc;
}
