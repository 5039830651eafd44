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
 * its own namespaces after it.  A POSIX file system (/dev/shm, an mqueue
 * mount) counts for the first namespace that has it, ipctool's own for
 * its own: one seen before is not listed again, and the objects of one
 * that several namespaces see are marked shared.  With SEMS, each semaphore set's last pids
 * are read in its namespace and kept there (users.h), for --processes and
 * --orphaned.  OUT says whether queue capacities are shown. */
int all_namespaces_load(unsigned tables, const struct output *out, struct sysv_list *sysv,
			struct posix_list *posix, struct users *sems);

/* One row per IPC namespace: IPCNS, PROCESSES, PID, COMMAND, QUEUES,
 * SEGMENTS, SEMS (each POSIX file counted once, as above). */
int namespaces_show(const struct table_format *format);

/* list --ns PID, after entering: the POSIX objects in a file system that
 * is also ipctool's own (HOME, read before entering) are marked shared. */
void mark_shared(struct posix_list *posix, const struct posix_mounts *home);

#endif
