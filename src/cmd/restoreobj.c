/* restore's objects (ipctool-restore(1)), each all or nothing.  An object
 * is made the moment its first line is read and filled by the lines that
 * follow; only its end line makes it final (its mode and owner set, a
 * POSIX file renamed to its name).  Until then it is 0600 and, wherever
 * the kernel allows, not under its name yet:
 *   System V       created with IPC_EXCL under its key (or private), and
 *                  removed again when filling fails;
 *   POSIX shm/sem  made under a temporary name in /dev/shm, then renamed
 *                  (RENAME_NOREPLACE) to its name;
 *   POSIX queue    the mqueue file system cannot rename: created with
 *                  O_EXCL under its name, unlinked when filling fails.
 * A line that is not what may stand there stops the restore with status 1
 * naming the line; the objects before it stay restored. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/restore.h"
#include "inv/posixobj.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/target.h"

const char *restore_describe(const struct dump_object *o)
{
	static char text[POSIX_NAME_MAX * 4 + 80];
	static const char *const sysv_kinds[] = { "message queue", "shared memory segment", "semaphore set" };

	if (o->posix) {
		char shown[POSIX_NAME_MAX * 4 + 8];
		snprintf(text, sizeof(text), "%s %s", posix_kind_name(o->kind), shown_form(o->name, shown, sizeof(shown)));
	} else if (o->key == IPC_PRIVATE) {
		snprintf(text, sizeof(text), "private %s id %d", sysv_kinds[o->kind], o->id);
	} else {
		snprintf(text, sizeof(text), "%s key 0x%08x", sysv_kinds[o->kind], (unsigned)o->key);
	}
	return text;
}

/* "line N: ...", status 1. */
int restore_line_fail(struct restorer *r, unsigned long long line, const char *what)
{
	r->status = EXIT_FAIL;
	return fail("%s: line %llu: %s", r->source, line, what);
}

/* ---- making and unmaking ---- */

static int sysv_remove_id(enum ipc_kind kind, int id)
{
	switch (kind) {
	case IPC_KIND_QUEUE: return msgctl(id, IPC_RMID, NULL);
	case IPC_KIND_SHM: return shmctl(id, IPC_RMID, NULL);
	case IPC_KIND_SEM: return semctl(id, 0, IPC_RMID);
	}
	return -1;
}

/* Remove what was made of the object; nothing of it stays. */
void restore_undo(struct restorer *r)
{
	struct making *m = &r->m;

	if (m->addr) {
		shmdt(m->addr);
		m->addr = NULL;
	}
	if (m->made) {
		if (!m->obj.posix)
			sysv_remove_id(m->obj.kind, m->id);
		else if (m->obj.kind == IPC_KIND_QUEUE)
			mq_unlink(m->obj.name);
		else
			unlinkat(r->dir, m->temp, 0);
	}
	if (m->fd >= 0)
		close(m->fd);
	if (m->mqd != (mqd_t)-1)
		mq_close(m->mqd);
	m->fd = -1;
	m->mqd = (mqd_t)-1;
	m->made = false;
}

static const char *const next_id_files[] = {
	"/proc/sys/kernel/msg_next_id", "/proc/sys/kernel/shm_next_id", "/proc/sys/kernel/sem_next_id",
};

/* Ask the kernel for ID as the next one of KIND (the checkpoint/restore
 * sysctl: it holds for one creation). */
