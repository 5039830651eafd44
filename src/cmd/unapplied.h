/* mk* on an object that already exists returns it unchanged (ipctool(1))
 * and says, in one line on stderr, what the command line asked for that
 * the object does not have (ipctool-recv(1)): only what was asked is compared. */
#ifndef IPCTOOL_UNAPPLIED_H
#define IPCTOOL_UNAPPLIED_H

#include <stdbool.h>

#include "lib/options.h"
#include "lib/target.h"

struct asked {
	enum ipc_kind kind;
	const struct target *target;        /* a /name, or the key resolved */
	int id;                             /* System V */
	const struct create_options *create;
	unsigned long long size;            /* mkshm --size */
	unsigned long nsems;                /* mksem --nsems; 0: not asked */
	bool value_given;                   /* mksem --value */
	unsigned value;
};

/* After mk* found the object existing: warn about what was not applied. */
void unapplied_tell(const struct asked *a);

#endif
