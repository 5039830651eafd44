/* Who uses IPC objects: the /proc scan and its index (users.h). */
#include "inv/users.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"

void users_free(struct users *u)
{
	free(u->procs);
	free(u->uses);
	free(u->sems);
	free(u->sem_pids);
	memset(u, 0, sizeof(*u));
}

static int add_use(struct users *u, enum use_family family, unsigned long long a, unsigned long long b,
		   pid_t pid, unsigned how)
{
	struct use *uses = array_grow(u->uses, &u->uses_cap, u->nuses, sizeof(*uses), 256);

	if (!uses)
		return -1;
	u->uses = uses;
	u->uses[u->nuses++] = (struct use){ .family = family, .a = a, .b = b, .pid = pid, .how = how };
	return 0;
}

static bool watched_dev(const struct users *u, dev_t dev)
{
	for (size_t i = 0; i < u->ndevs; i++)
		if (u->devs[i] == dev)
			return true;
	return false;
}

/* ---- one process --------------------------------------------------------- */

/* What one process's scan needs: its /proc directory, what to look for,
 * and a buffer reused from process to process. */
struct proc_scan {
	struct users *u;
	int procfd;               /* /proc */
	char name[64];            /* "PID/", the start of each path ("PID/task/TID/fd/N" the longest) */
	size_t name_len;
	pid_t pid;
	unsigned what;
	struct buf text;
	struct user_proc *proc;
	bool unreadable;
	/* Threads of the process sleep in futex(2) at these addresses: a
	 * sem_wait when one lies in a mapped POSIX semaphore (see map_line).
	 * A busy process has many threads in futex (locks, condition
	 * variables): the first few are looked at. */
	size_t nfutex;
	unsigned long long futex_addr[8];
	/* The listed segments' attachments still to find (see tally_setup);
	 * once none is, no more maps are read. */
	struct seg_tally *tally;
	size_t ntally, tally_cap;
	unsigned long long left;
	bool all_found;
};

/* A listed segment of ipctool's own IPC namespace: the kernel's count
 * of its attachments and how many the scan found. */
struct seg_tally {
	int shmid;
	unsigned long long nattch, found;
};

/* "PID/FILE", relative to /proc: opening the process's directory first
 * would cost two more calls per process. */
static const char *proc_path(struct proc_scan *s, const char *file)
{
	snprintf(s->name + s->name_len, sizeof(s->name) - s->name_len, "%s", file);
	return s->name;
}

