/* Every System V object of a kind, as list and rm see them.
 *
 * Loading reads /proc/sysvipc/{msg,shm,sem} in one pass when present (it
 * shows every object, readable or not, and costs one read per 4 KiB); when
 * not, it walks the kernel's index with MSG_STAT_ANY/SHM_STAT_ANY/
 * SEM_STAT_ANY up to the highest index *_INFO reports. */
#ifndef IPCTOOL_SYSVOBJ_H
#define IPCTOOL_SYSVOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/types.h>
#include <time.h>

#include "lib/target.h"

#define KIND_BIT(kind) (1u << (kind))
#define KINDS_ALL (KIND_BIT(IPC_KIND_QUEUE) | KIND_BIT(IPC_KIND_SHM) | KIND_BIT(IPC_KIND_SEM))
#define NKINDS 3

struct sysv_obj {
	enum ipc_kind kind;
	key_t key;
	int id;
	unsigned mode;             /* permission bits and, for shm, SHM_DEST etc. */
	uid_t uid, cuid;
	gid_t gid, cgid;
	time_t ctime;
	/* message queues */
	unsigned long long cbytes, qnum;
	pid_t lspid, lrpid;
	time_t stime, rtime;
	/* shared memory */
	unsigned long long segsz, nattch, rss, swap;  /* rss, swap in bytes; /proc only */
	pid_t cpid, lpid;
	time_t atime, dtime;
	/* semaphore sets */
	unsigned long long nsems;
	time_t otime;
	/* its IPC namespace's inode (0: not known), and, for list
	 * --all-namespaces, a queue's capacity read while in that namespace */
	unsigned long long ipcns;
	bool has_qbytes;
	unsigned long long qbytes;
};

struct sysv_list {
	struct sysv_obj *objs;
	size_t n, cap;
};

/* Append every object of KIND to LIST.  Returns 0 or a reported status. */
int sysv_load(enum ipc_kind kind, struct sysv_list *list);
/* Load every kind in KINDS (a mask of KIND_BIT). */
int sysv_load_kinds(unsigned kinds, struct sysv_list *list);
/* Append a copy of O (status 1 when memory ran out). */
int sysv_list_add(struct sysv_list *list, const struct sysv_obj *o);
void sysv_list_free(struct sysv_list *list);

/* Objects of the kinds in KINDS that TARGET (an id, key or resolved ftok)
 * names: at most one per kind, stored in FOUND[]; returns how many. */
size_t sysv_find(const struct sysv_list *list, const struct target *t, unsigned kinds,
		 const struct sysv_obj *found[NKINDS]);

/* The object of KIND with id ID as it is now (IPC_STAT: needs read
 * permission); 0, or -1 with errno (EINVAL, EIDRM: gone). */
int sysv_stat(enum ipc_kind kind, int id, struct sysv_obj *o);
/* One object's kernel record, whichever its kind. */
union sysv_ds {
	struct msqid_ds msg;
	struct shmid_ds shm;
	struct semid_ds sem;
};
/* The record of the object at INDEX of the kernel's table into DS, as
 * ipcs reads them: *_STAT_ANY (Linux 4.17), which ignores read permission
 * as /proc does, else *_STAT on older kernels; BY_ID: IPC_STAT of the id
 * INDEX.  Returns the object's id, or -1 (errno set). */
int sysv_stat_record(enum ipc_kind kind, int index, bool by_id, union sysv_ds *ds);

/* A queue's capacity, msg_qbytes, which only IPC_STAT tells (it needs
 * read permission); false when it cannot be read. */
bool sysv_queue_qbytes(int id, unsigned long long *qbytes);

/* IPC_RMID; 0, or -1 with errno. */
int sysv_remove(const struct sysv_obj *o);

/* "message queue id 5 (key 0x000004d2)" for messages. */
const char *sysv_describe(const struct sysv_obj *o);

/* Owner names, through a small cache: "root", or the number when the id
 * has no name.  The text stays valid until the next call. */
const char *user_name(uid_t uid);
const char *group_name(gid_t gid);


#endif
