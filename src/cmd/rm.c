/* rm: remove System V and POSIX objects by TARGET, or every object a
 * selection names with --all; never one the command line did not select.
 * --all is System V only unless a family is named: /dev/shm belongs to
 * running programs.  With --orphaned or --older-than, what a live process
 * uses (attached, mapped, open, waiting) at the moment of its removal is
 * kept and said; under --ns, a POSIX object in a file system the namespace
 * shares with ipctool's own is not the namespace's to remove.  See
 * ipctool-rm(1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "inv/ipcns.h"
#include "view/listcols.h"
#include "cmd/listusers.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "lib/target.h"
#include "lib/wait.h"

enum { OPT_ALL = 1, OPT_DRY_RUN, OPT_NS, OPT_VERBOSE, OPT_FORCE };

struct rm_options {
	struct select_options select;
	bool all, dry_run, verbose, force;
	struct age_filter filter;  /* --orphaned, --older-than */
	struct target *targets;  /* --key/--ftok, then the positional ones */
	size_t ntargets;
	pid_t ns_pid;             /* --ns PID, or 0 */
	struct posix_mounts home; /* ipctool's own /dev/shm and mqueue mount, for --ns */
};

static struct poptOption rm_table[] = {
	CLI_TARGETS_ENTRIES,
	{ "queues", 'q', POPT_ARG_NONE, NULL, CLI_OPT_QUEUES, "message queues only (also --queue)", NULL },
	{ "queue", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, CLI_OPT_QUEUES, NULL, NULL },
	{ "shm", 'm', POPT_ARG_NONE, NULL, CLI_OPT_SHM, "shared memory segments only", NULL },
	{ "sems", 's', POPT_ARG_NONE, NULL, CLI_OPT_SEMS, "semaphore sets only (also --sem)", NULL },
	{ "sem", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, CLI_OPT_SEMS, NULL, NULL },
	{ "all", 'a', POPT_ARG_NONE, NULL, OPT_ALL, "every object of the chosen kinds and families", NULL },
	{ "user", '\0', POPT_ARG_STRING, NULL, CLI_OPT_USER, "with --all: only objects owned by USER (name or uid)", "USER" },
	{ "sysv", '\0', POPT_ARG_NONE, NULL, CLI_OPT_SYSV, "with --all: System V objects (the default)", NULL },
	{ "posix", '\0', POPT_ARG_NONE, NULL, CLI_OPT_POSIX, "with --all: POSIX objects (with --sysv too: both)", NULL },
	AGE_FILTER_ENTRIES,
	{ "dry-run", '\0', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "say what would be removed and kept; remove nothing", NULL },
	{ "verbose", '\0', POPT_ARG_NONE, NULL, OPT_VERBOSE, "one line on stdout per object removed", NULL },
	{ "force", '\0', POPT_ARG_NONE, NULL, OPT_FORCE,
	  "remove what --orphaned or --older-than would keep in use, and what --ns shares", NULL },
	CLI_NS_ENTRY(OPT_NS),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* The options, then the TARGETs: --key/--ftok in order, then every word,
 * each one more. */
static int read_options(const struct args *a, struct rm_options *o)
{
	int rc;

	*o = (struct rm_options){ .all = args_has(a, OPT_ALL), .dry_run = args_has(a, OPT_DRY_RUN),
				  .verbose = args_has(a, OPT_VERBOSE), .force = args_has(a, OPT_FORCE) };
	if ((rc = args_select(a, &o->select)) || (rc = args_ns_pid(a, OPT_NS, &o->ns_pid)) ||
	    (rc = age_filter_read(a, &o->filter)))
		return rc;
	return args_targets(a, &o->targets, &o->ntargets);
}

static int rm_check(struct rm_options *o)
{
	int rc = targets_or_all_check(o->targets, o->ntargets, o->all, &o->select, "removes");

	if (rc)
		return rc;
	if (age_filter_given(&o->filter) && !o->all)
		return usage_error("--%s selects objects for --all; a TARGET names its object already",
				   o->filter.orphaned ? "orphaned" : "older-than");
	if (o->force && !age_filter_given(&o->filter) && !o->ns_pid)
		return usage_error("--force overrides what --orphaned, --older-than or --ns keep; "
				   "without them everything named is removed already");
	if (o->all && !o->select.posix)
		o->select.sysv = true;
	if (!o->select.kinds)
		o->select.kinds = KINDS_ALL;
	return 0;
}

/* "removed KIND ...", or with --dry-run "would remove KIND ...", on
 * stdout: nothing else is written there. */
static void say_removed(const struct rm_options *o, const char *what)
{
	char raw[512], line[4 * 512 + 1];

	if (!o->dry_run && !o->verbose)
		return;
	snprintf(raw, sizeof(raw), "%s %s", o->dry_run ? "would remove" : "removed", what);
	puts(shown_form(raw, line, sizeof(line)));
}

/* An object --all listed moments ago that someone else removed since is
 * gone as asked: no failure, nothing to say (as rm -f).  A TARGET named on
 * the command line that vanished is still reported. */
static int remove_one(const struct rm_options *o, const struct sysv_obj *obj, bool selected_by_all)
{
	if (o->dry_run) {
		say_removed(o, sysv_describe(obj));
		return 0;
	}
	if (sysv_remove(obj) == 0) {
		say_removed(o, sysv_describe(obj));
		return 0;
	}
	if (errno == EINVAL || errno == EIDRM) {
		if (selected_by_all)
			return 0;
		return fail("cannot remove %s: it is gone", sysv_describe(obj));
	}
	return fail_errno("cannot remove %s", sysv_describe(obj));
}

/* Under --ns, a POSIX object in a file system ipctool itself sees is the
 * host's (or another namespace's) too: refused unless --force. */
static int refuse_shared(const struct rm_options *o, const struct posix_obj *obj)
{
	if (!o->ns_pid || o->force || !obj->has_stat || !posix_mounts_has(&o->home, obj->dev))
		return 0;
	const char *mount = obj->kind == IPC_KIND_QUEUE ? posix_mqueue_dir() : POSIX_SHM_DIR;
	return fail("will not remove %s: PID %d's %s is ipctool's own, a shared mount, so it is not the "
		    "namespace's own (--force removes it)", posix_describe(obj), (int)o->ns_pid,
		    mount ? mount : "mount");
}

static int remove_posix(const struct rm_options *o, const struct posix_obj *obj, bool selected_by_all)
{
	int rc = refuse_shared(o, obj);

	if (rc)
		return rc;
	if (o->dry_run) {
		say_removed(o, posix_describe(obj));
		return 0;
	}
	if (posix_remove(obj) == 0) {
		say_removed(o, posix_describe(obj));
		return 0;
	}
	if (errno == ENOENT) {
		if (selected_by_all)
			return 0;
		return fail("cannot remove %s: it is gone", posix_describe(obj));
	}
	return fail_errno("cannot remove %s", posix_describe(obj));
}

static const char *kind_list(const struct sysv_obj *found[], size_t n)
{
	static char text[128];

	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "%s%s", i == 0 ? "a " : i + 1 == n ? " and a " : ", a ",
			 ipc_kind_name(found[i]->kind));
	}
	return text;
}

