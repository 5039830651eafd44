/* dump_line_parse (src/lib/dumpline.c), restore's reader of one dump line,
 * against what dump writes (ipctool-dump(1)):
 *   - the raw input, as a line in each place a line can stand (the header,
 *     between objects, inside each kind of object), never crashes and never
 *     claims what cannot be: more bytes than the line had, a chunk past its
 *     segment's end, a POSIX name that is not '/' and 1 to 255 bytes with no
 *     other '/', a mode past 0777, a message in a queue dumped without them;
 *   - a chunk line is read the same with a space after its '{' (which
 *     sends it past the reader's fast path for dump's own spelling, to
 *     jansson): the same verdict, offset and bytes;
 *   - a chunk line dump would write for the input's bytes, and an object
 *     line with a POSIX name made of them (name_base64 when not UTF-8),
 *     parse back to the same bytes and name. */
#include "../../src/lib/buf.h"
#include "../../src/lib/dumpline.h"
#include "fuzz.h"

static unsigned values[DUMP_VALUES_MAX];

static void check_raw(const uint8_t *data, size_t size, unsigned long long number,
		      const struct dump_object *inside, char *decoded)
{
	struct dump_line line = { .values = values };
	char why[JSON_WHY_MAX];

	if (dump_line_parse((const char *)data, size, number, inside, decoded, &line, why))
		return;
	switch (line.kind) {
	case DUMP_MESSAGE:
		if (!inside || inside->kind != IPC_KIND_QUEUE || inside->messages_null || line.size > size)
			fuzz_mismatch("(raw line)", "a message of %zu bytes accepted where none may stand", line.size);
		break;
	case DUMP_CHUNK_LINE:
		if (!inside || inside->kind != IPC_KIND_SHM || line.size > size || line.offset > inside->size ||
		    line.size > inside->size - line.offset)
			fuzz_mismatch("(raw line)", "a chunk of %zu bytes at %llu accepted", line.size, line.offset);
		break;
	case DUMP_OBJECT:
		if (inside || number == 1 || line.obj.mode > 0777 ||
		    (line.obj.kind == IPC_KIND_SEM && (line.obj.nsems < 1 || line.obj.nsems > DUMP_VALUES_MAX)))
			fuzz_mismatch("(raw line)", "an object line accepted with mode %o, %zu semaphores",
				      line.obj.mode, line.obj.nsems);
		if (line.obj.posix) {
			size_t len = strlen(line.obj.name);
			if (line.obj.name[0] != '/' || len < 2 || len > 256 || strchr(line.obj.name + 1, '/'))
				fuzz_mismatch("(raw line)", "the POSIX name '%s' accepted", line.obj.name);
		}
		break;
	case DUMP_HEADER:
		if (number != 1)
			fuzz_mismatch("(raw line)", "a header accepted on line %llu", number);
		break;
	case DUMP_END:
		if (!inside)
			fuzz_mismatch("(raw line)", "an end line accepted outside an object");
		break;
	}
}

/* The fast path for chunk lines against jansson's reading of the same line. */
static void chunk_paths_agree(const uint8_t *data, size_t size)
{
	struct dump_object shm = { .kind = IPC_KIND_SHM, .size = 1ULL << 40 };
	struct dump_line fast = { .values = values }, slow = { .values = values };
	char why[JSON_WHY_MAX], why2[JSON_WHY_MAX];

	if (size == 0 || data[0] != '{')
		return;
	char *spaced = malloc(size + 1), *a = malloc(size + 1), *b = malloc(size + 1);
	if (!spaced || !a || !b)
		abort();
	spaced[0] = '{';
	spaced[1] = ' ';
	memcpy(spaced + 2, data + 1, size - 1);
	const char *bad_fast = dump_line_parse((const char *)data, size, 3, &shm, a, &fast, why);
	const char *bad_slow = dump_line_parse(spaced, size + 1, 3, &shm, b, &slow, why2);
	if (!bad_fast != !bad_slow)
		fuzz_mismatch("(chunk paths)", "one reading refused what the other took: %s", bad_fast ? why : why2);
	else if (!bad_fast && (fast.kind != slow.kind || fast.offset != slow.offset || fast.size != slow.size ||
			       (fast.kind == DUMP_CHUNK_LINE && memcmp(a, b, fast.size) != 0)))
		fuzz_mismatch("(chunk paths)", "the two readings differ");
	free(spaced);
	free(a);
	free(b);
}

