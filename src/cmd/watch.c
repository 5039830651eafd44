/* watch: sample the chosen objects every --interval and show what
 * changed, as a full-screen view on a terminal (watchview.c) or as JSON
 * Lines, one document per sample, elsewhere.  ipctool-watch(1).
 *
 * This file is the command: its options, which objects they choose, and
 * the JSON Lines writer.  The sampler is watchsample.c. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/json.h"
#include "lib/timefmt.h"
#include "lib/wait.h"
#include "cmd/watch.h"

enum { OPT_INTERVAL = 1, OPT_COUNT, OPT_JSON };

struct watch_options {
	struct select_options select;
	struct target *targets;   /* --key/--ftok, then the positional ones */
	size_t ntargets;
	struct timespec interval;
	unsigned long long count; /* 0: until told to stop */
	bool json;
};

static struct poptOption watch_table[] = {
	CLI_TARGETS_ENTRIES,
	CLI_KIND_ENTRIES,
	{ "sysv", '\0', POPT_ARG_NONE, NULL, CLI_OPT_SYSV, "System V objects (default: both families)", NULL },
	{ "posix", '\0', POPT_ARG_NONE, NULL, CLI_OPT_POSIX, "POSIX objects (default: both families)", NULL },
	{ "interval", 'i', POPT_ARG_STRING, NULL, OPT_INTERVAL, "seconds between samples, above 0 (default 1)", "SECS" },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT, "take N samples, then exit (N >= 1)", "N" },
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "JSON Lines, one document per sample, even on a terminal", NULL },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int read_options(const struct args *a, struct watch_options *o)
{
	int rc;

	*o = (struct watch_options){ .interval.tv_sec = 1 };
	o->json = args_has(a, OPT_JSON);
	if ((rc = args_positive_duration(a, OPT_INTERVAL, &o->interval)) ||
	    (rc = args_unsigned(a, OPT_COUNT, 1, 1000000000000ULL, &o->count)) ||
	    (rc = args_select(a, &o->select)))
		return rc;
	return args_targets(a, &o->targets, &o->ntargets);
}

enum { FAMILY_SYSV = 1, FAMILY_POSIX = 2, FAMILIES_ALL = 3 };

/* The tables to watch: the kind options, else all; the family options,
 * else the TARGETs' families, else both. */
static int watch_check(const struct watch_options *o, unsigned *tables)
{
	unsigned families = (o->select.sysv ? FAMILY_SYSV : 0) | (o->select.posix ? FAMILY_POSIX : 0);
	unsigned targeted = 0;

	for (size_t i = 0; i < o->ntargets; i++) {
		const struct target *t = &o->targets[i];
		unsigned mine = t->kind == TARGET_POSIX ? FAMILY_POSIX : FAMILY_SYSV;
		if (families && !(families & mine))
			return usage_error("%s is a %s object: --%s contradicts it", t->text,
					   mine == FAMILY_POSIX ? "POSIX" : "System V",
					   mine == FAMILY_POSIX ? "sysv" : "posix");
		targeted |= mine;
	}
	if (!families)
		families = targeted ? targeted : FAMILIES_ALL;
	unsigned kinds = o->select.kinds ? o->select.kinds : KINDS_ALL;
	*tables = (families & FAMILY_SYSV ? kinds : 0) | (families & FAMILY_POSIX ? kinds << NKINDS : 0);
	return 0;
}

/* ---- JSON Lines -------------------------------------------------------- */

/* RFC 3339 in local time, with microseconds: 2026-12-02T01:53:00.123456+00:00 */
static int append_time(struct buf *b, struct timespec t)
{
	char text[64];

	time_iso8601(t.tv_sec, t.tv_nsec / 1000, text, sizeof(text));
	return buf_printf(b, "\"%s\"", text);
}

/* ,"name": with NAME lowercased, as list --json names its members.  No
 * printf here: formatting is most of a sample's cost. */
static int append_member(struct buf *b, const char *name, const char *suffix, bool first)
{
	char text[64];
	size_t n = 0;

	if (!first)
		text[n++] = ',';
	text[n++] = '"';
	for (; *name && n < sizeof(text) - 24; name++)
		text[n++] = (char)(*name >= 'A' && *name <= 'Z' ? *name - 'A' + 'a' : *name);
	for (; *suffix && n < sizeof(text) - 3; suffix++)
		text[n++] = *suffix;
	text[n++] = '"';
	text[n++] = ':';
	return buf_append(b, text, n);
}

