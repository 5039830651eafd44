#include "inv/sysvobj.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/nsenter.h"
#include "lib/parse.h"

static const char *const proc_files[NKINDS] = {
	[IPC_KIND_QUEUE] = "/proc/sysvipc/msg",
	[IPC_KIND_SHM] = "/proc/sysvipc/shm",
	[IPC_KIND_SEM] = "/proc/sysvipc/sem",
};

static struct sysv_obj *list_add(struct sysv_list *list)
{
	struct sysv_obj *objs = array_grow(list->objs, &list->cap, list->n, sizeof(*objs), 256);

	if (!objs)
		return NULL;
	list->objs = objs;
	struct sysv_obj *o = &list->objs[list->n++];
	memset(o, 0, sizeof(*o));
	o->ipcns = ns_current_ipc();
	return o;
}

int sysv_list_add(struct sysv_list *list, const struct sysv_obj *o)
{
	struct sysv_obj *slot = list_add(list);

	if (!slot)
		return fail("out of memory");
	*slot = *o;
	return 0;
}

void sysv_list_free(struct sysv_list *list)
{
	free(list->objs);
	memset(list, 0, sizeof(*list));
}

/* ---- /proc/sysvipc ----------------------------------------------------- */

/* The next whitespace-separated number on the line, in BASE; *ok turns
 * false on anything else.  Hand-rolled: strtoll per field is most of the
 * cost of listing 20,000 objects. */
static long long next_number(const char **p, int base, bool *ok)
{
	const char *s = *p;
	bool negative = false;
	unsigned long long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-') {
		negative = true;
		s++;
	}
	const char *digits = s;
	while (*s >= '0' && *s < '0' + base)
		v = v * (unsigned)base + (unsigned)(*s++ - '0');
	if (s == digits)
		*ok = false;
	*p = s;
	return negative ? -(long long)v : (long long)v;
}

static void parse_msg_line(const char *p, struct sysv_obj *o, bool *ok)
{
	o->key = (key_t)next_number(&p, 10, ok);
	o->id = (int)next_number(&p, 10, ok);
	o->mode = (unsigned)next_number(&p, 8, ok);
	o->cbytes = (unsigned long long)next_number(&p, 10, ok);
	o->qnum = (unsigned long long)next_number(&p, 10, ok);
	o->lspid = (pid_t)next_number(&p, 10, ok);
	o->lrpid = (pid_t)next_number(&p, 10, ok);
	o->uid = (uid_t)next_number(&p, 10, ok);
	o->gid = (gid_t)next_number(&p, 10, ok);
	o->cuid = (uid_t)next_number(&p, 10, ok);
	o->cgid = (gid_t)next_number(&p, 10, ok);
	o->stime = (time_t)next_number(&p, 10, ok);
	o->rtime = (time_t)next_number(&p, 10, ok);
	o->ctime = (time_t)next_number(&p, 10, ok);
}

static void parse_shm_line(const char *p, struct sysv_obj *o, bool *ok)
{
	o->key = (key_t)next_number(&p, 10, ok);
	o->id = (int)next_number(&p, 10, ok);
	o->mode = (unsigned)next_number(&p, 8, ok);
	o->segsz = (unsigned long long)next_number(&p, 10, ok);
	o->cpid = (pid_t)next_number(&p, 10, ok);
	o->lpid = (pid_t)next_number(&p, 10, ok);
	o->nattch = (unsigned long long)next_number(&p, 10, ok);
	o->uid = (uid_t)next_number(&p, 10, ok);
	o->gid = (gid_t)next_number(&p, 10, ok);
	o->cuid = (uid_t)next_number(&p, 10, ok);
	o->cgid = (gid_t)next_number(&p, 10, ok);
	o->atime = (time_t)next_number(&p, 10, ok);
	o->dtime = (time_t)next_number(&p, 10, ok);
	o->ctime = (time_t)next_number(&p, 10, ok);
	o->rss = (unsigned long long)next_number(&p, 10, ok);
	o->swap = (unsigned long long)next_number(&p, 10, ok);
}

static void parse_sem_line(const char *p, struct sysv_obj *o, bool *ok)
{
	o->key = (key_t)next_number(&p, 10, ok);
	o->id = (int)next_number(&p, 10, ok);
	o->mode = (unsigned)next_number(&p, 8, ok);
	o->nsems = (unsigned long long)next_number(&p, 10, ok);
	o->uid = (uid_t)next_number(&p, 10, ok);
	o->gid = (gid_t)next_number(&p, 10, ok);
	o->cuid = (uid_t)next_number(&p, 10, ok);
	o->cgid = (gid_t)next_number(&p, 10, ok);
	o->otime = (time_t)next_number(&p, 10, ok);
	o->ctime = (time_t)next_number(&p, 10, ok);
}

static int read_whole(int fd, struct buf *b)
{
	for (;;) {
		if (buf_reserve(b, 256 * 1024) != 0)
			return -1;
		ssize_t got = read_some(fd, b->data + b->len, b->cap - b->len - 1);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		b->len += (size_t)got;
	}
	b->data[b->len] = '\0';
	return 0;
}

