/* watch's sampler: the chosen objects now, matched with the previous
 * sample's, and what watch adds to list's columns (watch.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "inv/users.h"
#include "cmd/watch.h"

/* ---- the fields watch adds --------------------------------------------- */

const struct watch_field_info watch_fields[WF_COUNT] = {
	[WF_USEDBYTES_DELTA] = { "usedbytes_delta", "dBYTES", false },
	[WF_MSGS_DELTA] = { "msgs_delta", "dMSGS", false },
	[WF_SEND_AGE] = { "send_age", "SENT", false },
	[WF_RECV_AGE] = { "recv_age", "RCVD", false },
	[WF_MTIME_AGE] = { "mtime_age", "USED", false },
	[WF_NATTCH_DELTA] = { "nattch_delta", "dNATTCH", false },
	[WF_SIZE_DELTA] = { "size_delta", "dSIZE", false },
	[WF_SVAL_DELTA] = { "sval_delta", "dSVAL", false },
	[WF_VALUES] = { "values", "VALUES", true },
	[WF_VALUES_DELTA] = { "values_delta", "dVALUES", true },
	[WF_NCNT] = { "ncnt", "NCNT", false },
	[WF_NCNT_DELTA] = { "ncnt_delta", "dNCNT", false },
	[WF_ZCNT] = { "zcnt", "ZCNT", false },
	[WF_ZCNT_DELTA] = { "zcnt_delta", "dZCNT", false },
	[WF_WAITING] = { "waiting", "WAITING", true },
	[WF_QBYTES] = { "qbytes", "QBYTES", false },
	[WF_USE_PERCENT] = { "use_percent", "USE%", false },
};

static const enum watch_field queue_fields[] = {
	WF_USEDBYTES_DELTA, WF_MSGS_DELTA, WF_SEND_AGE, WF_RECV_AGE, WF_WAITING, WF_QBYTES, WF_USE_PERCENT,
};
static const enum watch_field shm_fields[] = { WF_NATTCH_DELTA };
static const enum watch_field sem_fields[] = {
	WF_VALUES, WF_VALUES_DELTA, WF_NCNT, WF_NCNT_DELTA, WF_ZCNT, WF_ZCNT_DELTA,
};
static const enum watch_field posix_queue_fields[] = {
	WF_USEDBYTES_DELTA, WF_MSGS_DELTA, WF_MTIME_AGE, WF_WAITING, WF_USE_PERCENT,
};
static const enum watch_field posix_shm_fields[] = { WF_SIZE_DELTA };
static const enum watch_field posix_sem_fields[] = { WF_SVAL_DELTA };

size_t watch_table_fields(int table, const enum watch_field **fields)
{
#define FIELDS(a) (*fields = a, sizeof(a) / sizeof(a[0]))
	switch (table) {
	case IPC_KIND_QUEUE: return FIELDS(queue_fields);
	case IPC_KIND_SHM: return FIELDS(shm_fields);
	case IPC_KIND_SEM: return FIELDS(sem_fields);
	case NKINDS + IPC_KIND_QUEUE: return FIELDS(posix_queue_fields);
	case NKINDS + IPC_KIND_SHM: return FIELDS(posix_shm_fields);
	case NKINDS + IPC_KIND_SEM: return FIELDS(posix_sem_fields);
	}
#undef FIELDS
	*fields = NULL;
	return 0;
}

/* ---- the watcher ------------------------------------------------------- */

void watcher_init(struct watcher *w, const struct watch_filter *f)
{
	memset(w, 0, sizeof(*w));
	w->filter = *f;
}

static void sample_free(struct watch_sample *s)
{
	sysv_list_free(&s->sysv);
	posix_list_free(&s->posix);
	free(s->objs);
	free(s->values);
	free(s->waiting);
	free(s->slots);
	free(s->matched);
	memset(s, 0, sizeof(*s));
}

void watcher_free(struct watcher *w)
{
	sample_free(&w->samples[0]);
	sample_free(&w->samples[1]);
}

static bool target_names_sysv(const struct target *t, const struct sysv_obj *o)
{
	switch (t->kind) {
	case TARGET_ID: return o->id == t->id;
	case TARGET_KEY:
	case TARGET_FTOK: return o->key == t->key && t->key != IPC_PRIVATE;
	default: return false;
	}
}

static bool target_names(const struct target *t, const struct row *r)
{
	if (r->sysv)
		return target_names_sysv(t, r->sysv);
	return t->kind == TARGET_POSIX && strcmp(t->path, r->posix->name) == 0;
}