static int want_id(enum ipc_kind kind, int id)
{
	char text[32];
	int fd = open(next_id_files[kind], O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	int len = snprintf(text, sizeof(text), "%d\n", id);
	int rc = write_all(fd, text, (size_t)len, NULL);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

static int sysv_get(const struct dump_object *o, int flags)
{
	key_t key = o->key;

	switch (o->kind) {
	case IPC_KIND_QUEUE: return msgget(key, flags);
	case IPC_KIND_SHM: return shmget(key, o->size, flags);
	case IPC_KIND_SEM: return semget(key, (int)o->nsems, flags);
	}
	return -1;
}

/* The existing object under the dumped key: its id, or -1. */
static int sysv_existing(const struct dump_object *o)
{
	if (o->key == IPC_PRIVATE)
		return -1;
	switch (o->kind) {
	case IPC_KIND_QUEUE: return msgget(o->key, 0);
	case IPC_KIND_SHM: return shmget(o->key, 0, 0);
	case IPC_KIND_SEM: return semget(o->key, 0, 0);
	}
	return -1;
}

static int sysv_create(struct restorer *r, unsigned long long line)
{
	struct making *m = &r->m;
	char why[160];

	if (r->o->same_ids && want_id(m->obj.kind, m->obj.id) != 0) {
		snprintf(why, sizeof(why), "cannot ask for id %d for %s: %s: %s", m->obj.id, restore_describe(&m->obj),
			 next_id_files[m->obj.kind], strerror(errno));
		return restore_line_fail(r, line, why);
	}
	m->id = sysv_get(&m->obj, IPC_CREAT | IPC_EXCL | 0600);
	if (m->id < 0) {
		snprintf(why, sizeof(why), "cannot create %s: %s", restore_describe(&m->obj), strerror(errno));
		return restore_line_fail(r, line, why);
	}
	m->made = true;
	if (r->o->same_ids && m->id != m->obj.id) {
		snprintf(why, sizeof(why), "cannot have id %d for %s: the kernel gave %d (the id or its slot is taken)",
			 m->obj.id, restore_describe(&m->obj), m->id);
		restore_undo(r);
		return restore_line_fail(r, line, why);
	}
	return 0;
}

/* A queue's room is set before it is filled: the messages need it. */
static int sysv_prepare(struct restorer *r, unsigned long long line)
{
	struct making *m = &r->m;
	char why[200];

	if (m->obj.kind == IPC_KIND_QUEUE) {
		struct msqid_ds ds;
		if (msgctl(m->id, IPC_STAT, &ds) == 0) {
			ds.msg_qbytes = (msglen_t)m->obj.max_bytes;
			if (msgctl(m->id, IPC_SET, &ds) == 0)
				return 0;
		}
		snprintf(why, sizeof(why), "cannot set the max bytes of %s to %llu: %s%s", restore_describe(&m->obj),
			 m->obj.max_bytes, strerror(errno),
			 errno == EPERM ? " (above msgmnb it needs CAP_SYS_RESOURCE)" : "");
	} else if (m->obj.kind == IPC_KIND_SHM) {
		m->addr = shmat(m->id, NULL, 0);
		if (m->addr != (void *)-1)
			return 0;
		m->addr = NULL;
		snprintf(why, sizeof(why), "cannot attach %s to fill it: %s", restore_describe(&m->obj), strerror(errno));
	} else {
		union semun { int val; struct semid_ds *buf; unsigned short *array; } arg;
		unsigned short *v = malloc(m->obj.nsems * sizeof(*v));
		if (!v)
			return fail("out of memory");
		for (size_t i = 0; i < m->obj.nsems; i++)
			v[i] = (unsigned short)r->line.values[i];
		arg.array = v;
		int rc = semctl(m->id, 0, SETALL, arg);
		free(v);
		if (rc == 0)
			return 0;
		snprintf(why, sizeof(why), "cannot set the values of %s: %s", restore_describe(&m->obj), strerror(errno));
	}
	restore_undo(r);
	return restore_line_fail(r, line, why);
}

static void temp_name(struct restorer *r, const char *prefix)
{
	static unsigned serial;

	snprintf(r->m.temp, sizeof(r->m.temp), "%s.ipctool-restore.%d.%u", prefix, (int)getpid(), serial++);
}

static int posix_create(struct restorer *r, unsigned long long line)
{
	struct making *m = &r->m;
	char why[POSIX_NAME_MAX * 4 + 160];

	switch (m->obj.kind) {
	case IPC_KIND_QUEUE: {
		struct mq_attr attr = { .mq_maxmsg = m->obj.max_messages, .mq_msgsize = m->obj.message_size };
		mode_t old = umask(077);
		m->mqd = mq_open(m->obj.name, O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC, 0600, &attr);
		umask(old);
		if (m->mqd == (mqd_t)-1)
			break;
		m->made = true;
		return 0;
	}
	case IPC_KIND_SHM:
		temp_name(r, "");
		m->fd = openat(r->dir, m->temp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (m->fd < 0)
			break;
		m->made = true;
		if (ftruncate(m->fd, (off_t)m->obj.size) == 0)
			return 0;
		break;
	case IPC_KIND_SEM: {
		char name[80];
		temp_name(r, "sem.");
		snprintf(name, sizeof(name), "/%s", m->temp + 4);
		mode_t old = umask(077);
		sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, r->line.values[0]);
		umask(old);
		if (s == SEM_FAILED)
			break;
		m->made = true;
		sem_close(s);
		return 0;
	}
	}
	snprintf(why, sizeof(why), "cannot create %s: %s%s", restore_describe(&m->obj), strerror(errno),
		 errno == EINVAL && m->obj.kind == IPC_KIND_QUEUE
		 ? " (are max_messages and message_size within /proc/sys/fs/mqueue?)" : "");
	restore_undo(r);
	return restore_line_fail(r, line, why);
}

/* Does the POSIX object exist under its name? */
static bool posix_existing(struct restorer *r, const struct dump_object *o)
{
	struct stat st;
	char file[POSIX_NAME_MAX + 8];

	if (o->kind == IPC_KIND_QUEUE) {
		mqd_t q = mq_open(o->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (q != (mqd_t)-1) {
			mq_close(q);
			return true;
		}
		return errno != ENOENT;
	}
	snprintf(file, sizeof(file), "%s%s", o->kind == IPC_KIND_SEM ? "sem." : "", o->name + 1);
	return fstatat(r->dir, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* --replace: the object under the key or name goes first (a POSIX shm or
 * semaphore is replaced by the rename, in one step). */
static int remove_existing(struct restorer *r, int id, unsigned long long line)
{
	const struct dump_object *o = &r->m.obj;
	char why[POSIX_NAME_MAX * 4 + 120];

	if (!o->posix ? sysv_remove_id(o->kind, id) == 0 || errno == EINVAL || errno == EIDRM
		      : o->kind != IPC_KIND_QUEUE || mq_unlink(o->name) == 0 || errno == ENOENT)
		return 0;
	snprintf(why, sizeof(why), "cannot remove the %s there to replace it: %s", restore_describe(o), strerror(errno));
	return restore_line_fail(r, line, why);
}

/* The object's first line: refuse it, or make it. */
int restore_begin(struct restorer *r, unsigned long long line)
{
	struct making *m = &r->m;
	char why[POSIX_NAME_MAX * 4 + 120];

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->mqd = (mqd_t)-1;
	m->obj = r->line.obj;
	m->active = true;
	int id = m->obj.posix ? -1 : sysv_existing(&m->obj);
	bool exists = m->obj.posix ? posix_existing(r, &m->obj) : id >= 0;
	if (exists && !r->o->replace) {
		if (id >= 0)
			snprintf(why, sizeof(why), "%s exists (id %d): not restored; --replace replaces it", restore_describe(&m->obj), id);
		else
			snprintf(why, sizeof(why), "%s exists: not restored; --replace replaces it", restore_describe(&m->obj));
		m->skip = true;
		restore_line_fail(r, line, why);
		return 0;
	}
	m->replaces = exists;
	if (r->o->dry_run)
		return 0;
	if (exists && remove_existing(r, id, line) != 0) {
		m->skip = true;
		return 0;
	}
	int rc = m->obj.posix ? posix_create(r, line) : sysv_create(r, line);
	if (rc == 0 && !m->obj.posix)
		rc = sysv_prepare(r, line);
	if (rc != 0)
		m->skip = true;
	return 0;
}

int restore_message(struct restorer *r, unsigned long long line)
{
	struct making *m = &r->m;
	char why[POSIX_NAME_MAX * 4 + 160];
	int rc;

	m->count++;
	if (m->skip || r->o->dry_run)
		return 0;
	if (!m->obj.posix) {
		memcpy(r->msgbuf, &(long){ (long)r->line.tag }, sizeof(long));
		do
			rc = msgsnd(m->id, r->msgbuf, r->line.size, IPC_NOWAIT);
		while (rc != 0 && errno == EINTR);
	} else {
		do
			rc = mq_send(m->mqd, r->msgbuf + sizeof(long), r->line.size, (unsigned)r->line.tag);
		while (rc != 0 && errno == EINTR);
	}
	if (rc == 0)
		return 0;
	snprintf(why, sizeof(why), "cannot put message %llu into %s: %s%s", m->count, restore_describe(&m->obj),
		 strerror(errno), errno == EAGAIN ? " (the queue is full: its limits are smaller than its messages)"
			      : errno == EINVAL || errno == EMSGSIZE ? " (is it larger than msgmax or message_size?)" : "");
	restore_undo(r);
	m->skip = true;
	restore_line_fail(r, line, why);
	return 0;
}

/* Pages written are given back now and then, as dump does. */
enum { RELEASE_EVERY = 4 * 1024 * 1024 };

int restore_chunk(struct restorer *r, unsigned long long line)
{
	struct making *m = &r->m;
	const char *bytes = r->msgbuf + sizeof(long);
	size_t n = r->line.size;

	if (r->line.offset < m->next) {
		restore_undo(r);
		m->active = false;
		return restore_line_fail(r, line, "its offset is before the end of the chunk above it (chunks go in "
					  "order); the segment was not restored");
	}
	m->count++;
	m->next = r->line.offset + n;
	if (m->skip || r->o->dry_run)
		return 0;
	if (m->obj.posix) {
		if (pwrite_all(m->fd, bytes, n, (off_t)r->line.offset) != 0) {
			char why[POSIX_NAME_MAX * 4 + 120];
			snprintf(why, sizeof(why), "cannot write into %s: %s", restore_describe(&m->obj),
				 errno == ENOSPC ? "no room" : strerror(errno));
			restore_undo(r);
			m->skip = true;
			restore_line_fail(r, line, why);
		}
		return 0;
	}
	memcpy(m->addr + r->line.offset, bytes, n);
	if (m->next - m->released >= RELEASE_EVERY) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		unsigned long long upto = m->next / page * page;
		madvise(m->addr + m->released, (size_t)(upto - m->released), MADV_DONTNEED);
		m->released = upto;
	}
	return 0;
}

static int sysv_finish(struct restorer *r)
{
	struct making *m = &r->m;
	struct ipc_perm *p;
	struct msqid_ds mq;
	struct shmid_ds sh;
	struct semid_ds se;
	union semun { int val; struct semid_ds *buf; } arg = { .buf = &se };
	int rc;

	if (m->addr) {
		shmdt(m->addr);
		m->addr = NULL;
	}
	rc = m->obj.kind == IPC_KIND_QUEUE ? msgctl(m->id, IPC_STAT, &mq)
	     : m->obj.kind == IPC_KIND_SHM ? shmctl(m->id, IPC_STAT, &sh) : semctl(m->id, 0, IPC_STAT, arg);
	if (rc != 0)
		return -1;
	p = m->obj.kind == IPC_KIND_QUEUE ? &mq.msg_perm : m->obj.kind == IPC_KIND_SHM ? &sh.shm_perm : &se.sem_perm;
	p->mode = (p->mode & ~0777u) | m->obj.mode;
	/* Only root gives an object away; anyone else stays its owner. */
	if (geteuid() == 0) {
		p->uid = m->obj.uid;
		p->gid = m->obj.gid;
	}
	return m->obj.kind == IPC_KIND_QUEUE ? msgctl(m->id, IPC_SET, &mq)
	       : m->obj.kind == IPC_KIND_SHM ? shmctl(m->id, IPC_SET, &sh) : semctl(m->id, 0, IPC_SET, arg);
}

/* Mode and owner on descriptor FD. */
static int set_owner(int fd, const struct dump_object *o)
{
	if (fchmod(fd, o->mode) != 0)
		return -1;
	return geteuid() == 0 && fchown(fd, o->uid, o->gid) != 0 ? -1 : 0;
}

static int posix_finish(struct restorer *r)
{
	struct making *m = &r->m;
	char file[POSIX_NAME_MAX + 8];
	unsigned flags = r->o->replace ? 0 : RENAME_NOREPLACE;

	if (m->obj.kind == IPC_KIND_QUEUE)
		return set_owner(m->mqd, &m->obj);
	if (m->obj.kind == IPC_KIND_SEM) {
		m->fd = openat(r->dir, m->temp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (m->fd < 0)
			return -1;
	}
	if (set_owner(m->fd, &m->obj) != 0)
		return -1;
	snprintf(file, sizeof(file), "%s%s", m->obj.kind == IPC_KIND_SEM ? "sem." : "", m->obj.name + 1);
	if (renameat2(r->dir, m->temp, r->dir, file, flags) != 0)
		return -1;
	m->made = false;   /* under its name now: nothing to undo */
	return 0;
}

static void say_dry_run(const struct restorer *r)
{
	const struct making *m = &r->m;

	printf("would %s %s", m->replaces ? "replace" : "create", restore_describe(&m->obj));
	if (m->obj.kind == IPC_KIND_QUEUE)
		printf(m->obj.messages_null ? " (its messages were not dumped)\n" : " with %llu message%s\n",
		       m->count, m->count == 1 ? "" : "s");
	else if (m->obj.kind == IPC_KIND_SHM)
		printf(" of %llu bytes\n", m->obj.size);
	else
		printf(" of %zu semaphore%s\n", m->obj.nsems, m->obj.nsems == 1 ? "" : "s");
}

int restore_end(struct restorer *r, unsigned long long line)
{
	struct making *m = &r->m;
	char why[POSIX_NAME_MAX * 4 + 160];

	m->active = false;
	if (m->obj.kind != IPC_KIND_SEM && r->line.count != m->count) {
		snprintf(why, sizeof(why), "the end of %s counts %llu %s, but %llu came before it", restore_describe(&m->obj),
			 r->line.count, m->obj.kind == IPC_KIND_QUEUE ? "messages" : "chunks", m->count);
		restore_undo(r);
		return restore_line_fail(r, line, why);
	}
	if (m->skip)
		return 0;
	if (r->o->dry_run) {
		say_dry_run(r);
		r->restored++;
		return 0;
	}
	int rc = m->obj.posix ? posix_finish(r) : sysv_finish(r);
	if (rc != 0) {
		snprintf(why, sizeof(why), "cannot finish %s: %s%s", restore_describe(&m->obj), strerror(errno),
			 errno == EEXIST ? " (it was created meanwhile by another process)" : "");
		restore_undo(r);
		restore_line_fail(r, line, why);
		return 0;
	}
	m->made = false;
	restore_undo(r);   /* closes what is still open; removes nothing now */
	r->restored++;
	return 0;
}
