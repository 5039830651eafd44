/* What shm-write and shm-read share (shm.h): their common options, the
 * --lock semaphore, range checks and the shrunk-segment error. */
#include "cmd/shm.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/size.h"

int check_range(const struct segment *s, unsigned long long offset, unsigned long long length,
		       const char *what)
{
	if (offset > s->size)
		return fail("--offset %llu is past the end of %s (%zu %s)", offset, segment_name(s), s->size,
			    plural(s->size, "byte", "bytes"));
	if (length > s->size - offset)
		return fail("%s of %llu %s from offset %llu passes the end of %s (%zu %s)", what, length,
			    plural(length, "byte", "bytes"), offset, segment_name(s), s->size, plural(s->size, "byte", "bytes"));
	return 0;
}

int segment_shrank(const struct segment *s, const char *while_it_was)
{
	struct stat st;

	if (s->fd >= 0 && fstat(s->fd, &st) == 0 && (unsigned long long)st.st_size < s->size)
		return fail("%s shrank from %zu to %lld bytes while it was %s", segment_name(s), s->size,
			    (long long)st.st_size, while_it_was);
	return fail("%s lost pages while it was %s (truncated meanwhile?)", segment_name(s), while_it_was);
}

/* --lock SEMTARGET: one semaphore set, named as the option's value. */
static int read_lock(const struct args *a, struct lock_option *l)
{
	int rc;

	for (const struct arg *g = NULL; (g = args_next(a, OPT_LOCK, g));) {
		if (l->given)
			return usage_error("--lock given twice: name one semaphore set");
		target_init(&l->target);
		if (g->value[0] == '-')
			return cli_bad_value(args_name(a, OPT_LOCK), g->value, "expected a semaphore set id, 0xKEY or /name");
		l->given = true;
		if ((rc = target_parse(&l->target, g->value)) || (rc = semaphore_check_name(&l->target)))
			return rc;
	}
	return 0;
}

int lock_open(struct lock_option *l)
{
	int rc;

	if (!l->given)
		return 0;
	if ((rc = semaphore_open(&l->sem, &l->target)))
		return rc;
	if (semaphore_is_posix(&l->sem))
		warn("warning: --lock %s: a POSIX semaphore has no undo: if ipctool is killed (SIGKILL) "
		     "while holding it, it stays taken", l->target.path);
	return 0;
}

static void lock_close(struct lock_option *l)
{
	if (l->given)
		semaphore_close(&l->sem);
}

int lock_take(struct lock_option *l)
{
	return l->given ? semaphore_lock(&l->sem) : 0;
}

int lock_release(struct lock_option *l)
{
	return l->given ? semaphore_unlock(&l->sem) : 0;
}

/* Fault the pages of [ADDR, ADDR+LEN) in with one call before copying:
 * page by page, the faults of a large copy cost more than the copy itself
 * (about 4x for 256 MiB here).  Best effort: kernels before 5.14 lack
 * MADV_POPULATE_*, and then the copy faults them in as before. */
void prefault(const void *addr, size_t len, bool for_write)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)addr & ~(page - 1);
	uintptr_t end = (uintptr_t)addr + len;

	if (len == 0)
		return;
	(void)madvise((void *)start, end - start, for_write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
}

int shm_access_read(const struct args *a, struct shm_access *s, int *next)
{
	int rc;

	*s = (struct shm_access){ .progress = args_progress(a) };
	if ((rc = args_size(a, OPT_OFFSET, 0, SIZE_MAX, &s->offset)) || (rc = read_lock(a, &s->lock)))
		return rc;
	return args_target(a, &s->target, true, next);
}

int shm_access_run(struct shm_access *a, bool readonly, int (*run)(struct segment *s, void *data), void *data)
{
	struct segment seg;
	int rc;

	if ((rc = segment_open(&seg, &a->target, readonly)) == 0)
		rc = run(&seg, data);
	lock_close(&a->lock);
	segment_close(&seg);
	return rc;
}

