/* list: System V and POSIX objects as tables (lsipc's columns and output
 * modes), one object in every detail (as ipcs -i), the kernel's limits and
 * usage (as ipcs -l and ipcs -u).  SPEC §10.
 *
 * Each kind of each family is a table of its own: bits 0-2 of a table
 * mask are the System V kinds (KIND_BIT), bits 3-5 the POSIX ones
 * (POSIX_KIND_BIT). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libsmartcols.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "error.h"
#include "buf.h"
#include "io.h"
#include "list.h"
#include "parse.h"
#include "posixobj.h"
#include "queue.h"
#include "sysvobj.h"
#include "target.h"

/* ---- columns ----------------------------------------------------------- */

enum col {
	COL_KEY, COL_ID, COL_OWNER, COL_PERMS, COL_CUID, COL_CUSER, COL_CGID, COL_CGROUP,
	COL_UID, COL_USER, COL_GID, COL_GROUP, COL_CTIME, COL_NAME, COL_MTIME,
	COL_SIZE, COL_NATTCH, COL_STATUS, COL_ATTACH, COL_DETACH, COL_COMMAND, COL_CPID,
	COL_LPID, COL_RSS, COL_SWAP,
	COL_USEDBYTES, COL_MSGS, COL_SEND, COL_RECV, COL_LSPID, COL_LRPID, COL_QBYTES,
	COL_MAXMSGS, COL_MSGSIZE, COL_NOTIFYPID,
	COL_NSEMS, COL_OTIME, COL_SVAL,
	NCOLS
};

enum value_type { V_STRING, V_NUMBER, V_TIME };

#define Q KIND_BIT(IPC_KIND_QUEUE)
#define M KIND_BIT(IPC_KIND_SHM)
#define S KIND_BIT(IPC_KIND_SEM)
#define PQ POSIX_KIND_BIT(IPC_KIND_QUEUE)
#define PM POSIX_KIND_BIT(IPC_KIND_SHM)
#define PS POSIX_KIND_BIT(IPC_KIND_SEM)
#define BOTH (KINDS_ALL | POSIX_KINDS_ALL)

static const struct column {
	const char *name;
	unsigned kinds;
	enum value_type type;
	const char *help;
} columns[NCOLS] = {
	[COL_KEY] = { "KEY", KINDS_ALL, V_STRING, "resource key" },
	[COL_ID] = { "ID", KINDS_ALL, V_NUMBER, "resource id" },
	[COL_OWNER] = { "OWNER", BOTH, V_STRING, "owner's user name or uid" },
	[COL_PERMS] = { "PERMS", BOTH, V_STRING, "permissions" },
	[COL_CUID] = { "CUID", KINDS_ALL, V_NUMBER, "creator uid" },
	[COL_CUSER] = { "CUSER", KINDS_ALL, V_STRING, "creator user" },
	[COL_CGID] = { "CGID", KINDS_ALL, V_NUMBER, "creator gid" },
	[COL_CGROUP] = { "CGROUP", KINDS_ALL, V_STRING, "creator group" },
	[COL_UID] = { "UID", BOTH, V_NUMBER, "owner uid" },
	[COL_USER] = { "USER", BOTH, V_STRING, "owner user" },
	[COL_GID] = { "GID", BOTH, V_NUMBER, "owner gid" },
	[COL_GROUP] = { "GROUP", BOTH, V_STRING, "owner group" },
	/* Reading a queue's mqueue file sets its ctime: no CTIME for POSIX queues. */
	[COL_CTIME] = { "CTIME", KINDS_ALL | PM | PS, V_TIME, "time of the last change" },
	[COL_NAME] = { "NAME", POSIX_KINDS_ALL, V_STRING, "POSIX name" },
	[COL_MTIME] = { "MTIME", POSIX_KINDS_ALL, V_TIME, "time of the last write (queues: send or receive)" },
	[COL_SIZE] = { "SIZE", M | PM, V_NUMBER, "segment size in bytes" },
	[COL_NATTCH] = { "NATTCH", M, V_NUMBER, "number of attached processes" },
	[COL_STATUS] = { "STATUS", M, V_STRING, "dest, locked, hugetlb, noreserve" },
	[COL_ATTACH] = { "ATTACH", M, V_TIME, "time of the last attach" },
	[COL_DETACH] = { "DETACH", M, V_TIME, "time of the last detach" },
	[COL_COMMAND] = { "COMMAND", M, V_STRING, "creator's command line (while it runs)" },
	[COL_CPID] = { "CPID", M, V_NUMBER, "pid of the creator" },
	[COL_LPID] = { "LPID", M, V_NUMBER, "pid of the last user" },
	[COL_RSS] = { "RSS", M, V_NUMBER, "bytes resident in memory" },
	[COL_SWAP] = { "SWAP", M, V_NUMBER, "bytes swapped out" },
	[COL_USEDBYTES] = { "USEDBYTES", Q | PQ, V_NUMBER, "bytes in the queue (POSIX: needs read permission)" },
	[COL_MSGS] = { "MSGS", Q | PQ, V_NUMBER, "messages in the queue (POSIX: needs permission to open it)" },
	[COL_SEND] = { "SEND", Q, V_TIME, "time of the last send" },
	[COL_RECV] = { "RECV", Q, V_TIME, "time of the last receive" },
	[COL_LSPID] = { "LSPID", Q, V_NUMBER, "pid of the last sender" },
	[COL_LRPID] = { "LRPID", Q, V_NUMBER, "pid of the last receiver" },
	[COL_QBYTES] = { "QBYTES", Q, V_NUMBER, "capacity in bytes (needs read permission)" },
	[COL_MAXMSGS] = { "MAXMSGS", PQ, V_NUMBER, "capacity in messages (needs permission to open it)" },
	[COL_MSGSIZE] = { "MSGSIZE", PQ, V_NUMBER, "largest message in bytes (needs permission to open it)" },
	[COL_NOTIFYPID] = { "NOTIFYPID", PQ, V_NUMBER, "pid registered with mq_notify, 0 for none (needs read permission)" },
	[COL_NSEMS] = { "NSEMS", S, V_NUMBER, "semaphores in the set" },
	[COL_OTIME] = { "OTIME", S, V_TIME, "time of the last semop" },
	[COL_SVAL] = { "SVAL", PS, V_NUMBER, "semaphore value (needs read and write permission)" },
};

#undef Q
#undef M
#undef S
#undef PQ
#undef PM
#undef PS
#undef BOTH

/* lsipc's defaults, without COMMAND (a /proc/PID read per row). */
static const enum col default_queue_cols[] = {
	COL_KEY, COL_ID, COL_PERMS, COL_OWNER, COL_USEDBYTES, COL_MSGS, COL_LSPID, COL_LRPID,
};
static const enum col default_shm_cols[] = {
	COL_KEY, COL_ID, COL_PERMS, COL_OWNER, COL_SIZE, COL_NATTCH, COL_STATUS, COL_CTIME,
	COL_CPID, COL_LPID,
};
static const enum col default_sem_cols[] = {
	COL_KEY, COL_ID, COL_PERMS, COL_OWNER, COL_NSEMS,
};
static const enum col default_posix_queue_cols[] = {
	COL_NAME, COL_PERMS, COL_OWNER, COL_USEDBYTES, COL_MSGS, COL_MAXMSGS, COL_MSGSIZE, COL_NOTIFYPID,
};
static const enum col default_posix_shm_cols[] = {
	COL_NAME, COL_PERMS, COL_OWNER, COL_SIZE, COL_MTIME,
};
static const enum col default_posix_sem_cols[] = {
	COL_NAME, COL_PERMS, COL_OWNER, COL_SVAL,
};

