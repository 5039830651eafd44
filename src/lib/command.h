/* One subcommand, whole: what main.c's table lists, what the runner needs
 * to parse and run it, and what --help, --dump-options, the completions
 * and the manual are made from.
 *
 * A command's file defines one `const struct command` and keeps everything
 * else static.  The runner parses the words with its table into a bag of
 * options (args.h) and hands it to run, which asks for what it takes: its
 * own options and the parts every command shares (the TARGET,
 * --mode/--exclusive, --nowait/--timeout, ...) alike, by the option's val
 * (doc/ARCHITECTURE.md, "The life of one command"). */
#ifndef IPCTOOL_COMMAND_H
#define IPCTOOL_COMMAND_H

#include <stddef.h>

#include "lib/args.h"
#include "lib/cli.h"

/* What a command's positional arguments are, for the completions
 * (--dump-options prints it; see complete.c). */
enum complete {
	COMPLETE_NOTHING,
	COMPLETE_QUEUES,        /* a queue TARGET */
	COMPLETE_SEGMENTS,      /* a segment TARGET */
	COMPLETE_SEMAPHORES,    /* a semaphore TARGET */
	COMPLETE_OBJECT,        /* one TARGET of any kind (list) */
	COMPLETE_OBJECTS,       /* any number of TARGETs of any kind (rm) */
	COMPLETE_SIGNAL_PIDS,   /* a SIGNAL, then PIDs */
	COMPLETE_SIGNALS,       /* SIGNALs */
	COMPLETE_FILE,          /* a PATH */
	COMPLETE_SUBCOMMAND,    /* a subcommand's name */
};

enum command_flags {
	/* Takes `-- COMMAND [ARGS...]` after its options (sem-p, pipe-run,
	 * sock, recv --exec): the words after `--` are args.command. */
	COMMAND_RUNS_COMMAND = 1 << 0,
	/* Words written as kill(1) writes signals and process groups (a dash,
	 * then digits or a signal's name: -9, -TERM, -123) are positional
	 * words, not options (signal-send). */
	COMMAND_KILL_WORDS = 1 << 1,
};

struct command {
	const char *name;
	const char *summary;            /* one line, for `ipctool --help` */
	const char *synopsis;           /* what follows "ipctool NAME ", a form a line */
	const struct poptOption *table; /* its options, shared tables included */
	enum complete complete;         /* what its positional arguments are */
	unsigned flags;                 /* enum command_flags */
	/* The work, given the command line parsed (args.h): returns the exit
	 * status. */
	int (*run)(const struct args *a);
};

/* Parse ARGV (ARGV[0] is the command's name), run it and clean up.
 * Returns the exit status. */
int command_run(const struct command *c, int argc, const char **argv);

#endif
