/* The tables `list` prints, shared with `rm --dry-run` so that what would
 * go is shown exactly as `list` shows it. */
#ifndef IPCTOOL_LIST_H
#define IPCTOOL_LIST_H

#include "posixobj.h"
#include "sysvobj.h"

/* A table mask: KIND_BIT(kind) for the System V kinds, POSIX_KIND_BIT(kind)
 * for the POSIX ones. */
#define POSIX_KIND_BIT(kind) (KIND_BIT(kind) << NKINDS)
#define POSIX_KINDS_ALL (KINDS_ALL << NKINDS)
#define NTABLES (2 * NKINDS)

/* Print the objects of the tables in TABLES with list's default columns
 * and table format: one table per kind and family, titled when there are
 * several. */
int list_print_default(const struct sysv_list *objs, const struct posix_list *posix, unsigned tables);

/* The name of --output's column I, or NULL past the last (completions). */
const char *list_column_name(size_t i);

#endif
