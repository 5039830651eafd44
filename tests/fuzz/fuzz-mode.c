/* parse_mode (src/lib/parse.c) against ipctool(1) EXIT STATUS: octal digits only, at most 0777. */
#include <sys/stat.h>

#include "../../src/lib/parse.h"
#include "fuzz.h"

/* The implementation refuses modes longer than 12 characters, leading
 * zeros included (man/ipctool.1, Numbers). */
enum { MODE_TEXT_MAX = 12 };

static bool ref_mode(const char *text, unsigned *out)
{
	size_t len = strlen(text);
	unsigned v = 0;

	if (len == 0 || len > MODE_TEXT_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '7')
			return false;
		v = v * 8 + (unsigned)(text[i] - '0');
		if (v > 0777)
			return false;
	}
	*out = v;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	unsigned want = 0;
	mode_t got = 01000;

	if (!text)
		return 0;
	bool ok = ref_mode(text, &want);
	const char *why = parse_mode(text, &got);
	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_mode %s, reference %s", why ? "refused it" : "accepted it",
			      ok ? "accepts" : "refuses");
	if (ok && got != want)
		fuzz_mismatch(text, "parse_mode gave 0%o, reference 0%o", (unsigned)got, want);
	if (!ok && got != 01000)
		fuzz_mismatch(text, "parse_mode refused it but stored 0%o", (unsigned)got);
	free(text);
	return 0;
}