/* 0: loaded; PROC_MISSING: no such file (use the ctl calls); else a
 * reported status.  (A reported failure is 1: "loaded" must not be.) */
enum { PROC_MISSING = -1 };

static int load_proc(enum ipc_kind kind, struct sysv_list *list)
{
	const char *path = proc_files[kind];
	struct buf b = { 0 };
	/* ipctool's own /proc, which is there wherever --ns took it. */
	int fd = ns_proc_open(path + strlen("/proc/"), O_RDONLY);

	if (fd < 0)
		return PROC_MISSING;
	int rc = read_whole(fd, &b);
	close(fd);
	if (rc != 0) {
		buf_free(&b);
		return fail_errno("cannot read %s", path);
	}
	char *line = strchr(b.data, '\n');   /* skip the header */
	size_t before = list->n;
	bool ok = true;
	while (line && *++line) {
		char *end = strchr(line, '\n');
		struct sysv_obj *o = list_add(list);
		if (!o) {
			buf_free(&b);
			return fail("out of memory");
		}
		o->kind = kind;
		switch (kind) {
		case IPC_KIND_QUEUE: parse_msg_line(line, o, &ok); break;
		case IPC_KIND_SHM: parse_shm_line(line, o, &ok); break;
		case IPC_KIND_SEM: parse_sem_line(line, o, &ok); break;
		}
		if (!ok)
			break;
		line = end;
	}
	buf_free(&b);
	if (!ok) {
		list->n = before;
		return fail("cannot parse %s: unexpected format", path);
	}
	return 0;
}

/* ---- the ctl calls, when /proc/sysvipc is not there -------------------- */

static void from_perm(struct sysv_obj *o, const struct ipc_perm *perm, int id)
{
	o->key = perm->__key;
	o->id = id;
	o->mode = perm->mode;
	o->uid = perm->uid;
	o->gid = perm->gid;
	o->cuid = perm->cuid;
	o->cgid = perm->cgid;
}

/* CMD of the object at INDEX (an id for IPC_STAT) into DS, as the kind's
 * ctl call spells it; what that call returns. */
static int ctl_stat(enum ipc_kind kind, int index, int cmd, union sysv_ds *ds)
{
	union { struct semid_ds *buf; } arg = { .buf = &ds->sem };

	switch (kind) {
	case IPC_KIND_QUEUE: return msgctl(index, cmd, &ds->msg);
	case IPC_KIND_SHM: return shmctl(index, cmd, &ds->shm);
	case IPC_KIND_SEM: return semctl(index, 0, cmd, arg);
	}
	errno = EINVAL;
	return -1;
}

int sysv_stat_record(enum ipc_kind kind, int index, bool by_id, union sysv_ds *ds)
{
	static const int stat_any[] = { MSG_STAT_ANY, SHM_STAT_ANY, SEM_STAT_ANY };
	static const int stat[] = { MSG_STAT, SHM_STAT, SEM_STAT };

	if (by_id)
		return ctl_stat(kind, index, IPC_STAT, ds) == 0 ? index : -1;
	int id = ctl_stat(kind, index, stat_any[kind], ds);
	if (id < 0 && errno == EINVAL)
		id = ctl_stat(kind, index, stat[kind], ds);
	return id;
}

static int stat_slot(enum ipc_kind kind, int index, bool by_id, struct sysv_obj *o)
{
	union sysv_ds ds;
	int id = sysv_stat_record(kind, index, by_id, &ds);

	if (id < 0)
		return -1;
	switch (kind) {
	case IPC_KIND_QUEUE:
		from_perm(o, &ds.msg.msg_perm, id);
		o->cbytes = ds.msg.msg_cbytes;
		o->qnum = ds.msg.msg_qnum;
		o->lspid = ds.msg.msg_lspid;
		o->lrpid = ds.msg.msg_lrpid;
		o->stime = ds.msg.msg_stime;
		o->rtime = ds.msg.msg_rtime;
		o->ctime = ds.msg.msg_ctime;
		return 0;
	case IPC_KIND_SHM:
		from_perm(o, &ds.shm.shm_perm, id);
		o->segsz = ds.shm.shm_segsz;
		o->nattch = ds.shm.shm_nattch;
		o->cpid = ds.shm.shm_cpid;
		o->lpid = ds.shm.shm_lpid;
		o->atime = ds.shm.shm_atime;
		o->dtime = ds.shm.shm_dtime;
		o->ctime = ds.shm.shm_ctime;
		return 0;
	case IPC_KIND_SEM:
		from_perm(o, &ds.sem.sem_perm, id);
		o->nsems = ds.sem.sem_nsems;
		o->otime = ds.sem.sem_otime;
		o->ctime = ds.sem.sem_ctime;
		return 0;
	}
	return -1;
}

static int stat_index(enum ipc_kind kind, int index, struct sysv_obj *o)
{
	return stat_slot(kind, index, false, o);
}

