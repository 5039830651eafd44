/* recv's batches (recvbatch.h): the arena of taken messages, their
 * formatting, writing them whole, putting back what was not written, and
 * --lockstep's wait for the reader. */
#include "cmd/recvbatch.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/hexdump.h"
#include "lib/io.h"
#include "lib/json.h"

static struct queue_record *batch_record(struct batch *b, size_t offset)
{
	return (struct queue_record *)(void *)(b->arena + offset);
}

/* Room left for one more record's data. */
static size_t batch_room(const struct batch *b)
{
	size_t header = sizeof(struct queue_record);

	if (b->count >= b->max || b->used + header >= b->cap)
		return 0;
	return b->cap - b->used - header;
}

int batch_init(struct batch *b, size_t max_message, size_t max_count)
{
	memset(b, 0, sizeof(*b));
	b->max = max_count;
	b->cap = BATCH_BYTES + queue_record_span(max_message);
	b->arena = malloc(b->cap);
	b->ends = calloc(max_count, sizeof(*b->ends));
	return b->arena && b->ends ? 0 : -1;
}

/* An empty batch whose arena cannot hold the next message grows. */
static int batch_grow(struct batch *b)
{
	if (b->cap > ((size_t)INT_MAX) * 2)
		return -1;
	/* Every byte counts as used: array_grow doubles it. */
	char *p = array_grow(b->arena, &b->cap, b->cap, 1, b->cap);
	if (!p)
		return -1;
	b->arena = p;
	return 0;
}

void batch_free(struct batch *b)
{
	free(b->arena);
	free(b->ends);
	buf_free(&b->out);
}

/* The bytes up to the first NUL (all when there is none). */
static size_t c_string_length(const struct queue_record *rec)
{
	const char *nul = memchr(rec->data, '\0', rec->size);

	return nul ? (size_t)(nul - rec->data) : rec->size;
}

/* TAG_NAME: "type" (System V) or "priority" (POSIX).  With STRING, the
 * message up to its first NUL, and size that of what is written. */
static int format_json(struct buf *out, const struct queue_record *rec, const char *tag_name, bool string)
{
	size_t size = string ? c_string_length(rec) : rec->size;

	if (json_append_message(out, tag_name, rec->tag, rec->data, size) != 0)
		return -1;
	return buf_append(out, "\n", 1);
}

static int format_record(struct buf *out, const struct queue_record *rec, enum output_mode mode,
			 const char *tag_name)
{
	switch (mode) {
	case OUTPUT_JSON:
		return format_json(out, rec, tag_name, false);
	case OUTPUT_JSON_STRING:
		return format_json(out, rec, tag_name, true);
	case OUTPUT_HEX:
		return hexdump_whole(out, rec->data, rec->size);
	case OUTPUT_RAW:
		return buf_append(out, rec->data, rec->size);
	case OUTPUT_NULL:
		return buf_append(out, rec->data, rec->size) || buf_append(out, "", 1);
	case OUTPUT_STRING:
		return buf_append(out, rec->data, c_string_length(rec)) || buf_append(out, "\n", 1);
	default:
		return buf_append(out, rec->data, rec->size) || buf_append(out, "\n", 1);
	}
}

/* Put back, in order, every message of the batch from index FIRST on.
 * One that cannot go back (the queue was removed, or was still full when
 * a termination signal came) is named with its first bytes, so that a
 * user can send it again by hand, and the others are still tried. */
static int put_back_from(struct receiver *r, size_t first, unsigned long long *returned)
{
	size_t offset = 0;
	int rc = 0;

	*returned = 0;
	for (size_t i = 0; i < r->batch.count; i++) {
		struct queue_record *rec = batch_record(&r->batch, offset);
		offset += queue_record_span(rec->size);
		if (i < first)
			continue;
		if (queue_put_back(&r->queue, rec) == 0) {
			(*returned)++;
			continue;
		}
		char which[48];
		rc = EXIT_FAIL;
		snprintf(which, sizeof(which), "message %llu", r->taken - r->batch.count + i + 1);
		queue_tell_lost(&r->queue, rec, which);
	}
	if (rc)
		termination_honour();   /* still full after a signal: die of it */
	return rc;
}

static void batch_clear(struct batch *b)
{
	b->used = 0;
	b->count = 0;
	b->out.len = 0;
}

