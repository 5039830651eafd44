/* The table writer: libsmartcols tables printed as a table, --raw,
 * --export or --json, several of them in one output (titled tables, or one
 * JSON document), and a fast path for long tables.  It knows nothing of
 * IPC: list, rm --dry-run and any other command that prints rows use it.
 *
 * Build a table with table_new and table_add_column, fill its lines with
 * libsmartcols (scols_table_new_line, scols_line_set_data), and print it
 * with table_print; after the last one, table_print_end. */
#ifndef IPCTOOL_TABLE_H
#define IPCTOOL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/scolsdl.h"

enum table_mode { TABLE_PLAIN, TABLE_JSON, TABLE_RAW, TABLE_EXPORT };

struct table_format {
	enum table_mode mode;
	bool noheadings;
};

/* A table named JSON_NAME (its key in a JSON document), or NULL when
 * memory ran out. */
struct libscols_table *table_new(const char *json_name, const struct table_format *format);

/* A column: NUMERIC ones are right-aligned and JSON numbers.  WIDTH, when
 * not 0, is its fixed width (see struct table_arena). */
bool table_add_column(struct libscols_table *tb, const char *name, bool numeric, size_t width);
/* A text column of --json tables whose member is left out where its cell
 * is empty (name_base64, beside a name that is not UTF-8). */
bool table_add_optional_column(struct libscols_table *tb, const char *name);
/* A column whose cells are JSON text (an array, true, false), written as
 * they are: for --json tables only. */
bool table_add_json_column(struct libscols_table *tb, const char *name);

/* Several tables in one output: in a table, a blank line between them and,
 * when TITLES, each under its title ("Title: none" for an empty one); in
 * JSON, one document holding each table under its name. */
struct table_printer {
	const struct table_format *format;
	bool titles;
	int printed;              /* tables shown so far */
	bool json_started;        /* the document's opening brace is out */
};

/* Print TB (TITLE may be NULL); 0 or a reported status. */
int table_print(struct table_printer *tp, struct libscols_table *tb, const char *title);
/* Close the output: in JSON, the document (an empty one if no table). */
int table_print_end(struct table_printer *tp);
/* A command whose whole output is TB (NULL when it could not be made):
 * print and close it unless RC is already a failure, then free TB.
 * Returns the status. */
int table_print_only(const struct table_format *format, struct libscols_table *tb, int rc);

/* The fast path for long tables: the rows are formatted once, into one
 * arena of text, which gives every column's width; libsmartcols then
 * prints them TABLE_CHUNK_ROWS lines at a time through one table whose
 * lines are refilled for each chunk, its columns fixed at the widths of the
 * whole.  20,000 rows held as libsmartcols lines at once would cost ten
 * allocations each and page faults, twice the time of formatting them.
 * A table of plain text to anything but a terminal is printed here with
 * those widths, as libsmartcols prints it: measuring every cell again was
 * most of its time.  bench/LIST.md and bench/README.md have the figures. */
#define TABLE_MAX_COLUMNS 64
enum { TABLE_CHUNK_ROWS = 1024 };

struct table_arena {
	struct buf text;
	size_t *offsets;          /* per row and column; TABLE_NO_CELL for no value */
	size_t nrows, cap, ncells;
	size_t widths[TABLE_MAX_COLUMNS];
	bool unsafe[TABLE_MAX_COLUMNS];  /* a cell libsmartcols would encode (not plain) */
};

#define TABLE_NO_CELL ((size_t)-1)

/* An empty arena of rows of NCELLS cells (at most TABLE_MAX_COLUMNS),
 * each column as wide as its heading in HEADINGS. */
void table_arena_init(struct table_arena *a, size_t ncells, const char *const headings[]);
/* Start a new row; 0, or -1 when memory ran out. */
int table_arena_new_row(struct table_arena *a);
/* Cell COL of the last row: TEXT, or no value when NULL; 0 or -1. */
int table_arena_store(struct table_arena *a, size_t col, const char *text);
void table_arena_free(struct table_arena *a);

/* Print the arena's rows through TB, whose columns were made with the
 * arena's widths; TITLE as for table_print. */
int table_print_arena(struct table_printer *tp, struct libscols_table *tb, const struct table_arena *a,
		      const char *title);

/* The columns a --output COLS may name (list's, or --connected's). */
struct column_list {
	const char *(*name_of)(size_t i);  /* the I-th column's name; NULL past the last */
	const char *valid;                 /* how the error introduces them: "valid columns" */
	void (*keep)(void *ctx, int index); /* one more named column, in order */
	void *ctx;
};

/* --output's COLS as lsipc takes them: NAME,... (any case), each handed
 * to LIST's keep; a leading '+' (*PLUS) adds them to the default columns.
 * 0, or a usage error naming an unknown column, or none, with the valid
 * names. */
int table_parse_columns(const char *text, const struct column_list *list, bool *plus);

#endif
