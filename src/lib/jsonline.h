/* One line of JSON Lines as `recv --json` writes it, read back for
 * `send --json` (ipctool-recv(1)): an object with the tag ("type" or "priority"),
 * "data" (a string) or "data_base64", exactly one of them, and an optional
 * "size" that must match; other members are ignored.  Parsed by jansson. */
#ifndef IPCTOOL_JSONLINE_H
#define IPCTOOL_JSONLINE_H

#include <stdbool.h>
#include <stddef.h>

struct json_message {
	bool has_tag;
	long long tag;           /* as written; the caller checks its range */
	size_t size;             /* bytes of data */
};

enum { JSON_WHY_MAX = 200 };

/* Set WHY to the text of FORMAT, why a line was refused (for the caller's
 * one-line error); returns WHY.  Every reader of JSON lines says it so. */
const char *json_why(char why[JSON_WHY_MAX], const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Parse LINE (N bytes, no newline).  The message's bytes go to DATA,
 * which has room for N bytes (a message is never longer than its line).
 * Returns NULL, or why the line is not such an object (in WHY). */
const char *json_message_parse(const char *line, size_t n, const char *tag_name,
			       char *data, struct json_message *m, char why[JSON_WHY_MAX]);

/* The same in parts, for a reader of other lines too (restore's): load
 * LINE with jansson (NULL, and why in WHY, when it is not JSON), look at
 * it, check a message in it, and free it.  One line at a time: the next
 * load reuses the memory of the last. */
struct json_t;
struct json_t *json_line_load(const char *line, size_t n, char why[JSON_WHY_MAX]);
const char *json_message_check(struct json_t *obj, const char *tag_name, char *data,
			       struct json_message *m, char why[JSON_WHY_MAX]);
void json_line_free(struct json_t *obj);

/* True when LINE holds nothing but JSON white space (a blank line). */
bool json_line_blank(const char *line, size_t n);

#endif