#define DEFAULTS(cols) cols, sizeof(cols) / sizeof(cols[0])

static const struct kind_info {
	const char *json_name;   /* lsipc's */
	const char *title;
	const char *plural;      /* in messages */
	const char *type;        /* the TYPE column */
	const enum col *defaults;
	size_t ndefaults;
} kinds_info[NTABLES] = {
	[IPC_KIND_QUEUE] = { "messages", "Message queues", "message queues", "queue",
			     DEFAULTS(default_queue_cols) },
	[IPC_KIND_SHM] = { "sharedmemory", "Shared memory segments", "shared memory segments", "shm",
			   DEFAULTS(default_shm_cols) },
	[IPC_KIND_SEM] = { "semaphores", "Semaphore sets", "semaphore sets", "sem", DEFAULTS(default_sem_cols) },
	[NKINDS + IPC_KIND_QUEUE] = { "posixmessages", "POSIX message queues", "POSIX message queues",
				      "posix-queue", DEFAULTS(default_posix_queue_cols) },
	[NKINDS + IPC_KIND_SHM] = { "posixsharedmemory", "POSIX shared memory", "POSIX shared memory objects",
				    "posix-shm", DEFAULTS(default_posix_shm_cols) },
	[NKINDS + IPC_KIND_SEM] = { "posixsemaphores", "POSIX semaphores", "POSIX semaphores", "posix-sem",
				    DEFAULTS(default_posix_sem_cols) },
};

#undef DEFAULTS

enum out_mode { OUT_TABLE, OUT_JSON, OUT_RAW, OUT_EXPORT };

struct output {
	enum out_mode mode;
	bool noheadings;
	bool cols_given;        /* --output */
	bool cols_plus;         /* --output +COLS: the defaults and these */
	enum col cols[NCOLS];
	size_t ncols;
};

/* "message queues, semaphore sets" for a table mask: a kind in both
 * families is named plainly, one in one family with "System V" or
 * "POSIX".  Two calls may share one message. */
static const char *kind_names(unsigned tables)
{
	static char texts[2][256];
	static int turn;
	char *text = texts[turn ^= 1];

	text[0] = '\0';
	for (int k = 0; k < NKINDS; k++) {
		bool sysv = tables & KIND_BIT(k), posix = tables & POSIX_KIND_BIT(k);
		if (!sysv && !posix)
			continue;
		if (text[0])
			strcat(text, ", ");
		if (sysv && !posix && (tables & POSIX_KINDS_ALL))
			strcat(text, "System V ");
		strcat(text, posix && !sysv ? kinds_info[NKINDS + k].plural : kinds_info[k].plural);
	}
	return text;
}

/* ---- cells ------------------------------------------------------------- */

static void format_time_uncached(time_t t, char *buf, size_t size)
{
	struct tm tm;
	char zone[8];

	if (!localtime_r(&t, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm) == 0 ||
	    strftime(zone, sizeof(zone), "%z", &tm) != 5) {
		snprintf(buf, size, "%lld", (long long)t);
		return;
	}
	/* ISO 8601 extended form: +01:00, as lsipc --time-format=iso. */
	size_t len = strlen(buf);
	snprintf(buf + len, size - len, "%.3s:%s", zone, zone + 3);
}

/* Objects made together share their times: one localtime and strftime per
 * distinct second, not per row. */
static void format_time(time_t t, char *buf, size_t size)
{
	static time_t last_time;
	static char last_text[64];

	if (t != last_time || !last_text[0]) {
		format_time_uncached(t, last_text, sizeof(last_text));
		last_time = t;
	}
	snprintf(buf, size, "%s", last_text);
}

static void format_perms(unsigned mode, char *buf)
{
	static const char rwx[] = "rwxrwxrwx";

	for (int i = 0; i < 9; i++)
		buf[i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	buf[9] = '\0';
}

static void format_status(unsigned mode, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *name; } flags[] = {
		{ SHM_DEST, "dest" }, { SHM_LOCKED, "locked" },
		{ 04000 /* SHM_HUGETLB */, "hugetlb" }, { 010000 /* SHM_NORESERVE */, "noreserve" },
	};

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!(mode & flags[i].bit))
			continue;
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s", len ? "," : "", flags[i].name);
	}
}

