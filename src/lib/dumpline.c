/* Reading one line of a dump (see dumpline.h). */
#include "lib/dumpline.h"


#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "lib/janssondl.h"
#include "lib/json.h"

static const char *const kind_words[] = { "queue", "shm", "sem" };

const char *dump_kind_word(enum ipc_kind kind)
{
	return kind_words[kind];
}

int dump_append_name(struct buf *b, const char *name)
{
	bool exact;

	return buf_append_str(b, ",\"name\":") || json_append_text(b, name, &exact) ||
	       (!exact && json_append_base64_member(b, "name", name));
}

int dump_append_chunk(struct buf *b, unsigned long long offset, const void *bytes, size_t n)
{
	if (buf_printf(b, "{\"offset\":%llu,\"data_base64\":\"", offset) ||
	    base64_append(b, bytes, n))
		return -1;
	return buf_append(b, "\"}", 2);
}

static const char *bad_member(char why[JSON_WHY_MAX], const char *name, const char *what)
{
	return json_why(why, "\"%s\" is missing or not %s", name, what);
}

/* Member NAME as an integer from LOW to HIGH. */
static const char *get_int(json_t *obj, const char *name, long long low, long long high, long long *v,
			   char why[JSON_WHY_MAX])
{
	json_t *m = json_object_get(obj, name);

	if (!json_is_integer(m) || json_integer_value(m) < low || json_integer_value(m) > high) {
		snprintf(why, JSON_WHY_MAX, "\"%s\" is missing or not an integer from %lld to %lld", name, low, high);
		return why;
	}
	*v = json_integer_value(m);
	return NULL;
}

/* "0x" and one to eight hex digits, as dump writes keys. */
static bool parse_key(const char *s, key_t *key)
{
	unsigned long v = 0;
	size_t i;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2])
		return false;
	for (i = 2; s[i]; i++) {
		int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0'
			: s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10
			: s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 10 : -1;
		if (d < 0 || i >= 10)
			return false;
		v = v * 16 + (unsigned long)d;
	}
	*key = (key_t)(unsigned)v;
	return true;
}

/* An octal string "0600", at most 0777. */
static bool parse_mode(const char *s, unsigned *mode)
{
	unsigned v = 0;

	if (!*s || strlen(s) > 4)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return false;
		v = v * 8 + (unsigned)(*s - '0');
	}
	if (v > 0777)
		return false;
	*mode = v;
	return true;
}

static bool posix_name_ok(const char *s, size_t len)
{
	return len >= 2 && len <= POSIX_NAME_MAX + 1 && s[0] == '/' && !memchr(s + 1, '/', len - 1) &&
	       !memchr(s, '\0', len);
}

/* "name", or "name_base64" when the name is not UTF-8. */
static const char *get_name(json_t *obj, struct dump_object *o, char why[JSON_WHY_MAX])
{
	json_t *b64 = json_object_get(obj, "name_base64");
	json_t *text = json_object_get(obj, "name");
	unsigned char decoded[(POSIX_NAME_MAX + 2) / 3 * 4 + 4];
	const char *s;
	size_t len;

	if (b64) {
		if (!json_is_string(b64) || json_string_length(b64) > sizeof(decoded) / 4 * 4 ||
		    json_string_length(b64) > (POSIX_NAME_MAX + 4) / 3 * 4)
			return bad_member(why, "name_base64", "a POSIX name in base64");
		long got = base64_decode(json_string_value(b64), json_string_length(b64), decoded);
		if (got < 0)
			return bad_member(why, "name_base64", "a POSIX name in base64");
		s = (const char *)decoded;
		len = (size_t)got;
	} else {
		if (!json_is_string(text))
			return bad_member(why, "name", "a string");
		s = json_string_value(text);
		len = json_string_length(text);
	}
	if (!posix_name_ok(s, len))
		return json_why(why, "the name is not '/' and 1 to 255 bytes with no other '/'");
	memcpy(o->name, s, len);
	o->name[len] = '\0';
	return NULL;
}

