/* System V semaphore sets behind the semaphore interface (sem.h):
 * semget/semctl to find and create a set, semop/semtimedop to change it. */
#include "mech/sem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "lib/error.h"

/* glibc leaves the semctl(2) argument type to the caller. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int stat_set(int id, struct semid_ds *ds)
{
	union semun arg = { .buf = ds };

	return semctl(id, 0, IPC_STAT, arg);
}

/* ipctool(1): a set that exists but was never operated on is being set up by
 * its creator: wait up to 1 s for it to be marked ready, then take it as it
 * is.  mksem, sem-p, sem-v and --lock all wait, so none of them changes a
 * set before its values are in place (ipctool-mkq(1)). */
static void wait_until_ready(int id)
{
	struct timespec second = { 1, 0 }, pause = { 0, 10000000L };
	struct semid_ds ds;
	struct wait w;

	wait_init(&w, false, &second);
	while (stat_set(id, &ds) == 0 && ds.sem_otime == 0 && !wait_expired(&w))
		nanosleep(&pause, NULL);
}

static int sysv_open(struct semaphore *s)
{
	struct semid_ds ds;
	struct target *t = &s->target;
	int rc;

	if ((rc = target_sysv_id(t, IPC_KIND_SEM, &s->id)))
		return rc;
	if (stat_set(s->id, &ds) == 0) {
		s->nsems = ds.sem_nsems;
		if (ds.sem_otime == 0)
			wait_until_ready(s->id);
	} else if (errno == EINVAL || errno == EIDRM) {
		return target_missing(t, IPC_KIND_SEM);
	} else if (errno != EACCES) {
		return fail_errno("cannot inspect %s", semaphore_name(s));
	}
	/* EACCES: no read permission to see the size; changing a semaphore
	 * needs only alter permission, and semop checks the number itself. */
	return 0;
}

static enum sem_result sysv_change(struct semaphore *s, unsigned num, int delta, bool undo,
				   struct wait *w)
{
	struct sembuf op = { .sem_num = (unsigned short)num, .sem_op = (short)delta,
			     .sem_flg = (short)(undo ? SEM_UNDO : 0) };

	if (w->nowait)
		op.sem_flg |= IPC_NOWAIT;
	for (;;) {
		struct timespec left, *timeout = NULL;
		if (w->bounded && !w->nowait) {
			int ms = wait_remaining_ms(w);
			if (ms == 0)
				return SEM_NOTHING;
			left.tv_sec = ms / 1000;
			left.tv_nsec = (long)(ms % 1000) * 1000000L;
			timeout = &left;
		}
		if (semtimedop(s->id, &op, 1, timeout) == 0)
			return SEM_DONE;
		/* semop is never restarted, not even after SIGSTOP/SIGCONT:
		 * an EINTR means wait again for what is left. */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return SEM_NOTHING;
		return SEM_ERROR;
	}
}

static int sysv_value(const struct semaphore *s, unsigned num, int *value)
{
	union semun unused = { .val = 0 };
	int v = semctl(s->id, (int)num, GETVAL, unused);

	if (v < 0)
		return -1;
	*value = v;
	return 0;
}

static int sysv_report(const struct semaphore *s, unsigned num, int delta, const char *action)
{
	const char *set = semaphore_name(s);

	switch (errno) {
	case EIDRM:
	case EINVAL:
		return fail("cannot %s semaphore %u of %s: it was removed", action, num, set);
	case EFBIG:
		return fail("cannot %s semaphore %u of %s: the set has no semaphore %u", action, num, set, num);
	case ERANGE:
		if (delta > 0)
			return fail("cannot %s semaphore %u of %s: its value would pass %d (SEMVMX)", action,
				    num, set, SEM_VALUE_MAX_SYSV);
		return fail("cannot %s semaphore %u of %s: the undo record would pass its limit (semaem)",
			    action, num, set);
	case ENOSPC:
		return fail("cannot %s semaphore %u of %s: too many undo records (semmnu)", action, num, set);
	default:
		return fail_errno("cannot %s semaphore %u of %s", action, num, set);
	}
}

/* ---- creating (mksem) ---------------------------------------------------- */

