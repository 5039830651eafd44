/* Who uses IPC objects: one pass over /proc that indexes every process's
 * uses, so that asking about each of N objects costs a lookup, not another
 * pass (the cost grows with processes + objects, never their product).
 *
 * For every process: System V segments attached (the /SYSV%08x lines of
 * /proc/PID/maps, whose inode field is the shmid; asked of the kernel one
 * shared mapping at a time with PROCMAP_QUERY when it can), keyed by the process's
 * IPC namespace (the inode of /proc/PID/ns/ipc) and the shmid; POSIX
 * files mapped (maps lines whose device is one of the scan's devices) or
 * open (descriptors under /proc/PID/fd whose stat shows one of them),
 * keyed by device and inode.  The devices are those of this mount
 * namespace's /dev/shm and of the mqueue mount unless the caller names
 * others.  A process that vanishes or that may not be read (another
 * user's, EACCES) is left out of the uses silently; how many could not be
 * read is counted, since then the uses are not all known.
 *
 * Waiters (USERS_SCAN_WAITS): a process blocked in an IPC call is a user
 * too.  /proc/PID/syscall (proc(5)) names the call it sleeps in and its
 * arguments: msgrcv/msgsnd and semop/semtimedop carry the id first (keyed
 * like a segment, by IPC namespace and id); mq_timedreceive/mq_timedsend
 * the descriptor, whose open file is the queue's; futex the address, which
 * lies in a mapping of /dev/shm/sem.NAME when it is sem_wait(3) on a
 * POSIX semaphore (found while its maps are read).  Reading it needs
 * ptrace access to the process (root has it); the processes whose call
 * could not be read are counted apart, in waits_unknown. */
#ifndef IPCTOOL_USERS_H
#define IPCTOOL_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/target.h"

/* How a process uses an object: a set of these bits. */
enum use_how {
	USE_ATTACHED = 1u << 0,        /* a System V segment in its maps */
	USE_MAPPED = 1u << 1,          /* a POSIX file in its maps */
	USE_OPEN = 1u << 2,            /* a descriptor on a POSIX file */
	USE_LAST_SEND = 1u << 3,       /* a System V queue's LSPID */
	USE_LAST_RECEIVE = 1u << 4,    /* its LRPID */
	USE_LAST_OPERATION = 1u << 5,  /* a semaphore's last pid */
	USE_WAIT_RECEIVE = 1u << 6,    /* blocked in msgrcv, mq_timedreceive */
	USE_WAIT_SEND = 1u << 7,       /* blocked in msgsnd, mq_timedsend: the queue is full */
	USE_WAIT_P = 1u << 8,          /* blocked in semop taking, or sem_wait */
	USE_WAIT_ZERO = 1u << 9,       /* blocked in semop waiting for zero */
};
#define USE_WAITING (USE_WAIT_RECEIVE | USE_WAIT_SEND | USE_WAIT_P | USE_WAIT_ZERO)

struct user_proc {
	pid_t pid;
	ino_t ipcns;           /* 0 until needed, or when unreadable */
	bool looked_up;        /* comm, uid and zombie filled in */
	bool zombie;           /* dead, not yet reaped: not a user */
	bool state_known;      /* zombie set by the scan, from the main thread's call */
	uid_t uid;             /* the owner of /proc/PID: its effective uid */
	bool uid_known;        /* uid read already, by the scan */
	char comm[32];
};

enum use_family { USE_SYSV_SEGMENT, USE_POSIX_FILE, USE_SYSV_QUEUE, USE_SYSV_SEM };

struct use {
	enum use_family family;
	unsigned long long a, b;   /* (IPC namespace inode, id) or (st_dev, st_ino) */
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
	unsigned ncnt, zcnt;       /* the sums of its semaphores' GETNCNT, GETZCNT */
};