static int append_number(struct buf *b, bool has, long long v)
{
	char digits[32];

	return buf_append_str(b, has ? cell_signed(digits, sizeof(digits), v) : "null");
}

/* List's default columns of the object's table, as list --json has them. */
static int append_columns(struct buf *b, const struct watch_obj *o)
{
	const struct kind_info *ki = &kinds_info[o->table];
	char cell[4096];
	int rc = 0;

	for (size_t i = 0; i < ki->ndefaults && rc == 0; i++) {
		const struct column *c = &columns[ki->defaults[i]];
		const char *text = row_cell(&o->row, ki->defaults[i], cell, sizeof(cell));
		rc = append_member(b, c->name, "", i == 0);
		if (rc == 0 && !text)
			rc = buf_append_str(b, "null");
		else if (rc == 0 && c->type == V_NUMBER)
			rc = buf_append_str(b, text);
		else if (rc == 0) {
			bool exact;
			rc = json_append_text(b, text, &exact);
			if (rc == 0 && !exact)
				rc = append_member(b, c->name, "_base64", false) || buf_append(b, "\"", 1) ||
				     base64_append(b, (const unsigned char *)text, strlen(text)) || buf_append(b, "\"", 1);
		}
		if (rc == 0 && c->type == V_TIME) {
			time_t t = row_time(&o->row, ki->defaults[i]);
			rc = append_member(b, c->name, "_epoch", false);
			if (rc == 0)
				rc = append_number(b, t != 0, t);
		}
	}
	return rc;
}

static int append_list_field(struct buf *b, const struct watcher *w, const struct watch_obj *o, enum watch_field f)
{
	size_t n = watch_list_size(o);
	long long v;
	int rc = 0;

	if (n == 0 && f == WF_WAITING)
		return buf_append_str(b, "[]");   /* nobody waits: known, not unknown */
	if (n == 0 || !watch_list_value(w, o, f, 0, &v))
		return buf_append_str(b, "null");
	rc = buf_append_str(b, "[");
	for (size_t i = 0; i < n && rc == 0; i++) {
		watch_list_value(w, o, f, i, &v);
		if ((rc = i ? buf_append_str(b, ",") : 0) == 0)
			rc = append_number(b, true, v);
	}
	return rc ? rc : buf_append_str(b, "]");
}

static int append_object(struct buf *b, const struct watcher *w, const struct watch_obj *o)
{
	static const char *const states[] = {
		[WATCH_NEW] = ",\"state\":\"new\"",
		[WATCH_SAME] = ",\"state\":\"same\"",
		[WATCH_GONE] = ",\"state\":\"gone\"",
	};
	const enum watch_field *fields;
	size_t nfields = watch_table_fields(o->table, &fields);
	int rc = buf_append_str(b, "{");

	if (rc == 0)
		rc = append_columns(b, o);
	if (rc == 0)
		rc = buf_append_str(b, states[watch_obj_state(w, o)]);
	for (size_t i = 0; i < nfields && rc == 0; i++) {
		long long v;
		rc = append_member(b, watch_fields[fields[i]].json, "", false);
		if (rc == 0 && watch_fields[fields[i]].is_list)
			rc = append_list_field(b, w, o, fields[i]);
		else if (rc == 0) {
			bool has = watch_field_value(w, o, fields[i], &v);
			rc = append_number(b, has, v);
		}
	}
	return rc ? rc : buf_append_str(b, "}");
}

/* One table's array: its objects now, then those gone since. */
static int append_table(struct buf *b, const struct watcher *w, int table)
{
	const struct watch_sample *s = watcher_latest(w);
	const struct watch_obj *gone;
	bool first = true;
	size_t at = 0;
	int rc = buf_printf(b, ",\"%s\":[", kinds_info[table].json_name);

	for (size_t i = 0; i < s->n && rc == 0; i++) {
		if (s->objs[i].table != table)
			continue;
		if ((rc = first ? 0 : buf_append_str(b, ",")) == 0)
			rc = append_object(b, w, &s->objs[i]);
		first = false;
	}
	while (rc == 0 && (gone = watcher_next_gone(w, &at)))
		if (gone->table == table) {
			if ((rc = first ? 0 : buf_append_str(b, ",")) == 0)
				rc = append_object(b, w, gone);
			first = false;
		}
	return rc ? rc : buf_append_str(b, "]");
}

