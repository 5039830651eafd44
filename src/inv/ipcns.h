/* The IPC namespaces the processes of the machine are in (list
 * --all-namespaces, list --namespaces; SPEC §14): one pass over
 * /proc/PID/ns/ipc, grouped by the namespace's inode number. */
#ifndef IPCTOOL_IPCNS_H
#define IPCTOOL_IPCNS_H

#include <stddef.h>
#include <sys/types.h>

struct ipcns {
	unsigned long long inode;   /* as readlink /proc/PID/ns/ipc shows it */
	pid_t first;                /* its lowest PID: whose /dev/shm and mqueue mount count */
	size_t processes;           /* how many processes are in it */
	char command[64];           /* the first one's comm name ("" if it just ended) */
};

struct ipcns_list {
	struct ipcns *v;
	size_t n, cap;
};

/* Every IPC namespace some process is in, by its first PID.  Processes
 * that end meanwhile (and zombies, which have no namespaces left) are not
 * counted.  A process whose namespace ipctool may not see makes it status
 * 1 "cannot see the IPC namespace of PID N: needs CAP_SYS_ADMIN": a list
 * without it would look complete and not be. */
int ipcns_scan(struct ipcns_list *list);
void ipcns_free(struct ipcns_list *list);

#endif
