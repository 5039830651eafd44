/* Cutting a stream into chunks (see chunks.h). */
#include "lib/chunks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/json.h"

/* Could the K bytes at S (1 <= K <= 3) begin a well-formed UTF-8
 * character of more than K bytes?  The same bounds as utf8_char_len
 * (json.h, utf8_lead). */
static bool utf8_unfinished(const unsigned char *s, size_t k)
{
	unsigned char lo, hi;
	size_t len = utf8_lead(s[0], &lo, &hi);

	if (len == 0 || k >= len || (k >= 2 && (s[1] < lo || s[1] > hi)))
		return false;
	return k < 3 || (s[2] >= 0x80 && s[2] <= 0xBF);
}

size_t utf8_whole_prefix(const unsigned char *s, size_t n)
{
	/* The last character starts at most 3 bytes back; only continuation
	 * bytes (10xxxxxx) can lie between it and the end. */
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = s[n - k];
		if (c >= 0x80 && c <= 0xBF)
			continue;
		return utf8_unfinished(s + n - k, k) ? n - k : n;
	}
	return n;
}

int read_chunks(const struct chunk_reader *r, unsigned long long *total)
{
	char *buf = malloc(r->max);
	size_t held = 0;   /* an unfinished character kept for the next chunk */
	int rc = EXIT_OK;

	*total = 0;
	if (!buf)
		return fail("out of memory");
	while (rc == EXIT_OK) {
		ssize_t got = r->read(r->ctx, buf + held, r->max - held, &rc);
		if (got < 0)
			break;
		if (got == 0) {
			/* The end: what was kept goes out as it is. */
			if (held)
				rc = r->chunk(r->ctx, buf, held, *total);
			if (rc == EXIT_OK)
				*total += held;
			break;
		}
		size_t n = held + (size_t)got;
		size_t cut = utf8_whole_prefix((const unsigned char *)buf, n);
		held = n - cut;
		if (cut == 0)
			continue;   /* 1 to 3 bytes of one character: wait for the rest */
		rc = r->chunk(r->ctx, buf, cut, *total);
		if (rc == EXIT_OK)
			*total += cut;
		memmove(buf, buf + cut, held);
	}
	free(buf);
	return rc;
}
