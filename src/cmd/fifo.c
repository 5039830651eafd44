/* fifo: make a named pipe, or read or write one, without mkfifo's and the
 * shell redirection's traps (ipctool-fifo(1), ipctool(1)): never follow a symlink, never
 * touch what is not a FIFO, never hang in open(2) past a --timeout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/wait.h"

enum { OPT_READ = 1, OPT_WRITE };

struct fifo_options {
	struct create_options create;
	struct wait_options wait;
	bool read, write;
};

static struct poptOption fifo_table[] = {
	CLI_INCLUDE(cli_create_options, "Creating:"),
	{ "read", '\0', POPT_ARG_NONE, NULL, OPT_READ,
	  "copy from the FIFO to standard output until every writer has closed it", NULL },
	{ "write", '\0', POPT_ARG_NONE, NULL, OPT_WRITE,
	  "copy DATA, or standard input, into the FIFO", NULL },
	CLI_INCLUDE(cli_wait_options, "Waiting for the other end:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int read_options(const struct args *a, struct fifo_options *o)
{
	o->read = args_has(a, OPT_READ);
	o->write = args_has(a, OPT_WRITE);
	int rc = args_create(a, &o->create);
	return rc ? rc : args_wait(a, &o->wait);
}

static int not_a_fifo(const char *path, mode_t mode)
{
	return fail("%s exists and is %s, not a FIFO; it was left untouched", path, file_kind(mode));
}

/* ---- creating ---------------------------------------------------------- */

static int fifo_create(const char *path, const struct create_options *c)
{
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode))
			return not_a_fifo(path, st.st_mode);
		if (c->exclusive)
			return fail("FIFO %s already exists (--exclusive)", path);
		return EXIT_OK;   /* an existing FIFO is left as it is */
	}
	if (errno != ENOENT)
		return fail_errno("cannot look at %s", path);
	/* With umask 0 the FIFO is born with exactly MODE: no moment in which
	 * it is more open than asked. */
	mode_t old = umask(0);
	int made = mkfifo(path, c->mode);
	umask(old);
	if (made != 0) {
		if (errno == EEXIST)    /* someone was quicker: judge what is there */
			return fifo_create(path, c);
		return fail_errno("cannot create FIFO %s", path);
	}
	/* A default ACL on the directory overrides the umask: set the mode
	 * again, on the FIFO itself even if PATH became a symlink meanwhile. */
	if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 07777) != c->mode &&
	    fchmodat(AT_FDCWD, path, c->mode, AT_SYMLINK_NOFOLLOW) != 0)
		return fail_errno("cannot set the mode of FIFO %s", path);
	return EXIT_OK;
}

/* ---- opening ----------------------------------------------------------- */

/* Refuse what is not a FIFO before opening (a device may react to open)
 * and after (PATH may have been replaced in between). */
static int check_fifo(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return fail("no FIFO %s (create it with 'ipctool fifo %s')", path, path);
		return fail_errno("cannot look at %s", path);
	}
	if (!S_ISFIFO(st.st_mode))
		return not_a_fifo(path, st.st_mode);
	return EXIT_OK;
}

static int open_failed(const char *path)
{
	if (errno == ELOOP)
		return fail("%s is a symbolic link; it is not followed", path);
	if (errno == ENOENT)
		return fail("no FIFO %s (create it with 'ipctool fifo %s')", path, path);
	return fail_errno("cannot open FIFO %s", path);
}

static int check_open_fd(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return fail_errno("cannot look at %s", path);
	if (!S_ISFIFO(st.st_mode))
		return not_a_fifo(path, st.st_mode);
	return EXIT_OK;
}

/* Open PATH for FLAGS (O_RDONLY or O_WRONLY), waiting for the other end
 * as W says.  open(2) on a FIFO blocks until the other end comes; the
 * deadline timer of wait.h interrupts it.  Returns the fd, or -1 after
 * reporting into *rc. */