int sysv_stat(enum ipc_kind kind, int id, struct sysv_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return stat_slot(kind, id, true, o);
}

bool sysv_queue_qbytes(int id, unsigned long long *qbytes)
{
	struct msqid_ds ds;

	if (msgctl(id, IPC_STAT, &ds) != 0)
		return false;
	*qbytes = ds.msg_qbytes;
	return true;
}

/* The highest index in use, from *_INFO; -1 when there is none. */
static int highest_index(enum ipc_kind kind)
{
	switch (kind) {
	case IPC_KIND_QUEUE: {
		struct msginfo info;
		return msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&info);
	}
	case IPC_KIND_SHM: {
		struct shm_info info;
		return shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
	}
	case IPC_KIND_SEM: {
		struct seminfo info;
		union { struct seminfo *info; } arg = { .info = &info };
		return semctl(0, 0, SEM_INFO, arg);
	}
	}
	return -1;
}

static int load_ctl(enum ipc_kind kind, struct sysv_list *list)
{
	int max = highest_index(kind);

	for (int index = 0; index <= max; index++) {
		struct sysv_obj *o = list_add(list);
		if (!o)
			return fail("out of memory");
		o->kind = kind;
		if (stat_index(kind, index, o) != 0)
			list->n--;   /* a free slot, or one we may not see */
	}
	return 0;
}

int sysv_load(enum ipc_kind kind, struct sysv_list *list)
{
	int rc = load_proc(kind, list);

	return rc == PROC_MISSING ? load_ctl(kind, list) : rc;
}

int sysv_load_kinds(unsigned kinds, struct sysv_list *list)
{
	for (int kind = 0; kind < NKINDS; kind++) {
		if (!(kinds & KIND_BIT(kind)))
			continue;
		int rc = sysv_load((enum ipc_kind)kind, list);
		if (rc)
			return rc;
	}
	return 0;
}

size_t sysv_find(const struct sysv_list *list, const struct target *t, unsigned kinds,
		 const struct sysv_obj *found[NKINDS])
{
	size_t n = 0;
	bool by_id = t->kind == TARGET_ID;

	for (size_t i = 0; i < list->n && n < NKINDS; i++) {
		const struct sysv_obj *o = &list->objs[i];
		if (!(kinds & KIND_BIT(o->kind)))
			continue;
		if (by_id ? o->id == t->id : (o->key == t->key && t->key != IPC_PRIVATE))
			found[n++] = o;
	}
	return n;
}

int sysv_remove(const struct sysv_obj *o)
{
	switch (o->kind) {
	case IPC_KIND_QUEUE: return msgctl(o->id, IPC_RMID, NULL);
	case IPC_KIND_SHM: return shmctl(o->id, IPC_RMID, NULL);
	case IPC_KIND_SEM: return semctl(o->id, 0, IPC_RMID);
	}
	errno = EINVAL;
	return -1;
}

const char *sysv_describe(const struct sysv_obj *o)
{
	static char text[128];

	if (o->key == IPC_PRIVATE)
		snprintf(text, sizeof(text), "%s id %d (private)", ipc_kind_name(o->kind), o->id);
	else
		snprintf(text, sizeof(text), "%s id %d (key 0x%08x)", ipc_kind_name(o->kind), o->id,
			 (unsigned)(uint32_t)o->key);
	return text;
}

/* ---- names ------------------------------------------------------------- */

/* Objects are owned by a handful of users: a few slots, replaced round
 * robin, save a getpwuid (a file or NSS look-up) per row. */
enum { NAME_SLOTS = 8 };

struct name_cache {
	struct { unsigned id; bool used; char name[64]; } slot[NAME_SLOTS];
	size_t next;
};

static const char *cached_name(struct name_cache *c, unsigned id, bool group)
{
	for (size_t i = 0; i < NAME_SLOTS; i++)
		if (c->slot[i].used && c->slot[i].id == id)
			return c->slot[i].name;
	size_t i = c->next;
	c->next = (c->next + 1) % NAME_SLOTS;
	const char *name = NULL;
	/* The uids are ipctool's (no user namespace is entered), so are the
	 * names: never a container's /etc/passwd or NSS modules. */
	ns_home_visit();
	if (group) {
		struct group *gr = getgrgid((gid_t)id);
		name = gr ? gr->gr_name : NULL;
	} else {
		struct passwd *pw = getpwuid((uid_t)id);
		name = pw ? pw->pw_name : NULL;
	}
	if (name && strlen(name) < sizeof(c->slot[i].name))
		strcpy(c->slot[i].name, name);
	else
		snprintf(c->slot[i].name, sizeof(c->slot[i].name), "%u", id);
	ns_home_return();
	c->slot[i].id = id;
	c->slot[i].used = true;
	return c->slot[i].name;
}

const char *user_name(uid_t uid)
{
	static struct name_cache users;
	return cached_name(&users, (unsigned)uid, false);
}

const char *group_name(gid_t gid)
{
	static struct name_cache groups;
	return cached_name(&groups, (unsigned)gid, true);
}
