/* A growable byte buffer.  Appends return 0, or -1 when memory ran out
 * (the buffer is left as it was), so callers holding taken messages can
 * put them back instead of dying. */
#ifndef IPCTOOL_BUF_H
#define IPCTOOL_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

int buf_reserve(struct buf *b, size_t extra);
/* The same, but room for exactly EXTRA more when it must grow: for a size
 * known in advance (a file), where doubling would waste up to as much. */
int buf_reserve_exact(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t n);
int buf_append_str(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* An array of *CAP elements of SIZE bytes, N of them used, with room for
 * one more: ITEMS itself, or a larger copy (doubling, from FIRST).  NULL
 * when memory ran out; ITEMS and *CAP are then left as they were. */
void *array_grow(void *items, size_t *cap, size_t n, size_t size, size_t first);
/* The same with room for MORE after the N used, doubling as often as
 * that takes (a semaphore set's values, up to 32,000 at once). */
void *array_reserve(void *items, size_t *cap, size_t n, size_t more, size_t size, size_t first);

#endif
