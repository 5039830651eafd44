/* dump's POSIX record writers (ipctool-dump(1)): shared memory read as the
 * file it is (holes skipped), semaphore values read through a mapping.
 * A POSIX queue cannot be read without taking its messages: with
 * --consume-posix-queues they are taken, put back in the order they came,
 * and then written; otherwise its attributes alone.  The objects are found
 * by reading their directories, in byte order of their names. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd/dump.h"
#include "inv/sysvobj.h"
#include "inv/posixobj.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/json.h"
#include "lib/wait.h"
#include "mech/queue.h"

/* Take every message of Q (its count at the start: those sent later stay),
 * then send them back in the order they came.  They are held in memory
 * meanwhile, at most the queue's mq_maxmsg of mq_msgsize bytes. */
static int take_and_put_back(struct queue *q, long count, struct buf *held, const char *name)
{
	size_t span = queue_record_span((size_t)q->max_message);
	struct wait wt;
	int rc = 0;

	wait_init(&wt, true, NULL);
	for (long i = 0; i < count; i++) {
		if (buf_reserve(held, span) != 0) {
			rc = fail("out of memory");
			break;
		}
		struct queue_record *rec = (struct queue_record *)(held->data + held->len);
		enum queue_result res = queue_receive(q, &(struct queue_selector){ 0 }, rec, q->max_message, &wt);
		if (res == QUEUE_NOTHING)
			break;
		if (res != QUEUE_OK) {
			rc = queue_report(q, "take the messages of");
			break;
		}
		held->len += queue_record_span(rec->size);
	}
	for (size_t at = 0; at < held->len;) {
		const struct queue_record *rec = (const struct queue_record *)(held->data + at);
		if (queue_put_back(q, rec) != 0)
			rc = fail_errno("cannot put a message back into POSIX message queue %s", name);
		at += queue_record_span(rec->size);
	}
	return rc;
}

static int dump_posix_queue(struct out *w, const char *name)
{
	const char *dir = posix_mqueue_dir();
	char path[PATH_MAX];
	struct stat st;
	struct target t;
	struct queue q;
	struct mq_attr attr;

	snprintf(path, sizeof(path), "%s%s", dir ? dir : "", name);
	target_init(&t);
	if (target_parse(&t, name) != 0 || queue_open(&q, &t) != 0) {
		dump_skipped(w);
		return 0;
	}
	if (!dir || lstat(path, &st) != 0) {
		/* Without the mqueue mount the owner cannot be read. */
		fail("cannot dump POSIX message queue %s: its owner cannot be read without the mqueue file system "
		     "(mount -t mqueue none /dev/mqueue)", name);
		dump_skipped(w);
		queue_close(&q);
		return 0;
	}
	if (mq_getattr(q.mqd, &attr) != 0) {
		fail_errno("cannot dump POSIX message queue %s", name);
		dump_skipped(w);
		queue_close(&q);
		return 0;
	}
	struct buf held = { 0 };
	int rc = 0;
	if (w->consume && take_and_put_back(&q, attr.mq_curmsgs, &held, name) != 0)
		dump_skipped(w);
	if (posix_head(w, IPC_KIND_QUEUE, name, &st) ||
	    buf_printf(&w->b, ",\"max_messages\":%ld,\"message_size\":%ld%s}", attr.mq_maxmsg, attr.mq_msgsize,
		       w->consume ? "" : ",\"messages\":null") || out_line(w))
		rc = -1;
	unsigned long long n = 0;
	for (size_t at = 0; rc == 0 && at < held.len; n++) {
		const struct queue_record *rec = (const struct queue_record *)(held.data + at);
		if (json_append_message(&w->b, "priority", rec->tag, rec->data, rec->size) || out_line(w))
			rc = -1;
		at += queue_record_span(rec->size);
	}
	if (rc == 0 && (buf_printf(&w->b, "{\"end\":\"queue\",\"messages\":%llu}", n) || out_line(w)))
		rc = -1;
	buf_free(&held);
	queue_close(&q);
	return rc;
}

/* The regular file /dev/shm/FILE, opened without following a link or
 * blocking on a FIFO; -1 after reporting. */
static int open_shm_file(struct out *w, const char *file, const char *what, const char *name)
{
	mode_t type = 0;
	int fd = posix_shm_file_open(file, O_RDONLY, 0, &type);

	if (fd == POSIX_NOT_REGULAR) {
		fail("cannot dump %s %s: /dev/shm/%s is %s", what, name, file, file_kind(type));
		dump_skipped(w);
		return -1;
	}
	if (fd < 0) {
		if (errno != ENOENT) {
			fail_errno("cannot dump %s %s", what, name);
			dump_skipped(w);
		}
		return -1;
	}
	return fd;
}

