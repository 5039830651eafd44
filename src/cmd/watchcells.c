/* watch's view: its columns, the text of a cell, and which cells changed
 * in the last samples (watchview.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "lib/error.h"
#include "cmd/watchview.h"

/* ---- columns ----------------------------------------------------------- */

/* Where a field that is a state rather than a change goes: beside the
 * list column it qualifies (a queue's fullness beside its bytes), not at
 * the far right, where a narrow terminal would cut it. */
static const struct {
	int table;
	enum watch_field field;
	enum col after;
} placed[] = {
	{ IPC_KIND_QUEUE, WF_QBYTES, COL_USEDBYTES },
	{ IPC_KIND_QUEUE, WF_USE_PERCENT, COL_USEDBYTES },
	{ NKINDS + IPC_KIND_QUEUE, WF_USE_PERCENT, COL_MAXMSGS },
	{ IPC_KIND_SEM, WF_VALUES, COL_NSEMS },
};

/* The list column field F of TABLE goes after, or NCOLS: at the end. */
static enum col placed_after(int table, enum watch_field f)
{
	for (size_t i = 0; i < sizeof(placed) / sizeof(placed[0]); i++)
		if (placed[i].table == table && placed[i].field == f)
			return placed[i].after;
	return NCOLS;
}

size_t table_columns(int table, struct vcol *cols)
{
	const struct kind_info *ki = &kinds_info[table];
	const enum watch_field *fields;
	size_t nfields = watch_table_fields(table, &fields), n = 0;

	cols[n++] = (struct vcol){ .kind = VC_STATE };
	for (size_t i = 0; i < ki->ndefaults; i++) {
		cols[n++] = (struct vcol){ .kind = VC_LIST, .col = ki->defaults[i] };
		for (size_t j = 0; j < nfields; j++)
			if (placed_after(table, fields[j]) == ki->defaults[i])
				cols[n++] = (struct vcol){ .kind = VC_FIELD, .field = fields[j] };
	}
	for (size_t i = 0; i < nfields; i++)
		if (placed_after(table, fields[i]) == NCOLS)
			cols[n++] = (struct vcol){ .kind = VC_FIELD, .field = fields[i] };
	return n;
}

const char *vcol_heading(const struct vcol *c)
{
	switch (c->kind) {
	case VC_STATE: return "STATE";
	case VC_LIST: return columns[c->col].name;
	case VC_FIELD: return watch_fields[c->field].heading;
	}
	return "";
}

bool vcol_numeric(const struct vcol *c)
{
	return c->kind == VC_FIELD ? !watch_fields[c->field].is_list
				   : c->kind == VC_LIST && columns[c->col].type == V_NUMBER;
}

bool vcol_sorts_by_number(const struct vcol *c)
{
	return vcol_numeric(c) || (c->kind == VC_LIST && columns[c->col].type == V_TIME);
}

/* ---- the text of a cell ------------------------------------------------ */

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

/* T as the time of day when it is on the day of NOW ("11:43:01"), else
 * as its date ("2026-11-30"), in local time: the time list prints takes
 * 25 columns. */
static const char *compact_time(time_t t, time_t now, char *buf, size_t size)
{
	struct tm tm, today;

	if (!localtime_r(&t, &tm) || !localtime_r(&now, &today))
		return NULL;
	bool same_day = tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday;
	if (strftime(buf, size, same_day ? "%H:%M:%S" : "%Y-%m-%d", &tm) == 0)
		return NULL;
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

static const char *list_cell(const struct watcher *w, const struct watch_obj *o, enum col col, char *buf,
			     size_t size, long long *num)
{
	char raw[4096];
	const char *text;

	if (columns[col].type == V_TIME) {
		time_t t = row_time(&o->row, col);
		*num = (long long)t;
		return t ? compact_time(t, watcher_latest(w)->time.tv_sec, buf, size) : NULL;
	}
	text = row_cell(&o->row, col, raw, sizeof(raw));
	if (text && columns[col].type == V_NUMBER)
		*num = strtoll(text, NULL, 10);
	/* A name from the system, shown as list shows it: one line. */
	return text ? shown_form(text, buf, size) : NULL;
}

static const char *field_cell(const struct watcher *w, const struct watch_obj *o, enum watch_field f, char *buf,
			      size_t size, long long *num)
{
	if (watch_fields[f].is_list)
		return list_text(w, o, f, buf, size);
	if (!watch_field_value(w, o, f, num))
		return NULL;
	if (is_age(f))
		return age_text(*num, buf, size);
	if (f == WF_USE_PERCENT) {
		snprintf(buf, size, "%lld%%", *num);
		return buf;
	}
	if (f == WF_NCNT || f == WF_ZCNT || f == WF_QBYTES)
		return cell_signed(buf, size, *num);
	return delta_text(*num, buf, size);
}

const char *cell_text(const struct watcher *w, const struct watch_obj *o, const struct vcol *c, char *buf,
		      size_t size, long long *num)
{
	static const char *const states[] = { [WATCH_NEW] = "new", [WATCH_SAME] = "", [WATCH_GONE] = "gone" };

	*num = 0;
	switch (c->kind) {
	case VC_STATE: return states[watch_obj_state(w, o)];
	case VC_LIST: return list_cell(w, o, c->col, buf, size, num);
	case VC_FIELD: return field_cell(w, o, c->field, buf, size, num);
	}
	return NULL;
}

/* ---- display columns --------------------------------------------------- */

/* The next character of TEXT (N bytes left): its bytes, and its display
 * columns in *COLS.  A byte that is not a character of the locale, or
 * one wcwidth does not know, takes one column, as a terminal draws it. */
static size_t next_char(const char *text, size_t n, size_t *cols)
{
	mbstate_t state;
	wchar_t wc;

	/* Most cells are ASCII, printable (the shown form escapes the rest):
	 * one column each, without mbrtowc, which was a fifth of a redraw. */
	if ((unsigned char)*text < 0x80) {
		*cols = 1;
		return 1;
	}
	memset(&state, 0, sizeof(state));
	size_t len = mbrtowc(&wc, text, n, &state);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*cols = 1;
		return 1;
	}
	int width = wcwidth(wc);
	*cols = width < 0 ? 1 : (size_t)width;
	return len;
}

