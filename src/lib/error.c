#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char *subcommand;
static char *capture_buf;
static size_t capture_size;

void error_capture(char *buf, size_t size)
{
	capture_buf = size ? buf : NULL;
	capture_size = size;
	if (capture_buf)
		capture_buf[0] = '\0';
}

void error_set_subcommand(const char *name)
{
	subcommand = name;
}

const char *error_subcommand(void)
{
	return subcommand;
}

static void put_shown(const char *message);

/* The message (and SUFFIX) in the shown form into the capture buffer. */
static void capture(const char *fmt, va_list ap, const char *suffix)
{
	char *message = NULL;

	if (vasprintf(&message, fmt, ap) < 0) {
		snprintf(capture_buf, capture_size, "out of memory");
		return;
	}
	shown_form(message, capture_buf, capture_size);
	free(message);
	size_t len = strlen(capture_buf);
	if (suffix && len + 2 < capture_size)
		snprintf(capture_buf + len, capture_size - len, ": %s", suffix);
}

/* SPEC §2: one line, whatever the message carries (a name with a newline,
 * bytes that are not UTF-8): it is printed in the shown form. */
static void print_prefixed(const char *fmt, va_list ap, const char *suffix)
{
	char *message = NULL;
	va_list copy;

	if (capture_buf) {
		capture(fmt, ap, suffix);
		return;
	}
	va_copy(copy, ap);
	if (subcommand)
		fprintf(stderr, "ipctool: %s: ", subcommand);
	else
		fputs("ipctool: ", stderr);
	if (vasprintf(&message, fmt, ap) >= 0) {
		put_shown(message);
		free(message);
	} else {
		vfprintf(stderr, fmt, copy);   /* out of memory: as it is */
	}
	va_end(copy);
	if (suffix)
		fprintf(stderr, ": %s", suffix);
	fputc('\n', stderr);
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, NULL);
	va_end(ap);
	return EXIT_FAIL;
}

int fail_errno(const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, reason);
	va_end(ap);
	return EXIT_FAIL;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, NULL);
	va_end(ap);
	if (subcommand)
		fprintf(stderr, "Try 'ipctool %s --help' for more information.\n", subcommand);
	else
		fputs("Try 'ipctool --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* C1 controls (U+0080 to U+009F) move terminals as C0 ones do. */
static bool is_c1_control(const unsigned char *s, size_t len)
{
	return len == 2 && s[0] == 0xC2 && s[1] < 0xA0;
}

/* The character at S (N > 0 bytes left) in the shown form: itself, or
 * \xHH for a control character, a byte that is not UTF-8 (one byte at a
 * time) and a backslash before 'x' (so that every \xHH is an escape).
 * Stores at most 4 bytes in OUT and returns how many; *USED is how many
 * bytes of S it took. */
static size_t shown_char(const unsigned char *s, size_t n, char out[4], size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = utf8_char_len(s, n);
	bool escape = len == 0 || s[0] < 0x20 || s[0] == 0x7f || is_c1_control(s, len) ||
		      (s[0] == '\\' && n > 1 && s[1] == 'x');

	if (!escape) {
		memcpy(out, s, len);
		*used = len;
		return len;
	}
	*used = 1;
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[s[0] >> 4];
	out[3] = hex[s[0] & 15];
	return 4;
}

char *shown_form(const char *text, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), at = 0;
	char one[4];

	for (size_t i = 0, used; i < n; i += used) {
		size_t len = shown_char(s + i, n - i, one, &used);
		if (at + len >= size)
			break;
		memcpy(out + at, one, len);
		at += len;
	}
	out[at] = '\0';
	return out;
}

/* MESSAGE on stderr as one line: see shown_char. */
static void put_shown(const char *message)
{
	const unsigned char *s = (const unsigned char *)message;
	size_t n = strlen(message);
	char out[4];

	for (size_t i = 0, used; i < n; i += used)
		fwrite(out, 1, shown_char(s + i, n - i, out, &used), stderr);
}

const char *quote_input(const char *text)
{
	static char slots[QUOTE_SLOTS][QUOTE_MAX * 4 + sizeof("...")];
	static size_t next;
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), at = 0;
	char *out = slots[next];

	next = (next + 1) % QUOTE_SLOTS;
	/* Characters are counted as shown_char takes them: a stray byte is one. */
	for (size_t chars = 0; at < n && chars < QUOTE_MAX; chars++) {
		size_t len = utf8_char_len(s + at, n - at);
		at += len ? len : 1;
	}
	memcpy(out, text, at);
	strcpy(out + at, at < n ? "..." : "");
	return out;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, NULL);
	va_end(ap);
}

int cli_bad_value(const char *option, const char *text, const char *why)
{
	return usage_error("invalid %s value '%s': %s", option, quote_input(text), why);
}