/* Member NAME's text, "" when it is missing or no string (which no
 * parser below takes). */
static const char *member_text(json_t *obj, const char *name)
{
	json_t *m = json_object_get(obj, name);

	return json_is_string(m) ? json_string_value(m) : "";
}

static const char *get_ids(json_t *obj, struct dump_object *o, char why[JSON_WHY_MAX])
{
	long long id;
	const char *bad;

	if (!parse_key(member_text(obj, "key"), &o->key))
		return bad_member(why, "key", "a key as \"0x000004d2\"");
	if (!(bad = get_int(obj, "id", 0, 0x7fffffff, &id, why)))
		o->id = (int)id;
	return bad;
}

/* (uid_t)-1 means "unchanged" to chown and IPC_SET: never an owner. */
static const char *get_owner(json_t *obj, struct dump_object *o, char why[JSON_WHY_MAX])
{
	long long uid, gid;
	const char *bad;

	if (!parse_mode(member_text(obj, "mode"), &o->mode))
		return bad_member(why, "mode", "an octal mode as \"0600\"");
	if ((bad = get_int(obj, "uid", 0, 0xfffffffe, &uid, why)) || (bad = get_int(obj, "gid", 0, 0xfffffffe, &gid, why)))
		return bad;
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
	return NULL;
}

static const char *get_values(json_t *obj, struct dump_line *out, char why[JSON_WHY_MAX])
{
	json_t *values = json_object_get(obj, "values");
	long long nsems;
	const char *bad;
	/* SEMVMX for a System V set; SEM_VALUE_MAX (INT_MAX) for POSIX. */
	long long high = out->obj.posix ? 0x7fffffff : 32767;

	if ((bad = get_int(obj, "nsems", 1, out->obj.posix ? 1 : DUMP_VALUES_MAX, &nsems, why)))
		return bad;
	out->obj.nsems = (size_t)nsems;
	if (!json_is_array(values) || json_array_size(values) != out->obj.nsems)
		return json_why(why, "\"values\" is missing or does not hold \"nsems\" values");
	for (size_t i = 0; i < out->obj.nsems; i++) {
		json_t *v = json_array_get(values, i);
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > high) {
			snprintf(why, JSON_WHY_MAX, "semaphore value %zu is not an integer from 0 to %lld", i, high);
			return why;
		}
		out->values[i] = (unsigned)json_integer_value(v);
	}
	return NULL;
}

static const char *get_limits(json_t *obj, struct dump_line *out, char why[JSON_WHY_MAX])
{
	struct dump_object *o = &out->obj;
	long long v;
	const char *bad;

	switch (o->kind) {
	case IPC_KIND_QUEUE:
		if (!o->posix) {
			if ((bad = get_int(obj, "max_bytes", 0, 0x7fffffffffffffffLL, &v, why)))
				return bad;
			o->max_bytes = (unsigned long long)v;
			return NULL;
		}
		if ((bad = get_int(obj, "max_messages", 1, 0x7fffffff, &o->max_messages, why)) ||
		    (bad = get_int(obj, "message_size", 1, 0x7fffffff, &o->message_size, why)))
			return bad;
		json_t *messages = json_object_get(obj, "messages");
		if (messages && !json_is_null(messages))
			return json_why(why, "\"messages\" in a queue's line can only be null");
		o->messages_null = messages != NULL;
		return NULL;
	case IPC_KIND_SHM:
		if ((bad = get_int(obj, "size", 0, 0x7fffffffffffffffLL, &v, why)))
			return bad;
		o->size = (unsigned long long)v;
		return NULL;
	case IPC_KIND_SEM:
		return get_values(obj, out, why);
	}
	return NULL;
}

