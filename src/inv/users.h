/* Who uses IPC objects: one pass over /proc that indexes every process's
 * uses, so that asking about each of N objects costs a lookup, not another
 * pass (the cost grows with processes + objects, never their product).
 *
 * For every process: System V segments attached (the /SYSV%08x lines of
 * /proc/PID/maps, whose inode field is the shmid), keyed by the process's
 * IPC namespace (the inode of /proc/PID/ns/ipc) and the shmid; POSIX
 * files mapped (maps lines whose device is one of the scan's devices) or
 * open (descriptors under /proc/PID/fd whose stat shows one of them),
 * keyed by device and inode.  The devices are those of this mount
 * namespace's /dev/shm and of the mqueue mount unless the caller names
 * others.  A process that vanishes or that may not be read (another
 * user's, EACCES) is left out of the uses silently; how many could not be
 * read is counted, since then the uses are not all known. */
#ifndef IPCTOOL_USERS_H
#define IPCTOOL_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* How a process uses an object: a set of these bits. */
enum use_how {
	USE_ATTACHED = 1u << 0,        /* a System V segment in its maps */
	USE_MAPPED = 1u << 1,          /* a POSIX file in its maps */
	USE_OPEN = 1u << 2,            /* a descriptor on a POSIX file */
	USE_LAST_SEND = 1u << 3,       /* a System V queue's LSPID */
	USE_LAST_RECEIVE = 1u << 4,    /* its LRPID */
	USE_LAST_OPERATION = 1u << 5,  /* a semaphore's last pid */
};

struct user_proc {
	pid_t pid;
	ino_t ipcns;           /* 0 until needed, or when unreadable */
	bool looked_up;        /* comm, uid and zombie filled in */
	bool zombie;           /* dead, not yet reaped: not a user */
	uid_t uid;             /* the owner of /proc/PID: its effective uid */
	char comm[32];
};

enum use_family { USE_SYSV_SEGMENT, USE_POSIX_FILE };

struct use {
	enum use_family family;
	unsigned long long a, b;   /* (IPC namespace inode, shmid) or (st_dev, st_ino) */
	pid_t pid;
	unsigned how;
};

/* Devices of POSIX file systems a scan looks for: this namespace's two,
 * or those of every namespace --all-namespaces visits. */
#define USERS_MAX_DEVS 256

/* The last pids of one semaphore set, read in its own IPC namespace. */
struct sem_record {
	ino_t ipcns;
	int semid;
	size_t at, n;              /* in the pid pool */
	bool known;                /* false: GETPID was refused */
};

struct users {
	struct user_proc *procs;   /* every live process seen, by pid */
	size_t nprocs, procs_cap;
	struct use *uses;          /* by family, key, pid; one per process and object */
	size_t nuses, uses_cap;
	ino_t self_ipcns;          /* this process's IPC namespace */
	size_t unreadable;         /* processes whose maps or fds could not be read */
	dev_t devs[USERS_MAX_DEVS];
	size_t ndevs;
	struct sem_record *sems;   /* users_keep_sem_pids */
	size_t nsems, sems_cap;
	pid_t *sem_pids;
	size_t nsem_pids, sem_pids_cap;
	bool sems_sorted;
};

/* What to look for; 0 for all of it.  Leaving a part out saves reading
 * what cannot matter (no segment is attached: no maps to read). */
enum {
	USERS_SCAN_SEGMENTS = 1u << 0,  /* System V attachments (maps) */
	USERS_SCAN_MAPS = 1u << 1,      /* POSIX files mapped */
	USERS_SCAN_FDS = 1u << 2,       /* POSIX files open */
	USERS_SCAN_NOTHING = 1u << 3,   /* only which processes run */
};

/* Scan /proc once into U (zeroed first, but for what users_keep_sem_pids
 * kept).  The /proc is the one ipctool started with, wherever --ns took
 * it, so pids are ipctool's own.  DEVS (NDEVS of them, at most
 * USERS_MAX_DEVS) are the devices of the POSIX file systems to look for;
 * NULL for this mount namespace's /dev/shm and mqueue mount.  Returns 0 or
 * a reported status (/proc unreadable, out of memory). */
int users_scan(struct users *u, unsigned what, const dev_t *devs, size_t ndevs);
void users_free(struct users *u);

/* The uses of System V segment SHMID of IPC namespace IPCNS (0: the
 * scanning process's own), or of the POSIX file DEV/INO: *FIRST is the
 * first of the returned number of consecutive uses, one per process. */
size_t users_of_segment(const struct users *u, ino_t ipcns, int shmid, const struct use **first);
size_t users_of_file(const struct users *u, dev_t dev, ino_t ino, const struct use **first);

/* Process PID as the scan saw it, with its comm, uid and state read on
 * first asking; NULL when it was not running then. */
const struct user_proc *users_process(struct users *u, pid_t pid);
/* PID was running at the scan and was no zombie (pids <= 0 never are);
 * with U NULL, whether it runs now, looked up afresh.  The lookups above
 * find nothing in a NULL U. */
bool users_alive(struct users *u, pid_t pid);

/* semctl GETPID answers for the IPC namespace ipctool is in when it asks,
 * so --all-namespaces reads each set's pids while it is in the set's
 * namespace and keeps them here (KNOWN false: they could not be read);
 * users_sem_pids finds them again, NULL when none were kept. */
int users_keep_sem_pids(struct users *u, ino_t ipcns, int semid, const pid_t *pids, size_t n, bool known);
const struct sem_record *users_sem_pids(struct users *u, ino_t ipcns, int semid);

/* "attached", "mapped,open", "last-send,last-receive": HOW in words. */
const char *use_how_text(unsigned how, char *buf, size_t size);

#endif