static int format_sample(struct buf *b, const struct watcher *w)
{
	int rc = buf_append_str(b, "{\"time\":");

	if (rc == 0)
		rc = append_time(b, watcher_latest(w)->time);
	for (int t = 0; t < NTABLES && rc == 0; t++)
		if (w->filter.tables & (1u << t))
			rc = append_table(b, w, t);
	if (rc == 0)
		rc = buf_append_str(b, "}\n");
	return rc ? fail("out of memory") : 0;
}

/* JSON Lines until COUNT samples, a termination signal (then it dies of
 * it, as the shell expects), or a reader that went away (a closed pipe
 * ends it quietly, with status 0: nobody is left to tell). */
static int watch_json(struct watcher *w, struct timespec interval, unsigned long long count)
{
	struct buf b = { 0 };
	struct timespec due = monotonic_now();
	int rc = 0;

	for (;;) {
		b.len = 0;
		if ((rc = format_sample(&b, w)))
			break;
		if (write_all(STDOUT_FILENO, b.data, b.len, NULL) != 0) {
			if (errno == EPIPE)
				rc = 0;
			else if (errno != EINTR || !termination_pending())
				rc = fail_errno("cannot write to standard output");
			break;
		}
		if (count && w->taken >= count)
			break;
		interval_next(&due, interval);
		if (!sleep_until_due(&due) || (rc = watcher_sample(w)))
			break;
	}
	buf_free(&b);
	return rc;
}

/* A --ftok TARGET's key, computed once: watch follows what it named at
 * the start. */
static int resolve_keys(const struct watch_options *o)
{
	for (size_t i = 0; i < o->ntargets; i++) {
		key_t key;
		int rc;
		if (o->targets[i].kind != TARGET_POSIX && (rc = target_key(&o->targets[i], &key)))
			return rc;
	}
	return 0;
}

/* Sample until done, as a view on a terminal, else as JSON Lines. */
static int watch_filtered(const struct watch_options *o, const struct watch_filter *filter)
{
	struct watcher w;
	long unmatched;
	int rc;

	/* A closed pipe is EPIPE, seen and ended quietly, not a death. */
	signal(SIGPIPE, SIG_IGN);
	termination_catch();
	watcher_init(&w, filter);
	if ((rc = watcher_sample(&w)) == 0 && (unmatched = watcher_unmatched_target(&w)) >= 0)
		rc = watcher_report_unmatched(&w, unmatched);
	bool view = !o->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO), gone = false;
	if (rc == 0)
		rc = view ? watch_view(&w, o->interval, o->count, &gone) : watch_json(&w, o->interval, o->count);
	watcher_free(&w);
	/* Ctrl-C is one of the view's quit keys: status 0, as q.  A terminal
	 * that went away is status 1, whatever SIGHUP it sent. */
	if (termination_pending() && !gone && !(view && termination_pending() == SIGINT))
		termination_honour();
	return rc;
}

static int watch_run(const struct args *a)
{
	struct watch_options o;
	struct watch_filter filter;
	int rc;

	if ((rc = read_options(a, &o)) == 0 && (rc = watch_check(&o, &filter.tables)) == 0 &&
	    (rc = resolve_keys(&o)) == 0 && (rc = tables_check_mqueue_mount(&filter.tables)) == 0) {
		filter.targets = o.targets;
		filter.ntargets = o.ntargets;
		rc = watch_filtered(&o, &filter);
	}
	free(o.targets);
	return rc;
}

const struct command command_watch = {
	.name = "watch",
	.summary = "watch IPC objects change, full-screen or as JSON Lines",
	.synopsis = "[TARGET...] [--queues] [--shm] [--sems] [--sysv] [--posix] [--interval SECS] [--count N] [--json]",
	.table = watch_table,
	.complete = COMPLETE_OBJECTS,
	.run = watch_run,
};
