/* watch's full-screen view, like top(1), drawn with ncurses (watch.h).
 *
 * One section per kind and family, as list's table output has them, each
 * with list's columns, what changed since the last sample (columns whose
 * name starts with d) and how long ago queues were last used.  Keys move a
 * selection, sort a section by a column, peek at the selected queue and
 * show the keys.  The terminal is restored on every way out: q, Ctrl-C,
 * a termination signal (its flag is set by wait.c's handler, which does
 * nothing else, and ends the loop here), --count samples, or an error. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/buf.h"
#include "cmd/cursesdl.h"
#include "lib/error.h"
#include "mech/queue.h"
#include "lib/size.h"
#include "lib/wait.h"
#include "cmd/watch.h"

/* ---- columns ----------------------------------------------------------- */

enum vcol_kind { VC_STATE, VC_LIST, VC_FIELD };

struct vcol {
	enum vcol_kind kind;
	enum col col;              /* VC_LIST */
	enum watch_field field;    /* VC_FIELD */
};

enum { MAX_VCOLS = 1 + NCOLS + WF_COUNT };

/* A section's columns: STATE, list's defaults, then watch's fields. */
static size_t table_columns(int table, struct vcol *cols)
{
	const struct kind_info *ki = &kinds_info[table];
	const enum watch_field *fields;
	size_t nfields = watch_table_fields(table, &fields), n = 0;

	cols[n++] = (struct vcol){ .kind = VC_STATE };
	for (size_t i = 0; i < ki->ndefaults; i++)
		cols[n++] = (struct vcol){ .kind = VC_LIST, .col = ki->defaults[i] };
	for (size_t i = 0; i < nfields; i++)
		cols[n++] = (struct vcol){ .kind = VC_FIELD, .field = fields[i] };
	return n;
}

static const char *heading(const struct vcol *c)
{
	switch (c->kind) {
	case VC_STATE: return "STATE";
	case VC_LIST: return columns[c->col].name;
	case VC_FIELD: return watch_fields[c->field].heading;
	}
	return "";
}

static bool numeric(const struct vcol *c)
{
	return c->kind == VC_FIELD ? !watch_fields[c->field].is_list
				   : c->kind == VC_LIST && columns[c->col].type == V_NUMBER;
}

/* "4s", "12m", "3h", "2d": how long ago, short enough for a column. */
static const char *age_text(long long secs, char *buf, size_t size)
{
	if (secs < 120)
		snprintf(buf, size, "%llds", secs);
	else if (secs < 120 * 60)
		snprintf(buf, size, "%lldm", secs / 60);
	else if (secs < 48 * 3600)
		snprintf(buf, size, "%lldh", secs / 3600);
	else
		snprintf(buf, size, "%lldd", secs / 86400);
	return buf;
}

static bool is_age(enum watch_field f)
{
	return f == WF_SEND_AGE || f == WF_RECV_AGE || f == WF_MTIME_AGE;
}

/* A change with its sign, so that 0 and +3 read apart. */
static const char *delta_text(long long v, char *buf, size_t size)
{
	snprintf(buf, size, v > 0 ? "+%lld" : "%lld", v);
	return buf;
}

static const char *list_text(const struct watcher *w, const struct watch_obj *o, enum watch_field f, char *buf,
			     size_t size)
{
	size_t n = watch_list_size(o), at = 0;
	long long v;

	if (n == 0 || !watch_list_value(w, o, f, 0, &v))
		return NULL;
	buf[0] = '\0';
	for (size_t i = 0; i < n && at + 16 < size; i++) {
		watch_list_value(w, o, f, i, &v);
		at += (size_t)snprintf(buf + at, size - at, f == WF_VALUES_DELTA && v > 0 ? "%s+%lld" : "%s%lld",
				       i ? "," : "", v);
	}
	if (at + 16 >= size)
		snprintf(buf + at, size - at, ",...");
	return buf;
}

