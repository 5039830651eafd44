/* POSIX shared memory behind the segment interface (segment.h):
 * shm_open and ftruncate to find and create, mmap to attach.  An object
 * lives as a file in /dev/shm; its size is the file's. */
#include "mech/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "inv/posixobj.h"
#include "lib/wait.h"

static int inspect(struct segment *s)
{
	struct stat st;

	if (fstat(s->fd, &st) != 0)
		return fail_errno("cannot inspect %s", segment_name(s));
	s->size = (size_t)st.st_size;
	return 0;
}

static int not_a_segment(const struct segment *s, mode_t type)
{
	return fail("%s in %s is %s, not a shared memory segment", s->target.path, POSIX_SHM_DIR,
		    file_kind(type));
}

/* shm_open(3), with what posix_shm_file_open adds: a FIFO, device, directory
 * or symbolic link in /dev/shm is refused without blocking (POSIX_NOT_REGULAR,
 * reported here), so only a failed open is left to the caller (-1). */
static int open_object(struct segment *s, int flags, mode_t mode)
{
	mode_t type = 0;

	s->fd = posix_shm_file_open(s->target.path + 1, flags, mode, &type);
	if (s->fd == POSIX_NOT_REGULAR) {
		s->fd = -1;
		return not_a_segment(s, type);
	}
	return s->fd < 0 ? -1 : 0;
}

static int posix_open(struct segment *s, bool read_only)
{
	const char *name = s->target.path;
	int rc;

	if ((rc = open_object(s, read_only ? O_RDONLY : O_RDWR, 0)) < 0) {
		if (errno == ENOENT)
			return fail("no shared memory segment %s%s", name,
				    target_other_kind_hint(&s->target, IPC_KIND_SHM));
		return fail_errno("cannot open %s%s", segment_name(s), read_only ? "" : " for writing");
	}
	return rc ? rc : inspect(s);
}

/* mmap of length 0 is refused; a segment of 0 bytes has nothing to map. */
static char empty_segment;

static int posix_attach(struct segment *s, bool read_only, void **addr)
{
	if (s->size == 0) {
		*addr = &empty_segment;
		return 0;
	}
	*addr = mmap(NULL, s->size, read_only ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (*addr != MAP_FAILED)
		return 0;
	return fail_errno("cannot map %s%s", segment_name(s), read_only ? "" : " for writing");
}

/* ftruncate makes a sparse file: a page is found only when first written,
 * and a full /dev/shm would then kill us with SIGBUS.  Finding the pages
 * first turns that into an error before any byte is written. */
static int posix_reserve(struct segment *s, size_t offset, size_t length)
{
	int err;

	if (length == 0)
		return 0;
	err = posix_fallocate(s->fd, (off_t)offset, (off_t)length);
	if (err == 0 || err == EOPNOTSUPP || err == EINVAL)
		return 0;
	errno = err;
	return fail_errno("cannot find memory for %zu bytes of %s; nothing was written", length,
			  segment_name(s));
}

static void posix_detach(struct segment *s, void *addr)
{
	if (addr != &empty_segment)
		munmap(addr, s->size);
}

/* ---- creating (mkshm) ---------------------------------------------------- */

/* The existing object, unchanged (ipctool(1)), as long as it is at least as
 * large as asked.  One of 0 bytes is still being made by its creator
 * (shm_open, then ftruncate): wait up to 1 s for its size.  Returns 0, a
 * status, or -1 with errno when it cannot be opened. */
static int join_existing(struct segment *s, unsigned long long size)
{
	struct timespec second = { 1, 0 }, pause = { 0, 10000000L };
	struct wait w;
	int rc;

	if ((rc = open_object(s, O_RDONLY, 0)))
		return rc;
	wait_init(&w, false, &second);
	while ((rc = inspect(s)) == 0 && s->size == 0 && !wait_expired(&w))
		nanosleep(&pause, NULL);
	if (rc)
		return rc;
	if (size > s->size)
		return fail("shared memory segment %s is %zu bytes, smaller than --size %llu",
			    s->target.path, s->size, size);
	return 0;
}

/* The umask is cleared around shm_open so the mode is exact from the
 * first moment, whatever the umask (ipctool(1)). */
static int posix_create(struct segment *s, const struct create_options *o, unsigned long long size)
{
	const char *name = s->target.path;
	int rc;

	for (;;) {
		mode_t old = umask(0);
		rc = open_object(s, O_RDWR | O_CREAT | O_EXCL, o->mode);
		umask(old);
		if (rc == 0)
			break;
		if (rc > 0)
			return rc;
		if (errno != EEXIST)
			return fail_errno("cannot create shared memory segment %s", name);
		if (o->exclusive)
			return fail("shared memory segment %s already exists", name);
		rc = join_existing(s, size);
		if (rc >= 0)
			return rc;
		if (errno != ENOENT)
			return fail_errno("cannot open shared memory segment %s", name);
		/* Removed between the calls: try to create it again. */
	}
	if (size > (unsigned long long)INT64_MAX || ftruncate(s->fd, (off_t)size) != 0) {
		int saved = size > (unsigned long long)INT64_MAX ? EFBIG : errno;
		shm_unlink(name);   /* no half-made object */
		errno = saved;
		return fail_errno("cannot make shared memory segment %s %llu bytes long; it was not created",
				  name, size);
	}
	s->size = (size_t)size;
	s->created = true;
	return 0;
}

static void posix_close(struct segment *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}


const struct segment_ops segment_posix_ops = SEGMENT_OPS(posix);
