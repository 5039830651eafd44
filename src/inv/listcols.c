/* The columns of list's tables, their cells, and the tables of objects
 * built from them (listcols.h). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "lib/json.h"
#include "inv/listcols.h"
#include "inv/objusers.h"
#include "lib/nsenter.h"

_Static_assert(NCOLS + 1 <= TABLE_MAX_COLUMNS, "a table of every column and TYPE fits an arena");

/* ---- columns ----------------------------------------------------------- */

#define Q KIND_BIT(IPC_KIND_QUEUE)
#define M KIND_BIT(IPC_KIND_SHM)
#define S KIND_BIT(IPC_KIND_SEM)
#define PQ POSIX_KIND_BIT(IPC_KIND_QUEUE)
#define PM POSIX_KIND_BIT(IPC_KIND_SHM)
#define PS POSIX_KIND_BIT(IPC_KIND_SEM)
#define BOTH (KINDS_ALL | POSIX_KINDS_ALL)

const struct column columns[NCOLS] = {
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
	[COL_PROCESSES] = { "PROCESSES", BOTH, V_STRING, "live processes that use it, PID:COMMAND,... (--processes)" },
	[COL_ORPHANED] = { "ORPHANED", BOTH, V_STRING, "yes when no live process uses it (--orphaned)" },
	[COL_IPCNS] = { "IPCNS", BOTH, V_NUMBER, "IPC namespace, its inode number (as readlink /proc/PID/ns/ipc)" },
	[COL_SHARED] = { "SHARED", POSIX_KINDS_ALL, V_STRING,
			 "yes when its file system is ipctool's own or another namespace's too (--ns, --all-namespaces)" },
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

const struct kind_info kinds_info[NTABLES] = {
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

const char *kind_names(unsigned tables)
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

int column_by_name(const char *name, size_t len)
{
	for (int c = 0; c < NCOLS; c++)
		if (strlen(columns[c].name) == len && strncasecmp(columns[c].name, name, len) == 0)
			return c;
	return -1;
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

/* A time's cell: none for 0, a time never set. */
static const char *time_cell(time_t t, char *buf, size_t size)
{
	if (t == 0)
		return NULL;
	format_time(t, buf, size);
	return buf;
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
	/* The pid is ipctool's PID namespace's: its own /proc, after --ns too. */
	snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	int fd = ns_proc_open(path, O_RDONLY);
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

const char *cell_unsigned(char *buf, size_t size, unsigned long long v)
{
	char *p = buf + size - 1;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return memmove(buf, p, (size_t)(buf + size - p));
}

const char *cell_signed(char *buf, size_t size, long long v)
{
	if (v >= 0)
		return cell_unsigned(buf, size, (unsigned long long)v);
	buf[0] = '-';
	cell_unsigned(buf + 1, size - 1, -(unsigned long long)v);
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
	case COL_ID: return cell_signed(buf, size, o->id);
	case COL_OWNER:
	case COL_USER: return user_name(o->uid);
	case COL_PERMS:
		format_perms(o->mode, buf);
		return buf;
	case COL_CUID: return cell_unsigned(buf, size, o->cuid);
	case COL_CUSER: return user_name(o->cuid);
	case COL_CGID: return cell_unsigned(buf, size, o->cgid);
	case COL_CGROUP: return group_name(o->cgid);
	case COL_UID: return cell_unsigned(buf, size, o->uid);
	case COL_GID: return cell_unsigned(buf, size, o->gid);
	case COL_GROUP: return group_name(o->gid);
	case COL_SIZE: return cell_unsigned(buf, size, o->segsz);
	case COL_NATTCH: return cell_unsigned(buf, size, o->nattch);
	case COL_STATUS:
		format_status(o->mode, buf, size);
		return buf[0] ? buf : NULL;
	case COL_COMMAND: return read_command(o->cpid, buf, size) ? buf : NULL;
	case COL_CPID: return cell_signed(buf, size, o->cpid);
	case COL_LPID: return cell_signed(buf, size, o->lpid);
	case COL_RSS: return cell_unsigned(buf, size, o->rss);
	case COL_SWAP: return cell_unsigned(buf, size, o->swap);
	case COL_USEDBYTES: return cell_unsigned(buf, size, o->cbytes);
	case COL_MSGS: return cell_unsigned(buf, size, o->qnum);
	case COL_LSPID: return cell_signed(buf, size, o->lspid);
	case COL_LRPID: return cell_signed(buf, size, o->lrpid);
	case COL_QBYTES:
		if (o->has_qbytes)
			return cell_unsigned(buf, size, o->qbytes);
		return read_qbytes(o->id, &u) ? cell_unsigned(buf, size, u) : NULL;
	case COL_IPCNS: return o->ipcns ? cell_unsigned(buf, size, o->ipcns) : NULL;
	case COL_NSEMS: return cell_unsigned(buf, size, o->nsems);
	case COL_CTIME:
	case COL_ATTACH:
	case COL_DETACH:
	case COL_SEND:
	case COL_RECV:
	case COL_OTIME: return time_cell(time_of(o, c), buf, size);
	case COL_NAME:
	case COL_MTIME:
	case COL_MAXMSGS:
	case COL_MSGSIZE:
	case COL_NOTIFYPID:
	case COL_SVAL:
	case COL_PROCESSES:
	case COL_ORPHANED:
	case COL_SHARED:
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
		return cell_signed(buf, size, v);
	}
	if (c == COL_USEDBYTES || c == COL_NOTIFYPID) {
		if (!o->has_qsize)
			return NULL;
		return c == COL_USEDBYTES ? cell_unsigned(buf, size, o->qsize) : cell_signed(buf, size, o->notify_pid);
	}
	if (c == COL_SVAL)
		return o->has_value ? cell_signed(buf, size, o->value) : NULL;
	if (c == COL_IPCNS)
		return o->ipcns ? cell_unsigned(buf, size, o->ipcns) : NULL;
	if (c == COL_SHARED)
		return o->shared ? "yes" : "no";
	if (!o->has_stat)
		return NULL;
	switch (c) {
	case COL_OWNER:
	case COL_USER: return user_name(o->uid);
	case COL_PERMS:
		format_perms(o->mode, buf);
		return buf;
	case COL_UID: return cell_unsigned(buf, size, o->uid);
	case COL_GID: return cell_unsigned(buf, size, o->gid);
	case COL_GROUP: return group_name(o->gid);
	case COL_SIZE: return cell_unsigned(buf, size, o->size);
	case COL_CTIME:
	case COL_MTIME: return time_cell(posix_time_of(o, c), buf, size);
	default: return NULL;
	}
}

/* ---- who uses it ---------------------------------------------------------- */

static bool is_users_column(enum col c)
{
	return c == COL_PROCESSES || c == COL_ORPHANED;
}


/* The users of R's object, in storage kept from row to row; NULL when
 * memory ran out. */
static const struct obj_users *row_users(const struct row *r)
{
	static struct obj_users w;
	int rc = r->sysv ? obj_users_sysv(r->users, r->sysv, (ino_t)r->sysv->ipcns, &w) : obj_users_posix(r->users, r->posix, &w);

	return rc == 0 ? &w : NULL;
}

/* One user as JSON: {"pid":N,"command":"...","user":"...","how":"..."}. */
static int json_user(struct buf *b, const struct user_proc *p, unsigned how)
{
	char words[128];
	const char *user = user_name(p->uid);
	bool exact;

	use_how_text(how, words, sizeof(words));
	return buf_printf(b, "{\"pid\":%d,\"command\":", (int)p->pid) ||
	       json_append_text(b, p->comm, &exact) ||
	       (!exact && json_append_base64_member(b, "command", p->comm)) || buf_append_str(b, ",\"user\":") ||
	       json_append_string(b, user, strlen(user)) || buf_append_str(b, ",\"how\":") ||
	       json_append_string(b, words, strlen(words)) || buf_append_str(b, "}");
}

/* PROCESSES: "PID:COMMAND,..." or, in JSON, an array of users. */
static const char *processes_cell(const struct row *r, const struct obj_users *w, bool json)
{
	static struct buf b;
	int rc = 0;

	b.len = 0;
	rc = json ? buf_append_str(&b, "[") : buf_reserve(&b, 1);
	for (size_t i = 0; rc == 0 && i < w->n; i++) {
		const struct user_proc *p = users_process(r->users, w->v[i].pid);
		if (!p)
			continue;
		if (b.len > (json ? 1u : 0u))
			rc = buf_append_str(&b, ",");
		if (rc == 0)
			rc = json ? json_user(&b, p, w->v[i].how) : buf_printf(&b, "%d:%s", (int)p->pid, p->comm);
	}
	if (rc == 0 && json)
		rc = buf_append_str(&b, "]");
	if (rc != 0)
		return NULL;
	b.data[b.len] = '\0';
	return b.len ? b.data : NULL;
}

/* PROCESSES or ORPHANED, as text or as JSON; NULL when not known. */
static const char *users_cell(const struct row *r, enum col c, bool json)
{
	const struct obj_users *w = r->users ? row_users(r) : NULL;

	if (!w)
		return NULL;
	if (c == COL_PROCESSES)
		return processes_cell(r, w, json);
	bool orphaned = r->sysv ? sysv_orphaned(r->users, r->sysv, w) : posix_orphaned(r->users, r->posix, w);
	return json ? (orphaned ? "true" : "false") : orphaned ? "yes" : "no";
}

/* Columns whose JSON value is JSON itself: an array, true or false. */
static bool is_json_column(enum col c)
{
	return is_users_column(c) || c == COL_SHARED;
}

static const char *json_cell(const struct row *r, enum col c)
{
	if (c == COL_SHARED)
		return r->posix && r->posix->shared ? "true" : "false";
	return users_cell(r, c, true);
}

const char *row_cell(const struct row *r, enum col c, char *buf, size_t size)
{
	if (is_users_column(c))
		return users_cell(r, c, false);
	return r->sysv ? cell(r->sysv, c, buf, size) : posix_cell(r->posix, c, buf, size);
}

time_t row_time(const struct row *r, enum col c)
{
	return r->sysv ? time_of(r->sysv, c) : posix_time_of(r->posix, c);
}

/* ---- tables ------------------------------------------------------------ */

/* ---- tables of objects ------------------------------------------------ */

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
		if (is_json_column(kt->cols[i]) && out->format.mode == TABLE_JSON) {
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
		const char *text = is_json_column(kt->cols[i]) && out->format.mode == TABLE_JSON
				   ? json_cell(r, kt->cols[i])
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

const char *list_column_name(size_t i)
{
	return i < NCOLS ? columns[i].name : NULL;
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