static bool chosen(const struct watch_filter *f, const struct row *r)
{
	if (f->ntargets == 0)
		return true;
	for (size_t i = 0; i < f->ntargets; i++)
		if (target_names(&f->targets[i], r))
			return true;
	return false;
}

static int add_obj(struct watch_sample *s, int table, struct row r)
{
	struct watch_obj *objs = array_grow(s->objs, &s->cap, s->n, sizeof(*objs), 256);

	if (!objs)
		return fail("out of memory");
	s->objs = objs;
	s->objs[s->n++] = (struct watch_obj){ .table = table, .row = r, .prev = -1 };
	return 0;
}

/* /proc/sysvipc/sem has no values and no waiters: they are only in
 * semctl, GETALL for the values (one call a set) and GETNCNT and GETZCNT
 * for each semaphore.  So these calls are made for sets and nothing else;
 * a set this user may not read has none.  IPC_STAT first checks the set
 * at this id is still the one /proc listed (its size), so GETALL never
 * writes more values than there is room for. */
static int read_sem_values(struct watch_sample *s, struct watch_obj *o)
{
	const struct sysv_obj *set = o->row.sysv;
	size_t nsems = (size_t)set->nsems;
	struct semid_ds ds;
	union semun { struct semid_ds *buf; unsigned short *array; } arg = { .buf = &ds };

	if (nsems == 0 || semctl(set->id, 0, IPC_STAT, arg) != 0 || ds.sem_nsems != nsems)
		return 0;
	unsigned short *values = array_reserve(s->values, &s->values_cap, s->nvalues, nsems, sizeof(*values), 1024);
	if (!values)
		return fail("out of memory");
	s->values = values;
	arg.array = s->values + s->nvalues;
	if (semctl(set->id, 0, GETALL, arg) != 0)
		return 0;
	o->values_at = s->nvalues;
	o->has_values = true;
	s->nvalues += nsems;
	long long ncnt = 0, zcnt = 0;
	for (size_t i = 0; i < nsems; i++) {
		int n = semctl(set->id, (int)i, GETNCNT), z = semctl(set->id, (int)i, GETZCNT);
		if (n < 0 || z < 0)
			return 0;
		ncnt += n;
		zcnt += z;
	}
	o->has_waiters = true;
	o->ncnt = ncnt;
	o->zcnt = zcnt;
	return 0;
}

/* A System V queue's capacity is only in IPC_STAT (/proc/sysvipc/msg
 * has none), which needs read permission: a queue this user may not
 * read has none, and so no fullness.  `list --all-namespaces` may have
 * read it already, in the queue's namespace. */
static void read_qbytes(struct watch_obj *o)
{
	o->has_qbytes = o->row.sysv->has_qbytes;
	o->qbytes = o->row.sysv->qbytes;
	if (!o->has_qbytes)
		o->has_qbytes = sysv_queue_qbytes(o->row.sysv->id, &o->qbytes);
}

/* Only IPC_SET changes a capacity (or who may read it), and it sets the
 * queue's ctime, which /proc has: so a queue whose ctime is the one the
 * previous sample saw keeps what that sample read, and a sample of
 * 20,000 queues makes no 20,000 msgctl calls (a quarter of its CPU).
 * A ctime in the second that sample was taken in may hide a second
 * IPC_SET after it: read again. */
static void fill_qbytes(struct watch_sample *s, const struct watch_sample *prev, bool matched)
{
	for (size_t i = 0; i < s->n; i++) {
		struct watch_obj *o = &s->objs[i];
		if (o->table != IPC_KIND_QUEUE)
			continue;
		const struct watch_obj *p = matched && o->prev >= 0 ? &prev->objs[o->prev] : NULL;
		if (p && p->row.sysv->ctime == o->row.sysv->ctime && o->row.sysv->ctime < prev->time.tv_sec) {
			o->has_qbytes = p->has_qbytes;
			o->qbytes = p->qbytes;
		} else {
			read_qbytes(o);
		}
	}
}