/* Read FILE of the process into S->text; -1 with errno when it cannot. */
static int read_proc_file(struct proc_scan *s, const char *file)
{
	int fd = openat(s->procfd, proc_path(s, file), O_RDONLY | O_CLOEXEC);

	s->text.len = 0;
	if (fd < 0)
		return -1;
	for (;;) {
		if (buf_reserve(&s->text, 16384) != 0) {
			close(fd);
			errno = ENOMEM;
			return -1;
		}
		ssize_t got = read_some(fd, s->text.data + s->text.len, s->text.cap - s->text.len - 1);
		if (got < 0) {
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (got == 0)
			break;
		s->text.len += (size_t)got;
	}
	close(fd);
	s->text.data[s->text.len] = '\0';
	return 0;
}

/* Whether ERR means the process went away or hides itself from us: it is
 * then skipped, not reported. */
static bool skippable(int err)
{
	return err == ENOENT || err == ESRCH || err == EACCES || err == EPERM;
}

static unsigned long long parse_hex(const char **p)
{
	unsigned long long v = 0;

	for (;; (*p)++) {
		char c = **p;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			return v;
		v = v << 4 | (unsigned)d;
	}
}

static unsigned long long parse_dec(const char **p)
{
	unsigned long long v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v * 10 + (unsigned)(**p - '0');
	return v;
}

static const char *skip_field(const char *p)
{
	while (*p && *p != ' ' && *p != '\n')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

/* The process's IPC namespace, the inode number that its ns/ipc link
 * names ("ipc:[INODE]", namespaces(7)): reading the link costs less
 * than a stat that follows it. */
static ino_t proc_ipcns(struct proc_scan *s)
{
	char link[64];
	ssize_t n;

	if (s->proc->ipcns != 0)
		return s->proc->ipcns;
	n = readlinkat(s->procfd, proc_path(s, "ns/ipc"), link, sizeof(link) - 1);
	if (n > 5 && strncmp(link, "ipc:[", 5) == 0) {
		const char *p = link + 5;
		link[n] = '\0';
		unsigned long long ino = parse_dec(&p);
		if (*p == ']')
			s->proc->ipcns = (ino_t)ino;
	}
	return s->proc->ipcns;
}

static int by_shmid(const void *a, const void *b)
{
	int x = ((const struct seg_tally *)a)->shmid, y = ((const struct seg_tally *)b)->shmid;

	return (x > y) - (x < y);
}

/* Whether every attachment counted is one found, asked again now: a
 * process that attached since the listing was read makes the kernel's
 * count higher, and then the scan goes on through every process. */
static bool tally_confirmed(const struct proc_scan *s)
{
	for (size_t i = 0; i < s->ntally; i++) {
		struct shmid_ds ds;
		if (shmctl(s->tally[i].shmid, IPC_STAT, &ds) != 0 || ds.shm_nattch != s->tally[i].found)
			return false;
	}
	return true;
}

/* An attachment (one mapping, which is what shm_nattch counts: see
 * shmctl(2)) of segment SHMID of namespace NS found: the last one of the
 * listed segments' ends the reading of maps. */
static void count_attachment(struct proc_scan *s, ino_t ns, unsigned long long shmid)
{
	struct seg_tally key = { .shmid = (int)shmid }, *t;

	if (s->left == 0 || ns != s->u->self_ipcns || shmid > INT32_MAX ||
	    !(t = bsearch(&key, s->tally, s->ntally, sizeof(*t), by_shmid)) || t->found >= t->nattch)
		return;
	t->found++;
	if (--s->left == 0)
		s->all_found = tally_confirmed(s);
}

/* Is the maps line's path (P, up to the newline) a POSIX semaphore's
 * file, sem.NAME in glibc's layout, wherever the process sees /dev/shm? */
static bool semaphore_path(const char *p)
{
	const char *end = strchr(p, '\n'), *base = p;

	if (!end)
		end = p + strlen(p);
	for (const char *c = p; c < end; c++)
		if (*c == '/')
			base = c + 1;
	return end - base > 4 && strncmp(base, "sem.", 4) == 0;
}

/* A futex wait at S->futex_addr inside this mapping (LINE starts with
 * "START-END") of a POSIX semaphore is a sem_wait on it. */
static unsigned futex_wait_here(struct proc_scan *s, const char *line, const char *path)
{
	const char *p = line;

	if (s->nfutex == 0)
		return 0;
	unsigned long long start = parse_hex(&p);
	if (*p != '-')
		return 0;
	p++;
	unsigned long long end = parse_hex(&p);
	for (size_t i = 0; i < s->nfutex; i++)
		if (s->futex_addr[i] >= start && s->futex_addr[i] < end)
			return semaphore_path(path) ? USE_WAIT_P : 0;
	return 0;
}

/* One maps line: "START-END PERMS OFFSET MAJ:MIN INODE   PATH". */
static int map_line(struct proc_scan *s, const char *line)
{
	const char *p = skip_field(skip_field(skip_field(line)));
	unsigned major = (unsigned)parse_hex(&p);

	if (*p != ':')
		return 0;
	p++;
	unsigned minor = (unsigned)parse_hex(&p);
	p = skip_field(p);
	unsigned long long ino = parse_dec(&p);
	while (*p == ' ')
		p++;
	/* The kernel names a segment's mapping /SYSV and its key, with the
	 * shmid (0 is one) as the inode; the device is one internal mount's,
	 * the same for every IPC namespace. */
	if (strncmp(p, "/SYSV", 5) == 0) {
		if (!(s->what & USERS_SCAN_SEGMENTS))
			return 0;
		ino_t ns = proc_ipcns(s);
		if (ns)
			count_attachment(s, ns, ino);
		return ns ? add_use(s->u, USE_SYSV_SEGMENT, ns, ino, s->pid, USE_ATTACHED) : 0;
	}
	dev_t dev = makedev(major, minor);
	if (ino != 0 && (s->what & USERS_SCAN_MAPS) && watched_dev(s->u, dev))
		return add_use(s->u, USE_POSIX_FILE, dev, ino, s->pid, USE_MAPPED | futex_wait_here(s, line, p));
	return 0;
}

/* PROCMAP_QUERY (Linux 6.11, ioctl on /proc/PID/maps; the C library's
 * headers may predate it): one mapping at a time, filtered by the kernel,
 * without formatting the others. */
struct procmap_query_arg {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define PROCMAP_QUERY_CALL _IOWR('f', 17, struct procmap_query_arg)
#define PROCMAP_QUERY_SHARED 0x08
#define PROCMAP_QUERY_NEXT 0x10
#define PROCMAP_QUERY_FILE 0x20

/* Every shmat(2) mapping is a shared one of a file, so asking the kernel
 * for the shared file mappings alone finds them all (read-only ones too:
 * the filter is VM_MAYSHARE, the 's' of maps); most processes have none,
 * and then one call says so where reading maps formats every line (the
 * kernel's path formatting was most of the scan).  Only each candidate's
 * name is formatted, to tell /SYSV from a shared file or memfd.
 * 0 when done, 1 when the text maps must be read instead (a kernel
 * without the call, a name too long), -1 out of memory. */
static int query_segments(struct proc_scan *s, int fd)
{
	static bool unsupported;
	char name[4096];
	struct procmap_query_arg q;
	uint64_t addr = 0;

	if (unsupported)
		return 1;
	for (;;) {
		q = (struct procmap_query_arg){ .size = sizeof(q), .query_addr = addr,
						 .query_flags = PROCMAP_QUERY_NEXT | PROCMAP_QUERY_FILE |
								PROCMAP_QUERY_SHARED,
						 .vma_name_size = sizeof(name),
						 .vma_name_addr = (uint64_t)(uintptr_t)name };
		if (ioctl(fd, PROCMAP_QUERY_CALL, &q) != 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOENT)   /* no mapping past ADDR */
				return 0;
			if (errno == ESRCH)    /* gone, or a kernel thread: no memory */
				return 0;
			unsupported = errno == ENOTTY || errno == EINVAL;
			return 1;
		}
		if (q.vma_end <= addr)
			return 1;
		addr = q.vma_end;
		if (q.vma_name_size == 0 || strncmp(name, "/SYSV", 5) != 0)
			continue;
		ino_t ns = proc_ipcns(s);
		if (ns)
			count_attachment(s, ns, q.inode);
		if (ns && add_use(s->u, USE_SYSV_SEGMENT, ns, q.inode, s->pid, USE_ATTACHED) != 0)
			return -1;
	}
}

/* Segments alone (no POSIX mapping asked for): by query when the kernel
 * can; 1 when the text must be read. */
static int scan_segments(struct proc_scan *s)
{
	if (s->what & USERS_SCAN_MAPS)
		return 1;
	int fd = openat(s->procfd, proc_path(s, "maps"), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!skippable(errno))
			return 1;
		s->unreadable = errno == EACCES || errno == EPERM;
		return 0;
	}
	int rc = query_segments(s, fd);
	close(fd);
	return rc;
}

static int scan_maps(struct proc_scan *s)
{
	int rc = scan_segments(s);

	if (rc <= 0)
		return rc;
	if (read_proc_file(s, "maps") != 0) {
		if (!skippable(errno))
			return -1;
		s->unreadable = errno == EACCES || errno == EPERM;
		return 0;
	}
	for (char *line = s->text.data; *line;) {
		char *end = strchr(line, '\n');
		if (map_line(s, line) != 0)
			return -1;
		if (!end)
			break;
		line = end + 1;
	}
	return 0;
}

static int scan_fds(struct proc_scan *s)
{
	int fd = openat(s->procfd, proc_path(s, "fd"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		s->unreadable = s->unreadable || errno == EACCES || errno == EPERM;
		return 0;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		struct stat st;
		/* stat follows the magic link to the open file itself,
		 * wherever it is mounted: no path is compared. */
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0) != 0)
			continue;
		if (watched_dev(s->u, st.st_dev))
			rc = add_use(s->u, USE_POSIX_FILE, st.st_dev, st.st_ino, s->pid, USE_OPEN);
	}
	closedir(d);
	return rc;
}