/* The text of a cell (NULL: none) and, for a numeric one, its value. */
static const char *cell_text(const struct watcher *w, const struct watch_obj *o, const struct vcol *c, char *buf,
			     size_t size, long long *num)
{
	static const char *const states[] = { [WATCH_NEW] = "new", [WATCH_SAME] = "", [WATCH_GONE] = "gone" };
	const char *text;

	*num = 0;
	switch (c->kind) {
	case VC_STATE: return states[watch_obj_state(w, o)];
	case VC_LIST: {
		char raw[4096];
		text = row_cell(&o->row, c->col, raw, sizeof(raw));
		if (text && numeric(c))
			*num = strtoll(text, NULL, 10);
		/* A name from the system, shown as list shows it: one line. */
		return text ? shown_form(text, buf, size) : NULL;
	}
	case VC_FIELD:
		if (watch_fields[c->field].is_list)
			return list_text(w, o, c->field, buf, size);
		if (!watch_field_value(w, o, c->field, num))
			return NULL;
		if (is_age(c->field))
			return age_text(*num, buf, size);
		if (c->field == WF_NCNT || c->field == WF_ZCNT)
			return cell_signed(buf, size, *num);
		return delta_text(*num, buf, size);
	}
	return NULL;
}

/* ---- the view's state -------------------------------------------------- */

enum overlay { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_PEEK };

/* A peek shows this many messages at most; its lines: a title, them, a
 * note that there may be more, and how to close it. */
enum { PEEK_MESSAGES = 10, PEEK_LINES = PEEK_MESSAGES + 4, LINE_MAX_TEXT = 512 };

struct vrow {
	const struct watch_obj *o;
	long long key_num;         /* the sort column's value, numbers */
	char key_text[64];         /* or its text (a copy: qsort moves rows) */
};

struct section {
	int table;
	struct vcol cols[MAX_VCOLS];
	size_t ncols;
	size_t sort;               /* index in cols */
	bool descending;
	struct vrow *rows;
	size_t nrows, cap;
};

struct view {
	struct watcher *w;
	struct timespec interval;
	struct section sections[NTABLES];
	size_t nsections;
	size_t selected;           /* over every section's rows, in order */
	size_t top;                /* first line of the body shown */
	enum overlay overlay;
	char peek[PEEK_LINES][LINE_MAX_TEXT];
	size_t npeek;
	char message[LINE_MAX_TEXT];   /* an error or a note for the bottom line */
	/* The selected object, to keep it selected as samples come. */
	int sel_table;
	int sel_id;
	char sel_name[POSIX_NAME_MAX + 2];
};

static void sections_init(struct view *v)
{
	for (int t = 0; t < NTABLES; t++) {
		if (!(v->w->filter.tables & (1u << t)))
			continue;
		struct section *s = &v->sections[v->nsections++];
		s->table = t;
		s->ncols = table_columns(t, s->cols);
		s->sort = 1;   /* the key or the name: list's order */
	}
	v->sel_table = -1;
}

static void sections_free(struct view *v)
{
	for (size_t i = 0; i < v->nsections; i++)
		free(v->sections[i].rows);
}

static int add_row(struct section *s, const struct watch_obj *o)
{
	struct vrow *rows = array_grow(s->rows, &s->cap, s->nrows, sizeof(*rows), 64);

	if (!rows)
		return fail("out of memory");
	s->rows = rows;
	s->rows[s->nrows++] = (struct vrow){ .o = o };
	return 0;
}

/* qsort has no context argument: the view being sorted. */
static const struct section *sorting;

static int compare_rows(const void *a, const void *b)
{
	const struct vrow *x = a, *y = b;
	int c;

	if (numeric(&sorting->cols[sorting->sort]))
		c = (x->key_num > y->key_num) - (x->key_num < y->key_num);
	else
		c = strcmp(x->key_text, y->key_text);
	/* Stable from sample to sample: ties by position in the sample (a
	 * gone row's is in the previous one's array, hence the integers). */
	if (c == 0)
		c = ((uintptr_t)x->o > (uintptr_t)y->o) - ((uintptr_t)x->o < (uintptr_t)y->o);
	return sorting->descending ? -c : c;
}

static void sort_section(struct view *v, struct section *s)
{
	char buf[4096];

	for (size_t i = 0; i < s->nrows; i++) {
		struct vrow *r = &s->rows[i];
		const char *text = cell_text(v->w, r->o, &s->cols[s->sort], buf, sizeof(buf), &r->key_num);
		snprintf(r->key_text, sizeof(r->key_text), "%s", text ? text : "");
		if (!text && numeric(&s->cols[s->sort]))
			r->key_num = s->descending ? LLONG_MIN : LLONG_MAX;   /* none sorts last */
	}
	sorting = s;
	if (s->nrows > 1)
		qsort(s->rows, s->nrows, sizeof(*s->rows), compare_rows);
}

