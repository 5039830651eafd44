/* send --json's reading side (see sendjson.h). */
#include "cmd/sendjson.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/jsonline.h"
#include "lib/records.h"

/* Every byte a six-character \u escape, and the other members. */
size_t json_line_limit(size_t max)
{
	return max * 6 + 256;
}

enum { BATCH_MIN = 64 * 1024 };

size_t json_batch_size(const struct json_reading *r)
{
	size_t one = sizeof(struct json_entry) + (r->data_limit > JSON_WHY_MAX ? r->data_limit : JSON_WHY_MAX);

	return one > BATCH_MIN ? one : BATCH_MIN;
}

struct reader {
	const struct json_reading *r;
	struct ahead *a;
	char *decoded;               /* room for one line's message */
};

/* Append E and its STORED bytes; false once the consumer has stopped. */
static bool put(struct reader *rd, struct json_entry *e, const void *payload)
{
	size_t need = sizeof(*e) + e->stored;
	struct ahead_batch *b = ahead_batch(rd->a);

	if (b->cap - b->used < need && !(b = ahead_pass(rd->a)))
		return false;
	memcpy(b->data + b->used, e, sizeof(*e));
	if (e->stored)
		memcpy(b->data + b->used + sizeof(*e), payload, e->stored);
	b->used += need;
	return true;
}

/* The line is not a message: pass WHY on and stop reading. */
static int bad_line(struct reader *rd, unsigned long long line, const char *why)
{
	size_t len = strlen(why);
	struct json_entry e = { .kind = ENTRY_BAD_LINE, .line = line, .size = len, .stored = len };

	put(rd, &e, why);
	return EXIT_FAIL;
}

/* A tag out of range is the line's fault, like any other bad member. */
static const char *tag_why(const struct json_reading *r, const struct json_message *m, char *why)
{
	if (!m->has_tag || (m->tag >= r->tag_low && m->tag <= r->tag_high))
		return NULL;
	snprintf(why, JSON_WHY_MAX, "\"%s\" %lld is out of range (%lld to %lld)", r->tag_name, m->tag,
		 r->tag_low, r->tag_high);
	return why;
}

static int read_line(void *ctx, const char *line, size_t len, unsigned long long number)
{
	struct reader *rd = ctx;
	struct json_message m;
	char why[JSON_WHY_MAX];
	const char *bad;

	if (json_line_blank(line, len))
		return EXIT_OK;
	if ((bad = json_message_parse(line, len, rd->r->tag_name, rd->decoded, &m, why)) ||
	    (bad = tag_why(rd->r, &m, why)))
		return bad_line(rd, number, bad);
	struct json_entry e = { .kind = ENTRY_MESSAGE, .line = number, .tag = m.tag, .has_tag = m.has_tag,
				.size = m.size, .stored = m.size <= rd->r->data_limit ? m.size : 0 };
	if (!put(rd, &e, rd->decoded))
		return EXIT_FAIL;
	/* The sender refuses a message too large by its size and stops. */
	return e.stored == e.size ? EXIT_OK : EXIT_FAIL;
}

static int oversize_line(void *ctx, unsigned long long line)
{
	struct reader *rd = ctx;
	char why[160];

	snprintf(why, sizeof(why), "it is longer than %zu bytes, more than any message of %s needs",
		 json_line_limit(rd->r->data_limit), rd->r->queue_name);
	return bad_line(rd, line, why);
}

static ssize_t read_input(void *ctx, char *buf, size_t n, int *rc)
{
	struct reader *rd = ctx;
	ssize_t got;

	do
		got = ahead_read(rd->a, STDIN_FILENO, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		*rc = EXIT_FAIL;
		if (errno != ECANCELED) {
			struct json_entry e = { .kind = ENTRY_READ_FAILED, .err = errno };
			put(rd, &e, NULL);
		}
	}
	return got;
}

int json_read_ahead(struct ahead *a, void *ctx)
{
	const struct json_reading *r = ctx;
	size_t limit = json_line_limit(r->data_limit);
	struct reader rd = { .r = r, .a = a };
	int rc;

	if (!(rd.decoded = malloc(limit + 1)))
		return fail("out of memory");
	ahead_batch(a)->used = 0;
	struct record_reader rr = { .delim = '\n', .max = limit, .read = read_input,
				    .record = read_line, .oversize = oversize_line, .ctx = &rd };
	rc = read_records(&rr);
	free(rd.decoded);
	return rc;
}

bool json_entry_next(const struct ahead_batch *b, size_t *at, struct json_entry *e,
		     const unsigned char **payload)
{
	if (*at >= b->used)
		return false;
	memcpy(e, b->data + *at, sizeof(*e));
	*payload = b->data + *at + sizeof(*e);
	*at += sizeof(*e) + e->stored;
	return true;
}
