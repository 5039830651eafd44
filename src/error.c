#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char *subcommand;

void error_set_subcommand(const char *name)
{
	subcommand = name;
}

const char *error_subcommand(void)
{
	return subcommand;
}

static void put_shown(const char *message);

/* SPEC §2: one line, whatever the message carries (a name with a newline,
 * bytes that are not UTF-8): such characters are shown as escapes. */
static void print_prefixed(const char *fmt, va_list ap, const char *suffix)
{
	char *message = NULL;
	va_list copy;

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

/* The character at S (N > 0 bytes left) as a message shows it: itself, or
 * an escape when it is a control character or not UTF-8.  Stores at most
 * 4 bytes in OUT and returns how many; *USED is how many bytes it took. */
static size_t shown_char(const unsigned char *s, size_t n, char out[4], size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = utf8_char_len(s, n);

	if (len != 0 && s[0] >= 0x20 && s[0] != 0x7f && !is_c1_control(s, len)) {
		memcpy(out, s, len);
		*used = len;
		return len;
	}
	/* A control character or a stray byte: one byte at a time. */
	*used = 1;
	out[0] = '\\';
	switch (s[0]) {
	case '\n': out[1] = 'n'; return 2;
	case '\t': out[1] = 't'; return 2;
	case '\r': out[1] = 'r'; return 2;
	default:
		out[1] = 'x';
		out[2] = hex[s[0] >> 4];
		out[3] = hex[s[0] & 15];
		return 4;
	}
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
	size_t n = strlen(text), chars = 0, used;
	char *start = slots[next], *out = start;

	next = (next + 1) % QUOTE_SLOTS;
	for (size_t i = 0; i < n; i += used, chars++) {
		if (chars == QUOTE_MAX) {
			memcpy(out, "...", 3);
			out += 3;
			break;
		}
		out += shown_char(s + i, n - i, out, &used);
	}
	*out = '\0';
	return start;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, NULL);
	va_end(ap);
}
