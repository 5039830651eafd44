/* Splitting an input into records (see records.h). */
#include "lib/records.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"

enum { RECORDS_CHUNK = 64 * 1024 };

int read_records(const struct record_reader *r)
{
	size_t cap = r->max + 1 + RECORDS_CHUNK;
	char *buf = malloc(cap);
	size_t start = 0, end = 0;
	bool eof = false;
	unsigned long long number = 0;
	int rc = EXIT_OK;

	if (!buf)
		return fail("out of memory");
	while (rc == EXIT_OK) {
		char *found = r->delim >= 0 ? memchr(buf + start, r->delim, end - start) : NULL;
		if (found || (eof && (end > start || (r->delim < 0 && number == 0)))) {
			size_t len = found ? (size_t)(found - (buf + start)) : end - start;
			rc = r->record(r->ctx, buf + start, len, ++number);
			start += len + (found != NULL);
			continue;
		}
		if (eof)
			break;
		if (end - start > r->max) {
			rc = r->oversize(r->ctx, number + 1);
			break;
		}
		if (start > 0) {
			memmove(buf, buf + start, end - start);
			end -= start;
			start = 0;
		}
		ssize_t got = r->read(r->ctx, buf + end, cap - end, &rc);
		if (got == 0)
			eof = true;
		else if (got > 0)
			end += (size_t)got;
	}
	free(buf);
	return rc;
}
