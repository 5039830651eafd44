/* What the options several subcommands share mean, without popt: the
 * mechanism interfaces take these, and only the command layer (cli.c)
 * knows how they are spelled on the command line. */
#ifndef IPCTOOL_OPTIONS_H
#define IPCTOOL_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/* --mode, --exclusive */
struct create_options {
	mode_t mode;          /* default 0600 */
	bool exclusive;
	bool given;           /* either was on the command line */
};

/* --nowait, --timeout */
struct wait_options {
	bool nowait;
	bool has_timeout;
	struct timespec timeout;
};

/* --queues/--shm/--sems, --sysv/--posix, --user: which objects (list, rm) */
struct select_options {
	unsigned kinds;       /* bits 1 << enum ipc_kind; 0 = no kind option */
	bool sysv, posix;     /* family options */
	bool has_user;
	uid_t user;
};

#endif
