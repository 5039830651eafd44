/* The exposition text of a metrics sample (metrics.h): the Prometheus
 * text format's headers and labels, and the series of the sums of every
 * namespace, its waiters and its limits.  ipctool-metrics(1) lists them. */
#include <stdbool.h>
#include <unistd.h>

#include "cmd/metrics.h"
#include "lib/buf.h"
#include "lib/error.h"

static const char *const kind_labels[NKINDS] = {
	[IPC_KIND_QUEUE] = "queue", [IPC_KIND_SHM] = "shm", [IPC_KIND_SEM] = "sem",
};

/* The labels every series of namespace N starts with (--all-namespaces). */
static int append_ns_labels(struct buf *b, const struct ns_sample *n, bool labelled)
{
	if (!labelled)
		return 0;
	if (buf_printf(b, "ipcns=\"%llu\"", n->inode) != 0)
		return -1;
	/* container IDs are checked to be [A-Za-z0-9_.-] (ipcns.h) */
	return n->container[0] ? buf_printf(b, ",container=\"%s\"", n->container) : 0;
}

int metrics_series(struct buf *b, const char *name, const struct ns_sample *n, bool labelled, bool kind_label,
		   int table)
{
	if (buf_printf(b, "%s{", name) != 0 || append_ns_labels(b, n, labelled) != 0)
		return -1;
	if (kind_label && buf_printf(b, "%skind=\"%s\"", labelled ? "," : "", kind_labels[table % NKINDS]) != 0)
		return -1;
	return buf_printf(b, "%sfamily=\"%s\"", labelled || kind_label ? "," : "", table >= NKINDS ? "posix" : "sysv");
}