static int dump_posix_shm(struct out *w, const char *name)
{
	int fd = open_shm_file(w, name + 1, "POSIX shared memory object", name);
	struct stat st;
	unsigned long long chunks = 0;
	int rc = 0;

	if (fd < 0)
		return 0;
	unsigned char *chunk = malloc(DUMP_CHUNK);
	if (!chunk) {
		close(fd);
		return dump_oom(w);
	}
	if (fstat(fd, &st) != 0) {
		fail_errno("cannot dump POSIX shared memory object %s", name);
		dump_skipped(w);
	} else if (posix_head(w, IPC_KIND_SHM, name, &st) ||
		   buf_printf(&w->b, ",\"size\":%llu}", (unsigned long long)st.st_size) || out_line(w)) {
		rc = -1;
	} else {
		int got = dump_file_bytes(w, fd, (unsigned long long)st.st_size, &chunks, chunk);
		if (got == -1) {
			/* The object's line is out: end it, say the dump is short. */
			fail_errno("cannot read POSIX shared memory object %s", name);
			w->failed = true;
			rc = -1;
		} else if (got != 0 || buf_printf(&w->b, "{\"end\":\"shm\",\"chunks\":%llu}", chunks) || out_line(w)) {
			rc = -1;
		}
	}
	free(chunk);
	close(fd);
	return rc;
}

static int dump_posix_sem(struct out *w, const char *name)
{
	char file[POSIX_NAME_MAX + 8];
	struct stat st;
	int value = 0;

	snprintf(file, sizeof(file), "sem.%s", name + 1);
	int fd = open_shm_file(w, file, "POSIX semaphore", name);
	if (fd < 0)
		return 0;
	int got = fstat(fd, &st);
	/* The value is the sem_t glibc keeps at the file's start; read it
	 * as sem_getvalue(3) would, through a mapping of the file. */
	sem_t *s = got == 0 && st.st_size >= (off_t)sizeof(sem_t)
		   ? mmap(NULL, sizeof(sem_t), PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	close(fd);
	if (s == MAP_FAILED || sem_getvalue(s, &value) != 0) {
		fail_errno("cannot read the value of POSIX semaphore %s", name);
		if (s != MAP_FAILED)
			munmap(s, sizeof(sem_t));
		dump_skipped(w);
		return 0;
	}
	munmap(s, sizeof(sem_t));
	if (posix_head(w, IPC_KIND_SEM, name, &st) ||
	    buf_printf(&w->b, ",\"nsems\":1,\"values\":[%d]}", value) || out_line(w) ||
	    buf_append_str(&w->b, "{\"end\":\"sem\"}") || out_line(w))
		return -1;
	return 0;
}

int dump_posix(struct out *w, enum ipc_kind kind, const char *name)
{
	static int (*const writer[NKINDS])(struct out *, const char *) = { dump_posix_queue, dump_posix_shm,
									   dump_posix_sem };

	return dump_object_done(w, w->counting ? 0 : writer[kind](w, name));
}

static int by_bytes(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The entry NAME of DIR (an fd) as the object of KIND it names, or 0
 * when it names none (another kind, not a regular file, another owner). */
static int dump_posix_entry(struct out *w, int dir, const char *entry, enum ipc_kind kind,
			    const struct select_options *s)
{
	const char *base = entry;
	struct stat st;

	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return 0;
	if (kind != IPC_KIND_QUEUE) {
		enum ipc_kind holds;
		base = posix_shm_entry(entry, &holds);
		if (holds != kind)
			return 0;
	}
	if (!*base || fstatat(dir, entry, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
	    (s->has_user && st.st_uid != s->user))
		return 0;
	char name[POSIX_NAME_MAX + 2];
	snprintf(name, sizeof(name), "/%s", base);
	return dump_posix(w, kind, name);
}

/* Each entry of DIR that names an object of KIND, in byte order of their
 * names, so that two dumps of the same objects are the same lines (the
 * names are held meanwhile: the one thing a dump holds per object). */
static int dump_posix_dir(struct out *w, const char *dir, enum ipc_kind kind, const struct select_options *s)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_bytes);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (n < 0 || fd < 0) {
		if (errno != ENOENT) {
			fail_errno("cannot read %s", dir);
			dump_skipped(w);
		}
		if (n >= 0) {
			for (int i = 0; i < n; i++)
				free(names[i]);
			free(names);
		}
		if (fd >= 0)
			close(fd);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (rc == 0)
			rc = dump_posix_entry(w, fd, names[i]->d_name, kind, s);
		free(names[i]);
	}
	free(names);
	close(fd);
	return rc;
}

int dump_posix_all(struct out *w, const struct select_options *s)
{
	for (int k = 0; k < NKINDS; k++) {
		if (!(s->kinds & KIND_BIT(k)))
			continue;
		const char *dir = k == IPC_KIND_QUEUE ? posix_mqueue_dir() : POSIX_SHM_DIR;
		if (!dir) {
			warn("POSIX message queues are not dumped: no mqueue file system is mounted");
			continue;
		}
		if (dump_posix_dir(w, dir, (enum ipc_kind)k, s) != 0)
			return -1;
	}
	return 0;
}

bool posix_exists(enum ipc_kind kind, const char *name)
{
	struct posix_obj found[NKINDS];

	return posix_find(name, KIND_BIT(kind), found) > 0;
}