static size_t total_rows(const struct view *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->nsections; i++)
		n += v->sections[i].nrows;
	return n;
}

static const struct watch_obj *row_at(const struct view *v, size_t index, const struct section **in)
{
	for (size_t i = 0; i < v->nsections; i++) {
		if (index < v->sections[i].nrows) {
			if (in)
				*in = &v->sections[i];
			return v->sections[i].rows[index].o;
		}
		index -= v->sections[i].nrows;
	}
	return NULL;
}

static void remember_selection(struct view *v)
{
	const struct watch_obj *o = row_at(v, v->selected, NULL);

	if (!o)
		return;
	v->sel_table = o->table;
	v->sel_id = o->row.sysv ? o->row.sysv->id : -1;
	snprintf(v->sel_name, sizeof(v->sel_name), "%s", o->row.posix ? o->row.posix->name : "");
}

static bool is_selected_obj(const struct view *v, const struct watch_obj *o)
{
	if (o->table != v->sel_table)
		return false;
	return o->row.sysv ? o->row.sysv->id == v->sel_id : strcmp(o->row.posix->name, v->sel_name) == 0;
}

/* The rows of the latest sample (and those gone since the previous),
 * sorted; the selection stays on its object when it is still there. */
static int rebuild(struct view *v)
{
	const struct watch_sample *s = watcher_latest(v->w);
	const struct watch_obj *gone;
	size_t at = 0;
	int rc = 0;

	for (size_t i = 0; i < v->nsections; i++)
		v->sections[i].nrows = 0;
	for (size_t i = 0; i < v->nsections && rc == 0; i++) {
		struct section *sec = &v->sections[i];
		for (size_t j = 0; j < s->n && rc == 0; j++)
			if (s->objs[j].table == sec->table)
				rc = add_row(sec, &s->objs[j]);
	}
	while (rc == 0 && (gone = watcher_next_gone(v->w, &at)))
		for (size_t i = 0; i < v->nsections && rc == 0; i++)
			if (v->sections[i].table == gone->table)
				rc = add_row(&v->sections[i], gone);
	for (size_t i = 0; i < v->nsections; i++)
		sort_section(v, &v->sections[i]);
	size_t n = total_rows(v);
	for (size_t i = 0; i < n && v->sel_table >= 0; i++)
		if (is_selected_obj(v, row_at(v, i, NULL))) {
			v->selected = i;
			return rc;
		}
	if (v->selected >= n)
		v->selected = n ? n - 1 : 0;
	return rc;
}

/* ---- drawing ----------------------------------------------------------- */

/* Rows start after a column that marks the selected one. */
enum { SELECT_MARK = 2 };

struct widths {
	size_t w[MAX_VCOLS];
};

static void measure(const struct view *v, const struct section *s, struct widths *wd)
{
	char buf[4096];
	long long num;

	for (size_t c = 0; c < s->ncols; c++)
		wd->w[c] = strlen(heading(&s->cols[c])) + (c == s->sort);
	for (size_t r = 0; r < s->nrows; r++)
		for (size_t c = 0; c < s->ncols; c++) {
			const char *text = cell_text(v->w, s->rows[r].o, &s->cols[c], buf, sizeof(buf), &num);
			size_t len = text ? strlen(text) : 1;
			if (len > wd->w[c])
				wd->w[c] = len > 40 ? 40 : len;
		}
}

/* One line of cells at ROW, each column WIDTH wide, numbers to the right,
 * cut at the screen's edge. */
static void draw_cells(int y, const struct section *s, const struct widths *wd, const char *const texts[],
		       bool headings)
{
	int x = SELECT_MARK, cols = COLS;

	for (size_t c = 0; c < s->ncols && x < cols; c++) {
		const char *text = texts[c] ? texts[c] : "-";
		int width = (int)wd->w[c], len = (int)strlen(text);
		if (len > width)
			len = width;
		int pad = numeric(&s->cols[c]) && !headings ? width - len : 0;
		int room = cols - x - pad;
		if (room <= 0)
			break;
		if (headings && c == s->sort)
			attron(A_UNDERLINE);
		mvaddnstr(y, x + pad, text, room > len ? len : room);
		if (headings && c == s->sort)
			attroff(A_UNDERLINE);
		x += width + 1;
	}
}

