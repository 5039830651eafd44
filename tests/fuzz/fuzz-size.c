/* parse_size (src/lib/parse.c) against ipctool(1) EXIT STATUS, ipctool-mkq(1): decimal bytes with an
 * optional K, M or G suffix (powers of 1024; lower case too), no overflow
 * when the suffix is applied, range checked, tried with each range the
 * subcommands use. */
#include <limits.h>
#include <stdint.h>

#include "../../src/lib/parse.h"
#include "fuzz.h"

/* The implementation refuses texts of 32 characters or more, leading
 * zeros included (man/ipctool.1, Numbers); no real size is that long. */
enum { SIZE_TEXT_MAX = 31 };

static const struct { unsigned long long min, max; } ranges[] = {
	{ 1, INT_MAX }, { 1, LONG_MAX }, { 1, SIZE_MAX }, { 0, SIZE_MAX }, { 0, ULLONG_MAX },
	{ 1024, 1024 },
};

static int ref_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	}
	return -1;
}

static bool ref_size(const char *text, unsigned long long min, unsigned long long max,
		     unsigned long long *out)
{
	size_t len = strlen(text);
	int shift = 0;
	unsigned long long v;

	if (len == 0 || len > SIZE_TEXT_MAX)
		return false;
	if (ref_shift(text[len - 1]) >= 0)
		shift = ref_shift(text[--len]);
	if (!ref_decimal(text, len, &v))
		return false;
	/* v * 2^shift must stay below 2^64. */
	for (int i = 0; i < shift; i++) {
		if (v > UINT64_MAX / 2)
			return false;
		v *= 2;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		unsigned long long want = 0, got = 0x5eed;
		bool ok = ref_size(text, ranges[i].min, ranges[i].max, &want);
		const char *why = parse_size(text, ranges[i].min, ranges[i].max, &got);
		if (ok != (why == NULL))
			fuzz_mismatch(text, "parse_size(%llu..%llu) %s, reference %s", ranges[i].min,
				      ranges[i].max, why ? "refused it" : "accepted it",
				      ok ? "accepts" : "refuses");
		if (ok && got != want)
			fuzz_mismatch(text, "parse_size gave %llu, reference %llu", got, want);
	}
	free(text);
	return 0;
}
