/* The columns of list's tables, and each table's defaults and names
 * (columns.h). */
#include "view/columns.h"

#include <string.h>
#include <strings.h>

#define Q KIND_BIT(IPC_KIND_QUEUE)
#define M KIND_BIT(IPC_KIND_SHM)
#define S KIND_BIT(IPC_KIND_SEM)
#define PQ POSIX_KIND_BIT(IPC_KIND_QUEUE)
#define PM POSIX_KIND_BIT(IPC_KIND_SHM)
#define PS POSIX_KIND_BIT(IPC_KIND_SEM)
#define BOTH (KINDS_ALL | POSIX_KINDS_ALL)

const struct column columns[NCOLS] = {
	[COL_KEY] = { "KEY", KINDS_ALL, V_STRING, "resource key" },
	[COL_ID] = { "ID", KINDS_ALL, V_NUMBER, "resource id" },
	[COL_OWNER] = { "OWNER", BOTH, V_STRING, "owner's user name or uid" },
	[COL_PERMS] = { "PERMS", BOTH, V_STRING, "permissions" },
	[COL_CUID] = { "CUID", KINDS_ALL, V_NUMBER, "creator uid" },
	[COL_CUSER] = { "CUSER", KINDS_ALL, V_STRING, "creator user" },
	[COL_CGID] = { "CGID", KINDS_ALL, V_NUMBER, "creator gid" },
	[COL_CGROUP] = { "CGROUP", KINDS_ALL, V_STRING, "creator group" },
	[COL_UID] = { "UID", BOTH, V_NUMBER, "owner uid" },
	[COL_USER] = { "USER", BOTH, V_STRING, "owner user" },
	[COL_GID] = { "GID", BOTH, V_NUMBER, "owner gid" },
	[COL_GROUP] = { "GROUP", BOTH, V_STRING, "owner group" },
	/* Reading a queue's mqueue file sets its ctime: no CTIME for POSIX queues. */
	[COL_CTIME] = { "CTIME", KINDS_ALL | PM | PS, V_TIME, "time of the last change" },
	[COL_NAME] = { "NAME", POSIX_KINDS_ALL, V_STRING, "POSIX name" },
	[COL_MTIME] = { "MTIME", POSIX_KINDS_ALL, V_TIME, "time of the last write (queues: send or receive)" },
	[COL_SIZE] = { "SIZE", M | PM, V_NUMBER, "segment size in bytes" },
	[COL_NATTCH] = { "NATTCH", M, V_NUMBER, "number of attached processes" },
	[COL_STATUS] = { "STATUS", M, V_STRING, "dest, locked, hugetlb, noreserve" },
	[COL_ATTACH] = { "ATTACH", M, V_TIME, "time of the last attach" },
	[COL_DETACH] = { "DETACH", M, V_TIME, "time of the last detach" },
	[COL_COMMAND] = { "COMMAND", M, V_STRING, "creator's command line (while it runs)" },
	[COL_CPID] = { "CPID", M, V_NUMBER, "pid of the creator" },
	[COL_LPID] = { "LPID", M, V_NUMBER, "pid of the last user" },
	[COL_RSS] = { "RSS", M, V_NUMBER, "bytes resident in memory" },
	[COL_SWAP] = { "SWAP", M, V_NUMBER, "bytes swapped out" },
	[COL_USEDBYTES] = { "USEDBYTES", Q | PQ, V_NUMBER, "bytes in the queue (POSIX: needs read permission)" },
	[COL_MSGS] = { "MSGS", Q | PQ, V_NUMBER, "messages in the queue (POSIX: needs permission to open it)" },
	[COL_SEND] = { "SEND", Q, V_TIME, "time of the last send" },
	[COL_RECV] = { "RECV", Q, V_TIME, "time of the last receive" },
	[COL_LSPID] = { "LSPID", Q, V_NUMBER, "pid of the last sender" },
	[COL_LRPID] = { "LRPID", Q, V_NUMBER, "pid of the last receiver" },
	[COL_QBYTES] = { "QBYTES", Q, V_NUMBER, "capacity in bytes (needs read permission)" },
	[COL_MAXMSGS] = { "MAXMSGS", PQ, V_NUMBER, "capacity in messages (needs permission to open it)" },
	[COL_MSGSIZE] = { "MSGSIZE", PQ, V_NUMBER, "largest message in bytes (needs permission to open it)" },
	[COL_NOTIFYPID] = { "NOTIFYPID", PQ, V_NUMBER, "pid registered with mq_notify, 0 for none (needs read permission)" },
	[COL_NSEMS] = { "NSEMS", S, V_NUMBER, "semaphores in the set" },
	[COL_OTIME] = { "OTIME", S, V_TIME, "time of the last semop" },
	[COL_SVAL] = { "SVAL", PS, V_NUMBER, "semaphore value (needs read and write permission)" },
	[COL_PROCESSES] = { "PROCESSES", BOTH, V_STRING, "live processes that use it, PID:COMMAND,... (--processes)" },
	[COL_ORPHANED] = { "ORPHANED", BOTH, V_STRING, "yes when no live process uses it (--orphaned)" },
	[COL_IPCNS] = { "IPCNS", BOTH, V_NUMBER, "IPC namespace, its inode number (as readlink /proc/PID/ns/ipc)" },
	[COL_SHARED] = { "SHARED", POSIX_KINDS_ALL, V_STRING,
			 "yes when its file system is ipctool's own or another namespace's too (--ns, --all-namespaces)" },
};

