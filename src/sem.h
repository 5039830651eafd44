/* System V semaphore sets: finding a set and changing one of its
 * semaphores, for sem-p/sem-v/mksem (sem.c) and for the --lock option of
 * shm-read and shm-write (shm.c). */
#ifndef IPCTOOL_SEM_H
#define IPCTOOL_SEM_H

#include <stdbool.h>

#include "target.h"
#include "wait.h"

/* The largest value a semaphore can hold (SEMVMX) and so the largest
 * --value and --count. */
#define SEM_VALUE_MAX_SYSV 32767

struct semset {
	struct target target;
	int id;
	unsigned long nsems;     /* 0 when the set could not be inspected (no read permission) */
};

enum sem_result {
	SEM_DONE,
	SEM_NOTHING,    /* --nowait would block, or --timeout ran out */
	SEM_ERROR,      /* errno says why; semset_report() words it */
};

/* Find an existing set; reports and returns a status when there is none. */
int semset_open(struct semset *s, struct target *t);
/* "semaphore set key 0x000004d2" for messages. */
const char *semset_name(const struct semset *s);
/* Status 1 naming the set's size when NUM is not one of its semaphores. */
int semset_check_num(const struct semset *s, unsigned num);

/* Add DELTA to semaphore NUM (a negative DELTA waits until it can be taken),
 * waiting as W says.  FLAGS may hold SEM_UNDO. */
enum sem_result semset_change(const struct semset *s, unsigned num, int delta, int flags,
			      struct wait *w);
/* Report the errno of a failed change ("take", "release"); returns 1. */
int semset_report(const struct semset *s, unsigned num, int delta, const char *action);

/* --lock: take semaphore 0 (P with SEM_UNDO), waiting as long as it takes,
 * and give it back.  Both report and return a status. */
int semset_lock(const struct semset *s);
int semset_unlock(const struct semset *s);

#endif