/* The creator's command line, while it runs. */
static bool read_command(pid_t pid, char *buf, size_t size)
{
	char path[64];

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t got = read_full(fd, buf, size - 1);
	close(fd);
	if (got <= 0)
		return false;
	while (got > 0 && buf[got - 1] == '\0')
		got--;
	for (ssize_t i = 0; i < got; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[got] = '\0';
	return got > 0;
}

/* A queue's capacity is only in IPC_STAT, which needs read permission. */
static bool read_qbytes(int id, unsigned long long *qbytes)
{
	struct msqid_ds ds;

	if (msgctl(id, IPC_STAT, &ds) != 0)
		return false;
	*qbytes = ds.msg_qbytes;
	return true;
}

/* Decimal digits without snprintf, whose format parsing was a tenth of a
 * 20,000-row listing.  SIZE is at least 21. */
static const char *number(char *buf, size_t size, unsigned long long v)
{
	char *p = buf + size - 1;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return memmove(buf, p, (size_t)(buf + size - p));
}

static const char *signed_number(char *buf, size_t size, long long v)
{
	if (v >= 0)
		return number(buf, size, (unsigned long long)v);
	buf[0] = '-';
	number(buf + 1, size - 1, -(unsigned long long)v);
	return buf;
}

static time_t time_of(const struct sysv_obj *o, enum col c)
{
	switch (c) {
	case COL_CTIME: return o->ctime;
	case COL_ATTACH: return o->atime;
	case COL_DETACH: return o->dtime;
	case COL_SEND: return o->stime;
	case COL_RECV: return o->rtime;
	case COL_OTIME: return o->otime;
	default: return 0;
	}
}

/* The text of one cell, in BUF or a static string; NULL when the object
 * has no value there (a time never set, a command no longer running). */
static const char *cell(const struct sysv_obj *o, enum col c, char *buf, size_t size)
{
	unsigned long long u;

	switch (c) {
	case COL_KEY: {
		static const char hex[] = "0123456789abcdef";
		uint32_t key = (uint32_t)o->key;
		buf[0] = '0';
		buf[1] = 'x';
		for (int i = 0; i < 8; i++)
			buf[2 + i] = hex[(key >> (28 - 4 * i)) & 0xf];
		buf[10] = '\0';
		(void)size;
		return buf;
	}
	case COL_ID: return signed_number(buf, size, o->id);
	case COL_OWNER:
	case COL_USER: return user_name(o->uid);
	case COL_PERMS:
		format_perms(o->mode, buf);
		return buf;
	case COL_CUID: return number(buf, size, o->cuid);
	case COL_CUSER: return user_name(o->cuid);
	case COL_CGID: return number(buf, size, o->cgid);
	case COL_CGROUP: return group_name(o->cgid);
	case COL_UID: return number(buf, size, o->uid);
	case COL_GID: return number(buf, size, o->gid);
	case COL_GROUP: return group_name(o->gid);
	case COL_SIZE: return number(buf, size, o->segsz);
	case COL_NATTCH: return number(buf, size, o->nattch);
	case COL_STATUS:
		format_status(o->mode, buf, size);
		return buf[0] ? buf : NULL;
	case COL_COMMAND: return read_command(o->cpid, buf, size) ? buf : NULL;
	case COL_CPID: return signed_number(buf, size, o->cpid);
	case COL_LPID: return signed_number(buf, size, o->lpid);
	case COL_RSS: return number(buf, size, o->rss);
	case COL_SWAP: return number(buf, size, o->swap);
	case COL_USEDBYTES: return number(buf, size, o->cbytes);
	case COL_MSGS: return number(buf, size, o->qnum);
	case COL_LSPID: return signed_number(buf, size, o->lspid);
	case COL_LRPID: return signed_number(buf, size, o->lrpid);
	case COL_QBYTES: return read_qbytes(o->id, &u) ? number(buf, size, u) : NULL;
	case COL_NSEMS: return number(buf, size, o->nsems);
	case COL_CTIME:
	case COL_ATTACH:
	case COL_DETACH:
	case COL_SEND:
	case COL_RECV:
	case COL_OTIME: {
		time_t t = time_of(o, c);
		if (t == 0)
			return NULL;
		format_time(t, buf, size);
		return buf;
	}
	case COL_NAME:
	case COL_MTIME:
	case COL_MAXMSGS:
	case COL_MSGSIZE:
	case COL_NOTIFYPID:
	case COL_SVAL:
	case NCOLS:
		break;
	}
	return NULL;
}

static time_t posix_time_of(const struct posix_obj *o, enum col c)
{
	if (!o->has_stat)
		return 0;
	return c == COL_CTIME ? o->ctime : c == COL_MTIME ? o->mtime : 0;
}

/* A POSIX object's cell; NULL where it has no value or the value could
 * not be read (a queue or semaphore this user may not open). */
static const char *posix_cell(const struct posix_obj *o, enum col c, char *buf, size_t size)
{
	if (c == COL_NAME)
		return o->name;
	if (c == COL_MSGS || c == COL_MAXMSGS || c == COL_MSGSIZE) {
		if (!o->has_attr)
			return NULL;
		long long v = c == COL_MSGS ? o->curmsgs : c == COL_MAXMSGS ? o->maxmsg : o->msgsize;
		return signed_number(buf, size, v);
	}
	if (c == COL_USEDBYTES || c == COL_NOTIFYPID) {
		if (!o->has_qsize)
			return NULL;
		return c == COL_USEDBYTES ? number(buf, size, o->qsize) : signed_number(buf, size, o->notify_pid);
	}
	if (c == COL_SVAL)
		return o->has_value ? signed_number(buf, size, o->value) : NULL;
	if (!o->has_stat)
		return NULL;
	switch (c) {
	case COL_OWNER:
	case COL_USER: return user_name(o->uid);
	case COL_PERMS:
		format_perms(o->mode, buf);
		return buf;
	case COL_UID: return number(buf, size, o->uid);
	case COL_GID: return number(buf, size, o->gid);
	case COL_GROUP: return group_name(o->gid);
	case COL_SIZE: return number(buf, size, o->size);
	case COL_CTIME:
	case COL_MTIME: {
		time_t t = posix_time_of(o, c);
		if (t == 0)
			return NULL;
		format_time(t, buf, size);
		return buf;
	}
	default: return NULL;
	}
}

/* One row of a table: an object of either family. */
struct row {
	const struct sysv_obj *sysv;
	const struct posix_obj *posix;
};

static const char *row_cell(const struct row *r, enum col c, char *buf, size_t size)
{
	return r->sysv ? cell(r->sysv, c, buf, size) : posix_cell(r->posix, c, buf, size);
}

static time_t row_time(const struct row *r, enum col c)
{
	return r->sysv ? time_of(r->sysv, c) : posix_time_of(r->posix, c);
}

/* ---- tables ------------------------------------------------------------ */

static struct libscols_table *new_table(const char *json_name, const struct output *out)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_set_name(tb, json_name);
	scols_table_enable_noheadings(tb, out->noheadings);
	switch (out->mode) {
	case OUT_JSON: scols_table_enable_json(tb, 1); break;
	case OUT_RAW: scols_table_enable_raw(tb, 1); break;
	case OUT_EXPORT: scols_table_enable_export(tb, 1); break;
	case OUT_TABLE: break;
	}
	return tb;
}

/* WIDTH, when not 0, is the column's width in every chunk of a table
 * printed in chunks (libsmartcols takes a hint of 1 or more as absolute). */
static bool add_column_width(struct libscols_table *tb, const char *name, enum value_type type,
			     size_t width)
{
	int flags = type == V_NUMBER ? SCOLS_FL_RIGHT : 0;
	struct libscols_column *cl = scols_table_new_column(tb, name, width ? (double)width : 1, flags);

	if (!cl)
		return false;
	if (type == V_NUMBER)
		scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	return true;
}

static bool add_column(struct libscols_table *tb, const char *name, enum value_type type)
{
	return add_column_width(tb, name, type, 0);
}

/* The columns TABLE (an index in kinds_info) shows. */
static size_t kind_columns(int table, const struct output *out, enum col *cols)
{
	const struct kind_info *ki = &kinds_info[table];
	size_t n = 0;

	if (!out->cols_given || out->cols_plus)
		for (size_t i = 0; i < ki->ndefaults; i++)
			cols[n++] = ki->defaults[i];
	if (out->cols_given)
		for (size_t i = 0; i < out->ncols; i++) {
			bool dup = false;
			for (size_t j = 0; j < n; j++)
				dup = dup || cols[j] == out->cols[i];
			if (!dup && (columns[out->cols[i]].kinds & (1u << table)))
				cols[n++] = out->cols[i];
		}
	return n;
}

struct kind_table {
	struct libscols_table *tb;
	int table;
	enum col cols[NCOLS];
	size_t ncols;
	bool type_column;
};

/* WIDTHS: NULL, or each column's fixed width (TYPE first if shown). */
static int kind_table_init(struct kind_table *kt, int table, const struct output *out,
			   bool type_column, const size_t *widths)
{
	kt->tb = new_table(kinds_info[table].json_name, out);
	kt->table = table;
	kt->ncols = kind_columns(table, out, kt->cols);
	kt->type_column = type_column;
	if (!kt->tb)
		return fail("out of memory");
	size_t w = 0;
	bool ok = !type_column || add_column_width(kt->tb, "TYPE", V_STRING, widths ? widths[w++] : 0);
	for (size_t i = 0; ok && i < kt->ncols; i++) {
		const struct column *c = &columns[kt->cols[i]];
		ok = add_column_width(kt->tb, c->name, c->type == V_NUMBER ? V_NUMBER : V_STRING,
				      widths ? widths[w++] : 0);
		/* JSON readers get times twice: ISO 8601 and seconds since the epoch. */
		if (ok && c->type == V_TIME && out->mode == OUT_JSON) {
			char name[32];
			snprintf(name, sizeof(name), "%s_EPOCH", c->name);
			ok = add_column(kt->tb, name, V_NUMBER);
		}
	}
	return ok ? 0 : fail("out of memory");
}

/* libsmartcols escapes what JSON needs escaped but copies other bytes as
 * they are, and JSON strings are Unicode: a text cell in JSON goes out in
 * the shown form (error.h), as tables show it, so a name that is not UTF-8
 * is still valid JSON and reads the same as in the table. */
static const char *json_text(const char *text, const struct column *c, const struct output *out)
{
	static char shown[4 * 4096 + 1];

	if (!text || out->mode != OUT_JSON || c->type == V_NUMBER)
		return text;
	return shown_form(text, shown, sizeof(shown));
}

