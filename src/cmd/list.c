/* list: System V and POSIX objects as tables (lsipc's columns and output
 * modes), one object in every detail (as ipcs -i), the kernel's limits and
 * usage (as ipcs -l and ipcs -u).  ipctool-list(1).
 *
 * This file is the command: its options, which tables or which object
 * they select, and which view shows them.  The columns and the tables of
 * objects are in listcols.c, the detail view in listdetail.c, --limits
 * and --summary in listlimits.c, the output formats in table.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "view/listcols.h"
#include "cmd/listconn.h"
#include "cmd/listdetail.h"
#include "cmd/listlimits.h"
#include "cmd/listns.h"
#include "cmd/listsockets.h"
#include "cmd/listusers.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "lib/target.h"

enum { OPT_OUTPUT = 1, OPT_LIMITS, OPT_SUMMARY, OPT_PEEK, OPT_SOCKETS, OPT_PROCESSES, OPT_NS,
       OPT_ALL_NAMESPACES, OPT_NAMESPACES, OPT_BYTES, OPT_CONNECTED };

struct list_options {
	struct target target;
	struct select_options select;
	unsigned tables;          /* what to show: kinds of each family */
	struct output out;
	bool limits, summary, peek, sockets;
	bool connected;           /* --connected (with --sockets) */
	const char *output;       /* --output's COLS, read once the view is known */
	bool processes;           /* --processes */
	struct age_filter filter; /* --orphaned, --older-than */
	pid_t ns_pid;             /* --ns PID, or 0 */
	bool all_namespaces, namespaces;
	bool bytes;               /* --bytes: --limits' sizes exact */
	struct posix_mounts home; /* ipctool's own /dev/shm and mqueue mount */
};

