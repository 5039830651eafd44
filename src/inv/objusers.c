/* Who uses one object, orphans, and the age filter (objusers.h). */
#include "inv/objusers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "lib/buf.h"
#include "lib/error.h"

void obj_users_free(struct obj_users *w)
{
	free(w->v);
	memset(w, 0, sizeof(*w));
}

static void obj_users_reset(struct obj_users *w)
{
	w->n = 0;
	w->recorded = 0;
	w->unknown = false;
	w->waited = false;
}

/* PID uses the object HOW: merged into its line when it has one. */
static int add_user(struct obj_users *w, pid_t pid, unsigned how)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].pid == pid) {
			w->v[i].how |= how;
			return 0;
		}
	struct obj_user *v = array_grow(w->v, &w->cap, w->n, sizeof(*v), 8);
	if (!v)
		return -1;
	w->v = v;
	size_t at = w->n++;
	/* Kept by pid: the few recorded pids arrive in any order. */
	while (at > 0 && w->v[at - 1].pid > pid) {
		w->v[at] = w->v[at - 1];
		at--;
	}
	w->v[at] = (struct obj_user){ .pid = pid, .how = how };
	return 0;
}

static int add_uses(struct obj_users *w, const struct use *first, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (add_user(w, first[i].pid, first[i].how) != 0)
			return -1;
	return 0;
}

/* A pid the kernel records: counted, and a user while it lives. */
static int add_recorded(struct users *u, struct obj_users *w, pid_t pid, unsigned how)
{
	if (pid <= 0)
		return 0;
	w->recorded++;
	return users_alive(u, pid) ? add_user(w, pid, how) : 0;
}

/* Each semaphore's last pid; the set's users are the live ones. */
static int semaphore_users(struct users *u, const struct sysv_obj *o, struct obj_users *w)
{
	const struct sem_record *kept = users_sem_pids(u, (ino_t)o->ipcns, o->id);

	if (kept) {
		w->unknown = !kept->known;
		w->waited = kept->ncnt || kept->zcnt;
		for (size_t i = 0; i < kept->n; i++)
			if (add_recorded(u, w, u->sem_pids[kept->at + i], USE_LAST_OPERATION) != 0)
				return -1;
		return 0;
	}
	for (unsigned long long i = 0; i < o->nsems; i++) {
		int pid = semctl(o->id, (int)i, GETPID);
		if (pid < 0) {
			w->unknown = true;
			return 0;
		}
		/* The kernel's count of waiters: some may be invisible to the
		 * scan (another user's, another PID namespace's). */
		w->waited = w->waited || semctl(o->id, (int)i, GETNCNT) > 0 || semctl(o->id, (int)i, GETZCNT) > 0;
		if (add_recorded(u, w, pid, USE_LAST_OPERATION) != 0)
			return -1;
	}
	return 0;
}

/* The processes blocked on queue or set O. */
static int waiters(struct users *u, const struct sysv_obj *o, ino_t ipcns, struct obj_users *w)
{
	const struct use *first = NULL;
	size_t n = users_waiting_on(u, o->kind, ipcns, o->id, &first);

	return add_uses(w, first, n);
}

int obj_users_sysv(struct users *u, const struct sysv_obj *o, ino_t ipcns, struct obj_users *w)
{
	const struct use *first = NULL;
	size_t n;

	obj_users_reset(w);
	switch (o->kind) {
	case IPC_KIND_SHM:
		n = users_of_segment(u, ipcns, o->id, &first);
		return add_uses(w, first, n);
	case IPC_KIND_QUEUE:
		if (add_recorded(u, w, o->lspid, USE_LAST_SEND) != 0 ||
		    add_recorded(u, w, o->lrpid, USE_LAST_RECEIVE) != 0)
			return -1;
		return waiters(u, o, ipcns, w);
	case IPC_KIND_SEM:
		if (semaphore_users(u, o, w) != 0)
			return -1;
		return waiters(u, o, ipcns, w);
	}
	return 0;
}

int obj_users_posix(struct users *u, const struct posix_obj *o, struct obj_users *w)
{
	const struct use *first = NULL;

	obj_users_reset(w);
	if (!o->has_stat)
		return 0;
	size_t n = users_of_file(u, o->dev, o->ino, &first);
	return add_uses(w, first, n);
}

bool sysv_orphaned(struct users *u, const struct sysv_obj *o, const struct obj_users *w)
{
	if (w->unknown || w->n > 0 || w->waited)
		return false;
	if (o->kind == IPC_KIND_SHM)
		/* NATTCH is the kernel's count, whoever may read the maps. */
		return o->nattch == 0 && !users_alive(u, o->cpid) && !users_alive(u, o->lpid);
	/* The kernel records no creator for queues and sets: one nobody has
	 * used yet is not called orphaned. */
	return w->recorded > 0;
}

bool posix_orphaned(const struct users *u, const struct posix_obj *o, const struct obj_users *w)
{
	/* A queue seen without an mqueue mount has no file to match. */
	return o->has_stat && w->n == 0 && u && u->unreadable == 0;
}

/* ---- in use now ---------------------------------------------------------- */

static bool using_now(const struct obj_users *w, pid_t *pid)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].how & (USE_ATTACHED | USE_MAPPED | USE_OPEN | USE_WAITING)) {
			*pid = w->v[i].pid;
			return true;
		}
	*pid = 0;
	return false;
}

bool sysv_in_use(const struct sysv_obj *o, const struct obj_users *w, pid_t *pid)
{
	if (using_now(w, pid))
		return true;
	return (o->kind == IPC_KIND_SHM && o->nattch > 0) || w->waited;
}

