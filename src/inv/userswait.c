/* The users scan's waiters (usersscan.h): the call each thread of a
 * process sleeps in, from /proc/PID/syscall (proc(5)), as a use of the
 * queue, set or POSIX object it waits on. */
#include "inv/usersscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/io.h"

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
	if (fstatat(s->procfd, scan_path(s, rel), &st, 0) != 0 || !users_watched_dev(s->u, st.st_dev))
		return 0;
	return users_add_use(s->u, USE_POSIX_FILE, st.st_dev, st.st_ino, s->pid, how);
}

/* "NR ARG1 ARG2 ... SP PC" (arguments in hex), "-1 SP PC" outside a
 * call, "running": the call one thread sleeps in, as a use. */
static int syscall_wait(struct proc_scan *s, const char *tid_dir, const char *text)
{
	const char *p = text;
	unsigned long long arg[3] = { 0, 0, 0 };

	if (*p < '0' || *p > '9')
		return 0;
	long nr = (long)scan_dec(&p);
	for (int i = 0; i < 3; i++) {
		if (p[0] != ' ' || p[1] != '0' || p[2] != 'x')
			return 0;
		p += 3;
		arg[i] = scan_hex(&p);
	}
	if (nr == SYS_msgrcv || nr == SYS_msgsnd || nr == SYS_semop || nr == SYS_semtimedop) {
		/* An id is an int: the register holds its sign extension. */
		int id = (int)(uint32_t)arg[0];
		ino_t ns = id >= 0 ? scan_ipcns(s) : 0;
		if (!ns)
			return 0;
		bool queue = nr == SYS_msgrcv || nr == SYS_msgsnd;
		unsigned how = nr == SYS_msgrcv ? USE_WAIT_RECEIVE : nr == SYS_msgsnd ? USE_WAIT_SEND
			       : semop_how(s->pid, arg[1], arg[2]);
		return users_add_use(s->u, queue ? USE_SYSV_QUEUE : USE_SYSV_SEM, ns, (unsigned)id, s->pid, how);
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
	int fd = openat(s->procfd, scan_path(s, rel), O_RDONLY | O_CLOEXEC);
	ssize_t got = fd < 0 ? -1 : read_some(fd, text, sizeof(text) - 1);
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (got < 0) {
		if (!scan_skippable(saved))
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

	if (fstatat(s->procfd, scan_path(s, "task"), &st, 0) != 0)
		return 0;
	/* Its owner is the process's, as for every file of /proc/PID: a
	 * user shown later needs no call of its own for it. */
	s->proc->uid = st.st_uid;
	s->proc->uid_known = true;
	if (st.st_nlink <= 3)
		return 0;
	int fd = openat(s->procfd, scan_path(s, "task"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

int scan_waits(struct proc_scan *s)
{
	int rc = scan_thread_wait(s, "");

	if (rc > 0) {
		/* Unreadable (ptrace access): nor are its other threads. */
		s->u->waits_unknown++;
		return 0;
	}
	return rc == 0 ? scan_other_threads(s) : rc;
}