#undef Q
#undef M
#undef S
#undef PQ
#undef PM
#undef PS
#undef BOTH

/* lsipc's defaults, without COMMAND (a /proc/PID read per row). */
static const enum col default_queue_cols[] = {
	COL_KEY, COL_ID, COL_PERMS, COL_OWNER, COL_USEDBYTES, COL_MSGS, COL_LSPID, COL_LRPID,
};
static const enum col default_shm_cols[] = {
	COL_KEY, COL_ID, COL_PERMS, COL_OWNER, COL_SIZE, COL_NATTCH, COL_STATUS, COL_CTIME,
	COL_CPID, COL_LPID,
};
static const enum col default_sem_cols[] = {
	COL_KEY, COL_ID, COL_PERMS, COL_OWNER, COL_NSEMS,
};
static const enum col default_posix_queue_cols[] = {
	COL_NAME, COL_PERMS, COL_OWNER, COL_USEDBYTES, COL_MSGS, COL_MAXMSGS, COL_MSGSIZE, COL_NOTIFYPID,
};
static const enum col default_posix_shm_cols[] = {
	COL_NAME, COL_PERMS, COL_OWNER, COL_SIZE, COL_MTIME,
};
static const enum col default_posix_sem_cols[] = {
	COL_NAME, COL_PERMS, COL_OWNER, COL_SVAL,
};

#define DEFAULTS(cols) cols, sizeof(cols) / sizeof(cols[0])

const struct kind_info kinds_info[NTABLES] = {
	[IPC_KIND_QUEUE] = { "messages", "Message queues", "message queues", "queue",
			     DEFAULTS(default_queue_cols) },
	[IPC_KIND_SHM] = { "sharedmemory", "Shared memory segments", "shared memory segments", "shm",
			   DEFAULTS(default_shm_cols) },
	[IPC_KIND_SEM] = { "semaphores", "Semaphore sets", "semaphore sets", "sem", DEFAULTS(default_sem_cols) },
	[NKINDS + IPC_KIND_QUEUE] = { "posixmessages", "POSIX message queues", "POSIX message queues",
				      "posix-queue", DEFAULTS(default_posix_queue_cols) },
	[NKINDS + IPC_KIND_SHM] = { "posixsharedmemory", "POSIX shared memory", "POSIX shared memory objects",
				    "posix-shm", DEFAULTS(default_posix_shm_cols) },
	[NKINDS + IPC_KIND_SEM] = { "posixsemaphores", "POSIX semaphores", "POSIX semaphores", "posix-sem",
				    DEFAULTS(default_posix_sem_cols) },
};

#undef DEFAULTS

const char *kind_names(unsigned tables)
{
	static char texts[2][256];
	static int turn;
	char *text = texts[turn ^= 1];

	text[0] = '\0';
	for (int k = 0; k < NKINDS; k++) {
		bool sysv = tables & KIND_BIT(k), posix = tables & POSIX_KIND_BIT(k);
		if (!sysv && !posix)
			continue;
		if (text[0])
			strcat(text, ", ");
		if (sysv && !posix && (tables & POSIX_KINDS_ALL))
			strcat(text, "System V ");
		strcat(text, posix && !sysv ? kinds_info[NKINDS + k].plural : kinds_info[k].plural);
	}
	return text;
}

int column_by_name(const char *name, size_t len)
{
	for (int c = 0; c < NCOLS; c++)
		if (strlen(columns[c].name) == len && strncasecmp(columns[c].name, name, len) == 0)
			return c;
	return -1;
}

const char *list_column_name(size_t i)
{
	return i < NCOLS ? columns[i].name : NULL;
}
