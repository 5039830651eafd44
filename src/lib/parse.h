/* Strict parsers for the numbers users type (ipctool(1) EXIT STATUS, ipctool(1) SECURITY, ipctool(1) "Numbers").
 * Each returns NULL when TEXT is valid and stores the value, or returns a
 * phrase saying what was expected ("a whole number from 1 to 255"), which
 * the caller puts into its usage error.  No sign where a value cannot be
 * negative, no spaces, no exponent, no trailing garbage. */
#ifndef IPCTOOL_PARSE_H
#define IPCTOOL_PARSE_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/* Longest duration accepted, in seconds (about 31 years). */
#define DURATION_MAX_SECONDS 1000000000LL

const char *parse_unsigned(const char *text, unsigned long long min,
			   unsigned long long max, unsigned long long *out);
const char *parse_signed(const char *text, long long min, long long max, long long *out);
/* A System V key: decimal or 0x hex, 1 to 0xffffffff (0 is IPC_PRIVATE). */
const char *parse_key(const char *text, key_t *out);
/* A System V id: decimal, 0 to INT_MAX. */
const char *parse_id(const char *text, int *out);
/* Octal permission bits, at most 0777. */
const char *parse_mode(const char *text, mode_t *out);
/* Bytes with an optional K, M or G (powers of 1024) suffix. */
const char *parse_size(const char *text, unsigned long long min,
		       unsigned long long max, unsigned long long *out);
/* Decimal seconds ("3", "0.25", ".5"), 0 to DURATION_MAX_SECONDS. */
const char *parse_duration(const char *text, struct timespec *out);
/* An age ("0s", "90s", "30m", "12h", "7d"): a whole decimal number and a
 * unit, s, m, h or d, which is required; at most DURATION_MAX_SECONDS
 * once in seconds.  Stores the seconds. */
const char *parse_age(const char *text, long long *seconds);

/* The reverse of shown_form (error.h): each \xHH (two hex digits) in
 * TEXT becomes the byte HH, any other character stays.  Stores the result
 * and its length in OUT (SIZE bytes) and *LEN; returns false when it does
 * not fit.  The result may hold a NUL: the caller decides. */
bool parse_shown(const char *text, char *out, size_t size, size_t *len);

bool is_all_digits(const char *text);

/* --user USER: a name or a uid.  NULL when valid, else a phrase. */
const char *parse_user(const char *text, uid_t *uid);

#endif
