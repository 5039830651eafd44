/* list --sockets --connected (listconn.h): one row per connected socket,
 * and per listening or bound one that list --sockets shows (STATE tells
 * which), sorted by PATH then INODE.  Each end of a connection is a socket of its
 * own, so a connection shows as two rows, each naming the other in PEER,
 * as ss -xap lists them; ENDPOINTS is the peer's PROCESSES, as lsfd's
 * ENDPOINTS column is. */
#include "cmd/listconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view/listcols.h"
#include "inv/sockconn.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/error.h"
#include "lib/json.h"
#include "mech/socket.h"

enum conn_col { CC_PATH, CC_TYPE, CC_STATE, CC_INODE, CC_PEER, CC_PROCESSES, CC_ENDPOINTS, NCONN_COLS };

static const struct {
	const char *name;
	bool numeric;
	const char *help;
} conn_columns[NCONN_COLS] = {
	[CC_PATH] = { "PATH", false, "its name, else its peer's (@NAME: abstract; empty: unnamed)" },
	[CC_TYPE] = { "TYPE", false, "stream, dgram or seqpacket" },
	[CC_STATE] = { "STATE", false, "ESTAB (connected), LISTEN, or UNCONN (a bound datagram socket)" },
	[CC_INODE] = { "INODE", true, "the socket's inode (socket:[INODE] in /proc/PID/fd)" },
	[CC_PEER] = { "PEER", true, "the inode of the socket at the other end" },
	[CC_PROCESSES] = { "PROCESSES", false, "the processes that hold it, PID:COMMAND,..." },
	[CC_ENDPOINTS] = { "ENDPOINTS", false, "the processes that hold the other end, PID:COMMAND,..." },
};

const char *connected_column_name(size_t i)
{
	return i < NCONN_COLS ? conn_columns[i].name : NULL;
}

struct conn_cols {
	enum conn_col v[NCONN_COLS * 4];
	size_t n;
};

static int print_help(void)
{
	for (int c = 0; c < NCONN_COLS; c++)
		printf("%-10s %s\n", conn_columns[c].name, conn_columns[c].help);
	return CLI_HELP_SHOWN;
}

static void keep_column(void *ctx, int index)
{
	struct conn_cols *cols = ctx;

	if (cols->n < sizeof(cols->v) / sizeof(cols->v[0]))
		cols->v[cols->n++] = (enum conn_col)index;
}

/* --output's COLS as list takes them: NAME,... or +NAME,... after the
 * default ones. */
static int parse_cols(const char *text, struct conn_cols *cols)
{
	struct conn_cols named = { .n = 0 };
	bool plus;
	int rc;

	cols->n = 0;
	if (text && strcmp(text, "help") == 0)
		return print_help();
	if (text && (rc = table_parse_columns(text, &(struct column_list){ connected_column_name,
			"valid columns with --connected", keep_column, &named }, &plus)))
		return rc;
	if (!text || plus)
		for (int c = 0; c < NCONN_COLS; c++)
			keep_column(cols, c);
	for (size_t i = 0; i < named.n; i++)
		keep_column(cols, named.v[i]);
	return 0;
}

int connected_check_columns(const char *cols)
{
	struct conn_cols parsed;
	return parse_cols(cols, &parsed);
}

/* ---- cells ------------------------------------------------------------- */

/* One process as JSON, as list --processes writes it: {"pid":N,"command":"..."}
 * (and "command_base64" beside a command that is not UTF-8). */
static int json_proc(struct buf *b, const struct conn_proc *p)
{
	bool exact;

	return buf_printf(b, "{\"pid\":%d,\"command\":", (int)p->pid) || json_append_text(b, p->command, &exact) ||
	       (!exact && json_append_base64_member(b, "command", p->command)) || buf_append_str(b, "}");
}

/* The holders of C: "PID:COMMAND,..." or, in JSON, an array; in B. */
static int procs_cell(struct buf *b, const struct conn_list *l, const struct conn_sock *c, bool json)
{
	int rc = json ? buf_append_str(b, "[") : 0;

	for (size_t i = 0; c && rc == 0 && i < c->nprocs; i++) {
		const struct conn_proc *p = &l->procs[c->first + i];
		rc = (i ? buf_append_str(b, ",") : 0) ||
		     (json ? json_proc(b, p) : buf_printf(b, "%d:%s", (int)p->pid, p->command));
	}
	return rc || (json ? buf_append_str(b, "]") : 0);
}

struct row_ctx {
	const struct conn_list *l;
	const struct conn_sock *c;
	bool json;
	struct buf *b;         /* scratch for the cell being made */
};

