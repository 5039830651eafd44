#include "lib/hexdump.h"

#include <string.h>

void hexdump_start(struct hexdump *h, unsigned long long start)
{
	memset(h, 0, sizeof(*h));
	h->at = start;
}

static int hex_line(struct buf *out, unsigned long long at, const unsigned char *p, size_t n)
{
	char ascii[17];
	int rc = buf_printf(out, "%08llx ", at);

	for (size_t i = 0; i < 16 && rc == 0; i++) {
		if (i == 8)
			rc = buf_append(out, " ", 1);
		if (rc == 0)
			rc = i < n ? buf_printf(out, " %02x", p[i]) : buf_append(out, "   ", 3);
		ascii[i] = i < n && p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	}
	return rc ? rc : buf_printf(out, "  |%.*s|\n", (int)n, ascii);
}

int hexdump_lines(struct hexdump *h, struct buf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 16) {
		size_t line = n - i < 16 ? n - i : 16;
		if (line == 16 && h->have_last && memcmp(p + i, h->last, 16) == 0) {
			if (!h->squeezing && buf_append(out, "*\n", 2) != 0)
				return -1;
			h->squeezing = true;
		} else {
			h->squeezing = false;
			if (hex_line(out, h->at, p + i, line) != 0)
				return -1;
		}
		if (line == 16) {
			memcpy(h->last, p + i, 16);
			h->have_last = true;
		}
		h->at += line;
	}
	return 0;
}

int hexdump_end(const struct hexdump *h, struct buf *out)
{
	return buf_printf(out, "%08llx\n", h->at);
}

int hexdump_whole(struct buf *out, const void *p, size_t n)
{
	struct hexdump h;

	hexdump_start(&h, 0);
	return hexdump_lines(&h, out, p, n) || hexdump_end(&h, out);
}
