/* What list and rm share of ipctool-list(1)'s first half: the --orphaned and
 * --older-than options, the /proc scan of users.h sized to the objects
 * at hand, and the PROCESSES and ORPHANED columns that --processes and
 * --orphaned add. */
#ifndef IPCTOOL_LISTUSERS_H
#define IPCTOOL_LISTUSERS_H

#include <popt.h>
#include <stdbool.h>

#include "lib/args.h"
#include "view/listcols.h"
#include "inv/objusers.h"
#include "inv/users.h"

/* Option vals, clear of list's and rm's own. */
enum { OPT_ORPHANED = 900, OPT_OLDER_THAN };

#define AGE_FILTER_ENTRIES \
	{ "orphaned", '\0', POPT_ARG_NONE, NULL, OPT_ORPHANED, \
	  "only objects no live process uses (see the manual for each kind)", NULL }, \
	{ "older-than", '\0', POPT_ARG_STRING, NULL, OPT_OLDER_THAN, \
	  "only objects idle for at least DURATION (unused, unchanged): 90s, 30m, 12h, 7d", "DURATION" }

/* --orphaned and --older-than from the args bag into F (every --older-than
 * checked, the last kept): 0 or a usage error naming the option. */
int age_filter_read(const struct args *a, struct age_filter *f);
bool age_filter_given(const struct age_filter *f);

/* Scan /proc for the users of the objects in TABLES (a table mask) among
 * OBJS and POSIX, reading only what they can need: no maps when no
 * segment is attached and there is no POSIX object, no descriptors
 * without POSIX objects, no blocked calls without queues or sets.  0 or
 * a reported status. */
int users_load(struct users *u, unsigned tables, const struct sysv_list *objs, const struct posix_list *posix);
/* The same for a second look: segments attached since OBJS was read
 * are looked for too. */
int users_load_again(struct users *u, unsigned tables, const struct sysv_list *objs, const struct posix_list *posix);

/* Add column C to what OUT shows, after the defaults when no --output
 * named columns. */
void output_add_column(struct output *out, enum col c);
/* Does OUT show PROCESSES or ORPHANED? */
bool output_shows_users(const struct output *out);

/* Some processes could not be read: one warning, since then the users
 * shown are not all, and POSIX objects are not called orphaned; or only
 * the calls they sleep in could not (ptrace access): one warning that the
 * waiters shown are not all. */
void users_warn_unreadable(const struct users *u);

#endif