/* ---- waiters ---------------------------------------------------------------- */

/* The IPC calls a thread can sleep in.  An architecture that multiplexes
 * them through ipc(2) has no number for some: they are then not seen. */
#ifndef SYS_msgrcv
#define SYS_msgrcv (-2)
#endif
#ifndef SYS_msgsnd
#define SYS_msgsnd (-2)
#endif
#ifndef SYS_semop
#define SYS_semop (-2)
#endif
#ifndef SYS_semtimedop
#define SYS_semtimedop (-2)
#endif
#ifndef SYS_mq_timedreceive
#define SYS_mq_timedreceive (-2)
#endif
#ifndef SYS_mq_timedsend
#define SYS_mq_timedsend (-2)
#endif
#ifndef SYS_futex
#define SYS_futex (-2)
#endif

/* Whether semop(2)'s operations (SOPS, NSOPS of them, in process PID's
 * memory) wait for zero or take: only zero operations mean waiting-zero.
 * The memory read needs what /proc/PID/syscall needed; when it fails
 * anyway, the usual wait, a P, is said. */
static unsigned semop_how(pid_t pid, unsigned long long sops, unsigned long long nsops)
{
	struct sembuf ops[16];
	size_t n = nsops < 16 ? (size_t)nsops : 16;
	struct iovec local = { ops, n * sizeof(*ops) };
	struct iovec remote = { (void *)(uintptr_t)sops, n * sizeof(*ops) };
	bool zero = false;

	if (n == 0 || process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)(n * sizeof(*ops)))
		return USE_WAIT_P;
	for (size_t i = 0; i < n; i++) {
		if (ops[i].sem_op < 0)
			return USE_WAIT_P;
		zero = zero || ops[i].sem_op == 0;
	}
	return zero ? USE_WAIT_ZERO : USE_WAIT_P;
}

