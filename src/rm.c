/* rm: remove System V objects by TARGET, or every object a selection
 * names with --all; never one the command line did not select.  SPEC §10,
 * §12 (Listing and removing). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "error.h"
#include "list.h"
#include "sysvobj.h"
#include "target.h"

enum { OPT_QUEUE = 1, OPT_SHM, OPT_SEM, OPT_SYSV, OPT_POSIX, OPT_ALL, OPT_USER, OPT_DRY_RUN,
       OPT_KEY, OPT_FTOK };

struct rm_options {
	unsigned kinds;          /* from kind options; 0 = not given */
	bool sysv, posix, all, dry_run, has_user;
	uid_t user;
	struct target *targets;  /* --key/--ftok, then the positional ones */
	size_t ntargets;
};

/* --key and --ftok may be repeated here, so rm has its own entries for
 * them rather than TARGET_TABLE (which takes one target). */
static struct poptOption rm_table[] = {
	{ "key", 'k', POPT_ARG_STRING, NULL, OPT_KEY, "System V key, decimal or 0x hex (repeatable)", "KEY" },
	{ "ftok", 'f', POPT_ARG_STRING, NULL, OPT_FTOK,
	  "key from ftok(3) of PATH; PROJ 1-255 or a character, default 1 (repeatable)", "PATH[:PROJ]" },
	{ "queue", 'q', POPT_ARG_NONE, NULL, OPT_QUEUE, "message queues only (also --queues)", NULL },
	{ "queues", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_QUEUE, NULL, NULL },
	{ "shm", 'm', POPT_ARG_NONE, NULL, OPT_SHM, "shared memory segments only", NULL },
	{ "sem", 's', POPT_ARG_NONE, NULL, OPT_SEM, "semaphore sets only (also --sems)", NULL },
	{ "sems", '\0', POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_SEM, NULL, NULL },
	{ "all", 'a', POPT_ARG_NONE, NULL, OPT_ALL, "every System V object of the chosen kinds", NULL },
	{ "user", '\0', POPT_ARG_STRING, NULL, OPT_USER, "with --all: only objects owned by USER (name or uid)", "USER" },
	{ "sysv", '\0', POPT_ARG_NONE, NULL, OPT_SYSV, "System V objects (the default)", NULL },
	{ "posix", '\0', POPT_ARG_NONE, NULL, OPT_POSIX, "POSIX objects (not supported yet)", NULL },
	{ "dry-run", 'n', POPT_ARG_NONE, NULL, OPT_DRY_RUN, "show what would be removed; remove nothing", NULL },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static struct target *new_target(struct rm_options *o)
{
	struct target *t = realloc(o->targets, (o->ntargets + 1) * sizeof(*t));

	if (!t)
		return NULL;
	o->targets = t;
	t = &o->targets[o->ntargets++];
	target_init(t);
	return t;
}

static int rm_option(int val, const char *arg, void *data)
{
	struct rm_options *o = data;
	struct target *t;
	const char *why;

	switch (val) {
	case OPT_KEY:
	case OPT_FTOK:
		if (!(t = new_target(o)))
			return fail("out of memory");
		return target_option(t, val == OPT_KEY ? CLI_OPT_KEY : CLI_OPT_FTOK, arg);
	case OPT_QUEUE: o->kinds |= KIND_BIT(IPC_KIND_QUEUE); return 0;
	case OPT_SHM: o->kinds |= KIND_BIT(IPC_KIND_SHM); return 0;
	case OPT_SEM: o->kinds |= KIND_BIT(IPC_KIND_SEM); return 0;
	case OPT_SYSV: o->sysv = true; return 0;
	case OPT_POSIX: o->posix = true; return 0;
	case OPT_ALL: o->all = true; return 0;
	case OPT_DRY_RUN: o->dry_run = true; return 0;
	case OPT_USER:
		if ((why = parse_user(arg, &o->user)))
			return cli_bad_value("--user", arg, why);
		o->has_user = true;
		return 0;
	}
	return CLI_UNHANDLED;
}

static int rm_check(struct rm_options *o, const struct cli *cli)
{
	for (int i = 0; i < cli->nargs; i++) {
		struct target *t = new_target(o);
		if (!t)
			return fail("out of memory");
		int rc = target_parse(t, cli->args[i]);
		if (rc)
			return rc;
	}
	if (o->all && o->ntargets)
		return usage_error("--all removes by selection; it takes no TARGET ('%s')", o->targets[0].text);
	if (!o->all && !o->ntargets)
		return usage_error("missing TARGET (an id, 0xKEY, --key or --ftok), or --all");
	if (o->has_user && !o->all)
		return usage_error("--user selects objects for --all; a TARGET names its object already");
	if (!o->kinds)
		o->kinds = KINDS_ALL;
	return 0;
}

static int remove_one(const struct sysv_obj *obj)
{
	if (sysv_remove(obj) == 0)
		return 0;
	if (errno == EINVAL || errno == EIDRM)
		return fail("cannot remove %s: it is gone", sysv_describe(obj));
	return fail_errno("cannot remove %s", sysv_describe(obj));
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
	static const char *const options[NKINDS] = { "--queue", "--shm", "--sem" };
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

/* Which object TARGET names, or a reported failure.  An id or key that
 * several kinds use is refused: guessing would remove the wrong one. */
static int resolve(struct target *t, const struct sysv_list *all, unsigned kinds,
		   const struct sysv_obj **obj)
{
	const struct sysv_obj *found[NKINDS];
	key_t key;
	int rc;

	if (t->kind == TARGET_POSIX)
		return fail("%s: POSIX objects are not supported yet", t->path);
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
	return fail("no %s with %s%s", kinds_phrase(kinds), target_describe(t), hint);
}

static int add_copy(struct sysv_list *list, const struct sysv_obj *o)
{
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct sysv_obj *objs = realloc(list->objs, cap * sizeof(*objs));
		if (!objs)
			return fail("out of memory");
		list->objs = objs;
		list->cap = cap;
	}
	list->objs[list->n++] = *o;
	return 0;
}

/* The objects to remove: each TARGET's, or the --all selection.  Returns
 * EXIT_FAIL when some TARGET failed to resolve (the rest still go). */
static int select_objects(struct rm_options *o, const struct sysv_list *all, struct sysv_list *chosen,
			  bool *fatal)
{
	int status = EXIT_OK;

	*fatal = false;
	for (size_t i = 0; i < all->n && o->all; i++) {
		const struct sysv_obj *obj = &all->objs[i];
		if ((o->kinds & KIND_BIT(obj->kind)) && (!o->has_user || obj->uid == o->user))
			if (add_copy(chosen, obj) != 0)
				return *fatal = true, EXIT_FAIL;
	}
	for (size_t i = 0; i < o->ntargets; i++) {
		const struct sysv_obj *obj = NULL;
		if (resolve(&o->targets[i], all, o->kinds, &obj) != 0) {
			status = EXIT_FAIL;
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < chosen->n; j++)
			dup = dup || (chosen->objs[j].kind == obj->kind && chosen->objs[j].id == obj->id);
		if (!dup && add_copy(chosen, obj) != 0)
			return *fatal = true, EXIT_FAIL;
	}
	return status;
}

static int rm_run(struct rm_options *o, const struct cli *cli)
{
	struct sysv_list all = { 0 }, chosen = { 0 };
	bool fatal;
	int rc;

	if ((rc = rm_check(o, cli)))
		return rc;
	if (o->posix)
		return fail("POSIX objects are not supported yet (rm removes System V objects)");
	if ((rc = sysv_load_kinds(KINDS_ALL, &all)))
		goto out;
	rc = select_objects(o, &all, &chosen, &fatal);
	if (fatal)
		goto out;
	if (o->dry_run) {
		unsigned kinds = o->all ? o->kinds : 0;
		for (size_t i = 0; i < chosen.n; i++)
			kinds |= KIND_BIT(chosen.objs[i].kind);
		if (kinds) {
			int printed = list_print_default(&chosen, kinds);
			rc = printed ? printed : rc;
		}
		goto out;
	}
	for (size_t i = 0; i < chosen.n; i++)
		if (remove_one(&chosen.objs[i]) != 0)
			rc = EXIT_FAIL;
out:
	sysv_list_free(&all);
	sysv_list_free(&chosen);
	return rc;
}

int cmd_rm(int argc, const char **argv)
{
	struct rm_options o = { .kinds = 0 };
	struct cli cli;

	int rc = cli_parse(&cli, argc, argv, rm_table,
			   "TARGET... [--queue | --shm | --sem] [--dry-run]\n"
			   "  or:  ipctool rm --all [--queues] [--shm] [--sems] [--sysv] [--user USER] [--dry-run]",
			   rm_option, &o);
	if (rc == 0)
		rc = rm_run(&o, &cli);
	cli_free(&cli);
	free(o.targets);
	return cli_status(rc);
}
