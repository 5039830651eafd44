/* Entering another process's IPC and mount namespaces (nsenter.h). */
#include "lib/nsenter.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "lib/parse.h"

/* ipctool's own namespaces, working directory and /proc, from the first
 * ns_enter on; and where it is now. */
static struct {
	bool saved;
	int ipc, mnt, cwd, proc, root;
	struct stat ipc_st, mnt_st;     /* ipctool's own, to tell "already there" */
	struct stat at_ipc, at_mnt;     /* the namespaces it is in now */
	int entered_mnt;                /* the mount namespace entered, or -1 */
	int entered_root;               /* and the root directory PID has there */
	bool visiting;                  /* ns_home_visit is in effect */
	unsigned generation;
} home = { .ipc = -1, .mnt = -1, .cwd = -1, .proc = -1, .root = -1, .entered_mnt = -1, .entered_root = -1 };

int ns_parse_pid(const char *option, const char *text, pid_t *pid)
{
	unsigned long long v;

	if (parse_unsigned(text, 1, INT_MAX, &v))
		return cli_bad_value(option, text, "expected a process id, a whole number from 1 to 2147483647");
	*pid = (pid_t)v;
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int ns_proc_open(const char *rel, int flags)
{
	char path[PATH_MAX];

	if (home.saved)
		return openat(home.proc, rel, flags | O_CLOEXEC);
	if (snprintf(path, sizeof(path), "/proc/%s", rel) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, flags | O_CLOEXEC);
}

ssize_t ns_proc_read(const char *rel, char *buf, size_t size)
{
	int fd = ns_proc_open(rel, O_RDONLY);

	buf[0] = '\0';
	if (fd < 0)
		return -1;
	ssize_t got = read_full(fd, buf, size - 1);
	int saved = errno;
	close(fd);
	errno = saved;
	if (got >= 0)
		buf[got] = '\0';
	return got;
}

static int ns_proc_stat(const char *rel, struct stat *st)
{
	int fd = ns_proc_open(rel, O_RDONLY);

	if (fd < 0)
		return -1;
	int rc = fstat(fd, st);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int ns_ipc_inode(pid_t pid, unsigned long long *inode)
{
	char rel[64];
	struct stat st;

	snprintf(rel, sizeof(rel), "%d/ns/ipc", (int)pid);
	if (ns_proc_stat(rel, &st) != 0)
		return -1;
	*inode = (unsigned long long)st.st_ino;
	return 0;
}

/* The time zone is ipctool's own, read here before any entering: the C
 * library reads /etc/localtime the first time a time is made local, and
 * after a chroot into a container that is the container's file (a FIFO
 * there would hang list for ever; ipctool-list(1), --ns).  tzset reads it
 * now; localtime_r never reads it again.  localtime, mktime and tzset do,
 * on every call, while TZ is unset: TZ then names the default file, which
 * the C library takes for the zone it already has, and reads nothing. */
static void pin_time_zone(void)
{
	tzset();
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 0);
}

/* What the first ns_enter keeps: without it there is no way back. */
static int save_home(void)
{
	if (home.saved)
		return 0;
	pin_time_zone();
	home.proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (home.proc < 0)
		return fail_errno("cannot open /proc, where the namespaces are");
	home.ipc = openat(home.proc, "self/ns/ipc", O_RDONLY | O_CLOEXEC);
	home.mnt = openat(home.proc, "self/ns/mnt", O_RDONLY | O_CLOEXEC);
	home.cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	home.root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (home.ipc < 0 || home.mnt < 0 || home.root < 0 || fstat(home.ipc, &home.ipc_st) != 0 ||
	    fstat(home.mnt, &home.mnt_st) != 0) {
		int rc = fail_errno("cannot open ipctool's own namespaces in /proc/self/ns");
		for (int *fd = &home.ipc; fd <= &home.root; fd++)
			if (*fd >= 0)
				close(*fd), *fd = -1;
		return rc;
	}
	home.at_ipc = home.ipc_st;
	home.at_mnt = home.mnt_st;
	home.saved = true;
	return 0;
}

static int cannot_enter(const char *what, pid_t pid, int err)
{
	if (err == EPERM || err == EACCES)
		return fail("cannot enter the %s namespace of PID %d: needs CAP_SYS_ADMIN", what, (int)pid);
	errno = err;
	return fail_errno("cannot enter the %s namespace of PID %d", what, (int)pid);
}

/* /proc/PID/ns/NAME, opened through ipctool's own /proc. */
static int open_ns(pid_t pid, const char *name)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%d/ns/%s", (int)pid, name);
	return ns_proc_open(rel, O_RDONLY);
}

/* Move into the namespace FD (of type NSTYPE) unless ipctool is in it. */
static int switch_to(int fd, int nstype, struct stat *at)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	if (same_file(&st, at))
		return 0;
	if (setns(fd, nstype) != 0)
		return -1;
	*at = st;
	home.generation++;
	return 0;
}

