/* watch's full-screen view, like top(1), drawn with ncurses (watch.h);
 * this file is its state, keys and loop (the others: watchview.h).
 *
 * One section per kind and family, as list's table output has them, each
 * with list's columns, what changed since the last sample (columns whose
 * name starts with d) and how long ago queues were last used.  Keys move a
 * selection, sort a section by a column, peek at the selected queue and
 * show the keys.  The terminal is restored on every way out: q, Ctrl-C,
 * a termination signal (its flag is set by wait.c's handler, which does
 * nothing else, and ends the loop here), --count samples, or an error. */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/wait.h"
#include "cmd/watchview.h"

/* ---- the view's state -------------------------------------------------- */

static void sections_init(struct view *v)
{
	for (int t = 0; t < NTABLES; t++) {
		if (!(v->w->filter.tables & (1u << t)))
			continue;
		struct section *s = &v->sections[v->nsections++];
		s->table = t;
		s->ncols = table_columns(t, s->cols);
		s->sort = 1;   /* the key or the name: list's order */
	}
	v->sel_table = -1;
}

static void sections_free(struct view *v)
{
	marks_free(&v->marks);
	for (size_t i = 0; i < v->nsections; i++)
		free(v->sections[i].rows);
}

static int add_row(struct section *s, const struct watch_obj *o)
{
	struct vrow *rows = array_grow(s->rows, &s->cap, s->nrows, sizeof(*rows), 64);

	if (!rows)
		return fail("out of memory");
	s->rows = rows;
	s->rows[s->nrows++] = (struct vrow){ .o = o };
	return 0;
}

/* qsort has no context argument: the view being sorted. */
static const struct section *sorting;

static int compare_rows(const void *a, const void *b)
{
	const struct vrow *x = a, *y = b;
	int c;

	if (vcol_sorts_by_number(&sorting->cols[sorting->sort]))
		c = (x->key_num > y->key_num) - (x->key_num < y->key_num);
	else
		c = strcmp(x->key_text, y->key_text);
	/* Stable from sample to sample: ties by position in the sample (a
	 * gone row's is in the previous one's array, hence the integers). */
	if (c == 0)
		c = ((uintptr_t)x->o > (uintptr_t)y->o) - ((uintptr_t)x->o < (uintptr_t)y->o);
	return sorting->descending ? -c : c;
}

static void sort_section(struct view *v, struct section *s)
{
	char buf[4096];

	for (size_t i = 0; i < s->nrows; i++) {
		struct vrow *r = &s->rows[i];
		const char *text = cell_text(v->w, r->o, &s->cols[s->sort], buf, sizeof(buf), &r->key_num);
		snprintf(r->key_text, sizeof(r->key_text), "%s", text ? text : "");
		if (!text && vcol_sorts_by_number(&s->cols[s->sort]))
			r->key_num = s->descending ? LLONG_MIN : LLONG_MAX;   /* none sorts last */
	}
	sorting = s;
	if (s->nrows > 1)
		qsort(s->rows, s->nrows, sizeof(*s->rows), compare_rows);
}

static size_t total_rows(const struct view *v)
{
	size_t n = 0;

	for (size_t i = 0; i < v->nsections; i++)
		n += v->sections[i].nrows;
	return n;
}

const struct watch_obj *row_at(const struct view *v, size_t index, const struct section **in)
{
	for (size_t i = 0; i < v->nsections; i++) {
		if (index < v->sections[i].nrows) {
			if (in)
				*in = &v->sections[i];
			return v->sections[i].rows[index].o;
		}
		index -= v->sections[i].nrows;
	}
	return NULL;
}

static void remember_selection(struct view *v)
{
	const struct watch_obj *o = row_at(v, v->selected, NULL);

	if (!o)
		return;
	v->sel_table = o->table;
	v->sel_id = o->row.sysv ? o->row.sysv->id : -1;
	snprintf(v->sel_name, sizeof(v->sel_name), "%s", o->row.posix ? o->row.posix->name : "");
}

