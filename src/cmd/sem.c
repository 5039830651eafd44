/* mksem, sem-p and sem-v: semaphores from the shell (ipctool-mkq(1), ipctool-sem-p(1), ipctool(1)),
 * System V sets and POSIX named semaphores through one interface (sem.h),
 * which shm.c also uses for --lock. */
#include "mech/sem.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "cmd/made.h"
#include "lib/spawn.h"
#include "cmd/unapplied.h"

/* ---- options shared by sem-p and sem-v ---------------------------------- */

enum { OPT_NSEMS = 1, OPT_VALUE, OPT_NUM, OPT_COUNT };

struct change_options {
	struct target target;
	struct wait_options wait;
	unsigned num;
	int count;
};

/* --count K: 0 is said plainly, it is no change at all. */
static int read_count(const struct args *a, int *count)
{
	unsigned long long v = 1;
	int rc;

	for (const struct arg *g = NULL; (g = args_next(a, OPT_COUNT, g));)
		if (strcmp(g->value, "0") == 0)
			return usage_error("--count must be at least 1 (a change of 0 does nothing)");
	rc = args_unsigned(a, OPT_COUNT, 1, SEM_VALUE_MAX_SYSV, &v);
	*count = (int)v;
	return rc;
}

/* A POSIX semaphore is one semaphore: --num can only name it as 0. */
static int check_posix_num(const struct change_options *o)
{
	int rc;

	if ((rc = semaphore_check_name(&o->target)))
		return rc;
	if (o->target.kind == TARGET_POSIX && o->num != 0)
		return usage_error("--num %u: POSIX semaphore %s is a single semaphore (only --num 0 names it)",
				   o->num, o->target.path);
	return 0;
}

/* sem-p's and sem-v's options (WAITS: sem-p's --nowait/--timeout), then
 * the TARGET with nothing after it. */
static int read_change(const struct args *a, struct change_options *o, bool waits)
{
	unsigned long long num = 0;
	int next, rc;

	*o = (struct change_options){ 0 };
	if ((rc = args_unsigned(a, OPT_NUM, 0, USHRT_MAX, &num)) || (rc = read_count(a, &o->count)) ||
	    (waits && (rc = args_wait(a, &o->wait))))
		return rc;
	o->num = (unsigned)num;
	if ((rc = args_target(a, &o->target, true, &next)) || (rc = args_no_more(a, next)))
		return rc;
	return check_posix_num(o);
}

/* ---- mksem -------------------------------------------------------------- */

struct mksem_options {
	struct target target;
	struct create_options create;
	unsigned long nsems;
	bool nsems_given;
	bool value_given;
	unsigned value;
};

