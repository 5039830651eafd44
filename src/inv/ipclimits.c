/* The kernel's IPC limits (ipclimits.h). */
#include "inv/ipclimits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "lib/nsenter.h"

/* Field FIELD of /proc/sys/REL into *V; false when it cannot be read.
 * The IPC sysctls answer for the IPC namespace of the reader (sysctl(8),
 * ipc_namespaces(7)), so ipctool's own /proc serves wherever --ns took it. */
static bool sysctl_read(const char *rel, int field, unsigned long long *v)
{
	char path[64], text[128];

	snprintf(path, sizeof(path), "sys/%s", rel);
	if (ns_proc_read(path, text, sizeof(text)) <= 0)
		return false;
	char *p = text, *end;
	for (int i = 0; i <= field; i++) {
		errno = 0;
		*v = strtoull(p, &end, 10);
		if (end == p || errno)
			return false;
		p = end;
	}
	return true;
}

static unsigned long long sysctl_value(const char *rel, int field, unsigned long long fallback)
{
	unsigned long long v;

	return sysctl_read(rel, field, &v) ? v : fallback;
}

int ipc_info_read(bool usage, struct msginfo *msg, void *shm, struct seminfo *sem)
{
	union { struct seminfo *info; } semarg = { .info = sem };

	if (msgctl(0, usage ? MSG_INFO : IPC_INFO, (struct msqid_ds *)(void *)msg) < 0 ||
	    shmctl(0, usage ? SHM_INFO : IPC_INFO, (struct shmid_ds *)shm) < 0 ||
	    semctl(0, 0, usage ? SEM_INFO : IPC_INFO, semarg) < 0)
		return -1;
	return 0;
}

int ipc_limits_read(struct ipc_limits *l)
{
	struct msginfo mi = { 0 };
	struct shminfo si = { 0 };
	struct seminfo se = { 0 };

	if (ipc_info_read(false, &mi, &si, &se) < 0)
		return -1;
	l->msgmni = sysctl_value("kernel/msgmni", 0, (unsigned)mi.msgmni);
	l->msgmax = sysctl_value("kernel/msgmax", 0, (unsigned)mi.msgmax);
	l->msgmnb = sysctl_value("kernel/msgmnb", 0, (unsigned)mi.msgmnb);
	l->shmmni = sysctl_value("kernel/shmmni", 0, si.shmmni);
	l->shmall = sysctl_value("kernel/shmall", 0, si.shmall);
	l->shmmax = sysctl_value("kernel/shmmax", 0, si.shmmax);
	l->shmmin = si.shmmin;
	l->semmsl = sysctl_value("kernel/sem", 0, (unsigned)se.semmsl);
	l->semmns = sysctl_value("kernel/sem", 1, (unsigned)se.semmns);
	l->semopm = sysctl_value("kernel/sem", 2, (unsigned)se.semopm);
	l->semmni = sysctl_value("kernel/sem", 3, (unsigned)se.semmni);
	l->semvmx = (unsigned)se.semvmx;
	l->has_mqueue = sysctl_read("fs/mqueue/queues_max", 0, &l->queues_max) &&
			sysctl_read("fs/mqueue/msg_max", 0, &l->msg_max) &&
			sysctl_read("fs/mqueue/msgsize_max", 0, &l->msgsize_max);
	return 0;
}
