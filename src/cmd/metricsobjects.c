/* The per-object series of metrics --objects N (metrics.h): the N largest
 * objects of each kind and family, each labelled with its key and id or
 * its name (ipctool-metrics(1)). */
#include <stdlib.h>
#include <string.h>

#include "cmd/metrics.h"
#include "lib/buf.h"
#include "lib/error.h"

/* One object of either family, with what it is ranked and shown by. */
struct pick {
	const struct sysv_obj *sysv;
	const struct posix_obj *posix;
	const struct ns_sample *ns;
	int table;
	unsigned long long size;      /* what "largest" means for its kind */
	bool orphaned;
	unsigned long long waiting;
};

static unsigned long long sysv_size(const struct sysv_obj *o)
{
	return o->kind == IPC_KIND_QUEUE ? o->cbytes : o->kind == IPC_KIND_SHM ? o->segsz : o->nsems;
}

static unsigned long long posix_size(const struct posix_obj *o)
{
	if (o->kind == IPC_KIND_QUEUE)
		return o->has_qsize ? o->qsize : 0;
	return o->kind == IPC_KIND_SHM ? o->size : 1;
}

/* Largest first; then by namespace and id or name, so a sample's choice
 * among equals is the same every time. */
static int by_size(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (x->ns->inode != y->ns->inode)
		return x->ns->inode < y->ns->inode ? -1 : 1;
	if (x->sysv)
		return (x->sysv->id > y->sysv->id) - (x->sysv->id < y->sysv->id);
	return strcmp(x->posix->name, y->posix->name);
}

static unsigned long long waiters_of(const struct waits *w)
{
	return w->p + w->zero + w->receive + w->send;
}

/* The N largest objects of each table, in PICKS (*NPICKS of them). */
static int choose_objects(const struct sample *s, unsigned long long n, struct pick **picks, size_t *npicks)
{
	size_t total = s->sysv.n + s->posix.n, kept = 0;
	struct pick *all = malloc((total + 1) * sizeof(*all));

	if (!all)
		return fail("out of memory");
	for (int table = 0; table < NTABLES; table++) {
		size_t first = kept;
		for (size_t i = 0; i < s->nns; i++) {
			const struct ns_sample *ns = &s->ns[i];
			for (size_t k = ns->sysv_first; table < NKINDS && k < ns->sysv_first + ns->sysv_n; k++)
				if ((int)s->sysv.objs[k].kind == table)
					all[kept++] = (struct pick){ .sysv = &s->sysv.objs[k], .ns = ns, .table = table,
								     .size = sysv_size(&s->sysv.objs[k]),
								     .orphaned = s->orphaned_sysv[k],
								     .waiting = waiters_of(&s->waits[k]) };
			for (size_t k = ns->posix_first; table >= NKINDS && k < ns->posix_first + ns->posix_n; k++)
				if ((int)s->posix.objs[k].kind == table - NKINDS)
					all[kept++] = (struct pick){ .posix = &s->posix.objs[k], .ns = ns, .table = table,
								     .size = posix_size(&s->posix.objs[k]),
								     .orphaned = s->orphaned_posix[k],
								     .waiting = waiters_of(&s->posix_waits[k]) };
		}
		if (kept - first > 1)
			qsort(all + first, kept - first, sizeof(*all), by_size);
		if (kept - first > n)
			kept = first + (size_t)n;
	}
	*picks = all;
	*npicks = kept;
	return 0;
}

enum object_field { O_BYTES, O_MESSAGES, O_FULLNESS, O_SEMAPHORES, O_WAITING, O_AGE, O_ORPHANED };

struct object_metric {
	const char *name, *help;
	enum object_field field;
};

static const struct object_metric object_metrics[] = {
	{ "ipc_object_bytes", "Bytes in a queue's messages, or a segment's size (--objects).", O_BYTES },
	{ "ipc_object_messages", "Messages waiting in a queue (--objects).", O_MESSAGES },
	{ "ipc_object_fullness_ratio", "How full a queue is, 0 to 1: its bytes of msg_qbytes (System V), "
	  "its messages of mq_maxmsg (POSIX) (--objects).", O_FULLNESS },
	{ "ipc_object_semaphores", "Semaphores in a System V set (--objects).", O_SEMAPHORES },
	{ "ipc_object_waiting_processes", "Processes blocked on a queue or semaphore: a System V set's "
	  "semncnt plus semzcnt (--objects).", O_WAITING },
	{ "ipc_object_age_seconds", "Seconds since the object was created or last changed (ctime) "
	  "(--objects).", O_AGE },
	{ "ipc_object_orphaned", "1 when no live process uses the object, else 0 (--objects).", O_ORPHANED },
};

