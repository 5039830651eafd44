/* parse_unsigned and parse_signed (src/lib/parse.c) against ipctool(1) EXIT STATUS, ipctool(1) SECURITY:
 * decimal digits only, no sign where the value cannot be negative, no
 * spaces, no exponent, no trailing garbage, range checked.  Every input is
 * tried with each range the subcommands use. */
#include <limits.h>
#include <stdint.h>

#include "../../src/lib/parse.h"
#include "fuzz.h"

static const struct { unsigned long long min, max; } unsigned_ranges[] = {
	{ 0, ULLONG_MAX }, { 0, LLONG_MAX }, { 1, LONG_MAX }, { 1, INT_MAX },
	{ 0, INT_MAX }, { 1, 255 }, { 0, USHRT_MAX }, { 0, 32767 }, { 0, 4294967294ULL }, { 0, 0 },
};

static const struct { long long min, max; } signed_ranges[] = {
	{ 1, LONG_MAX }, { -LONG_MAX, LONG_MAX }, { INT_MIN, INT_MAX }, { LLONG_MIN, LLONG_MAX },
	{ -5, 5 },
};

static void check_unsigned(const char *text, unsigned long long min, unsigned long long max)
{
	unsigned long long want = 0, got = 0xdeadbeef;
	bool ok = ref_decimal(text, strlen(text), &want) && want >= min && want <= max;
	const char *why = parse_unsigned(text, min, max, &got);

	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_unsigned(%llu..%llu) %s, reference %s", min, max,
			      why ? "refused it" : "accepted it", ok ? "accepts" : "refuses");
	if (ok && got != want)
		fuzz_mismatch(text, "parse_unsigned(%llu..%llu) gave %llu, reference %llu", min, max, got, want);
	if (why && !strstr(why, "whole number"))
		fuzz_mismatch(text, "parse_unsigned's reason \"%s\" does not say what was expected", why);
}

/* Reference: a '-' is allowed only where the range has negative values;
 * then digits as for unsigned, magnitude up to 2^63. */
static bool ref_signed(const char *text, long long min, long long max, long long *out)
{
	bool negative = text[0] == '-' && min < 0;
	unsigned long long magnitude;
	long long v;

	if (!ref_decimal(text + negative, strlen(text + negative), &magnitude))
		return false;
	if (negative) {
		if (magnitude > (unsigned long long)LLONG_MAX + 1)
			return false;
		v = magnitude == 0 ? 0 : -(long long)(magnitude - 1) - 1;
	} else {
		if (magnitude > (unsigned long long)LLONG_MAX)
			return false;
		v = (long long)magnitude;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static void check_signed(const char *text, long long min, long long max)
{
	long long want = 0, got = 0x5eed;
	bool ok = ref_signed(text, min, max, &want);
	const char *why = parse_signed(text, min, max, &got);

	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_signed(%lld..%lld) %s, reference %s", min, max,
			      why ? "refused it" : "accepted it", ok ? "accepts" : "refuses");
	if (ok && got != want)
		fuzz_mismatch(text, "parse_signed(%lld..%lld) gave %lld, reference %lld", min, max, got, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	for (size_t i = 0; i < sizeof(unsigned_ranges) / sizeof(unsigned_ranges[0]); i++)
		check_unsigned(text, unsigned_ranges[i].min, unsigned_ranges[i].max);
	for (size_t i = 0; i < sizeof(signed_ranges) / sizeof(signed_ranges[0]); i++)
		check_signed(text, signed_ranges[i].min, signed_ranges[i].max);
	/* is_all_digits is what the target and signal parsers branch on. */
	bool digits = *text != '\0' && strspn(text, "0123456789") == strlen(text);
	if (is_all_digits(text) != digits)
		fuzz_mismatch(text, "is_all_digits says %d", is_all_digits(text));
	free(text);
	return 0;
}
