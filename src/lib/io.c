#include "lib/io.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/progress.h"
#include "lib/wait.h"

/* A termination signal that came while we were not blocked (between two
 * calls, or ending a blocking call after part of the data moved) has run
 * its handler already: the next call would block with nothing left to
 * interrupt it.  So a pending termination ends the I/O as EINTR would. */
static bool stop_for_termination(void)
{
	if (!termination_pending())
		return false;
	errno = EINTR;
	return true;
}

ssize_t read_some(int fd, void *buf, size_t n)
{
	for (;;) {
		if (stop_for_termination())
			return -1;
		ssize_t got = read(fd, buf, n);
		if (got >= 0 || errno != EINTR || termination_pending())
			return got;
	}
}

ssize_t pread_full(int fd, void *buf, size_t n, off_t off)
{
	size_t total = 0;

	while (total < n) {
		ssize_t got = pread(fd, (char *)buf + total, n - total, off + (off_t)total);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		total += (size_t)got;
	}
	return (ssize_t)total;
}

int pwrite_all(int fd, const void *buf, size_t n, off_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t put = pwrite(fd, (const char *)buf + done, n - done, off + (off_t)done);
		if (put < 0 && errno == EINTR)
			continue;
		if (put <= 0) {
			if (put == 0)
				errno = ENOSPC;
			return -1;
		}
		done += (size_t)put;
	}
	return 0;
}

ssize_t read_full(int fd, void *buf, size_t n)
{
	return read_full_progress(fd, buf, n, NULL);
}

ssize_t read_full_progress(int fd, void *buf, size_t n, struct progress *p)
{
	size_t total = 0;

	while (total < n) {
		ssize_t got = read_some(fd, (char *)buf + total, n - total);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		total += (size_t)got;
		if (p)
			progress_update(p, total);
	}
	return (ssize_t)total;
}

int write_all(int fd, const void *buf, size_t n, size_t *done)
{
	size_t total = 0;
	int rc = 0;

	while (total < n) {
		if (stop_for_termination()) {
			rc = -1;
			break;
		}
		ssize_t put = write(fd, (const char *)buf + total, n - total);
		if (put < 0) {
			if (errno == EINTR && !termination_pending())
				continue;
			rc = -1;
			break;
		}
		total += (size_t)put;
	}
	if (done)
		*done = total;
	return rc;
}

int flush_stdout(void)
{
	int bad = ferror(stdout);

	errno = bad ? EIO : 0;   /* an earlier buffered write failed: its errno is gone */
	if (fflush(stdout) != 0)
		bad = 1;
	if (!bad)
		return 0;
	int saved = errno;
	__fpurge(stdout);
	clearerr(stdout);
	errno = saved;
	return -1;
}

int write_through(int fd, const void *buf, size_t n)
{
	size_t total = 0;

	while (total < n) {
		ssize_t put = write(fd, (const char *)buf + total, n - total);
		if (put < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		total += (size_t)put;
	}
	return 0;
}

int finish_stdout(void)
{
	/* fclose reports a write error that fflush alone may not (EBADF, EIO
	 * on close); ferror catches errors from earlier buffered writes. */
	int bad = ferror(stdout);
	if (fflush(stdout) != 0)
		bad = 1;
	if (fclose(stdout) != 0 && errno != EBADF)
		bad = 1;
	if (bad)
		return fail_errno("write error on standard output");
	return EXIT_OK;
}

const char *file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISFIFO(mode))
		return "a FIFO";
	return "a special file";
}