/* The text of one cell, NULL for none; valid until the next call. */
static const char *cell(const struct row_ctx *r, enum conn_col col, char *num, size_t size)
{
	r->b->len = 0;
	switch (col) {
	case CC_PATH:
		if (r->json && !utf8_valid((const unsigned char *)r->c->path, strlen(r->c->path)))
			return buf_reserve(r->b, 4 * strlen(r->c->path) + 1) ? NULL
			       : shown_form(r->c->path, r->b->data, 4 * strlen(r->c->path) + 1);
		return r->c->path;
	case CC_TYPE: return sock_type_name(r->c->type);
	case CC_STATE: return r->c->state;
	case CC_INODE: return cell_unsigned(num, size, r->c->inode);
	case CC_PEER: return r->c->peer ? cell_unsigned(num, size, r->c->peer) : NULL;
	case CC_PROCESSES:
	case CC_ENDPOINTS: {
		/* No peer (it closed): no endpoints to show, rather than none held. */
		if (col == CC_ENDPOINTS && !r->c->peer)
			return NULL;
		const struct conn_sock *c = col == CC_PROCESSES ? r->c : sockconn_find(r->l, r->c->peer);
		if (procs_cell(r->b, r->l, c, r->json) || buf_append(r->b, "", 1))
			return NULL;
		return r->b->data[0] ? r->b->data : NULL;
	}
	case NCONN_COLS: break;
	}
	return NULL;
}

/* PATH_BASE64 beside a PATH that is not UTF-8 (JSON only). */
static int set_path_base64(struct libscols_line *ln, size_t n, const char *path, struct buf *b)
{
	if (utf8_valid((const unsigned char *)path, strlen(path)))
		return 0;
	b->len = 0;
	return base64_append(b, (const unsigned char *)path, strlen(path)) || buf_append(b, "", 1) ||
	       scols_line_set_data(ln, n, b->data);
}

static int add_row(struct libscols_table *tb, const struct conn_cols *cols, struct row_ctx *r)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char num[32];
	size_t n = 0;

	if (!ln)
		return -1;
	for (size_t i = 0; i < cols->n; i++) {
		const char *text = cell(r, cols->v[i], num, sizeof(num));
		if (text && scols_line_set_data(ln, n, text) != 0)
			return -1;
		n++;
		if (cols->v[i] == CC_PATH && r->json && set_path_base64(ln, n++, r->c->path, r->b) != 0)
			return -1;
	}
	return 0;
}

static bool add_columns(struct libscols_table *tb, const struct conn_cols *cols, bool json)
{
	for (size_t i = 0; i < cols->n; i++) {
		enum conn_col c = cols->v[i];
		bool json_array = json && (c == CC_PROCESSES || c == CC_ENDPOINTS);
		if (!(json_array ? table_add_json_column(tb, conn_columns[c].name)
				 : table_add_column(tb, conn_columns[c].name, conn_columns[c].numeric, 0)))
			return false;
		if (c == CC_PATH && json && !table_add_optional_column(tb, "PATH_BASE64"))
			return false;
	}
	return true;
}

static int by_path(const void *a, const void *b)
{
	const struct conn_sock *x = *(const struct conn_sock *const *)a, *y = *(const struct conn_sock *const *)b;
	int c = strcmp(x->path, y->path);
	return c ? c : x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int fill(struct libscols_table *tb, const struct conn_cols *cols, const struct conn_list *l, bool json)
{
	const struct conn_sock **order = malloc((l->n ? l->n : 1) * sizeof(*order));
	struct buf b = { 0 };
	int rc = order ? 0 : -1;

	size_t n = 0;

	for (size_t i = 0; rc == 0 && i < l->n; i++)
		if (l->v[i].state)   /* connected, or what list --sockets shows */
			order[n++] = &l->v[i];
	if (rc == 0)
		qsort(order, n, sizeof(*order), by_path);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct row_ctx r = { .l = l, .c = order[i], .json = json, .b = &b };
		rc = add_row(tb, cols, &r);
	}
	buf_free(&b);
	free(order);
	return rc;
}

int connected_show(const struct table_format *format, const char *text)
{
	struct conn_cols cols;
	struct conn_list l;
	bool json = format->mode == TABLE_JSON;
	int rc;

	if ((rc = parse_cols(text, &cols)) || (rc = sockconn_load(&l)))
		return rc;
	struct libscols_table *tb = table_new("sockets", format);
	if (!tb || !add_columns(tb, &cols, json) || fill(tb, &cols, &l, json) != 0)
		rc = fail("out of memory");
	rc = table_print_only(format, tb, rc);
	sockconn_free(&l);
	return rc;
}
