/* metrics (ipctool-metrics(1)) in three parts: the sample (metricsample.c:
 * what `list --all-namespaces --processes` reads, summed per kind and
 * family of each namespace), its text in the Prometheus exposition format
 * (metricstext.c, and metricsobjects.c for the per-object series of
 * --objects), and the command, which writes the text to stdout or to a
 * textfile, once or every --interval (metrics.c). */
#ifndef IPCTOOL_METRICS_H
#define IPCTOOL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "inv/ipclimits.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "inv/users.h"
#include "lib/buf.h"
#include "cmd/listns.h"
#include "view/listcols.h"

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

/* One sample of every IPC namespace a process is in (ALL_NAMESPACES), of
 * NS_PID's (not 0), or of ipctool's own, summed; 0 or a reported status.
 * sample_free after either. */
int sample_take(struct sample *s, bool all_namespaces, pid_t ns_pid);
void sample_free(struct sample *s);

/* Seconds from T to NOW; 0 for a time never set or ahead of NOW. */
long long seconds_since(time_t now, time_t t);

/* S as the exposition text, appended to B: every series of the sums,
 * labelled with ipcns (and container) when LABELLED, and the per-object
 * series of the OBJECTS largest objects of each table when OBJECTS is not
 * 0.  0, or a reported status 1. */
int sample_format(struct buf *b, const struct sample *s, bool labelled, unsigned long long objects);

/* ---- the exposition format, for the writers of series ------------------ */

/* "# HELP NAME HELP" and "# TYPE NAME gauge". */
int metrics_header(struct buf *b, const char *name, const char *help);
/* NAME{ and the labels every series of table TABLE (an index in
 * kinds_info) of namespace N starts with: ipcns and container when
 * LABELLED, kind when KIND_LABEL, and family.  The caller adds its own
 * labels and the closing brace.  0, or -1 when memory ran out. */
int metrics_series(struct buf *b, const char *name, const struct ns_sample *n, bool labelled, bool kind_label,
		   int table);
/* The per-object series of --objects (metricsobjects.c), as above. */
int metrics_objects(struct buf *b, const struct sample *s, unsigned long long n, bool labelled);

#endif
