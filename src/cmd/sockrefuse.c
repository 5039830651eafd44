/* Rate-limited reports of refused peers: see sockrefuse.h. */
#include "cmd/sockrefuse.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/wait.h"

enum { REPORT_EVERY_MS = 1000, MOST_UIDS = 64 };

static long long ms_between(struct timespec from, struct timespec to)
{
	return (long long)(to.tv_sec - from.tv_sec) * 1000 + (to.tv_nsec - from.tv_nsec) / 1000000;
}

void sockrefuse_init(struct sockrefuse *r, const char *where, const char *what, const char *why)
{
	memset(r, 0, sizeof(*r));
	r->where = where;
	r->what = what;
	r->why = why;
}

static void report(const struct sockrefuse *r, struct refused_uid *e, struct timespec now)
{
	if (e->count == 1)
		warn("refused a %s from pid %ld, uid %lu on %s: %s", r->what, (long)e->last_pid,
		     (unsigned long)e->uid, r->where, r->why);
	else if (e->count > 1)
		warn("refused %llu %s%s from uid %lu on %s since the last report, the last from pid %ld: %s",
		     e->count, r->whats ? r->whats : r->what, r->whats ? "" : "s", (unsigned long)e->uid, r->where,
		     (long)e->last_pid, r->why);
	e->count = 0;
	e->reported = now;
}

/* The uid's entry; a full table is reported and emptied first (64 uids
 * refused within a second take root to make, and cost one line each). */
static struct refused_uid *entry_of(struct sockrefuse *r, uid_t uid, struct timespec now)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].uid == uid)
			return &r->v[i];
	if (r->n == MOST_UIDS) {
		for (size_t i = 0; i < r->n; i++)
			report(r, &r->v[i], now);
		r->n = 0;
	}
	struct refused_uid *grown = array_grow(r->v, &r->cap, r->n, sizeof(*r->v), 8);
	if (!grown)
		return NULL;
	r->v = grown;
	struct refused_uid *e = &r->v[r->n++];
	*e = (struct refused_uid){ .uid = uid };
	/* Never reported: the first refusal goes out at once. */
	e->reported.tv_sec = now.tv_sec - 2;
	e->reported.tv_nsec = now.tv_nsec;
	return e;
}

void sockrefuse_note(struct sockrefuse *r, pid_t pid, uid_t uid)
{
	struct timespec now = monotonic_now();
	struct refused_uid *e = entry_of(r, uid, now);

	if (!e) {
		/* No memory to count it: say it plainly rather than not at all. */
		struct refused_uid one = { .uid = uid, .last_pid = pid, .count = 1 };
		report(r, &one, now);
		return;
	}
	e->count++;
	e->last_pid = pid;
	if (ms_between(e->reported, now) >= REPORT_EVERY_MS)
		report(r, e, now);
}

int sockrefuse_flush_due(struct sockrefuse *r)
{
	struct timespec now = monotonic_now();
	long long next = -1;

	for (size_t i = 0; i < r->n; i++) {
		struct refused_uid *e = &r->v[i];
		if (e->count == 0)
			continue;
		long long left = REPORT_EVERY_MS - ms_between(e->reported, now);
		if (left <= 0)
			report(r, e, now);
		else if (next < 0 || left < next)
			next = left;
	}
	return (int)next;
}

void sockrefuse_done(struct sockrefuse *r)
{
	struct timespec now = monotonic_now();

	for (size_t i = 0; i < r->n; i++)
		report(r, &r->v[i], now);
	free(r->v);
	memset(r, 0, sizeof(*r));
}
