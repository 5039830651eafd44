/* POSIX named semaphores behind the semaphore interface (sem.h):
 * sem_open to find and create one, sem_wait/sem_trywait/sem_timedwait to
 * take it, sem_post to give it back.  A POSIX semaphore is one semaphore
 * (number 0) and has no undo. */
#include "mech/sem.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "inv/posixobj.h"

/* glibc's futex flag for a semaphore shared between processes, which its
 * sem_open writes into every semaphore it makes. */
#define GLIBC_SEM_SHARED 128

/* What glibc itself would make of these bytes (its layout on 64-bit
 * targets: a 64-bit word holding the value in its low half and the count
 * of waiters in its high half, then the futex flag): a value past
 * SEM_VALUE_MAX or a flag that is not one of the two glibc uses makes its
 * futex calls fail, and glibc aborts.  Elsewhere only the size is known. */
static bool plausible_sem(const unsigned char *bytes)
{
#if defined(__GLIBC__) && __SIZEOF_POINTER__ == 8
	uint64_t data;
	uint32_t flag;

	memcpy(&data, bytes, sizeof(data));
	memcpy(&flag, bytes + sizeof(data), sizeof(flag));
	return (data & 0xffffffffu) <= (uint64_t)SEM_VALUE_MAX && (flag == 0 || flag == GLIBC_SEM_SHARED);
#else
	(void)bytes;
	return true;
#endif
}

/* sem_open(3) maps the first sizeof(sem_t) bytes of /dev/shm/sem.NAME and
 * trusts them: a shorter file kills us with SIGBUS at the first use, a
 * FIFO blocks the open forever, garbage makes glibc abort.  So the file is
 * looked at first (without blocking) and anything else is status 1 naming
 * it.  Returns 0 too when it cannot be opened: sem_open then says why. */
