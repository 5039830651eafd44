/* The kernel's IPC limits for the IPC namespace ipctool is in: list
 * --limits shows them (as ipcs -l), metrics exports them.  Each is read
 * from its sysctl file (exact, 64-bit) when it can be, else from the
 * IPC_INFO answers (ints). */
#ifndef IPCTOOL_IPCLIMITS_H
#define IPCTOOL_IPCLIMITS_H

#include <stdbool.h>

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
int ipc_limits_read(struct ipc_limits *l);

#endif
