/* Who uses IPC objects: the one pass over /proc that builds the index
 * (users.h); what each process is asked is in usersmaps.c and
 * userswait.c, the answers from the index in usersindex.c. */
#include "inv/users.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"
#include "inv/usersscan.h"

void users_free(struct users *u)
{
	free(u->procs);
	free(u->uses);
	free(u->sems);
	free(u->sem_pids);
	memset(u, 0, sizeof(*u));
}

int users_add_use(struct users *u, enum use_family family, unsigned long long a, unsigned long long b,
		  pid_t pid, unsigned how)
{
	struct use *uses = array_grow(u->uses, &u->uses_cap, u->nuses, sizeof(*uses), 256);

	if (!uses)
		return -1;
	u->uses = uses;
	u->uses[u->nuses++] = (struct use){ .family = family, .a = a, .b = b, .pid = pid, .how = how };
	return 0;
}

bool users_watched_dev(const struct users *u, dev_t dev)
{
	for (size_t i = 0; i < u->ndevs; i++)
		if (u->devs[i] == dev)
			return true;
	return false;
}

/* "PID/FILE", relative to /proc: opening the process's directory first
 * would cost two more calls per process. */
const char *scan_path(struct proc_scan *s, const char *file)
{
	snprintf(s->name + s->name_len, sizeof(s->name) - s->name_len, "%s", file);
	return s->name;
}

/* Whether ERR means the process went away or hides itself from us: it is
 * then skipped, not reported. */
bool scan_skippable(int err)
{
	return err == ENOENT || err == ESRCH || err == EACCES || err == EPERM;
}

unsigned long long scan_hex(const char **p)
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

unsigned long long scan_dec(const char **p)
{
	unsigned long long v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v * 10 + (unsigned)(**p - '0');
	return v;
}

/* The process's IPC namespace, the inode number that its ns/ipc link
 * names ("ipc:[INODE]", namespaces(7)): reading the link costs less
 * than a stat that follows it. */
ino_t scan_ipcns(struct proc_scan *s)
{
	char link[64];
	ssize_t n;

	if (s->proc->ipcns != 0)
		return s->proc->ipcns;
	n = readlinkat(s->procfd, scan_path(s, "ns/ipc"), link, sizeof(link) - 1);
	if (n > 5 && strncmp(link, "ipc:[", 5) == 0) {
		const char *p = link + 5;
		link[n] = '\0';
		unsigned long long ino = scan_dec(&p);
		if (*p == ']')
			s->proc->ipcns = (ino_t)ino;
	}
	return s->proc->ipcns;
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

	if (dir && u->ndevs < USERS_MAX_DEVS && stat(dir, &st) == 0 && !users_watched_dev(u, st.st_dev))
		u->devs[u->ndevs++] = st.st_dev;
}

int users_by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct user_proc *)a)->pid, y = ((const struct user_proc *)b)->pid;

	return (x > y) - (x < y);
}

int users_compare_keys(const struct use *x, const struct use *y)
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
	int c = users_compare_keys(x, y);

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
		if (kept && users_compare_keys(&u->uses[kept - 1], &u->uses[i]) == 0 &&
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
	int rc = scan_tally_setup(&s, listed), self = (int)getpid();
	/* ipctool itself is no user: what it holds it inherited from the
	 * shell, which is listed. */
	while (rc == 0 && (e = readdir(d)))
		if (is_pid_name(e->d_name) && atoi(e->d_name) != self && strlen(e->d_name) < 16)
			rc = scan_process(&s, e->d_name);
	closedir(d);
	if (rc == 0)
		rc = scan_tally_finish(&s);
	buf_free(&s.text);
	free(s.tally);
	if (rc != 0) {
		users_free(u);
		return fail("out of memory");
	}
	if (u->nprocs > 1)
		qsort(u->procs, u->nprocs, sizeof(*u->procs), users_by_pid);
	merge_uses(u);
	return 0;
}