int metrics_header(struct buf *b, const char *name, const char *help)
{
	return buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* Values are whole numbers but for ratios and byte limits past 2^64. */
static int append_value(struct buf *b, double v, bool whole, unsigned long long u)
{
	return whole ? buf_printf(b, "} %llu\n", u) : buf_printf(b, "} %.17g\n", v);
}

/* ---- the series of every namespace -------------------------------------- */

enum stat_field {
	F_OBJECTS, F_QUEUE_BYTES, F_QUEUE_MESSAGES, F_FULL, F_SHM_BYTES, F_SEMAPHORES,
	F_ORPHANED, F_ORPHAN_AGE, F_IDLE,
};

struct stat_metric {
	const char *name, *help;
	enum stat_field field;
	unsigned kinds;               /* KIND_BIT()s it is about */
	bool kind_label;              /* one series per kind, or the kind is in the name */
};

static const struct stat_metric stat_metrics[] = {
	{ "ipc_objects", "IPC objects that exist, by kind and family.", F_OBJECTS, KINDS_ALL, true },
	{ "ipc_queue_messages", "Messages waiting in message queues.", F_QUEUE_MESSAGES,
	  KIND_BIT(IPC_KIND_QUEUE), false },
	{ "ipc_queue_bytes", "Bytes of the messages waiting in message queues.", F_QUEUE_BYTES,
	  KIND_BIT(IPC_KIND_QUEUE), false },
	{ "ipc_queues_full", "Message queues with no room left for a message of one byte.", F_FULL,
	  KIND_BIT(IPC_KIND_QUEUE), false },
	{ "ipc_shm_bytes", "Size of the shared memory segments or objects, in bytes.", F_SHM_BYTES,
	  KIND_BIT(IPC_KIND_SHM), false },
	{ "ipc_semaphores", "Semaphores: in all System V sets, or POSIX named semaphores.", F_SEMAPHORES,
	  KIND_BIT(IPC_KIND_SEM), false },
	{ "ipc_orphaned_objects", "Objects that no live process uses (ipctool list --orphaned).", F_ORPHANED,
	  KINDS_ALL, true },
	{ "ipc_orphaned_oldest_age_seconds",
	  "Seconds since the oldest orphaned object was created or last changed (ctime); 0 when none is.",
	  F_ORPHAN_AGE, KINDS_ALL, true },
	{ "ipc_idle_objects", "Objects not used or changed for more than a day (86400 seconds).", F_IDLE,
	  KINDS_ALL, true },
};

static unsigned long long stat_value(const struct table_stats *t, enum stat_field f)
{
	switch (f) {
	case F_OBJECTS: return t->objects;
	case F_QUEUE_BYTES: return t->bytes;
	case F_QUEUE_MESSAGES: return t->messages;
	case F_FULL: return t->full;
	case F_SHM_BYTES: return t->bytes;
	case F_SEMAPHORES: return t->semaphores;
	case F_ORPHANED: return t->orphaned;
	case F_ORPHAN_AGE: return (unsigned long long)t->oldest_orphan;
	case F_IDLE: return t->idle;
	}
	return 0;
}

static int append_stat_metric(struct buf *b, const struct sample *s, const struct stat_metric *m, bool labelled)
{
	int rc = metrics_header(b, m->name, m->help);

	for (size_t i = 0; i < s->nns && rc == 0; i++) {
		const struct ns_sample *n = &s->ns[i];
		for (int table = 0; table < NTABLES && rc == 0; table++) {
			int kind = table % NKINDS;
			if (!(m->kinds & KIND_BIT(kind)) || !(n->tables & (1u << table)))
				continue;
			rc = metrics_series(b, m->name, n, labelled, m->kind_label, table);
			if (rc == 0)
				rc = append_value(b, 0, true, stat_value(&n->t[table], m->field));
		}
	}
	return rc;
}

/* What ipc_waiting_processes has a series for: the tables whose objects
 * can be waited on, and how. */
enum wait_how { WAIT_RECEIVE, WAIT_SEND, WAIT_P, WAIT_ZERO };

static const struct {
	int table;
	enum wait_how how;
} wait_series[] = {
	{ IPC_KIND_QUEUE, WAIT_RECEIVE }, { IPC_KIND_QUEUE, WAIT_SEND },
	{ IPC_KIND_SEM, WAIT_P }, { IPC_KIND_SEM, WAIT_ZERO },
	{ NKINDS + IPC_KIND_QUEUE, WAIT_RECEIVE }, { NKINDS + IPC_KIND_QUEUE, WAIT_SEND },
	{ NKINDS + IPC_KIND_SEM, WAIT_P },
};

/* The words of use_how_text (users.h), so that list and metrics agree. */
static const char *const wait_how_labels[] = {
	[WAIT_RECEIVE] = "waiting-receive", [WAIT_SEND] = "waiting-send",
	[WAIT_P] = "waiting-P", [WAIT_ZERO] = "waiting-zero",
};

static unsigned long long wait_value(const struct waits *w, enum wait_how how)
{
	switch (how) {
	case WAIT_RECEIVE: return w->receive;
	case WAIT_SEND: return w->send;
	case WAIT_P: return w->p;
	case WAIT_ZERO: return w->zero;
	}
	return 0;
}

/* Processes blocked on queues and semaphores, by what they wait for. */
static int append_waiting(struct buf *b, const struct sample *s, bool labelled)
{
	static const char name[] = "ipc_waiting_processes";
	int rc = metrics_header(b, name, "Processes blocked waiting on an object: receiving from or sending to a "
				       "message queue, taking a semaphore (how=\"waiting-P\"), waiting for a System "
				       "V semaphore to be zero; System V sets by their semncnt and semzcnt.");

	for (size_t i = 0; i < s->nns && rc == 0; i++)
		for (size_t k = 0; k < sizeof(wait_series) / sizeof(wait_series[0]) && rc == 0; k++) {
			const struct ns_sample *n = &s->ns[i];
			int table = wait_series[k].table;
			if (!(n->tables & (1u << table)))
				continue;
			rc = metrics_series(b, name, n, labelled, true, table);
			if (rc == 0)
				rc = buf_printf(b, ",how=\"%s\"", wait_how_labels[wait_series[k].how]);
			if (rc == 0)
				rc = append_value(b, 0, true, wait_value(&n->t[table].waiting, wait_series[k].how));
		}
	return rc;
}

/* ---- the kernel's limits ------------------------------------------------ */

enum limit_field {
	L_MSGMNI, L_SHMMNI, L_SEMMNI, L_QUEUES_MAX, L_SEMMNS, L_SHMALL, L_SHMMAX, L_MSGMNB, L_MSGMAX,
	L_MSGSIZE_MAX, L_MSG_MAX,
};

struct limit_metric {
	const char *name, *help;
	enum limit_field field;
	int table;                    /* the kind and family it limits */
	bool kind_label;
};

/* Named so that a usage and its limit divide with the same labels:
 * ipc_objects / ipc_objects_limit, ipc_semaphores / ipc_semaphores_limit,
 * ipc_shm_bytes / ipc_shm_bytes_limit. */
static const struct limit_metric limit_metrics[] = {
	{ "ipc_objects_limit", "Most objects the kernel allows: kernel.msgmni, kernel.shmmni, semmni "
	  "(kernel.sem), fs.mqueue.queues_max.", L_MSGMNI, IPC_KIND_QUEUE, true },
	{ NULL, NULL, L_SHMMNI, IPC_KIND_SHM, true },
	{ NULL, NULL, L_SEMMNI, IPC_KIND_SEM, true },
	{ NULL, NULL, L_QUEUES_MAX, NKINDS + IPC_KIND_QUEUE, true },
	{ "ipc_semaphores_limit", "Most semaphores in all System V sets: semmns (kernel.sem).", L_SEMMNS,
	  IPC_KIND_SEM, false },
	{ "ipc_shm_bytes_limit", "Most bytes of all System V segments: kernel.shmall times the page size.",
	  L_SHMALL, IPC_KIND_SHM, false },
	{ "ipc_shm_segment_max_bytes", "Largest System V segment: kernel.shmmax.", L_SHMMAX, IPC_KIND_SHM,
	  false },
	{ "ipc_queue_default_capacity_bytes", "Capacity of a new System V queue: kernel.msgmnb.", L_MSGMNB,
	  IPC_KIND_QUEUE, false },
	{ "ipc_message_max_bytes", "Largest message: kernel.msgmax, fs.mqueue.msgsize_max.", L_MSGMAX,
	  IPC_KIND_QUEUE, false },
	{ NULL, NULL, L_MSGSIZE_MAX, NKINDS + IPC_KIND_QUEUE, false },
	{ "ipc_queue_max_messages", "Most messages a POSIX queue may be made to hold: fs.mqueue.msg_max.",
	  L_MSG_MAX, NKINDS + IPC_KIND_QUEUE, false },
};

/* The limit's value, false when it is not known. */
static bool limit_value(const struct ns_sample *n, enum limit_field f, double *v, unsigned long long *u,
			bool *whole)
{
	const struct ipc_limits *l = &n->limits;
	bool posix = f == L_QUEUES_MAX || f == L_MSGSIZE_MAX || f == L_MSG_MAX;

	*whole = true;
	if (!n->has_limits || (posix && !l->has_mqueue))
		return false;
	switch (f) {
	case L_MSGMNI: *u = l->msgmni; return true;
	case L_SHMMNI: *u = l->shmmni; return true;
	case L_SEMMNI: *u = l->semmni; return true;
	case L_QUEUES_MAX: *u = l->queues_max; return true;
	case L_SEMMNS: *u = l->semmns; return true;
	case L_SHMMAX: *u = l->shmmax; return true;
	case L_MSGMNB: *u = l->msgmnb; return true;
	case L_MSGMAX: *u = l->msgmax; return true;
	case L_MSGSIZE_MAX: *u = l->msgsize_max; return true;
	case L_MSG_MAX: *u = l->msg_max; return true;
	case L_SHMALL: {
		/* Pages, in base units: bytes.  Its default is near 2^64 pages,
		 * past what 64 bits hold once in bytes. */
		unsigned long long page = (unsigned long long)sysconf(_SC_PAGESIZE);
		*whole = l->shmall <= ~0ULL / page;
		*u = l->shmall * page;
		*v = (double)l->shmall * (double)page;
		return true;
	}
	}
	return false;
}

static int append_limits(struct buf *b, const struct sample *s, bool labelled)
{
	const size_t nmetrics = sizeof(limit_metrics) / sizeof(limit_metrics[0]);
	const char *name = NULL;
	int rc = 0;

	for (size_t m = 0; m < nmetrics && rc == 0; m++) {
		const struct limit_metric *lm = &limit_metrics[m];
		if (lm->name) {
			name = lm->name;
			rc = metrics_header(b, name, lm->help);
		}
		for (size_t i = 0; i < s->nns && rc == 0; i++) {
			const struct ns_sample *n = &s->ns[i];
			bool whole;
			double v = 0;
			unsigned long long u = 0;
			if (!limit_value(n, lm->field, &v, &u, &whole))
				continue;
			rc = metrics_series(b, name, n, labelled, lm->kind_label, lm->table);
			if (rc == 0)
				rc = append_value(b, v, whole, u);
		}
	}
	return rc;
}

/* ---- the whole text ----------------------------------------------------- */

static int append_namespaces(struct buf *b, const struct sample *s)
{
	int rc = metrics_header(b, "ipc_namespace_processes", "Processes in each IPC namespace (--all-namespaces).");

	for (size_t i = 0; i < s->nns && rc == 0; i++) {
		rc = buf_append_str(b, "ipc_namespace_processes{");
		if (rc == 0)
			rc = append_ns_labels(b, &s->ns[i], true);
		if (rc == 0)
			rc = buf_printf(b, "} %zu\n", s->ns[i].processes);
	}
	return rc;
}

int sample_format(struct buf *b, const struct sample *s, bool labelled, unsigned long long objects)
{
	int rc = 0;

	for (size_t m = 0; m < sizeof(stat_metrics) / sizeof(stat_metrics[0]) && rc == 0; m++)
		rc = append_stat_metric(b, s, &stat_metrics[m], labelled);
	if (rc == 0)
		rc = append_waiting(b, s, labelled);
	if (rc == 0)
		rc = append_limits(b, s, labelled);
	if (rc == 0)
		rc = metrics_header(b, "ipc_unreadable_processes",
				   "Processes whose maps or descriptors could not be read (another user's, without "
				   "root): while above 0, no POSIX object is counted as orphaned.");
	if (rc == 0)
		rc = buf_printf(b, "ipc_unreadable_processes %zu\n", s->users.unreadable);
	if (rc == 0 && labelled)
		rc = append_namespaces(b, s);
	if (rc == 0 && objects)
		rc = metrics_objects(b, s, objects, labelled);
	return rc == 0 ? 0 : rc == -1 ? fail("out of memory") : rc;
}
