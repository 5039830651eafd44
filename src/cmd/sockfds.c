/* Descriptors passed with the data: see sockfds.h. */
#include "cmd/sockfds.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/sock.h"
#include "lib/error.h"
#include "lib/spawn.h"
#include "lib/wait.h"
#include "mech/socket.h"

char *sock_fds_option(const char *addr)
{
	size_t len = strlen(SOCK_FDS_OPTION "=") + strlen(addr) + 1;
	char *opt = malloc(len);

	if (opt)
		snprintf(opt, len, "%s=%s", SOCK_FDS_OPTION, addr);
	return opt;
}

/* One FILE.  A symbolic link is refused (a link swapped in a shared
 * directory would pass the listener whatever it points to, with our
 * rights); so is a directory (its descriptor opens the whole tree below
 * it).  O_NONBLOCK only for the open itself: a FIFO with no writer would
 * block it for ever. */
static int open_one(const char *file, bool rw, int *fd)
{
	struct stat st;

	*fd = open(file, (rw ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0 && errno == ELOOP)
		return usage_error("--send-fd %s is a symbolic link: name the file it points to",
				   quote_input(file));
	if (*fd < 0)
		return usage_error("--send-fd cannot open %s %s: %s", quote_input(file),
				   rw ? "read-write" : "read-only", strerror(errno));
	int flags = fcntl(*fd, F_GETFL);
	if (fstat(*fd, &st) != 0 || flags < 0 || fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		int err = errno;
		close(*fd);
		return usage_error("--send-fd cannot use %s: %s", quote_input(file), strerror(err));
	}
	if (S_ISDIR(st.st_mode)) {
		close(*fd);
		return usage_error("--send-fd %s is a directory: pass files (a directory's descriptor opens "
				   "all below it)", quote_input(file));
	}
	return 0;
}

int sock_fds_open(const char *const *files, size_t n, bool rw, int *fds)
{
	for (size_t i = 0; i < n; i++) {
		int rc = open_one(files[i], rw, &fds[i]);
		if (rc) {
			sock_fds_close_all(fds, i);
			return rc;
		}
	}
	return 0;
}

/* F's descriptors to 3, 4, ... without close-on-exec, in the order they
 * were sent.  They are first moved above that range, so that none is
 * overwritten before it has been moved.  0, or -1 with errno (F closed). */
static int place_fds(struct sock_fds *f)
{
	int high[SOCK_FDS_MAX];
	unsigned n = f->n;

	for (unsigned i = 0; i < n; i++) {
		if ((high[i] = fcntl(f->fd[i], F_DUPFD_CLOEXEC, 3 + (int)n)) < 0) {
			int err = errno;
			sock_fds_close_all(high, i);
			sock_fds_close(f);
			errno = err;
			return -1;
		}
	}
	sock_fds_close(f);
	for (unsigned i = 0; i < n; i++) {
		int err = dup2(high[i], 3 + (int)i) < 0 ? errno : 0;
		close(high[i]);
		if (err) {
			sock_fds_close_all(high + i + 1, n - i - 1);
			errno = err;
			return -1;
		}
	}
	return 0;
}

static const char *peer_pid(void)
{
	const char *pid = getenv("IPCTOOL_PEER_PID");

	return pid ? pid : "?";
}

/* Wait for the first bytes (or the end), at most IDLE.  1 when something
 * came, 0 after the silence (reported), or a status. */
static int first_bytes(const char *addr, const struct timespec *idle)
{
	struct wait w;

	wait_init(&w, false, idle);
	int r = sock_wait_fd(STDIN_FILENO, POLLIN, &w, -1);
	if (r > 0)
		return 1;
	if (r == 0) {
		warn("closed the connection from pid %s on %s: it sent nothing for %lld.%03ld s (--idle-timeout)",
		     peer_pid(), addr, (long long)idle->tv_sec, idle->tv_nsec / 1000000);
		return 0;
	}
	return fail_errno("cannot wait on the connection from pid %s on %s", peer_pid(), addr);
}

int sock_fds_exec(const char *addr, const struct timespec *idle, char *const *next)
{
	struct sock_fds f = { .n = 0 };
	char first;
	char count[32];
	int r = first_bytes(addr, idle);

	if (r != 1)
		return r ? r : EXIT_OK;
	/* A peek: the byte, and the descriptors with copies, stay for
	 * COMMAND's reads (where the kernel closes the originals). */
	if (sock_recv_fds(STDIN_FILENO, &first, 1, MSG_PEEK | MSG_DONTWAIT, &f) < 0 && errno != ECONNRESET &&
	    errno != EAGAIN)
		return fail_errno("cannot read the connection from pid %s on %s", peer_pid(), addr);
	if (f.cut) {
		sock_fds_close(&f);
		return fail("the descriptors from pid %s on %s did not all arrive (MSG_CTRUNC: the open-file "
			    "limit?); the connection was closed without running COMMAND", peer_pid(), addr);
	}
	snprintf(count, sizeof(count), "%u", f.n);
	if (place_fds(&f) != 0)
		return fail_errno("cannot give the descriptors from pid %s on %s to COMMAND", peer_pid(), addr);
	if (setenv("IPCTOOL_FDS", count, 1) != 0)
		return fail_errno("cannot set IPCTOOL_FDS");
	return spawn_exec(next);
}