static struct poptOption list_table[] = {
	TARGET_TABLE,
	{ "queues", 'q', POPT_ARG_NONE, NULL, CLI_OPT_QUEUES, "message queues", NULL },
	{ "shm", 'm', POPT_ARG_NONE, NULL, CLI_OPT_SHM, "shared memory segments", NULL },
	{ "shmems", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, CLI_OPT_SHM, NULL, NULL },
	{ "sems", 's', POPT_ARG_NONE, NULL, CLI_OPT_SEMS, "semaphore sets", NULL },
	{ "semaphores", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, CLI_OPT_SEMS, NULL, NULL },
	{ "sysv", '\0', POPT_ARG_NONE, NULL, CLI_OPT_SYSV, "System V objects (default: both families)", NULL },
	{ "posix", '\0', POPT_ARG_NONE, NULL, CLI_OPT_POSIX, "POSIX objects (default: both families)", NULL },
	{ "user", '\0', POPT_ARG_STRING, NULL, CLI_OPT_USER, "only objects owned by USER (name or uid)", "USER" },
	CLI_INCLUDE(cli_table_options, "Output:"),
	{ "output", 'o', POPT_ARG_STRING, NULL, OPT_OUTPUT,
	  "columns to show, comma-separated; +COLS adds to the default; 'help' lists them", "COLS" },
	{ "limits", '\0', POPT_ARG_NONE, NULL, OPT_LIMITS, "the kernel's limits (as ipcs -l)", NULL },
	{ "bytes", 'b', POPT_ARG_NONE, NULL, OPT_BYTES, "sizes in bytes, not 16E or 32K (as lsipc -b)", NULL },
	{ "summary", '\0', POPT_ARG_NONE, NULL, OPT_SUMMARY, "what is in use (as ipcs -u)", NULL },
	{ "sockets", '\0', POPT_ARG_NONE, NULL, OPT_SOCKETS,
	  "the listening Unix sockets and the processes that hold them", NULL },
	{ "connected", '\0', POPT_ARG_NONE, NULL, OPT_CONNECTED,
	  "with --sockets: the connected ones instead, with the processes at both ends", NULL },
	{ "peek", '\0', POPT_ARG_NONE, NULL, OPT_PEEK, "with a System V queue TARGET: each message's type and size", NULL },
	{ "processes", '\0', POPT_ARG_NONE, NULL, OPT_PROCESSES,
	  "the live processes that use each object (a PROCESSES column)", NULL },
	AGE_FILTER_ENTRIES,
	CLI_NS_ENTRY(OPT_NS),
	{ "all-namespaces", '\0', POPT_ARG_NONE, NULL, OPT_ALL_NAMESPACES,
	  "the objects of every IPC namespace a process is in, with IPCNS", NULL },
	{ "namespaces", '\0', POPT_ARG_NONE, NULL, OPT_NAMESPACES,
	  "one row per IPC namespace: its processes and objects", NULL },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int print_column_help(void)
{
	for (int c = 0; c < NCOLS; c++) {
		unsigned tables = columns[c].tables;
		const char *kind = tables == (KINDS_ALL | POSIX_KINDS_ALL) ? ""
				   : tables == KINDS_ALL ? "System V"
				   : tables == POSIX_KINDS_ALL ? "POSIX"
				   : tables == (KINDS_ALL | POSIX_KINDS_ALL) - POSIX_KIND_BIT(IPC_KIND_QUEUE)
				   ? "all but POSIX message queues" : kind_names(tables);
		printf("%-10s %s%s%s%s\n", columns[c].name, columns[c].help,
		       *kind ? " (" : "", kind, *kind ? ")" : "");
	}
	return CLI_HELP_SHOWN;
}

static void keep_column(void *ctx, int index)
{
	struct output *out = ctx;

	if (out->ncols < NCOLS)
		out->cols[out->ncols++] = (enum col)index;
}

static int parse_columns(struct output *out, const char *arg)
{
	if (strcmp(arg, "help") == 0)
		return print_column_help();
	out->cols_given = true;
	out->ncols = 0;
	return table_parse_columns(arg, &(struct column_list){ list_column_name, "valid columns", keep_column, out },
				   &out->cols_plus);
}

/* The options, the TARGET, then the output format, in the order the
 * checks always came in.  --output names columns of the view the whole
 * command line chooses (--sockets --connected has its own), so it is
 * parsed once that is known (list_check); a later one replaces an earlier
 * one. */
static int read_options(const struct args *a, struct list_options *o)
{
	int next, rc;

	*o = (struct list_options){ 0 };
	o->output = args_value(a, OPT_OUTPUT);
	o->connected = args_has(a, OPT_CONNECTED);
	o->limits = args_has(a, OPT_LIMITS);
	o->bytes = args_has(a, OPT_BYTES);
	o->summary = args_has(a, OPT_SUMMARY);
	o->peek = args_has(a, OPT_PEEK);
	o->sockets = args_has(a, OPT_SOCKETS);
	o->processes = args_has(a, OPT_PROCESSES);
	o->all_namespaces = args_has(a, OPT_ALL_NAMESPACES);
	o->namespaces = args_has(a, OPT_NAMESPACES);
	if ((rc = args_select(a, &o->select)) || (rc = args_ns_pid(a, OPT_NS, &o->ns_pid)) ||
	    (rc = age_filter_read(a, &o->filter)) || (rc = args_target(a, &o->target, false, &next)) ||
	    (rc = args_format(a, &o->out.format)))
		return rc;
	return args_no_more(a, next);
}

enum { FAMILY_SYSV = 1, FAMILY_POSIX = 2, FAMILIES_ALL = 3 };

/* The kinds and the families a table mask holds. */
static unsigned kinds_of(unsigned tables)
{
	return (tables | tables >> NKINDS) & KINDS_ALL;
}

static unsigned families_of(unsigned tables)
{
	return (tables & KINDS_ALL ? FAMILY_SYSV : 0) | (tables & POSIX_KINDS_ALL ? FAMILY_POSIX : 0);
}

/* The tables to show: the kind options, else the kinds the --output
 * columns belong to, else all; likewise the family options, else the
 * families of the columns or the TARGET, else both.  A column no chosen
 * table has is a usage error. */
static int choose_tables(struct list_options *o)
{
	const struct output *out = &o->out;
	unsigned kinds = 0, families = 0;

	if (out->cols_given && !out->cols_plus)
		for (size_t i = 0; i < out->ncols; i++) {
			unsigned k = kinds_of(columns[out->cols[i]].tables);
			unsigned f = families_of(columns[out->cols[i]].tables);
			kinds |= k != KINDS_ALL ? k : 0;
			families |= f != FAMILIES_ALL ? f : 0;
		}
	if (o->select.kinds)
		kinds = o->select.kinds;
	if (o->select.sysv || o->select.posix)
		families = (o->select.sysv ? FAMILY_SYSV : 0) | (o->select.posix ? FAMILY_POSIX : 0);
	if (o->target.kind != TARGET_NONE) {
		unsigned mine = o->target.kind == TARGET_POSIX ? FAMILY_POSIX : FAMILY_SYSV;
		if (families && !(families & mine))
			return usage_error("%s is a %s object: --%s contradicts it", o->target.text,
					   mine == FAMILY_POSIX ? "POSIX" : "System V",
					   mine == FAMILY_POSIX ? "sysv" : "posix");
		families = mine;
	}
	if (!kinds)
		kinds = KINDS_ALL;
	if (!families)
		families = FAMILIES_ALL;
	o->select.kinds = kinds;
	o->tables = (families & FAMILY_SYSV ? kinds : 0) | (families & FAMILY_POSIX ? kinds << NKINDS : 0);
	if (!out->cols_given)
		return 0;
	for (size_t i = 0; i < out->ncols; i++)
		if (!(columns[out->cols[i]].tables & o->tables))
			return usage_error("column %s is not shown for %s (it belongs to %s)",
					   columns[out->cols[i]].name, kind_names(o->tables),
					   kind_names(columns[out->cols[i]].tables));
	return 0;
}

/* --processes, --orphaned and --older-than are about a listing of objects. */
static int check_users_options(const struct list_options *o, bool has_target)
{
	bool filter = age_filter_given(&o->filter);

	if ((o->processes || filter) && (o->sockets || o->limits || o->summary))
		return usage_error("--%s lists objects; it takes no --sockets, --limits or --summary",
				   o->processes ? "processes" : o->filter.orphaned ? "orphaned" : "older-than");
	if (filter && has_target)
		return usage_error("a TARGET is shown in full: it takes no --%s",
				   o->filter.orphaned ? "orphaned" : "older-than");
	return 0;
}

/* --ns, --all-namespaces and --namespaces against each other and the
 * views they do not apply to. */
static int namespace_check(const struct list_options *o, bool has_target)
{
	if (o->namespaces && (has_target || o->select.kinds || o->select.sysv || o->select.posix ||
			      o->output || o->select.has_user || o->peek || o->limits || o->summary ||
			      o->sockets || o->ns_pid || o->all_namespaces || o->processes ||
			      age_filter_given(&o->filter)))
		return usage_error("--namespaces is a table of its own: it takes no TARGET, kind, family, "
				   "--output, --user, --peek, --limits, --summary, --sockets, --ns, "
				   "--all-namespaces, --processes, --orphaned or --older-than");
	if (o->ns_pid && o->all_namespaces)
		return usage_error("--ns and --all-namespaces contradict each other: choose one");
	if (o->all_namespaces && (has_target || o->limits || o->summary || o->sockets))
		return usage_error("--all-namespaces lists objects: it takes no TARGET, --limits, --summary "
				   "or --sockets");
	if (o->ns_pid && o->sockets)
		return usage_error("--sockets lists this network namespace's sockets: it takes no --ns");
	return 0;
}

/* --connected is a kind of --sockets listing, whose --output it reads. */
static int connected_check(const struct list_options *o)
{
	if (!o->connected)
		return 0;
	if (!o->sockets)
		return usage_error("--connected lists connected sockets: it needs --sockets");
	return connected_check_columns(o->output);
}

static int list_check(struct list_options *o, bool has_target)
{
	int rc = namespace_check(o, has_target);

	if (rc || (rc = connected_check(o)))
		return rc;
	if (o->output && !o->connected && (rc = parse_columns(&o->out, o->output)))
		return rc;
	if ((rc = check_users_options(o, has_target)))
		return rc;
	if (o->sockets && (has_target || o->select.kinds || o->select.sysv || o->select.posix ||
			   o->out.cols_given || o->select.has_user || o->peek || o->limits || o->summary))
		return usage_error("--sockets is a table of its own: it takes no TARGET, kind, family, "
				   "--output, --user, --peek, --limits or --summary");
	if (o->limits && o->summary)
		return usage_error("--limits and --summary contradict each other: choose one");
	if ((o->limits || o->summary) && (has_target || o->out.cols_given || o->select.has_user || o->peek))
		return usage_error("--%s takes no TARGET, --output, --user or --peek",
				   o->limits ? "limits" : "summary");
	if ((o->limits || o->summary) && o->select.posix)
		return usage_error("--%s shows System V figures; it takes no --posix",
				   o->limits ? "limits" : "summary");
	if (has_target && (o->select.has_user || o->out.cols_given))
		return usage_error("a TARGET is shown in full: it takes no --user or --output");
	if (o->peek && !has_target)
		return usage_error("--peek needs a queue TARGET");
	if (o->peek && o->select.kinds & ~KIND_BIT(IPC_KIND_QUEUE))
		return usage_error("--peek shows a message queue's messages; it takes no --shm or --sems");
	if (o->peek && o->target.kind == TARGET_POSIX)
		return usage_error("--peek is not supported for POSIX queues: the kernel cannot read a "
				   "message without taking it");
	return choose_tables(o);
}

/* list is read-only, so a TARGET that several kinds use shows each of
 * them (each names its kind) instead of refusing as rm does; in the table
 * form a blank line comes between them. */
static void between_details(const struct list_options *o, size_t index)
{
	if (index > 0 && o->out.format.mode == TABLE_PLAIN)
		putchar('\n');
}

/* A /name: its kind is inferred, or every kind that uses it is shown. */
static int list_posix_target(struct list_options *o)
{
	struct posix_obj found[NKINDS];
	size_t n = posix_find(o->target.path, o->select.kinds, found);

	if (n == 0)
		return fail("no %s named %s", o->select.kinds == KINDS_ALL ? "POSIX object" : kind_names(o->select.kinds << NKINDS),
			    o->target.path);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		between_details(o, i);
		found[i].shared = o->ns_pid && found[i].has_stat && posix_mounts_has(&o->home, found[i].dev);
		rc = detail_show_posix(&found[i], &o->out);
	}
	return rc;
}

