/* What mk* prints (ipctool-mkq(1)): the System V id or the POSIX /name of the
 * object it made or found, alone on a line.  That line is the only way a
 * caller learns of a private queue, so an object this call created whose
 * handle could not be written is removed again; one that existed already
 * is left as it was.  Either way the error names the object. */
#ifndef IPCTOOL_MADE_H
#define IPCTOOL_MADE_H

#include <stdbool.h>

#include "cmd/unapplied.h"
#include "lib/target.h"

struct made {
	enum ipc_kind kind;
	const struct target *target;  /* as created: a /name, or the key resolved */
	int id;                       /* System V */
	bool created;                 /* this call made it */
};

/* Before anything is made: status 2 (reported) for a TARGET that is an
 * id, as the mk* commands create by key, --ftok, /name or as private;
 * else 0. */
int made_check_target(const struct target *t);

/* Print the handle (the /name of a POSIX object, else the id) alone on a
 * line and flush it to stdout.  Returns EXIT_OK, or EXIT_FAIL after
 * removing a new object and reporting. */
int made_told(const struct made *m);
/* The whole report of an mk* command: the handle of what ASKED names
 * (made_told), then, when it existed already (not CREATED), what was asked
 * and not applied (unapplied_tell).  Returns made_told's status. */
int made_report(const struct asked *asked, bool created);

#endif
