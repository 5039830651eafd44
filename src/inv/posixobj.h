/* Every POSIX object of a kind, as list and rm see them.
 *
 * Shared memory objects are the regular files in /dev/shm, named
 * semaphores the files /dev/shm/sem.NAME (glibc's layout).  Message queues
 * are only visible through a mount of the mqueue file system: it is found
 * in /proc/self/mountinfo, as it is not always at /dev/mqueue. */
#ifndef IPCTOOL_POSIXOBJ_H
#define IPCTOOL_POSIXOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "inv/sysvobj.h"
#include "lib/target.h"

#define POSIX_SHM_DIR "/dev/shm"

struct posix_obj {
	enum ipc_kind kind;
	char name[POSIX_NAME_MAX + 2];  /* "/name" */
	unsigned mode;                  /* permission bits */
	uid_t uid;
	gid_t gid;
	time_t mtime, ctime;
	dev_t dev;                      /* the file, which users.h finds in */
	ino_t ino;                      /* maps and descriptors */
	bool has_stat;                  /* false: a queue seen without a mount */
	unsigned long long size;        /* shm: file size */
	/* queues: from the mqueue file and mq_getattr, when readable */
	bool has_qsize;
	unsigned long long qsize;       /* bytes in the queued messages */
	pid_t notify_pid;
	bool has_attr;
	long long curmsgs, maxmsg, msgsize;
	/* semaphores: sem_getvalue, when it may be opened */
	bool has_value;
	int value;
	unsigned long long ipcns;       /* its IPC namespace's inode (0: not known) */
	bool shared;                    /* --ns, --all-namespaces: its file system is ipctool's own or
					 * another namespace's too (ipcns.h) */
};

struct posix_list {
	struct posix_obj *objs;
	size_t n, cap;
};

/* The directory where this IPC namespace's mqueue file system is mounted,
 * or NULL when none is (then queues cannot be listed, only named). */
const char *posix_mqueue_dir(void);

/* Append every object of the kinds in KINDS (a mask of KIND_BIT), sorted
 * by name within a kind.  Queues are skipped when posix_mqueue_dir() is
 * NULL; the caller says so.  Returns 0 or a reported status. */
int posix_load_kinds(unsigned kinds, struct posix_list *list);
void posix_list_free(struct posix_list *list);
/* Append a copy of O; 0 or a reported status. */
int posix_list_add(struct posix_list *list, const struct posix_obj *o);

/* The objects of the kinds in KINDS named NAME ("/name"): at most one per
 * kind, stored in FOUND[] (each with every detail readable); returns how
 * many. */
size_t posix_find(const char *name, unsigned kinds, struct posix_obj found[NKINDS]);

/* Open FILE ("name" or "sem.name") in /dev/shm as shm_open(3) would
 * (O_NOFOLLOW, O_CLOEXEC), but without ever blocking or opening what is
 * not a regular file: open(2) of a FIFO waits for a writer forever, and a
 * device may act on being opened.  Returns the descriptor (blocking); -1
 * with errno when open fails; POSIX_NOT_REGULAR, with the file's type in
 * *TYPE, when it is not a regular file. */
#define POSIX_NOT_REGULAR (-2)
int posix_shm_file_open(const char *file, int flags, mode_t mode, mode_t *type);

/* mq_unlink, shm_unlink or sem_unlink; 0, or -1 with errno. */
int posix_remove(const struct posix_obj *o);

/* "POSIX message queue /name" for messages. */
const char *posix_kind_name(enum ipc_kind kind);
/* What the file D_NAME of /dev/shm holds: a semaphore ("sem.NAME", NAME
 * not empty) or a shared memory object.  Sets *KIND; returns its name
 * without the leading '/'. */
const char *posix_shm_entry(const char *d_name, enum ipc_kind *kind);
const char *posix_describe(const struct posix_obj *o);

#endif
