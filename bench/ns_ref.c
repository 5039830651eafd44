/* The floor for list --all-namespaces (bench/namespaces.sh): the raw
 * system calls that read every IPC namespace's System V objects and
 * nothing else -- no columns, no table.
 *
 *   ns_ref one      cat /proc/sysvipc/{msg,shm,sem} of this namespace
 *   ns_ref setns    one pass over /proc/PID/ns/ipc, then for each namespace
 *                   setns into its IPC and mount namespaces and read the
 *                   three files, then back (what ipctool does)
 *   ns_ref fork     the same with a child per namespace, which enters it
 *                   and sends the files up a pipe (the alternative)
 *
 * Output goes to stdout (the bench sends it to /dev/null). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_NS = 4096 };

static struct { unsigned long long ino; int pid; } ns[MAX_NS];
static size_t nns;
static char buf[1 << 16];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void copy_fd(int in, int out)
{
	ssize_t got;

	while ((got = read(in, buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR))
		for (ssize_t done = 0, w; got > 0 && done < got; done += w)
			if ((w = write(out, buf + done, (size_t)(got - done))) < 0) {
				if (errno != EINTR)
					die("write");
				w = 0;
			}
	if (got < 0)
		die("read");
}

static void read_sysvipc(int out)
{
	static const char *const files[] = { "/proc/sysvipc/msg", "/proc/sysvipc/shm", "/proc/sysvipc/sem" };

	for (size_t i = 0; i < 3; i++) {
		int fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(files[i]);
		copy_fd(fd, out);
		close(fd);
	}
}

static void scan(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64];
	struct stat st;

	if (!d)
		die("/proc");
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
		if (stat(path, &st) != 0)
			continue;
		size_t i = 0;
		while (i < nns && ns[i].ino != st.st_ino)
			i++;
		if (i == nns && nns < MAX_NS)
			ns[nns++].ino = st.st_ino, ns[i].pid = pid;
		else if (i < nns && pid < ns[i].pid)
			ns[i].pid = pid;
	}
	closedir(d);
}

static void enter(int pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
	int ipc = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	int mnt = open(path, O_RDONLY | O_CLOEXEC);
	if (ipc < 0 || mnt < 0 || setns(ipc, CLONE_NEWIPC) != 0 || setns(mnt, CLONE_NEWNS) != 0)
		die("setns");
	close(ipc);
	close(mnt);
}

static void by_setns(void)
{
	int home_ipc = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	int home_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	if (home_ipc < 0 || home_mnt < 0)
		die("/proc/self/ns");
	for (size_t i = 0; i < nns; i++) {
		enter(ns[i].pid);
		read_sysvipc(STDOUT_FILENO);
	}
	if (setns(home_mnt, CLONE_NEWNS) != 0 || setns(home_ipc, CLONE_NEWIPC) != 0)
		die("setns home");
}

static void by_fork(void)
{
	for (size_t i = 0; i < nns; i++) {
		int p[2];
		if (pipe(p) != 0)
			die("pipe");
		pid_t child = fork();
		if (child < 0)
			die("fork");
		if (child == 0) {
			close(p[0]);
			enter(ns[i].pid);
			read_sysvipc(p[1]);
			_exit(0);
		}
		close(p[1]);
		copy_fd(p[0], STDOUT_FILENO);
		close(p[0]);
		int status;
		while (waitpid(child, &status, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "one") == 0) {
		read_sysvipc(STDOUT_FILENO);
		return 0;
	}
	scan();
	if (strcmp(mode, "setns") == 0)
		by_setns();
	else if (strcmp(mode, "fork") == 0)
		by_fork();
	else {
		fprintf(stderr, "usage: ns_ref one|setns|fork\n");
		return 2;
	}
	return 0;
}