size_t text_width(const char *text)
{
	size_t n = strlen(text), width = 0, cols;

	for (size_t i = 0, len; i < n; i += len) {
		len = next_char(text + i, n - i, &cols);
		width += cols;
	}
	return width;
}

size_t text_fit(const char *text, size_t cols, size_t *width)
{
	size_t n = strlen(text), at = 0, used = 0, c;

	while (at < n) {
		size_t len = next_char(text + at, n - at, &c);
		if (used + c > cols)
			break;
		at += len;
		used += c;
	}
	*width = used;
	return at;
}

/* ---- change marks ------------------------------------------------------ */

void marks_free(struct marks *m)
{
	free(m->ago[0]);
	free(m->ago[1]);
	memset(m, 0, sizeof(*m));
}

static const struct section *section_of(const struct view *v, int table)
{
	for (size_t i = 0; i < v->nsections; i++)
		if (v->sections[i].table == table)
			return &v->sections[i];
	return NULL;
}

/* Does column C show something else for O than it did for P, its
 * previous self?  Changes and ages are not themselves changes: they
 * differ from sample to sample by nature. */
static bool cell_changed(const struct watcher *w, const struct watch_obj *o, const struct watch_obj *p,
			 const struct vcol *c)
{
	char now[4096], before[4096];

	switch (c->kind) {
	case VC_STATE: return false;
	case VC_LIST: {
		const char *a = row_cell(&o->row, c->col, now, sizeof(now));
		const char *b = row_cell(&p->row, c->col, before, sizeof(before));
		return a && b && strcmp(a, b) != 0;
	}
	case VC_FIELD: return watch_field_changed(w, o, c->field);
	}
	return false;
}

/* The marks of object O of the latest sample: 0 where a cell
 * changed, one more than its previous self's elsewhere. */
static void mark_object(const struct view *v, const struct watch_obj *o, const unsigned char *before,
			unsigned char *mine)
{
	const struct section *s = section_of(v, o->table);
	const struct watch_sample *prev = watcher_previous(v->w);

	for (size_t c = 0; s && c < s->ncols; c++) {
		if (!prev || !before || o->prev < 0) {
			mine[c] = MARK_NONE;
			continue;
		}
		unsigned char was = before[(size_t)o->prev * v->marks.stride + c];
		if (cell_changed(v->w, o, &prev->objs[o->prev], &s->cols[c]))
			mine[c] = 0;
		else
			mine[c] = was >= MARKED_SAMPLES - 1 ? MARK_NONE : (unsigned char)(was + 1);
	}
}

int marks_update(struct view *v)
{
	const struct watch_sample *s = watcher_latest(v->w);
	struct marks *m = &v->marks;
	int next = !m->current;

	if (m->stride == 0)
		for (size_t i = 0; i < v->nsections; i++)
			if (v->sections[i].ncols > m->stride)
				m->stride = v->sections[i].ncols;
	size_t need = s->n * m->stride;
	if (need > m->cap[next]) {
		unsigned char *ago = realloc(m->ago[next], need);
		if (!ago)
			return fail("out of memory");
		m->ago[next] = ago;
		m->cap[next] = need;
	}
	/* The first sample of all has no previous one: nothing is marked. */
	const unsigned char *before = v->w->taken > 1 ? m->ago[m->current] : NULL;
	for (size_t i = 0; i < s->n; i++)
		mark_object(v, &s->objs[i], before, m->ago[next] + i * m->stride);
	m->current = next;
	return 0;
}

bool cell_marked(const struct view *v, const struct watch_obj *o, size_t c)
{
	const struct watch_sample *latest = watcher_latest(v->w);

	if (watch_obj_state(v->w, o) == WATCH_GONE || !v->marks.ago[v->marks.current])
		return false;
	size_t i = (size_t)(o - latest->objs);
	return v->marks.ago[v->marks.current][i * v->marks.stride + c] < MARKED_SAMPLES;
}
