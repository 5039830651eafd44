/* restore: bring back what dump saved (ipctool-restore(1)), each object all
 * or nothing.
 *
 * A dump is read one line at a time (src/lib/dumpline.c parses each), so
 * memory stays bounded by its longest line, whatever its size.  This file
 * is the command line and the reader; each line of an object goes to
 * restoreobj.c, which makes it.  A line that is not what may stand there
 * stops the restore with status 1 naming the line; the objects before it
 * stay restored. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/dumpline.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"
#include "lib/records.h"
#include "cmd/sendjson.h"
#include "lib/target.h"
#include "cmd/restore.h"
#include "lib/wait.h"

enum { OPT_SAME_IDS = 1, OPT_REPLACE, OPT_DRY_RUN, OPT_NS };

static struct poptOption restore_table[] = {
	{ "same-ids", '\0', POPT_ARG_NONE, NULL, OPT_SAME_IDS,
	  "give System V objects the ids they had (root, in an IPC namespace of its own)", NULL },
	{ "replace", '\0', POPT_ARG_NONE, NULL, OPT_REPLACE,
	  "replace an object that exists under a dumped key or name", NULL },
	{ "dry-run", '\0', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "say what would be created; create nothing", NULL },
	CLI_NS_ENTRY(OPT_NS),
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int read_options(const struct args *a, struct restore_options *o)
{
	*o = (struct restore_options){ .same_ids = args_has(a, OPT_SAME_IDS), .replace = args_has(a, OPT_REPLACE),
				       .dry_run = args_has(a, OPT_DRY_RUN), .progress = args_progress(a) };
	return args_ns_pid(a, OPT_NS, &o->ns_pid);
}

/* ---- the reader ---- */

/* A termination signal came: the object being made goes, the ones before
 * stay, and the caller dies of the signal once everything is closed. */
static int stopped(struct restorer *r)
{
	if (r->m.active) {
		char why[POSIX_NAME_MAX * 4 + 80];
		snprintf(why, sizeof(why), "stopped by a signal: %s not restored", restore_describe(&r->m.obj));
		restore_undo(r);
		r->m.active = false;
		return restore_line_fail(r, r->last, why);
	}
	r->status = EXIT_FAIL;
	return EXIT_FAIL;
}

static int restore_line(void *ctx, const char *text, size_t len, unsigned long long number)
{
	struct restorer *r = ctx;
	char why[JSON_WHY_MAX];

	r->last = number;
	/* The bytes of the lines read so far (this one and its newline). */
	r->bytes_done += len + 1;
	r->progress.also = r->restored;
	progress_update(&r->progress, r->bytes_done);
	if (termination_pending())
		return stopped(r);
	if (number > 1 && json_line_blank(text, len))
		return EXIT_OK;
	const char *bad = dump_line_parse(text, len, number, r->m.active ? &r->m.obj : NULL,
					  r->msgbuf + sizeof(long), &r->line, why);
	if (bad) {
		char full[JSON_WHY_MAX + POSIX_NAME_MAX * 4 + 80];
		if (r->m.active) {
			snprintf(full, sizeof(full), "%s; %s not restored", bad, restore_describe(&r->m.obj));
			restore_undo(r);
			r->m.active = false;
			bad = full;
		}
		restore_line_fail(r, number, bad);
		return EXIT_FAIL;
	}
	switch (r->line.kind) {
	case DUMP_HEADER: return EXIT_OK;
	case DUMP_OBJECT: return restore_begin(r, number);
	case DUMP_MESSAGE: return restore_message(r, number);
	case DUMP_CHUNK_LINE: return restore_chunk(r, number);
	case DUMP_END: return restore_end(r, number);
	}
	return EXIT_OK;
}

static ssize_t restore_read(void *ctx, char *buf, size_t n, int *rc)
{
	struct restorer *r = ctx;
	ssize_t got = read_some(r->fd, buf, n);

	if (got < 0 && errno == EINTR && termination_pending()) {
		*rc = stopped(r);
		return got;
	}
	if (got < 0) {
		*rc = EXIT_FAIL;
		r->status = EXIT_FAIL;
		fail_errno("cannot read %s", r->source);
	}
	return got;
}

static int restore_oversize(void *ctx, unsigned long long number)
{
	struct restorer *r = ctx;

	if (r->m.active)
		restore_undo(r);
	return restore_line_fail(r, number, "it is longer than any line of a dump this machine could restore: "
				    "is this an ipctool dump?");
}

/* The longest line this machine could restore: a message of the largest
 * size either kind of queue takes, or a set of DUMP_VALUES_MAX values. */
static size_t line_limit(void)
{
	unsigned long msgmax = 8192, msgsize = 8192;
	FILE *f;

	if ((f = fopen("/proc/sys/kernel/msgmax", "re"))) {
		if (fscanf(f, "%lu", &msgmax) != 1)
			msgmax = 8192;
		fclose(f);
	}
	if ((f = fopen("/proc/sys/fs/mqueue/msgsize_max", "re"))) {
		if (fscanf(f, "%lu", &msgsize) != 1)
			msgsize = 8192;
		fclose(f);
	}
	size_t biggest = msgmax > msgsize ? msgmax : msgsize;
	if (biggest > 64u << 20)
		biggest = 64u << 20;
	size_t limit = json_line_limit(biggest);
	return limit > (1u << 20) ? limit : 1u << 20;
}

/* FILE, opened without blocking on a FIFO that has no writer (it then
 * reads as empty) and refused when it is a directory. */
