/* dump: System V and POSIX objects with their contents as JSON Lines, for
 * restore to bring back (the format: ipctool-dump(1), src/lib/dumpline.h).
 *
 * Nothing is taken or changed: System V messages are copied with MSG_COPY,
 * segments read (a System V one attached read-only), semaphore values
 * read.  Only a POSIX queue cannot be read without taking its messages:
 * with --consume-posix-queues they are taken, put back in the order they
 * came, and then written.
 *
 * Memory stays bounded whatever the dump's size: the System V objects are
 * found one at a time by index (*_STAT_ANY), the POSIX ones by reading
 * their directories entry by entry, every line goes out as soon as it is
 * made, and a segment goes out in DUMP_CHUNK pieces, its pages given back
 * (MADV_DONTNEED) as they are read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/dumpline.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/json.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"
#include "mech/queue.h"
#include "inv/sysvobj.h"
#include "lib/target.h"
#include "lib/wait.h"

enum { OPT_ALL = 1, OPT_NS, OPT_CONSUME };

struct dump_options {
	struct select_options select;
	bool all, consume;
	struct target *targets;
	size_t ntargets;
	pid_t ns_pid;
};

static struct poptOption dump_table[] = {
	{ "key", 'k', POPT_ARG_STRING, NULL, CLI_OPT_KEY, "System V key, decimal or 0x hex (repeatable)", "KEY" },
	{ "ftok", 'f', POPT_ARG_STRING, NULL, CLI_OPT_FTOK,
	  "key from ftok(3) of PATH; PROJ 1-255 or a character, default 1 (repeatable)", "PATH[:PROJ]" },
	{ "queues", 'q', POPT_ARG_NONE, NULL, CLI_OPT_QUEUES, "message queues", NULL },
	{ "shm", 'm', POPT_ARG_NONE, NULL, CLI_OPT_SHM, "shared memory segments", NULL },
	{ "sems", 's', POPT_ARG_NONE, NULL, CLI_OPT_SEMS, "semaphore sets", NULL },
	{ "sysv", '\0', POPT_ARG_NONE, NULL, CLI_OPT_SYSV, "with --all: System V objects (default: both families)", NULL },
	{ "posix", '\0', POPT_ARG_NONE, NULL, CLI_OPT_POSIX, "with --all: POSIX objects (default: both families)", NULL },
	{ "all", 'a', POPT_ARG_NONE, NULL, OPT_ALL, "every object of the chosen kinds and families", NULL },
	{ "user", '\0', POPT_ARG_STRING, NULL, CLI_OPT_USER, "with --all: only objects owned by USER (name or uid)", "USER" },
	{ "consume-posix-queues", '\0', POPT_ARG_NONE, NULL, OPT_CONSUME,
	  "take a POSIX queue's messages to dump them, and put them back (not atomic)", NULL },
	{ "ns", '\0', POPT_ARG_STRING, NULL, OPT_NS,
	  "in the IPC and mount namespaces of process PID (as nsenter --ipc --mount)", "PID" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int dump_option(int val, const char *arg, void *data)
{
	struct dump_options *o = data;
	struct target *t;

	switch (val) {
	case CLI_OPT_KEY:
	case CLI_OPT_FTOK:
		if (!(t = target_append(&o->targets, &o->ntargets)))
			return fail("out of memory");
		return target_option(t, val, arg);
	case OPT_ALL: o->all = true; return 0;
	case OPT_CONSUME: o->consume = true; return 0;
	case OPT_NS: return ns_parse_pid("--ns", arg, &o->ns_pid);
	}
	return CLI_UNHANDLED;
}

static int dump_check(struct dump_options *o, const struct cli *cli)
{
	for (int i = 0; i < cli->nargs; i++) {
		struct target *t = target_append(&o->targets, &o->ntargets);
		if (!t)
			return fail("out of memory");
		int rc = target_parse(t, cli->args[i]);
		if (rc)
			return rc;
	}
	if (o->all && o->ntargets)
		return usage_error("--all dumps by selection; it takes no TARGET ('%s')", quote_input(o->targets[0].text));
	if (!o->all && !o->ntargets)
		return usage_error("missing TARGET (an id, 0xKEY, /name, --key or --ftok), or --all");
	if (o->select.has_user && !o->all)
		return usage_error("--user selects objects for --all; a TARGET names its object already");
	if ((o->select.sysv || o->select.posix) && !o->all)
		return usage_error("--%s selects a family for --all; a TARGET names its family already",
				   o->select.sysv ? "sysv" : "posix");
	/* dump changes nothing, so --all means both families, as list does. */
	if (!o->select.sysv && !o->select.posix)
		o->select.sysv = o->select.posix = true;
	if (!o->select.kinds)
		o->select.kinds = KINDS_ALL;
	return 0;
}