static void draw_heading(int y, const struct section *s, const struct widths *wd)
{
	const char *texts[MAX_VCOLS];
	char sorted[32];

	for (size_t c = 0; c < s->ncols; c++)
		texts[c] = heading(&s->cols[c]);
	snprintf(sorted, sizeof(sorted), "%s%s", texts[s->sort], s->descending ? "v" : "^");
	texts[s->sort] = sorted;
	attron(A_BOLD);
	draw_cells(y, s, wd, texts, true);
	attroff(A_BOLD);
}

static void draw_row(int y, const struct view *v, const struct section *s, const struct widths *wd, size_t r,
		     bool selected)
{
	static char bufs[MAX_VCOLS][128];
	const char *texts[MAX_VCOLS];
	long long num;

	for (size_t c = 0; c < s->ncols; c++)
		texts[c] = cell_text(v->w, s->rows[r].o, &s->cols[c], bufs[c], sizeof(bufs[c]), &num);
	if (selected) {
		attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
		mvaddstr(y, 0, ">");   /* seen without reverse video too */
	}
	if (watch_obj_state(v->w, s->rows[r].o) == WATCH_GONE)
		attron(A_DIM);
	draw_cells(y, s, wd, texts, false);
	attroff(A_REVERSE | A_DIM);
}

