/* Semaphores behind one small interface, so mksem, sem-p, sem-v and the
 * --lock option of shm-read and shm-write have one code path each:
 *   System V sets (semget/semop/semtimedop)         sem_sysv.c
 *   POSIX named semaphores (sem_open/sem_wait/...)  sem_posix.c
 * A POSIX semaphore is a "set" of one semaphore, number 0. */
#ifndef IPCTOOL_SEM_H
#define IPCTOOL_SEM_H

#include <semaphore.h>
#include <stdbool.h>

#include "lib/options.h"
#include "lib/target.h"
#include "lib/wait.h"

/* The largest value a System V semaphore can hold (SEMVMX) and so the
 * largest --value and --count. */
#define SEM_VALUE_MAX_SYSV 32767

enum sem_result {
	SEM_DONE,
	SEM_NOTHING,      /* --nowait would block, or --timeout ran out */
	SEM_INTERRUPTED,  /* a termination signal came while waiting; nothing was taken */
	SEM_ERROR,        /* errno says why; semaphore_report() words it */
};

struct semaphore;

struct semaphore_ops {
	int (*open)(struct semaphore *s);
	int (*create)(struct semaphore *s, const struct create_options *o, unsigned long nsems,
		      bool value_given, unsigned value);
	/* Add DELTA to semaphore NUM; a negative DELTA waits until it can be
	 * taken, as W says.  UNDO: the kernel reverses it when the process
	 * ends (System V only). */
	enum sem_result (*change)(struct semaphore *s, unsigned num, int delta, bool undo,
				  struct wait *w);
	int (*value)(const struct semaphore *s, unsigned num, int *value);
	int (*report)(const struct semaphore *s, unsigned num, int delta, const char *action);
	void (*close)(struct semaphore *s);
	bool has_undo;
	unsigned long value_max;
};

/* The table of an implementation that names its functions PREFIX_open,
 * PREFIX_create, ... as sem_sysv.c and sem_posix.c do. */
#define SEMAPHORE_OPS(prefix, undo, max)                                          \
	{ .open = prefix##_open, .create = prefix##_create, .change = prefix##_change, \
	  .value = prefix##_value, .report = prefix##_report, .close = prefix##_close,  \
	  .has_undo = (undo), .value_max = (max) }

struct semaphore {
	struct target target;
	const struct semaphore_ops *ops;
	int id;                  /* System V */
	unsigned long nsems;     /* System V: 0 when the set could not be inspected */
	sem_t *handle;           /* POSIX, SEM_FAILED when closed */
	int done;                /* POSIX: steps of the last change that were made */
	bool created;            /* create made it (false: it existed) */
};

extern const struct semaphore_ops sem_sysv_ops;
extern const struct semaphore_ops sem_posix_ops;

/* glibc keeps semaphore /name as the file /dev/shm/sem.name, and that
 * file name must fit NAME_MAX: four characters fewer than other names. */
#define SEM_NAME_MAX (POSIX_NAME_MAX - 4)
/* A usage error when T is a POSIX name too long for a semaphore, else 0. */
int semaphore_check_name(const struct target *t);

/* Find an existing semaphore (set); reports and returns a status. */
int semaphore_open(struct semaphore *s, const struct target *t);
/* Create per mksem (ipctool-mkq(1), ipctool(1)), or find it unchanged. */
int semaphore_create(struct semaphore *s, const struct target *t, const struct create_options *o,
		     unsigned long nsems, bool value_given, unsigned value);
void semaphore_close(struct semaphore *s);
bool semaphore_is_posix(const struct semaphore *s);
/* "semaphore set key 0x000004d2" or "semaphore /name" for messages. */
const char *semaphore_name(const struct semaphore *s);
/* "semaphore 0 of semaphore set id 5" or "semaphore /name". */
const char *semaphore_which(const struct semaphore *s, unsigned num);
/* Status 1 naming the set's size when NUM is not one of its semaphores. */
int semaphore_check_num(const struct semaphore *s, unsigned num);

enum sem_result semaphore_change(struct semaphore *s, unsigned num, int delta, bool undo,
				 struct wait *w);
int semaphore_value(const struct semaphore *s, unsigned num, int *value);
/* Report the errno of a failed change ("take", "release"); returns 1. */
int semaphore_report(const struct semaphore *s, unsigned num, int delta, const char *action);

/* --lock: take semaphore 0 (with undo where there is one), waiting as long
 * as it takes, and give it back.  Both report and return a status.  A
 * POSIX semaphore has no undo: termination signals are held off while it
 * is taken, so only SIGKILL can leave it taken. */
int semaphore_lock(struct semaphore *s);
int semaphore_unlock(struct semaphore *s);

#endif