/* Standard output, a buffer flushed whenever it holds a chunk's worth. */
struct out {
	struct buf b;
	bool failed;            /* writing failed: reported, stop */
	int status;             /* EXIT_FAIL once any object could not be dumped */
	bool consume;
};

enum { OUT_FLUSH = 256 * 1024 };

static int out_flush(struct out *w)
{
	if (w->failed)
		return -1;
	if (w->b.len && write_all(STDOUT_FILENO, w->b.data, w->b.len, NULL) != 0) {
		fail_errno("cannot write the dump");
		w->failed = true;
		return -1;
	}
	w->b.len = 0;
	return 0;
}

/* End the line being built and send the buffer on when it is full. */
static int out_line(struct out *w)
{
	if (termination_pending()) {
		w->failed = true;
		return -1;
	}
	if (buf_append(&w->b, "\n", 1) != 0) {
		fail("out of memory");
		w->failed = true;
		return -1;
	}
	return w->b.len >= OUT_FLUSH ? out_flush(w) : 0;
}

static int out_header(struct out *w)
{
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) != 0 || !utf8_valid((unsigned char *)host, strlen(host)))
		strcpy(host, "");
	if (buf_printf(&w->b, "{\"ipctool_dump\":%d,\"time\":%lld,\"host\":", DUMP_FORMAT, (long long)time(NULL)) ||
	    json_append_string(&w->b, host, strlen(host)) || buf_append(&w->b, "}", 1))
		return -1;
	return out_line(w);
}

/* An object that cannot be dumped is reported; the others still are. */
static void skipped(struct out *w)
{
	w->status = EXIT_FAIL;
}

/* The members every object line starts with. */
static int sysv_head(struct out *w, enum ipc_kind kind, const struct ipc_perm *p, int id)
{
	return buf_printf(&w->b, "{\"kind\":\"%s\",\"family\":\"sysv\",\"key\":\"0x%08x\",\"id\":%d,"
			  "\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u", dump_kind_word(kind),
			  (unsigned)p->__key, id, p->mode & 0777u, (unsigned)p->uid, (unsigned)p->gid);
}

static int posix_head(struct out *w, enum ipc_kind kind, const char *name, const struct stat *st)
{
	if (buf_printf(&w->b, "{\"kind\":\"%s\",\"family\":\"posix\"", dump_kind_word(kind)) ||
	    dump_append_name(&w->b, name))
		return -1;
	return buf_printf(&w->b, ",\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u", (unsigned)(st->st_mode & 0777),
			  (unsigned)st->st_uid, (unsigned)st->st_gid);
}

static int oom(struct out *w)
{
	fail("out of memory");
	w->failed = true;
	return -1;
}

/* ---- System V ---- */

static int dump_sysv_queue(struct out *w, int id)
{
	struct msqid_ds ds;
	struct target t;
	struct queue q;

	if (msgctl(id, IPC_STAT, &ds) != 0) {
		if (errno != EINVAL && errno != EIDRM) {
			fail_errno("cannot dump message queue id %d", id);
			skipped(w);
		}
		return 0;
	}
	target_init(&t);
	t.kind = TARGET_ID;
	t.id = id;
	snprintf(t.text, sizeof(t.text), "%d", id);
	if (queue_open(&q, &t) != 0) {
		skipped(w);
		return 0;
	}
	size_t room = q.max_message > ds.msg_qbytes ? q.max_message : ds.msg_qbytes;
	struct queue_record *rec = malloc(sizeof(*rec) + room);
	if (!rec) {
		queue_close(&q);
		return oom(w);
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
				skipped(w);
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

/* A run of at least this many zero bytes is left out of the dump;
 * shorter ones are cheaper to write than a new line. */
enum { ZERO_RUN = 64 };

/* The first nonzero byte of P[0..N), or N. */
static size_t skip_zeros(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && ((uintptr_t)(p + i) & 7))
		if (p[i++])
			return i - 1;
	for (; i + 8 <= n; i += 8) {
		uint64_t word;
		memcpy(&word, p + i, 8);
		if (word)
			break;
	}
	while (i < n && !p[i])
		i++;
	return i;
}

/* The end of the data starting at P[0] (nonzero): the byte after its
 * last nonzero one before a run of ZERO_RUN zeros or the end. */
static size_t data_end(const unsigned char *p, size_t n)
{
	size_t last = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i])
			last = i;
		else if (i - last >= ZERO_RUN)
			break;
	}
	return last + 1;
}