/* The detail view prints its lines itself: the shown form keeps each one
 * line and a name copyable as a TARGET. */
static const char *shown(const char *text)
{
	static char buf[4 * 4096 + 1];

	return shown_form(text, buf, sizeof(buf));
}

static int kind_table_add(struct kind_table *kt, const struct row *o, const struct output *out)
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
		const char *text = json_text(row_cell(o, kt->cols[i], buf, sizeof(buf)), c, out);
		if (text && scols_line_set_data(ln, n, text) != 0)
			return fail("out of memory");
		n++;
		if (columns[kt->cols[i]].type == V_TIME && out->mode == OUT_JSON) {
			time_t t = row_time(o, kt->cols[i]);
			if (t && scols_line_set_data(ln, n, signed_number(buf, sizeof(buf), t)) != 0)
				return fail("out of memory");
			n++;
		}
	}
	return 0;
}

/* JSON: libsmartcols prints each table as a document of its own,
 * "{\n   \"name\": [...]\n}\n"; several tables become one document by
 * joining what is between the outer braces. */
struct json_doc {
	bool started;
};

static int json_add_table(struct json_doc *doc, struct libscols_table *tb)
{
	char *text = NULL;

	if (scols_print_table_to_string(tb, &text) != 0 || !text)
		return fail("cannot format the JSON output");
	char *body = strchr(text, '\n');
	char *end = strrchr(text, '}');
	if (!body || !end || end < body) {
		free(text);
		return fail("cannot format the JSON output");
	}
	while (end > body && (end[-1] == '\n'))
		end--;
	fputs(doc->started ? ",\n" : "{\n", stdout);
	fwrite(body + 1, 1, (size_t)(end - body - 1), stdout);
	doc->started = true;
	free(text);
	return 0;
}

static void json_end(struct json_doc *doc)
{
	fputs(doc->started ? "\n}\n" : "{}\n", stdout);
}

struct table_printer {
	const struct output *out;
	struct json_doc doc;
	int printed;
	bool titles;
};

static int print_table(struct table_printer *tp, struct libscols_table *tb, const char *title)
{
	if (tp->out->mode == OUT_JSON)
		return json_add_table(&tp->doc, tb);
	/* Without headings an empty table leaves no trace, not even a gap. */
	if (tp->out->noheadings && scols_table_is_empty(tb))
		return 0;
	if (tp->printed && tp->out->mode == OUT_TABLE)
		putchar('\n');
	tp->printed++;
	/* libsmartcols prints nothing for an empty table; under a title say so. */
	if (tp->titles && title && scols_table_is_empty(tb)) {
		if (!tp->out->noheadings)
			printf("%s: none\n", title);
		return 0;
	}
	if (tp->titles && title && !tp->out->noheadings)
		printf("%s:\n", title);
	if (scols_print_table(tb) != 0)
		return fail("cannot print the table");
	return 0;
}

/* A listing is formatted once, into one arena, which gives every column's
 * width; then libsmartcols prints it CHUNK_ROWS lines at a time through
 * one table whose lines are refilled for each chunk, its columns fixed at
 * the widths of the whole.  20,000 rows held as smartcols lines at once
 * would cost ten allocations each and page faults, twice the time of
 * formatting them.  bench/LIST.md has the figures. */
enum { CHUNK_ROWS = 1024 };

struct cell_arena {
	struct buf text;
	size_t *offsets;       /* per row and column; NO_CELL for no value */
	size_t nrows, cap, ncells;
	size_t widths[NCOLS + 1];
	bool unsafe[NCOLS + 1];  /* a cell libsmartcols would encode (not plain) */
};

#define NO_CELL ((size_t)-1)

static int arena_store(struct cell_arena *a, size_t row, size_t col, const char *text)
{
	size_t *slot = &a->offsets[row * a->ncells + col];

	if (!text) {
		*slot = NO_CELL;
		return 0;
	}
	size_t len = 0;
	for (; text[len]; len++)
		if ((unsigned char)text[len] < 0x20 || (unsigned char)text[len] >= 0x7f ||
		    (text[len] == '\\' && text[len + 1] == 'x'))
			a->unsafe[col] = true;
	*slot = a->text.len;
	if (len > a->widths[col])
		a->widths[col] = len;
	return buf_append(&a->text, text, len + 1);
}

static int arena_add_row(struct cell_arena *a, const struct kind_table *kt, const struct sysv_obj *o)
{
	char buf[4096];
	size_t col = 0;

	if (a->nrows == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 1024;
		size_t *offsets = realloc(a->offsets, cap * a->ncells * sizeof(*offsets));
		if (!offsets)
			return -1;
		a->offsets = offsets;
		a->cap = cap;
	}
	size_t row = a->nrows++;
	if (kt->type_column && arena_store(a, row, col++, kinds_info[o->kind].type) != 0)
		return -1;
	for (size_t i = 0; i < kt->ncols; i++)
		if (arena_store(a, row, col++, cell(o, kt->cols[i], buf, sizeof(buf))) != 0)
			return -1;
	return 0;
}

/* One row of the arena into LN, the cells it has no value for emptied. */
static int fill_line(struct libscols_line *ln, const struct cell_arena *a, size_t row)
{
	for (size_t col = 0; col < a->ncells; col++) {
		size_t at = a->offsets[row * a->ncells + col];
		if (scols_line_set_data(ln, col, at == NO_CELL ? NULL : a->text.data + at) != 0)
			return fail("out of memory");
	}
	return 0;
}

/* Rows FIRST to LAST of the arena into TB's lines, adding lines while it
 * has fewer and dropping those past LAST. */
static int fill_chunk(struct libscols_table *tb, const struct cell_arena *a, size_t first, size_t last)
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
static void declare_plain_columns(struct libscols_table *tb, const struct cell_arena *a)
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

static int print_kind_chunked(struct table_printer *tp, const struct sysv_list *objs, enum ipc_kind kind,
			      const uid_t *user, bool type_column)
{
	struct cell_arena a = { .text = { 0 } };
	struct kind_table kt = { .type_column = type_column };
	int rc = 0;

	kt.ncols = kind_columns(kind, tp->out, kt.cols);
	a.ncells = kt.ncols + type_column;
	size_t col = 0;
	if (type_column)
		a.widths[col++] = strlen("TYPE");
	for (size_t i = 0; i < kt.ncols; i++)
		a.widths[col++] = strlen(columns[kt.cols[i]].name);
	for (size_t i = 0; i < objs->n && rc == 0; i++) {
		const struct sysv_obj *o = &objs->objs[i];
		if (o->kind == kind && (!user || o->uid == *user) && arena_add_row(&a, &kt, o) != 0)
			rc = fail("out of memory");
	}
	if (rc == 0)
		rc = kind_table_init(&kt, kind, tp->out, type_column, a.widths);
	if (rc == 0 && tp->out->mode == OUT_TABLE)
		declare_plain_columns(kt.tb, &a);
	for (size_t first = 0; rc == 0 && (first < a.nrows || first == 0); first += CHUNK_ROWS) {
		size_t last = first + CHUNK_ROWS < a.nrows ? first + CHUNK_ROWS : a.nrows;
		rc = fill_chunk(kt.tb, &a, first, last);
		if (rc == 0 && first == 0)
			rc = print_table(tp, kt.tb, kinds_info[kind].title);
		else if (rc == 0 && scols_print_table(kt.tb) != 0)
			rc = fail("cannot print the table");
		/* The heading goes over the first chunk only. */
		scols_table_enable_noheadings(kt.tb, 1);
	}
	scols_unref_table(kt.tb);
	buf_free(&a.text);
	free(a.offsets);
	return rc;
}