/* A POSIX queue waited on through descriptor FD: the file it is open on. */
static int mq_wait(struct proc_scan *s, const char *tid_dir, unsigned long long fd, unsigned how)
{
	char rel[64];
	struct stat st;

	if (fd > INT32_MAX)
		return 0;
	snprintf(rel, sizeof(rel), "%sfd/%llu", tid_dir, fd);
	if (fstatat(s->procfd, proc_path(s, rel), &st, 0) != 0 || !watched_dev(s->u, st.st_dev))
		return 0;
	return add_use(s->u, USE_POSIX_FILE, st.st_dev, st.st_ino, s->pid, how);
}

/* "NR ARG1 ARG2 ... SP PC" (arguments in hex), "-1 SP PC" outside a
 * call, "running": the call one thread sleeps in, as a use. */
static int syscall_wait(struct proc_scan *s, const char *tid_dir, const char *text)
{
	const char *p = text;
	unsigned long long arg[3] = { 0, 0, 0 };

	if (*p < '0' || *p > '9')
		return 0;
	long nr = (long)parse_dec(&p);
	for (int i = 0; i < 3; i++) {
		if (p[0] != ' ' || p[1] != '0' || p[2] != 'x')
			return 0;
		p += 3;
		arg[i] = parse_hex(&p);
	}
	if (nr == SYS_msgrcv || nr == SYS_msgsnd || nr == SYS_semop || nr == SYS_semtimedop) {
		/* An id is an int: the register holds its sign extension. */
		int id = (int)(uint32_t)arg[0];
		ino_t ns = id >= 0 ? proc_ipcns(s) : 0;
		if (!ns)
			return 0;
		bool queue = nr == SYS_msgrcv || nr == SYS_msgsnd;
		unsigned how = nr == SYS_msgrcv ? USE_WAIT_RECEIVE : nr == SYS_msgsnd ? USE_WAIT_SEND
			       : semop_how(s->pid, arg[1], arg[2]);
		return add_use(s->u, queue ? USE_SYSV_QUEUE : USE_SYSV_SEM, ns, (unsigned)id, s->pid, how);
	}
	if (nr == SYS_mq_timedreceive || nr == SYS_mq_timedsend)
		return mq_wait(s, tid_dir, arg[0], nr == SYS_mq_timedreceive ? USE_WAIT_RECEIVE : USE_WAIT_SEND);
	if (nr == SYS_futex && s->nfutex < sizeof(s->futex_addr) / sizeof(s->futex_addr[0]))
		s->futex_addr[s->nfutex++] = arg[0];
	return 0;
}

