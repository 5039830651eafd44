/* An input handed out in pieces, as read(2) hands out a pipe or socket:
 * the piece sizes come from a small generator seeded by the input itself,
 * so each input always replays the same way.  For the harnesses of the
 * stream readers (records.c, chunks.c). */
#ifndef IPCTOOL_FUZZ_FEED_H
#define IPCTOOL_FUZZ_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

struct feed {
	const uint8_t *data;
	size_t size, at;
	uint32_t state;
};

static inline void feed_init(struct feed *f, const uint8_t *data, size_t size)
{
	f->data = data;
	f->size = size;
	f->at = 0;
	f->state = 2166136261u;   /* FNV-1a of the input */
	for (size_t i = 0; i < size; i++)
		f->state = (f->state ^ data[i]) * 16777619u;
	f->state |= 1;
}

/* Mostly short pieces, now and then a large one, never more than N. */
static inline ssize_t feed_read(void *ctx, char *buf, size_t n, int *rc)
{
	struct feed *f = ctx;

	(void)rc;
	f->state ^= f->state << 13;
	f->state ^= f->state >> 17;
	f->state ^= f->state << 5;
	size_t piece = f->state % 8 == 0 ? 1 + f->state % 70000 : 1 + f->state % 7;
	size_t left = f->size - f->at;
	if (piece > left)
		piece = left;
	if (piece > n)
		piece = n;
	memcpy(buf, f->data + f->at, piece);
	f->at += piece;
	return (ssize_t)piece;
}

#endif
