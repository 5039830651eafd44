/* target_parse and --key (src/lib/target.c) against ipctool(1) TARGET, ipctool(1): decimal
 * digits are an id (0 to INT_MAX), 0x hex a key (1 to 0xffffffff), '/' and
 * 1 to 255 characters with no further '/' (and not "." or "..") a POSIX
 * name; anything else, or a second target, is a usage error (status 2)
 * with one "ipctool: SUBCOMMAND: ..." message and the Try hint. */
#include <limits.h>
#include <stdint.h>

#include "../../src/lib/error.h"
#include "../../src/lib/target.h"
#include "fuzz.h"

static char err_buf[16384];
static const char try_hint[] = "Try 'ipctool fuzz --help' for more information.\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_report_stream = stderr;
	stderr = fmemopen(err_buf, sizeof(err_buf), "w");
	if (!stderr)
		abort();
	error_set_subcommand("fuzz");
	return 0;
}

static void error_reset(void)
{
	fflush(stderr);
	rewind(stderr);
	memset(err_buf, 0, sizeof(err_buf));
}

/* After a call that returned RC: a usage error printed as the project
 * prints them, or nothing printed at all after success. */
static void check_report(const char *text, const char *call, int rc)
{
	fflush(stderr);
	size_t len = strlen(err_buf);
	if (rc == 0 && len != 0)
		fuzz_mismatch(text, "%s succeeded but printed \"%s\"", call, err_buf);
	if (rc == 0)
		return;
	if (rc != EXIT_USAGE)
		fuzz_mismatch(text, "%s returned %d, not the usage status %d", call, rc, EXIT_USAGE);
	if (strncmp(err_buf, "ipctool: fuzz: ", 15) != 0 || len < sizeof(try_hint) ||
	    strcmp(err_buf + len - (sizeof(try_hint) - 1), try_hint) != 0)
		fuzz_mismatch(text, "%s printed a malformed usage error \"%s\"", call, err_buf);
}

static bool ref_posix_name(const char *text)
{
	size_t len = strlen(text);

	return text[0] == '/' && len >= 2 && len - 1 <= POSIX_NAME_MAX && !strchr(text + 1, '/') &&
	       strcmp(text, "/.") != 0 && strcmp(text, "/..") != 0;
}

static void check_positional(const char *text)
{
	struct target t;
	unsigned long long v = 0;
	enum target_kind want = TARGET_NONE;

	static char name[8192];
	if (text[0] == '/')
		/* A name is taken as typed (ipctool(1)): "\\x41" is a backslash and three characters. */
		want = strlen(text) < sizeof(name) && snprintf(name, sizeof(name), "%s", text) >= 0 &&
		       ref_posix_name(name) ? TARGET_POSIX : TARGET_NONE;
	else if (ref_hex(text, &v))
		want = v >= 1 && v <= UINT32_MAX ? TARGET_KEY : TARGET_NONE;
	else if (ref_decimal(text, strlen(text), &v))
		want = v <= INT_MAX ? TARGET_ID : TARGET_NONE;

	target_init(&t);
	error_reset();
	int rc = target_parse(&t, text);
	check_report(text, "target_parse", rc);
	if ((rc == 0) != (want != TARGET_NONE) || (rc == 0 && t.kind != want))
		fuzz_mismatch(text, "target_parse gave status %d kind %d, reference kind %d", rc, t.kind, want);
	if (rc != 0) {
		if (t.kind != TARGET_NONE)
			fuzz_mismatch(text, "target_parse refused it but set kind %d", t.kind);
		return;
	}
	switch (want) {
	case TARGET_ID:
		if ((unsigned long long)t.id != v)
			fuzz_mismatch(text, "id %d, reference %llu", t.id, v);
		break;
	case TARGET_KEY:
		if ((uint32_t)t.key != v)
			fuzz_mismatch(text, "key 0x%x, reference 0x%llx", (unsigned)(uint32_t)t.key, v);
		break;
	default:
		if (strcmp(t.path, name) != 0 || strcmp(target_describe(&t), name) != 0)
			fuzz_mismatch(text, "POSIX name kept as \"%s\"", t.path);
		break;
	}
	/* A second target, in any form, is a usage error that changes nothing. */
	struct target before = t;
	error_reset();
	rc = target_parse(&t, "/second");
	check_report(text, "a second target_parse", rc);
	if (rc == 0 || memcmp(&before, &t, sizeof(t)) != 0)
		fuzz_mismatch(text, "a second target was taken (status %d)", rc);
}

static void check_key_option(const char *text)
{
	struct target t;
	unsigned long long v = 0;
	bool ok = (ref_hex(text, &v) || ref_decimal(text, strlen(text), &v)) && v >= 1 && v <= UINT32_MAX;

	target_init(&t);
	error_reset();
	int rc = target_set_key(&t, text);
	check_report(text, "--key", rc);
	if ((rc == 0) != ok)
		fuzz_mismatch(text, "--key gave status %d, reference %s", rc, ok ? "accepts" : "refuses");
	if (ok && (t.kind != TARGET_KEY || (uint32_t)t.key != v))
		fuzz_mismatch(text, "--key gave kind %d key 0x%x, reference 0x%llx", t.kind,
			      (unsigned)(uint32_t)t.key, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);

	if (!text)
		return 0;
	check_positional(text);
	check_key_option(text);
	free(text);
	return 0;
}
