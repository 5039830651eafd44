/* shm-write: DATA or standard input into a shared memory segment, all
 * or nothing (ipctool-shm-write(1)); a regular file goes straight in, with
 * the bytes it overwrites kept to be put back on a failure. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/shm.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/guard.h"
#include "lib/io.h"
#include "lib/progress.h"
#include "lib/size.h"

struct write_options {
	struct shm_access access;     /* the TARGET, --offset, --lock, --progress */
	bool string;
};

static struct poptOption write_table[] = {
	TARGET_TABLE,
	{ "offset", 'O', POPT_ARG_STRING, NULL, OPT_OFFSET, "write at byte N of the segment (default 0)", "N" },
	{ "string", 'S', POPT_ARG_NONE, NULL, OPT_STRING, "write a terminating NUL after the data", NULL },
	SHM_LOCK_OPTION("write"),
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* What goes into the segment: bytes in memory, DATA or all of stdin. */
struct payload {
	const char *data;
	size_t size;
	struct buf held;
	struct progress progress;   /* of standard input read */
};

static int does_not_fit(const struct segment *s, unsigned long long offset, const char *what,
			const char *more, unsigned long long size, bool string)
{
	return fail("%s (%s%llu %s%s) does not fit in %s (%zu %s) from offset %llu; nothing was written",
		    what, more, size, plural(size, "byte", "bytes"), string ? " and a NUL" : "", segment_name(s), s->size,
		    plural(s->size, "byte", "bytes"), offset);
}

static int read_error(void)
{
	return fail_errno("cannot read standard input; nothing was written");
}

/* A regular file's size is known before reading: one that cannot fit is
 * refused unread, one that can is read straight into the segment. */
static bool stdin_file_size(size_t *bytes)
{
	struct stat st;
	off_t pos;

	if (fstat(STDIN_FILENO, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return false;   /* /proc files say 0 and hold more: read those as a stream */
	pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
	if (pos < 0 || pos > st.st_size)
		return false;
	*bytes = (size_t)(st.st_size - pos);
	return true;
}

/* Read stdin to its end into B, but never more than LIMIT+1 bytes in all:
 * one byte past the limit is enough to know it does not fit.  Returns 0 at
 * the end, 1 past the limit, -1 with errno when a read failed, -2 when
 * memory ran out. */
static int read_stream(struct buf *b, size_t limit, struct progress *prog)
{
	for (;;) {
		size_t want = limit + 1 - b->len;
		if (want > 64 * 1024)
			want = 64 * 1024;
		if (buf_reserve(b, want) != 0)
			return -2;
		ssize_t got = read_some(STDIN_FILENO, b->data + b->len, want);
		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		b->len += (size_t)got;
		if (prog)
			progress_update(prog, b->len);
		if (b->len > limit)
			return 1;
	}
}

/* Read all of a stream (a pipe, a terminal) before anything is copied, at
 * most ROOM+1 bytes: what it holds is known only at its end, so it is
 * buffered, and the segment is touched only once all of it has come. */
static int read_stdin(struct payload *p, const struct segment *s, unsigned long long offset, size_t room,
		      bool string)
{
	switch (read_stream(&p->held, room, &p->progress)) {
	case 1:
		return does_not_fit(s, offset, "standard input", "more than ", room, string);
	case -1:
		return read_error();
	case -2:
		return fail("out of memory after reading %zu bytes of standard input; nothing was written",
			    p->held.len);
	}
	p->data = p->held.data;
	p->size = p->held.len;
	return 0;
}

/* The bytes go in with a guarded copy: a POSIX segment truncated meanwhile
 * is status 1 with the lock given back, not a death by SIGBUS. */
static int write_into(struct segment *s, struct payload *p, struct write_options *o)
{
	size_t bytes = p->size + (o->string ? 1 : 0);
	void *addr;
	int rc, unlock_rc;

	if ((rc = segment_reserve(s, (size_t)o->access.offset, bytes)) || (rc = lock_take(&o->access.lock)))
		return rc;
	if ((rc = segment_attach(s, false, &addr)) == 0) {
		char *dest = (char *)addr + o->access.offset;
		prefault(dest, bytes, true);
		if (guarded_copy(dest, p->data, p->size) != 0 ||
		    (o->string && guarded_copy(dest + p->size, "", 1) != 0))
			rc = segment_shrank(s, "written; what still fits of the data may have been written");
		segment_detach(s, addr);
	}
	unlock_rc = lock_release(&o->access.lock);
	return rc ? rc : unlock_rc;
}

/* ---- a regular file, straight into the segment ------------------------- */

/* What a direct write overwrites, saved before it does: the bytes
 * BASE[0..SAVED) of the segment, in a memory file.  The kernel copies them
 * into pages of its own, so no buffer of the file's size is faulted in
 * here: staging the whole file in such a buffer first cost more than the
 * copy itself (bench/README.md, "shm-write"). */
struct undo {
	char *base;       /* the segment from --offset on */
	size_t saved;
	int fd;           /* -1 until something is saved */
};

/* Save BASE[SAVED..END): 0, or -1 with errno (EFAULT: the segment lost
 * pages under us). */
static int undo_cover(struct undo *u, size_t end)
{
	size_t done = 0;

	if (end <= u->saved)
		return 0;
	if (u->fd < 0 && (u->fd = memfd_create("ipctool-shm-write-undo", MFD_CLOEXEC)) < 0)
		return -1;
	int rc = write_all(u->fd, u->base + u->saved, end - u->saved, &done);
	u->saved += done;
	return rc;
}

/* Put every saved byte back, whatever signal is pending: a segment half
 * restored is the one outcome worse than either.  0, or -1 (EFAULT: pages
 * of it are gone, and what is left of it is restored). */
static int undo_restore(struct undo *u)
{
	return pread_full(u->fd, u->base, u->saved, 0) == (ssize_t)u->saved ? 0 : -1;
}

/* Put the old bytes back before a failure is reported: 0, or the status
 * of a segment that lost pages meanwhile (then reported). */
static int put_back(const struct segment *s, struct undo *u)
{
	if (undo_restore(u) == 0)
		return 0;
	return segment_shrank(s, "written; what still fits of the old bytes was put back");
}

/* Save the bytes up to END before they are overwritten; on a failure
 * what was written so far is put back. */
static int save_before(const struct segment *s, struct undo *u, size_t end)
{
	int rc;

	if (undo_cover(u, end) == 0)
		return 0;
	int err = errno;
	if ((rc = put_back(s, u)))
		return rc;
	if (err == EFAULT)
		return segment_shrank(s, "written; what still fits of the old bytes was put back");
	errno = err;
	return fail_errno("cannot keep a copy of the %zu bytes of %s it overwrites; nothing was written", end,
			  segment_name(s));
}

static int shrank_while_written(const struct segment *s)
{
	return segment_shrank(s, "written; what still fits of the data may have been written");
}

/* The file's EXPECTED bytes read into the segment at U's base, then what
 * it grew by (buffered: the only part whose size was not checked first),
 * then the NUL of --string; every byte overwritten saved first, and put
 * back on any failure. */
static int copy_file_in(struct segment *s, struct write_options *o, struct undo *u, size_t room,
			size_t expected)
{
	size_t nul = o->string ? 1 : 0;
	struct buf tail = { 0 };
	int rc;

	prefault(u->base, expected + nul, true);
	if ((rc = save_before(s, u, expected + nul)))
		return rc;
	ssize_t got = read_full(STDIN_FILENO, u->base, expected);
	if (got < 0) {
		int err = errno;
		if ((rc = put_back(s, u)))
			return rc;
		errno = err;
		return err == EFAULT ? shrank_while_written(s) : read_error();
	}
	/* A file that shrank meanwhile is written as it now is; one that grew
	 * is read on to its end, up to the room. */
	size_t total = (size_t)got;
	int end = read_stream(&tail, room - total, NULL);
	if (end != 0 && (rc = put_back(s, u)) == 0)
		rc = end == 1    ? does_not_fit(s, o->access.offset, "standard input", "more than ", room, o->string)
		     : end == -1 ? read_error()
				 : fail("out of memory after reading %zu bytes of standard input; nothing was written",
					total + tail.len);
	if (rc == 0 && tail.len > 0) {
		if ((rc = segment_reserve(s, (size_t)o->access.offset + total, tail.len + nul))) {
			int restored = put_back(s, u);
			rc = restored ? restored : rc;
		} else if ((rc = save_before(s, u, total + tail.len + nul)) == 0 &&
			   guarded_copy(u->base + total, tail.data, tail.len) != 0) {
			rc = (rc = put_back(s, u)) ? rc : shrank_while_written(s);
		}
		total += tail.len;
	}
	if (rc == 0 && nul && guarded_copy(u->base + total, "", 1) != 0)
		rc = (rc = put_back(s, u)) ? rc : shrank_while_written(s);
	buf_free(&tail);
	return rc;
}

/* A regular file of EXPECTED bytes (which fit in ROOM) goes straight into
 * the segment under the lock: no copy of it is held here, only the bytes
 * it overwrites, for the undo. */
static int write_file(struct segment *s, struct write_options *o, size_t room, size_t expected)
{
	struct undo u = { .fd = -1 };
	void *addr;
	int rc, unlock_rc;

	if ((rc = segment_reserve(s, (size_t)o->access.offset, expected + (o->string ? 1 : 0))) ||
	    (rc = lock_take(&o->access.lock)))
		return rc;
	if ((rc = segment_attach(s, false, &addr)) == 0) {
		u.base = (char *)addr + o->access.offset;
		rc = copy_file_in(s, o, &u, room, expected);
		segment_detach(s, addr);
	}
	if (u.fd >= 0)
		close(u.fd);
	unlock_rc = lock_release(&o->access.lock);
	return rc ? rc : unlock_rc;
}

static int write_segment(struct segment *seg, struct write_options *o, const char *data)
{
	struct payload p = { .data = NULL };
	int rc;

	if ((rc = check_range(seg, o->access.offset, 0, "")) || (rc = lock_open(&o->access.lock)))
		return rc;
	size_t room = seg->size - (size_t)o->access.offset;
	if (o->string) {
		if (room == 0)
			return does_not_fit(seg, o->access.offset, data ? "DATA" : "standard input", "", 0, true);
		room--;
	}
	if (data) {
		p.data = data;
		p.size = strlen(data);
		if (p.size > room)
			return does_not_fit(seg, o->access.offset, "DATA", "", p.size, o->string);
	} else {
		/* The total is the size stdin_file_size finds (one look at stdin). */
		progress_start(&p.progress, o->access.progress, false, "shm-write", "byte", 0);
		if (stdin_file_size(&p.size)) {
			p.progress.total = p.size;
			rc = p.size > room ? does_not_fit(seg, o->access.offset, "standard input", "", p.size, o->string)
					   : write_file(seg, o, room, p.size);
			if (rc == 0)
				progress_update(&p.progress, p.size);
			progress_end(&p.progress);
			return rc;
		}
		rc = read_stdin(&p, seg, o->access.offset, room, o->string);
		progress_end(&p.progress);
		if (rc) {
			buf_free(&p.held);
			return rc;
		}
	}
	rc = write_into(seg, &p, o);
	buf_free(&p.held);
	return rc;
}

/* What write_segment is given through shm_access_run. */
struct write_call {
	struct write_options *o;
	const char *data;
};

static int write_call(struct segment *seg, void *data)
{
	struct write_call *c = data;

	return write_segment(seg, c->o, c->data);
}

static int write_run(const struct args *a)
{
	struct write_options o = { .string = args_has(a, OPT_STRING) };
	int next, rc;

	if ((rc = shm_access_read(a, &o.access, &next)))
		return rc;
	const char *data = next < a->nwords ? a->words[next++] : NULL;
	if ((rc = args_no_more(a, next)))
		return rc;
	return shm_access_run(&o.access, false, write_call, &(struct write_call){ &o, data });
}

const struct command command_shm_write = {
	.name = "shm-write",
	.summary = "write data into a shared memory segment, all or nothing",
	.synopsis = "TARGET [DATA] [--offset N] [--string] [--lock SEMTARGET]",
	.table = write_table,
	.complete = COMPLETE_SEGMENTS,
	.run = write_run,
};
