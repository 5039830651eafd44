/* list --all-namespaces and list --namespaces (SPEC §14): the objects of
 * every IPC namespace some process is in, with their IPCNS, and one row
 * per namespace with its object counts. */
#ifndef IPCTOOL_LISTNS_H
#define IPCTOOL_LISTNS_H

#include <sys/types.h>

#include "ipcns.h"
#include "listcols.h"
#include "posixobj.h"
#include "sysvobj.h"
#include "users.h"

/* The objects of the tables in TABLES (a table mask) of every namespace,
 * appended to SYSV and POSIX, each carrying its IPCNS; ipctool is back in
 * its own namespaces after it.  With SEMS, each semaphore set's last pids
 * are read in its namespace and kept there (users.h), for --processes and
 * --orphaned.  OUT says whether queue capacities are shown. */
int all_namespaces_load(unsigned tables, const struct output *out, struct sysv_list *sysv,
			struct posix_list *posix, struct users *sems);

/* The objects of the tables in TABLES of the namespace ipctool is in now
 * (NS, or NULL for its own), appended, each carrying its IPCNS: POSIX
 * queues are left out, with a warning, where no mqueue file system is
 * mounted.  With CAPACITIES each queue's QBYTES is read (IPC_STAT); with
 * SEMS each set's last pids are kept there, as all_namespaces_load does.
 * 0 or a reported status. */
int namespace_load(const struct ipcns *ns, unsigned tables, bool capacities, struct sysv_list *sysv,
		   struct posix_list *posix, struct users *sems);

/* One row per IPC namespace: IPCNS, PROCESSES, PID, COMMAND, QUEUES,
 * SEGMENTS, SEMS. */
int namespaces_show(const struct table_format *format);

#endif
