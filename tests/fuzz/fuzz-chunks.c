/* read_chunks and utf8_whole_prefix (src/lib/chunks.c), how sock --listen
 * --json cuts a stream connection (ipctool-sock(1)).  The input's first byte sets
 * the chunk size (4 to 67 bytes, so chunks are cut often); the rest is the
 * stream, read in pieces of varying size.  It must come back whole and in
 * order, in chunks of 1 to MAX bytes at contiguous offsets; a stream that is
 * UTF-8 must come back in chunks that are each UTF-8 (no character cut);
 * and the prefix utf8_whole_prefix keeps must end where a reference says. */
#include "../../src/lib/buf.h"
#include "../../src/lib/chunks.h"
#include "../../src/lib/json.h"
#include "feed.h"
#include "fuzz.h"

struct seen {
	struct feed feed;                 /* first: feed_read's ctx is ours */
	struct buf got;
	size_t max;
	bool text;                    /* the stream is UTF-8 */
	unsigned long long next;      /* the offset the next chunk must have */
};

static int on_chunk(void *ctx, const char *data, size_t n, unsigned long long offset)
{
	struct seen *s = ctx;

	if (n == 0 || n > s->max)
		fuzz_mismatch("(chunks)", "a chunk of %zu bytes, the most being %zu", n, s->max);
	if (offset != s->next)
		fuzz_mismatch("(chunks)", "a chunk at offset %llu, where %llu was due", offset, s->next);
	if (s->text && !utf8_valid((const unsigned char *)data, n))
		fuzz_mismatch("(chunks)", "a UTF-8 stream cut inside a character at offset %llu", offset + n);
	if (buf_append(&s->got, data, n) != 0)
		abort();
	s->next += n;
	return 0;
}

/* Reference: the tail kept back is 1 to 3 bytes that utf8_char_len (json.c)
 * would accept once completed with continuation bytes in range: try every
 * completion's first byte, the rest 0x80. */
static bool ref_unfinished(const unsigned char *s, size_t k)
{
	unsigned char trial[4];

	for (unsigned c = 0x80; c <= 0xBF; c++) {
		memcpy(trial, s, k);
		for (size_t i = k; i < 4; i++)
			trial[i] = (unsigned char)(i == k ? c : 0x80);
		size_t len = utf8_char_len(trial, 4);
		if (len > k)
			return true;
	}
	return false;
}

static void check_prefix(const uint8_t *data, size_t size)
{
	size_t cut = utf8_whole_prefix(data, size);

	if (cut > size || size - cut > 3)
		fuzz_mismatch("(prefix)", "kept %zu of %zu bytes", cut, size);
	if (cut < size && !ref_unfinished(data + cut, size - cut))
		fuzz_mismatch("(prefix)", "held back %zu bytes that begin no character", size - cut);
	/* The longest such tail is kept back, not a shorter one. */
	for (size_t k = size - cut + 1; k <= 3 && k <= size; k++)
		if (k > size - cut && ref_unfinished(data + size - k, k) &&
		    (data[size - k] < 0x80 || data[size - k] > 0xBF))
			fuzz_mismatch("(prefix)", "kept %zu bytes, but the last %zu begin a character", cut, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	check_prefix(data + 1, size - 1);
	struct seen s = { .max = 4 + data[0] % 64, .text = utf8_valid(data + 1, size - 1) };
	feed_init(&s.feed, data + 1, size - 1);
	struct chunk_reader r = { .max = s.max, .read = feed_read, .chunk = on_chunk, .ctx = &s };
	unsigned long long total;

	if (read_chunks(&r, &total) != 0)
		fuzz_mismatch("(chunks)", "read_chunks failed");
	if (total != size - 1 || s.got.len != size - 1 || (s.got.len && memcmp(s.got.data, data + 1, size - 1)))
		fuzz_mismatch("(chunks)", "%zu bytes in, %zu out (total %llu), or not the same", size - 1, s.got.len,
			      total);
	buf_free(&s.got);
	return 0;
}
