/* watch's view: drawing the screen (watchview.h).  Widths are display
 * columns, a row wider than the terminal ends with '>' where it is cut,
 * and a cell that changed in the last three samples is bold. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/size.h"
#include "cmd/watchview.h"

/* Rows start after a column that marks the selected one. */
enum { SELECT_MARK = 2 };

struct widths {
	size_t w[MAX_VCOLS];
};

/* Each column's width in display columns: its heading's, or its widest
 * cell's up to 40 (a longer one is cut). */
static void measure(const struct view *v, const struct section *s, struct widths *wd)
{
	char buf[4096];
	long long num;

	for (size_t c = 0; c < s->ncols; c++)
		wd->w[c] = strlen(vcol_heading(&s->cols[c])) + (c == s->sort);
	for (size_t r = 0; r < s->nrows; r++)
		for (size_t c = 0; c < s->ncols; c++) {
			const char *text = cell_text(v->w, s->rows[r].o, &s->cols[c], buf, sizeof(buf), &num);
			size_t len = text ? text_width(text) : 1;
			if (len > wd->w[c])
				wd->w[c] = len > 40 ? 40 : len;
		}
}

/* TEXT at (Y, X), cut to the ROOM display columns left there: a line
 * never wraps onto the next. */
static void put_cut(int y, int x, const char *text, int room)
{
	size_t used;

	if (room > 0)
		mvaddnstr(y, x, text, (int)text_fit(text, (size_t)room, &used));
}

/* The columns a line of S takes, from the screen's left edge. */
static size_t line_width(const struct section *s, const struct widths *wd)
{
	size_t x = SELECT_MARK;

	for (size_t c = 0; c < s->ncols; c++)
		x += wd->w[c] + (c + 1 < s->ncols);
	return x;
}

/* TEXT in a column WIDTH display columns wide at (Y, X), to the right
 * when RIGHT, showing no more than ROOM columns (the screen's edge). */
static void draw_cell(int y, size_t x, const char *text, size_t width, size_t room, bool right)
{
	size_t used, pad;

	text_fit(text, width, &used);
	pad = right ? width - used : 0;
	if (pad >= room)
		return;
	size_t n = text_fit(text, used < room - pad ? used : room - pad, &used);
	mvaddnstr(y, (int)(x + pad), text, (int)n);
}

/* One line of cells at row Y, each column its width, numbers to the
 * right, bold where MARKED (NULL: none).  A line wider than the screen
 * is cut one column short of its edge, and a '>' there says so. */
static void draw_cells(int y, const struct section *s, const struct widths *wd, const char *const texts[],
		       const bool *marked, bool headings)
{
	size_t cols = (size_t)COLS, x = SELECT_MARK;
	bool cut = line_width(s, wd) > cols;
	size_t edge = cut && cols > 0 ? cols - 1 : cols;

	for (size_t c = 0; c < s->ncols && x < edge; c++) {
		attr_t extra = (headings && c == s->sort ? A_UNDERLINE : 0) | (marked && marked[c] ? A_BOLD : 0);
		if (extra)
			attron(extra);
		draw_cell(y, x, texts[c] ? texts[c] : "-", wd->w[c], edge - x, vcol_numeric(&s->cols[c]) && !headings);
		if (extra)
			attroff(extra);
		x += wd->w[c] + 1;
	}
	if (cut && cols > 0)
		mvaddnstr(y, (int)cols - 1, ">", 1);
}

static void draw_heading(int y, const struct section *s, const struct widths *wd)
{
	const char *texts[MAX_VCOLS];
	char sorted[32];

	for (size_t c = 0; c < s->ncols; c++)
		texts[c] = vcol_heading(&s->cols[c]);
	snprintf(sorted, sizeof(sorted), "%s%s", texts[s->sort], s->descending ? "v" : "^");
	texts[s->sort] = sorted;
	attron(A_BOLD);
	draw_cells(y, s, wd, texts, NULL, true);
	attroff(A_BOLD);
}

static void draw_row(int y, const struct view *v, const struct section *s, const struct widths *wd, size_t r,
		     bool selected)
{
	static char bufs[MAX_VCOLS][128];
	const char *texts[MAX_VCOLS];
	bool marked[MAX_VCOLS];
	const struct watch_obj *o = s->rows[r].o;
	long long num;

	for (size_t c = 0; c < s->ncols; c++) {
		texts[c] = cell_text(v->w, o, &s->cols[c], bufs[c], sizeof(bufs[c]), &num);
		marked[c] = cell_marked(v, o, c);
	}
	if (selected) {
		attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
		mvaddstr(y, 0, ">");   /* seen without reverse video too */
	}
	if (watch_obj_state(v->w, o) == WATCH_GONE)
		attron(A_DIM);
	draw_cells(y, s, wd, texts, marked, false);
	attroff(A_REVERSE | A_DIM);
}

/* The top line, cut at the screen's edge: the sample's number last, so
 * that the keys stay on a narrow terminal. */
static void draw_top(const struct view *v)
{
	const struct watch_sample *s = watcher_latest(v->w);
	struct tm tm;
	char when[32] = "", line[LINE_MAX_TEXT];
	size_t used;

	if (localtime_r(&s->time.tv_sec, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(line, sizeof(line), "ipctool watch - %s - every %lld.%03lds - %zu %s - ? for keys, q to quit - sample %llu",
		 when, (long long)v->interval.tv_sec, v->interval.tv_nsec / 1000000, s->n,
		 plural(s->n, "object", "objects"), v->w->taken);
	size_t n = text_fit(line, (size_t)COLS, &used);
	put_cut(0, 0, line, COLS);
	attron(A_BOLD);
	mvaddnstr(0, 0, line, n < 13 ? (int)n : 13);   /* "ipctool watch" */
	attroff(A_BOLD);
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
				char title[128];
				snprintf(title, sizeof(title), "%s: %zu", kinds_info[s->table].title, s->nrows);
				put_cut(y, 0, title, COLS);
				attroff(A_BOLD);
			} else if (l == 1) {
				draw_heading(y, s, &wd);
			} else if (l - 2 < s->nrows) {
				draw_row(y, v, s, &wd, l - 2, index + (l - 2) == v->selected);
			} else if (s->nrows == 0 && l == 2) {
				put_cut(y, 0, "none", COLS);
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
	put_cut(y, x + 2, title, width - 4);
	attroff(A_BOLD);
	for (size_t i = 0; i < n && (int)i + 1 < height - 1; i++)
		put_cut(y + 1 + (int)i, x + 2, lines[i], width - 4);
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
		"A bold cell changed in the last three samples; a '>' at the",
		"right edge: the row is cut there.",
	};

	draw_box("Keys", lines, sizeof(lines) / sizeof(lines[0]));
}

void draw(struct view *v)
{
	erase();
	draw_top(v);
	draw_body(v, 2, LINES - 3);
	if (v->message[0]) {
		attron(A_BOLD);
		put_cut(LINES - 1, 0, v->message, COLS);
		attroff(A_BOLD);
	}
	if (v->overlay == OVERLAY_HELP)
		draw_help();
	else if (v->overlay == OVERLAY_PEEK && v->npeek > 0)
		draw_box(v->peek[0], v->peek + 1, v->npeek - 1);
	refresh();
}
