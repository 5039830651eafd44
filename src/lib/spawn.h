/* Running a COMMAND: every program ipctool starts (pipe-run's stages,
 * sem-p's COMMAND) goes through here, so each starts the same way and is
 * waited for the same way.
 *
 * A child starts as if from a fresh shell (ipctool(1)): every signal at its
 * default action, the C library's own two (32 and 33) included, an empty
 * signal mask, the descriptors it was given as stdin and stdout and those
 * ipctool itself inherited (every descriptor ipctool opens is close-on-exec),
 * argv[0] looked up in PATH with no shell.  INT, TERM, HUP and QUIT that
 * reach ipctool while children run are passed on to each of them, and a
 * signal is never passed to a pid that was already reaped.  Statuses are a
 * shell's: the exit status, 128+N for signal N, 126 found but not
 * executable, 127 not found. */
#ifndef IPCTOOL_SPAWN_H
#define IPCTOOL_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct spawn {
	char *const *argv;   /* NULL-terminated; argv[0] is looked up in PATH */
	int in, out, err;    /* become stdin, stdout, stderr; -1 keeps ipctool's */
	char *const *env;    /* NULL-terminated "NAME=VALUE" entries added to (or
	                      * replacing in) the child's environment; NULL: none */
	pid_t pid;           /* while it runs; 0 before and after */
	int status;          /* as a shell reports it, once reaped */
	int signal;          /* the signal that killed it, or 0 */
};

/* Once, at start, for every subcommand: SIGCHLD back to its default and
 * SIGCHLD and SIGALRM unblocked, whatever ipctool's parent left (a parent
 * that ignored SIGCHLD makes the kernel reap children itself, so no exit
 * status could be read; one that blocked SIGALRM would stop --timeout).
 * INT, TERM, HUP and QUIT keep what was inherited (nohup). */
void spawn_reset_inherited_signals(void);

/* A spawn of ARGV with ipctool's own stdin and stdout. */
void spawn_init(struct spawn *s, char *const *argv);

/* From now on, INT, TERM, HUP and QUIT are passed on to every running
 * child (those ipctool's parent had ignored stay ignored by ipctool; the
 * children still start with the default). */
void spawn_forward_signals(void);

/* The same, for a command that keeps working while its children run
 * (recv --exec, sock --listen -- COMMAND): the passed-on signal also asks ipctool itself to stop
 * (termination_pending(), wait.h) and interrupts its blocking calls,
 * so that it takes no more work, waits for the children and then dies
 * of the signal.  termination_catch() must have been called first. */
void spawn_forward_signals_terminating(void);

/* Hold the passed-on signals (OLD gets the previous mask) while several
 * children start, so that one arriving meanwhile reaches all of them once
 * spawn_release restores OLD. */
void spawn_hold(sigset_t *old);
void spawn_release(const sigset_t *old);

/* Start S.  Returns 0 once the child runs its command, or the errno of a
 * failed start (vfork or exec; the failed child is reaped), which
 * spawn_report turns into the shell's status. */
int spawn_start(struct spawn *s);

/* Report a failed start on stderr, one line, and set and return S's
 * status: 127 for a command not found in PATH, 126 otherwise. */
int spawn_report(struct spawn *s, int err);

/* The shell's status for a start that failed with ERR (126 or 127),
 * without reporting it: for a caller that words the failure itself. */
int spawn_start_status(int err);

/* Wait for S to end and reap it; returns its status (also in S). */
int spawn_wait(struct spawn *s);

/* Wait for the first of the N running spawns of SET to end (entries may
 * be NULL or not running), reap it and return it; with BLOCK false return
 * NULL at once when none has ended.  Every child ipctool has must be in
 * SET: one that is not is left unreaped and NULL returned.  Also NULL
 * when no child runs. */
struct spawn *spawn_wait_any(struct spawn *const *set, size_t n, bool block);

/* Has S ended?  Reaps it and returns 1 if so (status in S), 0 while it
 * runs; never blocks.  For a command serving several children at once. */
int spawn_try_wait(struct spawn *s);

/* Replace ipctool with ARGV, prepared as a child would be (for sem-p,
 * whose undo records must survive in the same process).  Returns only if
 * exec failed, having reported it, with the shell's status. */
int spawn_exec(char *const *argv);

#endif