static struct poptOption mksem_table[] = {
	TARGET_TABLE,
	CLI_INCLUDE(cli_create_options, "Creating:"),
	{ "nsems", 'N', POPT_ARG_STRING, NULL, OPT_NSEMS,
	  "semaphores in the set, 1 or more (default 1; a POSIX semaphore is 1)", "N" },
	{ "value", 'v', POPT_ARG_STRING, NULL, OPT_VALUE,
	  "initial value of every semaphore, 0 to 32767 (POSIX: to SEM_VALUE_MAX), applied only when "
	  "created here", "V" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int read_mksem(const struct args *a, struct mksem_options *o)
{
	unsigned long long nsems = 1, value = 0;
	int next, rc;

	for (const struct arg *g = NULL; (g = args_next(a, OPT_NSEMS, g));)
		if (strcmp(g->value, "0") == 0)
			return usage_error("--nsems must be at least 1 (a set holds 1 or more semaphores)");
	if ((rc = args_unsigned(a, OPT_NSEMS, 1, INT_MAX, &nsems)) ||
	    (rc = args_unsigned(a, OPT_VALUE, 0, SEM_VALUE_MAX, &value)) || (rc = args_create(a, &o->create)))
		return rc;
	o->nsems = (unsigned long)nsems;
	o->nsems_given = args_has(a, OPT_NSEMS);
	o->value = (unsigned)value;
	o->value_given = args_has(a, OPT_VALUE);
	if ((rc = args_target(a, &o->target, false, &next)))
		return rc;
	return args_no_more(a, next);
}

/* The limit of --value depends on the kind, known once TARGET is: read
 * again against System V's for a set. */
static int mksem_check_kind(const struct args *a, const struct mksem_options *o)
{
	unsigned long long value;
	int rc;

	if (o->target.kind != TARGET_POSIX)
		return args_unsigned(a, OPT_VALUE, 0, SEM_VALUE_MAX_SYSV, &value);
	if ((rc = semaphore_check_name(&o->target)))
		return rc;
	if (o->nsems != 1)
		return usage_error("--nsems %lu: POSIX semaphore %s is a single semaphore (--nsems 1 only)",
				   o->nsems, o->target.path);
	return 0;
}

static int mksem_run(const struct args *a)
{
	struct mksem_options opts, *o = &opts;
	struct semaphore sem;
	int rc;

	if ((rc = read_mksem(a, o)) || (rc = made_check_target(&o->target)) || (rc = mksem_check_kind(a, o)))
		return rc;
	rc = semaphore_create(&sem, &o->target, &o->create, o->nsems, o->value_given, o->value);
	if (rc == 0)
		rc = made_report(&(struct asked){ .kind = IPC_KIND_SEM, .target = &sem.target, .id = sem.id,
						  .create = &o->create, .nsems = o->nsems_given ? o->nsems : 0,
						  .value_given = o->value_given, .value = o->value }, sem.created);
	semaphore_close(&sem);
	return rc;
}

const struct command command_mksem = {
	.name = "mksem",
	.summary = "create a System V semaphore set or POSIX semaphore, or find one",
	.synopsis = "[TARGET] [--nsems N] [--value V] [--mode MODE] [--exclusive]",
	.table = mksem_table,
	.complete = COMPLETE_SEMAPHORES,
	.run = mksem_run,
};

/* ---- sem-p -------------------------------------------------------------- */

static struct poptOption semp_table[] = {
	TARGET_TABLE,
	{ "num", '\0', POPT_ARG_STRING, NULL, OPT_NUM, "which semaphore of the set (default 0)", "I" },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT, "how much to take, 1 to 32767 (default 1)", "K" },
	CLI_INCLUDE(cli_wait_options, "Waiting:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* Without undo the semaphore cannot be left to the kernel: run COMMAND in
 * a child, pass INT, TERM, HUP and QUIT on to it, wait for it, give the
 * semaphore back, and exit with the command's status as a shell would. */
static int run_then_release(struct semaphore *s, int count, const char **command)
{
	struct spawn child;
	struct wait forever;
	sigset_t old;
	int status, rc;

	spawn_init(&child, (char *const *)command);
	/* A signal that comes while COMMAND starts is passed on once it runs. */
	spawn_hold(&old);
	spawn_forward_signals();
	rc = spawn_start(&child);
	spawn_release(&old);
	status = rc ? spawn_report(&child, rc) : spawn_wait(&child);
	wait_init(&forever, false, NULL);
	if (semaphore_change(s, 0, count, false, &forever) != SEM_DONE &&
	    (rc = semaphore_report(s, 0, count, "release")) && status == 0)
		status = rc;
	return status;
}

static int semp_take(struct semaphore *s, const struct change_options *o, bool undo)
{
	struct wait w;

	wait_init(&w, o->wait.nowait, o->wait.has_timeout ? &o->wait.timeout : NULL);
	/* A take without undo that is interrupted gives back what it took
	 * (--count K is K steps), then dies of the signal. */
	if (!s->ops->has_undo)
		termination_catch();
	switch (semaphore_change(s, o->num, -o->count, undo, &w)) {
	case SEM_DONE:
		if (!s->ops->has_undo && termination_pending()) {
			/* Asked to stop just as it was taken: give it back first. */
			wait_init(&w, false, NULL);
			semaphore_change(s, o->num, o->count, false, &w);
			termination_honour();
		}
		return 0;
	case SEM_NOTHING:
		warn("%s could not be taken %s", semaphore_which(s, o->num),
		     w.nowait ? "without waiting" : "before the timeout");
		return EXIT_NOTHING;
	case SEM_INTERRUPTED:
		termination_honour();
		return EXIT_FAIL;
	default:
		return semaphore_report(s, o->num, -o->count, "take");
	}
}

static int semp_run(const struct args *a)
{
	struct change_options opts, *o = &opts;
	const char **command = a->command;
	struct semaphore sem;
	int rc;

	if ((rc = read_change(a, o, true)))
		return rc;
	if (command && !command[0])
		return usage_error("'--' must be followed by a COMMAND to run");
	if ((rc = semaphore_open(&sem, &o->target)) || (rc = semaphore_check_num(&sem, o->num))) {
		semaphore_close(&sem);
		return rc;
	}
	if (command && !sem.ops->has_undo)
		warn("warning: %s has no undo: if ipctool is killed (SIGKILL) while '%s' runs, "
		     "the semaphore stays taken", semaphore_name(&sem), command[0]);
	rc = semp_take(&sem, o, command != NULL);
	if (rc == 0 && command) {
		/* System V: the P was made with SEM_UNDO, and undo records
		 * survive exec, so ipctool becomes COMMAND and the kernel gives
		 * the semaphore back however it ends, even by SIGKILL. */
		rc = sem.ops->has_undo ? spawn_exec((char *const *)command)
				       : run_then_release(&sem, o->count, command);
	}
	semaphore_close(&sem);
	return rc;
}

const struct command command_sem_p = {
	.name = "sem-p",
	.summary = "take a semaphore (wait, decrement), or hold it around a COMMAND",
	.synopsis = "TARGET [--num I] [--count K] [--nowait | --timeout SECS] [-- COMMAND [ARGS...]]",
	.table = semp_table,
	.complete = COMPLETE_SEMAPHORES,
	.flags = COMMAND_RUNS_COMMAND,
	.run = semp_run,
};

/* ---- sem-v -------------------------------------------------------------- */

static struct poptOption semv_table[] = {
	TARGET_TABLE,
	{ "num", '\0', POPT_ARG_STRING, NULL, OPT_NUM, "which semaphore of the set (default 0)", "I" },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT, "how much to add, 1 to 32767 (default 1)", "K" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int semv_run(const struct args *a)
{
	struct change_options opts, *o = &opts;
	struct semaphore sem;
	struct wait w;
	int rc;

	if ((rc = read_change(a, o, false)))
		return rc;
	if ((rc = semaphore_open(&sem, &o->target)) == 0 && (rc = semaphore_check_num(&sem, o->num)) == 0) {
		wait_init(&w, false, NULL);
		if (semaphore_change(&sem, o->num, o->count, false, &w) != SEM_DONE)
			rc = semaphore_report(&sem, o->num, o->count, "release");
	}
	semaphore_close(&sem);
	return rc;
}

const struct command command_sem_v = {
	.name = "sem-v",
	.summary = "give a semaphore back (increment)",
	.synopsis = "TARGET [--num I] [--count K]",
	.table = semv_table,
	.complete = COMPLETE_SEMAPHORES,
	.run = semv_run,
};
