/* signal_parse (src/lib/signame.c) against ipctool-signal-send(1): a name with or without
 * SIG in any case, RTMIN+N / RTMAX-N, or a number (1-31 or SIGRTMIN to
 * SIGRTMAX; 0 only where allowed).  Classic names are checked against
 * glibc's own table (sigabbrev_np), so a typo in either shows. */
#include <ctype.h>
#include <signal.h>
#include <strings.h>

#include "../../src/lib/signame.h"
#include "fuzz.h"

/* The implementation refuses names over 15 characters once SIG is
 * stripped ("RTMIN+000000000003"; man/ipctool.1, Signals). */
enum { SIGNAL_TEXT_MAX = 15 };

/* the manual names them as Linux's kill(1) does; glibc calls SIGIO "POLL". */
static const struct { const char *name; int sig; } aliases[] = {
	{ "IOT", SIGABRT }, { "CLD", SIGCHLD }, { "POLL", SIGIO }, { "IO", SIGIO },
};

static bool ref_realtime(const char *name, int *out)
{
	unsigned long long n = 0;
	bool from_min = strncmp(name, "RTMIN", 5) == 0;

	if (!from_min && strncmp(name, "RTMAX", 5) != 0)
		return false;
	if (name[5] != '\0') {
		if (name[5] != (from_min ? '+' : '-') || !ref_decimal(name + 6, strlen(name + 6), &n) ||
		    n > (unsigned long long)(SIGRTMAX - SIGRTMIN))
			return false;
	}
	*out = from_min ? SIGRTMIN + (int)n : SIGRTMAX - (int)n;
	return true;
}

static bool ref_name(const char *text, int *out)
{
	char name[64];
	size_t len;

	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	len = strlen(text);
	if (len == 0 || len > SIGNAL_TEXT_MAX)
		return false;
	for (size_t i = 0; i <= len; i++)
		name[i] = (char)toupper((unsigned char)text[i]);
	for (int sig = 1; sig < 32; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcmp(abbrev, name) == 0) {
			*out = sig;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(aliases[i].name, name) == 0) {
			*out = aliases[i].sig;
			return true;
		}
	}
	return ref_realtime(name, out);
}

static bool ref_signal(const char *text, bool allow_zero, int *out)
{
	unsigned long long n;

	if (!ref_decimal(text, strlen(text), &n))
		return strspn(text, "0123456789") != strlen(text) && ref_name(text, out);
	if ((n == 0 && !allow_zero) || (n > 31 && n < (unsigned long long)SIGRTMIN) ||
	    n > (unsigned long long)SIGRTMAX)
		return false;
	*out = (int)n;
	return true;
}

/* Every signal's printed name parses back to it. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char buf[SIGNAL_NAME_MAX];

	(void)argc;
	(void)argv;
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		int back = -1;
		if (sig > 31 && sig < SIGRTMIN)
			continue;
		const char *name = signal_name(sig, buf);
		if (signal_parse(name, false, &back) || back != sig)
			fuzz_mismatch(name, "signal %d's name does not parse back (got %d)", sig, back);
	}
	return 0;
}

static void check(const char *text, bool allow_zero)
{
	int want = -1, got = -1;
	bool ok = ref_signal(text, allow_zero, &want);
	const char *why = signal_parse(text, allow_zero, &got);

	if (ok != (why == NULL))
		fuzz_mismatch(text, "signal_parse(allow_zero=%d) %s, reference %s", allow_zero,
			      why ? "refused it" : "accepted it", ok ? "accepts" : "refuses");
	if (ok && got != want)
		fuzz_mismatch(text, "signal_parse gave %d, reference %d", got, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	check(text, false);
	check(text, true);
	free(text);
	return 0;
}
