/* The table writer (table.h): libsmartcols prints tables, --raw and
 * --export; JSON goes through one writer of our own, as libsmartcols
 * writes each table as a document of its own and a listing of several
 * kinds is one document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/json.h"
#include "lib/table.h"

struct libscols_table *table_new(const char *json_name, const struct table_format *format)
{
	scols_load();
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_set_name(tb, json_name);
	scols_table_enable_noheadings(tb, format->noheadings);
	switch (format->mode) {
	case TABLE_RAW: scols_table_enable_raw(tb, 1); break;
	case TABLE_EXPORT: scols_table_enable_export(tb, 1); break;
	case TABLE_JSON:
	case TABLE_PLAIN: break;
	}
	return tb;
}

/* libsmartcols takes a width hint of 1 or more as absolute. */
bool table_add_column(struct libscols_table *tb, const char *name, bool numeric, size_t width)
{
	struct libscols_column *cl =
		scols_table_new_column(tb, name, width ? (double)width : 1, numeric ? SCOLS_FL_RIGHT : 0);

	if (!cl)
		return false;
	if (numeric)
		scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	return true;
}

/* libsmartcols' own JSON types do not include raw JSON; ours marks it with
 * one that nothing else here uses. */
#define JSON_RAW SCOLS_JSON_ARRAY_STRING

/* And text cells that --json leaves out when empty, with another. */
#define JSON_OPTIONAL SCOLS_JSON_ARRAY_NUMBER

static bool add_typed_column(struct libscols_table *tb, const char *name, int json_type)
{
	struct libscols_column *cl = scols_table_new_column(tb, name, 1, 0);

	return cl && scols_column_set_json_type(cl, json_type) == 0;
}

bool table_add_optional_column(struct libscols_table *tb, const char *name)
{
	return add_typed_column(tb, name, JSON_OPTIONAL);
}

bool table_add_json_column(struct libscols_table *tb, const char *name)
{
	return add_typed_column(tb, name, JSON_RAW);
}

/* ---- JSON --------------------------------------------------------------- */

/* The document has the layout libsmartcols gives one table, so that a
 * listing of one kind reads the same as lsipc's:
 *
 *   {
 *      "name": [
 *         {
 *            "key": "text",
 *            "number": 5
 *         },{
 *            ...
 *         }
 *      ],
 *      "other": [
 *
 *      ]
 *   }
 *
 * Keys are the column headings in lower case; a cell with no value is
 * null; numbers and the raw JSON of table_add_json_column go out as they
 * are. */

static int json_key(struct buf *b, const char *heading)
{
	char key[128];
	size_t n = 0;

	for (; heading[n] && n < sizeof(key); n++)
		key[n] = heading[n] >= 'A' && heading[n] <= 'Z' ? (char)(heading[n] - 'A' + 'a') : heading[n];
	return json_append_string(b, key, n) || buf_append_str(b, ": ");
}

static int json_value(struct buf *b, const char *data, bool numeric)
{
	if (!data || !*data)
		return buf_append_str(b, "null");
	return numeric ? buf_append_str(b, data) : json_append_string(b, data, strlen(data));
}

static int json_row(struct buf *b, struct libscols_table *tb, struct libscols_line *ln, bool first)
{
	size_t ncols = scols_table_get_ncols(tb);
	int rc = buf_append_str(b, first ? "      {\n" : ",{\n");

	for (size_t i = 0; rc == 0 && i < ncols; i++) {
		struct libscols_column *cl = scols_table_get_column(tb, i);
		struct libscols_cell *ce = scols_line_get_cell(ln, i);
		const char *data = ce ? scols_cell_get_data(ce) : NULL;
		if (scols_column_get_json_type(cl) == JSON_OPTIONAL && (!data || !*data))
			continue;
		rc = buf_append_str(b, i ? ",\n         " : "         ") ||
		     json_key(b, scols_cell_get_data(scols_column_get_header(cl))) ||
		     json_value(b, ce ? scols_cell_get_data(ce) : NULL,
				scols_column_get_json_type(cl) == SCOLS_JSON_NUMBER ||
					scols_column_get_json_type(cl) == JSON_RAW);
	}
	return rc || buf_append_str(b, "\n      }");
}

