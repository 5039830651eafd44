/* list's tables of objects (listcols.h): their columns, lines and
 * printing, through libsmartcols and lib/table.c's fast path. */
#include "view/listcols.h"

#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/json.h"

_Static_assert(NCOLS + 1 <= TABLE_MAX_COLUMNS, "a table of every column and TYPE fits an arena");

/* The columns TABLE shows: its defaults and, after them, the --output
 * ones it has. */
static size_t kind_columns(int table, const struct output *out, enum col *cols)
{
	const struct kind_info *ki = &kinds_info[table];
	size_t n = 0;

	if (out->ipcns_first)
		cols[n++] = COL_IPCNS;
	if (!out->cols_given || out->cols_plus)
		for (size_t i = 0; i < ki->ndefaults; i++)
			cols[n++] = ki->defaults[i];
	if (out->cols_given)
		for (size_t i = 0; i < out->ncols; i++) {
			bool dup = false;
			for (size_t j = 0; j < n; j++)
				dup = dup || cols[j] == out->cols[i];
			if (!dup && (columns[out->cols[i]].tables & (1u << table)))
				cols[n++] = out->cols[i];
		}
	return n;
}

/* WIDTHS: NULL, or each column's fixed width (TYPE first if shown). */
static int kind_table_init_widths(struct kind_table *kt, int table, const struct output *out,
				  bool type_column, const size_t *widths)
{
	kt->tb = table_new(kinds_info[table].json_name, &out->format);
	kt->table = table;
	kt->ncols = kind_columns(table, out, kt->cols);
	kt->type_column = type_column;
	if (!kt->tb)
		return fail("out of memory");
	size_t w = 0;
	bool ok = !type_column || table_add_column(kt->tb, "TYPE", false, widths ? widths[w++] : 0);
	for (size_t i = 0; ok && i < kt->ncols; i++) {
		const struct column *c = &columns[kt->cols[i]];
		if (column_is_json(kt->cols[i]) && out->format.mode == TABLE_JSON) {
			ok = table_add_json_column(kt->tb, c->name);
			continue;
		}
		ok = table_add_column(kt->tb, c->name, c->type == V_NUMBER, widths ? widths[w++] : 0);
		if (ok && kt->cols[i] == COL_NAME && out->format.mode == TABLE_JSON)
			ok = table_add_optional_column(kt->tb, "NAME_BASE64");
		/* JSON readers get times twice: ISO 8601 and seconds since the epoch. */
		if (ok && c->type == V_TIME && out->format.mode == TABLE_JSON) {
			char name[32];
			snprintf(name, sizeof(name), "%s_EPOCH", c->name);
			ok = table_add_column(kt->tb, name, true, 0);
		}
	}
	return ok ? 0 : fail("out of memory");
}

int kind_table_init(struct kind_table *kt, int table, const struct output *out, bool type_column)
{
	return kind_table_init_widths(kt, table, out, type_column, NULL);
}

/* JSON strings are Unicode: a text cell that is UTF-8 goes out exactly
 * (the table writer escapes it as JSON does), one that is not in the shown
 * form (error.h), printable, with its bytes in a NAME_BASE64 column. */
static const char *json_text(const char *text, const struct column *c, const struct output *out)
{
	static char shown[4 * 4096 + 1];

	if (!text || out->format.mode != TABLE_JSON || c->type == V_NUMBER ||
	    utf8_valid((const unsigned char *)text, strlen(text)))
		return text;
	return shown_form(text, shown, sizeof(shown));
}

/* The NAME_BASE64 cell: the name's bytes when they are not UTF-8, else
 * empty (and left out). */
static int set_name_base64(struct libscols_line *ln, size_t n, const char *name)
{
	struct buf b = { 0 };
	int rc = 0;

	if (name && !utf8_valid((const unsigned char *)name, strlen(name))) {
		rc = base64_append(&b, (const unsigned char *)name, strlen(name)) || buf_append(&b, "", 1) ||
		     scols_line_set_data(ln, n, b.data);
		buf_free(&b);
	}
	return rc;
}

int kind_table_add(struct kind_table *kt, const struct row *r, const struct output *out)
{
	struct libscols_line *ln = scols_table_new_line(kt->tb, NULL);
	char buf[4096];
	size_t n = 0;

	if (!ln)
		return fail("out of memory");
	if (kt->type_column && scols_line_set_data(ln, n++, kinds_info[kt->table].type) != 0)
		return fail("out of memory");
	for (size_t i = 0; i < kt->ncols; i++) {
		const struct column *c = &columns[kt->cols[i]];
		const char *text = column_is_json(kt->cols[i]) && out->format.mode == TABLE_JSON
				   ? row_json_cell(r, kt->cols[i])
				   : json_text(row_cell(r, kt->cols[i], buf, sizeof(buf)), c, out);
		if (text && scols_line_set_data(ln, n, text) != 0)
			return fail("out of memory");
		n++;
		if (kt->cols[i] == COL_NAME && out->format.mode == TABLE_JSON &&
		    set_name_base64(ln, n++, row_cell(r, COL_NAME, buf, sizeof(buf))) != 0)
			return fail("out of memory");
		if (c->type == V_TIME && out->format.mode == TABLE_JSON) {
			time_t t = row_time(r, kt->cols[i]);
			if (t && scols_line_set_data(ln, n, cell_signed(buf, sizeof(buf), t)) != 0)
				return fail("out of memory");
			n++;
		}
	}
	return 0;
}

