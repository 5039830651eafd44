/* Reports of peers that sock --listen refused (sock.c), at most one line a
 * second per peer uid: a peer that repeats itself cannot flood stderr.  The
 * first refusal of a uid is reported at once; those within the next second
 * are counted, and reported in one line when the second is over (on the
 * next refusal, at the next sockrefuse_flush_due, or at sockrefuse_done). */
#ifndef IPCTOOL_SOCKREFUSE_H
#define IPCTOOL_SOCKREFUSE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct refused_uid {
	uid_t uid;
	pid_t last_pid;              /* the last refused peer of this uid */
	unsigned long long count;    /* refused since the last report */
	struct timespec reported;    /* when the last report went out */
};

struct sockrefuse {
	const char *where;           /* the listener's address, as given */
	const char *what;            /* "connection" or "datagram" */
	const char *whats;           /* its plural, when not WHAT and "s" */
	const char *why;             /* the reason, after a colon */
	struct refused_uid *v;
	size_t n, cap;
};

void sockrefuse_init(struct sockrefuse *r, const char *where, const char *what, const char *why);
/* One more refused peer. */
void sockrefuse_note(struct sockrefuse *r, pid_t pid, uid_t uid);
/* Report the counts whose second is over.  Returns the milliseconds until
 * the next one is due, or -1 when none waits. */
int sockrefuse_flush_due(struct sockrefuse *r);
/* Report every count left, and free. */
void sockrefuse_done(struct sockrefuse *r);

#endif