static int print_kind_json(struct table_printer *tp, const struct sysv_list *objs, enum ipc_kind kind,
			   const uid_t *user)
{
	struct kind_table kt;
	int rc = kind_table_init(&kt, kind, tp->out, false, NULL);

	for (size_t i = 0; i < objs->n && rc == 0; i++) {
		const struct sysv_obj *o = &objs->objs[i];
		if (o->kind == kind && (!user || o->uid == *user))
			rc = kind_table_add(&kt, &(struct row){ .sysv = o }, tp->out);
	}
	if (rc == 0)
		rc = print_table(tp, kt.tb, NULL);
	scols_unref_table(kt.tb);
	return rc;
}

/* POSIX objects are files, a few per system: one table of them all,
 * measured by libsmartcols, in every mode. */
static int print_posix_kind(struct table_printer *tp, const struct posix_list *objs, enum ipc_kind kind,
			    const uid_t *user, bool type_column)
{
	struct kind_table kt;
	int rc = kind_table_init(&kt, NKINDS + kind, tp->out, type_column, NULL);

	for (size_t i = 0; i < objs->n && rc == 0; i++) {
		const struct posix_obj *o = &objs->objs[i];
		if (o->kind == kind && (!user || o->uid == *user))
			rc = kind_table_add(&kt, &(struct row){ .posix = o }, tp->out);
	}
	if (rc == 0)
		rc = print_table(tp, kt.tb, kinds_info[NKINDS + kind].title);
	scols_unref_table(kt.tb);
	return rc;
}

/* One table per kind of each family in TABLES: their columns differ. */
static int print_objects(const struct sysv_list *objs, const struct posix_list *posix, unsigned tables,
			 const struct output *out, const uid_t *user)
{
	struct table_printer tp = { .out = out };
	int ntables = 0, rc = 0;

	for (int t = 0; t < NTABLES; t++)
		ntables += (tables & (1u << t)) != 0;
	tp.titles = ntables > 1 && out->mode == OUT_TABLE;
	bool type_column = ntables > 1 && (out->mode == OUT_RAW || out->mode == OUT_EXPORT);

	for (int t = 0; t < NTABLES && rc == 0; t++) {
		if (!(tables & (1u << t)))
			continue;
		if (t >= NKINDS)
			rc = print_posix_kind(&tp, posix, (enum ipc_kind)(t - NKINDS), user, type_column);
		else if (out->mode == OUT_JSON)
			rc = print_kind_json(&tp, objs, (enum ipc_kind)t, user);
		else
			rc = print_kind_chunked(&tp, objs, (enum ipc_kind)t, user, type_column);
	}
	if (rc == 0 && out->mode == OUT_JSON)
		json_end(&tp.doc);
	return rc;
}

int list_print_default(const struct sysv_list *objs, const struct posix_list *posix, unsigned tables)
{
	struct output out = { .mode = OUT_TABLE };

	return print_objects(objs, posix, tables, &out, NULL);
}

/* ---- one object in detail ---------------------------------------------- */

static int semaphore_values(const struct sysv_obj *o, struct libscols_table *tb)
{
	static const char *names[] = { "SEMNUM", "VALUE", "NCNT", "ZCNT", "PID" };
	static const int cmds[] = { GETVAL, GETNCNT, GETZCNT, GETPID };

	for (size_t i = 0; i < 5; i++)
		if (!add_column(tb, names[i], V_NUMBER))
			return fail("out of memory");
	for (unsigned long long n = 0; n < o->nsems; n++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char buf[32];
		if (!ln)
			return fail("out of memory");
		scols_line_set_data(ln, 0, number(buf, sizeof(buf), n));
		for (size_t c = 0; c < 4; c++) {
			int v = semctl(o->id, (int)n, cmds[c]);
			if (v < 0)
				return fail_errno("cannot read semaphore %llu of %s", n, sysv_describe(o));
			scols_line_set_data(ln, c + 1, signed_number(buf, sizeof(buf), v));
		}
	}
	return 0;
}

/* Each message's type and size, copied with MSG_COPY: nothing is taken. */
static int queue_contents(const struct sysv_obj *o, struct libscols_table *tb)
{
	static const char *names[] = { "INDEX", "TYPE", "SIZE" };
	struct target t;
	struct queue q;
	int rc;

	target_init(&t);
	t.kind = TARGET_ID;
	t.id = o->id;
	snprintf(t.text, sizeof(t.text), "%d", o->id);
	for (size_t i = 0; i < 3; i++)
		if (!add_column(tb, names[i], V_NUMBER))
			return fail("out of memory");
	if ((rc = queue_open(&q, &t)))
		return rc;
	struct queue_record *rec = malloc(queue_record_span(q.max_message));
	if (!rec)
		return fail("out of memory");
	for (size_t index = 0;; index++) {
		enum queue_result r = queue_copy(&q, index, rec, q.max_message);
		if (r == QUEUE_NOTHING)
			break;
		if (r != QUEUE_OK) {
			rc = queue_report(&q, "peek at");
			break;
		}
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char buf[32];
		if (!ln) {
			rc = fail("out of memory");
			break;
		}
		scols_line_set_data(ln, 0, number(buf, sizeof(buf), index));
		scols_line_set_data(ln, 1, signed_number(buf, sizeof(buf), rec->tag));
		scols_line_set_data(ln, 2, number(buf, sizeof(buf), rec->size));
	}
	free(rec);
	return rc;
}

/* Every column of the object's kind, one "NAME: value" line each, as
 * ipcs -i; the JSON form is one row with them all. */
static int print_detail_fields(const struct row *o, int table, const struct output *out,
			       struct table_printer *tp)
{
	struct output all = *out;
	int rc;

	all.cols_given = true;
	all.cols_plus = false;
	all.ncols = 0;
	if (table >= NKINDS)
		all.cols[all.ncols++] = COL_NAME;   /* the name first, as the key and id are */
	for (int c = 0; c < NCOLS; c++)
		if ((columns[c].kinds & (1u << table)) && !(table >= NKINDS && c == COL_NAME))
			all.cols[all.ncols++] = (enum col)c;
	if (out->mode != OUT_TABLE) {
		struct kind_table kt;
		rc = kind_table_init(&kt, table, &all, false, NULL);
		if (rc == 0)
			rc = kind_table_add(&kt, o, &all);
		if (rc == 0)
			rc = print_table(tp, kt.tb, NULL);
		scols_unref_table(kt.tb);
		return rc;
	}
	char buf[4096];
	printf("%s:\n", shown(o->sysv ? sysv_describe(o->sysv) : posix_describe(o->posix)));
	for (size_t i = 0; i < all.ncols; i++) {
		const char *text = row_cell(o, all.cols[i], buf, sizeof(buf));
		printf("%-10s %s\n", columns[all.cols[i]].name,
		       text ? shown(text) : columns[all.cols[i]].type == V_TIME ? "not set" : "-");
	}
	tp->printed++;
	return 0;
}

