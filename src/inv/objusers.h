/* Who uses one object, whether it is orphaned, and the selection by age
 * and orphanhood that list and rm share (ipctool-list(1)), from the index of
 * users.h.
 *
 * A System V segment's users are the processes that have it attached; a
 * queue's the live processes among its LSPID and LRPID and those blocked
 * in msgrcv or msgsnd on it; a semaphore set's the live processes among
 * each semaphore's last pid (semctl GETPID, which needs read permission)
 * and those blocked in semop on it; a POSIX object's those that map it,
 * hold it open or wait on it (mq_timedreceive, mq_timedsend, sem_wait). */
#ifndef IPCTOOL_OBJUSERS_H
#define IPCTOOL_OBJUSERS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "inv/users.h"

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
	bool waited;              /* a set's NCNT or ZCNT is above 0, seen or not */
};

/* Fill W (its storage reused from call to call) with the users of O in
 * IPC namespace IPCNS (0: the current one).  0, or -1 when memory ran out. */
int obj_users_sysv(struct users *u, const struct sysv_obj *o, ino_t ipcns, struct obj_users *w);
int obj_users_posix(struct users *u, const struct posix_obj *o, struct obj_users *w);
void obj_users_free(struct obj_users *w);

/* A segment with no attachment whose creator and last-attach pids are
 * dead; a queue or set that records at least one pid, all of them dead,
 * and that no process waits on (a set: NCNT and ZCNT 0, whether the
 * waiter can be named or not); a POSIX object nobody maps, holds open or
 * waits on, when every process could be read (otherwise it is never
 * called orphaned). */
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
/* When O was last used: for System V the latest of the times the kernel
 * keeps (a queue's ctime, last send and receive; a segment's ctime, last
 * attach and detach; a set's ctime and last semop), for POSIX the mtime.
 * --older-than compares it. */
time_t sysv_idle_since(const struct sysv_obj *o);

/* Is the object in use right now: attached (a segment's NATTCH counts,
 * whoever may read the maps), mapped, open or waited on (a set's NCNT or
 * ZCNT too)?  A last recorded pid is history, not use.  *PID: a process
 * that uses it, 0 when none can be named. */
bool sysv_in_use(const struct sysv_obj *o, const struct obj_users *w, pid_t *pid);
bool posix_in_use(const struct obj_users *w, pid_t *pid);

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

/* From the kernel's record or the file now and FRESH, a scan of /proc
 * made after the selection (its waiters, attachments, mappings and
 * descriptors).  FORCE: what is in use is not kept.  RECHECK_IN_USE puts
 * a user's pid in *WHO (0: none can be named). */
enum recheck sysv_recheck(struct users *fresh, const struct sysv_obj *was, const struct age_filter *f, bool force,
			  pid_t *who);
enum recheck posix_recheck(struct users *fresh, const struct posix_obj *was, const struct age_filter *f,
			   bool force, pid_t *who);

#endif
