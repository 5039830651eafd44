/* Records from an input: split at a delimiter ('\n' for --lines, '\0' for
 * --null) or the whole input as one, in memory for one record of at most
 * MAX bytes plus a chunk, so a stream of any length uses constant memory.
 * send (queues) and sock --connect (sockets) read their input this way. */
#ifndef IPCTOOL_RECORDS_H
#define IPCTOOL_RECORDS_H

#include <stddef.h>
#include <sys/types.h>

struct record_reader {
	int delim;            /* the byte between records, or -1: all of it is one
	                       * record (an empty input is one empty record) */
	size_t max;           /* the longest record taken */
	/* Up to N bytes into BUF: > 0 read, 0 the end, < 0 stop with *RC. */
	ssize_t (*read)(void *ctx, char *buf, size_t n, int *rc);
	/* Each record with its number, from 1; a nonzero status stops. */
	int (*record)(void *ctx, const char *data, size_t size, unsigned long long number);
	/* Record NUMBER is longer than MAX: its status stops the reading. */
	int (*oversize)(void *ctx, unsigned long long number);
	void *ctx;
};

/* Read to the end or the first nonzero status, which is returned. */
int read_records(const struct record_reader *r);

#endif
