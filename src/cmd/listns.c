/* list --all-namespaces and list --namespaces (listns.h).
 *
 * One scan of /proc finds the namespaces; ipctool then enters each in
 * turn (setns, keeping descriptors of its own to come back: a fork per
 * namespace would cost as much again and pass every object up a pipe,
 * bench/README.md has the figures), loads its objects, and goes home to
 * print them all as one listing, so that names and pids read the same in
 * every row. */
#include "cmd/listns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "inv/ipcns.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "inv/users.h"

static bool wants_column(const struct output *out, enum col c)
{
	for (size_t i = 0; out->cols_given && i < out->ncols; i++)
		if (out->cols[i] == c)
			return true;
	return false;
}

/* A queue's capacity is read in its own namespace (IPC_STAT by id), as
 * the listing is printed after going home. */
static void read_capacities(struct sysv_obj *objs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (objs[i].kind == IPC_KIND_QUEUE)
			objs[i].has_qbytes = sysv_queue_qbytes(objs[i].id, &objs[i].qbytes);
}

/* ---- which POSIX file systems count for which namespace ------------------ */

void attribution_init(struct attribution *a)
{
	struct posix_mounts home;

	memset(a, 0, sizeof(*a));
	a->self = ns_current_ipc();
	posix_mounts_here(&home);
	dev_set_add(&a->seen, home.shm);
	dev_set_add(&a->seen, home.mqueue);
}

/* Does the file system DEV count for NS (ipctool is in it now)? */
static bool attributed(struct attribution *a, const struct ipcns *ns, dev_t dev)
{
	if (dev == 0)
		return true;   /* none: nothing will be found there */
	if (ns->inode != a->self && dev_set_has(&a->seen, dev)) {
		dev_set_add(&a->shared, dev);
		return false;
	}
	dev_set_add(&a->seen, dev);
	return true;
}

unsigned attributed_tables(struct attribution *a, const struct ipcns *ns, unsigned tables)
{
	struct posix_mounts here;

	posix_mounts_here(&here);
	/* shared memory and semaphores live in /dev/shm, queues in the mqueue mount */
	if (!attributed(a, ns, here.shm))
		tables &= ~(POSIX_KIND_BIT(IPC_KIND_SHM) | POSIX_KIND_BIT(IPC_KIND_SEM));
	if (!attributed(a, ns, here.mqueue))
		tables &= ~POSIX_KIND_BIT(IPC_KIND_QUEUE);
	return tables;
}

void attribution_mark_shared(const struct attribution *a, struct posix_list *posix, size_t from)
{
	for (size_t i = from; i < posix->n; i++)
		posix->objs[i].shared = posix->objs[i].has_stat && dev_set_has(&a->shared, posix->objs[i].dev);
}

void mark_shared(struct posix_list *posix, const struct posix_mounts *home)
{
	for (size_t i = 0; i < posix->n; i++)
		posix->objs[i].shared = posix->objs[i].has_stat && posix_mounts_has(home, posix->objs[i].dev);
}

/* Queues are seen through the mount namespace's mqueue mount: a namespace
 * whose first process has none shows no POSIX queues, and says so. */
static unsigned posix_kinds_here(unsigned tables, const struct ipcns *ns)
{
	unsigned kinds = tables >> NKINDS;

	if ((kinds & KIND_BIT(IPC_KIND_QUEUE)) && !posix_mqueue_dir()) {
		if (ns)
			warn("POSIX message queues of IPC namespace %llu are not listed: no mqueue file system "
			     "is mounted where PID %d sees it", ns->inode, (int)ns->first);
		else
			warn("POSIX message queues are not listed: no mqueue file system is mounted");
		kinds &= ~KIND_BIT(IPC_KIND_QUEUE);
	}
	return kinds;
}

/* Each semaphore's last pid, for --processes and --orphaned: semctl
 * answers for the namespace ipctool is in, so they are read here, before
 * going home, and kept in SEMS. */
static int keep_sem_pids(const struct sysv_obj *objs, size_t n, struct users *sems)
{
	pid_t *pids = NULL;
	size_t cap = 0;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct sysv_obj *o = &objs[i];
		if (o->kind != IPC_KIND_SEM)
			continue;
		pid_t *grown = array_reserve(pids, &cap, 0, o->nsems, sizeof(*pids), 64);
		if (!grown) {
			rc = fail("out of memory");
			break;
		}
		pids = grown;
		bool known = true;
		unsigned ncnt = 0, zcnt = 0;
		for (size_t k = 0; k < o->nsems && known; k++) {
			int nc = -1, zc = -1;
			known = (pids[k] = semctl(o->id, (int)k, GETPID)) >= 0 &&
				(nc = semctl(o->id, (int)k, GETNCNT)) >= 0 && (zc = semctl(o->id, (int)k, GETZCNT)) >= 0;
			if (known) {
				ncnt += (unsigned)nc;
				zcnt += (unsigned)zc;
			}
		}
		rc = users_keep_sem_pids(sems, (ino_t)o->ipcns, o->id, pids, o->nsems, known, ncnt, zcnt);
	}
	free(pids);
	return rc;
}

int namespace_load(const struct ipcns *ns, unsigned tables, bool capacities, struct sysv_list *sysv,
		   struct posix_list *posix, struct users *sems)
{
	size_t first = sysv->n;
	int rc = sysv_load_kinds(tables & KINDS_ALL, sysv);