static int show_detail(const struct sysv_obj *o, const struct output *out, bool peek)
{
	struct table_printer tp = { .out = out };
	struct libscols_table *extra = NULL;
	const char *extra_title = NULL;
	int rc = 0;

	/* Gather everything before printing, so a failure prints nothing. */
	if (o->kind == IPC_KIND_SEM) {
		extra = new_table("values", out);
		extra_title = "Semaphores";
		rc = extra ? semaphore_values(o, extra) : fail("out of memory");
	} else if (o->kind == IPC_KIND_QUEUE && peek) {
		extra = new_table("contents", out);
		extra_title = "Messages";
		rc = extra ? queue_contents(o, extra) : fail("out of memory");
	}
	if (rc == 0)
		rc = print_detail_fields(&(struct row){ .sysv = o }, o->kind, out, &tp);
	if (rc == 0 && extra) {
		tp.titles = true;
		rc = print_table(&tp, extra, extra_title);
	}
	if (rc == 0 && out->mode == OUT_JSON)
		json_end(&tp.doc);
	scols_unref_table(extra);
	return rc;
}

static int show_posix_detail(const struct posix_obj *o, const struct output *out)
{
	struct table_printer tp = { .out = out };
	int rc = print_detail_fields(&(struct row){ .posix = o }, NKINDS + o->kind, out, &tp);

	if (rc == 0 && out->mode == OUT_JSON)
		json_end(&tp.doc);
	return rc;
}

/* ---- limits and usage -------------------------------------------------- */

struct info_row {
	unsigned kind;
	const char *resource;
	const char *description;
	unsigned long long value;
};

/* /proc/sys/kernel/NAME when readable (exact, 64-bit), else FALLBACK. */
static unsigned long long sysctl_value(const char *name, int field, unsigned long long fallback)
{
	char path[64], text[128];

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fallback;
	ssize_t got = read_full(fd, text, sizeof(text) - 1);
	close(fd);
	if (got <= 0)
		return fallback;
	text[got] = '\0';
	char *p = text, *end;
	unsigned long long v = fallback;
	for (int i = 0; i <= field; i++) {
		errno = 0;
		v = strtoull(p, &end, 10);
		if (end == p || errno)
			return fallback;
		p = end;
	}
	return v;
}

static int print_info_rows(const struct info_row *rows, size_t n, unsigned kinds,
			   const struct output *out, const char *json_name, const char *value_name)
{
	struct table_printer tp = { .out = out };
	struct libscols_table *tb = new_table(json_name, out);
	int rc = 0;

	if (!tb || !add_column(tb, "RESOURCE", V_STRING) || !add_column(tb, "DESCRIPTION", V_STRING) ||
	    !add_column(tb, value_name, V_NUMBER))
		rc = fail("out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!(kinds & rows[i].kind))
			continue;
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char buf[32];
		if (!ln || scols_line_set_data(ln, 0, rows[i].resource) ||
		    scols_line_set_data(ln, 1, rows[i].description) ||
		    scols_line_set_data(ln, 2, number(buf, sizeof(buf), rows[i].value)))
			rc = fail("out of memory");
	}
	if (rc == 0)
		rc = print_table(&tp, tb, NULL);
	if (rc == 0 && out->mode == OUT_JSON)
		json_end(&tp.doc);
	scols_unref_table(tb);
	return rc;
}

static int show_limits(unsigned kinds, const struct output *out)
{
	struct msginfo mi = { 0 };
	struct shminfo si = { 0 };
	struct seminfo se = { 0 };
	union { struct seminfo *info; } semarg = { .info = &se };

	if (msgctl(0, IPC_INFO, (struct msqid_ds *)(void *)&mi) < 0 ||
	    shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&si) < 0 ||
	    semctl(0, 0, IPC_INFO, semarg) < 0)
		return fail_errno("cannot read the kernel's IPC limits");
	const unsigned q = KIND_BIT(IPC_KIND_QUEUE), m = KIND_BIT(IPC_KIND_SHM), s = KIND_BIT(IPC_KIND_SEM);
	const struct info_row rows[] = {
		{ q, "MSGMNI", "Number of message queues", sysctl_value("msgmni", 0, (unsigned)mi.msgmni) },
		{ q, "MSGMAX", "Max size of message (bytes)", sysctl_value("msgmax", 0, (unsigned)mi.msgmax) },
		{ q, "MSGMNB", "Default max size of queue (bytes)", sysctl_value("msgmnb", 0, (unsigned)mi.msgmnb) },
		{ m, "SHMMNI", "Shared memory segments", sysctl_value("shmmni", 0, si.shmmni) },
		{ m, "SHMALL", "Shared memory pages", sysctl_value("shmall", 0, si.shmall) },
		{ m, "SHMMAX", "Max size of shared memory segment (bytes)", sysctl_value("shmmax", 0, si.shmmax) },
		{ m, "SHMMIN", "Min size of shared memory segment (bytes)", si.shmmin },
		{ s, "SEMMNI", "Number of semaphore identifiers", sysctl_value("sem", 3, (unsigned)se.semmni) },
		{ s, "SEMMNS", "Total number of semaphores", sysctl_value("sem", 1, (unsigned)se.semmns) },
		{ s, "SEMMSL", "Max semaphores per semaphore set", sysctl_value("sem", 0, (unsigned)se.semmsl) },
		{ s, "SEMOPM", "Max number of operations per semop(2)", sysctl_value("sem", 2, (unsigned)se.semopm) },
		{ s, "SEMVMX", "Semaphore max value", (unsigned)se.semvmx },
	};
	return print_info_rows(rows, sizeof(rows) / sizeof(rows[0]), kinds, out, "limits", "LIMIT");
}

static int show_summary(unsigned kinds, const struct output *out)
{
	struct msginfo mi = { 0 };
	struct shm_info si = { 0 };
	struct seminfo se = { 0 };
	union { struct seminfo *info; } semarg = { .info = &se };

	/* *_INFO (unlike IPC_INFO) fills in what is in use. */
	if (msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&mi) < 0 ||
	    shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si) < 0 ||
	    semctl(0, 0, SEM_INFO, semarg) < 0)
		return fail_errno("cannot read the kernel's IPC usage");
	const unsigned q = KIND_BIT(IPC_KIND_QUEUE), m = KIND_BIT(IPC_KIND_SHM), s = KIND_BIT(IPC_KIND_SEM);
	const struct info_row rows[] = {
		{ q, "MSGQUEUES", "Allocated queues", (unsigned)mi.msgpool },
		{ q, "MSGS", "Messages in all queues", (unsigned)mi.msgmap },
		{ q, "MSGBYTES", "Bytes in all queues", (unsigned)mi.msgtql },
		{ m, "SHMSEGS", "Segments allocated", (unsigned)si.used_ids },
		{ m, "SHMPAGES", "Pages allocated", si.shm_tot },
		{ m, "SHMRSS", "Pages resident", si.shm_rss },
		{ m, "SHMSWAP", "Pages swapped", si.shm_swp },
		{ s, "SEMSETS", "Semaphore sets in use", (unsigned)se.semusz },
		{ s, "SEMS", "Semaphores in all sets", (unsigned)se.semaem },
	};
	return print_info_rows(rows, sizeof(rows) / sizeof(rows[0]), kinds, out, "summary", "USED");
}

/* ---- the command ------------------------------------------------------- */

enum { OPT_QUEUES = 1, OPT_SHM, OPT_SEMS, OPT_SYSV, OPT_POSIX, OPT_JSON, OPT_RAW, OPT_EXPORT,
       OPT_NOHEADINGS, OPT_OUTPUT, OPT_LIMITS, OPT_SUMMARY, OPT_USER, OPT_PEEK };