/* setns into a mount namespace makes its root mount the root directory;
 * a process there may have another (a container's chroot), and it is that
 * process's view of the files that counts, as `nsenter --root` gives:
 * ROOT, opened through /proc/PID/root before, becomes the root. */
static int take_root(int root)
{
	if (fchdir(root) != 0 || chroot(".") != 0)
		return -1;
	return 0;
}

/* Into the mount namespace MNT with ROOT as the root directory. */
static int switch_mount(int mnt, int root)
{
	struct stat before = home.at_mnt;

	if (switch_to(mnt, CLONE_NEWNS, &home.at_mnt) != 0)
		return -1;
	if (same_file(&before, &home.at_mnt))
		return 0;
	return take_root(root);
}

/* PID's IPC and mount namespaces opened in *IPC and *MNT; 0, NS_GONE
 * (nothing reported) for a process gone or no longer in namespace EXPECT,
 * or a reported status. */
static int open_both(pid_t pid, unsigned long long expect, int *ipc, int *mnt)
{
	const char *which = "IPC";
	struct stat st;
	int err = 0;

	*mnt = -1;
	if ((*ipc = open_ns(pid, "ipc")) < 0)
		err = errno;
	else if ((*mnt = open_ns(pid, "mnt")) < 0)
		err = errno, which = "mount";
	else if (expect && (fstat(*ipc, &st) != 0 || (unsigned long long)st.st_ino != expect))
		err = ESRCH;
	if (!err)
		return 0;
	if (*ipc >= 0)
		close(*ipc);
	if (*mnt >= 0)
		close(*mnt);
	*ipc = *mnt = -1;
	bool gone = err == ENOENT || err == ESRCH;
	if (gone && expect)
		return NS_GONE;
	if (gone)
		return fail("no process with PID %d", (int)pid);
	return cannot_enter(which, pid, err);
}

/* /proc/PID/root, the root directory PID sees; -1 with errno. */
static int open_root(pid_t pid)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%d/root", (int)pid);
	return ns_proc_open(rel, O_PATH | O_DIRECTORY);
}

int ns_enter(pid_t pid, unsigned long long expect)
{
	int ipc, mnt, root;
	int rc = save_home();

	if (rc || (rc = open_both(pid, expect, &ipc, &mnt)))
		return rc;
	if ((root = open_root(pid)) < 0)
		rc = cannot_enter("mount", pid, errno);
	else if (switch_to(ipc, CLONE_NEWIPC, &home.at_ipc) != 0)
		rc = cannot_enter("IPC", pid, errno);
	else if (switch_mount(mnt, root) != 0)
		rc = cannot_enter("mount", pid, errno);
	close(ipc);
	/* Kept for ns_home_visit's way back in. */
	if (rc == 0 && !same_file(&home.at_mnt, &home.mnt_st)) {
		if (home.entered_mnt >= 0)
			close(home.entered_mnt);
		if (home.entered_root >= 0)
			close(home.entered_root);
		home.entered_mnt = mnt;
		home.entered_root = root;
	} else {
		close(mnt);
		if (root >= 0)
			close(root);
	}
	return rc;
}

int ns_leave(void)
{
	if (!home.saved)
		return 0;
	if (switch_mount(home.mnt, home.root) != 0 ||
	    switch_to(home.ipc, CLONE_NEWIPC, &home.at_ipc) != 0)
		return fail_errno("cannot go back to ipctool's own namespaces");
	if (home.entered_mnt >= 0)
		close(home.entered_mnt), home.entered_mnt = -1;
	if (home.entered_root >= 0)
		close(home.entered_root), home.entered_root = -1;
	/* Entering a mount namespace moves to its root directory. */
	if (home.cwd >= 0 && fchdir(home.cwd) != 0)
		return fail_errno("cannot go back to the working directory");
	return 0;
}

bool ns_entered(void)
{
	return home.saved && !same_file(&home.at_mnt, &home.mnt_st);
}

unsigned ns_generation(void)
{
	return home.generation;
}

void ns_home_visit(void)
{
	if (home.visiting || home.entered_mnt < 0 || !ns_entered())
		return;
	if (setns(home.mnt, CLONE_NEWNS) != 0 || take_root(home.root) != 0) {
		fail_errno("cannot go back to ipctool's own mount namespace");
		exit(EXIT_FAIL);
	}
	home.visiting = true;
}

/* Carrying on in the wrong mount namespace could remove the wrong
 * objects: failing to go back is the end. */
void ns_home_return(void)
{
	if (!home.visiting)
		return;
	if (setns(home.entered_mnt, CLONE_NEWNS) != 0 || take_root(home.entered_root) != 0) {
		fail_errno("cannot enter the mount namespace again");
		exit(EXIT_FAIL);
	}
	home.visiting = false;
}

unsigned long long ns_current_ipc(void)
{
	static unsigned long long inode;
	static unsigned generation;
	static bool known;
	struct stat st;

	if (!known || generation != home.generation) {
		inode = ns_proc_stat("self/ns/ipc", &st) == 0 ? (unsigned long long)st.st_ino : 0;
		generation = home.generation;
		known = true;
	}
	return inode;
}
