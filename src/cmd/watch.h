/* watch's samples, shared by its JSON Lines writer (watch.c) and its
 * full-screen view (watchview.c); the sampler is watchsample.c.
 *
 * A sample is what `list` loads (sysvobj, posixobj: /proc/sysvipc read
 * once per kind, the POSIX mounts walked once), kept for one interval so
 * the next sample can say what changed.  Two samples live at a time and
 * swap; their arrays are reused, so a steady state allocates nothing.
 * Objects are matched between samples through a hash of (kind, id) or
 * (kind, name): O(n) per sample, whatever the order /proc lists them in. */
#ifndef IPCTOOL_WATCH_H
#define IPCTOOL_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "view/listcols.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "lib/target.h"

enum watch_state { WATCH_NEW, WATCH_SAME, WATCH_GONE };

/* One object of a sample. */
struct watch_obj {
	int table;                   /* its index in kinds_info */
	struct row row;              /* into the sample's lists */
	long prev;                   /* the same object in the previous sample, or -1 */
	/* System V semaphore sets */
	bool has_values;             /* GETALL was allowed */
	size_t values_at;            /* its nsems values in the sample's pool */
	bool has_waiters;
	long long ncnt, zcnt;        /* waiting for an increase, for zero: every semaphore's */
	/* queues: the processes blocked receiving from or sending to it */
	size_t waiting_at, nwaiting; /* in the sample's pool */
	/* System V queues: the capacity, from IPC_STAT (read permission) */
	bool has_qbytes;
	unsigned long long qbytes;
};

struct watch_sample {
	struct timespec time;        /* CLOCK_REALTIME, when it was taken */
	struct sysv_list sysv;
	struct posix_list posix;
	struct watch_obj *objs;      /* the chosen objects, by table, then as listed */
	size_t n, cap;
	unsigned short *values;      /* semaphore values (SEMVMX fits) */
	size_t nvalues, values_cap;
	pid_t *waiting;              /* queues' waiters */
	size_t nwaiting, waiting_cap;
	long *slots;                 /* the hash: index in objs, or -1 */
	size_t nslots;
	bool *matched;               /* per object: the next sample found it */
	size_t matched_cap;
};

/* The objects to watch: the tables (a table mask, listcols.h), and the
 * TARGETs that limit them (none: every object). */
struct watch_filter {
	unsigned tables;
	const struct target *targets;
	size_t ntargets;
};

struct watcher {
	struct watch_filter filter;
	struct watch_sample samples[2];
	int current;                 /* samples[current] is the latest */
	unsigned long long taken;    /* samples so far */
};

void watcher_init(struct watcher *w, const struct watch_filter *f);
void watcher_free(struct watcher *w);
/* Take a sample: the latest becomes the previous one.  0, or a reported
 * status. */
int watcher_sample(struct watcher *w);
/* The TARGET (index I) that names no object in the latest sample, or -1. */
long watcher_unmatched_target(const struct watcher *w);
/* "no IPC object with key 0x...", for a TARGET that names nothing. */
int watcher_report_unmatched(const struct watcher *w, long i);

static inline const struct watch_sample *watcher_latest(const struct watcher *w)
{
	return &w->samples[w->current];
}

static inline const struct watch_sample *watcher_previous(const struct watcher *w)
{
	return w->taken > 1 ? &w->samples[!w->current] : NULL;
}

/* The previous sample's objects the latest did not find (gone), in
 * order: call with *AT 0 first; NULL after the last. */
const struct watch_obj *watcher_next_gone(const struct watcher *w, size_t *at);

enum watch_state watch_obj_state(const struct watcher *w, const struct watch_obj *o);

/* What watch adds to list's columns: changes since the previous sample
 * and times since the last send or receive, per kind. */
enum watch_field {
	WF_USEDBYTES_DELTA, WF_MSGS_DELTA, WF_SEND_AGE, WF_RECV_AGE, WF_MTIME_AGE,
	WF_NATTCH_DELTA, WF_SIZE_DELTA, WF_SVAL_DELTA,
	WF_VALUES, WF_VALUES_DELTA, WF_NCNT, WF_NCNT_DELTA, WF_ZCNT, WF_ZCNT_DELTA,
	WF_WAITING, WF_QBYTES, WF_USE_PERCENT,
	WF_COUNT
};

struct watch_field_info {
	const char *json;            /* its member in JSON */
	const char *heading;         /* its column in the view */
	bool is_list;                /* one value per semaphore */
};

extern const struct watch_field_info watch_fields[WF_COUNT];

/* The fields table TABLE has, in their order; how many. */
size_t watch_table_fields(int table, const enum watch_field **fields);

/* Whether field F of O differs from the previous sample's: for the
 * fields that are a state (values, waiters, fullness), not a change or
 * an age, which differ every sample by nature.  False for a new or gone
 * object. */
bool watch_field_changed(const struct watcher *w, const struct watch_obj *o, enum watch_field f);

/* A scalar field's value for O of the latest sample; false when it has
 * none (a new or gone object's change, a time never set, a value this
 * user may not read). */
bool watch_field_value(const struct watcher *w, const struct watch_obj *o, enum watch_field f,
		       long long *v);
/* A list field (WF_VALUES, WF_VALUES_DELTA): semaphore I's value or
 * change; false as above.  N is the set's size.  For a queue the list
 * is WF_WAITING, the pids of its waiters. */
size_t watch_list_size(const struct watch_obj *o);
bool watch_list_value(const struct watcher *w, const struct watch_obj *o, enum watch_field f, size_t i,
		      long long *v);

/* The view's full screen (watchview.c): runs until a quit key, a
 * termination signal, COUNT samples (0: no end), an error or the terminal
 * going away (then *GONE is set, and the status is 1 even after the
 * SIGHUP of the hang-up).  Returns the exit status, the terminal restored
 * where it is still there. */
int watch_view(struct watcher *w, struct timespec interval, unsigned long long count, bool *gone);

#endif
