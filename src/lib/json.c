#include "lib/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF, since a JSON parser would reject or alter those bytes. */
size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF) {
		if (c == 0xE0) *lo = 0xA0;
		if (c == 0xED) *hi = 0x9F;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (c == 0xF0) *lo = 0x90;
		if (c == 0xF4) *hi = 0x8F;
		return 4;
	}
	return 0;
}

size_t utf8_char_len(const unsigned char *s, size_t n)
{
	unsigned char lo, hi;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	len = utf8_lead(s[0], &lo, &hi);
	if (len == 0 || n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	return len;
}

bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = utf8_char_len(s + i, n - i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

int json_append_string(struct buf *b, const char *s, size_t n)
{
	/* Worst case every byte becomes \u00XX. */
	if (n > ((size_t)-1 - 2) / 6 || buf_reserve(b, n * 6 + 2) != 0)
		return -1;
	char *out = b->data + b->len;
	*out++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': *out++ = '\\'; *out++ = '"'; break;
		case '\\': *out++ = '\\'; *out++ = '\\'; break;
		case '\n': *out++ = '\\'; *out++ = 'n'; break;
		case '\r': *out++ = '\\'; *out++ = 'r'; break;
		case '\t': *out++ = '\\'; *out++ = 't'; break;
		case '\b': *out++ = '\\'; *out++ = 'b'; break;
		case '\f': *out++ = '\\'; *out++ = 'f'; break;
		default:
			if (c < 0x20) {
				static const char hex[] = "0123456789abcdef";
				*out++ = '\\'; *out++ = 'u'; *out++ = '0'; *out++ = '0';
				*out++ = hex[c >> 4];
				*out++ = hex[c & 15];
			} else {
				*out++ = (char)c;
			}
		}
	}
	*out++ = '"';
	b->len = (size_t)(out - b->data);
	return 0;
}

int base64_append(struct buf *b, const unsigned char *s, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t groups = n / 3 + (n % 3 != 0);

	if (groups > ((size_t)-1) / 4 || buf_reserve(b, groups * 4) != 0)
		return -1;
	char *out = b->data + b->len;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = alphabet[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = '=';
	}
	b->len = (size_t)(out - b->data);
	return 0;
}

static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	return c == '/' ? 63 : -1;
}

long base64_decode(const char *s, size_t n, unsigned char *out)
{
	size_t len = 0;

	if (n % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		bool last = i + 4 == n;
		int pad = last ? (s[i + 3] == '=') + (s[i + 2] == '=' && s[i + 3] == '=') : 0;
		int v[4];
		for (int k = 0; k < 4 - pad; k++)
			if ((v[k] = base64_value((unsigned char)s[i + k])) < 0)
				return -1;
		for (int k = 4 - pad; k < 4; k++)
			v[k] = 0;
		unsigned bits = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
		/* Bits beyond the last byte must be zero: one spelling per input. */
		if ((pad == 1 && (bits & 0xff)) || (pad == 2 && (bits & 0xffff)))
			return -1;
		out[len++] = (unsigned char)(bits >> 16);
		if (pad < 2)
			out[len++] = (unsigned char)(bits >> 8);
		if (pad < 1)
			out[len++] = (unsigned char)bits;
	}
	return (long)len;
}

int json_append_text(struct buf *b, const char *s, bool *exact)
{
	size_t n = strlen(s);

	*exact = utf8_valid((const unsigned char *)s, n);
	if (*exact)
		return json_append_string(b, s, n);
	/* The shown form is at most four bytes for each one. */
	char *shown = malloc(4 * n + 1);
	if (!shown)
		return -1;
	shown_form(s, shown, 4 * n + 1);
	int rc = json_append_string(b, shown, strlen(shown));
	free(shown);
	return rc;
}

int json_append_base64_member(struct buf *b, const char *key, const char *s)
{
	return buf_printf(b, ",\"%s_base64\":\"", key) ||
	       base64_append(b, (const unsigned char *)s, strlen(s)) || buf_append(b, "\"", 1);
}

int json_append_message(struct buf *b, const char *tag_name, long tag, const void *data, size_t n)
{
	const unsigned char *bytes = data;
	bool text = utf8_valid(bytes, n);

	if (buf_printf(b, "{\"%s\":%ld,\"size\":%zu,\"%s\":", tag_name, tag, n,
		       text ? "data" : "data_base64") != 0)
		return -1;
	if (text ? json_append_string(b, data, n) != 0
		 : (buf_append(b, "\"", 1) != 0 || base64_append(b, bytes, n) != 0 ||
		    buf_append(b, "\"", 1) != 0))
		return -1;
	return buf_append(b, "}", 1);
}