/* The input's bytes as a chunk at offset 3 of a segment just large enough. */
static void chunk_round_trip(const uint8_t *data, size_t size)
{
	struct dump_object shm = { .kind = IPC_KIND_SHM, .size = size + 3 };
	struct dump_line line = { .values = values };
	struct buf b = { 0 };
	char why[JSON_WHY_MAX];

	if (dump_append_chunk(&b, 3, data, size) != 0)
		abort();
	char *decoded = malloc(b.len + 1);
	if (!decoded)
		abort();
	const char *bad = dump_line_parse(b.data, b.len, 5, &shm, decoded, &line, why);
	if (bad)
		fuzz_mismatch("(chunk round trip)", "a chunk line dump writes was refused: %s", bad);
	else if (line.kind != DUMP_CHUNK_LINE || line.offset != 3 || line.size != size ||
		 (size && memcmp(decoded, data, size) != 0))
		fuzz_mismatch("(chunk round trip)", "the %zu bytes came back different", size);
	free(decoded);
	buf_free(&b);
}

/* A POSIX name from the input: '/', then its bytes with '/' and NUL made
 * 'x', at most 255 of them. */
static void name_round_trip(const uint8_t *data, size_t size)
{
	char name[POSIX_NAME_MAX + 2] = "/";
	size_t n = size < POSIX_NAME_MAX ? size : POSIX_NAME_MAX;
	struct dump_line line = { .values = values };
	struct buf b = { 0 };
	char why[JSON_WHY_MAX];

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		name[i + 1] = data[i] == '/' || data[i] == '\0' ? 'x' : (char)data[i];
	name[n + 1] = '\0';
	if (buf_append_str(&b, "{\"kind\":\"shm\",\"family\":\"posix\"") || dump_append_name(&b, name) ||
	    buf_append_str(&b, ",\"mode\":\"0600\",\"uid\":0,\"gid\":0,\"size\":1}"))
		abort();
	char *decoded = malloc(b.len + 1);
	if (!decoded)
		abort();
	const char *bad = dump_line_parse(b.data, b.len, 2, NULL, decoded, &line, why);
	if (bad)
		fuzz_mismatch("(name round trip)", "an object line dump writes was refused: %s", bad);
	else if (line.kind != DUMP_OBJECT || !line.obj.posix || strcmp(line.obj.name, name) != 0)
		fuzz_mismatch("(name round trip)", "the name '%s' came back as '%s'", name, line.obj.name);
	free(decoded);
	buf_free(&b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_silence_stderr();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dump_object places[] = {
		{ .kind = IPC_KIND_QUEUE },
		{ .kind = IPC_KIND_QUEUE, .posix = true },
		{ .kind = IPC_KIND_QUEUE, .posix = true, .messages_null = true },
		{ .kind = IPC_KIND_SHM, .size = 100 },
		{ .kind = IPC_KIND_SEM, .nsems = 2 },
	};
	char *decoded = malloc(size + 1);

	if (!decoded)
		abort();
	check_raw(data, size, 1, NULL, decoded);
	check_raw(data, size, 2, NULL, decoded);
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++)
		check_raw(data, size, 3, &places[i], decoded);
	free(decoded);
	chunk_paths_agree(data, size);
	chunk_round_trip(data, size);
	name_round_trip(data, size);
	return 0;
}
