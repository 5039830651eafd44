/* restore's pieces (ipctool-restore(1)): the reader of the dump and the
 * command line (restore.c), and the making of each object from its lines
 * (restoreobj.c). */
#ifndef IPCTOOL_CMD_RESTORE_H
#define IPCTOOL_CMD_RESTORE_H

#include <mqueue.h>
#include <stdbool.h>
#include <sys/types.h>

#include "lib/dumpline.h"
#include "lib/progress.h"

struct restore_options {
	bool same_ids, replace, dry_run;
	pid_t ns_pid;
	enum progress_mode progress;
};

/* The object being restored, between its first line and its end line. */
struct making {
	struct dump_object obj;
	bool active;              /* inside an object's lines */
	bool skip;                /* refused or failed: its lines are read, nothing made */
	bool made;                /* something exists that undo must remove */
	bool replaces;            /* --replace: one exists under its key or name */
	unsigned long long count; /* messages or chunks read */
	unsigned long long next;  /* a segment's first byte not yet written */
	int id;                   /* System V */
	unsigned char *addr;      /* System V segment, attached */
	unsigned long long released; /* its bytes before this were given back */
	int fd;                   /* POSIX shm: the temporary file */
	mqd_t mqd;                /* POSIX queue */
	char temp[64];            /* POSIX shm/sem: the temporary file in /dev/shm */
};

struct restorer {
	const struct restore_options *o;
	const char *source;       /* "standard input" or the file's name */
	int fd;
	int dir;                  /* /dev/shm, for POSIX shm and semaphores */
	struct making m;
	struct dump_line line;
	unsigned long long last;  /* the last line's number */
	char *msgbuf;             /* a long, then a message's bytes (msgsnd's layout) */
	int status;
	unsigned long long bytes_done;  /* of the dump's lines, for the status line */
	unsigned long long restored;    /* objects made (or, with --dry-run, said) */
	struct progress progress;
};

/* "private message queue id 5", "POSIX shared memory object /x": for
 * messages (a static buffer). */
const char *restore_describe(const struct dump_object *o);
/* "SOURCE: line N: WHAT", status 1 (kept for the exit). */
int restore_line_fail(struct restorer *r, unsigned long long line, const char *what);
/* Remove what was made of the object being made; nothing of it stays. */
void restore_undo(struct restorer *r);
/* The lines of an object, each numbered LINE, parsed into R->line: its
 * first line (refuse it or make it), a message, a chunk, its end line
 * (make it final).  A refused or failed object is reported and its lines
 * are read on; the status that stops the reading is returned. */
int restore_begin(struct restorer *r, unsigned long long line);
int restore_message(struct restorer *r, unsigned long long line);
int restore_chunk(struct restorer *r, unsigned long long line);
int restore_end(struct restorer *r, unsigned long long line);

#endif
