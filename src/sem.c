/* mksem, sem-p and sem-v: System V semaphore sets from the shell
 * (SPEC §3, §6, §12), and the set helpers shm.c uses for --lock. */
#include "sem.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "error.h"
#include "parse.h"

/* glibc leaves the semctl(2) argument type to the caller. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* ---- finding and changing a set ---------------------------------------- */

const char *semset_name(const struct semset *s)
{
	static char name[4300];

	snprintf(name, sizeof(name), "semaphore set %s", target_describe(&s->target));
	return name;
}

static int no_such_set(const struct target *t)
{
	return fail("no semaphore set with %s%s", target_describe(t),
		    target_other_kind_hint(t, IPC_KIND_SEM));
}

static int stat_set(int id, struct semid_ds *ds)
{
	union semun arg = { .buf = ds };

	return semctl(id, 0, IPC_STAT, arg);
}

int semset_open(struct semset *s, struct target *t)
{
	struct semid_ds ds;
	key_t key;
	int rc;

	memset(s, 0, sizeof(*s));
	if (t->kind == TARGET_POSIX)
		return fail("%s: POSIX semaphores are not supported yet; use a System V id or key", t->path);
	s->target = *t;
	if (t->kind == TARGET_ID) {
		s->id = t->id;
	} else {
		if ((rc = target_key(&s->target, &key)))
			return rc;
		*t = s->target;
		s->id = semget(key, 0, 0);
		if (s->id < 0) {
			if (errno == ENOENT)
				return no_such_set(t);
			return fail_errno("cannot open semaphore set %s", target_describe(t));
		}
	}
	if (stat_set(s->id, &ds) == 0) {
		s->nsems = ds.sem_nsems;
	} else if (errno == EINVAL || errno == EIDRM) {
		return no_such_set(t);
	} else if (errno != EACCES) {
		return fail_errno("cannot inspect %s", semset_name(s));
	}
	/* EACCES: no read permission to see the size; changing a semaphore
	 * needs only alter permission, and semop checks the number itself. */
	return 0;
}

int semset_check_num(const struct semset *s, unsigned num)
{
	if (s->nsems && num >= s->nsems)
		return fail("--num %u is out of range: %s has %lu semaphore%s (0 to %lu)", num,
			    semset_name(s), s->nsems, s->nsems == 1 ? "" : "s", s->nsems - 1);
	return 0;
}

enum sem_result semset_change(const struct semset *s, unsigned num, int delta, int flags,
			      struct wait *w)
{
	struct sembuf op = { .sem_num = (unsigned short)num, .sem_op = (short)delta,
			     .sem_flg = (short)flags };

	if (w->nowait)
		op.sem_flg |= IPC_NOWAIT;
	for (;;) {
		struct timespec left, *timeout = NULL;
		if (w->bounded && !w->nowait) {
			int ms = wait_remaining_ms(w);
			if (ms == 0)
				return SEM_NOTHING;
			left.tv_sec = ms / 1000;
			left.tv_nsec = (long)(ms % 1000) * 1000000L;
			timeout = &left;
		}
		if (semtimedop(s->id, &op, 1, timeout) == 0)
			return SEM_DONE;
		/* semop is never restarted, not even after SIGSTOP/SIGCONT:
		 * an EINTR means wait again for what is left. */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return SEM_NOTHING;
		return SEM_ERROR;
	}
}

int semset_report(const struct semset *s, unsigned num, int delta, const char *action)
{
	switch (errno) {
	case EIDRM:
	case EINVAL:
		return fail("cannot %s semaphore %u of %s: it was removed", action, num, semset_name(s));
	case EFBIG:
		return fail("cannot %s semaphore %u of %s: the set has no semaphore %u", action, num,
			    semset_name(s), num);
	case ERANGE:
		if (delta > 0)
			return fail("cannot %s semaphore %u of %s: its value would pass %d (SEMVMX)", action,
				    num, semset_name(s), SEM_VALUE_MAX_SYSV);
		return fail("cannot %s semaphore %u of %s: the undo record would pass its limit (semaem)",
			    action, num, semset_name(s));
	case ENOSPC:
		return fail("cannot %s semaphore %u of %s: too many undo records (semmnu)", action, num,
			    semset_name(s));
	default:
		return fail_errno("cannot %s semaphore %u of %s", action, num, semset_name(s));
	}
}

int semset_lock(const struct semset *s)
{
	struct wait forever;

	wait_init(&forever, false, NULL);
	if (semset_change(s, 0, -1, SEM_UNDO, &forever) != SEM_DONE)
		return semset_report(s, 0, -1, "take the --lock");
	return 0;
}