/* "name": [ rows ], formatted into B. */
static int json_table(struct buf *b, struct libscols_table *tb)
{
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	struct libscols_line *ln;
	const char *name = scols_table_get_name(tb);
	bool first = true;
	int rc = itr ? 0 : -1;

	if (rc == 0)
		rc = buf_append_str(b, "   ") || json_append_string(b, name, strlen(name)) ||
		     buf_append_str(b, ": [\n");
	while (rc == 0 && scols_table_next_line(tb, itr, &ln) == 0) {
		rc = json_row(b, tb, ln, first);
		first = false;
	}
	if (rc == 0)
		rc = buf_append_str(b, "\n   ]");
	scols_free_iter(itr);
	return rc;
}

static int json_print_table(struct table_printer *tp, struct libscols_table *tb)
{
	struct buf b = { 0 };
	int rc = buf_append_str(&b, tp->json_started ? ",\n" : "{\n") || json_table(&b, tb);

	if (rc == 0)
		fwrite(b.data, 1, b.len, stdout);
	buf_free(&b);
	if (rc)
		return fail("out of memory");
	tp->json_started = true;
	return 0;
}

/* ---- several tables ------------------------------------------------------ */

/* What goes before a table of text: a gap after the one before, its
 * title.  False when the table is to leave no trace at all. */
static bool print_heading(struct table_printer *tp, bool empty, const char *title)
{
	bool noheadings = tp->format->noheadings;

	/* Without headings an empty table leaves no trace, not even a gap. */
	if (noheadings && empty)
		return false;
	if (tp->printed && tp->format->mode == TABLE_PLAIN)
		putchar('\n');
	tp->printed++;
	if (!tp->titles || !title || noheadings)
		return true;
	/* libsmartcols prints nothing for an empty table; under a title say so. */
	if (empty) {
		printf("%s: none\n", title);
		return false;
	}
	printf("%s:\n", title);
	return true;
}

int table_print(struct table_printer *tp, struct libscols_table *tb, const char *title)
{
	if (tp->format->mode == TABLE_JSON)
		return json_print_table(tp, tb);
	if (!print_heading(tp, scols_table_is_empty(tb), title))
		return 0;
	if (scols_print_table(tb) != 0)
		return fail("cannot print the table");
	return 0;
}

int table_print_end(struct table_printer *tp)
{
	if (tp->format->mode == TABLE_JSON)
		fputs(tp->json_started ? "\n}\n" : "{}\n", stdout);
	return 0;
}

int table_print_only(const struct table_format *format, struct libscols_table *tb, int rc)
{
	struct table_printer tp = { .format = format };

	if (rc == 0)
		rc = table_print(&tp, tb, NULL);
	if (rc == 0)
		rc = table_print_end(&tp);
	if (tb)
		scols_unref_table(tb);
	return rc;
}

/* ---- the arena ------------------------------------------------------------ */

void table_arena_init(struct table_arena *a, size_t ncells, const char *const headings[])
{
	*a = (struct table_arena){ .ncells = ncells < TABLE_MAX_COLUMNS ? ncells : TABLE_MAX_COLUMNS };
	for (size_t col = 0; col < a->ncells; col++)
		a->widths[col] = strlen(headings[col]);
}

int table_arena_new_row(struct table_arena *a)
{
	/* A row is NCELLS offsets: the array's element is the whole row. */
	size_t *offsets = array_grow(a->offsets, &a->cap, a->nrows, a->ncells * sizeof(*offsets), 1024);
	if (!offsets)
		return -1;
	a->offsets = offsets;
	a->nrows++;
	return 0;
}

/* A byte libsmartcols would print \x-encoded, or the start of what reads
 * as such an encoding. */
static bool encoded_byte(const char *p)
{
	unsigned char c = (unsigned char)*p;

	return c < 0x20 || c >= 0x7f || (c == '\\' && p[1] == 'x');
}

int table_arena_store(struct table_arena *a, size_t col, const char *text)
{
	size_t *slot = &a->offsets[(a->nrows - 1) * a->ncells + col];

	if (!text) {
		*slot = TABLE_NO_CELL;
		return 0;
	}
	size_t len = 0;
	for (; text[len]; len++)
		if (encoded_byte(text + len))
			a->unsafe[col] = true;
	*slot = a->text.len;
	if (len > a->widths[col])
		a->widths[col] = len;
	return buf_append(&a->text, text, len + 1);
}

