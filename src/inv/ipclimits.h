/* The kernel's IPC limits for the IPC namespace ipctool is in: list
 * --limits shows them (as ipcs -l), metrics exports them.  Each is read
 * from its sysctl file (exact, 64-bit) when it can be, else from the
 * IPC_INFO answers (ints). */
#ifndef IPCTOOL_IPCLIMITS_H
#define IPCTOOL_IPCLIMITS_H

#include <stdbool.h>
#include <sys/msg.h>
#include <sys/sem.h>

struct ipc_limits {
	/* System V: kernel.msg*, kernel.shm*, kernel.sem (its four fields) */
	unsigned long long msgmni, msgmax, msgmnb;
	unsigned long long shmmni, shmall, shmmax, shmmin;   /* shmall in pages */
	unsigned long long semmni, semmns, semmsl, semopm, semvmx;
	/* POSIX queues: fs.mqueue.*; has_mqueue false when not readable */
	bool has_mqueue;
	unsigned long long queues_max, msg_max, msgsize_max;
};

/* Fill L; 0, or -1 with errno when the kernel refused IPC_INFO. */
/* The kernel's *_INFO of the three kinds: their limits (IPC_INFO), or with
 * USAGE what is in use (MSG_INFO, SHM_INFO, SEM_INFO fill in the counts).
 * SHM is a struct shminfo for the limits, a struct shm_info for the usage
 * (shmctl(2)).  0, or -1 with errno set. */
int ipc_info_read(bool usage, struct msginfo *msg, void *shm, struct seminfo *sem);
int ipc_limits_read(struct ipc_limits *l);

#endif
