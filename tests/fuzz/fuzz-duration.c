/* parse_duration (src/lib/parse.c) against ipctool(1) EXIT STATUS, ipctool(1): decimal seconds
 * ("3", "0.25", ".5"), finite, not negative, no sign, no exponent, at most
 * DURATION_MAX_SECONDS; nanosecond resolution, further digits dropped.
 * The value is also checked against strtod, an independent reading. */
#include <math.h>

#include "../../src/lib/parse.h"
#include "fuzz.h"

/* The implementation refuses more than 15 digits before the point,
 * leading zeros included (man/ipctool.1, Numbers). */
enum { DURATION_INT_DIGITS_MAX = 15 };

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static bool ref_duration(const char *text, struct timespec *out)
{
	const char *dot = strchr(text, '.');
	size_t int_len = dot ? (size_t)(dot - text) : strlen(text);
	unsigned long long secs = 0;
	long nanos = 0;

	if (int_len > DURATION_INT_DIGITS_MAX)
		return false;
	if (int_len && !ref_decimal(text, int_len, &secs))
		return false;
	if (dot) {
		const char *frac = dot + 1;
		size_t frac_len = strlen(frac);
		if (frac_len == 0 || !all_digits(frac, frac_len))
			return false;
		for (size_t i = 0; i < 9; i++)
			nanos = nanos * 10 + (i < frac_len ? frac[i] - '0' : 0);
	} else if (int_len == 0) {
		return false;
	}
	if (secs > DURATION_MAX_SECONDS || (secs == DURATION_MAX_SECONDS && nanos > 0))
		return false;
	out->tv_sec = (time_t)secs;
	out->tv_nsec = nanos;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct timespec want = { 0, 0 }, got = { -1, -1 };

	if (!text)
		return 0;
	bool ok = ref_duration(text, &want);
	const char *why = parse_duration(text, &got);
	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_duration %s, reference %s", why ? "refused it" : "accepted it",
			      ok ? "accepts" : "refuses");
	if (ok) {
		if (got.tv_sec != want.tv_sec || got.tv_nsec != want.tv_nsec)
			fuzz_mismatch(text, "parse_duration gave %lld.%09ld, reference %lld.%09ld",
				      (long long)got.tv_sec, got.tv_nsec, (long long)want.tv_sec, want.tv_nsec);
		if (got.tv_nsec < 0 || got.tv_nsec >= 1000000000L || got.tv_sec < 0)
			fuzz_mismatch(text, "parse_duration gave a malformed timespec");
		double d = strtod(text, NULL);
		double v = (double)got.tv_sec + (double)got.tv_nsec / 1e9;
		if (!isfinite(d) || d < 0 || fabs(d - v) > 2e-9 * (1 + d))
			fuzz_mismatch(text, "parse_duration gave %.9f, strtod reads %.9f", v, d);
	}
	free(text);
	return 0;
}
