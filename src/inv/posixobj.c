#include "inv/posixobj.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/nsenter.h"

#define MQUEUE_MAGIC 0x19800202

/* glibc keeps a named semaphore /NAME in /dev/shm/sem.NAME. */
#define SEM_PREFIX "sem."

void posix_list_free(struct posix_list *list)
{
	free(list->objs);
	memset(list, 0, sizeof(*list));
}

int posix_list_add(struct posix_list *list, const struct posix_obj *o)
{
	struct posix_obj *objs = array_grow(list->objs, &list->cap, list->n, sizeof(*objs), 32);

	if (!objs)
		return fail("out of memory");
	list->objs = objs;
	list->objs[list->n++] = *o;
	return 0;
}

/* ---- where the queues are ---------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_mountinfo(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

static bool is_mqueue_dir(const char *dir)
{
	struct statfs fs;

	return statfs(dir, &fs) == 0 && fs.f_type == MQUEUE_MAGIC;
}

/* The last mqueue mount in mountinfo whose directory still shows an
 * mqueue file system: a later mount on the same directory hides an earlier
 * one (tests/run mounts the private namespace's over the host's). */
static bool find_mqueue_mount(char *dir, size_t size)
{
	/* ipctool's own /proc: the entered mount namespace's may be another
	 * PID namespace's, where "self" is not ipctool. */
	int fd = ns_proc_open("self/mountinfo", O_RDONLY);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "mqueue ", 7) != 0)
			continue;
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		char *p = line;
		for (int field = 0; field < 4 && p; field++)
			if ((p = strchr(p, ' ')))
				p++;
		if (!p)
			continue;
		char *end = strchr(p, ' ');
		if (!end || (size_t)(end - p) >= size)
			continue;
		*end = '\0';
		unescape_mountinfo(p);
		if (is_mqueue_dir(p)) {
			snprintf(dir, size, "%s", p);
			found = true;
		}
	}
	free(line);
	fclose(f);
	return found;
}

const char *posix_mqueue_dir(void)
{
	static char dir[4096];
	static int state;   /* 0 not looked, 1 found, -1 none */
	static unsigned generation;

	/* Looked for again in each namespace list --all-namespaces enters. */
	if (generation != ns_generation()) {
		generation = ns_generation();
		state = 0;
	}
	if (state == 0) {
		state = -1;
		if (find_mqueue_mount(dir, sizeof(dir)))
			state = 1;
		else if (is_mqueue_dir("/dev/mqueue")) {   /* no /proc */
			snprintf(dir, sizeof(dir), "/dev/mqueue");
			state = 1;
		}
	}
	return state == 1 ? dir : NULL;
}

/* ---- the details of one object ----------------------------------------- */

static void from_stat(struct posix_obj *o, const struct stat *st)
{
	o->mode = st->st_mode & 07777;
	o->uid = st->st_uid;
	o->gid = st->st_gid;
	o->mtime = st->st_mtime;
	o->ctime = st->st_ctime;
	o->size = (unsigned long long)st->st_size;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->has_stat = true;
}

/* The mqueue file reads "QSIZE:N NOTIFY:N SIGNO:N NOTIFY_PID:N" (with
 * padding); it needs read permission. */