	if (rc == 0 && (tables & POSIX_KINDS_ALL))
		rc = posix_load_kinds(posix_kinds_here(tables, ns), posix);
	if (capacities)
		read_capacities(sysv->objs + first, sysv->n - first);
	if (rc == 0 && sems)
		rc = keep_sem_pids(sysv->objs + first, sysv->n - first, sems);
	return rc;
}

struct load_all {
	unsigned tables;
	bool capacities;
	struct sysv_list *sysv;
	struct posix_list *posix;
	struct users *sems;
	struct attribution attribution;
};

static int load_one(const struct ipcns *ns, void *data)
{
	struct load_all *a = data;
	unsigned tables = attributed_tables(&a->attribution, ns, a->tables);

	return namespace_load(ns, tables, a->capacities, a->sysv, a->posix, a->sems);
}

int all_namespaces_load(unsigned tables, const struct output *out, struct sysv_list *sysv,
			struct posix_list *posix, struct users *sems)
{
	struct load_all a = { tables, wants_column(out, COL_QBYTES), sysv, posix, sems, { 0 } };
	struct ipcns_list nss;
	size_t first = posix->n;
	int rc = ipcns_scan(&nss);

	if (rc)
		return rc;
	attribution_init(&a.attribution);
	rc = ipcns_visit(&nss, load_one, &a);
	attribution_mark_shared(&a.attribution, posix, first);
	ipcns_free(&nss);
	return rc;
}

/* ---- list --namespaces ------------------------------------------------- */

enum { NCOL_IPCNS, NCOL_PROCESSES, NCOL_PID, NCOL_COMMAND, NCOL_QUEUES, NCOL_SEGMENTS, NCOL_SEMS };

struct counts {
	unsigned long long kinds[NKINDS];
};

/* The objects of each kind, both families, in the namespace ipctool is in
 * (POSIX ones only from the file systems that count for it, A says). */
static int count_here(const struct ipcns *ns, struct counts *c, struct attribution *a)
{
	struct sysv_list sysv = { 0 };
	struct posix_list posix = { 0 };
	unsigned tables = attributed_tables(a, ns, KINDS_ALL | POSIX_KINDS_ALL);
	int rc = namespace_load(ns, tables, false, &sysv, &posix, NULL);

	for (size_t i = 0; i < sysv.n; i++)
		c->kinds[sysv.objs[i].kind]++;
	for (size_t i = 0; i < posix.n; i++)
		c->kinds[posix.objs[i].kind]++;
	sysv_list_free(&sysv);
	posix_list_free(&posix);
	return rc;
}

static int add_namespace_row(struct libscols_table *tb, const struct ipcns *ns, const struct counts *c)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char cells[7][32];

	if (!ln)
		return -1;
	cell_unsigned(cells[NCOL_IPCNS], sizeof(cells[0]), ns->inode);
	cell_unsigned(cells[NCOL_PROCESSES], sizeof(cells[0]), ns->processes);
	cell_unsigned(cells[NCOL_PID], sizeof(cells[0]), (unsigned long long)ns->first);
	cell_unsigned(cells[NCOL_QUEUES], sizeof(cells[0]), c->kinds[IPC_KIND_QUEUE]);
	cell_unsigned(cells[NCOL_SEGMENTS], sizeof(cells[0]), c->kinds[IPC_KIND_SHM]);
	cell_unsigned(cells[NCOL_SEMS], sizeof(cells[0]), c->kinds[IPC_KIND_SEM]);
	for (int col = NCOL_IPCNS; col <= NCOL_SEMS; col++) {
		const char *text = col == NCOL_COMMAND ? (ns->command[0] ? ns->command : NULL) : cells[col];
		if (text && scols_line_set_data(ln, (size_t)col, text) != 0)
			return -1;
	}
	return 0;
}

static struct libscols_table *namespaces_table(const struct table_format *format)
{
	static const struct { const char *name; bool numeric; } cols[] = {
		{ "IPCNS", true }, { "PROCESSES", true }, { "PID", true }, { "COMMAND", false },
		{ "QUEUES", true }, { "SEGMENTS", true }, { "SEMS", true },
	};
	struct libscols_table *tb = table_new("namespaces", format);

	for (size_t i = 0; tb && i < sizeof(cols) / sizeof(cols[0]); i++)
		if (!table_add_column(tb, cols[i].name, cols[i].numeric, 0)) {
			scols_unref_table(tb);
			return NULL;
		}
	return tb;
}

struct add_all {
	struct libscols_table *tb;
	struct attribution attribution;
};

/* One namespace's row, counted while ipctool is in it. */
static int add_namespace(const struct ipcns *ns, void *data)
{
	struct add_all *a = data;
	struct counts c = { { 0 } };
	int rc = count_here(ns, &c, &a->attribution);

	if (rc == 0 && add_namespace_row(a->tb, ns, &c) != 0)
		rc = fail("out of memory");
	return rc;
}

int namespaces_show(const struct table_format *format)
{
	struct ipcns_list nss;
	struct add_all a;
	int rc = ipcns_scan(&nss);

	if (rc)
		return rc;
	attribution_init(&a.attribution);
	struct libscols_table *tb = a.tb = namespaces_table(format);
	rc = tb ? ipcns_visit(&nss, add_namespace, &a) : fail("out of memory");
	rc = table_print_only(format, tb, rc);
	ipcns_free(&nss);
	return rc;
}
