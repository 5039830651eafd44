/* mkshm, shm-write and shm-read: shared memory from the shell (ipctool-mkq(1)
 * §5, §12), System V segments and POSIX objects through one interface
 * (segment.h). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/guard.h"
#include "lib/hexdump.h"
#include "lib/progress.h"
#include "lib/io.h"
#include "cmd/made.h"
#include "lib/parse.h"
#include "mech/segment.h"
#include "lib/size.h"
#include "mech/sem.h"
#include "lib/target.h"
#include "cmd/unapplied.h"

enum { OPT_SIZE = 1, OPT_OFFSET, OPT_LENGTH, OPT_STRING, OPT_HEX, OPT_LOCK };

/* Status 1 naming the segment's size when OFFSET and LENGTH do not lie
 * within it (ipctool(1)). */
static int check_range(const struct segment *s, unsigned long long offset, unsigned long long length,
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

/* A POSIX segment truncated by another process while it was mapped here:
 * the copy met a page that is gone (SIGBUS, or EFAULT from a system call). */
static int segment_shrank(const struct segment *s, const char *while_it_was)
{
	struct stat st;

	if (s->fd >= 0 && fstat(s->fd, &st) == 0 && (unsigned long long)st.st_size < s->size)
		return fail("%s shrank from %zu to %lld bytes while it was %s", segment_name(s), s->size,
			    (long long)st.st_size, while_it_was);
	return fail("%s lost pages while it was %s (truncated meanwhile?)", segment_name(s), while_it_was);
}

/* --lock SEMTARGET: an id, 0xKEY or /name given as the option's value. */
struct lock_option {
	bool given;
	struct target target;
	struct semaphore sem;
};

static int lock_option(struct lock_option *l, const char *arg)
{
	if (l->given)
		return usage_error("--lock given twice: name one semaphore set");
	target_init(&l->target);
	if (arg[0] == '-')
		return cli_bad_value("--lock", arg, "expected a semaphore set id, 0xKEY or /name");
	l->given = true;
	int rc = target_parse(&l->target, arg);
	return rc ? rc : semaphore_check_name(&l->target);
}

/* Find the --lock semaphore before anything else is done, so a wrong name
 * fails before stdin is read. */
static int lock_open(struct lock_option *l)
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

static int lock_take(struct lock_option *l)
{
	return l->given ? semaphore_lock(&l->sem) : 0;
}

static int lock_release(struct lock_option *l)
{
	return l->given ? semaphore_unlock(&l->sem) : 0;
}

/* ---- mkshm -------------------------------------------------------------- */

struct mkshm_options {
	struct target target;
	struct create_options create;
	unsigned long long size;
};

static struct poptOption mkshm_table[] = {
	TARGET_TABLE,
	{ "size", '\0', POPT_ARG_STRING, NULL, OPT_SIZE,
	  "the segment's size in bytes (K, M, G allowed); required", "SIZE" },
	CLI_INCLUDE(cli_create_options, "Creating:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int mkshm_option(int val, const char *arg, void *data)
{
	struct mkshm_options *o = data;
	const char *why;

	if (val == OPT_SIZE) {
		if ((why = parse_size(arg, 1, SIZE_MAX, &o->size)))
			return cli_bad_value("--size", arg, why);
		return 0;
	}
	return CLI_UNHANDLED;
}

static int mkshm_run(void *opts, const struct cli *cli)
{
	struct mkshm_options *o = opts;
	struct segment seg;
	int rc;

	if ((rc = cli_extra_args(cli, cli->next)))
		return rc;
	if (o->target.kind == TARGET_ID)
		return usage_error("objects are created by key, --ftok, /name or as private, never by id ('%s')",
				   o->target.text);
	if (o->size == 0)
		return usage_error("missing --size SIZE (bytes; K, M, G allowed)");
	if ((rc = segment_create(&seg, &o->target, &o->create, o->size)) == 0) {
		seg.ops->print(&seg);
		rc = made_told(&(struct made){ IPC_KIND_SHM, &seg.target, seg.id, seg.created });
		if (rc == 0 && !seg.created)
			unapplied_tell(&(struct asked){ .kind = IPC_KIND_SHM, .target = &seg.target, .id = seg.id,
							.create = &o->create, .size = o->size });
	}
	segment_close(&seg);
	return rc;
}

const struct command command_mkshm = {
	.name = "mkshm",
	.complete = COMPLETE_SEGMENTS,
	.summary = "create a System V or POSIX shared memory segment, or find one",
	.synopsis = "[TARGET] --size SIZE [--mode MODE] [--exclusive]",
	.table = mkshm_table,
	.size = sizeof(struct mkshm_options),
	.target = PART(struct mkshm_options, target),
	.target_use = TARGET_OPTIONAL,
	.create = PART(struct mkshm_options, create),
	.option = mkshm_option,
	.run = mkshm_run,
};

/* ---- shm-write ---------------------------------------------------------- */

struct write_options {
	struct target target;
	unsigned long long offset;
	bool string;
	struct lock_option lock;
	enum progress_mode progress;
};

static struct poptOption write_table[] = {
	TARGET_TABLE,
	{ "offset", 'O', POPT_ARG_STRING, NULL, OPT_OFFSET, "write at byte N of the segment (default 0)", "N" },
	{ "string", 'S', POPT_ARG_NONE, NULL, OPT_STRING, "write a terminating NUL after the data", NULL },
	{ "lock", 'L', POPT_ARG_STRING, NULL, OPT_LOCK,
	  "hold semaphore 0 of this set (id, 0xKEY) or POSIX semaphore (/name) around the write", "SEMTARGET" },
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int write_option(int val, const char *arg, void *data)
{
	struct write_options *o = data;
	const char *why;

	switch (val) {
	case CLI_OPT_PROGRESS:
	case CLI_OPT_NO_PROGRESS:
		return progress_option(&o->progress, val);
	case OPT_OFFSET:
		if ((why = parse_size(arg, 0, SIZE_MAX, &o->offset)))
			return cli_bad_value("--offset", arg, why);
		return 0;
	case OPT_STRING:
		o->string = true;
		return 0;
	case OPT_LOCK:
		return lock_option(&o->lock, arg);
	}
	return CLI_UNHANDLED;
}

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

/* Fault the pages of [ADDR, ADDR+LEN) in with one call before copying:
 * page by page, the faults of a large copy cost more than the copy itself
 * (about 4x for 256 MiB here).  Best effort: kernels before 5.14 lack
 * MADV_POPULATE_*, and then the copy faults them in as before. */
static void prefault(const void *addr, size_t len, bool for_write)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)addr & ~(page - 1);
	uintptr_t end = (uintptr_t)addr + len;

	if (len == 0)
		return;
	(void)madvise((void *)start, end - start, for_write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
}

/* The bytes go in with a guarded copy: a POSIX segment truncated meanwhile
 * is status 1 with the lock given back, not a death by SIGBUS. */
static int write_into(struct segment *s, struct payload *p, struct write_options *o)
{
	size_t bytes = p->size + (o->string ? 1 : 0);
	void *addr;
	int rc, unlock_rc;

	if ((rc = segment_reserve(s, (size_t)o->offset, bytes)) || (rc = lock_take(&o->lock)))
		return rc;
	if ((rc = segment_attach(s, false, &addr)) == 0) {
		char *dest = (char *)addr + o->offset;
		prefault(dest, bytes, true);
		if (guarded_copy(dest, p->data, p->size) != 0 ||
		    (o->string && guarded_copy(dest + p->size, "", 1) != 0))
			rc = segment_shrank(s, "written; what still fits of the data may have been written");
		segment_detach(s, addr);
	}
	unlock_rc = lock_release(&o->lock);
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
	size_t done = 0;

	while (done < u->saved) {
		ssize_t n = pread(u->fd, u->base + done, u->saved - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
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
		rc = end == 1    ? does_not_fit(s, o->offset, "standard input", "more than ", room, o->string)
		     : end == -1 ? read_error()
				 : fail("out of memory after reading %zu bytes of standard input; nothing was written",
					total + tail.len);
	if (rc == 0 && tail.len > 0) {
		if ((rc = segment_reserve(s, (size_t)o->offset + total, tail.len + nul))) {
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

	if ((rc = segment_reserve(s, (size_t)o->offset, expected + (o->string ? 1 : 0))) ||
	    (rc = lock_take(&o->lock)))
		return rc;
	if ((rc = segment_attach(s, false, &addr)) == 0) {
		u.base = (char *)addr + o->offset;
		rc = copy_file_in(s, o, &u, room, expected);
		segment_detach(s, addr);
	}
	if (u.fd >= 0)
		close(u.fd);
	unlock_rc = lock_release(&o->lock);
	return rc ? rc : unlock_rc;
}

static int write_segment(struct segment *seg, struct write_options *o, const char *data)
{
	struct payload p = { .data = NULL };
	int rc;

	if ((rc = check_range(seg, o->offset, 0, "")) || (rc = lock_open(&o->lock)))
		return rc;
	size_t room = seg->size - (size_t)o->offset;
	if (o->string) {
		if (room == 0)
			return does_not_fit(seg, o->offset, data ? "DATA" : "standard input", "", 0, true);
		room--;
	}
	if (data) {
		p.data = data;
		p.size = strlen(data);
		if (p.size > room)
			return does_not_fit(seg, o->offset, "DATA", "", p.size, o->string);
	} else {
		/* The total is the size stdin_file_size finds (one look at stdin). */
		progress_start(&p.progress, o->progress, false, "shm-write", "byte", 0);
		if (stdin_file_size(&p.size)) {
			p.progress.total = p.size;
			rc = p.size > room ? does_not_fit(seg, o->offset, "standard input", "", p.size, o->string)
					   : write_file(seg, o, room, p.size);
			if (rc == 0)
				progress_update(&p.progress, p.size);
			progress_end(&p.progress);
			return rc;
		}
		rc = read_stdin(&p, seg, o->offset, room, o->string);
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

static int write_run(void *opts, const struct cli *cli)
{
	struct write_options *o = opts;
	struct segment seg;
	int next = cli->next, rc;

	const char *data = next < cli->nargs ? cli->args[next++] : NULL;
	if ((rc = cli_extra_args(cli, next)))
		return rc;
	if ((rc = segment_open(&seg, &o->target, false)) == 0)
		rc = write_segment(&seg, o, data);
	lock_close(&o->lock);
	segment_close(&seg);
	return rc;
}

const struct command command_shm_write = {
	.name = "shm-write",
	.complete = COMPLETE_SEGMENTS,
	.summary = "write data into a shared memory segment, all or nothing",
	.synopsis = "TARGET [DATA] [--offset N] [--string] [--lock SEMTARGET]",
	.table = write_table,
	.size = sizeof(struct write_options),
	.target = PART(struct write_options, target),
	.option = write_option,
	.run = write_run,
};

/* ---- shm-read ----------------------------------------------------------- */

enum read_format { READ_RAW, READ_STRING, READ_HEX };

struct read_options {
	struct target target;
	unsigned long long offset;
	bool length_given;
	unsigned long long length;
	enum read_format format;
	int formats;          /* how many different ones of --string/--hex */
	struct lock_option lock;
	enum progress_mode progress;
};

static struct poptOption read_table[] = {
	TARGET_TABLE,
	{ "offset", 'O', POPT_ARG_STRING, NULL, OPT_OFFSET, "start at byte N of the segment (default 0)", "N" },
	{ "length", '\0', POPT_ARG_STRING, NULL, OPT_LENGTH, "read N bytes (default: to the end)", "N" },
	{ "string", 'S', POPT_ARG_NONE, NULL, OPT_STRING, "stop at the first NUL and add a newline", NULL },
	{ "hex", 'x', POPT_ARG_NONE, NULL, OPT_HEX, "a hex and ASCII dump, as hexdump -C", NULL },
	{ "lock", 'L', POPT_ARG_STRING, NULL, OPT_LOCK,
	  "hold semaphore 0 of this set (id, 0xKEY) or POSIX semaphore (/name) around the read", "SEMTARGET" },
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* Counts the different formats asked for: --hex twice is no contradiction. */
static int set_format(struct read_options *o, enum read_format format)
{
	if (o->formats == 0 || o->format != format)
		o->formats++;
	o->format = format;
	return 0;
}

static int read_option(int val, const char *arg, void *data)
{
	struct read_options *o = data;
	const char *why;

	switch (val) {
	case CLI_OPT_PROGRESS:
	case CLI_OPT_NO_PROGRESS:
		return progress_option(&o->progress, val);
	case OPT_OFFSET:
		if ((why = parse_size(arg, 0, SIZE_MAX, &o->offset)))
			return cli_bad_value("--offset", arg, why);
		return 0;
	case OPT_LENGTH:
		if ((why = parse_size(arg, 0, SIZE_MAX, &o->length)))
			return cli_bad_value("--length", arg, why);
		o->length_given = true;
		return 0;
	case OPT_STRING:
		return set_format(o, READ_STRING);
	case OPT_HEX:
		return set_format(o, READ_HEX);
	case OPT_LOCK:
		return lock_option(&o->lock, arg);
	}
	return CLI_UNHANDLED;
}

/* hexdump -C (hexdump.h), offsets from the segment's start, written 64 KiB
 * of the segment at a time. */
static int write_hex(const unsigned char *p, size_t n, unsigned long long start)
{
	enum { CHUNK = 64 * 1024 };
	struct buf out = { NULL, 0, 0 };
	struct hexdump h;
	int rc = 0;

	hexdump_start(&h, start);
	for (size_t i = 0; i < n && rc == 0; i += CHUNK) {
		size_t chunk = n - i < CHUNK ? n - i : CHUNK;
		if (hexdump_lines(&h, &out, p + i, chunk) != 0 || (i + chunk >= n && hexdump_end(&h, &out) != 0))
			rc = fail("out of memory");
		else if (write_all(STDOUT_FILENO, out.data, out.len, NULL) != 0)
			rc = -1;
		out.len = 0;
	}
	buf_free(&out);
	return rc;
}

/* The bytes as they are, a MiB at a time for the progress line (not to a
 * terminal: the bytes go there). */
static int write_raw(const char *p, size_t n, enum progress_mode mode)
{
	enum { STEP = 1024 * 1024 };
	struct progress prog;
	int rc = 0;

	progress_start(&prog, mode, isatty(STDOUT_FILENO), "shm-read", "byte", n);
	for (size_t at = 0; at < n && rc == 0; at += STEP) {
		rc = write_all(STDOUT_FILENO, p + at, n - at < STEP ? n - at : STEP, NULL);
		progress_update(&prog, at + (n - at < STEP ? n - at : STEP));
	}
	int err = errno;
	progress_end(&prog);
	errno = err;
	return rc;
}

/* Write N bytes at P (the mapping itself, or a copy) as O's format asks.
 * Straight from the mapping, a truncated segment makes write(2) fail with
 * EFAULT (the kernel meets the missing page, not us), and --string's
 * search is guarded; --hex only ever reads a copy. */
static int write_out(const struct segment *s, const struct read_options *o, const char *p, size_t n)
{
	const void *nul;
	int rc;

	switch (o->format) {
	case READ_HEX:
		rc = write_hex((const unsigned char *)p, n, o->offset);
		break;
	case READ_STRING:
		if (guarded_find(p, '\0', n, &nul) != 0)
			return segment_shrank(s, "read");
		rc = write_all(STDOUT_FILENO, p, nul ? (size_t)((const char *)nul - p) : n, NULL);
		if (rc == 0)
			rc = write_all(STDOUT_FILENO, "\n", 1, NULL);
		break;
	default:
		rc = write_raw(p, n, o->progress);
	}
	if (rc != 0 && errno == EFAULT)
		return segment_shrank(s, "read");
	if (rc != 0)
		return fail_errno("cannot write to standard output");
	return 0;
}

/* The bytes are copied out first, under the --lock if there is one, and
 * written after it is released, so a slow reader of stdout never holds up
 * writers.  --hex always reads such a copy: its formatting reads every
 * byte itself and must not meet a page that is gone. */
static int read_copied(struct segment *s, struct read_options *o, size_t length)
{
	char *copy = malloc(length ? length : 1);
	void *addr;
	int rc;

	if (!copy)
		return fail("out of memory for a copy of %zu bytes", length);
	if ((rc = lock_take(&o->lock)) == 0) {
		if ((rc = segment_attach(s, true, &addr)) == 0) {
			if (guarded_copy(copy, (char *)addr + o->offset, length) != 0)
				rc = segment_shrank(s, "read");
			segment_detach(s, addr);
		}
		int unlock_rc = lock_release(&o->lock);
		rc = rc ? rc : unlock_rc;
	}
	if (rc == 0)
		rc = write_out(s, o, copy, length);
	free(copy);
	return rc;
}

static int read_segment(struct segment *seg, struct read_options *o)
{
	void *addr;
	int rc;

	if (o->offset > seg->size)
		return check_range(seg, o->offset, 0, "");
	size_t length = o->length_given ? (size_t)o->length : seg->size - (size_t)o->offset;
	if ((rc = check_range(seg, o->offset, length, "--length")) || (rc = lock_open(&o->lock)))
		return rc;
	if (o->lock.given || o->format == READ_HEX)
		return read_copied(seg, o, length);
	if ((rc = segment_attach(seg, true, &addr)))
		return rc;
	prefault((const char *)addr + o->offset, length, false);
	rc = write_out(seg, o, (const char *)addr + o->offset, length);
	segment_detach(seg, addr);
	return rc;
}

static int read_run(void *opts, const struct cli *cli)
{
	struct read_options *o = opts;
	struct segment seg;
	int rc;

	if ((rc = cli_extra_args(cli, cli->next)))
		return rc;
	if (o->formats > 1)
		return usage_error("--string and --hex contradict each other: choose one");
	if ((rc = segment_open(&seg, &o->target, true)) == 0)
		rc = read_segment(&seg, o);
	lock_close(&o->lock);
	segment_close(&seg);
	return rc;
}

const struct command command_shm_read = {
	.name = "shm-read",
	.complete = COMPLETE_SEGMENTS,
	.summary = "print a segment's bytes, raw, as a string or in hex",
	.synopsis = "TARGET [--offset N] [--length N] [--string | --hex] [--lock SEMTARGET]",
	.table = read_table,
	.size = sizeof(struct read_options),
	.target = PART(struct read_options, target),
	.option = read_option,
	.run = read_run,
};
