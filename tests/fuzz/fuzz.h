/* Shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Each harness feeds one input, as the C string a command line would
 * carry, to one of ipctool's parsers and compares the verdict and value
 * with a reference written here from ipctool(1) EXIT STATUS, ipctool(1) SECURITY, ipctool(1) alone.  A
 * disagreement is reported on stderr and ends the run with abort(), so
 * libFuzzer saves the input as a crash artifact and prints it. */
#ifndef IPCTOOL_FUZZ_H
#define IPCTOOL_FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Where mismatches are reported: the real stderr, even when a harness
 * silences the project's own error messages. */
static FILE *fuzz_report_stream;

/* The input as a C string, or NULL for an input no argv can hold (one
 * with a NUL byte inside).  Freed by the caller. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size))
		return NULL;
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

/* The project's parsers print usage errors on stderr; millions of them
 * would slow the run and bury a report.  The sanitizers and libFuzzer
 * write to file descriptor 2 directly and are not affected. */
static inline void fuzz_silence_stderr(void)
{
	FILE *null = fopen("/dev/null", "w");

	fuzz_report_stream = stderr;
	if (null)
		stderr = null;
}

__attribute__((format(printf, 2, 3), noreturn))
static inline void fuzz_mismatch(const char *text, const char *fmt, ...)
{
	FILE *out = fuzz_report_stream ? fuzz_report_stream : stderr;
	va_list ap;

	fprintf(out, "REFERENCE MISMATCH for input \"");
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		fprintf(out, *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ? "%c" : "\\x%02x", *p);
	fprintf(out, "\": ");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
	abort();
}

/* Reference: TEXT is one or more decimal digits, nothing else, and its
 * value fits 64 bits.  Accumulated by hand (not strtoull, which takes
 * signs, spaces and "0x") with an explicit overflow check. */
static inline bool ref_decimal(const char *text, size_t len, unsigned long long *out)
{
	unsigned long long v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d;
		if (text[i] < '0' || text[i] > '9')
			return false;
		d = (unsigned)(text[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static inline int ref_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reference: "0x" or "0X" and one or more hex digits, value within 64 bits. */
static inline bool ref_hex(const char *text, unsigned long long *out)
{
	unsigned long long v = 0;

	if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X') || !text[2])
		return false;
	for (const char *p = text + 2; *p; p++) {
		int d = ref_hex_digit(*p);
		if (d < 0 || v > (UINT64_MAX >> 4))
			return false;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return true;
}

#endif
