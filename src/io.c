#include "io.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "error.h"
#include "wait.h"

ssize_t read_some(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t got = read(fd, buf, n);
		if (got >= 0 || errno != EINTR || termination_pending())
			return got;
	}
}

ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t total = 0;

	while (total < n) {
		ssize_t got = read_some(fd, (char *)buf + total, n - total);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		total += (size_t)got;
	}
	return (ssize_t)total;
}

int write_all(int fd, const void *buf, size_t n, size_t *done)
{
	size_t total = 0;
	int rc = 0;

	while (total < n) {
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