/* Whether a thread's call line (proc(5)) is a dead one's: "-1 0x0 0x0",
 * no call and no user stack, is what a zombie shows (its stack is gone);
 * a live thread outside a call has a stack pointer, a running one says
 * "running".  The scan learns so whether the process is a zombie, and a
 * user shown later needs only its comm, not its stat. */
static bool dead_call(const char *text)
{
	return strncmp(text, "-1 0x0 0x0", 10) == 0 && (text[10] == '\n' || text[10] == '\0');
}

/* One thread's call, TID_DIR "" for the main thread or "task/TID/": 1
 * when it may not be read.  The file is one short line that the kernel
 * hands over in one read: no second read for the end of file, which
 * would cost a tenth of the whole scan with thousands of processes. */
static int scan_thread_wait(struct proc_scan *s, const char *tid_dir)
{
	char rel[64], text[256];

	snprintf(rel, sizeof(rel), "%ssyscall", tid_dir);
	int fd = openat(s->procfd, proc_path(s, rel), O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : read_some(fd, text, sizeof(text) - 1);
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (got < 0) {
		if (!skippable(saved))
			return -1;
		return saved == EACCES || saved == EPERM ? 1 : 0;
	}
	text[got] = '\0';
	if (*tid_dir == '\0') {
		s->proc->zombie = dead_call(text);
		s->proc->state_known = true;
	}
	return syscall_wait(s, tid_dir, text);
}

/* The other threads of a process that has more than one (its task
 * directory's link count is 2 + threads: one stat tells, and most
 * processes have one thread). */
static int scan_other_threads(struct proc_scan *s)
{
	struct stat st;

	if (fstatat(s->procfd, proc_path(s, "task"), &st, 0) != 0)
		return 0;
	/* Its owner is the process's, as for every file of /proc/PID: a
	 * user shown later needs no call of its own for it. */
	s->proc->uid = st.st_uid;
	s->proc->uid_known = true;
	if (st.st_nlink <= 3)
		return 0;
	int fd = openat(s->procfd, proc_path(s, "task"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		char tid_dir[48];
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == (int)s->pid ||
		    strlen(e->d_name) > 16)
			continue;
		snprintf(tid_dir, sizeof(tid_dir), "task/%.16s/", e->d_name);
		rc = scan_thread_wait(s, tid_dir);
		rc = rc > 0 ? 0 : rc;
	}
	closedir(d);
	return rc;
}

static int scan_waits(struct proc_scan *s)
{
	int rc = scan_thread_wait(s, "");

	if (rc > 0) {
		/* Unreadable (ptrace access): nor are its other threads. */
		s->u->waits_unknown++;
		return 0;
	}
	return rc == 0 ? scan_other_threads(s) : rc;
}

static int add_proc(struct users *u, pid_t pid)
{
	struct user_proc *procs = array_grow(u->procs, &u->procs_cap, u->nprocs, sizeof(*procs), 256);

	if (!procs)
		return -1;
	u->procs = procs;
	u->procs[u->nprocs++] = (struct user_proc){ .pid = pid };
	return 0;
}

/* -1 when memory ran out; a process that is gone is no error (it may
 * still be listed: it ran when /proc was read). */
static int scan_process(struct proc_scan *s, const char *name)
{
	s->name_len = (size_t)snprintf(s->name, sizeof(s->name), "%s/", name);
	s->pid = (pid_t)atoi(name);
	s->unreadable = false;
	s->nfutex = 0;
	int rc = add_proc(s->u, s->pid);
	if (rc == 0) {
		s->proc = &s->u->procs[s->u->nprocs - 1];
		/* Before the maps: a futex address is matched while they are read. */
		if (s->what & USERS_SCAN_WAITS)
			rc = scan_waits(s);
		if (rc == 0 && (s->what & (USERS_SCAN_SEGMENTS | USERS_SCAN_MAPS)) && !s->all_found)
			rc = scan_maps(s);
		if (rc == 0 && (s->what & USERS_SCAN_FDS))
			rc = scan_fds(s);
		s->u->unreadable += s->unreadable;
	}
	return rc;
}

/* ---- the whole scan ------------------------------------------------------ */

static void watch_dir(struct users *u, const char *dir)
{
	struct stat st;

	if (dir && u->ndevs < USERS_MAX_DEVS && stat(dir, &st) == 0 && !watched_dev(u, st.st_dev))
		u->devs[u->ndevs++] = st.st_dev;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct user_proc *)a)->pid, y = ((const struct user_proc *)b)->pid;

	return (x > y) - (x < y);
}