static const char *parse_object(json_t *obj, struct dump_line *out, char why[JSON_WHY_MAX])
{
	json_t *kind = json_object_get(obj, "kind");
	json_t *family = json_object_get(obj, "family");
	struct dump_object *o = &out->obj;
	const char *bad;
	int k;

	if (!json_is_string(kind))
		return json_why(why, "it is neither an object nor the end of one (no \"kind\")");
	for (k = 0; k < 3; k++)
		if (strcmp(json_string_value(kind), kind_words[k]) == 0)
			break;
	if (k == 3)
		return json_why(why, "\"kind\" is not \"queue\", \"shm\" or \"sem\"");
	if (!json_is_string(family) || (strcmp(json_string_value(family), "sysv") != 0 &&
					strcmp(json_string_value(family), "posix") != 0))
		return bad_member(why, "family", "\"sysv\" or \"posix\"");
	out->kind = DUMP_OBJECT;
	o->kind = (enum ipc_kind)k;
	o->posix = strcmp(json_string_value(family), "posix") == 0;
	if ((bad = o->posix ? get_name(obj, o, why) : get_ids(obj, o, why)) || (bad = get_owner(obj, o, why)))
		return bad;
	return get_limits(obj, out, why);
}

static const char *parse_end(json_t *obj, const struct dump_object *inside, struct dump_line *out,
			     char why[JSON_WHY_MAX])
{
	json_t *end = json_object_get(obj, "end");
	long long v = 0;
	const char *bad;

	if (!json_is_string(end) || strcmp(json_string_value(end), kind_words[inside->kind]) != 0) {
		snprintf(why, JSON_WHY_MAX, "\"end\" is not \"%s\", the kind of the object it ends",
			 kind_words[inside->kind]);
		return why;
	}
	out->kind = DUMP_END;
	if (inside->kind == IPC_KIND_QUEUE && (bad = get_int(obj, "messages", 0, 0x7fffffffffffffffLL, &v, why)))
		return bad;
	if (inside->kind == IPC_KIND_SHM && (bad = get_int(obj, "chunks", 0, 0x7fffffffffffffffLL, &v, why)))
		return bad;
	out->count = (unsigned long long)v;
	return NULL;
}

/* A chunk line exactly as dump writes it, {"offset":N,"data_base64":"..."}
 * with nothing else, is read without jansson: its lexer, a character at a
 * time, was two thirds of restoring a segment.  Any other spelling (white
 * space, other members, escapes) goes the general way, so both accept the
 * same lines.  Returns false when LINE is not of that form. */
static bool chunk_fast(const char *line, size_t n, unsigned long long *offset, const char **b64, size_t *len)
{
	static const char head[] = "{\"offset\":", mid[] = ",\"data_base64\":\"";
	size_t at = sizeof(head) - 1, digits = 0;
	unsigned long long v = 0;

	if (n < at || memcmp(line, head, at) != 0)
		return false;
	/* JSON's digits: no leading zero, and within int64 as jansson's. */
	while (at + digits < n && line[at + digits] >= '0' && line[at + digits] <= '9') {
		if (digits == 18 || (digits == 1 && v == 0))
			return false;
		v = v * 10 + (unsigned)(line[at + digits] - '0');
		digits++;
	}
	at += digits;
	if (digits == 0 || n - at < sizeof(mid) - 1 + 2 || memcmp(line + at, mid, sizeof(mid) - 1) != 0 ||
	    memcmp(line + n - 2, "\"}", 2) != 0)
		return false;
	at += sizeof(mid) - 1;
	*b64 = line + at;
	*len = n - 2 - at;
	/* Base64 has no quote or backslash: anything else is decoded or refused. */
	if (memchr(*b64, '"', *len) || memchr(*b64, '\\', *len))
		return false;
	*offset = v;
	return true;
}

static const char *chunk_bytes(unsigned long long offset, const char *b64, size_t len,
			       const struct dump_object *inside, char *data, struct dump_line *out,
			       char why[JSON_WHY_MAX])
{
	long got = base64_decode(b64, len, (unsigned char *)data);

	if (got < 0)
		return bad_member(why, "data_base64", "padded standard base64");
	if (offset > inside->size || (unsigned long long)got > inside->size - offset) {
		snprintf(why, JSON_WHY_MAX, "its %ld bytes at offset %llu go past the segment's %llu", got, offset,
			 inside->size);
		return why;
	}
	out->kind = DUMP_CHUNK_LINE;
	out->offset = offset;
	out->size = (size_t)got;
	return NULL;
}

