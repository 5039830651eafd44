/* metrics: the IPC state of this host (or of every IPC namespace on it)
 * in the Prometheus text exposition format, for node_exporter's textfile
 * collector or any scraper.  ipctool-metrics(1) lists every series.
 *
 * One sample is what `list --all-namespaces --processes` reads (the
 * objects of each namespace, the semaphore sets' last pids, one /proc
 * scan for the users and the processes blocked on objects) plus each
 * namespace's limits and its sets' waiter counts, summed per kind and
 * family instead of printed per object.  This file is the command: its
 * options, and where the text goes, how often (metrics.h has the rest). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "cmd/metrics.h"
#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/wait.h"

enum { OPT_ALL_NAMESPACES = 1, OPT_NS, OPT_OBJECTS, OPT_TEXTFILE, OPT_INTERVAL };

/* The file the textfile collector reads (it takes DIR/ *.prom). */
#define TEXTFILE_NAME "ipctool.prom"
/* Its temporary name while written: not *.prom, so never read half-done. */
#define TEXTFILE_TEMP ".ipctool.prom."
/* The most --objects may ask for, per kind and family. */
#define OBJECTS_MAX 10000

struct metrics_options {
	bool all_namespaces;
	pid_t ns_pid;
	unsigned long long objects;   /* --objects N; 0: no per-object series */
	const char *textfile;         /* --textfile DIR, or NULL: stdout */
	bool has_interval;
	struct timespec interval;
};

