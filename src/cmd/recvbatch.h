/* recv's way from the queue to standard output (ipctool-recv(1)): messages
 * are taken in batches into an arena, formatted, and written whole; on a
 * failed write the ones not written go back on the queue, and --lockstep
 * waits for the reader of a pipe or socket before taking the next.  recv.c
 * parses the command line and drives the loop; this holds the messages. */
#ifndef IPCTOOL_RECVBATCH_H
#define IPCTOOL_RECVBATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/progress.h"
#include "lib/room.h"
#include "lib/wait.h"
#include "mech/queue.h"

/* OUTPUT_JSON_STRING: --json --string, data up to the first NUL. */
enum output_mode { OUTPUT_LINES, OUTPUT_NULL, OUTPUT_RAW, OUTPUT_JSON, OUTPUT_STRING, OUTPUT_HEX,
		   OUTPUT_JSON_STRING };

/* A batch's arena holds BATCH_BYTES of records (or one message, however
 * large) and --batch messages at most, BATCH_DEFAULT unless told: the
 * measurement behind it is in bench/README.md. */
enum { BATCH_BYTES = 64 * 1024, BATCH_DEFAULT = 256, BATCH_MAX = 65536 };

/* Messages taken but not yet written: their records back to back in an
 * arena, their formatted text in OUT, and where each one's text ends, so a
 * failed write tells exactly which messages to put back.  At most MAX
 * messages (--batch): all that a SIGKILL can lose. */
struct batch {
	char *arena;
	size_t used, cap;
	size_t count, max;
	struct buf out;
	size_t *ends;              /* MAX entries */
};

struct receiver {
	struct queue queue;
	struct wait wait;
	struct batch batch;
	enum output_mode output;
	bool peek;
	bool lockstep;
	bool reader_gone;          /* --lockstep saw stdout's last reader go */
	struct room out;           /* what stdout can take whole (room.h) */
	unsigned long long taken;  /* messages taken off the queue (or copied) */
	unsigned long long written;
	struct progress progress;
};

/* Room for MAX_COUNT messages (--batch) of at most MAX_MESSAGE bytes.
 * Returns 0, or -1 when memory ran out. */
int batch_init(struct batch *b, size_t max_message, size_t max_count);
void batch_free(struct batch *b);
/* Fetch one message, waiting as R's wait says, then whatever else is
 * ready without waiting, up to WANT in all (0: no limit). */
enum queue_result fetch_batch(struct receiver *r, const struct queue_selector *sel,
			      unsigned long long want);
/* Write the batch.  On failure the messages not wholly written go back to
 * the queue (copies from --peek were never taken) before the error is
 * reported.  Returns 0 or the exit status. */
int batch_flush(struct receiver *r);

#endif
