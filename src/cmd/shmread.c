/* shm-read: a segment's bytes to standard output, raw, as a string or in
 * hex (ipctool-shm-read(1)); straight from the mapping, or copied out
 * first under the --lock. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/shm.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/guard.h"
#include "lib/hexdump.h"
#include "lib/io.h"
#include "lib/progress.h"

enum read_format { READ_RAW, READ_STRING, READ_HEX };

struct read_options {
	struct shm_access access;     /* the TARGET, --offset, --lock, --progress */
	bool length_given;
	unsigned long long length;
	enum read_format format;
	int formats;          /* how many different ones of --string/--hex */
};

static struct poptOption read_table[] = {
	TARGET_TABLE,
	{ "offset", 'O', POPT_ARG_STRING, NULL, OPT_OFFSET, "start at byte N of the segment (default 0)", "N" },
	{ "length", '\0', POPT_ARG_STRING, NULL, OPT_LENGTH, "read N bytes (default: to the end)", "N" },
	{ "string", 'S', POPT_ARG_NONE, NULL, OPT_STRING, "stop at the first NUL and add a newline", NULL },
	{ "hex", 'x', POPT_ARG_NONE, NULL, OPT_HEX, "a hex and ASCII dump, as hexdump -C", NULL },
	SHM_LOCK_OPTION("read"),
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* --string and --hex: how many different ones were asked for (--hex
 * twice is no contradiction), and the last. */
static void read_format(const struct args *a, struct read_options *o)
{
	for (const struct arg *g = NULL; (g = args_next(a, 0, g));) {
		if (g->val != OPT_STRING && g->val != OPT_HEX)
			continue;
		enum read_format format = g->val == OPT_STRING ? READ_STRING : READ_HEX;
		if (o->formats == 0 || o->format != format)
			o->formats++;
		o->format = format;
	}
}

/* Its own options, then the shared ones and the TARGET (shm.h). */
static int read_options(const struct args *a, struct read_options *o, int *next)
{
	int rc;

	*o = (struct read_options){ .format = READ_RAW };
	if ((rc = args_size(a, OPT_LENGTH, 0, SIZE_MAX, &o->length)))
		return rc;
	o->length_given = args_has(a, OPT_LENGTH);
	read_format(a, o);
	return shm_access_read(a, &o->access, next);
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
		rc = write_hex((const unsigned char *)p, n, o->access.offset);
		break;
	case READ_STRING:
		if (guarded_find(p, '\0', n, &nul) != 0)
			return segment_shrank(s, "read");
		rc = write_all(STDOUT_FILENO, p, nul ? (size_t)((const char *)nul - p) : n, NULL);
		if (rc == 0)
			rc = write_all(STDOUT_FILENO, "\n", 1, NULL);
		break;
	default:
		rc = write_raw(p, n, o->access.progress);
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
	if ((rc = lock_take(&o->access.lock)) == 0) {
		if ((rc = segment_attach(s, true, &addr)) == 0) {
			if (guarded_copy(copy, (char *)addr + o->access.offset, length) != 0)
				rc = segment_shrank(s, "read");
			segment_detach(s, addr);
		}
		int unlock_rc = lock_release(&o->access.lock);
		rc = rc ? rc : unlock_rc;
	}
	if (rc == 0)
		rc = write_out(s, o, copy, length);
	free(copy);
	return rc;
}

static int read_segment(struct segment *seg, void *data)
{
	struct read_options *o = data;
	void *addr;
	int rc;

	if (o->access.offset > seg->size)
		return check_range(seg, o->access.offset, 0, "");
	size_t length = o->length_given ? (size_t)o->length : seg->size - (size_t)o->access.offset;
	if ((rc = check_range(seg, o->access.offset, length, "--length")) || (rc = lock_open(&o->access.lock)))
		return rc;
	if (o->access.lock.given || o->format == READ_HEX)
		return read_copied(seg, o, length);
	if ((rc = segment_attach(seg, true, &addr)))
		return rc;
	prefault((const char *)addr + o->access.offset, length, false);
	rc = write_out(seg, o, (const char *)addr + o->access.offset, length);
	segment_detach(seg, addr);
	return rc;
}

static int read_run(const struct args *a)
{
	struct read_options o;
	int next, rc;

	if ((rc = read_options(a, &o, &next)) || (rc = args_no_more(a, next)))
		return rc;
	if (o.formats > 1)
		return usage_error("--string and --hex contradict each other: choose one");
	return shm_access_run(&o.access, true, read_segment, &o);
}

const struct command command_shm_read = {
	.name = "shm-read",
	.summary = "print a segment's bytes, raw, as a string or in hex",
	.synopsis = "TARGET [--offset N] [--length N] [--string | --hex] [--lock SEMTARGET]",
	.table = read_table,
	.complete = COMPLETE_SEGMENTS,
	.run = read_run,
};
