/* recv --exec's joblog, {} arguments and retry delays: see recvjobs.h. */
#include "cmd/recvjobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/parse.h"

static const char joblog_header[] = "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n";

/* The header goes in only when the file is empty; the lock keeps two
 * runs starting on one new file from both writing it. */
static int joblog_header_once(int fd)
{
	struct stat st;
	int rc = 0;

	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR)
			return -1;
	if (fstat(fd, &st) != 0 || (st.st_size == 0 && write_all(fd, joblog_header, sizeof(joblog_header) - 1, NULL) != 0))
		rc = -1;
	int err = errno;
	flock(fd, LOCK_UN);
	errno = err;
	return rc;
}

int joblog_open(struct joblog *log, const char *path)
{
	struct stat st;

	log->path = path;
	/* O_NONBLOCK: a FIFO must be refused, not waited on. */
	log->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (log->fd < 0) {
		if (errno == ELOOP)
			return fail("--joblog %s: it is a symbolic link; give the file itself", quote_input(path));
		if (errno == ENXIO)
			return fail("--joblog %s: it is a FIFO; the joblog must be a regular file", quote_input(path));
		return fail_errno("--joblog %s", quote_input(path));
	}
	if (fstat(log->fd, &st) != 0) {
		int rc = fail_errno("--joblog %s", quote_input(path));
		joblog_close(log);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		int rc = fail("--joblog %s: it is %s; the joblog must be a regular file", quote_input(path),
			      file_kind(st.st_mode));
		joblog_close(log);
		return rc;
	}
	if (fcntl(log->fd, F_SETFL, O_WRONLY | O_APPEND) != 0 || joblog_header_once(log->fd) != 0) {
		int rc = fail_errno("--joblog %s: cannot write", quote_input(path));
		joblog_close(log);
		return rc;
	}
	return 0;
}

void joblog_close(struct joblog *log)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
}

/* The command as parallel writes it: words joined by spaces, a newline
 * written as NUL so that each run stays one line. */
static int add_command(struct buf *b, char *const *argv)
{
	for (size_t i = 0; argv[i]; i++) {
		if (i && buf_append(b, " ", 1) != 0)
			return -1;
		for (const char *c = argv[i]; *c; c++)
			if (buf_append(b, *c == '\n' ? "" : c, 1) != 0)
				return -1;
	}
	return 0;
}

int joblog_write(const struct joblog *log, unsigned long long seq, struct timespec start,
		 struct timespec runtime, int exitval, int signal, char *const *argv)
{
	struct buf b = { 0 };
	char head[160];
	int rc;

	if (log->fd < 0)
		return 0;
	/* Starttime is parallel's: seconds with milliseconds, truncated; the
	 * run time right-aligned in ten columns. */
	int n = snprintf(head, sizeof(head), "%llu\t:\t%lld.%03ld\t%10.3f\t0\t0\t%d\t%d\t", seq,
			 (long long)start.tv_sec, start.tv_nsec / 1000000,
			 (double)runtime.tv_sec + (double)runtime.tv_nsec / 1e9, exitval, signal);
	rc = buf_append(&b, head, (size_t)n) != 0 || add_command(&b, argv) != 0 || buf_append(&b, "\n", 1) != 0
		? -1
		/* One write with O_APPEND: lines of runs ending together, or of
		 * two ipctools on one file, never mix. */
		: write_all(log->fd, b.data, b.len, NULL);
	if (rc && !errno)
		errno = ENOMEM;
	buf_free(&b);
	return rc;
}

int argsub_init(struct argsub *a, const char *const *command)
{
	memset(a, 0, sizeof(*a));
	a->command = command;
	while (command[a->argc])
		a->argc++;
	for (size_t i = 1; i < a->argc; i++)
		if (strstr(command[i], "{}"))
			a->any = true;
	if (!a->any)
		return 0;
	a->argv = calloc(a->argc + 1, sizeof(*a->argv));
	return a->argv ? 0 : -1;
}

static void argsub_clear(struct argsub *a)
{
	for (size_t i = 1; i < a->argc; i++)
		if (a->argv[i] != a->command[i])
			free(a->argv[i]);
}

/* ARG with each {} replaced by TEXT (LEN bytes), or NULL: too long
 * (*too_long set) or out of memory. */
static char *substitute(const char *arg, const char *text, size_t len, bool *too_long)
{
	size_t holes = 0, plain = strlen(arg);

	for (const char *p = arg; (p = strstr(p, "{}")); p += 2)
		holes++;
	plain -= 2 * holes;
	if (plain >= ARG_BYTES_MAX || (len && holes > (ARG_BYTES_MAX - 1 - plain) / len)) {
		*too_long = true;
		return NULL;
	}
	char *out = malloc(plain + holes * len + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = arg, *hole; ; p = hole + 2) {
		hole = strstr(p, "{}");
		size_t n = hole ? (size_t)(hole - p) : strlen(p);
		memcpy(o, p, n);
		o += n;
		if (!hole)
			break;
		memcpy(o, text, len);
		o += len;
	}
	*o = '\0';
	return out;
}

const char *argsub_fill(struct argsub *a, const char *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t len = nul ? (size_t)(nul - data) : size;
	bool too_long = false;

	/* A C string's one final NUL is its end; a NUL before the end would
	 * cut the message short without a word. */
	if (nul && len + 1 != size)
		return "it holds a NUL before its end";
	argsub_clear(a);
	a->argv[0] = (char *)a->command[0];
	for (size_t i = 1; i < a->argc; i++) {
		a->argv[i] = (char *)a->command[i];
		if (!strstr(a->command[i], "{}"))
			continue;
		char *s = substitute(a->command[i], data, len, &too_long);
		if (!s) {
			for (size_t j = i; j < a->argc; j++)
				a->argv[j] = (char *)a->command[j];
			return too_long ? "the argument would be longer than 128 KiB, the kernel's limit"
					: "out of memory";
		}
		a->argv[i] = s;
	}
	a->argv[a->argc] = NULL;
	return NULL;
}

void argsub_free(struct argsub *a)
{
	if (a->argv) {
		argsub_clear(a);
		free(a->argv);
	}
	a->argv = NULL;
}

struct timespec retry_delay(struct timespec base, unsigned attempt)
{
	double s = (double)base.tv_sec + (double)base.tv_nsec / 1e9;

	for (unsigned i = 1; i < attempt && s < (double)DURATION_MAX_SECONDS; i++)
		s *= 2;
	if (s > (double)DURATION_MAX_SECONDS)
		s = (double)DURATION_MAX_SECONDS;
	struct timespec d = { .tv_sec = (time_t)s };
	d.tv_nsec = (long)((s - (double)d.tv_sec) * 1e9);
	return d;
}
