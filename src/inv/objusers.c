/* Who uses one object, orphans, and the age filter (objusers.h). */
#include "objusers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "buf.h"
#include "error.h"

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
		if (add_recorded(u, w, pid, USE_LAST_OPERATION) != 0)
			return -1;
	}
	return 0;
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
		if (add_recorded(u, w, o->lspid, USE_LAST_SEND) != 0)
			return -1;
		return add_recorded(u, w, o->lrpid, USE_LAST_RECEIVE);
	case IPC_KIND_SEM:
		return semaphore_users(u, o, w);
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
	if (w->unknown || w->n > 0)
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

	if (!old_enough(f, o->ctime))
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

enum recheck sysv_recheck(const struct sysv_obj *was, const struct age_filter *f)
{
	struct sysv_obj now;
	int err = 0;

	if (sysv_stat(was->kind, was->id, &now) != 0)
		return errno == EINVAL || errno == EIDRM ? RECHECK_GONE : RECHECK_UNREADABLE;
	if (now.key != was->key)
		return RECHECK_GONE;
	if (!old_enough(f, now.ctime))
		return RECHECK_CHANGED;
	if (f->orphaned && !sysv_passes(NULL, &now, f, &err))
		return err ? RECHECK_UNREADABLE : RECHECK_IN_USE;
	return RECHECK_PASSES;
}

enum recheck posix_recheck(struct users *fresh, const struct posix_obj *was, const struct age_filter *f)
{
	struct posix_obj found[NKINDS];
	int err = 0;

	if (posix_find(was->name, KIND_BIT(was->kind), found) == 0 || !found[0].has_stat)
		return RECHECK_GONE;
	/* Another file under the same name is another object: not ours to remove. */
	if (found[0].dev != was->dev || found[0].ino != was->ino)
		return RECHECK_GONE;
	if (!old_enough(f, found[0].mtime))
		return RECHECK_CHANGED;
	if (f->orphaned && !posix_passes(fresh, &found[0], f, &err))
		return err ? RECHECK_UNREADABLE : RECHECK_IN_USE;
	return RECHECK_PASSES;
}
