/* --orphaned, --older-than, the users scan and its columns (listusers.h). */
#include "cmd/listusers.h"

#include <time.h>

#include "lib/args.h"
#include "lib/cli.h"
#include "lib/error.h"
#include "lib/parse.h"

/* --older-than's VALUE into F, or a usage error naming it as NAME. */
static int set_older_than(struct age_filter *f, const char *name, const char *value)
{
	const char *why = parse_age(value, &f->older_than);

	if (why)
		return cli_bad_value(name, value, why);
	f->has_older = true;
	return 0;
}

int age_filter_read(const struct args *a, struct age_filter *f)
{
	int rc = 0;

	f->orphaned = args_has(a, OPT_ORPHANED);
	for (const struct arg *g = NULL; rc == 0 && (g = args_next(a, OPT_OLDER_THAN, g));)
		rc = set_older_than(f, args_name(a, OPT_OLDER_THAN), g->value);
	return rc;
}

bool age_filter_given(const struct age_filter *f)
{
	return f->orphaned || f->has_older;
}

static bool any_attached(const struct sysv_list *objs)
{
	for (size_t i = 0; i < objs->n; i++)
		if (objs->objs[i].kind == IPC_KIND_SHM && objs->objs[i].nattch > 0)
			return true;
	return false;
}

/* The devices of the POSIX objects' file systems (one /dev/shm and one
 * mqueue mount a namespace; --all-namespaces visits many), at most
 * USERS_MAX_DEVS. */
static size_t posix_devices(const struct posix_list *posix, dev_t devs[USERS_MAX_DEVS])
{
	size_t n = 0;

	for (size_t i = 0; posix && i < posix->n; i++) {
		const struct posix_obj *o = &posix->objs[i];
		size_t j = 0;
		while (j < n && devs[j] != o->dev)
			j++;
		if (o->has_stat && j == n && n < USERS_MAX_DEVS)
			devs[n++] = o->dev;
	}
	return n;
}

/* Queues and sets (either family) can be waited on: with none among
 * the objects, no process's call is read. */
static bool can_be_waited_on(unsigned tables, const struct sysv_list *objs, const struct posix_list *posix)
{
	for (size_t i = 0; (tables & KINDS_ALL) && i < objs->n; i++)
		if (objs->objs[i].kind != IPC_KIND_SHM && (tables & KIND_BIT(objs->objs[i].kind)))
			return true;
	for (size_t i = 0; posix && (tables & POSIX_KINDS_ALL) && i < posix->n; i++)
		if (posix->objs[i].kind != IPC_KIND_SHM && (tables & POSIX_KIND_BIT(posix->objs[i].kind)))
			return true;
	return false;
}

static int load(struct users *u, unsigned tables, const struct sysv_list *objs, const struct posix_list *posix,
		bool every_segment)
{
	unsigned what = 0;
	dev_t devs[USERS_MAX_DEVS];
	size_t ndevs = posix_devices(posix, devs);

	if ((tables & KIND_BIT(IPC_KIND_SHM)) && (every_segment || any_attached(objs)))
		what |= USERS_SCAN_SEGMENTS;
	if (can_be_waited_on(tables, objs, posix))
		what |= USERS_SCAN_WAITS;
	if ((tables & POSIX_KINDS_ALL) && posix && posix->n > 0)
		what |= USERS_SCAN_FDS | ((tables & (POSIX_KIND_BIT(IPC_KIND_SHM) | POSIX_KIND_BIT(IPC_KIND_SEM)))
					  ? USERS_SCAN_MAPS : 0);
	/* Nothing to look for still lists the processes: recorded pids are
	 * checked against them. */
	/* The second look (rm) counts on no listing: it must see attachments
	 * made since. */
	return users_scan_listed(u, what ? what : USERS_SCAN_NOTHING, ndevs ? devs : NULL, ndevs,
				 every_segment ? NULL : objs);
}

int users_load(struct users *u, unsigned tables, const struct sysv_list *objs, const struct posix_list *posix)
{
	return load(u, tables, objs, posix, false);
}

int users_load_again(struct users *u, unsigned tables, const struct sysv_list *objs, const struct posix_list *posix)
{
	return load(u, tables, objs, posix, true);
}

void output_add_column(struct output *out, enum col c)
{
	if (!out->cols_given) {
		out->cols_given = true;
		out->cols_plus = true;
		out->ncols = 0;
	}
	for (size_t i = 0; i < out->ncols; i++)
		if (out->cols[i] == c)
			return;
	if (out->ncols < NCOLS)
		out->cols[out->ncols++] = c;
}

bool output_shows_users(const struct output *out)
{
	for (size_t i = 0; out->cols_given && i < out->ncols; i++)
		if (out->cols[i] == COL_PROCESSES || out->cols[i] == COL_ORPHANED)
			return true;
	return false;
}

void users_warn_unreadable(const struct users *u)
{
	if (u->unreadable)
		warn("%zu processes could not be read (another user's: that needs root): the processes shown "
		     "are only those of the rest, and no POSIX object is called orphaned", u->unreadable);
	else if (u->waits_unknown)
		warn("what %zu processes wait on could not be read (another user's: that needs root): the waiters "
		     "shown are only those of the rest", u->waits_unknown);
}
