/* metrics: the IPC state of this host (or of every IPC namespace on it)
 * in the Prometheus text exposition format, for node_exporter's textfile
 * collector or any scraper.  ipctool-metrics(1) lists every series.
 *
 * One sample is what `list --all-namespaces --processes` reads (the
 * objects of each namespace, the semaphore sets' last pids, one /proc
 * scan for the users and the processes blocked on objects) plus each
 * namespace's limits and its sets' waiter counts, summed per kind and
 * family instead of printed per object. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/io.h"
#include "inv/ipclimits.h"
#include "inv/ipcns.h"
#include "inv/listcols.h"
#include "cmd/listns.h"
#include "cmd/listusers.h"
#include "lib/nsenter.h"
#include "inv/objusers.h"
#include "lib/parse.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "inv/users.h"
#include "lib/wait.h"

enum { OPT_ALL_NAMESPACES = 1, OPT_NS, OPT_OBJECTS, OPT_TEXTFILE, OPT_INTERVAL };

/* The file the textfile collector reads (it takes DIR/ *.prom). */
#define TEXTFILE_NAME "ipctool.prom"
/* Its temporary name while written: not *.prom, so never read half-done. */
#define TEXTFILE_TEMP ".ipctool.prom."
/* The most --objects may ask for, per kind and family. */
#define OBJECTS_MAX 10000
/* "Idle longer than a day". */
#define IDLE_SECONDS 86400

struct metrics_options {
	bool all_namespaces;
	pid_t ns_pid;
	unsigned long long objects;   /* --objects N; 0: no per-object series */
	char *textfile;               /* --textfile DIR, or NULL: stdout */
	bool has_interval;
	struct timespec interval;
};