static const char *option_list(const struct sysv_obj *found[], size_t n)
{
	static const char *const options[NKINDS] = { "--queues", "--shm", "--sems" };
	static char text[64];

	text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof(text) - len, "%s%s", i ? " or " : "", options[found[i]->kind]);
	}
	return text;
}

static const char *kinds_phrase(unsigned kinds)
{
	switch (kinds) {
	case KIND_BIT(IPC_KIND_QUEUE): return "message queue";
	case KIND_BIT(IPC_KIND_SHM): return "shared memory segment";
	case KIND_BIT(IPC_KIND_SEM): return "semaphore set";
	default: return "System V object";
	}
}

/* The POSIX object /name names, as resolve() does for System V. */
static int resolve_posix(const struct target *t, unsigned kinds, struct posix_obj *obj)
{
	struct posix_obj found[NKINDS];
	size_t n = posix_find(t->path, kinds, found);
	char what[160] = "";

	if (n == 1) {
		*obj = found[0];
		return 0;
	}
	if (n == 0) {
		const char *phrase = "POSIX object";
		for (int k = 0; k < NKINDS; k++)
			if (kinds == KIND_BIT(k))
				phrase = posix_kind_name((enum ipc_kind)k);
		return fail("no %s named %s", phrase, t->path);
	}
	static const char *const options[NKINDS] = { "--queues", "--shm", "--sems" };
	char opts[64] = "";
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(what), olen = strlen(opts);
		snprintf(what + len, sizeof(what) - len, "%s%s", i == 0 ? "a " : i + 1 == n ? " and a " : ", a ",
			 posix_kind_name(found[i].kind));
		snprintf(opts + olen, sizeof(opts) - olen, "%s%s", i ? " or " : "", options[found[i].kind]);
	}
	return fail("%s names %s: add %s to say which", t->path, what, opts);
}