static unsigned long read_sem_limit(int field)
{
	unsigned long v[4] = { 0, 0, 0, 0 };
	FILE *f = fopen("/proc/sys/kernel/sem", "r");

	if (f) {
		if (fscanf(f, "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4)
			v[field] = 0;
		fclose(f);
	}
	return v[field];
}

static int create_failed(const struct target *t, unsigned long nsems)
{
	if (errno == EINVAL)
		return fail("cannot create semaphore set %s: --nsems %lu is more than semmsl (%lu)",
			    target_describe(t), nsems, read_sem_limit(0));
	if (errno == ENOSPC)
		return fail("cannot create semaphore set %s: the system limit on sets (semmni %lu) "
			    "or semaphores (semmns %lu) is reached", target_describe(t),
			    read_sem_limit(3), read_sem_limit(1));
	return fail_errno("cannot create semaphore set %s", target_describe(t));
}

/* Give a new set its values and mark it ready in one step: sem_otime
 * stays 0 until the first semop, and sem-p, sem-v and --lock wait for it
 * (wait_until_ready), so they only ever see the set initialised.  Adding V
 * to every semaphore in one semop (rather than SETALL, which leaves
 * sem_otime 0) also keeps an operation that got in first, from a program
 * that does not wait: it adds to V instead of being overwritten. */
static int add_to_every(int id, unsigned long nsems, unsigned short value)
{
	struct sembuf *ops = calloc(nsems, sizeof(*ops));

	if (!ops)
		return -1;
	for (unsigned long i = 0; i < nsems; i++) {
		ops[i].sem_num = (unsigned short)i;
		ops[i].sem_op = (short)value;
		ops[i].sem_flg = IPC_NOWAIT;
	}
	int rc = semop(id, ops, nsems);
	free(ops);
	return rc;
}

/* A set larger than semopm (sembufs per semop) cannot be given its values
 * in one semop, and in several it would be marked ready by the first.
 * SETALL sets them all at once without marking it; then one semop that
 * takes and gives back a unit of semaphore 0 marks it and leaves the
 * values as set.  sem-p, sem-v and --lock, which wait for the mark, are
 * still never overwritten; a program that does not wait may be (the man
 * page says so). */
static int set_all_then_mark(int id, unsigned long nsems, unsigned short value)
{
	struct sembuf take_give[2] = { { 0, -1, IPC_NOWAIT }, { 0, 1, IPC_NOWAIT } };
	unsigned short *values = malloc(nsems * sizeof(*values));

	if (!values)
		return -1;
	for (unsigned long i = 0; i < nsems; i++)
		values[i] = value;
	union semun arg = { .array = values };
	int rc = semctl(id, 0, SETALL, arg);
	free(values);
	if (rc != 0)
		return -1;
	return semop(id, take_give, 2);
}

static int initialise_set(int id, unsigned long nsems, bool value_given, unsigned short value)
{
	struct sembuf zero = { 0, 0, IPC_NOWAIT };

	if (!value_given || value == 0)
		return semop(id, &zero, 1);   /* the kernel made them 0: only mark it */
	if (nsems <= read_sem_limit(2))
		return add_to_every(id, nsems, value);
	return set_all_then_mark(id, nsems, value);
}

/* The set was created with the access its initialisation needs (read and
 * alter for its owner); now give it the mode asked for, as mkq and mkshm
 * do, however little it allows (ipctool(1)). */
static int set_mode(int id, mode_t mode)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };

	if (stat_set(id, &ds) != 0)
		return -1;
	ds.sem_perm.mode = (unsigned short)(mode & 0777);
	return semctl(id, 0, IPC_SET, arg);
}

static int join_existing(struct semaphore *s, unsigned long nsems, bool value_given, key_t key)
{
	struct semid_ds ds;

	s->id = semget(key, 0, 0);
	if (s->id < 0)
		return -1;
	if (stat_set(s->id, &ds) != 0) {
		if (errno != EACCES)
			return -1;
		/* Cannot see the size: let semget compare it. */
		if (semget(key, (int)nsems, 0) < 0 && errno == EINVAL)
			return fail("semaphore set %s has fewer semaphores than --nsems %lu",
				    target_describe(&s->target), nsems);
		return 0;
	}
	if (nsems > ds.sem_nsems)
		return fail("semaphore set %s has %lu semaphore%s, fewer than --nsems %lu",
			    target_describe(&s->target), (unsigned long)ds.sem_nsems,
			    ds.sem_nsems == 1 ? "" : "s", nsems);
	s->nsems = ds.sem_nsems;
	if (value_given && ds.sem_otime == 0)
		wait_until_ready(s->id);
	return 0;
}

static int sysv_create(struct semaphore *s, const struct create_options *o, unsigned long nsems,
		       bool value_given, unsigned value)
{
	key_t key = IPC_PRIVATE;
	int rc;

	if (s->target.kind != TARGET_NONE && (rc = target_key(&s->target, &key)))
		return rc;
	for (;;) {
		s->id = semget(key, (int)nsems, IPC_CREAT | IPC_EXCL | (int)(o->mode | 0600));
		if (s->id >= 0)
			break;
		if (errno != EEXIST)
			return create_failed(&s->target, nsems);
		if (o->exclusive)
			return fail("semaphore set %s already exists", target_describe(&s->target));
		/* Idempotent: the existing set, unchanged (ipctool(1)). */
		rc = join_existing(s, nsems, value_given, key);
		if (rc >= 0)
			return rc;
		if (errno != ENOENT && errno != EINVAL && errno != EIDRM)
			return fail_errno("cannot open semaphore set %s", target_describe(&s->target));
		/* Removed between the calls: try to create it again. */
	}
	s->nsems = nsems;
	if (initialise_set(s->id, nsems, value_given, (unsigned short)value) != 0 ||
	    ((o->mode & 0600) != 0600 && set_mode(s->id, o->mode) != 0)) {
		int saved = errno;
		union semun unused = { .val = 0 };
		semctl(s->id, 0, IPC_RMID, unused);   /* no half-made set */
		errno = saved;
		return fail_errno("cannot initialise semaphore set %s; it was not created",
				  target_describe(&s->target));
	}
	s->created = true;
	return 0;
}

static void sysv_close(struct semaphore *s)
{
	(void)s;   /* a set id holds nothing open */
}

/* SEM_UNDO: the kernel gives back what a process took when it ends. */
const struct semaphore_ops sem_sysv_ops = SEMAPHORE_OPS(sysv, true, SEM_VALUE_MAX_SYSV);