static struct poptOption metrics_table[] = {
	{ "all-namespaces", '\0', POPT_ARG_NONE, NULL, OPT_ALL_NAMESPACES,
	  "every IPC namespace a process is in, each series labelled ipcns (and container)", NULL },
	{ "ns", '\0', POPT_ARG_STRING, NULL, OPT_NS,
	  "in the IPC and mount namespaces of process PID (as nsenter --ipc --mount)", "PID" },
	{ "objects", '\0', POPT_ARG_STRING, NULL, OPT_OBJECTS,
	  "also per-object series for the N largest objects of each kind and family", "N" },
	{ "textfile", '\0', POPT_ARG_STRING, NULL, OPT_TEXTFILE,
	  "write DIR/" TEXTFILE_NAME " atomically (for node_exporter's textfile collector)", "DIR" },
	{ "interval", '\0', POPT_ARG_STRING, NULL, OPT_INTERVAL,
	  "with --textfile: write it again every SECS until a termination signal", "SECS" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int metrics_option(int val, const char *arg, void *data)
{
	struct metrics_options *o = data;
	const char *why;

	switch (val) {
	case OPT_ALL_NAMESPACES: o->all_namespaces = true; return 0;
	case OPT_NS: return ns_parse_pid("--ns", arg, &o->ns_pid);
	case OPT_OBJECTS:
		if ((why = parse_unsigned(arg, 1, OBJECTS_MAX, &o->objects)))
			return cli_bad_value("--objects", arg, why);
		return 0;
	case OPT_TEXTFILE:
		free(o->textfile);
		if (!(o->textfile = strdup(arg)))
			return fail("out of memory");
		return 0;
	case OPT_INTERVAL:
		if ((why = parse_duration(arg, &o->interval)))
			return cli_bad_value("--interval", arg, why);
		if (o->interval.tv_sec == 0 && o->interval.tv_nsec == 0)
			return cli_bad_value("--interval", arg, "it must be above 0");
		o->has_interval = true;
		return 0;
	}
	return CLI_UNHANDLED;
}

static int metrics_check(const struct metrics_options *o)
{
	if (o->all_namespaces && o->ns_pid)
		return usage_error("--ns and --all-namespaces contradict each other: choose one");
	if (o->has_interval && !o->textfile)
		return usage_error("--interval rewrites a --textfile: it needs one (stdout gets one sample)");
	if (o->textfile && !*o->textfile)
		return usage_error("--textfile needs a directory");
	return 0;
}

/* ---- one sample --------------------------------------------------------- */

/* Processes blocked on one object, by what they wait for (users.h). */
struct waits {
	unsigned long long p, zero, receive, send;
};

/* What one kind and family of one namespace sums to. */
struct table_stats {
	unsigned long long objects, bytes, messages, semaphores, full;
	unsigned long long orphaned, idle;
	struct waits waiting;
	long long oldest_orphan;      /* seconds since its ctime */
};

struct ns_sample {
	unsigned long long inode;
	size_t processes;
	char container[132];          /* "" when its cgroup names none */
	bool has_limits;
	struct ipc_limits limits;
	unsigned tables;              /* the tables loaded (no mqueue mount: no POSIX queues) */
	size_t sysv_first, sysv_n, posix_first, posix_n;
	struct table_stats t[NTABLES];
};

struct sample {
	struct ns_sample *ns;
	size_t nns, ns_cap;
	struct sysv_list sysv;
	struct posix_list posix;
	/* One per object: a set's P and zero are semncnt and semzcnt, read in
	 * its namespace (semctl answers for that one); the rest the users
	 * scan's waiters. */
	struct waits *waits, *posix_waits;
	size_t waits_cap;
	bool *orphaned_sysv, *orphaned_posix;
	struct users users;
	struct attribution attribution;   /* --all-namespaces: whose /dev/shm is whose */
	time_t now;
};

static void sample_free(struct sample *s)
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

/* semctl GETNCNT and GETZCNT of every semaphore of the sets from FIRST on:
 * how many processes wait for it to grow, or to be zero (semop(2)). */
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
		w[i] = (struct waits){ 0 };
		for (unsigned long long k = 0; o->kind == IPC_KIND_SEM && k < o->nsems; k++) {
			int n = semctl(o->id, (int)k, GETNCNT), z = semctl(o->id, (int)k, GETZCNT);
			if (n < 0 || z < 0)
				break;   /* gone, or not readable by this user */
			w[i].p += (unsigned)n;
			w[i].zero += (unsigned)z;
		}
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

static int sample_namespaces(const struct metrics_options *o, struct sample *s)
{
	struct ipcns_list nss;
	int rc;

	if (o->all_namespaces) {
		if ((rc = ipcns_scan(&nss)) != 0)
			return rc;
		attribution_init(&s->attribution);
		rc = ipcns_visit(&nss, sample_here, s);
		ipcns_free(&nss);
		return rc;
	}
	if (o->ns_pid && (rc = ns_enter(o->ns_pid, 0)))
		return rc;
	rc = sample_here(NULL, s);
	int back = o->ns_pid ? ns_leave() : 0;
	return rc ? rc : back;
}

static long long seconds_since(time_t now, time_t t)
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

static void count_orphan(struct table_stats *t, long long age)
{
	t->orphaned++;
	if (age > t->oldest_orphan)
		t->oldest_orphan = age;
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
		if (seconds_since(s->now, sysv_idle_since(o)) > IDLE_SECONDS)
			t->idle++;
		if (obj_users_sysv(&s->users, o, (ino_t)o->ipcns, &w) != 0)
			return fail("out of memory");
		/* A set's waiters are the kernel's counts, which see every
		 * process, also those whose call the scan could not read. */
		if (o->kind == IPC_KIND_QUEUE)
			count_waiters(&w, &s->waits[i]);
		add_waits(&t->waiting, &s->waits[i]);
		/* Waiters use a queue or set, whatever its recorded pids say. */
		s->orphaned_sysv[i] = sysv_orphaned(&s->users, o, &w);
		if (s->orphaned_sysv[i])
			count_orphan(t, seconds_since(s->now, o->ctime));
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
		if (seconds_since(s->now, o->mtime) > IDLE_SECONDS)
			t->idle++;
		if (obj_users_posix(&s->users, o, &w) != 0)
			return fail("out of memory");
		count_waiters(&w, &s->posix_waits[i]);
		add_waits(&t->waiting, &s->posix_waits[i]);
		s->orphaned_posix[i] = posix_orphaned(&s->users, o, &w);
		if (s->orphaned_posix[i])
			count_orphan(t, seconds_since(s->now, o->ctime));
	}
	return 0;
}

static int take_sample(const struct metrics_options *o, struct sample *s)
{
	int rc = sample_namespaces(o, s);

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

/* ---- the exposition text ------------------------------------------------ */

static const char *const kind_labels[NKINDS] = {
	[IPC_KIND_QUEUE] = "queue", [IPC_KIND_SHM] = "shm", [IPC_KIND_SEM] = "sem",
};

static const char *family_label(int table)
{
	return table >= NKINDS ? "posix" : "sysv";
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

/* The labels every series of namespace N starts with (--all-namespaces). */
static int append_ns_labels(struct buf *b, const struct ns_sample *n, bool labelled, bool *first)
{
	if (!labelled)
		return 0;
	*first = false;
	if (buf_printf(b, "ipcns=\"%llu\"", n->inode) != 0)
		return -1;
	/* container IDs are checked to be [A-Za-z0-9_.-] (ipcns.h) */
	return n->container[0] ? buf_printf(b, ",container=\"%s\"", n->container) : 0;
}

static int append_sep(struct buf *b, bool *first)
{
	bool was = *first;

	*first = false;
	return was ? 0 : buf_append(b, ",", 1);
}

static int append_header(struct buf *b, const char *name, const char *help)
{
	return buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* Values are whole numbers but for ratios and byte limits past 2^64. */
static int append_value(struct buf *b, double v, bool whole, unsigned long long u)
{
	return whole ? buf_printf(b, " %llu\n", u) : buf_printf(b, " %.17g\n", v);
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
	int rc = append_header(b, m->name, m->help);

	for (size_t i = 0; i < s->nns && rc == 0; i++) {
		const struct ns_sample *n = &s->ns[i];
		for (int table = 0; table < NTABLES && rc == 0; table++) {
			int kind = table % NKINDS;
			bool first = true;
			if (!(m->kinds & KIND_BIT(kind)) || !(n->tables & (1u << table)))
				continue;
			rc = buf_printf(b, "%s{", m->name);
			if (rc == 0)
				rc = append_ns_labels(b, n, labelled, &first);
			if (rc == 0 && m->kind_label && (rc = append_sep(b, &first)) == 0)
				rc = buf_printf(b, "kind=\"%s\"", kind_labels[kind]);
			if (rc == 0 && (rc = append_sep(b, &first)) == 0)
				rc = buf_printf(b, "family=\"%s\"}", family_label(table));
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
	int rc = append_header(b, name, "Processes blocked waiting on an object: receiving from or sending to a "
				       "message queue, taking a semaphore (how=\"waiting-P\"), waiting for a System "
				       "V semaphore to be zero; System V sets by their semncnt and semzcnt.");

	for (size_t i = 0; i < s->nns && rc == 0; i++)
		for (size_t k = 0; k < sizeof(wait_series) / sizeof(wait_series[0]) && rc == 0; k++) {
			const struct ns_sample *n = &s->ns[i];
			int table = wait_series[k].table;
			bool first = true;
			if (!(n->tables & (1u << table)))
				continue;
			rc = buf_printf(b, "%s{", name);
			if (rc == 0)
				rc = append_ns_labels(b, n, labelled, &first);
			if (rc == 0 && (rc = append_sep(b, &first)) == 0)
				rc = buf_printf(b, "kind=\"%s\",family=\"%s\",how=\"%s\"}", kind_labels[table % NKINDS],
						family_label(table), wait_how_labels[wait_series[k].how]);
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
			rc = append_header(b, name, lm->help);
		}
		for (size_t i = 0; i < s->nns && rc == 0; i++) {
			const struct ns_sample *n = &s->ns[i];
			bool first = true, whole;
			double v = 0;
			unsigned long long u = 0;
			if (!limit_value(n, lm->field, &v, &u, &whole))
				continue;
			rc = buf_printf(b, "%s{", name);
			if (rc == 0)
				rc = append_ns_labels(b, n, labelled, &first);
			if (rc == 0 && lm->kind_label && (rc = append_sep(b, &first)) == 0)
				rc = buf_printf(b, "kind=\"%s\"", kind_labels[lm->table % NKINDS]);
			if (rc == 0 && (rc = append_sep(b, &first)) == 0)
				rc = buf_printf(b, "family=\"%s\"}", family_label(lm->table));
			if (rc == 0)
				rc = append_value(b, v, whole, u);
		}
	}
	return rc;
}

/* ---- per-object series (--objects N) ------------------------------------ */

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

static int append_object_labels(struct buf *b, const struct pick *p, bool labelled)
{
	bool first = true;
	int rc = append_ns_labels(b, p->ns, labelled, &first);

	if (rc == 0 && (rc = append_sep(b, &first)) == 0)
		rc = buf_printf(b, "kind=\"%s\",family=\"%s\",", kind_labels[p->table % NKINDS], family_label(p->table));
	if (rc == 0 && p->sysv)
		return buf_printf(b, "key=\"0x%08x\",id=\"%d\"", (unsigned)p->sysv->key, p->sysv->id);
	if (rc == 0 && (rc = buf_append_str(b, "name=\"")) == 0 && (rc = append_label_value(b, p->posix->name)) == 0)
		rc = buf_append_str(b, "\"");
	return rc;
}

static int append_objects(struct buf *b, const struct sample *s, unsigned long long n, bool labelled)
{
	struct pick *picks = NULL;
	size_t npicks = 0;
	int rc = choose_objects(s, n, &picks, &npicks);

	for (size_t m = 0; rc == 0 && m < sizeof(object_metrics) / sizeof(object_metrics[0]); m++) {
		const struct object_metric *om = &object_metrics[m];
		if ((rc = append_header(b, om->name, om->help)) != 0)
			break;
		for (size_t i = 0; i < npicks && rc == 0; i++) {
			double v;
			if (!object_value(s, &picks[i], om->field, &v))
				continue;
			rc = buf_printf(b, "%s{", om->name);
			if (rc == 0)
				rc = append_object_labels(b, &picks[i], labelled);
			if (rc == 0)
				rc = om->field == O_FULLNESS ? buf_printf(b, "} %.6g\n", v)
							     : buf_printf(b, "} %.0f\n", v);
		}
	}
	free(picks);
	return rc;
}

/* ---- the whole text ----------------------------------------------------- */

static int append_namespaces(struct buf *b, const struct sample *s)
{
	int rc = append_header(b, "ipc_namespace_processes", "Processes in each IPC namespace (--all-namespaces).");

	for (size_t i = 0; i < s->nns && rc == 0; i++) {
		bool first = true;
		rc = buf_append_str(b, "ipc_namespace_processes{");
		if (rc == 0)
			rc = append_ns_labels(b, &s->ns[i], true, &first);
		if (rc == 0)
			rc = buf_printf(b, "} %zu\n", s->ns[i].processes);
	}
	return rc;
}

static int format_sample(struct buf *b, const struct metrics_options *o, const struct sample *s)
{
	bool labelled = o->all_namespaces;
	int rc = 0;

	for (size_t m = 0; m < sizeof(stat_metrics) / sizeof(stat_metrics[0]) && rc == 0; m++)
		rc = append_stat_metric(b, s, &stat_metrics[m], labelled);
	if (rc == 0)
		rc = append_waiting(b, s, labelled);
	if (rc == 0)
		rc = append_limits(b, s, labelled);
	if (rc == 0)
		rc = append_header(b, "ipc_unreadable_processes",
				   "Processes whose maps or descriptors could not be read (another user's, without "
				   "root): while above 0, no POSIX object is counted as orphaned.");
	if (rc == 0)
		rc = buf_printf(b, "ipc_unreadable_processes %zu\n", s->users.unreadable);
	if (rc == 0 && labelled)
		rc = append_namespaces(b, s);
	if (rc == 0 && o->objects)
		rc = append_objects(b, s, o->objects, labelled);
	return rc == 0 ? 0 : rc == -1 ? fail("out of memory") : rc;
}

/* ---- where it goes ------------------------------------------------------ */

/* Write B as DIR/ipctool.prom, whole or not at all: a temporary file in
 * DIR (created 0600, never over anything), written, made 0644 (the
 * collector runs as another user; the counts and names are those any user
 * reads in /proc/sysvipc and /dev/shm), flushed to disk, then renamed over
 * the old one, which a reader has either whole or not yet.  DIRFD is DIR,
 * opened before any namespace was entered. */
static int write_textfile(int dirfd, const char *dir, const struct buf *b)
{
	static unsigned serial;
	char temp[64];
	int fd = -1;

	for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
		snprintf(temp, sizeof(temp), TEXTFILE_TEMP "%d.%u", (int)getpid(), serial++);
		fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		return fail_errno("cannot create a temporary file in %s", quote_input(dir));
	const char *what = "write";
	int ok = write_through(fd, b->data, b->len) == 0 && (what = "chmod", fchmod(fd, 0644) == 0) &&
		 (what = "fsync", fsync(fd) == 0);
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = 0;
		what = "close";
		saved = errno;
	}
	if (ok && renameat(dirfd, temp, dirfd, TEXTFILE_NAME) != 0) {
		ok = 0;
		what = "rename";
		saved = errno;
	}
	if (!ok) {
		unlinkat(dirfd, temp, 0);
		errno = saved;
		return fail_errno("cannot %s %s/%s", what, quote_input(dir), strcmp(what, "rename") ? temp : TEXTFILE_NAME);
	}
	/* The rename itself reaches the disk with the directory. */
	if (fsync(dirfd) != 0 && errno != EINVAL && errno != EROFS)
		return fail_errno("cannot fsync %s", quote_input(dir));
	return 0;
}

static int write_sample(const struct metrics_options *o, int dirfd, const struct buf *b)
{
	if (o->textfile)
		return write_textfile(dirfd, o->textfile, b);
	if (fwrite(b->data, 1, b->len, stdout) != b->len)
		return fail_errno("cannot write to standard output");
	return 0;
}

/* The termination signals wait while a sample is taken and written: one
 * arriving midway would interrupt a read of /proc (and fail the sample)
 * or leave the temporary file; held until the sample is out, it ends the
 * loop between two samples. */
static void hold_termination(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(how, &set, NULL);
}

static int one_sample(const struct metrics_options *o, int dirfd, struct buf *b)
{
	struct sample s = { 0 };

	if (o->textfile)
		hold_termination(SIG_BLOCK);
	int rc = take_sample(o, &s);
	b->len = 0;
	if (rc == 0)
		rc = format_sample(b, o, &s);
	sample_free(&s);
	if (rc == 0)
		rc = write_sample(o, dirfd, b);
	if (o->textfile)
		hold_termination(SIG_UNBLOCK);
	return rc;
}

static struct timespec add_interval(struct timespec t, struct timespec d)
{
	t.tv_sec += d.tv_sec;
	t.tv_nsec += d.tv_nsec;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Sleep until DUE (CLOCK_MONOTONIC); false when a termination signal
 * came first. */
static bool sleep_until(const struct timespec *due)
{
	while (!termination_pending()) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, due, NULL);
		if (rc == 0)
			return !termination_pending();
		if (rc != EINTR)
			return false;
	}
	return false;
}

/* Every --interval until a termination signal, which ends it with status
 * 0 between two samples (one_sample holds it until its file is out). */
static int sample_loop(const struct metrics_options *o, int dirfd, struct buf *b)
{
	struct timespec due = monotonic_now();
	int rc = 0;

	while (rc == 0 && !termination_pending()) {
		rc = one_sample(o, dirfd, b);
		due = add_interval(due, o->interval);
		struct timespec now = monotonic_now();
		/* A sample slower than the interval: the next starts at once. */
		if (due.tv_sec < now.tv_sec || (due.tv_sec == now.tv_sec && due.tv_nsec < now.tv_nsec))
			due = now;
		if (rc == 0 && !sleep_until(&due))
			break;
	}
	return rc;
}

static int metrics_run(void *opts, const struct cli *cli)
{
	struct metrics_options *o = opts;
	struct buf b = { 0 };
	int dirfd = -1, rc;

	if ((rc = cli_extra_args(cli, 0)) || (rc = metrics_check(o)))
		return rc;
	if (o->textfile) {
		/* Opened here, in ipctool's own mount namespace: --ns and
		 * --all-namespaces move it, and DIR is a path of the host. */
		dirfd = open(o->textfile, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return fail_errno("cannot open the directory %s", quote_input(o->textfile));
		/* Caught, so that one_sample can hold it back. */
		termination_catch();
	}
	rc = o->has_interval ? sample_loop(o, dirfd, &b) : one_sample(o, dirfd, &b);
	buf_free(&b);
	if (dirfd >= 0)
		close(dirfd);
	if (rc == 0 && !o->has_interval)
		termination_honour();
	return rc;
}

static void metrics_done(void *opts)
{
	struct metrics_options *o = opts;

	free(o->textfile);
}

const struct command command_metrics = {
	.name = "metrics",
	.complete = COMPLETE_NOTHING,
	.summary = "the IPC state in Prometheus' text format, for node_exporter",
	.synopsis = "[--all-namespaces | --ns PID] [--objects N] [--textfile DIR [--interval SECS]]",
	.table = metrics_table,
	.size = sizeof(struct metrics_options),
	.option = metrics_option,
	.run = metrics_run,
	.done = metrics_done,
};
