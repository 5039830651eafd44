/* list TARGET: one object in every detail, "NAME value" lines as ipcs -i,
 * with a semaphore set's values and, with --peek, a System V queue's
 * messages (listdetail.h). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include "lib/error.h"
#include "cmd/listdetail.h"
#include "inv/objusers.h"
#include "mech/queue.h"
#include "lib/target.h"

/* The detail view prints its lines itself: the shown form keeps each one
 * line and a name copyable as a TARGET. */
static const char *shown(const char *text)
{
	static char buf[4 * 4096 + 1];

	return shown_form(text, buf, sizeof(buf));
}

/* Columns of numbers named NAMES into TB; false when memory ran out. */
static bool add_number_columns(struct libscols_table *tb, const char *const names[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!table_add_column(tb, names[i], true, 0))
			return false;
	return true;
}

static int semaphore_values(const struct sysv_obj *o, struct libscols_table *tb)
{
	static const char *const names[] = { "SEMNUM", "VALUE", "NCNT", "ZCNT", "PID" };
	static const int cmds[] = { GETVAL, GETNCNT, GETZCNT, GETPID };

	if (!add_number_columns(tb, names, 5))
		return fail("out of memory");
	for (unsigned long long n = 0; n < o->nsems; n++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char buf[32];
		if (!ln || scols_line_set_data(ln, 0, cell_unsigned(buf, sizeof(buf), n)) != 0)
			return fail("out of memory");
		for (size_t c = 0; c < 4; c++) {
			int v = semctl(o->id, (int)n, cmds[c]);
			if (v < 0)
				return fail_errno("cannot read semaphore %llu of %s", n, sysv_describe(o));
			if (scols_line_set_data(ln, c + 1, cell_signed(buf, sizeof(buf), v)) != 0)
				return fail("out of memory");
		}
	}
	return 0;
}

/* Each message's type and size, copied with MSG_COPY: nothing is taken. */
static int queue_contents(const struct sysv_obj *o, struct libscols_table *tb)
{
	static const char *const names[] = { "INDEX", "TYPE", "SIZE" };
	struct target t;
	struct queue q;
	int rc;

	target_init(&t);
	t.kind = TARGET_ID;
	t.id = o->id;
	snprintf(t.text, sizeof(t.text), "%d", o->id);
	if (!add_number_columns(tb, names, 3))
		return fail("out of memory");
	if ((rc = queue_open(&q, &t)))
		return rc;
	struct queue_record *rec = malloc(queue_record_span(q.max_message));
	if (!rec)
		return fail("out of memory");
	for (size_t index = 0;; index++) {
		enum queue_result r = queue_copy(&q, index, rec, q.max_message);
		if (r == QUEUE_NOTHING)
			break;
		if (r != QUEUE_OK) {
			rc = queue_report(&q, "peek at");
			break;
		}
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char buf[32];
		if (!ln || scols_line_set_data(ln, 0, cell_unsigned(buf, sizeof(buf), index)) != 0 ||
		    scols_line_set_data(ln, 1, cell_signed(buf, sizeof(buf), rec->tag)) != 0 ||
		    scols_line_set_data(ln, 2, cell_unsigned(buf, sizeof(buf), rec->size)) != 0) {
			rc = fail("out of memory");
			break;
		}
	}
	free(rec);
	return rc;
}

/* Every column of the object's kind, one "NAME: value" line each, as
 * ipcs -i; the JSON form is one row with them all. */
static int print_detail_fields(const struct row *o, int table, const struct output *out,
			       struct table_printer *tp)
{
	struct output all = *out;
	int rc;

	all.cols_given = true;
	all.cols_plus = false;
	all.ncols = 0;
	if (table >= NKINDS)
		all.cols[all.ncols++] = COL_NAME;   /* the name first, as the key and id are */
	/* PROCESSES is the table of users that follows. */
	/* SHARED only says something of an object --ns found shared. */
	for (int c = 0; c < NCOLS; c++)
		if ((columns[c].tables & (1u << table)) && !(table >= NKINDS && c == COL_NAME) &&
		    c != COL_PROCESSES && !(c == COL_SHARED && !(o->posix && o->posix->shared)))
			all.cols[all.ncols++] = (enum col)c;
	if (out->format.mode != TABLE_PLAIN) {
		struct kind_table kt;
		rc = kind_table_init(&kt, table, &all, false);
		if (rc == 0)
			rc = kind_table_add(&kt, o, &all);
		if (rc == 0)
			rc = table_print(tp, kt.tb, NULL);
		scols_unref_table(kt.tb);
		return rc;
	}
	char buf[4096];
	printf("%s:\n", shown(o->sysv ? sysv_describe(o->sysv) : posix_describe(o->posix)));
	for (size_t i = 0; i < all.ncols; i++) {
		const char *text = row_cell(o, all.cols[i], buf, sizeof(buf));
		printf("%-10s %s\n", columns[all.cols[i]].name,
		       text ? shown(text) : columns[all.cols[i]].type == V_TIME ? "not set" : "-");
	}
	tp->printed++;
	return 0;
}

static int detail_show_sysv_users(const struct sysv_obj *o, const struct output *out, bool peek,
				  struct users *u, struct libscols_table *users);
static int detail_show_posix_users(const struct posix_obj *o, const struct output *out, struct users *u,
				   struct libscols_table *users);

