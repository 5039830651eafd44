/* Reading back what recv --json writes (see jsonline.h). */
#include "lib/jsonline.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/janssondl.h"
#include "lib/json.h"

/* jansson allocates about ten small blocks for each line (the object, its
 * hash table, the keys, the values, the lexer's buffer) and frees them all
 * in json_decref.  malloc and free were an eighth of the parse, so a line's
 * blocks come from one arena that is simply rewound after the line; a
 * block that does not fit (a long message) comes from malloc.  jansson's
 * allocator is process-wide: only this file uses jansson, one line at a
 * time. */
enum { ARENA_SIZE = 64 * 1024, ARENA_ALIGN = 16 };
static _Alignas(ARENA_ALIGN) unsigned char arena[ARENA_SIZE];
static size_t arena_used;

static void *arena_alloc(size_t n)
{
	size_t rounded = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (rounded < n || rounded > ARENA_SIZE - arena_used)
		return malloc(n);
	void *p = arena + arena_used;
	arena_used += rounded;
	return p;
}

static bool in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + ARENA_SIZE;
}

static void arena_free(void *p)
{
	if (!in_arena(p))
		free(p);
}

static void arena_take_jansson(void)
{
	static bool done;

	if (!done) {
		json_set_alloc_funcs(arena_alloc, arena_free);
		done = true;
	}
}

bool json_line_blank(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r", line[i]))
			return false;
	return true;
}

const char *json_why(char why[JSON_WHY_MAX], const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(why, JSON_WHY_MAX, format, ap);
	va_end(ap);
	return why;
}

static const char *member_is_not(char why[JSON_WHY_MAX], const char *name, const char *what)
{
	return json_why(why, "\"%s\" is not %s", name, what);
}

/* The message's bytes, from "data" or "data_base64". */
static const char *take_data(json_t *obj, char *data, struct json_message *m, char why[JSON_WHY_MAX])
{
	json_t *text = json_object_get(obj, "data");
	json_t *b64 = json_object_get(obj, "data_base64");

	if (!text == !b64)
		return json_why(why, "%s", text ? "it has both \"data\" and \"data_base64\""
				   : "it has neither \"data\" nor \"data_base64\"");
	json_t *v = text ? text : b64;
	if (!json_is_string(v))
		return member_is_not(why, text ? "data" : "data_base64", "a string");
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (text) {
		memcpy(data, s, len);
		m->size = len;
		return NULL;
	}
	long got = base64_decode(s, len, (unsigned char *)data);
	if (got < 0)
		return member_is_not(why, "data_base64", "padded standard base64");
	m->size = (size_t)got;
	return NULL;
}

const char *json_message_check(json_t *obj, const char *tag_name, char *data, struct json_message *m,
			       char why[JSON_WHY_MAX])
{
	const char *bad;

	memset(m, 0, sizeof(*m));
	if (!json_is_object(obj))
		return json_why(why, "it is not a JSON object");
	json_t *tag = json_object_get(obj, tag_name);
	m->has_tag = tag != NULL;
	if (tag) {
		if (!json_is_integer(tag))
			return member_is_not(why, tag_name, "an integer");
		m->tag = json_integer_value(tag);
	}
	if ((bad = take_data(obj, data, m, why)))
		return bad;
	json_t *size = json_object_get(obj, "size");
	if (size && (!json_is_integer(size) || json_integer_value(size) < 0 ||
		     (unsigned long long)json_integer_value(size) != m->size)) {
		snprintf(why, JSON_WHY_MAX, "\"size\" does not match the %zu bytes of its data", m->size);
		return why;
	}
	return NULL;
}

json_t *json_line_load(const char *line, size_t n, char why[JSON_WHY_MAX])
{
	json_error_t err;
	const char *missing = jansson_load();

	if (missing) {
		snprintf(why, JSON_WHY_MAX, "%s", missing);
		return NULL;
	}
	arena_take_jansson();
	arena_used = 0;
	/* JSON_ALLOW_NUL: a message may hold NUL bytes, written as \u0000. */
	json_t *obj = json_loadb(line, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (!obj) {
		arena_used = 0;
		snprintf(why, JSON_WHY_MAX, "it is not JSON (%s)", err.text);
	}
	return obj;
}

void json_line_free(json_t *obj)
{
	/* json_decref, whose inline body calls the library directly: a line's
	 * object comes from json_loadb with one reference, never taken again. */
	if (obj)
		json_delete(obj);
	arena_used = 0;
}

const char *json_message_parse(const char *line, size_t n, const char *tag_name,
			       char *data, struct json_message *m, char why[JSON_WHY_MAX])
{
	json_t *obj = json_line_load(line, n, why);
	const char *bad;

	if (!obj) {
		memset(m, 0, sizeof(*m));
		return why;
	}
	bad = json_message_check(obj, tag_name, data, m, why);
	json_line_free(obj);
	return bad;
}
