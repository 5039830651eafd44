/* Who uses one object, whether it is orphaned, and the selection by age
 * and orphanhood that list and rm share (SPEC §14), from the index of
 * users.h.
 *
 * A System V segment's users are the processes that have it attached; a
 * queue's the live processes among its LSPID and LRPID; a semaphore set's
 * the live processes among each semaphore's last pid (semctl GETPID, which
 * needs read permission); a POSIX object's those that map it or hold it
 * open. */
#ifndef IPCTOOL_OBJUSERS_H
#define IPCTOOL_OBJUSERS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "posixobj.h"
#include "sysvobj.h"
#include "users.h"

struct obj_user {
	pid_t pid;
	unsigned how;             /* enum use_how bits */
};

/* The users of one object, by pid, one per process. */
struct obj_users {
	struct obj_user *v;
	size_t n, cap;
	size_t recorded;          /* queues, sets: the nonzero pids the kernel records */
	bool unknown;             /* a set's pids could not be read */
};

/* Fill W (its storage reused from call to call) with the users of O in
 * IPC namespace IPCNS (0: the current one).  0, or -1 when memory ran out. */
int obj_users_sysv(struct users *u, const struct sysv_obj *o, ino_t ipcns, struct obj_users *w);
int obj_users_posix(struct users *u, const struct posix_obj *o, struct obj_users *w);
void obj_users_free(struct obj_users *w);

/* SPEC §14: a segment with no attachment whose creator and last-attach
 * pids are dead; a queue or set that records at least one pid and all of
 * them dead; a POSIX object nobody maps or holds open, when every process
 * could be read (otherwise it is never called orphaned). */
bool sysv_orphaned(struct users *u, const struct sysv_obj *o, const struct obj_users *w);
bool posix_orphaned(const struct users *u, const struct posix_obj *o, const struct obj_users *w);

/* --orphaned and --older-than. */
struct age_filter {
	bool orphaned;
	bool has_older;
	long long older_than;     /* seconds */
	time_t now;
};

/* Does the filter need the users index at all? */
bool age_filter_needs_users(const struct age_filter *f);
/* Does O pass F?  *ERR becomes -1 when memory ran out. */
bool sysv_passes(struct users *u, const struct sysv_obj *o, const struct age_filter *f, int *err);
bool posix_passes(struct users *u, const struct posix_obj *o, const struct age_filter *f, int *err);
/* Keep in LIST and POSIX only the objects that pass F; 0 or a reported
 * status. */
int age_filter_apply(struct users *u, const struct age_filter *f, struct sysv_list *list,
		     struct posix_list *posix);

/* An object the filter selected, looked at again just before removing
 * it: as it was; gone (or another object now under its id or name); no
 * longer old enough (changed since); in use again; or, for a System V
 * object this user may not IPC_STAT, not readable (errno says why). */
enum recheck { RECHECK_PASSES, RECHECK_GONE, RECHECK_CHANGED, RECHECK_IN_USE, RECHECK_UNREADABLE };

/* From the kernel's record now and the processes running now: no index. */
enum recheck sysv_recheck(const struct sysv_obj *was, const struct age_filter *f);
/* From the file now and FRESH, a scan made after the selection. */
enum recheck posix_recheck(struct users *fresh, const struct posix_obj *was, const struct age_filter *f);

#endif
