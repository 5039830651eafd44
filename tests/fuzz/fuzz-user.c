/* parse_user (src/lib/parse.c), --user of list and rm: decimal digits are a
 * uid, 0 to 4294967294 ((uid_t)-1 is no uid: chown(2)'s "unchanged");
 * anything else is a user name, looked up.  The reference reads
 * /etc/passwd itself once; the harness expects names from files only
 * (nsswitch "files"), as in the test containers. */
#include <sys/types.h>

#include "../../src/lib/parse.h"
#include "fuzz.h"

enum { USERS_MAX = 1024 };
static struct { char name[64]; unsigned long long uid; } users[USERS_MAX];
static size_t nusers;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char line[1024];
	FILE *f = fopen("/etc/passwd", "r");

	(void)argc;
	(void)argv;
	if (!f)
		abort();
	while (nusers < USERS_MAX && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		char *uid = colon ? strchr(colon + 1, ':') : NULL;
		if (!uid || (size_t)(colon - line) >= sizeof(users[0].name))
			continue;
		memcpy(users[nusers].name, line, (size_t)(colon - line));
		users[nusers].name[colon - line] = '\0';
		users[nusers].uid = strtoull(uid + 1, NULL, 10);
		nusers++;
	}
	fclose(f);
	return 0;
}

static bool ref_user(const char *text, unsigned long long *out)
{
	if (strspn(text, "0123456789") == strlen(text) && *text)
		return ref_decimal(text, strlen(text), out) && *out <= 4294967294ULL;
	for (size_t i = 0; i < nusers; i++) {
		if (strcmp(users[i].name, text) == 0) {
			*out = users[i].uid;
			return true;
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	unsigned long long want = 0;
	uid_t got = 12345;

	if (!text)
		return 0;
	bool ok = ref_user(text, &want);
	const char *why = parse_user(text, &got);
	if (ok != (why == NULL))
		fuzz_mismatch(text, "parse_user %s, reference %s", why ? "refused it" : "accepted it",
			      ok ? "accepts" : "refuses");
	if (ok && got != want)
		fuzz_mismatch(text, "parse_user gave %u, reference %llu", (unsigned)got, want);
	free(text);
	return 0;
}
