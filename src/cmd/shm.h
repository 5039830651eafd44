/* What shm-write (shmwrite.c) and shm-read (shmread.c) share: the segment
 * TARGET and --offset, the --lock SEMTARGET held around the copy, the
 * checks of a range against the segment, and the error of a POSIX segment
 * truncated under a copy (ipctool-shm-write(1), ipctool-shm-read(1)).
 * mkshm is mkshm.c. */
#ifndef IPCTOOL_SHM_H
#define IPCTOOL_SHM_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/args.h"
#include "lib/cli.h"
#include "lib/progress.h"
#include "lib/target.h"
#include "mech/segment.h"
#include "mech/sem.h"

enum { OPT_OFFSET = 1, OPT_LENGTH, OPT_STRING, OPT_HEX, OPT_LOCK };

/* The --lock option's line of a popt table; WHAT is what it is held
 * around ("write", "read"). */
#define SHM_LOCK_OPTION(what)                                                                       \
	{ "lock", 'L', POPT_ARG_STRING, NULL, OPT_LOCK,                                             \
	  "hold semaphore 0 of this set (id, 0xKEY) or POSIX semaphore (/name) around the " what,   \
	  "SEMTARGET" }

/* --lock SEMTARGET: an id, 0xKEY or /name given as the option's value. */
struct lock_option {
	bool given;
	struct target target;
	struct semaphore sem;
};

/* The options both commands take, first in their options structs. */
struct shm_access {
	struct target target;
	unsigned long long offset;
	struct lock_option lock;
	enum progress_mode progress;
};

/* --offset, --lock, --progress and --no-progress into S, then the
 * segment TARGET (required); *NEXT becomes the index of the first word
 * after it.  A command reads its own options first: every option is
 * checked before the TARGET. */
int shm_access_read(const struct args *a, struct shm_access *s, int *next);

/* Open A's segment (READONLY: for reading), give it to RUN with DATA,
 * and close it and the --lock semaphore, whatever RUN returned.  RUN's
 * status, or the open's. */
int shm_access_run(struct shm_access *a, bool readonly, int (*run)(struct segment *s, void *data), void *data);

/* Find the --lock semaphore before anything else is done, so that a wrong
 * name fails before stdin is read; then take and release it around the
 * copy.  Each does nothing without --lock. */
int lock_open(struct lock_option *l);
int lock_take(struct lock_option *l);
int lock_release(struct lock_option *l);

/* Status 1 naming the segment's size when OFFSET and LENGTH (bytes of
 * WHAT, an option) do not lie within it (ipctool(1)). */
int check_range(const struct segment *s, unsigned long long offset, unsigned long long length, const char *what);

/* A POSIX segment truncated by another process while it was mapped here:
 * the copy met a page that is gone (SIGBUS, or EFAULT from a system call).
 * Status 1 saying what it was WHILE_IT_WAS. */
int segment_shrank(const struct segment *s, const char *while_it_was);

/* Fault the pages of [ADDR, ADDR+LEN) in with one call before copying
 * (FOR_WRITE: to write them); best effort. */
void prefault(const void *addr, size_t len, bool for_write);

#endif