static int check_sem_file(const struct semaphore *s)
{
	char file[POSIX_NAME_MAX + 8];
	unsigned char bytes[sizeof(sem_t)];
	struct stat st;
	mode_t type = 0;
	int rc = 0;

	snprintf(file, sizeof(file), "sem.%s", s->target.path + 1);
	int fd = posix_shm_file_open(file, O_RDONLY, 0, &type);
	if (fd == POSIX_NOT_REGULAR)
		return fail("%s in %s (%s) is %s, not a semaphore", s->target.path, POSIX_SHM_DIR, file,
			    file_kind(type));
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0)
		rc = fail_errno("cannot inspect semaphore %s", s->target.path);
	else if (st.st_size != (off_t)sizeof(sem_t))
		rc = fail("%s in %s (%s) is %lld bytes, not a semaphore (%zu bytes)", s->target.path,
			  POSIX_SHM_DIR, file, (long long)st.st_size, sizeof(sem_t));
	else if (pread(fd, bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		rc = fail_errno("cannot read semaphore %s", s->target.path);
	else if (!plausible_sem(bytes))
		rc = fail("%s in %s (%s) does not hold a semaphore: its value or flags are out of range",
			  s->target.path, POSIX_SHM_DIR, file);
	close(fd);
	return rc;
}

static int posix_open(struct semaphore *s)
{
	const char *name = s->target.path;

	int rc;

	s->nsems = 1;
	if ((rc = check_sem_file(s)))
		return rc;
	s->handle = sem_open(name, 0);
	if (s->handle != SEM_FAILED)
		return 0;
	if (errno == ENOENT)
		return fail("no semaphore %s%s", name, target_other_kind_hint(&s->target, IPC_KIND_SEM));
	return fail_errno("cannot open semaphore %s", name);
}

/* sem_open with O_EXCL builds the semaphore, value included, in a file of
 * its own and links it into place, so nobody can see it half made.  It has
 * no descriptor to fchmod afterwards, so the umask is cleared around it
 * instead: the mode is exact from the first moment (ipctool(1)). */
static int posix_create(struct semaphore *s, const struct create_options *o, unsigned long nsems,
			bool value_given, unsigned value)
{
	const char *name = s->target.path;

	(void)nsems;   /* always 1: the command refuses any other */
	s->nsems = 1;
	for (;;) {
		mode_t old = umask(0);
		s->handle = sem_open(name, O_CREAT | O_EXCL, o->mode, value_given ? value : 0);
		umask(old);
		if (s->handle != SEM_FAILED) {
			s->created = true;
			return 0;
		}
		if (errno != EEXIST)
			return fail_errno("cannot create semaphore %s", name);
		if (o->exclusive)
			return fail("semaphore %s already exists", name);
		/* Idempotent: the existing semaphore, unchanged (ipctool(1)). */
		int rc = check_sem_file(s);
		if (rc)
			return rc;
		s->handle = sem_open(name, 0);
		if (s->handle != SEM_FAILED)
			return 0;
		if (errno != ENOENT)
			return fail_errno("cannot open semaphore %s", name);
		/* Removed between the calls: try to create it again. */
	}
}

/* sem_timedwait measures its absolute deadline on CLOCK_REALTIME, which
 * may be set while we wait: the deadline is recomputed from the monotonic
 * time left each time round, a monotonic timer (wait_arm) interrupts the
 * wait should the clock be set back, and a return is checked against the
 * monotonic deadline should it be set forward. */
static int timed_wait(sem_t *sem, const struct wait *w)
{
	struct timespec now, left, at;

	now = monotonic_now();
	left.tv_sec = w->deadline.tv_sec - now.tv_sec;
	left.tv_nsec = w->deadline.tv_nsec - now.tv_nsec;
	if (left.tv_nsec < 0) {
		left.tv_sec--;
		left.tv_nsec += 1000000000L;
	}
	if (left.tv_sec < 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_sec += left.tv_sec;
	at.tv_nsec += left.tv_nsec;
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	if (wait_arm(w) != 0)
		return -1;
	return sem_timedwait(sem, &at);
}

static enum sem_result take_one(struct semaphore *s, struct wait *w)
{
	for (;;) {
		int rc;
		if (w->nowait)
			rc = sem_trywait(s->handle);
		else if (w->bounded)
			rc = timed_wait(s->handle, w);
		else
			rc = sem_wait(s->handle);
		if (rc == 0)
			return SEM_DONE;
		if (errno == EAGAIN)
			return SEM_NOTHING;
		if (errno != EINTR && errno != ETIMEDOUT)
			return SEM_ERROR;
		/* sem_wait is never restarted after a signal handler ran. */
		if (termination_pending())
			return SEM_INTERRUPTED;
		if (w->bounded && wait_expired(w))
			return SEM_NOTHING;
	}
}

static enum sem_result give(struct semaphore *s, int count)
{
	int value;

	/* Refuse before posting any: sem_post stops only at the limit. */
	if (sem_getvalue(s->handle, &value) == 0 && value > SEM_VALUE_MAX - count) {
		errno = EOVERFLOW;
		return SEM_ERROR;
	}
	for (; s->done < count; s->done++)
		if (sem_post(s->handle) != 0)
			return SEM_ERROR;
	return SEM_DONE;
}

/* A count of K is K separate waits, not one atomic step: if not all K
 * can be taken in time, those taken are given back, so it is all or
 * nothing in the end, though others may see them taken meanwhile. */
static enum sem_result posix_change(struct semaphore *s, unsigned num, int delta, bool undo,
				    struct wait *w)
{
	enum sem_result r = SEM_DONE;

	(void)num;
	(void)undo;   /* there is none: the caller warns */
	s->done = 0;
	if (delta > 0)
		return give(s, delta);
	while (s->done < -delta && (r = take_one(s, w)) == SEM_DONE)
		s->done++;
	wait_disarm();
	if (r != SEM_DONE) {
		int saved = errno;
		for (; s->done > 0; s->done--)
			sem_post(s->handle);
		errno = saved;
	}
	return r;
}

static int posix_value(const struct semaphore *s, unsigned num, int *value)
{
	(void)num;
	return sem_getvalue(s->handle, value);
}

static int posix_report(const struct semaphore *s, unsigned num, int delta, const char *action)
{
	int value = 0;

	(void)num;
	if (errno == EOVERFLOW && delta > 0) {
		sem_getvalue(s->handle, &value);
		if (s->done > 0)
			return fail("cannot %s semaphore %s: its value %d would pass SEM_VALUE_MAX (%d); "
				    "%d of %d were given", action, s->target.path, value, SEM_VALUE_MAX,
				    s->done, delta);
		return fail("cannot %s semaphore %s: its value %d plus %d would pass SEM_VALUE_MAX (%d)",
			    action, s->target.path, value, delta, SEM_VALUE_MAX);
	}
	return fail_errno("cannot %s semaphore %s", action, s->target.path);
}

static void posix_close(struct semaphore *s)
{
	if (s->handle != SEM_FAILED)
		sem_close(s->handle);
	s->handle = SEM_FAILED;
}


const struct semaphore_ops sem_posix_ops = SEMAPHORE_OPS(posix, false, SEM_VALUE_MAX);