/* Which object TARGET names, or a reported failure.  An id or key that
 * several kinds use is refused: guessing would remove the wrong one. */
static int resolve(struct target *t, const struct sysv_list *all, unsigned kinds,
		   const struct sysv_obj **obj)
{
	const struct sysv_obj *found[NKINDS];
	key_t key;
	int rc;

	if ((rc = target_key(t, &key)))
		return rc;
	size_t n = sysv_find(all, t, kinds, found);
	if (n == 1) {
		*obj = found[0];
		return 0;
	}
	if (n > 1)
		return fail("%s names %s: add %s to say which", target_describe(t), kind_list(found, n),
			    option_list(found, n));
	const char *hint = "";
	if (kinds != KINDS_ALL && sysv_find(all, t, KINDS_ALL, found) > 0)
		hint = found[0]->kind == IPC_KIND_QUEUE ? " (it names a message queue)"
		       : found[0]->kind == IPC_KIND_SHM ? " (it names a shared memory segment)"
						       : " (it names a semaphore set)";
	return fail("no %s with %s%s", kinds_phrase(kinds), target_describe(t), *hint ? hint : target_key_hint(t));
}

struct chosen {
	struct sysv_list sysv;
	struct posix_list posix;
	unsigned tables;          /* what was chosen: a table mask as listcols.h has it */
};

static bool posix_chosen(const struct posix_list *list, const struct posix_obj *o)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->objs[i].kind == o->kind && strcmp(list->objs[i].name, o->name) == 0)
			return true;
	return false;
}

/* --all --posix: every POSIX object of the chosen kinds.  Queues need an
 * mqueue mount to be found: without one they are a failure, the rest
 * still go. */
static int select_posix_all(struct rm_options *o, struct chosen *c, bool *fatal)
{
	struct posix_list all = { 0 };
	unsigned kinds = o->select.kinds;
	int status = EXIT_OK;

	if ((kinds & KIND_BIT(IPC_KIND_QUEUE)) && !posix_mqueue_dir()) {
		status = fail("cannot find the POSIX message queues: no mqueue file system is mounted "
			      "(mount -t mqueue none /dev/mqueue)");
		kinds &= ~KIND_BIT(IPC_KIND_QUEUE);
	}
	c->tables |= kinds << NKINDS;
	int rc = posix_load_kinds(kinds, &all);
	for (size_t i = 0; i < all.n && rc == 0; i++)
		if (!o->select.has_user || all.objs[i].uid == o->select.user)
			rc = posix_list_add(&c->posix, &all.objs[i]);
	posix_list_free(&all);
	if (rc)
		*fatal = true;
	return rc ? rc : status;
}

/* The objects to remove: each TARGET's, or the --all selection.  Returns
 * EXIT_FAIL when some TARGET failed to resolve (the rest still go). */
static int select_objects(struct rm_options *o, const struct sysv_list *all, struct chosen *c, bool *fatal)
{
	int status = EXIT_OK;

	*fatal = false;
	if (o->all && o->select.sysv)
		c->tables |= o->select.kinds;
	for (size_t i = 0; i < all->n && o->all && o->select.sysv; i++) {
		const struct sysv_obj *obj = &all->objs[i];
		if ((o->select.kinds & KIND_BIT(obj->kind)) && (!o->select.has_user || obj->uid == o->select.user))
			if (sysv_list_add(&c->sysv, obj) != 0)
				return *fatal = true, EXIT_FAIL;
	}
	if (o->all && o->select.posix && (status = select_posix_all(o, c, fatal)) && *fatal)
		return status;
	for (size_t i = 0; i < o->ntargets; i++) {
		if (o->targets[i].kind == TARGET_POSIX) {
			struct posix_obj pobj;
			if (resolve_posix(&o->targets[i], o->select.kinds, &pobj) != 0) {
				status = EXIT_FAIL;
				continue;
			}
			c->tables |= POSIX_KIND_BIT(pobj.kind);
			if (!posix_chosen(&c->posix, &pobj) && posix_list_add(&c->posix, &pobj) != 0)
				return *fatal = true, EXIT_FAIL;
			continue;
		}
		const struct sysv_obj *obj = NULL;
		if (resolve(&o->targets[i], all, o->select.kinds, &obj) != 0) {
			status = EXIT_FAIL;
			continue;
		}
		c->tables |= KIND_BIT(obj->kind);
		bool dup = false;
		for (size_t j = 0; j < c->sysv.n; j++)
			dup = dup || (c->sysv.objs[j].kind == obj->kind && c->sysv.objs[j].id == obj->id);
		if (!dup && sysv_list_add(&c->sysv, obj) != 0)
			return *fatal = true, EXIT_FAIL;
	}
	return status;
}

