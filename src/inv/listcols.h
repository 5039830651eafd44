/* The columns of list's tables and their cells: which columns there are,
 * which kinds of which family have them, the text of a cell, and the
 * tables of objects built from them (one per kind and family), which
 * `list` prints. */
#ifndef IPCTOOL_LISTCOLS_H
#define IPCTOOL_LISTCOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "lib/table.h"
#include "inv/users.h"

/* A table mask: KIND_BIT(kind) for the System V kinds, POSIX_KIND_BIT(kind)
 * for the POSIX ones.  A table's index is its bit's: IPC_KIND_* for the
 * System V kinds, NKINDS + IPC_KIND_* for the POSIX ones. */
#define POSIX_KIND_BIT(kind) (KIND_BIT(kind) << NKINDS)
#define POSIX_KINDS_ALL (KINDS_ALL << NKINDS)
#define NTABLES (2 * NKINDS)

enum col {
	COL_KEY, COL_ID, COL_OWNER, COL_PERMS, COL_CUID, COL_CUSER, COL_CGID, COL_CGROUP,
	COL_UID, COL_USER, COL_GID, COL_GROUP, COL_CTIME, COL_NAME, COL_MTIME,
	COL_SIZE, COL_NATTCH, COL_STATUS, COL_ATTACH, COL_DETACH, COL_COMMAND, COL_CPID,
	COL_LPID, COL_RSS, COL_SWAP,
	COL_USEDBYTES, COL_MSGS, COL_SEND, COL_RECV, COL_LSPID, COL_LRPID, COL_QBYTES,
	COL_MAXMSGS, COL_MSGSIZE, COL_NOTIFYPID,
	COL_NSEMS, COL_OTIME, COL_SVAL,
	COL_PROCESSES, COL_ORPHANED,
	COL_IPCNS, COL_SHARED,
	NCOLS
};

enum value_type { V_STRING, V_NUMBER, V_TIME };

struct column {
	const char *name;
	unsigned tables;          /* the table mask of those that have it */
	enum value_type type;
	const char *help;
};

extern const struct column columns[NCOLS];
/* The name of column I, or NULL past the last (for completions). */
const char *list_column_name(size_t i);

/* The column named NAME (LEN bytes, any case), or -1. */
int column_by_name(const char *name, size_t len);

struct kind_info {
	const char *json_name;    /* lsipc's */
	const char *title;
	const char *plural;       /* in messages */
	const char *type;         /* the TYPE column */
	const enum col *defaults;
	size_t ndefaults;
};

extern const struct kind_info kinds_info[NTABLES];

/* "message queues, semaphore sets" for a table mask: a kind in both
 * families is named plainly, one in one family with "System V" or
 * "POSIX".  Two calls may share one message. */
const char *kind_names(unsigned tables);

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

/* One object of either family, and who uses it (NULL: not known). */
struct row {
	const struct sysv_obj *sysv;
	const struct posix_obj *posix;
	struct users *users;
};

/* The text of one cell, in BUF (at least 21 bytes) or a static string;
 * NULL when the object has no value there (a time never set, a command no
 * longer running, a value this user may not read). */
const char *row_cell(const struct row *r, enum col c, char *buf, size_t size);

/* The time a V_TIME cell shows, in seconds since the epoch; 0 for none. */
time_t row_time(const struct row *r, enum col c);

/* Decimal text of V in BUF (SIZE at least 21), without snprintf, whose
 * format parsing was a tenth of a 20,000-row listing. */
const char *cell_unsigned(char *buf, size_t size, unsigned long long v);
const char *cell_signed(char *buf, size_t size, long long v);

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