static bool is_selected_obj(const struct view *v, const struct watch_obj *o)
{
	if (o->table != v->sel_table)
		return false;
	return o->row.sysv ? o->row.sysv->id == v->sel_id : strcmp(o->row.posix->name, v->sel_name) == 0;
}

/* The rows of the latest sample (and those gone since the previous),
 * sorted; the selection stays on its object when it is still there. */
static int rebuild(struct view *v)
{
	const struct watch_sample *s = watcher_latest(v->w);
	const struct watch_obj *gone;
	size_t at = 0;
	int rc = 0;

	for (size_t i = 0; i < v->nsections; i++)
		v->sections[i].nrows = 0;
	for (size_t i = 0; i < v->nsections && rc == 0; i++) {
		struct section *sec = &v->sections[i];
		for (size_t j = 0; j < s->n && rc == 0; j++)
			if (s->objs[j].table == sec->table)
				rc = add_row(sec, &s->objs[j]);
	}
	while (rc == 0 && (gone = watcher_next_gone(v->w, &at)))
		for (size_t i = 0; i < v->nsections && rc == 0; i++)
			if (v->sections[i].table == gone->table)
				rc = add_row(&v->sections[i], gone);
	for (size_t i = 0; i < v->nsections; i++)
		sort_section(v, &v->sections[i]);
	size_t n = total_rows(v);
	for (size_t i = 0; i < n && v->sel_table >= 0; i++)
		if (is_selected_obj(v, row_at(v, i, NULL))) {
			v->selected = i;
			return rc;
		}
	if (v->selected >= n)
		v->selected = n ? n - 1 : 0;
	return rc;
}

/* ---- keys -------------------------------------------------------------- */

static void move_selection(struct view *v, long by)
{
	size_t n = total_rows(v);

	if (n == 0)
		return;
	long at = (long)v->selected + by;
	v->selected = at < 0 ? 0 : at >= (long)n ? n - 1 : (size_t)at;
	remember_selection(v);
}

static struct section *selected_section(struct view *v)
{
	const struct section *in = NULL;

	if (!row_at(v, v->selected, &in))
		return v->nsections ? &v->sections[0] : NULL;
	return (struct section *)in;
}

static void move_sort(struct view *v, int by)
{
	struct section *s = selected_section(v);

	if (!s)
		return;
	int at = (int)s->sort + by;
	if (at >= 0 && at < (int)s->ncols)
		s->sort = (size_t)at;
	rebuild(v);
}

/* Returns false on a quit key. */
static bool handle_key(struct view *v, int ch)
{
	if (ch == 'q' || ch == 'Q')
		return false;
	if (v->overlay != OVERLAY_NONE && ch != KEY_RESIZE) {
		v->overlay = OVERLAY_NONE;
		return true;
	}
	long page = LINES > 6 ? LINES - 6 : 1;
	switch (ch) {
	case KEY_UP: case 'k': move_selection(v, -1); break;
	case KEY_DOWN: case 'j': move_selection(v, 1); break;
	case KEY_PPAGE: move_selection(v, -page); break;
	case KEY_NPAGE: move_selection(v, page); break;
	case KEY_HOME: case 'g': move_selection(v, -(long)total_rows(v)); break;
	case KEY_END: case 'G': move_selection(v, (long)total_rows(v)); break;
	case '<': move_sort(v, -1); break;
	case '>': move_sort(v, 1); break;
	case 'r': {
		struct section *s = selected_section(v);
		if (s)
			s->descending = !s->descending;
		rebuild(v);
		break;
	}
	case 'p': case '\n': case '\r': case KEY_ENTER: peek(v); break;
	case '?': case 'h': v->overlay = OVERLAY_HELP; break;
	case KEY_RESIZE: break;   /* ncurses has the new size: draw again */
	default: break;
	}
	return true;
}

/* ---- the loop ---------------------------------------------------------- */

/* poll's timeout until DUE: at most a minute (keys and resizes wake it). */
static int poll_ms(struct timespec due)
{
	long long ms = ms_until(due);

	return ms > 60000 ? 60000 : (int)ms;
}

static bool due_now(const struct timespec *due)
{
	return timespec_cmp(monotonic_now(), *due) >= 0;
}