static int open_source(const char *path, int *fd)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (*fd < 0)
		return fail_errno("cannot open %s", quote_input(path));
	if (fstat(*fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		int rc = S_ISDIR(st.st_mode) ? fail("cannot restore from %s: it is a directory", quote_input(path))
					      : fail_errno("cannot open %s", quote_input(path));
		close(*fd);
		return rc;
	}
	int flags = fcntl(*fd, F_GETFL);
	if (flags < 0 || fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		close(*fd);
		return fail_errno("cannot read %s", quote_input(path));
	}
	return 0;
}

/* --same-ids: the next id is the namespace's, so a process creating an
 * object between our asking and our creating would take it.  Refused
 * unless every other process in the namespace is one of ipctool's
 * ancestors (a shell waiting for it). */
static bool is_ancestor(pid_t pid)
{
	pid_t p = getppid();

	for (int depth = 0; p > 0 && depth < 64; depth++) {
		if (p == pid)
			return true;
		char path[64], line[256];
		snprintf(path, sizeof(path), "/proc/%d/status", (int)p);
		FILE *f = fopen(path, "re");
		pid_t next = 0;
		if (!f)
			return false;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "PPid: %d", &next) == 1)
				break;
		fclose(f);
		p = next;
	}
	return false;
}

static int same_ids_check(pid_t ns_pid)
{
	unsigned long long mine, theirs;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (geteuid() != 0)
		return fail("--same-ids needs root: it writes /proc/sys/kernel/{msg,shm,sem}_next_id");
	if (ns_ipc_inode(ns_pid ? ns_pid : getpid(), &mine) != 0)
		return fail_errno("--same-ids: cannot read the IPC namespace of PID %d", (int)(ns_pid ? ns_pid : getpid()));
	if (!(d = opendir("/proc")))
		return fail_errno("--same-ids: cannot read /proc");
	while (rc == 0 && (e = readdir(d))) {
		char *endp;
		long pid = strtol(e->d_name, &endp, 10);
		if (*endp || pid <= 0 || pid == getpid() || pid == ns_pid || is_ancestor((pid_t)pid))
			continue;
		if (ns_ipc_inode((pid_t)pid, &theirs) == 0 && theirs == mine)
			rc = fail("--same-ids: process %ld shares the IPC namespace and could take an id first; "
				  "restore in an IPC namespace of its own (unshare --ipc)", pid);
	}
	closedir(d);
	return rc;
}

static int restore_stream(struct restorer *r)
{
	size_t limit = line_limit();

	r->msgbuf = malloc(sizeof(long) + limit + 1);
	r->line.values = malloc(DUMP_VALUES_MAX * sizeof(unsigned));
	if (!r->msgbuf || !r->line.values)
		return fail("out of memory");
	struct record_reader rr = { .delim = '\n', .max = limit, .read = restore_read,
				    .record = restore_line, .oversize = restore_oversize, .ctx = r };
	int rc = read_records(&rr);
	if (rc == EXIT_OK && r->last == 0)
		return restore_line_fail(r, 1, "the dump is empty: no header line ({\"ipctool_dump\":1,...})");
	if (rc == EXIT_OK && r->m.active) {
		char why[POSIX_NAME_MAX * 4 + 120];
		snprintf(why, sizeof(why), "the dump ends inside %s, before its end line (truncated?); it was not restored",
			 restore_describe(&r->m.obj));
		restore_undo(r);
		return restore_line_fail(r, r->last + 1, why);
	}
	return rc;
}

static int restore_run(const struct args *a)
{
	struct restore_options o;
	struct restorer r = { .o = &o, .source = "standard input", .fd = STDIN_FILENO, .dir = -1,
			      .m = { .fd = -1, .mqd = (mqd_t)-1 } };
	int rc;

	if ((rc = read_options(a, &o)) || (rc = args_no_more(a, 1)))
		return rc;
	if (o.same_ids && o.dry_run)
		o.same_ids = false;   /* nothing is created: no id is asked for */
	if (o.same_ids && (rc = same_ids_check(o.ns_pid)) != 0)
		return rc;
	if (a->nwords == 1 && strcmp(a->words[0], "-") != 0) {
		if ((rc = open_source(a->words[0], &r.fd)) != 0)
			return rc;
		r.source = a->words[0];
	}
	if (o.ns_pid && (rc = ns_enter(o.ns_pid, 0)) != 0)
		goto out;
	/* INT, TERM, HUP, QUIT end the restore between two lines, never
	 * with an object half made. */
	termination_catch();
	r.dir = open(POSIX_SHM_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* A regular file's size is the total; --dry-run's lines on the
	 * terminal would run into the status line. */
	progress_start(&r.progress, o.progress, o.dry_run && isatty(STDOUT_FILENO), "restore", "byte",
		       progress_input_size(r.fd));
	r.progress.also_unit = "object";
	rc = restore_stream(&r);
	progress_end(&r.progress);
	if (rc == EXIT_OK)
		rc = r.status;
out:
	if (r.dir >= 0)
		close(r.dir);
	if (r.fd != STDIN_FILENO)
		close(r.fd);
	free(r.msgbuf);
	free(r.line.values);
	if (o.ns_pid)
		ns_leave();
	termination_honour();
	return rc;
}

const struct command command_restore = {
	.name = "restore",
	.summary = "recreate the objects a dump saved, each all or nothing",
	.synopsis = "[FILE] [--same-ids] [--replace] [--dry-run] [--ns PID] [--progress]",
	.table = restore_table,
	.complete = COMPLETE_FILE,
	.run = restore_run,
};
