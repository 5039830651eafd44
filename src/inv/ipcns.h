/* The IPC namespaces the processes of the machine are in (list
 * --all-namespaces, list --namespaces; SPEC §14): one pass over
 * /proc/PID/ns/ipc, grouped by the namespace's inode number. */
#ifndef IPCTOOL_IPCNS_H
#define IPCTOOL_IPCNS_H

#include <stdbool.h>
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

/* Enter each namespace of LIST in turn (ns_enter, through its first
 * process) and call VISIT there; one whose process ended since the scan
 * is skipped.  ipctool is back in its own namespaces afterwards.  0, or
 * the first status VISIT or entering returned. */
typedef int (*ipcns_visit_fn)(const struct ipcns *ns, void *data);
int ipcns_visit(const struct ipcns_list *list, ipcns_visit_fn visit, void *data);

/* The container process PID runs in, as its cgroup path names it
 * (/proc/PID/cgroup, cgroups(7)): the ID of a docker-ID.scope,
 * libpod-ID.scope, cri-containerd-ID.scope or crio-ID.scope unit, of
 * /docker/ID, of a kubepods .../podUID/ID path, or the NAME of an LXC
 * container (lxc.payload.NAME, /lxc/NAME).  Written to OUT (SIZE bytes);
 * false when the path names none (then OUT is "").  An ID is 1 to 128 of
 * [A-Za-z0-9_.-]: anything else is not taken for one. */
bool ipcns_container(pid_t pid, char *out, size_t size);

#endif
