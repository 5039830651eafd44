/* One subcommand, whole: what main.c's table lists, what the runner needs
 * to parse, run and clean up after it, and what --help, --dump-options,
 * the completions and the manual are made from.
 *
 * A command's file defines one `const struct command` and keeps everything
 * else static.  Its options live in one struct of its own; the parts every
 * command shares (the TARGET, --mode/--exclusive, --nowait/--timeout) are
 * members of that struct that the entry points at, and the runner handles
 * their options, so a command's option handler sees only its own. */
#ifndef IPCTOOL_COMMAND_H
#define IPCTOOL_COMMAND_H

#include <stddef.h>

#include "lib/args.h"
#include "lib/cli.h"

/* Where a shared part sits in a command's options struct, for the entry's
 * .target, .create and .wait; an entry leaves out the parts it has not. */
#define PART(type, member) (offsetof(type, member) + 1)

enum target_use {
	TARGET_REQUIRED,      /* the default */
	TARGET_OPTIONAL,      /* mk*: none means a private object */
};

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
	const char *synopsis;           /* what follows "ipctool NAME " */
	const struct poptOption *table; /* its options, shared tables included */
	size_t size;                    /* sizeof its options struct */
	size_t target, create, wait;    /* PART(), or 0 when it has none */
	size_t select;                  /* kinds, families, --user (list, rm) */
	size_t format;                  /* a struct table_format: --json, --raw, ... */
	enum target_use target_use;
	enum complete complete;         /* what its positional arguments are */
	/* Takes `-- COMMAND [ARGS...]` after its options (sem-p, pipe-run). */
	bool runs_command;
	/* With runs_command: only when one of these words (an option's
	 * spellings) comes before `--` does it start a COMMAND; otherwise `--`
	 * ends the options as usual (recv's --exec, so that `recv -- TARGET`
	 * still works).  NULL: `--` always starts it. */
	const char *const *command_after;
	/* A look at the words before popt sees them, for a command whose
	 * words popt would misread (signal-send's `-9`); may be NULL. */
	int (*check_words)(int argc, const char **argv, const struct poptOption *table);
	/* Defaults beyond all-zero and the shared parts' own; may be NULL. */
	void (*init)(void *opts);
	/* Its own options (vals 1..999); may be NULL when it has none. */
	int (*option)(int val, const char *arg, void *opts);
	/* The work, once the command line is parsed: CLI's positional arguments
	 * after the TARGET start at cli->next; cli->command is the argv after
	 * `--` for a command that runs one (NULL when there was none). */
	int (*old_run)(void *opts, const struct cli *cli);
	/* The new shape (args.h): what the runner parsed, asked by option. */
	unsigned flags;                 /* COMMAND_RUNS_COMMAND, COMMAND_KILL_WORDS */
	int (*run)(const struct args *a);
	/* Frees what the option handler allocated; may be NULL. */
	void (*done)(void *opts);
};

/* Parse ARGV (ARGV[0] is the command's name), run it and clean up.
 * Returns the exit status. */
int command_run(const struct command *c, int argc, const char **argv);

#endif