int semset_unlock(const struct semset *s)
{
	struct wait forever;

	wait_init(&forever, false, NULL);
	/* With SEM_UNDO too, so the undo of the P is cancelled and the value
	 * ends where it was. */
	if (semset_change(s, 0, 1, SEM_UNDO, &forever) != SEM_DONE)
		return semset_report(s, 0, 1, "release the --lock");
	return 0;
}

/* ---- options shared by sem-p and sem-v ---------------------------------- */

enum { OPT_NSEMS = 1, OPT_VALUE, OPT_NUM, OPT_COUNT };

struct change_options {
	struct target target;
	struct wait_options wait;
	unsigned num;
	int count;
};

static int change_option(int val, const char *arg, void *data)
{
	struct change_options *o = data;
	unsigned long long v;
	const char *why;
	int rc;

	if ((rc = target_option(&o->target, val, arg)) != CLI_UNHANDLED)
		return rc;
	if ((rc = wait_option(&o->wait, val, arg)) != CLI_UNHANDLED)
		return rc;
	switch (val) {
	case OPT_NUM:
		if ((why = parse_unsigned(arg, 0, USHRT_MAX, &v)))
			return cli_bad_value("--num", arg, why);
		o->num = (unsigned)v;
		return 0;
	case OPT_COUNT:
		if (strcmp(arg, "0") == 0)
			return usage_error("--count must be at least 1 (a change of 0 does nothing)");
		if ((why = parse_unsigned(arg, 1, SEM_VALUE_MAX_SYSV, &v)))
			return cli_bad_value("--count", arg, why);
		o->count = (int)v;
		return 0;
	}
	return CLI_UNHANDLED;
}

/* ---- mksem -------------------------------------------------------------- */

struct mksem_options {
	struct target target;
	struct create_options create;
	unsigned long nsems;
	bool value_given;
	unsigned short value;
};

