/* A status line for long work, on stderr: done, rate and, for a known
 * total, the percentage and the time left; redrawn at most ten times a
 * second, only once the work has lasted a second, and erased at the end.
 * Shown when stderr is a terminal (not TERM=dumb) and the output is not
 * JSON, or always with --progress; never with --no-progress. */
#ifndef IPCTOOL_PROGRESS_H
#define IPCTOOL_PROGRESS_H

#include <stdbool.h>
#include <time.h>

enum progress_mode { PROGRESS_AUTO, PROGRESS_FORCE, PROGRESS_OFF };

struct progress {
	bool on;                 /* decided at progress_start */
	bool drawn;              /* a line is on stderr now */
	const char *what;        /* "recv", "send" */
	const char *unit;        /* "message", "byte": counted and shown */
	unsigned long long total; /* of unit, or 0 when unknown */
	unsigned long long done;
	/* A second count shown beside (restore: the objects made while the
	 * unit is bytes read); ALSO_UNIT NULL: none.  The caller sets ALSO
	 * before progress_update. */
	const char *also_unit;
	unsigned long long also;
	struct timespec start, last;
};

/* JSON: the output is JSON (no line unless forced).  UNIT is the singular
 * of what is counted; "byte" counts show as sizes (1.5M).  TOTAL 0: not
 * known. */
void progress_start(struct progress *p, enum progress_mode mode, bool json, const char *what,
		    const char *unit, unsigned long long total);
/* DONE of the unit so far; draws when it is time.  Cheap: one clock read. */
void progress_update(struct progress *p, unsigned long long done);
/* The bytes left to read from FD when it is a regular file (a known
 * total), else 0. */
unsigned long long progress_input_size(int fd);
/* Erase the line, if one was drawn. */
void progress_end(struct progress *p);
/* Erase the line on stderr, if one is drawn, before an error message is
 * written there (error.c); the next update draws it again. */
void progress_erase_for_message(void);

#endif