/* Has the terminal gone (its emulator, tmux or ssh ended)?  A hung-up
 * tty polls as POLLHUP, and reads as end of file: readable with nothing
 * to read.  Nothing else tells a watch that leads no session (setsid):
 * SIGHUP goes to the session's leader only, and may be ignored (nohup). */
static bool terminal_gone(short revents)
{
	int pending = 0;

	if (revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	return (revents & POLLIN) && ioctl(STDIN_FILENO, FIONREAD, &pending) == 0 && pending == 0;
}

/* The terminal's state now, without waiting. */
static bool terminal_gone_now(void)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

	return poll(&in, 1, 0) > 0 && (in.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Keys, resizes and samples until a way out; the status.  *GONE is set
 * when the way out was the terminal going away. */
static int run_loop(struct view *v, unsigned long long count, bool *gone)
{
	struct timespec due = monotonic_now();
	int rc;

	if ((rc = marks_update(v)) || (rc = rebuild(v)))
		return rc;
	draw(v);
	interval_next(&due, v->interval);
	for (;;) {
		/* The SIGHUP of a hang-up is the terminal going, not a kill. */
		if (termination_pending() && !(*gone = terminal_gone_now()))
			return 0;
		if (*gone)
			return fail("the terminal went away");
		if (count && v->w->taken >= count)
			return 0;
		struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
		int ready = poll(&in, 1, poll_ms(due));
		if (ready < 0 && errno != EINTR)
			return fail_errno("cannot wait for keys");
		bool redraw = false, keyed = false;
		int ch;
		/* After EINTR too: SIGWINCH makes getch return KEY_RESIZE. */
		while ((ch = getch()) != ERR) {
			if (!handle_key(v, ch))
				return 0;
			redraw = keyed = true;
		}
		if (ready > 0 && !keyed && terminal_gone(in.revents)) {
			*gone = true;
			return fail("the terminal went away");
		}
		if (due_now(&due)) {
			if ((rc = watcher_sample(v->w)) || (rc = marks_update(v)) || (rc = rebuild(v)))
				return rc;
			interval_next(&due, v->interval);
			redraw = true;
		}
		if (redraw)
			draw(v);
	}
}

/* The terminal as it was: endwin on every path out.  SIGALRM, which
 * wait.c repeats after a termination signal to interrupt blocking calls,
 * is held off so it cannot cut endwin's writes short. */
static void restore_terminal(void)
{
	sigset_t alarm;

	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alarm, NULL);
	endwin();
	sigprocmask(SIG_UNBLOCK, &alarm, NULL);
}

/* Can the terminal move the cursor?  One that cannot (TERM=dumb) would
 * draw every line of the view after the last, as garbage. */
static bool can_address_cursor(void)
{
	const char *cup = tigetstr("cup");

	return cup && cup != (const char *)-1;
}

int watch_view(struct watcher *w, struct timespec interval, unsigned long long count, bool *gone)
{
	struct view *v = calloc(1, sizeof(*v));

	if (!v)
		return fail("out of memory");
	v->w = w;
	v->interval = interval;
	if (curses_load() != 0) {
		free(v);
		return EXIT_FAIL;
	}
	sections_init(v);
	setlocale(LC_CTYPE, "");
	/* newterm, not initscr, which exits on a terminal it does not know. */
	SCREEN *screen = newterm(NULL, stdout, stdin);
	const char *why = screen ? "it cannot move the cursor; try --json" : "try --json";
	if (screen && !can_address_cursor()) {
		endwin();
		delscreen(screen);
		screen = NULL;
	}
	if (!screen) {
		sections_free(v);
		free(v);
		return fail("cannot start the full-screen view on this terminal (TERM=%s): %s",
			    getenv("TERM") ? getenv("TERM") : "", why);
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	/* stderr is the screen now: messages go to the bottom line. */
	error_capture(v->message, sizeof(v->message));
	int rc = run_loop(v, count, gone);
	error_capture(NULL, 0);
	restore_terminal();
	delscreen(screen);
	if (rc != 0 && v->message[0])
		fail("%s", v->message);
	sections_free(v);
	free(v);
	return rc;
}