static const char *parse_chunk(json_t *obj, const struct dump_object *inside, char *data,
			       struct dump_line *out, char why[JSON_WHY_MAX])
{
	json_t *b64 = json_object_get(obj, "data_base64");
	long long offset;
	const char *bad;

	if ((bad = get_int(obj, "offset", 0, 0x7fffffffffffffffLL, &offset, why)))
		return bad;
	if (!json_is_string(b64))
		return bad_member(why, "data_base64", "a string");
	return chunk_bytes((unsigned long long)offset, json_string_value(b64), json_string_length(b64), inside,
			   data, out, why);
}

static const char *parse_message(json_t *obj, const struct dump_object *inside, char *data,
				 struct dump_line *out, char why[JSON_WHY_MAX])
{
	const char *tag_name = inside->posix ? "priority" : "type";
	struct json_message m;
	const char *bad;

	if (inside->messages_null)
		return json_why(why, "a message in a queue dumped without its messages (\"messages\": null)");
	if ((bad = json_message_check(obj, tag_name, data, &m, why)))
		return bad;
	/* A System V type is 1 to LONG_MAX; a POSIX priority 0 to MQ_PRIO_MAX - 1. */
	if (!m.has_tag || m.tag < (inside->posix ? 0 : 1) || m.tag > (inside->posix ? 32767 : 0x7fffffffffffffffLL)) {
		snprintf(why, JSON_WHY_MAX, "\"%s\" is missing or out of range", tag_name);
		return why;
	}
	out->kind = DUMP_MESSAGE;
	out->tag = m.tag;
	out->size = m.size;
	return NULL;
}

static const char *parse_header(json_t *obj, char why[JSON_WHY_MAX])
{
	json_t *format = json_object_get(obj, "ipctool_dump");

	if (!format)
		return json_why(why, "it is not a dump's first line ({\"ipctool_dump\":1,...}): is this an ipctool dump?");
	if (!json_is_integer(format) || json_integer_value(format) != DUMP_FORMAT) {
		snprintf(why, JSON_WHY_MAX, "the dump's format is not %d, the one this ipctool reads", DUMP_FORMAT);
		return why;
	}
	return NULL;
}

static const char *parse_in(json_t *obj, unsigned long long number, const struct dump_object *inside,
			    char *data, struct dump_line *out, char why[JSON_WHY_MAX])
{
	if (!json_is_object(obj))
		return json_why(why, "it is not a JSON object");
	if (number == 1) {
		out->kind = DUMP_HEADER;
		return parse_header(obj, why);
	}
	if (!inside)
		return parse_object(obj, out, why);
	if (json_object_get(obj, "end"))
		return parse_end(obj, inside, out, why);
	switch (inside->kind) {
	case IPC_KIND_QUEUE: return parse_message(obj, inside, data, out, why);
	case IPC_KIND_SHM: return parse_chunk(obj, inside, data, out, why);
	case IPC_KIND_SEM: break;
	}
	return json_why(why, "a semaphore set's line is followed by its end line only");
}

const char *dump_line_parse(const char *line, size_t n, unsigned long long number,
			    const struct dump_object *inside, char *data, struct dump_line *out,
			    char why[JSON_WHY_MAX])
{
	unsigned *values = out->values;

	memset(out, 0, sizeof(*out));
	out->values = values;
	unsigned long long offset;
	const char *b64;
	size_t len;
	if (inside && inside->kind == IPC_KIND_SHM && number > 1 && chunk_fast(line, n, &offset, &b64, &len))
		return chunk_bytes(offset, b64, len, inside, data, out, why);
	json_t *obj = json_line_load(line, n, why);
	if (!obj)
		return why;
	const char *bad = parse_in(obj, number, inside, data, out, why);
	json_line_free(obj);
	return bad;
}
