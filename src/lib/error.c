#include "lib/error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/progress.h"

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

/* ipctool(1) EXIT STATUS: one line, whatever the message carries (a name with a newline,
 * bytes that are not UTF-8): it is printed in the shown form. */
static void print_prefixed(const char *fmt, va_list ap, const char *suffix)
{
	char *message = NULL;
	va_list copy;

	if (capture_buf) {
		capture(fmt, ap, suffix);
		return;
	}
	/* A status line on stderr would run into the message. */
	progress_erase_for_message();
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

/* The one line of FMT's ..., with REASON after it (or none). */
#define PRINT_LINE(fmt, reason)                          \
	do {                                             \
		va_list ap;                              \
		va_start(ap, fmt);                       \
		print_prefixed(fmt, ap, reason);         \
		va_end(ap);                              \
	} while (0)

int fail(const char *fmt, ...)
{
	PRINT_LINE(fmt, NULL);
	return EXIT_FAIL;
}

int fail_errno(const char *fmt, ...)
{
	const char *reason = strerror(errno);

	PRINT_LINE(fmt, reason);
	return EXIT_FAIL;
}

int usage_error(const char *fmt, ...)
{
	PRINT_LINE(fmt, NULL);
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

/* The code point of the LEN-byte UTF-8 character at S (valid: see
 * utf8_char_len). */
static uint32_t utf8_code_point(const unsigned char *s, size_t len)
{
	static const unsigned char lead_bits[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	uint32_t cp = s[0] & lead_bits[len];

	for (size_t k = 1; k < len; k++)
		cp = cp << 6 | (s[k] & 0x3F);
	return cp;
}

/* Unicode's format characters (general category Cf, Unicode 15) and the
 * line and paragraph separators: invisible, yet a terminal lets them
 * reorder what follows (U+202E between "/q" and "txt.exe" shows
 * "/qexe.txt"), hide text or break the line, so that a name could pass
 * for another. */
static bool is_format_char(const unsigned char *s, size_t len)
{
	static const struct { uint32_t lo, hi; } ranges[] = {
		{ 0x00AD, 0x00AD }, { 0x0600, 0x0605 }, { 0x061C, 0x061C }, { 0x06DD, 0x06DD },
		{ 0x070F, 0x070F }, { 0x0890, 0x0891 }, { 0x08E2, 0x08E2 }, { 0x180E, 0x180E },
		{ 0x200B, 0x200F }, { 0x2028, 0x202E }, { 0x2060, 0x2064 }, { 0x2066, 0x206F },
		{ 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB }, { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD },
		{ 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A }, { 0xE0001, 0xE0001 },
		{ 0xE0020, 0xE007F },
	};

	if (len < 2)
		return false;
	uint32_t cp = utf8_code_point(s, len);
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]) && ranges[i].lo <= cp; i++)
		if (cp <= ranges[i].hi)
			return true;
	return false;
}

/* The character at S (N > 0 bytes left) in the shown form: itself, or
 * \xHH for a control character, a format character, a byte that is not
 * UTF-8 (one byte at a time: the rest of an escaped character is not
 * UTF-8 on its own, so it follows byte by byte) and a backslash before
 * 'x' (so that every \xHH is an escape).  Stores at most 4 bytes in OUT
 * and returns how many; *USED is how many bytes of S it took. */
static size_t shown_char(const unsigned char *s, size_t n, char out[4], size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = utf8_char_len(s, n);
	bool escape = len == 0 || s[0] < 0x20 || s[0] == 0x7f || is_c1_control(s, len) ||
		      is_format_char(s, len) || (s[0] == '\\' && n > 1 && s[1] == 'x');

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
	PRINT_LINE(fmt, NULL);
}

int cli_bad_value(const char *option, const char *text, const char *why)
{
	return usage_error("invalid %s value '%s': %s", option, quote_input(text), why);
}