/* ---- who uses it ---------------------------------------------------------- */

static int add_user_line(struct libscols_table *tb, struct users *u, const struct obj_user *who)
{
	const struct user_proc *p = users_process(u, who->pid);
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char pid[32], how[128];

	if (!p)
		return 0;
	if (!ln || scols_line_set_data(ln, 0, cell_signed(pid, sizeof(pid), who->pid)) != 0 ||
	    scols_line_set_data(ln, 1, p->comm) != 0 || scols_line_set_data(ln, 2, user_name(p->uid)) != 0 ||
	    scols_line_set_data(ln, 3, use_how_text(who->how, how, sizeof(how))) != 0)
		return fail("out of memory");
	return 0;
}

/* The live processes that use the object: PID, COMMAND, USER, HOW. */
static int users_table(struct users *u, const struct obj_users *w, const struct output *out,
		       struct libscols_table **tb)
{
	int rc = 0;

	*tb = table_new("processes", &out->format);
	if (!*tb || !table_add_column(*tb, "PID", true, 0) || !table_add_column(*tb, "COMMAND", false, 0) ||
	    !table_add_column(*tb, "USER", false, 0) || !table_add_column(*tb, "HOW", false, 0))
		return fail("out of memory");
	for (size_t i = 0; i < w->n && rc == 0; i++)
		rc = add_user_line(*tb, u, &w->v[i]);
	return rc;
}

/* One scan for one object: only what its kind can be found in. */
static unsigned scan_for(const struct row *r)
{
	if (r->sysv)
		return r->sysv->kind == IPC_KIND_SHM ? USERS_SCAN_SEGMENTS : USERS_SCAN_WAITS;
	/* A POSIX semaphore's waiters are found through its mapping. */
	return r->posix->kind == IPC_KIND_QUEUE ? USERS_SCAN_FDS | USERS_SCAN_WAITS
	       : r->posix->kind == IPC_KIND_SEM ? USERS_SCAN_FDS | USERS_SCAN_MAPS | USERS_SCAN_WAITS
					       : USERS_SCAN_FDS | USERS_SCAN_MAPS;
}

static int find_users(const struct row *r, struct users *u, struct obj_users *w)
{
	int rc = users_scan(u, scan_for(r), NULL, 0);

	if (rc)
		return rc;
	rc = r->sysv ? obj_users_sysv(u, r->sysv, (ino_t)r->sysv->ipcns, w) : obj_users_posix(u, r->posix, w);
	return rc ? fail("out of memory") : 0;
}

/* R's object in detail, its users found first; PEEK: a System V queue's
 * messages too. */
static int detail_show(const struct row *r, const struct output *out, bool peek)
{
	struct users u = { 0 };
	struct obj_users w = { 0 };
	struct libscols_table *users = NULL;
	int rc = find_users(r, &u, &w);

	if (rc == 0)
		rc = users_table(&u, &w, out, &users);
	if (rc == 0)
		rc = r->sysv ? detail_show_sysv_users(r->sysv, out, peek, &u, users)
			     : detail_show_posix_users(r->posix, out, &u, users);
	scols_unref_table(users);
	obj_users_free(&w);
	users_free(&u);
	return rc;
}

int detail_show_sysv(const struct sysv_obj *o, const struct output *out, bool peek)
{
	return detail_show(&(struct row){ .sysv = o }, out, peek);
}

int detail_show_posix(const struct posix_obj *o, const struct output *out)
{
	return detail_show(&(struct row){ .posix = o }, out, false);
}

/* ---- the views ---------------------------------------------------------- */

static int detail_show_sysv_users(const struct sysv_obj *o, const struct output *out, bool peek,
				  struct users *u, struct libscols_table *users)
{
	struct table_printer tp = { .format = &out->format };
	struct libscols_table *extra = NULL;
	const char *extra_title = NULL;
	int rc = 0;

	/* Gather everything before printing, so a failure prints nothing. */
	if (o->kind == IPC_KIND_SEM) {
		extra = table_new("values", &out->format);
		extra_title = "Semaphores";
		rc = extra ? semaphore_values(o, extra) : fail("out of memory");
	} else if (o->kind == IPC_KIND_QUEUE && peek) {
		extra = table_new("contents", &out->format);
		extra_title = "Messages";
		rc = extra ? queue_contents(o, extra) : fail("out of memory");
	}
	if (rc == 0)
		rc = print_detail_fields(&(struct row){ .sysv = o, .users = u }, o->kind, out, &tp);
	tp.titles = true;
	if (rc == 0 && extra)
		rc = table_print(&tp, extra, extra_title);
	if (rc == 0)
		rc = table_print(&tp, users, "Processes");
	if (rc == 0)
		rc = table_print_end(&tp);
	scols_unref_table(extra);
	return rc;
}

static int detail_show_posix_users(const struct posix_obj *o, const struct output *out, struct users *u,
				   struct libscols_table *users)
{
	struct table_printer tp = { .format = &out->format };
	int rc = print_detail_fields(&(struct row){ .posix = o, .users = u }, NKINDS + o->kind, out, &tp);

	tp.titles = true;
	if (rc == 0)
		rc = table_print(&tp, users, "Processes");
	return rc ? rc : table_print_end(&tp);
}
