/* read_records (src/lib/records.c), how sock --connect --dgram/--seqpacket
 * and send split their input into records.  The input's first byte picks
 * the delimiter (none: all of it one record; '\n' for --lines; NUL for
 * --null) and the longest record (0 to 63 bytes); the rest is the input,
 * read in pieces of varying size.  The records must be a reference split's,
 * in order: at a delimiter, no empty record after the last one, all of it
 * (even nothing) as one without a delimiter.  oversize must come exactly
 * for the first record longer than MAX that read_records could not hold
 * whole, and after it nothing; a longer record held whole may be handed on
 * (its reader names its exact size). */
#include "../../src/lib/records.h"
#include "feed.h"
#include "fuzz.h"

struct seen {
	struct feed feed;                 /* first: feed_read's ctx is ours */
	const uint8_t *in;
	size_t size;
	int delim;
	size_t max;
	size_t at;                        /* where the next reference record starts */
	unsigned long long number;        /* records seen */
	bool oversize;
};

/* The reference record after AT: its length, and whether one is there. */
static bool ref_next(const struct seen *s, size_t *len)
{
	if (s->delim < 0) {
		*len = s->size;
		return s->at == 0;
	}
	if (s->at >= s->size)
		return false;
	const uint8_t *end = memchr(s->in + s->at, s->delim, s->size - s->at);
	*len = end ? (size_t)(end - (s->in + s->at)) : s->size - s->at;
	return true;
}

static int on_record(void *ctx, const char *data, size_t n, unsigned long long number)
{
	struct seen *s = ctx;
	size_t len;

	if (s->oversize)
		fuzz_mismatch("(records)", "record %llu after the oversize one", number);
	if (number != s->number + 1 || !ref_next(s, &len))
		fuzz_mismatch("(records)", "record %llu, where %llu was due", number, s->number + 1);
	if (n != len || (n && memcmp(data, s->in + s->at, n) != 0))
		fuzz_mismatch("(records)", "record %llu has %zu bytes, not the %zu of the input", number, n, len);
	s->number++;
	s->at += len + (s->delim >= 0);
	if (s->delim < 0)
		s->at = s->size + 1;
	return 0;
}

static int on_oversize(void *ctx, unsigned long long number)
{
	struct seen *s = ctx;
	size_t len;

	if (number != s->number + 1 || !ref_next(s, &len) || len <= s->max)
		fuzz_mismatch("(records)", "record %llu called oversize (max %zu)", number, s->max);
	s->oversize = true;
	return 9;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { -1, '\n', '\0' };

	if (size == 0)
		return 0;
	struct seen s = { .in = data + 1, .size = size - 1, .delim = delims[data[0] % 3], .max = data[0] / 3 % 64 };
	feed_init(&s.feed, data + 1, size - 1);
	struct record_reader r = { .delim = s.delim, .max = s.max, .read = feed_read, .record = on_record,
				   .oversize = on_oversize, .ctx = &s };
	int rc = read_records(&r);
	size_t len;

	if (rc != (s.oversize ? 9 : 0))
		fuzz_mismatch("(records)", "status %d", rc);
	if (!s.oversize && ref_next(&s, &len) && !(s.delim >= 0 && s.at >= s.size))
		fuzz_mismatch("(records)", "the input ended early: %llu records", s.number);
	return 0;
}