static struct poptOption mksem_table[] = {
	TARGET_TABLE,
	CLI_INCLUDE(cli_create_options, "Creating:"),
	{ "nsems", 'N', POPT_ARG_STRING, NULL, OPT_NSEMS, "semaphores in the set, 1 or more (default 1)", "N" },
	{ "value", 'v', POPT_ARG_STRING, NULL, OPT_VALUE,
	  "initial value of every semaphore, 0 to 32767, applied only when the set is created here", "V" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int mksem_option(int val, const char *arg, void *data)
{
	struct mksem_options *o = data;
	unsigned long long v;
	const char *why;
	int rc;

	if ((rc = target_option(&o->target, val, arg)) != CLI_UNHANDLED)
		return rc;
	if ((rc = create_option(&o->create, val, arg)) != CLI_UNHANDLED)
		return rc;
	switch (val) {
	case OPT_NSEMS:
		if (strcmp(arg, "0") == 0)
			return usage_error("--nsems must be at least 1 (a set holds 1 or more semaphores)");
		if ((why = parse_unsigned(arg, 1, INT_MAX, &v)))
			return cli_bad_value("--nsems", arg, why);
		o->nsems = (unsigned long)v;
		return 0;
	case OPT_VALUE:
		if ((why = parse_unsigned(arg, 0, SEM_VALUE_MAX_SYSV, &v)))
			return cli_bad_value("--value", arg, why);
		o->value = (unsigned short)v;
		o->value_given = true;
		return 0;
	}
	return CLI_UNHANDLED;
}

static unsigned long read_sem_limit(int field)
{
	unsigned long v[4] = { 0, 0, 0, 0 };
	FILE *f = fopen("/proc/sys/kernel/sem", "r");

	if (f) {
		if (fscanf(f, "%lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3]) != 4)
			v[field] = 0;
		fclose(f);
	}
	return v[field];
}

static int create_failed(const struct target *t, unsigned long nsems)
{
	if (errno == EINVAL)
		return fail("cannot create semaphore set %s: --nsems %lu is more than semmsl (%lu)",
			    target_describe(t), nsems, read_sem_limit(0));
	if (errno == ENOSPC)
		return fail("cannot create semaphore set %s: the system limit on sets (semmni %lu) "
			    "or semaphores (semmns %lu) is reached", target_describe(t),
			    read_sem_limit(3), read_sem_limit(1));
	return fail_errno("cannot create semaphore set %s", target_describe(t));
}

/* Give a new set its values, then mark it ready: sem_otime stays 0 until
 * the first semop, so a joiner that sees it nonzero knows the values are
 * in place.  Taking and giving back one unit of semaphore 0 in one
 * atomic semop leaves the values as set (a 0 is waited for, which
 * succeeds at once). */
static int initialise_set(int id, unsigned long nsems, bool value_given, unsigned short value)
{
	struct sembuf take_give[2] = { { 0, -1, IPC_NOWAIT }, { 0, 1, IPC_NOWAIT } };
	struct sembuf zero = { 0, 0, IPC_NOWAIT };

	if (value_given && value > 0) {
		unsigned short *values = malloc(nsems * sizeof(*values));
		if (!values)
			return -1;
		for (unsigned long i = 0; i < nsems; i++)
			values[i] = value;
		union semun arg = { .array = values };
		int rc = semctl(id, 0, SETALL, arg);
		free(values);
		if (rc != 0)
			return -1;
		return semop(id, take_give, 2);
	}
	return semop(id, &zero, 1);
}

/* SPEC §12: a set that exists but was never operated on is being set up by
 * its creator: wait up to 1 s for it to be marked ready. */
static void wait_until_ready(int id)
{
	struct timespec second = { 1, 0 }, pause = { 0, 10000000L };
	struct semid_ds ds;
	struct wait w;

	wait_init(&w, false, &second);
	while (stat_set(id, &ds) == 0 && ds.sem_otime == 0 && !wait_expired(&w))
		nanosleep(&pause, NULL);
}

static int join_existing(const struct mksem_options *o, key_t key, int *id)
{
	struct semid_ds ds;

	*id = semget(key, 0, 0);
	if (*id < 0)
		return -1;
	if (stat_set(*id, &ds) != 0) {
		if (errno != EACCES)
			return -1;
		/* Cannot see the size: let semget compare it. */
		if (semget(key, (int)o->nsems, 0) < 0 && errno == EINVAL)
			return fail("semaphore set %s has fewer semaphores than --nsems %lu",
				    target_describe(&o->target), o->nsems);
		return 0;
	}
	if (o->nsems > ds.sem_nsems)
		return fail("semaphore set %s has %lu semaphore%s, fewer than --nsems %lu",
			    target_describe(&o->target), (unsigned long)ds.sem_nsems,
			    ds.sem_nsems == 1 ? "" : "s", o->nsems);
	if (o->value_given && ds.sem_otime == 0)
		wait_until_ready(*id);
	return 0;
}

static int create_set(struct mksem_options *o, int *id)
{
	key_t key = IPC_PRIVATE;
	int rc;

	if (o->target.kind != TARGET_NONE && (rc = target_key(&o->target, &key)))
		return rc;
	for (;;) {
		*id = semget(key, (int)o->nsems, IPC_CREAT | IPC_EXCL | (int)o->create.mode);
		if (*id >= 0)
			break;
		if (errno != EEXIST)
			return create_failed(&o->target, o->nsems);
		if (o->create.exclusive)
			return fail("semaphore set %s already exists", target_describe(&o->target));
		/* Idempotent: the existing set, unchanged (SPEC §12). */
		rc = join_existing(o, key, id);
		if (rc >= 0)
			return rc;
		if (errno != ENOENT && errno != EINVAL && errno != EIDRM)
			return fail_errno("cannot open semaphore set %s", target_describe(&o->target));
		/* Removed between the calls: try to create it again. */
	}
	if (initialise_set(*id, o->nsems, o->value_given, o->value) != 0) {
		int saved = errno;
		union semun unused = { .val = 0 };
		semctl(*id, 0, IPC_RMID, unused);   /* no half-made set */
		errno = saved;
		return fail_errno("cannot initialise semaphore set %s; it was not created",
				  target_describe(&o->target));
	}
	return 0;
}

static int mksem_run(struct mksem_options *o, const struct cli *cli)
{
	int next, id, rc;

	if ((rc = target_finish(&o->target, cli, false, &next)) || (rc = cli_extra_args(cli, next)))
		return rc;
	if (o->target.kind == TARGET_ID)
		return usage_error("objects are created by key, --ftok, /name or as private, never by id ('%s')",
				   o->target.text);
	if (o->target.kind == TARGET_POSIX)
		return fail("%s: POSIX semaphores are not supported yet; use --key, --ftok or no TARGET",
			    o->target.path);
	if ((rc = create_set(o, &id)))
		return rc;
	printf("%d\n", id);
	return EXIT_OK;
}

int cmd_mksem(int argc, const char **argv)
{
	struct mksem_options o = { .nsems = 1 };
	struct cli cli;

	target_init(&o.target);
	create_options_init(&o.create);
	int rc = cli_parse(&cli, argc, argv, mksem_table,
			   "[TARGET] [--nsems N] [--value V] [--mode MODE] [--exclusive]", mksem_option, &o);
	if (rc == 0)
		rc = mksem_run(&o, &cli);
	cli_free(&cli);
	return cli_status(rc);
}

/* ---- sem-p -------------------------------------------------------------- */

static struct poptOption semp_table[] = {
	TARGET_TABLE,
	{ "num", 'i', POPT_ARG_STRING, NULL, OPT_NUM, "which semaphore of the set (default 0)", "I" },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT, "how much to take, 1 to 32767 (default 1)", "K" },
	CLI_INCLUDE(cli_wait_options, "Waiting:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* The command starts as if from a fresh shell: default dispositions and
 * an empty mask (SPEC §12), whatever ipctool was handed. */
static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);   /* fails harmlessly for the C library's own */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Replace ipctool with COMMAND.  The P was made with SEM_UNDO, and undo
 * records survive exec: the kernel gives the semaphore back when COMMAND
 * ends or is killed, even by SIGKILL, and the shell sees COMMAND's own
 * status.  Returns only when exec failed, with the shell's status. */
static int run_command(const char **command)
{
	reset_signals();
	execvp(command[0], (char *const *)command);
	int status = errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	fail_errno("cannot run '%s'", command[0]);
	return status;
}

static int semp_run(struct change_options *o, const struct cli *cli, const char **command)
{
	struct semset set;
	struct wait w;
	int next, rc;

	if ((rc = target_finish(&o->target, cli, true, &next)) || (rc = cli_extra_args(cli, next)) ||
	    (rc = wait_options_check(&o->wait)))
		return rc;
	if (command && !command[0])
		return usage_error("'--' must be followed by a COMMAND to run");
	if ((rc = semset_open(&set, &o->target)) || (rc = semset_check_num(&set, o->num)))
		return rc;
	wait_init(&w, o->wait.nowait, o->wait.has_timeout ? &o->wait.timeout : NULL);
	switch (semset_change(&set, o->num, -o->count, command ? SEM_UNDO : 0, &w)) {
	case SEM_DONE:
		break;
	case SEM_NOTHING:
		warn("semaphore %u of %s could not be taken %s", o->num, semset_name(&set),
		     w.nowait ? "without waiting" : "before the timeout");
		return EXIT_NOTHING;
	default:
		return semset_report(&set, o->num, -o->count, "take");
	}
	return command ? run_command(command) : EXIT_OK;
}

int cmd_sem_p(int argc, const char **argv)
{
	struct change_options o = { .count = 1 };
	struct cli cli;
	int split = cli_command_start(argc, argv);
	const char **command = split < argc ? argv + split + 1 : NULL;

	target_init(&o.target);
	int rc = cli_parse(&cli, split, argv, semp_table,
			   "TARGET [--num I] [--count K] [--nowait | --timeout SECS] [-- COMMAND [ARGS...]]",
			   change_option, &o);
	if (rc == 0)
		rc = semp_run(&o, &cli, command);
	cli_free(&cli);
	return cli_status(rc);
}

/* ---- sem-v -------------------------------------------------------------- */

static struct poptOption semv_table[] = {
	TARGET_TABLE,
	{ "num", 'i', POPT_ARG_STRING, NULL, OPT_NUM, "which semaphore of the set (default 0)", "I" },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT, "how much to add, 1 to 32767 (default 1)", "K" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int semv_run(struct change_options *o, const struct cli *cli)
{
	struct semset set;
	struct wait w;
	int next, rc;

	if ((rc = target_finish(&o->target, cli, true, &next)) || (rc = cli_extra_args(cli, next)))
		return rc;
	if ((rc = semset_open(&set, &o->target)) || (rc = semset_check_num(&set, o->num)))
		return rc;
	wait_init(&w, false, NULL);
	if (semset_change(&set, o->num, o->count, 0, &w) != SEM_DONE)
		return semset_report(&set, o->num, o->count, "release");
	return EXIT_OK;
}

int cmd_sem_v(int argc, const char **argv)
{
	struct change_options o = { .count = 1 };
	struct cli cli;

	target_init(&o.target);
	int rc = cli_parse(&cli, argc, argv, semv_table, "TARGET [--num I] [--count K]",
			   change_option, &o);
	if (rc == 0)
		rc = semv_run(&o, &cli);
	cli_free(&cli);
	return cli_status(rc);
}
