/* --ftok PATH[:PROJ] (target_set_ftok in src/lib/target.c) against ipctool(1) TARGET
 * §12: split at the last ':'; digits after it are PROJ and must be 1-255;
 * one non-digit character is PROJ; nothing after it is a usage error;
 * anything else means the whole string is PATH and PROJ is 1.  PATH may
 * not be empty.  Nothing here calls ftok(3): the key is made later. */
#include "../../src/lib/error.h"
#include "../../src/lib/target.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_silence_stderr();
	return 0;
}

/* Reference: the path length and PROJ, or false for a usage error. */
static bool ref_ftok(const char *text, size_t *path_len, int *proj)
{
	const char *colon = strrchr(text, ':');
	unsigned long long v;

	*path_len = strlen(text);
	*proj = 1;
	if (colon) {
		const char *p = colon + 1;
		size_t n = strlen(p);
		if (n == 0)
			return false;
		if (ref_decimal(p, n, &v)) {
			if (v < 1 || v > 255)
				return false;
			*proj = (int)v;
			*path_len = (size_t)(colon - text);
		} else if (n == 1 && !(p[0] >= '0' && p[0] <= '9')) {
			*proj = (unsigned char)p[0];
			*path_len = (size_t)(colon - text);
		} else if (strspn(p, "0123456789") == n) {
			return false;   /* digits too many for 64 bits: out of range */
		}
	}
	return *path_len > 0 && *path_len < sizeof(((struct target *)0)->path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct target t;
	size_t path_len;
	int proj;

	if (!text)
		return 0;
	bool ok = ref_ftok(text, &path_len, &proj);
	target_init(&t);
	int rc = target_set_ftok(&t, text);
	if (rc != 0 && rc != EXIT_USAGE)
		fuzz_mismatch(text, "--ftok returned %d, not 0 or the usage status", rc);
	if ((rc == 0) != ok)
		fuzz_mismatch(text, "--ftok gave status %d, reference %s", rc, ok ? "accepts" : "refuses");
	if (ok && (t.kind != TARGET_FTOK || t.proj != proj || strlen(t.path) != path_len ||
		   memcmp(t.path, text, path_len) != 0))
		fuzz_mismatch(text, "--ftok gave path \"%s\" proj %d, reference %zu bytes proj %d", t.path,
			      t.proj, path_len, proj);
	if (!ok && t.kind != TARGET_NONE)
		fuzz_mismatch(text, "--ftok refused it but set kind %d", t.kind);
	free(text);
	return 0;
}