/* --orphaned, --older-than: keep of the selection what they select. */
static int select_by_use(struct rm_options *o, struct chosen *c)
{
	struct users users = { 0 };
	int rc = 0;

	if (!age_filter_given(&o->filter))
		return 0;
	o->filter.now = time(NULL);
	if (o->filter.orphaned && (rc = users_load(&users, c->tables, &c->sysv, &c->posix)))
		return rc;
	if (o->filter.orphaned)
		users_warn_unreadable(&users);
	rc = age_filter_apply(&users, &o->filter, &c->sysv, &c->posix);
	users_free(&users);
	return rc;
}

/* An object kept in use: "kept KIND ID: in use by PID COMMAND" on
 * stderr, or with --dry-run "would keep ..." on stdout. */
static void say_kept(const struct rm_options *o, struct users *fresh, const char *what, pid_t who)
{
	const struct user_proc *p = who > 0 ? users_process(fresh, who) : NULL;
	struct user_proc now;
	char by[128], line[4 * 512 + 1];

	if (!p && who > 0) {
		users_look_up(who, &now);   /* a user that came after the scan */
		p = now.zombie ? NULL : &now;
	}
	if (p)
		snprintf(by, sizeof(by), "in use by %d %s", (int)who, p->comm);
	else
		snprintf(by, sizeof(by), "in use (by a process ipctool cannot name: another user's or namespace's)");
	if (!o->dry_run) {
		warn("kept %s: %s", what, by);   /* warn shows it in the shown form */
		return;
	}
	char raw[512];
	snprintf(raw, sizeof(raw), "would keep %s: %s", what, by);
	puts(shown_form(raw, line, sizeof(line)));
}

/* What a second look found: 0 to go on removing it, 1 to keep it (said,
 * status 0: it is not what was selected any more), or -1, a reported
 * failure. */
static int recheck_verdict(const struct rm_options *o, struct users *fresh, enum recheck r, const char *what,
			   pid_t who)
{
	switch (r) {
	case RECHECK_PASSES: return 0;
	case RECHECK_GONE: return 1;
	case RECHECK_CHANGED:
		warn("kept %s: it was used since it was selected, so it has not been idle that long", what);
		return 1;
	case RECHECK_IN_USE:
		say_kept(o, fresh, what, who);
		return 1;
	case RECHECK_UNREADABLE: break;
	}
	fail_errno("kept %s: cannot look at it again before removing it", what);
	return -1;
}

/* The scan of /proc for the second look: every way of using the objects
 * at hand, waiters included.  It is made again before an object when the
 * last one is more than a second old (a long run of removals), so that
 * what began to use an object meanwhile is seen. */
struct second_look {
	struct users users;
	struct timespec at;       /* CLOCK_MONOTONIC */
	bool scanned, warned;
};

static int scan_again(struct second_look *l, const struct chosen *c)
{
	struct timespec now = monotonic_now();

	if (l->scanned && (now.tv_sec - l->at.tv_sec) * 1000000000LL + (now.tv_nsec - l->at.tv_nsec) < 1000000000LL)
		return 0;
	users_free(&l->users);
	int rc = users_load_again(&l->users, c->tables, &c->sysv, &c->posix);
	if (rc == 0 && !l->warned)
		users_warn_unreadable(&l->users);
	l->scanned = l->warned = true;
	l->at = now;
	return rc;
}

/* The objects --orphaned or --older-than selected, each looked at again
 * just before it goes (its kernel record or file now, and the users a
 * scan of /proc at most a second old found): what is in use stays.
 * --force keeps nothing in use: no users are looked for then. */
/* One chosen object, System V (S) or POSIX (P), looked at again and
 * removed unless it is kept: EXIT_OK, or EXIT_FAIL when it was refused or
 * could not go. */
static int recheck_and_remove(struct rm_options *o, struct users *users, const struct sysv_obj *s,
			      const struct posix_obj *p)
{
	pid_t who;
	enum recheck r = s ? sysv_recheck(users, s, &o->filter, o->force, &who)
			   : posix_recheck(users, p, &o->filter, o->force, &who);
	int v = recheck_verdict(o, users, r, s ? sysv_describe(s) : posix_describe(p), who);

	if (v < 0)
		return EXIT_FAIL;
	if (v == 0 && (s ? remove_one(o, s, true) : remove_posix(o, p, true)) != 0)
		return EXIT_FAIL;
	return EXIT_OK;
}

