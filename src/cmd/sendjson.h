/* send --json's reading side: JSON Lines as recv --json writes them
 * (ipctool-recv(1)), parsed ahead in a second thread (ahead.h) into entries that
 * send.c sends in order.  Parsing a line with jansson costs about three
 * times its msgsnd, so the two run on two CPUs. */
#ifndef IPCTOOL_SENDJSON_H
#define IPCTOOL_SENDJSON_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/ahead.h"

/* What the reading side needs to know of the queue; read-only. */
struct json_reading {
	const char *tag_name;        /* "type" or "priority" */
	size_t data_limit;           /* the most bytes a message may carry */
	long long tag_low, tag_high; /* the range of a type or priority */
	const char *queue_name;      /* for the messages */
};

enum json_entry_kind {
	ENTRY_MESSAGE,       /* a message to send, its data after the entry */
	ENTRY_BAD_LINE,      /* the line is not a message: why, after the entry */
	ENTRY_READ_FAILED,   /* standard input failed with errno ERR */
};

struct json_entry {
	unsigned long long line;
	long long tag;
	size_t size;         /* the message's bytes, or the length of why */
	size_t stored;       /* bytes that follow the entry (a message larger
	                      * than data_limit is not stored: its size is
	                      * all the sender needs to refuse it) */
	int kind;
	int err;
	bool has_tag;
};

/* The longest line recv --json writes for a message of MAX bytes. */
size_t json_line_limit(size_t max);
/* Batch size for ahead_start. */
size_t json_batch_size(const struct json_reading *r);
/* The producer (ahead_producer): CTX is a struct json_reading. */
int json_read_ahead(struct ahead *a, void *ctx);
/* The entry at *AT in B, its payload in *PAYLOAD; false past the end.
 * *AT moves past it. */
bool json_entry_next(const struct ahead_batch *b, size_t *at, struct json_entry *e,
		     const unsigned char **payload);

#endif
