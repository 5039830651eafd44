/* The columns of list's tables: which there are, which kinds of which
 * family have them, and each table's defaults and names (ipctool-list(1)).
 * The cells are cells.h, the tables listcols.h. */
#ifndef IPCTOOL_COLUMNS_H
#define IPCTOOL_COLUMNS_H

#include <stddef.h>

#include "inv/sysvobj.h"

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

#endif
