/* list --all-namespaces and list --namespaces (ipctool-list(1)): the objects of
 * every IPC namespace some process is in, with their IPCNS, and one row
 * per namespace with its object counts. */
#ifndef IPCTOOL_LISTNS_H
#define IPCTOOL_LISTNS_H

#include <sys/types.h>

#include "inv/ipcns.h"
#include "view/listcols.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "inv/users.h"

/* The objects of the tables in TABLES (a table mask) of every namespace,
 * appended to SYSV and POSIX, each carrying its IPCNS; ipctool is back in
 * its own namespaces after it.  A POSIX file system (/dev/shm, an mqueue
 * mount) counts for the first namespace that has it, ipctool's own for
 * its own: one seen before is not listed again, and the objects of one
 * that several namespaces see are marked shared (struct attribution
 * below).  With SEMS, each semaphore set's last pids are read in its
 * namespace and kept there (users.h), for --processes and --orphaned.
 * OUT says whether queue capacities are shown. */
int all_namespaces_load(unsigned tables, const struct output *out, struct sysv_list *sysv,
			struct posix_list *posix, struct users *sems);

/* Which POSIX file systems count for which namespace, while every
 * namespace is visited in turn: those ipctool sees count for its own
 * namespace, any other for the first namespace visited that sees it, so
 * that each file is counted once. */
struct attribution {
	unsigned long long self;    /* ipctool's IPC namespace */
	struct dev_set seen;        /* attributed to a namespace */
	struct dev_set shared;      /* seen by more than one */
};
/* Before the visit, at home. */
void attribution_init(struct attribution *a);
/* In NS (ipctool is in it now): TABLES without the POSIX kinds whose file
 * system counts for another namespace (/dev/shm: shared memory and
 * semaphores; the mqueue mount: queues). */
unsigned attributed_tables(struct attribution *a, const struct ipcns *ns, unsigned tables);
/* After the visit: the POSIX objects from FROM on whose file system more
 * than one namespace sees are marked shared. */
void attribution_mark_shared(const struct attribution *a, struct posix_list *posix, size_t from);

/* The objects of the tables in TABLES of the namespace ipctool is in now
 * (NS, or NULL for its own), appended, each carrying its IPCNS: POSIX
 * queues are left out, with a warning, where no mqueue file system is
 * mounted.  With CAPACITIES each queue's QBYTES is read (IPC_STAT); with
 * SEMS each set's last pids are kept there, as all_namespaces_load does.
 * 0 or a reported status. */
int namespace_load(const struct ipcns *ns, unsigned tables, bool capacities, struct sysv_list *sysv,
		   struct posix_list *posix, struct users *sems);

/* One row per IPC namespace: IPCNS, PROCESSES, PID, COMMAND, QUEUES,
 * SEGMENTS, SEMS (each POSIX file counted once, as above). */
int namespaces_show(const struct table_format *format);

/* list --ns PID, after entering: the POSIX objects in a file system that
 * is also ipctool's own (HOME, read before entering) are marked shared. */
void mark_shared(struct posix_list *posix, const struct posix_mounts *home);

#endif