/* The value of F for P; false when P's kind has none or it is unknown. */
static bool object_value(const struct sample *s, const struct pick *p, enum object_field f, double *v)
{
	const struct sysv_obj *o = p->sysv;
	const struct posix_obj *x = p->posix;
	bool queue = p->table % NKINDS == IPC_KIND_QUEUE;

	switch (f) {
	case O_BYTES:
		if (p->table % NKINDS == IPC_KIND_SEM || (x && queue && !x->has_qsize))
			return false;
		*v = (double)p->size;
		return true;
	case O_MESSAGES:
		if (!queue || (x && !x->has_attr))
			return false;
		*v = o ? (double)o->qnum : (double)x->curmsgs;
		return true;
	case O_FULLNESS:
		if (!queue || (o && (!o->has_qbytes || o->qbytes == 0)) || (x && (!x->has_attr || x->maxmsg <= 0)))
			return false;
		*v = o ? (double)o->cbytes / (double)o->qbytes : (double)x->curmsgs / (double)x->maxmsg;
		return true;
	case O_SEMAPHORES:
		if (!o || o->kind != IPC_KIND_SEM)
			return false;
		*v = (double)o->nsems;
		return true;
	case O_WAITING:
		if (p->table % NKINDS == IPC_KIND_SHM)
			return false;
		*v = (double)p->waiting;
		return true;
	case O_AGE:
		*v = (double)seconds_since(s->now, o ? o->ctime : x->ctime);
		return true;
	case O_ORPHANED:
		*v = p->orphaned;
		return true;
	}
	return false;
}

/* TEXT as a label value: in its shown form (error.h: control characters
 * and bytes that are not UTF-8 as \xHH, so one line and reversible), then
 * with the exposition format's escapes for backslash and double quote. */
static int append_label_value(struct buf *b, const char *text)
{
	char shown[4 * (POSIX_NAME_MAX + 2) + 1];

	shown_form(text, shown, sizeof(shown));
	for (const char *p = shown; *p; p++) {
		if ((*p == '\\' || *p == '"') && buf_append(b, "\\", 1) != 0)
			return -1;
		if (buf_append(b, p, 1) != 0)
			return -1;
	}
	return 0;
}

static int append_object_labels(struct buf *b, const struct pick *p, const char *name, bool labelled)
{
	int rc = metrics_series(b, name, p->ns, labelled, true, p->table);

	if (rc == 0 && p->sysv)
		return buf_printf(b, ",key=\"0x%08x\",id=\"%d\"", (unsigned)p->sysv->key, p->sysv->id);
	if (rc == 0 && (rc = buf_append_str(b, ",name=\"")) == 0 && (rc = append_label_value(b, p->posix->name)) == 0)
		rc = buf_append_str(b, "\"");
	return rc;
}

int metrics_objects(struct buf *b, const struct sample *s, unsigned long long n, bool labelled)
{
	struct pick *picks = NULL;
	size_t npicks = 0;
	int rc = choose_objects(s, n, &picks, &npicks);

	for (size_t m = 0; rc == 0 && m < sizeof(object_metrics) / sizeof(object_metrics[0]); m++) {
		const struct object_metric *om = &object_metrics[m];
		if ((rc = metrics_header(b, om->name, om->help)) != 0)
			break;
		for (size_t i = 0; i < npicks && rc == 0; i++) {
			double v;
			if (!object_value(s, &picks[i], om->field, &v))
				continue;
			rc = append_object_labels(b, &picks[i], om->name, labelled);
			if (rc == 0)
				rc = om->field == O_FULLNESS ? buf_printf(b, "} %.6g\n", v)
							     : buf_printf(b, "} %.0f\n", v);
		}
	}
	free(picks);
	return rc;
}
