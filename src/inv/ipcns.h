/* The IPC namespaces the processes of the machine are in (list
 * --all-namespaces, list --namespaces; ipctool-list(1)): one pass over
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

/* The file systems POSIX objects are found in, as ipctool sees them now
 * (wherever ns_enter took it): the devices of /dev/shm and of the mqueue
 * mount, 0 for one that is missing.  Another namespace whose /dev/shm is
 * the same device shares those files: they are not its own. */
struct posix_mounts {
	dev_t shm, mqueue;
};
void posix_mounts_here(struct posix_mounts *m);
/* Is DEV (not 0) one of M's? */
bool posix_mounts_has(const struct posix_mounts *m, dev_t dev);

/* The devices already attributed to a namespace, for --all-namespaces
 * and --namespaces: each file system's objects are counted once. */
struct dev_set {
	dev_t v[64];
	size_t n;
};
bool dev_set_has(const struct dev_set *s, dev_t dev);
void dev_set_add(struct dev_set *s, dev_t dev);

#endif
