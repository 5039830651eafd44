/* dump's System V record writers (ipctool-dump(1)): queues copied with
 * MSG_COPY, segments read (attached read-only), semaphore values read;
 * nothing is taken or changed.  The objects are found one at a time by
 * index (*_STAT_ANY), so memory stays bounded by one object. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "cmd/dump.h"
#include "inv/sysvobj.h"
#include "lib/error.h"
#include "lib/json.h"
#include "mech/queue.h"

/* IPC_STAT of WHAT id ID failed: an object removed meanwhile is no error
 * (a dump is of what exists), anything else is reported.  0: go on. */
static int stat_failed(struct out *w, const char *what, int id)
{
	if (errno != EINVAL && errno != EIDRM) {
		fail_errno("cannot dump %s id %d", what, id);
		dump_skipped(w);
	}
	return 0;
}

static int dump_sysv_queue(struct out *w, int id)
{
	struct msqid_ds ds;
	struct target t;
	struct queue q;

	if (msgctl(id, IPC_STAT, &ds) != 0)
		return stat_failed(w, "message queue", id);
	target_init(&t);
	t.kind = TARGET_ID;
	t.id = id;
	snprintf(t.text, sizeof(t.text), "%d", id);
	if (queue_open(&q, &t) != 0) {
		dump_skipped(w);
		return 0;
	}
	/* No message there is longer than the bytes it holds, none that comes
	 * longer than the queue takes: room for one, not the whole capacity. */
	size_t room = q.max_message > ds.msg_cbytes ? q.max_message : ds.msg_cbytes;
	struct queue_record *rec = malloc(sizeof(*rec) + room);
	if (!rec) {
		queue_close(&q);
		return dump_oom(w);
	}
	unsigned long long n = 0;
	int rc = 0;
	if (sysv_head(w, IPC_KIND_QUEUE, &ds.msg_perm, id) ||
	    buf_printf(&w->b, ",\"max_bytes\":%llu}", (unsigned long long)ds.msg_qbytes) || out_line(w))
		rc = -1;
	/* Copies by position: a message another process takes meanwhile
	 * ends the copying early (ENOMSG), one that arrives is left out. */
	for (; rc == 0 && n < ds.msg_qnum; n++) {
		enum queue_result res = queue_copy(&q, n, rec, room);
		if (res != QUEUE_OK) {
			if (res == QUEUE_ERROR && errno != ENOMSG) {
				queue_report(&q, "copy the messages of");
				dump_skipped(w);
			}
			break;
		}
		if (json_append_message(&w->b, "type", rec->tag, rec->data, rec->size) || out_line(w))
			rc = -1;
	}
	if (rc == 0 && (buf_printf(&w->b, "{\"end\":\"queue\",\"messages\":%llu}", n) || out_line(w)))
		rc = -1;
	free(rec);
	queue_close(&q);
	return rc;
}

/* The segment attached at ADDR (SIZE bytes) as a file: its mapping in
 * /proc/self/map_files, which the kernel opens for CAP_SYS_ADMIN (or
 * CAP_CHECKPOINT_RESTORE) only; -1 otherwise. */
static int segment_file(const void *addr, unsigned long long size)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)(uintptr_t)addr,
		 (unsigned long)((uintptr_t)addr + (size + (unsigned long long)sysconf(_SC_PAGESIZE) - 1) /
			(unsigned long long)sysconf(_SC_PAGESIZE) * (unsigned long long)sysconf(_SC_PAGESIZE)));
	return open(path, O_RDONLY | O_CLOEXEC);
}

static int dump_sysv_shm(struct out *w, int id)
{
	struct shmid_ds ds;

	if (shmctl(id, IPC_STAT, &ds) != 0)
		return stat_failed(w, "shared memory segment", id);
	unsigned char *addr = shmat(id, NULL, SHM_RDONLY);
	if (addr == (void *)-1) {
		fail_errno("cannot attach shared memory segment id %d to dump it", id);
		dump_skipped(w);
		return 0;
	}
	unsigned long long chunks = 0, size = ds.shm_segsz;
	int rc = 0;
	if (sysv_head(w, IPC_KIND_SHM, &ds.shm_perm, id) || buf_printf(&w->b, ",\"size\":%llu}", size) ||
	    out_line(w))
		rc = -1;
	/* As a file it is read like a POSIX segment: its holes (never written)
	 * are skipped without being touched, its swapped pages still read. */
	int fd = rc == 0 ? segment_file(addr, size) : -1;
	unsigned char *chunk = fd >= 0 ? malloc(DUMP_CHUNK) : NULL;
	if (rc == 0 && chunk) {
		int got = dump_file_bytes(w, fd, size, &chunks, chunk);
		if (got == -1) {
			fail_errno("cannot read shared memory segment id %d", id);
			w->failed = true;
		}
		rc = got == 0 ? 0 : -1;
	} else if (rc == 0) {
		rc = dump_mapped_bytes(w, addr, size, &chunks);
	}
	free(chunk);
	if (fd >= 0)
		close(fd);
	shmdt(addr);
	if (rc == 0 && (buf_printf(&w->b, "{\"end\":\"shm\",\"chunks\":%llu}", chunks) || out_line(w)))
		rc = -1;
	return rc;
}