/* The processes blocked on queue O (users.h found them). */
static int add_waiters(struct watch_sample *s, struct watch_obj *o, const struct users *u)
{
	const struct use *first = NULL;
	size_t n = o->row.sysv ? users_waiting_on(u, IPC_KIND_QUEUE, 0, o->row.sysv->id, &first)
		   : o->row.posix->has_stat ? users_of_file(u, o->row.posix->dev, o->row.posix->ino, &first) : 0;

	o->waiting_at = s->nwaiting;
	for (size_t i = 0; i < n; i++) {
		if (!(first[i].how & USE_WAITING))
			continue;
		pid_t *pool = array_grow(s->waiting, &s->waiting_cap, s->nwaiting, sizeof(*pool), 64);
		if (!pool)
			return fail("out of memory");
		s->waiting = pool;
		s->waiting[s->nwaiting++] = first[i].pid;
		o->nwaiting++;
	}
	return 0;
}

static bool is_queue_table(int table)
{
	return table == IPC_KIND_QUEUE || table == NKINDS + IPC_KIND_QUEUE;
}

/* One pass over /proc for the queues' waiters, when queues are watched. */
static int read_waiters(struct watch_sample *s)
{
	struct users u = { 0 };
	bool queues = false;
	int rc = 0;

	s->nwaiting = 0;
	for (size_t i = 0; i < s->n; i++)
		queues = queues || is_queue_table(s->objs[i].table);
	if (!queues || (rc = users_scan(&u, USERS_SCAN_WAITS, NULL, 0)) != 0)
		return rc;
	for (size_t i = 0; i < s->n && rc == 0; i++)
		if (is_queue_table(s->objs[i].table))
			rc = add_waiters(s, &s->objs[i], &u);
	users_free(&u);
	return rc;
}

/* The chosen objects of the loaded lists, by table. */
static int collect(struct watch_sample *s, const struct watch_filter *f)
{
	int rc = 0;

	s->n = 0;
	s->nvalues = 0;
	for (int table = 0; table < NKINDS && rc == 0; table++)
		for (size_t i = 0; i < s->sysv.n && rc == 0; i++) {
			struct row r = { .sysv = &s->sysv.objs[i] };
			if ((int)r.sysv->kind == table && (f->tables & (1u << table)) && chosen(f, &r))
				rc = add_obj(s, table, r);
		}
	for (size_t i = 0; i < s->posix.n && rc == 0; i++) {
		struct row r = { .posix = &s->posix.objs[i] };
		int table = NKINDS + (int)r.posix->kind;
		if ((f->tables & (1u << table)) && chosen(f, &r))
			rc = add_obj(s, table, r);
	}
	for (size_t i = 0; i < s->n && rc == 0; i++)
		if (s->objs[i].table == IPC_KIND_SEM)
			rc = read_sem_values(s, &s->objs[i]);
	return rc ? rc : read_waiters(s);
}

/* ---- matching objects between samples ---------------------------------- */

