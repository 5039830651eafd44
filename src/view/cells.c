/* The cells of list's tables (cells.h): an object's value in a column,
 * as text or as JSON. */
#include "view/cells.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "inv/objusers.h"
#include "inv/proccmd.h"
#include "lib/buf.h"
#include "lib/json.h"
#include "lib/timefmt.h"

/* Objects made together share their times: one localtime and strftime per
 * distinct second, not per row. */
static void format_time(time_t t, char *buf, size_t size)
{
	static time_t last_time;
	static char last_text[64];

	if (t != last_time || !last_text[0]) {
		time_iso8601(t, -1, last_text, sizeof(last_text));
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

/* The owner's and the permissions' cells, which objects of both families
 * have; NULL for any other column. */
static const char *owner_cell(enum col c, uid_t uid, gid_t gid, unsigned mode, char *buf, size_t size)
{
	switch (c) {
	case COL_OWNER:
	case COL_USER: return user_name(uid);
	case COL_PERMS:
		format_perms(mode, buf);
		return buf;
	case COL_UID: return cell_unsigned(buf, size, uid);
	case COL_GID: return cell_unsigned(buf, size, gid);
	case COL_GROUP: return group_name(gid);
	default: return NULL;
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
	case COL_USER:
	case COL_PERMS:
	case COL_UID:
	case COL_GID:
	case COL_GROUP: return owner_cell(c, o->uid, o->gid, o->mode, buf, size);
	case COL_CUID: return cell_unsigned(buf, size, o->cuid);
	case COL_CUSER: return user_name(o->cuid);
	case COL_CGID: return cell_unsigned(buf, size, o->cgid);
	case COL_CGROUP: return group_name(o->cgid);
	case COL_SIZE: return cell_unsigned(buf, size, o->segsz);
	case COL_NATTCH: return cell_unsigned(buf, size, o->nattch);
	case COL_STATUS:
		format_status(o->mode, buf, size);
		return buf[0] ? buf : NULL;
	case COL_COMMAND: return proc_cmdline(o->cpid, buf, size) ? buf : NULL;
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
		return sysv_queue_qbytes(o->id, &u) ? cell_unsigned(buf, size, u) : NULL;
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
	case COL_SIZE: return cell_unsigned(buf, size, o->size);
	case COL_CTIME:
	case COL_MTIME: return time_cell(posix_time_of(o, c), buf, size);
	default: return owner_cell(c, o->uid, o->gid, o->mode, buf, size);
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

bool column_is_json(enum col c)
{
	return is_users_column(c) || c == COL_SHARED;
}

const char *row_json_cell(const struct row *r, enum col c)
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