struct list_options {
	struct target target;
	unsigned kinds;           /* from kind options; 0 = not given */
	bool sysv, posix;         /* family options */
	unsigned tables;          /* what to show: kinds of each family */
	struct output out;
	int modes;                /* how many different ones of --json/--raw/--export */
	bool limits, summary, peek;
	bool has_user;
	uid_t user;
};

static struct poptOption list_table[] = {
	TARGET_TABLE,
	{ "queues", 'q', POPT_ARG_NONE, NULL, OPT_QUEUES, "message queues", NULL },
	{ "shm", 'm', POPT_ARG_NONE, NULL, OPT_SHM, "shared memory segments", NULL },
	{ "shmems", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_SHM, NULL, NULL },
	{ "sems", 's', POPT_ARG_NONE, NULL, OPT_SEMS, "semaphore sets", NULL },
	{ "semaphores", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_SEMS, NULL, NULL },
	{ "sysv", '\0', POPT_ARG_NONE, NULL, OPT_SYSV, "System V objects (default: both families)", NULL },
	{ "posix", '\0', POPT_ARG_NONE, NULL, OPT_POSIX, "POSIX objects (default: both families)", NULL },
	{ "user", '\0', POPT_ARG_STRING, NULL, OPT_USER, "only objects owned by USER (name or uid)", "USER" },
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "one JSON document", NULL },
	{ "raw", 'r', POPT_ARG_NONE, NULL, OPT_RAW, "raw output, as lsipc --raw", NULL },
	{ "export", 'e', POPT_ARG_NONE, NULL, OPT_EXPORT, "NAME=\"value\" pairs, as lsipc --export", NULL },
	{ "noheadings", '\0', POPT_ARG_NONE, NULL, OPT_NOHEADINGS, "no header line", NULL },
	{ "output", 'o', POPT_ARG_STRING, NULL, OPT_OUTPUT,
	  "columns to show, comma-separated; +COLS adds to the default; 'help' lists them", "COLS" },
	{ "limits", '\0', POPT_ARG_NONE, NULL, OPT_LIMITS, "the kernel's limits (as ipcs -l)", NULL },
	{ "summary", '\0', POPT_ARG_NONE, NULL, OPT_SUMMARY, "what is in use (as ipcs -u)", NULL },
	{ "peek", 'p', POPT_ARG_NONE, NULL, OPT_PEEK, "with a System V queue TARGET: each message's type and size", NULL },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static const char *valid_columns(void)
{
	static char text[512];

	text[0] = '\0';
	for (int c = 0; c < NCOLS; c++) {
		if (c)
			strcat(text, ",");
		strcat(text, columns[c].name);
	}
	return text;
}

static int print_column_help(void)
{
	for (int c = 0; c < NCOLS; c++) {
		unsigned tables = columns[c].kinds;
		const char *kind = tables == (KINDS_ALL | POSIX_KINDS_ALL) ? ""
				   : tables == KINDS_ALL ? "System V"
				   : tables == POSIX_KINDS_ALL ? "POSIX"
				   : tables == (KINDS_ALL | POSIX_KINDS_ALL) - POSIX_KIND_BIT(IPC_KIND_QUEUE)
				   ? "all but POSIX message queues" : kind_names(tables);
		printf("%-10s %s%s%s%s\n", columns[c].name, columns[c].help,
		       *kind ? " (" : "", kind, *kind ? ")" : "");
	}
	return CLI_HELP_SHOWN;
}

static int unknown_column(const char *name, size_t len)
{
	char *copy = strndup(name, len);

	if (!copy)
		return fail("out of memory");
	int rc = usage_error("unknown column '%s' in --output; valid columns: %s", quote_input(copy),
			     valid_columns());
	free(copy);
	return rc;
}

static int parse_columns(struct output *out, const char *arg)
{
	const char *p = arg;

	if (strcmp(arg, "help") == 0)
		return print_column_help();

	out->cols_given = true;
	out->cols_plus = *p == '+';
	out->ncols = 0;
	if (out->cols_plus)
		p++;
	while (*p) {
		size_t len = strcspn(p, ",");
		int found = -1;
		for (int c = 0; c < NCOLS && found < 0; c++)
			if (strlen(columns[c].name) == len && strncasecmp(columns[c].name, p, len) == 0)
				found = c;
		if (found < 0)
			return unknown_column(p, len);
		if (out->ncols < NCOLS)
			out->cols[out->ncols++] = (enum col)found;
		p += len;
		if (*p == ',')
			p++;
	}
	if (out->ncols == 0)
		return usage_error("--output needs at least one column; valid columns: %s", valid_columns());
	return 0;
}

/* Counts the different modes asked for: --json twice is no contradiction. */
static int set_mode(struct list_options *o, enum out_mode mode)
{
	if (o->modes == 0 || o->out.mode != mode)
		o->modes++;
	o->out.mode = mode;
	return 0;
}

static int list_option(int val, const char *arg, void *data)
{
	struct list_options *o = data;
	const char *why;
	int rc;

	if ((rc = target_option(&o->target, val, arg)) != CLI_UNHANDLED)
		return rc;
	switch (val) {
	case OPT_QUEUES: o->kinds |= KIND_BIT(IPC_KIND_QUEUE); return 0;
	case OPT_SHM: o->kinds |= KIND_BIT(IPC_KIND_SHM); return 0;
	case OPT_SEMS: o->kinds |= KIND_BIT(IPC_KIND_SEM); return 0;
	case OPT_SYSV: o->sysv = true; return 0;
	case OPT_POSIX: o->posix = true; return 0;
	case OPT_JSON: return set_mode(o, OUT_JSON);
	case OPT_RAW: return set_mode(o, OUT_RAW);
	case OPT_EXPORT: return set_mode(o, OUT_EXPORT);
	case OPT_NOHEADINGS: o->out.noheadings = true; return 0;
	case OPT_OUTPUT: return parse_columns(&o->out, arg);
	case OPT_LIMITS: o->limits = true; return 0;
	case OPT_SUMMARY: o->summary = true; return 0;
	case OPT_PEEK: o->peek = true; return 0;
	case OPT_USER:
		if ((why = parse_user(arg, &o->user)))
			return cli_bad_value("--user", arg, why);
		o->has_user = true;
		return 0;
	}
	return CLI_UNHANDLED;
}

enum { FAMILY_SYSV = 1, FAMILY_POSIX = 2, FAMILIES_ALL = 3 };

/* The kinds and the families a table mask holds. */
static unsigned kinds_of(unsigned tables)
{
	return (tables | tables >> NKINDS) & KINDS_ALL;
}

static unsigned families_of(unsigned tables)
{
	return (tables & KINDS_ALL ? FAMILY_SYSV : 0) | (tables & POSIX_KINDS_ALL ? FAMILY_POSIX : 0);
}

/* The tables to show: the kind options, else the kinds the --output
 * columns belong to, else all; likewise the family options, else the
 * families of the columns or the TARGET, else both.  A column no chosen
 * table has is a usage error. */