/* How far the text of the batch got: the messages wholly written.  A
 * termination signal that cut a message part way (one larger than a pipe
 * can take whole) finishes writing it while the reader drains: it is
 * partly delivered already, so putting it back would deliver it twice.
 * A reader that stopped leaves it cut, and the user is told.  Only
 * messages not started go back, and one cut by a write error. */
static size_t written_whole(struct receiver *r, size_t done, int write_errno)
{
	struct batch *b = &r->batch;
	size_t first = 0;

	while (first < b->count && b->ends[first] <= done)
		first++;
	size_t start = first ? b->ends[first - 1] : 0;
	if (first == b->count || done == start || write_errno != EINTR || !termination_pending())
		return first;
	if (room_finish(&r->out, b->out.data + done, b->ends[first] - done) == 0)
		return first + 1;
	if (errno != EAGAIN)
		return first;   /* a write error: put back whole, as after any */
	warn("message %llu was cut after %zu of its %zu bytes: the reader of standard output stopped "
	     "reading", r->taken - b->count + first + 1, done - start, b->ends[first] - start);
	return first + 1;
}

/* How often --lockstep looks whether the reader has read (no event says
 * "empty again"), and how often it retries a System V queue (which no
 * descriptor can watch) while waiting for a message.  A reader that keeps
 * up reads within microseconds, so the first looks only yield the CPU;
 * sleeping 1 ms each time would cap lockstep at 1000 messages/s. */
enum { READ_YIELDS = 200, READ_POLL_MS = 1, SYSV_POLL_MS = 10 };

/* --lockstep, after a write: wait until the reader has read it all or has
 * gone.  Returns the bytes it left unread, or -1 if a termination signal
 * came first (what was written counts as delivered, ipctool-recv(1)). */
static long await_reader(const struct receiver *r)
{
	for (int tries = 0;; tries++) {
		long unread = room_unread(&r->out);
		if (unread == 0)
			return 0;
		if (room_reader_left(&r->out, -1, tries < READ_YIELDS ? 0 : READ_POLL_MS))
			return room_unread(&r->out);
		if (termination_pending())
			return -1;
		if (tries < READ_YIELDS)
			sched_yield();
	}
}

/* --lockstep: the message just written is delivered once its reader reads
 * it; if the reader went away leaving all of it unread it goes back on the
 * queue.  One the reader began to read counts as delivered. */
static int await_delivery(struct receiver *r)
{
	unsigned long long returned = 0;
	long unread = await_reader(r);

	if (unread <= 0)
		return 0;
	r->reader_gone = true;
	if ((size_t)unread < r->batch.out.len)
		return 0;
	int rc = put_back_from(r, 0, &returned);
	batch_clear(&r->batch);
	if (rc)
		return rc;
	return fail("the reader of standard output went away without reading message %llu; "
		    "it was put back on %s", r->taken, queue_name(&r->queue));
}

/* Where the records of the formatted batch that one write can take whole
 * now, from byte AT on, end: AT when not even the first fits in ROOM.
 * *NEXT gets the size of the first.  *FIRST is the first record not yet
 * wholly written, kept by the caller, so a slow reader taking a record at
 * a time costs no scan from the batch's start each time. */
static size_t records_fitting(const struct batch *b, size_t *first, size_t at, size_t room, size_t *next)
{
	size_t end = at;

	while (*first < b->count && b->ends[*first] <= at)
		(*first)++;
	*next = 0;
	for (size_t i = *first; i < b->count; i++) {
		if (!*next)
			*next = b->ends[i] - at;
		if (b->ends[i] - at > room)
			break;
		end = b->ends[i];
	}
	return end;
}

/* Write the formatted batch to stdout, each write(2) only whole records
 * that stdout can take whole (room.h), so that a reader that stalls and a
 * termination signal never leave one half written.  A record that can
 * never be taken whole (larger than the pipe) is written as it goes.
 * Returns 0, or -1 with errno; *DONE holds how many bytes went. */
static int write_records(struct receiver *r, size_t *done)
{
	struct batch *b = &r->batch;
	size_t at = 0, first = 0, next;

	while (at < b->out.len) {
		size_t end = records_fitting(b, &first, at, room_now(&r->out), &next);
		if (end == at && next <= r->out.whole) {
			if (room_await(&r->out, next) != 0)
				break;
			continue;
		}
		if (end == at)
			end = at + next;
		size_t put = 0;
		int rc = write_all(STDOUT_FILENO, b->out.data + at, end - at, &put);
		at += put;
		if (rc != 0)
			break;
	}
	*done = at;
	return at == b->out.len ? 0 : -1;
}