static int fifo_open(const char *path, int flags, const struct wait *w, int *rc)
{
	int fd;

	if ((*rc = check_fifo(path)))
		return -1;
	flags |= O_NOFOLLOW | O_CLOEXEC;
	if (w->nowait) {
		fd = open(path, flags | O_NONBLOCK);
	} else {
		if (wait_arm(w) != 0) {
			*rc = fail_errno("cannot set a timer for --timeout");
			return -1;
		}
		do
			fd = open(path, flags);
		while (fd < 0 && errno == EINTR && !wait_expired(w) && !termination_pending());
		wait_disarm();
	}
	if (fd < 0) {
		if (errno == ENXIO || errno == EINTR) {
			termination_honour();
			const char *other = (flags & O_ACCMODE) == O_WRONLY ? "reader" : "writer";
			if (w->nowait)
				warn("no %s has %s open", other, path);
			else
				warn("no %s opened %s before the timeout", other, path);
			*rc = EXIT_NOTHING;
		} else {
			*rc = open_failed(path);
		}
		return -1;
	}
	if ((*rc = check_open_fd(fd, path))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- copying ----------------------------------------------------------- */

enum { COPY_CHUNK = 64 * 1024 };

/* Copy IN to OUT until end of file.  Returns EXIT_OK, or reports which
 * side failed. */
static int copy_stream(int in, const char *in_name, int out, const char *out_name)
{
	static char buf[COPY_CHUNK];

	for (;;) {
		ssize_t got = read_some(in, buf, sizeof(buf));
		if (got == 0)
			return EXIT_OK;
		if (got < 0) {
			termination_honour();
			return fail_errno("cannot read %s", in_name);
		}
		if (write_all(out, buf, (size_t)got, NULL) != 0) {
			termination_honour();
			if (errno == EPIPE)
				return fail("%s was closed before all data was written", out_name);
			return fail_errno("cannot write %s", out_name);
		}
	}
}

/* --read with nothing to wait for: take what is there now, or exit 3. */
static int read_now(int fd, const char *path)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) {
		warn("no writer has data in %s", path);
		return EXIT_NOTHING;
	}
	/* From here on, read as a blocking reader until the writers leave. */
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
		return fail_errno("cannot read %s", path);
	return copy_stream(fd, path, STDOUT_FILENO, "standard output");
}

static int fifo_read(const char *path, const struct wait *w)
{
	int rc;
	int fd = w->nowait ? -1 : fifo_open(path, O_RDONLY, w, &rc);

	if (w->nowait) {
		/* A reader's open never waits with O_NONBLOCK, so it tells
		 * nothing about writers: look for data instead. */
		if ((rc = check_fifo(path)))
			return rc;
		fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return open_failed(path);
		if ((rc = check_open_fd(fd, path)) == EXIT_OK)
			rc = read_now(fd, path);
		close(fd);
		return rc;
	}
	if (fd < 0)
		return rc;
	rc = copy_stream(fd, path, STDOUT_FILENO, "standard output");
	close(fd);
	return rc;
}

static int fifo_write(const char *path, const char *data, const struct wait *w)
{
	int rc;
	int fd = fifo_open(path, O_WRONLY, w, &rc);

	if (fd < 0)
		return rc;
	if (w->nowait) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
			close(fd);
			return fail_errno("cannot write %s", path);
		}
	}
	if (data) {
		if (write_all(fd, data, strlen(data), NULL) != 0) {
			termination_honour();
			rc = errno == EPIPE ? fail("%s was closed by its reader before all data was written", path)
					    : fail_errno("cannot write %s", path);
		}
	} else {
		rc = copy_stream(STDIN_FILENO, "standard input", fd, path);
	}
	if (close(fd) != 0 && rc == EXIT_OK)
		rc = fail_errno("cannot write %s", path);
	return rc;
}

/* ---- the command ------------------------------------------------------- */

static int fifo_check(const struct fifo_options *o, const struct args *a)
{
	int rc;

	if (a->nwords == 0)
		return usage_error("missing PATH");
	if (o->read && o->write)
		return usage_error("--read and --write contradict each other");
	if ((o->read || o->write) && o->create.given)
		return usage_error("--mode and --exclusive apply when creating; create the FIFO first, "
				   "then --%s", o->read ? "read" : "write");
	if (!o->read && !o->write && (o->wait.nowait || o->wait.has_timeout))
		return usage_error("--nowait and --timeout need --read or --write");
	if ((rc = args_no_more(a, o->write ? 2 : 1)))
		return rc;
	if (a->words[0][0] == '\0')
		return usage_error("PATH is empty");
	return 0;
}

static int fifo_run(const struct args *a)
{
	struct fifo_options o;
	struct wait w;
	int rc;

	if ((rc = read_options(a, &o)) || (rc = fifo_check(&o, a)))
		return rc;
	const char *path = a->words[0];
	if (!o.read && !o.write)
		return fifo_create(path, &o.create);
	wait_init(&w, o.wait.nowait, o.wait.has_timeout ? &o.wait.timeout : NULL);
	termination_catch();
	if (o.read)
		return fifo_read(path, &w);
	/* A reader that leaves early is a failure to report, not a silent
	 * death; --read, like cat, just dies when its own output closes. */
	signal(SIGPIPE, SIG_IGN);
	return fifo_write(path, a->nwords > 1 ? a->words[1] : NULL, &w);
}

const struct command command_fifo = {
	.name = "fifo",
	.summary = "create a named pipe, or read or write one with a timeout",
	.synopsis = "PATH [--mode MODE] [--exclusive]\nPATH --read [--nowait | --timeout SECS]\n"
		    "PATH --write [DATA] [--nowait | --timeout SECS]",
	.table = fifo_table,
	.complete = COMPLETE_FILE,
	.run = fifo_run,
};
