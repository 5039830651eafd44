/* One sample of metrics (metrics.h): the objects of each namespace, the
 * semaphore sets' waiter counts read there, one /proc scan for who uses
 * them, and their sums per kind and family. */
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <time.h>

#include "cmd/listns.h"
#include "cmd/listusers.h"
#include "cmd/metrics.h"
#include "inv/ipcns.h"
#include "inv/objusers.h"
#include "lib/buf.h"
#include "lib/error.h"
#include "lib/nsenter.h"

/* "Idle longer than a day". */
#define IDLE_SECONDS 86400

void sample_free(struct sample *s)
{
	free(s->ns);
	free(s->waits);
	free(s->posix_waits);
	free(s->orphaned_sysv);
	free(s->orphaned_posix);
	sysv_list_free(&s->sysv);
	posix_list_free(&s->posix);
	users_free(&s->users);
	memset(s, 0, sizeof(*s));
}

/* How many processes wait for the sets from FIRST on to grow, or to be
 * zero (semop(2)): the sums namespace_load read with their pids. */
static int read_waits(struct sample *s, size_t first)
{
	if (s->sysv.n == first)
		return 0;
	struct waits *w = array_reserve(s->waits, &s->waits_cap, first, s->sysv.n - first, sizeof(*w), 64);

	if (!w)
		return fail("out of memory");
	s->waits = w;
	for (size_t i = first; i < s->sysv.n; i++) {
		const struct sysv_obj *o = &s->sysv.objs[i];
		const struct sem_record *r =
			o->kind == IPC_KIND_SEM ? users_sem_pids(&s->users, (ino_t)o->ipcns, o->id) : NULL;
		w[i] = (struct waits){ .p = r ? r->ncnt : 0, .zero = r ? r->zcnt : 0 };
	}
	return 0;
}

/* Everything of the namespace ipctool is in now (NS NULL: its own). */
static int sample_here(const struct ipcns *ns, void *data)
{
	struct sample *s = data;
	struct ns_sample *n = array_grow(s->ns, &s->ns_cap, s->nns, sizeof(*n), 16);

	if (!n)
		return fail("out of memory");
	s->ns = n;
	n = &s->ns[s->nns++];
	memset(n, 0, sizeof(*n));
	n->inode = ns ? ns->inode : ns_current_ipc();
	n->processes = ns ? ns->processes : 0;
	if (ns)
		ipcns_container(ns->first, n->container, sizeof(n->container));
	n->has_limits = ipc_limits_read(&n->limits) == 0;
	n->tables = KINDS_ALL | POSIX_KINDS_ALL;
	/* A /dev/shm or mqueue mount another namespace counts (ipctool's own,
	 * or one sampled before) is not counted again: those series are left
	 * out here, as list --all-namespaces lists those files once. */
	if (ns)
		n->tables = attributed_tables(&s->attribution, ns, n->tables);
	/* Without an mqueue mount POSIX queues cannot be counted: their series
	 * are left out rather than said to be 0. */
	if (!posix_mqueue_dir())
		n->tables &= ~POSIX_KIND_BIT(IPC_KIND_QUEUE);
	n->sysv_first = s->sysv.n;
	n->posix_first = s->posix.n;
	int rc = namespace_load(ns, n->tables, true, &s->sysv, &s->posix, &s->users);
	if (rc == 0)
		rc = read_waits(s, n->sysv_first);
	n->sysv_n = s->sysv.n - n->sysv_first;
	n->posix_n = s->posix.n - n->posix_first;
	return rc;
}

static int sample_namespaces(struct sample *s, bool all_namespaces, pid_t ns_pid)
{
	struct ipcns_list nss;
	int rc;

	if (all_namespaces) {
		if ((rc = ipcns_scan(&nss)) != 0)
			return rc;
		attribution_init(&s->attribution);
		rc = ipcns_visit(&nss, sample_here, s);
		ipcns_free(&nss);
		return rc;
	}
	if (ns_pid && (rc = ns_enter(ns_pid, 0)))
		return rc;
	rc = sample_here(NULL, s);
	int back = ns_pid ? ns_leave() : 0;
	return rc ? rc : back;
}

long long seconds_since(time_t now, time_t t)
{
	return t && t <= now ? (long long)(now - t) : 0;
}

static bool sysv_full(const struct sysv_obj *o)
{
	/* msgsnd(2) blocks when the bytes or the messages would pass
	 * msg_qbytes: no room is left for a message of one byte. */
	return o->kind == IPC_KIND_QUEUE && o->has_qbytes && (o->cbytes >= o->qbytes || o->qnum >= o->qbytes);
}

static bool posix_full(const struct posix_obj *o)
{
	return o->kind == IPC_KIND_QUEUE && o->has_attr && o->curmsgs >= o->maxmsg;
}

