/* parse_age (src/lib/parse.c) against ipctool-list(1): a whole decimal number
 * followed by one unit, s, m, h or d, which is required; no sign, no
 * spaces, no fraction; at most DURATION_MAX_SECONDS once in seconds. */
#include "../../src/lib/parse.h"
#include "fuzz.h"

/* The implementation refuses more than 15 digits, leading zeros
 * included (man/ipctool-list.1, --older-than). */
enum { AGE_DIGITS_MAX = 15 };

static bool ref_age(const char *text, long long *out)
{
	size_t len = strlen(text);
	unsigned long long v, unit;

	if (len < 2 || len - 1 > AGE_DIGITS_MAX || !ref_decimal(text, len - 1, &v))
		return false;
	switch (text[len - 1]) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 60 * 60; break;
	case 'd': unit = 24 * 60 * 60; break;
	default: return false;
	}
	if (v > DURATION_MAX_SECONDS / unit)
		return false;
	*out = (long long)(v * unit);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	long long want = -1, got = -1;

	if (!text)
		return 0;
	bool ok = ref_age(text, &want);
	const char *why = parse_age(text, &got);
	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_age %s, reference %s", why ? "refused it" : "accepted it",
			      ok ? "accepts" : "refuses");
	if (ok && got != want)
		fuzz_mismatch(text, "parse_age gave %lld, reference %lld", got, want);
	free(text);
	return 0;
}
