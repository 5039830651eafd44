/* watch's view: peeking at the selected queue's first messages, copied
 * with MSG_COPY so that nothing is taken (watchview.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "mech/queue.h"
#include "lib/size.h"
#include "cmd/watchview.h"

static void peek_line(struct view *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void peek_line(struct view *v, const char *fmt, ...)
{
	va_list ap;

	if (v->npeek >= PEEK_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(v->peek[v->npeek++], LINE_MAX_TEXT, fmt, ap);
	va_end(ap);
}

/* One message as a line: its index, type, size and its first bytes in
 * the shown form (a control character as \xHH, a NUL as \x00). */
static void peek_message(struct view *v, size_t index, const struct queue_record *rec)
{
	enum { SHOWN_BYTES = 60 };
	char part[SHOWN_BYTES + 1], shown[4 * SHOWN_BYTES + 1];
	size_t n = rec->size < SHOWN_BYTES ? rec->size : SHOWN_BYTES, at = 0;

	shown[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t len = strnlen(rec->data + i, n - i);
		memcpy(part, rec->data + i, len);
		part[len] = '\0';
		shown_form(part, shown + at, sizeof(shown) - at);
		at += strlen(shown + at);
		i += len;
		if (i < n) {   /* a NUL */
			at += (size_t)snprintf(shown + at, sizeof(shown) - at, "\\x00");
			i++;
		}
	}
	peek_line(v, "#%zu  type %ld  %zu %s  %s%s", index, rec->tag, rec->size, plural(rec->size, "byte", "bytes"), shown,
		  rec->size > n ? "..." : "");
}

static void peek_queue(struct view *v, const struct watch_obj *o)
{
	struct target t;
	struct queue q;
	char why[LINE_MAX_TEXT];

	target_init(&t);
	t.kind = TARGET_ID;
	t.id = o->row.sysv->id;
	snprintf(t.text, sizeof(t.text), "%d", t.id);
	peek_line(v, "Message queue id %d: its first messages, copied (nothing taken)", t.id);
	error_capture(why, sizeof(why));
	if (queue_open(&q, &t) != 0) {
		peek_line(v, "%s", why);
		error_capture(v->message, sizeof(v->message));
		return;
	}
	struct queue_record *rec = malloc(queue_record_span(q.max_message));
	size_t index = 0;
	for (; rec && index < PEEK_MESSAGES; index++) {
		enum queue_result r = queue_copy(&q, index, rec, q.max_message);
		if (r == QUEUE_NOTHING)
			break;
		if (r != QUEUE_OK) {
			queue_report(&q, "peek at");
			peek_line(v, "%s", why);
			break;
		}
		peek_message(v, index, rec);
	}
	if (!rec)
		peek_line(v, "out of memory");
	else if (index == 0 && v->npeek == 1)
		peek_line(v, "(empty)");
	else if (index == PEEK_MESSAGES)
		peek_line(v, "... and maybe more");
	free(rec);
	queue_close(&q);
	error_capture(v->message, sizeof(v->message));
}

void peek(struct view *v)
{
	const struct watch_obj *o = row_at(v, v->selected, NULL);

	v->npeek = 0;
	v->overlay = OVERLAY_PEEK;
	if (!o)
		peek_line(v, "Nothing is selected");
	else if (watch_obj_state(v->w, o) == WATCH_GONE)
		peek_line(v, "This object is gone");
	else if (o->table == NKINDS + IPC_KIND_QUEUE)
		peek_line(v, "POSIX message queues cannot be peeked: the kernel cannot read a message without taking it");
	else if (o->table != IPC_KIND_QUEUE)
		peek_line(v, "Peek shows a message queue's messages: select a System V queue");
	else
		peek_queue(v, o);
	if (v->npeek == 1)
		peek_line(v, "%s", "");
	peek_line(v, "Any key closes this.");
}