struct users {
	struct user_proc *procs;   /* every live process seen, by pid */
	size_t nprocs, procs_cap;
	struct use *uses;          /* by family, key, pid; one per process and object */
	size_t nuses, uses_cap;
	ino_t self_ipcns;          /* this process's IPC namespace */
	size_t unreadable;         /* processes whose maps or fds could not be read */
	size_t waits_unknown;      /* processes whose /proc/PID/syscall could not be read */
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
	USERS_SCAN_WAITS = 1u << 4,     /* processes blocked in IPC calls */
};

/* Scan /proc once into U (zeroed first, but for what users_keep_sem_pids
 * kept).  The /proc is the one ipctool started with, wherever --ns took
 * it, so pids are ipctool's own.  DEVS (NDEVS of them, at most
 * USERS_MAX_DEVS) are the devices of the POSIX file systems to look for;
 * NULL for this mount namespace's /dev/shm and mqueue mount.  Returns 0 or
 * a reported status (/proc unreadable, out of memory). */
int users_scan(struct users *u, unsigned what, const dev_t *devs, size_t ndevs);
/* The same, knowing the System V objects LISTED (NULL: none): when only
 * segments are looked for, all in ipctool's own IPC namespace, the maps
 * of the processes after the one that accounts for the last attachment
 * the kernel counts (shm_nattch, asked again then) are not read: nor
 * are they then counted in UNREADABLE, since nothing listed can hide in
 * them.  A segment whose record names its only attacher (NATTCH 1, the
 * last operation an attach by LPID, a process whose maps ipctool may
 * read) counts as found from the start: when every one is such, no maps
 * are read at all. */
struct sysv_list;
int users_scan_listed(struct users *u, unsigned what, const dev_t *devs, size_t ndevs,
		      const struct sysv_list *listed);
void users_free(struct users *u);

/* The uses of System V segment SHMID of IPC namespace IPCNS (0: the
 * scanning process's own), or of the POSIX file DEV/INO: *FIRST is the
 * first of the returned number of consecutive uses, one per process. */
size_t users_of_segment(const struct users *u, ino_t ipcns, int shmid, const struct use **first);
size_t users_of_file(const struct users *u, dev_t dev, ino_t ino, const struct use **first);
/* The waiters of System V queue or set ID (KIND IPC_KIND_QUEUE or
 * IPC_KIND_SEM) of IPC namespace IPCNS (0: the scanning process's own). */
size_t users_waiting_on(const struct users *u, enum ipc_kind kind, ino_t ipcns, int id, const struct use **first);

/* Process PID as the scan saw it, with its comm, uid and state read on
 * first asking (the state is the scan's when it read the process's call,
 * USERS_SCAN_WAITS: a zombie shows no call; else from /proc/PID/stat);
 * NULL when it was not running then. */
const struct user_proc *users_process(struct users *u, pid_t pid);
/* PID was running at the scan and was no zombie (pids <= 0 never are);
 * with U NULL, whether it runs now, looked up afresh.  The lookups above
 * find nothing in a NULL U. */
bool users_alive(struct users *u, pid_t pid);
/* PID as it is now, looked up afresh (not from a scan): its comm, uid
 * and whether it is a zombie (or gone: also a zombie). */
void users_look_up(pid_t pid, struct user_proc *p);

/* semctl GETPID answers for the IPC namespace ipctool is in when it asks,
 * so --all-namespaces reads each set's pids while it is in the set's
 * namespace and keeps them here (KNOWN false: they could not be read),
 * with whether a process waits on it (WAITED: NCNT or ZCNT above 0);
 * users_sem_pids finds them again, NULL when none were kept. */
int users_keep_sem_pids(struct users *u, ino_t ipcns, int semid, const pid_t *pids, size_t n, bool known,
			unsigned ncnt, unsigned zcnt);
const struct sem_record *users_sem_pids(struct users *u, ino_t ipcns, int semid);

/* "attached", "mapped,open", "last-send,waiting-receive": HOW in words. */
const char *use_how_text(unsigned how, char *buf, size_t size);

#endif
