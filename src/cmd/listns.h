/* list --all-namespaces and list --namespaces (SPEC §14): the objects of
 * every IPC namespace some process is in, with their IPCNS, and one row
 * per namespace with its object counts. */
#ifndef IPCTOOL_LISTNS_H
#define IPCTOOL_LISTNS_H

#include <sys/types.h>

#include "listcols.h"

/* The objects of the tables in TABLES (a table mask) of every namespace,
 * as one listing printed as OUT says, IPCNS first; only USER's unless it
 * is NULL. */
int all_namespaces_show(unsigned tables, struct output *out, const uid_t *user);

/* One row per IPC namespace: IPCNS, PROCESSES, PID, COMMAND, QUEUES,
 * SEGMENTS, SEMS. */
int namespaces_show(const struct table_format *format);

#endif