static int choose_tables(struct list_options *o)
{
	const struct output *out = &o->out;
	unsigned kinds = 0, families = 0;

	if (out->cols_given && !out->cols_plus)
		for (size_t i = 0; i < out->ncols; i++) {
			unsigned k = kinds_of(columns[out->cols[i]].kinds);
			unsigned f = families_of(columns[out->cols[i]].kinds);
			kinds |= k != KINDS_ALL ? k : 0;
			families |= f != FAMILIES_ALL ? f : 0;
		}
	if (o->kinds)
		kinds = o->kinds;
	if (o->sysv || o->posix)
		families = (o->sysv ? FAMILY_SYSV : 0) | (o->posix ? FAMILY_POSIX : 0);
	if (o->target.kind != TARGET_NONE) {
		unsigned mine = o->target.kind == TARGET_POSIX ? FAMILY_POSIX : FAMILY_SYSV;
		if (families && !(families & mine))
			return usage_error("%s is a %s object: --%s contradicts it", o->target.text,
					   mine == FAMILY_POSIX ? "POSIX" : "System V",
					   mine == FAMILY_POSIX ? "sysv" : "posix");
		families = mine;
	}
	if (!kinds)
		kinds = KINDS_ALL;
	if (!families)
		families = FAMILIES_ALL;
	o->kinds = kinds;
	o->tables = (families & FAMILY_SYSV ? kinds : 0) | (families & FAMILY_POSIX ? kinds << NKINDS : 0);
	if (!out->cols_given)
		return 0;
	for (size_t i = 0; i < out->ncols; i++)
		if (!(columns[out->cols[i]].kinds & o->tables))
			return usage_error("column %s is not shown for %s (it belongs to %s)",
					   columns[out->cols[i]].name, kind_names(o->tables),
					   kind_names(columns[out->cols[i]].kinds));
	return 0;
}

static int list_check(struct list_options *o, bool has_target)
{
	if (o->modes > 1)
		return usage_error("--json, --raw and --export contradict each other: choose one");
	if (o->limits && o->summary)
		return usage_error("--limits and --summary contradict each other: choose one");
	if ((o->limits || o->summary) && (has_target || o->out.cols_given || o->has_user || o->peek))
		return usage_error("--%s takes no TARGET, --output, --user or --peek",
				   o->limits ? "limits" : "summary");
	if ((o->limits || o->summary) && o->posix)
		return usage_error("--%s shows System V figures; it takes no --posix",
				   o->limits ? "limits" : "summary");
	if (has_target && (o->has_user || o->out.cols_given))
		return usage_error("a TARGET is shown in full: it takes no --user or --output");
	if (o->peek && !has_target)
		return usage_error("--peek needs a queue TARGET");
	if (o->peek && o->kinds & ~KIND_BIT(IPC_KIND_QUEUE))
		return usage_error("--peek shows a message queue's messages; it takes no --shm or --sems");
	if (o->peek && o->target.kind == TARGET_POSIX)
		return usage_error("--peek is not supported for POSIX queues: the kernel cannot read a "
				   "message without taking it");
	return choose_tables(o);
}

/* "message queue and a shared memory segment" */
static const char *kinds_found(const enum ipc_kind kinds[], size_t n, bool posix)
{
	static char text[160];

	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "%s%s", i == 0 ? "" : i + 1 == n ? " and a " : ", a ",
			 posix ? posix_kind_name(kinds[i]) : ipc_kind_name(kinds[i]));
	}
	return text;
}

static const char *kind_option_hint(const enum ipc_kind kinds[], size_t n)
{
	static const char *const options[NKINDS] = { "--queues", "--shm", "--sems" };
	static char text[64];

	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "%s%s", i ? " or " : "", options[kinds[i]]);
	}
	return text;
}

/* A /name: its kind is inferred, or refused when several kinds use it. */
static int list_posix_target(struct list_options *o)
{
	struct posix_obj found[NKINDS];
	enum ipc_kind kinds[NKINDS];
	size_t n = posix_find(o->target.path, o->kinds, found);

	for (size_t i = 0; i < n; i++)
		kinds[i] = found[i].kind;
	if (n == 0)
		return fail("no %s named %s", o->kinds == KINDS_ALL ? "POSIX object" : kind_names(o->kinds << NKINDS),
			    o->target.path);
	if (n > 1)
		return fail("%s names a %s: add %s", o->target.path, kinds_found(kinds, n, true),
			    kind_option_hint(kinds, n));
	return show_posix_detail(&found[0], &o->out);
}

static int list_target(struct list_options *o)
{
	struct sysv_list objs = { 0 };
	const struct sysv_obj *found[NKINDS];
	enum ipc_kind kinds[NKINDS];
	key_t key;
	int rc;

	if (o->target.kind == TARGET_POSIX)
		return list_posix_target(o);
	if ((rc = target_key(&o->target, &key)) || (rc = sysv_load_kinds(o->kinds, &objs)))
		goto out;
	size_t n = sysv_find(&objs, &o->target, o->kinds, found);
	for (size_t i = 0; i < n; i++)
		kinds[i] = found[i]->kind;
	if (n == 0)
		rc = fail("no %s with %s", o->kinds == KINDS_ALL ? "IPC object" : kind_names(o->kinds),
			  target_describe(&o->target));
	else if (n > 1)
		rc = fail("%s names a %s: add %s", target_describe(&o->target), kinds_found(kinds, n, false),
			  kind_option_hint(kinds, n));
	else if (o->peek && found[0]->kind != IPC_KIND_QUEUE)
		rc = fail("--peek shows a message queue's messages; %s is a %s", target_describe(&o->target),
			  ipc_kind_name(found[0]->kind));
	else
		rc = show_detail(found[0], &o->out, o->peek);
out:
	sysv_list_free(&objs);
	return rc;
}

/* POSIX queues are listed through an mqueue mount.  Without one, they are
 * left out with a warning, or, when nothing else was asked for, it fails. */
static int check_mqueue_mount(struct list_options *o)
{
	const unsigned queues = POSIX_KIND_BIT(IPC_KIND_QUEUE);
	static const char why[] = "no mqueue file system is mounted (mount -t mqueue none /dev/mqueue)";

	if (!(o->tables & queues) || posix_mqueue_dir())
		return 0;
	o->tables &= ~queues;
	if (!o->tables)
		return fail("cannot list POSIX message queues: %s", why);
	warn("POSIX message queues are not listed: %s", why);
	return 0;
}

static int list_run(struct list_options *o, const struct cli *cli)
{
	struct sysv_list objs = { 0 };
	struct posix_list posix = { 0 };
	int next, rc;

	if ((rc = cli_target_finish(cli, &o->target, false, &next)) || (rc = cli_extra_args(cli, next)) ||
	    (rc = list_check(o, o->target.kind != TARGET_NONE)))
		return rc;
	if (o->limits)
		return show_limits(o->kinds, &o->out);
	if (o->summary)
		return show_summary(o->kinds, &o->out);
	if (o->target.kind != TARGET_NONE)
		return list_target(o);
	if ((rc = check_mqueue_mount(o)))
		return rc;
	rc = sysv_load_kinds(o->tables & KINDS_ALL, &objs);
	if (rc == 0)
		rc = posix_load_kinds(o->tables >> NKINDS, &posix);
	if (rc == 0)
		rc = print_objects(&objs, &posix, o->tables, &o->out, o->has_user ? &o->user : NULL);
	sysv_list_free(&objs);
	posix_list_free(&posix);
	return rc;
}

int cmd_list(int argc, const char **argv)
{
	struct list_options o = { .kinds = 0 };
	struct cli cli;

	target_init(&o.target);
	int rc = cli_parse(&cli, argc, argv, list_table,
			   "[TARGET] [--queues] [--shm] [--sems] [--sysv] [--posix] [--json | --raw | --export] "
			   "[--noheadings] [--output COLS] [--user USER] [--limits | --summary] [--peek]",
			   list_option, &o);
	if (rc == 0)
		rc = list_run(&o, &cli);
	cli_free(&cli);
	return cli_status(rc);
}

const char *list_column_name(size_t i)
{
	return i < NCOLS ? columns[i].name : NULL;
}