/* The queues among FOUND (N of them), moved to its front; how many. */
static size_t keep_queues(const struct sysv_obj *found[NKINDS], size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (found[i]->kind == IPC_KIND_QUEUE)
			found[kept++] = found[i];
	return kept ? kept : n;
}

static int list_target(struct list_options *o)
{
	struct sysv_list objs = { 0 };
	const struct sysv_obj *found[NKINDS];
	key_t key;
	int rc;

	if (o->target.kind == TARGET_POSIX)
		return list_posix_target(o);
	if ((rc = target_key(&o->target, &key)) || (rc = sysv_load_kinds(o->select.kinds, &objs)))
		goto out;
	size_t n = sysv_find(&objs, &o->target, o->select.kinds, found);
	/* --peek is about the queue a TARGET names, whatever else it names. */
	if (o->peek && n > 1)
		n = keep_queues(found, n);
	if (n == 0)
		rc = fail("no %s with %s%s", o->select.kinds == KINDS_ALL ? "IPC object" : kind_names(o->select.kinds),
			  target_describe(&o->target), target_key_hint(&o->target));
	else if (o->peek && found[0]->kind != IPC_KIND_QUEUE)
		rc = fail("--peek shows a message queue's messages; %s is a %s", target_describe(&o->target),
			  ipc_kind_name(found[0]->kind));
	else
		for (size_t i = 0; i < n && rc == 0; i++) {
			between_details(o, i);
			rc = detail_show_sysv(found[i], &o->out, o->peek);
		}
out:
	sysv_list_free(&objs);
	return rc;
}

