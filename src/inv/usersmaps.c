/* The users scan's look at one process's memory and descriptors
 * (usersscan.h): System V attachments and POSIX mappings from
 * /proc/PID/maps (or PROCMAP_QUERY), POSIX files held open from
 * /proc/PID/fd, and the count of listed attachments that ends the
 * reading of maps early. */
#include "inv/usersscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/io.h"
#include "inv/sysvobj.h"

static const char *skip_field(const char *p)
{
	while (*p && *p != ' ' && *p != '\n')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

static int by_shmid(const void *a, const void *b)
{
	int x = ((const struct seg_tally *)a)->shmid, y = ((const struct seg_tally *)b)->shmid;

	return (x > y) - (x < y);
}

/* Whether every attachment counted is one found, asked again now: a
 * process that attached since the listing was read makes the kernel's
 * count higher, and then the scan goes on through every process. */
static bool tally_still(const struct seg_tally *t)
{
	struct shmid_ds ds;

	return shmctl(t->shmid, IPC_STAT, &ds) == 0 && ds.shm_nattch == t->found &&
	       (!t->holder || (ds.shm_lpid == t->holder && ds.shm_atime == t->atime && ds.shm_dtime < ds.shm_atime));
}

static bool tally_confirmed(const struct proc_scan *s)
{
	for (size_t i = 0; i < s->ntally; i++)
		if (!tally_still(&s->tally[i]))
			return false;
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
	unsigned long long start = scan_hex(&p);
	if (*p != '-')
		return 0;
	p++;
	unsigned long long end = scan_hex(&p);
	for (size_t i = 0; i < s->nfutex; i++)
		if (s->futex_addr[i] >= start && s->futex_addr[i] < end)
			return semaphore_path(path) ? USE_WAIT_P : 0;
	return 0;
}

/* One maps line: "START-END PERMS OFFSET MAJ:MIN INODE   PATH". */
static int map_line(struct proc_scan *s, const char *line)
{
	const char *p = skip_field(skip_field(skip_field(line)));
	unsigned major = (unsigned)scan_hex(&p);

	if (*p != ':')
		return 0;
	p++;
	unsigned minor = (unsigned)scan_hex(&p);
	p = skip_field(p);
	unsigned long long ino = scan_dec(&p);
	while (*p == ' ')
		p++;
	/* The kernel names a segment's mapping /SYSV and its key, with the
	 * shmid (0 is one) as the inode; the device is one internal mount's,
	 * the same for every IPC namespace. */
	if (strncmp(p, "/SYSV", 5) == 0) {
		if (!(s->what & USERS_SCAN_SEGMENTS))
			return 0;
		ino_t ns = scan_ipcns(s);
		if (ns)
			count_attachment(s, ns, ino);
		return ns ? users_add_use(s->u, USE_SYSV_SEGMENT, ns, ino, s->pid, USE_ATTACHED) : 0;
	}
	dev_t dev = makedev(major, minor);
	if (ino != 0 && (s->what & USERS_SCAN_MAPS) && users_watched_dev(s->u, dev))
		return users_add_use(s->u, USE_POSIX_FILE, dev, ino, s->pid, USE_MAPPED | futex_wait_here(s, line, p));
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
		ino_t ns = scan_ipcns(s);
		if (ns)
			count_attachment(s, ns, q.inode);
		if (ns && users_add_use(s->u, USE_SYSV_SEGMENT, ns, q.inode, s->pid, USE_ATTACHED) != 0)
			return -1;
	}
}

/* Read FILE of the process into S->text; -1 with errno when it cannot. */
static int read_file(struct proc_scan *s, const char *file)
{
	int fd = openat(s->procfd, scan_path(s, file), O_RDONLY | O_CLOEXEC);

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

/* Segments alone (no POSIX mapping asked for): by query when the kernel
 * can; 1 when the text must be read. */
static int scan_segments(struct proc_scan *s)
{
	if (s->what & USERS_SCAN_MAPS)
		return 1;
	int fd = openat(s->procfd, scan_path(s, "maps"), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!scan_skippable(errno))
			return 1;
		s->unreadable = errno == EACCES || errno == EPERM;
		return 0;
	}
	int rc = query_segments(s, fd);
	close(fd);
	return rc;
}