static int compare_keys(const struct use *x, const struct use *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

static int by_key_then_pid(const void *a, const void *b)
{
	const struct use *x = a, *y = b;
	int c = compare_keys(x, y);

	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

/* One use per process and object: a segment attached twice, a file both
 * mapped and open, become one with the ways merged. */
static void merge_uses(struct users *u)
{
	size_t kept = 0;

	if (u->nuses > 1)
		qsort(u->uses, u->nuses, sizeof(*u->uses), by_key_then_pid);
	for (size_t i = 0; i < u->nuses; i++) {
		if (kept && compare_keys(&u->uses[kept - 1], &u->uses[i]) == 0 &&
		    u->uses[kept - 1].pid == u->uses[i].pid)
			u->uses[kept - 1].how |= u->uses[i].how;
		else
			u->uses[kept++] = u->uses[i];
	}
	u->nuses = kept;
}

static bool is_pid_name(const char *name)
{
	if (*name < '1' || *name > '9')
		return false;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

/* The listed segments that are attached, when counting them can end the
 * scan's reading of maps: System V attachments alone are looked for (a
 * POSIX mapping could be in any process), and every segment is of
 * ipctool's own IPC namespace, which shmctl(2) can ask.  -1 out of memory. */
static int tally_setup(struct proc_scan *s, const struct sysv_list *listed)
{
	if (!listed || (s->what & USERS_SCAN_MAPS) || !(s->what & USERS_SCAN_SEGMENTS))
		return 0;
	for (size_t i = 0; i < listed->n; i++) {
		const struct sysv_obj *o = &listed->objs[i];
		if (o->kind != IPC_KIND_SHM || o->nattch == 0)
			continue;
		if ((o->ipcns && o->ipcns != s->u->self_ipcns) || o->id < 0) {
			s->left = 0;
			return 0;
		}
		struct seg_tally *t = array_grow(s->tally, &s->tally_cap, s->ntally, sizeof(*t), 64);
		if (!t)
			return -1;
		s->tally = t;
		s->tally[s->ntally++] = (struct seg_tally){ .shmid = o->id, .nattch = o->nattch };
		s->left += o->nattch;
	}
	if (s->ntally > 1)
		qsort(s->tally, s->ntally, sizeof(*s->tally), by_shmid);
	return 0;
}

int users_scan(struct users *u, unsigned what, const dev_t *devs, size_t ndevs)
{
	return users_scan_listed(u, what, devs, ndevs, NULL);
}

int users_scan_listed(struct users *u, unsigned what, const dev_t *devs, size_t ndevs,
		      const struct sysv_list *listed)
{
	/* What users_keep_sem_pids kept before the scan stays. */
	struct users kept = { .sems = u->sems, .nsems = u->nsems, .sems_cap = u->sems_cap,
			      .sem_pids = u->sem_pids, .nsem_pids = u->nsem_pids,
			      .sem_pids_cap = u->sem_pids_cap, .sems_sorted = u->sems_sorted };

	*u = kept;
	u->self_ipcns = (ino_t)ns_current_ipc();
	if (devs) {
		for (size_t i = 0; i < ndevs && i < USERS_MAX_DEVS; i++)
			u->devs[u->ndevs++] = devs[i];
	} else {
		watch_dir(u, POSIX_SHM_DIR);
		watch_dir(u, posix_mqueue_dir());
	}
	/* ipctool's own /proc, wherever --ns took it: pids are its own. */
	int procfd = ns_proc_open(".", O_RDONLY | O_DIRECTORY);
	DIR *d = procfd < 0 ? NULL : fdopendir(procfd);
	if (!d) {
		if (procfd >= 0)
			close(procfd);
		return fail_errno("cannot read /proc");
	}
	struct proc_scan s = { .u = u, .procfd = dirfd(d), .what = what ? what : ~0u };
	struct dirent *e;
	int rc = tally_setup(&s, listed), self = (int)getpid();
	/* ipctool itself is no user: what it holds it inherited from the
	 * shell, which is listed. */
	while (rc == 0 && (e = readdir(d)))
		if (is_pid_name(e->d_name) && atoi(e->d_name) != self && strlen(e->d_name) < 16)
			rc = scan_process(&s, e->d_name);
	closedir(d);
	buf_free(&s.text);
	free(s.tally);
	if (rc != 0) {
		users_free(u);
		return fail("out of memory");
	}
	if (u->nprocs > 1)
		qsort(u->procs, u->nprocs, sizeof(*u->procs), by_pid);
	merge_uses(u);
	return 0;
}

/* ---- lookups --------------------------------------------------------------- */

static size_t uses_of(const struct users *u, const struct use *key, const struct use **first)
{
	size_t lo = 0, hi = u ? u->nuses : 0;

	*first = NULL;
	if (!u)
		return 0;

	/* The first use not below KEY, then every one equal to it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compare_keys(&u->uses[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	while (lo + n < u->nuses && compare_keys(&u->uses[lo + n], key) == 0)
		n++;
	*first = n ? &u->uses[lo] : NULL;
	return n;
}

size_t users_of_segment(const struct users *u, ino_t ipcns, int shmid, const struct use **first)
{
	struct use key = { .family = USE_SYSV_SEGMENT, .a = ipcns ? ipcns : u ? u->self_ipcns : 0,
			   .b = (unsigned long long)shmid };

	return uses_of(u, &key, first);
}

size_t users_of_file(const struct users *u, dev_t dev, ino_t ino, const struct use **first)
{
	struct use key = { .family = USE_POSIX_FILE, .a = dev, .b = ino };

	return uses_of(u, &key, first);
}

size_t users_waiting_on(const struct users *u, enum ipc_kind kind, ino_t ipcns, int id, const struct use **first)
{
	struct use key = { .family = kind == IPC_KIND_QUEUE ? USE_SYSV_QUEUE : USE_SYSV_SEM,
			   .a = ipcns ? ipcns : u ? u->self_ipcns : 0, .b = (unsigned)id };

	return uses_of(u, &key, first);
}

/* One read of /proc/PID/FILE into TEXT (SIZE bytes with the '\0'): the
 * kernel hands these short files over whole, so no second read for the
 * end of file (one more call per user shown).  The descriptor stays
 * open in *FD for an fstat; -1 when the file cannot be read. */
static ssize_t read_short(pid_t pid, const char *file, char *text, size_t size, int *fd)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	*fd = ns_proc_open(path, O_RDONLY);
	ssize_t got = *fd < 0 ? -1 : read_some(*fd, text, size - 1);
	if (got >= 0)
		text[got] = '\0';
	return got;
}

/* The owner of /proc/PID, which its files share, unless the scan knew it. */
static void owner_from(struct user_proc *p, int fd)
{
	struct stat st;

	if (!p->uid_known && fd >= 0 && fstat(fd, &st) == 0)
		p->uid = st.st_uid;
	if (fd >= 0)
		close(fd);
}

/* comm and state from /proc/PID/stat ("PID (COMM) STATE ..."; COMM may
 * hold spaces and parentheses, so it ends at the last ')'; the state
 * follows it in the first 80 bytes).  A process gone since the scan
 * counts as a zombie. */
static void look_up_stat(struct user_proc *p)
{
	char text[512];
	int fd;
	ssize_t got = read_short(p->pid, "stat", text, sizeof(text), &fd);
	char *open_paren = got > 0 ? strchr(text, '(') : NULL;
	char *close_paren = open_paren ? strrchr(open_paren, ')') : NULL;

	if (close_paren && close_paren[1] == ' ') {
		*close_paren = '\0';
		snprintf(p->comm, sizeof(p->comm), "%s", open_paren + 1);
		p->zombie = close_paren[2] == 'Z' || close_paren[2] == 'X';
	} else {
		p->zombie = true;
	}
	owner_from(p, fd);
}

/* The state the scan saw (see dead_call) and comm from /proc/PID/comm
 * ("COMM\n"), which the kernel formats at a fraction of stat's cost. */
static void look_up_comm(struct user_proc *p)
{
	char text[sizeof(p->comm)];   /* comm is at most 15 bytes (proc(5)) */
	int fd;
	ssize_t got = read_short(p->pid, "comm", text, sizeof(text), &fd);

	if (got > 0 && text[got - 1] == '\n') {
		text[got - 1] = '\0';
		snprintf(p->comm, sizeof(p->comm), "%s", text);
	} else {
		p->zombie = true;
	}
	owner_from(p, fd);
}

static void look_up(struct user_proc *p)
{
	p->looked_up = true;
	if (p->state_known)
		look_up_comm(p);
	else
		look_up_stat(p);
}

const struct user_proc *users_process(struct users *u, pid_t pid)
{
	struct user_proc key = { .pid = pid };
	struct user_proc *p = pid > 0 && u->nprocs
			      ? bsearch(&key, u->procs, u->nprocs, sizeof(*u->procs), by_pid) : NULL;

	if (p && !p->looked_up)
		look_up(p);
	return p;
}

void users_look_up(pid_t pid, struct user_proc *p)
{
	*p = (struct user_proc){ .pid = pid };
	if (pid > 0)
		look_up(p);
	else
		p->zombie = true;
}

bool users_alive(struct users *u, pid_t pid)
{
	if (!u) {
		struct user_proc now = { .pid = pid };
		if (pid <= 0)
			return false;
		look_up(&now);
		return !now.zombie;
	}
	const struct user_proc *p = users_process(u, pid);

	return p && !p->zombie;
}

/* ---- semaphore pids read in their namespace -------------------------------- */

int users_keep_sem_pids(struct users *u, ino_t ipcns, int semid, const pid_t *pids, size_t n, bool known,
			bool waited)
{
	struct sem_record *sems = array_grow(u->sems, &u->sems_cap, u->nsems, sizeof(*sems), 64);

	if (!sems)
		return fail("out of memory");
	u->sems = sems;
	if (known && n) {
		pid_t *pool = array_reserve(u->sem_pids, &u->sem_pids_cap, u->nsem_pids, n, sizeof(*pool), 256);
		if (!pool)
			return fail("out of memory");
		u->sem_pids = pool;
		memcpy(pool + u->nsem_pids, pids, n * sizeof(*pids));
	}
	u->sems[u->nsems++] = (struct sem_record){ .ipcns = ipcns, .semid = semid, .at = u->nsem_pids,
						    .n = known ? n : 0, .known = known,
						    .waited = waited };
	if (known)
		u->nsem_pids += n;
	u->sems_sorted = false;
	return 0;
}

static int by_namespace_and_id(const void *a, const void *b)
{
	const struct sem_record *x = a, *y = b;

	if (x->ipcns != y->ipcns)
		return x->ipcns < y->ipcns ? -1 : 1;
	return (x->semid > y->semid) - (x->semid < y->semid);
}

const struct sem_record *users_sem_pids(struct users *u, ino_t ipcns, int semid)
{
	struct sem_record key = { .ipcns = ipcns, .semid = semid };

	if (!u || u->nsems == 0)
		return NULL;
	if (!u->sems_sorted) {
		qsort(u->sems, u->nsems, sizeof(*u->sems), by_namespace_and_id);
		u->sems_sorted = true;
	}
	return bsearch(&key, u->sems, u->nsems, sizeof(*u->sems), by_namespace_and_id);
}

const char *use_how_text(unsigned how, char *buf, size_t size)
{
	static const char *const words[] = {
		"attached", "mapped", "open", "last-send", "last-receive", "last-operation",
		"waiting-receive", "waiting-send", "waiting-P", "waiting-zero",
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (how & (1u << i)) {
			int n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", words[i]);
			if (n < 0 || (size_t)n >= size - len)
				break;
			len += (size_t)n;
		}
	return buf;
}
