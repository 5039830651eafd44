#include "lib/size.h"

#include <stdio.h>

/* The power of 1024 (as a shift) that BYTES is written in. */
static int size_exponent(uint64_t bytes)
{
	int shift;

	for (shift = 10; shift <= 60; shift += 10)
		if (bytes < (UINT64_C(1) << shift))
			break;
	return shift - 10;
}

const char *size_human(uint64_t bytes, char *buf)
{
	static const char letters[] = "BKMGTPE";
	int exp = size_exponent(bytes);
	uint64_t whole = exp ? bytes >> exp : bytes;
	uint64_t frac = exp ? bytes & ((UINT64_C(1) << exp) - 1) : 0;

	if (frac) {
		/* Three digits after the point, then rounded to one, as
		 * util-linux's size_to_human_string does. */
		if (frac >= UINT64_MAX / 1000)
			frac = ((frac / 1024) * 1000) / (UINT64_C(1) << (exp - 10));
		else
			frac = (frac * 1000) / (UINT64_C(1) << exp);
		frac = (frac + 50) / 100;
		if (frac == 10) {
			whole++;
			frac = 0;
		}
	}
	/* whole is below 1024 (at most 16 for E), frac one digit. */
	if (frac)
		snprintf(buf, SIZE_HUMAN_MAX, "%u.%u%c", (unsigned)whole, (unsigned)frac, letters[exp / 10]);
	else
		snprintf(buf, SIZE_HUMAN_MAX, "%u%c", (unsigned)whole, letters[exp / 10]);
	return buf;
}

const char *plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