static uint32_t obj_hash(const struct watch_obj *o)
{
	uint32_t h = 2166136261u ^ (uint32_t)o->table;

	if (o->row.sysv)
		return (h ^ (uint32_t)o->row.sysv->id) * 2654435761u;
	for (const unsigned char *p = (const unsigned char *)o->row.posix->name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static bool same_obj(const struct watch_obj *a, const struct watch_obj *b)
{
	if (a->table != b->table)
		return false;
	if (a->row.sysv)
		return a->row.sysv->id == b->row.sysv->id;
	return strcmp(a->row.posix->name, b->row.posix->name) == 0;
}

static int build_index(struct watch_sample *s)
{
	size_t want = 16;

	while (want < 2 * s->n)
		want *= 2;
	if (want > s->nslots) {
		long *slots = realloc(s->slots, want * sizeof(*slots));
		if (!slots)
			return fail("out of memory");
		s->slots = slots;
		bool *matched = realloc(s->matched, want * sizeof(*matched));
		if (!matched)
			return fail("out of memory");
		s->matched = matched;
		s->nslots = want;
	}
	for (size_t i = 0; i < s->nslots; i++)
		s->slots[i] = -1;
	for (size_t i = 0; i < s->n; i++) {
		size_t at = obj_hash(&s->objs[i]) & (s->nslots - 1);
		while (s->slots[at] >= 0)
			at = (at + 1) & (s->nslots - 1);
		s->slots[at] = (long)i;
		s->matched[i] = false;
	}
	return 0;
}

static long find_in(const struct watch_sample *s, const struct watch_obj *o)
{
	size_t at = obj_hash(o) & (s->nslots - 1);

	for (; s->slots[at] >= 0; at = (at + 1) & (s->nslots - 1))
		if (same_obj(&s->objs[s->slots[at]], o))
			return s->slots[at];
	return -1;
}

static void match(struct watch_sample *s, struct watch_sample *prev)
{
	for (size_t i = 0; i < s->n; i++) {
		long p = find_in(prev, &s->objs[i]);
		s->objs[i].prev = p;
		if (p >= 0)
			prev->matched[p] = true;
	}
}

int watcher_sample(struct watcher *w)
{
	struct watch_sample *prev = &w->samples[w->current];
	struct watch_sample *s = &w->samples[!w->current];
	int rc;

	s->sysv.n = 0;
	s->posix.n = 0;
	clock_gettime(CLOCK_REALTIME, &s->time);
	if ((rc = sysv_load_kinds(w->filter.tables & KINDS_ALL, &s->sysv)) ||
	    (rc = posix_load_kinds(w->filter.tables >> NKINDS, &s->posix)) || (rc = collect(s, &w->filter)) ||
	    (rc = build_index(s)))
		return rc;
	w->current = !w->current;
	if (w->taken > 0)
		match(s, prev);
	fill_qbytes(s, prev, w->taken > 0);
	w->taken++;
	return 0;
}

long watcher_unmatched_target(const struct watcher *w)
{
	const struct watch_sample *s = watcher_latest(w);

	for (size_t t = 0; t < w->filter.ntargets; t++) {
		bool found = false;
		for (size_t i = 0; i < s->n && !found; i++)
			found = target_names(&w->filter.targets[t], &s->objs[i].row);
		if (!found)
			return (long)t;
	}
	return -1;
}

int watcher_report_unmatched(const struct watcher *w, long i)
{
	const struct target *t = &w->filter.targets[i];
	unsigned tables = w->filter.tables;

	if (t->kind == TARGET_POSIX)
		return fail("no %s named %s", tables >> NKINDS == KINDS_ALL ? "POSIX object" : kind_names(tables & POSIX_KINDS_ALL),
			    t->path);
	return fail("no %s with %s", (tables & KINDS_ALL) == KINDS_ALL ? "IPC object" : kind_names(tables & KINDS_ALL),
		    target_describe(t));
}

const struct watch_obj *watcher_next_gone(const struct watcher *w, size_t *at)
{
	const struct watch_sample *prev = watcher_previous(w);

	for (; prev && *at < prev->n; (*at)++)
		if (!prev->matched[*at])
			return &prev->objs[(*at)++];
	return NULL;
}

static bool in_sample(const struct watch_sample *s, const struct watch_obj *o)
{
	return s && s->n && o >= s->objs && o < s->objs + s->n;
}

enum watch_state watch_obj_state(const struct watcher *w, const struct watch_obj *o)
{
	if (!in_sample(watcher_latest(w), o))
		return WATCH_GONE;
	return o->prev < 0 ? WATCH_NEW : WATCH_SAME;
}

/* ---- the fields' values ------------------------------------------------ */

/* How full queue O is, in percent, rounded down (100 only when full): of
 * its capacity in bytes (System V), or of its most messages (POSIX: a
 * sender blocks at mq_maxmsg messages, whatever their size). */
static bool use_percent(const struct watch_obj *o, long long *v)
{
	const struct posix_obj *px = o->row.posix;

	if (o->row.sysv)
		return o->has_qbytes && o->qbytes > 0 ? (*v = (long long)(o->row.sysv->cbytes * 100 / o->qbytes), true)
						     : false;
	return px->has_attr && px->maxmsg > 0 ? (*v = px->curmsgs * 100 / px->maxmsg, true) : false;
}

/* A kind's own figure that changes (the one watch shows the change of),
 * or a state watch shows as it is (QBYTES, USE%, NCNT, ZCNT). */
static bool figure(const struct watch_obj *o, enum watch_field f, long long *v)
{
	const struct sysv_obj *sv = o->row.sysv;
	const struct posix_obj *px = o->row.posix;

	switch (f) {
	case WF_QBYTES: return o->has_qbytes ? (*v = (long long)o->qbytes, true) : false;
	case WF_USE_PERCENT: return use_percent(o, v);
	case WF_USEDBYTES_DELTA:
		if (sv)
			return *v = (long long)sv->cbytes, true;
		return px->has_qsize ? (*v = (long long)px->qsize, true) : false;
	case WF_MSGS_DELTA:
		if (sv)
			return *v = (long long)sv->qnum, true;
		return px->has_attr ? (*v = px->curmsgs, true) : false;
	case WF_NATTCH_DELTA: return *v = (long long)sv->nattch, true;
	case WF_SIZE_DELTA: return px->has_stat ? (*v = (long long)px->size, true) : false;
	case WF_SVAL_DELTA: return px->has_value ? (*v = px->value, true) : false;
	case WF_NCNT:
	case WF_NCNT_DELTA: return o->has_waiters ? (*v = o->ncnt, true) : false;
	case WF_ZCNT:
	case WF_ZCNT_DELTA: return o->has_waiters ? (*v = o->zcnt, true) : false;
	default: return false;
	}
}

/* Seconds from T to the sample's time; none for a time never set. */
static bool age(const struct watch_sample *s, time_t t, long long *v)
{
	if (t == 0)
		return false;
	*v = s->time.tv_sec > t ? (long long)(s->time.tv_sec - t) : 0;
	return true;
}

static const struct watch_obj *previous_of(const struct watcher *w, const struct watch_obj *o)
{
	const struct watch_sample *prev = watcher_previous(w);

	return prev && o->prev >= 0 ? &prev->objs[o->prev] : NULL;
}

bool watch_field_value(const struct watcher *w, const struct watch_obj *o, enum watch_field f, long long *v)
{
	const struct watch_sample *s = watcher_latest(w);
	long long now, before;

	if (!in_sample(s, o))
		return false;   /* gone: nothing of it now */
	switch (f) {
	case WF_SEND_AGE: return age(s, o->row.sysv->stime, v);
	case WF_RECV_AGE: return age(s, o->row.sysv->rtime, v);
	case WF_MTIME_AGE: return o->row.posix->has_stat && age(s, o->row.posix->mtime, v);
	case WF_NCNT:
	case WF_ZCNT:
	case WF_QBYTES:
	case WF_USE_PERCENT: return figure(o, f, v);
	default: break;
	}
	const struct watch_obj *p = previous_of(w, o);
	if (!p || !figure(o, f, &now) || !figure(p, f, &before))
		return false;
	*v = now - before;
	return true;
}

size_t watch_list_size(const struct watch_obj *o)
{
	if (is_queue_table(o->table))
		return o->nwaiting;
	return o->has_values ? (size_t)o->row.sysv->nsems : 0;
}

bool watch_list_value(const struct watcher *w, const struct watch_obj *o, enum watch_field f, size_t i,
		      long long *v)
{
	const struct watch_sample *s = watcher_latest(w);

	if (f == WF_WAITING)
		return in_sample(s, o) && i < o->nwaiting ? (*v = s->waiting[o->waiting_at + i], true) : false;
	if (!in_sample(s, o) || !o->has_values || i >= o->row.sysv->nsems)
		return false;
	long long now = s->values[o->values_at + i];
	if (f == WF_VALUES)
		return *v = now, true;
	const struct watch_obj *p = previous_of(w, o);
	if (!p || !p->has_values || p->row.sysv->nsems != o->row.sysv->nsems)
		return false;
	*v = now - watcher_previous(w)->values[p->values_at + i];
	return true;
}

/* Do the sets' values (or the queues' waiters) of O and of P, its
 * previous self, differ?  False when either is not known. */
static bool list_changed(const struct watcher *w, const struct watch_obj *o, const struct watch_obj *p,
			 enum watch_field f)
{
	const struct watch_sample *s = watcher_latest(w), *prev = watcher_previous(w);

	if (f == WF_WAITING)
		return o->nwaiting != p->nwaiting ||   /* none: the pools may be NULL */
		       (o->nwaiting > 0 && memcmp(s->waiting + o->waiting_at, prev->waiting + p->waiting_at,
			      o->nwaiting * sizeof(*s->waiting)) != 0);
	if (!o->has_values || !p->has_values)
		return false;
	if (o->row.sysv->nsems != p->row.sysv->nsems)
		return true;
	return memcmp(s->values + o->values_at, prev->values + p->values_at,
		      (size_t)o->row.sysv->nsems * sizeof(*s->values)) != 0;
}

bool watch_field_changed(const struct watcher *w, const struct watch_obj *o, enum watch_field f)
{
	const struct watch_obj *p = in_sample(watcher_latest(w), o) ? previous_of(w, o) : NULL;
	long long now, before;

	if (!p)
		return false;
	switch (f) {
	case WF_VALUES:
	case WF_WAITING: return list_changed(w, o, p, f);
	case WF_QBYTES:
	case WF_USE_PERCENT:
	case WF_NCNT:
	case WF_ZCNT: return figure(o, f, &now) && figure(p, f, &before) && now != before;
	default: return false;
	}
}