static void read_queue_file(struct posix_obj *o, int dirfd, const char *file)
{
	char text[256];
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

	if (fd < 0)
		return;
	ssize_t got = read_full(fd, text, sizeof(text) - 1);
	close(fd);
	if (got <= 0)
		return;
	text[got] = '\0';
	unsigned long long qsize;
	int notify, signo, pid;
	if (sscanf(text, "QSIZE:%llu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &qsize, &notify, &signo, &pid) == 4) {
		o->has_qsize = true;
		o->qsize = qsize;
		o->notify_pid = pid;
	}
}

/* mq_getattr needs the queue open, for reading or for writing: opening
 * takes and changes nothing. */
static void read_queue_attr(struct posix_obj *o)
{
	mqd_t mq = mq_open(o->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct mq_attr attr;

	if (mq == (mqd_t)-1 && errno == EACCES)
		mq = mq_open(o->name, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (mq == (mqd_t)-1)
		return;
	if (mq_getattr(mq, &attr) == 0) {
		o->has_attr = true;
		o->curmsgs = attr.mq_curmsgs;
		o->maxmsg = attr.mq_maxmsg;
		o->msgsize = attr.mq_msgsize;
	}
	mq_close(mq);
}

/* sem_open maps sizeof(sem_t) bytes of the file: a shorter file would
 * fault, so it is left unread.  sem_open needs read and write permission. */
static void read_sem_value(struct posix_obj *o)
{
	if (o->size < sizeof(sem_t))
		return;
	sem_t *sem = sem_open(o->name, 0);
	if (sem == SEM_FAILED)
		return;
	int value;
	if (sem_getvalue(sem, &value) == 0) {
		o->has_value = true;
		o->value = value;
	}
	sem_close(sem);
}

static void init_obj(struct posix_obj *o, enum ipc_kind kind, const char *name)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->ipcns = ns_current_ipc();
	o->name[0] = '/';
	snprintf(o->name + 1, sizeof(o->name) - 1, "%s", name);
}

/* ---- every object ------------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct posix_obj *)a)->name, ((const struct posix_obj *)b)->name);
}

/* Objects FIRST to the end of LIST by name (qsort must not see a NULL
 * array, which an empty list has). */
static void sort_from(struct posix_list *list, size_t first)
{
	if (list->n > first)
		qsort(list->objs + first, list->n - first, sizeof(*list->objs), by_name);
}

static bool regular_entry(int dirfd, const struct dirent *d, struct stat *st)
{
	if (d->d_type != DT_REG && d->d_type != DT_UNKNOWN)
		return false;
	return fstatat(dirfd, d->d_name, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st->st_mode);
}

static int load_queues(struct posix_list *list)
{
	const char *dir = posix_mqueue_dir();
	size_t first = list->n;
	int rc = 0;

	if (!dir)
		return 0;
	DIR *d = opendir(dir);
	if (!d)
		return fail_errno("cannot read the POSIX message queues in %s", dir);
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		struct stat st;
		struct posix_obj o;
		if (strlen(e->d_name) > POSIX_NAME_MAX || !regular_entry(dirfd(d), e, &st))
			continue;
		init_obj(&o, IPC_KIND_QUEUE, e->d_name);
		from_stat(&o, &st);
		read_queue_file(&o, dirfd(d), e->d_name);
		read_queue_attr(&o);
		rc = posix_list_add(list, &o);
	}
	closedir(d);
	sort_from(list, first);
	return rc;
}

/* Shared memory and semaphores share /dev/shm: one pass for both. */
static int load_shm_dir(unsigned kinds, struct posix_list *list)
{
	size_t first = list->n;
	int rc = 0;
	DIR *d = opendir(POSIX_SHM_DIR);

	if (!d)
		return errno == ENOENT ? 0 : fail_errno("cannot read %s", POSIX_SHM_DIR);
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		enum ipc_kind kind;
		const char *name = posix_shm_entry(e->d_name, &kind);
		struct stat st;
		struct posix_obj o;
		if (!(kinds & KIND_BIT(kind)) || strlen(name) > POSIX_NAME_MAX ||
		    !regular_entry(dirfd(d), e, &st))
			continue;
		init_obj(&o, kind, name);
		from_stat(&o, &st);
		if (kind == IPC_KIND_SEM)
			read_sem_value(&o);
		rc = posix_list_add(list, &o);
	}
	closedir(d);
	/* Shared memory first, then semaphores, each by name. */
	sort_from(list, first);
	size_t n = list->n - first, nshm = 0;
	struct posix_obj *objs = list->objs + first;
	for (size_t i = 0; i < n; i++)
		if (objs[i].kind == IPC_KIND_SHM) {
			struct posix_obj o = objs[i];
			memmove(objs + nshm + 1, objs + nshm, (i - nshm) * sizeof(*objs));
			objs[nshm++] = o;
		}
	return rc;
}

int posix_load_kinds(unsigned kinds, struct posix_list *list)
{
	int rc = 0;

	if (kinds & KIND_BIT(IPC_KIND_QUEUE))
		rc = load_queues(list);
	if (rc == 0 && (kinds & (KIND_BIT(IPC_KIND_SHM) | KIND_BIT(IPC_KIND_SEM))))
		rc = load_shm_dir(kinds, list);
	return rc;
}

/* ---- one object by name ------------------------------------------------ */

/* Without a mount a queue is still found: mq_open says whether it exists
 * (EACCES means it does). */
