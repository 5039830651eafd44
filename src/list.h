/* The tables `list` prints, shared with `rm --dry-run` so that what would
 * go is shown exactly as `list` shows it. */
#ifndef IPCTOOL_LIST_H
#define IPCTOOL_LIST_H

#include "sysvobj.h"

/* Print the objects of the kinds in KINDS with list's default columns and
 * table format: one table per kind, titled when there are several. */
int list_print_default(const struct sysv_list *objs, unsigned kinds);

#endif