static struct poptOption metrics_table[] = {
	{ "all-namespaces", '\0', POPT_ARG_NONE, NULL, OPT_ALL_NAMESPACES,
	  "every IPC namespace a process is in, each series labelled ipcns (and container)", NULL },
	{ "ns", '\0', POPT_ARG_STRING, NULL, OPT_NS,
	  "in the IPC and mount namespaces of process PID (as nsenter --ipc --mount)", "PID" },
	{ "objects", '\0', POPT_ARG_STRING, NULL, OPT_OBJECTS,
	  "also per-object series for the N largest objects of each kind and family", "N" },
	{ "textfile", '\0', POPT_ARG_STRING, NULL, OPT_TEXTFILE,
	  "write DIR/" TEXTFILE_NAME " atomically (for node_exporter's textfile collector)", "DIR" },
	{ "interval", '\0', POPT_ARG_STRING, NULL, OPT_INTERVAL,
	  "with --textfile: write it again every SECS until a termination signal", "SECS" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int read_options(const struct args *a, struct metrics_options *o)
{
	int rc;

	*o = (struct metrics_options){ 0 };
	o->all_namespaces = args_has(a, OPT_ALL_NAMESPACES);
	o->textfile = args_value(a, OPT_TEXTFILE);
	o->has_interval = args_has(a, OPT_INTERVAL);
	if ((rc = args_ns_pid(a, OPT_NS, &o->ns_pid)) ||
	    (rc = args_unsigned(a, OPT_OBJECTS, 1, OBJECTS_MAX, &o->objects)) ||
	    (rc = args_positive_duration(a, OPT_INTERVAL, &o->interval)))
		return rc;
	return args_no_more(a, 0);
}

static int metrics_check(const struct metrics_options *o)
{
	if (o->all_namespaces && o->ns_pid)
		return usage_error("--ns and --all-namespaces contradict each other: choose one");
	if (o->has_interval && !o->textfile)
		return usage_error("--interval rewrites a --textfile: it needs one (stdout gets one sample)");
	if (o->textfile && !*o->textfile)
		return usage_error("--textfile needs a directory");
	return 0;
}

/* ---- where it goes ------------------------------------------------------ */

/* Write B as DIR/ipctool.prom, whole or not at all: a temporary file in
 * DIR (created 0600, never over anything), written, made 0644 (the
 * collector runs as another user; the counts and names are those any user
 * reads in /proc/sysvipc and /dev/shm), flushed to disk, then renamed over
 * the old one, which a reader has either whole or not yet.  DIRFD is DIR,
 * opened before any namespace was entered. */
static int write_textfile(int dirfd, const char *dir, const struct buf *b)
{
	static unsigned serial;
	char temp[64];
	int fd = -1;

	for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
		snprintf(temp, sizeof(temp), TEXTFILE_TEMP "%d.%u", (int)getpid(), serial++);
		fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		return fail_errno("cannot create a temporary file in %s", quote_input(dir));
	const char *what = "write";
	int ok = write_through(fd, b->data, b->len) == 0 && (what = "chmod", fchmod(fd, 0644) == 0) &&
		 (what = "fsync", fsync(fd) == 0);
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = 0;
		what = "close";
		saved = errno;
	}
	if (ok && renameat(dirfd, temp, dirfd, TEXTFILE_NAME) != 0) {
		ok = 0;
		what = "rename";
		saved = errno;
	}
	if (!ok) {
		unlinkat(dirfd, temp, 0);
		errno = saved;
		return fail_errno("cannot %s %s/%s", what, quote_input(dir), strcmp(what, "rename") ? temp : TEXTFILE_NAME);
	}
	/* The rename itself reaches the disk with the directory. */
	if (fsync(dirfd) != 0 && errno != EINVAL && errno != EROFS)
		return fail_errno("cannot fsync %s", quote_input(dir));
	return 0;
}

static int write_sample(const struct metrics_options *o, int dirfd, const struct buf *b)
{
	if (o->textfile)
		return write_textfile(dirfd, o->textfile, b);
	if (fwrite(b->data, 1, b->len, stdout) != b->len)
		return fail_errno("cannot write to standard output");
	return 0;
}

/* The termination signals wait while a sample is taken and written: one
 * arriving midway would interrupt a read of /proc (and fail the sample)
 * or leave the temporary file; held until the sample is out, it ends the
 * loop between two samples. */
static void hold_termination(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(how, &set, NULL);
}

static int one_sample(const struct metrics_options *o, int dirfd, struct buf *b)
{
	struct sample s = { 0 };

	if (o->textfile)
		hold_termination(SIG_BLOCK);
	int rc = sample_take(&s, o->all_namespaces, o->ns_pid);
	b->len = 0;
	if (rc == 0)
		rc = sample_format(b, &s, o->all_namespaces, o->objects);
	sample_free(&s);
	if (rc == 0)
		rc = write_sample(o, dirfd, b);
	if (o->textfile)
		hold_termination(SIG_UNBLOCK);
	return rc;
}

/* Every --interval until a termination signal, which ends it with status
 * 0 between two samples (one_sample holds it until its file is out). */
static int sample_loop(const struct metrics_options *o, int dirfd, struct buf *b)
{
	struct timespec due = monotonic_now();
	int rc = 0;

	while (rc == 0 && !termination_pending()) {
		rc = one_sample(o, dirfd, b);
		interval_next(&due, o->interval);
		if (rc == 0 && !sleep_until_due(&due))
			break;
	}
	return rc;
}

static int metrics_run(const struct args *a)
{
	struct metrics_options options, *o = &options;
	struct buf b = { 0 };
	int dirfd = -1, rc;

	if ((rc = read_options(a, o)) || (rc = metrics_check(o)))
		return rc;
	if (o->textfile) {
		/* Opened here, in ipctool's own mount namespace: --ns and
		 * --all-namespaces move it, and DIR is a path of the host. */
		dirfd = open(o->textfile, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return fail_errno("cannot open the directory %s", quote_input(o->textfile));
		/* Caught, so that one_sample can hold it back. */
		termination_catch();
	}
	rc = o->has_interval ? sample_loop(o, dirfd, &b) : one_sample(o, dirfd, &b);
	buf_free(&b);
	if (dirfd >= 0)
		close(dirfd);
	if (rc == 0 && !o->has_interval)
		termination_honour();
	return rc;
}

const struct command command_metrics = {
	.name = "metrics",
	.summary = "the IPC state in Prometheus' text format, for node_exporter",
	.synopsis = "[--all-namespaces | --ns PID] [--objects N] [--textfile DIR [--interval SECS]]",
	.table = metrics_table,
	.complete = COMPLETE_NOTHING,
	.run = metrics_run,
};