bool posix_in_use(const struct obj_users *w, pid_t *pid)
{
	return using_now(w, pid);
}

time_t sysv_idle_since(const struct sysv_obj *o)
{
	time_t t = o->ctime;
	time_t other[2] = { 0, 0 };

	switch (o->kind) {
	case IPC_KIND_QUEUE: other[0] = o->stime; other[1] = o->rtime; break;
	case IPC_KIND_SHM: other[0] = o->atime; other[1] = o->dtime; break;
	case IPC_KIND_SEM: other[0] = o->otime; break;
	}
	for (int i = 0; i < 2; i++)
		if (other[i] > t)
			t = other[i];
	return t;
}

/* ---- the filter ----------------------------------------------------------- */

bool age_filter_needs_users(const struct age_filter *f)
{
	return f->orphaned;
}

/* Changed at least F's duration before the current second.  A time in
 * the future (a clock set back) is not old. */
static bool old_enough(const struct age_filter *f, time_t t)
{
	return !f->has_older || (t <= f->now && (long long)(f->now - t) >= f->older_than);
}

bool sysv_passes(struct users *u, const struct sysv_obj *o, const struct age_filter *f, int *err)
{
	static struct obj_users w;

	if (!old_enough(f, sysv_idle_since(o)))
		return false;
	if (!f->orphaned)
		return true;
	if (obj_users_sysv(u, o, (ino_t)o->ipcns, &w) != 0) {
		*err = -1;
		return false;
	}
	return sysv_orphaned(u, o, &w);
}

bool posix_passes(struct users *u, const struct posix_obj *o, const struct age_filter *f, int *err)
{
	static struct obj_users w;

	if (!o->has_stat || !old_enough(f, o->mtime))
		return false;
	if (!f->orphaned)
		return true;
	if (obj_users_posix(u, o, &w) != 0) {
		*err = -1;
		return false;
	}
	return posix_orphaned(u, o, &w);
}

int age_filter_apply(struct users *u, const struct age_filter *f, struct sysv_list *list,
		     struct posix_list *posix)
{
	size_t kept = 0;
	int err = 0;

	for (size_t i = 0; i < list->n; i++)
		if (sysv_passes(u, &list->objs[i], f, &err))
			list->objs[kept++] = list->objs[i];
	list->n = kept;
	kept = 0;
	for (size_t i = 0; posix && i < posix->n; i++)
		if (posix_passes(u, &posix->objs[i], f, &err))
			posix->objs[kept++] = posix->objs[i];
	if (posix)
		posix->n = kept;
	return err ? fail("out of memory") : 0;
}

/* ---- looking again ---------------------------------------------------------- */

/* The second look at users: kept when in use (unless FORCE), and, for
 * --orphaned, when no longer orphaned (a recorded pid alive again). */
/* The second look's answer once the object's users are known (--force
 * was answered before they were read). */
static enum recheck users_verdict(bool in_use, bool orphaned, pid_t user, const struct age_filter *f, pid_t *who)
{
	*who = user;
	if (in_use || (f->orphaned && !orphaned))
		return RECHECK_IN_USE;
	return RECHECK_PASSES;
}

enum recheck sysv_recheck(struct users *fresh, const struct sysv_obj *was, const struct age_filter *f, bool force,
			  pid_t *who)
{
	static struct obj_users w;
	struct sysv_obj now;
	pid_t user = 0;

	*who = 0;
	if (sysv_stat(was->kind, was->id, &now) != 0)
		return errno == EINVAL || errno == EIDRM ? RECHECK_GONE : RECHECK_UNREADABLE;
	if (now.key != was->key)
		return RECHECK_GONE;
	if (!old_enough(f, sysv_idle_since(&now)))
		return RECHECK_CHANGED;
	if (force)
		return RECHECK_PASSES;
	now.ipcns = was->ipcns;
	if (obj_users_sysv(fresh, &now, 0, &w) != 0)
		return errno = ENOMEM, RECHECK_UNREADABLE;
	bool in_use = sysv_in_use(&now, &w, &user);
	if (!in_use && w.n)
		user = w.v[0].pid;   /* for --orphaned: a live recorded pid */
	/* Attached since the scan: the kernel's last attacher, if it lives,
	 * is very likely the one. */
	if (in_use && !user && now.kind == IPC_KIND_SHM && users_alive(NULL, now.lpid))
		user = now.lpid;
	return users_verdict(in_use, sysv_orphaned(fresh, &now, &w), user, f, who);
}

enum recheck posix_recheck(struct users *fresh, const struct posix_obj *was, const struct age_filter *f,
			   bool force, pid_t *who)
{
	static struct obj_users w;
	struct posix_obj found[NKINDS];
	pid_t user = 0;

	*who = 0;
	if (posix_find(was->name, KIND_BIT(was->kind), found) == 0 || !found[0].has_stat)
		return RECHECK_GONE;
	/* Another file under the same name is another object: not ours to remove. */
	if (found[0].dev != was->dev || found[0].ino != was->ino)
		return RECHECK_GONE;
	if (!old_enough(f, found[0].mtime))
		return RECHECK_CHANGED;
	if (force)
		return RECHECK_PASSES;
	if (obj_users_posix(fresh, &found[0], &w) != 0)
		return errno = ENOMEM, RECHECK_UNREADABLE;
	bool in_use = posix_in_use(&w, &user);
	return users_verdict(in_use, posix_orphaned(fresh, &found[0], &w), user, f, who);
}
