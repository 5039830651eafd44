#include "lib/parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for the expectation phrase handed back to the caller; one command
 * line is parsed at a time, so one buffer is enough. */
static char expectation[128];

static const char *expect_range(const char *what, long long min, unsigned long long max, bool neg)
{
	if (neg)
		snprintf(expectation, sizeof(expectation), "expected %s from %lld to %llu",
			 what, min, max);
	else
		snprintf(expectation, sizeof(expectation), "expected %s from %llu to %llu",
			 what, (unsigned long long)min, max);
	return expectation;
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool parse_shown(const char *text, char *out, size_t size, size_t *len)
{
	size_t at = 0;

	while (*text) {
		if (at + 1 >= size)
			return false;
		int hi, lo;
		if (text[0] == '\\' && text[1] == 'x' && (hi = hex_value(text[2])) >= 0 &&
		    (lo = hex_value(text[3])) >= 0) {
			out[at++] = (char)(hi << 4 | lo);
			text += 4;
		} else {
			out[at++] = *text++;
		}
	}
	out[at] = '\0';
	*len = at;
	return true;
}

bool is_all_digits(const char *text)
{
	if (!*text)
		return false;
	for (; *text; text++)
		if (!isdigit((unsigned char)*text))
			return false;
	return true;
}

static bool is_hex_form(const char *text)
{
	if (text[0] != '0' || (text[1] != 'x' && text[1] != 'X') || !text[2])
		return false;
	for (text += 2; *text; text++)
		if (!isxdigit((unsigned char)*text))
			return false;
	return true;
}

/* Digits only, in BASE; strtoull alone would accept spaces, signs and "0x". */
static bool to_ull(const char *digits, int base, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(digits, &end, base);
	return errno == 0 && *end == '\0';
}

const char *parse_unsigned(const char *text, unsigned long long min,
			   unsigned long long max, unsigned long long *out)
{
	unsigned long long v;

	if (!is_all_digits(text) || !to_ull(text, 10, &v) || v < min || v > max)
		return expect_range("a whole number", (long long)min, max, false);
	*out = v;
	return NULL;
}

const char *parse_signed(const char *text, long long min, long long max, long long *out)
{
	bool negative = text[0] == '-';
	unsigned long long magnitude;
	const char *why = expect_range("a whole number", min, (unsigned long long)max, min < 0);

	if (!is_all_digits(text + negative) || !to_ull(text + negative, 10, &magnitude))
		return why;
	if (negative) {
		if (magnitude > (unsigned long long)LLONG_MAX + 1)
			return why;
		long long v = magnitude == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)magnitude;
		if (v < min)
			return why;
		*out = v;
		return NULL;
	}
	if (magnitude > (unsigned long long)max || (long long)magnitude < min)
		return why;
	*out = (long long)magnitude;
	return NULL;
}

const char *parse_key(const char *text, key_t *out)
{
	unsigned long long v;
	bool ok;

	if (is_hex_form(text))
		ok = to_ull(text + 2, 16, &v);
	else
		ok = is_all_digits(text) && to_ull(text, 10, &v);
	if (!ok || v > UINT32_MAX)
		return "expected a key in decimal or 0x hex, from 1 to 0xffffffff";
	if (v == 0)
		return "key 0 is IPC_PRIVATE and never names an existing object";
	*out = (key_t)(uint32_t)v;
	return NULL;
}

const char *parse_id(const char *text, int *out)
{
	unsigned long long v;
	const char *why = parse_unsigned(text, 0, INT_MAX, &v);

	if (why)
		return why;
	*out = (int)v;
	return NULL;
}

const char *parse_mode(const char *text, mode_t *out)
{
	unsigned long long v;
	const char *why = "expected an octal mode from 0 to 0777";

	for (const char *p = text; *p; p++)
		if (*p < '0' || *p > '7')
			return why;
	if (!*text || strlen(text) > 12 || !to_ull(text, 8, &v) || v > 0777)
		return why;
	*out = (mode_t)v;
	return NULL;
}

static int size_shift(char suffix)
{
	switch (suffix) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	default: return -1;
	}
}

const char *parse_size(const char *text, unsigned long long min,
		       unsigned long long max, unsigned long long *out)
{
	char digits[32];
	size_t len = strlen(text);
	int shift = 0;
	unsigned long long v;

	snprintf(expectation, sizeof(expectation),
		 "expected a size in bytes (K, M, G suffixes allowed) from %llu to %llu", min, max);
	if (len == 0 || len >= sizeof(digits))
		return expectation;
	memcpy(digits, text, len + 1);
	if (!isdigit((unsigned char)digits[len - 1])) {
		shift = size_shift(digits[len - 1]);
		if (shift < 0)
			return expectation;
		digits[len - 1] = '\0';
	}
	if (!is_all_digits(digits) || !to_ull(digits, 10, &v))
		return expectation;
	if (shift && v > (ULLONG_MAX >> shift))
		return expectation;
	v <<= shift;
	if (v < min || v > max)
		return expectation;
	*out = v;
	return NULL;
}

const char *parse_duration(const char *text, struct timespec *out)
{
	static const char why[] = "expected seconds as a decimal number such as 3, 0.25 or .5, at most 1000000000";
	const char *dot = strchr(text, '.');
	size_t int_len = dot ? (size_t)(dot - text) : strlen(text);
	unsigned long long secs = 0;
	long nanos = 0;
	char int_part[16];

	if (int_len >= sizeof(int_part))
		return why;
	memcpy(int_part, text, int_len);
	int_part[int_len] = '\0';
	if (int_len && (!is_all_digits(int_part) || !to_ull(int_part, 10, &secs)))
		return why;
	if (dot) {
		const char *frac = dot + 1;
		if (!is_all_digits(frac))
			return why;
		/* Nanosecond resolution; digits past the ninth are accepted and dropped. */
		long scale = 100000000;
		for (const char *p = frac; *p && scale > 0; p++, scale /= 10)
			nanos += (*p - '0') * scale;
	} else if (!int_len) {
		return why;
	}
	if (secs > DURATION_MAX_SECONDS || (secs == DURATION_MAX_SECONDS && nanos))
		return why;
	out->tv_sec = (time_t)secs;
	out->tv_nsec = nanos;
	return NULL;
}

static long long unit_seconds(char unit)
{
	switch (unit) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 86400;
	default: return 0;
	}
}

const char *parse_age(const char *text, long long *seconds)
{
	static const char why[] = "expected a whole number and a unit, s, m, h or d (90s, 30m, 12h, 7d), "
				  "at most 1000000000 seconds";
	size_t len = strlen(text);
	char digits[16];
	unsigned long long v;

	if (len < 2 || len - 1 >= sizeof(digits))
		return why;
	long long unit = unit_seconds(text[len - 1]);
	memcpy(digits, text, len - 1);
	digits[len - 1] = '\0';
	if (!unit || !is_all_digits(digits) || !to_ull(digits, 10, &v) ||
	    v > (unsigned long long)DURATION_MAX_SECONDS / (unsigned long long)unit)
		return why;
	*seconds = (long long)v * unit;
	return NULL;
}

const char *parse_user(const char *text, uid_t *uid)
{
	unsigned long long v;

	if (is_all_digits(text)) {
		const char *why = parse_unsigned(text, 0, (uid_t)-2, &v);
		if (why)
			return why;
		*uid = (uid_t)v;
		return NULL;
	}
	struct passwd *pw = getpwnam(text);
	if (!pw)
		return "no such user (give a user name or a uid)";
	*uid = pw->pw_uid;
	return NULL;
}