/* The processes among W blocked receiving or sending (a queue's) or
 * taking (a POSIX semaphore's), into *OUT. */
static void count_waiters(const struct obj_users *w, struct waits *out)
{
	for (size_t i = 0; i < w->n; i++) {
		out->receive += (w->v[i].how & USE_WAIT_RECEIVE) != 0;
		out->send += (w->v[i].how & USE_WAIT_SEND) != 0;
		out->p += (w->v[i].how & USE_WAIT_P) != 0;
		out->zero += (w->v[i].how & USE_WAIT_ZERO) != 0;
	}
}

static void add_waits(struct waits *sum, const struct waits *w)
{
	sum->p += w->p;
	sum->zero += w->zero;
	sum->receive += w->receive;
	sum->send += w->send;
}

/* What every object adds to T, whatever its kind and family: idle since
 * IDLE_SINCE, its waiters W, orphaned since CTIME. */
static void count_object(struct table_stats *t, time_t now, time_t idle_since, const struct waits *w, bool orphaned,
			 time_t ctime)
{
	if (seconds_since(now, idle_since) > IDLE_SECONDS)
		t->idle++;
	add_waits(&t->waiting, w);
	if (!orphaned)
		return;
	t->orphaned++;
	if (seconds_since(now, ctime) > t->oldest_orphan)
		t->oldest_orphan = seconds_since(now, ctime);
}

static int sum_sysv(struct sample *s, struct ns_sample *n)
{
	static struct obj_users w;

	for (size_t i = n->sysv_first; i < n->sysv_first + n->sysv_n; i++) {
		const struct sysv_obj *o = &s->sysv.objs[i];
		struct table_stats *t = &n->t[o->kind];
		t->objects++;
		switch (o->kind) {
		case IPC_KIND_QUEUE:
			t->bytes += o->cbytes;
			t->messages += o->qnum;
			t->full += sysv_full(o);
			break;
		case IPC_KIND_SHM: t->bytes += o->segsz; break;
		case IPC_KIND_SEM: t->semaphores += o->nsems; break;
		}
		if (obj_users_sysv(&s->users, o, (ino_t)o->ipcns, &w) != 0)
			return fail("out of memory");
		/* A set's waiters are the kernel's counts, which see every
		 * process, also those whose call the scan could not read. */
		if (o->kind == IPC_KIND_QUEUE)
			count_waiters(&w, &s->waits[i]);
		/* Waiters use a queue or set, whatever its recorded pids say. */
		s->orphaned_sysv[i] = sysv_orphaned(&s->users, o, &w);
		count_object(t, s->now, sysv_idle_since(o), &s->waits[i], s->orphaned_sysv[i], o->ctime);
	}
	return 0;
}

static int sum_posix(struct sample *s, struct ns_sample *n)
{
	static struct obj_users w;

	for (size_t i = n->posix_first; i < n->posix_first + n->posix_n; i++) {
		const struct posix_obj *o = &s->posix.objs[i];
		struct table_stats *t = &n->t[NKINDS + o->kind];
		t->objects++;
		switch (o->kind) {
		case IPC_KIND_QUEUE:
			t->bytes += o->has_qsize ? o->qsize : 0;
			t->messages += o->has_attr && o->curmsgs > 0 ? (unsigned long long)o->curmsgs : 0;
			t->full += posix_full(o);
			break;
		case IPC_KIND_SHM: t->bytes += o->size; break;
		case IPC_KIND_SEM: t->semaphores++; break;
		}
		if (obj_users_posix(&s->users, o, &w) != 0)
			return fail("out of memory");
		count_waiters(&w, &s->posix_waits[i]);
		s->orphaned_posix[i] = posix_orphaned(&s->users, o, &w);
		count_object(t, s->now, o->mtime, &s->posix_waits[i], s->orphaned_posix[i], o->ctime);
	}
	return 0;
}

int sample_take(struct sample *s, bool all_namespaces, pid_t ns_pid)
{
	int rc = sample_namespaces(s, all_namespaces, ns_pid);

	if (rc == 0)
		rc = users_load(&s->users, KINDS_ALL | POSIX_KINDS_ALL, &s->sysv, &s->posix);
	if (rc)
		return rc;
	s->now = time(NULL);
	s->orphaned_sysv = calloc(s->sysv.n + 1, sizeof(bool));
	s->orphaned_posix = calloc(s->posix.n + 1, sizeof(bool));
	s->posix_waits = calloc(s->posix.n + 1, sizeof(*s->posix_waits));
	if (!s->orphaned_sysv || !s->orphaned_posix || !s->posix_waits)
		return fail("out of memory");
	for (size_t i = 0; i < s->nns && rc == 0; i++)
		if ((rc = sum_sysv(s, &s->ns[i])) == 0)
			rc = sum_posix(s, &s->ns[i]);
	return rc;
}
