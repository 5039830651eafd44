/* Getters of the args bag (lib/args.h) that it lacks, shared by list,
 * watch and metrics: each checks every value given, keeps the last and
 * names the option from the table in its usage error.  Candidates for
 * lib/args.c once the other commands that take --ns or an interval ask
 * the bag too. */
#ifndef IPCTOOL_CMDARGS_H
#define IPCTOOL_CMDARGS_H

#include <sys/types.h>
#include <time.h>

#include "lib/args.h"

/* --ns PID (the option VAL, CLI_NS_ENTRY) into *PID: 1 to 2^31-1.  0 with
 * *PID untouched when it was not given, or a usage error. */
int args_ns_pid(const struct args *a, int val, pid_t *pid);
/* Seconds between samples (VAL), decimals allowed, above 0.  0 with *OUT
 * untouched when it was not given, or a usage error. */
int args_interval(const struct args *a, int val, struct timespec *out);

#endif
