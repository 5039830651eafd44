/* parse_key and parse_id (src/lib/parse.c) against ipctool(1) TARGET, ipctool(1) EXIT STATUS: a key is
 * decimal or 0x hex, 1 to 0xffffffff, key 0 (IPC_PRIVATE) refused with a
 * reason of its own; an id is decimal, 0 to INT_MAX. */
#include <limits.h>
#include <stdint.h>

#include "../../src/lib/parse.h"
#include "fuzz.h"

static void check_key(const char *text)
{
	unsigned long long want = 0;
	bool form = ref_hex(text, &want) || ref_decimal(text, strlen(text), &want);
	bool ok = form && want >= 1 && want <= UINT32_MAX;
	key_t got = 0;
	const char *why = parse_key(text, &got);

	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_key %s, reference %s", why ? "refused it" : "accepted it",
			      ok ? "accepts" : "refuses");
	if (ok && (uint32_t)got != (uint32_t)want)
		fuzz_mismatch(text, "parse_key gave 0x%08x, reference 0x%08llx", (unsigned)(uint32_t)got, want);
	if (form && want == 0 && (!why || !strstr(why, "IPC_PRIVATE")))
		fuzz_mismatch(text, "key 0 not refused as IPC_PRIVATE (%s)", why ? why : "accepted");
}

static void check_id(const char *text)
{
	unsigned long long want = 0;
	bool ok = ref_decimal(text, strlen(text), &want) && want <= INT_MAX;
	int got = -1;
	const char *why = parse_id(text, &got);

	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_id %s, reference %s", why ? "refused it" : "accepted it",
			      ok ? "accepts" : "refuses");
	if (ok && (unsigned long long)got != want)
		fuzz_mismatch(text, "parse_id gave %d, reference %llu", got, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	check_key(text);
	check_id(text);
	free(text);
	return 0;
}