void table_arena_free(struct table_arena *a)
{
	buf_free(&a->text);
	free(a->offsets);
	a->offsets = NULL;
}

/* One row of the arena into LN, the cells it has no value for emptied. */
static int fill_line(struct libscols_line *ln, const struct table_arena *a, size_t row)
{
	for (size_t col = 0; col < a->ncells; col++) {
		size_t at = a->offsets[row * a->ncells + col];
		if (scols_line_set_data(ln, col, at == TABLE_NO_CELL ? NULL : a->text.data + at) != 0)
			return fail("out of memory");
	}
	return 0;
}

/* Rows FIRST to LAST of the arena into TB's lines, adding lines while it
 * has fewer and dropping those past LAST. */
static int fill_chunk(struct libscols_table *tb, const struct table_arena *a, size_t first, size_t last)
{
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	struct libscols_line *ln;
	size_t row = first;
	int rc = itr ? 0 : fail("out of memory");

	while (rc == 0 && scols_table_next_line(tb, itr, &ln) == 0) {
		if (row == last) {
			/* The last chunk is shorter: drop the lines past it. */
			scols_table_remove_line(tb, ln);
			continue;
		}
		rc = fill_line(ln, a, row++);
	}
	while (rc == 0 && row < last)
		rc = (ln = scols_table_new_line(tb, NULL)) ? fill_line(ln, a, row++) : fail("out of memory");
	scols_free_iter(itr);
	return rc;
}

/* The width of a cell of plain text: its length.  As a column's custom
 * wrap function (which never wraps: one chunk per cell), it spares
 * libsmartcols measuring the cell character by character with mbrtowc and
 * wcwidth, half of a 20,000-row table's printing time. */
static size_t plain_width(const struct libscols_column *cl, const char *data, void *userdata)
{
	(void)cl;
	(void)userdata;
	return strlen(data);
}

static char *plain_no_more_chunks(const struct libscols_column *cl, char *data, void *userdata)
{
	(void)cl;
	(void)data;
	(void)userdata;
	return NULL;
}

/* Columns whose every cell is printable ASCII are measured by plain_width;
 * when all are, the table needs no \x encoding, which would change nothing. */
static void declare_plain_columns(struct libscols_table *tb, const struct table_arena *a)
{
	bool all_plain = true;

	for (size_t col = 0; col < a->ncells; col++) {
		struct libscols_column *cl = scols_table_get_column(tb, col);
		if (a->unsafe[col] || !cl) {
			all_plain = false;
			continue;
		}
		scols_column_set_flags(cl, scols_column_get_flags(cl) | SCOLS_FL_WRAP);
		scols_column_set_wrapfunc(cl, plain_width, plain_no_more_chunks, NULL);
	}
	scols_table_enable_noencoding(tb, all_plain);
}

/* ---- a plain table printed here ------------------------------------------- */

/* Whether the arena can be printed by print_plain: a table (not --raw or
 * --export) whose every cell is printable ASCII, to something other than a
 * terminal, where libsmartcols would fit the columns to its width. */
static bool prints_plain(const struct table_printer *tp, const struct table_arena *a)
{
	if (tp->format->mode != TABLE_PLAIN || isatty(STDOUT_FILENO))
		return false;
	for (size_t col = 0; col < a->ncells; col++)
		if (a->unsafe[col])
			return false;
	return true;
}

static int append_spaces(struct buf *b, size_t n)
{
	static const char spaces[] = "                                ";
	int rc = 0;

	for (size_t step; rc == 0 && n > 0; n -= step) {
		step = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		rc = buf_append(b, spaces, step);
	}
	return rc;
}

/* TEXT in a cell of WIDTH, with the separating space before it unless it
 * is the first; the last cell of a left-aligned column is not padded, as
 * libsmartcols leaves it. */
static int plain_cell(struct buf *b, const char *text, size_t width, bool right, bool first, bool last)
{
	size_t len = strlen(text), pad = width > len ? width - len : 0;
	int rc = first ? 0 : buf_append(b, " ", 1);

	if (rc == 0 && right)
		rc = append_spaces(b, pad);
	if (rc == 0)
		rc = buf_append(b, text, len);
	if (rc == 0 && !right && !last)
		rc = append_spaces(b, pad);
	return rc;
}