/* The bytes of one window as chunk lines, each a run of data between
 * zero runs (DUMP_CHUNK at most); *CHUNKS counts the lines. */
static int out_chunk(struct out *w, unsigned long long offset, const unsigned char *p, size_t n,
		     unsigned long long *chunks)
{
	size_t at = 0;

	while ((at += skip_zeros(p + at, n - at)) < n) {
		size_t len = data_end(p + at, n - at);
		++*chunks;
		if (dump_append_chunk(&w->b, offset + at, p + at, len))
			return oom(w);
		if (out_line(w) != 0)
			return -1;
		at += len;
	}
	return 0;
}

/* Pages read are given back every so often, so reading a 1 GiB segment
 * does not make ipctool 1 GiB large (the segment keeps them). */
enum { RELEASE_EVERY = 4 * 1024 * 1024 };

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

/* Read through the mapping, for a user who may not open map_files: every
 * page is faulted in (a page never written is then allocated in the
 * segment), and given back to the segment every RELEASE_EVERY bytes. */
static int dump_mapped_bytes(struct out *w, const unsigned char *addr, unsigned long long size,
			     unsigned long long *chunks)
{
	unsigned long long done = 0, page = (unsigned long long)sysconf(_SC_PAGESIZE);
	int rc = 0;

	for (unsigned long long off = 0; rc == 0 && off < size; off += DUMP_CHUNK) {
		size_t n = size - off < DUMP_CHUNK ? (size_t)(size - off) : DUMP_CHUNK;
		rc = out_chunk(w, off, addr + off, n, chunks);
		if (off + n - done >= RELEASE_EVERY || off + n == size) {
			madvise((void *)(addr + done), (size_t)((off + n - done) / page * page), MADV_DONTNEED);
			done = (off + n) / page * page;
		}
	}
	return rc;
}

static int dump_posix_bytes(struct out *w, int fd, unsigned long long size, unsigned long long *chunks,
			    unsigned char *chunk);

