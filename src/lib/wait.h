/* Bounded waiting and clean termination.
 *
 * --nowait and --timeout share one struct wait.  A deadline is kept on
 * CLOCK_MONOTONIC, so neither a clock change nor a SIGSTOP/SIGCONT pause
 * makes a wait longer or shorter than asked: every EINTR re-checks the
 * deadline.  Blocking calls that take no timeout (msgsnd, msgrcv, semop,
 * open of a FIFO) are bounded by a timer signal that interrupts them.
 *
 * Termination signals (INT, TERM, HUP, QUIT) can be caught so a command
 * holding a taken message finishes or puts it back before it dies of the
 * same signal, as the shell expects (status 128+N). */
#ifndef IPCTOOL_WAIT_H
#define IPCTOOL_WAIT_H

#include <stdbool.h>
#include <time.h>

struct wait {
	bool nowait;              /* never block */
	bool bounded;             /* a deadline applies */
	struct timespec span;     /* the --timeout as given */
	struct timespec deadline; /* CLOCK_MONOTONIC */
};

/* TIMEOUT NULL: wait forever unless NOWAIT.  A zero timeout is --nowait. */
void wait_init(struct wait *w, bool nowait, const struct timespec *timeout);
/* Start the span again from now (--follow: the longest silence). */
void wait_restart(struct wait *w);
bool wait_expired(const struct wait *w);
/* Milliseconds left (for poll), 0 if expired, -1 if unbounded. */
int wait_remaining_ms(const struct wait *w);
/* Before a blocking call: make it return EINTR once the deadline passes.
 * Returns 0, or -1 with errno if the timer could not be set. */
int wait_arm(const struct wait *w);
/* After the call: stop the timer. */
void wait_disarm(void);

struct timespec monotonic_now(void);
/* A + B, A - B (A not before B), and their order: <0, 0, >0. */
struct timespec timespec_add(struct timespec a, struct timespec b);
struct timespec timespec_sub(struct timespec a, struct timespec b);
int timespec_cmp(struct timespec a, struct timespec b);
/* Milliseconds from now until T (CLOCK_MONOTONIC), rounded up so that a
 * sleep of that long never wakes before T; 0 once T has passed. */
long long ms_until(struct timespec t);

/* For a command that repeats every INTERVAL (metrics --interval, watch):
 * *DUE moved on by INTERVAL, or to now when that has passed already (a
 * round slower than the interval: the next starts at once, none is
 * made up). */
void interval_next(struct timespec *due, struct timespec interval);
/* Sleep until DUE (CLOCK_MONOTONIC), through EINTR; false when a caught
 * termination signal came first (termination_catch). */
bool sleep_until_due(const struct timespec *due);

/* Catch INT, TERM, HUP and QUIT: they set a flag and interrupt blocking
 * calls instead of killing the process. */
void termination_catch(void);
/* What the caught signal does, for another handler that also stands for
 * termination (spawn.c's): set the flag and interrupt blocking calls.
 * Async-signal-safe. */
void termination_note(int sig);
/* The signal that asked us to stop, or 0. */
int termination_pending(void);
/* If a termination signal came, die of it now (default action). */
void termination_honour(void);

#endif