/* One line of cells: TEXTS[col], or the headings when ROW is NULL. */
static int plain_line(struct buf *b, struct libscols_table *tb, const struct table_arena *a, const size_t *row)
{
	int rc = 0;

	for (size_t col = 0; rc == 0 && col < a->ncells; col++) {
		struct libscols_column *cl = scols_table_get_column(tb, col);
		const char *text = "";
		if (!row)
			text = scols_cell_get_data(scols_column_get_header(cl));
		else if (row[col] != TABLE_NO_CELL)
			text = a->text.data + row[col];
		rc = plain_cell(b, text ? text : "", a->widths[col], scols_column_get_flags(cl) & SCOLS_FL_RIGHT,
				col == 0, col + 1 == a->ncells);
	}
	return rc || buf_append(b, "\n", 1);
}

/* The arena as libsmartcols prints it with the arena's widths, without its
 * measuring every cell again (mbrtowc and wcwidth per character: most of
 * a 20,000-row table's time).  Written 64 KiB at a time and at the end. */
static int print_plain(struct table_printer *tp, struct libscols_table *tb, const struct table_arena *a,
		       const char *title)
{
	struct buf b = { 0 };
	int rc = 0;

	/* libsmartcols prints nothing at all for an empty table. */
	if (!print_heading(tp, a->nrows == 0, title) || a->nrows == 0)
		return 0;
	if (!tp->format->noheadings)
		rc = plain_line(&b, tb, a, NULL);
	for (size_t row = 0; rc == 0 && row < a->nrows; row++) {
		rc = plain_line(&b, tb, a, &a->offsets[row * a->ncells]);
		if (rc == 0 && (b.len >= 64 * 1024 || row + 1 == a->nrows)) {
			fwrite(b.data, 1, b.len, stdout);
			b.len = 0;
		}
	}
	buf_free(&b);
	return rc ? fail("out of memory") : 0;
}

int table_print_arena(struct table_printer *tp, struct libscols_table *tb, const struct table_arena *a,
		      const char *title)
{
	int rc = 0;

	if (prints_plain(tp, a))
		return print_plain(tp, tb, a, title);
	if (tp->format->mode == TABLE_PLAIN)
		declare_plain_columns(tb, a);
	for (size_t first = 0; rc == 0 && (first < a->nrows || first == 0); first += TABLE_CHUNK_ROWS) {
		size_t last = first + TABLE_CHUNK_ROWS < a->nrows ? first + TABLE_CHUNK_ROWS : a->nrows;
		rc = fill_chunk(tb, a, first, last);
		if (rc == 0 && first == 0)
			rc = table_print(tp, tb, title);
		else if (rc == 0 && scols_print_table(tb) != 0)
			rc = fail("cannot print the table");
		/* The heading goes over the first chunk only. */
		scols_table_enable_noheadings(tb, 1);
	}
	return rc;
}

/* NAMES's columns, comma-separated, into TEXT of SIZE. */
static void column_names(const char *(*name_of)(size_t i), char *text, size_t size)
{
	const char *name;

	text[0] = '\0';
	for (size_t i = 0; (name = name_of(i)); i++)
		snprintf(text + strlen(text), size - strlen(text), "%s%s", i ? "," : "", name);
}

static int column_index(const char *(*name_of)(size_t i), const char *name, size_t len)
{
	const char *c;

	for (size_t i = 0; (c = name_of(i)); i++)
		if (strlen(c) == len && strncasecmp(c, name, len) == 0)
			return (int)i;
	return -1;
}

static int unknown_column(const struct column_list *list, const char *name, size_t len)
{
	char valid[1024], *copy = strndup(name, len);

	if (!copy)
		return fail("out of memory");
	column_names(list->name_of, valid, sizeof(valid));
	int rc = usage_error("unknown column '%s' in --output; %s: %s", quote_input(copy), list->valid, valid);
	free(copy);
	return rc;
}

int table_parse_columns(const char *text, const struct column_list *list, bool *plus)
{
	char valid[1024];
	const char *p = text + (*text == '+');
	bool any = false;

	*plus = *text == '+';
	for (; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		size_t len = strcspn(p, ",");
		int c = column_index(list->name_of, p, len);
		if (c < 0)
			return unknown_column(list, p, len);
		list->keep(list->ctx, c);
		any = true;
	}
	if (any)
		return 0;
	column_names(list->name_of, valid, sizeof(valid));
	return usage_error("--output needs at least one column; %s: %s", list->valid, valid);
}