static void draw_top(const struct view *v)
{
	const struct watch_sample *s = watcher_latest(v->w);
	struct tm tm;
	char when[32] = "";

	if (localtime_r(&s->time.tv_sec, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	attron(A_BOLD);
	mvprintw(0, 0, "ipctool watch");
	attroff(A_BOLD);
	printw(" - %s - every %lld.%03lds - %zu %s - ? for keys, q to quit", when,
	       (long long)v->interval.tv_sec, v->interval.tv_nsec / 1000000, s->n, plural(s->n, "object", "objects"));
}

/* Which body line the selected row is on. */
static size_t selected_line(const struct view *v)
{
	size_t line = 0, index = v->selected;

	for (size_t i = 0; i < v->nsections; i++) {
		const struct section *s = &v->sections[i];
		if (index < s->nrows)
			return line + 2 + index;
		index -= s->nrows;
		line += 2 + (s->nrows ? s->nrows : 1) + 1;
	}
	return 0;
}

static void draw_body(struct view *v, int first_y, int height)
{
	size_t sel = selected_line(v), line = 0, index = 0;

	if (height <= 0)
		return;
	if (sel < v->top)
		v->top = sel > 2 ? sel - 2 : 0;
	if (sel >= v->top + (size_t)height)
		v->top = sel - (size_t)height + 1;
	for (size_t i = 0; i < v->nsections; i++) {
		const struct section *s = &v->sections[i];
		struct widths wd;
		measure(v, s, &wd);
		size_t lines = 2 + (s->nrows ? s->nrows : 1) + 1;
		for (size_t l = 0; l < lines; l++, line++) {
			if (line < v->top || line >= v->top + (size_t)height)
				continue;
			int y = first_y + (int)(line - v->top);
			if (l == 0) {
				attron(A_BOLD);
				mvprintw(y, 0, "%s: %zu", kinds_info[s->table].title, s->nrows);
				attroff(A_BOLD);
			} else if (l == 1) {
				draw_heading(y, s, &wd);
			} else if (l - 2 < s->nrows) {
				draw_row(y, v, s, &wd, l - 2, index + (l - 2) == v->selected);
			} else if (s->nrows == 0 && l == 2) {
				mvaddstr(y, 0, "none");
			}
		}
		index += s->nrows;
	}
}

static void draw_box(const char *title, char lines[][LINE_MAX_TEXT], size_t n)
{
	int width = (int)strlen(title) + 4;

	for (size_t i = 0; i < n; i++)
		if ((int)strlen(lines[i]) + 4 > width)
			width = (int)strlen(lines[i]) + 4;
	if (width > COLS)
		width = COLS;
	int height = (int)n + 2, y = (LINES - height) / 2, x = (COLS - width) / 2;
	if (height > LINES)
		height = LINES;
	if (y < 0)
		y = 0;
	for (int r = 0; r < height; r++)
		mvhline(y + r, x, ' ', width);
	attron(A_BOLD);
	mvhline(y, x, '-', width);
	mvhline(y + height - 1, x, '-', width);
	mvaddnstr(y, x + 2, title, width - 4);
	attroff(A_BOLD);
	for (size_t i = 0; i < n && (int)i + 1 < height - 1; i++)
		mvaddnstr(y + 1 + (int)i, x + 2, lines[i], width - 4);
}

static void draw_help(void)
{
	static char lines[][LINE_MAX_TEXT] = {
		"Up, k        select the row above",
		"Down, j      select the row below",
		"PgUp, PgDn   a screen up or down",
		"Home, End    the first or the last row",
		"<, >         sort the selected row's section by the column",
		"             to the left or to the right",
		"r            reverse the order",
		"p, Enter     peek at the selected queue's first messages",
		"             (copied with MSG_COPY: nothing is taken)",
		"?, h         this help; any other key closes it",
		"q, Ctrl-C    quit",
		"",
		"dCOLUMN is the change since the last sample; SENT, RCVD and",
		"USED are how long ago a queue was sent to, received from, used.",
	};

	draw_box("Keys", lines, sizeof(lines) / sizeof(lines[0]));
}

static void draw(struct view *v)
{
	erase();
	draw_top(v);
	draw_body(v, 2, LINES - 3);
	if (v->message[0]) {
		attron(A_BOLD);
		mvaddnstr(LINES - 1, 0, v->message, COLS);
		attroff(A_BOLD);
	}
	if (v->overlay == OVERLAY_HELP)
		draw_help();
	else if (v->overlay == OVERLAY_PEEK && v->npeek > 0)
		draw_box(v->peek[0], v->peek + 1, v->npeek - 1);
	refresh();
}

/* ---- peeking ----------------------------------------------------------- */

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

static void peek(struct view *v)
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

/* ---- keys -------------------------------------------------------------- */

static void move_selection(struct view *v, long by)
{
	size_t n = total_rows(v);

	if (n == 0)
		return;
	long at = (long)v->selected + by;
	v->selected = at < 0 ? 0 : at >= (long)n ? n - 1 : (size_t)at;
	remember_selection(v);
}

static struct section *selected_section(struct view *v)
{
	const struct section *in = NULL;

	if (!row_at(v, v->selected, &in))
		return v->nsections ? &v->sections[0] : NULL;
	return (struct section *)in;
}

static void move_sort(struct view *v, int by)
{
	struct section *s = selected_section(v);

	if (!s)
		return;
	int at = (int)s->sort + by;
	if (at >= 0 && at < (int)s->ncols)
		s->sort = (size_t)at;
	rebuild(v);
}

/* Returns false on a quit key. */
static bool handle_key(struct view *v, int ch)
{
	if (ch == 'q' || ch == 'Q')
		return false;
	if (v->overlay != OVERLAY_NONE && ch != KEY_RESIZE) {
		v->overlay = OVERLAY_NONE;
		return true;
	}
	long page = LINES > 6 ? LINES - 6 : 1;
	switch (ch) {
	case KEY_UP: case 'k': move_selection(v, -1); break;
	case KEY_DOWN: case 'j': move_selection(v, 1); break;
	case KEY_PPAGE: move_selection(v, -page); break;
	case KEY_NPAGE: move_selection(v, page); break;
	case KEY_HOME: case 'g': move_selection(v, -(long)total_rows(v)); break;
	case KEY_END: case 'G': move_selection(v, (long)total_rows(v)); break;
	case '<': move_sort(v, -1); break;
	case '>': move_sort(v, 1); break;
	case 'r': {
		struct section *s = selected_section(v);
		if (s)
			s->descending = !s->descending;
		rebuild(v);
		break;
	}
	case 'p': case '\n': case '\r': case KEY_ENTER: peek(v); break;
	case '?': case 'h': v->overlay = OVERLAY_HELP; break;
	case KEY_RESIZE: break;   /* ncurses has the new size: draw again */
	default: break;
	}
	return true;
}

/* ---- the loop ---------------------------------------------------------- */

static int ms_until(const struct timespec *due)
{
	struct timespec now = monotonic_now();
	long long ms = (long long)(due->tv_sec - now.tv_sec) * 1000 + (due->tv_nsec - now.tv_nsec) / 1000000;

	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms + 1;
}

static bool due_now(const struct timespec *due)
{
	struct timespec now = monotonic_now();

	return now.tv_sec > due->tv_sec || (now.tv_sec == due->tv_sec && now.tv_nsec >= due->tv_nsec);
}

/* Has the terminal gone (its emulator, tmux or ssh ended)?  A hung-up
 * tty polls as POLLHUP, and reads as end of file: readable with nothing
 * to read.  Nothing else tells a watch that leads no session (setsid):
 * SIGHUP goes to the session's leader only, and may be ignored (nohup). */
static bool terminal_gone(short revents)
{
	int pending = 0;

	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	return (revents & POLLIN) && ioctl(STDIN_FILENO, FIONREAD, &pending) == 0 && pending == 0;
}

/* The terminal's state now, without waiting. */
static bool terminal_gone_now(void)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&in, 1, 0) > 0 && (in.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Keys, resizes and samples until a way out; the status.  *GONE is set
 * when the way out was the terminal going away. */
static int run_loop(struct view *v, unsigned long long count, bool *gone)
{
	struct timespec due = monotonic_now();
	int rc;

	if ((rc = rebuild(v)))
		return rc;
	draw(v);
	watch_next_due(&due, v->interval);
	for (;;) {
		/* The SIGHUP of a hang-up is the terminal going, not a kill. */
		if (termination_pending() && !(*gone = terminal_gone_now()))
			return 0;
		if (*gone)
			return fail("the terminal went away");
		if (count && v->w->taken >= count)
			return 0;
		struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
		int ready = poll(&in, 1, ms_until(&due));
		if (ready < 0 && errno != EINTR)
			return fail_errno("cannot wait for keys");
		bool redraw = false, keyed = false;
		int ch;
		/* After EINTR too: SIGWINCH makes getch return KEY_RESIZE. */
		while ((ch = getch()) != ERR) {
			if (!handle_key(v, ch))
				return 0;
			redraw = keyed = true;
		}
		if (ready > 0 && !keyed && terminal_gone(in.revents)) {
			*gone = true;
			return fail("the terminal went away");
		}
		if (due_now(&due)) {
			if ((rc = watcher_sample(v->w)) || (rc = rebuild(v)))
				return rc;
			watch_next_due(&due, v->interval);
			redraw = true;
		}
		if (redraw)
			draw(v);
	}
}

/* The terminal as it was: endwin on every path out.  SIGALRM, which
 * wait.c repeats after a termination signal to interrupt blocking calls,
 * is held off so it cannot cut endwin's writes short. */
static void restore_terminal(void)
{
	sigset_t alarm;

	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alarm, NULL);
	endwin();
	sigprocmask(SIG_UNBLOCK, &alarm, NULL);
}

/* Can the terminal move the cursor?  One that cannot (TERM=dumb) would
 * draw every line of the view after the last, as garbage. */
static bool can_address_cursor(void)
{
	const char *cup = tigetstr("cup");

	return cup && cup != (const char *)-1;
}

int watch_view(struct watcher *w, struct timespec interval, unsigned long long count, bool *gone)
{
	struct view *v = calloc(1, sizeof(*v));

	if (!v)
		return fail("out of memory");
	v->w = w;
	v->interval = interval;
	if (curses_load() != 0) {
		free(v);
		return EXIT_FAIL;
	}
	sections_init(v);
	setlocale(LC_CTYPE, "");
	/* newterm, not initscr, which exits on a terminal it does not know. */
	SCREEN *screen = newterm(NULL, stdout, stdin);
	const char *why = screen ? "it cannot move the cursor; try --json" : "try --json";
	if (screen && !can_address_cursor()) {
		endwin();
		delscreen(screen);
		screen = NULL;
	}
	if (!screen) {
		sections_free(v);
		free(v);
		return fail("cannot start the full-screen view on this terminal (TERM=%s): %s",
			    getenv("TERM") ? getenv("TERM") : "", why);
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* stderr is the screen now: messages go to the bottom line. */
	error_capture(v->message, sizeof(v->message));
	int rc = run_loop(v, count, gone);
	error_capture(NULL, 0);
	restore_terminal();
	delscreen(screen);
	if (rc != 0 && v->message[0])
		fail("%s", v->message);
	sections_free(v);
	free(v);
	return rc;
}