static bool find_queue(const char *name, struct posix_obj *o)
{
	const char *dir = posix_mqueue_dir();

	init_obj(o, IPC_KIND_QUEUE, name + 1);
	if (dir) {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		bool there = dfd >= 0 && fstatat(dfd, name + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			     S_ISREG(st.st_mode);
		if (there) {
			from_stat(o, &st);
			read_queue_file(o, dfd, name + 1);
		}
		if (dfd >= 0)
			close(dfd);
		if (there)
			read_queue_attr(o);
		return there;
	}
	mqd_t mq = mq_open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (mq == (mqd_t)-1)
		return errno == EACCES;
	mq_close(mq);
	read_queue_attr(o);
	return true;
}

static bool find_in_shm_dir(const char *name, enum ipc_kind kind, struct posix_obj *o)
{
	char path[sizeof(POSIX_SHM_DIR) + sizeof(SEM_PREFIX) + POSIX_NAME_MAX + 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s%s", POSIX_SHM_DIR, kind == IPC_KIND_SEM ? SEM_PREFIX : "",
		 name + 1);
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	init_obj(o, kind, name + 1);
	from_stat(o, &st);
	if (kind == IPC_KIND_SEM)
		read_sem_value(o);
	return true;
}

size_t posix_find(const char *name, unsigned kinds, struct posix_obj found[NKINDS])
{
	size_t n = 0;

	if ((kinds & KIND_BIT(IPC_KIND_QUEUE)) && find_queue(name, &found[n]))
		n++;
	if ((kinds & KIND_BIT(IPC_KIND_SHM)) && find_in_shm_dir(name, IPC_KIND_SHM, &found[n]))
		n++;
	if ((kinds & KIND_BIT(IPC_KIND_SEM)) && find_in_shm_dir(name, IPC_KIND_SEM, &found[n]))
		n++;
	return n;
}

/* ---- opening a file in /dev/shm ---------------------------------------- */

/* Close FD after a failed call, keeping that call's errno; returns -1. */
static int close_failed(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
}

int posix_shm_file_open(const char *file, int flags, mode_t mode, mode_t *type)
{
	char path[sizeof(POSIX_SHM_DIR) + sizeof(SEM_PREFIX) + POSIX_NAME_MAX + 2];
	struct stat st;
	int fd, fl;

	snprintf(path, sizeof(path), "%s/%s", POSIX_SHM_DIR, file);
	/* Look first, so a device or FIFO is not even opened... */
	if (!(flags & O_CREAT) && lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		*type = st.st_mode;
		return POSIX_NOT_REGULAR;
	}
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode);
	if (fd < 0) {
		if (errno != ELOOP && errno != EISDIR)
			return -1;
		*type = errno == ELOOP ? S_IFLNK : S_IFDIR;
		return POSIX_NOT_REGULAR;
	}
	/* ...and check again what was opened: it may have been replaced. */
	if (fstat(fd, &st) != 0)
		return close_failed(fd);
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*type = st.st_mode;
		return POSIX_NOT_REGULAR;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return close_failed(fd);
	return fd;
}

int posix_remove(const struct posix_obj *o)
{
	switch (o->kind) {
	case IPC_KIND_QUEUE: return mq_unlink(o->name);
	case IPC_KIND_SHM: return shm_unlink(o->name);
	case IPC_KIND_SEM: return sem_unlink(o->name);
	}
	errno = EINVAL;
	return -1;
}

const char *posix_kind_name(enum ipc_kind kind)
{
	static const char *const names[] = {
		[IPC_KIND_QUEUE] = "POSIX message queue", [IPC_KIND_SHM] = "POSIX shared memory object", [IPC_KIND_SEM] = "POSIX semaphore",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "POSIX object";
}

const char *posix_describe(const struct posix_obj *o)
{
	static char text[POSIX_NAME_MAX + 64];

	snprintf(text, sizeof(text), "%s %s", posix_kind_name(o->kind), o->name);
	return text;
}

const char *posix_shm_entry(const char *d_name, enum ipc_kind *kind)
{
	bool is_sem = strncmp(d_name, SEM_PREFIX, strlen(SEM_PREFIX)) == 0 && d_name[strlen(SEM_PREFIX)] != '\0';

	*kind = is_sem ? IPC_KIND_SEM : IPC_KIND_SHM;
	return is_sem ? d_name + strlen(SEM_PREFIX) : d_name;
}
