/* list's tables of objects, one per kind and family, with the columns
 * (columns.h) and cells (cells.h) that each shows, printed plain, raw,
 * as export pairs or as JSON (ipctool-list(1)).  Including this header
 * gives the columns and cells too. */
#ifndef IPCTOOL_LISTCOLS_H
#define IPCTOOL_LISTCOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "inv/users.h"
#include "lib/table.h"
#include "view/cells.h"
#include "view/columns.h"

/* How to print and which columns: with cols_given (--output), COLS, after
 * each table's defaults when cols_plus (--output +COLS). */
struct output {
	struct table_format format;
	bool cols_given;
	bool cols_plus;
	enum col cols[NCOLS];
	size_t ncols;
	/* Who uses each object, for PROCESSES and ORPHANED; NULL: not known
	 * (those cells are then empty). */
	struct users *users;
	bool ipcns_first;     /* --all-namespaces: IPCNS before every table's columns */
};

/* A table of objects of table TABLE (an index in kinds_info), with the
 * columns OUT chooses, and a TYPE column first when TYPE_COLUMN. */
struct kind_table {
	struct libscols_table *tb;
	int table;
	enum col cols[NCOLS];
	size_t ncols;
	bool type_column;
};

int kind_table_init(struct kind_table *kt, int table, const struct output *out, bool type_column);
/* Add R as a line; in JSON, each time also as seconds since the epoch. */
int kind_table_add(struct kind_table *kt, const struct row *r, const struct output *out);

/* Print the objects of the tables in TABLES (a table mask), one table per
 * kind and family, titled when there are several; only those of USER
 * unless it is NULL. */
int objects_print(const struct sysv_list *objs, const struct posix_list *posix, unsigned tables,
		  const struct output *out, const uid_t *user);

/* POSIX queues are listed through an mqueue mount.  Without one, they are
 * taken out of *TABLES with a warning, or, when nothing else is in it, it
 * fails (status 1). */
int tables_check_mqueue_mount(unsigned *tables);

#endif