int scan_maps(struct proc_scan *s)
{
	int rc = scan_segments(s);

	if (rc <= 0)
		return rc;
	if (read_file(s, "maps") != 0) {
		if (!scan_skippable(errno))
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

int scan_fds(struct proc_scan *s)
{
	int fd = openat(s->procfd, scan_path(s, "fd"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

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
		if (users_watched_dev(s->u, st.st_dev))
			rc = users_add_use(s->u, USE_POSIX_FILE, st.st_dev, st.st_ino, s->pid, USE_OPEN);
	}
	closedir(d);
	return rc;
}

/* May ipctool read PID's maps?  kcmp(2) asks for the same ptrace
 * access (PTRACE_MODE_READ) and reads nothing; without it, no. */
static bool may_read_maps(pid_t pid)
{
#ifdef SYS_kcmp
	return syscall(SYS_kcmp, (pid_t)getpid(), pid, 1 /* KCMP_VM */, 0, 0) >= 0;
#else
	(void)pid;
	return false;
#endif
}

/* The process that holds segment O's only attachment, when the kernel's
 * record alone says so (shmctl(2)): NATTCH 1 and the last operation an
 * attach (shm_atime after shm_dtime), so the count went from 0 to 1 in
 * that attach, made by shm_lpid, which still has it (a fork, a detach or
 * the exit of a holder would each have changed the record).  The
 * process must be one whose maps ipctool may read, as the scan would
 * have: then its maps need not be.  0 when the maps must tell. */
static pid_t holder_of(const struct sysv_obj *o, pid_t self)
{
	if (o->nattch != 1 || o->lpid <= 0 || o->lpid == self || o->atime <= o->dtime)
		return 0;
	return may_read_maps(o->lpid) ? o->lpid : 0;
}

/* The listed segments that are attached, when counting them can end the
 * scan's reading of maps: System V attachments alone are looked for (a
 * POSIX mapping could be in any process), and every segment is of
 * ipctool's own IPC namespace, which shmctl(2) can ask.  -1 out of memory. */
int scan_tally_setup(struct proc_scan *s, const struct sysv_list *listed)
{
	pid_t self = getpid();

	if (!listed || (s->what & USERS_SCAN_MAPS) || !(s->what & USERS_SCAN_SEGMENTS))
		return 0;
	for (size_t i = 0; i < listed->n; i++) {
		const struct sysv_obj *o = &listed->objs[i];
		if (o->kind != IPC_KIND_SHM || o->nattch == 0)
			continue;
		if ((o->ipcns && o->ipcns != s->u->self_ipcns) || o->id < 0) {
			s->left = 0;
			s->ntally = 0;
			return 0;
		}
		struct seg_tally *t = array_grow(s->tally, &s->tally_cap, s->ntally, sizeof(*t), 64);
		if (!t)
			return -1;
		s->tally = t;
		pid_t holder = holder_of(o, self);
		s->tally[s->ntally++] = (struct seg_tally){ .shmid = o->id, .nattch = o->nattch,
							    .found = holder ? 1 : 0, .holder = holder,
							    .atime = o->atime };
		s->left += holder ? 0 : o->nattch;
	}
	if (s->ntally > 1)
		qsort(s->tally, s->ntally, sizeof(*s->tally), by_shmid);
	/* Every attachment known already: no maps to read at all. */
	if (s->ntally && s->left == 0)
		s->all_found = tally_confirmed(s);
	return 0;
}

/* Each holder known from the record, asked once more now that the walk
 * is over (an attach or detach since would have changed it), becomes a
 * use, as if its maps had been read.  -1 out of memory. */
int scan_tally_finish(struct proc_scan *s)
{
	for (size_t i = 0; i < s->ntally; i++) {
		const struct seg_tally *t = &s->tally[i];
		if (t->holder && tally_still(t) &&
		    users_add_use(s->u, USE_SYSV_SEGMENT, s->u->self_ipcns, (unsigned)t->shmid, t->holder,
				  USE_ATTACHED) != 0)
			return -1;
	}
	return 0;
}
