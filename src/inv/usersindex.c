/* Answers from the users index (users.h): the uses of one object, the
 * processes as the scan saw them (comm and owner read on first asking),
 * the semaphore pids kept per namespace. */
#include "inv/users.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/nsenter.h"
#include "inv/usersscan.h"

static size_t uses_of(const struct users *u, const struct use *key, const struct use **first)
{
	size_t lo = 0, hi = u ? u->nuses : 0;

	*first = NULL;
	if (!u)
		return 0;

	/* The first use not below KEY, then every one equal to it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (users_compare_keys(&u->uses[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t n = 0;
	while (lo + n < u->nuses && users_compare_keys(&u->uses[lo + n], key) == 0)
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
			      ? bsearch(&key, u->procs, u->nprocs, sizeof(*u->procs), users_by_pid) : NULL;

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
			unsigned ncnt, unsigned zcnt)
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
						    .ncnt = ncnt, .zcnt = zcnt };
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