static bool selected(uid_t uid, const uid_t *user)
{
	return !user || uid == *user;
}

/* A System V kind's objects into the arena, TYPE first when asked. */
static int arena_add_kind(struct table_arena *a, const struct kind_table *kt, const struct sysv_list *objs,
			  enum ipc_kind kind, const uid_t *user, struct users *users)
{
	char buf[4096];

	for (size_t i = 0; i < objs->n; i++) {
		const struct sysv_obj *o = &objs->objs[i];
		if (o->kind != kind || !selected(o->uid, user))
			continue;
		size_t col = 0;
		if (table_arena_new_row(a) != 0 ||
		    (kt->type_column && table_arena_store(a, col++, kinds_info[kind].type) != 0))
			return fail("out of memory");
		for (size_t c = 0; c < kt->ncols; c++)
			if (table_arena_store(a, col++, row_cell(&(struct row){ .sysv = o, .users = users }, kt->cols[c], buf,
								 sizeof(buf))) != 0)
				return fail("out of memory");
	}
	return 0;
}

/* System V objects may be tens of thousands: through the arena, the
 * table writer's fast path. */
static int print_kind_chunked(struct table_printer *tp, const struct sysv_list *objs, enum ipc_kind kind,
			      const struct output *out, const uid_t *user, bool type_column)
{
	struct kind_table kt = { .type_column = type_column };
	const char *headings[TABLE_MAX_COLUMNS];
	struct table_arena a;
	size_t n = 0;

	kt.ncols = kind_columns(kind, out, kt.cols);
	if (type_column)
		headings[n++] = "TYPE";
	for (size_t i = 0; i < kt.ncols; i++)
		headings[n++] = columns[kt.cols[i]].name;
	table_arena_init(&a, n, headings);
	int rc = arena_add_kind(&a, &kt, objs, kind, user, out->users);
	if (rc == 0)
		rc = kind_table_init_widths(&kt, kind, out, type_column, a.widths);
	if (rc == 0)
		rc = table_print_arena(tp, kt.tb, &a, kinds_info[kind].title);
	scols_unref_table(kt.tb);
	table_arena_free(&a);
	return rc;
}

/* In JSON, and for POSIX objects (files, a few per system), one table of
 * them all, measured by libsmartcols. */
static int print_kind_whole(struct table_printer *tp, const struct sysv_list *objs,
			    const struct posix_list *posix, int table, const struct output *out,
			    const uid_t *user, bool type_column)
{
	struct kind_table kt;
	enum ipc_kind kind = (enum ipc_kind)(table % NKINDS);
	int rc = kind_table_init(&kt, table, out, type_column);

	for (size_t i = 0; table < NKINDS && i < objs->n && rc == 0; i++)
		if (objs->objs[i].kind == kind && selected(objs->objs[i].uid, user))
			rc = kind_table_add(&kt, &(struct row){ .sysv = &objs->objs[i], .users = out->users }, out);
	for (size_t i = 0; table >= NKINDS && i < posix->n && rc == 0; i++)
		if (posix->objs[i].kind == kind && selected(posix->objs[i].uid, user))
			rc = kind_table_add(&kt, &(struct row){ .posix = &posix->objs[i], .users = out->users }, out);
	if (rc == 0)
		rc = table_print(tp, kt.tb, kinds_info[table].title);
	scols_unref_table(kt.tb);
	return rc;
}

/* One table per kind of each family in TABLES: their columns differ. */
int objects_print(const struct sysv_list *objs, const struct posix_list *posix, unsigned tables,
		  const struct output *out, const uid_t *user)
{
	struct table_printer tp = { .format = &out->format };
	enum table_mode mode = out->format.mode;
	int ntables = 0, rc = 0;

	for (int t = 0; t < NTABLES; t++)
		ntables += (tables & (1u << t)) != 0;
	tp.titles = ntables > 1 && mode == TABLE_PLAIN;
	bool type_column = ntables > 1 && (mode == TABLE_RAW || mode == TABLE_EXPORT);

	for (int t = 0; t < NTABLES && rc == 0; t++) {
		if (!(tables & (1u << t)))
			continue;
		if (t >= NKINDS || mode == TABLE_JSON)
			rc = print_kind_whole(&tp, objs, posix, t, out, user, type_column);
		else
			rc = print_kind_chunked(&tp, objs, (enum ipc_kind)t, out, user, type_column);
	}
	if (rc == 0)
		rc = table_print_end(&tp);
	return rc;
}

int tables_check_mqueue_mount(unsigned *tables)
{
	const unsigned queues = POSIX_KIND_BIT(IPC_KIND_QUEUE);
	static const char why[] = "no mqueue file system is mounted (mount -t mqueue none /dev/mqueue)";

	if (!(*tables & queues) || posix_mqueue_dir())
		return 0;
	*tables &= ~queues;
	if (!*tables)
		return fail("cannot list POSIX message queues: %s", why);
	warn("POSIX message queues are not listed: %s", why);
	return 0;
}
