/* dump: System V and POSIX objects with their contents as JSON Lines, for
 * restore to bring back (the format: ipctool-dump(1), src/lib/dumpline.h).
 *
 * This file is the command line and the walk over the TARGETs or the
 * selection; the record writers are dumpsysv.c and dumpposix.c, the
 * output they share dumpout.c.  Nothing is taken or changed, except a
 * POSIX queue's messages with --consume-posix-queues (taken, put back).
 *
 * With a status line (ipctool-dump(1) --progress) the objects are counted
 * first, by the same walk with nothing written, so that it can show the
 * percentage and the time left. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "cmd/dump.h"
#include "inv/sysvobj.h"
#include "lib/error.h"
#include "lib/nsenter.h"
#include "lib/wait.h"

enum { OPT_ALL = 1, OPT_NS, OPT_CONSUME };

struct dump_options {
	struct select_options select;
	bool all, consume;
	struct target *targets;
	size_t ntargets;
	pid_t ns_pid;
	enum progress_mode progress;
};

static struct poptOption dump_table[] = {
	CLI_TARGETS_ENTRIES,
	CLI_KIND_ENTRIES,
	{ "sysv", '\0', POPT_ARG_NONE, NULL, CLI_OPT_SYSV, "with --all: System V objects (default: both families)", NULL },
	{ "posix", '\0', POPT_ARG_NONE, NULL, CLI_OPT_POSIX, "with --all: POSIX objects (default: both families)", NULL },
	{ "all", 'a', POPT_ARG_NONE, NULL, OPT_ALL, "every object of the chosen kinds and families", NULL },
	{ "user", '\0', POPT_ARG_STRING, NULL, CLI_OPT_USER, "with --all: only objects owned by USER (name or uid)", "USER" },
	{ "consume-posix-queues", '\0', POPT_ARG_NONE, NULL, OPT_CONSUME,
	  "take a POSIX queue's messages to dump them, and put them back (not atomic)", NULL },
	CLI_NS_ENTRY(OPT_NS),
	CLI_INCLUDE(cli_progress_options, "Progress:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* The options, then the TARGETs: --key/--ftok in order, then every word. */
static int read_options(const struct args *a, struct dump_options *o)
{
	int rc;

	*o = (struct dump_options){ .all = args_has(a, OPT_ALL), .consume = args_has(a, OPT_CONSUME),
				    .progress = args_progress(a) };
	if ((rc = args_select(a, &o->select)) || (rc = args_ns_pid(a, OPT_NS, &o->ns_pid)))
		return rc;
	return args_targets(a, &o->targets, &o->ntargets);
}

static int dump_check(struct dump_options *o)
{
	int rc = targets_or_all_check(o->targets, o->ntargets, o->all, &o->select, "dumps");

	if (rc)
		return rc;
	/* dump changes nothing, so --all means both families, as list does. */
	if (!o->select.sysv && !o->select.posix)
		o->select.sysv = o->select.posix = true;
	if (!o->select.kinds)
		o->select.kinds = KINDS_ALL;
	return 0;
}

/* Every object of the chosen kinds that T names; none is status 1. */
static int dump_target(struct out *w, struct target *t, unsigned kinds)
{
	key_t key = t->key;
	size_t n = 0;

	if (t->kind == TARGET_FTOK && target_key(t, &key) != 0) {
		dump_skipped(w);
		return 0;
	}
	for (int k = 0; k < NKINDS; k++) {
		if (!(kinds & KIND_BIT(k)))
			continue;
		if (t->kind == TARGET_POSIX) {
			if (!posix_exists((enum ipc_kind)k, t->path))
				continue;
			n++;
			if (dump_posix(w, (enum ipc_kind)k, t->path) != 0)
				return -1;
			continue;
		}
		int id = sysv_resolve((enum ipc_kind)k, t, key);
		if (id < 0) {
			if (errno == EACCES) {
				fail_errno("cannot dump the %s %s", ipc_kind_name((enum ipc_kind)k), target_describe(t));
				dump_skipped(w);
				n++;
			}
			continue;
		}
		n++;
		if (dump_sysv(w, (enum ipc_kind)k, id) != 0)
			return -1;
	}
	if (n == 0) {
		fail("no object of the chosen kinds is %s", target_describe(t));
		dump_skipped(w);
	}
	return 0;
}

/* Every TARGET, then the selection of --all: dumped, or only counted. */
static void dump_walk(struct out *w, struct dump_options *o)
{
	for (size_t i = 0; i < o->ntargets; i++)
		if (dump_target(w, &o->targets[i], o->select.kinds) != 0)
			return;
	if (o->all && !w->failed && o->select.sysv)
		dump_sysv_all(w, &o->select);
	if (o->all && !w->failed && o->select.posix)
		dump_posix_all(w, &o->select);
}

/* The number of objects the dump will write, for the status line: the
 * walk with nothing written and nothing said (what it would say, the
 * dump says). */
static unsigned long long dump_count(struct dump_options *o)
{
	struct out counter = { .status = EXIT_OK, .counting = true };
	char quiet[256];

	error_capture(quiet, sizeof(quiet));
	dump_walk(&counter, o);
	error_capture(NULL, 0);
	return counter.objects;
}

/* The dump of the checked options O, in PID --ns's namespaces. */
static int dump_objects(struct dump_options *o)
{
	struct out w = { .status = EXIT_OK, .consume = o->consume };
	int rc;

	if (o->ns_pid && (rc = ns_enter(o->ns_pid, 0)) != 0)
		return rc;
	/* A POSIX queue's messages are out of it while --consume-posix-queues
	 * holds them: INT, TERM, HUP and QUIT wait until they are back. */
	termination_catch();
	/* The dump itself on a terminal: no line in the middle of it. */
	progress_start(&w.progress, o->progress, isatty(STDOUT_FILENO), "dump", "object", 0);
	w.progress.also_unit = "byte";
	if (w.progress.on)
		w.progress.total = dump_count(o);
	if (out_header(&w) == 0)
		dump_walk(&w, o);
	out_flush(&w);
	progress_end(&w.progress);
	buf_free(&w.b);
	if (o->ns_pid)
		ns_leave();
	termination_honour();
	return w.failed ? EXIT_FAIL : w.status;
}

static int dump_run(const struct args *a)
{
	struct dump_options o;
	int rc = read_options(a, &o);

	if (rc == 0 && (rc = dump_check(&o)) == 0)
		rc = dump_objects(&o);
	free(o.targets);
	return rc;
}

const struct command command_dump = {
	.name = "dump",
	.summary = "save objects with their contents as JSON Lines, for restore",
	.synopsis = "TARGET... [--queues] [--shm] [--sems] [--consume-posix-queues] [--ns PID] [--progress] > FILE\n"
		    "--all [--queues] [--shm] [--sems] [--sysv] [--posix] [--user USER] "
		    "[--consume-posix-queues] [--ns PID] [--progress] > FILE",
	.table = dump_table,
	.complete = COMPLETE_OBJECTS,
	.run = dump_run,
};
