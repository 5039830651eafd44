/* A byte stream cut into chunks as it arrives, each of at most MAX bytes,
 * for output that cannot hold a whole stream (sock --listen --json writes
 * one JSON object per chunk).  A cut never falls inside a UTF-8 character
 * whose bytes are all there or still coming, so text stays text chunk by
 * chunk ("data", not "data_base64"). */
#ifndef IPCTOOL_CHUNKS_H
#define IPCTOOL_CHUNKS_H

#include <stddef.h>
#include <sys/types.h>

/* The longest prefix of S (N bytes) that does not end inside a UTF-8
 * character: the 1 to 3 bytes after it, if any, begin a well-formed
 * character that more bytes could finish. */
size_t utf8_whole_prefix(const unsigned char *s, size_t n);

struct chunk_reader {
	size_t max;           /* the most bytes in one chunk; at least 4 */
	/* Up to N bytes into BUF: > 0 read, 0 the end, < 0 stop with *RC. */
	ssize_t (*read)(void *ctx, char *buf, size_t n, int *rc);
	/* Each chunk (N > 0 bytes) with its first byte's offset in the
	 * stream; a nonzero status stops. */
	int (*chunk)(void *ctx, const char *data, size_t n, unsigned long long offset);
	void *ctx;
};

/* Read to the end or the first nonzero status, which is returned; *TOTAL
 * is then the bytes handed to CHUNK. */
int read_chunks(const struct chunk_reader *r, unsigned long long *total);

#endif
