#include "lib/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/size.h"

/* The work must last this long before a line appears, and lines come at
 * most this often (nanoseconds). */
#define FIRST_NS 1000000000LL
#define EVERY_NS 100000000LL

/* The progress whose line is on stderr now, for an error message to
 * erase it first: one line at a time. */
static struct progress *shown;

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static bool terminal_wanted(void)
{
	const char *term = getenv("TERM");

	return isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

void progress_start(struct progress *p, enum progress_mode mode, bool json, const char *what,
		    const char *unit, unsigned long long total)
{
	memset(p, 0, sizeof(*p));
	p->on = mode == PROGRESS_FORCE || (mode == PROGRESS_AUTO && !json && terminal_wanted());
	p->what = what;
	p->unit = unit;
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

/* N of the unit: "12 messages", "1 message", "1.5M". */
static void amount(char *out, size_t size, const char *unit, unsigned long long n)
{
	char human[SIZE_HUMAN_MAX];

	if (strcmp(unit, "byte") == 0)
		snprintf(out, size, "%s", size_human(n, human));
	else
		snprintf(out, size, "%llu %s%s", n, unit, n == 1 ? "" : "s");
}

/* "1m05s", "42s", "2h03m" */
static void duration(char *out, size_t size, double secs)
{
	long long s = (long long)(secs + 0.5);

	if (s >= 3600)
		snprintf(out, size, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(out, size, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(out, size, "%llds", s);
}

/* Stderr's width in columns, 0 when it is no terminal (a forced line). */
static unsigned short terminal_columns(void)
{
	struct winsize ws;

	return ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

static void draw(struct progress *p, double elapsed)
{
	char text[256], line[264], done[64], rate[64], left[32] = "", also[72] = "";
	double per_sec = elapsed > 0 ? (double)p->done / elapsed : 0;
	int n;

	if (p->also_unit) {
		also[0] = ',';
		also[1] = ' ';
		amount(also + 2, sizeof(also) - 2, p->also_unit, p->also);
	}

	amount(done, sizeof(done), p->unit, p->done);
	if (strcmp(p->unit, "byte") == 0) {
		char human[SIZE_HUMAN_MAX];
		snprintf(rate, sizeof(rate), "%s/s", size_human((unsigned long long)per_sec, human));
	} else {
		snprintf(rate, sizeof(rate), "%.0f/s", per_sec);
	}
	if (p->total) {
		char total[64];
		unsigned long long pct = p->done >= p->total ? 100 : p->done * 100 / p->total;
		amount(total, sizeof(total), p->unit, p->total);
		/* "12 of 40 messages": the unit once. */
		if (strcmp(p->unit, "byte") != 0)
			snprintf(done, sizeof(done), "%llu", p->done);
		if (per_sec > 0 && p->done < p->total) {
			char t[24];
			duration(t, sizeof(t), (double)(p->total - p->done) / per_sec);
			snprintf(left, sizeof(left), ", %s left", t);
		}
		n = snprintf(text, sizeof(text), "%s: %s of %s (%llu%%)%s, %s%s", p->what, done, total, pct, also,
			     rate, left);
	} else {
		n = snprintf(text, sizeof(text), "%s: %s%s, %s", p->what, done, also, rate);
	}
	if (n < 0)
		return;
	/* The text is ASCII: a byte is a column.  One column short of the
	 * width, so the cursor never wraps and a redraw never scrolls. */
	size_t len = (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1;
	unsigned short cols = terminal_columns();
	if (cols > 1 && len > (size_t)cols - 1)
		len = (size_t)cols - 1;
	snprintf(line, sizeof(line), "\r%.*s\033[K", (int)len, text);
	/* The line is only a courtesy: a failed write of it changes nothing. */
	if (write(STDERR_FILENO, line, strlen(line)) > 0)
		p->drawn = true;
	if (p->drawn)
		shown = p;
}

void progress_update(struct progress *p, unsigned long long done)
{
	struct timespec now;

	p->done = done;
	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long since_start = ns_between(&p->start, &now);
	if (since_start < FIRST_NS || (p->drawn && ns_between(&p->last, &now) < EVERY_NS))
		return;
	p->last = now;
	draw(p, (double)since_start / 1e9);
}

void progress_end(struct progress *p)
{
	if (p->drawn && write(STDERR_FILENO, "\r\033[K", 4) < 0) {
		/* Nothing to do: the line stays. */
	}
	p->drawn = false;
	if (shown == p)
		shown = NULL;
}

void progress_erase_for_message(void)
{
	if (shown)
		progress_end(shown);
}

unsigned long long progress_input_size(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	off_t at = lseek(fd, 0, SEEK_CUR);
	return at >= 0 && at <= st.st_size ? (unsigned long long)(st.st_size - at) : 0;
}
