/* The users scan's own parts, shared by the files that make it (not a
 * public interface: users.h is).  users.c walks /proc and builds the
 * index; usersmaps.c finds attachments, mappings and descriptors;
 * userswait.c the calls processes sleep in; usersindex.c answers from
 * the index.  Each process is scanned through one struct proc_scan. */
#ifndef IPCTOOL_USERSSCAN_H
#define IPCTOOL_USERSSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "inv/users.h"
#include "lib/buf.h"

/* What one process's scan needs: its /proc directory, what to look for,
 * and a buffer reused from process to process. */
struct proc_scan {
	struct users *u;
	int procfd;               /* /proc */
	char name[64];            /* "PID/", the start of each path ("PID/task/TID/fd/N" the longest) */
	size_t name_len;
	pid_t pid;
	unsigned what;
	struct buf text;
	struct user_proc *proc;
	bool unreadable;
	/* Threads of the process sleep in futex(2) at these addresses: a
	 * sem_wait when one lies in a mapped POSIX semaphore (see map_line).
	 * A busy process has many threads in futex (locks, condition
	 * variables): the first few are looked at. */
	size_t nfutex;
	unsigned long long futex_addr[8];
	/* The listed segments' attachments still to find (see scan_tally_setup);
	 * once none is, no more maps are read. */
	struct seg_tally *tally;
	size_t ntally, tally_cap;
	unsigned long long left;
	bool all_found;
};

/* A listed segment of ipctool's own IPC namespace: the kernel's count
 * of its attachments and how many the scan found. */
struct seg_tally {
	int shmid;
	unsigned long long nattch, found;
	/* The process that holds the only attachment, known from the
	 * kernel's record without reading its maps (see holder_of), and the
	 * attach time that says so; 0 when the maps must tell. */
	pid_t holder;
	time_t atime;
};

/* Record that process PID uses object (A, B) of FAMILY, HOW; -1 out of memory. */
int users_add_use(struct users *u, enum use_family family, unsigned long long a, unsigned long long b,
		  pid_t pid, unsigned how);
/* Is DEV one of the POSIX file systems the scan looks for? */
bool users_watched_dev(const struct users *u, dev_t dev);
/* Orders of the index: processes by pid, uses by family and key. */
int users_by_pid(const void *a, const void *b);
int users_compare_keys(const struct use *x, const struct use *y);

/* "PID/FILE" of the process being scanned, relative to /proc. */
const char *scan_path(struct proc_scan *s, const char *file);
/* Did the process go away or hide itself (ERR): skipped, not reported. */
bool scan_skippable(int err);
/* A hexadecimal or decimal number at *P, *P moved past it. */
unsigned long long scan_hex(const char **p);
unsigned long long scan_dec(const char **p);
/* The process's IPC namespace (0 when it cannot be read), read once. */
ino_t scan_ipcns(struct proc_scan *s);

/* usersmaps.c: the listed segments' attachments to count (LISTED may be
 * NULL), the process's maps and its descriptors.  0, or -1 out of memory. */
struct sysv_list;
int scan_tally_setup(struct proc_scan *s, const struct sysv_list *listed);
/* After the walk: the attachments known from the kernel's record, as uses. */
int scan_tally_finish(struct proc_scan *s);
int scan_maps(struct proc_scan *s);
int scan_fds(struct proc_scan *s);
/* userswait.c: the calls the process's threads sleep in. */
int scan_waits(struct proc_scan *s);

#endif
