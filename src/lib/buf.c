#include "lib/buf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for EXTRA more bytes in B: doubling from 256 (DOUBLING), or
 * exactly what is needed. */
static int reserve(struct buf *b, size_t extra, bool doubling)
{
	if (extra > SIZE_MAX - b->len)
		return -1;
	size_t need = b->len + extra;
	if (need <= b->cap)
		return 0;
	size_t cap = doubling && b->cap ? b->cap : doubling ? 256 : need;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int buf_reserve(struct buf *b, size_t extra)
{
	return reserve(b, extra, true);
}

int buf_reserve_exact(struct buf *b, size_t extra)
{
	return reserve(b, extra, false);
}

int buf_append(struct buf *b, const void *data, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	return 0;
}

int buf_append_str(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return buf_append(b, small, (size_t)n);
	if (buf_reserve(b, (size_t)n + 1) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void *array_grow(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return items;
	size_t more = *cap ? *cap * 2 : first;
	if (more > SIZE_MAX / size)
		return NULL;
	void *grown = realloc(items, more * size);
	if (grown)
		*cap = more;
	return grown;
}

void *array_reserve(void *items, size_t *cap, size_t n, size_t more, size_t size, size_t first)
{
	while (*cap < n + more) {
		void *grown = array_grow(items, cap, *cap, size, first);
		if (!grown)
			return NULL;
		items = grown;
	}
	return items;
}