static int dump_sysv_shm(struct out *w, int id)
{
	struct shmid_ds ds;

	if (shmctl(id, IPC_STAT, &ds) != 0) {
		if (errno != EINVAL && errno != EIDRM) {
			fail_errno("cannot dump shared memory segment id %d", id);
			skipped(w);
		}
		return 0;
	}
	unsigned char *addr = shmat(id, NULL, SHM_RDONLY);
	if (addr == (void *)-1) {
		fail_errno("cannot attach shared memory segment id %d to dump it", id);
		skipped(w);
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
		int got = dump_posix_bytes(w, fd, size, &chunks, chunk);
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

	if (semctl(id, 0, IPC_STAT, arg) != 0) {
		if (errno != EINVAL && errno != EIDRM) {
			fail_errno("cannot dump semaphore set id %d", id);
			skipped(w);
		}
		return 0;
	}
	unsigned short *values = calloc(ds.sem_nsems ? ds.sem_nsems : 1, sizeof(*values));
	if (!values)
		return oom(w);
	arg.array = values;
	int rc = 0;
	if (semctl(id, 0, GETALL, arg) != 0) {
		fail_errno("cannot read the values of semaphore set id %d", id);
		skipped(w);
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

static int dump_sysv(struct out *w, enum ipc_kind kind, int id)
{
	switch (kind) {
	case IPC_KIND_QUEUE: return dump_sysv_queue(w, id);
	case IPC_KIND_SHM: return dump_sysv_shm(w, id);
	case IPC_KIND_SEM: return dump_sysv_sem(w, id);
	}
	return 0;
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

/* The id and owner at index IDX, or -1 when the slot is empty. */
static int sysv_at(enum ipc_kind kind, int idx, uid_t *uid)
{
	struct msqid_ds mq;
	struct shmid_ds sh;
	struct semid_ds se;
	union semun { int val; struct semid_ds *buf; } arg = { .buf = &se };
	int id = -1;

	switch (kind) {
	case IPC_KIND_QUEUE: id = msgctl(idx, MSG_STAT_ANY, &mq); *uid = mq.msg_perm.uid; break;
	case IPC_KIND_SHM: id = shmctl(idx, SHM_STAT_ANY, &sh); *uid = sh.shm_perm.uid; break;
	case IPC_KIND_SEM: id = semctl(idx, 0, SEM_STAT_ANY, arg); *uid = se.sem_perm.uid; break;
	}
	return id;
}

static int dump_sysv_all(struct out *w, const struct select_options *s)
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

/* ---- POSIX ---- */

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
		skipped(w);
		return 0;
	}
	if (!dir || lstat(path, &st) != 0) {
		/* Without the mqueue mount the owner cannot be read. */
		fail("cannot dump POSIX message queue %s: its owner cannot be read without the mqueue file system "
		     "(mount -t mqueue none /dev/mqueue)", name);
		skipped(w);
		queue_close(&q);
		return 0;
	}
	if (mq_getattr(q.mqd, &attr) != 0) {
		fail_errno("cannot dump POSIX message queue %s", name);
		skipped(w);
		queue_close(&q);
		return 0;
	}
	struct buf held = { 0 };
	int rc = 0;
	if (w->consume && take_and_put_back(&q, attr.mq_curmsgs, &held, name) != 0)
		skipped(w);
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
		skipped(w);
		return -1;
	}
	if (fd < 0) {
		if (errno != ENOENT) {
			fail_errno("cannot dump %s %s", what, name);
			skipped(w);
		}
		return -1;
	}
	return fd;
}

/* The SIZE bytes of FD as chunk lines; holes (SEEK_DATA) are skipped
 * without being read.  0, -1 with errno when reading failed, -2 when
 * writing did (reported). */
static int dump_posix_bytes(struct out *w, int fd, unsigned long long size, unsigned long long *chunks,
			    unsigned char *chunk)
{
	for (unsigned long long off = 0; off < size; off += DUMP_CHUNK) {
		off_t data = lseek(fd, (off_t)off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;
		if (data >= 0 && (unsigned long long)data > off)
			off = (unsigned long long)data / DUMP_CHUNK * DUMP_CHUNK;
		if (off >= size)
			break;
		size_t n = size - off < DUMP_CHUNK ? (size_t)(size - off) : DUMP_CHUNK;
		ssize_t got;
		do
			got = pread(fd, chunk, n, (off_t)off);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		/* A file that shrank meanwhile: the rest reads as zeros. */
		memset(chunk + got, 0, n - (size_t)got);
		if (out_chunk(w, off, chunk, n, chunks) != 0)
			return -2;
	}
	return 0;
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
		return oom(w);
	}
	if (fstat(fd, &st) != 0) {
		fail_errno("cannot dump POSIX shared memory object %s", name);
		skipped(w);
	} else if (posix_head(w, IPC_KIND_SHM, name, &st) ||
		   buf_printf(&w->b, ",\"size\":%llu}", (unsigned long long)st.st_size) || out_line(w)) {
		rc = -1;
	} else {
		int got = dump_posix_bytes(w, fd, (unsigned long long)st.st_size, &chunks, chunk);
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
		skipped(w);
		return 0;
	}
	munmap(s, sizeof(sem_t));
	if (posix_head(w, IPC_KIND_SEM, name, &st) ||
	    buf_printf(&w->b, ",\"nsems\":1,\"values\":[%d]}", value) || out_line(w) ||
	    buf_append_str(&w->b, "{\"end\":\"sem\"}") || out_line(w))
		return -1;
	return 0;
}

static int dump_posix(struct out *w, enum ipc_kind kind, const char *name)
{
	switch (kind) {
	case IPC_KIND_QUEUE: return dump_posix_queue(w, name);
	case IPC_KIND_SHM: return dump_posix_shm(w, name);
	case IPC_KIND_SEM: return dump_posix_sem(w, name);
	}
	return 0;
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
		bool is_sem = strncmp(base, "sem.", 4) == 0;
		if (is_sem != (kind == IPC_KIND_SEM))
			return 0;
		if (is_sem)
			base += 4;
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
			skipped(w);
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

static int dump_posix_all(struct out *w, const struct select_options *s)
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

/* ---- TARGETs ---- */

/* The id of the object of KIND that T names, or -1 (errno ENOENT: none). */
static int sysv_resolve(enum ipc_kind kind, const struct target *t, key_t key)
{
	struct msqid_ds mq;
	struct shmid_ds sh;
	struct semid_ds se;
	union semun { int val; struct semid_ds *buf; } arg = { .buf = &se };

	if (t->kind == TARGET_ID) {
		int ok = kind == IPC_KIND_QUEUE ? msgctl(t->id, IPC_STAT, &mq)
			 : kind == IPC_KIND_SHM ? shmctl(t->id, IPC_STAT, &sh) : semctl(t->id, 0, IPC_STAT, arg);
		return ok == 0 ? t->id : -1;
	}
	if (key == IPC_PRIVATE)
		return -1;
	return kind == IPC_KIND_QUEUE ? msgget(key, 0) : kind == IPC_KIND_SHM ? shmget(key, 0, 0) : semget(key, 0, 0);
}

static bool posix_exists(enum ipc_kind kind, const char *name)
{
	struct posix_obj found[NKINDS];

	return posix_find(name, KIND_BIT(kind), found) > 0;
}

/* Every object of the chosen kinds that T names; none is status 1. */
static int dump_target(struct out *w, struct target *t, unsigned kinds)
{
	key_t key = t->key;
	size_t n = 0;

	if (t->kind == TARGET_FTOK && target_key(t, &key) != 0) {
		skipped(w);
		return 0;
	}
	for (int k = 0; k < NKINDS; k++) {
		if (!(kinds & KIND_BIT(k)))
			continue;
		if (t->kind == TARGET_POSIX) {
			if (!posix_exists((enum ipc_kind)k, t->path))
				continue;
			n++;
			if (dump_posix(w, (enum ipc_kind)k, t->path) != 0)
				return -1;
			continue;
		}
		int id = sysv_resolve((enum ipc_kind)k, t, key);
		if (id < 0) {
			if (errno == EACCES) {
				fail_errno("cannot dump the %s %s", ipc_kind_name((enum ipc_kind)k), target_describe(t));
				skipped(w);
				n++;
			}
			continue;
		}
		n++;
		if (dump_sysv(w, (enum ipc_kind)k, id) != 0)
			return -1;
	}
	if (n == 0) {
		fail("no object of the chosen kinds is %s", target_describe(t));
		skipped(w);
	}
	return 0;
}

static int dump_run(void *opts, const struct cli *cli)
{
	struct dump_options *o = opts;
	struct out w = { .status = EXIT_OK, .consume = o->consume };
	int rc = dump_check(o, cli);

	if (rc)
		return rc;
	if (o->ns_pid && (rc = ns_enter(o->ns_pid, 0)) != 0)
		return rc;
	/* A POSIX queue's messages are out of it while --consume-posix-queues
	 * holds them: INT, TERM, HUP and QUIT wait until they are back. */
	termination_catch();
	if (out_header(&w) == 0) {
		for (size_t i = 0; i < o->ntargets; i++)
			if (dump_target(&w, &o->targets[i], o->select.kinds) != 0)
				break;
		if (o->all && !w.failed && o->select.sysv)
			dump_sysv_all(&w, &o->select);
		if (o->all && !w.failed && o->select.posix)
			dump_posix_all(&w, &o->select);
	}
	out_flush(&w);
	buf_free(&w.b);
	if (o->ns_pid)
		ns_leave();
	termination_honour();
	return w.failed ? EXIT_FAIL : w.status;
}

static void dump_done(void *opts)
{
	struct dump_options *o = opts;

	free(o->targets);
}

const struct command command_dump = {
	.name = "dump",
	.complete = COMPLETE_OBJECTS,
	.summary = "save objects with their contents as JSON Lines, for restore",
	.synopsis = "TARGET... [--queues] [--shm] [--sems] [--consume-posix-queues] [--ns PID] > FILE\n"
		    "--all [--queues] [--shm] [--sems] [--sysv] [--posix] [--user USER] "
		    "[--consume-posix-queues] [--ns PID] > FILE",
	.table = dump_table,
	.size = sizeof(struct dump_options),
	.select = PART(struct dump_options, select),
	.option = dump_option,
	.run = dump_run,
	.done = dump_done,
};