static int remove_rechecked(struct rm_options *o, const struct chosen *c)
{
	struct second_look look = { .scanned = false };
	int status = EXIT_OK;
	bool blind = false;       /* a scan failed (reported): nothing more goes */

	for (size_t i = 0; i < c->sysv.n + c->posix.n; i++) {
		const struct sysv_obj *s = i < c->sysv.n ? &c->sysv.objs[i] : NULL;
		if (!o->force && (blind = scan_again(&look, c) != 0))
			break;
		if (recheck_and_remove(o, &look.users, s, s ? NULL : &c->posix.objs[i - c->sysv.n]) != EXIT_OK)
			status = EXIT_FAIL;
	}
	users_free(&look.users);
	return blind ? EXIT_FAIL : status;
}

/* rm --all without --posix: the POSIX objects the same selection would
 * have taken are counted and named in one line, so nothing is left out
 * without a word. */
static void posix_hint(struct rm_options *o)
{
	struct rm_options posix = *o;
	struct chosen c = { .tables = 0 };
	bool fatal = false;

	if (!o->all || o->select.posix)
		return;
	posix.select.posix = true;
	posix.select.sysv = false;
	/* Without an mqueue mount queues are simply not counted. */
	if (!posix_mqueue_dir())
		posix.select.kinds &= ~KIND_BIT(IPC_KIND_QUEUE);
	if (!posix.select.kinds)
		return;
	char quiet[256];
	/* A failure to count is no failure of rm: nothing is said then. */
	error_capture(quiet, sizeof(quiet));
	bool found = select_objects(&posix, &(struct sysv_list){ 0 }, &c, &fatal) == 0 &&
		     select_by_use(&posix, &c) == 0 && c.posix.n > 0;
	error_capture(NULL, 0);
	if (found)
		warn("%zu POSIX object%s also match%s; --posix would include %s", c.posix.n, c.posix.n == 1 ? "" : "s",
		     c.posix.n == 1 ? "es" : "", c.posix.n == 1 ? "it" : "them");
	posix_list_free(&c.posix);
	sysv_list_free(&c.sysv);
}

/* System V objects are loaded only when --all or a TARGET needs them. */
static bool needs_sysv(const struct rm_options *o)
{
	for (size_t i = 0; i < o->ntargets; i++)
		if (o->targets[i].kind != TARGET_POSIX)
			return true;
	return o->all && o->select.sysv;
}

static int rm_run(const struct args *a)
{
	struct rm_options o;
	struct sysv_list all = { 0 };
	struct chosen c = { .tables = 0 };
	bool fatal;
	int rc = read_options(a, &o);

	if (rc || (rc = rm_check(&o)))
		goto out;
	posix_mounts_here(&o.home);
	/* Every object is looked up and removed in PID's namespaces. */
	if (o.ns_pid && (rc = ns_enter(o.ns_pid, 0)))
		goto out;
	if (needs_sysv(&o) && (rc = sysv_load_kinds(KINDS_ALL, &all)))
		goto out;
	rc = select_objects(&o, &all, &c, &fatal);
	if (fatal)
		goto out;
	if (select_by_use(&o, &c) != 0) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (age_filter_given(&o.filter)) {
		int removed = remove_rechecked(&o, &c);
		rc = removed ? removed : rc;
	} else {
		for (size_t i = 0; i < c.sysv.n; i++)
			if (remove_one(&o, &c.sysv.objs[i], o.all) != 0)
				rc = EXIT_FAIL;
		for (size_t i = 0; i < c.posix.n; i++)
			if (remove_posix(&o, &c.posix.objs[i], o.all) != 0)
				rc = EXIT_FAIL;
	}
	posix_hint(&o);
out:
	free(o.targets);
	sysv_list_free(&all);
	sysv_list_free(&c.sysv);
	posix_list_free(&c.posix);
	return rc;
}

const struct command command_rm = {
	.name = "rm",
	.summary = "remove System V and POSIX objects, or all a selection names",
	.synopsis = "TARGET... [--queues | --shm | --sems] [--dry-run] [--verbose] [--ns PID [--force]]\n"
		    "--all [--queues] [--shm] [--sems] [--sysv] [--posix] [--user USER] "
		    "[--orphaned] [--older-than DURATION] [--force] [--dry-run] [--verbose] [--ns PID]",
	.table = rm_table,
	.complete = COMPLETE_OBJECTS,
	.run = rm_run,
};
