/* Bytes as `hexdump -C` writes them: 16 a line, offset, hex, |ASCII|; a
 * run of lines equal to the one before is one "*"; the end offset last.
 * shm-read --hex writes a segment so, recv --hex each message. */
#ifndef IPCTOOL_HEXDUMP_H
#define IPCTOOL_HEXDUMP_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

struct hexdump {
	unsigned long long at;  /* the offset of the next byte */
	unsigned char last[16]; /* the last whole line, for the "*" */
	bool have_last, squeezing;
};

/* Start a dump whose first byte is at offset START. */
void hexdump_start(struct hexdump *h, unsigned long long start);
/* Append the lines for P[0..N).  N must be a multiple of 16 except in the
 * last call.  Returns 0, or -1 when memory ran out. */
int hexdump_lines(struct hexdump *h, struct buf *out, const unsigned char *p, size_t n);
/* Append the end offset. */
int hexdump_end(const struct hexdump *h, struct buf *out);
/* The whole dump of P[0..N) from offset 0 (one record, one message). */
int hexdump_whole(struct buf *out, const void *p, size_t n);

#endif