static int dump_sysv_sem(struct out *w, int id)
{
	struct semid_ds ds;
	union semun { int val; struct semid_ds *buf; unsigned short *array; } arg = { .buf = &ds };

	if (semctl(id, 0, IPC_STAT, arg) != 0)
		return stat_failed(w, "semaphore set", id);
	unsigned short *values = calloc(ds.sem_nsems ? ds.sem_nsems : 1, sizeof(*values));
	if (!values)
		return dump_oom(w);
	arg.array = values;
	int rc = 0;
	if (semctl(id, 0, GETALL, arg) != 0) {
		fail_errno("cannot read the values of semaphore set id %d", id);
		dump_skipped(w);
	} else {
		if (sysv_head(w, IPC_KIND_SEM, &ds.sem_perm, id) ||
		    buf_printf(&w->b, ",\"nsems\":%lu,\"values\":[", (unsigned long)ds.sem_nsems))
			rc = -1;
		for (unsigned long i = 0; rc == 0 && i < ds.sem_nsems; i++)
			if (buf_printf(&w->b, "%s%u", i ? "," : "", values[i]))
				rc = -1;
		if (rc == 0 && (buf_append(&w->b, "]}", 2) || out_line(w) ||
				buf_append_str(&w->b, "{\"end\":\"sem\"}") || out_line(w)))
			rc = -1;
	}
	free(values);
	return rc;
}

int dump_sysv(struct out *w, enum ipc_kind kind, int id)
{
	static int (*const writer[NKINDS])(struct out *, int) = { dump_sysv_queue, dump_sysv_shm, dump_sysv_sem };

	return dump_object_done(w, w->counting ? 0 : writer[kind](w, id));
}

/* The highest index in use of KIND (-1: none), from *_INFO. */
static int sysv_max_index(enum ipc_kind kind)
{
	struct msginfo mi;
	struct shm_info si;
	struct seminfo sei;
	union semun { int val; void *buf; struct seminfo *__buf; } arg = { .__buf = &sei };

	switch (kind) {
	case IPC_KIND_QUEUE: return msgctl(0, MSG_INFO, (struct msqid_ds *)(void *)&mi);
	case IPC_KIND_SHM: return shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si);
	case IPC_KIND_SEM: return semctl(0, 0, SEM_INFO, arg);
	}
	return -1;
}

/* The id and owner at index IDX, or -1 when the slot is empty; read as
 * list reads it (sysv_stat_record: older kernels too). */
static int sysv_at(enum ipc_kind kind, int idx, uid_t *uid)
{
	union sysv_ds ds;
	int id = sysv_stat_record(kind, idx, false, &ds);

	if (id >= 0)
		*uid = kind == IPC_KIND_QUEUE ? ds.msg.msg_perm.uid
		       : kind == IPC_KIND_SHM ? ds.shm.shm_perm.uid : ds.sem.sem_perm.uid;
	return id;
}

int dump_sysv_all(struct out *w, const struct select_options *s)
{
	for (int k = 0; k < NKINDS; k++) {
		if (!(s->kinds & KIND_BIT(k)))
			continue;
		int max = sysv_max_index((enum ipc_kind)k);
		for (int idx = 0; idx <= max; idx++) {
			uid_t uid = 0;
			int id = sysv_at((enum ipc_kind)k, idx, &uid);
			if (id < 0 || (s->has_user && uid != s->user))
				continue;
			if (dump_sysv(w, (enum ipc_kind)k, id) != 0)
				return -1;
		}
	}
	return 0;
}

int sysv_resolve(enum ipc_kind kind, const struct target *t, key_t key)
{
	union sysv_ds ds;

	if (t->kind == TARGET_ID)
		return sysv_stat_record(kind, t->id, true, &ds);
	if (key == IPC_PRIVATE)
		return -1;
	return kind == IPC_KIND_QUEUE ? msgget(key, 0) : kind == IPC_KIND_SHM ? shmget(key, 0, 0) : semget(key, 0, 0);
}
