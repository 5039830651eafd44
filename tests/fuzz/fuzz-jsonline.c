/* json_message_parse (src/lib/jsonline.c), what send --json reads, against
 * what recv --json writes (ipctool-recv(1)): any bytes, written as recv writes
 * them ("data" when they are UTF-8, else "data_base64") with a type, must
 * parse back to the same bytes and type; and the raw input, parsed as a
 * line, must never crash or claim more bytes than the line had. */
#include "../../src/lib/buf.h"
#include "../../src/lib/json.h"
#include "../../src/lib/jsonline.h"
#include "fuzz.h"

static void round_trip(const uint8_t *data, size_t size)
{
	struct buf line = { 0 };
	struct json_message m;
	char why[JSON_WHY_MAX];
	bool text = utf8_valid(data, size);

	if (buf_printf(&line, "{\"type\":%zu,\"size\":%zu,\"%s\":", size + 1, size,
		       text ? "data" : "data_base64") != 0)
		abort();
	if (text ? json_append_string(&line, (const char *)data, size) != 0
		 : (buf_append(&line, "\"", 1) != 0 || base64_append(&line, data, size) != 0 ||
		    buf_append(&line, "\"", 1) != 0))
		abort();
	if (buf_append(&line, "}", 1) != 0)
		abort();
	char *decoded = malloc(line.len + 1);
	if (!decoded)
		abort();
	const char *bad = json_message_parse(line.data, line.len, "type", decoded, &m, why);
	if (bad)
		fuzz_mismatch("(round trip)", "a line recv --json would write was refused: %s", bad);
	else if (!m.has_tag || m.tag != (long long)size + 1 || m.size != size ||
		 (size && memcmp(decoded, data, size) != 0))
		fuzz_mismatch("(round trip)", "the %zu bytes came back different", size);
	free(decoded);
	buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_message m;
	char why[JSON_WHY_MAX];
	char *decoded = malloc(size + 1);

	if (!decoded)
		abort();
	if (!json_message_parse((const char *)data, size, "type", decoded, &m, why) && m.size > size)
		fuzz_mismatch("(raw line)", "%zu bytes decoded from a %zu-byte line", m.size, size);
	free(decoded);
	round_trip(data, size);
	return 0;
}