/* Write the batch.  On failure the messages not wholly written go back to
 * the queue (copies from --peek were never taken) before the error. */
int batch_flush(struct receiver *r)
{
	struct batch *b = &r->batch;
	size_t offset = 0, done = 0;
	int format_failed = 0, write_errno = 0;

	if (b->count == 0)
		return 0;
	b->out.len = 0;
	for (size_t i = 0; i < b->count && !format_failed; i++) {
		struct queue_record *rec = batch_record(b, offset);
		offset += queue_record_span(rec->size);
		format_failed = format_record(&b->out, rec, r->output, r->queue.tag_name) != 0;
		b->ends[i] = b->out.len;
	}
	if (!format_failed && write_records(r, &done) == 0) {
		int rc = r->lockstep ? await_delivery(r) : 0;
		if (rc)
			return rc;
		r->written += b->count;
		batch_clear(b);
		return 0;
	}
	write_errno = format_failed ? ENOMEM : errno;
	size_t first = format_failed ? 0 : written_whole(r, done, write_errno);
	r->written += first;
	unsigned long long returned = 0;
	int rc = r->peek ? 0 : put_back_from(r, first, &returned);
	batch_clear(b);
	if (rc)
		return rc;
	if (write_errno == EINTR && termination_pending())
		termination_honour();
	errno = write_errno;
	if (r->peek)
		return fail_errno("cannot write to standard output");
	return fail("cannot write to standard output: %s; %llu message(s) put back on %s",
		    strerror(write_errno), returned, queue_name(&r->queue));
}

/* Take (or copy) one message into the batch, growing an empty batch for a
 * message larger than its room. */
static enum queue_result take_one(struct receiver *r, const struct queue_selector *sel,
				  size_t index, struct wait *w)
{
	struct batch *b = &r->batch;

	for (;;) {
		size_t room = batch_room(b);
		struct queue_record *rec = batch_record(b, b->used);
		enum queue_result res = room == 0 ? QUEUE_TOO_BIG
			: r->peek ? queue_copy(&r->queue, index, rec, room)
				  : queue_receive(&r->queue, sel, rec, room, w);
		if (res == QUEUE_OK) {
			b->used += queue_record_span(rec->size);
			b->count++;
			r->taken++;
			return res;
		}
		if (res != QUEUE_TOO_BIG || b->count > 0)
			return res;
		if (batch_grow(b) != 0) {
			errno = ENOMEM;
			return QUEUE_ERROR;
		}
	}
}

/* --lockstep: wait for a message as the options say, but in poll(2), so
 * that a reader going away meanwhile is seen before anything is taken. */
static enum queue_result take_watching(struct receiver *r, const struct queue_selector *sel)
{
	int queue_fd = queue_poll_fd(&r->queue);
	struct wait nowait;

	wait_init(&nowait, true, NULL);
	for (;;) {
		enum queue_result res = take_one(r, sel, r->taken, &nowait);
		if (res != QUEUE_NOTHING || wait_expired(&r->wait))
			return res;
		int ms = wait_remaining_ms(&r->wait);
		if (queue_fd < 0 && (ms < 0 || ms > SYSV_POLL_MS))
			ms = SYSV_POLL_MS;
		if (room_reader_left(&r->out, queue_fd, ms)) {
			r->reader_gone = true;
			return QUEUE_ERROR;
		}
	}
}

/* Fetch one message, waiting as the options say, then whatever else is
 * ready without waiting, up to WANT in all (0: no limit). */
enum queue_result fetch_batch(struct receiver *r, const struct queue_selector *sel,
				     unsigned long long want)
{
	struct wait nowait;
	enum queue_result res = r->lockstep ? take_watching(r, sel) : take_one(r, sel, r->taken, &r->wait);

	if (res != QUEUE_OK)
		return res;
	wait_init(&nowait, true, NULL);
	while ((want == 0 || r->taken < want) && batch_room(&r->batch) > 0)
		if (take_one(r, sel, r->taken, &nowait) != QUEUE_OK)
			break;   /* the next fetch meets any error again, after this flush */
	return QUEUE_OK;
}