/* --processes, --orphaned or a PROCESSES/ORPHANED column: who uses what. */
static bool needs_users(const struct list_options *o)
{
	return o->processes || o->filter.orphaned || output_shows_users(&o->out);
}

/* --processes and --orphaned: their columns, the users scan they need,
 * and the objects --orphaned and --older-than keep. */
static int select_by_use(struct list_options *o, struct sysv_list *objs, struct posix_list *posix,
			 struct users *users)
{
	int rc;

	if (o->processes)
		output_add_column(&o->out, COL_PROCESSES);
	if ((o->processes || o->filter.orphaned) && o->out.format.mode == TABLE_JSON)
		output_add_column(&o->out, COL_ORPHANED);
	if (needs_users(o)) {
		if ((rc = users_load(users, o->tables, objs, posix)))
			return rc;
		o->out.users = users;
		users_warn_unreadable(users);
	}
	o->filter.now = time(NULL);
	return age_filter_given(&o->filter) ? age_filter_apply(users, &o->filter, objs, posix) : 0;
}

/* The objects of the namespace ipctool is in. */
static int load_here(struct list_options *o, struct sysv_list *objs, struct posix_list *posix)
{
	int rc = tables_check_mqueue_mount(&o->tables);

	if (rc == 0)
		rc = sysv_load_kinds(o->tables & KINDS_ALL, objs);
	if (rc == 0)
		rc = posix_load_kinds(o->tables >> NKINDS, posix);
	return rc;
}

