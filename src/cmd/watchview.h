/* The insides of watch's full-screen view (ipctool-watch(1)), shared by
 * its files, one job each:
 *
 *   watchview.c   the view's state (sections, rows, sort, selection),
 *                 the keys and the loop
 *   watchcells.c  the columns and the text of a cell (compact times,
 *                 widths in display columns), and which cells changed in
 *                 the last samples (highlighted)
 *   watchdraw.c   drawing the screen, a row cut at its edge marked '>'
 *   watchpeek.c   peeking at a queue's first messages
 *
 * Include after every other header: cursesdl.h comes last. */
#ifndef IPCTOOL_WATCHVIEW_H
#define IPCTOOL_WATCHVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd/watch.h"
#include "inv/posixobj.h"
#include "cmd/cursesdl.h"

/* ---- columns (watchcells.c) -------------------------------------------- */

enum vcol_kind { VC_STATE, VC_LIST, VC_FIELD };

struct vcol {
	enum vcol_kind kind;
	enum col col;              /* VC_LIST */
	enum watch_field field;    /* VC_FIELD */
};

enum { MAX_VCOLS = 1 + NCOLS + WF_COUNT };

/* A section's columns: STATE, list's defaults, then watch's fields, a
 * state (fullness, capacity) beside the column it qualifies. */
size_t table_columns(int table, struct vcol *cols);
const char *vcol_heading(const struct vcol *c);
/* A number: shown right-aligned. */
bool vcol_numeric(const struct vcol *c);
/* Sorted by the number cell_text gives (numbers, and times). */
bool vcol_sorts_by_number(const struct vcol *c);

/* The text of a cell (NULL: none) and, for one sorted by number, its
 * value. */
const char *cell_text(const struct watcher *w, const struct watch_obj *o, const struct vcol *c, char *buf,
		      size_t size, long long *num);

/* How many display columns TEXT takes (a wide character two, a byte
 * that is no character in the locale one). */
size_t text_width(const char *text);
/* How many bytes of TEXT fit in COLS display columns, whole characters
 * only; *WIDTH is the columns they take. */
size_t text_fit(const char *text, size_t cols, size_t *width);

/* ---- the view's state -------------------------------------------------- */

enum overlay { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_PEEK };

/* A peek shows this many messages at most; its lines: a title, them, a
 * note that there may be more, and how to close it. */
enum { PEEK_MESSAGES = 10, PEEK_LINES = PEEK_MESSAGES + 4, LINE_MAX_TEXT = 512 };

/* A change is highlighted in the sample that saw it and the next two. */
enum { MARKED_SAMPLES = 3, MARK_NONE = 255 };

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

/* How many samples ago each cell of each object changed (MARK_NONE:
 * longer, or never), STRIDE a object, by its index in its sample.  Two
 * sets, as the watcher keeps two samples: marks[current] goes with the
 * latest sample, the other with the previous one. */
struct marks {
	unsigned char *ago[2];
	size_t cap[2];
	int current;
	size_t stride;
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
	struct marks marks;
};

/* The object at row INDEX over every section (NULL past the last), and
 * its section in *IN unless IN is NULL (watchview.c). */
const struct watch_obj *row_at(const struct view *v, size_t index, const struct section **in);

/* ---- change marks (watchcells.c) --------------------------------------- */

/* After a sample: which cells of the latest changed.  0, or a reported
 * status. */
int marks_update(struct view *v);
void marks_free(struct marks *m);
/* Is cell C (an index in its section's columns) of O highlighted? */
bool cell_marked(const struct view *v, const struct watch_obj *o, size_t c);

/* ---- drawing (watchdraw.c), peeking (watchpeek.c) ---------------------- */

void draw(struct view *v);
void peek(struct view *v);

#endif