/* Those of every namespace (--all-namespaces), IPCNS first; the semaphore
 * sets' last pids are kept in USERS as they are read in each namespace. */
static int load_all_namespaces(struct list_options *o, struct sysv_list *objs, struct posix_list *posix,
			       struct users *users)
{
	o->out.ipcns_first = true;
	return all_namespaces_load(o->tables, &o->out, objs, posix, needs_users(o) ? users : NULL);
}

static int list_run(const struct args *a)
{
	struct list_options options, *o = &options;
	struct sysv_list objs = { 0 };
	struct posix_list posix = { 0 };
	struct users users = { 0 };
	int rc;

	if ((rc = read_options(a, o)) || (rc = list_check(o, o->target.kind != TARGET_NONE)))
		return rc;
	if (o->namespaces)
		return namespaces_show(&o->out.format);
	/* Everything below runs in PID's namespaces, as under nsenter. */
	posix_mounts_here(&o->home);
	if (o->ns_pid && (rc = ns_enter(o->ns_pid, 0)))
		return rc;
	if (o->connected)
		return connected_show(&o->out.format, o->output);
	if (o->sockets)
		return sockets_show(&o->out.format);
	if (o->limits)
		return limits_show(o->select.kinds, o->bytes, &o->out.format);
	if (o->summary)
		return summary_show(o->select.kinds, &o->out.format);
	if (o->target.kind != TARGET_NONE)
		return list_target(o);
	rc = o->all_namespaces ? load_all_namespaces(o, &objs, &posix, &users) : load_here(o, &objs, &posix);
	if (rc == 0 && o->ns_pid)
		mark_shared(&posix, &o->home);
	/* In another namespace, whether a POSIX object is its own is shown. */
	if ((o->ns_pid || o->all_namespaces) && (o->tables & POSIX_KINDS_ALL) &&
	    (!o->out.cols_given || o->out.cols_plus))
		output_add_column(&o->out, COL_SHARED);
	if (rc == 0)
		rc = select_by_use(o, &objs, &posix, &users);
	if (rc == 0)
		rc = objects_print(&objs, &posix, o->tables, &o->out, o->select.has_user ? &o->select.user : NULL);
	sysv_list_free(&objs);
	posix_list_free(&posix);
	users_free(&users);
	return rc;
}

const struct command command_list = {
	.name = "list",
	.summary = "list System V and POSIX objects, one in detail, or the limits",
	.synopsis = "[TARGET] [--queues] [--shm] [--sems] [--sysv] [--posix] [--json | --raw | --export] "
		    "[--noheadings] [--output COLS] [--user USER] [--limits [--bytes] | --summary | --sockets [--connected]] "
		    "[--peek] "
		    "[--processes] [--orphaned] [--older-than DURATION] [--ns PID | --all-namespaces]\n"
		    "--namespaces [--json | --raw | --export] [--noheadings]",
	.table = list_table,
	.complete = COMPLETE_OBJECT,
	.run = list_run,
};
